"""Sound devices through sounddevice (PortAudio): list and pick them, a microphone, a loudspeaker.

Importing this module is cheap: sounddevice, numpy and soxr are imported when first used, and a
missing PortAudio library becomes an `AudioUnavailable` that says what to install.

Audio is always 16-bit signed little-endian PCM, and every block carries its `AudioFormat`.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal

from coach.errors import CoachError
from coach.voice.format import SPEECH, AudioBlock, AudioFormat

log = logging.getLogger(__name__)

INPUT_LATENCY = 0.2
"""Seconds of audio the input buffer holds: enough to ride out a busy moment of the machine
(with PortAudio's default of about 30 ms, eleven sessions on two cores made ALSA's stream stall)
while adding nothing to when speech is heard: blocks still arrive every 30 ms."""
HELD_UP_SECONDS = 0.5
"""A gap this long between two looks at the microphone means the reader itself was held up."""

Kind = Literal["input", "output"]


class AudioUnavailable(CoachError):
    """No usable sound device, or the one in use went away."""


def _sounddevice() -> Any:
    """The sounddevice module, or an `AudioUnavailable` that says how to get it working."""
    try:
        import sounddevice
    except OSError as error:  # sounddevice raises OSError when libportaudio is missing
        raise AudioUnavailable(
            f"The PortAudio sound library could not be loaded ({error}).",
            "Install it: sudo apt-get install libportaudio2",
        ) from error
    except ImportError as error:
        raise AudioUnavailable(
            "The sounddevice package is not installed.",
            "Install the voice extras: pip install 'coach[voice]'",
        ) from error
    return sounddevice


@dataclass(frozen=True)
class Device:
    """A sound device as PortAudio sees it."""

    index: int
    name: str
    inputs: int
    """Most input channels it offers; 0 for a device that cannot record."""
    outputs: int
    """Most output channels it offers; 0 for a device that cannot play."""
    default_rate: float
    """The sample rate it prefers, in Hz."""

    def channels(self, kind: Kind) -> int:
        return self.inputs if kind == "input" else self.outputs


def list_devices() -> list[Device]:
    """Every sound device PortAudio knows, inputs and outputs alike."""
    sd = _sounddevice()
    return [
        Device(
            index=int(info["index"]),
            name=str(info["name"]),
            inputs=int(info["max_input_channels"]),
            outputs=int(info["max_output_channels"]),
            default_rate=float(info["default_samplerate"]),
        )
        for info in sd.query_devices()
    ]


def _names(devices: list[Device], kind: Kind) -> str:
    usable = [f"{d.index}: {d.name}" for d in devices if d.channels(kind)]
    return "; ".join(usable) or "none"


def pick_device(spec: str | int | None, kind: Kind) -> Device:
    """The device to use: by index, by a case-insensitive part of its name, or the default.

    A name matching several devices is accepted when one matches exactly.
    """
    devices = list_devices()
    usable = [d for d in devices if d.channels(kind)]
    what = "microphone" if kind == "input" else "speaker"
    if not usable:
        raise AudioUnavailable(
            f"No {kind} device was found, so there is no {what}.",
            f"Connect a {what}, or check that the sound server runs (pactl info).",
        )
    if spec is None:
        default = _sounddevice().default.device[0 if kind == "input" else 1]
        index = int(default) if default is not None else -1
        return next((d for d in usable if d.index == index), usable[0])
    if isinstance(spec, int) or spec.strip().isdigit():
        index = int(spec)
        found = [d for d in usable if d.index == index]
    else:
        wanted = spec.strip().lower()
        found = [d for d in usable if d.name.lower() == wanted] or [
            d for d in usable if wanted in d.name.lower()
        ]
    if len(found) == 1:
        return found[0]
    if found:
        raise AudioUnavailable(
            f"Several {kind} devices match {spec!r}: {_names(found, kind)}.",
            "Give more of the name, or the number.",
        )
    raise AudioUnavailable(
        f"No {kind} device matches {spec!r}. The {kind} devices are: {_names(devices, kind)}.",
        "Choose one of those by name or number.",
    )


def _rates(wanted: int | None, device: Device) -> list[int]:
    """Rates to try, in Hz: the one asked for, then the device's own."""
    rates = [wanted] if wanted else []
    return [*rates, *[r for r in [round(device.default_rate)] if r not in rates]]


