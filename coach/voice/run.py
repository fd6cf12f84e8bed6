"""`coach` by voice: open the devices and engines, talk, and fall back to typing if audio fails."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from coach.dialog.events import Line, Reply
from coach.errors import CoachError
from coach.textmode import TextScreen, open_session, type_through

if TYPE_CHECKING:
    from coach.voice.asr import Recogniser
    from coach.voice.audio import Loudspeaker, Microphone
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
        )
        try:
            with mic, speaker:
                conversation.run()
        except MicrophoneLost as lost:
            log.warning("microphone lost: %s", lost)
            fallback = Line(
                "I can't hear the microphone any more. Let's carry on by typing, "
                "right where we were.",
                session.state,
            )
            _show(screen, fallback)
            asking = session.manager.asking
            if asking is not None:
                screen.show(Reply(lines=[Line(asking.prompt, session.state)]))
            type_through(session, screen, sys.stdin)
        except KeyboardInterrupt:
            session.end("stopped")
            screen.notice("\nStopped. Everything you said so far is kept.")
    finally:
        session.journal.close()
    return 0


def _show(screen: TextScreen, line: Line) -> None:
    screen.show(Reply(lines=[line]))


def _open_voice(options: VoiceOptions) -> tuple[Recogniser, Speech, Microphone, Loudspeaker]:
    from coach.voice.asr import load_recogniser
    from coach.voice.audio import Loudspeaker, Microphone, pick_device
    from coach.voice.tts import Pyttsx3Voice, Speech

    pick_device(options.input_device, "input")
    pick_device(options.output_device, "output")
    recogniser = load_recogniser(options.engine)
    speaker = Loudspeaker(options.output_device)
    speech = Speech(Pyttsx3Voice(options.voice), speaker)
    mic = Microphone(options.input_device)
    return recogniser, speech, mic, speaker
