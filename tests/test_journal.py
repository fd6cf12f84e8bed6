"""The journal on a real SQLite file: privacy of the files, durability, forgetting."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from coach.errors import CoachError
from coach.journal import Journal


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_nothing_is_created_until_something_is_kept(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "home")
    assert journal.profile() == {}
    assert journal.last_open_run() is None
    assert not (tmp_path / "home").exists()


def test_folder_and_files_are_private(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "home")
    session = journal.start_session()
    journal.save_answer(session, None, "empathy", "recall", "what_they_said", "hello", None)
    assert mode(tmp_path / "home") == 0o700
    for file in (tmp_path / "home").iterdir():
        assert mode(file) == 0o600, file


def test_an_answer_is_on_disk_the_moment_it_is_saved(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    session = journal.start_session()
    run = journal.start_run(session, "empathy", "recall")
    journal.save_answer(session, run, "empathy", "recall", "what_they_said", "work is hard", None)
    other = sqlite3.connect(tmp_path / "journal.db")
    assert other.execute("SELECT text FROM answers").fetchall() == [("work is hard",)]
    other.close()


def test_answering_again_replaces_the_earlier_answer(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    session = journal.start_session()
    run = journal.start_run(session, "empathy", "recall")
    journal.save_answer(session, run, "empathy", "recall", "k", "first", None)
    journal.save_answer(session, run, "empathy", "recall", "k", "second", None)
    assert [a.text for a in journal.answers()] == ["second"]


def test_open_run_is_found_with_its_answers(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    session = journal.start_session()
    run = journal.start_run(session, "appreciation", "quality_1")
    journal.save_answer(session, run, "appreciation", "quality_1", "quality_1", "kind", None)
    journal.move_run(run, "moment_1")
    found = journal.last_open_run()
    assert found is not None
    assert (found.exercise, found.state, found.answers) == (
        "appreciation",
        "moment_1",
        {"quality_1": "kind"},
    )
    journal.set_run_status(run, "finished")
    assert journal.last_open_run() is None
    assert journal.finished_exercises() == ["appreciation"]


def test_forget_one_session_keeps_the_others(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    first = journal.start_session()
    journal.save_answer(first, None, "e", "s", "k", "keep me", None)
    second = journal.start_session()
    journal.save_answer(second, None, "e", "s", "k", "forget me", None)
    assert journal.forget_session(second)
    assert [a.text for a in journal.answers()] == ["keep me"]
    assert not journal.forget_session(99)
    journal.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert b"forget me" not in raw


def test_forget_everything_leaves_no_file(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    session = journal.start_session()
    journal.set_profile("name", "Sam")
    journal.save_answer(session, None, "e", "s", "k", "secret", None)
    removed = journal.forget_everything()
    assert removed
    assert list(tmp_path.iterdir()) == []


def test_a_damaged_journal_gets_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "journal.db").write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(CoachError) as caught:
        Journal(tmp_path).profile()
    assert "damaged" in caught.value.what
    assert "export --salvage" in caught.value.todo


def test_a_locked_journal_gets_a_clear_error(tmp_path: Path) -> None:
    Journal(tmp_path).set_profile("name", "Sam")
    holder = sqlite3.connect(tmp_path / "journal.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        journal = Journal(tmp_path)
        with pytest.raises(CoachError) as caught:
            journal.set_profile("name", "Jo")
        assert "in use by another coach" in caught.value.what
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert Journal(tmp_path).profile() == {"name": "Sam"}
