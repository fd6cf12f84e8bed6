"""Grammars: every phrase a question listens for means what it should, and fits the engine."""

from __future__ import annotations

import pytest

from coach.dialog.understand import (
    COMMANDS,
    Option,
    command_phrases,
    parse_choice,
    parse_command,
    parse_number,
    parse_yes_no,
)
from coach.voice.asr import PocketSphinxRecogniser
from coach.voice.grammar import (
    CORE_COMMANDS,
    FREE,
    VOICE_COMMANDS,
    YES_NO,
    expectation_for,
    number_words,
    restrict,
    scale_phrases,
    voice_command,
    wake_expectation,
)

OPTIONS = (
    Option("quality_time", "quality time", ("time together",)),
    Option("words", "words of affirmation"),
    Option("touch", "touch", ("a hug",)),
)


def test_every_command_phrase_is_read_as_a_command() -> None:
    phrases = command_phrases()
    commands = {parse_command(p) for p in phrases}
    assert None not in commands
    assert commands == set(COMMANDS)  # every command can be said
    assert all(p == p.lower().strip() and "  " not in p for p in phrases)


@pytest.mark.parametrize("kind", ["yes_no", "choice"])
def test_every_question_also_listens_for_commands(kind: str) -> None:
    phrases = expectation_for(kind, OPTIONS).phrases
    assert set(command_phrases()) <= set(phrases)
    assert len(phrases) == len(set(phrases))


def test_number_questions_listen_for_the_commands_people_need_there() -> None:
    phrases = set(expectation_for("scale").phrases)
    assert set(CORE_COMMANDS) <= phrases
    assert {parse_command(c) for c in CORE_COMMANDS} >= {
        "repeat",
        "help",
        "skip",
        "stop",
        "pause",
        "crisis",
    }
    assert "faster" not in phrases  # fewer phrases, fewer numbers misheard as commands


def test_yes_no_phrases_are_answers() -> None:
    readings = {p: parse_yes_no(p) for p in expectation_for("yes_no").phrases if p in YES_NO}
    assert {p for p, r in readings.items() if r.intent == "yes"} >= {"yes", "yeah", "sure"}
    assert {p for p, r in readings.items() if r.intent == "no"} >= {"no", "nope", "not really"}
    assert {r.intent for r in readings.values()} == {"yes", "no", "unclear"}
    assert all(parse_command(p) is None for p in readings)


@pytest.mark.parametrize("scale", [(0, 10), (1, 5), (0, 100)])
def test_scale_phrases_give_a_number_in_range_or_ask_which(scale: tuple[int, int]) -> None:
    low, high = scale
    said = set()
    for phrase in scale_phrases(low, high):
        reading = parse_number(phrase, low, high)
        if " or " in phrase:  # "six or seven": the coach asks which
            assert reading.intent == "unclear" and reading.guess is not None, phrase
        else:
            assert reading.intent == "number", phrase
            assert low <= int(str(reading.value)) <= high
            said.add(reading.value)
    assert said == set(range(low, high + 1))


def test_choice_phrases_pick_the_right_option() -> None:
    commands = (*command_phrases(), *VOICE_COMMANDS)
    phrases = [p for p in expectation_for("choice", OPTIONS).phrases if p not in commands]
    picked = {p: parse_choice(p, OPTIONS) for p in phrases}
    assert all(r.intent == "choice" for r in picked.values()), picked
    assert picked["the second one"].value == "words"
    assert picked["number three"].value == "touch"
    assert picked["time together"].value == "quality_time"
    assert "the last one" not in phrases  # parse_command reads it as "back"


def test_free_answers_have_no_grammar() -> None:
    assert expectation_for("free") == FREE
    assert expectation_for("none") == FREE
    assert not FREE.constrained and expectation_for("yes_no").constrained
    with pytest.raises(ValueError, match="unknown kind"):
        expectation_for("essay")


def test_number_words() -> None:
    assert [number_words(n) for n in (0, 7, 10, 13, 20, 42, 100, 105, -3)] == [
        "zero", "seven", "ten", "thirteen", "twenty", "forty two", "one hundred",
        "one hundred and five", "minus three",
    ]  # fmt: skip
    assert all(parse_number(number_words(n), 0, 999).value == n for n in range(0, 200))


def test_restrict_drops_phrases_with_unknown_words() -> None:
    vocabulary = {"yes", "no", "not", "really"}
    assert restrict(["yes", "not really", "nope", "no way", ""], vocabulary) == (
        "yes",
        "not really",
    )


def test_pocketsphinx_knows_nearly_every_phrase(sphinx: PocketSphinxRecogniser) -> None:
    for kind in ("yes_no", "scale", "choice"):
        phrases = expectation_for(kind, OPTIONS).phrases
        kept = restrict(phrases, sphinx.vocabulary)
        dropped = sorted(set(phrases) - set(kept))
        print(f"\n{kind}: {len(kept)} of {len(phrases)} phrases known; dropped {dropped}")
        assert len(kept) >= 0.9 * len(phrases)
    assert "i'm" in sphinx.vocabulary and "xyzzyq" not in sphinx.vocabulary


def test_volume_and_stop_listening_are_heard_at_every_question() -> None:
    for kind in ("yes_no", "scale", "choice"):
        phrases = expectation_for(kind, OPTIONS).phrases
        assert {"louder", "quieter", "stop listening", "goodbye"} <= set(phrases), kind
    assert voice_command("Louder please") == "louder"
    assert voice_command("speak up") == "louder"
    assert voice_command("softer") == "quieter"
    assert voice_command("stop listening") == "stop_listening"
    assert voice_command("a little louder than that") is None
    assert voice_command("stop") is None  # the dialogue's own command
    assert all(parse_command(p) is None for p in VOICE_COMMANDS if p != "stop listening")


def test_the_wake_phrase_comes_first_among_decoys() -> None:
    expect = wake_expectation("Hey,  Coach")
    assert expect.kind == "wake" and expect.phrases[0] == "hey coach"
    assert {"yes", "okay", "stop", "louder"} <= set(expect.phrases)
    assert len(set(expect.phrases)) == len(expect.phrases)
