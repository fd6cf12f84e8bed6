"""Speaker mode while it waits for the wake phrase: CPU and memory over simulated days.

The real wait loop (`SpeakerMode._wait_for_wake`) and PocketSphinx hear audio faster than
real time: the clock is the audio. Each condition runs in a fresh process.

    .venv/bin/python scripts/bench.py --only speaker
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scripts.benchmarks.common import REPO, Figure, Section, median

HOURS = 24
"""Simulated hours of the long run."""
SPEECH_SHARE = 0.1
"""Share of the long run with someone talking nearby (not to the coach)."""
WAKES_PER_HOUR = 2
MB = 1_000_000
CPU_TARGET = 0.05
"""CPU share of one core while waiting that leaves a Pi's four cores free for the rest."""
GROWTH_TARGET_MB = 5.0


def rss() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1000
    raise RuntimeError("no VmRSS")


def clips(folder: Path) -> dict[str, bytes]:
    """16 kHz speech: the wake phrase, and sentences nobody says to the coach."""
    from scripts.benchmarks.accuracy import BABBLE_TEXT

    sentences = [s.strip() + "." for s in BABBLE_TEXT.split(".") if s.strip()]
    found = {}
    for name, text in [("wake", "hey coach"), *((f"talk{i}", s) for i, s in enumerate(sentences))]:
        path = folder / f"{name}.raw"
        if not path.exists():
            wav = folder / f"{name}.wav"
            subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(wav), text], check=True)
            subprocess.run(
                ["sox", str(wav), "-r", "16000", "-c", "1", "-b", "16", "-t", "raw", str(path)],
                check=True,
            )
        found[name] = path.read_bytes()
    return found


class Audio:
    """A microphone that plays a planned day, piece by piece, as it is read."""

    def __init__(self, next_piece: Callable[[], bytes], seconds: float) -> None:
        from coach.voice.format import SPEECH

        self.next_piece = next_piece
        self.block = int(SPEECH.bytes_per_second * 0.03)
        self.total = int(SPEECH.bytes_per_second * seconds)
        self.given = 0
        self.current = b""
        self.samples: list[tuple[float, int]] = []
        self.next_sample = 0.0

    def read(self, timeout: float | None = None) -> Any:
        from coach.voice.format import SPEECH, AudioBlock

        if self.given >= self.total:
            raise EOFError
        if not self.current:
            self.current = self.next_piece()
        chunk, self.current = self.current[: self.block], self.current[self.block :]
        chunk = chunk.ljust(self.block, b"\0")
        self.given += len(chunk)
        hours = self.given / SPEECH.bytes_per_second / 3600
        if hours >= self.next_sample:
            self.samples.append((hours, rss()))
            self.next_sample += 0.25
        return AudioBlock(chunk, SPEECH)


def child(condition: str, hours: float) -> dict[str, Any]:
    import random

    from coach.voice.asr import PocketSphinxRecogniser
    from coach.voice.format import SPEECH
    from coach.voice.speaker_mode import SpeakerMode, SpeakerOptions

    with tempfile.TemporaryDirectory() as folder:
        said = clips(Path(folder))
    rate = SPEECH.bytes_per_second
    rng = random.Random(1)
    talk = [v for k, v in said.items() if k != "wake"]
    minute = bytes(int(rate * 60))
    wakes = 0

    def next_piece() -> bytes:
        nonlocal wakes
        if condition == "silence":
            return minute
        if condition == "talk":
            return rng.choice(talk) + bytes(int(rate * 0.3))
        if rng.random() < WAKES_PER_HOUR / 60:
            wakes += 1
            return bytes(rate) + said["wake"] + bytes(rate)
        if rng.random() < SPEECH_SHARE:
            talking = b"".join(rng.choice(talk) for _ in range(3))
            return talking + bytes(max(0, len(minute) - len(talking)))
        return minute

    recogniser = PocketSphinxRecogniser()
    mode = SpeakerMode(SpeakerOptions(), recogniser, dict, dict)  # type: ignore[arg-type]
    audio = Audio(next_piece, hours * 3600)
    loaded = rss()
    woken = 0
    started, wall = time.process_time(), time.perf_counter()
    try:
        while True:
            mode._wait_for_wake(audio)  # type: ignore[arg-type]
            woken += 1
    except EOFError:
        pass
    cpu = time.process_time() - started
    return {
        "condition": condition,
        "hours": hours,
        "cpu": cpu,
        "wall": time.perf_counter() - wall,
        "loaded": loaded,
        "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1000,
        "samples": audio.samples,
        "woken": woken,
        "wakes": wakes,
    }


