"""The journal under a second process, a protect mid-session, links, crashes and bad folders."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from coach.errors import CoachError
from coach.journal import Journal
from tests.conftest import REPO, run_coach
from tests.test_durability import Conversation

PHRASE = {"COACH_PASSPHRASE": "blue kettle at dawn"}
SECRET = "Alex is endlessly patient"
SCRIPT = f"""\
exercise: appreciation
profile: {{name: Sam, other: Alex, relationship: partner}}
turns: ["yes", "6", "yes", "{SECRET}", "stop"]
"""


def everything_stored(home: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(home.rglob("*")) if p.is_file())


def replay(home: Path, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "session.yaml"
    script.write_text(SCRIPT)
    return run_coach("replay", str(script), home=home, env=env)


def open_conversation(home: Path) -> Conversation:
    """A typed session that has given consent and is waiting at the first question."""
    talk = Conversation(home, "--exercise", "appreciation")
    talk.wait_for("alright for me to keep your answers")
    talk.say("yes")
    talk.wait_for("What should I call you")
    talk.say("Sam")
    return talk


def test_a_second_session_and_protect_are_refused_while_a_session_is_open(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    first = open_conversation(home)
    try:
        first.wait_for("Who would you like to feel closer to")
        second = run_coach("--text", home=home, stdin="yes\n")
        assert second.returncode == 2
        assert "Another coach is using the journal" in second.stderr
        assert "a session, process" in second.stderr
        assert "alright for me to keep" not in second.stdout
        protect = run_coach("journal", "protect", home=home, env=PHRASE)
        assert protect.returncode == 2
        assert "Another coach is using the journal" in protect.stderr
        shown = run_coach("journal", "show", home=home)
        assert shown.returncode == 0, shown.stderr  # reading while a session runs is fine
        first.say("Alex")
        first.wait_for("your partner, a friend, or family")
    finally:
        first.process.stdin.close()  # type: ignore[union-attr]
        first.process.wait(timeout=20)
    assert run_coach("journal", "protect", home=home, env=PHRASE).returncode == 0
    assert b"Alex" not in everything_stored(home)


def test_a_session_that_predates_the_seal_saves_nothing_in_plain_text(tmp_path: Path) -> None:
    home = tmp_path / "home"
    unlocked = Journal(home)  # as a coach from before the lock would have opened it
    session = unlocked.start_session()
    protector = Journal(home)
    protector.hold("coach journal protect")
    protector.protect("blue kettle at dawn")
    protector.close()
    with pytest.raises(CoachError, match="was protected by a passphrase"):
        unlocked.save_answer(session, None, "appreciation", "quality", "quality", SECRET, None)
    unlocked.close()
    assert SECRET.encode() not in everything_stored(home)


def test_protect_builds_a_new_sealed_file_and_leaves_no_plain_text(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert replay(home, tmp_path).returncode == 0
    before = (home / "journal.db").stat().st_ino
    assert SECRET.encode() in everything_stored(home)
    assert run_coach("journal", "protect", home=home, env=PHRASE).returncode == 0
    assert (home / "journal.db").stat().st_ino != before
    assert SECRET.encode() not in everything_stored(home)
    assert sorted(p.name for p in home.iterdir()) == ["journal.db", "journal.lock"]
    shown = run_coach("journal", "show", home=home, env=PHRASE)
    assert SECRET in shown.stdout


def test_protect_killed_at_any_moment_leaves_one_whole_journal(tmp_path: Path) -> None:
    original = tmp_path / "original"
    assert replay(original, tmp_path).returncode == 0
    outcomes = set()
    for attempt in range(5):
        home = tmp_path / f"home-{attempt}"
        shutil.copytree(original, home)
        process = subprocess.Popen(
            [sys.executable, "-m", "coach", "journal", "protect"],
            cwd=REPO,
            env={**os.environ, "COACH_HOME": str(home), **PHRASE},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.1 + 0.15 * attempt)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=20)
        protected = bool(
            sqlite3.connect(home / "journal.db")
            .execute("SELECT 1 FROM meta WHERE key = 'salt'")
            .fetchall()
        )
        plain = SECRET.encode() in (home / "journal.db").read_bytes()
        assert protected != plain, f"attempt {attempt}: protected={protected}, plain={plain}"
        env = PHRASE if protected else {}
        shown = run_coach("journal", "show", home=home, env=env)
        assert shown.returncode == 0 and SECRET in shown.stdout, shown.stderr
        outcomes.add(protected)
    assert outcomes, "the check ran"


def test_every_answer_is_in_the_journal_file_itself_not_only_in_its_log(tmp_path: Path) -> None:
    home = tmp_path / "home"
    journal = Journal(home)
    session = journal.start_session()
    journal.save_answer(session, None, "appreciation", "quality", "quality", SECRET, None)
    backup = tmp_path / "backup"
    backup.mkdir()
    shutil.copy(home / "journal.db", backup / "journal.db")  # the log is left behind
    copy = Journal(backup)
    assert [a.text for a in copy.answers()] == [SECRET]
    copy.close()
    journal.close()


def test_a_journal_that_is_a_symbolic_link_is_not_followed(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    elsewhere = tmp_path / "elsewhere.db"
    (home / "journal.db").symlink_to(elsewhere)
    result = replay(home, tmp_path)
    assert result.returncode == 2
    assert "is a symbolic link" in result.stderr
    assert not elsewhere.exists()
    elsewhere.touch(mode=0o644)
    assert replay(home, tmp_path).returncode == 2
    assert elsewhere.read_bytes() == b""


def test_a_data_folder_that_is_a_file_is_refused_before_anything_is_asked(
    tmp_path: Path,
) -> None:
    not_a_folder = tmp_path / "home"
    not_a_folder.write_text("a file")
    for home in (not_a_folder, not_a_folder / "below"):
        result = run_coach("--text", home=home, stdin="yes\nSam\n")
        assert result.returncode == 2, result.stderr
        assert "alright for me to keep" not in result.stdout
        assert "saved" not in result.stderr
        assert str(not_a_folder) in result.stderr
        assert "COACH_HOME" in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to any folder")
@pytest.mark.parametrize("mode", [0o500, 0o000])
def test_a_data_folder_without_write_permission_is_refused_first(tmp_path: Path, mode: int) -> None:
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(mode)
    try:
        result = run_coach("--text", home=home, stdin="yes\nSam\n")
    finally:
        home.chmod(0o700)
    assert result.returncode == 2, result.stderr
    assert "alright for me to keep" not in result.stdout
    assert "saved" not in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to a read-only file")
def test_a_read_only_journal_can_still_be_shown_and_exported(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert replay(home, tmp_path).returncode == 0
    (home / "journal.db").chmod(0o400)
    shown = run_coach("journal", "show", home=home)
    assert shown.returncode == 0 and SECRET in shown.stdout, shown.stderr
    out = tmp_path / "export.json"
    exported = run_coach("journal", "export", "--format", "json", "--out", str(out), home=home)
    assert exported.returncode == 0 and SECRET in out.read_text()


def test_show_and_export_write_nothing_into_the_journal(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert replay(home, tmp_path).returncode == 0
    before = {p.name: p.read_bytes() for p in home.iterdir()}
    assert run_coach("journal", "show", home=home).returncode == 0
    assert run_coach("journal", "export", "--format", "json", home=home).returncode == 0
    assert {p.name: p.read_bytes() for p in home.iterdir()} == before


def test_passphrases_empty_blank_and_in_either_unicode_form(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert replay(home, tmp_path).returncode == 0
    empty = run_coach("journal", "protect", home=home, env={"COACH_PASSPHRASE": ""})
    assert empty.returncode == 2
    assert "COACH_PASSPHRASE is set, but holds no passphrase" in empty.stderr
    assert "is protected" not in empty.stderr
    blank = run_coach("journal", "protect", home=home, env={"COACH_PASSPHRASE": " " * 12})
    assert blank.returncode == 2
    assert "holds no passphrase" in blank.stderr
    padded = run_coach("journal", "protect", home=home, env={"COACH_PASSPHRASE": "  ab    "})
    assert padded.returncode == 1
    assert "nothing was changed" in padded.stderr
    composed, decomposed = "caf\u00e9 au lait", "cafe\u0301 au lait"
    protect = run_coach("journal", "protect", home=home, env={"COACH_PASSPHRASE": composed})
    assert protect.returncode == 0, protect.stderr
    shown = run_coach("journal", "show", home=home, env={"COACH_PASSPHRASE": decomposed})
    assert shown.returncode == 0 and SECRET in shown.stdout, shown.stderr


def scribble(path: Path, pages: list[int]) -> None:
    """Overwrite whole pages of the file with noise, as a failing disk might."""
    size = sqlite3.connect(path).execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(path.read_bytes())
    for page in pages:
        data[page * size : (page + 1) * size] = os.urandom(size)
    path.write_bytes(bytes(data))


def test_a_damaged_journal_is_reported_and_what_is_readable_can_be_saved(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    for _ in range(3):
        assert replay(home, tmp_path).returncode == 0
    pages = (home / "journal.db").stat().st_size // 4096
    assert pages > 4
    scribble(home / "journal.db", [1, 2])
    shown = run_coach("journal", "show", home=home)
    doctor = run_coach("doctor", home=home, env={"PULSE_SERVER": "/nonexistent"})
    assert shown.returncode == 2 and "damaged" in shown.stderr, shown.stderr
    assert "export --salvage" in shown.stderr
    assert "Journal" in doctor.stdout and "damaged" in doctor.stdout
    rescue = tmp_path / "rescue.json"
    saved = run_coach("journal", "export", "--salvage", "--out", str(rescue), home=home)
    assert saved.returncode == 0, saved.stderr
    found = json.loads(rescue.read_text())
    readable = found["answers"] + found["profile"] + found["sessions"]
    assert readable, found
    assert isinstance(found["rows_not_readable"], int)


def test_doctor_tells_the_journal_is_whole_protected_and_who_holds_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert replay(home, tmp_path).returncode == 0
    assert run_coach("journal", "protect", home=home, env=PHRASE).returncode == 0
    holder = Journal(home)
    holder.hold("a session")
    try:
        doctor = run_coach("doctor", home=home, env={"PULSE_SERVER": "/nonexistent"})
    finally:
        holder.close()
    line = next(x for x in doctor.stdout.splitlines() if "Journal" in x)
    assert line.startswith("ok"), line
    assert "protected by a passphrase" in line and "in use by a session, process" in line


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 2 MB file system of its own (tmpfs), to fill up or make read-only; needs root."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", str(mount)],
        capture_output=True,
    )
    if made.returncode != 0:
        pytest.skip("cannot mount a small file system here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path) -> None:
    with open(disk / "filler", "wb") as filler:
        try:
            while True:
                filler.write(b"\0" * 65536)
                filler.flush()
        except OSError:
            pass


def test_a_full_disk_still_shows_and_exports_the_journal(tmp_path: Path, small_disk: Path) -> None:
    home = small_disk / "home"
    assert replay(home, tmp_path).returncode == 0
    fill(small_disk)
    shown = run_coach("journal", "show", home=home)
    assert shown.returncode == 0 and SECRET in shown.stdout, shown.stderr
    out = tmp_path / "export.json"
    exported = run_coach("journal", "export", "--format", "json", "--out", str(out), home=home)
    assert exported.returncode == 0, exported.stderr
    assert SECRET in out.read_text()
    session = replay(home, tmp_path)
    assert session.returncode == 2 and "full" in session.stderr, session.stderr


def test_a_read_only_data_folder_is_refused_first_and_still_readable(
    tmp_path: Path, small_disk: Path
) -> None:
    home = small_disk / "home"
    assert replay(home, tmp_path).returncode == 0
    (home / "journal.lock").unlink(missing_ok=True)  # as a journal copied from elsewhere
    remount = ["mount", "-o", "remount,ro", str(small_disk)]
    subprocess.run(remount, check=True, capture_output=True)
    result = run_coach("--text", home=home, stdin="yes\nSam\n")
    assert result.returncode == 2, result.stderr
    assert "alright for me to keep" not in result.stdout and "Welcome back" not in result.stdout
    assert "saved" not in result.stderr and "COACH_HOME" in result.stderr
    shown = run_coach("journal", "show", home=home)
    assert shown.returncode == 0 and SECRET in shown.stdout, shown.stderr


def test_the_lock_file_says_nothing_once_the_session_is_over(tmp_path: Path) -> None:
    home = tmp_path / "home"
    declined = run_coach("--text", home=home, stdin="no\n")
    assert declined.returncode == 0, declined.stderr
    assert [(p.name, p.stat().st_size) for p in home.iterdir()] == [("journal.lock", 0)]


def test_a_session_that_cannot_start_lets_go_of_the_journal(coach_home: Path) -> None:
    from coach.textmode import open_session

    coach_home.mkdir(mode=0o700)
    (coach_home / "config.toml").write_text('resources = "missing.yaml"\n')
    for _ in range(2):  # as a speaker does at each wake, in one process
        with pytest.raises(CoachError, match="own list of support lines"):
            open_session(None, transcripts=False)
