"""Speech models on disk: list, download (verified, size-limited, atomic) and remove.

Models live in `models_dir()` (`$COACH_HOME/models`, else the data folder's `models/`); the
repository's `models/` folder is searched too, read-only. A model is a Vosk model folder.

Checksum policy, for each download:

1. A pinned SHA-256 (given by the caller, or in the catalog) must match, or nothing is installed.
2. Without one, the server's `<url>.sha256` file is used if it publishes one. That file comes
   from the same server, so it catches a damaged or truncated download, not a tampered server;
   it is only trusted over HTTPS.
3. Without either, the download is refused unless the caller passes `trust=True` (`--trust`):
   the archive is then protected by HTTPS alone, and its SHA-256 is printed and recorded so it
   can be pinned next time.

Plain-HTTP downloads need a pinned SHA-256, except from this machine (127.0.0.1, for mirrors and
tests). Vosk's own `Model(lang=...)` downloads by itself, so this module never imports vosk.

Limits: each network wait is bounded by `timeout`, and the whole download by `deadline` (a
server that trickles bytes is cut off there); the archive must fit in the download limit, and
what it unpacks to in the unpacking limit and in the free space of the disk, less a margin.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import logging
import os
import re
import shutil
import socket
import stat
import sys
import tarfile
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import IO, Any

from coach.errors import CoachError
from coach.paths import data_dir, ensure_private_dir
from coach.voice.catalog import CATALOG, CatalogEntry

log = logging.getLogger(__name__)

REPO_MODELS = Path(__file__).resolve().parents[2] / "models"
SOURCE_FILE = "coach-source.json"
PARTIAL_PREFIX = ".partial-"
MAX_DOWNLOAD_BYTES = 4 * 1024**3
MAX_UNPACKED_BYTES = 8 * 1024**3
DISK_MARGIN = 100_000_000
"""Bytes of free disk space an unpacked model must leave, so the machine keeps working."""
DOWNLOAD_DEADLINE = 30 * 60.0
"""Longest a whole download may take, in seconds (128 MB then needs about 70 kB/s)."""
MAX_FILES = 10_000
CHUNK = 256 * 1024
STALE_AFTER = 2 * 24 * 3600
"""Seconds after which a leftover partial download (from a killed process) is removed."""
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
USER_AGENT = "coach-model-manager/0.1"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")
_SUFFIXES = (".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar")

ProgressHook = Callable[[int, int | None], None]
"""Called after each chunk with (bytes received so far, total bytes or None if unknown)."""


@dataclass(frozen=True)
class InstalledModel:
    """A model folder found on disk."""

    name: str
    path: Path
    size_bytes: int
    """Total size of its files, in bytes."""
    language: str | None
    sha256: str | None = None
    """SHA-256 of the archive it was installed from, when the coach installed it."""
    removable: bool = True
    """False for models in the repository's read-only `models/` folder."""


def models_dir() -> Path:
    """Where downloads go: `$COACH_HOME/models` or the data folder's `models/` (mode 0700)."""
    return ensure_private_dir(data_dir() / "models")


def looks_like_model(folder: Path) -> bool:
    """True if `folder` has a Vosk acoustic model (am/final.mdl) and its configuration."""
    has_am = (folder / "am" / "final.mdl").is_file() or (folder / "final.mdl").is_file()
    confs = ("conf/model.conf", "conf/mfcc.conf", "mfcc.conf")
    return has_am and any((folder / conf).is_file() for conf in confs)


def list_models() -> list[InstalledModel]:
    """Installed models, by name; one in the data folder hides one of the same name in the repo."""
    found: dict[str, InstalledModel] = {}
    for root, removable in ((data_dir() / "models", True), (REPO_MODELS, False)):
        if not root.is_dir():
            continue
        for folder in root.iterdir():
            if folder.name.startswith(".") or folder.name in found:
                continue
            if folder.is_dir() and looks_like_model(folder):
                found[folder.name] = _describe(folder, removable)
    return sorted(found.values(), key=lambda model: model.name)


def model_path(name: str) -> Path:
    """The folder of the installed model `name`, for the recogniser."""
    for model in list_models():
        if model.name == name:
            return model.path
    raise _unknown(name)


