"""Numbers in what people say: digits, number words, ordinals, and recogniser mishearings.

Works on text already normalised by `coach.dialog.understand` (lower-case, no punctuation,
no apostrophes). Pure functions; `understand.parse_number` turns the result into a Reading.
"""

from __future__ import annotations

from typing import NamedTuple

_UNITS = {
    "zero": 0, "nought": 0, "one": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
}  # fmt: skip
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
    "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
}  # fmt: skip
# What a speech recogniser writes when someone says a lone number word.
HOMOPHONES = {
    "won": 1, "to": 2, "too": 2, "tree": 3, "free": 3, "for": 4, "fore": 4,
    "sex": 6, "sicks": 6, "ate": 8,
}  # fmt: skip
# No number, but on a scale that starts at zero they mean zero.
ZERO_PHRASES = ("none", "none at all", "nothing", "nothing at all", "not at all", "zilch", "nada")
_FRACTIONS = {("and", "a", "half"): 0.5, ("and", "half"): 0.5, ("and", "a", "quarter"): 0.25}
# "one" as a pronoun, not a number: "no one", "the one", "this one".
_NOT_A_NUMBER_BEFORE_ONE = frozenset(
    ("no", "the", "this", "that", "which", "every", "any", "each", "some", "another", "only")
)
_MAX_DIGITS = 9  # longer digit strings are not answers (and int() of huge strings is slow)
_WORD_FOR = {n: word for word, n in reversed({**_UNITS, **_TEENS, **_TENS}.items())}
"""The word for each number; where there are two, the first: "zero", "forty"."""
ORDINAL_WORDS = tuple(sorted(ORDINALS, key=ORDINALS.__getitem__))
"""first, second ... tenth."""


class Span(NamedTuple):
    """A number heard in the tokens [start, end)."""

    value: float
    start: int
    end: int


class Heard(NamedTuple):
    """Everything number-like in an utterance."""

    values: tuple[float, ...]  # numbers said, in order, without "out of N" or scale bounds
    alone: bool  # the utterance was just one number (plus any "out of N")
    homophone: int | None  # the whole utterance was a word recognisers write for a number
    zero_phrase: bool  # "none", "nothing at all": no number, but the bottom of a 0-based scale
    zero_alone: bool  # ... and that was the whole utterance


def _digits(token: str) -> int | None:
    if token.endswith("ish"):  # "7ish"
        token = token[:-3]
    if token.isascii() and token.isdigit() and len(token) <= _MAX_DIGITS:
        return int(token)
    return None


def _word(token: str) -> str:
    """ "sevenish" -> "seven"; other tokens unchanged."""
    base = token[:-3] if token.endswith("ish") else token
    return base if base in _UNITS or base in _TEENS or base in _TENS else token


def _below_hundred(tokens: list[str], i: int) -> tuple[int, int] | None:
    word = _word(tokens[i])
    if word in _TENS:
        value = _TENS[word]
        if i + 1 < len(tokens) and _UNITS.get(_word(tokens[i + 1]), 0) > 0:
            return value + _UNITS[_word(tokens[i + 1])], i + 2
        return value, i + 1
    if word in _TEENS:
        return _TEENS[word], i + 1
    if word in _UNITS:
        return _UNITS[word], i + 1
    return None


def _integer_at(tokens: list[str], i: int) -> tuple[int, int] | None:
    digits = _digits(tokens[i])
    if digits is not None:
        return digits, i + 1
    got = _below_hundred(tokens, i)
    if got is None:  # "hundred", "a hundred"
        if tokens[i] == "hundred":
            got = 1, i
        elif tokens[i] == "a" and tokens[i + 1 : i + 2] == ["hundred"]:
            got = 1, i + 1
        else:
            return None
    value, j = got
    if tokens[j : j + 1] == ["hundred"]:
        value, j = value * 100, j + 1
        k = j + 1 if tokens[j : j + 1] == ["and"] else j
        rest = _below_hundred(tokens, k) if k < len(tokens) else None
        if rest is not None:
            value, j = value + rest[0], rest[1]
    return value, j


