"""The safety screen as the coach runs it: the rules and the learned model, in tiers.

The figures here are measured on the test part of the corpus (scripts/safety_corpus.py:
10% of the lines, split by a hash before training, never trained or tuned on) and asserted
with a margin under the targets; `scripts/bench.py --only safety` reports them exactly,
with the blind set beside them.
"""

from __future__ import annotations

import json
import logging
import random
from pathlib import Path

import numpy as np
import pytest

from coach.dialog import classifier
from coach.dialog.classifier import Classifier, Risk
from coach.dialog.concern import Concern
from coach.dialog.safety import NOTHING, Screening
from coach.dialog.screening import LONGEST_SCREENED, decide, screen
from coach.nlp.wordpiece import WordPiece
from scripts.safety_corpus import Item, load_corpus

THRESHOLDS = {"respond": 0.8, "confirm": 0.5, "ask": 0.3, "doubt": 0.1, "quiet": 0.02}
SURE = Screening(Concern.SELF_HARM, True, "wish_dead")
UNCLEAR = Screening(Concern.ABUSE, False, "control")


@pytest.fixture(scope="module")
def test_part() -> list[tuple[Item, Screening]]:
    """The test part's lines, each with how the coach screens it (screened once)."""
    return [(item, screen(item.text)) for item in load_corpus() if item.part == "test"]


def share(found: list[Screening], certain: bool | None = None) -> float:
    hits = [s for s in found if s.concern is not None and (certain is None or s.certain is certain)]
    return len(hits) / len(found)


@pytest.mark.parametrize(
    ("ruled", "crisis", "expected"),
    [
        (SURE, 0.9, (Concern.SELF_HARM, True)),  # both agree: the response
        (SURE, 0.05, (Concern.SELF_HARM, False)),  # the model doubts it: asked
        (SURE, 0.01, (None, True)),  # the model all but sure it is ordinary: quiet
        (UNCLEAR, 0.6, (Concern.ABUSE, True)),  # an unclear rule the model backs: the response
        (NOTHING, 0.85, (Concern.CHILD_HARM, True)),  # the model alone, sure: the response
        (UNCLEAR, 0.85, (Concern.ABUSE, True)),  # the rules name the concern
        (UNCLEAR, 0.2, (Concern.ABUSE, False)),  # an unclear rule: asked about
        (UNCLEAR, 0.0, (None, True)),  # unless the model is all but sure it is ordinary
        (NOTHING, 0.5, (Concern.CHILD_HARM, False)),  # the model unsure: the question
        (NOTHING, 0.1, (None, True)),  # nothing interrupts
    ],
)
def test_every_tier(ruled: Screening, crisis: float, expected: tuple[Concern | None, bool]) -> None:
    found = decide(ruled, Risk(crisis, Concern.CHILD_HARM), THRESHOLDS)
    assert (found.concern, found.certain) == expected


def test_the_shipped_thresholds_keep_the_tiers_in_order() -> None:
    model = classifier.shared()
    assert model is not None
    t = model.thresholds
    assert 0 <= t["quiet"] <= t["doubt"] < t["ask"] <= t["respond"]
    assert t["confirm"] <= t["respond"] and t["quiet"] <= 0.02  # quiet only when all but sure


def test_crises_of_the_test_part_get_the_response_or_the_question(
    test_part: list[tuple[Item, Screening]],
) -> None:
    crises = [found for item, found in test_part if item.label != "benign"]
    print(f"\nresponse {share(crises, True):.1%}, either {share(crises):.1%} of {len(crises)}")
    # bounds from the validation part (68.3% / 88.7%), with a margin; the targets (85% /
    # 95%) are not met yet: bench/results.md says what stands in the way
    assert share(crises, True) >= 0.52
    assert share(crises) >= 0.82


def test_look_alikes_of_the_test_part_rarely_interrupt(
    test_part: list[tuple[Item, Screening]],
) -> None:
    benign = [found for item, found in test_part if item.label == "benign"]
    print(
        f"\nresponse {share(benign, True):.1%}, question {share(benign, False):.1%}, {len(benign)}"
    )
    assert share(benign, True) <= 0.02  # target 1%; validation 0.7%
    assert share(benign, False) <= 0.08  # target 6%; validation 4.1%


def test_the_right_kind_of_concern_is_named_mostly(test_part: list[tuple[Item, Screening]]) -> None:
    caught = [(i, s) for i, s in test_part if i.label != "benign" and s.concern is not None]
    right = sum(s.concern == Concern(i.label) for i, s in caught)
    assert right / len(caught) >= 0.85


