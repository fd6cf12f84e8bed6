"""Pull a first name out of how people answer "What should I call you?"."""

from __future__ import annotations

import re

_LEAD_INS = re.compile(
    r"^(?:(?:hi|hello|hey|well|um+|uh+|oh|so)[, ]+)*"
    r"(?:my name is|my name's|name's|i am|i'm|im|call me|it is|it's|its|this is|you can call me"
    r"|their name is|they're called|they are called|(?:his|her) name is|that's|that is|"
    r"(?:my|our) (?:wife|husband|partner|boyfriend|girlfriend|friend|mum|mom|mother|dad|father"
    r"|sister|brother|son|daughter|spouse|best friend))\s+",
    re.IGNORECASE,
)
_TRAILING = re.compile(r"\b(?:please|thanks|thank you|i guess|i think)\b.*$", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)


def extract_name(answer: str) -> str:
    """The name in an answer, capitalised, or "" if none could be found."""
    text = _TRAILING.sub("", answer.strip().strip(".!?,")).strip()
    text = _LEAD_INS.sub("", text)
    words = _WORD.findall(text)
    if not words or len(words) > 3:
        return ""
    return " ".join(w if w[:1].isupper() else w.capitalize() for w in words)
