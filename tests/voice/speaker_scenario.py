"""Speaker mode as it would run on a shelf, scripted through virtual devices.

`coach speaker` starts without its devices and must wait for them; a scripted person says
"hey coach" into its virtual microphone (espeak-ng), answers a whole exercise, says goodbye
at the next session, and in the middle of a third its microphone and speaker are taken away
(the null sinks removed) and put back. The process must live through it and answer the wake
phrase again. test_voice_session.py runs this beside the exercises and checks what happened.
"""

from __future__ import annotations

import queue
import time
from dataclasses import dataclass, field
from pathlib import Path

from coach.journal import Journal
from tests.voice.pulse import VirtualDevices, _script, play_into_mic
from tests.voice.speaking import LIBRARY, CoachProcess, Listening, answer, espeak, seed_home

DEVICES = "speaker"


@dataclass
class SpeakerRun:
    """What happened: how each session ended, how the process ended, and what went wrong."""

    log: list[str] = field(default_factory=list)
    ends: list[str] = field(default_factory=list)
    exit_code: int | None = None
    error: str = ""


class SpeakerProcess(CoachProcess):
    """`coach speaker`, with waits on what its log says."""

    def wait_for(self, text: str, after: int = 0, timeout: float = 60) -> int:
        """The index of the first log line from `after` on that holds `text`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for index in range(after, len(self.log)):
                if text in self.log[index]:
                    return index
            assert self.process.poll() is None, f"coach ended: {self.log[-10:]}"
            time.sleep(0.05)
        raise AssertionError(f"no {text!r} in the log within {timeout} s: {self.log[-10:]}")

    def next_question(self, after: int, timeout: float = 90) -> Listening | None:
        """The next place the session listens, or None once the log says the session ended."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                listening = self.listening.get(timeout=0.1)
            except queue.Empty:
                if any("session ended" in line for line in self.log[after:]):
                    return None
                assert self.process.poll() is None, f"coach ended: {self.log[-10:]}"
                continue
            assert listening is not None, f"coach ended: {self.log[-10:]}"
            return listening
        raise AssertionError(f"not listening within {timeout} s: {self.log[-10:]}")


def say(folder: Path, devices: VirtualDevices, words: str) -> None:
    player = play_into_mic(espeak(folder, words), devices.name)
    assert player.wait(timeout=30) == 0


def wake(coach: SpeakerProcess, folder: Path, devices: VirtualDevices, after: int) -> int:
    """Once the coach waits (after log line `after`), say the wake phrase (again, if it was
    missed) until it wakes; the index of the log line that says so."""
    waiting = coach.wait_for("waiting for the wake phrase", after, timeout=120)
    for _ in range(3):
        say(folder, devices, "hey coach")
        try:
            return coach.wait_for("woken by the wake phrase", waiting, timeout=8)
        except AssertionError:
            continue
    raise AssertionError(f"the wake phrase did not wake it: {coach.log[-10:]}")


def run_speaker_mode(folder: Path) -> SpeakerRun:
    """The whole scenario in `folder`; an assertion that fails on the way ends it, in `error`."""
    run = SpeakerRun()
    home = folder / "home"
    seed_home(home, "reflection", 0)
    devices = VirtualDevices(DEVICES)
    with devices:
        coach = SpeakerProcess(home, devices, "speaker", "--engine", "pocketsphinx")
    # (the devices were removed: the coach starts without them and must wait for them)
    try:
        scenario(coach, devices, folder, home)
        ended = [line for line in coach.log if "session ended" in line]
        run.ends = [line.rsplit("(", 1)[1].rstrip(")") for line in ended]
        assert coach.process.poll() is None, coach.log[-10:]
        coach.process.terminate()  # as systemd stops it
        run.exit_code = coach.process.wait(timeout=10)
    except AssertionError as error:
        run.error = str(error)
    finally:
        if coach.process.poll() is None:
            coach.process.kill()
        run.log = coach.log
        (folder / "coach.log").write_text("\n".join(coach.log))
        _script("remove", DEVICES)
    return run


def scenario(coach: SpeakerProcess, devices: VirtualDevices, folder: Path, home: Path) -> None:
    trouble = coach.wait_for("sound device trouble", timeout=60)
    with devices:
        back = coach.wait_for("the sound devices are back", trouble, timeout=90)

        # 1. The wake phrase, then a whole exercise, answered willingly.
        woke = wake(coach, folder, devices, back)
        answers = 0
        while (listening := coach.next_question(woke)) is not None:
            if listening.state.partition(".")[0] in LIBRARY:
                words = answer(LIBRARY, "", listening)
            else:  # the check-ins, the exercise suggested (or the list of them)
                words = {"scale": "seven", "choice": "reflection"}.get(listening.kind, "yes")
            say(folder, devices, words)
            answers += 1
            assert answers < 40, coach.log[-10:]
        ended = coach.wait_for("session ended", woke)
        assert "finished" in coach.log[ended], coach.log[ended]
        journal = Journal(home)
        assert journal.sessions()[-1]["end_reason"] == "finished"
        assert journal.finished_exercises(), journal.sessions()[-1]
        journal.close()

        # 2. Woken again: "goodbye" ends it at the first question.
        woke = wake(coach, folder, devices, ended)
        listening = coach.next_question(woke)
        assert listening is not None
        say(folder, devices, "goodbye")
        ended = coach.wait_for("session ended", woke)
        assert "stopped" in coach.log[ended], coach.log[ended]

        # 3. Woken again, and the devices go away mid-session.
        woke = wake(coach, folder, devices, ended)
        assert coach.next_question(woke) is not None
    lost = coach.wait_for("sound device trouble", woke, timeout=30)
    time.sleep(3)
    assert coach.process.poll() is None, coach.log[-10:]
    with devices:
        back = coach.wait_for("the sound devices are back", lost, timeout=90)
        woke = wake(coach, folder, devices, back)
        assert coach.next_question(woke) is not None
        say(folder, devices, "goodbye")
        ended = coach.wait_for("session ended", woke)
        coach.wait_for("waiting for the wake phrase", ended)
