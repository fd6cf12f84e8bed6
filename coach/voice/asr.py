"""Speech recognition: the Recogniser interface and its PocketSphinx and Vosk engines.

A recogniser listens for one utterance at a time: `listen(expect)` returns an Utterance that
takes audio as it arrives (`accept`), can say what it has heard so far (`partial`), and gives
the final `Heard` at `finish`. Questions with a short list of possible answers are recognised
against a grammar of those phrases (see `grammar.py`); free answers use the engine's full
language model. Audio in any rate or channel count is converted as it streams in.

Engines, and their heavy imports, load only when constructed.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from coach.errors import CoachError
from coach.voice.format import SPEECH, AudioBlock, AudioFormat
from coach.voice.grammar import Expectation, restrict
from coach.voice.wavfile import samples, to_mono

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

UNKNOWN = "[unk]"
"""The word Vosk writes for speech outside its grammar (if the model has it, as the English
ones do): kept in `Heard.words`, left out of `Heard.text`."""


@dataclass(frozen=True)
class Word:
    """One recognised word and where it was said."""

    text: str
    start: float
    """Seconds from the start of the utterance's audio."""
    end: float
    """Seconds from the start of the utterance's audio."""
    confidence: float
    """0..1: the engine's posterior probability that this word is right."""


@dataclass(frozen=True)
class Heard:
    """What a recogniser heard in one utterance."""

    text: str
    """Lower-case words, single spaces; "" if nothing intelligible was said."""
    confidence: float
    """0..1: how sure the engine is of `text` (0 when nothing was heard)."""
    words: tuple[Word, ...]
    """The words with timings; may include "[unk]" for speech outside the grammar."""
    engine: str
    audio_seconds: float
    """Seconds of audio the utterance was given (before any resampling)."""


class Utterance(Protocol):
    """One stretch of speech being recognised as it arrives."""

    def accept(self, block: AudioBlock) -> None:
        """Decode more audio, in any rate or channel count (16-bit)."""

    def partial(self) -> str:
        """What has been heard so far (may change until `finish`)."""

    def finish(self) -> Heard:
        """The final result; the utterance takes no more audio afterwards."""


class Recogniser(Protocol):
    """A speech recognition engine, ready to listen."""

    @property
    def name(self) -> str:
        """The engine's name, e.g. "pocketsphinx"."""

    @property
    def format(self) -> AudioFormat:
        """The audio it decodes natively; other formats are converted on the way in."""

    def listen(self, expect: Expectation) -> Utterance:
        """Start an utterance listening for what `expect` allows (one at a time)."""


class SpeechStream:
    """Converts incoming blocks to mono 16-bit at `rate`, resampling as they stream in."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.seconds = 0.0
        self._source_rate: int | None = None
        self._resampler: Any = None

    def convert(self, block: AudioBlock, last: bool = False) -> bytes:
        if block.format.width != 2:
            raise ValueError(f"recognisers take 16-bit audio, not {8 * block.format.width}-bit")
        self.seconds += block.seconds
        mono = to_mono(block)
        if self._source_rate is None:
            self._source_rate = mono.format.rate
        elif mono.format.rate != self._source_rate:
            raise ValueError(
                f"audio changed from {self._source_rate} Hz to {mono.format.rate} Hz mid-utterance"
            )
        if mono.format.rate == self.rate:
            return mono.pcm
        if self._resampler is None:
            import soxr

            self._resampler = soxr.ResampleStream(mono.format.rate, self.rate, 1, dtype="int16")
        out: np.ndarray[Any, Any] = self._resampler.resample_chunk(samples(mono), last=last)
        return out.astype("<i2").tobytes()

    def flush(self) -> bytes:
        """The resampler's last samples, once the audio has ended."""
        if self._resampler is None or self._source_rate is None:
            return b""
        return self.convert(AudioBlock(b"", AudioFormat(self._source_rate)), last=True)


# --- PocketSphinx -------------------------------------------------------------------------

