"""One session: the dialogue manager joined to the journal. Text and voice I/O sit on top."""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping
from typing import TYPE_CHECKING

from coach.config import load_config
from coach.dialog import events as ev
from coach.dialog.engine import DialogueManager
from coach.dialog.events import Reply, Start, Unfinished
from coach.dialog.render import Profile
from coach.dialog.resources import own_resources
from coach.dialog.spec import Dialog

if TYPE_CHECKING:
    from coach.dialog.safety import Screening
from coach.journal import Journal

log = logging.getLogger(__name__)


def start_context(
    journal: Journal, profile: Profile | None = None, exercise: str | None = None
) -> Start:
    """What the journal knows about the person, for the start of a session."""
    stored = journal.profile()
    known = Profile(stored.get("name", ""), stored.get("other", ""), stored.get("relationship", ""))
    open_run = journal.last_open_run()
    concerns = journal.events("safety")
    config = load_config(journal.folder)
    return Start(
        profile=profile or known,
        consent=True if stored.get("consent") == "yes" else None,
        first_run=not journal.sessions(),
        unfinished=Unfinished(open_run.exercise, open_run.state, open_run.answers)
        if open_run
        else None,
        finished_exercises=tuple(journal.finished_exercises()),
        exercise=exercise,
        unsafe_with_other=stored.get("unsafe_with_other") == "yes",
        safety_followup=stored.get("safety_followup") == "yes",
        last_concern=concerns[-1][0] if concerns else None,
        region=config.region,
        resources=own_resources(journal.folder, config.resources),
        data_place=f"a private folder on this device, {journal.folder}",
        rate=int(stored.get("rate", "0") or 0),
    )


class Session:
    """Runs the manager and writes what it decides to keep, the moment it decides it."""

    def __init__(
        self,
        library: Mapping[str, Dialog],
        journal: Journal,
        start: Start,
        rng: random.Random | None = None,
        transcripts: bool = False,
    ) -> None:
        self.transcripts = transcripts
        """Log what the person says (only with --debug-transcripts)."""
        self.journal = journal
        self.start = start
        self.manager = DialogueManager(library, start, rng=rng, screen=_screen)
        self.session_id: int | None = None
        self.run_ids: dict[str, int] = {}
        self.profile_given = start.profile if start.first_run else None

    @property
    def state(self) -> str:
        return self.manager.state

    @property
    def ended(self) -> str | None:
        return self.manager.ended

    def what_was_kept(self) -> str:
        """One honest sentence on what is saved, for when the session stops early."""
        if self.session_id is None:
            return "Nothing from this session was saved."
        return "What you said so far is saved."

    def begin(self) -> Reply:
        return self._kept(self.manager.start())

    def hear(self, text: str, confidence: float = 1.0) -> Reply:
        state = self.manager.state
        reply = self._kept(self.manager.hear(text, confidence))
        said = text if self.transcripts else f"<{len(text)} characters>"
        log.debug("heard in %s: %s -> %s", state, said, reply.intent)
        return reply

    def not_made_out(self) -> Reply:
        """Speech was heard but no words could be made out."""
        return self._kept(self.manager.not_made_out())

    def silence(self, seconds: float) -> Reply:
        return self._kept(self.manager.silence(seconds))

    def end(self, reason: str) -> Reply:
        """No more input: end now, keeping the place of any unfinished exercise."""
        return self._kept(self.manager.end_of_input(reason))

    def _kept(self, reply: Reply) -> Reply:
        for effect in reply.effects:
            self._apply(effect)
        if reply.ended and self.session_id is not None:
            self.journal.end_session(self.session_id, reply.ended)
        return reply

    def _session(self) -> int:
        if self.session_id is None:
            self.session_id = self.journal.start_session()
        return self.session_id

    def _run(self, exercise: str, state: str = "") -> int:
        if exercise not in self.run_ids:
            existing = self.journal.open_run(exercise)
            self.run_ids[exercise] = existing or self.journal.start_run(
                self._session(), exercise, state
            )
        return self.run_ids[exercise]

    def _apply(self, effect: ev.Effect) -> None:
        journal = self.journal
        match effect:
            case ev.ConsentGiven(given=True):
                journal.set_profile("consent", "yes")
                self._session()
                if self.profile_given is not None:
                    for key in ("name", "other", "relationship"):
                        value = getattr(self.profile_given, key)
                        if value:
                            journal.set_profile(key, value)
            case ev.ConsentGiven(given=False):
                pass
            case ev.ProfileChanged(key=key, value=value):
                journal.set_profile(key, value)
            case ev.ExerciseStarted(exercise=exercise):
                self.run_ids[exercise] = journal.start_run(self._session(), exercise, "")
            case ev.PlaceChanged(exercise=exercise, state=state):
                self._session()
                journal.move_run(self._run(exercise, state), state)
            case ev.SaveAnswer(exercise=exercise, state=state, key=key, text=text, value=value):
                journal.save_answer(
                    self._session(), self._run(exercise, state), exercise, state, key, text, value
                )
            case ev.UnsaveLast():
                journal.unsave_last(self._session())
            case ev.ExerciseFinished(exercise=exercise):
                journal.set_run_status(self._run(exercise), "finished")
                del self.run_ids[exercise]
            case ev.ExerciseAbandoned(exercise=exercise):
                run_id = journal.open_run(exercise)
                if run_id is not None:
                    journal.set_run_status(run_id, "abandoned")
            case ev.CheckIn(moment=moment, value=value):
                journal.check_in(self._session(), moment, value)
            case ev.MarkUnsafe():
                journal.set_profile("unsafe_with_other", "yes")
            case ev.SafetyRaised(concern=concern):
                journal.record_event(self._session(), "safety", concern)
                journal.set_profile("safety_followup", "yes")
            case ev.SafetyChecked():
                journal.set_profile("safety_followup", "no")
            case ev.ForgetSession():
                if self.session_id is not None:
                    journal.forget_session(self.session_id)
                self.session_id = None
                self.run_ids.clear()
                self.profile_given = None


def _screen(text: str) -> Screening:
    """The safety screen, imported on first use: compiling its patterns takes ~0.2 s."""
    from coach.dialog.screening import screen

    return screen(text)


def warm_up() -> None:
    """Compile the rules and load the model of the safety screen ahead of the first answer
    (run it in a thread: ~0.4 s)."""
    import coach.dialog.safety  # noqa: F401
    from coach.dialog.classifier import shared

    shared()