class Microphone:
    """Records from an input device; a context manager.

    The PortAudio callback only copies bytes into a queue; `read` hands them out as blocks.
    `rate` (Hz) is a wish: the real format is known once open (`format`), the requested rate
    when the device takes it, else the device's default rate (also when `rate` is None), so
    callers must look at it, or resample (`to_mono_rate`). Recognisers want `SPEECH.rate`.
    """

    def __init__(
        self,
        device: str | int | None = None,
        rate: int | None = None,
        block_seconds: float = 0.03,
        stall_seconds: float = 2.0,
        max_queued_seconds: float = 30.0,
    ) -> None:
        self._spec = device
        self._rate = rate
        self.block_seconds = block_seconds
        """Length of each block, in seconds."""
        self.stall_seconds = stall_seconds
        """After this many seconds without any audio, in seconds, the device counts as lost."""
        self._max_blocks = max(1, round(max_queued_seconds / block_seconds))
        self._queue: queue.Queue[bytes] = queue.Queue(self._max_blocks)
        self._stream: Any = None
        self._finished = threading.Event()
        self._closing = False
        self._last_audio = 0.0
        self._last_check = 0.0
        self._overflows = 0
        self._logged_overflows = 0
        self.device: Device | None = None
        """The device in use, once open."""
        self.format = AudioFormat(rate or SPEECH.rate)
        """The format blocks come in; a guess until open."""

    @property
    def overflows(self) -> int:
        """How many times audio was lost because it was not read fast enough."""
        return self._overflows

    def __enter__(self) -> Microphone:
        self.open()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def open(self) -> None:
        """Open and start the stream at a rate the device supports."""
        sd = _sounddevice()
        self.device = device = pick_device(self._spec, "input")
        errors = []
        for rate in _rates(self._rate, device):
            try:
                stream = sd.RawInputStream(
                    device=device.index,
                    samplerate=rate,
                    channels=1,
                    dtype="int16",
                    blocksize=max(1, round(rate * self.block_seconds)),
                    latency=INPUT_LATENCY,
                    callback=self._callback,
                    finished_callback=self._finished.set,
                )
            except sd.PortAudioError as error:
                errors.append(f"{rate} Hz: {error}")
                continue
            if rate != self._rate:
                log.info("%s does not record at %s Hz; using %s Hz", device.name, self._rate, rate)
            self.format = AudioFormat(rate)
            self._finished.clear()
            self._closing = False
            self._last_audio = self._last_check = time.monotonic()
            try:
                stream.start()
            except sd.PortAudioError as error:
                stream.close()
                errors.append(f"{rate} Hz: {error}")
                continue
            self._stream = stream
            return
        raise AudioUnavailable(
            f"Could not record from {device.name}: {'; '.join(errors)}.",
            "Choose another microphone (coach devices), or check the sound settings.",
        )

    def _callback(self, indata: Any, frames: int, time_info: Any, status: Any) -> None:
        # Runs on PortAudio's thread: copy and count, nothing more.
        if status.input_overflow:
            self._overflows += 1
        self._last_audio = time.monotonic()
        try:
            self._queue.put_nowait(bytes(indata))
        except queue.Full:
            self._overflows += 1

    def read(self, timeout: float | None = None) -> AudioBlock | None:
        """The next block, or None when none came within `timeout` seconds (None: wait).

        Raises `AudioUnavailable` when the stream ended or stopped sending audio (device lost).
        """
        if self._stream is None:
            raise RuntimeError("open the microphone first")
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            self._report_overflows()
            left = 0.1 if deadline is None else min(0.1, deadline - time.monotonic())
            try:
                return AudioBlock(self._queue.get(timeout=max(0.0, left)), self.format)
            except queue.Empty:
                pass
            self._check_alive()
            if deadline is not None and time.monotonic() >= deadline:
                return None

    def _check_alive(self) -> None:
        name = self.device.name if self.device else "the microphone"
        if self._finished.is_set() and not self._closing:
            raise AudioUnavailable(
                f"The microphone ({name}) stopped: it may have been unplugged.",
                "Check the microphone and start again.",
            )
        now = time.monotonic()
        if now - self._last_check > HELD_UP_SECONDS:
            # This thread could not run (another thread holding the interpreter, as a model
            # loading does, or a busy machine); the callback could not either. Judge the
            # device only on time it had to deliver in.
            self._last_audio = max(self._last_audio, now)
        self._last_check = now
        silent = now - self._last_audio
        if silent > self.stall_seconds:
            raise AudioUnavailable(
                f"The microphone ({name}) sent no sound for {silent:.1f} seconds.",
                "Check that it is plugged in and not used by another program.",
            )

    def _report_overflows(self) -> None:
        if self._overflows != self._logged_overflows:
            log.warning(
                "microphone audio lost %d time(s) so far: it was not read fast enough",
                self._overflows,
            )
            self._logged_overflows = self._overflows

    def reopen(self) -> None:
        """Close the stream and open the device again (after it stalled, or came back)."""
        self.close()
        self.open()

    def close(self) -> None:
        """Stop recording and release the device; blocks still queued are dropped."""
        stream, self._stream = self._stream, None
        if stream is not None:
            self._closing = True
            try:
                stream.abort()
                stream.close()
            except _sounddevice().PortAudioError as error:
                log.warning("closing the microphone: %s", error)
        self._report_overflows()
        while not self._queue.empty():
            self._queue.get_nowait()