_SPHINX_FILLERS = frozenset(("<s>", "</s>", "<sil>", "(NULL)", "[NOISE]", "++NOISE++", "[SPEECH]"))
DITHER = 33.0
"""Standard deviation (in 16-bit steps, about -60 dBFS) of the noise PocketSphinx input gets.

PocketSphinx misreads digital silence (exact zeros, as in padded files or synthetic speech):
its features for all-zero frames are extreme, and in a grammar search the silence model then
swallows quiet sounds like "s". A noise floor far below any microphone's own fixes that
(measured: isolated espeak-ng words 54% -> 82%, human digits at 8 kHz 68% -> 84%).
"""
GRAMMAR_SEARCH: dict[str, float] = {"beam": 1e-80, "pbeam": 1e-80, "wbeam": 1e-60, "silprob": 0.3}
"""Decoder settings for grammar searches; free recognition keeps PocketSphinx's defaults.

A grammar has few paths, so wide beams (defaults 1e-48, 1e-48, 7e-29) cost little, and in
noise the default ones pruned the right phrase before its end. Likelier silence (default
0.005) lets noise around an answer be silence instead of part of a long phrase. Measured by
scripts/benchmarks/accuracy.py (espeak-ng at 175 wpm, four voices): white noise at 10 dB
SNR 67% -> 82% (beams) -> 86% (and silence), babble 19% -> 34% -> 40%, clean unchanged.
"""
ALTERNATE_PRONUNCIATIONS = (
    ("course", "K AO S"), ("faster", "F AA S T AH"), ("faster", "F AA S T ER"),
    ("forget", "F AH G EH T"), ("four", "F AO"), ("pardon", "P AA D AH N"), ("pass", "P AA S"),
    ("rather", "R AA DH AH"), ("remember", "R IH M EH M B AH"), ("slower", "S L OW AH"),
    ("sure", "SH AO"), ("sure", "SH AO R"), ("yeah", "Y EH"), ("yeah", "Y EH AH"),
)  # fmt: skip
"""British (non-rhotic, broad a) ways of saying words the grammars use, which CMUdict lacks.

Without them a British voice's "faster" and "pass" were heard as "pause" (measured: clean
espeak-ng answers 93.6% -> 95.2%, the en-gb voice 87% -> 97%).
"""
FIRST_ANSWER_PASSES = 3
"""How often a fresh recogniser decodes its first answer again, once it has adapted to it.

The feature normalisation starts from the model's values, far from any real microphone's,
and adapts as it hears speech. Measured on ten espeak-ng open answers, each the first of a
fresh recogniser against the same answer after the nine others (free recognition): 74%
against 43% of words wrong; decoded again three times, 45% against 52%. It costs the first
answer three more decodes (grammar: milliseconds; free: about 0.6 s per second of speech,
once per process). The passes are fed as a stream, not as a whole utterance
(`process_raw(..., full_utt=True)`): that sized PocketSphinx's buffers to the first answer,
and a longer one given in one piece later crashed the process.
"""
GRAMMAR_SEARCH_NAME = "grammar"
"""PocketSphinx keeps one grammar search, made again when a question needs other phrases.

Making one takes 1-3 ms of CPU; keeping one per set of phrases grew the process by 1-3 MB
for each new one (scripts/bench.py --only memory).
"""
TRIM_KEEP = 0.15
"""Seconds of non-speech kept on each side of the speech when trimming an answer."""
_TRIM_FRAME = 480 * SPEECH.width  # 30 ms at 16 kHz: a frame WebRTC's detector takes
_TRIM_KEEP_FRAMES = round(TRIM_KEEP / 0.03)
_TRIM_WARM_UP_FRAMES = 4
"""A new detector calls its first few frames speech whatever they hold: those are not trusted."""


class _SphinxVocabulary:
    def __init__(self, decoder: Any) -> None:
        self._decoder = decoder
        self._known: dict[str, bool] = {}

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        if word not in self._known:
            self._known[word] = self._decoder.lookup_word(word) is not None
        return self._known[word]


