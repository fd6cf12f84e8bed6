"""The typed rows of the safety benchmark alone, in a minute rather than the half hour
the spoken rows take (scripts/bench.py --only safety runs both and writes the results).

    PYTHONPATH=. .venv/bin/python scripts/safety_typed.py [blind-2 ...]

Names given: only the sets whose name contains one of them.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.benchmarks.safety import set_figures
from scripts.safety_corpus import Item, is_heard, load_blind, load_corpus


def main(wanted: list[str]) -> int:
    sets: dict[str, list[Item]] = {
        "Test part": [i for i in load_corpus() if i.part == "test" and not is_heard(i)]
    }
    sets.update({f"Blind batch {name}": items for name, items in load_blind().items()})
    for name, items in sets.items():
        if wanted and not any(w in name for w in wanted):
            continue
        for figure in set_figures(name, items):
            print(
                f"{figure.figure}: {figure.value} [{figure.target}: {figure.met}] {figure.spread}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