def remove(name: str) -> Path:
    """Delete the installed model `name` and return where it was."""
    model = next((m for m in list_models() if m.name == name), None)
    if model is None:
        raise _unknown(name)
    if not model.removable:
        raise CoachError(
            f"The model {name} is in the read-only folder {model.path.parent}.",
            f"Delete {model.path} yourself if you no longer need it.",
        )
    try:
        if model.path.is_symlink():
            model.path.unlink()
            return model.path
        # Move it aside first, so a half-deleted model never looks installed.
        trash = Path(tempfile.mkdtemp(prefix=f"{PARTIAL_PREFIX}remove-", dir=model.path.parent))
        os.rename(model.path, trash / name)
        shutil.rmtree(trash)
    except OSError as error:
        raise CoachError(
            f"Could not remove {model.path} ({error.strerror}).", "Check its permissions."
        ) from error
    return model.path


def download(
    name_or_url: str,
    sha256: str | None = None,
    *,
    url: str | None = None,
    trust: bool = False,
    language: str | None = None,
    progress: bool = True,
    on_progress: ProgressHook | None = None,
    timeout: float = 30,
    deadline: float = DOWNLOAD_DEADLINE,
    max_bytes: int = MAX_DOWNLOAD_BYTES,
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES,
    max_files: int = MAX_FILES,
    catalog: Mapping[str, CatalogEntry] = CATALOG,
) -> Path:
    """Download, verify and unpack a model into `models_dir()`; return its folder.

    `name_or_url` is a catalog name, or an archive URL (the name is then taken from the file
    name); `url` gives any other name a URL. `timeout` is in seconds, per network operation;
    `deadline` is in seconds too, for the whole download (checksum file and archive), however
    slowly the bytes come. The archive may be zip or tar (gzip, bzip2, xz); it may unpack to
    `max_unpacked_bytes` at most, and to no more than the disk's free space less DISK_MARGIN.
    See the module docstring for checksums.
    """
    name, url, pinned, language = _resolve(name_or_url, url, sha256, language, catalog)
    root = models_dir()
    _clean_stale(root)
    final = root / name
    if final.exists() or final.is_symlink():
        raise CoachError(
            f"A model called {name} is already installed in {final}.",
            f"To reinstall it, run `coach models remove {name}` first.",
        )
    try:
        work = Path(tempfile.mkdtemp(prefix=f"{PARTIAL_PREFIX}{name}-", dir=root))
        try:
            archive = work / "archive"
            show = progress and sys.stderr.isatty()
            with _Watchdog(deadline, _too_slow(name, url, deadline, final)) as watchdog:
                expected, checked_by = _expected_digest(url, pinned, trust, timeout, watchdog)
                digest = _fetch(
                    url, archive, max_bytes, timeout, show, on_progress, expected, name, watchdog
                )
            if expected is not None and digest != expected:
                raise CoachError(
                    f"The download of {name} is not the expected file: its SHA-256 is {digest}, "
                    f"expected {expected}. Nothing was installed.",
                    "Try again; if it happens again, the server's file has changed.",
                )
            unpacked = work / "unpacked"
            _unpack(archive, unpacked, _budget(root, max_unpacked_bytes, max_files, name))
            archive.unlink()
            folder = _model_root(unpacked, url)
            source = {"name": name, "url": url, "sha256": digest, "checksum": checked_by}
            (folder / SOURCE_FILE).write_text(json.dumps({**source, "language": language}))
            try:
                os.rename(folder, final)
            except OSError as error:
                raise CoachError(
                    f"Could not install {name} in {final} ({error.strerror}).",
                    "If another download of it just finished, it is installed already.",
                ) from error
        finally:
            shutil.rmtree(work, ignore_errors=True)
    except _Unreachable as error:
        raise _offline(name, url, str(error), final) from None
    except OSError as error:
        raise CoachError(
            f"Could not write the model into {root} ({error.strerror or error}).",
            "Free some disk space, or set COACH_HOME to a folder you can write to.",
        ) from error
    if checked_by == "unverified":
        print(
            f"{name} was installed without a checksum to compare with. Its SHA-256 is {digest}; "
            f"pin it next time with --sha256 {digest}",
            file=sys.stderr,
        )
    log.info("installed %s from %s (sha256 %s, %s)", name, url, digest, checked_by)
    return final


class _Unreachable(Exception):
    """The server could not be reached at all."""


class _Expired(Exception):
    """The download's deadline passed."""


