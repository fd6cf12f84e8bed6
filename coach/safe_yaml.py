"""Read the coach's own YAML files (dialogs, replay scripts) safely, and quote them briefly.

These files are small and plain, so the reader refuses what they never need and what could
make loading take minutes and gigabytes: anchors and aliases (`&a`, `*a`: nine lines of them
can stand for a billion strings), nesting deeper than MAX_DEPTH, and files over MAX_BYTES.
It also reports duplicate keys, and reads only `true` and `false` as booleans.
"""

from __future__ import annotations

import re
import reprlib
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

MAX_BYTES = 1_000_000
"""The largest dialog or replay script read: the biggest exercise is about 15 KB."""

MAX_DEPTH = 50
"""How deeply lists and mappings may nest; a dialog needs six levels."""

QUOTE_LIMIT = 60
"""How many characters of a value from a file a message quotes."""


class RefusedYaml(Exception):
    """A file the reader will not load: `what` happened and what to do, as phrases."""

    def __init__(self, what: str, todo: str) -> None:
        self.what = what
        self.todo = todo
        super().__init__(f"{what}; {todo}")


class _PyParser(Reader, Scanner, Parser):
    """PyYAML's own parser, where libyaml is missing."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)


def _parser() -> type[Any]:
    """libyaml's parser (about ten times faster) when PyYAML was built with it."""
    try:
        from yaml._yaml import CParser
    except ImportError:
        return _PyParser
    return CParser


_ParserBase: Any = _parser()


class _Loader(Composer, _ParserBase, SafeConstructor, Resolver):  # type: ignore[misc]
    """A safe loader that builds nodes itself, so it can refuse anchors, aliases and depth."""

    yaml_implicit_resolvers = {  # noqa: RUF012 - PyYAML's own class attribute
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
        for first, resolvers in Resolver.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str) -> None:
        _ParserBase.__init__(self, stream)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self.duplicates: list[tuple[str, int]] = []
        self.depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise RefusedYaml(
                f"uses a YAML anchor or alias (& or *) at line {line}",
                "write each value out in full instead",
            )
        if self.depth >= MAX_DEPTH:
            raise RefusedYaml(
                f"nests lists and mappings more than {MAX_DEPTH} levels deep (line {line})",
                "keep it flatter: a few levels are all it needs",
            )
        self.depth += 1
        try:
            node: Node | None = super().compose_node(parent, index)
            return node
        finally:
            self.depth -= 1

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, ScalarNode):
                if key_node.value in seen:
                    self.duplicates.append((key_node.value, key_node.start_mark.line + 1))
                seen.add(key_node.value)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def read_yaml(path: Path) -> tuple[Any, list[tuple[str, int]]]:
    """Parse a YAML (or JSON) file; return the data and any duplicate keys (key, line).

    Raises OSError, UnicodeDecodeError, yaml.YAMLError, or RefusedYaml for a file over
    MAX_BYTES, with anchors or aliases, or nested too deeply.
    """
    with path.open("rb") as stream:
        data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise RefusedYaml(
            f"is larger than {MAX_BYTES // 1_000_000} MB, far more than it could need",
            "check that it is the right file",
        )
    loader = _Loader(data.decode("utf-8"))
    try:
        return loader.get_single_data(), loader.duplicates
    except ValueError as error:  # a value of a known type that cannot be: 2024-13-01, !!int x
        raise ConstructorError(problem=f"cannot read a value ({clip(error)})") from None
    finally:
        loader.dispose()


_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = QUOTE_LIMIT


def clip(value: object, limit: int = QUOTE_LIMIT) -> str:
    """A value from a file as a message may quote it: printable, at most `limit` characters."""
    if isinstance(value, str):
        text = value if value.isprintable() else repr(value)[1:-1]
    else:
        text = _REPR.repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe(value: object) -> str:
    """How a message names a value of the wrong kind: 'many', 7, true, a list, empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "empty"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{clip(value)}'"
    if isinstance(value, int | float):
        return clip(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, date):
        return "a date"
    return f"a {type(value).__name__} value"
