"""`coach doctor`: check each part the voice coach needs, and say what to fix."""

from __future__ import annotations

import importlib
import math
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    part: str
    ok: bool
    found: str
    fix: str = ""


VOICE_PACKAGES = {
    "numpy": "numpy",
    "sounddevice": "sounddevice",
    "pyttsx3": "pyttsx3",
    "pocketsphinx": "pocketsphinx",
    "vosk": "vosk",
    "webrtcvad": "webrtcvad-wheels",
    "soxr": "soxr",
}
NOT_VOICE = (
    "The safety screen is working on its rules alone until this is fixed.",
    "The journal needs the care described above; the rest of the coach is unaffected.",
)
"""What a problem with the checks that come before the voice checks means."""
INSTALL_VOICE = "Run scripts/setup.sh, or: .venv/bin/pip install 'coach[voice]'"


def run_checks(
    input_device: str | int | None = None,
    output_device: str | int | None = None,
    listen_seconds: float = 1.0,
    engine: str = "auto",
) -> list[Check]:
    checks = [_python(), *_packages()]
    if not all(c.ok for c in checks):
        return checks
    checks.append(_portaudio())
    if not checks[-1].ok:
        return checks
    checks += [_device(input_device, "input"), _device(output_device, "output")]
    if checks[-2].ok:
        checks.append(_input_level(input_device, listen_seconds))
    checks += [_espeak(), _tts(), *_engines(engine)]
    return checks


def _guard(part: str, fix: str, probe: Callable[[], Check]) -> Check:
    try:
        return probe()
    except Exception as error:  # a doctor reports every failure instead of stopping
        return Check(part, False, f"{type(error).__name__}: {error}", fix)


def _python() -> Check:
    version = ".".join(map(str, sys.version_info[:3]))
    return Check("Python", sys.version_info >= (3, 11), version, "Install Python 3.11 or newer.")


def _packages() -> list[Check]:
    missing = []
    for module, package in VOICE_PACKAGES.items():
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(package)
        except OSError:
            pass  # sounddevice without PortAudio: reported by the PortAudio check
    if missing:
        return [Check("Voice libraries", False, f"missing: {', '.join(missing)}", INSTALL_VOICE)]
    return [Check("Voice libraries", True, "all installed")]


def _portaudio() -> Check:
    try:
        import sounddevice

        return Check("PortAudio", True, sounddevice.get_portaudio_version()[1])
    except OSError:
        return Check(
            "PortAudio",
            False,
            "the PortAudio library is missing",
            "Install it: sudo apt-get install libportaudio2 (macOS: brew install portaudio)",
        )


def _device(spec: str | int | None, kind: str) -> Check:
    from coach.voice.audio import pick_device

    part = "Microphone" if kind == "input" else "Speaker"
    fix = (
        "Plug in a microphone (or headset), check it is not disabled, and see `coach "
        "devices`; choose one with --input-device."
        if kind == "input"
        else "Plug in speakers or headphones and see `coach devices`; choose one with "
        "--output-device."
    )

    def probe() -> Check:
        device = pick_device(spec, kind)  # type: ignore[arg-type]
        return Check(part, True, f"{device.name} (#{device.index}, {device.default_rate:.0f} Hz)")

    return _guard(part, fix, probe)


def _input_level(spec: str | int | None, seconds: float) -> Check:
    from coach.voice.audio import Microphone

    def probe() -> Check:
        pcm = b""
        with Microphone(spec) as mic:
            while len(pcm) < mic.format.bytes_per_second * seconds:
                block = mic.read(1.0)
                if block is not None:
                    pcm += block.pcm
        import numpy as np

        samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
        rms = math.sqrt(float(np.mean(samples**2))) if samples.size else 0.0
        level = 20 * math.log10(max(rms, 1.0) / 32768)
        if level < -75:
            return Check(
                "Input level",
                False,
                f"{level:.0f} dBFS: silent",
                "The microphone sends silence: unmute it (alsamixer or the sound "
                "settings) and raise its input volume.",
            )
        return Check("Input level", True, f"{level:.0f} dBFS over {seconds:g} s")

    return _guard("Input level", "Check the microphone with `coach devices`.", probe)


