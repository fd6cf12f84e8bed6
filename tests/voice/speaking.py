"""A person who talks with `coach` through virtual devices: the device tests and benchmarks use it.

`CoachProcess` runs `coach` in voice mode on a pair of virtual devices (see pulse.py) and
follows its debug log, which says where it listens and for what (never the person's words);
`answer` says what a willing person replies there; `Listener` follows the speaker's level.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coach.dialog.numbers import number_words
from coach.dialog.spec import Dialog
from coach.journal import Journal
from coach.library import load_exercises
from coach.session import Session, start_context
from tests.conftest import REPO
from tests.people import plain_answer
from tests.voice.pulse import RECORD, VirtualDevices

LIBRARY = load_exercises()
QUIET = 300.0
"""RMS below this (16-bit units) counts as the coach being quiet."""
FREE_ANSWER = "the way we laughed together last spring"


def espeak(folder: Path, text: str) -> Path:
    path = folder / f"{abs(hash(text))}.wav"
    if not path.exists():
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(path), text], check=True)
    return path


class Listener:
    """Follows the level of a virtual speaker as it is recorded."""

    def __init__(self, recording: Path) -> None:
        self.recording = recording

    def seconds(self) -> float:
        return self.recording.stat().st_size / RECORD.bytes_per_second

    def quiet_for(self, seconds: float) -> bool:
        wanted = int(RECORD.bytes_per_second * seconds) // 2 * 2
        with self.recording.open("rb") as file:
            file.seek(0, os.SEEK_END)
            size = file.tell() // 2 * 2
            if size < wanted * 0.9:
                return False
            file.seek(max(0, size - wanted))
            tail = file.read(wanted)
        samples = np.frombuffer(tail[: len(tail) // 2 * 2], dtype="<i2").astype(np.float64)
        return float(np.sqrt((samples**2).mean())) < QUIET

    def wait_until_quiet(self, seconds: float, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not self.quiet_for(seconds):
            assert time.monotonic() < deadline, "the coach never went quiet"
            time.sleep(0.05)


@dataclass(frozen=True)
class Listening:
    """The coach has finished speaking and listens at `state` for an answer of `kind`."""

    said: int
    state: str
    kind: str


class CoachProcess:
    """`coach` in voice mode: what it prints, and when its debug log says it is listening."""

    def __init__(self, home: Path, devices: VirtualDevices, *args: str) -> None:
        env = {**os.environ, "COACH_HOME": str(home), **devices.env}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "coach", *args, "--debug"],
            cwd=REPO,
            env=env,
            text=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.said: list[str] = []
        self.log: list[str] = []
        self.listening: queue.Queue[Listening | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_log, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.said.append(line.rstrip("\n").removeprefix("coach: "))

    def _read_log(self) -> None:
        """The debug log (never the person's words) says where the coach listens, for what."""
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.log.append(line.rstrip("\n"))
            if "listening at " in line:
                state, kind = line.split("listening at ", 1)[1].split(",")[0].split(" for ")
                self.listening.put(Listening(len(self.said), state, kind))
        self.listening.put(None)

    def next_turn(self, timeout: float = 120) -> tuple[str, Listening] | None:
        """What the coach asked, once it has finished speaking and listens; None at the end."""
        try:
            listening = self.listening.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(
                f"not listening within {timeout} s; said {self.said[-3:]}; log {self.log[-8:]}"
            ) from None
        if listening is None:
            return None
        return (self.said[listening.said - 1] if listening.said else ""), listening


def answer(library: dict[str, Dialog], prompt: str, listening: Listening) -> str:
    """What a willing person says: yes, a number, the first choice, or a few free words.

    Offered to go on to the next part of an exercise over several sittings, they rest until
    next time, so that every sitting is spoken.
    """
    exercise, _, state_id = listening.state.partition(".")
    state = library[exercise].states.get(state_id) if exercise in library else None
    if listening.kind == "yes_no":
        pause = "like to pause" in prompt.lower()
        return "no" if pause or rests_after_no(listening.state) else "yes"
    if listening.kind == "scale":
        low, high = state.scale if state else (0, 10)
        return "seven" if (low, high) == (0, 10) else number_words(high)
    if listening.kind == "choice":
        assert state is not None and state.options, f"no options known at {listening.state}"
        return state.options[0].label
    return FREE_ANSWER


def rests_after_no(place: str) -> bool:
    """Whether this is an offer to go on to the next part, which "no" puts off until next time.

    That is: "no" ends the sitting, and the next sitting starts where "yes" would have gone.
    """
    exercise, _, state_id = place.partition(".")
    states = LIBRARY[exercise].states if exercise in LIBRARY else {}
    if state_id not in states or "no" not in states[state_id].on:
        return False
    rest = states[states[state_id].on["no"]]
    return "end_sitting" in rest.do and rest.next == states[state_id].on.get("yes")


def seed_home(home: Path, exercise: str, typed_sittings: int) -> None:
    """Consent and profile given in text, then the first sittings of the exercise typed.

    The voice session then starts with the check-in (and, after typed sittings, the offer to
    carry on where they stopped).
    """
    home.mkdir(parents=True)
    script = home.parent / "seed.yaml"
    script.write_text(
        "profile: {name: Sam, other: Alex, relationship: partner}\nturns: ['yes', 'stop']\n"
    )
    subprocess.run(
        [sys.executable, "-m", "coach", "replay", str(script)],
        check=True,
        env={**os.environ, "COACH_HOME": str(home)},
        cwd=REPO,
        capture_output=True,
    )
    for _ in range(typed_sittings):
        type_a_sitting(home, exercise)


def type_a_sitting(home: Path, exercise: str) -> None:
    """One sitting of the exercise, answered willingly in text, in the same journal."""
    journal = Journal(home)
    session = Session(LIBRARY, journal, start_context(journal, exercise=exercise))
    session.begin()
    while not session.ended:
        asking = session.manager.asking
        assert asking is not None, f"waiting at {session.state} without a question"
        session.hear("no" if rests_after_no(asking.state) else plain_answer(asking))
    assert session.ended == "finished", session.state
    journal.close()


def word_errors(said: str, heard: str) -> tuple[int, int]:
    """(substitutions + insertions + deletions, words said): the edit distance over words."""
    ref, hyp = said.split(), heard.split()
    row = list(range(len(hyp) + 1))
    for i in range(1, len(ref) + 1):
        diagonal, row[0] = row[0], i
        for j in range(1, len(hyp) + 1):
            diagonal, row[j] = (
                row[j],
                min(row[j] + 1, row[j - 1] + 1, diagonal + (ref[i - 1] != hyp[j - 1])),
            )
    return row[len(hyp)], len(ref)


def error_rate(pairs: list[tuple[str, str]]) -> float:
    from coach.voice.moonshine import normalise

    counts = [word_errors(normalise(said), heard) for said, heard in pairs]
    return sum(e for e, _ in counts) / sum(n for _, n in counts)
