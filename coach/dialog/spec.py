"""Exercises as data: load the dialog files into typed objects and report every problem at once.

A dialog file describes one exercise as a set of states. Each state says something (one or
more variants), may expect an answer (yes/no, a number on a scale, a choice, free words), and
says where each answer leads. The format is documented field by field in `coach/dialogs/README.md`.
"""

from __future__ import annotations

import math
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeGuard

import yaml

from coach.safe_yaml import RefusedYaml, clip, describe, read_yaml

Expect = Literal["none", "yes_no", "scale", "choice", "free"]
EXPECTS: tuple[Expect, ...] = ("none", "yes_no", "scale", "choice", "free")

Action = Literal["recap", "resources", "mark_unsafe", "end_sitting", "decline"]
ACTIONS: tuple[Action, ...] = ("recap", "resources", "mark_unsafe", "end_sitting", "decline")

TOP_FIELDS = frozenset(
    {"id", "title", "summary", "start", "states", "minutes", "keywords", "involves_other"}
    | {"sessions"}
)
OPTION_FIELDS = frozenset({"id", "label", "synonyms", "next"})

SLOTS = frozenset({"name", "other", "Other", "relation", "minutes"})
"""Template slots a prompt may use; they are filled from the profile (see `render`)."""

DEFAULT_PAUSE: Mapping[Expect, float] = {
    "none": 2.0,
    "yes_no": 4.0,
    "scale": 6.0,
    "choice": 6.0,
    "free": 12.0,
}
"""Seconds of silence each kind of question allows before the coach re-asks."""


@dataclass(frozen=True, slots=True)
class Option:
    """One answer of a choice question."""

    id: str
    label: str
    synonyms: tuple[str, ...] = ()
    next: str | None = None


@dataclass(frozen=True, slots=True)
class State:
    """One step of an exercise: what the coach says and what it waits for."""

    id: str
    say: tuple[str, ...]
    expect: Expect = "none"
    help: str = ""
    title: str = ""
    next: str | None = None
    on: Mapping[str, str] = field(default_factory=dict)
    options: tuple[Option, ...] = ()
    scale: tuple[int, int] = (0, 10)
    save: str | None = None
    label: str = ""
    pause: float = 0.0
    """Seconds of silence allowed before the coach gently re-asks."""
    simpler: tuple[str, ...] = ()
    skip: str | None = None
    do: tuple[Action, ...] = ()
    end: bool = False
    asks_safety: bool = False
    """A "do you feel safe with them?" question: only a plain yes counts as yes."""

    def targets(self) -> list[str]:
        """Every state this one can lead to."""
        found = [t for t in (self.next, self.skip) if t]
        found += list(self.on.values())
        found += [o.next for o in self.options if o.next]
        return found

    def skip_target(self) -> str | None:
        """Where "skip" (or "pass") goes: the explicit skip, else the plain way on."""
        if self.skip:
            return self.skip
        if self.next:
            return self.next
        if self.expect == "yes_no":
            return self.on.get("no")
        if self.options:
            return self.options[0].next
        return None

    def describe(self) -> str:
        """Short words for where we are ("naming the feeling")."""
        return self.title or self.id.replace("_", " ").replace("-", " ")


@dataclass(frozen=True, slots=True)
class Dialog:
    """One exercise."""

    id: str
    title: str
    summary: str
    minutes: int
    start: str
    states: Mapping[str, State]
    path: Path
    keywords: tuple[str, ...] = ()
    involves_other: bool = False
    """True when it asks the person to open up to, confront or spend time alone with the other."""
    sessions: int = 1
    """How many sittings the exercise is meant to take."""

    def state(self, state_id: str) -> State:
        return self.states[state_id]

    def saved_keys(self) -> list[tuple[str, str]]:
        """(key, label) of every answer the exercise saves, in file order."""
        return [(s.save, s.label or s.describe()) for s in self.states.values() if s.save]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a dialog file."""

    path: str
    state: str | None
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.path}: state '{clip(self.state)}'" if self.state else self.path
        kind = "warning: " if self.warning else ""
        return f"{where}: {kind}{self.message}"


class DialogError(Exception):
    """A dialog file could not be used; `problems` lists every reason."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def slots_in(template: str) -> list[str]:
    """The slot names used in a prompt template (ValueError for a stray brace)."""
    return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]


