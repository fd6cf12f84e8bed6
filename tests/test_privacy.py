"""Privacy: no network at run time, nothing in logs, nothing left after forgetting everything."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, run_coach

# Installed before any of the coach's imports: any attempt to reach the network is written
# down (so swallowing the exception cannot hide it) and then refused.
GUARD = """
import socket, sys
marker = sys.argv.pop(1)

def refuse(*args, **kwargs):
    with open(marker, "a") as out:
        out.write(repr(args[:2]) + "\\n")
    raise OSError("network access attempted during a coach session")

socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.socket.sendto = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
{extra}
from coach.cli import main
sys.exit(main())
"""

SCRIPT = """\
exercise: appreciation
profile: {name: Sam, other: Alex, relationship: partner}
turns: ["yes", "6", "yes", "Alex listens without judging", "the night my dad was ill",
        "generous", "skip", "brave", "when they spoke up", "a letter", "sunday", "no", "8"]
"""


def guarded_replay(
    tmp_path: Path, extra: str = ""
) -> tuple[subprocess.CompletedProcess[str], Path]:
    script = tmp_path / "session.yaml"
    script.write_text(SCRIPT)
    marker = tmp_path / "network-attempts.txt"
    env = {**os.environ, "COACH_HOME": str(tmp_path / "home")}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            GUARD.format(extra=extra),
            str(marker),
            "replay",
            str(script),
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=60,
    )
    return result, marker


def test_a_whole_session_runs_with_the_network_forbidden(tmp_path: Path) -> None:
    result, marker = guarded_replay(tmp_path)
    assert result.returncode == 0, result.stderr
    assert '"reason": "finished"' in result.stdout.splitlines()[-1]
    assert not marker.exists(), marker.read_text()


def test_the_network_guard_catches_a_dependency_that_phones_home(tmp_path: Path) -> None:
    phone_home = (
        "try:\n"
        "    socket.create_connection(('telemetry.example.org', 443))\n"
        "except OSError:\n"
        "    pass\n"
    )
    result, marker = guarded_replay(tmp_path, extra=phone_home)
    assert result.returncode == 0
    assert marker.exists() and "telemetry.example.org" in marker.read_text()


def test_logs_hold_no_words_unless_asked(tmp_path: Path) -> None:
    script = tmp_path / "s.yaml"
    script.write_text(SCRIPT)
    quiet = run_coach("replay", str(script), "--debug", home=tmp_path / "a")
    assert quiet.returncode == 0, quiet.stderr
    assert "heard in" in quiet.stderr
    assert "Alex listens without judging" not in quiet.stderr
    assert "the night my dad was ill" not in quiet.stderr
    loud = run_coach("replay", str(script), "--debug-transcripts", home=tmp_path / "b")
    assert "Alex listens without judging" in loud.stderr


def test_forgetting_everything_leaves_no_trace(tmp_path: Path) -> None:
    home = tmp_path / "home"
    script = tmp_path / "s.yaml"
    script.write_text(SCRIPT)
    assert run_coach("replay", str(script), home=home).returncode == 0
    stopped = tmp_path / "stopped.yaml"
    stopped.write_text("exercise: empathy\nturns: ['yes', 'my sister said work is crushing her']\n")
    assert run_coach("replay", str(stopped), home=home).returncode == 0

    def traces() -> list[str]:
        found = []
        for path in home.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                for secret in (b"Alex listens", b"crushing her", b"Sam"):
                    if secret in data:
                        found.append(f"{path.name}: {secret!r}")
        return found

    assert traces(), "the check must see the answers before forgetting"
    result = run_coach("journal", "forget", "--all", "--yes", home=home)
    assert result.returncode == 0
    assert traces() == []
    assert [p.name for p in home.iterdir()] == []


def test_loosened_permissions_get_a_clear_warning(tmp_path: Path) -> None:
    home = tmp_path / "home"
    script = tmp_path / "s.yaml"
    script.write_text("exercise: empathy\nturns: ['yes', 'stop']\n")
    assert run_coach("replay", str(script), home=home).returncode == 0
    assert (home.stat().st_mode & 0o777) == 0o700
    assert ((home / "journal.db").stat().st_mode & 0o777) == 0o600
    (home / "journal.db").chmod(0o644)
    result = run_coach("replay", str(script), home=home)
    assert "journal.db can be read or changed by other users (mode 644)" in result.stderr
    assert f"chmod 600 {home / 'journal.db'}" in result.stderr
