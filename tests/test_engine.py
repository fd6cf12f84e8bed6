"""The dialogue manager on its own: commands, silence, confirmation, consent, resumption."""

from __future__ import annotations

import random

import pytest

from coach.dialog import events as ev
from coach.dialog.engine import DialogueManager
from coach.dialog.events import Start, Unfinished
from coach.dialog.render import Profile
from coach.dialog.spec import Dialog

SAM = Profile("Sam", "Alex", "partner")


def manager(library: dict[str, Dialog], **start: object) -> DialogueManager:
    options: dict[str, object] = {"profile": SAM, "consent": True, "first_run": False}
    options.update(start)
    return DialogueManager(library, Start(**options), rng=random.Random(1))  # type: ignore[arg-type]


def texts(reply: ev.Reply) -> str:
    return " | ".join(line.text for line in reply.lines)


def into_appreciation(library: dict[str, Dialog]) -> DialogueManager:
    m = manager(library, exercise="appreciation")
    m.start()
    m.hear("skip")  # the check-in
    assert m.state == "appreciation.ready"
    return m


def test_first_run_introduces_itself_and_asks_consent_before_keeping_anything(
    library: dict[str, Dialog],
) -> None:
    m = manager(library, profile=Profile(), consent=None, first_run=True)
    reply = m.start()
    said = texts(reply)
    assert "not therapy" in said and "not a crisis service" in said
    assert "Nothing is sent anywhere" in said
    assert m.state == "consent"
    assert reply.effects == []


def test_saying_no_to_consent_keeps_nothing_but_still_coaches(library: dict[str, Dialog]) -> None:
    m = manager(library, profile=Profile(), consent=None, first_run=True, exercise="empathy")
    m.start()
    reply = m.hear("no thanks")
    assert reply.effects == [ev.ConsentGiven(False)]
    for answer in ("Sam", "Alex", "a friend", "6", "yes"):
        reply = m.hear(answer)
        assert reply.effects == []
    assert m.state.startswith("empathy.")
    assert m.profile == Profile("Sam", "Alex", "friend")


def test_profile_questions_are_skippable(library: dict[str, Dialog]) -> None:
    m = manager(library, profile=Profile(), consent=True, first_run=True)
    m.start()
    assert m.state == "ask_name"
    m.hear("skip")
    m.hear("pass")
    reply = m.hear("skip")
    assert m.state == "checkin_before"
    assert "how close do you feel to the other person" in texts(reply)


def test_answers_are_saved_the_moment_they_are_given(library: dict[str, Dialog]) -> None:
    m = into_appreciation(library)
    m.hear("yes")
    reply = m.hear("Alex is so patient")
    assert (
        ev.SaveAnswer("appreciation", "quality_1", "quality_1", "Alex is so patient", "None")
        not in reply.effects
    )
    saves = [e for e in reply.effects if isinstance(e, ev.SaveAnswer)]
    assert [(s.key, s.text) for s in saves] == [("quality_1", "Alex is so patient")]
    assert ev.PlaceChanged("appreciation", "moment_1") in reply.effects


def test_repeat_says_the_same_prompt_again(library: dict[str, Dialog]) -> None:
    m = into_appreciation(library)
    asked = m.asking
    assert asked is not None
    reply = m.hear("say that again please")
    assert reply.intent == "command.repeat"
    assert texts(reply) == asked.prompt


def test_help_says_what_can_be_said_here(library: dict[str, Dialog]) -> None:
    m = into_appreciation(library)
    reply = m.hear("what can I say")
    assert "Say yes to begin" in texts(reply)
    assert "repeat, skip, back, pause" in texts(reply)
    assert m.state == "appreciation.ready"


def test_slower_and_faster_are_kept_as_a_preference(library: dict[str, Dialog]) -> None:
    m = into_appreciation(library)
    reply = m.hear("slow down")
    assert ev.ProfileChanged("rate", "-1") in reply.effects
    reply = m.hear("faster")
    assert ev.ProfileChanged("rate", "0") in reply.effects
    for _ in range(5):
        reply = m.hear("slower")
    assert "as slow as I go" in texts(reply)
    assert m.rate == -3


