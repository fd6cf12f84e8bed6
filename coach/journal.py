"""The journal: a private SQLite file of sessions, answers and where each exercise stopped.

Every write is committed at once and copied into `journal.db` itself (not left in the
write-ahead log), so a crash, Ctrl-C or a backup of that one file loses nothing already said.
The file is created only when the first thing is kept, readable by its owner only, and one
coach at a time writes to it (`journal_lock`).
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import sys
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from coach.crypto import CHECK, Sealer, WrongPassphrase
from coach.errors import CoachError
from coach.journal_lock import JournalLock
from coach.journal_seal import build_sealed, replace_with_sealed
from coach.paths import PRIVATE_FILE, data_dir, ensure_private_dir, exposure

log = logging.getLogger(__name__)

JOURNAL_FILE = "journal.db"
SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS profile (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    end_reason TEXT,
    closeness_before INTEGER,
    closeness_after INTEGER
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    exercise TEXT NOT NULL,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'finished', 'abandoned')),
    started_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE,
    exercise TEXT NOT NULL,
    state TEXT NOT NULL,
    key TEXT NOT NULL,
    text TEXT NOT NULL,
    value TEXT,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL
);
"""


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class OpenRun:
    """An exercise left part-way."""

    run_id: int
    exercise: str
    state: str
    answers: dict[str, str]


@dataclass(frozen=True, slots=True)
class Answer:
    session_id: int
    exercise: str
    state: str
    key: str
    text: str
    at: str


def _opens(sealer: Sealer, check: str) -> bool:
    try:
        return sealer.open(check) == CHECK
    except WrongPassphrase:
        return False


def _disk_is_full(folder: Path) -> bool:
    """Whether the disk holding `folder` has no room left (SQLite may say "disk I/O error")."""
    try:
        return shutil.disk_usage(folder).free < 64 * 1024
    except OSError:
        return False


