"""`coach journal ...`: see, export and delete what the coach has kept."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from coach.errors import CoachError
from coach.journal import Journal, ask_passphrase, open_journal
from coach.paths import data_dir


def journal_command(args: argparse.Namespace) -> int:
    if args.journal_command == "forget" and args.all:
        # Forgetting everything must work without the passphrase: it may be what was lost.
        journal = Journal(data_dir())
    else:
        journal = open_journal()
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
    try:
        out.write_text(text, encoding="utf-8")
        out.chmod(0o600)
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
    passphrase = ask_passphrase("New passphrase: ")
    if not os.environ.get("COACH_PASSPHRASE") and passphrase != ask_passphrase("Once more: "):
        raise CoachError(
            "The two passphrases differ; nothing was changed.", "Try again.", exit_code=1
        )
    if len(passphrase) < 8:
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
