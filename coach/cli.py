"""The `coach` command: argument parsing, and the one place that puts the parts together."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from coach import __version__
from coach.errors import CoachError

if TYPE_CHECKING:
    from coach.config import Config
    from coach.voice.run import VoiceOptions

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    voice = argparse.ArgumentParser(add_help=False)
    voice.add_argument(
        "--engine",
        choices=("auto", "moonshine", "vosk", "pocketsphinx"),
        default=None,
        help="speech recognition (auto: Moonshine for open answers, and for closed ones Vosk "
        "if an English model is installed, else PocketSphinx)",
    )
    voice.add_argument("--input-device", metavar="NAME|INDEX", help="microphone (coach devices)")
    voice.add_argument("--output-device", metavar="NAME|INDEX", help="speaker (coach devices)")
    parser = argparse.ArgumentParser(
        prog="coach",
        description="An offline coach that guides you through exercises for emotional "
        "closeness with a partner, a friend or a family member.",
        parents=[voice],
    )
    parser.add_argument("--version", action="version", version=f"coach {__version__}")
    parser.add_argument("--text", action="store_true", help="type instead of talking")
    parser.add_argument(
        "--exercise", metavar="ID", help="go straight to this exercise (see: coach dialogs list)"
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    parser.add_argument(
        "--debug-transcripts",
        action="store_true",
        help="with --debug, also log what you say (off by default: logs never hold your words)",
    )
    parser.add_argument("--voice", metavar="ID", help="text-to-speech voice")
    parser.add_argument(
        "--barge-in",
        choices=("keyword", "open", "off"),
        default="keyword",
        help="interrupting the coach: 'keyword' (say stop or wait; the default), 'open' (any "
        "speech, for headsets) or 'off'",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("devices", help="list microphones and speakers")
    commands.add_parser(
        "doctor", parents=[voice], help="check each part voice needs, and say what to fix"
    )
    speaker = commands.add_parser(
        "speaker",
        parents=[voice],
        help="always on, hands-free: wait for the wake phrase, talk, wait again",
    )
    speaker.add_argument("--wake", metavar="PHRASE", help='what wakes it (default "hey coach")')
    speaker.add_argument(
        "--idle-minutes",
        type=float,
        default=3.0,
        metavar="N",
        help="end a session after N minutes with nothing said (default 3)",
    )
    speaker.add_argument(
        "--volume", type=float, default=0.7, metavar="0-1", help="starting volume (default 0.7)"
    )
    speaker.add_argument("--no-earcons", action="store_true", help="no beeps, only speech")
    speaker.add_argument(
        "--button", type=int, metavar="PIN", help="GPIO pin of a push-to-talk button (gpiozero)"
    )
    hear = commands.add_parser(
        "hear", parents=[voice], help="recognise one answer from a WAV file or the microphone"
    )
    hear.add_argument("file", nargs="?", type=Path, help="a WAV file (default: the microphone)")
    hear.add_argument(
        "--expect", default="free", help="yes_no | scale | choice:ID,ID | free (default: free)"
    )
    hear.add_argument("--json", action="store_true", help="print JSON (the default)")

    replay = commands.add_parser("replay", help="run a whole session from a script file")
    replay.add_argument("script", type=Path, help="a YAML or JSON file of turns")
    replay.add_argument("--json", action="store_true", help="print one JSON object per line")
    replay.add_argument("--seed", type=int, default=None, help="choose prompt variants repeatably")
    replay.add_argument(
        "--speech-out",
        type=Path,
        metavar="DIR",
        help="also speak each coach line into a WAV file in DIR",
    )

    dialogs = commands.add_parser("dialogs", help="check, list and draw the exercises")
    dialog_commands = dialogs.add_subparsers(
        dest="dialogs_command", metavar="ACTION", required=True
    )
    check = dialog_commands.add_parser("check", help="validate dialog files; exit 1 on problems")
    check.add_argument("paths", nargs="*", type=Path, help="files or folders (default: all)")
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    graph = dialog_commands.add_parser("graph", help="print an exercise as a Mermaid diagram")
    graph.add_argument("id", help="exercise id, e.g. empathy")
    graph.add_argument("--out", type=Path, help="write an SVG with Graphviz instead")
    dialog_commands.add_parser("list", help="the exercises, one line each")

    models = commands.add_parser("models", help="list, download or remove speech models")
    model_commands = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    model_commands.add_parser("list", help="installed models and the ones you can download")
    download = model_commands.add_parser("download", help="download and install a model")
    download.add_argument("name", help="a name from `coach models list`, or a URL")
    download.add_argument("--url", help="where to download it from")
    download.add_argument("--sha256", help="the archive's expected SHA-256")
    download.add_argument(
        "--trust", action="store_true", help="install even with no checksum to verify against"
    )
    remove = model_commands.add_parser("remove", help="delete an installed model")
    remove.add_argument("name")

    journal = commands.add_parser("journal", help="see, export or delete what the coach kept")
    journal_commands = journal.add_subparsers(
        dest="journal_command", metavar="ACTION", required=True
    )
    journal_commands.add_parser("show", help="print the journal")
    export = journal_commands.add_parser("export", help="write the journal to a readable file")
    export.add_argument("--format", choices=("json", "markdown"), default="markdown")
    export.add_argument("--out", type=Path, help="file to write (default: print it)")
    export.add_argument(
        "--salvage",
        action="store_true",
        help="from a damaged journal, every row that can still be read (as JSON)",
    )
    journal_commands.add_parser(
        "protect", help="seal what you said under a passphrase (asked each time, never stored)"
    )
    forget = journal_commands.add_parser("forget", help="delete one session or everything")
    which = forget.add_mutually_exclusive_group(required=True)
    which.add_argument("--all", action="store_true", help="everything, profile included")
    which.add_argument(
        "--session", type=session_number, metavar="N", help="one session (see journal show)"
    )
    forget.add_argument("--yes", action="store_true", help="do it without asking")
    return parser


def session_number(text: str) -> int:
    """A session number as `journal show` lists them (SQLite holds numbers up to 2**63 - 1)."""
    if not text.isdigit() or not 0 < int(text) < 2**63:
        raise argparse.ArgumentTypeError(
            f"{text[:30]!r} is not a session number; see them with: coach journal show"
        )
    return int(text)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    flags = {"--debug", "--debug-transcripts"}
    given = flags & set(argv)
    args = build_parser().parse_args([a for a in argv if a not in flags])
    args.debug = bool(given)
    args.debug_transcripts = "--debug-transcripts" in given
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING,
        format="coach: %(levelname)s: %(message)s",
    )
    os.umask(0o077)  # whatever the coach writes is for its owner's eyes only
    try:
        code = _run(args)
        sys.stdout.flush()  # a reader that went away is noticed here, not at exit
        return code
    except CoachError as error:
        if args.debug:
            raise
        print(f"coach: {error.what}", file=sys.stderr)
        if error.todo:
            print(f"       {error.todo}", file=sys.stderr)
        return error.exit_code
    except BrokenPipeError:
        # The reader went away (`coach dialogs list | head`): stop quietly, as `ls` would.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print(
            "\ncoach: stopped. Answers already saved stay saved (see: coach journal show).",
            file=sys.stderr,
        )
        return 130
    except Exception as error:
        if args.debug:
            raise
        log.debug("internal error", exc_info=True)
        print(
            f"coach: something went wrong inside the coach ({type(error).__name__}: {error}).",
            file=sys.stderr,
        )
        print(
            "       Answers already saved stay saved (see: coach journal show). Run the same "
            "command with --debug and report what it shows.",
            file=sys.stderr,
        )
        return 70


def _run(args: argparse.Namespace) -> int:
    if args.command == "dialogs":
        return _dialogs(args)
    if args.command == "journal":
        from coach.commands import journal_command

        return journal_command(args)
    if args.command == "models":
        from coach.commands import models_command

        return models_command(args)
    if args.command == "devices":
        from coach.commands import devices_command

        return devices_command()
    if args.command == "doctor":
        from coach.doctor import doctor_command

        config = _config()
        return doctor_command(
            _device(args.input_device, config.input_device),
            _device(args.output_device, config.output_device),
            args.engine or config.engine,
        )
    if args.command == "speaker":
        return _speaker(args)
    if args.command == "hear":
        from coach.commands import hear_command

        return hear_command(
            args.file,
            args.expect,
            args.engine or _config().engine,
            _device(args.input_device, _config().input_device),
        )
    if args.command == "replay":
        from coach.replay import replay_command

        return replay_command(
            args.script,
            as_json=args.json,
            seed=args.seed,
            transcripts=args.debug_transcripts,
            speech_out=args.speech_out,
        )
    if args.text:
        from coach.textmode import run_text_session

        return run_text_session(exercise=args.exercise, transcripts=args.debug_transcripts)
    from coach.voice.run import run_voice_session

    options = _voice_options(args, _config())
    return run_voice_session(args.exercise, options, args.debug_transcripts)


def _voice_options(args: argparse.Namespace, config: Config) -> VoiceOptions:
    from coach.voice.run import VoiceOptions

    return VoiceOptions(
        engine=args.engine or config.engine,
        input_device=_device(args.input_device, config.input_device),
        output_device=_device(args.output_device, config.output_device),
        voice=args.voice or config.voice,
        barge_in=args.barge_in,
    )


def _speaker(args: argparse.Namespace) -> int:
    from coach.voice.speaker_mode import SpeakerOptions, run_speaker

    if not 0.1 <= args.volume <= 1.0:
        raise CoachError(f"--volume {args.volume} is out of range.", "Give a number from 0.1 to 1.")
    if args.idle_minutes <= 0:
        raise CoachError("--idle-minutes must be more than 0.", "For example: --idle-minutes 3")
    config = _config()
    options = SpeakerOptions(
        voice=_voice_options(args, config),
        wake=args.wake or config.wake_phrase,
        idle_minutes=args.idle_minutes,
        volume=args.volume,
        earcons=not args.no_earcons,
        button_pin=args.button if args.button is not None else config.button_pin,
        transcripts=args.debug_transcripts,
    )
    return run_speaker(options)


def _config() -> Config:
    from coach.config import load_config
    from coach.paths import data_dir

    return load_config(data_dir())


def _device(given: str | None, configured: str | int | None) -> str | int | None:
    """A device named on the command line (a number means an index), else the configured one."""
    if given is None:
        return configured
    return int(given) if given.isdigit() else given


def _dialogs(args: argparse.Namespace) -> int:
    from coach.dialog.spec import load_library
    from coach.paths import dialogs_dir

    if args.dialogs_command == "check":
        paths = args.paths or [dialogs_dir()]
        missing = [p for p in paths if not p.exists()]
        if missing:
            raise CoachError(
                f"No such file or folder: {missing[0]}.",
                "Give dialog files (.yaml) or folders that hold them.",
            )
        dialogs, problems = load_library(paths)
        for problem in problems:
            print(problem)
        errors = [p for p in problems if not p.warning or args.strict]
        n_warn = len(problems) - len([p for p in problems if not p.warning])
        print(
            f"{len(dialogs)} exercise(s) fine, {len(problems) - n_warn} error(s), "
            f"{n_warn} warning(s)"
        )
        return 1 if errors else 0
    from coach.library import load_exercises

    library = load_exercises()
    if args.dialogs_command == "list":
        for dialog in library.values():
            print(f"{dialog.id:24} {dialog.minutes:3} min  {dialog.title}")
        return 0
    from coach.dialog.flow import mermaid, write_svg
    from coach.library import get_exercise

    dialog = get_exercise(library, args.id)
    if args.out:
        try:
            write_svg(dialog, str(args.out))
        except (ImportError, OSError, RuntimeError) as error:
            raise CoachError(
                f"Could not draw {args.out}: Graphviz is missing or failed ({error}).",
                "Install it (apt-get install graphviz; pip install graphviz), or leave out "
                "--out to get a Mermaid diagram.",
            ) from error
        print(f"wrote {args.out}")
        return 0
    print(mermaid(dialog), end="")
    return 0