class Journal:
    """The person's journal in `folder`. Reads work before the file exists; writes create it."""

    def __init__(self, folder: Path, clock: Callable[[], str] = utc_now) -> None:
        self.sealer: Sealer | None = None
        """Set by `unlock` when the journal is protected by a passphrase."""
        self.folder = folder
        self.path = folder / JOURNAL_FILE
        self.clock = clock
        self._db: sqlite3.Connection | None = None
        self._read_only = False
        self._inode: int | None = None
        self._log = folder / f"{JOURNAL_FILE}-wal"
        self._lock = JournalLock(folder)

    # -- opening -----------------------------------------------------------------------------

    @property
    def exists(self) -> bool:
        return self.path.exists()

    def hold(self, purpose: str) -> None:
        """Be the only coach using this journal until `close`; CoachError if another one is.

        Also proves the data folder can be written to, before the person is asked anything."""
        ensure_private_dir(self.folder)
        if not self.folder.is_dir():
            raise CoachError(
                f"The data folder {self.folder} is not a folder.",
                "Set COACH_HOME to a folder (or remove that file).",
            )
        self._refuse_link()
        self._lock.acquire(purpose)

    def _refuse_link(self) -> None:
        if self.path.is_symlink():
            raise CoachError(
                f"The journal {self.path} is a symbolic link. The coach does not follow it, so "
                "that your answers stay in the private data folder.",
                f"Put the journal file itself in {self.folder} instead of the link.",
            )

    def _connect(self, create: bool) -> sqlite3.Connection | None:
        if self._db is not None and not (create and self._read_only):
            return self._db
        self.close_database()
        self._refuse_link()
        if not create:
            return self._connect_read_only() if self.path.exists() else None
        ensure_private_dir(self.folder)
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_WRONLY | os.O_NOFOLLOW, PRIVATE_FILE)
            os.close(fd)
        except OSError as error:
            raise CoachError(
                f"Cannot write the journal {self.path} ({error.strerror}).",
                "Check that you can write to that folder, or set COACH_HOME elsewhere.",
            ) from error
        try:
            db = sqlite3.connect(self.path, timeout=2.0, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA secure_delete=ON")
            db.executescript(SCHEMA)
            db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        except sqlite3.Error as error:
            raise self._explain(error) from error
        self._db = db
        self._inode = self.path.stat().st_ino
        return db

    def _connect_read_only(self) -> sqlite3.Connection:
        """Reading writes nothing: it needs no room on the disk and no right to write."""
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        # At rest every answer is in the file itself (each write is checkpointed), so it is
        # read as it stands; while a coach writes, or where the -shm file SQLite wants for
        # the write-ahead log cannot be made (a full disk), the log is read too if it can be.
        ways = [uri, f"{uri}&immutable=1"] if self._log.exists() else [f"{uri}&immutable=1"]
        for way in ways:
            try:
                db = sqlite3.connect(way, uri=True, timeout=2.0, isolation_level=None)
                db.execute("SELECT count(*) FROM sqlite_master").fetchone()
                break
            except sqlite3.Error as error:
                failure = error
        else:
            raise self._explain(failure) from failure
        self._db = db
        self._read_only = True
        return db

    def _explain(self, error: sqlite3.Error) -> CoachError:
        message = str(error).lower()
        if "locked" in message or "busy" in message:
            return CoachError(
                f"The journal {self.path} is in use by another coach.",
                "Close the other session (or wait for it to end) and try again.",
            )
        if "full" in message or ("i/o" in message and _disk_is_full(self.folder)):
            return CoachError(
                f"The disk holding the journal {self.path} is full: nothing more can be saved.",
                "Free some space on it (or set COACH_HOME to a folder on another disk).",
            )
        if "not a database" in message or "malformed" in message:
            return CoachError(
                f"The journal {self.path} is damaged or is not a coach journal.",
                "Save what can still be read with: coach journal export --salvage --out "
                "rescue.json; then move the journal aside and the coach makes a new one.",
            )
        return CoachError(
            f"Cannot use the journal {self.path} ({error}).",
            "Check that you can read and write that folder, or set COACH_HOME elsewhere.",
        )

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        db = self._connect(create=True)
        assert db is not None
        try:
            self._check_not_replaced()
            with db:
                db.execute("BEGIN IMMEDIATE")
                self._check_seal(db)
                yield db
            db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error as error:
            raise self._explain(error) from error

    def _check_not_replaced(self) -> None:
        try:
            replaced = self.path.stat().st_ino != self._inode
        except OSError:
            replaced = True
        if replaced:
            raise self._protected_meanwhile()

    def _check_seal(self, db: sqlite3.Connection) -> None:
        """Never write in plain text into a journal protected after it was opened here."""
        sealed = db.execute("SELECT 1 FROM meta WHERE key = 'salt'").fetchone() is not None
        if sealed and self.sealer is None:
            raise self._protected_meanwhile()

    def _protected_meanwhile(self) -> CoachError:
        return CoachError(
            f"The journal in {self.folder} was protected by a passphrase (or replaced) "
            "after this coach opened it, so this was not saved.",
            "Start the coach again (with the passphrase, if it asks for one).",
        )

    def _read(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        try:
            db = self._connect(create=False)
            return [] if db is None else db.execute(sql, params).fetchall()
        except sqlite3.Error as error:
            raise self._explain(error) from error

    def close_database(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
            self._read_only = False

    def close(self) -> None:
        """Close the file and let another coach use the journal."""
        self.close_database()
        self._lock.release()

    # -- profile -----------------------------------------------------------------------------

    def profile(self) -> dict[str, str]:
        return {str(k): self._open(v) for k, v in self._read("SELECT key, value FROM profile")}

    def set_profile(self, key: str, value: str) -> None:
        with self._write() as db:
            db.execute("INSERT OR REPLACE INTO profile VALUES (?, ?)", (key, self._seal(value)))

    # -- passphrase protection ---------------------------------------------------------------

    @property
    def protected(self) -> bool:
        return bool(self._read("SELECT 1 FROM meta WHERE key = 'salt'"))

    def unlock(self, passphrase: str) -> None:
        """Open a protected journal; raise CoachError, changing nothing, if the phrase is wrong."""
        rows = dict(
            (str(k), str(v))
            for k, v in self._read("SELECT key, value FROM meta WHERE key IN ('salt', 'check')")
        )
        salt = bytes.fromhex(rows["salt"])
        sealers = [Sealer(passphrase, salt)]
        if unicodedata.normalize("NFC", passphrase) != passphrase:
            sealers.append(Sealer(passphrase, salt, as_typed=True))
        sealer = next((s for s in sealers if _opens(s, rows["check"])), None)
        if sealer is None:
            raise CoachError(
                f"That passphrase does not open the journal in {self.folder}. Nothing was changed.",
                "Try again; passphrases are case-sensitive. Without it the journal cannot be "
                "read (coach journal forget --all --yes starts afresh).",
            )
        self.sealer = sealer

    def protect(self, passphrase: str) -> None:
        """Seal everything the person said, and their profile, under a new passphrase.

        Call `hold` first: no other coach may have the journal open meanwhile."""
        if self.protected:
            raise CoachError("The journal is already protected by a passphrase.", "Nothing to do.")
        sealer = Sealer(passphrase, Sealer.new_salt())
        db = self._connect(create=True)
        assert db is not None
        sealing = self.path.with_name(self.path.name + ".sealing")
        try:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            build_sealed(db, SCHEMA, sealing, sealer)
        except sqlite3.Error as error:
            sealing.unlink(missing_ok=True)
            raise self._explain(error) from error
        self.close_database()
        replace_with_sealed(self.path, sealing)
        self.sealer = sealer

    def _seal(self, text: str) -> str:
        return self.sealer.seal(text) if self.sealer else text

    def _open(self, stored: object) -> str:
        text = str(stored)
        if self.sealer is None:
            return text
        try:
            return self.sealer.open(text)
        except WrongPassphrase:
            raise CoachError(
                f"Part of the journal in {self.folder} cannot be opened.",
                "It may be damaged; export what can be read and start afresh.",
            ) from None

    # -- sessions, runs and answers ----------------------------------------------------------

    def start_session(self) -> int:
        with self._write() as db:
            cursor = db.execute("INSERT INTO sessions (started_at) VALUES (?)", (self.clock(),))
            return int(cursor.lastrowid or 0)

    def end_session(self, session_id: int, reason: str) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE sessions SET ended_at = ?, end_reason = ? WHERE id = ?",
                (self.clock(), reason, session_id),
            )

    def check_in(self, session_id: int, moment: str, value: int) -> None:
        column = {"before": "closeness_before", "after": "closeness_after"}[moment]
        with self._write() as db:
            db.execute(f"UPDATE sessions SET {column} = ? WHERE id = ?", (value, session_id))

    def start_run(self, session_id: int, exercise: str, state: str) -> int:
        now = self.clock()
        with self._write() as db:
            db.execute(
                "UPDATE runs SET status = 'abandoned' WHERE exercise = ? AND status = 'open'",
                (exercise,),
            )
            cursor = db.execute(
                "INSERT INTO runs (exercise, session_id, state, status, started_at, updated_at)"
                " VALUES (?, ?, ?, 'open', ?, ?)",
                (exercise, session_id, state, now, now),
            )
            return int(cursor.lastrowid or 0)

    def open_run(self, exercise: str) -> int | None:
        rows = self._read(
            "SELECT id FROM runs WHERE exercise = ? AND status = 'open' ORDER BY id DESC LIMIT 1",
            (exercise,),
        )
        return int(str(rows[0][0])) if rows else None

    def move_run(self, run_id: int, state: str) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE runs SET state = ?, updated_at = ? WHERE id = ?",
                (state, self.clock(), run_id),
            )

    def set_run_status(self, run_id: int, status: str) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE runs SET status = ?, updated_at = ? WHERE id = ?",
                (status, self.clock(), run_id),
            )

    def save_answer(
        self,
        session_id: int,
        run_id: int | None,
        exercise: str,
        state: str,
        key: str,
        text: str,
        value: str | None,
    ) -> None:
        with self._write() as db:
            if run_id is not None:
                db.execute("DELETE FROM answers WHERE run_id = ? AND key = ?", (run_id, key))
            db.execute(
                "INSERT INTO answers (session_id, run_id, exercise, state, key, text, value, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    run_id,
                    exercise,
                    state,
                    key,
                    self._seal(text),
                    None if value is None else self._seal(value),
                    self.clock(),
                ),
            )

    def unsave_last(self, session_id: int) -> None:
        with self._write() as db:
            db.execute(
                "DELETE FROM answers WHERE id = (SELECT MAX(id) FROM answers WHERE session_id = ?)",
                (session_id,),
            )

    def last_open_run(self) -> OpenRun | None:
        rows = self._read(
            "SELECT id, exercise, state FROM runs WHERE status = 'open' "
            "ORDER BY updated_at DESC, id DESC LIMIT 1"
        )
        if not rows:
            return None
        run_id, exercise, state = (str(v) for v in rows[0])
        answers = {
            str(k): self._open(t)
            for k, t in self._read(
                "SELECT key, text FROM answers WHERE run_id = ? ORDER BY id", (int(run_id),)
            )
        }
        return OpenRun(int(run_id), exercise, state, answers)

    def finished_exercises(self) -> list[str]:
        return [
            str(r[0])
            for r in self._read(
                "SELECT exercise FROM runs WHERE status = 'finished' ORDER BY updated_at, id"
            )
        ]

    def record_event(self, session_id: int | None, kind: str, detail: str = "") -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO events (session_id, kind, detail, at) VALUES (?, ?, ?, ?)",
                (session_id, kind, detail, self.clock()),
            )

    def events(self, kind: str) -> list[tuple[str, str]]:
        return [
            (str(d), str(a))
            for d, a in self._read(
                "SELECT detail, at FROM events WHERE kind = ? ORDER BY id", (kind,)
            )
        ]

    # -- reading it all back -----------------------------------------------------------------

    def sessions(self) -> list[dict[str, object]]:
        rows = self._read(
            "SELECT id, started_at, ended_at, end_reason, closeness_before, "
            "closeness_after FROM sessions ORDER BY id"
        )
        keys = ("id", "started_at", "ended_at", "end_reason", "closeness_before", "closeness_after")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def answers(self, session_id: int | None = None) -> list[Answer]:
        where, params = ("WHERE session_id = ?", (session_id,)) if session_id else ("", ())
        return [
            Answer(int(str(s)), str(e), str(st), str(k), self._open(t), str(a))
            for s, e, st, k, t, a in self._read(
                f"SELECT session_id, exercise, state, key, text, at FROM answers "
                f"{where} ORDER BY id",
                params,
            )
        ]

    # -- forgetting --------------------------------------------------------------------------

    def forget_session(self, session_id: int) -> bool:
        """Delete one session with its answers and the runs it started. False if unknown."""
        if not self._read("SELECT 1 FROM sessions WHERE id = ?", (session_id,)):
            return False
        with self._write() as db:
            db.execute("DELETE FROM answers WHERE session_id = ?", (session_id,))
            db.execute("DELETE FROM runs WHERE session_id = ?", (session_id,))
            db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
        self._compact()
        return True

    def _compact(self) -> None:
        db = self._connect(create=False)
        if db is not None:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.execute("VACUUM")

    def forget_everything(self) -> list[Path]:
        """Delete the journal and its side files; return what was removed."""
        self.close_database()
        removed = []
        for suffix in ("", "-wal", "-shm", "-journal", ".sealing"):
            path = self.path.with_name(self.path.name + suffix)
            if path.exists() or path.is_symlink():
                path.unlink()
                removed.append(path)
        self._lock.remove()
        return removed