def run_child(condition: str, hours: float) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "scripts.benchmarks.speaker", condition, str(hours)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def slope_per_hour(samples: list[list[float]]) -> float:
    half = [(h, r) for h, r in samples if h >= samples[-1][0] / 2]
    n = len(half)
    mean_h = sum(h for h, _ in half) / n
    mean_r = sum(r for _, r in half) / n
    top = sum((h - mean_h) * (r - mean_r) for h, r in half)
    bottom = sum((h - mean_h) ** 2 for h, _ in half)
    return top / bottom if bottom else 0.0


def measure(runs: int) -> Section:
    short = {c: [run_child(c, 0.25) for _ in range(3)] for c in ("silence", "talk")}
    day = run_child("day", HOURS)
    figures = []
    for condition, name in (("silence", "a quiet room"), ("talk", "people talking nearby")):
        shares = [r["cpu"] / (r["hours"] * 3600) for r in short[condition]]
        share = median(shares)
        figures.append(
            Figure(
                f"Speaker mode waiting, {name}: CPU share of one core",
                f"{share:.2%}",
                f"<= {CPU_TARGET:.0%}",
                "yes" if share <= CPU_TARGET else "no",
                f"{', '.join(f'{s:.2%}' for s in shares)} (3 runs of 15 simulated minutes)",
            )
        )
    growth = slope_per_hour(day["samples"]) * 10 / MB  # per 10 hours
    figures.append(
        Figure(
            f"Speaker mode waiting: RSS over {HOURS} simulated hours",
            f"{day['peak'] / MB:.0f} MB peak, {growth:+.1f} MB per 10 hours",
            f"flat (< {GROWTH_TARGET_MB:.0f} MB per 10 hours)",
            "yes" if growth < GROWTH_TARGET_MB else "no",
            f"{day['loaded'] / MB:.0f} MB once loaded; woken {day['woken']} times for "
            f"{day['wakes']} wake phrases; {day['cpu']:.0f} s of CPU for the day",
        )
    )
    how = (
        "The real wait loop of `coach speaker` (SpeakerMode._wait_for_wake: WebRTC's voice "
        "detector on every 30 ms block, PocketSphinx with the wake grammar only while someone "
        "speaks, and only short utterances counted), fed audio faster than real time: the "
        "clock is the audio. CPU is the process's CPU time over the seconds of audio, on one "
        "core (the loop is single-threaded). 'A quiet room' is digital silence; 'people "
        "talking nearby' is espeak-ng reading ordinary sentences back to back, 0.3 s apart, "
        "the whole time (a television's worth). The long run is "
        f"{HOURS} simulated hours: each minute silent, or (one in {1 / SPEECH_SHARE:.0f}) "
        f"three sentences of talk, and about {WAKES_PER_HOUR} wake phrases an hour; RSS is "
        "sampled every simulated quarter hour and growth is the least-squares slope over the "
        "second half. Each condition runs in its own fresh process."
    )
    notes = [
        "Sessions are not part of this run: their memory is measured in 'Memory over a long "
        "voice session'. On a Raspberry Pi the CPU share will be higher (a Pi 4 core is "
        "roughly a third as fast as one here); not measured on a Pi.",
    ]
    return Section(
        "speaker",
        "Speaker mode while waiting",
        how,
        figures,
        notes,
        command=".venv/bin/python scripts/bench.py --only speaker",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description="One waiting run (run by measure()).")
    parser.add_argument("condition", choices=("silence", "talk", "day"))
    parser.add_argument("hours", type=float)
    args = parser.parse_args()
    print(json.dumps(child(args.condition, args.hours)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
