"""What the coach does when someone may be in danger, in a session and the one after."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.conftest import run_coach


def replay(tmp_path: Path, home: Path, content: str) -> list[dict[str, object]]:
    script = tmp_path / "script.yaml"
    script.write_text(content)
    result = run_coach("replay", str(script), "--json", home=home)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def said(records: list[dict[str, object]], state: str | None = None) -> str:
    return " ".join(
        str(r["text"])
        for r in records
        if r["role"] == "coach" and (state is None or r["state"] == state)
    )


def test_a_disclosure_stops_the_exercise_and_reads_out_help(tmp_path: Path) -> None:
    home = tmp_path / "home"
    records = replay(
        tmp_path,
        home,
        """\
exercise: appreciation
profile: {name: Sam, other: Alex, relationship: partner}
turns: ["yes", "5", "yes", "honestly they'd all be better off without me", "yes", "stop"]
""",
    )
    safety = said(records, "safety")
    assert "Thank you for telling me" in safety
    assert "can't help with this myself" in safety and "people can" in safety
    assert "9 8 8" in safety and "9 1 1" in safety
    assert "say those numbers again, slowly" in safety
    user = [r for r in records if r["role"] == "user"]
    assert user[3]["intent"] == "safety.self-harm"
    assert records[-1]["reason"] == "safety"
    # "yes" read the numbers again; the exercise did not go on by itself
    after = records[records.index(user[4]) + 1 :]
    assert all(r["state"] == "safety" for r in after if r["role"] == "coach")
    assert "9 8 8" in said(after)


def test_the_journal_keeps_that_it_happened_but_not_the_words(tmp_path: Path) -> None:
    home = tmp_path / "home"
    replay(
        tmp_path,
        home,
        """\
exercise: empathy
profile: {name: Sam, other: Alex, relationship: partner}
turns: ["yes", "5", "yes", "he hits me when he drinks", "stop"]
""",
    )
    db = sqlite3.connect(home / "journal.db")
    assert db.execute("SELECT kind, detail FROM events").fetchall() == [("safety", "abuse")]
    dump = "\n".join(db.iterdump())
    db.close()
    assert "hits me" not in dump


def test_the_next_session_checks_in_first_even_with_a_new_profile(tmp_path: Path) -> None:
    home = tmp_path / "home"
    replay(
        tmp_path,
        home,
        """\
exercise: empathy
profile: {name: Sam, other: Alex, relationship: partner}
turns: ["yes", "5", "yes", "he hits me when he drinks", "stop"]
""",
    )
    records = replay(
        tmp_path,
        home,
        """\
exercise: reflection
profile: {name: Jo, other: Kim, relationship: friend}
turns: ["yes", "6"]
""",
    )
    coach_lines = [r for r in records if r["role"] == "coach"]
    assert coach_lines[-2]["state"] == "safety_followup" or any(
        r["state"] == "safety_followup" for r in coach_lines[:3]
    )
    first_question = next(r for r in coach_lines if str(r["text"]).endswith("?"))
    assert "Are you safe right now?" in str(first_question["text"])
    assert "really glad" in said(records)
    third = replay(tmp_path, home, "turns: ['7']\n")
    assert "Are you safe right now?" not in said(third)


def test_saying_you_are_not_safe_at_the_follow_up_reads_help_again(tmp_path: Path) -> None:
    home = tmp_path / "home"
    replay(
        tmp_path,
        home,
        "exercise: empathy\nturns: ['yes', '5', 'yes', "
        "'she threatens to hurt me if i leave', 'stop']\n",
    )
    records = replay(tmp_path, home, "turns: ['no']\n")
    assert "800" in said(records, "safety") or "7 2 3 3" in said(records, "safety")
    assert records[-1]["reason"] == "safety"


def test_unclear_signals_get_one_gentle_question(tmp_path: Path) -> None:
    home = tmp_path / "home"
    records = replay(
        tmp_path,
        home,
        """\