def open_journal(folder: Path | None = None, holding: str | None = None) -> Journal:
    """The journal in the data folder, with a warning if its files are not private.

    `holding` ("a session") makes this the only coach using it until it is closed."""
    journal = Journal(folder or data_dir())
    for warning in exposure(journal.folder):
        log.warning(warning)
    if holding is not None:
        journal.hold(holding)
    try:
        if journal.exists and journal.protected:
            journal.unlock(ask_passphrase(f"Passphrase for the journal in {journal.folder}: "))
    except BaseException:
        journal.close()
        raise
    return journal


def ask_passphrase(prompt: str, why: str = "The journal is protected by a passphrase") -> str:
    """From COACH_PASSPHRASE, else typed at the terminal (never echoed, never stored)."""
    given = os.environ.get("COACH_PASSPHRASE")
    if given is not None:
        if not given.strip():
            raise CoachError(
                "COACH_PASSPHRASE is set, but holds no passphrase (it is empty or blank).",
                "Set it to the passphrase, or unset it to be asked at the terminal.",
            )
        return given
    if not sys.stdin.isatty():
        raise CoachError(
            f"{why}, and there is no terminal to type it in.",
            "Run the coach in a terminal, or set COACH_PASSPHRASE for this command.",
        )
    import getpass

    return getpass.getpass(prompt)
