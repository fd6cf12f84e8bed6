"""What the coach says leaves no trace: no temporary files, no words in the logs.

Sentences can be a recap of the person's own answers. Rendering them must leave nothing in
the temp folder, whether it succeeds, fails, or the process is killed mid-sentence, and no
log record may hold them. Real espeak-ng and pyttsx3 throughout; no sound device is needed.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from coach.voice.audio import Loudspeaker
from coach.voice.tts import EspeakNgVoice, Pyttsx3Voice, Speech, TtsUnavailable, Voice

REPO = Path(__file__).resolve().parents[2]
RECAP = "You said Sam forgot your anniversary, and that you felt invisible."

if shutil.which("espeak-ng") is None:
    pytest.skip("espeak-ng is not installed", allow_module_level=True)

VOICES = {
    "espeak-ng": "EspeakNgVoice()",
    "system": "Pyttsx3Voice()",  # on Linux: the espeak-ng program
    "pyttsx3": "Pyttsx3Voice(engine='pyttsx3')",
}
"""Each way to build a Voice, as code a child process runs."""
MAKERS: dict[str, Callable[[], Voice]] = {
    "espeak-ng": EspeakNgVoice,
    "system": Pyttsx3Voice,
    "pyttsx3": functools.partial(Pyttsx3Voice, engine="pyttsx3"),
}


@pytest.fixture
def temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty temp folder that this process and its children use."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def contents(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize("make", list(MAKERS.values()), ids=list(MAKERS))
def test_rendering_leaves_nothing_in_the_temp_folder(temp: Path, make: Callable[[], Voice]) -> None:
    voice = make()
    assert voice.render(RECAP, 0).seconds > 1.0
    assert voice.render(RECAP, 2).seconds > 1.0
    assert contents(temp) == []


@pytest.mark.parametrize(
    "voice",
    [EspeakNgVoice("xyzzy"), EspeakNgVoice(timeout=0.0), Pyttsx3Voice("xyzzy", engine="pyttsx3")],
    ids=["unknown voice", "timeout", "pyttsx3 unknown voice"],
)
def test_a_failed_render_leaves_nothing_in_the_temp_folder(temp: Path, voice: Voice) -> None:
    with pytest.raises(TtsUnavailable):
        voice.render(RECAP * 20, 0)
    assert contents(temp) == []


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def _gone(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def _render_in_child(make: str, text: str, temp: Path) -> subprocess.Popen[str]:
    script = (
        "import sys\n"
        "from coach.voice.tts import EspeakNgVoice, Pyttsx3Voice\n"
        f"voice = {VOICES[make]}\n"
        "text = sys.stdin.readline()\n"
        "print('rendering', flush=True)\n"
        "voice.render(text, 0)\n"
        "print('done', flush=True)\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, "TMPDIR": str(temp)},
    )
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write(text + "\n")
    child.stdin.close()
    assert child.stdout.readline() == "rendering\n"
    return child


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_process_killed_mid_sentence_leaves_nothing(temp: Path) -> None:
    # The system voice on Linux runs the espeak-ng program: kill the coach while it renders
    # (as a closed terminal or an out-of-memory kill would), then the program itself.
    child = _render_in_child("system", RECAP * 400, temp)
    program: list[int] = []
    while not program and child.poll() is None:
        program = _children(child.pid)
        time.sleep(0.005)
    assert program, "espeak-ng never started"
    child.kill()
    child.wait()
    for pid in program:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    while not all(map(_gone, program)):
        time.sleep(0.01)
    assert contents(temp) == []


def test_pyttsx3_leftovers_of_a_killed_process_are_removed_by_the_next(temp: Path) -> None:
    # pyttsx3 can only render into a file. If the process dies mid-sentence its folder stays,
    # and the next process that speaks removes it.
    child = _render_in_child("pyttsx3", RECAP * 400, temp)
    while not contents(temp) and child.poll() is None:
        time.sleep(0.001)
    child.kill()
    child.wait()
    assert contents(temp) != []  # what is left behind by the killed process
    later = _render_in_child("pyttsx3", RECAP, temp)
    assert later.stdout is not None and later.stdout.readline() == "done\n"
    assert later.wait() == 0
    assert contents(temp) == []


def test_a_failed_sentence_is_logged_without_its_words(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with Loudspeaker() as speaker:  # never opened: the sentence fails before it plays
        speech = Speech(EspeakNgVoice("xyzzy"), speaker)
        speech.say([RECAP])
        with pytest.raises(TtsUnavailable):
            speech.wait(timeout=30)
    assert caplog.records, "the failure was not logged"
    for record in caplog.records:
        message = record.getMessage()
        assert not re.search(r"(?i)\b(sam|forgot|anniversary|invisible)\b", message), message
    [failure] = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert failure.startswith(f"could not render a sentence (<{len(RECAP)} characters>): ")
    assert "voice does not exist" in failure  # the reason is kept
