"""The recogniser loads while the greeting plays; listening waits for it, or says what failed."""

from __future__ import annotations

import threading

import pytest

from coach.errors import CoachError
from coach.voice.asr import PocketSphinxRecogniser, Recogniser
from coach.voice.grammar import expectation_for
from coach.voice.run import LoadingRecogniser


def test_listening_waits_for_the_recogniser_loading_in_the_background() -> None:
    loading_started = threading.Event()
    may_finish = threading.Event()

    def load() -> Recogniser:
        loading_started.set()
        may_finish.wait(10)
        return PocketSphinxRecogniser()

    recogniser = LoadingRecogniser(load)
    assert loading_started.wait(5)  # the caller went on while it loads
    may_finish.set()
    utterance = recogniser.listen(expectation_for("yes_no"))
    assert recogniser.name == "pocketsphinx"
    assert utterance.finish().text == ""  # no audio, no words


def test_a_recogniser_that_failed_to_load_says_why_when_listening() -> None:
    def load() -> Recogniser:
        raise CoachError("The Vosk model is damaged.", "Download it again.")

    recogniser = LoadingRecogniser(load)
    with pytest.raises(CoachError, match="damaged"):
        recogniser.listen(expectation_for("free"))


def test_loading_starts_once_the_greeting_is_heard() -> None:
    greeting_playing = threading.Event()
    loading = threading.Event()

    def load() -> Recogniser:
        loading.set()
        return PocketSphinxRecogniser()

    recogniser = LoadingRecogniser(load, after=greeting_playing)
    assert not loading.wait(0.5), "loaded before the greeting played"
    greeting_playing.set()
    assert loading.wait(5)
    assert recogniser.name == "pocketsphinx"
