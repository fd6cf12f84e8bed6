"""Turn what a person typed or said into an intent: a command, an answer, or a question back.

Input may come from a keyboard or a speech recogniser (lower-case, no punctuation, sometimes
homophones). Every parser returns its best reading with a confidence; below CONFIRM_BELOW the
caller should ask "Did you mean ...?" (using `guess` when the intent is "unclear").
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from coach.dialog import numbers

COMMANDS = (
    "repeat", "help", "slower", "faster", "skip", "back", "pause", "resume",
    "menu", "stop", "dont_save", "forget_session", "what_do_you_remember", "wait", "crisis",
)  # fmt: skip
CONFIRM_BELOW = 0.6


@dataclass(frozen=True)
class Option:
    """One choice of a choice question."""

    id: str
    label: str  # what the coach calls it ("quality time")
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reading:
    """What an utterance meant."""

    intent: str  # "yes" | "no" | "number" | "choice" | "free" | "unclear" | "none"
    value: bool | int | str | None  # True/False, the int, the option id, the text
    confidence: float  # 0..1; below CONFIRM_BELOW the caller asks "Did you mean ...?"
    guess: bool | int | str | None = None  # for "unclear": the best guess to confirm, if any


_APOSTROPHES = re.compile(r"[\u2018\u2019\u02bc\u0060\u00b4\u2032]")
_PUNCTUATION = re.compile(r"[^\w\s']|_")
_STRAY_APOSTROPHES = re.compile(r"(?<!\w)'+|'+(?!\w)")


def normalise(text: str) -> str:
    """Lower-case, straight apostrophes, no other punctuation, single spaces."""
    text = _APOSTROPHES.sub("'", text.lower())
    text = _STRAY_APOSTROPHES.sub(" ", _PUNCTUATION.sub(" ", text))
    return " ".join(text.split())


def _key(text: str) -> str:
    """The form everything is matched in: normalised, apostrophes dropped ("don't" -> "dont")."""
    return " ".join(normalise(text).replace("'", "").split())


def _phrases(phrases: str) -> frozenset[str]:
    """ "don't|let's go" -> {"dont", "lets go"}: phrases in matching form."""
    return frozenset(phrases.replace("'", "").split("|"))  # written normalised already


def _alternation(phrases: str) -> str:
    """ "don't|let's go" -> regex alternation of keyed phrases, longest first."""
    keyed = sorted(_phrases(phrases), key=len, reverse=True)
    return "|".join(re.escape(p) for p in keyed)


# --- commands -----------------------------------------------------------------------------

_THAT = r"(?: (?:that|this|it|this one|that one|the question|this question|that question))?"
_MOMENT = r"(?:moment|minute|min|second|sec|bit|while)"
_FOR_NOW = r"(?: for (?:now|today|tonight|a " + _MOMENT + r"))?"
_PATTERNS: dict[str, tuple[str, ...]] = {
    "repeat": (
        r"repeat(?: (?:that|this|it|the question|yourself|what you said))?(?: again)?",
        r"say(?: (?:that|it|this|the question))? again",
        r"(?:again|once more|one more time|come again|pardon(?: me)?|excuse me|what|huh)",
        r"(?:sorry|sorry what|what was that|what was the question|whats the question)",
        r"what did you(?: just)? say",
        r"i (?:didnt|did not) (?:hear|catch|get) (?:that|it|you|what you said)",
    ),
    "crisis": (
        r"(?:(?:the|a|your) )?(?:crisis|help|suicide|emergency|support|abuse|domestic violence)"
        r" (?:line|lines|number|numbers|hotline|hotlines|phone numbers?)",
        r"(?:this is an? )?(?:emergency|crisis)",
        r"i(?:m| am) in (?:crisis|danger|trouble)",
        r"i need (?:real|urgent|proper|serious) help(?: now)?",
        r"i need help (?:now|right now|urgently)",
        r"(?:give me|read me|tell me|what are) the (?:numbers|lines)",
        r"who (?:can|could|should) i (?:call|ring|phone|talk to)(?: now| right now)?",
        r"i need (?:someone|somebody) to talk to(?: now| right now)?",
    ),
    "help": (
        r"help(?: me out)?",
        r"i need(?: some)? help",
        r"what (?:can|should|do) i (?:say|do)(?: now| here)?",
        r"i (?:dont|do not) (?:understand|get it)(?: what to do)?",
        r"im confused",
        r"what are (?:my|the) (?:options|choices|commands)",
        r"how does this work",
    ),
    "slower": (
        r"(?:(?:a )?(?:bit |little )?slower|slow down|more slowly)(?: please)?",
        r"(?:speak|talk|go|read) (?:a (?:bit |little )?)?(?:slower|more slowly|slowly)",
        r"(?:(?:youre|you are|its) )?(?:(?:talking|speaking|going) )?(?:too|so) fast",
        r"not so fast",
    ),
    "faster": (
        r"(?:(?:a )?(?:bit |little )?(?:faster|quicker)|speed up|hurry up|more quickly)",
        r"(?:speak|talk|go|read) (?:a (?:bit |little )?)?(?:faster|quicker|more quickly)",
        r"(?:(?:youre|you are|its) )?(?:(?:talking|speaking|going) )?(?:too|so) slow(?:ly)?",
    ),
    "skip": (
        r"skip" + _THAT + r"(?: question)?" + _FOR_NOW,
        r"(?:ill |i will )?pass(?: on (?:that|this))?",
        r"(?:the )?next(?: question| one)?|move on|no comment",
        r"(?:id|i would) (?:rather|prefer) not(?: to)? (?:say|answer)" + _THAT,
        r"i (?:dont|do not) want to (?:say|answer|talk about)" + _THAT,
    ),
    "back": (
        r"(?:go )?back(?: up| one)?",
        r"go back to the (?:last|previous) (?:question|one|step)",
        r"(?:the )?(?:previous|last)(?: question| one| step)",
    ),
    "pause": (
        r"(?:pause|paws)(?: (?:it|this|the session))?" + _FOR_NOW,
        r"(?:take|have) a (?:short |quick )?break",
        r"(?:i|we) need a (?:short |quick )?break",
        r"(?:break|time out)",
        r"(?:hold|hang) on a (?:minute|min)",
    ),
    "resume": (
        r"(?:resume|resum\u00e9|continue|carry on|keep going|go on|unpause)",
        r"(?:im|i am|were|we are) back",
        r"where were we",
    ),
    "menu": (
        r"(?:go )?(?:back )?(?:to )?(?:the )?(?:main )?menu",
        r"(?:show me )?(?:the )?other exercises",
        r"(?:choose|pick|try|do|start) (?:another|a different|a new|an other) (?:exercise|one)",
        r"(?:change|switch) (?:the )?exercises?",
        r"(?:something|another exercise) else",
    ),
    "stop": (
        r"(?:stop|quit|exit|finish)(?: (?:here|now|the session|this session))?" + _FOR_NOW,
        r"(?:bye|goodbye|good bye|bye bye|good night|goodnight|see you(?: later)?)",
        r"(?:thats|that is) (?:enough|all|it)" + _FOR_NOW,
        r"enough for (?:now|today|tonight)",
        r"end (?:the|this) session",
        r"(?:im|i am|were|we are) (?:done|finished)" + _FOR_NOW,
    ),
    "dont_save": (
        r"(?:dont|do not) (?:save|record|keep|store|remember|write down)"
        r"(?: (?:this|that|it|this one|what i (?:just )?said|my answer))?",
        r"(?:(?:this is|thats|keep (?:this|that)) )?off the record",
        r"forget (?:that|what i (?:just )?said)",
    ),
    "forget_session": (
        r"(?:forget|delete|erase|wipe|clear) (?:this|the|tonights|todays) (?:session|conversation)",
        r"(?:forget|delete|erase) (?:everything from )?(?:tonight|today)",
        r"forget (?:all of this|this whole thing)",
    ),
    "what_do_you_remember": (
        r"what do you (?:remember|know|have|keep)(?: (?:about|on) (?:me|us))?",
        r"what (?:have|did) you (?:saved?|stored?|kept|keep|recorded?|remembered)"
        r"(?: about (?:me|us))?",
        r"what are you (?:saving|storing|keeping|recording)",
        r"what you (?:remember|know|have saved)(?: about (?:me|us))?",
    ),
    "wait": (
        r"(?:wait|hold on|hang on)(?: (?:a|one) " + _MOMENT + r")?",
        r"(?:wait )+wait|hang on a (?:second|sec|moment|bit)",
        r"let me think(?: about (?:it|that))?" + _FOR_NOW,
        r"give (?:me|us) (?:a|one) " + _MOMENT + r"|(?:just )?(?:one|a) (?:moment|second|sec)",
        r"im thinking",
    ),
}
_LEAD = _alternation(
    "please|can you|could you|would you|will you|can we|could we|shall we|let's|let us|"
    "um|umm|uh|er|erm|hmm|ok|okay|alright|right|so|well|oh|just|hey|coach|sorry|"
    "actually|no|i want to|i wanna|i'd like to|i would like to|i need to|tell me"
)
_TRAIL = _alternation("please|thanks|thank you|coach|now|ok|okay|then|for me")
_WANTING = frozenset(("want", "wanna", "like", "need"))


@functools.cache  # compiled on first use: compiling at import would take ~10 ms
def _command_regex() -> re.Pattern[str]:
    commands = "|".join(f"(?P<{name}>{'|'.join(_PATTERNS[name])})" for name in COMMANDS)
    return re.compile(rf"(?P<lead>(?:(?:{_LEAD}) )*)(?:{commands})(?: (?:{_TRAIL}))*")


def parse_command(text: str) -> str | None:
    """The command name if the whole utterance is a command (politeness allowed), else None."""
    match = _command_regex().fullmatch(_key(text))
    if match is None:
        return None
    # "i want to help" is an answer, not a request for help.
    if match.lastgroup == "help" and _WANTING.intersection(match["lead"].split()):
        return None
    return match.lastgroup


_SPOKEN_COMMANDS = (
    "repeat", "say that again", "pardon", "i didn't catch that", "help", "what can i say",
    "slower", "slow down", "faster", "speed up", "skip", "pass", "next question", "back",
    "go back", "pause", "take a break", "resume", "continue", "carry on", "menu", "main menu",
    "stop", "i'm done", "goodbye", "wait", "hold on", "let me think", "give me a moment",
    "don't save this", "off the record", "forget this session", "what do you remember",
    "crisis line", "emergency", "i need someone to talk to",
)  # fmt: skip


def command_phrases() -> tuple[str, ...]:
    """Canonical spoken forms of every command, for speech grammars.

    Lower-case, as a recogniser writes them; each one is read by `parse_command` as its command.
    """
    return _SPOKEN_COMMANDS


# --- yes / no -----------------------------------------------------------------------------

_Entry = tuple[str, float, bool | None]  # intent, confidence, guess (for "unclear")


def _entries(
    intent: str, confidence: float, phrases: str, guess: bool | None = None
) -> dict[str, _Entry]:
    return dict.fromkeys(phrases.replace("'", "").split("|"), (intent, confidence, guess))


_LEXICON: dict[str, _Entry] = {
    **_entries("yes", 1.0, "yes|yess|yeah|yep|yup|yea|yeh|ya|aye|sure|of course|definitely|"
               "absolutely|certainly|for sure|totally|indeed|yes please|please do|you bet"),
    **_entries("yes", 0.9, "ok|okay|k|okey|alright|all right|fine|right|correct|exactly|"
               "i'm ready|i am ready|ready|i'm sure|i am sure|let's do it|let's do this|let's go|"
               "go ahead|go for it|"
               "do it|sounds good|sounds great|good idea|i'd like that|i would like that|"
               "i'd love to|i would love to|i'd love that|love to|i don't mind|i do not mind|"
               "i do|i am|i will|i want to|i'd like to|please|mm hmm|mmhmm|mhm|mm hm|uh huh|"
               "no problem|no worries|not a problem|not bad|start|begin|let's start|"
               "that's right|m hm|m hmm|ready when you are"),
    **_entries("yes", 0.75, "i guess so|i guess|i suppose|i suppose so|why not|sure why not|"
               "i think so|i think i'm ready|i think i am ready|i believe so|if you like|"
               "if you want"),
    **_entries("no", 1.0, "no|nope|nah|naw|no thanks|no thank you|of course not|absolutely not|"
               "definitely not|certainly not|no way|never|not now|not yet|not today|"
               "not tonight|not right now|i'm not ready|i am not ready|not ready|i'd rather not|"
               "i would rather not|rather not|i don't want to|i do not want to|negative"),
    **_entries("no", 0.85, "not really|i don't think so|i do not think so|i don't|i do not|"
               "i'm not|i am not|not at all|uh uh|never mind|i can't|i cannot|i won't|"
               "maybe later|maybe another time|another time|not interested|false|wrong|"
               "i guess not|i suppose not|i think not|probably not|not"),
    **_entries("unclear", 0.3, "maybe|perhaps|possibly|i don't know|i do not know|dunno|i dunno|"
               "idk|not sure|i'm not sure|i am not sure|unsure|i'm unsure|no idea|i have no idea|"
               "yes and no|yes or no|hard to say|it depends|depends|hmm|hm|mm|i can't decide"),
    **_entries("unclear", 0.4, "kind of|kinda|sort of|sorta|a little|a bit|somewhat|partly|"
               "probably|sometimes|i'd say so", guess=True),
    **_entries("", 0.0, "no one|nobody|no matter|no longer"),  # not answers at all
}  # fmt: skip
# Short answers that mean nothing as the start of a longer sentence ("i am tired").
_EXACT_ONLY = _phrases(
    "right|fine|k|ready|start|begin|please|i do|i am|i will|i want to|i'd like to|"
    "i don't|i do not|i'm not|i am not|i can't|i cannot|i won't|not|wrong|false|correct|"
    "another time|never|sometimes|a little|a bit"
)
_LONGEST = max(len(p.split()) for p in _LEXICON)
# Recogniser mishearings, trusted only as the whole utterance.
_HOMOPHONES: dict[str, _Entry] = {
    **_entries("yes", 0.5, "yet|yah|yas|yay|jess"),
    **_entries("no", 0.5, "know|noh"),
}
# Found in the middle of a sentence ("well i think yes") these still count, for confirmation.
_STRONG = _phrases(
    "yes|yeah|yep|yup|no|nope|nah|of course|definitely|absolutely|of course not|not really|"
    "i'm ready|i'm not ready|i don't think so|i think so|i'd like that|i would like that|"
    "i'd love to|i'd rather not|i don't want to|no thanks|no way|not now|not yet|maybe|"
    "not sure|i don't know|no idea|i guess so|why not|let's do it|no one|nobody"
)
_LEAD_FILLERS = _phrases("um|umm|uh|er|erm|oh|well|so|hey|coach|honestly|and")
_CONNECTORS = _phrases("and|but|or|i|mean|well|um|uh|er|erm|so|oh|then")
_INTENSIFIERS = _phrases("really|actually|honestly|truly|quite|very|just")
_NEGATORS = _phrases("not|don't|never|can't|won't|isn't|aren't|doesn't|didn't|wouldn't")
_ELONGATED = re.compile(r"(\w)\1{2,}")


def _phrase_at(tokens: list[str], i: int, lexicon: dict[str, _Entry]) -> tuple[_Entry, int] | None:
    """The longest lexicon phrase starting at token i, and the index after it."""
    for n in range(min(_LONGEST, len(tokens) - i), 0, -1):
        entry = lexicon.get(" ".join(tokens[i : i + n]))
        if entry is not None:
            return entry, i + n
    return None


def _yes_no(intent: str, confidence: float) -> Reading:
    return Reading(intent, intent == "yes", confidence)


def parse_yes_no(text: str) -> Reading:
    """Yes or no, however it is said; "unclear" (with a guess if there is one) otherwise."""
    key = _key(text)
    if not key:
        return Reading("none", None, 1.0)
    tokens = _ELONGATED.sub(r"\1", key).split()  # "yesss" -> "yes", "nooo" -> "no"
    tokens = [t for t in tokens if t not in _INTENSIFIERS] or tokens
    start = 0
    while start < len(tokens) and _phrase_at(tokens, start, _LEXICON) is None:
        if tokens[start] not in _LEAD_FILLERS:
            break
        start += 1
    if start == len(tokens):  # only "um"
        return Reading("unclear", None, 0.0)
    whole = " ".join(tokens[start:])
    if whole in _HOMOPHONES:
        return _yes_no(*_HOMOPHONES[whole][:2])
    hit = _phrase_at(tokens, start, _LEXICON)
    if hit is None:
        return _scan(tokens)
    (intent, confidence, guess), end = hit
    if end < len(tokens) and " ".join(tokens[start:end]) in _EXACT_ONLY:
        return _scan(tokens)
    if intent in ("", "unclear"):
        return Reading("unclear", None, confidence, guess)
    while end < len(tokens):  # "yes please", "no no", "yes no", "yeah but i'm not sure"
        if tokens[end] in _CONNECTORS:
            end += 1
            continue
        more = _phrase_at(tokens, end, _LEXICON)
        if more is None or more[0][0] == "":
            return _yes_no(intent, min(confidence, 0.9))
        (next_intent, next_confidence, _), end = more
        if next_intent == "unclear":
            return Reading("unclear", None, 0.3, intent == "yes")
        if next_intent != intent:
            return Reading("unclear", None, 0.2)
        confidence = max(confidence, next_confidence)
    return _yes_no(intent, confidence)


def _scan(tokens: list[str]) -> Reading:
    """Yes/no words somewhere inside a longer sentence: worth confirming, never trusted."""
    intents: list[str] = []
    i = 0
    while i < len(tokens):
        hit = _phrase_at(tokens, i, _LEXICON)
        phrase = " ".join(tokens[i : hit[1]]) if hit else ""
        if hit is None or phrase not in _STRONG:
            i += 1
            continue
        intent = hit[0][0]
        if intent == "yes" and _NEGATORS.intersection(tokens[max(0, i - 2) : i]):
            intent = "no"  # "i don't think i'm ready"
        if intent:
            intents.append(intent)
        i = hit[1]
    if set(intents) in ({"yes"}, {"no"}):
        return _yes_no(intents[0], 0.55)
    return Reading("unclear", None, 0.2 if intents else 0.0)


# --- numbers ------------------------------------------------------------------------------


def parse_number(text: str, low: int, high: int) -> Reading:
    """A whole number from low to high inclusive, in digits or words, alone or in a sentence.

    Two numbers ("6 or 7", "between six and seven") and fractions ("6.5", "six and a half")
    are "unclear" with the first number, rounded down, as the guess. Out of range: "unclear"
    with no guess, so the caller re-asks with the range.
    """
    # "6.5" -> "6 point 5" and "10/10" -> "10 out of 10" before punctuation is stripped.
    key = _key(re.sub(r"(?<=\d)\.(?=\d)", " point ", text.replace("/", " out of ")))
    if not key:
        return Reading("none", None, 1.0)
    heard = numbers.hear(key)
    if not heard.values:
        if heard.homophone is not None and low <= heard.homophone <= high:
            return Reading("number", heard.homophone, 0.5)
        if heard.zero_phrase and low == 0:
            return Reading("number", 0, 0.7 if heard.zero_alone else 0.5)
        if heard.zero_phrase:
            return Reading("unclear", None, 0.3, low)
        return Reading("unclear", None, 0.0)
    first = heard.values[0]
    guess = math.floor(first) if low <= math.floor(first) <= high else None
    if len(set(heard.values)) > 1 or first != math.floor(first):
        return Reading("unclear", None, 0.4 if guess is not None else 0.0, guess)
    if guess is None:
        return Reading("unclear", None, 0.0)
    return Reading("number", guess, 1.0 if heard.alone else 0.9)


# --- choices ------------------------------------------------------------------------------

# Words that say nothing about which option: dropped before fuzzy comparison.
_FILLER = _phrases(
    "the|a|an|one|ones|option|choice|exercise|thing|things|stuff|bit|part|that|this|these|i|"
    "i'd|i'll|i'm|like|want|to|do|go|with|take|pick|choose|please|let's|maybe|think|how|about|"
    "for|some|more|of|um|uh|er|ok|okay|yes|yeah|we|us|me|my|our|you|it|is|be|would|could|"
    "should|can|just|really|and|or|on|in|number|no|num"
)
_CHOICE_MARKERS = _phrases("option|number|choice|no|num")
_LAST = _phrases("last|final|latter")
_EXCLUDING = _phrases("not|don't|without|except|than")


def _names(option: Option) -> list[str]:
    raw = [option.label, option.id.replace("_", " ").replace("-", " "), *option.synonyms]
    return [n for n in dict.fromkeys(_key(r) for r in raw) if n]


def _named(key: str, options: Sequence[Option]) -> list[tuple[int, int, int]]:
    """(start, end, option index) of every label, id or synonym said, unless negated."""
    found: list[tuple[int, int, int]] = []
    for index, option in enumerate(options):
        for name in _names(option):
            for m in re.finditer(rf"(?<!\S){re.escape(name)}(?!\S)", key):
                if not _EXCLUDING.intersection(key[: m.start()].split()[-2:]):
                    found.append((m.start(), m.end(), index))
    # "active listening" also contains option "listening": keep only the longer name.
    return [
        (s, e, i)
        for s, e, i in found
        if not any(s2 <= s and e <= e2 and (e2 - s2) > (e - s) and i2 != i for s2, e2, i2 in found)
    ]


def _position(tokens: list[str], count: int) -> list[int]:
    """1-based positions said by ordinal ("second", "last") or number ("option 2", "two")."""
    said: list[int] = []
    for token in tokens:
        if token in _LAST and count:
            said.append(count)
        elif (n := numbers.ordinal(token)) is not None:
            said.append(n)
    for span in numbers.spans(tokens):
        marked = span.start > 0 and tokens[span.start - 1] in _CHOICE_MARKERS
        rest = tokens[: span.start] + tokens[span.end :]
        alone = all(t in _FILLER for t in rest)  # "two please", "i'll take 2"
        if (marked or alone) and span.value == int(span.value):
            said.append(int(span.value))
    return said


def _similarity(key_tokens: list[str], name: str) -> float:
    """0..100: how well the words said match a name, allowing typos and partial names."""
    from rapidfuzz import fuzz  # imported here: it takes tens of milliseconds to load

    name_tokens = [t for t in name.split() if t not in _FILLER] or name.split()
    by_set = fuzz.token_set_ratio(" ".join(key_tokens), " ".join(name_tokens))
    covered = []
    for nt in name_tokens:
        best = 0.0
        for kt in key_tokens:
            score = fuzz.ratio(nt, kt) if min(len(nt), len(kt)) >= 4 else 100.0 * (nt == kt)
            if len(nt) >= 5 and len(kt) >= 5 and nt[:5] == kt[:5]:
                score = max(score, 90.0)  # "appreciate" ~ "appreciation"
            best = max(best, score)
        covered.append(best)
    return max(by_set, sum(covered) / len(covered))


def parse_choice(text: str, options: Sequence[Option]) -> Reading:
    """Which option was meant: by label, id or synonym, by position, or by a close paraphrase."""
    key = _key(text)
    if not key:
        return Reading("none", None, 1.0)
    if not options:
        return Reading("unclear", None, 0.0)
    named = _named(key, options)
    if named:
        said_first = options[min(named)[2]].id  # both named: guess the one said first
        if len({i for _, _, i in named}) == 1:
            return Reading("choice", said_first, 0.95)
        return Reading("unclear", None, 0.4, said_first)
    tokens = key.split()
    positions = list(dict.fromkeys(_position(tokens, len(options))))
    if positions:
        first = positions[0]
        guess = options[first - 1].id if 1 <= first <= len(options) else None
        if len(positions) == 1 and guess is not None:
            return Reading("choice", guess, 0.95)
        return Reading("unclear", None, 0.4 if guess is not None else 0.0, guess)
    if key in numbers.HOMOPHONES and numbers.HOMOPHONES[key] <= len(options):
        return Reading("choice", options[numbers.HOMOPHONES[key] - 1].id, 0.5)
    content = [t for t in tokens if t not in _FILLER]
    if not content:
        return Reading("unclear", None, 0.0)
    scores = [max(_similarity(content, n) for n in _names(o)) for o in options]
    ranked = sorted(range(len(options)), key=lambda i: -scores[i])  # stable: ties keep order
    best, best_id = scores[ranked[0]], options[ranked[0]].id
    runner_up = scores[ranked[1]] if len(ranked) > 1 else 0.0
    if best >= 88 and runner_up < best - 8:
        return Reading("choice", best_id, 0.8)
    if best >= 65:
        return Reading("unclear", None, 0.5, best_id)
    return Reading("unclear", None, 0.0)


_HEDGES = re.compile(
    r"\b(?:mostly|usually|generally|normally|most of the time|most days|i think so|i guess|"
    r"i suppose|i hope so|kind of|kinda|sort of|sorta|probably|maybe|sometimes|not always|"
    r"it depends|depends|more or less|pretty much|for the most part|i believe so|ish|"
    r"not sure|unsure|i dont know|i do not know|usually yes|yes but|yeah but|yes and no)\b"
)


def hedged(text: str) -> bool:
    """True if a yes is qualified ("mostly", "i think so", "yes but..."): not a plain yes."""
    return _HEDGES.search(_key(text).replace("'", "")) is not None
