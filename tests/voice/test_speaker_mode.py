"""Speaker mode with a real recogniser, real speech and a real journal; the sound card faked.

The device-level version (virtual PulseAudio devices, removed and put back) is
speaker_scenario.py, run by test_voice_session.py.
"""

from __future__ import annotations

import os
import random
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from coach.dialog.events import Start
from coach.dialog.render import Profile
from coach.errors import CoachError
from coach.journal import Journal
from coach.library import load_exercises
from coach.session import Session
from coach.voice.asr import PocketSphinxRecogniser
from coach.voice.audio import AudioUnavailable
from coach.voice.earcons import EARCON_RATE, KINDS, LEVEL, TONES, earcon
from coach.voice.format import SPEECH, AudioBlock
from coach.voice.speaker_mode import (
    Retry,
    SpeakerMode,
    SpeakerOptions,
    checked_wake_phrase,
)
from tests.voice.person import QuietSpeaker
from tests.voice.test_conversation import BLOCK, spoken

SILENCE = bytes(int(SPEECH.bytes_per_second * 1.0))


class RanOut(Exception):
    """The test's audio is all played: the coach should have finished before."""


@pytest.fixture(scope="module")
def recogniser() -> PocketSphinxRecogniser:
    return PocketSphinxRecogniser()


# --- earcons ---------------------------------------------------------------------------------


def test_each_earcon_is_short_soft_and_its_own() -> None:
    sounds = {kind: np.frombuffer(earcon(kind).pcm, dtype="<i2") for kind in KINDS}
    for kind, samples in sounds.items():
        tones = [f for f, _ in TONES[kind] if f]
        assert earcon(kind).format.rate == EARCON_RATE
        assert 0.05 < len(samples) / EARCON_RATE < 0.4, kind
        assert np.abs(samples).max() <= LEVEL * 32767 + 1, kind
        assert abs(int(samples[0])) < 100 and abs(int(samples[-1])) < 100, f"{kind} clicks"
        spectrum = np.abs(np.fft.rfft(samples))
        peak = np.fft.rfftfreq(len(samples), 1 / EARCON_RATE)[spectrum.argmax()]
        assert min(abs(peak - f) for f in tones) < 30, (kind, peak)
    assert len({s.tobytes() for s in sounds.values()}) == len(KINDS)
    with pytest.raises(ValueError):
        earcon("fanfare")


# --- pieces ----------------------------------------------------------------------------------


def test_retries_wait_longer_each_time_and_start_again_after_a_success() -> None:
    retry = Retry((1, 2, 4))
    assert [retry.next_pause() for _ in range(5)] == [1, 2, 4, 4, 4]
    retry.succeeded()
    assert retry.next_pause() == 1


def test_a_wake_phrase_the_recogniser_cannot_hear_is_refused_clearly(
    recogniser: PocketSphinxRecogniser,
) -> None:
    assert checked_wake_phrase("Hey,  Coach", recogniser.vocabulary).phrases[0] == "hey coach"
    with pytest.raises(CoachError) as error:
        checked_wake_phrase("hey zorblaxian", recogniser.vocabulary)
    assert "zorblaxian" in error.value.what and "hey coach" in error.value.todo
    with pytest.raises(CoachError):
        checked_wake_phrase("  ", recogniser.vocabulary)


# --- the whole mode, the hardware faked --------------------------------------------------------


class Devices(QuietSpeaker):
    """Microphone, loudspeaker and speech in one: plays `audio` to the coach, then silence."""

    def __init__(self, audio: bytes, silence_seconds: float = 600.0) -> None:
        self.audio = audio + bytes(int(SPEECH.bytes_per_second * silence_seconds))
        self.volume = 1.0
        self.played: list[str] = []
        self.said: list[str] = []

    def __enter__(self) -> Devices:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    # microphone
    def read(self, timeout: float | None = None) -> AudioBlock | None:
        if not self.audio:
            raise RanOut(f"the coach said {self.said[-3:]}")
        chunk, self.audio = self.audio[:BLOCK], self.audio[BLOCK:]
        return AudioBlock(chunk, SPEECH)

    def reopen(self) -> None:
        raise AudioUnavailable("the test's microphone cannot be opened again")

    # loudspeaker
    def play(self, block: AudioBlock) -> None:
        self.played.append(next(k for k in KINDS if earcon(k) == block))

    def wait(self, timeout: float | None = None) -> bool:
        return True


def session_in(home: Path) -> Session:
    start = Start(profile=Profile("Sam", "Alex", "partner"), consent=True, first_run=False)
    return Session(load_exercises(), Journal(home), start, random.Random(0))


