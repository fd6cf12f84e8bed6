"""Crisis resources the coach can read out offline, chosen by region.

`resources_for(region)` gives the built-in set for a region code ("US", "UK", "IE",
"CA", "AU", "EU" or an EU country code); any other code, or None, gives a generic set
that names "your local emergency number" and never fails. `load_resources(path)`
reads a user's own set from YAML. `spoken(resources, concern)` turns a set into short
sentences for text-to-speech, leading with the line that fits the concern.

Numbers were checked against the services' own published numbers when written;
re-check them before a release, since services do change numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from coach.dialog.concern import Concern


@dataclass(frozen=True)
class Resource:
    """One helpline or service."""

    name: str  # "988 Suicide & Crisis Lifeline"
    how: str  # how to reach it, in words: "call or text 988"
    concerns: tuple[Concern, ...] = ()  # what it is for; () means any concern


@dataclass(frozen=True)
class Resources:
    """The help to offer in one region."""

    region: str  # "US", "UK", ... or "generic"
    emergency: str  # the emergency number as written: "911", "112 or 999"
    lines: tuple[Resource, ...]


_SELF = (Concern.SELF_HARM, Concern.HARM_TO_OTHERS)
_ABUSE = (Concern.ABUSE,)
_CHILD = (Concern.CHILD_HARM,)

DEFAULT_REGIONS: dict[str, Resources] = {
    "US": Resources(
        "US",
        "911",
        (
            Resource("988 Suicide & Crisis Lifeline", "call or text 988", _SELF),
            Resource("Crisis Text Line", "text HOME to 741741"),
            Resource(
                "National Domestic Violence Hotline",
                "call 1-800-799-7233, or text START to 88788",
                _ABUSE,
            ),
            Resource("Childhelp National Child Abuse Hotline", "call 1-800-422-4453", _CHILD),
        ),
    ),
    "UK": Resources(
        "UK",
        "999",
        (
            Resource("Samaritans", "call 116 123, free, day or night", _SELF),
            Resource("Shout", "text SHOUT to 85258"),
            Resource("National Domestic Abuse Helpline", "call 0808 2000 247", _ABUSE),
            Resource("NSPCC Helpline", "call 0808 800 5000", _CHILD),
        ),
    ),
    "IE": Resources(
        "IE",
        "112 or 999",
        (
            Resource("Samaritans", "call 116 123, free, day or night", _SELF),
            Resource("Women's Aid National Freephone Helpline", "call 1800 341 900", _ABUSE),
        ),
    ),
    "CA": Resources(
        "CA",
        "911",
        (Resource("988 Suicide Crisis Helpline", "call or text 988", _SELF),),
    ),
    "AU": Resources(
        "AU",
        "000",
        (
            Resource("Lifeline", "call 13 11 14", _SELF),
            Resource("1800RESPECT", "call 1800 737 732", (*_ABUSE, *_CHILD)),
        ),
    ),
    "EU": Resources("EU", "112", ()),
}
_EU_MEMBERS = frozenset(
    {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "IT", "LV"}
    | {"LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"}
)  # IE has its own entry
_ALIASES = {"GB": "UK", "USA": "US", "UNITED STATES": "US", "UNITED KINGDOM": "UK"}

GENERIC = Resources(
    "generic",
    "your local emergency number",
    (
        Resource(
            "A local crisis line",
            "ask a doctor, a pharmacist or the emergency operator for the number",
        ),
    ),
)


def resources_for(region: str | None) -> Resources:
    """The built-in resources for a region code; the generic set for anything unknown."""
    if not region:
        return GENERIC
    code = region.strip().upper()
    code = _ALIASES.get(code, code)
    if code in DEFAULT_REGIONS:
        return DEFAULT_REGIONS[code]
    if code in _EU_MEMBERS:
        return DEFAULT_REGIONS["EU"]
    return GENERIC


# ------------------------------------------------------------------ speaking

_NUMBER = re.compile(r"\d[\d -]*\d|\d")


def _say_digits(match: re.Match[str]) -> str:
    """'1-800-799-7233' -> '1 8 0 0, 7 9 9, 7 2 3 3'; '741741' -> '7 4 1, 7 4 1'."""
    groups: list[str] = []
    for group in re.split(r"[ -]+", match.group()):
        if len(group) > 4:  # read long runs in threes, as people do
            cut = 2 if len(group) == 5 else 3
            groups += [group[:cut], group[cut:]] if len(group) <= 7 else [group]
        else:
            groups.append(group)
    return ", ".join(" ".join(group) for group in groups)


def speakable(text: str) -> str:
    """Write numbers digit by digit, so a voice reads "9 8 8", not "nine hundred...".

    Numbers joined to letters ("1800RESPECT") are left alone.
    """
    text = text.replace("&", "and")

    def say(match: re.Match[str]) -> str:
        before = text[match.start() - 1] if match.start() > 0 else " "
        after = text[match.end()] if match.end() < len(text) else " "
        return match.group() if before.isalpha() or after.isalpha() else _say_digits(match)

    return _NUMBER.sub(say, text)


def spoken(resources: Resources, concern: Concern | None) -> list[str]:
    """Sentences for a voice to read: the fitting lines first, then the emergency number.

    For a concern, the lines made for it come first, then lines for any concern;
    lines for other concerns are left out to keep it short. With no concern, all
    lines are read. The last sentence is always the emergency number. The caller
    says the acknowledgement before these and offers to repeat them after.
    """
    lines = list(resources.lines)
    if concern is not None:
        fitting = [line for line in lines if concern in line.concerns]
        general = [line for line in lines if not line.concerns]
        lines = fitting + general or lines
    sentences = [f"{speakable(line.name)}: {speakable(line.how)}." for line in lines]
    sentences.append(
        f"If you or someone else is in danger right now, call {speakable(resources.emergency)}."
    )
    return sentences


# ------------------------------------------------------------------ loading


def load_resources(path: str | Path) -> Resources:
    """Read a user's own resources from a YAML file of the same shape as `Resources`.

    region: NZ
    emergency: "111"
    lines:
      - name: Need to Talk
        how: call or text 1737
        concerns: [self-harm]      # optional: self-harm, harm-to-others, abuse, child-harm

    Raises ValueError naming the file and the problem if it is not valid.
    OSError (missing or unreadable file) is passed on as it is.
    """
    from coach.safe_yaml import RefusedYaml, read_yaml

    path = Path(path)
    try:
        data, _ = read_yaml(path)
    except UnicodeDecodeError as err:
        raise ValueError(f"{path}: not UTF-8 text ({err.reason})") from err
    except RefusedYaml as err:
        raise ValueError(f"{path}: {err.what}") from err
    except yaml.YAMLError as err:
        raise ValueError(f"{path}: not valid YAML ({err})") from err
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping with region, emergency and lines")
    region = _text(data, "region", path)
    emergency = _text(data, "emergency", path)
    raw_lines = data.get("lines", [])
    if not isinstance(raw_lines, list):
        raise ValueError(f"{path}: 'lines' must be a list of name/how entries")
    lines = tuple(_resource(item, n, path) for n, item in enumerate(raw_lines, start=1))
    return Resources(region, emergency, lines)


def _text(data: dict[str, Any], key: str, where: Path | str) -> str:
    value = data.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        if key == "emergency" and value == 0:  # YAML reads 000 as 0
            raise ValueError(f"{where}: write '{key}' in quotes, e.g. emergency: \"000\"")
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: '{key}' is missing or not text")
    return value.strip()


def _resource(item: object, number: int, path: Path) -> Resource:
    where = f"{path}: line {number}"
    if not isinstance(item, dict):
        raise ValueError(f"{where} must be a mapping with 'name' and 'how'")
    raw = item.get("concerns", [])
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        raise ValueError(f"{where}: 'concerns' must be a list")
    known = {c.value for c in Concern}
    unknown = [str(c) for c in raw if str(c) not in known]
    if unknown:
        raise ValueError(f"{where}: unknown concern {unknown[0]!r}; use one of {sorted(known)}")
    concerns = tuple(Concern(str(c)) for c in raw)
    return Resource(_text(item, "name", where), _text(item, "how", where), concerns)


def own_resources(folder: Path, name: str | None) -> Resources | None:
    """The person's own list of lines named in config.toml (`resources`), if any."""
    from coach.errors import CoachError

    if not name:
        return None
    path = folder / name
    try:
        return load_resources(path)
    except (OSError, ValueError) as error:
        raise CoachError(
            f"Cannot use your own list of support lines ({error}).",
            f"Fix {path}, or remove 'resources' from {folder / 'config.toml'} to use the "
            "built-in lines for your region.",
        ) from error
