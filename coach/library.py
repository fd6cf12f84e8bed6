"""The exercises the coach offers: every valid dialog in the dialogs folder."""

from __future__ import annotations

import difflib
import logging
from pathlib import Path

from coach.dialog.spec import Dialog, load_library
from coach.errors import CoachError
from coach.paths import dialogs_dir
from coach.safe_yaml import clip

log = logging.getLogger(__name__)


def load_exercises(folder: Path | None = None) -> dict[str, Dialog]:
    """Load every exercise; broken files are left out with a warning naming the problem."""
    folder = folder or dialogs_dir()
    if not folder.is_dir():
        raise CoachError(
            f"The exercises folder {folder} is missing.",
            "Reinstall the coach, or set COACH_DIALOGS to a folder of dialog files.",
        )
    dialogs, problems = load_library([folder], style=False)
    for problem in problems:
        if not problem.warning:
            log.warning("%s (left out; run: coach dialogs check)", problem)
    if not dialogs:
        raise CoachError(
            f"No usable exercise in {folder}.",
            "Run `coach dialogs check` to see what is wrong with the files there.",
        )
    return dialogs


def get_exercise(library: dict[str, Dialog], exercise_id: str) -> Dialog:
    """The exercise with that id, or a clear error suggesting the closest ids."""
    if exercise_id in library:
        return library[exercise_id]
    close = difflib.get_close_matches(exercise_id, list(library), n=2, cutoff=0.75)
    hint = f"Did you mean {' or '.join(close)}? " if close else ""
    raise CoachError(
        f"There is no exercise called '{clip(exercise_id)}'.",
        f"{hint}See them all with: coach dialogs list",
    )
