"""Every exercise, start to end, through the real `coach replay` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coach.dialog.spec import Dialog
from tests.conftest import REPO, run_coach
from tests.people import cautious, cooperative, difficult, play, write_script

EXERCISES = sorted(p.stem for p in (REPO / "coach" / "dialogs").glob("*.yaml"))


def replay(script: Path, home: Path) -> list[dict[str, object]]:
    result = run_coach("replay", str(script), "--json", home=home)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_every_exercise_id_of_the_brief_exists() -> None:
    assert set(EXERCISES) >= {
        "reflection",
        "open-communication",
        "empathy",
        "vulnerability",
        "quality-time",
        "appreciation",
        "partner-not-open",
        "fear-of-vulnerability",
        "rebuild-intimacy",
    }


@pytest.mark.parametrize("exercise", EXERCISES)
@pytest.mark.parametrize("person", [cooperative, difficult], ids=["cooperative", "difficult"])
def test_replay_reaches_finished(
    exercise: str, person: object, library: dict[str, Dialog], tmp_path: Path
) -> None:
    turns, manager = play(library, exercise, person)  # type: ignore[arg-type]
    assert manager.ended == "finished", f"in-process run ended {manager.ended} at {manager.state}"
    script = write_script(tmp_path / "script.yaml", exercise, turns)
    records = replay(script, tmp_path / "home")
    end = records[-1]
    assert end == {
        "role": "system",
        "event": "end",
        "reason": "finished",
        "text": "",
        "state": "ended",
    }
    states = {str(r["state"]) for r in records if r["role"] == "coach"}
    assert any(s.startswith(f"{exercise}.") for s in states)
    user_lines = [r for r in records if r["role"] == "user"]
    assert all("intent" in r for r in user_lines)
    if person is difficult:
        intents = {r["intent"] for r in user_lines}
        assert {"command.repeat", "silence"} <= intents
        assert "command.skip" in intents or exercise in ("empathy",)


@pytest.mark.parametrize("exercise", EXERCISES)
def test_declining_everything_still_ends_well(
    exercise: str, library: dict[str, Dialog], tmp_path: Path
) -> None:
    turns, manager = play(library, exercise, cautious)
    assert manager.ended == "finished"
    records = replay(write_script(tmp_path / "s.yaml", exercise, turns), tmp_path / "home")
    assert records[-1]["reason"] == "finished"


def test_replay_reads_json_scripts_and_plain_output(tmp_path: Path) -> None:
    script = tmp_path / "s.json"
    script.write_text(
        json.dumps(
            {
                "exercise": "appreciation",
                "turns": ["yes", "skip", "skip", "skip", "skip", "yes", "stop"],
            }
        )
    )
    result = run_coach("replay", str(script), home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("coach: ")
    assert "  you: stop" in result.stdout
    assert result.stdout.rstrip().endswith("[session ended: stopped]")


def test_script_that_runs_out_ends_with_script_ended(tmp_path: Path) -> None:
    script = tmp_path / "s.yaml"
    script.write_text("exercise: empathy\nturns: ['yes', '5']\n")
    records = replay(script, tmp_path / "home")
    assert records[-1]["reason"] == "script-ended"


def test_pausing_at_the_end_of_a_script_ends_paused(tmp_path: Path) -> None:
    script = tmp_path / "s.yaml"
    script.write_text("exercise: empathy\nturns: ['yes', '5', 'yes', 'pause']\n")
    records = replay(script, tmp_path / "home")
    assert records[-2]["state"] == "paused"
    assert records[-1]["reason"] == "paused"
