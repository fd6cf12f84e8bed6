"""Speaker mode: always on, no screen or keyboard, as a small speaker on a shelf.

It waits for the wake phrase (a small grammar, see `wake_expectation`: the recogniser runs
only while someone is speaking, and only a short utterance counts), or a button, then runs a
session by voice. A session ends on "goodbye" or "stop", "stop listening", or a long
silence, and the coach goes back to waiting. If the microphone or speaker goes away, or the
sound server restarts, it logs what happened, tries again with a growing pause, and carries
on once the device is back; nothing the person said is lost (answers are saved as they are given).

The coach's lines are not printed: under systemd they would land in the system log, and they
can hold the person's answers (a recap reads them back).
"""

from __future__ import annotations

import logging
import re
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from coach.errors import CoachError
from coach.voice.conversation import MicrophoneLost, VoiceConversation, listen_for_turn
from coach.voice.format import SPEECH, AudioBlock
from coach.voice.grammar import Expectation, wake_expectation
from coach.voice.run import VoiceOptions

if TYPE_CHECKING:
    from coach.session import Session
    from coach.voice.asr import Recogniser
    from coach.voice.audio import Loudspeaker, Microphone
    from coach.voice.tts import Speech

log = logging.getLogger(__name__)

WAKE_PHRASE = "hey coach"
WAKE_LISTEN = 6.0
"""Seconds each wake listen lasts before a fresh one (also sets a 0.75 s end of speech)."""
WAKE_LONGEST = 2.5
"""Seconds of speech a wake phrase may take: it is said on its own, not inside a sentence."""
IDLE_MINUTES = 3.0
"""A session with nothing said for this long ends, and the coach waits again."""
VOLUME = 0.7
"""Starting volume, leaving room for "louder"."""
RETRY_SECONDS = (1, 2, 4, 8, 15, 30, 60)
"""Pauses between attempts to open the devices again; the last one repeats."""


@dataclass(frozen=True)
class SpeakerOptions:
    voice: VoiceOptions = field(default_factory=VoiceOptions)
    wake: str = WAKE_PHRASE
    idle_minutes: float = IDLE_MINUTES
    volume: float = VOLUME
    earcons: bool = True
    button_pin: int | None = None
    """GPIO pin of a push-to-talk button (needs gpiozero), or None."""
    transcripts: bool = False


class Retry:
    """Growing pauses between attempts, back to the first after a success."""

    def __init__(self, pauses: tuple[float, ...] = RETRY_SECONDS) -> None:
        self.pauses = pauses
        self.failures = 0

    def next_pause(self) -> float:
        pause = self.pauses[min(self.failures, len(self.pauses) - 1)]
        self.failures += 1
        return pause

    def succeeded(self) -> None:
        self.failures = 0


class Button:
    """A push-to-talk button: a GPIO pin (gpiozero), or Enter on a terminal when testing."""

    def __init__(self, pin: int | None, keyboard: TextIO | None) -> None:
        self._pressed = threading.Event()
        self._keyboard = keyboard
        self._gpio: Any = None
        if pin is not None:
            try:
                from gpiozero import Button as GpioButton
            except ImportError as error:
                raise CoachError(
                    "A button was asked for, but gpiozero is not installed.",
                    "Install it: pip install 'coach[pi]' (or leave out --button).",
                ) from error
            self._gpio = GpioButton(pin)
            self._gpio.when_pressed = self._pressed.set

    def pressed(self) -> bool:
        """True once per press since the last call."""
        if self._keyboard is not None:
            import select

            try:
                ready, _, _ = select.select([self._keyboard], [], [], 0)
            except (OSError, ValueError):
                ready = []
            if ready and self._keyboard.readline() == "":
                self._keyboard = None  # end of input: no keyboard any more
            elif ready:
                self._pressed.set()
        if self._pressed.is_set():
            self._pressed.clear()
            return True
        return False


def checked_wake_phrase(phrase: str, vocabulary: Any) -> Expectation:
    """What to listen for while waiting; a clear error if the recogniser cannot hear it."""
    wake = " ".join(phrase.lower().replace(",", " ").split())
    unknown = [w for w in wake.split() if w not in vocabulary]
    if not wake or unknown:
        raise CoachError(
            f"The wake phrase {phrase!r} has words the recogniser does not know: "
            f"{', '.join(unknown) or '(none given)'}.",
            f"Choose another, of two or three common words (the default is {WAKE_PHRASE!r}).",
        )
    return wake_expectation(wake)