def test_skip_and_back(library: dict[str, Dialog]) -> None:
    m = into_appreciation(library)
    m.hear("yes")
    assert m.state == "appreciation.quality_1"
    m.hear("pass")
    assert m.state == "appreciation.moment_1"
    m.hear("go back")
    assert m.state == "appreciation.quality_1"
    m.hear("back")
    assert m.state == "appreciation.ready"
    reply = m.hear("back")
    assert "first question" in texts(reply)


def test_pause_keeps_the_place_and_resume_asks_again(library: dict[str, Dialog]) -> None:
    m = into_appreciation(library)
    m.hear("yes")
    reply = m.hear("pause")
    assert m.state == "paused"
    reply = m.hear("I love cheese")
    assert "paused" in texts(reply)
    reply = m.hear("resume")
    assert m.state == "appreciation.quality_1"
    assert "quality you value" in texts(reply)
    m.hear("take a break")
    reply = m.end_of_input("script-ended")
    assert reply.ended == "paused"


def test_menu_leaves_the_exercise_and_offers_a_suggestion(library: dict[str, Dialog]) -> None:
    m = into_appreciation(library)
    reply = m.hear("main menu")
    assert m.state == "menu"
    assert "Would you like" in texts(reply) or "Shall we" in texts(reply)
    reply = m.hear("no")
    assert m.state == "menu_list"
    assert "Reflection" in texts(reply) and "Rebuild" in texts(reply)
    m.hear("the listening one")
    assert m.state.startswith("empathy.") or m.state == "menu_list"


def test_stop_ends_and_keeps_the_place(library: dict[str, Dialog]) -> None:
    m = into_appreciation(library)
    m.hear("yes")
    reply = m.hear("stop")
    assert reply.ended == "stopped"
    assert m.ended == "stopped"
    assert m.hear("hello").lines == []


def test_silence_reasks_then_simplifies_then_offers_a_pause(library: dict[str, Dialog]) -> None:
    m = into_appreciation(library)
    m.hear("yes")
    assert m.silence(3).lines == []  # still within the 12 s a reflective question allows
    first = texts(m.silence(12))
    assert "What is one quality you value" in first
    second = texts(m.silence(12))
    assert second == "What is one thing you like about Alex?"
    third = texts(m.silence(12))
    assert "Would you like to pause?" in third
    reply = m.silence(12)
    assert m.state == "paused"
    assert reply.lines


def test_let_me_think_doubles_the_pause_once(library: dict[str, Dialog]) -> None:
    m = into_appreciation(library)
    m.hear("yes")
    m.hear("let me think")
    assert m.silence(20).lines == []
    assert m.silence(24).lines != []


@pytest.mark.parametrize(
    ("said", "state"),
    [
        ("yeah", "quality_1"),
        ("sure, why not", "quality_1"),
        ("I guess so", "quality_1"),
        ("not really", "not_now"),
        ("nope", "not_now"),
        ("I'm not ready", "not_now"),
    ],
)
def test_yes_and_no_as_people_say_them(library: dict[str, Dialog], said: str, state: str) -> None:
    m = into_appreciation(library)
    m.hear(said)
    assert m.state == f"appreciation.{state}" or (state == "not_now" and m.phase != "exercise")


def test_unsure_answers_are_confirmed_not_guessed(library: dict[str, Dialog]) -> None:
    m = manager(library, exercise="appreciation")
    m.start()
    reply = m.hear("six or seven")
    assert "Did you mean" in texts(reply)
    assert m.state == "checkin_before"
    reply = m.hear("yes")
    assert ev.CheckIn("before", 6) in reply.effects
    assert m.state == "appreciation.ready"


def test_numbers_inside_sentences(library: dict[str, Dialog]) -> None:
    for said, value in (("about a seven", 7), ("7 out of 10", 7), ("I'd say a solid eight", 8)):
        m = manager(library, exercise="appreciation")
        m.start()
        assert ev.CheckIn("before", value) in m.hear(said).effects


def test_off_topic_on_a_yes_no_question_gets_help(library: dict[str, Dialog]) -> None:
    m = into_appreciation(library)
    reply = m.hear("what's for dinner")
    assert "Say yes to begin" in texts(reply)
    assert m.state == "appreciation.ready"


def test_choices_by_name_number_and_paraphrase(library: dict[str, Dialog]) -> None:
    for said in ("a letter", "the third one", "I'll write them a note"):
        m = into_appreciation(library)
        m.hear("yes")
        for _ in range(6):
            m.hear("pass")
        assert m.state == "appreciation.how"
        reply = m.hear(said)
        saved = [e for e in reply.effects if isinstance(e, ev.SaveAnswer)]
        assert saved and saved[0].value == "letter", (said, texts(reply))


