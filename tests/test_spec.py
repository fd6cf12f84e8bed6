"""Dialog files: loading, validation that names file and state, and the spoken-style checks."""

from __future__ import annotations

import logging
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from coach.dialog.render import Profile, render
from coach.dialog.spec import Dialog, load_dialog, load_library, read_yaml
from coach.library import load_exercises
from tests.conftest import REPO, run_coach

DIALOGS = REPO / "coach" / "dialogs"
EMPATHY = DIALOGS / "empathy.yaml"
OTHERS = sorted(p for p in DIALOGS.glob("*.yaml") if p.stem != "empathy")

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


# A "billion laughs": nine lines that stand for 9**9 strings once the aliases are expanded.
BOMB = "lol:\n  - &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"  - &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)


def empathy_without(field: str) -> str:
    """The real empathy dialog, its top-level `field` line removed (to be given again)."""
    lines = EMPATHY.read_text(encoding="utf-8").splitlines(keepends=True)
    return "".join(line for line in lines if not line.startswith(f"{field}:"))


@pytest.mark.parametrize(
    "place",
    [
        "title: *i\n",
        "keywords: *i\n",
        "summary: *i\n",
        "states:\n  opening:\n    say: *i\n",
    ],
)
def test_an_alias_bomb_is_refused_and_the_other_dialogs_still_load(
    tmp_path: Path, place: str
) -> None:
    field = place.split(":")[0]
    bad = tmp_path / "empathy.yaml"
    text = empathy_without(field) if field != "states" else "id: empathy\n"
    bad.write_text(BOMB + text + place, encoding="utf-8")
    assert len(bad.read_bytes()) < 8000
    dialogs, problems = load_library([bad, *OTHERS])
    mine = [p for p in problems if p.path.endswith("empathy.yaml")]
    assert len(mine) == 1, mine
    assert "anchor or alias" in mine[0].message
    assert "line 2" in mine[0].message
    assert set(dialogs) == {p.stem for p in OTHERS}


def test_an_anchor_alone_is_refused_too(tmp_path: Path) -> None:
    found = problems_of(write(tmp_path, GOOD.format(id="tiny").replace("title:", "title: &t")))
    assert len(found) == 1 and "anchor or alias" in found[0], found


def test_a_file_over_a_megabyte_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.format(id="tiny") + "# padding\n" * 120_000)
    found = problems_of(path)
    assert len(found) == 1, found
    assert "larger than 1 MB" in found[0]


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    text = GOOD.format(id="tiny").replace("say: Shall we begin?", "say: " + "[" * 500 + "]" * 500)
    found = problems_of(write(tmp_path, text))
    assert len(found) == 1 and "levels deep" in found[0], found


def test_a_file_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_bytes(GOOD.format(id="tiny").replace("Tiny", "T\xefny").encode("latin-1"))
    found = problems_of(path)
    assert len(found) == 1 and "UTF-8" in found[0], found


HUGE = "x" * 5000


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("expect: yes_no", f"expect: {HUGE}"),
        ("help: Say yes or no.", f"help: Say yes or no.\n    ? {HUGE}\n    : 1"),
        ("save: feeling\n    next: done", f"save: feeling\n    next: {HUGE}"),
        ("  done:\n", f"  ? {HUGE}\n  : {{say: Nobody comes here., end: true}}\n  done:\n"),
        ("id: tiny", f"id: {HUGE}"),
        ("start: opening", f"start: {HUGE}"),
        ("    end: true", f"    end: true\n    do: [{HUGE}]"),
        (
            "on: {yes: feeling, no: done}",
            f"on:\n      yes: feeling\n      no: done\n      ? {HUGE}\n      : done",
        ),
        ("say: Shall we begin?", f"say: Shall we begin, {{{HUGE}}}?"),
        ("summary: A tiny exercise.", f"summary: A tiny exercise.\n? {HUGE}\n: 1"),
        ("help: Anything at all.", f"help: Anything at all.\n    pause: {HUGE}"),
        ("minutes", "minutes"),  # the same file twice, below: a huge duplicate key
    ],
)
def test_messages_quote_values_from_the_file_briefly(tmp_path: Path, old: str, new: str) -> None:
    text = GOOD.format(id="tiny")
    assert old in text or old == "minutes"
    text = text.replace(old, new) if old != "minutes" else f"{text}? {HUGE}\n: 1\n? {HUGE}\n: 2\n"
    found = problems_of(write(tmp_path, text))
    assert found
    assert all(len(f) < 300 for f in found), [f[:400] for f in found]
    assert any("xxx..." in f for f in found), [f[:400] for f in found]


