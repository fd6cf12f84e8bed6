"""What can still be read from a damaged journal, row by row, for `journal export --salvage`."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from coach.crypto import CHECK, Sealer, WrongPassphrase
from coach.errors import CoachError
from coach.journal import JOURNAL_FILE

GIVE_UP_AFTER = 2000
"""Row numbers in a row that cannot be read before a table is taken to have no more."""

TABLES = {
    "profile": ("key", "value"),
    "sessions": ("id", "started_at", "ended_at", "end_reason"),
    "answers": ("session_id", "exercise", "state", "key", "text", "at"),
}
SEALED_COLUMNS = {"profile": "value", "answers": "text"}


def _rows(
    db: sqlite3.Connection, table: str, columns: tuple[str, ...]
) -> tuple[list[tuple[object, ...]], int]:
    """Every row that can be read, and how many row numbers could not be."""
    listed = ", ".join(columns)
    try:
        return db.execute(f"SELECT {listed} FROM {table} ORDER BY rowid").fetchall(), 0
    except sqlite3.DatabaseError:
        pass
    rows, failed, misses, rowid = [], 0, 0, 0
    while misses < GIVE_UP_AFTER:
        rowid += 1
        try:
            row = db.execute(f"SELECT {listed} FROM {table} WHERE rowid = ?", (rowid,)).fetchone()
        except sqlite3.DatabaseError:
            failed += 1
            row = None
        if row is None:
            misses += 1
        else:
            misses = 0
            rows.append(row)
    return rows, failed


def _sealer(db: sqlite3.Connection, ask: Callable[[], str]) -> Sealer | None:
    try:
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.DatabaseError:
        meta = {}
    if "salt" not in meta:
        return None
    sealer = Sealer(ask(), bytes.fromhex(str(meta["salt"])))
    try:
        if sealer.open(str(meta["check"])) != CHECK:
            raise WrongPassphrase
    except (WrongPassphrase, KeyError):
        raise CoachError(
            "That passphrase does not open the journal. Nothing was exported.",
            "Try again; passphrases are case-sensitive.",
        ) from None
    return sealer


def salvage(folder: Path, ask_passphrase: Callable[[], str]) -> str:
    """JSON of the profile, sessions and answers that can be read, and a count of the rest."""
    path = folder / JOURNAL_FILE
    if path.is_symlink() or not path.is_file():
        raise CoachError(f"There is no journal file at {path}.", "Check COACH_HOME.")
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as error:
        raise CoachError(f"The journal {path} cannot be opened at all ({error}).", "") from error
    try:
        sealer = _sealer(db, ask_passphrase)
        found: dict[str, object] = {"salvaged_from": str(path)}
        lost = 0
        for table, columns in TABLES.items():
            rows, failed = _rows(db, table, columns)
            lost += failed
            records = []
            for row in rows:
                record = dict(zip(columns, row, strict=True))
                sealed = SEALED_COLUMNS.get(table)
                if sealer is not None and sealed is not None:
                    try:
                        record[sealed] = sealer.open(str(record[sealed]))
                    except WrongPassphrase:
                        lost += 1
                        continue
                records.append(record)
            found[table] = records
        found["rows_not_readable"] = lost
    finally:
        db.close()
    return json.dumps(found, indent=2, ensure_ascii=False, default=str) + "\n"
