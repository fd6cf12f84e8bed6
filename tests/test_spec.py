"""Dialog files: loading, validation that names file and state, and the spoken-style checks."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from coach.dialog.render import Profile, render
from coach.dialog.spec import Dialog, load_dialog, load_library
from tests.conftest import REPO

GOOD = """\
id: {id}
title: Tiny
summary: A tiny exercise.
start: opening
states:
  opening:
    say: [Hello there. This takes a minute., Hi. This takes a minute.]
    next: ready
  ready:
    say: Shall we begin?
    expect: yes_no
    help: Say yes or no.
    on: {{yes: feeling, no: done}}
  feeling:
    say: What do you feel?
    expect: free
    help: Anything at all.
    save: feeling
    next: done
  done:
    say: Thank you, {{name}}.
    end: true
"""


def write(tmp_path: Path, text: str, name: str = "tiny") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    _, problems = load_dialog(path, label=f"dialogs/{path.name}")
    return [str(p) for p in problems]


def test_the_repository_dialogs_have_no_problems_at_all() -> None:
    dialogs, problems = load_library([REPO / "coach" / "dialogs"])
    assert [str(p) for p in problems] == []
    assert len(dialogs) >= 9


def test_a_good_file_loads_into_typed_states(tmp_path: Path) -> None:
    dialog, problems = load_dialog(write(tmp_path, GOOD.format(id="tiny")))
    assert problems == []
    assert isinstance(dialog, Dialog)
    ready = dialog.state("ready")
    assert ready.expect == "yes_no"
    assert dict(ready.on) == {"yes": "feeling", "no": "done"}
    assert ready.pause == 4.0
    assert dialog.state("feeling").pause == 12.0
    assert dialog.saved_keys() == [("feeling", "feeling")]


def test_unknown_target_is_named_with_file_and_state(tmp_path: Path) -> None:
    text = GOOD.format(id="empathy").replace("next: done\n  done:", "next: valdiate\n  done:")
    found = problems_of(write(tmp_path, text, "empathy"))
    assert "dialogs/empathy.yaml: state 'feeling': goes to unknown state 'valdiate'" in found


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = """\
    id: broken
    title: Broken
    summary: Broken on purpose.
    start: opening
    states:
      opening:
        say: ["Hello {nmae}.", Hi.]
        next: choose
      choose:
        say: Which one?
        expect: choice
        help: Say a or b.
        options:
          - {id: a, label: A, next: end}
          - {id: b, label: B}
      island:
        say: Nobody comes here.
        next: end
      loop:
        say: Round and round?
        expect: yes_no
        help: Say yes or no.
        on: {yes: loop, no: loop}
      end:
        say: Bye.
        end: true
    """
    found = problems_of(write(tmp_path, text, "broken"))
    expected = [
        "dialogs/broken.yaml: state 'opening': unknown slot '{nmae}' in 'say'",
        "dialogs/broken.yaml: state 'choose': option 'b' is not handled",
        "dialogs/broken.yaml: state 'island': cannot be reached from the start",
        "dialogs/broken.yaml: state 'loop': cannot be reached from the start",
    ]
    for message in expected:
        assert any(f.startswith(message) for f in found), (message, found)


def test_state_that_cannot_reach_an_end(tmp_path: Path) -> None:
    text = GOOD.format(id="tiny").replace(
        "on: {yes: feeling, no: done}", "on: {yes: feeling, no: ready}"
    )
    text = text.replace("save: feeling\n    next: done", "save: feeling\n    next: ready")
    found = problems_of(write(tmp_path, text))
    assert "dialogs/tiny.yaml: state 'ready': cannot reach an end state" in found


def test_duplicate_state_ids_and_duplicate_exercise_ids(tmp_path: Path) -> None:
    text = GOOD.format(id="tiny") + "  done:\n    say: Again.\n    end: true\n"
    found = problems_of(write(tmp_path, text))
    assert any("duplicate id 'done'" in f for f in found)
    folder = tmp_path / "lib"
    folder.mkdir()
    write(folder, GOOD.format(id="one"), "one")
    write(folder, GOOD.format(id="one"), "two")
    _, problems = load_library([folder])
    messages = [p.message for p in problems]
    assert any("duplicate id 'one'" in m for m in messages)
    assert any("differs from the file name" in m for m in messages)


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    found = problems_of(write(tmp_path, "id: x\nstates: [\n  - a: b\n"))
    assert len(found) == 1
    assert found[0].startswith("dialogs/tiny.yaml: is not valid YAML at line")


def test_yes_and_no_keys_are_not_booleans(tmp_path: Path) -> None:
    dialog, _ = load_dialog(write(tmp_path, GOOD.format(id="tiny")))
    assert dialog is not None
    assert set(dialog.state("ready").on) == {"yes", "no"}


@pytest.mark.parametrize(
    ("line", "complaint"),
    [
        ("What do you feel? And why?", "more than one question"),
        ("What does she feel?", "'she'"),
        ("Tell your partner what you feel.", "'your partner'"),
        ("Maybe you should leave them.", "never diagnoses"),
        (" ".join(["word"] * 34) + ".", "a sentence of 34 words"),
    ],
)
def test_spoken_style_errors(tmp_path: Path, line: str, complaint: str) -> None:
    text = GOOD.format(id="tiny").replace("say: What do you feel?", f"say: {line}")
    found = problems_of(write(tmp_path, text))
    assert any(complaint in f for f in found), found


def test_pauses_fit_the_question(tmp_path: Path) -> None:
    text = GOOD.format(id="tiny").replace("help: Anything at all.", "help: Anything.\n    pause: 3")
    text = text.replace("help: Say yes or no.", "help: Say yes or no.\n    pause: 15")
    found = problems_of(write(tmp_path, text))
    assert any("reflective question needs a long pause" in f for f in found)
    assert any("yes/no question needs a short pause" in f for f in found)


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        (Profile(), "Thank you. How did the other person help?"),
        (Profile("Sam", "Alex", "partner"), "Thank you, Sam. How did Alex help?"),
        (Profile(relationship="family"), "Thank you. How did your family member help?"),
        (Profile(name="Jo", relationship="friend"), "Thank you, Jo. How did your friend help?"),
    ],
)
def test_prompts_read_right_with_and_without_names(profile: Profile, expected: str) -> None:
    assert render("Thank you, {name}. How did {other} help?", profile) == expected


def test_every_prompt_renders_cleanly_for_every_kind_of_profile() -> None:
    dialogs, _ = load_library([REPO / "coach" / "dialogs"])
    profiles = [
        Profile(),
        Profile("Sam", "Alex", "partner"),
        Profile(relationship="family"),
        Profile("", "", "friend"),
    ]
    for dialog in dialogs.values():
        for state in dialog.states.values():
            for text in (*state.say, *state.simpler, state.help):
                for profile in profiles:
                    out = render(text, profile, dialog.minutes)
                    assert "{" not in out and "  " not in out and " ," not in out, (dialog.id, out)
                    assert not out.startswith((",", ".")), (dialog.id, out)