exercise: reflection
profile: {name: Sam, other: Alex, relationship: partner}
turns: ["yes", "5", "yes", "he gets upset if i make plans with my friends", "no", "7"]
""",
    )
    asked = [
        r for r in records if r["role"] == "coach" and "Can I ask you something" in str(r["text"])
    ]
    assert len(asked) == 1
    assert "Thank you for letting me check" in said(records) or "Thanks for answering" in said(
        records
    )
    assert not said(records, "safety")
    states = [r["state"] for r in records if r["role"] == "user"]
    assert states[-1] == states[-3]  # back at the same question after the check


def test_idioms_and_ordinary_conflict_are_not_crises(tmp_path: Path) -> None:
    records = replay(
        tmp_path,
        tmp_path / "home",
        """\
exercise: appreciation
profile: {name: Sam, other: Alex, relationship: partner}
turns: ["yes", "5", "yes", "this exercise is killing me", "we fought about money",
        "i'm dying to see them", "i'm not in danger"]
""",
    )
    assert not said(records, "safety")
    assert not [r for r in records if str(r.get("intent", "")).startswith("safety")]


def test_after_fear_of_the_other_person_nothing_asks_about_them(tmp_path: Path) -> None:
    home = tmp_path / "home"
    replay(
        tmp_path,
        home,
        "exercise: empathy\nprofile: {name: Sam, other: Alex}\nturns: "
        "['yes', '5', 'yes', 'i am scared of what alex will do tonight', "
        "'stop']\n",
    )
    records = replay(tmp_path, home, "turns: ['yes', 'no', 'no']\n")
    listing = said(records, "menu_list")
    assert "fear of opening up" in listing
    for joint in (
        "Reflection",
        "Empathy",
        "Appreciation",
        "Open communication",
        "Quality time",
        "Vulnerability ",
        "Rebuild",
    ):
        assert joint not in listing
    # no check-in asks how close they feel to Alex, before or after
    assert not [r for r in records if str(r["state"]).startswith("checkin")]
    assert "how close" not in said(records).lower()
    blocked = replay(tmp_path, home, "exercise: quality-time\nturns: ['skip', 'no']\n")
    assert "Rebuild" not in said(blocked)
    assert not [r for r in blocked if str(r["state"]).startswith("quality-time.")]


def test_asking_for_help_reads_the_lines_at_once_from_anywhere(tmp_path: Path) -> None:
    records = replay(
        tmp_path,
        tmp_path / "home",
        """\
exercise: empathy
profile: {name: Sam, other: Alex, relationship: partner}
turns: ["yes", "5", "help", "I need someone to talk to", "stop"]
""",
    )
    assert "say crisis line" in said(records)
    safety = said(records, "safety")
    assert "Here are people you can talk to" in safety and "9 8 8" in safety
    assert records[-1]["reason"] == "safety"


def test_a_hedged_or_worrying_answer_to_do_you_feel_safe_counts_as_not_sure(tmp_path: Path) -> None:
    script = (
        "exercise: partner-not-open\nprofile: {name: Sam, other: Alex, relationship: partner}\n"
        "turns: ['yes', '5', 'yes', %r, 'stop']\n"
    )
    for answer in (
        "I think so. Mostly",
        "usually, yes",
        "yeah but he gets upset if I make plans with my friends",
        "he gets upset if I make plans with my friends",
    ):
        home = tmp_path / f"home-{abs(hash(answer))}"
        records = replay(tmp_path, home, script % answer)
        states = [str(r["state"]) for r in records if r["role"] == "coach"]
        assert "partner-not-open.unsafe" in states, (answer, states)
        assert "partner-not-open.need" not in states, answer
    plain = replay(tmp_path, tmp_path / "plain", script % "yes I do")
    assert "partner-not-open.need" in [str(r["state"]) for r in plain]


def test_after_saying_they_are_not_safe_the_next_session_does_not_resume_an_exercise_about_them(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    replay(
        tmp_path,
        home,
        "exercise: reflection\nprofile: {name: Sam, other: Alex, relationship: partner}\n"
        "turns: ['yes', '5', 'yes', '6', 'when we cooked together', 'stop']\n",
    )
    replay(tmp_path, home, "exercise: partner-not-open\nturns: ['5', 'yes', 'no', 'stop']\n")
    records = replay(tmp_path, home, "turns: ['no', 'no']\n")
    spoken = said(records).lower()
    assert "reflection" not in spoken and "continue" not in spoken
    assert "how close" not in spoken
