"""Random mixes of answers, commands, silences and junk never break the manager."""

from __future__ import annotations

import functools
import random

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from coach.dialog import events as ev
from coach.dialog.engine import PHASES, DialogueManager
from coach.dialog.events import Start, Unfinished
from coach.dialog.render import Profile
from coach.dialog.safety import Screening
from coach.dialog.screening import screen
from coach.library import load_exercises
from tests.conftest import REPO

LIBRARY = load_exercises(REPO / "coach" / "dialogs")
KNOWN_STATES = (
    set(PHASES) | {"paused"} | {f"{d.id}.{s}" for d in LIBRARY.values() for s in d.states}
)
ENDINGS = {"finished", "stopped", "paused", "script-ended", "safety"}

ANSWERS = [
    "yes",
    "no",
    "yeah sure",
    "not really",
    "maybe",
    "0",
    "7",
    "ten",
    "about a six",
    "eleven",
    "six or seven",
    "partner",
    "a friend",
    "the second one",
    "letter",
    "listening",
    "Sam",
    "I felt unheard when we talked",
    "",
]
COMMANDS = [
    "repeat",
    "help",
    "slower",
    "faster",
    "skip",
    "pass",
    "back",
    "pause",
    "resume",
    "menu",
    "stop",
    "wait",
    "don't save this",
    "forget this session",
    "what do you remember about me",
]
CRISES = [
    "i don't see the point of anything anymore",
    "he hits me when he's angry",
    "sometimes i wonder if it's all worth it",
    "this exercise is killing me",
]
OPTION_LABELS = sorted(
    {o.label for d in LIBRARY.values() for s in d.states.values() for o in s.options}
    | {d.title for d in LIBRARY.values()}
)


@functools.lru_cache(maxsize=4096)
def real_screen(text: str) -> Screening:
    """The coach's own safety screen, rules and model; remembered, as turns repeat a lot."""
    return screen(text)


progress = st.sampled_from(["yes", "7", "yes please", "it was the way they listened", "1"])
turn = st.one_of(
    progress,
    progress,
    progress,
    st.sampled_from(ANSWERS),
    st.sampled_from(COMMANDS),
    st.sampled_from(OPTION_LABELS),
    st.floats(min_value=0, max_value=120, allow_nan=False).map(lambda s: ("silence", s)),
    st.text(max_size=40),
)
with_crises = st.one_of(turn, st.sampled_from(CRISES))
sessions = st.one_of(  # half the sessions without a crisis, to reach the ends of exercises
    st.lists(turn, min_size=20, max_size=150), st.lists(with_crises, min_size=20, max_size=150)
)
start = st.builds(
    Start,
    profile=st.sampled_from([Profile(), Profile("Sam", "Alex", "partner")]),
    consent=st.sampled_from([None, True]),
    first_run=st.booleans(),
    unfinished=st.one_of(
        st.none(),
        st.sampled_from(
            [
                Unfinished("appreciation", "quality_2", {"quality_1": "kind"}),
                Unfinished("rebuild-intimacy", "p2_intro"),
                Unfinished("empathy", "no-such-state"),
                Unfinished("no-such-exercise", "x"),
            ]
        ),
    ),
    exercise=st.one_of(st.none(), st.sampled_from(sorted(LIBRARY))),
    unsafe_with_other=st.booleans(),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=start, turns=sessions, seed=st.integers(0, 2**16))
def test_random_sessions_never_crash_and_end_or_stay_resumable(
    start: Start, turns: list[object], seed: int
) -> None:
    m = DialogueManager(LIBRARY, start, rng=random.Random(seed), screen=real_screen)
    replies = [m.start()]
    for item in turns:
        if isinstance(item, tuple):
            replies.append(m.silence(item[1]))
        else:
            replies.append(m.hear(str(item)))
        assert m.state in KNOWN_STATES
        if not m.ended:
            assert m.asking is not None or m.paused, f"stuck in {m.state}"
            assert m.phase != "ended"
    if not m.ended:
        replies.append(m.end_of_input("script-ended"))
    assert m.ended in ENDINGS
    event(f"ended: {m.ended}")
    event(
        f"safety raised: {any(isinstance(e, ev.SafetyRaised) for r in replies for e in r.effects)}"
    )
    event(f"reached an exercise: {any('.' in line.state for r in replies for line in r.lines)}")
    for reply in replies:
        for effect in reply.effects:
            if isinstance(effect, ev.PlaceChanged):
                assert effect.state in LIBRARY[effect.exercise].states
    places = [
        e
        for r in replies
        for e in r.effects
        if isinstance(e, ev.PlaceChanged | ev.ExerciseFinished)
    ]
    if m.run is not None and m.keeping and m.ended != "finished":
        assert places and isinstance(places[-1], ev.PlaceChanged)
        assert places[-1].state == m.run.state