class _Watchdog:
    """Cuts off every connection of a download when its deadline passes.

    A socket timeout only bounds each wait for bytes, and a server that sends one byte now and
    then never lets it pass. So a timer shuts the sockets down at the deadline: a read blocked
    in them returns at once, and the download ends with `error` (raised on leaving the block,
    whatever the cut-off read raised). Use `open` for each request, and `check` after reads.
    """

    def __init__(self, seconds: float, error: CoachError) -> None:
        self.error = error
        self.expired = threading.Event()
        self._lock = threading.Lock()
        self._connections: list[http.client.HTTPConnection] = []
        self._sockets: list[socket.socket] = []
        """Connected sockets: urllib drops a connection's socket once the headers are in."""
        self._timer = threading.Timer(max(0.0, seconds), self._expire)
        self._timer.daemon = True
        self._opener = urllib.request.build_opener(
            _WatchedHTTPHandler(self), _WatchedHTTPSHandler(self)
        )

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._timer.cancel()
        with self._lock:
            self._connections.clear()
            self._sockets.clear()
        if isinstance(error, Exception) and self.expired.is_set():
            raise self.error from None

    def open(self, request: urllib.request.Request, timeout: float) -> Any:
        """urlopen, with the connections it makes watched."""
        self.check()
        return self._opener.open(request, timeout=timeout)

    def check(self) -> None:
        """Raise if the deadline has passed."""
        if self.expired.is_set():
            raise _Expired

    def connection(self, http_class: Any) -> Any:
        """`http_class` (an HTTPConnection class), making connections this watchdog watches."""

        def make(*args: Any, **kwargs: Any) -> http.client.HTTPConnection:
            connection: http.client.HTTPConnection = http_class(*args, **kwargs)
            connect = connection.connect

            def watched_connect() -> None:
                try:
                    connect()
                finally:
                    self._watch(connection.sock)

            connection.connect = watched_connect  # type: ignore[method-assign]
            with self._lock:
                self._connections.append(connection)  # while it connects
            return connection

        return make

    def _watch(self, sock: socket.socket | None) -> None:
        if sock is not None:
            with self._lock:
                self._sockets.append(sock)
                if self.expired.is_set():
                    _cut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired.set()
            for connection in self._connections:
                _cut(connection.sock)
            for sock in self._sockets:
                _cut(sock)


def _cut(sock: socket.socket | None) -> None:
    """Shut a socket down, waking any read blocked in it (safe from any thread)."""
    if sock is not None:
        # The plain socket's shutdown, even under TLS: it leaves the TLS state alone.
        with suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _WatchedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, watchdog: _Watchdog) -> None:
        super().__init__()
        self.watchdog = watchdog

    def do_open(self, http_class: Any, req: Any, **http_conn_args: Any) -> Any:
        return super().do_open(self.watchdog.connection(http_class), req, **http_conn_args)


class _WatchedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, watchdog: _Watchdog) -> None:
        super().__init__()
        self.watchdog = watchdog

    def do_open(self, http_class: Any, req: Any, **http_conn_args: Any) -> Any:
        return super().do_open(self.watchdog.connection(http_class), req, **http_conn_args)


def _resolve(
    name_or_url: str,
    url: str | None,
    sha256: str | None,
    language: str | None,
    catalog: Mapping[str, CatalogEntry],
) -> tuple[str, str, str | None, str | None]:
    """(name, url, pinned sha256, language) for a download request."""
    if url is None and "://" in name_or_url:
        url = name_or_url
        name = PurePosixPath(urllib.parse.urlsplit(url).path).name
        for suffix in _SUFFIXES:
            name = name.removesuffix(suffix)
        name = name.removeprefix("vosk-model-")
    else:
        name = name_or_url
    entry = catalog.get(name)
    if url is None:
        if entry is None:
            raise CoachError(
                f"There is no model called {name!r} in the catalog.",
                f"Known models: {', '.join(sorted(catalog))}. For any other model, give its "
                "archive with --url URL --sha256 HEX.",
            )
        url = entry.url
    if not _NAME.fullmatch(name):
        raise CoachError(
            f"{name!r} cannot be a model name.",
            "Use letters, digits, dots, dashes and underscores only.",
        )
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise CoachError(f"Cannot download {url}.", "Give an http:// or https:// URL.")
    pinned = sha256 if sha256 is not None else entry.sha256 if entry else None
    if pinned is not None and not _HEX64.fullmatch(pinned):
        raise CoachError(f"{pinned!r} is not a SHA-256.", "Give the 64 hex digits.")
    lang = language or (entry.language if entry else None)
    return name, url, pinned.lower() if pinned else None, lang


