"""Hearing a WAV file end to end, and the WAV helpers it rests on."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

import pytest

from coach.errors import CoachError
from coach.voice.asr import PocketSphinxRecogniser
from coach.voice.format import SPEECH, AudioBlock, AudioFormat
from coach.voice.hear import hear_file, parse_expect
from coach.voice.wavfile import pad, read_wav, resample, to_speech_format, write_wav
from tests.voice.conftest import REPO, Speak


@pytest.mark.parametrize(
    ("said", "spec", "intent", "value"),
    [
        ("six", "scale", "number", 6),
        ("three", "scale:1-5", "number", 3),
        ("yes", "yes_no", "yes", True),
        ("nope", "yes_no", "no", False),
        ("repeat", "yes_no", "command", "repeat"),
        ("coffee", "choice:tea,coffee", "choice", "coffee"),
        ("the first one", "choice:tea,coffee", "choice", "tea"),
    ],
)
def test_hear_file_understands_a_spoken_answer(
    sphinx: PocketSphinxRecogniser, speak: Speak, said: str, spec: str, intent: str, value: object
) -> None:
    result = hear_file(speak(said), spec, sphinx)
    assert set(result) == {"text", "intent", "value", "confidence", "engine", "seconds"}
    assert result["engine"] == "pocketsphinx"
    assert json.loads(json.dumps(result)) == result
    assert (result["intent"], result["value"]) == (intent, value), result
    assert 0.0 < result["confidence"] <= 1.0
    assert 0.0 < result["seconds"] < 5.0


def test_hear_file_free_speech(sphinx: PocketSphinxRecogniser, speak: Speak) -> None:
    said = "i would like to talk about something else"
    result = hear_file(speak(said), "free", sphinx)
    assert result["intent"] == "free"
    assert len(set(said.split()) & set(result["text"].split())) >= 4, result  # of 8 words


def test_hear_file_silence_is_no_answer(sphinx: PocketSphinxRecogniser, tmp_path: Path) -> None:
    path = tmp_path / "silence.wav"
    write_wav(path, AudioBlock(bytes(16000), AudioFormat(8000)))
    result = hear_file(path, "yes_no", sphinx)
    assert (result["text"], result["intent"], result["confidence"]) == ("", "none", 0.0)


@pytest.mark.parametrize(
    "spec", ["", "maybe", "choice", "choice:", "scale:5-1", "scale:a-b", "free:x"]
)
def test_a_bad_expect_spec_says_what_to_write(spec: str) -> None:
    with pytest.raises(CoachError) as error:
        parse_expect(spec)
    assert "choice:" in str(error.value) or "scale:" in str(error.value)


def test_parse_expect() -> None:
    expect, options, scale = parse_expect("choice:quality_time,touch")
    assert expect.kind == "choice" and [o.id for o in options] == ["quality_time", "touch"]
    assert "quality time" in expect.phrases and scale == (0, 10)
    assert parse_expect("scale:1-7")[2] == (1, 7)
    assert parse_expect("free")[0].phrases == ()


def test_hear_file_names_an_unreadable_file(sphinx: PocketSphinxRecogniser, tmp_path: Path) -> None:
    path = tmp_path / "notes.wav"
    path.write_text("not audio")
    with pytest.raises(CoachError, match=r"notes\.wav"):
        hear_file(path, "yes_no", sphinx)


# --- wavfile ----------------------------------------------------------------------------------


def test_stereo_is_mixed_to_mono(tmp_path: Path) -> None:
    path = tmp_path / "stereo.wav"
    left_right = b"".join(int(v).to_bytes(2, "little", signed=True) for v in (100, 300, -50, -150))
    write_wav(path, AudioBlock(left_right, AudioFormat(8000, 2, 2)))
    block = read_wav(path)
    assert block.format == AudioFormat(8000, 2, 1)
    assert block.pcm == (200).to_bytes(2, "little", signed=True) + (-100).to_bytes(
        2, "little", signed=True
    )


def test_only_16_bit_pcm_is_read(tmp_path: Path) -> None:
    path = tmp_path / "eight_bit.wav"
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(1)
        wav.setframerate(8000)
        wav.writeframes(bytes(800))
    with pytest.raises(ValueError, match=r"eight_bit\.wav.*16-bit"):
        read_wav(path)


def test_write_then_read_and_convert(tmp_path: Path, fsdd: Path) -> None:
    source = read_wav(fsdd / "7_jackson_0.wav")
    assert source.format == AudioFormat(8000)
    assert resample(source, 8000) is source
    padded = pad(source, 0.3, 0.5)
    assert padded.seconds == pytest.approx(source.seconds + 0.8)
    assert padded.pcm.startswith(bytes(2 * 2400)) and padded.pcm.endswith(bytes(2 * 4000))
    speech = to_speech_format(padded)
    assert speech.format == SPEECH
    assert speech.seconds == pytest.approx(padded.seconds, abs=0.001)
    write_wav(tmp_path / "out.wav", speech)
    assert read_wav(tmp_path / "out.wav") == speech


@pytest.fixture
def temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty temp folder that this process and its children use."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_hearing_a_file_leaves_nothing_in_the_temp_folder(
    sphinx: PocketSphinxRecogniser, speak: Speak, temp: Path, tmp_path: Path
) -> None:
    assert hear_file(speak("yes"), "yes_no", sphinx)["intent"] == "yes"
    assert hear_file(speak("my partner listens to me"), "free", sphinx)["intent"] == "free"
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt ")
    with pytest.raises(CoachError):
        hear_file(broken, "yes_no", sphinx)
    assert list(temp.iterdir()) == []


@pytest.mark.parametrize("spec", ["yes_no", "free", "choice:tea,coffee"])
def test_coach_hear_leaves_nothing_in_the_temp_folder(speak: Speak, temp: Path, spec: str) -> None:
    # The whole command, as an evaluation runs it: engines loaded, file heard, result printed.
    result = subprocess.run(
        [sys.executable, "-m", "coach", "hear", str(speak("coffee please")), "--expect", spec],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "TMPDIR": str(temp)},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["intent"] in ("choice", "free", "none", "no", "yes")
    assert list(temp.iterdir()) == []


def test_hearing_logs_none_of_the_words(
    sphinx: PocketSphinxRecogniser, speak: Speak, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    result = hear_file(speak("my sister never calls me back"), "free", sphinx)
    assert {"sister", "calls"} & set(result["text"].split()), result
    for record in caplog.records:
        assert not re.search(r"\b(sister|never|calls|back)\b", record.getMessage())
