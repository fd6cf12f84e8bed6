from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from coach.dialog.spec import Dialog
from coach.library import load_exercises

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def library() -> dict[str, Dialog]:
    return load_exercises(REPO / "coach" / "dialogs")


@pytest.fixture
def coach_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "coach-home"
    monkeypatch.setenv("COACH_HOME", str(home))
    yield home


def run_coach(
    *args: str,
    home: Path,
    stdin: str = "",
    timeout: float = 60,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the real `coach` command in a fresh process."""
    inherited = {k: v for k, v in os.environ.items() if k != "COACH_PASSPHRASE"}
    environment = {**inherited, "COACH_HOME": str(home), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "coach", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        timeout=timeout,
        cwd=REPO,
    )
