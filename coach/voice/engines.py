"""Which engine hears which question, and loading them: the one place engines are chosen.

Open answers go to Moonshine, a neural recogniser that hears whole sentences well; closed
questions (yes/no, numbers, choices) to a grammar engine (PocketSphinx, or Vosk where an
English Vosk model is installed), which listens only for the phrases the question allows.
Where both help, both hear the answer and `pick` decides (ROUTES, measured by
scripts/bench.py --only accuracy).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from coach.errors import CoachError
from coach.voice.asr import (
    Heard,
    PocketSphinxRecogniser,
    Recogniser,
    Utterance,
    VoskRecogniser,
    default_model_dirs,
    find_vosk_model,
)
from coach.voice.format import SPEECH, AudioBlock, AudioFormat
from coach.voice.grammar import FREE, Expectation

log = logging.getLogger(__name__)

ENGINES = ("auto", "moonshine", "vosk", "pocketsphinx")
"""What --engine and config.toml's `engine` take. auto and moonshine: Moonshine for open
answers and a grammar engine for closed ones (auto falls back to the grammar engine alone if
Moonshine will not load; moonshine stops instead). vosk and pocketsphinx: that engine alone."""

ROUTES = {"yes_no": "both", "scale": "both", "choice": "both", "wake": "grammar"}
"""Who hears each kind of question; "free" (and any other) is Moonshine's. Where both hear
it, `pick` chooses.

Measured on espeak-ng answers in four voices at three rates, clean and in noise, and on the
human digit recordings (scripts/bench.py --only accuracy): the grammar alone hears yes and
no best (Moonshine took a short "nah" for "yeah"), Moonshine hears commands ("help", "menu")
and numbers better when its words are exactly one of the question's phrases (clean numbers
91% -> 96%, human digits 84% -> 95%, commands 96% -> 98%; all closed answers 96% -> 98%).
"""
PARAPHRASE_WORDS = 3
"""At a choice, Moonshine's words are taken when they are this many or more even if they are
not one of the phrases: a paraphrase ("the one about listening") that the grammar, which
must pick one of its phrases, cannot hear, and that understanding matches to an option."""


def pick(expect: Expectation, grammar: Heard, free: Heard) -> Heard:
    """The grammar engine's result, or Moonshine's where it is likelier right (ROUTES)."""
    said = free.text
    if not said or said not in expect.phrases:
        paraphrase = expect.kind == "choice" and len(said.split()) >= PARAPHRASE_WORDS
        return free if paraphrase else grammar
    if expect.kind == "yes_no" and said not in _commands():
        return grammar
    return free


def _commands() -> frozenset[str]:
    from coach.dialog.understand import command_phrases
    from coach.voice.grammar import VOICE_COMMANDS

    return frozenset((*command_phrases(), *VOICE_COMMANDS))


class CombinedRecogniser:
    """A grammar engine for closed questions and (if it loaded) Moonshine for open ones."""

    def __init__(self, grammar: Recogniser, free: Recogniser | None, notice: str = "") -> None:
        self.grammar = grammar
        self.free = free
        self.notice = notice
        """What to tell the person about how they are heard ("" when all is well)."""

    @property
    def name(self) -> str:
        return f"{self.free.name}+{self.grammar.name}" if self.free else self.grammar.name

    @property
    def format(self) -> AudioFormat:
        return SPEECH

    def describe(self) -> tuple[str, str]:
        """Who hears closed questions and who hears open answers, in words."""
        if self.free is None:
            return f"{self.grammar.name} with each question's grammar", self.grammar.name
        return (
            f"{self.grammar.name} with each question's grammar, and {self.free.name} "
            "where it hears them better",
            self.free.name,
        )

    def listen(self, expect: Expectation) -> Utterance:
        route = ROUTES.get(expect.kind, "free") if expect.constrained else "free"
        if self.free is None:
            return self.grammar.listen(expect)
        if route == "grammar":
            return self.grammar.listen(expect)
        if route == "free":
            return self.free.listen(FREE)
        return _BothUtterance(expect, self.grammar.listen(expect), self.free.listen(FREE))


@dataclass
class _BothUtterance:
    expect: Expectation
    grammar: Utterance
    free: Utterance

    def accept(self, block: AudioBlock) -> None:
        self.grammar.accept(block)
        self.free.accept(block)

    def partial(self) -> str:
        return self.grammar.partial()

    def finish(self) -> Heard:
        grammar = self.grammar.finish()
        return pick(self.expect, grammar, self.free.finish())


def _grammar_engine(engine: str, models: Sequence[Path] | None) -> Recogniser:
    model = find_vosk_model("en", models) if engine != "pocketsphinx" else None
    if model is not None:
        log.info("Recognising closed answers with Vosk (%s)", model)
        return VoskRecogniser(model)
    if engine == "vosk":
        where = ", ".join(str(p) for p in (models if models is not None else default_model_dirs()))
        raise CoachError(
            f"No English Vosk model found (looked in {where}).",
            "Get one with `coach models download small-en-us`; until then use --engine auto "
            "(Moonshine and PocketSphinx, which need no download).",
        )
    return PocketSphinxRecogniser()


def load_recogniser(engine: str = "auto", models: Sequence[Path] | None = None) -> Recogniser:
    """The recognisers `engine` (one of ENGINES) names, loaded and ready."""
    if engine not in ENGINES:
        raise CoachError(f"Unknown speech engine '{engine}'.", f"Use {', '.join(ENGINES)}.")
    grammar = _grammar_engine(engine, models)
    if engine in ("vosk", "pocketsphinx"):
        return grammar
    from coach.voice.moonshine import MoonshineRecogniser

    try:
        free = MoonshineRecogniser()
    except CoachError as error:
        if engine == "moonshine":
            raise
        log.warning("open answers fall back to %s: %s", grammar.name, error)
        notice = (
            "I couldn't load the recogniser I use for longer answers, so I'll use a simpler "
            f"one and may mishear more. {error.todo}"
        )
        return CombinedRecogniser(grammar, None, notice)
    log.info("Recognising open answers with Moonshine, closed ones with %s", grammar.name)
    return CombinedRecogniser(grammar, free)


def describe(recogniser: Recogniser) -> tuple[str, str]:
    """Who hears closed questions and who hears open answers, in words."""
    if isinstance(recogniser, CombinedRecogniser):
        return recogniser.describe()
    return f"{recogniser.name} with each question's grammar", recogniser.name


def notice_of(recogniser: Recogniser) -> str:
    """What the person should be told about how they are heard ("" when nothing)."""
    return getattr(recogniser, "notice", "")
