"""`coach replay`: run a whole session from a script of turns, for tests and bug reports."""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import yaml

from coach.dialog.engine import Ask
from coach.dialog.events import Reply
from coach.dialog.render import RELATIONS, Profile
from coach.errors import CoachError
from coach.safe_yaml import RefusedYaml, clip, describe, read_yaml

SCRIPT_KEYS = {"exercise", "profile", "turns", "seed"}


@dataclass(frozen=True, slots=True)
class Turn:
    """One turn of the script: typed text, seconds of silence, or a WAV file to recognise."""

    kind: str
    text: str = ""
    seconds: float = 0.0
    audio: Path | None = None


@dataclass(frozen=True, slots=True)
class Script:
    turns: list[Turn]
    exercise: str | None = None
    profile: Profile | None = None
    seed: int | None = None


def load_script(path: Path) -> Script:
    """Read and check a replay script; every mistake is reported with the file and turn."""
    try:
        raw, _ = read_yaml(path)
    except FileNotFoundError:
        raise CoachError(f"No replay script at {path}.", "Check the path.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise CoachError(
            f"Cannot read the replay script {path} ({error}).",
            "Check that it is a readable text file.",
        ) from None
    except RefusedYaml as error:
        raise CoachError(
            f"{path}: {error.what}.",
            f"{error.todo[:1].upper()}{error.todo[1:]}; see README.md, 'Replay scripts'.",
        ) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise CoachError(
            f"{path}: not valid YAML or JSON{where}.",
            "Fix the syntax; see README.md, 'Replay scripts'.",
        ) from None
    if not isinstance(raw, dict) or "turns" not in raw:
        raise CoachError(
            f"{path}: a replay script is a mapping with a 'turns' list.",
            "See README.md, 'Replay scripts', for an example.",
        )
    unknown = set(raw) - SCRIPT_KEYS
    if unknown:
        raise CoachError(
            f"{path}: unknown key(s) {clip(', '.join(sorted(map(str, unknown))))}.",
            f"Use only: {', '.join(sorted(SCRIPT_KEYS))}.",
        )
    turns_raw = raw["turns"]
    if not isinstance(turns_raw, list):
        raise CoachError(f"{path}: 'turns' must be a list.", "Give one item per turn.")
    turns = [_turn(path, number, item) for number, item in enumerate(turns_raw, start=1)]
    exercise = raw.get("exercise")
    if exercise is not None and not isinstance(exercise, str):
        raise CoachError(
            f"{path}: 'exercise' must be an exercise id.", "See them with: coach dialogs list"
        )
    seed = raw.get("seed")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise CoachError(f"{path}: 'seed' must be a whole number.", "For example: seed: 1")
    return Script(turns, exercise, _profile(path, raw.get("profile")), seed)


def _turn(path: Path, number: int, item: Any) -> Turn:
    where = f"{path}: turn {number}"
    if isinstance(item, bool):
        return Turn("text", text="yes" if item else "no")
    if isinstance(item, int | float):
        return Turn("text", text=str(item))
    if isinstance(item, str):
        return Turn("text", text=item)
    if isinstance(item, dict) and len(item) == 1:
        ((key, value),) = item.items()
        if key == "text" and isinstance(value, str | int | float):
            return Turn("text", text=str(value))
        if (
            key == "silence"
            and isinstance(value, int | float)
            and not isinstance(value, bool)
            and value >= 0
        ):
            return Turn("silence", seconds=float(value))
        if key == "audio" and isinstance(value, str):
            audio = (path.parent / value).resolve()
            if not _is_file(audio):
                raise CoachError(
                    f"{where}: no audio file at {clip(str(audio), 200)}.",
                    "Paths are relative to the script's folder.",
                )
            return Turn("audio", audio=audio)
    raise CoachError(
        f"{where}: cannot read {clip(item)}.",
        'A turn is text ("yes"), {text: "..."}, {silence: SECONDS} or {audio: FILE.wav}.',
    )


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name too long for the file system, say
        return False


def _profile(path: Path, raw: Any) -> Profile | None:
    if raw is None:
        return None
    example = "For example: profile: {name: Sam, other: Alex, relationship: partner}"
    if not isinstance(raw, dict) or set(raw) - {"name", "other", "relationship"}:
        raise CoachError(f"{path}: 'profile' takes name, other and relationship.", example)
    for key, value in raw.items():
        if value is not None and not isinstance(value, str):
            raise CoachError(
                f"{path}: '{key}' in 'profile' must be text, not {describe(value)}.", example
            )
    name, other, relationship = (raw.get(k) or "" for k in ("name", "other", "relationship"))
    if relationship and relationship not in RELATIONS:
        raise CoachError(
            f"{path}: relationship '{clip(relationship)}' is not one I know.",
            f"Use one of: {', '.join(RELATIONS)}.",
        )
    return Profile(name, other, relationship)


