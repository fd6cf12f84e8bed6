"""Speech out: real pyttsx3 / espeak-ng rendering, played through the PulseAudio test server."""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from coach.voice import tts
from coach.voice.audio import Loudspeaker
from coach.voice.format import AudioBlock
from coach.voice.tts import (
    EspeakNgVoice,
    Pyttsx3Voice,
    Speech,
    TtsUnavailable,
    Voice,
    split_sentences,
    words_per_minute,
)
from tests.voice import pulse
from tests.voice.pulse import pulse_server  # noqa: F401  (the fixture)

pytestmark = pytest.mark.audio

QUESTION = "Hello, how close do you feel today?"
THREE = ["Let us take a breath together.", "Notice your shoulders.", "Now tell me one thing."]


MakeVoice = Callable[..., Voice]
MAKERS: dict[str, MakeVoice] = {
    "system": Pyttsx3Voice,  # on Linux: the espeak-ng program (see Pyttsx3Voice)
    "pyttsx3": functools.partial(Pyttsx3Voice, engine="pyttsx3"),
    "espeak-ng": EspeakNgVoice,
}


@pytest.fixture(params=list(MAKERS.values()), ids=list(MAKERS))
def make(request: pytest.FixtureRequest) -> MakeVoice:
    """Each way to build a Voice: every test taking `voice` runs against each."""
    maker: MakeVoice = request.param
    return maker


@pytest.fixture
def voice(make: MakeVoice) -> Voice:
    return make()


def test_a_sentence_becomes_audio_with_its_format(voice: Voice) -> None:
    block = voice.render(QUESTION, 0)
    assert block.format.rate == 22050 and block.format.width == 2 and block.format.channels == 1
    assert 1.0 < block.seconds < 5.0  # seven words at 165 words a minute, plus pauses
    assert max(pulse.levels(block)) > 1000


@pytest.mark.parametrize("voice", [Pyttsx3Voice(), EspeakNgVoice()], ids=["system", "espeak-ng"])
def test_slower_rates_take_longer(voice: Voice) -> None:
    # Not pyttsx3 driving espeak-ng: its rate changes take late or never (see Pyttsx3Voice).
    for _ in range(3):  # in any order, again and again
        slow, usual, fast = (voice.render(QUESTION, rate).seconds for rate in (-3, 0, 3))
        assert slow > usual > fast
        assert slow > 1.5 * fast  # 105 against 225 words a minute


def test_rate_steps_are_words_per_minute() -> None:
    assert [words_per_minute(step) for step in range(-3, 4)] == [105, 125, 145, 165, 185, 205, 225]
    assert words_per_minute(-10) == 105 and words_per_minute(10) == 225


def test_pyttsx3_says_nothing_on_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    voice = Pyttsx3Voice(engine="pyttsx3")
    assert voice.uses_pyttsx3
    voice.render(QUESTION, 0)
    assert capsys.readouterr().out == ""


def test_the_system_voice_on_linux_is_the_espeak_ng_program() -> None:
    assert not Pyttsx3Voice().uses_pyttsx3 and Pyttsx3Voice(engine="pyttsx3").uses_pyttsx3


def test_an_unknown_voice_is_a_plain_error(make: MakeVoice, voice: Voice) -> None:
    bad = make("xyzzy")  # not "no-...": that is Norwegian
    with pytest.raises(TtsUnavailable, match="voice"):
        bad.render(QUESTION, 0)
    assert voice.render(QUESTION, 0).seconds > 1.0  # and the engine still works


def test_a_hung_pyttsx3_falls_back_to_espeak_ng(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tts, "_BROKEN", False)  # restored after the test
    hurried = Pyttsx3Voice(timeout=0.0, engine="pyttsx3")  # runAndWait "does not return"
    block = hurried.render(QUESTION, 0)
    assert tts._BROKEN and block.seconds > 1.0
    for thread in threading.enumerate():
        if thread.name == "coach-pyttsx3":
            thread.join(5)  # let the abandoned runAndWait end before pyttsx3 is used again


def test_sentences_are_split_after_their_end() -> None:
    text = 'Take a breath. How was it? "Good!" she said…\nNext line'
    assert split_sentences(text) == [
        "Take a breath.",
        "How was it?",
        '"Good!" she said…',
        "Next line",
    ]
    assert split_sentences("  ") == []
    assert split_sentences("Rest 3.5 minutes, e.g. now.  Then go on.") == [
        "Rest 3.5 minutes, e.g. now.",
        "Then go on.",
    ]


class Timed:
    """A voice that notes when each render starts and ends, and renders slowly."""

    def __init__(self, voice: Voice, speaker: Loudspeaker, delay: float) -> None:
        self.voice, self.speaker, self.delay = voice, speaker, delay
        self.log: list[tuple[str, float, float]] = []
        """(sentence, seconds played when its render started, monotonic end time)."""

    def render(self, text: str, rate: int) -> AudioBlock:
        played = self.speaker.played_seconds if self.log else 0.0
        block = self.voice.render(text, rate)
        time.sleep(self.delay)
        self.log.append((text, played, time.monotonic()))
        return block


class Noted(Loudspeaker):
    """A loudspeaker that notes when it was first given audio."""

    first_audio = 0.0

    def queue(self, block: AudioBlock) -> None:
        self.first_audio = self.first_audio or time.monotonic()
        super().queue(block)


@pytest.mark.usefixtures("pulse_server")
def test_speech_starts_before_the_last_sentence_is_ready(tmp_path: Path) -> None:
    with pulse.SpeakerRecording(tmp_path / "out.raw") as recording, Noted() as speaker:
        voice = Timed(Pyttsx3Voice(), speaker, delay=0.4)
        speech = Speech(voice, speaker)
        speech.say(THREE, rate=0)
        time.sleep(0.6)
        assert speech.speaking
        assert speech.spoken_text == THREE[0]
        assert speech.wait(timeout=30)
        assert not speech.speaking and speech.spoken_text == ""
    assert [sentence for sentence, _, _ in voice.log] == THREE
    last_rendered = voice.log[-1][2]
    assert speaker.first_audio < last_rendered - 0.5
    assert voice.log[-1][1] > 0.2  # seconds of the first sentence already played by then
    total = sum(Pyttsx3Voice().render(s, 0).seconds for s in THREE)
    assert pulse.loud_seconds(recording.audio) > 0.5 * total  # speech has pauses


@pytest.mark.usefixtures("pulse_server")
def test_stop_silences_speech_at_once(tmp_path: Path) -> None:
    with pulse.SpeakerRecording(tmp_path / "out.raw") as recording, Loudspeaker() as speaker:
        speech = Speech(Pyttsx3Voice(), speaker)
        speech.say(THREE)
        time.sleep(0.8)
        assert speech.speaking
        stopped = time.monotonic()
        speech.stop()
        assert time.monotonic() - stopped < 0.05
        assert not speech.speaking and not speaker.playing
        assert speech.spoken_text == ""
        assert speech.wait(timeout=1)
        time.sleep(0.5)
    total = sum(Pyttsx3Voice().render(s, 0).seconds for s in THREE)
    heard = pulse.loud_seconds(recording.audio)
    assert 0.2 < heard < 1.2 < total  # about what played in 0.8 s, not all of it
