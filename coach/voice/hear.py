"""Hear one recorded answer: WAV file in, understood intent out (`coach hear`, benchmarks).

The same path a live answer takes, minus the microphone: the audio is recognised against the
grammar of the question, and the text is read by `coach.dialog.understand` (commands first).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from coach.dialog.understand import (
    Option,
    Reading,
    parse_choice,
    parse_command,
    parse_number,
    parse_yes_no,
)
from coach.errors import CoachError
from coach.voice.asr import Recogniser
from coach.voice.grammar import Expectation, expectation_for
from coach.voice.wavfile import pad, read_wav

PADDING = 0.3
"""Seconds of silence added before and after the recording: files are often trimmed tight."""
CHUNK = 0.1
"""Seconds of audio per block fed to the recogniser, as a microphone would."""
_SPEC_HELP = "Use yes_no, scale, scale:LOW-HIGH, choice:ID,ID,... or free."


def parse_expect(spec: str) -> tuple[Expectation, tuple[Option, ...], tuple[int, int]]:
    """ "yes_no" | "scale" | "scale:1-5" | "choice:ID,ID" | "free" -> what to listen for.

    Option ids double as labels ("quality_time" is said "quality time").
    """
    kind, _, rest = spec.strip().partition(":")
    options: tuple[Option, ...] = ()
    scale = (0, 10)
    if kind == "choice":
        ids = [i.strip() for i in rest.split(",") if i.strip()]
        if not ids:
            raise CoachError(f"'{spec}' names no options.", "Write choice:ID,ID (e.g. choice:a,b).")
        options = tuple(Option(i, i.replace("_", " ").replace("-", " ")) for i in ids)
    elif kind == "scale" and rest:
        low, _, high = rest.partition("-")
        if not (low.isdigit() and high.isdigit() and int(low) < int(high)):
            raise CoachError(f"'{spec}' is not a scale.", "Write scale:LOW-HIGH, e.g. scale:1-5.")
        scale = (int(low), int(high))
    elif kind not in ("yes_no", "scale", "free") or rest:
        raise CoachError(f"'{spec}' is not a kind of answer.", _SPEC_HELP)
    return expectation_for(kind, options, scale), options, scale


def understand(
    text: str, kind: str, options: tuple[Option, ...], scale: tuple[int, int]
) -> Reading:
    """Read recognised text as a command, else as the answer the question expects."""
    command = parse_command(text) if text else None
    if command is not None:
        return Reading("command", command, 1.0)
    if kind == "yes_no":
        return parse_yes_no(text)
    if kind == "scale":
        return parse_number(text, *scale)
    if kind == "choice":
        return parse_choice(text, options)
    return Reading("free", text, 1.0) if text else Reading("none", None, 1.0)


def hear_file(path: Path, expect_spec: str, recogniser: Recogniser) -> dict[str, Any]:
    """Recognise and understand one WAV file.

    Returns {"text", "intent", "value", "confidence", "engine", "seconds"}: the words heard,
    what they mean (intent "command" with the command's name as value, or a Reading's intent
    and value), the recogniser's confidence times the reading's, the engine whose words they
    are, and the wall-clock seconds recognition took.
    """
    expect, options, scale = parse_expect(expect_spec)
    try:
        audio = pad(read_wav(path), PADDING, PADDING)
    except (OSError, ValueError) as error:
        raise CoachError(f"Cannot read {path}: {error}", "Give a 16-bit PCM WAV file.") from error
    started = time.perf_counter()
    utterance = recogniser.listen(expect)
    step = max(2, round(CHUNK * audio.format.bytes_per_second) // 2 * 2)
    for start in range(0, len(audio.pcm), step):
        utterance.accept(type(audio)(audio.pcm[start : start + step], audio.format))
    heard = utterance.finish()
    seconds = time.perf_counter() - started
    reading = understand(heard.text, expect.kind, options, scale)
    return {
        "text": heard.text,
        "intent": reading.intent,
        "value": reading.value,
        "confidence": round(heard.confidence * reading.confidence, 3),
        "engine": heard.engine,
        "seconds": round(seconds, 3),
    }
