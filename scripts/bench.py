#!/usr/bin/env python3
"""Measure the coach and write the figures, with the machine's details, to bench/results.md.

    .venv/bin/python scripts/bench.py [--runs N]

Each figure is the median of N runs of the real `coach` command in a fresh process, with a
fresh data folder, so it includes Python's own start-up. Quote medians: these machines are
shared and noisy.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TURNS_30: list[object] = [
    "yes",
    "about a seven",
    "repeat",
    "yes",
    "kind",
    "when my car broke down",
    "slower",
    "funny",
    "back",
    "really funny",
    "the picnic in the rain",
    {"silence": 30},
    {"silence": 30},
    "patient",
    "help",
    "last week at dinner",
    "what do you remember about me",
    "a letter",
    "let me think",
    "friday evening",
    "repeat",
    "skip",
    "back",
    "yes",
    "faster",
    "thank you for being so kind to me",
    "what can I say",
    "help",
    "repeat",
    "8",
]
"""Thirty turns through appreciation: answers, commands, silences, a correction."""


def first_prompt_seconds(home: Path) -> float:
    """From starting `coach --text` to its first question on stdout."""
    env = {**os.environ, "COACH_HOME": str(home)}
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(REPO / ".venv" / "bin" / "coach"), "--text"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        bufsize=1,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.rstrip().endswith("?"):
            elapsed = time.perf_counter() - started
            break
    else:
        raise RuntimeError("the coach never asked a question")
    process.kill()
    process.wait()
    return elapsed


def replay_seconds(script: Path, home: Path) -> float:
    env = {**os.environ, "COACH_HOME": str(home)}
    started = time.perf_counter()
    result = subprocess.run(
        [str(REPO / ".venv" / "bin" / "coach"), "replay", str(script), "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    elapsed = time.perf_counter() - started
    if '"reason": "finished"' not in result.stdout.splitlines()[-1]:
        raise RuntimeError(f"the benchmark replay did not finish: {result.stdout[-300:]}")
    return elapsed


def write_script(folder: Path) -> tuple[Path, int]:
    import yaml

    turns = TURNS_30
    script = folder / "thirty.yaml"
    script.write_text(
        yaml.safe_dump(
            {
                "exercise": "appreciation",
                "profile": {"name": "Sam", "other": "Alex", "relationship": "partner"},
                "turns": turns,
            }
        )
    )
    return script, len(turns)


def median_of(runs: int, measure: object) -> tuple[float, float, float]:
    values = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as home:
            values.append(measure(Path(home)))  # type: ignore[operator]
    return statistics.median(values), min(values), max(values)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{platform.system()} {platform.release()} {platform.machine()}, {cpu}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        script, turns = write_script(Path(folder))
        start = median_of(args.runs, first_prompt_seconds)
        replay = median_of(args.runs, lambda home: replay_seconds(script, home))
    rows = [
        ("Text mode: start to first prompt", start, 0.300),
        (f"Text mode: {turns}-turn replay, whole process", replay, 1.000),
    ]
    lines = [
        "# Benchmarks",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}.",
        f"Command: `.venv/bin/python scripts/bench.py --runs {args.runs}`. Each figure is the",
        "median (with min and max) of that many fresh processes, each with an empty data folder.",
        "",
        "| figure | median | min | max | target | met |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, (median, low, high), target in rows:
        met = "yes" if median <= target else "no"
        lines.append(
            f"| {name} | {median * 1000:.0f} ms | {low * 1000:.0f} ms | "
            f"{high * 1000:.0f} ms | {target * 1000:.0f} ms | {met} |"
        )
    text = "\n".join(lines) + "\n"
    args.out.parent.mkdir(exist_ok=True)
    args.out.write_text(text)
    print(text, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
