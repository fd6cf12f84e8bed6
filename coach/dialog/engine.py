"""The dialogue manager: pure logic that walks a person through a session, text in, lines out.

A session moves through phases (consent, profile, check-in, menu, exercise, check-in,
goodbye) on one `transitions` machine; the exercise itself runs on a second machine built
from its dialog file (`ExerciseRun`). Commands such as repeat, help, skip, back and pause
work in every phase. The manager does no I/O: the caller carries out the `Effect`s.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from transitions import Machine

from coach.dialog import events as ev
from coach.dialog import understand
from coach.dialog.concern import Concern
from coach.dialog.events import Line, Reply, Start
from coach.dialog.exercise import ExerciseRun, Place
from coach.dialog.menu import available, suggest
from coach.dialog.names import extract_name
from coach.dialog.phrases import PHRASES
from coach.dialog.render import Profile, render
from coach.dialog.spec import DEFAULT_PAUSE, Dialog, Expect, Option

if TYPE_CHECKING:
    from coach.dialog.safety import Screening

MISHEARD_BEFORE_TYPING = 3
"""Answers in a row the recogniser could not make out before typing is offered."""
HEARD_CONFIDENTLY = 0.5
"""Below this recogniser confidence, a short answer is confirmed ("Did you say seven?")."""
CONFIDENT = 0.6
"""Below this confidence the coach asks "Did you mean ...?" instead of acting."""
ANSWER_INTENTS: dict[str, tuple[str, ...]] = {
    "yes_no": ("yes", "no"),
    "scale": ("number",),
    "choice": ("choice",),
    "free": ("free",),
    "none": (),
}
"""The readings that answer each kind of question; anything else is asked again."""
LONGEST_ANSWER = 4000
"""Characters of one answer that are kept (and screened): about five minutes of speech."""
RATE_LIMIT = 3
MAX_STEPS = 200
"""Statements in a row without a question; more means the dialog loops."""

PHASES = (
    "start", "safety_followup", "consent", "ask_name", "ask_other", "ask_relationship",
    "checkin_before", "resume_offer", "menu", "menu_list", "exercise", "checkin_after",
    "goodbye", "safety", "ended",
)  # fmt: skip
_AFTER_PROFILE = (
    "checkin_before", "resume_offer", "menu", "menu_list", "exercise", "checkin_after", "safety",
)  # fmt: skip
_OPENING = ("start", "safety_followup")

# The session's phases: (trigger, from, to, condition). For one trigger, the first
# transition whose condition (a method of the manager) holds is taken.
PHASE_FLOW: tuple[tuple[str, str | tuple[str, ...], str, str | None], ...] = (
    ("proceed", "start", "safety_followup", "needs_safety_followup"),
    ("proceed", _OPENING, "consent", "needs_consent"),
    ("proceed", (*_OPENING, "consent"), "ask_name", "needs_profile"),
    ("proceed", (*_OPENING, "consent"), "checkin_before", None),
    ("proceed", "ask_name", "ask_other", None),
    ("proceed", "ask_other", "ask_relationship", None),
    ("proceed", "ask_relationship", "checkin_before", None),
    ("proceed", "checkin_before", "resume_offer", "has_unfinished"),
    ("proceed", "checkin_before", "exercise", "has_chosen"),
    ("proceed", "checkin_before", "menu", None),
    ("proceed", "resume_offer", "exercise", "has_chosen"),
    ("proceed", "resume_offer", "menu", None),
    ("proceed", ("menu", "menu_list"), "exercise", "has_chosen"),
    ("proceed", "menu", "menu_list", None),
    ("proceed", "exercise", "checkin_after", None),
    ("proceed", "checkin_after", "goodbye", None),
    ("open_menu", _AFTER_PROFILE, "menu", None),
    ("back", "ask_other", "ask_name", None),
    ("back", "ask_relationship", "ask_other", None),
    ("back", "menu_list", "menu", None),
    ("alarm", "*", "safety", None),
    ("close", "*", "ended", None),
)  # fmt: skip

RELATIONSHIP_OPTIONS = (
    Option(
        "partner",
        "partner",
        (
            "wife",
            "husband",
            "boyfriend",
            "girlfriend",
            "spouse",
            "fiance",
            "fiancee",
            "other half",
            "lover",
            "my partner",
        ),
    ),
    Option(
        "friend",
        "a friend",
        ("friend", "best friend", "buddy", "mate", "pal", "colleague", "roommate", "flatmate"),
    ),
    Option(
        "family",
        "family",
        (
            "mum",
            "mom",
            "mother",
            "dad",
            "father",
            "parent",
            "sister",
            "brother",
            "son",
            "daughter",
            "child",
            "grandmother",
            "grandfather",
            "grandma",
            "grandpa",
            "aunt",
            "uncle",
            "cousin",
            "sibling",
            "family member",
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class Ask:
    """The question the coach is waiting on."""

    state: str
    prompt: str
    expect: Expect
    help: str
    simpler: str = ""
    pause: float = 6.0
    options: tuple[Option, ...] = ()
    scale: tuple[int, int] = (0, 10)
    asks_safety: bool = False


def _not_a_plain_yes(reading: understand.Reading, text: str) -> bool:
    """At "do you feel safe with them?": a hedged yes ("mostly", "i think so"), or a
    sentence that is neither yes nor no ("he gets upset if i make plans"), means not sure.
    A short unclear answer is more likely misheard, and is asked again."""
    if reading.value is True:
        return understand.hedged(text)
    return reading.intent == "unclear" and len(text.split()) >= 4


@dataclass(frozen=True, slots=True)
class Pending:
    """A yes/no side question: "Did you mean ...?" or "Would you like to pause?"."""

    kind: str
    value: bool | int | str | None = None
    shown: str = ""


class DialogueManager:
    """Walks one session. Feed it `start()`, then `hear()` and `silence()`; read the replies."""

    def __init__(
        self,
        library: Mapping[str, Dialog],
        start: Start,
        rng: random.Random | None = None,
        screen: Callable[[str], Screening] | None = None,
    ) -> None:
        self.library = library
        self.context = start
        self.profile = start.profile
        self.keeping = bool(start.consent)
        self.rate = start.rate
        self.unsafe = start.unsafe_with_other
        self.rng = rng or random.Random()
        self.screen = screen
        self.run: ExerciseRun | None = None
        self.chosen: Dialog | None = None
        self.done: Dialog | None = None
        self.asking: Ask | None = None
        self.pending: Pending | None = None
        self.paused = False
        self.silences = 0
        self.waited = False
        self.skip_saving = False
        self.saved_this_session = 0
        self.closeness: dict[str, int] = {}
        self.ended: str | None = None
        self.concern: Concern | None = None
        self.misheard = 0
        self.heard_confidence = 1.0
        self.asked_for_help = False
        self._reply = Reply()
        self._place = Place()
        flow = [
            {"trigger": trigger, "source": list(source) if isinstance(source, tuple) else source,
             "dest": dest, **({"conditions": getattr(self, condition)} if condition else {})}
            for trigger, source, dest, condition in PHASE_FLOW
        ]  # fmt: skip
        self._machine = Machine(
            model=self._place,
            states=list(PHASES),
            transitions=flow,
            initial="start",
            auto_transitions=False,
        )
        if start.exercise is not None:
            self.chosen = self._offerable(start.exercise)

    # -- conditions read by the phase machine ------------------------------------------------

    def needs_consent(self) -> bool:
        return self.context.consent is None

    def needs_profile(self) -> bool:
        return self.context.first_run and self.profile == Profile()

    def has_unfinished(self) -> bool:
        unfinished = self.context.unfinished
        if unfinished is None or unfinished.exercise not in self.library:
            return False
        dialog = self.library[unfinished.exercise]
        return self.chosen in (None, dialog) and self._offerable(dialog.id) is not None

    def has_chosen(self) -> bool:
        return self.chosen is not None

    def needs_safety_followup(self) -> bool:
        return self.context.safety_followup

    # -- what the caller sees ----------------------------------------------------------------

    @property
    def phase(self) -> str:
        """Where the session is: one of PHASES."""
        return self._place.state

    @property
    def state(self) -> str:
        """The visible state: a phase, "paused", or "exercise-id.state-id"."""
        if self.paused:
            return "paused"
        if self.phase == "exercise" and self.run is not None:
            return f"{self.run.dialog.id}.{self.run.state}"
        return self.phase

    @property
    def resumable(self) -> bool:
        """True if an exercise was left part-way and its place is kept."""
        return self.run is not None and self.keeping and self.phase == "exercise"

    # -- events in ---------------------------------------------------------------------------

    def start(self) -> Reply:
        self._reply = Reply()
        if not self.context.first_run and self.context.consent is not None:
            self._say("welcome_back")
        self._go("proceed")
        return self._finish()

    def hear(self, text: str, confidence: float = 1.0) -> Reply:
        """One turn of the person's, typed or recognised (with the recogniser's confidence)."""
        self._reply = Reply()
        if self.ended:
            return self._finish()
        if not text.strip():
            return self.silence(self.asking.pause if self.asking else 0)
        self.misheard = 0
        self.heard_confidence = confidence
        if len(text) > LONGEST_ANSWER:
            text = text[:LONGEST_ANSWER]
            self._say("answer_cut")
        self._heard(text)
        return self._finish()

    def not_made_out(self) -> Reply:
        """The person spoke, but the recogniser could not make out any words."""
        self._reply = Reply(intent="unclear")
        if self.ended:
            return self._finish()
        self.misheard += 1
        self._say("not_understood")
        if self.misheard >= MISHEARD_BEFORE_TYPING:
            self.misheard = 0
            self._say("offer_typing")
        if self.pending is not None and self.pending.kind == "confirm":
            self._say("did_you_mean", guess=self.pending.shown)
        else:
            self._reask()
        return self._finish()

    def silence(self, seconds: float) -> Reply:
        """The person said nothing for `seconds`."""
        self._reply = Reply()
        if self.ended or self.paused or self.asking is None:
            return self._finish()
        window = self.asking.pause * (2 if self.waited else 1)
        if seconds < window:
            return self._finish()
        self._reply.intent = "silence"
        if self.phase == "safety":
            self.silences += 1
            if self.silences == 1:
                self._say("safety_still_here")
            return self._finish()
        if self.pending is not None and self.pending.kind == "offer_pause":
            self.pending = None
            self._pause("auto_pause")
            return self._finish()
        self.silences += 1
        if self.silences == 1:
            self._say("reask")
            self._line(self.asking.prompt)
        elif self.silences == 2:
            self._line(self.asking.simpler or self.asking.help or self.asking.prompt)
        else:
            self.pending = Pending("offer_pause")
            self._say("offer_pause")
        return self._finish()

    def end_of_input(self, reason: str) -> Reply:
        """No more turns will come: end, keeping the place."""
        self._reply = Reply()
        if not self.ended:
            self.ended = "safety" if self.phase == "safety" else "paused" if self.paused else reason
            self._reply.ended = self.ended
        return self._reply

    # -- understanding a turn ----------------------------------------------------------------

    def _heard(self, text: str) -> None:
        if self.screen is not None and self._screened(text):
            return
        command = understand.parse_command(text)
        if self.pending is not None and command is None:
            self._answer_pending(text)
            return
        if command is not None:
            self._reply.intent = f"command.{command}"
            self._command(command)
            return
        if self.paused:
            reading = understand.parse_yes_no(text)
            if reading.intent == "yes":
                self._resume()
            else:
                self._say("still_paused")
            self._reply.intent = reading.intent
            return
        if self.asking is None:
            return
        self._answer(text)

    def _screened(self, text: str) -> bool:
        """Screen the turn before anything else sees it; True if safety took over."""
        assert self.screen is not None
        found = self.screen(self._for_screening(text))
        if found.concern is None:
            return False
        self._reply.intent = f"safety.{found.concern.value}"
        if not found.certain and self.asking is not None and self.asking.asks_safety:
            self._accept(False, text)  # "do you feel safe with them?": a worrying answer is a no
            return True
        if found.certain or self.phase == "safety":
            self._alarm(found.concern)
        else:
            self.pending = Pending("safety_check", found.concern.value)
            self._say(f"safety_ask_{found.concern.value}")
        return True

    def _for_screening(self, text: str) -> str:
        """The turn with the other person's name said as "my partner".

        The screener knows how people speak of a partner or relative ("my partner hits me",
        "scared of my mum"), not their names; "Alex hits me" must read the same.
        """
        if not self.profile.other:
            return text
        name = re.escape(self.profile.other)
        return re.sub(rf"\b{name}(?:'s)?\b", "my partner", text, flags=re.IGNORECASE)

    def _alarm(self, concern: Concern | None, asked: bool = False) -> None:
        """Stop the exercise and give the person people who can help, now."""
        kind = concern.value if concern else "asked" if asked else "unclear"
        self._effect(ev.SafetyRaised(kind), always=True)
        self.asked_for_help = asked
        if concern is Concern.ABUSE and not self.unsafe:
            self.unsafe = True
            self._effect(ev.MarkUnsafe(), always=True)
        self.concern = concern
        self.paused = False
        self.run = None
        self.chosen = None
        self._go("alarm")

    def _enter_safety(self) -> None:
        concern = (
            self.concern.value if self.concern else "asked" if self.asked_for_help else "general"
        )
        self._say(f"safety_ack_{concern}")
        self._say("safety_limits")
        self._resources(self.concern)
        self._ask("safety_offer_repeat", "yes_no", self._phrase("safety_help"))

    def _enter_safety_followup(self) -> None:
        self._ask("safety_followup", "yes_no", self._phrase("safety_followup_help"))

    def _read(self, text: str) -> understand.Reading:
        ask = self.asking
        assert ask is not None
        if ask.expect == "yes_no":
            return understand.parse_yes_no(text)
        if ask.expect == "scale":
            return understand.parse_number(text, *ask.scale)
        if ask.expect == "choice":
            options = [understand.Option(o.id, o.label, o.synonyms) for o in ask.options]
            return understand.parse_choice(text, options)
        return understand.Reading("free", text.strip(), 1.0)

    def _answer(self, text: str) -> None:
        ask = self.asking
        assert ask is not None
        if self.phase == "menu":
            self._answer_menu(text)
            return
        reading = self._read(text)
        self._reply.intent = reading.intent
        sure_of_the_words = self.heard_confidence >= HEARD_CONFIDENTLY or ask.expect == "free"
        if reading.intent not in ANSWER_INTENTS[ask.expect]:
            reading = understand.Reading("unclear", None, 0.0, reading.guess)
        if ask.asks_safety and _not_a_plain_yes(reading, text):
            reading = understand.Reading("no", False, 1.0)  # the not-sure way: the "no" branch
        if reading.intent != "unclear" and reading.confidence >= CONFIDENT and sure_of_the_words:
            self._accept(reading.value, text)
            return
        if reading.intent != "unclear" and reading.value is not None and not sure_of_the_words:
            shown = self._show(reading.value, ask)
            self.pending = Pending("confirm", reading.value, shown)
            self._say("did_you_say", guess=shown)
            return
        guess = reading.value if reading.intent != "unclear" else reading.guess
        if guess is not None:
            shown = self._show(guess, ask)
            self.pending = Pending("confirm", guess, shown)
            self._say("did_you_mean", guess=shown)
            return
        self._say("not_understood")
        if ask.expect == "scale":
            self._say("out_of_range", low=ask.scale[0], high=ask.scale[1])
        self._line(ask.help)
        self._line(ask.prompt)

    def _answer_pending(self, text: str) -> None:
        pending = self.pending
        assert pending is not None
        reading = understand.parse_yes_no(text)
        if pending.kind == "safety_check":
            self._reply.intent = reading.intent
            self.pending = None
            if reading.intent == "no":
                self._say("safety_relieved")
                self._reask()
            else:
                self._alarm(Concern(str(pending.value)))
            return
        if reading.intent not in ("yes", "no"):
            self.pending = None
            self._answer(text)
            return
        self._reply.intent = reading.intent
        self.pending = None
        if pending.kind == "offer_pause":
            if reading.value:
                self._pause("pause")
            else:
                self._reask()
        elif reading.value:
            self._accept(pending.value, pending.shown)
        else:
            self._say("not_understood")
            self._reask()

    def _answer_menu(self, text: str) -> None:
        offered = [understand.Option(o.id, o.label, o.synonyms) for o in self._menu_options()]
        reading = understand.parse_choice(text, offered)
        if reading.intent == "choice" and reading.confidence >= CONFIDENT:
            self._reply.intent = "choice"
            self._accept(reading.value, text)
            return
        yes_no = understand.parse_yes_no(text)
        self._reply.intent = yes_no.intent
        if yes_no.intent == "yes":
            self._accept(self._suggestion().id, text)
        elif yes_no.intent == "no":
            self._go("proceed")
        elif reading.guess is not None:
            shown = self.library[str(reading.guess)].title
            self.pending = Pending("confirm", reading.guess, shown)
            self._say("did_you_mean", guess=shown)
        else:
            self._say("not_understood")
            self._say("menu_help")

    def _show(self, value: bool | int | str, ask: Ask) -> str:
        if isinstance(value, bool):
            return "yes" if value else "no"
        for option in ask.options:
            if option.id == value:
                return option.label
        return str(value)

    # -- acting on an answer -----------------------------------------------------------------

    def _accept(self, value: bool | int | str | None, text: str) -> None:
        ask = self.asking
        self.silences = 0
        self.waited = False
        phase = self.phase
        if phase == "safety_followup":
            if value:
                self._effect(ev.SafetyChecked(), always=True)
                self._say("safety_followup_glad")
                self.context = replace(self.context, safety_followup=False)
                self._go("proceed")
            else:
                last = self.context.last_concern
                self._alarm(Concern(last) if last in set(Concern) else None)
        elif phase == "safety":
            if value:
                self._resources(self.concern, slow=True)
                self._line(self.asking.prompt if self.asking else "")
            else:
                self._say("safety_still_here")
        elif phase == "consent":
            self.keeping = bool(value)
            self._effect(ev.ConsentGiven(self.keeping), always=True)
            self._say("consent_yes" if self.keeping else "consent_no")
            self._go("proceed")
        elif phase in ("ask_name", "ask_other"):
            name = extract_name(text)
            if name:
                key = "name" if phase == "ask_name" else "other"
                self.profile = replace(self.profile, **{key: name})
                self._effect(ev.ProfileChanged(key, name))
            self._go("proceed")
        elif phase == "ask_relationship":
            self.profile = replace(self.profile, relationship=str(value))
            self._effect(ev.ProfileChanged("relationship", str(value)))
            self._say("profile_done")
            self._go("proceed")
        elif phase in ("checkin_before", "checkin_after"):
            moment = phase.removeprefix("checkin_")
            if isinstance(value, int) and not isinstance(value, bool):
                self.closeness[moment] = value
                self._effect(ev.CheckIn(moment, value))
                self._say("checkin_thanks")
            self._go("proceed")
        elif phase == "resume_offer":
            unfinished = self.context.unfinished
            assert unfinished is not None
            if value:
                self.chosen = self.library[unfinished.exercise]
                self._say("resuming")
            else:
                self._effect(ev.ExerciseAbandoned(unfinished.exercise))
                self.context = replace(self.context, unfinished=None)
            self._go("proceed")
        elif phase in ("menu", "menu_list"):
            self.chosen = self._offerable(str(value)) if value is not None else None
            if self.chosen is None:
                self.chosen = self._suggestion()
            self._go("proceed")
        elif phase == "exercise" and ask is not None:
            self._answer_exercise(value, text)

    def _answer_exercise(self, value: bool | int | str | None, text: str) -> None:
        run = self.run
        assert run is not None
        state = run.current
        if state.expect == "yes_no":
            trigger, saved = ("yes", "yes") if value else ("no", "no")
        elif state.expect == "choice":
            option = next(o for o in state.options if o.id == value)
            trigger, saved = f"choose_{option.id}", option.label
        elif state.expect == "scale":
            trigger, saved = "next", str(value)
        else:
            trigger, saved = "next", text.strip()
        if state.save:
            if self.skip_saving:
                self.skip_saving = False
            else:
                run.answers[state.save] = saved
                if self.keeping:
                    self.saved_this_session += 1
                self._effect(
                    ev.SaveAnswer(
                        run.dialog.id,
                        state.id,
                        state.save,
                        saved,
                        None if value is None else str(value),
                    )
                )
        run.fire(trigger)
        self._enter_exercise_state()

    # -- commands ----------------------------------------------------------------------------

    def _command(self, command: str) -> None:
        if self.paused and command not in (
            "resume",
            "stop",
            "help",
            "repeat",
            "what_do_you_remember",
            "forget_session",
        ):
            self._say("still_paused")
            return
        handler = getattr(self, f"_cmd_{command}", None)
        if handler is None:
            self._reask()
            return
        handler()

    def _cmd_repeat(self) -> None:
        if self.phase == "safety":
            self._resources(self.concern, slow=True)
        elif self.pending is not None and self.pending.kind == "confirm":
            self._say("did_you_mean", guess=self.pending.shown)
        elif self.asking is not None:
            self._line(self.asking.prompt)
        else:
            self._say("repeat_nothing")

    def _cmd_help(self) -> None:
        if self.paused:
            self._say("still_paused")
            return
        if self.asking is not None:
            self._line(self.asking.help)
        self._say("help_commands")

    def _cmd_slower(self) -> None:
        self._change_rate(-1)

    def _cmd_faster(self) -> None:
        self._change_rate(+1)

    def _change_rate(self, step: int) -> None:
        rate = max(-RATE_LIMIT, min(RATE_LIMIT, self.rate + step))
        if rate == self.rate:
            self._say("slowest" if step < 0 else "fastest")
        else:
            self.rate = rate
            self._effect(ev.ProfileChanged("rate", str(rate)))
            self._say("slower" if step < 0 else "faster")
        self._reask()

    def _cmd_skip(self) -> None:
        self.pending = None
        self.silences = 0
        if self.phase == "exercise" and self.run is not None:
            if self.run.can("skip"):
                self.skip_saving = False
                self.run.fire("skip")
                self._enter_exercise_state()
            else:
                self._say("skip_not_here")
                self._reask()
        elif self.phase == "consent":
            self._accept(False, "")
        elif self.phase in ("menu", "menu_list"):
            self._accept(self._suggestion().id, "")
        elif self.phase == "resume_offer":
            self._accept(False, "")
        elif self.phase in ("ask_name", "ask_other"):
            self._go("proceed")
        elif self.phase == "ask_relationship":
            self._say("profile_done")
            self._go("proceed")
        elif self.phase in ("checkin_before", "checkin_after"):
            self._go("proceed")
        else:
            self._say("skip_not_here")

    def _cmd_back(self) -> None:
        self.pending = None
        if self.phase == "exercise" and self.run is not None:
            if self.run.go_back():
                self._ask_exercise_state()
            else:
                self._say("back_none")
                self._reask()
        elif self.phase in ("ask_other", "ask_relationship", "menu_list"):
            self._go("back")
        else:
            self._say("back_not_here")
            self._reask()

    def _cmd_pause(self) -> None:
        self._pause("pause")

    def _cmd_resume(self) -> None:
        if self.paused:
            self._resume()
        elif self.asking is not None and self.asking.expect == "yes_no":
            self._accept(True, "continue")
        else:
            self._say("not_paused")
            self._reask()

    def _cmd_crisis(self) -> None:
        """The person asked for people who can help: read the lines at once, whatever else."""
        self._alarm(None, asked=True)

    def _cmd_wait(self) -> None:
        self.waited = True
        self._say("wait")

    def _cmd_menu(self) -> None:
        self.pending = None
        if self.phase not in _AFTER_PROFILE:
            self._reask()
            return
        if self.phase == "exercise":
            self._say("menu_leaving")
        self.chosen = None
        self.run = None
        self._go("open_menu")

    def _cmd_stop(self) -> None:
        self.pending = None
        self.paused = False
        self.asking = None
        if self.phase == "safety":
            self._say("safety_goodbye")
            self._close("safety")
            return
        self._say("stop" if self.keeping else "stop_nothing_kept")
        self._close("stopped")

    def _cmd_dont_save(self) -> None:
        if self.run is not None and self.run.asked and self._last_answer_saved():
            self._effect(ev.UnsaveLast())
            self.saved_this_session = max(0, self.saved_this_session - 1)
            self._say("dont_save_done")
        else:
            self.skip_saving = True
            self._say("dont_save_next")
        self._reask()

    def _last_answer_saved(self) -> bool:
        run = self.run
        assert run is not None
        last = run.dialog.states[run.asked[-1]]
        return bool(last.save and run.answers.get(last.save))

    def _cmd_forget_session(self) -> None:
        if self.keeping:
            self._effect(ev.ForgetSession())
            self.saved_this_session = 0
            if self.run is not None:
                self.run.answers.clear()
            self._say("forget_done")
        else:
            self._say("forget_nothing")
        self._reask()

    def _cmd_what_do_you_remember(self) -> None:
        if not self.keeping:
            self._say("remember_not_keeping")
            self._reask()
            return
        self._say("remember_intro")
        if self.profile.name:
            self._say("remember_name")
        if self.profile.other or self.profile.relationship:
            self._say("remember_other")
        finished = sorted(
            {self.library[e].title for e in self.context.finished_exercises if e in self.library}
        )
        if finished:
            self._say("remember_finished", count=len(finished), titles=", ".join(finished))
        if self.run is not None:
            self._say("remember_unfinished", title=self.run.dialog.title)
        self._say("remember_answers", count=self.saved_this_session)
        self._say("remember_forget")
        self._reask()

    # -- moving between phases ---------------------------------------------------------------

    def _go(self, trigger: str) -> None:
        self.asking = None
        self.pending = None
        self.silences = 0
        self._machine.events[trigger].trigger(self._place)
        enter = getattr(self, f"_enter_{self.phase}", None)
        if enter is not None:
            enter()

    def _ask(
        self,
        key: str,
        expect: Expect,
        help_text: str,
        options: tuple[Option, ...] = (),
        pause: float | None = None,
        **slots: object,
    ) -> None:
        prompt = self._phrase(key, **slots)
        self.asking = Ask(
            self.phase,
            prompt,
            expect,
            help_text,
            options=options,
            pause=pause or DEFAULT_PAUSE[expect],
        )
        self._line(prompt)

    def _enter_consent(self) -> None:
        self._say("welcome")
        self._say("not_therapy")
        self._say("what_i_keep", place=self.context.data_place)
        self._ask(
            "ask_consent",
            "yes_no",
            "Say yes to let me keep your answers, or no to keep nothing today.",
        )

    def _enter_ask_name(self) -> None:
        self._ask("ask_name", "free", "Say the name you'd like me to use, or say skip.", pause=8.0)

    def _enter_ask_other(self) -> None:
        self._ask(
            "ask_other",
            "free",
            "Say their first name, or say skip. I only use it in our exercises.",
            pause=8.0,
        )

    def _enter_ask_relationship(self) -> None:
        self._ask(
            "ask_relationship",
            "choice",
            "Say partner, friend, or family. Or say skip.",
            options=RELATIONSHIP_OPTIONS,
        )

    def _enter_checkin_before(self) -> None:
        if self.unsafe:  # never ask how close they feel to someone they are not safe with
            self._go("proceed")
            return
        self._ask("checkin_before", "scale", self._phrase("checkin_help"))

    def _enter_checkin_after(self) -> None:
        if self.unsafe:
            self._go("proceed")
            return
        self._ask("checkin_after", "scale", self._phrase("checkin_help"))

    def _enter_resume_offer(self) -> None:
        unfinished = self.context.unfinished
        assert unfinished is not None
        dialog = self.library[unfinished.exercise]
        state = dialog.states.get(unfinished.state)
        self._ask(
            "resume_offer",
            "yes_no",
            self._phrase("resume_help"),
            place=state.describe() if state else "the start",
            title=dialog.title,
        )

    def _enter_menu(self) -> None:
        dialog = self._suggestion()
        self._ask(
            "suggest",
            "choice",
            self._phrase("menu_help"),
            options=self._menu_options(),
            title=dialog.title,
            summary=render(dialog.summary, self.profile, dialog.minutes),
        )

    def _enter_menu_list(self) -> None:
        self._say("menu_intro")
        offered = available(self.library, self.unsafe)
        for number, dialog in enumerate(offered, start=1):
            self._say(
                "menu_item",
                number=number,
                title=dialog.title,
                summary=render(dialog.summary, self.profile, dialog.minutes),
            )
        title = self._suggestion().title
        self._ask(
            "menu_ask",
            "choice",
            self._phrase("menu_list_help", title=title),
            options=self._menu_options(),
        )

    def _enter_exercise(self) -> None:
        dialog = self.chosen
        assert dialog is not None
        unfinished = self.context.unfinished
        if unfinished is not None and unfinished.exercise == dialog.id:
            self.run = ExerciseRun(dialog, unfinished.state, unfinished.answers)
            self.context = replace(self.context, unfinished=None)
            if self.run.current.expect == "none":
                self._enter_exercise_state()
            else:
                self._ask_exercise_state()
            return
        self.run = ExerciseRun(dialog)
        self._effect(ev.ExerciseStarted(dialog.id))
        self._say("starting_exercise", title=dialog.title)
        self._enter_exercise_state()

    def _enter_goodbye(self) -> None:
        done = self.done
        if done is not None:
            key = "end_summary" if self.saved_this_session else "end_summary_none"
            self._say(key, title=done.title, answers=self.saved_this_session)
        if "before" in self.closeness and "after" in self.closeness:
            self._say(
                "closeness_change", before=self.closeness["before"], after=self.closeness["after"]
            )
        self._say("goodbye")
        self._close("finished")

    def _close(self, reason: str) -> None:
        self.ended = reason
        self._reply.ended = reason
        self._go("close")

    # -- inside an exercise ------------------------------------------------------------------

    def _enter_exercise_state(self) -> None:
        """Say the current state; go on through statements until a question or the end."""
        run = self.run
        assert run is not None
        for _ in range(MAX_STEPS):
            state = run.current
            self._line(self._variant(state.say, run.dialog), state=self.state)
            self._do_actions(run)
            if "end_sitting" in state.do and state.next:
                self._effect(ev.PlaceChanged(run.dialog.id, state.next))
                self._leave_exercise(done_today=True)
                return
            if state.end:
                declined = "decline" in state.do
                ended = ev.ExerciseAbandoned if declined else ev.ExerciseFinished
                self._effect(ended(run.dialog.id))
                self._leave_exercise(done_today=not declined)
                return
            if state.expect != "none":
                self._effect(ev.PlaceChanged(run.dialog.id, state.id))
                self._set_exercise_ask(run)
                return
            run.fire("next")
        raise RuntimeError(f"{run.dialog.id}: more than {MAX_STEPS} statements in a row")

    def _ask_exercise_state(self) -> None:
        run = self.run
        assert run is not None
        self._effect(ev.PlaceChanged(run.dialog.id, run.state))
        self._set_exercise_ask(run)
        assert self.asking is not None
        self._line(self.asking.prompt)

    def _set_exercise_ask(self, run: ExerciseRun) -> None:
        state = run.current
        said = (
            self._reply.lines[-1].text
            if self._reply.lines and self._reply.lines[-1].state == self.state
            else self._variant(state.say, run.dialog)
        )
        self.asking = Ask(
            state=self.state,
            prompt=said,
            expect=state.expect,
            help=render(state.help, self.profile, run.dialog.minutes),
            simpler=self._variant(state.simpler, run.dialog) if state.simpler else "",
            pause=state.pause,
            options=state.options,
            scale=state.scale,
            asks_safety=state.asks_safety,
        )
        self.silences = 0

    def _do_actions(self, run: ExerciseRun) -> None:
        for action in run.current.do:
            if action == "recap":
                for label, answer in run.recap():
                    self._line(f"{label}: {answer.rstrip('.!?')}.")
            elif action == "mark_unsafe":
                self.unsafe = True
                self._effect(ev.MarkUnsafe())
            elif action == "resources":
                self._resources()

    def _resources(self, concern: Concern | None = None, slow: bool = False) -> None:
        from coach.dialog import resources

        region = self.context.resources or resources.resources_for(self.context.region)
        for sentence in resources.spoken(region, concern):
            self._line(sentence, slow=slow)

    def _leave_exercise(self, done_today: bool) -> None:
        """Out of the exercise; `done_today` if the goodbye should sum it up."""
        assert self.run is not None
        if done_today:
            self.done = self.run.dialog
        self.chosen = None
        self.run = None
        self._go("proceed")

    # -- small helpers -----------------------------------------------------------------------

    def _pause(self, key: str) -> None:
        self.paused = True
        self.pending = None
        self._say(key)

    def _resume(self) -> None:
        self.paused = False
        self.silences = 0
        self._reask()

    def _reask(self) -> None:
        if self.asking is not None:
            self._line(self.asking.prompt)

    def _menu_options(self) -> tuple[Option, ...]:
        offered = available(self.library, self.unsafe)
        return tuple(Option(d.id, d.title, (d.id.replace("-", " "), *d.keywords)) for d in offered)

    def _suggestion(self) -> Dialog:
        offered = available(self.library, self.unsafe) or list(self.library.values())
        return suggest(offered, self.context.finished_exercises, self.closeness.get("before"))

    def _offerable(self, exercise_id: str) -> Dialog | None:
        dialog = self.library.get(exercise_id)
        if dialog is not None and dialog in available(self.library, self.unsafe):
            return dialog
        return None

    def _variant(self, variants: tuple[str, ...], dialog: Dialog | None = None) -> str:
        text = self.rng.choice(variants)
        return render(text, self.profile, dialog.minutes if dialog else 0)

    def _phrase(self, key: str, **slots: object) -> str:
        return render(self.rng.choice(PHRASES[key]), self.profile, extra=slots)

    def _say(self, key: str, **slots: object) -> None:
        self._line(self._phrase(key, **slots))

    def _line(self, text: str, state: str | None = None, slow: bool = False) -> None:
        if text:
            self._reply.lines.append(Line(text, state or self.state, slow))

    def _effect(self, effect: ev.Effect, always: bool = False) -> None:
        if self.keeping or always:
            self._reply.effects.append(effect)

    def _finish(self) -> Reply:
        reply, self._reply = self._reply, Reply()
        return reply
