"""Split text into the word pieces of an uncased BERT vocabulary (what MiniLM reads).

The same steps as BERT's own tokenizer: clean the text, lower case it, strip accents,
split on white space and punctuation, then cut each word greedily into the longest
pieces the vocabulary has ("unhappiest" -> "un", "##happi", "##est"). A word that cannot
be cut, or is longer than 100 characters, becomes [UNK].
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from pathlib import Path

LONGEST_WORD = 100


class WordPiece:
    """An uncased WordPiece tokenizer over a vocabulary, one piece per line."""

    def __init__(self, vocab: Sequence[str]) -> None:
        self.ids = {piece: i for i, piece in enumerate(vocab)}
        self.unknown = self.ids["[UNK]"]
        self.first = self.ids["[CLS]"]
        self.last = self.ids["[SEP]"]

    @classmethod
    def from_file(cls, path: Path) -> WordPiece:
        return cls(path.read_text(encoding="utf-8").splitlines())

    def encode(self, text: str) -> list[int]:
        """The ids of `text`'s pieces, without [CLS] and [SEP]."""
        ids: list[int] = []
        for word in _words(text):
            ids.extend(self._pieces(word))
        return ids

    def _pieces(self, word: str) -> list[int]:
        if len(word) > LONGEST_WORD:
            return [self.unknown]
        pieces: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.ids:
                    pieces.append(self.ids[piece])
                    break
                end -= 1
            else:
                return [self.unknown]
            start = end
        return pieces


def _words(text: str) -> list[str]:
    text = "".join(_clean(char) for char in text).lower()
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    words: list[str] = []
    for chunk in text.split():
        word = ""
        for char in chunk:
            if _is_punctuation(char):
                if word:
                    words.append(word)
                words.append(char)
                word = ""
            else:
                word += char
        if word:
            words.append(word)
    return words


def _clean(char: str) -> str:
    code = ord(char)
    if code == 0 or code == 0xFFFD:
        return ""
    if char in "\t\n\r" or unicodedata.category(char) == "Zs":
        return " "
    if unicodedata.category(char).startswith("C"):
        return ""
    if _is_cjk(code):
        return f" {char} "
    return char


def _is_punctuation(char: str) -> bool:
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(code: int) -> bool:
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x2A6DF
        or 0x2A700 <= code <= 0x2CEAF
        or 0xF900 <= code <= 0xFAFF
        or 0x2F800 <= code <= 0x2FA1F
    )