def _espeak() -> Check:
    path = shutil.which("espeak-ng") or shutil.which("espeak")
    if path is None and sys.platform.startswith("linux"):
        return Check("espeak-ng", False, "not found", "Install it: sudo apt-get install espeak-ng")
    return Check("espeak-ng", True, path or "not needed on this system")


def _tts() -> Check:
    from coach.voice.tts import Pyttsx3Voice

    def probe() -> Check:
        block = Pyttsx3Voice().render("Hello.", 0)
        if block.seconds < 0.1:
            return Check(
                "Speech out", False, "rendered no audio", "Reinstall espeak-ng and pyttsx3."
            )
        return Check("Speech out", True, f"pyttsx3 rendered {block.seconds:.1f} s of speech")

    return _guard("Speech out", "Install espeak-ng (Linux) and check pyttsx3 works.", probe)


def _engines(engine: str) -> list[Check]:
    from coach.voice.asr import find_vosk_model

    english = _guard_value(lambda: find_vosk_model("en"))
    checks = [
        Check(
            "Vosk English model",
            english is not None,
            str(english) if english else "not installed",
            "Optional: coach models download small-en-us (PocketSphinx works meanwhile).",
        )
    ]
    try:
        from coach.voice.engines import describe, load_recogniser, notice_of

        recogniser = load_recogniser(engine)
    except Exception as error:  # a doctor reports every failure instead of stopping
        return [*checks, Check("Recognition", False, str(error), "Reinstall: scripts/setup.sh")]
    closed, free = describe(recogniser)
    notice = notice_of(recogniser)
    return [
        *checks,
        Check("Closed answers", True, f"heard by {closed}"),
        Check(
            "Open answers",
            not notice,
            f"heard by {free}" + (" (Moonshine did not load)" if notice else ""),
            notice,
        ),
    ]


def safety_screen() -> Check:
    """Whether the learned half of the safety screen loads and reads a turn."""
    from coach.dialog.classifier import MODEL_FOLDER, Classifier

    try:
        risk = Classifier().risk("i want to end my life")
    except Exception as error:  # a doctor reports every failure instead of stopping
        return Check(
            "Safety screen",
            False,
            f"rules only: the learned model did not load ({type(error).__name__}: {error})",
            f"Reinstall coach (scripts/setup.sh): files in {MODEL_FOLDER} are missing or damaged.",
        )
    return Check(
        "Safety screen", True, f"rules and the learned model (a crisis read as {risk.crisis:.0%})"
    )


def journal() -> Check:
    from coach.journal_health import journal_health
    from coach.paths import data_dir

    health = journal_health(data_dir())
    return Check("Journal", health.ok, health.found, health.fix)


def _guard_value(probe: Callable[[], object]) -> object:
    try:
        return probe()
    except Exception:
        return None


def doctor_command(
    input_device: str | int | None, output_device: str | int | None, engine: str = "auto"
) -> int:
    checks = [safety_screen(), journal(), *run_checks(input_device, output_device, engine=engine)]
    width = max(len(c.part) for c in checks)
    for check in checks:
        mark = "ok " if check.ok else "NO "
        print(f"{mark} {check.part:{width}}  {check.found}")
        if not check.ok and check.fix:
            print(f"    {'':{width}}  -> {check.fix}")
    optional = {"Vosk English model", "Open answers"}  # voice works without them, less well
    broken = [c for c in checks[2:] if not c.ok and c.part not in optional]
    for check, meaning in zip(checks[:2], NOT_VOICE, strict=True):
        if not check.ok:
            print(f"\n{meaning}")
    if broken:
        print(
            f"\n{len(broken)} problem(s): voice will not work until they are fixed. "
            "Typing works meanwhile: coach --text"
        )
        return 1
    if not all(c.ok for c in checks[:2]):
        return 1
    print("\nEverything the voice coach needs is here.")
    return 0
