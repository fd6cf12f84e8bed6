"""Audio carries its format everywhere: sample rate, sample width and channels."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AudioFormat:
    """How PCM bytes are laid out."""

    rate: int
    """Samples per second, in Hz."""
    width: int = 2
    """Bytes per sample: 2 is signed 16-bit little-endian."""
    channels: int = 1

    @property
    def bytes_per_second(self) -> int:
        return self.rate * self.width * self.channels

    def seconds(self, n_bytes: int) -> float:
        """How long `n_bytes` of audio in this format lasts, in seconds."""
        return n_bytes / self.bytes_per_second


SPEECH = AudioFormat(16000)
"""What the recognisers and the voice-activity detector work with: 16 kHz, 16-bit, mono."""


@dataclass(frozen=True)
class AudioBlock:
    """A piece of audio and its format."""

    pcm: bytes
    format: AudioFormat

    @property
    def seconds(self) -> float:
        """Duration, in seconds."""
        return self.format.seconds(len(self.pcm))
