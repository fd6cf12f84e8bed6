"""Test helpers for real audio through the PulseAudio test server (scripts/pulse-test-server.sh).

The server has a virtual microphone (play into the sink `coach_mic_feed`) and a virtual
speaker (record the monitor of `coach_speaker`). Use the `pulse_server` fixture: it starts the
server for the session and stops it at the end, but only if this session started it.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import time
import wave
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import numpy as np
import pytest

from coach.voice.format import AudioBlock, AudioFormat

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "pulse-test-server.sh"
RECORD = AudioFormat(16000)
"""The format recordings of the virtual speaker come in."""


def _script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, timeout=60, check=False
    )


def running() -> bool:
    """Whether the test server answers."""
    return _script("status").returncode == 0


def start() -> None:
    """Start the server (or complete it, if one runs already); fail with its reason."""
    result = _script("start")
    if result.returncode != 0:
        pytest.fail(f"could not start the PulseAudio test server: {result.stderr}{result.stdout}")


def stop() -> None:
    _script("stop")


def unplug_mic() -> None:
    """Remove the virtual microphone; programs recording from it lose their stream."""
    result = _script("unplug-mic")
    assert result.returncode == 0, result.stderr


def plug_mic() -> None:
    """Put the virtual microphone back (and make it the default source again)."""
    result = _script("plug-mic")
    assert result.returncode == 0, result.stderr


def suspend_mic(suspended: bool) -> None:
    """Pause the virtual microphone (streams stay open but get no audio), or resume it."""
    subprocess.run(["pactl", "suspend-source", "coach_mic", str(int(suspended))], check=True)


_users = 0
_started_here = False


@pytest.fixture(scope="session")
def pulse_server() -> Iterator[None]:
    """The PulseAudio test server, running; stopped at the end if this session started it."""
    global _users, _started_here
    missing = [
        tool for tool in ("pulseaudio", "pactl", "paplay", "parecord") if not shutil.which(tool)
    ]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (apt-get install pulseaudio pulseaudio-utils)")
    if _users == 0:
        _started_here = not running()
        start()
    _users += 1  # imported into several modules, this fixture is set up once per module
    yield
    _users -= 1
    if _users == 0 and _started_here:
        stop()


def tone(seconds: float, rate: int = 16000, hz: float = 440.0, level: float = 0.5) -> AudioBlock:
    """A sine tone of `seconds` seconds at `hz` Hz, `level` of full scale, 16-bit mono."""
    t = np.arange(round(seconds * rate)) / rate
    samples = (level * 32767 * np.sin(2 * math.pi * hz * t)).astype("<i2")
    return AudioBlock(samples.tobytes(), AudioFormat(rate))


def write_wav(path: Path, block: AudioBlock) -> Path:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(block.format.channels)
        wav.setsampwidth(block.format.width)
        wav.setframerate(block.format.rate)
        wav.writeframes(block.pcm)
    return path


def play_into_mic(path: Path, devices: str = "coach") -> subprocess.Popen[bytes]:
    """Start playing a WAV file into a virtual microphone; returns the running paplay."""
    return subprocess.Popen(["paplay", f"--device={devices}_mic_feed", str(path)])


class VirtualDevices:
    """A microphone `NAME_mic` and speaker `NAME_speaker` of their own, for one program.

    Programs reach them through ALSA's default device when started with `env`
    (libpulse's PULSE_SOURCE and PULSE_SINK pick the default source and sink).
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.env = {"PULSE_SOURCE": f"{name}_mic", "PULSE_SINK": f"{name}_speaker"}

    def __enter__(self) -> VirtualDevices:
        result = _script("add", self.name)
        assert result.returncode == 0, result.stderr
        return self

    def __exit__(self, *exc: object) -> None:
        _script("remove", self.name)


def levels(block: AudioBlock, frame_seconds: float = 0.05) -> list[float]:
    """The RMS level of each `frame_seconds` frame, in 16-bit sample units (full scale 32767)."""
    samples = np.frombuffer(block.pcm, dtype="<i2").astype(np.float64)
    size = max(1, round(block.format.rate * frame_seconds))
    frames = samples[: len(samples) // size * size].reshape(-1, size)
    return [float(v) for v in np.sqrt((frames**2).mean(axis=1))]


def loud_seconds(block: AudioBlock, threshold: float = 500.0, frame_seconds: float = 0.05) -> float:
    """How long the audio is above `threshold` RMS, in seconds."""
    return frame_seconds * sum(level > threshold for level in levels(block, frame_seconds))


def clip(block: AudioBlock, start: float, seconds: float) -> AudioBlock:
    """The part of `block` from `start` seconds on, `seconds` seconds long."""
    frame = block.format.width * block.format.channels
    first = round(start * block.format.rate) * frame
    return AudioBlock(
        block.pcm[first : first + round(seconds * block.format.rate) * frame], block.format
    )


def main_frequency(block: AudioBlock) -> float:
    """The strongest frequency in the block, in Hz."""
    samples = np.frombuffer(block.pcm, dtype="<i2").astype(np.float64)
    spectrum = np.abs(np.fft.rfft(samples))
    return float(np.fft.rfftfreq(len(samples), 1 / block.format.rate)[int(np.argmax(spectrum))])


class SpeakerRecording:
    """Records a virtual speaker (coach_speaker's monitor) while in the `with` block."""

    def __init__(self, path: Path, devices: str = "coach") -> None:
        self.path = path
        self.devices = devices
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> SpeakerRecording:
        self._process = subprocess.Popen(
            [
                "parecord",
                f"--device={self.devices}_speaker.monitor",
                "--raw",
                f"--rate={RECORD.rate}",
                "--channels=1",
                "--format=s16le",
                "--latency-msec=20",
                str(self.path),
            ]
        )
        deadline = time.monotonic() + 5
        while not (self.path.exists() and self.path.stat().st_size > 0):  # it records by now
            assert time.monotonic() < deadline, "parecord recorded nothing within 5 s"
            time.sleep(0.02)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        time.sleep(0.3)  # what is still on its way through the server
        if self._process is not None:
            self._process.terminate()
            self._process.wait(5)

    @property
    def audio(self) -> AudioBlock:
        return AudioBlock(self.path.read_bytes(), RECORD)