def _is_text(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and bool(value.strip())


class _Reader:
    """Turns the raw YAML of one file into a Dialog, collecting problems instead of raising.

    Every field is checked for its type, so a wrong one becomes a problem naming the state and
    the field; the value is then left out (or given its default) and reading goes on.
    """

    def __init__(self, path: Path, label: str) -> None:
        self.path = path
        self.label = label
        self.problems: list[Problem] = []

    def problem(self, state: str | None, message: str, warning: bool = False) -> None:
        self.problems.append(Problem(self.label, state, message, warning))

    def text(
        self, where: str | None, raw: Mapping[Any, Any], name: str, what: str, owner: str = ""
    ) -> str | None:
        """A field holding text, or None when it is absent or wrong (a problem then)."""
        value = raw.get(name)
        if value is None or isinstance(value, str):
            return value
        self.problem(where, f"'{name}'{owner} must be {what}, not {describe(value)}")
        return None

    def required_text(self, raw: Mapping[str, Any], name: str, what: str) -> str | None:
        """A top-level field that must hold some words ('missing' is reported apart)."""
        value = raw.get(name)
        if _is_text(value):
            return value
        if name in raw:
            self.problem(None, f"'{name}' must be {what}, not {describe(value)}")
        return None

    def whole(self, raw: Mapping[str, Any], name: str, default: int) -> int:
        value = raw.get(name)
        if value is None:
            return default
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
        self.problem(None, f"'{name}' must be a whole number above 0, not {describe(value)}")
        return default

    def flag(self, where: str | None, raw: Mapping[Any, Any], name: str) -> bool:
        value = raw.get(name)
        if value is None or isinstance(value, bool):
            return bool(value)
        self.problem(where, f"'{name}' must be true or false, not {describe(value)}")
        return False

    def words(self, where: str | None, raw: Any, name: str) -> tuple[str, ...]:
        """A list of words (keywords, synonyms); `name` is how messages call it."""
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.problem(where, f"{name} must be a list of words, not {describe(raw)}")
            return ()
        for number, item in enumerate(raw, start=1):
            if not _is_text(item):
                self.problem(
                    where, f"{name} must be a list of words; item {number} is {describe(item)}"
                )
                return ()
        return tuple(raw)

    def text_list(self, state: str, raw: Any, what: str) -> tuple[str, ...]:
        if raw is None:
            return ()
        items = [raw] if isinstance(raw, str) else raw
        must = f"'{what}' must be a sentence or a list of sentences"
        if not isinstance(items, list):
            self.problem(state, f"{must}, not {describe(raw)}")
            return ()
        for number, item in enumerate(items, start=1):
            if not _is_text(item):
                where = f"; item {number} is" if isinstance(raw, list) else ", not"
                self.problem(state, f"{must}{where} {describe(item)}")
                return ()
        for item in items:
            self.slots(state, item, what)
        return tuple(items)

    def slots(self, state: str, text: str, what: str) -> None:
        try:
            used = slots_in(text)
        except ValueError:
            self.problem(
                state, f"'{what}' has a '{{' or '}}' that is not a slot; write slots like {{name}}"
            )
            return
        for slot in used:
            if slot not in SLOTS:
                known = ", ".join(sorted(SLOTS))
                self.problem(state, f"unknown slot '{{{clip(slot)}}}' in '{what}' (known: {known})")

    def state(self, state_id: str, raw: Any) -> State | None:
        if not isinstance(raw, dict):
            self.problem(
                state_id,
                f"must be a mapping of fields (say, expect, next, ...), not {describe(raw)}",
            )
            return None
        known = set(State.__dataclass_fields__) - {"id"}
        for key in raw:
            if key not in known:
                self.problem(state_id, f"unknown field '{clip(key)}'")
        say = self.text_list(state_id, raw.get("say"), "say")
        if not say:
            self.problem(state_id, "says nothing: give 'say' one or more sentences")
        expect = self.expect(state_id, raw.get("expect"))
        on = self.on(state_id, raw.get("on"))
        fields: dict[str, Any] = {}
        for name, what in (("next", "a state name"), ("skip", "a state name"), ("save", "a word")):
            value = self.text(state_id, raw, name, what)
            if value is not None:
                fields[name] = value
        for name in ("help", "title", "label"):
            value = self.text(state_id, raw, name, "text")
            if value is not None:
                self.slots(state_id, value, name)
                fields[name] = value
        asks_safety = self.flag(state_id, raw, "asks_safety")
        if asks_safety and (expect != "yes_no" or "no" not in on):
            self.problem(
                state_id, "'asks_safety' needs 'expect: yes_no' and a state to go to on 'no'"
            )
            asks_safety = False
        return State(
            id=state_id,
            say=say,
            expect=expect,
            on=on,
            options=self.options(state_id, raw.get("options")),
            scale=self.scale(state_id, raw.get("scale")),
            pause=self.pause(state_id, raw.get("pause"), expect),
            simpler=self.text_list(state_id, raw.get("simpler"), "simpler"),
            do=self.actions(state_id, raw.get("do")),
            end=self.flag(state_id, raw, "end"),
            asks_safety=asks_safety,
            **fields,
        )

    def expect(self, state_id: str, raw: Any) -> Expect:
        if raw is None:
            return "none"
        if isinstance(raw, str) and raw in EXPECTS:
            return raw
        self.problem(state_id, f"expects {describe(raw)}; use one of {', '.join(EXPECTS)}")
        return "none"

    def on(self, state_id: str, raw: Any) -> dict[str, str]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.problem(
                state_id,
                f"'on' must map answers to state names, like on: {{yes: plan, no: later}}, "
                f"not {describe(raw)}",
            )
            return {}
        found: dict[str, str] = {}
        for answer, target in raw.items():
            if not _is_text(answer):
                self.problem(state_id, f"the answers in 'on' must be words, not {describe(answer)}")
            elif not _is_text(target):
                self.problem(
                    state_id,
                    f"'{clip(answer)}' in 'on' must be a state name, not {describe(target)}",
                )
            else:
                found[answer.lower()] = target
        return found

    def scale(self, state_id: str, raw: Any) -> tuple[int, int]:
        if raw is None:
            return (0, 10)
        if (
            isinstance(raw, list)
            and len(raw) == 2
            and all(isinstance(n, int) and not isinstance(n, bool) for n in raw)
            and raw[0] < raw[1]
        ):
            return (raw[0], raw[1])
        given = "" if isinstance(raw, list) else f", not {describe(raw)}"
        self.problem(state_id, f"'scale' must be two whole numbers, low then high: [0, 10]{given}")
        return (0, 10)

    def pause(self, state_id: str, raw: Any, expect: Expect) -> float:
        if raw is None:
            return DEFAULT_PAUSE[expect]
        if isinstance(raw, int | float) and not isinstance(raw, bool) and 0 < raw < math.inf:
            return float(raw)
        self.problem(state_id, f"'pause' must be a number of seconds above 0, not {describe(raw)}")
        return DEFAULT_PAUSE[expect]

    def actions(self, state_id: str, raw: Any) -> tuple[Action, ...]:
        if raw is None:
            return ()
        items = [raw] if isinstance(raw, str) else raw
        known = ", ".join(ACTIONS)
        if not isinstance(items, list):
            self.problem(
                state_id,
                f"'do' must be an action or a list of actions ({known}), not {describe(raw)}",
            )
            return ()
        found: list[Action] = []
        for item in items:
            if isinstance(item, str) and item in ACTIONS:
                found.append(item)
            elif isinstance(item, str):
                self.problem(state_id, f"unknown action '{clip(item)}' in 'do' (known: {known})")
            else:
                self.problem(state_id, f"'do' must list actions ({known}), not {describe(item)}")
        return tuple(found)

    def options(self, state_id: str, raw: Any) -> tuple[Option, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.problem(
                state_id,
                f"'options' must be a list of {{id, label, synonyms, next}}, not {describe(raw)}",
            )
            return ()
        found = [self.option(state_id, n, item) for n, item in enumerate(raw, start=1)]
        ids = [o.id for o in found if o]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            self.problem(state_id, f"option id '{clip(dup)}' is used twice")
        return tuple(o for o in found if o)

    def option(self, state_id: str, number: int, raw: Any) -> Option | None:
        if not isinstance(raw, dict):
            self.problem(
                state_id,
                f"option {number} must be a mapping of id, label, synonyms and next, "
                f"not {describe(raw)}",
            )
            return None
        option_id = raw.get("id")
        if not _is_text(option_id):
            if "id" in raw:
                self.problem(
                    state_id, f"'id' of option {number} must be a word, not {describe(option_id)}"
                )
            else:
                self.problem(state_id, f"option {number} needs an 'id'")
            return None
        owner = f" of option '{clip(option_id)}'"
        for key in raw:
            if key not in OPTION_FIELDS:
                self.problem(
                    state_id, f"option '{clip(option_id)}' has an unknown field '{clip(key)}'"
                )
        return Option(
            id=option_id,
            label=self.text(state_id, raw, "label", "text", owner) or option_id,
            synonyms=self.words(state_id, raw.get("synonyms"), f"'synonyms'{owner}"),
            next=self.text(state_id, raw, "next", "a state name", owner),
        )

    def states(self, raw: Mapping[str, Any]) -> dict[str, State] | None:
        given = raw.get("states")
        if given == {}:
            self.problem(None, "'states' is empty: give it at least one state")
            return None
        if not isinstance(given, dict):
            if "states" in raw:  # else it is reported missing
                self.problem(
                    None, f"'states' must map state names to states, not {describe(given)}"
                )
            return None
        states: dict[str, State] = {}
        for state_id, state_raw in given.items():
            if not _is_text(state_id):
                self.problem(None, f"state names must be words, not {describe(state_id)}")
                continue
            state = self.state(state_id, state_raw)
            if state is not None:
                states[state.id] = state
        return states

    def dialog(self, raw: Any, duplicates: list[tuple[str, int]]) -> Dialog | None:
        for key, line in duplicates:
            self.problem(None, f"duplicate id '{clip(key)}' (line {line}); each id must be unique")
        if not isinstance(raw, dict):
            self.problem(None, "must be a mapping with id, title, summary, start and states")
            return None
        for key in raw:
            if key not in TOP_FIELDS:
                self.problem(None, f"unknown field '{clip(key)}'")
        for key in ("id", "title", "summary", "start", "states"):
            if key not in raw:
                self.problem(None, f"missing '{key}'")
        dialog_id = self.required_text(raw, "id", "text (the file name without .yaml)")
        if dialog_id is not None and dialog_id != self.path.stem:
            self.problem(
                None,
                f"id '{clip(dialog_id)}' differs from the file name; "
                f"rename the file to {clip(dialog_id)}.yaml or change the id",
            )
        dialog_id = dialog_id or self.path.stem
        title = self.required_text(raw, "title", "text")
        summary = self.required_text(raw, "summary", "text")
        start = self.required_text(raw, "start", "a state name")
        minutes = self.whole(raw, "minutes", 10)
        keywords = self.words(None, raw.get("keywords"), "'keywords'")
        involves_other = self.flag(None, raw, "involves_other")
        sessions = self.whole(raw, "sessions", 1)
        states = self.states(raw)
        if states is None:
            return None
        return Dialog(
            id=dialog_id,
            title=title or dialog_id,
            summary=summary or "",
            minutes=minutes,
            start=start or "",
            states=states,
            path=self.path,
            keywords=keywords,
            involves_other=involves_other,
            sessions=sessions,
        )


def check_flow(dialog: Dialog, label: str) -> list[Problem]:
    """Problems with how the states connect: unknown targets, dead ends, unreachable states."""
    problems: list[Problem] = []
    states = dialog.states
    if dialog.start not in states:
        problems.append(Problem(label, None, f"starts at unknown state '{clip(dialog.start)}'"))
    for state in states.values():
        for target in state.targets():
            if target not in states:
                problems.append(Problem(label, state.id, f"goes to unknown state '{clip(target)}'"))
        problems += [Problem(label, state.id, m) for m in _answer_problems(state)]
    reachable = _closure({dialog.start} & set(states), lambda s: states[s].targets(), states)
    for state_id in states:
        if state_id not in reachable:
            problems.append(Problem(label, state_id, "cannot be reached from the start"))
    ends = {s.id for s in states.values() if s.end}
    if not ends:
        problems.append(Problem(label, None, "has no end state (mark one with 'end: true')"))
    leads_to: dict[str, list[str]] = {s: [] for s in states}
    for state in states.values():
        for target in state.targets():
            if target in leads_to:
                leads_to[target].append(state.id)
    finishing = _closure(ends, lambda s: leads_to[s], states)
    for state_id in states:
        if state_id in reachable and state_id not in finishing:
            problems.append(Problem(label, state_id, "cannot reach an end state"))
    return problems


def _answer_problems(state: State) -> list[str]:
    found: list[str] = []
    if state.end:
        if state.targets():
            found.append("is an end state but also leads on; remove 'next' or 'end'")
        if state.expect != "none":
            found.append("is an end state but waits for an answer")
        return found
    if state.expect in ("none", "free", "scale") and not state.next:
        found.append(f"expects '{state.expect}' but has no 'next' (or mark it 'end: true')")
    if state.expect == "yes_no":
        for answer in ("yes", "no"):
            if answer not in state.on and not state.next:
                found.append(f"does not say where '{answer}' leads (on: {{{answer}: ...}})")
        extra = set(state.on) - {"yes", "no"}
        if extra:
            extras = clip(", ".join(sorted(extra)))
            found.append(f"'on' has answers a yes/no question cannot get: {extras}")
    if state.expect == "choice":
        if not state.options:
            found.append("expects a choice but lists no 'options'")
        for option in state.options:
            if not option.next and option.id not in state.on and not state.next:
                found.append(f"option '{clip(option.id)}' is not handled: give it 'next'")
    elif state.options:
        found.append(f"has 'options' but expects '{state.expect}'; use expect: choice")
    if state.expect != "none" and not state.help:
        found.append("has no 'help' saying what the person can answer")
    if state.save and state.expect == "none":
        found.append("saves an answer but expects none")
    return found


def _closure(seeds: Iterable[str], neighbours: Any, states: Mapping[str, State]) -> set[str]:
    seen = set(seeds)
    todo = list(seen)
    while todo:
        for nxt in neighbours(todo.pop()):
            if nxt in states and nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def load_dialog(
    path: Path, label: str | None = None, style: bool = True
) -> tuple[Dialog | None, list[Problem]]:
    """Load and validate one dialog file; never raises for problems in the file itself."""
    label = label or str(path)
    reader = _Reader(path, label)
    try:
        raw, duplicates = read_yaml(path)
    except FileNotFoundError:
        return None, [Problem(label, None, "no such file; check the path")]
    except OSError as error:
        return None, [Problem(label, None, f"cannot be read ({error.strerror})")]
    except UnicodeDecodeError:
        return None, [Problem(label, None, "is not UTF-8 text; save it as UTF-8")]
    except RefusedYaml as error:
        return None, [Problem(label, None, f"{error.what}; {error.todo}")]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = clip(getattr(error, "problem", None) or str(error), 120)
        return None, [Problem(label, None, f"is not valid YAML{where}: {reason}")]
    dialog = reader.dialog(raw, duplicates)
    problems = reader.problems
    if dialog is not None:
        problems += check_flow(dialog, label)
    if dialog is not None and style:
        from coach.dialog.style import check_style

        problems += check_style(dialog, label)
    return dialog, problems


def load_library(
    paths: Sequence[Path], style: bool = True
) -> tuple[dict[str, Dialog], list[Problem]]:
    """Load many dialog files (or folders of them); report duplicate exercise ids across files."""
    files: list[Path] = []
    for path in paths:
        files += sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    dialogs: dict[str, Dialog] = {}
    problems: list[Problem] = []
    for file in files:
        dialog, found = load_dialog(file, _label(file), style)
        problems += found
        if dialog is None:
            continue
        if dialog.id in dialogs:
            first = _label(dialogs[dialog.id].path)
            problems.append(
                Problem(_label(file), None, f"duplicate id '{clip(dialog.id)}' ({first})")
            )
        elif not any(not p.warning for p in found):
            dialogs[dialog.id] = dialog
    return dialogs, problems


def _label(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
