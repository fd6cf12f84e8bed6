"""On a machine without sound, the coach says exactly what is missing and types instead."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_coach

NO_SOUND = {"PULSE_SERVER": "unix:/nonexistent/coach-test", "AUDIODEV": "null"}
"""Point ALSA's PulseAudio plugin at nothing: no input or output device can be opened."""


def test_doctor_names_what_is_missing_and_how_to_fix_it(tmp_path: Path) -> None:
    result = run_coach("doctor", home=tmp_path, env=NO_SOUND)
    assert result.returncode == 1
    out = result.stdout
    assert "NO  Microphone" in out and "No input device was found" in out
    assert "NO  Speaker" in out and "No output device was found" in out
    assert "-> Plug in a microphone" in out
    assert "ok  Closed answers" in out and "heard by pocketsphinx with each question" in out
    assert "ok  Open answers" in out and "heard by moonshine" in out
    assert "Typing works meanwhile: coach --text" in out
    assert "Traceback" not in result.stderr


def test_a_session_without_sound_carries_on_by_typing(tmp_path: Path) -> None:
    result = run_coach(
        "--exercise", "empathy", home=tmp_path, env=NO_SOUND, stdin="yes\n5\nyes\nstop\n"
    )
    assert result.returncode == 0, result.stderr
    assert "Voice is not available" in result.stdout
    assert "Let's type instead" in result.stdout
    assert "Alright, let's stop here" in result.stdout or "we'll stop for now" in result.stdout
    assert "Traceback" not in result.stderr
