"""Killing the coach mid-exercise loses no answer already given; the next session resumes."""

from __future__ import annotations

import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from tests.conftest import REPO, run_coach


class Conversation:
    """A real `coach --text` process, talked to through pipes like a person at a terminal."""

    def __init__(self, home: Path, *args: str) -> None:
        env = {**os.environ, "COACH_HOME": str(home)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "coach", "--text", *args],
            cwd=REPO,
            env=env,
            text=True,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            bufsize=1,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 20) -> str:
        seen = []
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"never said {text!r}; said {seen}") from None
            seen.append(line)
            if text in line:
                return line

    def say(self, text: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()


def test_kill_mid_exercise_loses_nothing_and_offers_to_resume(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = Conversation(home, "--exercise", "appreciation")
    first.wait_for("alright for me to keep your answers")
    first.say("yes")
    first.wait_for("What should I call you")
    first.say("Sam")
    first.wait_for("Who would you like to feel closer to")
    first.say("Alex")
    first.wait_for("your partner, a friend, or family")
    first.say("partner")
    first.wait_for("how close do you feel")
    first.say("6")
    first.wait_for("?")
    first.say("yes")
    first.wait_for("quality you value")
    first.say("Alex is endlessly patient")
    first.wait_for("moment")
    first.say("when my car broke down at night")
    first.wait_for("?")
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(timeout=10)
    assert first.process.returncode == -signal.SIGKILL

    db = sqlite3.connect(home / "journal.db")
    saved = dict(db.execute("SELECT key, text FROM answers").fetchall())
    db.close()
    assert saved == {
        "quality_1": "Alex is endlessly patient",
        "moment_1": "when my car broke down at night",
    }

    second = Conversation(home)
    second.wait_for("Sam")
    second.say("7")
    offer = second.wait_for("Appreciation")
    assert "the second quality" in offer
    second.say("yes")
    second.wait_for("?")
    second.say("stop")
    assert second.process.wait(timeout=20) == 0


def test_end_of_input_ends_cleanly_and_keeps_the_place(tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = run_coach(
        "--text",
        "--exercise",
        "empathy",
        home=home,
        stdin="yes\nSam\nAlex\nfriend\n5\nyes\nthey said work is hard\n",
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    again = run_coach("--text", home=home, stdin="4\n")
    assert "Empathy" in again.stdout and (
        "Shall we continue?" in again.stdout or "pick up there?" in again.stdout
    )
