"""Start-up: from starting `coach` (voice, PocketSphinx) to the first audible sample of its
greeting on a virtual speaker, warm (files in the page cache) and cold (caches dropped first,
where the machine allows it).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scripts.benchmarks.common import REPO, Figure, Section, median, met, spread
from scripts.benchmarks.devices import Clock, first_sound, test_server

TARGET = 1.5


def drop_caches() -> bool:
    """Empty the page cache (root only); False where that is not allowed."""
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


def first_word(folder: Path, cold: bool) -> float:
    from tests.voice.pulse import SpeakerRecording, VirtualDevices
    from tests.voice.speaking import seed_home

    home = folder / "home"
    if not home.exists():
        seed_home(home, "appreciation", 0)
    recording = folder / "speaker.raw"
    recording.unlink(missing_ok=True)
    with VirtualDevices("bench") as devices, SpeakerRecording(recording, "bench"):
        if cold and not drop_caches():
            raise PermissionError("cannot drop the page cache here")
        clock = Clock(recording)
        began = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-m", "coach", "--exercise", "appreciation"],
            cwd=REPO,
            env={**os.environ, "COACH_HOME": str(home), **devices.env},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            heard = clock.at(first_sound(recording, clock.recorded(), timeout=30))
        finally:
            process.kill()
            process.wait()
    return heard - began


def measure(runs: int) -> Section:
    runs = max(3, runs // 2)
    notes = []
    with test_server(), tempfile.TemporaryDirectory() as folder:
        first_word(Path(folder), cold=False)  # fills the caches
        warm = [first_word(Path(folder), cold=False) for _ in range(runs)]
        try:
            cold = [first_word(Path(folder), cold=True) for _ in range(max(3, runs // 2))]
        except PermissionError:
            cold = []
            notes.append("Cold start-up could not be measured: dropping the page cache needs root.")
    figures = [
        Figure(
            "Start-up to first spoken word, warm",
            f"{median(warm) * 1000:.0f} ms",
            f"<= {TARGET * 1000:.0f} ms",
            met(median(warm), TARGET),
            spread(warm),
        )
    ]
    if cold:
        figures.append(
            Figure(
                "Start-up to first spoken word, cold (page cache dropped)",
                f"{median(cold) * 1000:.0f} ms",
                f"<= {TARGET * 1000:.0f} ms",
                met(median(cold), TARGET),
                spread(cold),
            )
        )
    return Section(
        "startup",
        "Start-up to the first spoken word",
        (__doc__ or "").replace("\n", " ").strip()
        + " The recogniser loads in the background while the greeting is synthesised and"
        " played; listening waits for it only if it is not ready by the end of the greeting.",
        figures,
        notes,
        command=".venv/bin/python scripts/bench.py --only startup",
    )
