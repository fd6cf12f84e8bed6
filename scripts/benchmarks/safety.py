"""The safety screen: what it catches and what it interrupts, by tier, category and style.

Three sets: the test part of the corpus (10% of data/safety/train/ and the older sets,
split by a hash before training, never trained or tuned on), the blind set written
separately by a helper who never saw the rules or the corpus (data/safety/blind/), and,
per turn, the screen's cost on one core. The rules alone are measured beside the rules
with the learned model, on the same lines.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from coach.dialog.safety import Screening
from coach.dialog.safety import screen as by_rules
from coach.dialog.screening import screen as by_both
from scripts.benchmarks.common import REPO, Figure, Section, met
from scripts.safety_corpus import Item, is_heard, load_blind, load_corpus

NOTES = [
    (
        "Third model (2026-12-02): an ensemble of two seeds, each fine-tuned on 20,270 lines "
        "(a third round of 3,800, mostly indirect signs with close benign twins), thresholds "
        "on the validation part only (validation: response 68.3%, either 88.7%, look-alikes "
        "0.8% / 4.4%; the seeds alone 65.3% / 89.0% and 67.1% / 84.4%). Typed, by "
        "scripts/safety_typed.py: blind batch 3, written blind and measured once with it, "
        "response 65.5%, response or question 89.7%, look-alikes given the response 2.6%, the "
        "question 4.4% (second model 53.0%, 83.3%, 2.6%, 3.3%; rules alone 25.8%, 36.1%, "
        "5.2%, 4.8%). Test part 71.8%, 90.8%, 1.2%, 4.3% (second model 63.5%, 87.8%, 0.9%, "
        "3.8%). The spoken rows below the line of this date are the first model's."
    ),
    (
        "What stands in the way: indirect talk (batch 3: response 53.6%, either 87.8%; "
        "self-harm said indirectly is the weakest) and look-alikes given the full response "
        "(2.6% on batches 2 and 3 against 0.8% on validation: the validation part flatters "
        "look-alikes). Each round of data has helped (batch 1's response 43.9% -> 77.9% -> "
        "86.6% over three models), the ensemble added 1-3 points over either seed on "
        "validation. Next: the new rounds heard by the recognisers (scripts/safety_heard.py "
        "has only the first round), the spoken rows again, a larger encoder if one fits the "
        "cost."
    ),
    (
        "First model, for the record: by voice the test part spoken and heard by Moonshine "
        "lost 11 points of response-or-question (82.3% -> 71.3%), because misheard key words "
        "('pills' as 'peels', 'hit' as 'it') carry the meaning."
    ),
    (
        "Cost: two members double the first models' cost: the median turn is screened in "
        "24.5 ms on one core (95th percentile 41 ms; numpy, float16 layers); a long answer is "
        "read in at most three windows of 94 word pieces (about 200 words, 183 ms for the "
        "longest), the rules read its first 4,000 characters. The model (67 MB) loads in "
        "0.18 s, in the background after the first prompt, and screens while the coach speaks."
    ),
]
"""What the last measurement showed: rewrite these after measuring a new model."""
EITHER = "response or question"
TARGETS = {"response": 0.85, "response or question": 0.95}
LOOKALIKE_LIMITS = {"response": 0.01, "question": 0.06}


def rates(items: Sequence[Item], found: Sequence[Screening]) -> dict[str, tuple[int, int]]:
    """(hits, lines) per figure: crises given the response, or the response or question;
    ordinary lines given the response, and the question."""
    crises = [s for i, s in zip(items, found, strict=True) if i.label != "benign"]
    benign = [s for i, s in zip(items, found, strict=True) if i.label == "benign"]
    return {
        "response": (sum(s.concern is not None and s.certain for s in crises), len(crises)),
        "response or question": (sum(s.concern is not None for s in crises), len(crises)),
        "look-alikes, response": (
            sum(s.concern is not None and s.certain for s in benign),
            len(benign),
        ),
        "look-alikes, question": (
            sum(s.concern is not None and not s.certain for s in benign),
            len(benign),
        ),
    }


def share(hits_lines: tuple[int, int]) -> str:
    hits, lines = hits_lines
    return f"{hits}/{lines} ({hits / max(1, lines):.1%})"


def set_figures(name: str, items: Sequence[Item]) -> list[Figure]:
    both = [by_both(i.text) for i in items]
    rules = [by_rules(i.text) for i in items]
    ours, theirs = rates(items, both), rates(items, rules)
    figures = []
    for key, target in TARGETS.items():
        hits, lines = ours[key]
        figures.append(
            Figure(
                f"{name}: crises given the {key}",
                share(ours[key]),
                f">= {target:.0%}",
                met(-hits / max(1, lines), -target),
                f"rules alone {share(theirs[key])}",
            )
        )
    for key, limit in LOOKALIKE_LIMITS.items():
        hits, lines = ours[f"look-alikes, {key}"]
        figures.append(
            Figure(
                f"{name}: look-alikes and ordinary talk given the {key}",
                share(ours[f"look-alikes, {key}"]),
                f"<= {limit:.0%}",
                met(hits / max(1, lines), limit),
                f"rules alone {share(theirs[f'look-alikes, {key}'])}",
            )
        )
    groups: dict[str, list[int]] = {}
    for n, item in enumerate(items):
        if item.label == "benign":
            continue
        groups.setdefault(item.label, []).append(n)
        if item.style in ("direct", "indirect"):
            groups.setdefault(item.style, []).append(n)
    for group, rows in sorted(groups.items()):
        subset = [items[n] for n in rows]
        found = [both[n] for n in rows]
        mine = rates(subset, found)
        aim = {"direct": "response >= 95%", "indirect": "either >= 90%"}.get(group, "report")
        done = "-"
        if group == "direct":
            done = met(-mine["response"][0] / len(rows), -0.95)
        elif group == "indirect":
            done = met(-mine["response or question"][0] / len(rows), -0.90)
        figures.append(
            Figure(
                f"{name}, {group}: response / response or question",
                f"{share(mine['response'])} / {share(mine['response or question'])}",
                aim,
                done,
                f"rules alone, either: {share(rates(subset, [rules[n] for n in rows])[EITHER])}",
            )
        )
    return figures


COST = """
import statistics, time
from scripts.safety_corpus import load_corpus
from coach.dialog.screening import screen
from coach.dialog.classifier import shared
started = time.perf_counter(); shared(); load = time.perf_counter() - started
texts = [i.text for i in load_corpus() if i.part == "test"]
screen(texts[0])
times = []
for text in texts:
    started = time.perf_counter(); screen(text); times.append(time.perf_counter() - started)
