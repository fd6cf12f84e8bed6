"""Every exercise by voice, and speaker mode, through virtual devices of a PulseAudio server.

For each exercise a scripted person listens to `coach` on a virtual speaker of its own and,
once the coach has asked and gone quiet, speaks an answer (espeak-ng) into a virtual
microphone of its own. The exercises run side by side, each pair of devices reached through
ALSA's default device. Afterwards the journal must hold the sitting as finished, and the
questions the coach asked must be found again in the recording of its speaker.

An exercise over several sittings (rebuild-intimacy) is spoken sitting by sitting, side by
side too: each sitting gets a home where the sittings before it were typed. Speaker mode's
scenario (speaker_scenario.py) runs in the same pool: all of it happens in real time, so
running it beside the rest, longest first, takes the whole from eleven minutes to eight.
"""

from __future__ import annotations

import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from coach.journal import Journal
from coach.voice.format import SPEECH, AudioBlock
from tests.voice.pulse import (
    SpeakerRecording,
    VirtualDevices,
    clip,
    loud_seconds,
    play_into_mic,
    pulse_server,
)
from tests.voice.speaker_scenario import SpeakerRun, run_speaker_mode
from tests.voice.speaking import (
    FREE_ANSWER,
    LIBRARY,
    CoachProcess,
    Listener,
    answer,
    error_rate,
    espeak,
    seed_home,
)

__all__ = ["pulse_server"]

pytestmark = [pytest.mark.audio, pytest.mark.usefixtures("pulse_server")]

SITTINGS = [(e, n) for e in sorted(LIBRARY) for n in range(1, LIBRARY[e].sessions + 1)]
"""Every sitting of every exercise: (exercise, sitting number from 1)."""
SIDE_BY_SIDE = int(os.environ.get("COACH_TEST_VOICE_SESSIONS", "6"))
"""How many runs (the sittings and speaker mode) at once, each a coach with its own devices."""
STAGGER = 3.0
"""Seconds at least between the starts of two runs: each coach loads its recogniser while it
asks its first question, and two loading at once on a busy machine starve their playback."""