def _secure(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme == "https" or parts.hostname in LOOPBACK


def _expected_digest(
    url: str, pinned: str | None, trust: bool, timeout: float, watchdog: _Watchdog
) -> tuple[str | None, str]:
    """The SHA-256 to compare the download with, and how it is known."""
    if pinned is not None:
        return pinned, "pinned"
    if not _secure(url):
        raise CoachError(
            f"No checksum is known for {url}, and it is not served over HTTPS, so nothing would "
            "show that it arrived unaltered.",
            "Give its SHA-256 with --sha256 HEX, or use an https:// URL.",
        )
    published = _published_digest(url + ".sha256", timeout, watchdog)
    if published is not None:
        return published, "published"
    if trust:
        return None, "unverified"
    raise CoachError(
        f"No checksum is known for {url}, and the server publishes none.",
        "Give its SHA-256 with --sha256 HEX from a source you trust, or, if you trust the "
        "server, run again with --trust: HTTPS then protects the download, and its SHA-256 is "
        "printed so you can pin it.",
    )


def _published_digest(url: str, timeout: float, watchdog: _Watchdog) -> str | None:
    """The digest in a `.sha256` file beside the archive (as `sha256sum` writes), if any."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with watchdog.open(request, timeout) as response:
            text = response.read(4096).decode("ascii", "replace")
            watchdog.check()
            if not _secure(response.geturl()):
                return None  # redirected to plain HTTP: worth nothing
    except urllib.error.HTTPError as error:
        error.close()
        return None
    except OSError as error:
        raise _Unreachable(str(getattr(error, "reason", error))) from error
    match = re.match(r"\s*([0-9a-fA-F]{64})\b", text)
    if match is None:
        log.warning("ignoring %s: it does not start with a SHA-256", url)
    return match.group(1).lower() if match else None


def _fetch(
    url: str,
    dest: Path,
    max_bytes: int,
    timeout: float,
    show: bool,
    on_progress: ProgressHook | None,
    expected: str | None,
    label: str,
    watchdog: _Watchdog,
) -> str:
    """Stream `url` into `dest` within `max_bytes`; return the SHA-256 of what arrived."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        response = watchdog.open(request, timeout)
    except urllib.error.HTTPError as error:
        error.close()
        raise CoachError(
            f"The server answered {error.code} {error.reason} for {url}.",
            "Check the model name or URL, or try again later.",
        ) from error
    except OSError as error:
        raise _Unreachable(str(getattr(error, "reason", error))) from error
    with response:
        if expected is None and not _secure(response.geturl()):
            raise CoachError(
                f"{url} redirects to plain HTTP, and no checksum is known for it.",
                "Give its SHA-256 with --sha256 HEX.",
            )
        length = response.headers.get("Content-Length", "")
        total = int(length) if length.isdigit() else None
        if total is not None and total > max_bytes:
            raise _too_large(url, max_bytes)
        free = shutil.disk_usage(dest.parent).free
        if total is not None and free < 3 * total:
            raise CoachError(
                f"{label} needs about {_size(3 * total)} of free disk space to download and "
                f"unpack, and {dest.parent} has {_size(free)}.",
                "Free some space, or set COACH_HOME to a folder on a larger disk.",
            )
        digest = hashlib.sha256()
        done = 0
        with dest.open("wb") as out, _progress_bar(show, total, label) as advance:
            while True:
                try:  # read1: what has come, not a whole CHUNK (which a trickle takes ages to fill)
                    chunk = response.read1(CHUNK)
                except (OSError, http.client.HTTPException) as error:
                    watchdog.check()
                    raise _interrupted(url, done, total, str(error)) from error
                watchdog.check()
                if not chunk:
                    break
                done += len(chunk)
                if done > max_bytes:
                    raise _too_large(url, max_bytes)
                digest.update(chunk)
                out.write(chunk)
                advance(len(chunk))
                if on_progress is not None:
                    on_progress(done, total)
        if total is not None and done != total:
            raise _interrupted(url, done, total, "the connection closed early")
    return digest.hexdigest()


@contextmanager
def _progress_bar(show: bool, total: int | None, label: str) -> Iterator[Callable[[int], None]]:
    """A rich download bar on stderr; yields a function taking the bytes just received."""
    if not show:
        yield lambda _n: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    columns = (BarColumn(), DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn())
    with Progress(TextColumn("{task.description}"), *columns, console=Console(stderr=True)) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


@dataclass
class _Budget:
    """Limits against archive bombs and full disks, on the sizes declared and those written."""

    max_bytes: int
    max_files: int
    label: str = "the model"
    disk: Path | None = None
    """The folder whose disk sets `max_bytes` (its free space less DISK_MARGIN), if it does."""
    free: int = 0
    """The free space on that disk, in bytes."""
    written: int = 0
    files: int = 0

    def refuse(self, need: int | None = None) -> CoachError:
        """The error for an archive that unpacks to `need` bytes (None: more than the limit)."""
        if self.disk is not None:
            needs = _size(need) if need is not None else f"more than {_size(self.max_bytes)}"
            return CoachError(
                f"Unpacking {self.label} needs {needs} of disk space, and {self.disk} has "
                f"{_size(self.free)} free, of which {_size(DISK_MARGIN)} must stay free. "
                "Nothing was installed.",
                "Free some space, or set COACH_HOME to a folder on a larger disk.",
            )
        return CoachError(
            f"The archive unpacks to more than {_size(self.max_bytes)}, the limit.",
            "Nothing was installed. Check that the URL points to a Vosk model.",
        )

    def fits(self, size: int) -> bool:
        """Whether `size` more bytes (as an archive declares them) are within the limit."""
        return self.written + size <= self.max_bytes

    def count(self) -> None:
        self.files += 1
        if self.files > self.max_files:
            raise CoachError(
                f"The archive has more than {self.max_files} entries; a model has far fewer.",
                "Nothing was installed. Check that the URL points to a Vosk model.",
            )

    def add(self, n: int) -> None:
        self.written += n
        if self.written > self.max_bytes:  # more than the archive declared
            raise self.refuse()


def _budget(folder: Path, max_bytes: int, max_files: int, label: str) -> _Budget:
    """What may be unpacked into `folder`: `max_bytes`, or less if its disk has less room."""
    free = shutil.disk_usage(folder).free
    room = max(0, free - DISK_MARGIN)
    if room < max_bytes:
        return _Budget(room, max_files, label, disk=folder, free=free)
    return _Budget(max_bytes, max_files, label)


def _unpack(archive: Path, dest: Path, budget: _Budget) -> None:
    """Unpack plain files and folders only; refuse links, special files and escaping paths.

    An archive that declares more than `budget` allows is refused before anything is written.
    """
    dest.mkdir()
    try:
        if zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as zipped:
                declared = sum(info.file_size for info in zipped.infolist() if not info.is_dir())
                if not budget.fits(declared):
                    raise budget.refuse(declared)
                for info in zipped.infolist():
                    budget.count()
                    if stat.S_ISLNK(info.external_attr >> 16):
                        raise _unsafe(info.filename, "is a link")
                    target = _member_path(dest, info.filename)
                    if info.is_dir():
                        target.mkdir(parents=True, exist_ok=True)
                    else:
                        with zipped.open(info) as source:
                            _copy(source, target, budget)
        elif tarfile.is_tarfile(archive):
            with tarfile.open(archive, "r:*") as tarred:
                for member in tarred:
                    budget.count()
                    if member.issym() or member.islnk():
                        raise _unsafe(member.name, f"is a link to {member.linkname}")
                    target = _member_path(dest, member.name)
                    if member.isdir():
                        target.mkdir(parents=True, exist_ok=True)
                        continue
                    extracted = tarred.extractfile(member) if member.isfile() else None
                    if extracted is None:
                        raise _unsafe(member.name, "is a device or other special file")
                    if not budget.fits(member.size):  # the whole archive's size, to say
                        raise budget.refuse(sum(m.size for m in tarred if m.isfile()))
                    with extracted:
                        _copy(extracted, target, budget)
        else:
            raise CoachError(
                "The download is not a complete zip or tar archive. Nothing was installed.",
                "Run it again in case it was cut short; if that fails, check that the URL "
                "points to a model archive.",
            )
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, zlib.error) as error:
        raise CoachError(
            f"The model archive is damaged ({error}). Nothing was installed.",
            "Download it again.",
        ) from error


