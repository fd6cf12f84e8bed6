"""The voice turn loop: listen, recognise, hand the words to the session, speak the reply.

The dialogue manager never sees audio: this loop turns sound into text (or a silence of so
many seconds) and the manager's lines into speech. If the microphone goes away, or the
person is not understood again and again, it says so and carries on by typing, in the same
session at the same question.
"""

from __future__ import annotations

import collections
import logging
import select
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TextIO

from coach.dialog.events import Line, Reply
from coach.voice.endpoint import Endpointer
from coach.voice.format import SPEECH, AudioBlock
from coach.voice.grammar import Expectation, voice_command

if TYPE_CHECKING:
    from coach.session import Session
    from coach.voice.asr import Recogniser, Utterance
    from coach.voice.audio import AudioUnavailable

log = logging.getLogger(__name__)

REOPENS = 3
"""How often a session opens the microphone again after it failed, before typing takes over."""
PRE_ROLL_SECONDS = 0.3
"""Audio kept from just before speech was detected, so the first syllable is not lost."""
SLOWEST = -3
BARGE_IN_WORDS = ("stop", "wait", "hold on", "pause", "quiet", "be quiet", "enough")
"""What stops the coach mid-sentence in keyword barge-in mode."""


BARGE_IN = Expectation("choice", BARGE_IN_WORDS)


class Mic(Protocol):
    def read(self, timeout: float | None = None) -> AudioBlock | None: ...

    def reopen(self) -> None: ...


class VolumeKnob(Protocol):
    volume: float
    """From 0 to 1."""


VOLUME_STEP = 1.4
"""How much "louder" and "quieter" change the volume (about 3 dB)."""
QUIETEST = 0.1
NOT_UNDERSTOOD = ("unclear", "none")
"""Reply intents that get the "not understood" earcon."""


class Speaker(Protocol):
    @property
    def speaking(self) -> bool: ...

    @property
    def spoken_text(self) -> str: ...

    def say(self, lines: list[str], rate: int) -> None: ...

    def stop(self) -> None: ...


@dataclass(frozen=True)
class Turn:
    """What came of listening once: words (spoken or typed) or a stretch of silence."""

    kind: str
    """"speech", "typed" or "silence"."""
    text: str = ""
    seconds: float = 0.0
    """How long the silence, or the speech, lasted."""
    confidence: float = 1.0
    waited: float = 0.0
    """Seconds of quiet after the speech before the turn was taken as finished."""
    recognising: float = 0.0
    """Seconds the recogniser took to finish once the turn had ended."""
    engine: str = ""
    """The engine whose words `text` is (speech only)."""


class MicrophoneLost(Exception):
    """The input device stopped delivering audio."""


