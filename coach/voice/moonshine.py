"""Moonshine tiny English: a neural recogniser for open answers, shipped inside its wheel.

`moonshine-voice` 0.1.0 carries the tiny English weights in the package (`assets/tiny-en`,
about 43 MB, MIT); later versions fetch them at run time, so the version is pinned and the
weights are loaded from the package's own folder, never from the network.

Moonshine transcribes whole stretches of speech, not a stream of frames. So that the text is
ready when the question's pause window ends, an utterance cuts the answer into segments at
the pauses WebRTC's detector finds and transcribes each in a background thread as soon as
the person pauses (SEGMENT_PAUSE): when the closing silence starts, the last segment is
already being transcribed. A segment that goes on after a pause is transcribed again whole,
until it is long enough to be kept (KEEP_SEGMENT) and a new one starts: the model hears each
phrase with its context, and the work redone at a pause stays bounded.

It recognises freely and ignores grammars: closed questions go to a grammar engine
(`coach.voice.engines`). It gives no confidence (its word scores need a model the wheel does
not carry): a non-empty result has confidence 1.0.
"""

from __future__ import annotations

import logging
import re
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from coach.dialog.numbers import number_words
from coach.errors import CoachError
from coach.voice.asr import Heard, SpeechStream, Utterance, Word
from coach.voice.format import SPEECH, AudioBlock
from coach.voice.grammar import Expectation

log = logging.getLogger(__name__)
Samples = npt.NDArray[np.float32]

NAME = "moonshine"
MODEL = "tiny-en"
MODEL_FILES = ("encoder_model.ort", "decoder_model_merged.ort", "tokenizer.bin")
REINSTALL = "Reinstall it with: .venv/bin/pip install --force-reinstall 'moonshine-voice==0.1.0'"
OPTIONS = {"vad_threshold": "0.2"}
"""Moonshine's own voice detector (Silero) runs again on each segment, at a low threshold
(its default is 0.5): the segment is speech by WebRTC's detector already. With it off, a
cough or a sliver of silence came out as "you" or "?"; at 0.5 it clipped short answers
("help", "five"). Tried 0, 0.2, 0.35 and 0.5 (scripts/bench.py --only accuracy): closed
answers clean 98.0% at 0 and 0.2 against 96.7% at 0.5, open answers 9.5-10.3% of words
wrong and people reading 1.4-2.8% at all of them."""

FRAME = 480 * SPEECH.width
"""30 ms at 16 kHz, the frame WebRTC's detector takes."""
FRAME_SECONDS = 0.03
SEGMENT_PAUSE = 0.24
"""Seconds of non-speech after speech at which the segment so far is transcribed."""
KEEP_SEGMENT = 6.0
"""Seconds of speech after which a segment is kept as it is at its next pause."""
LONGEST_SEGMENT = 20.0
"""A segment is cut here even without a pause (Moonshine is trained on clips up to ~30 s)."""
LEAD_IN = 0.15
"""Seconds of the audio before speech kept at the start of a segment."""
_WARM_UP_FRAMES = 4
"""A new WebRTC detector calls its first few frames speech whatever they hold."""
PADDING = 0.5
"""Seconds of silence added on each side of a segment: without, Moonshine dropped or
misheard first and last words more often."""
HELD_PAUSE = 0.5
"""Seconds of a longer pause kept inside a segment when the person goes on after it."""
SHORTEST_SPEECH = 0.12
"""Segments with less speech than this (a click, a breath) are not transcribed."""


@dataclass
class _Segment:
    """A stretch of speech, and the transcription asked for it so far."""

    start: float
    """Seconds from the start of the utterance's audio."""
    pcm: bytearray
    speech_frames: int = 0
    job: Future[str] | None = None
    job_bytes: int = 0
    """How much of `pcm` the job transcribes: stale if the segment grew since."""

    @property
    def seconds(self) -> float:
        return SPEECH.seconds(len(self.pcm))

    @property
    def ready(self) -> bool:
        return self.job is not None and self.job_bytes == len(self.pcm)