# Every field of the format (coach/dialogs/README.md), as a path into the real empathy dialog,
# with the type it must have and words the problem must name.
FIELDS: list[tuple[tuple[Any, ...], Any, str]] = [
    (("id",), str, "'id'"),
    (("title",), str, "'title'"),
    (("summary",), str, "'summary'"),
    (("start",), str, "'start'"),
    (("states",), dict, "'states'"),
    (("minutes",), int, "'minutes'"),
    (("keywords",), list, "'keywords'"),
    (("keywords", 0), str, "'keywords'"),
    (("involves_other",), bool, "'involves_other'"),
    (("sessions",), int, "'sessions'"),
    (("states", "ready"), dict, "must be a mapping"),
    (("states", "opening", "say"), (str, list), "'say'"),
    (("states", "opening", "say", 0), str, "'say'"),
    (("states", "opening", "next"), str, "'next'"),
    (("states", "ready", "expect"), str, "expect"),
    (("states", "ready", "help"), str, "'help'"),
    (("states", "ready", "title"), str, "'title'"),
    (("states", "ready", "on"), dict, "'on'"),
    (("states", "ready", "on", "yes"), str, "'on'"),
    (("states", "ready", "pause"), (int, float), "'pause'"),
    (("states", "ready", "asks_safety"), bool, "'asks_safety'"),
    (("states", "recall", "simpler"), (str, list), "'simpler'"),
    (("states", "recall", "save"), str, "'save'"),
    (("states", "recall", "label"), str, "'label'"),
    (("states", "try_first", "options"), list, "'options'"),
    (("states", "try_first", "options", 0), dict, "option 1"),
    (("states", "try_first", "options", 0, "id"), str, "'id' of option 1"),
    (("states", "try_first", "options", 0, "label"), str, "'label' of option 'say_back'"),
    (("states", "try_first", "options", 0, "synonyms"), list, "'synonyms' of option 'say_back'"),
    (("states", "try_first", "options", 0, "synonyms", 0), str, "'synonyms' of option"),
    (("states", "try_first", "options", 0, "next"), str, "'next' of option 'say_back'"),
    (("states", "try_first", "skip"), str, "'skip'"),
    (("states", "try_first", "scale"), list, "'scale'"),
    (("states", "recap", "do"), (str, list), "'do'"),
    (("states", "recap", "do", 0), str, "'do'"),
    (("states", "not_now", "end"), bool, "'end'"),
]
WRONG: list[Any] = [7, 2.5, "many", [1], {"a": 1}, None, True, [[1]], ""]
# Values of the right type that are still fine where they are put (None leaves a field out).
FINE = {
    ("title",): ["many"],
    ("summary",): ["many"],
    ("minutes",): [7, None],
    ("keywords",): [None],
    ("keywords", 0): ["many"],
    ("involves_other",): [True, None],
    ("sessions",): [7, None],
    ("states", "opening", "say"): ["many"],
    ("states", "opening", "say", 0): ["many"],
    ("states", "ready", "help"): ["many"],
    ("states", "ready", "title"): ["many", None, ""],
    ("states", "ready", "pause"): [2.5, None],
    ("states", "ready", "asks_safety"): [True, None],
    ("states", "recall", "simpler"): ["many", None],
    ("states", "recall", "save"): ["many", None, ""],
    ("states", "recall", "label"): ["many", None, ""],
    ("states", "try_first", "options", 0, "id"): ["many"],
    ("states", "try_first", "options", 0, "label"): ["many", None, ""],
    ("states", "try_first", "options", 0, "synonyms"): [None],
    ("states", "try_first", "options", 0, "synonyms", 0): ["many"],
    ("states", "try_first", "skip"): [None, ""],
    ("states", "try_first", "scale"): [None],
    ("states", "recap", "do"): [None],
    ("states", "not_now", "end"): [True],
}


def wrong_type(value: Any, expected: Any) -> bool:
    """A value of another type than the field's (YAML's true is not a number here)."""
    if value is None or value == "":
        return False
    is_bool = expected is bool
    return isinstance(value, bool) != is_bool or not isinstance(value, expected)


def corrupted(tmp_path: Path, path: tuple[Any, ...], value: Any) -> Path:
    raw, _ = read_yaml(EMPATHY)
    target = raw
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    out = tmp_path / "empathy.yaml"
    out.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return out