def _member_path(dest: Path, name: str) -> Path:
    """Where an archive member goes, refusing absolute paths and `..`."""
    posix = name.replace("\\", "/")
    parts = [part for part in PurePosixPath(posix).parts if part != "."]
    if posix.startswith("/") or re.match(r"[A-Za-z]:", posix) or ".." in parts:
        raise _unsafe(name, "points outside the model folder")
    target = dest.joinpath(*parts)
    if not target.resolve().is_relative_to(dest.resolve()):
        raise _unsafe(name, "points outside the model folder")
    return target


def _copy(source: IO[bytes], target: Path, budget: _Budget) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        while chunk := source.read(CHUNK):
            budget.add(len(chunk))
            out.write(chunk)


def _model_root(unpacked: Path, url: str) -> Path:
    """The model folder inside what was unpacked: itself or its single model subfolder."""
    if looks_like_model(unpacked):
        return unpacked
    inside = [p for p in unpacked.iterdir() if p.is_dir() and looks_like_model(p)]
    if len(inside) == 1:
        return inside[0]
    raise CoachError(
        f"The archive from {url} does not hold one Vosk model (a folder with am/final.mdl and "
        "conf/model.conf). Nothing was installed.",
        "Check that the URL points to a model from https://alphacephei.com/vosk/models.",
    )


