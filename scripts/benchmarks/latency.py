"""Reply latency through virtual audio devices, from the end of the person's speech to the
first audible sample of the coach's reply, broken into its parts.

A scripted person does appreciation by voice with `coach --debug` on a pair of virtual
devices. For each spoken answer: the speech ends when paplay has drained the answer into
the microphone, less the quiet at the end of the file; the reply starts at the first frame
above the quiet level in the recording of the speaker. The coach's debug log gives the
parts: the quiet waited for (the question's pause window), the recogniser's finish, the
dialog step, and the first sentence's synthesis until it plays.
"""

from __future__ import annotations

import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from scripts.benchmarks.common import Figure, Section, median, met
from scripts.benchmarks.devices import Clock, first_sound, test_server, trailing_quiet

SESSIONS = 2
"""Whole appreciation sessions by voice (about 3 minutes and 9 answers each)."""
TIMINGS = re.compile(r"waited (\d+) ms, recognised in (\d+) ms, replied in (\d+) ms")
FIRST_SENTENCE = re.compile(r"first sentence playing (\d+) ms")


SLOWER_CORE = 3.0
"""A Raspberry Pi 4 core is roughly a third as fast as one of this machine's."""
CLOSED = ("yes_no", "scale", "choice")


@dataclass(frozen=True)
class Turn:
    kind: str
    """The question's kind: "yes_no", "scale", "choice" (closed) or "free" (open)."""
    latency: float
    window: float
    waited: float
    recognising: float
    replying: float
    synthesis: float

    @property
    def excess(self) -> float:
        """The latency beyond the pause window the question asks for."""
        return self.latency - self.window


def session(folder: Path, engine: str) -> list[Turn]:
    from coach.voice.endpoint import end_silence_for
    from tests.voice.pulse import SpeakerRecording, VirtualDevices, play_into_mic
    from tests.voice.speaking import LIBRARY, CoachProcess, Listener, answer, espeak, seed_home

    home = folder / "home"
    seed_home(home, "appreciation", 0)
    recording = folder / "speaker.raw"
    turns: list[Turn] = []
    with VirtualDevices("bench") as devices, SpeakerRecording(recording, "bench"):
        listener = Listener(recording)
        coach = CoachProcess(home, devices, "--exercise", "appreciation", "--engine", engine)
        try:
            while (turn := coach.next_turn()) is not None:
                prompt, listening = turn
                listener.wait_until_quiet(0.3)
                window = end_silence_for(_pause(coach.log))
                wav = espeak(folder, answer(LIBRARY, prompt, listening))
                logged = len(coach.log)
                play_into_mic(wav, devices.name).wait(timeout=30)
                clock = Clock(recording)
                spoken_until = time.monotonic() - trailing_quiet(wav)
                after = clock.recorded() - trailing_quiet(wav)
                try:
                    reply = clock.at(first_sound(recording, after, timeout=20))
                except TimeoutError:
                    continue  # no reply (the session ended)
                parts = _parts(coach, logged)
                if parts is not None:
                    turns.append(Turn(listening.kind, reply - spoken_until, window, *parts))
            coach.process.wait(timeout=30)
        finally:
            if coach.process.poll() is None:
                coach.process.kill()
    return turns


def _pause(log: list[str]) -> float:
    for line in reversed(log):
        if "listening at " in line:
            return float(line.rsplit(", ", 1)[1].split(" s ")[0])
    raise RuntimeError("the coach never said it was listening")


def _parts(coach: object, logged: int) -> tuple[float, float, float, float] | None:
    """The coach's own timings for the turn whose log starts at line `logged`."""
    log: list[str] = coach.log  # type: ignore[attr-defined]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        lines = log[logged:]
        timing = next((m for line in lines if (m := TIMINGS.search(line))), None)
        first = next((m for line in lines if (m := FIRST_SENTENCE.search(line))), None)
        if timing and first:
            waited, recognising, replying = (int(v) / 1000 for v in timing.groups())
            return waited, recognising, replying, int(first.group(1)) / 1000
        time.sleep(0.05)
    return None