def _fraction_at(tokens: list[str], j: int) -> tuple[float, int]:
    for words, part in _FRACTIONS.items():
        if tuple(tokens[j : j + len(words)]) == words:
            return part, j + len(words)
    if tokens[j : j + 1] == ["point"] and j + 1 < len(tokens):
        digits = tokens[j + 1]
        if digits.isascii() and digits.isdigit() and len(digits) <= _MAX_DIGITS:
            return int(digits) / 10 ** len(digits), j + 2
        if _word(digits) in _UNITS:  # "six point five"
            return _UNITS[_word(digits)] / 10, j + 2
    return 0.0, j


def spans(tokens: list[str]) -> list[Span]:
    """Every number in the tokens, in order ("twenty one" and "six and a half" are one each)."""
    found: list[Span] = []
    i = 0
    while i < len(tokens):
        got = _integer_at(tokens, i)
        if got is None or (tokens[i] == "one" and i and tokens[i - 1] in _NOT_A_NUMBER_BEFORE_ONE):
            i += 1
            continue
        value, j = got
        part, j = _fraction_at(tokens, j)
        found.append(Span(value + part, i, j))
        i = j
    return found


_SCALE = (["scale", "of"], ["scale", "from"])
_BOUND_WORDS = frozenset(("out", "of", "outta", "outa", "on", "a", "scale", "from", "to", "and"))


def _bounds(tokens: list[str], found: list[Span]) -> set[int]:
    """Indexes into found of the N in "out of N" and of A and B in "on a scale of A to B"."""
    bounds: set[int] = set()
    for n, span in enumerate(found):
        before = tokens[max(0, span.start - 2) : span.start]
        if before == ["out", "of"] or before[-1:] in (["outta"], ["outa"]) or before in _SCALE:
            bounds.add(n)
        elif n and found[n - 1].end + 1 == span.start and before[-1] in ("to", "and", "through"):
            prior = found[n - 1]  # is this the B of "scale of A to B"?
            if tokens[max(0, prior.start - 2) : prior.start] in _SCALE:
                bounds.add(n)
    return bounds


def hear(key: str) -> Heard:
    """Find the numbers in a normalised utterance."""
    tokens = key.split()
    found = spans(tokens)
    bounds = _bounds(tokens, found)
    kept = [s for n, s in enumerate(found) if n not in bounds]
    in_a_number = [False] * len(tokens)
    for span in found:
        in_a_number[span.start : span.end] = [True] * (span.end - span.start)
    # Words of "out of N" / "on a scale of A to B" don't count against "alone".
    leftover = any(
        not covered and not (bounds and t in _BOUND_WORDS)
        for t, covered in zip(tokens, in_a_number, strict=True)
    )
    zero_phrase = next((p for p in ZERO_PHRASES if f" {p} " in f" {key} "), None)
    return Heard(
        values=tuple(s.value for s in kept),
        alone=len(kept) == 1 and not leftover,
        homophone=HOMOPHONES.get(key),
        zero_phrase=zero_phrase is not None,
        zero_alone=key in ZERO_PHRASES,
    )


def ordinal(token: str) -> int | None:
    """ "second" -> 2, "3rd" -> 3; None for anything else."""
    if token in ORDINALS:
        return ORDINALS[token]
    if token[-2:] in ("st", "nd", "rd", "th"):
        return _digits(token[:-2])
    return None


def number_words(n: int) -> str:
    """A whole number from -999 to 999 as a recogniser writes it: 42 -> "forty two"."""
    if n < 0:
        return "minus " + number_words(-n)
    if n >= 1000:
        raise ValueError(f"{n} is too large for a spoken scale")
    if n >= 100:
        hundreds, rest = divmod(n, 100)
        words = f"{_WORD_FOR[hundreds]} hundred"
        return f"{words} and {number_words(rest)}" if rest else words
    if n < 20:
        return _WORD_FOR[n]
    tens, unit = divmod(n, 10)
    return _WORD_FOR[tens * 10] + (f" {_WORD_FOR[unit]}" if unit else "")