class PocketSphinxRecogniser:
    """PocketSphinx 5 with its bundled US English model (or another Sphinx model folder).

    The lattice best-path pass is off (`bestpath=False`): with a grammar it often returned a
    path that stops inside a phrase ("three out of"), which is no answer at all. The second,
    flat-lexicon pass of free recognition is off too (`fwdflat=False`): it runs over the whole
    answer once it has ended, leaving 250-600 ms of work after the person stops (45-65 ms
    without it; scripts/bench.py --only cost); without it one word of the ~30 in the long
    test answer came out differently ("hours" as "otters").

    Grammar searches get their own settings (GRAMMAR_SEARCH), the dictionary gets British
    pronunciations (ALTERNATE_PRONUNCIATIONS), and answers are trimmed of the non-speech
    before and after them (WebRTC's detector) as they stream in: the decoder must explain
    every frame it is given, and silence around a short answer was often taken for part of a
    phrase (measured with a grammar: clean espeak-ng answers 89% -> 94%; free recognition of
    the human digits 20% -> 25%, with a quarter less computing). The feature normalisation
    (cepstral mean) keeps adapting from one answer to the next, as it should with one
    microphone in one room. It starts from the model's values, far from any real microphone's,
    so the first answer a recogniser hears is decoded again with what the first pass taught
    it (FIRST_ANSWER_PASSES).

    Confidence: for a grammar, `hyp().prob` (PocketSphinx's posterior of the hypothesis; near
    1.0 for most complete phrases without the lattice pass), and 0 when the search ended
    inside a phrase, i.e. the speech did not fit the grammar. For free speech, the mean of the
    words' posteriors (`seg()[i].prob`), as a sentence's posterior shrinks with its length.
    Neither is calibrated: the intent parsers' confidence and a confirmation question do the
    real work.
    """

    name = "pocketsphinx"
    format = SPEECH

    def __init__(self, model_dir: Path | None = None) -> None:
        import pocketsphinx

        folder = Path(model_dir or Path(pocketsphinx.get_model_path()) / "en-us")
        hmm, lm, dictionary = _sphinx_files(folder)
        self.model_dir = folder
        # The language model is added after the extra pronunciations (adding a word to a
        # decoder that has one rebuilds its search, 0.2 s), and only once free recognition is
        # first asked for: beside Moonshine it never is, and it holds about 30 MB.
        self._decoder = pocketsphinx.Decoder(
            hmm=str(hmm),
            lm=None,
            dict=str(dictionary),
            bestpath=False,
            fwdflat=False,
            loglevel="FATAL",
        )
        _add_pronunciations(self._decoder, ALTERNATE_PRONUNCIATIONS)
        self._free_search = "free"
        self._language_model: Path | None = lm
        """Added as the free search on first use (then None)."""
        self._grammar: tuple[str, ...] = ()
        """The phrases of the one grammar search kept (GRAMMAR_SEARCH_NAME)."""
        self._current: _SphinxUtterance | None = None
        self.vocabulary = _SphinxVocabulary(self._decoder)
        self.settled = False
        """Whether the feature normalisation has adapted to speech yet (FIRST_ANSWER_PASSES)."""

    def listen(self, expect: Expectation) -> Utterance:
        if self._current is not None:
            self._current.abandon()
        phrases = restrict(expect.phrases, self.vocabulary)
        self._decoder.activate_search(self._search_for(phrases))
        self._current = _SphinxUtterance(self, self._decoder, frozenset(phrases))
        return self._current

    def _search_for(self, phrases: tuple[str, ...]) -> str:
        if not phrases:
            if self._language_model is not None:
                self._decoder.add_lm_file(self._free_search, str(self._language_model))
                self._language_model = None
            return self._free_search
        if phrases != self._grammar:
            alternatives = " | ".join(phrases)
            jsgf = f"#JSGF V1.0;\ngrammar coach;\npublic <answer> = {alternatives};\n"
            config = self._decoder.config
            defaults = {key: config[key] for key in GRAMMAR_SEARCH}
            try:  # a search reads these when it is made; the free one was made with defaults
                for key, value in GRAMMAR_SEARCH.items():
                    config[key] = value
                self._decoder.add_jsgf_string(GRAMMAR_SEARCH_NAME, jsgf)  # frees the one before
            finally:
                for key, value in defaults.items():
                    config[key] = value
            self._grammar = phrases
        return GRAMMAR_SEARCH_NAME

    def _done(self, utterance: _SphinxUtterance) -> None:
        if self._current is utterance:
            self._current = None
        self.settled = self.settled or utterance.fed > 0


def _add_pronunciations(decoder: Any, words: Sequence[tuple[str, str]]) -> None:
    """Add alternative pronunciations ("four" -> "four(2)") of words the dictionary has."""
    for word, phones in words:
        if decoder.lookup_word(word) is None:
            continue
        n = 2
        while decoder.lookup_word(f"{word}({n})") is not None:
            if decoder.lookup_word(f"{word}({n})") == phones:
                break
            n += 1
        else:
            try:
                decoder.add_word(f"{word}({n})", phones, False)
            except RuntimeError:  # another model, without these phones
                log.debug("cannot add %s /%s/ to this model", word, phones)


