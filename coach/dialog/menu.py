"""Which exercises to offer, and which to suggest, given the check-in and the history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from coach.dialog.spec import Dialog

GENTLE_ORDER = (
    "reflection",
    "appreciation",
    "empathy",
    "quality-time",
    "open-communication",
    "fear-of-vulnerability",
    "vulnerability",
    "partner-not-open",
    "rebuild-intimacy",
)
"""A path from light to deep; new exercises fall in after these, by id."""

FEELING_DISTANT = ("rebuild-intimacy", "reflection")
"""Suggested first when the person says they feel far from the other person (0-3)."""


def available(library: Mapping[str, Dialog], unsafe_with_other: bool) -> list[Dialog]:
    """The exercises to offer, in the gentle order; joint ones are left out if not safe."""
    ranked = sorted(library.values(), key=lambda d: (_rank(d.id), d.id))
    return [d for d in ranked if not (unsafe_with_other and d.involves_other)]


def suggest(offered: Sequence[Dialog], finished: Sequence[str], closeness: int | None) -> Dialog:
    """Something not done yet, along the gentle order; if all were done, the least recent."""
    ids = [d.id for d in offered]
    if closeness is not None and closeness <= 3:
        for wanted in FEELING_DISTANT:
            if wanted in ids and wanted not in finished[-1:]:
                return offered[ids.index(wanted)]
    for dialog in offered:
        if dialog.id not in finished:
            return dialog
    last_done = {exercise: i for i, exercise in enumerate(finished)}
    return min(offered, key=lambda d: last_done.get(d.id, -1))


def _rank(exercise_id: str) -> int:
    return GENTLE_ORDER.index(exercise_id) if exercise_id in GENTLE_ORDER else len(GENTLE_ORDER)