@pytest.mark.parametrize("value", WRONG, ids=repr)
@pytest.mark.parametrize(("path", "expected", "needle"), FIELDS, ids=lambda p: str(p))
def test_a_value_of_the_wrong_type_is_a_problem_for_that_file_only(
    tmp_path: Path, path: tuple[Any, ...], expected: Any, needle: str, value: Any
) -> None:
    bad = corrupted(tmp_path, path, value)
    dialogs, problems = load_library([bad, *OTHERS])
    assert {p.stem for p in OTHERS} <= set(dialogs)
    mine = [p for p in problems if p.path.endswith("empathy.yaml")]
    assert not [p for p in problems if p not in mine]
    assert all(len(str(p)) < 300 for p in mine)
    if value in FINE.get(path, []) and type(value) in {type(v) for v in FINE[path]}:
        return
    errors = [p for p in mine if not p.warning]
    assert errors, f"no problem reported for {path} = {value!r}"
    assert "empathy" not in dialogs
    if wrong_type(value, expected):
        state = path[1] if path[0] == "states" and len(path) > 1 else None
        named = [p.message for p in errors if p.state == state]
        assert any(needle in m for m in named), (needle, [str(p) for p in errors])


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("sessions",), "many", "'sessions' must be a whole number above 0, not 'many'"),
        (("sessions",), [1], "'sessions' must be a whole number above 0, not a list"),
        (("minutes",), True, "'minutes' must be a whole number above 0, not true"),
        (("title",), 7, "'title' must be text, not 7"),
        (("keywords",), {"a": 1}, "'keywords' must be a list of words, not a mapping"),
        (
            ("states", "try_first", "options", 0, "next"),
            ["recap"],
            "state 'try_first': 'next' of option 'say_back' must be a state name, not a list",
        ),
        (
            ("states", "opening", "next"),
            {"a": 1},
            "state 'opening': 'next' must be a state name, not a mapping",
        ),
        (
            ("states", "ready", "on", "yes"),
            None,
            "state 'ready': 'yes' in 'on' must be a state name, not empty",
        ),
        (("states", "recap", "do"), 7, "state 'recap': 'do' must be an action or a list of"),
        (("states", "not_now", "end"), "yes", "state 'not_now': 'end' must be true or false"),
    ],
)
def test_wrong_types_are_named_with_file_state_and_field(
    tmp_path: Path, path: tuple[Any, ...], value: Any, message: str
) -> None:
    bad = corrupted(tmp_path, path, value)
    _, problems = load_library([bad])
    assert any(message in str(p) for p in problems), [str(p) for p in problems]
    assert all(str(p).startswith(f"{bad}: ") for p in problems)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  feeling:", "  7:", "state names must be words, not 7"),
        ("on: {yes: feeling, no: done}", "on: {yes: feeling, no: done, 3: done}", "not 3"),
        ("title: Tiny", "title: Tiny\nvoice: loud", "unknown field 'voice'"),
        ("say: Shall we begin?", "say: Shall we begin {name?", "a '{' or '}' that is not a slot"),
    ],
)
def test_keys_of_the_wrong_type_and_stray_braces(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    text = GOOD.format(id="tiny")
    assert old in text
    found = problems_of(write(tmp_path, text.replace(old, new)))
    assert any(message in f for f in found), found


def test_an_option_with_an_unknown_field_is_a_problem(tmp_path: Path) -> None:
    bad = corrupted(tmp_path, ("states", "try_first", "options", 0, "nxt"), "recap")
    _, problems = load_library([bad])
    assert [str(p) for p in problems] == [
        f"{bad}: state 'try_first': option 'say_back' has an unknown field 'nxt'"
    ]


def test_dialogs_check_reports_a_wrong_type_with_exit_1(tmp_path: Path) -> None:
    bad = corrupted(tmp_path, ("sessions",), "many")
    result = run_coach("dialogs", "check", str(bad), home=tmp_path / "home")
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and "went wrong" not in result.stderr
    assert "'sessions' must be a whole number above 0, not 'many'" in result.stdout
    assert "0 exercise(s) fine, 1 error(s)" in result.stdout


def test_sessions_leave_out_a_broken_file_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "dialogs"
    folder.mkdir()
    (folder / "appreciation.yaml").write_bytes((DIALOGS / "appreciation.yaml").read_bytes())
    (folder / "empathy.yaml").write_text(BOMB + empathy_without("title") + "title: *i\n")
    (folder / "reflection.yaml").write_text("id: reflection\nsessions: [1]\n")
    with caplog.at_level(logging.WARNING):
        library = load_exercises(folder)
    assert set(library) == {"appreciation"}
    warnings = [r.getMessage() for r in caplog.records]
    assert any("empathy.yaml" in w and "anchor or alias" in w for w in warnings), warnings
    assert any("reflection.yaml" in w and "'sessions'" in w for w in warnings), warnings
    assert all("left out" in w for w in warnings)
