"""`coach` by voice: open the devices and engines, talk, and fall back to typing if audio fails."""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from coach.dialog.events import Line, Reply
from coach.errors import CoachError
from coach.textmode import TextScreen, open_session, type_through

if TYPE_CHECKING:
    from coach.session import Session
    from coach.voice.asr import Recogniser, Utterance
    from coach.voice.audio import Loudspeaker, Microphone
    from coach.voice.format import AudioFormat
    from coach.voice.grammar import Expectation
    from coach.voice.tts import Speech

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VoiceOptions:
    engine: str = "auto"
    input_device: str | int | None = None
    output_device: str | int | None = None
    voice: str | None = None
    barge_in: str = "keyword"
    """"keyword", "open" or "off": see coach.voice.conversation."""


def run_voice_session(exercise: str | None, options: VoiceOptions, transcripts: bool) -> int:
    """A spoken session; typing takes over, at the same question, if the audio gives out."""
    from coach.voice.audio import AudioUnavailable
    from coach.voice.conversation import MicrophoneLost, VoiceConversation, default_typed_input

    screen = TextScreen(sys.stdout)
    session = open_session(exercise, transcripts)
    try:
        try:
            recogniser, speech, mic, speaker = _open_voice(options)
        except (AudioUnavailable, CoachError) as error:
            screen.notice(f"Voice is not available: {error.what} {error.todo}".strip())
            screen.notice("Let's type instead. Everything works the same way.")
            screen.show(session.begin())
            type_through(session, screen, sys.stdin)
            return 0
        conversation = VoiceConversation(
            session,
            mic,
            speech,
            recogniser,
            show=lambda line: _show(screen, line),
            typed=default_typed_input(),
            barge_in=options.barge_in,
            volume=speaker,
        )
        try:
            with mic, speaker:
                conversation.run()
        except MicrophoneLost as lost:
            log.warning("microphone lost: %s", lost)
            _type_from_here(session, screen, "I can't hear the microphone any more.")
        except CoachError as error:  # the recogniser, loading during the greeting, failed
            log.warning("voice stopped: %s", error)
            screen.notice(f"{error.what} {error.todo}".strip())
            _type_from_here(session, screen, "I can't listen by voice right now.")
        except KeyboardInterrupt:
            session.end("stopped")
            screen.notice(f"\nStopped. {session.what_was_kept()}")
    finally:
        session.journal.close()
    return 0


def _show(screen: TextScreen, line: Line) -> None:
    screen.show(Reply(lines=[line]))


def _type_from_here(session: Session, screen: TextScreen, why: str) -> None:
    """Carry on by typing, at the question the person was asked."""
    _show(screen, Line(f"{why} Let's carry on by typing, right where we were.", session.state))
    asking = session.manager.asking
    if asking is not None:
        screen.show(Reply(lines=[Line(asking.prompt, session.state)]))
    type_through(session, screen, sys.stdin)


LOAD_AFTER_AT_MOST = 3.0
"""Seconds to wait for the greeting to start playing before loading the recogniser anyway."""


class LoadingRecogniser:
    """A recogniser being loaded in the background, so the greeting can play meanwhile.

    Loading starts once `after` is set (the greeting's first sound): loading sooner held up
    the greeting itself, competing for the interpreter and the disk (first word 1200 ->
    390 ms warm, 1550 -> 900 ms with the page cache dropped; scripts/bench.py --only
    startup). Listening waits for it; if loading failed, listening raises what went wrong.
    """

    def __init__(
        self, load: Callable[[], Recogniser], after: threading.Event | None = None
    ) -> None:
        self._load = load
        self._after = after
        self._loaded: Recogniser | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="coach-recogniser", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        if self._after is not None:
            self._after.wait(LOAD_AFTER_AT_MOST)
        started = time.monotonic()
        try:
            self._loaded = self._load()
        except BaseException as error:  # raised again where it is used
            self._error = error
        log.debug("recogniser loaded in %.0f ms", (time.monotonic() - started) * 1000)

    def ready(self) -> Recogniser:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._loaded is not None
        return self._loaded

    @property
    def name(self) -> str:
        return self.ready().name

    @property
    def format(self) -> AudioFormat:
        return self.ready().format

    def listen(self, expect: Expectation) -> Utterance:
        return self.ready().listen(expect)

    @property
    def notice(self) -> str:
        from coach.voice.engines import notice_of

        return notice_of(self.ready())


def _open_voice(options: VoiceOptions) -> tuple[Recogniser, Speech, Microphone, Loudspeaker]:
    from coach.voice.asr import find_vosk_model
    from coach.voice.audio import Loudspeaker, Microphone, pick_device
    from coach.voice.engines import load_recogniser
    from coach.voice.format import SPEECH
    from coach.voice.tts import Pyttsx3Voice, Speech

    pick_device(options.input_device, "input")
    pick_device(options.output_device, "output")
    speaker = Loudspeaker(options.output_device)
    speech = Speech(Pyttsx3Voice(options.voice), speaker)
    recogniser: Recogniser
    if options.engine == "vosk" and find_vosk_model("en") is None:
        recogniser = load_recogniser(options.engine)  # says at once what to install
    else:
        load = partial(load_recogniser, options.engine)
        recogniser = LoadingRecogniser(load, after=speech.first_sound)
    mic = Microphone(options.input_device, rate=SPEECH.rate)
    return recogniser, speech, mic, speaker