class _Trim:
    """Drops the non-speech before and after an answer as it streams in (WebRTC's detector).

    After speech, TRIM_KEEP seconds of non-speech are passed on at once (so that little is
    left to decode when the answer ends); more is held back until speech comes again (then
    it is passed on: a pause inside the answer) or the answer ends (then it is dropped).
    Where the detector finds no speech at all, nothing is passed on: the same detector
    decides when the coach starts listening, and a grammar search given only noise or silence
    still finds a phrase in it.
    """

    def __init__(self) -> None:
        import webrtcvad

        self._vad = webrtcvad.Vad(2)
        self._pending = b""
        self._held: list[bytes] = []
        self._speech = False
        self._frames = 0
        self._quiet = 0  # non-speech frames since the last speech
        self.dropped = 0
        """Bytes dropped before the first one passed on."""

    def feed(self, pcm: bytes) -> bytes:
        """The audio to decode now (16 kHz, 16-bit mono in, the same out)."""
        data = self._pending + pcm
        whole = len(data) // _TRIM_FRAME * _TRIM_FRAME
        self._pending = data[whole:]
        out: list[bytes] = []
        for start in range(0, whole, _TRIM_FRAME):
            frame = data[start : start + _TRIM_FRAME]
            self._frames += 1
            speech = self._vad.is_speech(frame, SPEECH.rate)
            if speech and self._frames > _TRIM_WARM_UP_FRAMES:
                self._speech = True
                self._quiet = 0
                out += self._held
                out.append(frame)
                self._held = []
            elif self._speech and self._quiet < _TRIM_KEEP_FRAMES:
                self._quiet += 1
                out.append(frame)
            else:
                self._held.append(frame)
                if not self._speech and len(self._held) > _TRIM_KEEP_FRAMES:
                    self.dropped += len(self._held.pop(0))
        return b"".join(out)


class _SphinxUtterance:
    def __init__(
        self, owner: PocketSphinxRecogniser, decoder: Any, phrases: frozenset[str]
    ) -> None:
        import numpy as np

        self._owner = owner
        self._decoder = decoder
        self._phrases = phrases  # empty: free recognition
        self._stream = SpeechStream(SPEECH.rate)
        self._noise = np.random.default_rng(0)  # the same dither every time: repeatable results
        self._trim = _Trim()
        self.fed = 0
        """Bytes given to the decoder."""
        self._again = bytearray() if not owner.settled else None
        self._open = True
        decoder.start_utt()

    def accept(self, block: AudioBlock) -> None:
        self._check_open()
        self._process(self._stream.convert(block))

    def _process(self, pcm: bytes) -> None:
        import numpy as np

        if pcm:
            values = np.frombuffer(pcm, dtype="<i2") + self._noise.normal(
                0.0, DITHER, len(pcm) // 2
            )
            pcm = np.clip(np.round(values), -32768, 32767).astype("<i2").tobytes()
        pcm = self._trim.feed(pcm)
        if pcm:
            self._decoder.process_raw(pcm, False, False)
            self.fed += len(pcm)
            if self._again is not None:
                self._again += pcm

    def partial(self) -> str:
        self._check_open()
        hyp = self._decoder.hyp()
        return str(hyp.hypstr) if hyp is not None else ""

    def finish(self) -> Heard:
        self._check_open()
        self._process(self._stream.flush())
        self._decoder.end_utt()
        for _ in range(FIRST_ANSWER_PASSES if self._again else 0):
            # the first answer, heard again with the normalisation it taught
            self._decoder.start_utt()
            self._decoder.process_raw(bytes(self._again or b""), False, False)
            self._decoder.end_utt()
        self._open = False
        self._owner._done(self)
        if not self.fed:  # the decoder's result would be stale: nothing heard
            return Heard("", 0.0, (), "pocketsphinx", self._stream.seconds)
        hyp = self._decoder.hyp()
        frate = float(self._decoder.config["frate"])
        offset = self._trim.dropped / SPEECH.bytes_per_second
        words = tuple(
            Word(
                _base_word(s.word),
                offset + s.start_frame / frate,
                offset + (s.end_frame + 1) / frate,
                s.prob,
            )
            for s in (self._decoder.seg() or ())
            if s.word not in _SPHINX_FILLERS
        )
        text = " ".join(w.text for w in words)
        if not text or hyp is None or (self._phrases and text not in self._phrases):
            confidence = 0.0
        elif self._phrases:
            confidence = float(hyp.prob)
        else:
            confidence = sum(w.confidence for w in words) / len(words)
        return Heard(text, _unit(confidence), words, "pocketsphinx", self._stream.seconds)

    def abandon(self) -> None:
        """End without a result (another utterance is starting on the same decoder)."""
        if self._open:
            self._decoder.end_utt()
            self._open = False

    def _check_open(self) -> None:
        if not self._open:
            raise RuntimeError("this utterance is finished; call listen() for a new one")


