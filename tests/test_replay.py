"""Every exercise, start to end, through the real `coach replay` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coach.dialog.spec import Dialog
from coach.errors import CoachError
from coach.library import get_exercise
from coach.replay import load_script
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


# A "billion laughs": nine lines that stand for 9**9 strings once the aliases are expanded.
BOMB = "lol:\n  - &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"  - &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)
HUGE = "x" * 5000


def script_error(tmp_path: Path, content: str) -> CoachError:
    script = tmp_path / "s.yaml"
    script.write_text(content, encoding="utf-8")
    with pytest.raises(CoachError) as caught:
        load_script(script)
    error = caught.value
    assert error.what.startswith(f"{script}: ") and error.todo
    assert len(error.what) + len(error.todo) < 400, error
    return error


IN_PROFILE = BOMB.replace("lol:", "profile:\n  other:", 1).replace("\n  - ", "\n    - ")


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (BOMB.replace("lol:", "seed:", 1) + "turns: [yes, *i]\n", 2),
        (BOMB.replace("lol:", "seed:", 1) + "turns: [{text: *i}]\n", 2),
        (IN_PROFILE + "  name: *i\nturns: []\n", 3),
    ],
)
def test_an_alias_bomb_in_a_script_is_refused(tmp_path: Path, content: str, line: int) -> None:
    error = script_error(tmp_path, content)
    assert "anchor or alias" in error.what and f"line {line}" in error.what
    assert "in full" in error.todo


def test_a_script_over_a_megabyte_is_refused(tmp_path: Path) -> None:
    error = script_error(tmp_path, "turns: [yes]\n" + "# padding\n" * 120_000)
    assert "larger than 1 MB" in error.what


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (f"turns: [yes, {{shout: {HUGE}}}]\n", "turn 2: cannot read"),
        (f"turns: [{{text: [{HUGE}]}}]\n", "turn 1: cannot read"),
        (f"profile: {{relationship: {HUGE}}}\nturns: []\n", "relationship 'xxx"),
        (f"turns: []\n? {HUGE}\n: 1\n", "unknown key(s) xxx"),
    ],
)
def test_messages_quote_values_from_the_script_briefly(
    tmp_path: Path, content: str, needle: str
) -> None:
    error = script_error(tmp_path, content)
    assert needle in error.what and "..." in error.what


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("profile: {name: [Sam]}\nturns: []\n", "'name' in 'profile' must be text, not a list"),
        ("profile: {other: 7}\nturns: []\n", "'other' in 'profile' must be text, not 7"),
        ("profile: Sam\nturns: []\n", "'profile' takes name, other and relationship"),
        ("turns: []\n1: a\nvoice: b\n", "unknown key(s) 1, voice"),
    ],
)
def test_wrong_types_in_a_script_are_clear_errors(
    tmp_path: Path, content: str, needle: str
) -> None:
    assert needle in script_error(tmp_path, content).what


def test_an_unknown_exercise_is_quoted_briefly(library: dict[str, Dialog]) -> None:
    with pytest.raises(CoachError) as caught:
        get_exercise(library, HUGE)
    assert "no exercise called 'xxx" in caught.value.what
    assert len(caught.value.what) < 200


def test_coach_replay_refuses_a_bomb_without_a_traceback(tmp_path: Path) -> None:
    script = tmp_path / "bomb.yaml"
    script.write_text(BOMB.replace("lol:", "seed:", 1) + "turns: [*i]\n", encoding="utf-8")
    result = run_coach("replay", str(script), home=tmp_path / "home")
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    assert f"{script}: uses a YAML anchor or alias" in result.stderr
    assert len(result.stderr) < 500
    assert not (tmp_path / "home").exists()


def test_your_own_support_lines_from_config_are_read_out(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    (home / "config.toml").write_text('resources = "lines.yaml"\n')
    (home / "lines.yaml").write_text(
        "region: NZ\nemergency: '111'\nlines:\n  - {name: Need to Talk, how: call or text 1737}\n"
    )
    script = tmp_path / "s.yaml"
    script.write_text('exercise: empathy\nturns: ["yes", "6", "i want to end my life"]\n')
    result = run_coach("replay", str(script), home=home)
    assert result.returncode == 0, result.stderr
    assert "Need to Talk: call or text 1 7 3 7" in result.stdout
    assert "call 1 1 1" in result.stdout
    assert "988" not in result.stdout
    (home / "lines.yaml").write_text("region: NZ\nlines: 7\n")
    broken = run_coach("replay", str(script), home=home)
    assert broken.returncode == 2
    assert "own list of support lines" in broken.stderr and "lines.yaml" in broken.stderr
