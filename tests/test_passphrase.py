"""Optional passphrase protection: sealed at rest, a wrong passphrase loses nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.conftest import run_coach

SCRIPT = """\
exercise: appreciation
profile: {name: Sam, other: Alex, relationship: partner}
turns: ["yes", "6", "yes", "Alex is wonderfully patient", "stop"]
"""


def stored_text(home: Path) -> str:
    db = sqlite3.connect(home / "journal.db")
    try:
        return "\n".join(db.iterdump())
    finally:
        db.close()


def test_protecting_seals_answers_and_profile_and_the_right_phrase_opens_them(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    script = tmp_path / "s.yaml"
    script.write_text(SCRIPT)
    assert run_coach("replay", str(script), home=home).returncode == 0
    assert "wonderfully patient" in stored_text(home)

    phrase = {"COACH_PASSPHRASE": "blue kettle at dawn"}
    protect = run_coach("journal", "protect", home=home, env=phrase)
    assert protect.returncode == 0, protect.stderr
    dump = stored_text(home)
    assert "wonderfully patient" not in dump and "'Sam'" not in dump and "Alex" not in dump

    shown = run_coach("journal", "show", home=home, env=phrase)
    assert "wonderfully patient" in shown.stdout and "Sam" in shown.stdout

    again = tmp_path / "again.yaml"
    again.write_text("turns: ['7', 'yes', 'when my car broke down', 'stop']\n")
    resumed = run_coach("replay", str(again), home=home, env=phrase)
    assert resumed.returncode == 0, resumed.stderr
    assert "a moment for the first quality in Appreciation" in resumed.stdout
    assert "when my car broke down" not in stored_text(home)
    assert "when my car broke down" in run_coach("journal", "show", home=home, env=phrase).stdout


def test_a_wrong_passphrase_is_refused_clearly_and_changes_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    script = tmp_path / "s.yaml"
    script.write_text(SCRIPT)
    run_coach("replay", str(script), home=home)
    run_coach("journal", "protect", home=home, env={"COACH_PASSPHRASE": "blue kettle at dawn"})
    before = (home / "journal.db").read_bytes()
    wrong = run_coach(
        "replay", str(script), home=home, env={"COACH_PASSPHRASE": "Blue kettle at dawn"}
    )
    assert wrong.returncode == 2
    assert "That passphrase does not open the journal" in wrong.stderr
    assert "Nothing was changed" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    assert (home / "journal.db").read_bytes() == before
    no_terminal = run_coach("journal", "show", home=home)
    assert "protected by a passphrase" in no_terminal.stderr
    assert "COACH_PASSPHRASE" in no_terminal.stderr
    forgotten = run_coach("journal", "forget", "--all", "--yes", home=home)
    assert forgotten.returncode == 0
    assert list(home.iterdir()) == []
