"""Speech out: a voice renders one sentence to audio, `Speech` plays sentence after sentence.

Rendering sentence by sentence lets the coach start talking as soon as the first sentence is
ready, and stop at once when the person starts to speak. pyttsx3 is imported only when a
sentence is first rendered with it; on Linux the espeak-ng program renders (see Pyttsx3Voice).

A sentence can recap the person's own answers, so it leaves no trace: the espeak-ng program
hands its audio over a pipe, pyttsx3's file is removed with its folder as soon as it is read
(and a folder left by a killed process is removed by the next one that speaks), and logs give
a sentence's length, never its words.
"""

from __future__ import annotations

import atexit
import importlib
import io
import logging
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
import wave
from pathlib import Path
from typing import Any, Protocol

from coach.errors import CoachError
from coach.voice.audio import Loudspeaker
from coach.voice.format import AudioBlock, AudioFormat

log = logging.getLogger(__name__)

DEFAULT_WPM = 165
"""A calm speaking rate for rate step 0, in words per minute."""
WPM_PER_STEP = 20
"""How much each rate step changes the speaking rate, in words per minute."""
SLOWEST, FASTEST = -3, 3


def words_per_minute(rate: int) -> int:
    """The speaking rate, in words per minute, for a rate step from -3 (slow) to +3 (fast)."""
    return DEFAULT_WPM + WPM_PER_STEP * max(SLOWEST, min(FASTEST, rate))


class TtsUnavailable(CoachError):
    """No speech synthesiser can be used."""


class Voice(Protocol):
    """Turns one sentence into audio."""

    def render(self, text: str, rate: int) -> AudioBlock:
        """`text` spoken at rate step `rate` (-3 slow to +3 fast), with its format."""
        ...


