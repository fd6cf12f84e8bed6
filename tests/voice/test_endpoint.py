"""The endpointer on real speech: espeak-ng voices and human recordings, padded with silence."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import pytest

from coach.voice.endpoint import Endpointer, end_silence_for
from coach.voice.format import SPEECH, AudioBlock


def speech_file(tmp_path: Path, source: Path, before: float, after: float) -> AudioBlock:
    """`source` as 16 kHz mono 16-bit, with silence before and after (sox)."""
    out = tmp_path / f"{source.stem}-{before}-{after}.wav"
    subprocess.run(
        [
            "sox",
            str(source),
            "-r",
            "16000",
            "-c",
            "1",
            "-b",
            "16",
            str(out),
            "pad",
            str(before),
            str(after),
        ],
        check=True,
    )
    with wave.open(str(out)) as wav:
        return AudioBlock(wav.readframes(wav.getnframes()), SPEECH)


def espeak(tmp_path: Path, text: str, voice: str = "en-us", rate: int = 160) -> Path:
    out = tmp_path / f"{voice}-{rate}-{abs(hash(text))}.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(out), text], check=True)
    return out


def run(endpointer: Endpointer, audio: AudioBlock, chunk: float = 0.02) -> list[tuple[str, float]]:
    step = int(SPEECH.bytes_per_second * chunk)
    events = []
    for offset in range(0, len(audio.pcm), step):
        for event in endpointer.feed(AudioBlock(audio.pcm[offset : offset + step], SPEECH)):
            events.append((event.kind, event.at))
    return events


@pytest.mark.parametrize("voice", ["en-us", "en-gb"])
def test_a_spoken_answer_starts_and_ends_where_the_speech_is(tmp_path: Path, voice: str) -> None:
    source = espeak(tmp_path, "yes, I think so", voice)
    with wave.open(str(source)) as wav:
        spoken = wav.getnframes() / wav.getframerate()
    audio = speech_file(tmp_path, source, 1.0, 3.0)
    events = run(Endpointer(pause=4.0), audio)
    kinds = [k for k, _ in events]
    assert kinds[:2] == ["speech_started", "turn_ended"], events
    started, ended = events[0][1], events[1][1]
    assert 1.0 <= started <= 1.5
    expected_end = 1.0 + spoken + end_silence_for(4.0)
    assert abs(ended - expected_end) < 0.5, (ended, expected_end)


@pytest.mark.parametrize("speaker", ["jackson", "george", "lucas"])
def test_human_digits_at_8_khz_are_found(tmp_path: Path, fsdd: Path, speaker: str) -> None:
    found = 0
    for digit in range(10):
        audio = speech_file(tmp_path, fsdd / f"{digit}_{speaker}_0.wav", 0.8, 2.0)
        kinds = [k for k, _ in run(Endpointer(pause=6.0), audio)]
        found += kinds[:2] == ["speech_started", "turn_ended"]
    assert found >= 9, f"{speaker}: {found}/10 digits endpointed"


def test_after_the_turn_ends_it_reports_nothing_more(tmp_path: Path) -> None:
    audio = speech_file(tmp_path, espeak(tmp_path, "no"), 0.5, 10.0)
    assert [k for k, _ in run(Endpointer(pause=4.0), audio)] == ["speech_started", "turn_ended"]


def test_nobody_speaking_is_silence_after_the_pause_window(tmp_path: Path) -> None:
    silence = AudioBlock(bytes(SPEECH.bytes_per_second * 6), SPEECH)
    events = run(Endpointer(pause=4.0), silence)
    assert [k for k, _ in events] == ["silence"]
    assert 4.0 <= events[0][1] < 4.1


def test_a_reflective_answer_may_pause_mid_thought(tmp_path: Path) -> None:
    first = speech_file(tmp_path, espeak(tmp_path, "I felt really seen"), 0.5, 1.0)
    second = speech_file(tmp_path, espeak(tmp_path, "when they made me tea"), 0.0, 2.5)
    both = AudioBlock(first.pcm + second.pcm, SPEECH)
    short = [k for k, _ in run(Endpointer(pause=4.0), both)]
    long = [k for k, _ in run(Endpointer(pause=12.0), both)]
    short_end = run(Endpointer(pause=4.0), both)[1][1]
    long_end = run(Endpointer(pause=12.0), both)[1][1]
    assert short == ["speech_started", "turn_ended"] == long
    # the yes/no window ends the turn in the one-second gap; the reflective one waits it out
    first_seconds = len(first.pcm) / SPEECH.bytes_per_second
    assert short_end < first_seconds + 0.3 < long_end


def test_the_window_can_be_extended_once() -> None:
    endpointer = Endpointer(pause=4.0)
    endpointer.extend()
    events = run(endpointer, AudioBlock(bytes(SPEECH.bytes_per_second * 9), SPEECH))
    assert [k for k, _ in events] == ["silence"]
    assert events[0][1] >= 8.0


def test_it_refuses_audio_in_another_format() -> None:
    from coach.voice.format import AudioFormat

    with pytest.raises(ValueError, match="needs"):
        Endpointer(pause=4.0).feed(AudioBlock(bytes(1600), AudioFormat(8000)))
