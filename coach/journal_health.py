"""How the journal is: readable and whole, protected or not, and which coach holds it."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from coach.journal import JOURNAL_FILE
from coach.journal_lock import holder
from coach.paths import exposure


@dataclass(frozen=True)
class Health:
    ok: bool
    found: str
    fix: str = ""


def journal_health(folder: Path) -> Health:
    """Checks that read the file without writing to it, so they are safe beside a session."""
    path = folder / JOURNAL_FILE
    if path.is_symlink():
        return Health(False, f"{path} is a symbolic link", "Put the journal file itself there.")
    if not path.exists():
        return Health(True, f"none yet in {folder} (made when the first answer is kept)")
    try:
        at_rest = not path.with_name(f"{JOURNAL_FILE}-wal").exists()  # no -shm made then
        uri = f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if at_rest else "")
        db = sqlite3.connect(uri, uri=True, timeout=2.0)
        try:
            problems = [str(row[0]) for row in db.execute("PRAGMA quick_check")]
            sealed = bool(db.execute("SELECT 1 FROM meta WHERE key = 'salt'").fetchall())
            answers = int(db.execute("SELECT count(*) FROM answers").fetchone()[0])
        finally:
            db.close()
    except sqlite3.Error as error:
        problems, sealed, answers = [str(error)], False, 0
    if problems != ["ok"]:
        return Health(
            False,
            f"{path} is damaged ({problems[0][:80]})",
            "Save what can still be read: coach journal export --salvage --out rescue.json; "
            "then move the journal aside and the coach starts a new one.",
        )
    parts = [f"{answers} answer(s)", "protected by a passphrase" if sealed else "not protected"]
    in_use = holder(folder)
    if in_use:
        parts.append(f"in use by {in_use}")
    warnings = exposure(folder)
    if warnings:
        return Health(False, ", ".join(parts), warnings[0])
    return Health(True, ", ".join(parts))
