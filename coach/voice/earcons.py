"""Short sounds that say what the coach is doing when there is no screen to look at.

Soft sine tones with gentle edges (no clicks), quiet enough to sit under speech:
listening (rising), understood (one tone), not understood (falling), error (two low tones).
"""

from __future__ import annotations

import math
from functools import cache

from coach.voice.format import AudioBlock, AudioFormat

EARCON_RATE = 16000
LEVEL = 0.25
"""Peak amplitude as a share of full scale."""
EDGE_SECONDS = 0.01
"""Fade in and out, so a tone starts and stops without a click."""

TONES: dict[str, tuple[tuple[float, float], ...]] = {
    "listening": ((660.0, 0.07), (0.0, 0.02), (880.0, 0.09)),
    "understood": ((880.0, 0.08),),
    "not_understood": ((523.0, 0.08), (0.0, 0.02), (392.0, 0.12)),
    "error": ((220.0, 0.12), (0.0, 0.06), (220.0, 0.12)),
}
"""Each earcon as (frequency in Hz, seconds) pieces; frequency 0 is a gap."""
KINDS = tuple(TONES)


@cache
def earcon(kind: str) -> AudioBlock:
    """The earcon `kind` (one of KINDS) as 16 kHz mono audio."""
    import numpy as np

    if kind not in TONES:
        raise ValueError(f"no earcon {kind!r}; there are {', '.join(KINDS)}")
    pieces = []
    for frequency, seconds in TONES[kind]:
        n = round(seconds * EARCON_RATE)
        if frequency == 0.0:
            pieces.append(np.zeros(n))
            continue
        t = np.arange(n) / EARCON_RATE
        tone = np.sin(2 * math.pi * frequency * t)
        edge = min(n // 2, round(EDGE_SECONDS * EARCON_RATE))
        ramp = np.sin(np.linspace(0.0, math.pi / 2, edge)) ** 2
        tone[:edge] *= ramp
        tone[n - edge :] *= ramp[::-1]
        pieces.append(tone)
    samples = np.concatenate(pieces) * LEVEL * 32767
    return AudioBlock(samples.round().astype("<i2").tobytes(), AudioFormat(EARCON_RATE))