def test_resumption_is_offered_and_picks_up_with_the_answers(library: dict[str, Dialog]) -> None:
    unfinished = Unfinished("appreciation", "quality_2", {"quality_1": "kind", "moment_1": "soup"})
    m = manager(library, unfinished=unfinished)
    m.start()
    reply = m.hear("8")
    assert "Last time we stopped at the second quality in Appreciation" in texts(
        reply
    ) or "We paused at the second quality in Appreciation" in texts(reply)
    reply = m.hear("yes")
    assert m.state == "appreciation.quality_2"
    assert m.run is not None and m.run.answers["quality_1"] == "kind"


def test_declining_resumption_abandons_it(library: dict[str, Dialog]) -> None:
    m = manager(library, unfinished=Unfinished("appreciation", "quality_2"))
    m.start()
    m.hear("skip")
    reply = m.hear("no")
    assert ev.ExerciseAbandoned("appreciation") in reply.effects
    assert m.state == "menu"


def test_dont_save_this_removes_the_last_answer(library: dict[str, Dialog]) -> None:
    m = into_appreciation(library)
    m.hear("yes")
    m.hear("stubborn")
    reply = m.hear("don't save that")
    assert ev.UnsaveLast() in reply.effects
    assert m.state == "appreciation.moment_1"


def test_unsafe_people_are_not_offered_joint_exercises(library: dict[str, Dialog]) -> None:
    m = manager(library, unsafe_with_other=True)
    m.start()
    m.hear("5")
    m.hear("no")
    listed = texts(m.hear("repeat"))
    assert m.state == "menu_list"
    for dialog in library.values():
        if dialog.involves_other:
            assert dialog.id not in [o.id for o in m.asking.options]  # type: ignore[union-attr]
    assert "Which one" in listed


def test_saying_no_to_feeling_safe_marks_it_and_reads_resources(
    library: dict[str, Dialog],
) -> None:
    m = manager(library, exercise="vulnerability")
    m.start()
    m.hear("skip")
    m.hear("yes")
    reply = m.hear("no")
    assert ev.MarkUnsafe() in reply.effects
    assert m.unsafe
    assert any(ch.isdigit() for ch in texts(reply))


def test_a_doubtful_recognition_is_confirmed(library: dict[str, Dialog]) -> None:
    m = manager(library, exercise="appreciation")
    m.start()
    reply = m.hear("seven", confidence=0.3)
    assert texts(reply) == "Did you say 7?"
    reply = m.hear("yes")
    assert ev.CheckIn("before", 7) in reply.effects
    m2 = into_appreciation(library)
    m2.hear("yes")
    m2.hear("kindness", confidence=0.2)  # free answers are taken as heard
    assert m2.state == "appreciation.moment_1"


def test_speech_that_cannot_be_made_out_is_asked_again_then_typing_offered(
    library: dict[str, Dialog],
) -> None:
    m = into_appreciation(library)
    first = texts(m.not_made_out())
    assert first.endswith("Ready to start?") or first.endswith("Shall we begin?")
    m.not_made_out()
    third = texts(m.not_made_out())
    assert "type your answer" in third
    assert m.state == "appreciation.ready"


@pytest.mark.parametrize("junk", [":", "...", "?!", "   -   "])
def test_punctuation_alone_is_asked_again_not_taken(library: dict[str, Dialog], junk: str) -> None:
    m = into_appreciation(library)
    m.hear("yes")
    for _ in range(6):
        m.hear("pass")
    assert m.state == "appreciation.how"
    reply = m.hear(junk)
    assert m.state == "appreciation.how"
    assert "in person, in a message, or in a letter" in texts(reply)


@pytest.mark.parametrize("exercise", ["appreciation", "reflection", "rebuild-intimacy"])
def test_declining_to_begin_is_not_finishing_so_it_is_offered_again(
    library: dict[str, Dialog], exercise: str
) -> None:
    m = manager(library, exercise=exercise)
    m.start()
    m.hear("skip")  # the check-in
    reply = m.hear("no")
    assert ev.ExerciseAbandoned(exercise) in reply.effects
    assert not any(isinstance(e, ev.ExerciseFinished) for e in reply.effects)
    assert "Today we did" not in texts(reply)