def _sphinx_files(folder: Path) -> tuple[Path, Path, Path]:
    """The acoustic model folder, language model and dictionary inside a Sphinx model folder."""
    hmms = sorted(p.parent for p in folder.glob("*/mdef"))
    words = [p for p in sorted(folder.iterdir()) if "-phone" not in p.name]  # not phone LMs
    lms = [p for p in words if p.name.endswith(".lm.bin")] or [
        p for p in words if p.name.endswith(".lm")
    ]
    dicts = [p for p in words if p.name.endswith(".dict")]
    if not (hmms and lms and dicts):
        raise CoachError(
            f"{folder} is not a PocketSphinx model folder "
            "(it needs an acoustic model folder, a *.lm.bin and a *.dict).",
            "Leave the model unset to use the English model that comes with PocketSphinx.",
        )
    return hmms[0], lms[0], dicts[0]


def _base_word(word: str) -> str:
    """ "really(2)" -> "really": PocketSphinx marks alternative pronunciations."""
    return word.split("(", 1)[0] if word.endswith(")") else word


def _unit(value: float) -> float:
    return min(1.0, max(0.0, value))


# --- Vosk ---------------------------------------------------------------------------------

_VOSK_MODELS: dict[Path, Any] = {}
_VOSK_LOCK = threading.Lock()


def shared_vosk_model(model_dir: Path) -> Any:
    """The one vosk.Model for a folder, loaded on first use (a model takes 100s of MB)."""
    key = Path(model_dir).resolve()
    with _VOSK_LOCK:
        if key not in _VOSK_MODELS:
            import vosk

            vosk.SetLogLevel(-1)  # warnings only: no LOG lines
            if not (key / "am" / "final.mdl").is_file():
                raise CoachError(
                    f"{key} is not a Vosk model folder (no am/final.mdl).",
                    "Download one with `coach models download small-en-us`.",
                )
            try:  # a path only: Model(lang=...) and Model(model_name=...) download from the web
                _VOSK_MODELS[key] = vosk.Model(str(key))
            except Exception as error:  # vosk raises a bare Exception
                raise CoachError(f"Vosk could not load the model in {key}.", str(error)) from error
        return _VOSK_MODELS[key]


class VoskVocabulary:
    """The words a Vosk model knows, asked of the model itself (`vosk_model_find_word`).

    Small models ship no words.txt (their word list is only inside graph/Gr.fst), so the
    model is asked word by word; answers are cached.
    """

    def __init__(self, model: Any) -> None:
        self._model = model
        self._known: dict[str, bool] = {}

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        if word not in self._known:
            self._known[word] = self._model.vosk_model_find_word(word) >= 0
        return self._known[word]


class VoskRecogniser:
    """Vosk (Kaldi) with a downloaded model; all recognisers of one model folder share it.

    Grammars need a model with a dynamic graph (graph/Gr.fst and HCLr.fst: the "small"
    models). Big models with a static graph/HCLG.fst ignore grammars, so they always
    recognise freely. Confidence is the mean of the words' confidences ("conf").

    A grammar recogniser (KaldiRecognizer) is made per utterance: that takes milliseconds.
    A free one is made once and reused (FinalResult resets it): with a small model, a new
    one spends about a second warming up on its first audio. It keeps adapting to the voice
    (i-vectors) from one answer to the next, so the same audio may be heard a little
    differently later in a session.
    """

    name = "vosk"
    format = SPEECH

    def __init__(self, model_dir: Path) -> None:
        self.model_dir = Path(model_dir)
        self._model = shared_vosk_model(self.model_dir)
        graph = self.model_dir / "graph"
        self.grammars = (graph / "Gr.fst").is_file() or not (graph / "HCLG.fst").is_file()
        self.vocabulary = VoskVocabulary(self._model)
        self._free: _Kaldi | None = None
        self._current: _VoskUtterance | None = None

    def listen(self, expect: Expectation) -> Utterance:
        import vosk

        if self._current is not None:
            self._current.abandon()
        phrases = restrict(expect.phrases, self.vocabulary) if self.grammars else ()
        if phrases and UNKNOWN in self.vocabulary:  # not every model has it (Korean: no)
            phrases = (*phrases, UNKNOWN)
        rate = float(SPEECH.rate)
        if phrases:
            grammar = json.dumps(list(phrases), ensure_ascii=False)
            kaldi = _Kaldi(vosk.KaldiRecognizer(self._model, rate, grammar))
        else:
            if self._free is None:
                self._free = _Kaldi(vosk.KaldiRecognizer(self._model, rate))
            kaldi = self._free
        self._current = _VoskUtterance(self, kaldi)
        return self._current

    def _abandoned(self, kaldi: _Kaldi) -> None:
        # Reset() does not drop audio already buffered: that would leak into the next answer.
        if kaldi is self._free:
            self._free = None


