"""`coach --text`: a session typed on stdin and printed on stdout, in a terminal or piped."""

from __future__ import annotations

import io
import sys
import threading
from typing import TYPE_CHECKING, TextIO

from coach.dialog.events import Reply

if TYPE_CHECKING:
    from coach.session import Session


class TextScreen:
    """Shows the coach's lines; styled with rich in a terminal, plain when piped."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.console = None
        if out.isatty():
            from rich.console import Console

            self.console = Console(file=out, highlight=False)

    def show(self, reply: Reply) -> None:
        for line in reply.lines:
            if self.console is not None:
                self.console.print(f"[bold cyan]coach[/] {line.text}", markup=True, soft_wrap=False)
            else:
                print(f"coach: {line.text}", file=self.out, flush=True)

    def notice(self, text: str) -> None:
        if self.console is not None:
            self.console.print(f"[dim]{text}[/]")
        else:
            print(text, file=self.out, flush=True)

    def prompt(self) -> str:
        return "> " if self.console is not None else ""


def open_session(exercise: str | None, transcripts: bool) -> Session:
    """A session in the data folder, for `exercise` if given (checked before anything starts)."""
    from coach.journal import open_journal
    from coach.library import get_exercise, load_exercises
    from coach.session import Session, start_context

    library = load_exercises()
    if exercise is not None:
        get_exercise(library, exercise)
    journal = open_journal(holding="a session")
    try:
        start = start_context(journal, exercise=exercise)
    except BaseException:
        journal.close()  # a speaker that carries on must not keep the journal locked
        raise
    return Session(library, journal, start, transcripts=transcripts)


def run_text_session(
    exercise: str | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    transcripts: bool = False,
) -> int:
    """Run one typed session. An empty line counts as silence; end of input ends and saves."""
    from coach.session import warm_up

    session = open_session(exercise, transcripts)
    screen = TextScreen(stdout or sys.stdout)
    try:
        screen.show(session.begin())
        threading.Thread(target=warm_up, daemon=True).start()
        type_through(session, screen, stdin or sys.stdin)
    finally:
        session.journal.close()
    return 0


def type_through(session: Session, screen: TextScreen, stdin: TextIO) -> None:
    """Carry on a session by typing until it ends (also where voice falls back to)."""
    if isinstance(stdin, io.TextIOWrapper):
        stdin.reconfigure(errors="replace")  # bytes that are not UTF-8 must not lose the answer
    try:
        while not session.ended:
            line = _read_line(stdin, screen.prompt())
            if line is None:
                session.end("input-ended")
                break
            if line.strip():
                screen.show(session.hear(line))
            else:
                screen.show(session.silence(float("inf")))
    except KeyboardInterrupt:
        session.end("stopped")
        screen.notice(f"\nStopped. {session.what_was_kept()}")


def _read_line(stdin: TextIO, prompt: str) -> str | None:
    if stdin is sys.stdin and sys.stdin.isatty():
        try:
            return input(prompt)
        except EOFError:
            return None
    line = stdin.readline()
    return None if line == "" else line.rstrip("\n")
