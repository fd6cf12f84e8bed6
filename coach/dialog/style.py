"""Spoken-style checks: what a listener can follow by ear, and what the coach must never say."""

from __future__ import annotations

import re

from coach.dialog.spec import Dialog, Problem, State

SENTENCE_WORDS_WARN = 25
SENTENCE_WORDS_MAX = 32
PROMPT_WORDS_WARN = 45
PROMPT_WORDS_MAX = 60
REFLECTIVE_PAUSE_MIN = 8.0
YES_NO_PAUSE_MAX = 6.0

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[\w{}'’-]+")

# Each is wrong for one of the three kinds of relationship, or assumes a gender.
_RELATIONSHIP_SPECIFIC = re.compile(
    r"\b(he|she|him|her|his|hers|himself|herself|husband|wife|boyfriend|girlfriend|spouse"
    r"|your partner|your friend|your family member|your mother|your father)\b",
    re.IGNORECASE,
)
# Diagnosing, advising to leave or stay, scoring the other person.
_NEVER_SAY = re.compile(
    r"\b(you should leave|leave (them|him|her)|break up|divorce|narcissis\w*|toxic|codependen\w*"
    r"|disorder|abusive|gaslight\w*|rate (them|how good)|score (them|the other))\b",
    re.IGNORECASE,
)


def words(text: str) -> int:
    return len(_WORD.findall(text))


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


def check_style(dialog: Dialog, label: str) -> list[Problem]:
    """Problems a listener would notice; the hard limits are errors, the soft ones warnings."""
    problems: list[Problem] = []
    for state in dialog.states.values():
        problems += [Problem(label, state.id, m, w) for m, w in _state_style(state)]
    start = dialog.states.get(dialog.start)
    if start is not None and len(start.say) < 2:
        problems.append(
            Problem(
                label,
                start.id,
                "the opening is heard every time: give 'say' at least two variants",
                warning=True,
            )
        )
    return problems


def _state_style(state: State) -> list[tuple[str, bool]]:
    found: list[tuple[str, bool]] = []
    for field_name, texts in (
        ("say", state.say),
        ("simpler", state.simpler),
        ("help", (state.help,) if state.help else ()),
    ):
        for text in texts:
            found += _text_style(field_name, text)
    if state.expect == "free" and state.pause < REFLECTIVE_PAUSE_MIN:
        found.append(
            (
                f"a reflective question needs a long pause: at least "
                f"{REFLECTIVE_PAUSE_MIN:g} s (has {state.pause:g})",
                False,
            )
        )
    if state.expect == "yes_no" and state.pause > YES_NO_PAUSE_MAX:
        found.append(
            (
                f"a yes/no question needs a short pause: at most {YES_NO_PAUSE_MAX:g} s "
                f"(has {state.pause:g})",
                False,
            )
        )
    return found


def _text_style(field_name: str, text: str) -> list[tuple[str, bool]]:
    found: list[tuple[str, bool]] = []
    short = text if len(text) <= 40 else text[:37] + "..."
    if field_name == "say" and text.count("?") > 1:
        found.append((f"'{short}' asks more than one question; ask one at a time", False))
    for sentence in sentences(text):
        n = words(sentence)
        if n > SENTENCE_WORDS_MAX:
            found.append(
                (
                    f"a sentence of {n} words in '{short}'; keep them under {SENTENCE_WORDS_WARN}",
                    False,
                )
            )
        elif n > SENTENCE_WORDS_WARN:
            found.append(
                (
                    f"a sentence of {n} words in '{short}'; aim for {SENTENCE_WORDS_WARN} or fewer",
                    True,
                )
            )
    total = words(text)
    if field_name == "say" and total > PROMPT_WORDS_MAX:
        found.append((f"'{short}' is {total} words; split it (at most {PROMPT_WORDS_MAX})", False))
    elif field_name == "say" and total > PROMPT_WORDS_WARN:
        found.append((f"'{short}' is {total} words; aim for {PROMPT_WORDS_WARN} or fewer", True))
    match = _RELATIONSHIP_SPECIFIC.search(text)
    if match:
        found.append(
            (
                f"'{match.group(0)}' in '{short}' does not fit every relationship; "
                "use {other} or 'they'",
                False,
            )
        )
    match = _NEVER_SAY.search(text)
    if match:
        found.append(
            (
                f"'{match.group(0)}' in '{short}': the coach never diagnoses, advises "
                "leaving or staying, or scores the other person",
                False,
            )
        )
    return found