class Transcript:
    """Prints a session as it happens: readable lines, or one JSON object per line.

    With `speech_out`, each coach line is also spoken into a numbered WAV file there.
    """

    def __init__(self, out: TextIO, as_json: bool, speech_out: Path | None = None) -> None:
        self.out = out
        self.as_json = as_json
        self.speech_out = speech_out
        self.spoken = 0
        self._voice: Any = None

    def user(self, text: str, state: str, intent: str | None) -> None:
        self._emit(
            {"role": "user", "text": text, "state": state, "intent": intent}, f"  you: {text}"
        )

    def silence(self, seconds: float, state: str) -> None:
        record = {
            "role": "user",
            "text": "",
            "state": state,
            "intent": "silence",
            "seconds": seconds,
        }
        self._emit(record, f"  you: (silent for {seconds:g} s)")

    def reply(self, reply: Reply) -> None:
        if self.speech_out is not None:
            self._speak(reply)
        for line in reply.lines:
            self._emit(
                {"role": "coach", "text": line.text, "state": line.state}, f"coach: {line.text}"
            )

    def _speak(self, reply: Reply) -> None:
        from coach.voice.tts import Pyttsx3Voice
        from coach.voice.wavfile import write_wav

        assert self.speech_out is not None
        self.speech_out.mkdir(parents=True, exist_ok=True)
        self._voice = self._voice or Pyttsx3Voice()
        for line in reply.lines:
            self.spoken += 1
            block = self._voice.render(line.text, -3 if line.slow else 0)
            write_wav(self.speech_out / f"{self.spoken:03d}-{line.state}.wav", block)

    def end(self, reason: str) -> None:
        self._emit(
            {"role": "system", "event": "end", "reason": reason, "text": "", "state": "ended"},
            f"[session ended: {reason}]",
        )

    def _emit(self, record: dict[str, Any], plain: str) -> None:
        print(
            json.dumps(record, ensure_ascii=False) if self.as_json else plain,
            file=self.out,
            flush=True,
        )


def run_script(
    script: Script,
    out: TextIO,
    as_json: bool,
    seed: int | None = None,
    recognise: Callable[[Path, Ask | None], tuple[str, float]] | None = None,
    transcripts: bool = False,
    speech_out: Path | None = None,
) -> str:
    """Play the script through a session in `$COACH_HOME`; return why the session ended."""
    from coach.journal import open_journal
    from coach.library import get_exercise, load_exercises
    from coach.session import Session, start_context

    library = load_exercises()
    if script.exercise is not None:
        get_exercise(library, script.exercise)
    journal = open_journal(holding="a replay")
    try:
        start = start_context(journal, script.profile, script.exercise)
    except BaseException:
        journal.close()
        raise
    rng = random.Random(seed if seed is not None else script.seed or 0)
    session = Session(library, journal, start, rng, transcripts=transcripts)
    transcript = Transcript(out, as_json, speech_out)
    try:
        transcript.reply(session.begin())
        for turn in script.turns:
            if session.ended:
                break
            if turn.kind == "silence":
                state = session.state
                reply = session.silence(turn.seconds)
                transcript.silence(turn.seconds, state)
            else:
                text, confidence = turn.text, 1.0
                if turn.kind == "audio":
                    assert turn.audio is not None
                    recognise = recognise or audio_recogniser()
                    text, confidence = recognise(turn.audio, session.manager.asking)
                state = session.state
                reply = session.hear(text, confidence)
                transcript.user(text, state, reply.intent)
            transcript.reply(reply)
        if not session.ended:
            transcript.reply(session.end("script-ended"))
    finally:
        journal.close()
    reason = session.ended or "script-ended"
    transcript.end(reason)
    return reason


def replay_command(
    path: Path,
    as_json: bool,
    seed: int | None,
    transcripts: bool = False,
    speech_out: Path | None = None,
) -> int:
    script = load_script(path)
    if speech_out is not None:
        _check_folder(speech_out)
    run_script(script, sys.stdout, as_json, seed, transcripts=transcripts, speech_out=speech_out)
    return 0


def _check_folder(folder: Path) -> None:
    """--speech-out must name a folder that exists or can be made, before the session starts."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CoachError(
            f"Cannot use {clip(str(folder), 200)} for --speech-out ({error.strerror}).",
            "Give a folder (it is made if missing) for the spoken lines' WAV files.",
        ) from None


def audio_recogniser(engine: str = "auto") -> Callable[[Path, Ask | None], tuple[str, float]]:
    """Recognise a WAV file the way a live answer is: with the grammar of the question."""
    from coach.voice.engines import load_recogniser
    from coach.voice.grammar import expectation_for
    from coach.voice.wavfile import pad, read_wav, to_speech_format

    recogniser = load_recogniser(engine)

    def recognise(path: Path, ask: Ask | None) -> tuple[str, float]:
        expect = (
            expectation_for(ask.expect, ask.options, ask.scale) if ask else expectation_for("free")
        )
        try:
            audio = to_speech_format(pad(read_wav(path), 0.3, 0.3))
        except ValueError as error:
            raise CoachError(f"Cannot use {path}: {error}", "Give a 16-bit PCM WAV file.") from None
        utterance = recogniser.listen(expect)
        utterance.accept(audio)
        heard = utterance.finish()
        return heard.text, heard.confidence

    return recognise
