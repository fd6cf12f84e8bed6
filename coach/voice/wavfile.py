"""WAV files and format conversion: read, write, resample, pad, mix down to mono.

Only 16-bit PCM is handled: it is what microphones, espeak-ng and the recognisers use.
numpy and soxr are imported inside the functions that need them.
"""

from __future__ import annotations

import wave
from pathlib import Path
from typing import TYPE_CHECKING

from coach.voice.format import SPEECH, AudioBlock, AudioFormat

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Samples = npt.NDArray[np.int16]


def read_wav(path: Path | str) -> AudioBlock:
    """The audio of a 16-bit PCM WAV file, mixed down to mono if it has more channels.

    Raises ValueError, naming the file, for anything else (8/24/32-bit, float, compressed).
    """
    try:
        with wave.open(str(path), "rb") as wav:
            width, rate, channels = wav.getsampwidth(), wav.getframerate(), wav.getnchannels()
            pcm = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as error:
        raise ValueError(f"{path} is not a 16-bit PCM WAV file ({error})") from error
    if width != 2:
        raise ValueError(f"{path} is not a 16-bit PCM WAV file ({8 * width}-bit samples)")
    return to_mono(AudioBlock(pcm, AudioFormat(rate, 2, channels)))


def write_wav(path: Path | str, block: AudioBlock) -> None:
    """Write a block as a PCM WAV file in its own format."""
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(block.format.channels)
        wav.setsampwidth(block.format.width)
        wav.setframerate(block.format.rate)
        wav.writeframes(block.pcm)


def samples(block: AudioBlock) -> Samples:
    """The 16-bit samples of a block as a numpy array (interleaved if several channels)."""
    import numpy as np

    _check_16_bit(block)
    return np.frombuffer(block.pcm, dtype="<i2").astype(np.int16)


def from_samples(values: Samples, fmt: AudioFormat) -> AudioBlock:
    """A block holding 16-bit samples in the given format."""
    import numpy as np

    return AudioBlock(np.asarray(values, dtype="<i2").tobytes(), fmt)


def to_mono(block: AudioBlock) -> AudioBlock:
    """The block mixed down to one channel (the average of all channels)."""
    if block.format.channels == 1:
        return block
    import numpy as np

    channels = block.format.channels
    frames = samples(block)[: len(block.pcm) // 2 // channels * channels].reshape(-1, channels)
    mixed = np.round(frames.astype(np.float64).mean(axis=1)).astype(np.int16)
    return from_samples(mixed, AudioFormat(block.format.rate, 2, 1))


def resample(block: AudioBlock, rate: int) -> AudioBlock:
    """The block at another sample rate (soxr, high quality); the same block if already there."""
    if block.format.rate == rate:
        return block
    import soxr

    channels = block.format.channels
    values = samples(block).reshape(-1, channels) if channels > 1 else samples(block)
    out = soxr.resample(values, block.format.rate, rate)
    return from_samples(out.reshape(-1), AudioFormat(rate, 2, channels))


def pad(block: AudioBlock, seconds_before: float, seconds_after: float) -> AudioBlock:
    """The block with digital silence added before and after (seconds)."""
    frame = block.format.width * block.format.channels
    before = bytes(round(seconds_before * block.format.rate) * frame)
    after = bytes(round(seconds_after * block.format.rate) * frame)
    return AudioBlock(before + block.pcm + after, block.format)


def to_speech_format(block: AudioBlock) -> AudioBlock:
    """The block as the recognisers want it: mono, 16 kHz, 16-bit."""
    converted = resample(to_mono(block), SPEECH.rate)
    assert converted.format == SPEECH, converted.format
    return converted


def _check_16_bit(block: AudioBlock) -> None:
    if block.format.width != 2:
        raise ValueError(f"only 16-bit audio is supported, not {8 * block.format.width}-bit")