class MoonshineRecogniser:
    """Moonshine tiny English, from the weights inside the moonshine-voice wheel."""

    name = NAME
    format = SPEECH

    def __init__(self, model_dir: Path | None = None) -> None:
        self.model_dir = Path(model_dir) if model_dir is not None else _packaged_model()
        missing = [f for f in MODEL_FILES if not (self.model_dir / f).is_file()]
        if missing:
            raise CoachError(
                f"Moonshine's model is incomplete in {self.model_dir} "
                f"(missing: {', '.join(missing)}).",
                REINSTALL,
            )
        try:
            from moonshine_voice.moonshine_api import ModelArch
            from moonshine_voice.transcriber import Transcriber

            self._transcriber = Transcriber(str(self.model_dir), ModelArch.TINY, options=OPTIONS)
        except Exception as error:  # ctypes load errors, a damaged model: MoonshineError, OSError
            raise CoachError(f"Moonshine could not load its model ({error}).", REINSTALL) from error
        self._lock = threading.Lock()  # one transcription at a time on the one transcriber
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="coach-moonshine")
        self._current: _MoonshineUtterance | None = None
        self.transcribe(np.zeros(SPEECH.rate // 2, dtype=np.float32))  # sets up ONNX Runtime

    def listen(self, expect: Expectation) -> Utterance:
        """A free utterance, whatever `expect` allows: Moonshine takes no grammar."""
        if self._current is not None:
            self._current.abandon()
        self._current = _MoonshineUtterance(self)
        return self._current

    def transcribe(self, audio: Samples) -> str:
        """The words in one stretch of speech (float32 from -1 to 1 at 16 kHz), normalised.

        The samples go to the C library as they are: the binding's own method copies them
        into a Python list and a ctypes array first, megabytes for a long answer.
        """
        import ctypes

        from moonshine_voice.errors import check_error
        from moonshine_voice.moonshine_api import TranscriptC

        samples = np.ascontiguousarray(audio, dtype=np.float32)
        pointer = samples.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
        out = ctypes.POINTER(TranscriptC)()
        transcriber = self._transcriber
        with self._lock:
            check_error(
                transcriber._lib.moonshine_transcribe_without_streaming(
                    transcriber._handle, pointer, len(samples), SPEECH.rate, 0, ctypes.byref(out)
                )
            )
            transcript = transcriber._parse_transcript(out)
        return normalise(" ".join(line.text for line in transcript.lines))

    def submit(self, pcm: bytes) -> Future[str]:
        """Transcribe 16 kHz 16-bit mono audio in the background, padded with silence."""
        silence = np.zeros(round(PADDING * SPEECH.rate), dtype=np.float32)
        speech = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
        return self._worker.submit(self.transcribe, np.concatenate([silence, speech, silence]))

    def idle(self) -> None:
        """Wait until the transcriptions asked for so far are done (tests and benchmarks feed
        audio faster than it is spoken, with no pause window to do them in)."""
        self._worker.submit(lambda: None).result()

    def _done(self, utterance: _MoonshineUtterance) -> None:
        if self._current is utterance:
            self._current = None


class _MoonshineUtterance:
    def __init__(self, owner: MoonshineRecogniser) -> None:
        import webrtcvad

        self._owner = owner
        self._vad = webrtcvad.Vad(2)
        self._stream = SpeechStream(SPEECH.rate)
        self._pending = b""
        self._frames = 0
        self._before = bytearray()  # non-speech since the last segment, for its lead-in
        self._quiet = 0  # non-speech frames since the last speech
        self._segments: list[_Segment] = []
        self._open: _Segment | None = None
        self._closed = False

    def accept(self, block: AudioBlock) -> None:
        self._check_open()
        self._feed(self._stream.convert(block))

    def _feed(self, pcm: bytes) -> None:
        data = self._pending + pcm
        whole = len(data) // FRAME * FRAME
        self._pending = data[whole:]
        for start in range(0, whole, FRAME):
            self._frame(data[start : start + FRAME])

    def _frame(self, frame: bytes) -> None:
        self._frames += 1
        speech = self._frames > _WARM_UP_FRAMES and self._vad.is_speech(frame, SPEECH.rate)
        segment = self._open
        if speech:
            self._quiet = 0
            if segment is None:
                lead = bytes(self._before[-_bytes(LEAD_IN) :])
                start = self._frames * FRAME_SECONDS - FRAME_SECONDS - SPEECH.seconds(len(lead))
                segment = self._open = _Segment(max(0.0, start), bytearray(lead))
                self._segments.append(segment)
            else:  # speech again after a longer pause: the pause joins the segment
                segment.pcm += self._before[-_bytes(HELD_PAUSE) :]
            self._before = bytearray()
            segment.pcm += frame
            segment.speech_frames += 1
            if segment.seconds >= LONGEST_SEGMENT:
                self._transcribe(segment)
                self._open = None
            return
        self._quiet += 1
        if segment is None:
            self._before += frame
            del self._before[: -_bytes(LEAD_IN)]
            return
        if self._quiet * FRAME_SECONDS <= SEGMENT_PAUSE:
            segment.pcm += frame
            if self._quiet * FRAME_SECONDS + FRAME_SECONDS > SEGMENT_PAUSE:
                self._transcribe(segment)  # the person paused: what is there so far
                if segment.seconds >= KEEP_SEGMENT:
                    self._open = None
        else:  # a longer pause: held back, part of the segment only if speech comes again
            self._before += frame
            if segment.seconds + SPEECH.seconds(len(self._before)) > LONGEST_SEGMENT:
                self._open = None
                del self._before[: -_bytes(LEAD_IN)]

    def _transcribe(self, segment: _Segment) -> None:
        if segment.ready or segment.speech_frames * FRAME_SECONDS < SHORTEST_SPEECH:
            return
        if segment.job is not None:
            segment.job.cancel()  # stale: the segment grew
        segment.job = self._owner.submit(bytes(segment.pcm))
        segment.job_bytes = len(segment.pcm)

    def partial(self) -> str:
        self._check_open()
        done = [_text_of(s.job) for s in self._segments if s.job is not None and s.job.done()]
        return " ".join(t for t in done if t)

    def finish(self) -> Heard:
        self._check_open()
        self._feed(self._stream.flush())
        self._closed = True
        self._owner._done(self)
        for segment in self._segments:
            self._transcribe(segment)
        texts = [_text_of(s.job) if s.job is not None else "" for s in self._segments]
        words = tuple(
            word
            for segment, text in zip(self._segments, texts, strict=True)
            for word in _spread(text, segment.start, segment.start + segment.seconds)
        )
        text = " ".join(w.text for w in words)
        return Heard(text, 1.0 if text else 0.0, words, NAME, self._stream.seconds)

    def abandon(self) -> None:
        """End without a result (another utterance is starting)."""
        self._closed = True
        for segment in self._segments:
            if segment.job is not None:
                segment.job.cancel()

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("this utterance is finished; call listen() for a new one")


def _text_of(job: Future[str]) -> str:
    """A transcription's words; "" (and a warning) if Moonshine failed on it."""
    try:
        return job.result()
    except Exception as error:  # MoonshineError and whatever its C library reports
        log.warning("Moonshine could not transcribe a stretch of speech: %s", error)
        return ""


def _packaged_model() -> Path:
    try:
        from moonshine_voice.utils import get_model_path
    except ImportError as error:
        raise CoachError(
            "Moonshine is not installed, so open answers cannot use it.",
            "Install it with: .venv/bin/pip install 'moonshine-voice==0.1.0' (scripts/setup.sh "
            "does this).",
        ) from error
    return Path(get_model_path(MODEL))


def _bytes(seconds: float) -> int:
    return round(seconds / FRAME_SECONDS) * FRAME


def _spread(text: str, start: float, end: float) -> list[Word]:
    """Words with times shared out over their segment by length: Moonshine times segments,
    not words (its word timings need a model the wheel does not carry)."""
    words = text.split()
    total = sum(len(w) + 1 for w in words)
    found, at = [], start
    for word in words:
        length = (end - start) * (len(word) + 1) / total
        found.append(Word(word, at, at + length, 1.0))
        at += length
    return found


_ABBREVIATIONS = {"mr": "mister", "mrs": "missus", "ms": "miz", "dr": "doctor", "st": "saint"}
_NUMBER = re.compile(r"\d+")


def normalise(text: str) -> str:
    """Moonshine's written text as the other recognisers write it: lower-case words, no
    punctuation but apostrophes, whole numbers in words ("I'm 7." -> "i'm seven")."""
    text = text.lower().replace("\u2019", "'").replace("%", " percent")
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    text = _NUMBER.sub(lambda m: _spoken(m.group()), text)
    text = re.sub(r"[^a-z' ]+", " ", text)
    words = [w.strip("'") for w in text.split()]
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words if w)


def _spoken(digits: str) -> str:
    n = int(digits)
    if n < 1000:
        return f" {number_words(n)} "
    return " " + " ".join(number_words(int(d)) for d in digits) + " "
