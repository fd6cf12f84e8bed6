"""The labelled corpus of the safety screen, split the same way every time it is read.

Lines come from data/safety/train/*.yaml (written for the classifier), the older sets in
tests/data/safety_*.yaml (written for the rules), and data/safety/heard/ (corpus lines
spoken by espeak-ng and written down by the coach's recognisers: scripts/safety_heard.py).
Each line's part is fixed by a hash of its words, lower case and without punctuation, so
a typed line and its recogniser-style twin always fall in the same part: 80% train, 10%
validation, 10% test. Heard lines follow the line they were made from. The blind set
(data/safety/blind/, one file per batch) is read only by the benchmark.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "data" / "safety"
OLDER_SETS = sorted((REPO / "tests" / "data").glob("safety_*.yaml"))
HEARD = CORPUS / "heard"
BLIND = CORPUS / "blind"
LABELS = ("benign", "self-harm", "harm-to-others", "abuse", "child-harm")


@dataclass(frozen=True)
class Item:
    text: str
    label: str
    style: str  # direct, indirect, benign, or "" where the set does not say
    sign: str
    part: str  # train, validation, test, blind
    source: str  # the file it came from, relative to the repository


def recogniser_style(text: str) -> str:
    """`text` as an offline recogniser writes it: lower case, no punctuation."""
    text = text.lower().replace("'", "").replace("\u2019", "")
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9 ]+", " ", text)).strip()


def part_of(text: str) -> str:
    bucket = zlib.crc32(recogniser_style(text).encode()) % 10
    return "test" if bucket == 0 else "validation" if bucket == 1 else "train"


def read(path: Path, part: str | None = None) -> list[Item]:
    """The items of one labelled file; `part` None: split by hash."""
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    items = []
    for row in rows:
        label = str(row["label"])
        if label not in LABELS:
            raise ValueError(f"{path}: unknown label {label!r} on {row['text']!r}")
        text = str(row["text"])
        origin = str(row.get("source", text))
        items.append(
            Item(
                text,
                label,
                str(row.get("style", "")),
                str(row.get("sign", "")),
                part or part_of(origin),
                str(path.relative_to(REPO)),
            )
        )
    return items


def load_corpus() -> list[Item]:
    """Every labelled line but the blind set, each with its part; duplicates dropped."""
    paths = [*sorted((CORPUS / "train").glob("*.yaml")), *OLDER_SETS]
    paths += sorted(HEARD.glob("*.yaml"))
    seen: set[str] = set()
    items = []
    for path in paths:
        for item in read(path):
            key = item.text.strip().lower()
            if key not in seen:
                seen.add(key)
                items.append(item)
    return items


def load_blind() -> dict[str, list[Item]]:
    """Each blind batch by its file's name. A batch is measured once, when it is new;
    after that it only shows that nothing got worse."""
    return {path.stem: read(path, "blind") for path in sorted(BLIND.glob("*.yaml"))}


def is_heard(item: Item) -> bool:
    """Whether a recogniser wrote this line (data/safety/heard/) rather than a person."""
    return item.source.startswith(str(HEARD.relative_to(REPO)))
