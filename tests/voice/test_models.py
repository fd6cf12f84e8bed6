"""The model manager against a real HTTP server on 127.0.0.1, with archives built here."""

from __future__ import annotations

import hashlib
import io
import os
import re
import socket
import stat
import sys
import tarfile
import threading
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from coach.errors import CoachError
from coach.voice import models
from coach.voice.catalog import CatalogEntry

TOP = "vosk-model-tiny-xx-0.1"
MODEL_FILES = {
    "am/final.mdl": os.urandom(700_000),  # incompressible, so the download takes several chunks
    "conf/model.conf": b"--beam=10.0\n--max-active=3000\n",
    "conf/mfcc.conf": b"--use-energy=false\n",
    "graph/HCLr.fst": b"fst" * 100,
    "graph/Gr.fst": b"gr" * 100,
    "graph/phones/word_boundary.int": b"1 nonword\n",
    "ivector/final.ie": b"ie" * 50,
    "README": b"Tiny test model\n",
}


def zip_archive(files: dict[str, bytes], top: str = TOP) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(f"{top}/{name}" if top else name, data)
    return buffer.getvalue()


def tar_archive(
    files: dict[str, bytes], top: str = TOP, links: dict[str, str] | None = None
) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, target
            archive.addfile(info)
        for name, data in files.items():
            info = tarfile.TarInfo(f"{top}/{name}" if top else name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Route:
    body: bytes
    status: int = 200
    send_length: bool = True
    cut_at: int | None = None
    """Close the connection after this many bytes of the body."""
    trickle: str | None = None
    """"headers" or "body": send that part one byte at a time, slowly (for up to 30 s)."""


@dataclass
class Server:
    port: int
    routes: dict[str, Route] = field(default_factory=dict)
    requested: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serve(self, path: str, body: bytes, **options: object) -> str:
        self.routes[path] = Route(body, **options)  # type: ignore[arg-type]
        return self.url(path)


class Handler(BaseHTTPRequestHandler):
    state: Server

    def do_GET(self) -> None:
        self.state.requested.append(self.path)
        route = self.state.routes.get(self.path)
        if route is None:
            self.send_error(404)
            return
        if route.trickle is not None:
            self.trickle(route)
            return
        self.send_response(route.status)
        if route.send_length:
            self.send_header("Content-Length", str(len(route.body)))
        self.end_headers()
        self.wfile.write(route.body[: route.cut_at])
        self.close_connection = True

    def trickle(self, route: Route) -> None:
        """A byte every 50 ms, as a stalled mirror sends: never silent long enough to time out."""
        head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(route.body)}\r\n\r\n".encode()
        if route.trickle == "headers":
            head = b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"." * 10_000 + b"\r\n\r\n"
        fast, slow = (b"", head) if route.trickle == "headers" else (head, route.body)
        self.close_connection = True
        try:
            self.wfile.write(fast)
            self.wfile.flush()
            for index in range(min(len(slow), 600)):  # 30 s at most, then it hangs up
                self.wfile.write(slow[index : index + 1])
                self.wfile.flush()
                time.sleep(0.05)
        except OSError:  # the client hung up, as it should
            return

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[Server]:
    state = Server(port=0)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), type("Bound", (Handler,), {"state": state}))
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh COACH_HOME, no proxies (so 127.0.0.1 is reached directly), no repo models."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COACH_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(models, "REPO_MODELS", tmp_path / "repo-models")
    return tmp_path / "home"


def leftovers(home: Path) -> list[str]:
    """Everything in the models folder: after a failure it must be empty."""
    folder = home / "models"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_download_verifies_installs_lists_and_removes(home: Path, server: Server) -> None:
    archive = zip_archive(MODEL_FILES)
    url = server.serve("/tiny.zip", archive)
    seen: list[tuple[int, int | None]] = []

    path = models.download(
        "tiny", sha(archive), url=url, language="xx", on_progress=lambda *a: seen.append(a)
    )

    assert path == home / "models" / "tiny"
    assert stat.S_IMODE((home / "models").stat().st_mode) == 0o700
    for name, data in MODEL_FILES.items():
        assert (path / name).read_bytes() == data
    done = [d for d, _ in seen]
    assert len(seen) > 1 and done == sorted(done) and done[-1] == len(archive)
    assert {total for _, total in seen} == {len(archive)}
    [model] = models.list_models()
    assert (model.name, model.language, model.sha256) == ("tiny", "xx", sha(archive))
    assert model.size_bytes >= sum(map(len, MODEL_FILES.values()))
    assert models.model_path("tiny") == path
    assert leftovers(home) == ["tiny"]

    assert models.remove("tiny") == path
    assert not path.exists() and models.list_models() == [] and leftovers(home) == []
    with pytest.raises(CoachError, match="No model called 'tiny'"):
        models.remove("tiny")