class _Kaldi:
    """A KaldiRecognizer and how much audio it has had: its word times count from its start."""

    def __init__(self, recognizer: Any) -> None:
        recognizer.SetWords(True)
        self.recognizer = recognizer
        self.seconds = 0.0


class _VoskUtterance:
    def __init__(self, owner: VoskRecogniser, kaldi: _Kaldi) -> None:
        self._owner = owner
        self._kaldi = kaldi
        self._recognizer = kaldi.recognizer
        self._offset = kaldi.seconds  # seconds this recogniser heard before this utterance
        self._stream = SpeechStream(SPEECH.rate)
        self._results: list[dict[str, Any]] = []  # one per endpoint Vosk found mid-stream
        self._open = True

    def accept(self, block: AudioBlock) -> None:
        self._check_open()
        self._process(self._stream.convert(block))

    def _process(self, pcm: bytes) -> None:
        # A True return means Vosk found an endpoint: that segment's result must be
        # collected now, or the next audio replaces it.
        self._kaldi.seconds += SPEECH.seconds(len(pcm))
        if pcm and self._recognizer.AcceptWaveform(pcm):
            self._results.append(json.loads(self._recognizer.Result()))

    def partial(self) -> str:
        self._check_open()
        current = json.loads(self._recognizer.PartialResult()).get("partial", "")
        return _text([*(r.get("text", "") for r in self._results), current])

    def finish(self) -> Heard:
        self._check_open()
        self._process(self._stream.flush())
        self._results.append(json.loads(self._recognizer.FinalResult()))  # also resets it
        self._open = False
        start = self._offset
        words = tuple(
            Word(w["word"], max(0.0, w["start"] - start), w["end"] - start, _unit(w["conf"]))
            for result in self._results
            for w in result.get("result", [])
        )
        known = [w for w in words if w.text != UNKNOWN]
        confidence = sum(w.confidence for w in known) / len(known) if known else 0.0
        return Heard(_text(w.text for w in known), confidence, words, "vosk", self._stream.seconds)

    def abandon(self) -> None:
        """End without a result (another utterance is starting)."""
        if self._open:
            self._owner._abandoned(self._kaldi)
            self._open = False

    def _check_open(self) -> None:
        if not self._open:
            raise RuntimeError("this utterance is finished; call listen() for a new one")


def _text(parts: Any) -> str:
    return " ".join(w for part in parts for w in str(part).split() if w != UNKNOWN)


# --- finding and choosing an engine -------------------------------------------------------


def default_model_dirs() -> list[Path]:
    """Where downloaded models are looked for: the data folder's models/, then the repo's."""
    from coach.paths import data_dir

    return [data_dir() / "models", Path(__file__).resolve().parents[2] / "models"]


def find_vosk_model(language: str, search: Sequence[Path] | None = None) -> Path | None:
    """A Vosk model folder for `language` ("en", "en-us", "ko") in or among `search` folders.

    A folder qualifies if it holds am/final.mdl and its name, or its parent's, contains the
    language as whole dash-separated parts ("vosk-model-small-en-us-0.15" is "en" and
    "en-us"). Exact-dialect and small models are preferred.
    """
    wanted = language.lower().replace("_", "-").split("-")
    found: list[Path] = []
    for root in search if search is not None else default_model_dirs():
        if not root.is_dir():
            continue
        for folder in [root, *sorted(p for p in root.iterdir() if p.is_dir())]:
            if (folder / "am" / "final.mdl").is_file() and (
                _names_language(folder.name, wanted) or _names_language(folder.parent.name, wanted)
            ):
                found.append(folder)
    if not found:
        return None
    return min(found, key=lambda p: ("small" not in p.name, len(p.name), str(p)))


def _names_language(name: str, wanted: list[str]) -> bool:
    parts = name.lower().replace("_", "-").split("-")
    n = len(wanted)
    return any(parts[i : i + n] == wanted for i in range(len(parts) - n + 1))
