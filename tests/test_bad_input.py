"""Bad input at the command line: a clear message, never a traceback, nothing lost."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from coach.dialog.engine import LONGEST_ANSWER
from coach.journal import Journal
from tests.conftest import REPO, run_coach

START = "yes\nSam\nAlex\npartner\n6\nyes\n"
"""Consent, the profile, the check-in and "shall we begin?" of a first typed session."""


def typed(home: Path, data: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "coach", "--text", "--exercise", "appreciation"],
        input=data,
        capture_output=True,
        cwd=REPO,
        env={"COACH_HOME": str(home), "PATH": "/usr/bin:/bin"},
        timeout=60,
    )


def test_bytes_that_are_not_utf8_are_kept_as_an_answer_not_a_crash(tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = typed(home, START.encode() + b"Alex is kind \xff\xfe to me\n")
    assert result.returncode == 0, result.stderr.decode()
    assert b"Traceback" not in result.stderr
    journal = Journal(home)
    answers = [a.text for a in journal.answers()]
    journal.close()
    assert any(a.startswith("Alex is kind") and a.endswith("to me") for a in answers), answers
    ended = run_coach("journal", "show", home=home).stdout
    assert "input-ended" in ended


def test_a_very_long_answer_is_cut_kept_and_said_so(tmp_path: Path) -> None:
    home = tmp_path / "home"
    answer = "Alex makes me laugh. " * 50_000  # about 1 MB
    result = typed(home, (START + answer + "\n").encode())
    assert result.returncode == 0, result.stderr.decode()
    assert b"I kept the first part" in result.stdout
    journal = Journal(home)
    kept = [a.text for a in journal.answers() if a.text.startswith("Alex makes me laugh")]
    journal.close()
    assert len(kept) == 1 and len(kept[0]) == LONGEST_ANSWER


def test_output_cut_short_by_a_pipe_ends_quietly(tmp_path: Path) -> None:
    listing = subprocess.run(
        f"set -o pipefail; {sys.executable} -m coach dialogs list | (exec 0<&-; true)",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        cwd=REPO,
        env={"COACH_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert listing.returncode == 0
    assert listing.stderr == ""


def test_a_session_number_too_large_for_the_journal_is_just_unknown(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert typed(home, START.encode()).returncode == 0
    result = run_coach("journal", "forget", "--session", "9" * 30, "--yes", home=home)
    assert result.returncode in (1, 2), result.stderr
    assert "no session" in result.stderr.lower() or "session number" in result.stderr.lower()
    assert "went wrong" not in result.stderr


def test_export_does_not_write_or_change_modes_through_a_link(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert typed(home, START.encode()).returncode == 0
    target = tmp_path / "shared-notes.txt"
    target.write_text("someone else's file\n")
    target.chmod(0o644)
    link = tmp_path / "export.md"
    link.symlink_to(target)
    result = run_coach("journal", "export", "--out", str(link), home=home)
    assert result.returncode == 2
    assert "link" in result.stderr
    assert target.read_text() == "someone else's file\n"
    assert target.stat().st_mode & 0o777 == 0o644


def test_speech_out_that_is_not_a_folder_is_refused_before_the_session(tmp_path: Path) -> None:
    script = tmp_path / "s.yaml"
    script.write_text('turns: ["yes"]\n')
    result = run_coach("replay", str(script), "--speech-out", "/dev/null", home=tmp_path / "h")
    assert result.returncode == 2, result.stderr
    assert "--speech-out" in result.stderr and "went wrong" not in result.stderr
    assert result.stdout == ""