def _describe(folder: Path, removable: bool) -> InstalledModel:
    size = 0
    for parent, _dirs, files in os.walk(folder):
        size += sum(os.lstat(os.path.join(parent, file)).st_size for file in files)
    source: dict[str, object] = {}
    try:
        loaded = json.loads((folder / SOURCE_FILE).read_text())
        source = loaded if isinstance(loaded, dict) else {}
    except (OSError, ValueError):
        pass
    entry = CATALOG.get(folder.name)
    language = source.get("language") or (entry.language if entry else None)
    sha256 = source.get("sha256")
    return InstalledModel(
        name=folder.name,
        path=folder,
        size_bytes=size,
        language=language if isinstance(language, str) else None,
        sha256=sha256 if isinstance(sha256, str) else None,
        removable=removable,
    )


def _clean_stale(root: Path) -> None:
    """Remove partial downloads left by a process that was killed outright."""
    for partial in root.glob(f"{PARTIAL_PREFIX}*"):
        try:
            if time.time() - partial.stat().st_mtime > STALE_AFTER:
                shutil.rmtree(partial, ignore_errors=True)
        except OSError:
            continue


def _unknown(name: str) -> CoachError:
    installed = [model.name for model in list_models()]
    return CoachError(
        f"No model called {name!r} is installed.",
        f"Installed: {', '.join(installed)}."
        if installed
        else "None is installed yet; download one with `coach models download small-en-us`.",
    )


def _offline(name: str, url: str, reason: str, final: Path) -> CoachError:
    host = urllib.parse.urlsplit(url).hostname or url
    return CoachError(
        f"Could not reach {host} to download {name} ({reason}). This machine seems to be offline.",
        f"On a computer with internet, download {url}, unpack it, and move the folder that "
        f"holds am/ and conf/ to {final}; or run this again once online. Meanwhile PocketSphinx, "
        "the default engine, works without any download.",
    )


def _too_slow(name: str, url: str, deadline: float, final: Path) -> CoachError:
    took = f"{deadline:g} s" if deadline < 120 else f"{deadline / 60:g} minutes"
    return CoachError(
        f"The download of {name} took longer than {took} and was stopped. Nothing was installed.",
        f"Try again on a faster connection, or download {url} on another computer, unpack it, "
        f"and move the folder that holds am/ and conf/ to {final}.",
    )


def _too_large(url: str, max_bytes: int) -> CoachError:
    return CoachError(
        f"{url} is larger than {_size(max_bytes)}, the download limit. Nothing was installed.",
        "Check the URL; a speech model archive is usually 40 MB to 2 GB.",
    )


def _interrupted(url: str, done: int, total: int | None, why: str) -> CoachError:
    of = f" of {total}" if total is not None else ""
    return CoachError(
        f"The download of {url} stopped after {done}{of} bytes ({why}). Nothing was installed.",
        "Check the connection and run the same command again.",
    )


def _unsafe(member: str, why: str) -> CoachError:
    return CoachError(
        f"The model archive is unsafe: its entry {member!r} {why}. Nothing was installed.",
        "Do not unpack it by hand; get the model from https://alphacephei.com/vosk/models.",
    )


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1_000_000 else f"{n} bytes"
