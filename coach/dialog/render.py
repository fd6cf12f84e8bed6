"""Fill a prompt's slots from the profile so it reads right with or without names."""

from __future__ import annotations

import re
from dataclasses import dataclass

RELATIONS = ("partner", "friend", "family")


@dataclass(frozen=True, slots=True)
class Profile:
    """Who the person is practising with. Every field may be unknown."""

    name: str = ""
    other: str = ""
    relationship: str = ""
    """One of RELATIONS, or empty when not said."""

    def relation_words(self) -> str:
        return {"partner": "partner", "friend": "friend", "family": "family member"}.get(
            self.relationship, "the other person"
        )

    def other_words(self) -> str:
        if self.other:
            return self.other
        relation = self.relation_words()
        return relation if relation.startswith("the ") else f"your {relation}"


_EMPTY_NAME = re.compile(r",\s*\{name\}|\{name\},\s*|\s*\{name\}")


def render(template: str, profile: Profile, minutes: int = 0) -> str:
    """Fill {name}, {other}, {Other}, {relation}, {minutes}; drop {name} cleanly if unknown."""
    if not profile.name:
        template = _EMPTY_NAME.sub("", template)
    other = profile.other_words()
    text = template.format(
        name=profile.name,
        other=other,
        Other=other[:1].upper() + other[1:],
        relation=profile.relation_words(),
        minutes=minutes,
    )
    text = re.sub(r"\s{2,}", " ", text).strip()
    return text[:1].upper() + text[1:]
