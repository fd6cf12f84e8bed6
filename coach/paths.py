"""Where the coach keeps its data and finds its exercises."""

from __future__ import annotations

import os
import stat
from importlib import resources
from pathlib import Path

from coach.errors import CoachError

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def data_dir() -> Path:
    """`$COACH_HOME` if set, else the platform's user data folder."""
    home = os.environ.get("COACH_HOME")
    if home:
        return Path(home).expanduser()
    from platformdirs import user_data_path

    return user_data_path("coach", appauthor=False)


def ensure_private_dir(path: Path) -> Path:
    """Create the folder if needed, readable by its owner only. An existing one is left as is."""
    try:
        if not path.exists():
            path.mkdir(parents=True, mode=PRIVATE_DIR)
            path.chmod(PRIVATE_DIR)
    except OSError as error:
        raise CoachError(
            f"Cannot use the data folder {path} ({error.strerror}).",
            "Set COACH_HOME to a folder you can write to.",
        ) from error
    return path


def exposure(folder: Path) -> list[str]:
    """Warnings for the data folder or its files if others can read or change them."""
    warnings: list[str] = []
    if not folder.is_dir():
        return warnings
    for path in [folder, *sorted(p for p in folder.iterdir() if p.is_file())]:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            wanted = PRIVATE_DIR if path.is_dir() else PRIVATE_FILE
            warnings.append(
                f"{path} can be read or changed by other users (mode {mode:o}). "
                f"To keep it private, run: chmod {wanted:o} {path}"
            )
    return warnings


def dialogs_dir() -> Path:
    """`$COACH_DIALOGS` if set, else the exercises that come inside the package."""
    env = os.environ.get("COACH_DIALOGS")
    if env:
        return Path(env).expanduser()
    folder = resources.files("coach") / "dialogs"
    if not isinstance(folder, Path):
        raise CoachError(
            f"The exercises inside the coach package cannot be read as files ({folder}).",
            "Install the coach as a folder (pip install, not a zip), "
            "or set COACH_DIALOGS to a folder of exercises.",
        )
    return folder
