"""Tests for coach.dialog.understand: commands, yes/no, numbers and choices."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coach.dialog.understand import (
    COMMANDS,
    CONFIRM_BELOW,
    Option,
    Reading,
    normalise,
    parse_choice,
    parse_command,
    parse_number,
    parse_yes_no,
)

# --- normalise ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello, World!", "hello world"),
        ("I DON’T know…", "i don't know"),
        ("  lots   of\tspace\n", "lots of space"),
        ("it's 'quoted'", "it's quoted"),
        ("mm-hmm", "mm hmm"),
        ("what?!?", "what"),
        ("snake_case", "snake case"),
        ("", ""),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


# --- commands -----------------------------------------------------------------------------

COMMAND_PHRASES = {
    "repeat": [
        "repeat", "say that again", "again please", "what did you say", "sorry what",
        "come again", "pardon", "Sorry?", "can you repeat that please", "i didn't catch that",
        "one more time", "what was the question",
    ],
    "help": [
        "help", "what can i say", "i don't understand", "what are my options", "help please",
        "can you help", "I’m confused", "how does this work",
    ],
    "slower": [
        "slower", "slow down", "speak slower", "too fast", "you're talking too fast",
        "could you slow down please", "a bit slower",
    ],
    "faster": ["faster", "speed up", "too slow", "can you go faster", "a little quicker"],
    "skip": [
        "skip", "pass", "next question", "skip this one", "i'd rather not say",
        "i'd rather not answer", "I'll pass", "let's move on", "skip it for now",
        "i don't want to answer that",
    ],
    "back": [
        "back", "go back", "previous question", "can we go back", "go back to the last question",
    ],
    "pause": [
        "pause", "take a break", "hold on a minute", "i need a break", "let's take a break",
        "can we have a break please", "time out",
    ],
    "resume": ["resume", "continue", "i'm back", "let's continue", "carry on", "keep going"],
    "menu": [
        "menu", "main menu", "other exercises", "choose another exercise",
        "go back to the menu", "can we try a different exercise",
    ],
    "stop": [
        "stop", "quit", "exit", "goodbye", "bye", "that's enough", "end the session",
        "i want to stop", "let's stop for today", "okay stop now", "we're done for tonight",
    ],
    "dont_save": [
        "don't save this", "do not save that", "don't record this", "off the record",
        "please don’t save this", "this is off the record", "forget what i just said",
    ],
    "forget_session": [
        "forget this session", "forget tonight", "forget today", "delete this session",
        "please delete tonight's session",
    ],
    "what_do_you_remember": [
        "what do you remember about me", "what do you know about me", "what have you saved",
        "what are you storing", "coach what do you remember",
    ],
    "wait": [
        "wait", "let me think", "give me a moment", "one moment", "hang on", "um wait",
        "wait a second", "hang on a sec", "let me think about it",
    ],
    "crisis": [
        "crisis line", "the crisis lines please", "emergency", "this is an emergency",
        "i'm in danger", "i need urgent help", "i need help right now", "give me the numbers",
        "who can i call", "i need someone to talk to", "suicide hotline", "help line",
    ],
}  # fmt: skip


@pytest.mark.parametrize(
    ("text", "command"),
    [(text, command) for command, texts in COMMAND_PHRASES.items() for text in texts],
)
def test_parse_command_recognises(text: str, command: str) -> None:
    assert parse_command(text) == command


def test_every_command_has_phrases() -> None:
    assert set(COMMAND_PHRASES) == set(COMMANDS)


@pytest.mark.parametrize(
    "text",
    [
        # answers that merely contain a command word
        "i want to stop fighting",
        "we never take a break together",
        "i always skip breakfast",
        "help me understand her",
        "we had a crisis at work",
        "the emergency is over",
        "go back to how it was",
        "i want to help",
        "i wish we could continue like this forever",
        "she said wait for me",
        "we should pause more often and talk",
        "what do you think i should say to her",
        # yes is an answer, not "continue"
        "yes",
        "yeah",
        "okay",
        "no",
        "not now",
        "i'd rather not",
        "so what do you think",
        "",
        "   ",
        "?!",
    ],
)
def test_parse_command_ignores_answers(text: str) -> None:
    assert parse_command(text) is None


# --- yes / no -----------------------------------------------------------------------------

YES = [
    "yes", "yeah", "yep", "yup", "sure", "sure why not", "why not", "i guess so", "i suppose",
    "ok", "okay", "alright", "definitely", "of course", "let's do it", "go ahead", "i'm ready",
    "ready", "absolutely", "please do", "sounds good", "mm hmm", "Mm-hmm.", "uh huh", "uh-huh",
    "i don't mind", "yes i think i'd like that", "Yes!", "YESSS", "um yes", "yes please",
    "yeah sure", "yeah, let's go", "I’m ready", "ready when you are",
]  # fmt: skip
NO = [
    "no", "nope", "nah", "not really", "not now", "not yet", "i'm not ready", "i don't think so",
    "no thanks", "of course not", "never", "i'd rather not", "uh uh", "not today", "No.",
    "Nooo", "no i don't want to", "i'm really not ready", "no no no",
]  # fmt: skip
UNCLEAR = [
    "maybe", "i don't know", "not sure", "kind of", "sort of", "yes and no", "hmm",
    "i'm not sure", "yes no", "no yes", "yeah but i'm not sure", "perhaps", "um",
]  # fmt: skip


@pytest.mark.parametrize("text", YES)
def test_yes(text: str) -> None:
    reading = parse_yes_no(text)
    assert (reading.intent, reading.value) == ("yes", True)
    assert reading.confidence >= CONFIRM_BELOW


@pytest.mark.parametrize("text", NO)
def test_no(text: str) -> None:
    reading = parse_yes_no(text)
    assert (reading.intent, reading.value) == ("no", False)
    assert reading.confidence >= CONFIRM_BELOW


@pytest.mark.parametrize("text", UNCLEAR)
def test_unclear_yes_no(text: str) -> None:
    reading = parse_yes_no(text)
    assert reading.intent == "unclear"
    assert reading.value is None
    assert reading.confidence < CONFIRM_BELOW


@pytest.mark.parametrize(
    ("text", "guess"),
    [("kind of", True), ("sort of", True), ("yeah but i'm not sure", True), ("maybe", None)],
)
def test_unclear_yes_no_guess(text: str, guess: bool | None) -> None:
    assert parse_yes_no(text).guess is guess


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("i'm ready", "yes"),
        ("i'm not ready", "no"),
        ("i'm sure", "yes"),
        ("i'm not sure", "unclear"),
        ("i mind", "unclear"),
        ("i don't mind", "yes"),
        ("why", "unclear"),
        ("why not", "yes"),
        ("of course", "yes"),
        ("of course not", "no"),
        ("no problem", "yes"),
        ("i don't think i'm ready", "no"),
    ],
)
def test_negation_flips(text: str, intent: str) -> None:
    assert parse_yes_no(text).intent == intent


@pytest.mark.parametrize(
    "text", ["the weather is nice", "i am tired", "no one understands me", "purple"]
)
def test_off_topic_is_unclear_without_guess(text: str) -> None:
    assert parse_yes_no(text) == Reading("unclear", None, parse_yes_no(text).confidence, None)
    assert parse_yes_no(text).confidence < CONFIRM_BELOW


@pytest.mark.parametrize(
    ("text", "intent"),
    [("yet", "yes"), ("yah", "yes"), ("yas", "yes"), ("know", "no")],
)
def test_recogniser_homophones_need_confirming(text: str, intent: str) -> None:
    reading = parse_yes_no(text)
    assert reading.intent == intent
    assert reading.value is (intent == "yes")
    assert reading.confidence < CONFIRM_BELOW


@pytest.mark.parametrize(("text", "intent"), [("well i think yes", "yes"), ("i'd say no", "no")])
def test_yes_no_inside_a_sentence_needs_confirming(text: str, intent: str) -> None:
    reading = parse_yes_no(text)
    assert reading.intent == intent
    assert reading.confidence < CONFIRM_BELOW


@pytest.mark.parametrize("text", ["", "   ", "...", "?"])
def test_yes_no_empty_is_none(text: str) -> None:
    assert parse_yes_no(text).intent == "none"


def test_plain_yes_is_more_certain_than_hedged_yes() -> None:
    assert parse_yes_no("yes").confidence > parse_yes_no("i guess so").confidence


# --- numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("7", 7),
        ("seven", 7),
        ("about a seven", 7),
        ("7 out of 10", 7),
        ("seven out of ten", 7),
        ("a solid eight", 8),
        ("i'd say six", 6),
        ("I’d say 6.", 6),
        ("zero", 0),
        ("0", 0),
        ("ten", 10),
        ("10/10", 10),
        ("10 / 10", 10),
        ("7 outta 10", 7),
        ("on a scale of 1 to 10 i'd say 4", 4),
        ("sevenish", 7),
        ("no one is perfect so a nine", 9),
        ("6.0", 6),
    ],
)
def test_number(text: str, value: int) -> None:
    reading = parse_number(text, 0, 10)
    assert (reading.intent, reading.value) == ("number", value)
    assert reading.confidence >= CONFIRM_BELOW


@pytest.mark.parametrize(
    ("text", "low", "high", "value"),
    [
        ("eleven", 0, 20, 11),
        ("fifteen", 0, 20, 15),
        ("twenty", 0, 20, 20),
        ("twenty one", 1, 100, 21),
        ("twenty-one", 1, 100, 21),
        ("forty two", 1, 100, 42),
        ("a hundred", 0, 100, 100),
        ("one hundred", 0, 100, 100),
        ("one hundred and five", 0, 200, 105),
    ],
)
def test_number_words_beyond_ten(text: str, low: int, high: int, value: int) -> None:
    assert parse_number(text, low, high) == Reading("number", value, 1.0)


@pytest.mark.parametrize("text", ["none", "nothing at all", "nothing", "not at all"])
def test_nothing_means_zero_on_a_zero_based_scale(text: str) -> None:
    reading = parse_number(text, 0, 10)
    assert (reading.intent, reading.value) == ("number", 0)
    assert reading.confidence < parse_number("zero", 0, 10).confidence


def test_nothing_on_a_one_based_scale_asks() -> None:
    assert parse_number("none", 1, 10) == Reading("unclear", None, 0.3, 1)


@pytest.mark.parametrize(
    ("text", "guess"),
    [
        ("a 6 or 7", 6),
        ("six or seven", 6),
        ("between six and seven", 6),
        ("6-7", 6),
        ("six to seven", 6),
        # a fraction is unclear; the guess is rounded down (6.5 -> 6), as with "6 or 7"
        ("six and a half", 6),
        ("6.5", 6),
        ("six point five", 6),
    ],
)
def test_two_numbers_or_a_fraction_asks(text: str, guess: int) -> None:
    reading = parse_number(text, 0, 10)
    assert (reading.intent, reading.value, reading.guess) == ("unclear", None, guess)
    assert reading.confidence < CONFIRM_BELOW


@pytest.mark.parametrize("text", ["twelve", "12", "eleven", "a hundred", "twenty out of ten"])
def test_out_of_range_asks_again(text: str) -> None:
    assert parse_number(text, 0, 10) == Reading("unclear", None, 0.0, None)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("won", 1),
        ("to", 2),
        ("too", 2),
        ("for", 4),
        ("ate", 8),
        ("tree", 3),
        ("free", 3),
        ("sex", 6),
    ],
)
def test_number_homophones_need_confirming(text: str, value: int) -> None:
    reading = parse_number(text, 0, 10)
    assert (reading.intent, reading.value) == ("number", value)
    assert reading.confidence < CONFIRM_BELOW


@pytest.mark.parametrize("text", ["i want to go for a walk", "free time", "we ate out"])
def test_number_homophones_only_alone(text: str) -> None:
    assert parse_number(text, 0, 10).intent == "unclear"


@pytest.mark.parametrize("text", ["the weather is nice", "out of 10", "i don't know"])
def test_no_number_is_unclear(text: str) -> None:
    assert parse_number(text, 0, 10) == Reading("unclear", None, 0.0, None)


def test_number_empty_is_none() -> None:
    assert parse_number("  ", 0, 10).intent == "none"


# --- choices ------------------------------------------------------------------------------

OPTIONS = (
    Option("quality_time", "Quality time", ("time together",)),
    Option("appreciation", "Appreciation", ("gratitude", "thanks")),
    Option("active_listening", "Active listening", ("listening", "empathy")),
)
BARE = (  # no synonyms: only labels, ids and fuzzy matching
    Option("quality_time", "Quality time"),
    Option("appreciation", "Appreciation"),
    Option("active_listening", "Active listening"),
)


@pytest.mark.parametrize(
    ("text", "option_id"),
    [
        ("2", "appreciation"),
        ("two", "appreciation"),
        ("the second one", "appreciation"),
        ("number two", "appreciation"),
        ("option 2", "appreciation"),
        ("i'll take two", "appreciation"),
        ("first", "quality_time"),
        ("the first one", "quality_time"),
        ("1st", "quality_time"),
        ("the third", "active_listening"),
        ("last one", "active_listening"),
        ("quality time", "quality_time"),
        ("Quality Time please", "quality_time"),
        ("i think we need more quality time", "quality_time"),
        ("active_listening", "active_listening"),
        ("the listening one", "active_listening"),
        ("empathy", "active_listening"),
        ("gratitude", "appreciation"),
        ("appreciation stuff", "appreciation"),
        ("not the listening one, appreciation", "appreciation"),
    ],
)
def test_choice_confident(text: str, option_id: str) -> None:
    reading = parse_choice(text, OPTIONS)
    assert (reading.intent, reading.value) == ("choice", option_id)
    assert reading.confidence >= CONFIRM_BELOW


@pytest.mark.parametrize(
    ("text", "option_id"),
    [
        ("the listening one", "active_listening"),
        ("apreciation", "appreciation"),
        ("appreciate", "appreciation"),
        ("active listning", "active_listening"),
        ("qualty time", "quality_time"),
    ],
)
def test_choice_fuzzy(text: str, option_id: str) -> None:
    reading = parse_choice(text, BARE)
    assert (reading.intent, reading.value) == ("choice", option_id)
    assert CONFIRM_BELOW <= reading.confidence < parse_choice("appreciation", BARE).confidence


@pytest.mark.parametrize(
    ("text", "guess"),
    [
        ("listening or appreciation", "active_listening"),  # both named: the first said
        ("the first or the second", "quality_time"),
        ("we had a good time yesterday", "quality_time"),  # only a medium fuzzy match
    ],
)
def test_choice_unclear_with_guess(text: str, guess: str) -> None:
    reading = parse_choice(text, OPTIONS)
    assert (reading.intent, reading.value, reading.guess) == ("unclear", None, guess)
    assert reading.confidence < CONFIRM_BELOW


def test_choice_equally_plausible_asks() -> None:
    options = (Option("time_apart", "Time apart"), Option("quality_time", "Quality time"))
    reading = parse_choice("time", options)
    assert reading.intent == "unclear"
    assert reading.guess in {"time_apart", "quality_time"}


@pytest.mark.parametrize("text", ["the weather is nice", "five", "i don't know", "banana"])
def test_choice_nothing_plausible(text: str) -> None:
    assert parse_choice(text, OPTIONS) == Reading("unclear", None, 0.0, None)


def test_choice_longer_name_wins_over_contained_name() -> None:
    options = (Option("listening", "Listening"), Option("active", "Active listening"))
    assert parse_choice("active listening", options).value == "active"
    assert parse_choice("just listening", options).value == "listening"


def test_choice_edge_cases() -> None:
    assert parse_choice("", OPTIONS).intent == "none"
    assert parse_choice("anything", ()) == Reading("unclear", None, 0.0, None)
    assert parse_choice("too", OPTIONS) == Reading("choice", "appreciation", 0.5)


def test_import_is_light() -> None:
    code = "import sys, coach.dialog.understand; print('rapidfuzz' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"  # the fuzzy matcher loads on the first parse_choice


# --- properties ---------------------------------------------------------------------------

INTENTS = {"yes", "no", "number", "choice", "free", "unclear", "none"}


@given(st.text())
def test_any_text_never_raises(text: str) -> None:
    assert parse_command(text) in {None, *COMMANDS}
    assert parse_yes_no(text).intent in INTENTS
    assert 0.0 <= parse_number(text, 0, 10).confidence <= 1.0
    assert parse_choice(text, OPTIONS).intent in INTENTS
    assert normalise(normalise(text)) == normalise(text)


@given(st.text(), st.integers(-5, 50), st.integers(0, 50))
def test_number_is_always_in_range(text: str, low: int, span: int) -> None:
    high = low + span
    reading = parse_number(text, low, high)
    for value in (reading.value, reading.guess):
        assert value is None or (isinstance(value, int) and low <= value <= high)
    assert (reading.intent == "number") == (reading.value is not None)


WORDS = st.sampled_from(
    ["seven", "7", "out", "of", "ten", "and", "a", "half", "or", "point", "5", "to", "one",
     "hundred", "twenty", "none", "nothing", "between", "scale", "12", "i'd", "say", "won"]
)  # fmt: skip


@given(st.lists(WORDS, max_size=8), st.integers(0, 5), st.integers(0, 20))
def test_number_in_range_for_number_like_text(words: list[str], low: int, span: int) -> None:
    reading = parse_number(" ".join(words), low, low + span)
    for value in (reading.value, reading.guess):
        assert value is None or low <= int(value) <= low + span


@given(st.text(max_size=40))
def test_choice_value_is_an_option_id(text: str) -> None:
    reading = parse_choice(text, OPTIONS)
    ids = {o.id for o in OPTIONS}
    assert reading.value is None or reading.value in ids
    assert reading.guess is None or reading.guess in ids
