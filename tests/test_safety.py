"""Tests for the safety screen and the crisis resources.

The labelled set in data/safety_utterances.yaml was written by hand, before the rules;
run `pytest tests/test_safety.py -s` (or -rA) to see recall and false-alarm figures.

data/safety_heldout.yaml (201 crisis, 183 benign) was written without looking at the
rules. Before the broad tier (safety_rules.py) the screen caught 77.6% of its crises
(77.1% of the right kind) with 3.8% false alarms; after it, 99.5% (99.5%), 0.0%.
data/safety_fresh.yaml (50 + 50) was written blind and measured once, untuned: 82%
caught, 78% of the right kind, 0% false alarms (the screen before the broad tier: 72%,
68%, 2%). That is the honest figure for new phrasings: never add a rule for one of
its sentences, or it stops measuring anything.

Indirect talk of suicide (warning signs: farewells, giving things away, burden,
hopelessness, means, "not waking up", arrangements, calm after a decision, feeling
trapped, self-punishment, past attempts, someone else) was the weakest area.
data/safety_indirect.yaml (149 crisis, 143 benign look-alikes) was written first and
measured on the old screen: 38.3% caught (36.9% of the right kind), 7.7% false alarms.
The warning-sign tier (safety_rules._SIGNS) was then built on it: 99.3% (99.3%), 0.0%,
and the other files went to 100% recall with 0.0% false alarms. Those are tuned
figures. Safety_fresh.yaml is no longer blind either: its misses were named in the
brief for this work (general rules now cover them: 100%, 100%, 0%).
data/safety_fresh2.yaml (40 indirect + 40 benign) was written after the tuning, in new
words, and measured once: 15.0% caught (15.0%), 5.0% false alarms (the old screen:
12.5%, 12.5%, 2.5%). That is the honest figure: the signs generalise poorly to new
wording. One of its two false alarms exposed a bug in a new pattern (a "not" inside
the matched words was not seen as negation); fixing it took the false alarms to 2.5%.
No rule was written for any of its crisis sentences.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from coach.dialog.resources import (
    DEFAULT_REGIONS,
    GENERIC,
    Resource,
    Resources,
    load_resources,
    resources_for,
    speakable,
    spoken,
)
from coach.dialog.safety import NOTHING, Concern, Screening, normalise, screen

DATA = Path(__file__).parent / "data" / "safety_utterances.yaml"
HELDOUT = DATA.with_name("safety_heldout.yaml")
FRESH = DATA.with_name("safety_fresh.yaml")
INDIRECT = DATA.with_name("safety_indirect.yaml")
FRESH2 = DATA.with_name("safety_fresh2.yaml")
ALL_FILES = [DATA, HELDOUT, FRESH, INDIRECT, FRESH2]
LABELS = {"benign", *(c.value for c in Concern)}


def _load(path: Path = DATA) -> list[tuple[str, str]]:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(item["text"], item["label"]) for item in items]


UTTERANCES = _load()
CRISIS = [(text, label) for text, label in UTTERANCES if label != "benign"]
BENIGN = [text for text, label in UTTERANCES if label == "benign"]


# ------------------------------------------------------------------ the labelled set


def test_labelled_set_is_big_and_varied_enough() -> None:
    counts = Counter(label for _, label in UTTERANCES)
    print(f"\nlabelled set: {len(UTTERANCES)} utterances, {dict(sorted(counts.items()))}")
    assert set(counts) <= LABELS, f"unknown labels: {set(counts) - LABELS}"
    assert len(UTTERANCES) >= 240
    assert len(CRISIS) >= 130
    assert len(BENIGN) >= 110
    for concern in Concern:
        assert counts[concern.value] >= 20, f"too few {concern.value} examples"
    texts = [text for text, _ in UTTERANCES]
    assert len(texts) == len(set(texts)), "duplicate utterances"


def test_every_crisis_utterance_is_flagged_mostly_with_the_right_kind() -> None:
    missed = [text for text, _ in CRISIS if screen(text).concern is None]
    wrong = [
        f"{text!r}: {label} -> {result.concern}"
        for text, label in CRISIS
        if (result := screen(text)).concern is not None and result.concern.value != label
    ]
    recall = 1 - len(missed) / len(CRISIS)
    right_kind = 1 - (len(missed) + len(wrong)) / len(CRISIS)
    figures = (
        f"recall {recall:.1%} ({len(CRISIS) - len(missed)}/{len(CRISIS)} flagged), "
        f"right kind {right_kind:.1%}"
    )
    print(f"\ncrisis: {figures}")
    assert not missed, f"{figures}; missed: {missed}"
    assert right_kind >= 0.95, f"{figures}; wrong kind: {wrong}"


def test_false_alarms_on_benign_look_alikes_are_rare() -> None:
    alarms = [f"{text!r} -> {screen(text)}" for text in BENIGN if screen(text).concern]
    rate = len(alarms) / len(BENIGN)
    figures = f"false-alarm rate {rate:.1%} ({len(alarms)}/{len(BENIGN)} benign flagged)"
    print(f"\nbenign: {figures}")
    assert rate <= 0.03, f"{figures}: {alarms}"


# ------------------------------------------------------------------ held-out sets


def _figures(items: list[tuple[str, str]]) -> tuple[float, float, float, str]:
    crisis = [(text, label) for text, label in items if label != "benign"]
    benign = [text for text, label in items if label == "benign"]
    results = [(label, screen(text)) for text, label in crisis]
    flagged = sum(result.concern is not None for _, result in results)
    right = sum(
        result.concern is not None and result.concern.value == label for label, result in results
    )
    unclear = sum(result.concern is not None and not result.certain for _, result in results)
    alarms = sum(screen(text).concern is not None for text in benign)
    recall, right_kind, alarm_rate = (
        flagged / len(crisis),
        right / len(crisis),
        alarms / len(benign),
    )
    figures = (
        f"recall {recall:.1%} ({flagged}/{len(crisis)}, {unclear} of them unclear), "
        f"right kind {right_kind:.1%}, false alarms {alarm_rate:.1%} ({alarms}/{len(benign)})"
    )
    return recall, right_kind, alarm_rate, figures


@pytest.mark.parametrize(
    ("path", "crisis", "benign"),
    [(HELDOUT, 150, 150), (FRESH, 50, 50), (INDIRECT, 120, 120), (FRESH2, 40, 40)],
)
def test_held_out_sets_are_well_formed(path: Path, crisis: int, benign: int) -> None:
    items = _load(path)
    counts = Counter(label for _, label in items)
    assert set(counts) <= LABELS
    assert sum(n for label, n in counts.items() if label != "benign") >= crisis
    assert counts["benign"] >= benign
    texts = [text for text, _ in items]
    assert len(texts) == len(set(texts)), "duplicate utterances"
    assert not set(texts) & {text for text, _ in UTTERANCES}, "overlaps the labelled set"


def test_no_utterance_appears_in_two_files() -> None:
    seen: dict[str, str] = {}
    for path in ALL_FILES:
        for text, _ in _load(path):
            assert text not in seen, f"{text!r} is in {seen[text]} and {path.name}"
            seen[text] = path.name


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda path: path.stem)
def test_false_alarms_are_at_most_three_percent_on_every_file(path: Path) -> None:
    # unclear findings count: they interrupt the exercise with a question
    _, _, alarm_rate, figures = _figures(_load(path))
    assert alarm_rate <= 0.03, f"{path.name}: {figures}"


def test_held_out_set_written_without_the_rules() -> None:
    recall, right_kind, alarm_rate, figures = _figures(_load(HELDOUT))
    print(f"\nheld-out: {figures}")
    assert recall >= 1.0, figures
    assert right_kind >= 1.0, figures
    assert alarm_rate <= 0.03, figures


def test_fresh_batch_no_longer_blind() -> None:
    # its misses were named when the warning-sign tier was written: a regression floor
    recall, right_kind, alarm_rate, figures = _figures(_load(FRESH))
    print(f"\nfresh batch: {figures}")
    assert recall >= 1.0, figures
    assert right_kind >= 1.0, figures
    assert alarm_rate <= 0.03, figures


def test_indirect_warning_signs() -> None:
    # written before the warning-sign tier, then used to build it (38.3% -> 99.3%)
    recall, right_kind, alarm_rate, figures = _figures(_load(INDIRECT))
    print(f"\nindirect: {figures}")
    assert recall >= 0.99, figures
    assert right_kind >= 0.99, figures
    assert alarm_rate <= 0.03, figures


def test_second_fresh_batch_measured_once_without_tuning() -> None:
    # the honest figure for new indirect wording; a floor, not a target: never add a
    # rule for one of its sentences
    recall, right_kind, alarm_rate, figures = _figures(_load(FRESH2))
    print(f"\nfresh batch 2: {figures}")
    assert recall >= 0.15, figures
    assert right_kind >= 0.15, figures
    assert alarm_rate <= 0.03, figures


def test_unclear_hits_are_questions_not_silence() -> None:
    # the broad tier: names, past tense, passives, indirect words -> one gentle question
    for text, concern in [
        ("jordan slapped me again", Concern.ABUSE),
        ("i lost it and shoved alex into the door", Concern.HARM_TO_OTHERS),
        ("my toddler got smacked by her dad", Concern.CHILD_HARM),
        ("no one would even notice", Concern.SELF_HARM),
    ]:
        assert screen(text).concern is concern, text
    for text in [
        "jordan beat me at chess again",
        "my baby hits me when he is tired",
        "he hits snooze five times",
        "i got hit by a car last year",
        "she has never hit me",
    ]:
        assert screen(text) == NOTHING, text


# ------------------------------------------------------------------ screen(): certainty


@pytest.mark.parametrize(
    ("text", "concern"),
    [
        ("i want to kill myself", Concern.SELF_HARM),
        ("I want to end my life.", Concern.SELF_HARM),
        ("i've been cutting again", Concern.SELF_HARM),
        ("my sister said she wants to end it all", Concern.SELF_HARM),
        ("i want to hurt him", Concern.HARM_TO_OTHERS),
        ("she hits me", Concern.ABUSE),
        ("he checks my phone and won't let me see my friends", Concern.ABUSE),
        ("i'm scared of what he'll do when he gets home", Concern.ABUSE),
        ("i'm scared of him sometimes", Concern.ABUSE),
        ("he hits the kids", Concern.CHILD_HARM),
    ],
)
def test_direct_statements_are_certain(text: str, concern: Concern) -> None:
    assert screen(text) == Screening(concern, True, screen(text).rule)


@pytest.mark.parametrize(
    ("text", "concern"),
    [
        ("sometimes i wonder if it's all worth it", Concern.SELF_HARM),
        ("i just want to disappear", Concern.SELF_HARM),
        ("i don't see the point of anything anymore", Concern.SELF_HARM),
        ("i feel trapped", Concern.ABUSE),
        ("things get physical sometimes", Concern.ABUSE),
        ("he gets really angry and i don't know what he'll do", Concern.ABUSE),
        ("i could kill him he forgot the milk again", Concern.HARM_TO_OTHERS),
    ],
)
def test_unclear_statements_ask_a_question(text: str, concern: Concern) -> None:
    result = screen(text)
    assert (result.concern, result.certain) == (concern, False)


def test_two_unclear_signs_of_one_concern_count_as_certain() -> None:
    result = screen("he tracks my location and gets furious if i turn it off")
    assert (result.concern, result.certain) == (Concern.ABUSE, True)
    assert "+" in result.rule


def test_self_harm_outranks_other_concerns() -> None:
    assert screen("he hits me and i want to die").concern is Concern.SELF_HARM
    assert screen("he hits me and the kids").concern is Concern.CHILD_HARM


# ------------------------------------------------------------------ screen(): no alarm


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "this exercise is killing me",
        "she'll kill me if i'm late",
        "i'm dying to see her",
        "we fought about money",
        "he hurt my feelings",
        "i'm not in danger",
        "i would never hurt myself",
        "i'm not suicidal",
        "he has never hit me",
        "i don't want to die, i just want things to get better",
        "i'm afraid of being vulnerable",
        "i'm scared to tell her how i feel",
        "i cut myself shaving",
    ],
)
def test_idioms_conflict_negations_and_vulnerability_are_not_flagged(text: str) -> None:
    assert screen(text) == NOTHING


def test_negation_does_not_reach_across_a_clause() -> None:
    assert screen("i'm not sure why but i want to die").concern is Concern.SELF_HARM
    assert screen("i can't stop thinking about killing myself").concern is Concern.SELF_HARM


# ------------------------------------------------------------------ screen(): the rule name

RULE_NAME = re.compile(r"^(none|[a-z-]+\.[a-z-]+(\+[a-z-]+\.[a-z-]+)?)$")


def test_rule_is_a_fixed_name_never_the_users_words() -> None:
    for text, _ in [item for path in ALL_FILES for item in _load(path)]:
        assert RULE_NAME.match(screen(text).rule), screen(text).rule
    marked = screen("zorblax i want to kill myself zorblax quuxly")
    assert marked.concern is Concern.SELF_HARM
    assert "zorblax" not in marked.rule and "quuxly" not in marked.rule
    assert "myself" not in marked.rule


# ------------------------------------------------------------------ normalising and speed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm NOT OK, y'know?", "i am not ok . yknow ."),
        ("i want to kill my self", "i want to kill myself"),
        ("i want to and my life", "i want to end my life"),
        ("i feel suicidle", "i feel suicidal"),
        ("im scared of what hell do", "i am scared of what he will do"),
        ("she won't let me", "she will not let me"),
    ],
)
def test_normalise_maps_typed_and_misheard_forms(text: str, expected: str) -> None:
    assert normalise(text) == expected


# ------------------------------------------------------------------ resources


def test_us_default_has_988_and_911() -> None:
    us = resources_for("US")
    assert us.emergency == "911"
    assert any("988" in line.how for line in us.lines)
    assert any("741741" in line.how for line in us.lines)
    assert any("1-800-799-7233" in line.how for line in us.lines)


@pytest.mark.parametrize("region", [None, "", "XX", "narnia"])
def test_unknown_region_still_gives_an_emergency_line(region: str | None) -> None:
    resources = resources_for(region)
    assert resources is GENERIC
    assert "emergency" in resources.emergency
    assert "emergency number" in spoken(resources, Concern.SELF_HARM)[-1]


def test_region_codes_are_forgiving() -> None:
    assert resources_for("gb").region == "UK"
    assert resources_for(" us ").region == "US"
    assert resources_for("DE").emergency == "112"


def test_spoken_leads_with_the_line_for_the_concern() -> None:
    us = DEFAULT_REGIONS["US"]
    assert spoken(us, Concern.ABUSE)[0].startswith("National Domestic Violence Hotline")
    assert spoken(us, Concern.SELF_HARM)[0].startswith("9 8 8 Suicide and Crisis Lifeline")
    assert spoken(us, Concern.CHILD_HARM)[0].startswith("Childhelp")
    uk = DEFAULT_REGIONS["UK"]
    assert spoken(uk, Concern.ABUSE)[0].startswith("National Domestic Abuse Helpline")
    assert spoken(uk, Concern.SELF_HARM)[0].startswith("Samaritans")


@pytest.mark.parametrize("region", [*DEFAULT_REGIONS, "generic"])
@pytest.mark.parametrize("concern", [None, *Concern])
def test_spoken_sentences_are_short_and_end_with_the_emergency_number(
    region: str, concern: Concern | None
) -> None:
    resources = resources_for(region)
    sentences = spoken(resources, concern)
    assert len(sentences) >= 2 or resources.lines == ()
    assert sentences[-1].startswith("If you or someone else is in danger right now, call")
    assert speakable(resources.emergency) in sentences[-1]
    for sentence in sentences:
        assert len(sentence.replace(",", " ").split()) <= 25, sentence
        assert not re.search(r"\d{2}", sentence.replace("1800RESPECT", "")), sentence


def test_numbers_are_written_for_a_voice() -> None:
    assert speakable("call or text 988") == "call or text 9 8 8"
    assert speakable("text HOME to 741741") == "text HOME to 7 4 1, 7 4 1"
    assert speakable("call 116 123") == "call 1 1 6, 1 2 3"
    assert speakable("1800RESPECT") == "1800RESPECT"
    assert speakable("A & B") == "A and B"


def test_load_resources_reads_a_users_own_region(tmp_path: Path) -> None:
    path = tmp_path / "nz.yaml"
    path.write_text(
        "region: NZ\n"
        "emergency: 111\n"
        "lines:\n"
        "  - name: Need to Talk\n"
        "    how: call or text 1737\n"
        "    concerns: [self-harm]\n"
        "  - {name: A friend, how: call them}\n",
        encoding="utf-8",
    )
    resources = load_resources(path)
    assert resources == Resources(
        "NZ",
        "111",
        (
            Resource("Need to Talk", "call or text 1737", (Concern.SELF_HARM,)),
            Resource("A friend", "call them"),
        ),
    )
    assert spoken(resources, Concern.SELF_HARM)[0] == "Need to Talk: call or text 1 7 3 7."


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("region: [unclosed\n", "not valid YAML"),
        ("- just\n- a list\n", "expected a mapping"),
        ("region: NZ\nlines: []\n", "'emergency' is missing"),
        ("region: AU\nemergency: 000\nlines: []\n", "in quotes"),
        ("region: NZ\nemergency: '111'\nlines: oops\n", "'lines' must be a list"),
        ("region: NZ\nemergency: '111'\nlines: [oops]\n", "line 1 must be a mapping"),
        ("region: NZ\nemergency: '111'\nlines:\n  - {name: X}\n", "'how' is missing"),
        (
            "region: NZ\nemergency: '111'\nlines:\n  - {name: X, how: y, concerns: [sad]}\n",
            "unknown concern 'sad'",
        ),
    ],
)
def test_load_resources_names_the_file_and_the_problem(
    tmp_path: Path, content: str, problem: str
) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(problem)) as caught:
        load_resources(path)
    assert str(path) in str(caught.value)