def speaker_mode(
    recogniser: PocketSphinxRecogniser,
    open_devices: Callable[[], Any],
    open_session: Callable[[], Session],
    sleeps: list[float],
) -> SpeakerMode:
    options = SpeakerOptions(idle_minutes=0.5)
    return SpeakerMode(options, recogniser, open_session, open_devices, sleep=sleeps.append)


def test_woken_by_the_phrase_alone_and_a_quiet_session_ends_on_its_own(
    tmp_path: Path, recogniser: PocketSphinxRecogniser
) -> None:
    said_first = [spoken(tmp_path, t).pcm for t in ("the coach is late today", "okay", "yes")]
    audio = b"".join(SILENCE + clip for clip in said_first) + SILENCE
    audio += spoken(tmp_path, "hey coach").pcm
    devices = Devices(audio, silence_seconds=60)
    sessions: list[Session] = []

    def open_session() -> Session:
        sessions.append(session_in(tmp_path / "home"))
        return sessions[-1]

    sleeps: list[float] = []
    mode = speaker_mode(recogniser, lambda: (devices, devices, devices), open_session, sleeps)
    mode.run(sessions=1)

    assert len(sessions) == 1, "woken before the wake phrase, or never"
    assert devices.played[0] == "listening"
    assert sessions[0].ended in ("idle", "paused")  # paused: it offered a pause, then took one
    assert devices.said, "the coach said nothing when woken"
    assert sleeps == []


def test_louder_then_stop_listening_turns_the_volume_and_ends_the_session(
    tmp_path: Path, recogniser: PocketSphinxRecogniser
) -> None:
    audio = SILENCE + spoken(tmp_path, "hey coach").pcm + SILENCE
    for words in ("louder", "stop listening"):
        audio += spoken(tmp_path, words).pcm + SILENCE * 2
    devices = Devices(audio, silence_seconds=30)
    sessions: list[Session] = []

    def open_session() -> Session:
        sessions.append(session_in(tmp_path / "home"))
        return sessions[-1]

    mode = speaker_mode(recogniser, lambda: (devices,) * 3, open_session, [])
    mode.run(sessions=1)
    assert devices.volume == pytest.approx(0.7 * 1.4)
    assert "Louder now." in devices.said
    question = devices.said[devices.said.index("Louder now.") + 1]
    assert question.endswith("?"), devices.said  # the question, asked again
    assert sessions[0].ended == "paused"
    assert devices.said[-1] == "All right. I'm here when you need me."
    assert devices.played == ["listening", "understood"]


def test_devices_that_fail_are_tried_again_with_growing_pauses(
    tmp_path: Path, recogniser: PocketSphinxRecogniser
) -> None:
    attempts: list[int] = []
    devices = Devices(SILENCE + spoken(tmp_path, "hey coach").pcm, silence_seconds=60)

    def open_devices() -> tuple[Devices, Devices, Devices]:
        attempts.append(1)
        if len(attempts) <= 3:
            raise AudioUnavailable("Could not record from default: no such device.")
        return devices, devices, devices

    sleeps: list[float] = []
    mode = speaker_mode(recogniser, open_devices, lambda: session_in(tmp_path / "home"), sleeps)
    mode.run(sessions=1)
    assert sleeps == [1, 2, 4]
    assert any("I'm back" in line for line in devices.said), devices.said
    assert mode.retry.failures == 0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real file system of 1 MB (tmpfs; needs root), to be filled up."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small disk here: {mounted.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(disk: Path) -> None:
    fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(fd, bytes(4096)):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)


def test_a_full_disk_is_said_and_the_coach_goes_back_to_waiting(
    small_disk: Path, tmp_path: Path, recogniser: PocketSphinxRecogniser
) -> None:
    home = small_disk / "home"
    first = session_in(home)  # the journal exists, then the disk fills up
    first.begin()
    first.hear("seven")
    first.journal.close()
    fill(small_disk)

    wake = SILENCE + spoken(tmp_path, "hey coach").pcm + SILENCE
    answer = spoken(tmp_path, "seven").pcm + SILENCE * 2  # to "how close do you feel?"
    devices = Devices((wake + answer) * 2, silence_seconds=60)
    sleeps: list[float] = []
    mode = speaker_mode(recogniser, lambda: (devices,) * 3, lambda: session_in(home), sleeps)
    mode.run(sessions=2)
    full = [line for line in devices.said if "full" in line]
    assert len(full) == 2, devices.said
    assert "Free some space" in full[0]
    assert devices.played.count("error") == 2
    assert sleeps == [1, 1]  # each wake-up that works starts the pauses again