def measure(runs: int) -> Section:
    turns: list[Turn] = []
    with test_server(), tempfile.TemporaryDirectory() as folder:
        for number in range(SESSIONS):
            place = Path(folder) / str(number)
            place.mkdir()
            turns += session(place, "auto")
    if not turns:
        raise RuntimeError("no spoken turn was measured")
    ms = 1000

    def row(name: str, values: list[float], target: str = "report", ok: str = "-") -> Figure:
        return Figure(
            name,
            f"{median(values) * ms:.0f} ms",
            target,
            ok,
            f"min {min(values) * ms:.0f}, max {max(values) * ms:.0f} ms, {len(values)} turns",
        )

    figures = []
    for name, kinds in (("closed questions", CLOSED), ("open answers", ("free",))):
        mine = [t for t in turns if t.kind in kinds]
        if not mine:
            continue
        beyond = median([t.excess for t in mine])
        figures += [
            row(f"Reply latency, {name}, end of speech to first sound", [t.latency for t in mine]),
            row("  of which the question's pause window", [t.window for t in mine]),
            row(
                "  beyond the pause window",
                [t.excess for t in mine],
                "<= 250 ms",
                met(beyond, 0.25),
            ),
            row(
                f"  beyond the window on a core a third as fast (computed: {SLOWER_CORE:.0f} x)",
                [t.excess * SLOWER_CORE for t in mine],
            ),
            row("  recogniser finishing", [t.recognising for t in mine]),
        ]
    figures += [
        row("All turns: quiet waited for (the endpointer's count)", [t.waited for t in turns]),
        row("  dialog step (and saving the answer)", [t.replying for t in turns]),
        row("  first sentence synthesised until it plays", [t.synthesis for t in turns]),
    ]
    return Section(
        "latency",
        "Reply latency",
        (__doc__ or "").split("\n\n", 1)[1].replace("\n", " ").strip()
        + f" {SESSIONS} sessions, {len(turns)} spoken turns. The end of speech is known to"
        " within a few tens of milliseconds (paplay's drain and the recorder's 20 ms buffer).",
        figures,
        [
            "Engines: `--engine auto`, as the coach runs by default: PocketSphinx with each "
            "question's grammar, and Moonshine tiny for open answers (and beside the grammar at "
            "closed ones). Moonshine transcribes what has been said each time the person pauses "
            "for 0.24 s, so the transcription runs during the pause window; 'recogniser "
            "finishing' is what was left when the window ended. The figures for a core a third "
            "as fast (a Raspberry Pi 4) are computed, not measured: everything beyond the window "
            "is work on one thread, multiplied by three. The background transcription must also "
            "fit in the window there: three times its cost (the cost section: Moonshine's CPU "
            "per second of audio) for the last stretch of speech, against a window of 1.5 s or "
            "more less the 0.24 s pause.",
            vosk_note(median([t.recognising for t in turns]) * 1000),
        ],
        command=".venv/bin/python scripts/bench.py --only latency",
    )


def vosk_note(sphinx_finishing_ms: float) -> str:
    """Vosk's reply latency, from its finishing work measured by the cost section."""
    import json

    from scripts.benchmarks.common import REPO

    cost = REPO / "bench" / "figures" / "cost.json"
    prefix = "Vosk (Korean model): work after end of speech, "
    found = {}
    if cost.exists():
        for figure in json.loads(cost.read_text())["figures"]:
            if figure["figure"].startswith(prefix):
                found[figure["figure"].removeprefix(prefix)] = float(figure["value"].split()[0])
    why = (
        "Vosk (Korean model) is not run through the devices: a Korean model cannot follow an "
        "English session, which would stay at its first question. Everything on the path "
        "but the recogniser's finishing work is the same for both engines."
    )
    if not found:
        return why + " Run the cost section for Vosk's finishing work."
    parts = ", ".join(f"{ms:.0f} ms for a {kind}" for kind, ms in found.items())
    worst = max(found.values())
    return (
        f"{why} The cost section measured Vosk's work after the end of speech at {parts}, "
        f"against {sphinx_finishing_ms:.0f} ms for PocketSphinx here, so Vosk's replies would "
        f"come at most {worst - sphinx_finishing_ms:.0f} ms later than the figures above."
    )