class Starts:
    """Spaces out the starts of the runs by STAGGER seconds, whichever thread asks."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last = 0.0

    def wait_turn(self) -> None:
        with self._lock:
            now = time.monotonic()
            self._last = max(now, self._last + STAGGER)
            wait = self._last - now
        time.sleep(wait)


def words_said(exercise: str) -> int:
    """How much the coach says in one sitting of `exercise`: the runs start longest first."""
    dialog = LIBRARY[exercise]
    said = sum(len(line.split()) for state in dialog.states.values() for line in state.say)
    return said // dialog.sessions


@dataclass
class Outcome:
    """What happened in one sitting of an exercise done by voice."""

    exercise: str
    sitting: int
    home: Path
    recording: Path
    said: list[str] = field(default_factory=list)
    questions: list[tuple[str, float, float]] = field(default_factory=list)
    """Each question asked, with when the answer before it ended and when it was asked."""
    exit_codes: list[int] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    error: str = ""


def talk_through(
    exercise: str, sitting: int, folder: Path, devices_name: str, starts: Starts
) -> Outcome:
    """One person doing one sitting of an exercise by voice, on devices of their own."""
    home = folder / "home"
    seed_home(home, exercise, sitting - 1)
    starts.wait_turn()
    outcome = Outcome(exercise, sitting, home, folder / "speaker.raw")
    try:
        with (
            VirtualDevices(devices_name) as devices,
            SpeakerRecording(outcome.recording, devices_name),
        ):
            talk(devices, Listener(outcome.recording), outcome)
    except AssertionError as error:
        outcome.error = str(error)
    # To look into failures: the questions with their times, and the coach's log.
    (folder / "questions.json").write_text(json.dumps(outcome.questions))
    (folder / "coach.log").write_text("\n".join(outcome.log))
    return outcome


def talk(devices: VirtualDevices, listener: Listener, outcome: Outcome) -> None:
    coach = CoachProcess(outcome.home, devices, "--exercise", outcome.exercise, "--engine", "auto")
    answered = listener.seconds()
    try:
        while (turn := coach.next_turn()) is not None:
            prompt, listening = turn
            listener.wait_until_quiet(0.3)
            if prompt.endswith("?"):
                outcome.questions.append((prompt, answered, listener.seconds()))
            words = answer(LIBRARY, prompt, listening)
            player = play_into_mic(espeak(outcome.home.parent, words), devices.name)
            player.wait(timeout=30)
            answered = listener.seconds()
        outcome.exit_codes.append(coach.process.wait(timeout=30))
    finally:
        if coach.process.poll() is None:
            coach.process.kill()
        outcome.said += coach.said
        outcome.log += coach.log


@dataclass
class Runs:
    sittings: dict[tuple[str, int], Outcome]
    speaker: SpeakerRun


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    """Every sitting of every exercise done by voice, and speaker mode, side by side."""
    starts = Starts()
    longest_first = sorted(SITTINGS, key=lambda sitting: -words_said(sitting[0]))
    speaker_folder = tmp_path_factory.mktemp("speaker-mode")  # (mktemp is not thread-safe)
    with ThreadPoolExecutor(max_workers=SIDE_BY_SIDE) as pool:

        def speaker_mode() -> SpeakerRun:
            starts.wait_turn()
            return run_speaker_mode(speaker_folder)

        speaker = pool.submit(speaker_mode)  # the longest, at about four minutes
        futures = {
            (exercise, sitting): pool.submit(
                talk_through,
                exercise,
                sitting,
                tmp_path_factory.mktemp(f"{exercise}-{sitting}"),
                f"voice{number}",
                starts,
            )
            for number, (exercise, sitting) in enumerate(longest_first)
        }
        return Runs({key: future.result() for key, future in futures.items()}, speaker.result())


@pytest.mark.parametrize(
    ("exercise", "sitting"),
    SITTINGS,
    ids=[e if LIBRARY[e].sessions == 1 else f"{e}-sitting-{n}" for e, n in SITTINGS],
)
def test_every_exercise_can_be_finished_by_voice(runs: Runs, exercise: str, sitting: int) -> None:
    outcome = runs.sittings[exercise, sitting]
    warnings = [line for line in outcome.log if "WARNING" in line or "ERROR" in line]
    assert not outcome.error, f"{outcome.error}\nlog: {outcome.log[-10:]}"
    assert outcome.exit_codes == [0], outcome.log[-10:]
    journal = Journal(outcome.home)
    spoken = journal.sessions()[-1]
    assert spoken["end_reason"] == "finished", "\n".join([*outcome.said[-3:], *warnings])
    kept = [a for a in journal.answers(int(str(spoken["id"]))) if a.exercise == exercise]
    assert kept and all(a.text.strip() for a in kept), kept
    if sitting == LIBRARY[exercise].sessions:
        assert exercise in journal.finished_exercises(), outcome.said[-5:]
    else:  # the next sitting is waiting
        still_open = journal.last_open_run()
        assert still_open is not None and still_open.exercise == exercise, outcome.said[-5:]
    assert len(outcome.questions) >= 4, outcome.questions
    check_every_question_was_played(outcome.recording, outcome.questions)


def test_appreciation_by_voice_keeps_the_answers_and_reads_them_back(runs: Runs) -> None:
    outcome = runs.sittings["appreciation", 1]
    assert any("Here is what you shared today" in line for line in outcome.said), outcome.said
    assert any(line.startswith("How you'll tell them: ") for line in outcome.said), outcome.said
    assert any("You said" in line and "before" in line for line in outcome.said), outcome.said
    kept = {a.key: a.text for a in Journal(outcome.home).answers()}
    assert kept["how"] == "in person", kept  # a choice, by its label, through the grammar
    check_the_coach_was_heard(outcome.recording, outcome.questions)


def test_open_answers_are_heard_by_moonshine_and_read_back(runs: Runs) -> None:
    outcome = runs.sittings["appreciation", 1]
    assert any("open answers with Moonshine" in line for line in outcome.log), outcome.log[:20]
    states = LIBRARY["appreciation"].states
    answers = Journal(outcome.home).answers()
    free = [a.text for a in answers if a.key in states and states[a.key].expect == "free"]
    assert free, answers
    rate = error_rate([(FREE_ANSWER, text) for text in free])
    print(f"open answers through the devices: {rate:.1%} of words wrong in {len(free)}: {free}")
    # Measured 20-22%: Moonshine often hears espeak-ng's "the way" as "but when" (2 of 7
    # words), from the devices and from the file alike; PocketSphinx got about 60% wrong.
    assert rate <= 0.35, free
    recap = outcome.said[next(i for i, s in enumerate(outcome.said) if "shared today" in s) :]
    wanted = set(FREE_ANSWER.split())
    assert any(len(wanted & set(words(line))) >= len(wanted) - 2 for line in recap), recap


def test_speaker_mode_wakes_talks_says_goodbye_and_outlives_its_devices(runs: Runs) -> None:
    run = runs.speaker
    assert not run.error, f"{run.error}\nlog: {run.log[-10:]}"
    assert run.ends == ["finished", "stopped", "interrupted", "stopped"], run.ends
    assert run.exit_code == 0, run.log[-5:]


def check_every_question_was_played(
    recording: Path, questions: list[tuple[str, float, float]]
) -> None:
    """Between each answer and the next time the coach listened, its speaker played the question.

    The recording there must hold at least half as much sound as the question alone takes
    when rendered the way the coach renders it (the reply often says more before it).
    """
    from coach.voice.tts import Pyttsx3Voice

    audio = AudioBlock(recording.read_bytes(), SPEECH)
    voice = Pyttsx3Voice()
    quiet = []
    for question, start, until in questions:
        needed = 0.5 * loud_seconds(voice.render(question, 0))
        played = loud_seconds(clip(audio, start, until - start))
        if played < needed:
            quiet.append(f"{question!r}: {played:.1f} s of sound, at least {needed:.1f} s needed")
    assert not quiet, "questions not heard on the speaker:\n" + "\n".join(quiet)


def check_the_coach_was_heard(recording: Path, questions: list[tuple[str, float, float]]) -> None:
    """Each question, cut from the speaker's recording and recognised, is closest to what it meant.

    The question is the last thing said before the coach listened; its length is known by
    rendering it the way the coach did, so only the question's own audio is recognised.
    """
    from coach.voice.asr import PocketSphinxRecogniser
    from coach.voice.grammar import Expectation
    from coach.voice.tts import Pyttsx3Voice

    audio = AudioBlock(recording.read_bytes(), SPEECH)
    candidates = sorted({q for q, _, _ in questions})
    recogniser = PocketSphinxRecogniser()
    voice = Pyttsx3Voice()
    right = 0
    for question, start, until in questions:
        length = voice.render(question, 0).seconds
        first = int(max(start, until - length - 0.6) * SPEECH.bytes_per_second) // 2 * 2
        last = int(until * SPEECH.bytes_per_second) // 2 * 2
        utterance = recogniser.listen(Expectation("free", ()))
        utterance.accept(AudioBlock(audio.pcm[first:last], SPEECH))
        heard = set(utterance.finish().text.lower().split())
        best = max(candidates, key=lambda c: len(heard & words(c)) / len(words(c)))
        right += best == question
    print(f"{right}/{len(questions)} questions found again in the speaker's recording")
    # Free recognition of the coach's synthetic voice, resampled twice on its way through the
    # sound server, is rough (5 to 9 of 9 in runs here with eleven sessions side by side), and
    # short questions share words ("And a third quality?"). Chance would get about 1 in 9.
    assert right >= len(questions) / 2, f"{right}/{len(questions)} questions heard as meant"


def words(text: str) -> set[str]:
    return {w.strip(",.?!").lower() for w in text.split()} or {""}