class VoiceConversation:
    """Runs a session by voice until it ends; typed lines are accepted at any time too."""

    def __init__(
        self,
        session: Session,
        mic: Mic,
        speaker: Speaker,
        recogniser: Recogniser,
        show: Callable[[Line], None] | None = None,
        typed: TextIO | None = None,
        barge_in: str = "keyword",
        volume: VolumeKnob | None = None,
        cue: Callable[[str], None] | None = None,
        idle_limit: float | None = None,
    ) -> None:
        self.session = session
        self.mic = mic
        self.speaker = speaker
        self.recogniser = recogniser
        self.show = show or (lambda line: None)
        self.typed = typed
        self.barge_in = barge_in
        self.reopened = 0
        """How often the microphone was opened again after failing."""
        self.pending: list[AudioBlock] = []
        """Audio heard while the coach was speaking, handed to the next turn (barge-in)."""
        self.volume = volume
        """What "louder" and "quieter" turn (None: they are not understood)."""
        self.cue = cue or (lambda kind: None)
        """Plays an earcon: "understood" or "not_understood" after each answer."""
        self.idle_limit = idle_limit
        """Seconds of silence (counted in audio heard) after which the session ends ("idle");
        also when it is paused and silence follows. None: it waits as long as needed."""
        self._told_how_heard = False

    def run(self) -> str:
        """Talk until the session ends; return why it ended."""
        from coach.session import warm_up

        threading.Thread(target=warm_up, daemon=True).start()
        self.say(self.session.begin())
        quiet = 0.0  # seconds of silence heard since the person last spoke
        while not self.session.ended:
            turn = self.listen()
            thinking = time.monotonic()
            if turn.kind == "silence":
                quiet += turn.seconds
                if self._idle(quiet):
                    self.session.end("idle")
                    self.say(self._aside("I'll stop here for now. What you said is kept."))
                    return "idle"
                reply = self.session.silence(turn.seconds)
            else:
                quiet = 0.0
                command = voice_command(turn.text) if turn.kind == "speech" else None
                if command == "stop_listening":
                    self.cue("understood")
                    self.session.end("paused")
                    self.say(self._aside("All right. I'm here when you need me."))
                    return "muted"
                if command is not None:
                    self.say(self._turn_volume(command))
                    continue
                if not turn.text.strip():
                    reply = self.session.not_made_out()
                else:
                    reply = self.session.hear(turn.text, turn.confidence)
                if turn.kind == "speech":
                    self.cue("not_understood" if reply.intent in NOT_UNDERSTOOD else "understood")
            if turn.kind == "speech":
                log.debug(
                    "turn timings: waited %.0f ms, recognised in %.0f ms, replied in %.0f ms",
                    turn.waited * 1000,
                    turn.recognising * 1000,
                    (time.monotonic() - thinking) * 1000,
                )
            self.say(reply)
        return self.session.ended or "stopped"

    def _idle(self, quiet: float) -> bool:
        if self.idle_limit is None:
            return False
        return bool(self.session.manager.paused) or quiet >= self.idle_limit

    def _aside(self, text: str) -> Reply:
        """Something the voice loop says itself, outside the dialogue."""
        return Reply([Line(text, self.session.state)])

    def _turn_volume(self, command: str) -> Reply:
        state = self.session.state
        if self.volume is None:
            return self._aside("I can't change my volume here; your device's volume control can.")
        was = self.volume.volume
        if command == "louder":
            self.volume.volume = min(1.0, was * VOLUME_STEP)
        else:
            self.volume.volume = max(QUIETEST, was / VOLUME_STEP)
        log.info("volume %.2f -> %.2f", was, self.volume.volume)
        if self.volume.volume == was:
            edge = "loudest" if command == "louder" else "quietest"
            text = f"That's my {edge}. The speaker's own volume control can go further."
        else:
            text = "Louder now." if command == "louder" else "Quieter now."
        prompt = self.session.manager.asking
        return Reply([Line(text, state), *([Line(prompt.prompt, state)] if prompt else [])])

    # -- speaking ----------------------------------------------------------------------------

    def say(self, reply: Reply) -> None:
        """Speak the reply's lines; stop at once if the person starts talking over them."""
        rate = self.session.manager.rate
        for line in reply.lines:
            self.show(line)
        groups: list[tuple[bool, list[str]]] = []
        for line in reply.lines:
            if groups and groups[-1][0] == line.slow:
                groups[-1][1].append(line.text)
            else:
                groups.append((line.slow, [line.text]))
        for slow, texts in groups:
            self.speaker.say(texts, SLOWEST if slow else rate)
            if self._wait_while_speaking():
                return
        log.debug("finished speaking")

    def _wait_while_speaking(self) -> bool:
        """Wait for the speech to end; True if the person interrupted it.

        "open": any speech stops the coach (for headsets, or hardware that cancels echo).
        "keyword": only "stop", "wait" and the like do, unless the coach is saying that word
        itself, so a laptop's microphone hearing its own speaker does not cut it off.
        "off": half-duplex; what is heard while speaking is dropped.
        """
        if self.barge_in == "off":
            while self.speaker.speaking:
                self._read(0.1)
            return False
        detector = Endpointer(pause=3600.0)
        heard: collections.deque[AudioBlock] = collections.deque(maxlen=40)
        keyword: Utterance | None = None
        while self.speaker.speaking:
            block = self._read(0.1)
            if block is None:
                continue
            heard.append(block)
            events = detector.feed(block)
            if keyword is not None:
                keyword.accept(block)
            for event in events:
                if event.kind == "speech_started" and self.barge_in == "open":
                    log.debug("barge-in: the person spoke over the coach")
                    self.speaker.stop()
                    self.pending = list(heard)
                    return True
                if event.kind == "speech_started":
                    keyword = self.recogniser.listen(BARGE_IN)
                    for early in heard:
                        keyword.accept(early)
                elif event.kind in ("turn_ended", "too_long") and keyword is not None:
                    said = keyword.finish().text.strip()
                    keyword = None
                    detector = Endpointer(pause=3600.0)
                    if said and said not in self.speaker.spoken_text.lower():
                        log.debug("barge-in: <%d characters>", len(said))
                        self.speaker.stop()
                        return True
        return False

    # -- listening ---------------------------------------------------------------------------

    def listen(self) -> Turn:
        from coach.voice.engines import notice_of
        from coach.voice.grammar import expectation_for

        manager = self.session.manager
        ask = manager.asking
        if not self._told_how_heard:  # the recogniser has loaded by now, or failed
            self._told_how_heard = True
            notice = notice_of(self.recogniser)
            if notice:
                again = [Line(ask.prompt, self.session.state)] if ask else []
                self.say(Reply([Line(notice, self.session.state), *again]))
        pause = (ask.pause if ask else 30.0) * (2 if manager.waited else 1)
        expect = expectation_for(
            ask.expect if ask else "free", ask.options if ask else (), ask.scale if ask else (0, 10)
        )
        blocks, self.pending = self.pending, []
        log.debug(
            "listening at %s for %s, %.0f s of silence allowed",
            self.session.state,
            expect.kind,
            pause,
        )
        return listen_for_turn(self._read, self.recogniser, expect, pause, blocks, self._typed_line)

    def _read(self, timeout: float) -> AudioBlock | None:
        from coach.voice.audio import AudioUnavailable

        try:
            block = self.mic.read(timeout)
        except AudioUnavailable as error:
            self._reopen_mic(error)
            return None
        if block is None:
            return None
        if block.format != SPEECH:
            from coach.voice.audio import to_mono_rate

            block = to_mono_rate(block, SPEECH.rate)
        return block

    def _reopen_mic(self, error: AudioUnavailable) -> None:
        """Open the microphone again after a failure, a few times with a growing pause."""
        from coach.voice.audio import AudioUnavailable

        if self.reopened >= REOPENS:
            raise MicrophoneLost(str(error)) from error
        self.reopened += 1
        log.warning("%s Opening the microphone again (%d of %d).", error, self.reopened, REOPENS)
        time.sleep(0.5 * 2 ** (self.reopened - 1))
        try:
            self.mic.reopen()
        except AudioUnavailable as again:
            raise MicrophoneLost(str(again)) from again

    def _typed_line(self) -> str | None:
        if self.typed is None:
            return None
        try:
            ready, _, _ = select.select([self.typed], [], [], 0)
        except (OSError, ValueError):
            return None
        if not ready:
            return None
        line = self.typed.readline()
        if line == "":
            self.typed = None
            return None
        return line.strip() or None