def test_small_rewordings_do_not_hide_a_crisis(test_part: list[tuple[Item, Screening]]) -> None:
    rng = random.Random(5)
    caught = [i.text for i, s in test_part if i.label != "benign" and s.concern is not None]
    reworded = []
    for text in rng.sample(caught, min(150, len(caught))):
        form = rng.choice(("so {} lately", "i just {}", "honestly {}", "um well {} i guess"))
        reworded.append(screen(form.format(text[0].lower() + text[1:])))
    assert share(reworded) >= 0.95


@pytest.mark.parametrize(
    "text",
    [
        "😭😭😭",
        "je veux mourir",
        "ich habe keine lust mehr auf alles",
        "日本語のテキストです",
        "ah um the the the mm hmm uh",
        "\u0000\ufffd\u200b",
        "",
        "x" * 5000,
        "word " * 200_000,
    ],
)
def test_any_turn_is_screened_without_error(text: str) -> None:
    found = screen(text)
    assert found.concern is None or isinstance(found.concern, Concern)


def test_a_crisis_late_in_a_long_answer_is_read(caplog: pytest.LogCaptureFixture) -> None:
    ramble = "we went to the market and then we had lunch with his parents and it was fine " * 6
    assert len(ramble) < LONGEST_SCREENED
    found = screen(ramble + "and honestly i have the pills counted out to end my life tonight")
    assert found.concern is Concern.SELF_HARM


def test_without_the_model_the_rules_still_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(classifier, "MODEL_FOLDER", tmp_path)  # an empty folder: no model
    monkeypatch.setattr(classifier, "_loaded", [])
    monkeypatch.setattr(classifier, "_failure", [])
    with caplog.at_level(logging.WARNING):
        found = screen("i want to kill myself")
    assert (found.concern, found.certain) == (Concern.SELF_HARM, True)
    assert "rules screen alone" in caplog.text
    assert classifier.failure() is not None

    from coach.doctor import safety_screen

    check = safety_screen()
    assert not check.ok and "rules only" in check.found and "Reinstall" in check.fix


def test_a_damaged_model_is_reported_not_raised(tmp_path: Path) -> None:
    for name in ("vocab.txt", "screen.json"):
        (tmp_path / name).write_bytes((classifier.MODEL_FOLDER / name).read_bytes())
    (tmp_path / "screen.npz").write_bytes(
        (classifier.MODEL_FOLDER / "screen.npz").read_bytes()[:5000]
    )
    with pytest.raises(Exception):  # noqa: B017 - whatever numpy raises, shared() catches it
        Classifier(tmp_path)


def test_an_ensemble_averages_what_its_members_read(tmp_path: Path) -> None:
    shipped = classifier.MODEL_FOLDER
    meta = json.loads((shipped / "screen.json").read_text(encoding="utf-8"))
    first = shipped / meta.get("members", ["screen.npz"])[0]
    with np.load(first) as stored:
        arrays = {name: stored[name] for name in stored.files}
    arrays["head_b"] = arrays["head_b"] + np.array([2.0, 0, 0, 1.0, 0], dtype=np.float32)
    for name in ("alone", "other", "both"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "vocab.txt").write_bytes((shipped / "vocab.txt").read_bytes())
    (tmp_path / "alone" / "screen.npz").write_bytes(first.read_bytes())
    (tmp_path / "both" / "a.npz").write_bytes(first.read_bytes())
    np.savez(tmp_path / "other" / "screen.npz", **arrays)
    np.savez(tmp_path / "both" / "b.npz", **arrays)
    for name, members in (("alone", None), ("other", None), ("both", ["a.npz", "b.npz"])):
        own = {k: v for k, v in meta.items() if k != "members"}
        if members:
            own["members"] = members
        (tmp_path / name / "screen.json").write_text(json.dumps(own), encoding="utf-8")
    text = "lately i keep thinking everyone would be better off without me"
    alone, other, both = (
        Classifier(tmp_path / n).probabilities(text) for n in ("alone", "other", "both")
    )
    assert not np.allclose(alone, other, atol=1e-3)  # the second member reads it otherwise
    assert np.allclose(both, (alone + other) / 2, atol=1e-5)
    assert len(Classifier(tmp_path / "both").members) == 2


def test_word_pieces_follow_bert() -> None:
    pieces = WordPiece.from_file(classifier.MODEL_FOLDER / "vocab.txt")
    vocab = (classifier.MODEL_FOLDER / "vocab.txt").read_text(encoding="utf-8").splitlines()

    def words(text: str) -> list[str]:
        return [vocab[i] for i in pieces.encode(text)]

    assert words("I'm   UNHAPPY, Café!") == ["i", "'", "m", "unhappy", ",", "cafe", "!"]
    assert words("paracetamol") == ["para", "##ce", "##tam", "##ol"]
    assert words("x" * 101) == ["[UNK]"]
    assert words("a\u0000b\tc") == ["ab", "c"]