class SpeakerMode:
    """Waits for the wake phrase, runs a session, waits again; forever, through device loss."""

    def __init__(
        self,
        options: SpeakerOptions,
        recogniser: Recogniser,
        open_session: Callable[[], Session],
        open_devices: Callable[[], tuple[Microphone, Loudspeaker, Speech]],
        button: Button | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.options = options
        self.recogniser = recogniser
        self.wake = checked_wake_phrase(options.wake, getattr(recogniser, "vocabulary", ()))
        self.open_session = open_session
        self.open_devices = open_devices
        self.button = button or Button(None, None)
        self.sleep = sleep
        self.retry = Retry()
        self.sessions = 0
        self._loudspeaker: Loudspeaker | None = None

    def run(self, sessions: int | None = None) -> None:
        """Serve sessions until interrupted (or until `sessions` have been held)."""
        from coach.voice.audio import AudioUnavailable, refresh_devices

        trouble: str | None = None
        while sessions is None or self.sessions < sessions:
            try:
                mic, loudspeaker, speech = self.open_devices()
                with mic, loudspeaker:
                    loudspeaker.volume = self.options.volume
                    self._loudspeaker = loudspeaker
                    if trouble is not None:
                        log.warning("the sound devices are back")
                        self._say(speech, f"I'm back. Say {self.wake.phrases[0]} when you need me.")
                        trouble = None
                    while sessions is None or self.sessions < sessions:
                        self._wait_for_wake(mic)
                        self.retry.succeeded()
                        self._converse(mic, loudspeaker, speech)
            except (AudioUnavailable, MicrophoneLost) as error:
                trouble = str(error)
                pause = self.retry.next_pause()
                log.warning("sound device trouble: %s Trying again in %.0f s.", error, pause)
                self.sleep(pause)
                try:
                    refresh_devices()
                except AudioUnavailable as again:
                    log.warning("%s", again)
            finally:
                self._loudspeaker = None

    # -- waiting ------------------------------------------------------------------------------

    def _wait_for_wake(self, mic: Microphone) -> str:
        """Listen until the wake phrase is said on its own, or the button is pressed."""
        log.info("waiting for the wake phrase %r", self.wake.phrases[0])

        def read(timeout: float) -> AudioBlock | None:
            block = mic.read(timeout)
            if block is not None and block.format != SPEECH:
                from coach.voice.audio import to_mono_rate

                block = to_mono_rate(block, SPEECH.rate)
            return block

        def pressed() -> str | None:
            return "" if self.button.pressed() else None

        while True:
            turn = listen_for_turn(read, self.recogniser, self.wake, WAKE_LISTEN, typed=pressed)
            if turn.kind == "typed":
                log.info("woken by the button")
                return "button"
            if turn.kind == "speech":
                heard = turn.text == self.wake.phrases[0] and turn.seconds <= WAKE_LONGEST
                log.debug("%.1f s of speech while waiting; wake phrase: %s", turn.seconds, heard)
                if heard:
                    log.info("woken by the wake phrase")
                    return "wake"

    # -- a session ----------------------------------------------------------------------------

    def _converse(self, mic: Microphone, loudspeaker: Loudspeaker, speech: Speech) -> None:
        self.cue("listening")
        self.sessions += 1
        try:
            session = self.open_session()
        except CoachError as error:  # the journal cannot be opened: say so, wait, carry on
            self._trouble(speech, error)
            return
        conversation = VoiceConversation(
            session,
            mic,
            speech,
            self.recogniser,
            barge_in=self.options.voice.barge_in,
            volume=loudspeaker,
            cue=self.cue,
            idle_limit=self.options.idle_minutes * 60,
        )
        ended = "interrupted"
        try:
            ended = conversation.run()
        except CoachError as error:
            from coach.voice.audio import AudioUnavailable

            if isinstance(error, AudioUnavailable):
                raise
            self._trouble(speech, error)
        finally:
            if not session.ended:
                try:
                    session.end(ended)
                except CoachError as error:
                    log.error("could not record the end of the session: %s", error)
            session.journal.close()
            log.info("session ended (%s)", session.ended or ended)

    def _trouble(self, speech: Speech, error: CoachError) -> None:
        """Something a person must fix (a full disk): say it, log it, pause, go back to waiting."""
        log.error("%s %s", error.what, error.todo)
        self.cue("error")
        spoken = re.sub(r"\s/\S+", "", f"{error.what} {error.todo}")  # paths, as on a screen
        self._say(speech, f"Something is wrong, so I'll stop for now. {spoken}")
        self.sleep(self.retry.next_pause())

    def _say(self, speech: Speech, text: str) -> None:
        speech.say([text])
        speech.wait(timeout=60.0)

    def cue(self, kind: str) -> None:
        """Play an earcon (see coach.voice.earcons) and let it finish."""
        loudspeaker = self._loudspeaker
        if not self.options.earcons or loudspeaker is None:
            return
        from coach.voice.earcons import earcon

        loudspeaker.play(earcon(kind))
        loudspeaker.wait(timeout=1.0)


def run_speaker(options: SpeakerOptions) -> int:
    """`coach speaker`: serve sessions until stopped."""
    from coach.textmode import open_session
    from coach.voice.audio import Loudspeaker, Microphone
    from coach.voice.engines import load_recogniser
    from coach.voice.tts import Pyttsx3Voice, Speech

    voice = options.voice
    recogniser = load_recogniser(voice.engine)
    log.info("speaker mode with %s; wake phrase %r", recogniser.name, options.wake)

    tts = Pyttsx3Voice(voice.voice)

    def open_devices() -> tuple[Microphone, Loudspeaker, Speech]:
        loudspeaker = Loudspeaker(voice.output_device)
        speech = Speech(tts, loudspeaker)
        return Microphone(voice.input_device, rate=SPEECH.rate), loudspeaker, speech

    keyboard = sys.stdin if sys.stdin.isatty() else None
    mode = SpeakerMode(
        options,
        recogniser,
        lambda: open_session(None, options.transcripts),
        open_devices,
        Button(options.button_pin, keyboard),
    )
    print(
        f"coach: listening for {mode.wake.phrases[0]!r}"
        + (" (or press Enter)" if keyboard else "")
        + ". Ctrl+C stops.",
        flush=True,
    )
    signal.signal(signal.SIGTERM, _stop)  # systemd stops a service with SIGTERM
    try:
        mode.run()
    except KeyboardInterrupt:
        print("\ncoach: stopped. Everything said so far is saved.", file=sys.stderr)
    return 0


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
