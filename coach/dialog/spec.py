"""Exercises as data: load the dialog files into typed objects and report every problem at once.

A dialog file describes one exercise as a set of states. Each state says something (one or
more variants), may expect an answer (yes/no, a number on a scale, a choice, free words), and
says where each answer leads. The format is documented field by field in `coach/dialogs/README.md`.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

import yaml

Expect = Literal["none", "yes_no", "scale", "choice", "free"]
EXPECTS: tuple[Expect, ...] = ("none", "yes_no", "scale", "choice", "free")

Action = Literal["recap", "resources", "mark_unsafe", "end_sitting"]
ACTIONS: tuple[Action, ...] = ("recap", "resources", "mark_unsafe", "end_sitting")

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
        where = f"{self.path}: state '{self.state}'" if self.state else self.path
        kind = "warning: " if self.warning else ""
        return f"{where}: {kind}{self.message}"


class DialogError(Exception):
    """A dialog file could not be used; `problems` lists every reason."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A YAML loader that reports duplicate keys instead of silently keeping the last one.

    It also reads only `true` and `false` as booleans, so `on: {yes: a, no: b}` means what
    a dialog writer expects rather than YAML 1.1's `{True: {True: a, False: b}}`.
    """

    duplicates: list[tuple[str, int]]
    yaml_implicit_resolvers = {  # noqa: RUF012 - PyYAML's own class attribute
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    self.duplicates.append((key_node.value, key_node.start_mark.line + 1))
                seen.add(key_node.value)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


def read_yaml(path: Path) -> tuple[Any, list[tuple[str, int]]]:
    """Parse a YAML file; return the data and any duplicate keys (key, line)."""
    with path.open(encoding="utf-8") as stream:
        loader = _UniqueKeyLoader(stream)
        loader.duplicates = []
        try:
            return loader.get_single_data(), loader.duplicates
        finally:
            loader.dispose()


def slots_in(template: str) -> list[str]:
    """The slot names used in a prompt template."""
    return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]


class _Reader:
    """Turns the raw YAML of one file into a Dialog, collecting problems instead of raising."""

    def __init__(self, path: Path, label: str) -> None:
        self.path = path
        self.label = label
        self.problems: list[Problem] = []

    def problem(self, state: str | None, message: str, warning: bool = False) -> None:
        self.problems.append(Problem(self.label, state, message, warning))

    def text_list(self, state: str, raw: Any, what: str) -> tuple[str, ...]:
        if raw is None:
            return ()
        items = [raw] if isinstance(raw, str) else raw
        if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
            self.problem(state, f"'{what}' must be a sentence or a list of sentences")
            return ()
        for item in items:
            for slot in slots_in(item):
                if slot not in SLOTS:
                    known = ", ".join(sorted(SLOTS))
                    self.problem(state, f"unknown slot '{{{slot}}}' in '{what}' (known: {known})")
        return tuple(items)

    def state(self, state_id: str, raw: Any) -> State | None:
        if not isinstance(raw, dict):
            self.problem(state_id, "must be a mapping of fields (say, expect, next, ...)")
            return None
        known = set(State.__dataclass_fields__) - {"id"}
        for key in raw:
            if key not in known:
                self.problem(state_id, f"unknown field '{key}'")
        say = self.text_list(state_id, raw.get("say"), "say")
        if not say:
            self.problem(state_id, "says nothing: give 'say' one or more sentences")
        expect = raw.get("expect", "none")
        if expect not in EXPECTS:
            self.problem(state_id, f"expects '{expect}'; use one of {', '.join(EXPECTS)}")
            expect = "none"
        on = raw.get("on") or {}
        if not isinstance(on, dict) or not all(isinstance(v, str) for v in on.values()):
            self.problem(state_id, "'on' must map answers to state ids")
            on = {}
        on = {str(k).lower(): v for k, v in on.items()}
        options = self.options(state_id, raw.get("options"))
        scale = raw.get("scale", [0, 10])
        if not (
            isinstance(scale, list)
            and len(scale) == 2
            and all(isinstance(n, int) for n in scale)
            and scale[0] < scale[1]
        ):
            self.problem(state_id, "'scale' must be two whole numbers, low then high: [0, 10]")
            scale = [0, 10]
        do = raw.get("do") or []
        if isinstance(do, str):
            do = [do]
        for action in do:
            if action not in ACTIONS:
                self.problem(
                    state_id, f"unknown action '{action}' in 'do' (known: {', '.join(ACTIONS)})"
                )
        pause = raw.get("pause", DEFAULT_PAUSE[cast(Expect, expect)])
        if not isinstance(pause, int | float) or isinstance(pause, bool) or pause <= 0:
            self.problem(state_id, "'pause' must be a number of seconds above 0")
            pause = DEFAULT_PAUSE[cast(Expect, expect)]
        fields: dict[str, Any] = {}
        for name in ("next", "skip", "save", "help", "title", "label"):
            value = raw.get(name)
            if value is not None and not isinstance(value, str):
                self.problem(state_id, f"'{name}' must be text")
            elif value is not None:
                fields[name] = value
        for name in ("help", "title", "label"):
            if name in fields:
                self.text_list(state_id, fields[name], name)
        asks_safety = raw.get("asks_safety", False)
        if not isinstance(asks_safety, bool):
            self.problem(state_id, "'asks_safety' must be true or false")
            asks_safety = False
        elif asks_safety and (expect != "yes_no" or "no" not in on):
            self.problem(
                state_id, "'asks_safety' needs 'expect: yes_no' and a state to go to on 'no'"
            )
            asks_safety = False
        return State(
            id=state_id,
            say=say,
            expect=cast(Expect, expect),
            on=on,
            options=options,
            scale=(scale[0], scale[1]),
            pause=float(pause),
            simpler=self.text_list(state_id, raw.get("simpler"), "simpler"),
            do=tuple(a for a in do if a in ACTIONS),
            end=bool(raw.get("end", False)),
            asks_safety=asks_safety,
            **fields,
        )

    def options(self, state_id: str, raw: Any) -> tuple[Option, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.problem(state_id, "'options' must be a list of {id, label, synonyms, next}")
            return ()
        found: list[Option] = []
        for item in raw:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                self.problem(state_id, "each option needs an 'id' and a 'label'")
                continue
            synonyms = item.get("synonyms") or []
            if not isinstance(synonyms, list) or not all(isinstance(s, str) for s in synonyms):
                self.problem(state_id, f"option '{item['id']}': 'synonyms' must be a list of text")
                synonyms = []
            found.append(
                Option(
                    id=item["id"],
                    label=str(item.get("label") or item["id"]),
                    synonyms=tuple(synonyms),
                    next=item.get("next"),
                )
            )
        ids = [o.id for o in found]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            self.problem(state_id, f"option id '{dup}' is used twice")
        return tuple(found)

    def dialog(self, raw: Any, duplicates: list[tuple[str, int]]) -> Dialog | None:
        for key, line in duplicates:
            self.problem(None, f"duplicate id '{key}' (line {line}); each id must be unique")
        if not isinstance(raw, dict):
            self.problem(None, "must be a mapping with id, title, summary, start and states")
            return None
        for key in ("id", "title", "summary", "start", "states"):
            if key not in raw:
                self.problem(None, f"missing '{key}'")
        dialog_id = str(raw.get("id", self.path.stem))
        if dialog_id != self.path.stem:
            self.problem(
                None,
                f"id '{dialog_id}' differs from the file name; "
                f"rename the file to {dialog_id}.yaml or change the id",
            )
        states_raw = raw.get("states")
        if not isinstance(states_raw, dict) or not states_raw:
            self.problem(None, "'states' must map state ids to states")
            return None
        states: dict[str, State] = {}
        for state_id, state_raw in states_raw.items():
            state = self.state(str(state_id), state_raw)
            if state is not None:
                states[state.id] = state
        minutes = raw.get("minutes", 10)
        if not isinstance(minutes, int) or minutes <= 0:
            self.problem(None, "'minutes' must be a whole number above 0")
            minutes = 10
        keywords = raw.get("keywords") or []
        return Dialog(
            id=dialog_id,
            title=str(raw.get("title", dialog_id)),
            summary=str(raw.get("summary", "")),
            minutes=minutes,
            start=str(raw.get("start", "")),
            states=states,
            path=self.path,
            keywords=tuple(str(k) for k in keywords) if isinstance(keywords, list) else (),
            involves_other=bool(raw.get("involves_other", False)),
            sessions=int(raw.get("sessions", 1)),
        )


def check_flow(dialog: Dialog, label: str) -> list[Problem]:
    """Problems with how the states connect: unknown targets, dead ends, unreachable states."""
    problems: list[Problem] = []
    states = dialog.states
    if dialog.start not in states:
        problems.append(Problem(label, None, f"starts at unknown state '{dialog.start}'"))
    for state in states.values():
        for target in state.targets():
            if target not in states:
                problems.append(Problem(label, state.id, f"goes to unknown state '{target}'"))
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
            found.append(f"'on' has answers a yes/no question cannot get: {sorted(extra)}")
    if state.expect == "choice":
        if not state.options:
            found.append("expects a choice but lists no 'options'")
        for option in state.options:
            if not option.next and option.id not in state.on and not state.next:
                found.append(f"option '{option.id}' is not handled: give it 'next'")
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
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(error, "problem", None) or str(error)
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
            problems.append(Problem(_label(file), None, f"duplicate id '{dialog.id}' ({first})"))
        elif not any(not p.warning for p in found):
            dialogs[dialog.id] = dialog
    return dialogs, problems


def _label(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


_BOOL = "tag:yaml.org,2002:bool"
_UniqueKeyLoader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