def to_mono_rate(block: AudioBlock, rate: int) -> AudioBlock:
    """`block` as 16-bit mono at `rate` Hz (mixing channels and resampling with soxr)."""
    fmt = block.format
    if fmt.width != 2:
        raise ValueError(f"only 16-bit audio is supported, not {8 * fmt.width}-bit")
    if fmt.channels == 1 and fmt.rate == rate:
        return block
    import numpy as np

    samples = np.frombuffer(block.pcm, dtype="<i2").reshape(-1, fmt.channels)
    mono = samples.mean(axis=1).astype(np.float32) / 32768.0
    if fmt.rate != rate:
        import soxr

        mono = soxr.resample(mono, fmt.rate, rate)
    pcm = (np.clip(mono, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()
    return AudioBlock(pcm, AudioFormat(rate))


def scaled(pcm: bytes, gain: float) -> bytes:
    """16-bit samples multiplied by `gain` (0 to 1)."""
    import numpy as np

    values = np.frombuffer(pcm, dtype="<i2").astype(np.float32) * gain
    return values.round().astype("<i2").tobytes()


def refresh_devices() -> None:
    """Ask PortAudio for the devices again (one plugged in since it started shows up).

    Only while no stream is open.
    """
    sd = _sounddevice()
    sd._terminate()
    sd._initialize()


class Loudspeaker:
    """Plays blocks on an output device without blocking; blocks queue one after another.

    One stream stays open between sentences (so the second sentence starts without a gap);
    its rate is the first block's when the device takes it, else the device's default rate,
    and later blocks are converted to it.
    """

    def __init__(self, device: str | int | None = None, block_seconds: float = 0.02) -> None:
        self._spec = device
        self.block_seconds = block_seconds
        """Length of each chunk handed to the device, in seconds."""
        self._lock = threading.Lock()
        self._pending = bytearray()
        self._played_frames = 0
        self._drained_at = 0.0
        self._idle = threading.Event()
        self._idle.set()
        self._stream: Any = None
        self._finished = threading.Event()
        self.device: Device | None = None
        """The device in use, once a stream is open."""
        self.format: AudioFormat | None = None
        """The stream's format, once open."""
        self.volume = 1.0
        """Gain from 0 to 1 applied to what is queued from now on (1: as rendered)."""

    def __enter__(self) -> Loudspeaker:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _open(self, rate: int) -> AudioFormat:
        sd = _sounddevice()
        self.device = device = pick_device(self._spec, "output")
        errors = []
        for candidate in _rates(rate, device):
            try:
                stream = sd.RawOutputStream(
                    device=device.index,
                    samplerate=candidate,
                    channels=1,
                    dtype="int16",
                    blocksize=max(1, round(candidate * self.block_seconds)),
                    latency="low",
                    callback=self._callback,
                    finished_callback=self._finished.set,
                )
            except sd.PortAudioError as error:
                errors.append(f"{candidate} Hz: {error}")
                continue
            self._finished.clear()
            stream.start()
            self._stream = stream
            self.format = AudioFormat(candidate)
            return self.format
        raise AudioUnavailable(
            f"Could not play on {device.name}: {'; '.join(errors)}.",
            "Choose another speaker (coach devices), or check the sound settings.",
        )

    def _callback(self, outdata: Any, frames: int, time_info: Any, status: Any) -> None:
        # Runs on PortAudio's thread: copy what is pending, then silence.
        size = len(outdata)
        with self._lock:
            n = min(size, len(self._pending))
            if n:
                outdata[:n] = self._pending[:n]
                del self._pending[:n]
                self._played_frames += n // 2
                if not self._pending:
                    self._drained_at = time.monotonic()
                    self._idle.set()
        if n < size:
            outdata[n:] = bytes(size - n)

    def queue(self, block: AudioBlock) -> None:
        """Play `block` after what is already queued; returns at once."""
        self._check_stream()
        fmt = self.format if self._stream is not None else None
        fmt = fmt or self._open(block.format.rate)
        pcm = to_mono_rate(block, fmt.rate).pcm
        if not pcm:
            return
        if self.volume < 1.0:
            pcm = scaled(pcm, self.volume)
        with self._lock:
            self._pending += pcm
            self._idle.clear()

    def _check_stream(self) -> None:
        if self._stream is not None and self._finished.is_set():
            stream, self._stream = self._stream, None
            try:
                stream.close()
            except _sounddevice().PortAudioError as error:
                log.debug("closing the stopped speaker stream: %s", error)
            name = self.device.name if self.device else "the speaker"
            raise AudioUnavailable(
                f"The speaker ({name}) stopped: it may have been unplugged.",
                "Check the speaker; the coach tries again on its own.",
            )

    def play(self, block: AudioBlock) -> None:
        """Play `block` now, dropping anything still queued; returns at once."""
        self.stop()
        self._played_frames = 0
        self.queue(block)

    def stop(self) -> None:
        """Stop playing at once and drop what is queued."""
        with self._lock:
            self._pending.clear()
            self._drained_at = 0.0
            self._idle.set()

    @property
    def _latency(self) -> float:
        return float(self._stream.latency) if self._stream is not None else 0.0

    @property
    def playing(self) -> bool:
        """True while queued audio remains or is still on its way out of the device.

        Raises `AudioUnavailable` if the device went away while playing.
        """
        if self._stream is not None and self._finished.is_set():
            self.stop()
            self._check_stream()
        with self._lock:
            pending = bool(self._pending)
        return pending or time.monotonic() < self._drained_at + self._latency

    @property
    def played_seconds(self) -> float:
        """Audio handed to the device since the last `play`, in seconds."""
        rate = self.format.rate if self.format else 1
        return self._played_frames / rate

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until everything queued has been heard; False if `timeout` seconds passed."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._idle.wait(0.1):
            if self._finished.is_set():
                return False
            if deadline is not None and time.monotonic() >= deadline:
                return False
        rest = self._drained_at + self._latency - time.monotonic()
        if deadline is not None:
            rest = min(rest, deadline - time.monotonic())
        if rest > 0:
            time.sleep(rest)
        return not self.playing

    def close(self) -> None:
        """Stop and release the device."""
        self.stop()
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.abort()
                stream.close()
            except _sounddevice().PortAudioError as error:
                log.warning("closing the speaker: %s", error)
