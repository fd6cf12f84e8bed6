"""`coach journal ...`: see, export and delete what the coach has kept."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from coach.errors import CoachError

if TYPE_CHECKING:
    from coach.voice.asr import Recogniser
    from coach.voice.format import AudioBlock
from coach.journal import Journal, ask_passphrase, open_journal
from coach.paths import data_dir


def journal_command(args: argparse.Namespace) -> int:
    if args.journal_command == "export" and args.salvage:
        from coach.journal_salvage import salvage

        _write(salvage(data_dir(), lambda: ask_passphrase("Passphrase: ")), args.out)
        return 0
    changes = args.journal_command in ("protect", "forget")
    holding = f"coach journal {args.journal_command}" if changes else None
    if args.journal_command == "forget" and args.all:
        # Forgetting everything must work without the passphrase: it may be what was lost.
        journal = Journal(data_dir())
        journal.hold(holding or "")
    else:
        journal = open_journal(holding=holding)
    try:
        if args.journal_command == "protect":
            return _protect(journal)
        if args.journal_command == "show":
            print(to_markdown(journal), end="")
        elif args.journal_command == "export":
            text = to_json(journal) if args.format == "json" else to_markdown(journal)
            _write(text, args.out)
        elif args.journal_command == "forget":
            return _forget(journal, args)
    finally:
        journal.close()
    return 0


def _write(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    if out.is_symlink():
        raise CoachError(
            f"{out} is a symbolic link; the export is not written through it.",
            "Give the path of a plain file (it is created readable only by you).",
        )
    try:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            os.fchmod(fd, 0o600)
            file.write(text)
    except OSError as error:
        raise CoachError(
            f"Cannot write {out} ({error.strerror}).", "Choose a file in a folder you can write to."
        ) from error
    print(f"wrote {out} (readable only by you)")


def _forget(journal: Journal, args: argparse.Namespace) -> int:
    if not args.yes:
        what = "everything the coach kept" if args.all else f"session {args.session}"
        if not sys.stdin.isatty():
            raise CoachError(
                f"Not deleting {what} without confirmation.", "Add --yes to confirm.", exit_code=1
            )
        answer = input(f"Delete {what}? This cannot be undone. Type yes to confirm: ")
        if answer.strip().lower() != "yes":
            print("Nothing deleted.")
            return 1
    if args.all:
        removed = journal.forget_everything()
        print(
            f"Deleted {len(removed)} file(s) from {journal.folder}."
            if removed
            else "There was nothing to delete."
        )
        return 0
    if not journal.forget_session(args.session):
        raise CoachError(
            f"There is no session {args.session}.",
            "See the session numbers with: coach journal show",
            exit_code=1,
        )
    print(f"Deleted session {args.session}.")
    return 0


def to_json(journal: Journal) -> str:
    data = {
        "profile": journal.profile(),
        "sessions": [
            {
                **session,
                "answers": [
                    {
                        "exercise": a.exercise,
                        "state": a.state,
                        "key": a.key,
                        "text": a.text,
                        "at": a.at,
                    }
                    for a in journal.answers(int(str(session["id"])))
                ],
            }
            for session in journal.sessions()
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def to_markdown(journal: Journal) -> str:
    if not journal.exists:
        return f"The journal is empty: nothing has been kept in {journal.folder}.\n"
    profile = journal.profile()
    lines = ["# Coach journal", ""]
    who = ", ".join(
        f"{k}: {profile[k]}" for k in ("name", "other", "relationship") if profile.get(k)
    )
    if who:
        lines += [f"Profile: {who}", ""]
    for session in journal.sessions():
        before, after = session["closeness_before"], session["closeness_after"]
        closeness = ""
        if before is not None or after is not None:
            closeness = f" · closeness {_or_dash(before)} → {_or_dash(after)}"
        lines.append(
            f"## Session {session['id']} · {session['started_at']}"
            f" · {session['end_reason'] or 'not ended'}{closeness}"
        )
        lines.append("")
        exercise = None
        for answer in journal.answers(int(str(session["id"]))):
            if answer.exercise != exercise:
                exercise = answer.exercise
                lines += [f"### {exercise}", ""]
            lines.append(f"- **{answer.key}**: {answer.text}")
        lines.append("")
    return "\n".join(lines)


def _or_dash(value: object) -> str:
    return "-" if value is None else str(value)


def _protect(journal: Journal) -> int:
    if journal.exists and journal.protected:
        raise CoachError(
            "The journal is already protected by a passphrase.", "Nothing to do.", exit_code=1
        )
    why = "Protecting the journal needs a new passphrase"
    passphrase = ask_passphrase("New passphrase: ", why)
    if "COACH_PASSPHRASE" not in os.environ and passphrase != ask_passphrase("Once more: ", why):
        raise CoachError(
            "The two passphrases differ; nothing was changed.", "Try again.", exit_code=1
        )
    if len(passphrase.strip()) < 8:
        raise CoachError(
            "That passphrase is shorter than 8 characters; nothing was changed.",
            "Choose a longer one: a few words you will remember.",
            exit_code=1,
        )
    journal.protect(passphrase)
    print(
        f"The journal in {journal.folder} is now protected. You will be asked for the "
        "passphrase each time (or set COACH_PASSPHRASE). It is not stored anywhere: if you "
        "lose it, the journal cannot be read."
    )
    return 0


def models_command(args: argparse.Namespace) -> int:
    from coach.voice import models
    from coach.voice.catalog import CATALOG

    if args.models_command == "list":
        installed = models.list_models()
        for model in installed:
            print(
                f"{model.name:28} {model.size_bytes / 1e6:8.1f} MB  {model.language or '?':6} "
                f"{model.path}"
            )
        if not installed:
            print("No Vosk model is installed; the coach uses PocketSphinx's English model.")
        names = [name for name in CATALOG if name not in {m.name for m in installed}]
        if names:
            print(f"Can be downloaded: {', '.join(names)}  (coach models download NAME)")
        return 0
    if args.models_command == "download":
        path = models.download(args.name, args.sha256, url=args.url, trust=args.trust)
        print(f"installed {path}")
        return 0
    path = models.remove(args.name)
    print(f"removed {path}")
    return 0


def devices_command() -> int:
    from coach.voice.audio import list_devices

    devices = list_devices()
    if not devices:
        print(
            "No sound devices found. Check that a microphone and speaker are connected "
            "(coach doctor tells more)."
        )
        return 1
    for device in devices:
        kinds = ", ".join(k for k, n in (("in", device.inputs), ("out", device.outputs)) if n)
        print(f"{device.index:3}  {device.name:40} {kinds:8} {device.default_rate:.0f} Hz")
    print("Choose with --input-device / --output-device (a name or an index), or in config.toml.")
    return 0


def hear_command(
    file: Path | None, expect: str, engine: str, input_device: str | int | None
) -> int:
    from coach.voice.engines import load_recogniser
    from coach.voice.hear import hear_file

    recogniser = load_recogniser(engine)
    if file is not None:
        if not file.is_file():
            raise CoachError(f"No WAV file at {file}.", "Check the path.")
        result = hear_file(file, expect, recogniser)
    else:
        result = _hear_microphone(expect, recogniser, input_device)
    print(json.dumps(result, ensure_ascii=False))
    return 0


def _hear_microphone(
    expect: str, recogniser: Recogniser, device: str | int | None
) -> dict[str, object]:
    """Listen for one answer on the microphone (up to the silence window) and read it."""
    import time

    from coach.voice.audio import Microphone, to_mono_rate
    from coach.voice.conversation import listen_for_turn
    from coach.voice.format import SPEECH
    from coach.voice.hear import parse_expect, understand

    expectation, options, scale = parse_expect(expect)
    print("Listening... say your answer.", file=sys.stderr)
    with Microphone(device) as mic:

        def read(timeout: float) -> AudioBlock | None:
            block = mic.read(timeout)
            return None if block is None else to_mono_rate(block, SPEECH.rate)

        started = time.monotonic()
        turn = listen_for_turn(read, recogniser, expectation, pause=8.0)
    reading = understand(turn.text, expectation.kind, options, scale)
    return {
        "text": turn.text,
        "intent": reading.intent if turn.kind == "speech" else "silence",
        "value": reading.value,
        "confidence": round(turn.confidence * reading.confidence, 3),
        "engine": turn.engine,
        "seconds": round(time.monotonic() - started, 3),
    }