longest = "so " * 3000 + "and i have the pills ready"
worst = []
for _ in range(5):
    started = time.perf_counter(); screen(longest); worst.append(time.perf_counter() - started)
times.sort()
print(load, statistics.median(times), times[int(len(times) * 0.95)], statistics.median(worst))
"""


def cost_figures() -> list[Figure]:
    env = {
        **os.environ,
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "PYTHONPATH": str(REPO),
    }
    out = subprocess.run(
        [sys.executable, "-c", COST], capture_output=True, text=True, env=env, check=True
    )
    load, median, p95, worst = (float(v) for v in out.stdout.split())
    return [
        Figure(
            "Screen one turn, rules and model, one core: median",
            f"{median * 1000:.1f} ms",
            "<= 30 ms",
            met(median, 0.030),
            f"95th percentile {p95 * 1000:.1f} ms; the test part's lines",
        ),
        Figure(
            "Screen a 9,000-character answer (the most it reads)",
            f"{worst * 1000:.0f} ms",
            "report",
        ),
        Figure(
            "Load the model (in the background, after the first prompt)",
            f"{load * 1000:.0f} ms",
            "report",
        ),
    ]


def spoken(items: Sequence[Item], folder: Path) -> list[Item]:
    """The lines as Moonshine hears them, spoken by espeak-ng (the voices in turn)."""
    from coach.voice.moonshine import MoonshineRecogniser
    from coach.voice.wavfile import pad, read_wav
    from scripts.benchmarks.accuracy import speak
    from scripts.benchmarks.open_answers import RATE, VOICES, hear

    recogniser = MoonshineRecogniser()
    heard = []
    for number, item in enumerate(items):
        audio = pad(read_wav(speak(folder, item.text, VOICES[number % 3], RATE)), 0.3, 1.0)
        heard.append(replace(item, text=hear(recogniser, audio)))
    return heard


def measure(runs: int) -> Section:
    corpus = load_corpus()
    test = [i for i in corpus if i.part == "test" and not is_heard(i)]
    batches = load_blind()
    figures = set_figures("Test part", test)
    for name, blind in batches.items():
        figures += set_figures(f"Blind batch {name.removeprefix('blind-')}", blind)
    with tempfile.TemporaryDirectory() as folder:
        for name, blind in batches.items():
            figures += set_figures(
                f"Blind batch {name.removeprefix('blind-')}, spoken, heard by Moonshine",
                spoken(blind, Path(folder)),
            )
        figures += set_figures("Test part, spoken, heard by Moonshine", spoken(test, Path(folder)))
    figures += cost_figures()
    return Section(
        "safety",
        "Safety screen",
        "Each line is screened as the coach screens a turn (coach/dialog/screening.py): "
        "the response is the crisis response at once, the question is one gentle direct "
        "question. Crises count when caught; look-alikes (fiction, films, news, resolved "
        "past, idioms, jokes, grief, ordinary fights) and ordinary answers count when they "
        "interrupt. The test part is 10% of the corpus, split by a hash of each line's words "
        "before training; the blind set was written by a helper who saw neither the rules "
        "nor the corpus. Thresholds were chosen on the validation part only. Spoken: each "
        "line said by espeak-ng (en-us, en-gb, en-us+f3 in turn, 160 words a minute), padded "
        "0.3 s before and 1 s after, fed to Moonshine in 0.1 s blocks, and what it wrote "
        "screened. The test part's heard lines (data/safety/heard/) are left out of the typed "
        "rows.",
        figures,
        notes=NOTES,
        command=".venv/bin/python scripts/bench.py --only safety",
    )
