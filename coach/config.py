"""Settings from `config.toml` in the data folder; every one is optional.

    region = "UK"              # which crisis lines to read out (US, UK, IE, CA, AU, EU, ...)
    resources = "lines.yaml"   # or your own list of lines (see coach/dialog/resources.py)
    engine = "auto"            # speech recognition: auto, moonshine, vosk or pocketsphinx
    input_device = "USB"       # microphone, by name or index
    output_device = 0          # speaker, by name or index
    voice = "en-us"            # text-to-speech voice id
    wake_phrase = "hey coach"  # speaker mode: what wakes it
    button_pin = 17            # speaker mode: GPIO pin of a push-to-talk button

`COACH_REGION` in the environment overrides `region`.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from coach.errors import CoachError

DEFAULT_REGION = "US"
"""The brief's defaults; the emergency number of any region is read out with them."""


@dataclass(frozen=True)
class Config:
    region: str = DEFAULT_REGION
    resources: str | None = None
    engine: str = "auto"
    input_device: str | int | None = None
    output_device: str | int | None = None
    voice: str | None = None
    wake_phrase: str = "hey coach"
    button_pin: int | None = None


def load_config(folder: Path) -> Config:
    """Read `folder/config.toml` if it exists; a clear error names the file and the problem."""
    path = folder / "config.toml"
    values: dict[str, object] = {}
    if path.exists():
        try:
            values = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise CoachError(
                f"Cannot read the settings in {path} ({error}).",
                "Fix the file, or move it aside to use the defaults.",
            ) from error
        known = {f.name for f in fields(Config)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise CoachError(
                f"{path}: unknown setting(s) {', '.join(unknown)}.",
                f"The settings are: {', '.join(sorted(known))}.",
            )
        for key, value in values.items():
            if not isinstance(value, str | int) or isinstance(value, bool):
                raise CoachError(
                    f"{path}: '{key}' must be text or a number.", f'For example: {key} = "..."'
                )
    region = os.environ.get("COACH_REGION") or values.get("region") or DEFAULT_REGION
    values["region"] = str(region).upper()
    return Config(**values)  # type: ignore[arg-type]
