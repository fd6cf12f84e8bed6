"""One coach at a time per journal: a lock file beside it that says who holds it.

Two sessions on one journal would resume the same exercise and overwrite each other's
answers, and `journal protect` under an open session would leave that session writing in
plain text. The lock is `flock` on `journal.lock`: the kernel lets it go when the process
ends, however it ends, so a crash never leaves the journal locked.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from datetime import datetime
from pathlib import Path

from coach.errors import CoachError
from coach.paths import PRIVATE_FILE

LOCK_FILE = "journal.lock"
LONGEST_HOLDER = 200


def _open(folder: Path) -> int:
    path = folder / LOCK_FILE
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, PRIVATE_FILE)
    except OSError as error:
        raise CoachError(
            f"Cannot use the data folder {folder} ({error.strerror}).",
            "Set COACH_HOME to a folder you can write to, or fix that folder's permissions.",
        ) from error


def _read_holder(fd: int) -> str:
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, LONGEST_HOLDER).decode("utf-8", "replace").strip()
    return text or "another process"


class JournalLock:
    """Held from `acquire` until `release` (or the end of the process)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._fd: int | None = None

    def acquire(self, purpose: str) -> None:
        """Hold the lock for `purpose` ("a session"); CoachError if another coach holds it."""
        if self._fd is not None:
            return
        fd = _open(self.folder)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise CoachError(
                f"Another coach is using the journal in {self.folder} ({holder}).",
                "Finish that one first (say goodbye there, or press Ctrl-D; stop a speaker "
                "with: systemctl --user stop coach-speaker), then try again.",
            ) from None
        since = datetime.now().strftime("%Y-%m-%d %H:%M")
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{purpose}, process {os.getpid()}, since {since}\n".encode(), 0)
        except OSError:  # a full disk: the lock holds all the same, only unnamed
            pass
        self._fd = fd

    def release(self) -> None:
        """Let go, leaving the file empty: when nobody holds it, it says nothing of anyone."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)
            self._fd = None

    def remove(self) -> None:
        """Delete the lock file (when the journal itself is deleted), then let go."""
        (self.folder / LOCK_FILE).unlink(missing_ok=True)
        self.release()

    @property
    def held(self) -> bool:
        return self._fd is not None


def holder(folder: Path) -> str | None:
    """Who holds the journal's lock now, or None if nobody does (for `coach doctor`)."""
    path = folder / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return _read_holder(fd)
    finally:
        os.close(fd)
    return None
