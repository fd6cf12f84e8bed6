"""Scripted people for tests: they answer whatever the coach asks, each in their own way."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from coach.dialog.engine import Ask, DialogueManager
from coach.dialog.events import Start
from coach.dialog.render import Profile
from coach.dialog.spec import Dialog

Turn = str | dict[str, Any]
Policy = Callable[[Ask, int, int], list[Turn]]
"""Given the question, how often it was asked, and the question's number: the turns to give."""

PROFILE = Profile("Sam", "Alex", "partner")


def plain_answer(ask: Ask) -> str:
    if ask.expect == "yes_no":
        return "yes"
    if ask.expect == "scale":
        return "about a seven" if ask.scale == (0, 10) else str(ask.scale[1])
    if ask.expect == "choice":
        return ask.options[0].label
    if ask.state == "ask_name":
        return "Sam"
    if ask.state == "ask_other":
        return "Alex"
    return "I'd say it was the way we laughed together last spring."


def cooperative(ask: Ask, times_asked: int, number: int) -> list[Turn]:
    return [plain_answer(ask)]


def difficult(ask: Ask, times_asked: int, number: int) -> list[Turn]:
    """Passes, asks to repeat, goes silent and wanders off-topic, then answers."""
    if times_asked > 1:
        return [plain_answer(ask)]
    style = number % 5
    if style == 0 and ask.expect != "yes_no" and "checkin" not in ask.state:
        return ["pass"]
    if style == 1:
        return ["could you repeat that", plain_answer(ask)]
    if style == 2:
        return [{"silence": 60}, plain_answer(ask)]
    if style == 3 and ask.expect != "free":
        return ["what time is it in tokyo", plain_answer(ask)]
    if style == 3:
        return ["honestly I keep thinking about work", "help", plain_answer(ask)]
    return [plain_answer(ask)]


def cautious(ask: Ask, times_asked: int, number: int) -> list[Turn]:
    """Says no to every yes/no question inside an exercise (declines, does not feel safe)."""
    if ask.expect == "yes_no" and "." in ask.state:
        return ["no"]
    return [plain_answer(ask)]


def play(
    library: dict[str, Dialog], exercise: str, policy: Policy, seed: int = 0, max_turns: int = 600
) -> tuple[list[Turn], DialogueManager]:
    """Drive a manager with `policy` until the session ends; return the turns given."""
    manager = DialogueManager(
        library,
        Start(profile=PROFILE, consent=True, first_run=False, exercise=exercise),
        rng=random.Random(seed),
    )
    manager.start()
    turns: list[Turn] = []
    asked: Counter[str] = Counter()
    number = 0
    while not manager.ended and len(turns) < max_turns:
        ask = manager.asking
        assert ask is not None, f"waiting in {manager.state} without a question"
        asked[ask.state] += 1
        if asked[ask.state] == 1:
            number += 1
        for turn in policy(ask, asked[ask.state], number):
            turns.append(turn)
            if isinstance(turn, dict):
                manager.silence(float(turn["silence"]))
            else:
                manager.hear(turn)
            if manager.ended or (manager.asking and manager.asking.state != ask.state):
                break
    return turns, manager


def write_script(path: Path, exercise: str, turns: list[Turn], first_run: bool = True) -> Path:
    """A replay script for a fresh home: consent and profile questions come first."""
    lead: list[Turn] = ["yes"] if first_run else []
    path.write_text(
        yaml.safe_dump(
            {
                "exercise": exercise,
                "profile": {
                    "name": PROFILE.name,
                    "other": PROFILE.other,
                    "relationship": PROFILE.relationship,
                },
                "turns": lead + turns,
            },
            sort_keys=False,
        ),
        encoding="utf-8",
    )
    return path
