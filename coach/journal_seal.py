"""Protecting a journal: a sealed copy is built in a new file and renamed over the old one.

Sealing the rows in place would leave the plain text in the old pages of `journal.db` (and
in its write-ahead log) until the next checkpoint; a crash in between would keep it there.
Here the plain text is never written anew: the sealed file is complete before it replaces
the old one, a crash leaves one or the other whole, and the old file is overwritten.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from coach.crypto import CHECK, Sealer
from coach.errors import CoachError
from coach.paths import PRIVATE_FILE

TABLES_AS_THEY_ARE = ("sessions", "runs", "events")


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _overwrite(fd: int) -> None:
    size = os.fstat(fd).st_size
    zeros = bytes(1 << 16)
    written = 0
    while written < size:
        written += os.pwrite(fd, zeros[: size - written], written)
    os.fsync(fd)


def build_sealed(db: sqlite3.Connection, schema: str, target: Path, sealer: Sealer) -> None:
    """Write a sealed copy of the journal open in `db` to the new file `target`."""
    target.unlink(missing_ok=True)
    os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, PRIVATE_FILE))
    db.create_function("seal", 1, lambda v: None if v is None else sealer.seal(str(v)))
    db.execute("ATTACH DATABASE ? AS sealed", (str(target),))
    try:
        db.execute("PRAGMA sealed.synchronous=FULL")
        for statement in filter(str.strip, schema.split(";")):
            db.execute(statement.replace("EXISTS ", "EXISTS sealed.", 1))
        with db:
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO sealed.meta SELECT key, value FROM main.meta")
            db.execute(
                "INSERT INTO sealed.meta VALUES ('salt', ?), ('check', ?)",
                (sealer.salt.hex(), sealer.seal(CHECK)),
            )
            db.execute("INSERT INTO sealed.profile SELECT key, seal(value) FROM main.profile")
            for table in TABLES_AS_THEY_ARE:
                db.execute(f"INSERT INTO sealed.{table} SELECT * FROM main.{table}")
            db.execute(
                "INSERT INTO sealed.answers SELECT id, session_id, run_id, exercise, state, key,"
                " seal(text), seal(value), at FROM main.answers"
            )
    finally:
        db.execute("DETACH DATABASE sealed")


def replace_with_sealed(journal: Path, sealed: Path) -> None:
    """Rename the sealed copy over the journal (closed by now) and overwrite the old file."""
    wal = journal.with_name(journal.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        sealed.unlink(missing_ok=True)
        raise CoachError(
            f"Another coach is still reading the journal in {journal.parent} "
            "(coach journal show or export?). Nothing was changed.",
            "Let it finish, then try again.",
        )
    _sync(sealed)
    old = os.open(journal, os.O_RDWR | os.O_NOFOLLOW)
    try:
        os.replace(sealed, journal)
        _sync(journal.parent)
        _overwrite(old)
    finally:
        os.close(old)
    for suffix in ("-wal", "-shm"):
        journal.with_name(journal.name + suffix).unlink(missing_ok=True)