def default_typed_input() -> TextIO | None:
    """Standard input, if a person could type on it."""
    return sys.stdin if sys.stdin.isatty() else None


def listen_for_turn(
    read: Callable[[float], AudioBlock | None],
    recogniser: Recogniser,
    expect: Expectation,
    pause: float,
    early: list[AudioBlock] | None = None,
    typed: Callable[[], str | None] = lambda: None,
) -> Turn:
    """Listen until the person has finished one answer, or stayed silent for `pause` seconds.

    `read(timeout)` gives 16 kHz mono blocks; `early` is audio already heard (barge-in);
    `typed()` returns a line typed meanwhile, which wins over listening.
    """
    endpointer = Endpointer(pause=pause)
    utterance = recogniser.listen(expect)
    before: collections.deque[AudioBlock] = collections.deque(
        maxlen=max(1, int(PRE_ROLL_SECONDS / 0.03))
    )
    blocks = list(early or [])
    started = False
    while True:
        line = typed()
        if line is not None:
            return Turn("typed", line)
        block = blocks.pop(0) if blocks else read(0.1)
        if block is None:
            continue
        events = endpointer.feed(block)
        if started:
            utterance.accept(block)
        else:
            before.append(block)
        for event in events:
            if event.kind == "speech_started":
                started = True
                for piece in before:
                    utterance.accept(piece)
            elif event.kind == "silence":
                return Turn("silence", seconds=event.at)
            else:
                ended_at = time.monotonic()
                heard = utterance.finish()
                log.debug(
                    "recognised %.1f s of speech, confidence %.2f",
                    heard.audio_seconds,
                    heard.confidence,
                )
                return Turn(
                    "speech",
                    heard.text,
                    seconds=event.at - event.speech_start - endpointer.quiet_seconds,
                    confidence=heard.confidence,
                    waited=endpointer.quiet_seconds,
                    recognising=time.monotonic() - ended_at,
                    engine=heard.engine,
                )
