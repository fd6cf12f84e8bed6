"""Fill a prompt's slots from the profile so it reads right with or without names."""

from __future__ import annotations

import re
from collections.abc import Mapping
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
_SLOT = re.compile(r"\{(\w+)\}")


def render(
    template: str, profile: Profile, minutes: int = 0, extra: Mapping[str, object] | None = None
) -> str:
    """Fill {name}, {other}, {Other}, {relation}, {minutes} and any `extra` slots.

    With no name known, {name} disappears with its comma. Slots are filled in one pass, so
    braces inside the values (a person's own words) are left alone.
    """
    if not profile.name:
        template = _EMPTY_NAME.sub("", template)
    other = profile.other_words()
    values: dict[str, object] = {
        "name": profile.name,
        "other": other,
        "Other": other[:1].upper() + other[1:],
        "relation": profile.relation_words(),
        "minutes": minutes,
        **(extra or {}),
    }
    text = _SLOT.sub(lambda m: str(values.get(m.group(1), m.group(0))), template)
    text = re.sub(r"\s{2,}", " ", text).strip()
    return text[:1].upper() + text[1:]
