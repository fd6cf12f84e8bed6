"""Text mode: start to the first prompt, and a 30-turn replay, each a fresh `coach` process."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from scripts.benchmarks.common import REPO, Figure, Section, median, met, spread

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


def runs_of(runs: int, measure: Callable[[Path], float]) -> list[float]:
    """`measure(home)` `runs` times, each with a fresh, empty data folder."""
    values = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as home:
            values.append(measure(Path(home)))
    return values


def measure(runs: int) -> Section:
    with tempfile.TemporaryDirectory() as folder:
        script, turns = write_script(Path(folder))
        start = runs_of(runs, first_prompt_seconds)
        replay = runs_of(runs, lambda home: replay_seconds(script, home))
    figures = [
        Figure(
            "Text mode: start to first prompt",
            f"{median(start) * 1000:.0f} ms",
            "<= 300 ms",
            met(median(start), 0.300),
            spread(start),
        ),
        Figure(
            f"Text mode: {turns}-turn replay, whole process",
            f"{median(replay) * 1000:.0f} ms",
            "<= 1000 ms",
            met(median(replay), 1.000),
            spread(replay),
        ),
    ]
    return Section(
        "text",
        "Text mode",
        "Each figure is the median of fresh `coach` processes, each with an empty data folder, "
        "so it includes Python's own start-up. Start-up was 576 ms at first; the pure-Python "
        "YAML parser took 370 ms of it. Dialogs now load with libyaml and skip the style "
        "checks at run time, and the safety screen, whose patterns take about 0.2 s to "
        "compile, is compiled in the background after the first prompt is shown.",
        figures,
        command=f".venv/bin/python scripts/bench.py --only text --runs {runs}",
    )
