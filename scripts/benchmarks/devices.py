"""Virtual audio devices for the benchmarks that listen to the coach (latency, start-up).

They use the PulseAudio test server (scripts/pulse-test-server.sh) and the speaking person of
the device tests (tests/voice/speaking.py), so they need the dev install (scripts/setup.sh
--dev) and the packages pulseaudio, pulseaudio-utils and libasound2-plugins.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from scripts.benchmarks.common import REPO

SERVER = REPO / "scripts" / "pulse-test-server.sh"
FRAME = 0.01
"""Seconds per frame when looking for the first sound."""
LOUD = 300.0
"""RMS (16-bit units) above which a frame counts as sound."""


@contextmanager
def test_server() -> Iterator[None]:
    """The PulseAudio test server, running; stopped afterwards if it was started here."""
    running = subprocess.run([str(SERVER), "status"], capture_output=True).returncode == 0
    if not running:
        subprocess.run([str(SERVER), "start"], check=True, capture_output=True)
    try:
        yield
    finally:
        if not running:
            subprocess.run([str(SERVER), "stop"], capture_output=True)


class Clock:
    """Maps a time in a speaker recording to time.monotonic(), from one look at its size."""

    def __init__(self, recording: Path, rate: int = 16000) -> None:
        self.recording = recording
        self.rate = rate
        now = time.monotonic()
        self.offset = now - self.recorded()

    def recorded(self) -> float:
        """Seconds recorded so far."""
        return self.recording.stat().st_size / (2 * self.rate)

    def at(self, seconds: float) -> float:
        """time.monotonic() when the recording was at `seconds`."""
        return self.offset + seconds


def first_sound(recording: Path, after: float, rate: int = 16000, timeout: float = 60) -> float:
    """Seconds into the recording of the first sound at or after `after` seconds (waits for it)."""
    frame = int(rate * FRAME) * 2
    position = int(after * rate) * 2 // frame * frame
    deadline = time.monotonic() + timeout
    with recording.open("rb") as file:
        while time.monotonic() < deadline:
            file.seek(position)
            chunk = file.read(frame)
            if len(chunk) < frame:
                time.sleep(0.01)
                continue
            samples = np.frombuffer(chunk, dtype="<i2").astype(np.float64)
            if float(np.sqrt((samples**2).mean())) > LOUD:
                return position / (2 * rate)
            position += frame
    raise TimeoutError(f"no sound in {recording} after {after:.2f} s within {timeout} s")


def trailing_quiet(wav: Path) -> float:
    """Seconds of quiet at the end of a 16-bit mono WAV file (after its last sound)."""
    import wave

    with wave.open(str(wav)) as file:
        rate = int(file.getframerate())
        samples = np.frombuffer(file.readframes(file.getnframes()), dtype="<i2")
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > LOUD)
    last = int(loud[-1]) + 1 if loud.size else 0
    return (len(samples) - last) / rate
