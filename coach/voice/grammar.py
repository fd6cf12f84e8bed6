"""The phrases a person may say at each kind of question, for grammar-constrained recognition.

A recogniser that listens for a short list of phrases hears them far more reliably than one
that listens for any English. Each list covers how people really answer ("yeah", "about
seven", "the second one") plus every spoken command, and nothing else: `coach.dialog.understand`
still decides what was meant. Free answers get no grammar at all.

Phrases are lower-case words separated by single spaces, apostrophes kept ("i'm not sure"),
as recognisers write them. A phrase can only be recognised if every word is in the engine's
vocabulary: `restrict` drops the others.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from coach.dialog.numbers import ORDINAL_WORDS, number_words
from coach.dialog.understand import command_phrases, normalise

KINDS = ("yes_no", "scale", "choice", "free")

YES_NO = (
    "yes", "yeah", "yep", "yup", "sure", "of course", "definitely", "absolutely", "okay",
    "alright", "yes please", "i think so", "i guess so", "sounds good", "go ahead", "i'm ready",
    "let's do it", "no", "nope", "nah", "no thanks", "not really", "not yet", "not now",
    "i don't think so", "i'm not ready", "i'd rather not", "maybe", "i'm not sure", "not sure",
    "i don't know", "kind of", "a little",
)  # fmt: skip
"""Ways of answering a yes/no question, including the unsure ones (understood as "unclear")."""

_ZERO_PHRASES = ("nothing", "not at all")
"""Zero said without a number. Not "none": PocketSphinx took "nine" and "one" for it."""
_NUMBER_FRAMES = ("{n}", "about {n}", "{n} out of {high}")
# Each extra frame or command phrase is one more way for a number to be misheard. On the
# 150 human digit recordings (PocketSphinx), numbers with five frames, "N or N+1" and every
# command were right 59% of the time; with these three frames and the core commands, 74%.
CORE_COMMANDS = (
    "repeat", "say that again", "help", "skip", "pass", "go back", "pause", "wait",
    "let me think", "menu", "stop", "goodbye", "crisis line",
)  # fmt: skip
"""The commands listened for at a number question: the ones people need there."""
VOICE_COMMANDS = {
    "louder": "louder", "speak up": "louder", "quieter": "quieter", "softer": "quieter",
    "stop listening": "stop_listening",
}  # fmt: skip
"""What only a voice session understands: the volume, and "stop listening" (speaker mode)."""


class OptionLike(Protocol):
    """What a choice option needs to offer (dialog.spec.Option and understand.Option do)."""

    @property
    def id(self) -> str: ...

    @property
    def label(self) -> str: ...

    @property
    def synonyms(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class Expectation:
    """What the coach is listening for at one question."""

    kind: str
    """ "yes_no" | "scale" | "choice" | "free", or "wake" (`wake_expectation`)."""
    phrases: tuple[str, ...] = ()
    """Lower-case phrases to listen for; empty means free recognition (any words)."""

    @property
    def constrained(self) -> bool:
        """Whether recognition should be limited to `phrases`."""
        return bool(self.phrases)


FREE = Expectation("free")


def scale_phrases(low: int, high: int) -> tuple[str, ...]:
    """Ways of giving a number from low to high: "seven", "about seven", "seven out of ten"."""
    top = number_words(high)
    found: list[str] = []
    for n in range(low, high + 1):
        found += [frame.format(n=number_words(n), high=top) for frame in _NUMBER_FRAMES]
    if low == 0:
        found += _ZERO_PHRASES
    return _unique(found)


def choice_phrases(options: Sequence[OptionLike]) -> tuple[str, ...]:
    """Ways of picking an option: its label, id and synonyms, or its position."""
    found: list[str] = []
    for option in options:
        for name in (option.label, option.id.replace("_", " ").replace("-", " "), *option.synonyms):
            said = normalise(name)
            found += [said, f"the {said}"] if said else []
    for position in range(1, min(len(options), len(ORDINAL_WORDS)) + 1):
        ordinal, number = ORDINAL_WORDS[position - 1], number_words(position)
        found += [ordinal, f"the {ordinal} one", f"number {number}", f"option {number}"]
    return _unique(found)  # not "the last one": understand reads it as the command "back"


def expectation_for(
    expect: str, options: Sequence[OptionLike] = (), scale: tuple[int, int] = (0, 10)
) -> Expectation:
    """The phrases to listen for at a question expecting `expect` (a dialog State's `expect`).

    "none" and "free" listen for anything; the others add every spoken command.
    """
    if expect in ("free", "none"):
        return FREE
    if expect == "yes_no":
        answers: tuple[str, ...] = YES_NO
    elif expect == "scale":
        numbers = scale_phrases(*scale)
        return Expectation(expect, _unique([*numbers, *CORE_COMMANDS, *VOICE_COMMANDS]))
    elif expect == "choice":
        answers = choice_phrases(options)
    else:
        raise ValueError(f"unknown kind of question {expect!r}; use one of {', '.join(KINDS)}")
    return Expectation(expect, _unique([*answers, *command_phrases(), *VOICE_COMMANDS]))


def voice_command(text: str) -> str | None:
    """ "louder", "quieter" or "stop_listening" if that is all that was said, else None."""
    return VOICE_COMMANDS.get(" ".join(text.lower().replace("please", " ").split()))


def restrict(phrases: Iterable[str], vocabulary: Container[str]) -> tuple[str, ...]:
    """The phrases whose every word is in the vocabulary, in order."""
    return tuple(p for p in phrases if p.split() and all(w in vocabulary for w in p.split()))


def restrict_expectation(expect: Expectation, vocabulary: Container[str]) -> Expectation:
    """The expectation with phrases an engine cannot hear removed (free stays free)."""
    return Expectation(expect.kind, restrict(expect.phrases, vocabulary))


def _unique(phrases: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(" ".join(p.split()) for p in phrases if p.strip()))


def wake_expectation(phrase: str) -> Expectation:
    """What to listen for while waiting to be woken: the wake phrase, among decoys.

    Speech is matched to the phrase it sounds most like, so a grammar of the wake phrase alone
    would hear it in anything. The decoys are the answers and commands people say around the
    coach anyway; only the wake phrase itself wakes it. (Measured with espeak-ng: "hey coach"
    in four voices at three rates 12 of 12; 20 short other utterances, "okay coach" among
    them, 1 taken for it. PocketSphinx's keyword spotting found 3-8 of the 12 as they stream in.)
    """
    words = " ".join(phrase.lower().replace(",", " ").split())
    return Expectation("wake", _unique([words, *YES_NO, *command_phrases(), *VOICE_COMMANDS]))
