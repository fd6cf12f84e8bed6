"""One run through one exercise: a `transitions` machine built from the dialog's data."""

from __future__ import annotations

from transitions import Machine

from coach.dialog.flow import machine_config
from coach.dialog.spec import Dialog, State


class Place:
    """The model a `transitions` machine moves: it holds only `state`."""

    state: str


class ExerciseRun:
    """Where a person is in an exercise, what they have answered, and how they got here."""

    def __init__(
        self, dialog: Dialog, at: str | None = None, answers: dict[str, str] | None = None
    ) -> None:
        self.dialog = dialog
        self.answers: dict[str, str] = dict(answers or {})
        self.asked: list[str] = []
        """Question states answered so far, most recent last (for "back")."""
        self._place = Place()
        self._machine = Machine(model=self._place, **machine_config(dialog))
        if at is not None and at in dialog.states:
            self._machine.set_state(at, model=self._place)

    @property
    def state(self) -> str:
        """The id of the current dialog state."""
        return self._place.state

    @property
    def current(self) -> State:
        return self.dialog.states[self.state]

    def can(self, trigger: str) -> bool:
        return trigger in self._machine.get_triggers(self.state)

    def fire(self, trigger: str) -> None:
        """Follow the answer `trigger` ("yes", "next", "choose_x", "skip") out of this state."""
        leaving = self.state
        if self.current.expect != "none":
            self.asked.append(leaving)
        self._machine.events[trigger].trigger(self._place)
        if self.state == leaving and not self.current.targets():
            raise RuntimeError(f"{self.dialog.id}: '{trigger}' did not move from '{leaving}'")

    def go_back(self) -> bool:
        """Return to the previous question; False if this is the first."""
        if not self.asked:
            return False
        self._machine.set_state(self.asked.pop(), model=self._place)
        return True

    def recap(self) -> list[tuple[str, str]]:
        """(label, answer) of what was saved in this run, in the exercise's order."""
        return [
            (label, self.answers[key])
            for key, label in self.dialog.saved_keys()
            if self.answers.get(key)
        ]
