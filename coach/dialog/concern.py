"""The kinds of danger the coach listens for (kept apart so naming them costs no start-up)."""

from __future__ import annotations

from enum import StrEnum


class Concern(StrEnum):
    """What kind of danger a turn points to."""

    SELF_HARM = "self-harm"  # suicidal thoughts, self-harm (the speaker or someone else)
    HARM_TO_OTHERS = "harm-to-others"  # intent to hurt someone, or having hurt them
    ABUSE = "abuse"  # hurt, threatened, controlled or afraid of a partner or relative
    CHILD_HARM = "child-harm"  # a child being harmed, now or in the past