def read_wav(source: Path | bytes) -> AudioBlock:
    """The PCM of a WAV file (or of WAV bytes) with the format its header gives.

    Streamed WAV (`espeak-ng --stdout`) gives no real length in its header: the audio then
    runs to the end of the bytes.
    """
    with wave.open(io.BytesIO(source) if isinstance(source, bytes) else str(source), "rb") as wav:
        fmt = AudioFormat(wav.getframerate(), wav.getsampwidth(), wav.getnchannels())
        pcm = wav.readframes(wav.getnframes())
    frame = fmt.width * fmt.channels
    return AudioBlock(pcm[: len(pcm) // frame * frame], fmt)


def describe(text: str) -> str:
    """What a log may say of something spoken or heard: its length, never its words."""
    return f"<{len(text)} characters>"


class EspeakNgVoice:
    """Renders with the espeak-ng program: slower to start, never hangs, writes no file.

    The text goes in through stdin and the audio comes back through stdout (`--stdout`), so
    no sentence is ever on disk, even if the process is killed mid-sentence.
    """

    def __init__(self, voice_id: str | None = None, timeout: float = 20.0) -> None:
        self.voice_id = voice_id or "en"
        self.timeout = timeout
        """Longest wait for one sentence, in seconds."""

    def render(self, text: str, rate: int) -> AudioBlock:
        program = shutil.which("espeak-ng")
        if program is None:
            raise TtsUnavailable(
                "The espeak-ng speech synthesiser is not installed.",
                "Install it: sudo apt-get install espeak-ng",
            )
        _remove_leftovers()
        command = [program, "-v", self.voice_id, "-s", str(words_per_minute(rate))]
        try:  # the text goes through stdin, so a sentence can never look like an option
            done = subprocess.run(
                [*command, "--stdout", "--stdin"],
                input=text.encode(),
                capture_output=True,
                timeout=self.timeout,
                check=True,
            )
        except subprocess.CalledProcessError as error:
            raise TtsUnavailable(
                f"espeak-ng failed: {error.stderr.decode(errors='replace').strip()}",
                "Check the voice name (espeak-ng --voices).",
            ) from error
        except subprocess.TimeoutExpired as error:
            raise TtsUnavailable(f"espeak-ng took over {self.timeout:.0f} s.") from error
        try:
            return read_wav(done.stdout)
        except (wave.Error, EOFError) as error:
            raise TtsUnavailable(f"espeak-ng gave no audio ({error}).") from error


# pyttsx3 keeps one engine per driver and espeak-ng is a single instance per process, with
# one global callback: every use goes through this lock and this one engine. Letting engines
# be garbage-collected is worse than reusing one: a dead engine unregisters the callback of
# the live one, and its runAndWait then waits forever.
_LOCK = threading.Lock()
_ENGINE: Any = None
_ERRORS: list[BaseException] = []
_FINISHED: list[bool] = []
_BROKEN = False
_SETTINGS: tuple[str, int] | None = None
_WORKER: threading.Thread | None = None
"""The thread of the last runAndWait, which may outlive its timeout."""
_CLEANED = False
TEMP_PREFIX = "coach-tts-"
"""Folders for pyttsx3's files are called coach-tts-PID-RANDOM, PID the process's id."""
STALE_AFTER = 24 * 3600
"""Seconds after which any coach-tts- folder is a leftover, whatever its process."""


def _quiet(*args: object, **kwargs: object) -> None:
    log.debug("pyttsx3: %s", " ".join(map(str, args)))


def _on_error(exception: BaseException, **details: object) -> None:
    _ERRORS.append(exception)


def _on_finished(completed: bool, **details: object) -> None:
    _FINISHED.append(completed)


def _espeak_driver(engine: Any) -> Any:
    """pyttsx3's espeak driver object, or None when the engine uses another driver."""
    driver = getattr(getattr(engine, "proxy", None), "_driver", None)
    return driver if type(driver).__module__.endswith(".espeak") else None


class _StillRunning(RuntimeError):
    """pyttsx3 or espeak-ng did not finish in time and may still write the sentence's file."""


def _wait_until_idle(timeout: float) -> None:
    """Wait for espeak-ng's own thread to finish the last sentence.

    In retrieval mode espeak-ng synthesises on a thread of its own and says "playing" a
    moment after the last audio arrived. When pyttsx3 ends its loop it stops the engine, and
    if espeak-ng still says "playing" then, the driver keeps a "stopping" flag that cancels
    the *next* sentence: its file comes out empty or never comes (seen here about once in a
    few hundred renders under load). So: wait for espeak-ng, and clear that flag.
    """
    driver = _espeak_driver(_ENGINE)
    if driver is None:
        return
    espeak = importlib.import_module("pyttsx3.drivers._espeak")
    deadline = time.monotonic() + timeout
    while espeak.IsPlaying():
        if time.monotonic() > deadline:
            raise _StillRunning(f"espeak-ng stayed busy for {timeout:.0f} s")
        time.sleep(0.002)
    driver._stopping = False


def _forget_engine() -> None:
    global _ENGINE
    _ENGINE = None


def _engine() -> Any:
    global _ENGINE
    if _ENGINE is None:
        import pyttsx3

        _ENGINE = pyttsx3.init()  # sapi5 on Windows, nsss on macOS, espeak elsewhere
        atexit.register(_forget_engine)  # while modules live: its __del__ fails at shutdown
        # Failures inside the run loop (such as an unknown voice) are only reported as
        # events; the loop carries on regardless.
        _ENGINE.connect("error", _on_error)
        _ENGINE.connect("finished-utterance", _on_finished)
        if _espeak_driver(_ENGINE) is not None:
            # pyttsx3 2.99's espeak driver prints "Audio saved to ..." for each file.
            vars(importlib.import_module("pyttsx3.drivers.espeak"))["print"] = _quiet
    return _ENGINE


def _alive(pid: int) -> bool:
    if os.name != "posix":  # os.kill(pid, 0) would end the process on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's: alive
        return True
    return True


def _remove_leftovers() -> None:
    """Once per process: remove the temp folders of coach processes that died mid-sentence.

    A folder is a leftover when its process is gone, or (for any, and for those of earlier
    versions, which named no process) when it is over a day old. Only this user's folders,
    and only real folders (not links), are touched.
    """
    global _CLEANED
    if _CLEANED:
        return
    _CLEANED = True
    root = Path(tempfile.gettempdir())
    try:
        entries = list(root.glob(f"{TEMP_PREFIX}*"))
    except OSError:
        return
    for folder in entries:
        try:
            info = folder.lstat()
            mine = os.name != "posix" or info.st_uid == os.getuid()
            if not stat.S_ISDIR(info.st_mode) or not mine:
                continue
            pid, _, rest = folder.name.removeprefix(TEMP_PREFIX).partition("-")
            dead = pid.isdigit() and rest != "" and int(pid) != os.getpid() and not _alive(int(pid))
            if dead or time.time() - info.st_mtime > STALE_AFTER:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


class Pyttsx3Voice:
    """The system voice: pyttsx3 `save_to_file` into a private temp file, read back.

    On Linux (`engine="auto"`) it renders with the espeak-ng program instead, the synthesiser
    pyttsx3 would drive there: with pyttsx3 2.99 and libespeak-ng 1.51, plain pyttsx3 calls
    spoke 28 to 36 sentences in 40 at a rate other than the one set (a rate change takes
    late, or never), and sentences came out empty now and then. `engine="pyttsx3"` forces
    pyttsx3, with every workaround below; `engine="espeak-ng"` forces the program.

    runAndWait is known to hang in some states (a second call on some platforms, a driver
    callback lost). It runs on a helper thread with a `timeout`; if it does not return, or
    pyttsx3 fails twice or cannot be loaded, this voice uses the espeak-ng program for the
    rest of the process (same synthesiser on Linux; it cannot hang us).
    """

    def __init__(
        self, voice_id: str | None = None, timeout: float = 10.0, engine: str = "auto"
    ) -> None:
        self.voice_id = voice_id or "en"
        self.timeout = timeout
        """Longest wait for pyttsx3 to render one sentence, in seconds."""
        if engine not in ("auto", "pyttsx3", "espeak-ng"):
            raise ValueError(f"engine must be auto, pyttsx3 or espeak-ng, not {engine!r}")
        auto_program = engine == "auto" and sys.platform.startswith("linux")
        self.uses_pyttsx3 = engine == "pyttsx3" or (engine == "auto" and not auto_program)
        """Whether pyttsx3 renders (else the espeak-ng program)."""
        self._fallback = EspeakNgVoice(voice_id)

    def render(self, text: str, rate: int) -> AudioBlock:
        global _BROKEN
        text = " ".join(text.split())
        if not text:  # pyttsx3 asserts on empty text
            return AudioBlock(b"", AudioFormat(22050))
        with _LOCK:
            if self.uses_pyttsx3 and not _BROKEN:
                _remove_leftovers()
                # One folder per sentence, removed once it is read. If pyttsx3 is still at
                # work (a runAndWait abandoned after its timeout), it may write its file later:
                # the folder then stays until the program ends, so that the file goes with it.
                folder = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-"))
                late = False
                try:
                    for attempt in (1, 2):  # a second try, in case of a race not yet known
                        path = folder / f"{attempt}.wav"
                        try:
                            self._render_pyttsx3(text, words_per_minute(rate), path)
                            return read_wav(path)
                        except (ImportError, OSError, RuntimeError, EOFError, wave.Error) as error:
                            late = late or isinstance(error, _StillRunning)
                            if attempt == 1 and not isinstance(error, ImportError):
                                log.info("pyttsx3 failed (%s); trying again", error)
                                continue
                            log.warning("pyttsx3 failed (%s); using the espeak-ng program", error)
                            _BROKEN = True
                        finally:
                            path.unlink(missing_ok=True)
                finally:
                    if late or (_WORKER is not None and _WORKER.is_alive()):
                        atexit.register(shutil.rmtree, folder, ignore_errors=True)
                    else:
                        shutil.rmtree(folder, ignore_errors=True)
        return self._fallback.render(text, rate)

    def _render_pyttsx3(self, text: str, wpm: int, path: Path) -> None:
        global _SETTINGS
        engine = _engine()
        if (self.voice_id, wpm) != _SETTINGS:
            # With pyttsx3's espeak driver a new rate often does not take for the next
            # sentence: it comes out at an earlier rate (the driver's 200 wpm, or the
            # sentence before's), whether the voice is set too or not, in either order
            # (compare espeak-ng issue #401). A throwaway word after each change helps, but
            # not always: hence the espeak-ng program on Linux (see the class docstring).
            _SETTINGS = None
            self._run_once(engine, "voice", wpm, path, voice=self.voice_id)
            _SETTINGS = (self.voice_id, wpm)
        self._run_once(engine, text, wpm, path)

    def _run_once(self, engine: Any, text: str, wpm: int, path: Path, voice: str = "") -> None:
        global _WORKER
        _wait_until_idle(self.timeout)
        _ERRORS.clear()
        _FINISHED.clear()
        if voice:
            engine.setProperty("voice", voice)
        engine.setProperty("rate", wpm)
        engine.save_to_file(text, str(path))
        failure: list[BaseException] = []

        def run() -> None:
            try:
                engine.runAndWait()
            except BaseException as error:  # handed to the caller's thread
                failure.append(error)

        _WORKER = worker = threading.Thread(target=run, name="coach-pyttsx3", daemon=True)
        worker.start()
        worker.join(self.timeout)
        if worker.is_alive():
            raise _StillRunning(f"runAndWait did not return within {self.timeout:.0f} s")
        _wait_until_idle(self.timeout)
        driver = _espeak_driver(engine)
        if driver is not None:
            driver._speaking = False  # late audio callbacks of this sentence: ignored, not kept
        if failure:
            raise RuntimeError(f"runAndWait failed: {failure[0]}") from failure[0]
        for error in _ERRORS:
            if isinstance(error, ValueError):  # what the driver raises for an unknown voice
                raise TtsUnavailable(
                    f"pyttsx3 cannot use the voice {self.voice_id!r}: {error}",
                    "Choose one of: espeak-ng --voices",
                ) from error
        if _ERRORS:
            raise RuntimeError(f"pyttsx3 failed: {_ERRORS[0]}") from _ERRORS[0]
        if _FINISHED[:1] != [True]:  # a "not completed" after it comes from that same flag
            raise RuntimeError(f"the sentence was not finished ({_FINISHED})")
        if not path.exists() or path.stat().st_size <= 44:  # 44: a WAV header alone
            raise RuntimeError("save_to_file wrote no audio")


_SENTENCE_END = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"'”’)\]]))\s+(?![a-z])|\s*\n\s*")


def split_sentences(text: str) -> list[str]:
    """`text` cut after each ., !, ? or … (and closing quotes) and at line breaks.

    Not before a lower-case word: "e.g. now" and "“Fine!” she said" stay whole.
    """
    return [part.strip() for part in _SENTENCE_END.split(text) if part and part.strip()]


class Speech:
    """Says lines through a voice and a loudspeaker, one sentence at a time, interruptibly.

    `say` returns at once: a helper thread renders each sentence and queues it on the
    loudspeaker as soon as it is ready, so speaking starts after the first sentence.
    """

    def __init__(self, voice: Voice, loudspeaker: Loudspeaker) -> None:
        self.voice = voice
        self.loudspeaker = loudspeaker
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._spans: list[tuple[float, float, str]] = []
        self._error: BaseException | None = None
        self.first_sound = threading.Event()
        """Set once the first sentence ever said has started playing."""

    def say(self, lines: list[str], rate: int = 0) -> None:
        """Start saying `lines` at rate step `rate` (-3 slow to +3 fast); stops what was said."""
        self.stop()
        sentences = [sentence for line in lines for sentence in split_sentences(line)]
        self._cancel = cancel = threading.Event()
        self._error = None
        self._thread = threading.Thread(
            target=self._run,
            args=(sentences, rate, cancel, time.monotonic()),
            name="coach-speech",
            daemon=True,
        )
        self._thread.start()

    def _run(
        self, sentences: list[str], rate: int, cancel: threading.Event, asked_at: float
    ) -> None:
        start = 0.0
        for index, sentence in enumerate(sentences):
            if cancel.is_set():
                return
            try:
                block = self.voice.render(sentence, rate)
            except Exception as error:  # raised again by wait()
                log.error("could not render a sentence (%s): %s", describe(sentence), error)
                self._error = error
                return
            with self._lock:
                if cancel.is_set():
                    return
                try:
                    if index == 0:
                        self.loudspeaker.play(block)
                        self.first_sound.set()
                        log.debug(
                            "first sentence playing %.0f ms after it was asked for",
                            (time.monotonic() - asked_at) * 1000,
                        )
                    else:
                        self.loudspeaker.queue(block)
                except Exception as error:
                    self._error = error
                    return
                self._spans.append((start, start + block.seconds, sentence))
            start += block.seconds

    def stop(self) -> None:
        """Stop speaking at once and forget what was still to be said."""
        with self._lock:
            self._cancel.set()
            self.loudspeaker.stop()
            self._spans = []

    @property
    def rendering(self) -> bool:
        """True while sentences are still being rendered."""
        return self._thread is not None and self._thread.is_alive()

    @property
    def speaking(self) -> bool:
        """True while there is something still to be said or heard.

        Raises `AudioUnavailable` if the loudspeaker failed while saying it.
        """
        from coach.voice.audio import AudioUnavailable

        if isinstance(self._error, AudioUnavailable):
            error, self._error = self._error, None
            raise error
        if self._cancel.is_set():
            return False
        return self.rendering or self.loudspeaker.playing

    @property
    def spoken_text(self) -> str:
        """The sentence being heard now ("" when silent), to tell an echo from the person."""
        if not self.speaking:
            return ""
        heard = self.loudspeaker.played_seconds
        with self._lock:
            spans = list(self._spans)
        for start, end, sentence in spans:
            if start <= heard < end:
                return sentence
        return spans[-1][2] if spans else ""

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until everything has been said; False if `timeout` seconds passed first.

        Raises what went wrong while rendering or playing, if anything did.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        thread = self._thread
        while thread is not None and thread.is_alive() and not self._cancel.is_set():
            thread.join(0.05)
            if deadline is not None and time.monotonic() >= deadline:
                return False
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        if self._cancel.is_set():  # stopped: nothing more will be said
            return True
        left = None if deadline is None else max(0.0, deadline - time.monotonic())
        return self.loudspeaker.wait(left)
