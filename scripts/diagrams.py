#!/usr/bin/env python3
"""Write docs/exercises.md: every exercise's flow as a Mermaid diagram GitHub can render.

.venv/bin/python scripts/diagrams.py          # rewrite the file
.venv/bin/python scripts/diagrams.py --check  # exit 1 if it is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from coach.dialog.flow import mermaid  # noqa: E402
from coach.library import load_exercises  # noqa: E402

OUT = REPO / "docs" / "exercises.md"


def render() -> str:
    parts = [
        "# The exercises, as flows",
        "",
        "Made by `scripts/diagrams.py` from `coach/dialogs/*.yaml` (the same as",
        "`coach dialogs graph ID`). Each arrow is an answer: `yes`, `no`, `next` (any answer,",
        'or straight on), `skip` ("pass"), or `choose_...` for an option.',
        "",
    ]
    for dialog in sorted(load_exercises(REPO / "coach" / "dialogs").values(), key=lambda d: d.id):
        parts += [
            f"## {dialog.title} (`{dialog.id}`)",
            "",
            dialog.summary.replace("{other}", "the other person"),
            "",
            "```mermaid",
            mermaid(dialog).rstrip(),
            "```",
            "",
        ]
    return "\n".join(parts)


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        if not OUT.exists() or OUT.read_text() != text:
            print(f"{OUT} is out of date: run scripts/diagrams.py")
            return 1
        return 0
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(text)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