def test_progress_bar_draws_on_a_terminal(
    home: Path, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    archive = zip_archive(MODEL_FILES)
    models.download("tiny", sha(archive), url=server.serve("/t.zip", archive))
    drawn = terminal.getvalue()
    assert "tiny" in drawn and re.search(r"[\d.]+/[\d.]+ [kM]B", drawn), drawn  # kB or MB


def test_url_alone_names_the_model_after_the_archive(home: Path, server: Server) -> None:
    archive = tar_archive(MODEL_FILES)
    url = server.serve(f"/{TOP}.tar.gz", archive)
    path = models.download(url, sha(archive), progress=False)
    assert path.name == "tiny-xx-0.1"
    assert (path / "am" / "final.mdl").read_bytes() == MODEL_FILES["am/final.mdl"]
    assert [m.name for m in models.list_models()] == ["tiny-xx-0.1"]


def test_catalog_entry_uses_the_published_checksum(home: Path, server: Server) -> None:
    archive = zip_archive(MODEL_FILES)
    url = server.serve("/m.zip", archive)
    server.serve("/m.zip.sha256", f"{sha(archive).upper()}  m.zip\n".encode())
    catalog = {"tiny": CatalogEntry(url=url, sha256=None, size_bytes=len(archive), language="xx")}
    models.download("tiny", catalog=catalog)
    [model] = models.list_models()
    assert (model.name, model.sha256) == ("tiny", sha(archive))


def test_wrong_published_checksum_is_refused(home: Path, server: Server) -> None:
    archive = zip_archive(MODEL_FILES)
    url = server.serve("/m.zip", archive)
    server.serve("/m.zip.sha256", ("0" * 64).encode())
    with pytest.raises(CoachError, match="not the expected file"):
        models.download("tiny", url=url)
    assert models.list_models() == [] and leftovers(home) == []


def test_no_checksum_needs_trust_and_then_prints_the_digest(
    home: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = zip_archive(MODEL_FILES)
    url = server.serve("/m.zip", archive)
    with pytest.raises(CoachError, match="publishes none") as refused:
        models.download("tiny", url=url)
    assert "--trust" in refused.value.todo and "--sha256" in refused.value.todo
    assert "/m.zip" not in server.requested, "refused before downloading the archive"
    assert models.list_models() == []

    models.download("tiny", url=url, trust=True)
    assert f"--sha256 {sha(archive)}" in capsys.readouterr().err
    assert models.list_models()[0].sha256 == sha(archive)


def test_plain_http_elsewhere_needs_a_pinned_checksum(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("must not connect")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    with pytest.raises(CoachError, match="not served over HTTPS"):
        models.download("m", url="http://mirror.invalid/m.zip", trust=True)


def test_checksum_mismatch_installs_nothing(home: Path, server: Server) -> None:
    archive = zip_archive(MODEL_FILES)
    url = server.serve("/m.zip", archive)
    with pytest.raises(CoachError, match="not the expected file") as error:
        models.download("tiny", "ab" * 32, url=url)
    assert sha(archive) in error.value.what
    assert models.list_models() == [] and leftovers(home) == []


def zip_with_link(name: str, target: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, data in MODEL_FILES.items():
            archive.writestr(f"{TOP}/{member}", data)
        link = zipfile.ZipInfo(name)
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, target)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "kind", ["zip-dotdot", "zip-absolute", "zip-symlink", "tar-dotdot", "tar-absolute", "tar-link"]
)
def test_unsafe_archives_are_refused(home: Path, server: Server, tmp_path: Path, kind: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    evil = {**MODEL_FILES, "../../evil": b"x"}  # under TOP/, so two levels up escapes
    absolute = {f"{outside}/evil": b"x", **{f"{TOP}/{k}": v for k, v in MODEL_FILES.items()}}
    archive = {
        "zip-dotdot": lambda: zip_archive(evil),
        "zip-absolute": lambda: zip_archive(absolute, top=""),
        "zip-symlink": lambda: zip_with_link(f"{TOP}/link", str(outside)),
        "tar-dotdot": lambda: tar_archive(evil),
        "tar-absolute": lambda: tar_archive(absolute, top=""),
        "tar-link": lambda: tar_archive(
            {**MODEL_FILES, "link/evil": b"x"}, links={f"{TOP}/link": str(outside)}
        ),
    }[kind]()
    url = server.serve("/bad", archive)
    reason = "is a link" if "link" in kind else "points outside the model folder"
    with pytest.raises(CoachError, match=f"unsafe: its entry .* {reason}"):
        models.download("bad", sha(archive), url=url)
    assert list(outside.iterdir()) == []
    assert not (tmp_path / "evil").exists() and not (home / "evil").exists()
    assert models.list_models() == [] and leftovers(home) == []


@pytest.mark.parametrize("send_length", [True, False])
def test_too_large_download_is_refused(home: Path, server: Server, send_length: bool) -> None:
    archive = zip_archive(MODEL_FILES)
    url = server.serve("/big.zip", archive, send_length=send_length)
    with pytest.raises(CoachError, match="larger than 100000 bytes"):
        models.download("big", sha(archive), url=url, max_bytes=100_000)
    assert models.list_models() == [] and leftovers(home) == []


def test_archive_bomb_limits(home: Path, server: Server) -> None:
    bomb = zip_archive({**MODEL_FILES, "zeros": bytes(20_000_000)})
    assert len(bomb) < 1_000_000
    url = server.serve("/bomb.zip", bomb)
    with pytest.raises(CoachError, match=r"unpacks to more than 5\.0 MB"):
        models.download("bomb", sha(bomb), url=url, max_unpacked_bytes=5_000_000)
    many = zip_archive({**MODEL_FILES, **{f"f{i}": b"" for i in range(50)}})
    url = server.serve("/many.zip", many)
    with pytest.raises(CoachError, match="more than 20 entries"):
        models.download("many", sha(many), url=url, max_files=20)
    assert models.list_models() == [] and leftovers(home) == []


def test_interrupted_download_leaves_nothing(home: Path, server: Server) -> None:
    archive = zip_archive(MODEL_FILES)
    url = server.serve("/cut.zip", archive, cut_at=len(archive) // 2)
    with pytest.raises(CoachError, match=f"stopped after {len(archive) // 2} of {len(archive)}"):
        models.download("cut", sha(archive), url=url)
    assert models.list_models() == [] and leftovers(home) == []


def test_truncated_download_without_length_is_detected(home: Path, server: Server) -> None:
    archive = zip_archive(MODEL_FILES)
    url = server.serve("/cut.zip", archive, send_length=False, cut_at=len(archive) - 100)
    with pytest.raises(CoachError, match="not a complete zip"):
        models.download("cut", url=url, trust=True)
    assert models.list_models() == [] and leftovers(home) == []


def test_ctrl_c_mid_download_leaves_nothing(home: Path, server: Server) -> None:
    archive = zip_archive(MODEL_FILES)
    url = server.serve("/m.zip", archive)

    def interrupt(done: int, total: int | None) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        models.download("tiny", sha(archive), url=url, on_progress=interrupt)
    assert models.list_models() == [] and leftovers(home) == []


@pytest.mark.parametrize("part", ["body", "headers", "checksum"])
def test_a_trickling_download_is_stopped_at_the_deadline(
    home: Path, server: Server, part: str
) -> None:
    archive = zip_archive(MODEL_FILES)
    if part == "checksum":  # the published .sha256 file trickles in, before the archive
        url = server.serve("/slow.zip", archive)
        server.serve("/slow.zip.sha256", f"{sha(archive)}  slow.zip\n".encode(), trickle="body")
        pinned = None
    else:
        url = server.serve("/slow.zip", archive, trickle=part)
        pinned = sha(archive)
    with pytest.raises(CoachError) as error:
        models.download("slow", pinned, url=url, deadline=1.5)
    assert "took longer than 1.5 s and was stopped" in error.value.what
    assert "Nothing was installed" in error.value.what
    assert "faster connection" in error.value.todo and url in error.value.todo
    assert models.list_models() == [] and leftovers(home) == []


def test_the_download_deadline_is_generous_by_default() -> None:
    import inspect

    deadline = inspect.signature(models.download).parameters["deadline"].default
    assert deadline >= 30 * 60


def archive_of(kind: str, files: dict[str, bytes]) -> bytes:
    return zip_archive(files) if kind == "zip" else tar_archive(files)


@pytest.mark.parametrize("kind", ["zip", "tar"])
def test_an_archive_larger_than_the_free_disk_space_is_refused(
    home: Path, server: Server, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    files = {**MODEL_FILES, "graph/zeros.fst": bytes(20_000_000)}
    archive = archive_of(kind, files)
    assert len(archive) < 1_000_000  # so the download itself fits
    url = server.serve(f"/m.{kind}", archive)
    real = models.shutil.disk_usage

    def nearly_full(path: str | os.PathLike[str]) -> object:  # the disk: 20 MB free
        return real(path)._replace(free=20_000_000)

    monkeypatch.setattr(models.shutil, "disk_usage", nearly_full)
    with pytest.raises(CoachError) as error:
        models.download("big", sha(archive), url=url)
    need = sum(map(len, files.values()))
    assert f"{need / 1e6:.1f} MB of disk space" in error.value.what
    assert "20.0 MB free" in error.value.what and "Nothing was installed" in error.value.what
    assert "Free some space" in error.value.todo
    assert models.list_models() == [] and leftovers(home) == []
    monkeypatch.setattr(models.shutil, "disk_usage", real)
    assert models.download("big", sha(archive), url=url) == home / "models" / "big"


def test_unreachable_server_explains_offline_use(home: Path) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    url = f"http://127.0.0.1:{port}/m.zip"
    with pytest.raises(CoachError) as error:
        models.download("tiny", "ab" * 32, url=url, timeout=5)
    assert "seems to be offline" in error.value.what
    todo = error.value.todo
    assert url in todo and str(home / "models" / "tiny") in todo and "PocketSphinx" in todo
    assert leftovers(home) == []


def test_http_error_gives_the_status(home: Path, server: Server) -> None:
    with pytest.raises(CoachError, match="answered 404"):
        models.download("tiny", "ab" * 32, url=server.url("/missing.zip"))
    assert leftovers(home) == []


def test_archive_without_a_model_is_refused(home: Path, server: Server) -> None:
    archive = zip_archive({"README": b"not a model", "graph/Gr.fst": b"x"})
    url = server.serve("/m.zip", archive)
    with pytest.raises(CoachError, match="does not hold one Vosk model"):
        models.download("tiny", sha(archive), url=url)
    assert leftovers(home) == []


def test_installed_model_is_not_overwritten(home: Path, server: Server) -> None:
    archive = zip_archive(MODEL_FILES)
    url = server.serve("/m.zip", archive)
    models.download("tiny", sha(archive), url=url)
    server.requested.clear()
    with pytest.raises(CoachError, match="already installed"):
        models.download("tiny", sha(archive), url=url)
    assert server.requested == []


def test_unknown_catalog_name_lists_known_ones(home: Path) -> None:
    with pytest.raises(CoachError, match="no model called 'nope'") as error:
        models.download("nope")
    assert "small-en-us" in error.value.todo and "--url" in error.value.todo


def test_listing_finds_models_in_both_folders(home: Path, tmp_path: Path) -> None:
    def make(folder: Path) -> None:
        for name, data in MODEL_FILES.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(data)

    make(home / "models" / "small-en-us")
    make(tmp_path / "repo-models" / "shipped")
    (home / "models" / "not-a-model" / "conf").mkdir(parents=True)
    make(home / "models" / ".partial-x")
    listed = {m.name: m for m in models.list_models()}
    assert sorted(listed) == ["shipped", "small-en-us"]
    assert listed["small-en-us"].language == "en-US" and listed["small-en-us"].removable
    assert not listed["shipped"].removable
    with pytest.raises(CoachError, match="read-only"):
        models.remove("shipped")
    assert (tmp_path / "repo-models" / "shipped").is_dir()
    with pytest.raises(CoachError) as error:
        models.model_path("missing")
    assert "shipped, small-en-us" in error.value.todo
