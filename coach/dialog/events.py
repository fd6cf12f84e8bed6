"""What goes in and out of the dialogue manager: plain, typed messages.

The manager is pure: it is handed a `Start` and the person's turns, and answers with a
`Reply` of lines to say and `Effect`s for the caller to carry out (save an answer,
remember the place). It never reads a clock, a file or a device.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coach.dialog.render import Profile
from coach.dialog.resources import Resources


@dataclass(frozen=True)
class Line:
    """One thing the coach says, and the state it says it in."""

    text: str
    state: str
    slow: bool = False
    """Say this slowly whatever the rate preference (phone numbers read again)."""


@dataclass(frozen=True)
class Unfinished:
    """An exercise left part-way, to offer for resumption."""

    exercise: str
    state: str
    answers: dict[str, str] = field(default_factory=dict)
    """Saved answers of that run, by journal key."""


@dataclass(frozen=True)
class Start:
    """Everything the manager needs to know about the person when a session begins."""

    profile: Profile = field(default_factory=Profile)
    consent: bool | None = None
    """Whether answers may be kept; None when the person has not been asked yet."""
    first_run: bool = True
    unfinished: Unfinished | None = None
    finished_exercises: tuple[str, ...] = ()
    """Ids of exercises finished before, oldest first."""
    exercise: str | None = None
    """Go straight to this exercise instead of the menu."""
    unsafe_with_other: bool = False
    """The person said they do not feel safe with the other person."""
    safety_followup: bool = False
    """A safety concern came up in an earlier session: check in gently before anything."""
    last_concern: str | None = None
    """Which concern came up last time (a safety.Concern value), for the follow-up."""
    region: str | None = "US"
    """Whose crisis lines to read (coach.config.DEFAULT_REGION); None reads generic ones."""
    resources: Resources | None = None
    """The person's own support lines (config.toml `resources`), read instead of the region's."""
    data_place: str = "a private folder on this device"
    rate: int = 0
    """Speaking rate preference: negative is slower, positive faster."""


# Effects: what the caller must do, in order, as soon as the reply arrives.


@dataclass(frozen=True)
class SaveAnswer:
    exercise: str
    state: str
    key: str
    text: str
    value: str | None = None


@dataclass(frozen=True)
class UnsaveLast:
    """Remove the answer saved most recently ("don't save that")."""


@dataclass(frozen=True)
class PlaceChanged:
    """The exercise is now at this state; remember it so a crash can resume here."""

    exercise: str
    state: str


@dataclass(frozen=True)
class ExerciseStarted:
    exercise: str


@dataclass(frozen=True)
class ExerciseFinished:
    exercise: str


@dataclass(frozen=True)
class ExerciseAbandoned:
    """The person chose not to resume it."""

    exercise: str


@dataclass(frozen=True)
class ProfileChanged:
    key: str
    value: str


@dataclass(frozen=True)
class ConsentGiven:
    given: bool


@dataclass(frozen=True)
class CheckIn:
    """A 0-10 "how close do you feel" answer, before or after the exercise."""

    moment: str
    value: int


@dataclass(frozen=True)
class MarkUnsafe:
    """The person does not feel safe with the other person."""


@dataclass(frozen=True)
class SafetyRaised:
    """A safety concern was detected; record that it happened, never the words."""

    concern: str


@dataclass(frozen=True)
class SafetyChecked:
    """The gentle follow-up after an earlier concern was done."""


@dataclass(frozen=True)
class ForgetSession:
    """Delete everything saved in this session."""


Effect = (
    SaveAnswer
    | UnsaveLast
    | PlaceChanged
    | ExerciseStarted
    | ExerciseFinished
    | ExerciseAbandoned
    | ProfileChanged
    | ConsentGiven
    | CheckIn
    | MarkUnsafe
    | SafetyRaised
    | SafetyChecked
    | ForgetSession
)


@dataclass(slots=True)
class Reply:
    """The manager's answer to one event."""

    lines: list[Line] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    intent: str | None = None
    """How the person's turn was understood ("yes", "number", "command.repeat", ...)."""
    ended: str | None = None
    """Why the session ended, if it did: finished, stopped, paused, safety."""
