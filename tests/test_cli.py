"""The `coach` command as a person meets it: clear errors, no tracebacks, right exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, run_coach


def check_error(result: object, *needles: str, code: int = 2) -> None:
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)  # type: ignore[attr-defined]
    err = result.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, err


@pytest.mark.parametrize(
    ("content", "needles"),
    [
        ("turns: [yes, {silence: -3}]\n", ["turn 2", "silence: SECONDS"]),
        ("turns: [yes, {shout: hi}]\n", ["turn 2", "cannot read"]),
        ("turns: [yes\n", ["not valid YAML or JSON at line"]),
        ("- yes\n- no\n", ["a mapping with a 'turns' list"]),
        ("exercise: empathy\nturns: []\nvoice: loud\n", ["unknown key(s) voice"]),
        ("profile: {name: Sam, relationship: cousin}\nturns: []\n", ["relationship 'cousin'"]),
        ("turns: [{audio: missing.wav}]\n", ["no audio file at", "relative to the script"]),
    ],
)
def test_bad_replay_scripts_name_the_file_and_the_turn(
    tmp_path: Path, content: str, needles: list[str]
) -> None:
    script = tmp_path / "bad.yaml"
    script.write_text(content)
    result = run_coach("replay", str(script), home=tmp_path / "home")
    check_error(result, str(script), *needles)
    assert not (tmp_path / "home").exists()


def test_missing_script(tmp_path: Path) -> None:
    check_error(
        run_coach("replay", str(tmp_path / "nope.yaml"), home=tmp_path), "No replay script at"
    )


def test_unknown_exercise_suggests_the_closest(tmp_path: Path) -> None:
    script = tmp_path / "s.yaml"
    script.write_text("exercise: empaty\nturns: [yes]\n")
    check_error(
        run_coach("replay", str(script), home=tmp_path / "home"),
        "no exercise called 'empaty'",
        "Did you mean empathy?",
    )
    check_error(
        run_coach("--text", "--exercise", "apreciation", home=tmp_path / "home"),
        "Did you mean appreciation?",
    )


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    result = run_coach("replay", str(tmp_path / "nope.yaml"), "--debug", home=tmp_path)
    assert result.returncode != 0
    assert "Traceback" in result.stderr


def test_dialogs_check_exits_1_on_problems_and_names_them(tmp_path: Path) -> None:
    bad = tmp_path / "empathy.yaml"
    text = (REPO / "coach" / "dialogs" / "empathy.yaml").read_text()
    start = text.index("\n  ", text.index("states:"))
    bad.write_text(text.replace("next: ", "next: valdiate_", 1))
    result = run_coach("dialogs", "check", str(bad), home=tmp_path)
    assert result.returncode == 1
    assert "goes to unknown state 'valdiate_" in result.stdout
    assert f"{bad}: state '" in result.stdout or "empathy.yaml: state '" in result.stdout
    assert start > 0
    good = run_coach("dialogs", "check", home=tmp_path)
    assert good.returncode == 0, good.stdout
    assert "0 error(s), 0 warning(s)" in good.stdout
    missing = run_coach("dialogs", "check", str(tmp_path / "none.yaml"), home=tmp_path)
    check_error(missing, "No such file or folder")


def test_malformed_dialog_is_reported_not_crashed(tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("id: broken\nstates: {a: [\n")
    result = run_coach("dialogs", "check", str(bad), home=tmp_path)
    assert result.returncode == 1
    assert "broken.yaml: is not valid YAML at line" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


EXERCISES = sorted(p.stem for p in (REPO / "coach" / "dialogs").glob("*.yaml"))


@pytest.mark.parametrize("exercise", EXERCISES)
def test_dialogs_graph_prints_mermaid(tmp_path: Path, exercise: str) -> None:
    result = run_coach("dialogs", "graph", exercise, home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "stateDiagram-v2" in result.stdout
    assert "[*] --> opening" in result.stdout
    assert "--> [*]" in result.stdout
    unknown = run_coach("dialogs", "graph", "nope", home=tmp_path)
    check_error(unknown, "no exercise called 'nope'", "coach dialogs list")


def test_journal_show_export_and_forget(tmp_path: Path) -> None:
    home = tmp_path / "home"
    script = tmp_path / "s.yaml"
    script.write_text(
        "exercise: appreciation\nprofile: {name: Sam, other: Alex}\n"
        "turns: ['yes', '6', 'yes', 'so patient', stop]\n"
    )
    assert run_coach("replay", str(script), home=home).returncode == 0
    shown = run_coach("journal", "show", home=home)
    assert "so patient" in shown.stdout and "Session 1" in shown.stdout
    out = tmp_path / "export.json"
    exported = run_coach("journal", "export", "--format", "json", "--out", str(out), home=home)
    assert exported.returncode == 0
    data = json.loads(out.read_text())
    assert data["profile"]["name"] == "Sam"
    assert data["sessions"][0]["answers"][0]["text"] == "so patient"
    assert data["sessions"][0]["closeness_before"] == 6
    assert (out.stat().st_mode & 0o777) == 0o600
    markdown = run_coach("journal", "export", "--format", "markdown", home=home)
    assert markdown.stdout.startswith("# Coach journal")
    refused = run_coach("journal", "forget", "--all", home=home)
    check_error(refused, "without confirmation", "--yes", code=1)
    unknown = run_coach("journal", "forget", "--session", "9", "--yes", home=home)
    check_error(unknown, "no session 9", code=1)
    assert run_coach("journal", "forget", "--session", "1", "--yes", home=home).returncode == 0
    assert "so patient" not in run_coach("journal", "show", home=home).stdout
    gone = run_coach("journal", "forget", "--all", "--yes", home=home)
    assert gone.returncode == 0 and "Deleted" in gone.stdout
    assert list(home.iterdir()) == []


def test_a_damaged_journal_is_explained(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "journal.db").write_bytes(b"garbage" * 1000)
    result = run_coach("--text", home=home, stdin="yes\n")
    check_error(result, "damaged", "export --salvage")


def test_dialogs_graph_draws_an_svg_with_graphviz(tmp_path: Path) -> None:
    out = tmp_path / "flow.svg"
    result = run_coach("dialogs", "graph", "empathy", "--out", str(out), home=tmp_path)
    assert result.returncode == 0, result.stderr
    svg = out.read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert ">recall<" in svg or "recall" in svg


def test_the_diagrams_in_the_docs_are_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "diagrams.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout
