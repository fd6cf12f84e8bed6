"""Open answers: word error rates per engine, the first answer of a fresh recogniser, and the
crisis sentences of the labelled safety set screened after being spoken and recognised.

Part of the accuracy section (`scripts/bench.py --only accuracy`). Each clip goes the way a
free answer goes in a session: fed in 0.1 s blocks to the recogniser the coach uses for open
answers (`load_recogniser("auto")`: Moonshine) and, side by side, to PocketSphinx's free
recognition (what the coach used before).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from coach.dialog.safety import Screening
from coach.dialog.screening import screen
from coach.voice.asr import PocketSphinxRecogniser, Recogniser
from coach.voice.format import AudioBlock, AudioFormat
from coach.voice.grammar import FREE
from coach.voice.moonshine import MoonshineRecogniser, normalise
from coach.voice.wavfile import pad, read_wav
from scripts.benchmarks.common import REPO, Figure, met
from tests.voice.speaking import error_rate

ANSWERS = (
    "My brother and I used to share a room, and I miss how easy it was to talk at night.",
    "When she cried at the airport I finally understood how much I meant to her.",
    "I never tell him that his jokes are the best part of my day.",
    "We argue about money, but really I just want to feel like a team.",
    "I wish my father would ask me how I am and actually wait for the answer.",
    "The quiet walks along the canal were when we felt closest.",
    "I keep my worries to myself because I don't want to be a burden.",
    "She noticed I was tired and cooked dinner without saying a word.",
    "I'd like us to have one evening a week with no screens at all.",
    "It hurt when he forgot our anniversary, and I never told him.",
    "My best friend moved away last year and we only talk on birthdays now.",
    "I felt proud when my daughter trusted me with her secret.",
    "Maybe we could cook together on Saturdays, like we did before the kids.",
    "I'm afraid that if I open up she'll think less of me.",
    "He listens really well when I talk about my work.",
    "I want to thank my mother for driving me to every practice for ten years.",
    "We laughed so hard at the wedding that we had to leave the room.",
    "Sometimes I pretend everything is fine so we don't have to talk about it.",
    "I could send him a message on Sunday morning before he goes to the gym.",
    "What I need most is to feel that my opinion matters in this family.",
)
"""Open answers for the benchmark, written for it (the tests have their own)."""
VOICES = ("en-us", "en-gb", "en-us+f3")
RATE = 160
SNR_DB = 10.0
LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")
SAFETY_SET = REPO / "tests" / "data" / "safety_utterances.yaml"
ENGINES: dict[str, Callable[[], Recogniser]] = {
    "Moonshine (the coach)": MoonshineRecogniser,
    "PocketSphinx free": PocketSphinxRecogniser,
}
WER_TARGETS = {"espeak-ng, clean": 0.12, "human read speech (LibriVox)": 0.06}


@dataclass(frozen=True)
class Clip:
    said: str
    audio: AudioBlock
    condition: str


def hear(recogniser: Recogniser, audio: AudioBlock) -> str:
    utterance = recogniser.listen(FREE)
    step = max(2, round(0.1 * audio.format.bytes_per_second) // 2 * 2)
    for start in range(0, len(audio.pcm), step):
        utterance.accept(AudioBlock(audio.pcm[start : start + step], audio.format))
    return utterance.finish().text


def with_white_noise(block: AudioBlock, key: str) -> AudioBlock:
    from scripts.benchmarks.accuracy import SEED, active_power

    values = np.frombuffer(block.pcm, dtype="<i2").astype(np.float64)
    level = active_power(values, block.format.rate)
    rng = np.random.default_rng([SEED, zlib.crc32(key.encode())])
    noise = rng.standard_normal(len(values)) * math.sqrt(level / 10 ** (SNR_DB / 10))
    mixed = np.clip(np.round(values + noise), -32768, 32767).astype("<i2").tobytes()
    return AudioBlock(mixed, AudioFormat(block.format.rate))


def clips(folder: Path) -> list[Clip]:
    from scripts.benchmarks.accuracy import speak

    found = []
    for text in ANSWERS:
        for voice in VOICES:
            audio = pad(read_wav(speak(folder, text, voice, RATE)), 0.3, 1.0)
            found.append(Clip(text, audio, "espeak-ng, clean"))
            noisy = with_white_noise(audio, f"{voice}|{text}")
            found.append(Clip(text, noisy, f"espeak-ng, white noise {SNR_DB:.0f} dB SNR"))
    if (LIBRIVOX / "transcription").is_file():
        for line in (LIBRIVOX / "transcription").read_text().splitlines():
            words, _, name = line.rpartition("(")
            said = " ".join(w for w in words.split() if w not in ("<s>", "</s>"))
            audio = pad(read_wav(LIBRIVOX / f"{name.strip(' )')}.wav"), 0.3, 1.0)
            found.append(Clip(said, audio, "human read speech (LibriVox)"))
    return found


def wer_figures(folder: Path) -> tuple[list[Figure], list[str]]:
    everything = clips(folder)
    conditions = list(dict.fromkeys(c.condition for c in everything))
    figures, misheard = [], []
    for engine, make in ENGINES.items():
        recogniser = make()
        for condition in conditions:
            mine = [c for c in everything if c.condition == condition]
            pairs = [(c.said, hear(recogniser, c.audio)) for c in mine]
            rate = error_rate(pairs)
            target = WER_TARGETS.get(condition) if engine.startswith("Moonshine") else None
            words = sum(len(normalise(c.said).split()) for c in mine)
            figures.append(
                Figure(
                    f"Open answers, {condition}: {engine}, word error rate",
                    f"{rate:.1%}",
                    f"<= {target:.0%}" if target is not None else "report",
                    ("yes" if rate <= target else "no") if target is not None else "-",
                    f"{len(mine)} clips, {words} words",
                )
            )
            if engine.startswith("Moonshine") and condition.endswith("clean"):
                misheard += [f"{normalise(s)!r} -> {h!r}" for s, h in pairs if normalise(s) != h]
    return figures, misheard[:8]


def first_answer_figures(folder: Path) -> list[Figure]:
    """Each clip as the first answer of a fresh recogniser, and again after all the others."""
    from scripts.benchmarks.accuracy import speak

    audio = [(t, pad(read_wav(speak(folder, t, "en-us", RATE)), 0.3, 1.0)) for t in ANSWERS[:10]]
    figures = []
    for engine, make in ENGINES.items():
        first = [(text, hear(make(), block)) for text, block in audio]
        warm = make()
        for _, block in audio:
            hear(warm, block)
        later = [(text, hear(warm, block)) for text, block in audio]
        gap = error_rate(first) - error_rate(later)
        figures.append(
            Figure(
                f"First answer of a fresh process against later ones: {engine}",
                f"{error_rate(first):.1%} against {error_rate(later):.1%} word errors",
                "within 2 points",
                met(gap, 0.02),
                f"{len(audio)} espeak-ng answers, each the first of a new recogniser, then all "
                "heard again by one recogniser that had heard them once",
            )
        )
    return figures


def crisis_figures(folder: Path) -> list[Figure]:
    """The labelled set's crisis sentences, typed and spoken, through the safety screen."""
    from scripts.benchmarks.accuracy import speak

    labelled = yaml.safe_load(SAFETY_SET.read_text(encoding="utf-8"))
    crises = [item["text"] for item in labelled if item["label"] != "benign"]
    typed = [screen(text) for text in crises]
    figures = [_caught("typed", typed, typed)]
    for engine, make in ENGINES.items():
        recogniser = make()
        spoken = []
        for number, text in enumerate(crises):
            voice = VOICES[number % len(VOICES)]
            block = pad(read_wav(speak(folder, text, voice, RATE)), 0.3, 1.0)
            spoken.append(screen(hear(recogniser, block)))
        figures.append(_caught(f"spoken, heard by {engine}", spoken, typed))
    return figures


def _caught(how: str, found: Sequence[Screening], typed: Sequence[Screening]) -> Figure:
    def caught(results: Sequence[Screening]) -> int:
        return sum(r.concern is not None for r in results)

    def certain(results: Sequence[Screening]) -> int:
        return sum(r.concern is not None and r.certain for r in results)

    n, ours, base = len(found), caught(found), caught(typed)
    gap = (base - ours) / n
    return Figure(
        f"Crisis sentences of the labelled safety set, {how}: screened as a concern",
        f"{ours}/{n} ({ours / n:.0%})",
        "report" if how == "typed" else "within 10 points of typed",
        "-" if how == "typed" else met(gap, 0.10),
        f"the crisis response at once {certain(found)}/{n}; typed {base}/{n}",
    )
