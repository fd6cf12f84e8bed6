#!/usr/bin/env python3
"""Measure the coach and write the figures, with the machine's details, to bench/results.md.

    .venv/bin/python scripts/bench.py                  every section
    .venv/bin/python scripts/bench.py --only latency   one section (or several, comma-separated)

Sections: latency (reply latency through virtual audio devices), cost (recogniser compute per
second of audio), startup (to the first spoken word), memory (peak RSS over a long simulated
voice session), accuracy (answers understood from synthetic and human speech), text (text
mode). Each keeps its figures in bench/figures/NAME.json; results.md is rebuilt from all of
them. Quote medians: these machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from scripts.benchmarks.common import ORDER, save  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", default=",".join(ORDER), help=f"sections to run, of: {', '.join(ORDER)}"
    )
    parser.add_argument("--runs", type=int, default=15, help="repetitions where repeated")
    args = parser.parse_args()
    wanted = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in ORDER]
    if unknown:
        parser.error(f"unknown section {', '.join(unknown)}; choose from {', '.join(ORDER)}")
    for name in wanted:
        module = importlib.import_module(f"scripts.benchmarks.{name}")
        print(f"== {name}", flush=True)
        section = module.measure(args.runs)
        for figure in section.figures:
            print(f"{figure.figure}: {figure.value} (target {figure.target}, met {figure.met})")
        save(section)
    print(f"wrote {REPO / 'bench' / 'results.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
