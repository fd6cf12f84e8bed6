"""What every benchmark section shares: figures, machine details, and bench/results.md.

Each section saves its figures to bench/figures/NAME.json when it runs, so a section can be
re-run on its own (`scripts/bench.py --only NAME`) and results.md is always rebuilt from the
latest figures of every section.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "bench"
FIGURES = BENCH / "figures"
ORDER = ("latency", "cost", "startup", "memory", "accuracy", "text", "speaker", "safety")
"""The sections, in the order the issue lists them; results.md follows it."""


@dataclass
class Figure:
    """One measured figure, as it appears in the table."""

    figure: str
    value: str
    """What was measured, with its unit: "412 ms", "96.5%"."""
    target: str = "report"
    """The target, e.g. "<= 300 ms", or "report" when there is none."""
    met: str = "-"
    """"yes", "no", or "-" when there is no target."""
    spread: str = ""
    """How much it varied, e.g. "min 207, max 285 ms, 15 runs"."""


@dataclass
class Section:
    """The figures of one benchmark, how they were measured, and what stands in the way."""

    name: str
    title: str
    how: str
    figures: list[Figure]
    notes: list[str] = field(default_factory=list)
    command: str = ""
    measured_at: str = field(default_factory=lambda: f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    machine: str = field(default_factory=lambda: machine())


def machine() -> str:
    """The OS, CPU, core count and Python version of this machine."""
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


def met(value: float, target: float) -> str:
    """ "yes" if `value` is at most `target`."""
    return "yes" if value <= target else "no"


def spread(values: Sequence[float], unit: str = "ms", scale: float = 1000.0) -> str:
    """ "min 207, max 285 ms, 15 runs" for seconds (or other values with `scale` and `unit`)."""
    return (
        f"min {min(values) * scale:.0f}, max {max(values) * scale:.0f} {unit}, {len(values)} runs"
    )


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def save(section: Section) -> Path:
    """Keep the section's figures, and rebuild results.md from every section's latest."""
    FIGURES.mkdir(parents=True, exist_ok=True)
    path = FIGURES / f"{section.name}.json"
    path.write_text(json.dumps(asdict(section), indent=2) + "\n", encoding="utf-8")
    write_results()
    return path


def load_sections() -> list[Section]:
    found = {}
    for path in FIGURES.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        data["figures"] = [Figure(**f) for f in data["figures"]]
        found[data["name"]] = Section(**data)
    known = [found.pop(name) for name in ORDER if name in found]
    return known + [found[name] for name in sorted(found)]


def write_results() -> Path:
    """bench/results.md: one table of every figure with its target, then each section."""
    sections = load_sections()
    lines = [
        "# Benchmarks",
        "",
        "Written by `scripts/bench.py` (re-run it after changes that touch speed or memory;",
        "`--only NAME` re-runs one section). Figures are medians unless said otherwise; these",
        "machines are shared and noisy, so compare side by side rather than across days.",
        "",
        "| figure | measured | target | met | spread |",
        "| --- | --- | --- | --- | --- |",
    ]
    for section in sections:
        for f in section.figures:
            lines.append(f"| {f.figure} | {f.value} | {f.target} | {f.met} | {f.spread} |")
    for section in sections:
        lines += [
            "",
            f"## {section.title}",
            "",
            f"Measured {section.measured_at} on {section.machine}.",
            f"Command: `{section.command}`." if section.command else "",
            "",
            section.how,
        ]
        if section.notes:
            lines.append("")
            lines += [f"- {note}" for note in section.notes]
    text = "\n".join(line for line in lines) + "\n"
    text = text.replace("\n\n\n", "\n\n")
    out = BENCH / "results.md"
    out.write_text(text, encoding="utf-8")
    return out
