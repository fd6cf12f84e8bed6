"""Devices, microphone and loudspeaker through a real PulseAudio server with virtual devices."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from coach.voice.audio import (
    AudioUnavailable,
    Loudspeaker,
    Microphone,
    list_devices,
    pick_device,
)
from coach.voice.format import AudioBlock, AudioFormat
from tests.voice import pulse
from tests.voice.pulse import pulse_server  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.audio, pytest.mark.usefixtures("pulse_server")]


def record(mic: Microphone, seconds: float) -> list[AudioBlock]:
    blocks = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        block = mic.read(timeout=0.5)
        if block is not None:
            blocks.append(block)
    return blocks


def joined(blocks: list[AudioBlock]) -> AudioBlock:
    return AudioBlock(b"".join(b.pcm for b in blocks), blocks[0].format)


def test_the_pulse_devices_are_listed() -> None:
    devices = {d.name: d for d in list_devices()}
    assert {"pulse", "default"} <= devices.keys()
    for device in devices.values():
        assert device.inputs > 0 and device.outputs > 0 and device.default_rate > 0


def test_a_device_is_picked_by_name_number_or_default() -> None:
    pulse_device = pick_device("PuLsE", "input")
    assert pulse_device.name == "pulse"
    assert pick_device(pulse_device.index, "output") == pulse_device
    assert pick_device(str(pulse_device.index), "input") == pulse_device
    assert pick_device(None, "output").name == "default"  # ALSA's default, sent to PulseAudio


def test_an_unknown_device_is_refused_with_the_list() -> None:
    with pytest.raises(AudioUnavailable) as caught:
        pick_device("no such microphone", "input")
    message = str(caught.value)
    assert "no such microphone" in message and "pulse" in message and "default" in message


def test_the_microphone_hears_a_tone_played_into_it(tmp_path: Path) -> None:
    wav = pulse.write_wav(tmp_path / "tone.wav", pulse.tone(1.0, hz=440))
    with Microphone(rate=16000, block_seconds=0.03) as mic:
        before = record(mic, 0.5)
        player = pulse.play_into_mic(wav)
        during = record(mic, 2.0)
        assert player.wait(5) == 0
        assert mic.overflows == 0
    assert mic.format == AudioFormat(16000)
    assert all(block.format == mic.format for block in before + during)
    assert all(abs(block.seconds - 0.03) < 0.002 for block in before + during)
    assert max(pulse.levels(joined(before))) < 50  # silence
    heard = joined(during)
    assert max(pulse.levels(heard)) > 8000  # a half-scale sine has an RMS of about 11600
    assert 0.8 <= pulse.loud_seconds(heard) <= 1.2
    assert abs(pulse.main_frequency(heard) - 440) < 5


def test_the_microphone_falls_back_to_the_device_rate() -> None:
    with Microphone(rate=1) as mic:  # PortAudio: "Invalid sample rate"
        block = mic.read(timeout=3)
    assert mic.device is not None
    assert mic.format.rate == round(mic.device.default_rate)
    assert block is not None and block.format == mic.format


def test_the_loudspeaker_plays_blocks_one_after_another(tmp_path: Path) -> None:
    with pulse.SpeakerRecording(tmp_path / "out.raw") as recording, Loudspeaker() as speaker:
        started = time.monotonic()
        speaker.play(pulse.tone(1.0, rate=16000, hz=440))
        speaker.queue(pulse.tone(0.5, rate=22050, hz=880))  # converted to the stream's rate
        assert time.monotonic() - started < 0.5  # play and queue do not wait
        assert speaker.playing
        assert speaker.wait(timeout=10)
        assert not speaker.playing
        assert abs(speaker.played_seconds - 1.5) < 0.01
    heard = recording.audio
    assert 1.35 <= pulse.loud_seconds(heard) <= 1.65
    loud = [0.05 * i for i, level in enumerate(pulse.levels(heard, 0.05)) if level > 500]
    first, last = loud[0], loud[-1]  # where the two tones start and end, in seconds
    assert abs(pulse.main_frequency(pulse.clip(heard, first + 0.1, 0.8)) - 440) < 5
    assert abs(pulse.main_frequency(pulse.clip(heard, last - 0.4, 0.3)) - 880) < 5


def test_a_rate_the_device_refuses_is_resampled(tmp_path: Path) -> None:
    with pulse.SpeakerRecording(tmp_path / "out.raw") as recording, Loudspeaker() as speaker:
        speaker.play(pulse.tone(0.5, rate=400_000, hz=440))
        assert speaker.wait(timeout=10)
        assert speaker.format is not None and speaker.format.rate < 400_000
    assert 0.4 <= pulse.loud_seconds(recording.audio) <= 0.6
    assert abs(pulse.main_frequency(recording.audio) - 440) < 5


def test_stop_cuts_the_sound_short(tmp_path: Path) -> None:
    with pulse.SpeakerRecording(tmp_path / "out.raw") as recording, Loudspeaker() as speaker:
        speaker.play(pulse.tone(3.0))
        time.sleep(0.5)
        speaker.stop()
        assert not speaker.playing
        assert speaker.wait(timeout=0.1)
        assert 0.2 < speaker.played_seconds < 0.9
        time.sleep(0.5)
    assert 0.2 <= pulse.loud_seconds(recording.audio) <= 0.9  # not the 3 seconds queued


def test_an_unplugged_microphone_is_reported_not_waited_for() -> None:
    try:
        with Microphone() as mic:
            assert mic.read(timeout=3) is not None
            pulse.unplug_mic()
            unplugged = time.monotonic()
            with pytest.raises(AudioUnavailable, match="microphone"):
                while time.monotonic() - unplugged < 10:
                    mic.read(timeout=0.5)
            assert time.monotonic() - unplugged < 3
    finally:
        pulse.plug_mic()
    with Microphone() as mic:  # plugged in again, it works again
        assert mic.read(timeout=3) is not None


def test_a_microphone_that_goes_quiet_is_reported() -> None:
    try:
        with Microphone(stall_seconds=1.0) as mic:
            assert mic.read(timeout=3) is not None
            pulse.suspend_mic(True)  # the stream stays open; no audio comes any more
            quiet = time.monotonic()
            with pytest.raises(AudioUnavailable, match="no sound for"):
                while time.monotonic() - quiet < 10:
                    mic.read(timeout=0.5)
            assert time.monotonic() - quiet < 2
    finally:
        pulse.suspend_mic(False)
