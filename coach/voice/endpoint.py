"""When has the person finished speaking? Voice-activity detection plus the state's pauses.

WebRTC's voice-activity detector classifies 30 ms frames as speech or not. A turn starts
when most of the last few frames are speech, and ends after a stretch of quiet whose length
depends on the question: short after a yes/no question, longer after a reflective one, where
people pause mid-thought. If nobody speaks at all for the state's pause window, that is
silence, which the dialogue manager handles gently.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Literal, Protocol

from coach.voice.format import SPEECH, AudioBlock

FRAME_SECONDS = 0.03
START_FRAMES = 4
"""Speech frames, out of the last START_WINDOW, that start a turn (about 120 ms of voice)."""
START_WINDOW = 6


class _Vad(Protocol):
    def is_speech(self, buf: bytes, sample_rate: int) -> bool: ...


def end_silence_for(pause: float) -> float:
    """Seconds of quiet after speech that end a turn, from the state's pause window.

    A yes/no question (pause 4 s) ends a turn after 0.7 s of quiet; a reflective one
    (12 s) after 1.5 s; a long rehearsal (20 s) after 2.5 s.
    """
    return max(0.7, min(2.5, pause / 8))


def max_turn_for(pause: float) -> float:
    """The longest a single answer may run, in seconds, before the coach takes it as said."""
    return 15.0 if pause <= 6 else 90.0


@dataclass(frozen=True)
class Event:
    """Something the endpointer noticed, and when (seconds since listening began)."""

    kind: Literal["speech_started", "turn_ended", "silence", "too_long"]
    at: float
    speech_start: float = 0.0
    """When the speech of this turn began, in seconds since listening began."""


class Endpointer:
    """Feed it audio (16 kHz, 16-bit mono); it says when a turn starts and ends."""

    def __init__(self, pause: float, aggressiveness: int = 2, vad: _Vad | None = None) -> None:
        if vad is None:
            import webrtcvad

            vad = webrtcvad.Vad(aggressiveness)
        self.vad = vad
        self.pause = pause
        """Seconds without any speech before reporting silence."""
        self.end_silence = end_silence_for(pause)
        self.max_turn = max_turn_for(pause)
        self._frame_bytes = int(SPEECH.rate * FRAME_SECONDS) * SPEECH.width
        self._pending = b""
        self._recent: deque[bool] = deque(maxlen=START_WINDOW)
        self._frames = 0
        self._last_voice = 0.0
        self.speech_start: float | None = None
        self.silence_reported = False
        self.done = False
        """True once the turn has ended; later audio belongs to the next turn."""

    @property
    def heard_seconds(self) -> float:
        return self._frames * FRAME_SECONDS

    @property
    def quiet_seconds(self) -> float:
        """How long it has been quiet since the last speech frame, in seconds of audio."""
        return self.heard_seconds - self._last_voice

    def extend(self, factor: float = 2.0) -> None:
        """Allow a longer silence once ("let me think")."""
        self.pause *= factor

    def feed(self, block: AudioBlock) -> list[Event]:
        if block.format != SPEECH:
            raise ValueError(f"the endpointer needs {SPEECH}, got {block.format}")
        events: list[Event] = []
        data = self._pending + block.pcm
        whole = len(data) - len(data) % self._frame_bytes
        self._pending = data[whole:]
        for offset in range(0, whole, self._frame_bytes):
            event = self._frame(data[offset : offset + self._frame_bytes])
            if event is not None:
                events.append(event)
        return events

    def _frame(self, frame: bytes) -> Event | None:
        if self.done:
            return None
        self._frames += 1
        now = self.heard_seconds
        voiced = self.vad.is_speech(frame, SPEECH.rate)
        self._recent.append(voiced)
        if voiced:
            self._last_voice = now
        if self.speech_start is None:
            if sum(self._recent) >= START_FRAMES:
                self.speech_start = max(0.0, now - len(self._recent) * FRAME_SECONDS)
                return Event("speech_started", now, self.speech_start)
            if now >= self.pause and not self.silence_reported:
                self.silence_reported = True
                return Event("silence", now)
            return None
        if now - self._last_voice >= self.end_silence:
            self.done = True
            return Event("turn_ended", now, self.speech_start)
        if now - self.speech_start >= self.max_turn:
            self.done = True
            return Event("too_long", now, self.speech_start)
        return None
