"""The recognisers on real audio: PocketSphinx in English, Vosk with a real (Korean) model.

No engine is mocked. Accuracy floors sit below what was measured, with margin; each test
prints its figures (run with -s to see them).
"""

from __future__ import annotations

import collections
import time
from pathlib import Path

import pytest

from coach.dialog.understand import parse_number
from coach.errors import CoachError
from coach.voice.asr import (
    UNKNOWN,
    Heard,
    PocketSphinxRecogniser,
    Recogniser,
    Utterance,
    VoskRecogniser,
    VoskVocabulary,
    find_vosk_model,
    shared_vosk_model,
)
from coach.voice.engines import load_recogniser
from coach.voice.format import AudioBlock, AudioFormat
from coach.voice.grammar import FREE, Expectation, expectation_for, restrict
from coach.voice.hear import understand
from coach.voice.wavfile import pad, read_wav, resample, to_speech_format
from tests.voice.conftest import RATES, VOICES, Speak

NUMBERS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def recognise(
    recogniser: Recogniser, audio: AudioBlock, expect: Expectation, chunk: float = 0.1
) -> Heard:
    """Feed audio in chunks of `chunk` seconds, as a microphone would, and finish."""
    utterance = recogniser.listen(expect)
    step = max(2, round(chunk * audio.format.bytes_per_second) // 2 * 2)
    for start in range(0, len(audio.pcm), step):
        utterance.accept(AudioBlock(audio.pcm[start : start + step], audio.format))
    return utterance.finish()


def padded(path: Path, seconds: float = 0.3) -> AudioBlock:
    return pad(read_wav(path), seconds, seconds)


# --- PocketSphinx: English ------------------------------------------------------------------

ENGLISH_ANSWERS = [
    *[("yes_no", w, ("yes", True)) for w in ("yes", "yeah")],
    *[("yes_no", w, ("no", False)) for w in ("no", "nope", "not really")],
    *[("scale", w, ("number", n)) for n, w in enumerate(NUMBERS)],
    *[("yes_no", w, ("command", w)) for w in ("repeat", "stop", "skip")],
]


def test_espeak_answers_are_understood_through_the_state_grammar(
    sphinx: PocketSphinxRecogniser, speak: Speak
) -> None:
    right: collections.Counter[str] = collections.Counter()
    total: collections.Counter[str] = collections.Counter()
    wrong = []
    for voice in VOICES:
        for rate in RATES:
            for kind, said, meant in ENGLISH_ANSWERS:
                heard = recognise(sphinx, padded(speak(said, voice, rate)), expectation_for(kind))
                reading = understand(heard.text, kind, (), (0, 10))
                condition = f"{voice}@{rate}"
                total[condition] += 1
                if (reading.intent, reading.value) == meant:
                    right[condition] += 1
                else:
                    wrong.append(f"{condition} {said!r}->{heard.text!r}")
    accuracy = sum(right.values()) / sum(total.values())
    print(f"\nPocketSphinx, espeak-ng answers: {accuracy:.1%} of {sum(total.values())}")
    for condition in total:
        print(f"  {condition}: {right[condition] / total[condition]:.0%}")
    print("  wrong:", ", ".join(wrong))
    assert accuracy >= 0.75


def test_human_digits_at_8_khz_under_a_scale_grammar(
    sphinx: PocketSphinxRecogniser, fsdd: Path
) -> None:
    scale = expectation_for("scale")
    right: collections.Counter[str] = collections.Counter()
    total: collections.Counter[str] = collections.Counter()
    for path in sorted(fsdd.glob("*.wav")):
        digit, speaker, _ = path.stem.split("_")
        audio = padded(path)
        assert audio.format.rate == 8000  # resampled on the way into the recogniser
        heard = recognise(sphinx, audio, scale)
        reading = parse_number(heard.text, 0, 10)
        total[speaker] += 1
        right[speaker] += reading.intent == "number" and reading.value == int(digit)
    overall = sum(right.values()) / sum(total.values())
    print(f"\nPocketSphinx, FSDD digits (scale grammar): {overall:.1%} of {sum(total.values())}")
    for speaker in sorted(total):
        print(f"  {speaker}: {right[speaker] / total[speaker]:.0%}")
    assert sum(total.values()) == 150
    assert overall >= 0.5
    assert all(right[s] / total[s] >= 0.3 for s in total)


def test_a_grammar_beats_free_recognition_on_the_same_clips(
    sphinx: PocketSphinxRecogniser, fsdd: Path
) -> None:
    clips = sorted(fsdd.glob("*_0.wav"))  # 30 clips: free recognition is slow
    scores = {}
    for name, expect in (("grammar", expectation_for("scale")), ("free", FREE)):
        right = 0
        for path in clips:
            heard = recognise(sphinx, padded(path), expect)
            reading = parse_number(heard.text, 0, 10)
            right += reading.intent == "number" and reading.value == int(path.stem[0])
        scores[name] = right / len(clips)
    print(f"\nPocketSphinx on {len(clips)} FSDD clips: grammar {scores['grammar']:.0%}, "
          f"free {scores['free']:.0%}")  # fmt: skip
    assert scores["grammar"] >= scores["free"] + 0.2


def test_words_have_timings_inside_the_audio_and_confidences(
    sphinx: PocketSphinxRecogniser, speak: Speak
) -> None:
    sentence = "i would like to talk about something else"
    audio = padded(speak(sentence), 0.5)
    utterance = sphinx.listen(FREE)
    partials = []
    step = audio.format.bytes_per_second // 5
    for start in range(0, len(audio.pcm), step):
        utterance.accept(AudioBlock(audio.pcm[start : start + step], audio.format))
        partials.append(utterance.partial())
    heard = utterance.finish()
    print(f"\nfree: {heard.text!r} ({heard.confidence:.2f}); partials {partials}")
    assert heard.engine == "pocketsphinx"
    said = set(sentence.split())
    assert len(said & set(heard.text.split())) >= 4  # of 8: a free recogniser, a set not a string
    assert any(partials) and partials[0] == ""  # words appear while the audio streams in
    assert heard.audio_seconds == pytest.approx(audio.seconds, abs=0.01)
    assert 0.0 < heard.confidence <= 1.0
    starts = [w.start for w in heard.words]
    assert starts == sorted(starts)
    assert all(0.5 - 0.05 <= w.start < w.end <= audio.seconds for w in heard.words)
    assert " ".join(w.text for w in heard.words) == heard.text


def test_any_input_rate_gives_the_same_answer(sphinx: PocketSphinxRecogniser, speak: Speak) -> None:
    source = padded(speak("three"))  # 22.05 kHz
    results = {
        rate: recognise(sphinx, resample(source, rate), expectation_for("scale")).text
        for rate in (source.format.rate, 16000, 44100, 48000)
    }
    print(f"\nby input rate: {results}")
    assert set(results.values()) == {"three"}


def test_a_finished_utterance_takes_no_more_audio(sphinx: PocketSphinxRecogniser) -> None:
    utterance = sphinx.listen(expectation_for("yes_no"))
    utterance.accept(AudioBlock(bytes(3200), AudioFormat(16000)))
    heard = utterance.finish()
    assert heard.text == "" and heard.confidence == 0.0
    with pytest.raises(RuntimeError):
        utterance.accept(AudioBlock(bytes(3200), AudioFormat(16000)))


def test_an_abandoned_utterance_does_not_block_the_next(
    sphinx: PocketSphinxRecogniser, speak: Speak
) -> None:
    abandoned = sphinx.listen(expectation_for("yes_no"))
    abandoned.accept(padded(speak("yes")))
    heard = recognise(sphinx, padded(speak("no")), expectation_for("yes_no"))
    assert heard.text == "no"
    with pytest.raises(RuntimeError):
        abandoned.finish()


def with_white_noise(audio: AudioBlock, snr_db: float, seed: int) -> AudioBlock:
    """The audio with white noise over all of it, `snr_db` below the speech's loud parts."""
    import numpy as np

    values = np.frombuffer(audio.pcm, dtype="<i2").astype(np.float64)
    frames = values[: len(values) // 160 * 160].reshape(-1, 160)
    power = (frames**2).mean(axis=1)
    speech_power = power[power >= power.max() * 1e-4].mean()
    noise = np.random.default_rng(seed).standard_normal(len(values))
    mixed = values + noise * np.sqrt(speech_power / 10 ** (snr_db / 10))
    pcm = np.clip(np.round(mixed), -32768, 32767).astype("<i2").tobytes()
    return AudioBlock(pcm, audio.format)


def test_answers_in_noise_at_10_db_are_understood(
    sphinx: PocketSphinxRecogniser, speak: Speak
) -> None:
    right, wrong = 0, []
    for seed, (kind, said, meant) in enumerate(ENGLISH_ANSWERS * 2):
        audio = with_white_noise(padded(speak(said, "en-us", 175)), 10.0, seed)
        heard = recognise(sphinx, audio, expectation_for(kind))
        reading = understand(heard.text, kind, (), (0, 10))
        if (reading.intent, reading.value) == meant:
            right += 1
        else:
            wrong.append(f"{said!r}->{heard.text!r}")
    share = right / (2 * len(ENGLISH_ANSWERS))
    print(f"\nPocketSphinx, white noise at 10 dB SNR: {share:.0%}; wrong: {wrong}")
    assert share >= 0.8


def test_british_vowels_are_heard(sphinx: PocketSphinxRecogniser, speak: Speak) -> None:
    heard = {
        said: recognise(sphinx, padded(speak(said, "en-gb", 175)), expectation_for("yes_no")).text
        for said in ("faster", "pass", "sure", "yeah")
    }
    print(f"\nen-gb: {heard}")
    assert heard == {said: said for said in heard}


def test_noise_alone_is_heard_as_nothing(sphinx: PocketSphinxRecogniser) -> None:
    import numpy as np

    hiss = np.random.default_rng(7).normal(0, 300, 16000 * 3).astype("<i2").tobytes()
    for expect in (expectation_for("yes_no"), expectation_for("scale")):
        heard = recognise(sphinx, AudioBlock(hiss, AudioFormat(16000)), expect)
        assert (heard.text, heard.words, heard.confidence) == ("", (), 0.0)
        assert heard.audio_seconds == pytest.approx(3.0)


def test_word_timings_count_the_silence_trimmed_before_the_answer(
    sphinx: PocketSphinxRecogniser, speak: Speak
) -> None:
    early = recognise(sphinx, padded(speak("yes"), 0.5), expectation_for("yes_no"))
    late = recognise(sphinx, padded(speak("yes"), 2.5), expectation_for("yes_no"))
    assert early.text == late.text == "yes"
    assert late.words[0].start - early.words[0].start == pytest.approx(2.0, abs=0.06)


def test_questions_of_every_kind_in_turn_each_get_their_own_grammar(
    sphinx: PocketSphinxRecogniser, speak: Speak
) -> None:
    kinds = ("yes_no", "scale", "yes_no", "scale", "yes_no")
    said = ("yes", "three", "no", "ten", "repeat")
    heard = [
        recognise(sphinx, padded(speak(words)), expectation_for(kind)).text
        for kind, words in zip(kinds, said, strict=True)
    ]
    assert heard == list(said)


def test_engines_are_chosen_by_name_without_an_english_vosk_model(tmp_path: Path) -> None:
    assert load_recogniser("auto", [tmp_path]).name == "moonshine+pocketsphinx"
    assert load_recogniser("pocketsphinx", [tmp_path]).name == "pocketsphinx"
    with pytest.raises(CoachError) as error:
        load_recogniser("vosk", [tmp_path])
    assert "coach models download small-en-us" in str(error.value)
    assert "PocketSphinx" in str(error.value)
    with pytest.raises(CoachError):
        load_recogniser("whisper", [tmp_path])


# --- Vosk, with a real model (Korean) ---------------------------------------------------------

KOREAN = ("네", "아니요", "하나", "둘", "셋", "안녕하세요", "감사합니다", "사랑해요")
"""Yes, no, one, two, three, hello, thank you, "I love you" (the last is not in the model)."""


@pytest.fixture(scope="module")
def vosk(korean_model: Path) -> VoskRecogniser:
    return VoskRecogniser(korean_model)


@pytest.fixture(scope="module")
def korean_grammar(vosk: VoskRecogniser) -> Expectation:
    return Expectation("choice", restrict(KOREAN, vosk.vocabulary))


@pytest.mark.vosk
def test_the_model_loads_once_and_is_shared(vosk: VoskRecogniser, korean_model: Path) -> None:
    started = time.perf_counter()
    again = VoskRecogniser(korean_model)
    elapsed = time.perf_counter() - started
    print(f"\nsecond VoskRecogniser on the same folder: {elapsed * 1000:.1f} ms")
    assert again._model is vosk._model is shared_vosk_model(korean_model / "." / "")
    assert elapsed < 0.5
    assert find_vosk_model("ko", [korean_model.parent]) == korean_model
    assert find_vosk_model("en", [korean_model.parent]) is None


@pytest.mark.vosk
def test_the_vocabulary_comes_from_the_model(vosk: VoskRecogniser) -> None:
    assert isinstance(vosk.vocabulary, VoskVocabulary)
    assert "네" in vosk.vocabulary and "감사합니다" in vosk.vocabulary
    assert "사랑해요" not in vosk.vocabulary and "hello" not in vosk.vocabulary
    assert restrict(KOREAN, vosk.vocabulary) == KOREAN[:-1]


@pytest.mark.vosk
def test_a_grammar_restricts_output_to_its_phrases(
    vosk: VoskRecogniser, korean_grammar: Expectation, speak: Speak
) -> None:
    # Vosk's grammar is a loop: it hears any sequence of the phrases, never other words.
    allowed = {w for phrase in korean_grammar.phrases for w in phrase.split()}
    heard_as = {}
    for text in (*KOREAN, "오늘 날씨가 좋네요", "how are you today"):
        voice = "en-us" if text.isascii() else "ko"
        heard = recognise(vosk, padded(speak(text, voice)), korean_grammar)
        heard_as[text] = heard.text
        assert set(heard.text.split()) <= allowed
        assert all(w.text in allowed or w.text == UNKNOWN for w in heard.words)
    print(f"\ngrammar results: {heard_as}")
    assert sum(heard_as[k] == k for k in KOREAN[:-1]) >= 3  # espeak's Korean is rough


@pytest.mark.vosk
def test_streaming_in_chunks_matches_one_shot(
    vosk: VoskRecogniser, korean_grammar: Expectation, speak: Speak
) -> None:
    audio = to_speech_format(padded(speak("안녕하세요 감사합니다 하나 둘 셋", "ko"), 0.5))
    whole = recognise(vosk, audio, korean_grammar, chunk=1000.0)
    print(f"\none shot: {whole.text!r} ({whole.confidence:.3f})")
    # Chunks of a multiple of 30 ms (3 frames of 10 ms: the model's frame subsampling).
    # Other sizes can change the result a little (measured: a 0.37 s chunk added a word).
    for chunk in (0.03, 0.09, 0.3):
        streamed = recognise(vosk, audio, korean_grammar, chunk=chunk)
        print(f"  in {chunk} s chunks: {streamed.text!r} ({streamed.confidence:.3f})")
        assert streamed.text == whole.text
        assert [w.text for w in streamed.words] == [w.text for w in whole.words]
        for a, b in zip(streamed.words, whole.words, strict=True):
            assert a.start == pytest.approx(b.start, abs=0.05)
            assert a.end == pytest.approx(b.end, abs=0.05)
        assert streamed.confidence == pytest.approx(whole.confidence, abs=0.1)
        assert streamed.audio_seconds == pytest.approx(whole.audio_seconds)
    assert whole.text and whole.engine == "vosk"


@pytest.mark.vosk
def test_word_timings_are_in_order_and_inside_the_audio(vosk: VoskRecogniser, speak: Speak) -> None:
    audio = padded(speak("하나 둘 셋 안녕하세요 감사합니다", "ko"), 1.0)
    heard = recognise(vosk, audio, FREE)
    assert len(heard.words) >= 3
    ends = [0.0] + [w.end for w in heard.words]
    for before, word in zip(ends, heard.words, strict=False):
        assert before - 0.01 <= word.start < word.end <= audio.seconds + 0.01
        assert 0.0 <= word.confidence <= 1.0
    assert heard.words[0].start >= 0.9  # after the second of silence in front
    assert heard.audio_seconds == pytest.approx(audio.seconds, abs=0.01)


@pytest.mark.vosk
def test_other_rates_are_resampled_to_the_same_text(
    vosk: VoskRecogniser, korean_grammar: Expectation, speak: Speak
) -> None:
    source = padded(speak("감사합니다", "ko"))  # 22.05 kHz
    for rate in (8000, 22050, 44100):
        audio = resample(source, rate)
        streamed = recognise(vosk, audio, korean_grammar).text  # resampled as it streams in
        converted = recognise(vosk, to_speech_format(audio), korean_grammar).text
        print(f"\n{rate} Hz: {streamed!r}, converted first: {converted!r}")
        assert streamed == converted
        if rate > 16000:
            assert streamed == "감사합니다"


@pytest.mark.vosk
def test_an_abandoned_utterance_leaves_no_trace(vosk: VoskRecogniser, speak: Speak) -> None:
    # The free recogniser is reused (and keeps adapting to the voice), so compare timings,
    # not words: nothing of the abandoned audio may reach the next utterance.
    abandoned = vosk.listen(FREE)
    abandoned.accept(to_speech_format(padded(speak("하나 둘 셋 넷 다섯", "ko"), 1.0)))
    words = to_speech_format(read_wav(speak("안녕하세요 감사합니다", "ko")))
    after = recognise(vosk, words, FREE)
    assert after.text and after.audio_seconds == pytest.approx(words.seconds)
    assert all(w.end <= words.seconds + 0.05 for w in after.words)
    with pytest.raises(RuntimeError):
        abandoned.finish()


@pytest.mark.vosk
def test_silence_is_heard_as_nothing(vosk: VoskRecogniser, korean_grammar: Expectation) -> None:
    silence = AudioBlock(bytes(16000 * 2 * 3), AudioFormat(16000))
    for expect in (FREE, korean_grammar):
        heard = recognise(vosk, silence, expect)
        assert heard.text == "" and heard.confidence == 0.0
        assert heard.audio_seconds == pytest.approx(3.0)


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


@pytest.mark.vosk
def test_memory_over_ten_minutes_of_one_stream(vosk: VoskRecogniser, speak: Speak) -> None:
    """Vosk keeps state for the whole stream (it resets itself only after long stretches)."""
    unit = _speech_then_silence(speak)
    repeats = round(600 / unit.seconds)
    utterance = vosk.listen(FREE)
    rss: list[int] = []
    started = time.perf_counter()
    for i in range(repeats):
        _feed(utterance, unit)
        if i % (repeats // 10) == 0 or i == repeats - 1:
            rss.append(_rss_kib())
    heard = utterance.finish()
    elapsed = time.perf_counter() - started
    growth = (rss[-1] - rss[1]) / 1024
    print(f"\none stream, {heard.audio_seconds:.0f} s of audio in {elapsed:.1f} s; RSS every "
          f"minute (MiB): {[round(r / 1024) for r in rss]}; +{growth:.1f} MiB after the first "
          f"minute; {len(heard.text.split())} words")  # fmt: skip
    assert heard.audio_seconds >= 590
    assert growth < 100  # measured: about 65 MiB, roughly linear


@pytest.mark.vosk
def test_memory_is_flat_over_many_utterances(vosk: VoskRecogniser, speak: Speak) -> None:
    """How the coach uses Vosk: one recogniser (KaldiRecognizer) per answer."""
    unit = _speech_then_silence(speak)
    rss: list[int] = []
    for i in range(40):  # about 5 minutes
        utterance = vosk.listen(FREE)
        _feed(utterance, unit)
        assert utterance.finish().text
        if i % 8 == 0 or i == 39:
            rss.append(_rss_kib())
    growth = (rss[-1] - rss[1]) / 1024
    print(f"\n40 utterances: RSS (MiB) {[round(r / 1024) for r in rss]}; +{growth:.1f} MiB")
    assert growth < 20


def _speech_then_silence(speak: Speak) -> AudioBlock:
    """About 7 s: a Korean sentence, then 4 s of silence."""
    speech = to_speech_format(read_wav(speak("안녕하세요 오늘 날씨가 좋네요 감사합니다", "ko")))
    return AudioBlock(speech.pcm + bytes(16000 * 2 * 4), speech.format)


def _feed(utterance: Utterance, audio: AudioBlock) -> None:
    step = audio.format.bytes_per_second // 2  # half-second chunks
    for start in range(0, len(audio.pcm), step):
        utterance.accept(AudioBlock(audio.pcm[start : start + step], audio.format))


def test_a_long_answer_after_a_short_first_one_does_not_crash_pocketsphinx(speak: Speak) -> None:
    """The first answer is decoded again (FIRST_ANSWER_PASSES); a longer one given in one
    piece afterwards once crashed the process, so this runs in a process of its own."""
    import subprocess
    import sys

    short, long = speak("yes"), speak(" ".join(["i would like to talk about something else"] * 4))
    program = (
        "from coach.voice.asr import PocketSphinxRecogniser\n"
        "from coach.voice.grammar import FREE, expectation_for\n"
        "from coach.voice.wavfile import read_wav\n"
        "r = PocketSphinxRecogniser()\n"
        f"answers = (({str(short)!r}, expectation_for('yes_no')), ({str(long)!r}, FREE))\n"
        "for path, expect in answers:\n"
        "    u = r.listen(expect)\n"
        "    u.accept(read_wav(path))\n"
        "    print(u.finish().text)\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-500:]
    assert len(result.stdout.splitlines()) == 2
