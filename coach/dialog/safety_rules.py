"""The broad second tier of the safety screen: unclear signs, found by structure.

The first tier (coach/dialog/safety.py) is a table of precise phrasings. On phrasings
nobody had written a rule for it caught only two thirds to three quarters of crises,
so this tier looks at the shape of a clause instead of its exact words:

- Verb forms are lemmatised ("slapped", "slaps", "slapping" -> "slap"; "threw" ->
  "throw"), so a violent verb is found whatever its tense or person.
- For each violent verb it finds the agent (the word before it, skipping adverbs and
  auxiliaries, following "and" back to the subject of the clause) and the patient
  (the words after it). Any unknown word in the agent slot is read as a name, so
  "jordan hits me" reads like "he hits me". Who does what to whom decides the
  concern: someone hurting the speaker is abuse, the speaker hurting an adult is harm
  to others, anyone hurting a child is child harm. Passives ("my toddler got hit by
  her dad") are read the same way.
- A handful of broad patterns catch distress vocabulary near first-person words:
  methods (pills, rope, a ledge), goodbyes, "no one would miss me", reported threats,
  evidence of injury "from him", fear for one's life.

Everything here is unclear (certain=False): the caller asks one gentle, direct
question. Negation ("he has never hit me"), play and games ("beats me at chess",
"as a joke"), children and animals as agents ("my baby hits me"), accidents and
objects ("hit the ball", "broke her arm skiing") cancel a finding.

`findings(clean)` takes text already passed through `safety.normalise` and returns
(concern value, rule name) pairs; rule names are fixed strings, never user words.
"""

from __future__ import annotations

import re

SH, HO, AB, CH = "self-harm", "harm-to-others", "abuse", "child-harm"

# ------------------------------------------------------------------ lemmatising


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# verbs of physical harm, with the particle or object some of them need to be violent:
# None: any person as object will do; a set: one of these words must follow the object
_VIOLENT: dict[str, frozenset[str] | None] = {
    **dict.fromkeys(
        _set(
            "hit beat punch kick slap smack choke strangle throttle stab rape molest assault "
            "batter whip spank headbutt bite attack abuse strike shove scratch pinch elbow "
            "injure knee thump wallop belt kill murder hurt burn shake touch starve"
        ),
        None,
    ),
    "push": _set("down into against off over onto around out through"),
    "throw": _set("around against down across into onto out at off"),
    "drag": _set("by across down into out around along through"),
    "pin": _set("down against to"),
    "hold": _set("down against under"),
    "grab": _set("by around round"),
    "slam": _set("into against down on"),
    "smash": _set("into against"),
    "lock": _set("in inside up"),
    "break": frozenset(),  # only with a body part: "broke my nose"
    "leave": frozenset(),  # only with a child and "alone" or no food (neglect)
}
# verbs that are violent only towards a child ("shook the baby", "touches her")
_CHILD_ONLY = frozenset({"shake", "touch", "starve", "leave"})
# verbs too idiomatic with a third-person agent ("she'll kill me if i'm late",
# "my feet are killing me", "he hurt me when he forgot")
_SPEAKER_ONLY = frozenset({"kill", "murder"})
_WEAK = frozenset({"hurt", "burn", "scratch", "pinch", "bite", "elbow", "knee", "belt"})
_IRREGULAR = {
    "beaten": "beat", "threw": "throw", "thrown": "throw", "bit": "bite",
    "bitten": "bite", "shook": "shake", "shaken": "shake", "held": "hold",
    "broke": "break", "broken": "break", "shot": "shoot", "struck": "strike",
    "burnt": "burn", "left": "leave", "leaves": "leave", "leaving": "leave",
    "smacked": "smack", "knifed": "stab",
}  # fmt: skip


def lemma(word: str) -> str:
    """Base form of a violent verb ("slapping" -> "slap"); other words unchanged."""
    if word in _VIOLENT:
        return word
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            stem = word[: -len(suffix)]
            for cand in (stem, stem + "e", stem[:-1] if stem[-1:] == stem[-2:-1] else ""):
                if cand in _VIOLENT:
                    return cand
    return word


# ------------------------------------------------------------------ word classes

_REL = _set(
    "husband wife partner boyfriend girlfriend bf gf fiance fiancee spouse ex stepdad "
    "stepfather dad father stepmum stepmom mum mom mother brother sister uncle aunt "
    "auntie grandad grandpa grandfather grandma gran granny cousin parents family "
    "roommate flatmate housemate boss neighbour neighbor friend mate girl guy man woman "
    "bloke sibling inlaws"
)
_KIDS = _set(
    "kid kids child children baby babies toddler toddlers son sons daughter daughters "
    "stepson stepdaughter niece nephew newborn infant teen teenager grandson "
    "granddaughter grandkid grandkids boy boys girls"
)
_ANIMALS = _set("dog dogs cat cats puppy kitten horse pet pets")
_BODY = _set(
    "nose arm arms rib ribs jaw wrist wrists finger fingers tooth teeth face head neck "
    "throat eye eyes stomach leg legs skull collarbone cheekbone hair"
)
_DET = _set("my our his her their the a an your this that these those")
_SKIP = _set(
    "always often sometimes still also even just ever again once actually really has had "
    "have would will keeps kept started starts is was does did literally physically "
    "constantly then been nearly almost used to gets got get going can could might "
    "apparently basically like totally"
)
_NEGATORS = frozenset({"not", "never", "no", "nobody", "nothing", "neither", "nor"})
_BE = _set("was were got get gets been being is am are")
# words that cannot be a person's name in the agent or patient slot
_NOT_NAME = _set(
    "we you he she they it this that what which who there here and or but so because "
    "then than if when while where to of for with at on in from by into over up out off "
    "about after before a an the my our his her their your me us him them one something "
    "everything anything nothing someone anyone everyone snooze send enter play pause "
    "record reply delete save refresh rock bottom home back hard gym road jackpot traffic "
    "pay dirt level bed lights brakes button buttons ball balls wall walls door doors "
    "table floor ground roof bottle every all some any each both another other such more "
    "most few many lots time hours weeds germs bugs flies habit record air myself himself "
    "herself themselves yourself ourselves"
)
_THINGS = _set(
    "ball car bus bike truck door cupboard shelf branch wave it that this something "
    "what which words comments heat sun pain news life"
)
# play, games, jokes and accidents: a violent verb in the same turn is not a crisis
_PLAY = re.compile(
    r"\b(?:chess|scrabble|cards|tennis|games?|match|monopoly|uno|pool|golf|race|kart|"
    r"fifa|poker|football|soccer|basketball|squash|badminton|wrestl\w*|video|playstation|"
    r"xbox|quiz|trivia|pillows?|snowballs?|jok\w*|kidding|play|playing|playfully|"
    r"accident\w*|tickl\w*|fell|tripped|slipped|skiing|practice|training|sparring|"
    r"lips?|hugs?|kiss\w*|tag|arm wrestl\w*|board game|finals?|league|tournament|cup|"
    r"semi ?finals?|round|season|team|score\w*)\b"
)
# after the object: idioms ("hit me up", "shot me a text", "stabbed me in the back")
_IDIOM_AFTER = re.compile(
    r"^(?:up|off|to|back|on|into (?:\w+ing|it|this|that)|in (?:his|her|their|my) sleep|"
    r"under the table|with (?:a |an |the |this |that |some )?(?:surprise|question|news|idea|"
    r"joke|compliment|request|party|present|gift|story|fact|bill|truth|offer|list|plan)|"
    r"(?:a|an) (?:text|message|look|glance|smile|email|line|note|call|"
    r"coffee|drink|favou?r|wink|question|lifeline|break)|in the back|out\b(?! of (?:the|my)))"
)


def _clauses(clean: str) -> list[list[str]]:
    return [c.split() for c in clean.split(" . ") if c.strip(" .")]


def _aux(words: list[str], i: int) -> tuple[int, bool, bool]:
    """Skip back over adverbs and auxiliaries before the verb at i.

    Returns the index of the word before them, whether a negator was among them and
    whether a form of "be" or "get" was (a passive: "i was hit", "she got beaten").
    """
    negated = passive = False
    j = i - 1
    while j >= 0 and (words[j] in _SKIP or words[j] in _NEGATORS or words[j] in _BE):
        negated = negated or words[j] in _NEGATORS
        passive = passive or words[j] in _BE
        j -= 1
    return j, negated, passive


def _agent(words: list[str], j: int) -> str:
    """The agent at j (the word before the verb's auxiliaries).

    One of 'i', 'third', 'kid', 'animal', 'thing' or ''.
    """
    if j < 0:
        return ""
    word = words[j]
    if word == "and":  # "i lost it and hit her": the subject of the first verb
        for k in range(j - 1, max(-1, j - 8), -1):
            if words[k] in ("i", "he", "she", "they"):
                return "i" if words[k] == "i" else "third"
            if words[k] in _KIDS or words[k] in _ANIMALS:
                return "kid" if words[k] in _KIDS else "animal"
        return ""
    if word == "i":
        return "i"
    if word in ("he", "she", "they") or word in _REL:
        return "third"
    if word in _KIDS:
        return "kid"
    if word in _ANIMALS:
        return "animal"
    if word in _THINGS or word in _NOT_NAME or word.endswith("ing") or len(word) < 3:
        return "thing"
    return "third"  # an unknown word before a verb: read it as a name


def _patient(words: list[str], i: int) -> tuple[str, int]:
    """The patient after the verb at i: 'self', 'kid', 'adult', 'body', 'other' or ''.

    Returns the kind and the index just after the object phrase.
    """
    j = i + 1
    if j >= len(words):
        return "", j
    word = words[j]
    if word in ("me", "us"):
        if j + 1 < len(words) and words[j + 1] == "and":  # "hits me and the kids"
            rest = words[j + 2 : j + 5]
            if any(w in _KIDS for w in rest):
                return "kid", j + 2 + len(rest)
        return "self", j + 1
    if word in ("him", "her", "them"):
        nxt = words[j + 1] if j + 1 < len(words) else ""
        if word == "her" and nxt in _BODY | _KIDS | _REL:
            return _noun_phrase(words, j)
        return "other", j + 1
    if word in _DET:
        return _noun_phrase(words, j)
    if word in _KIDS:
        return "kid", j + 1
    if word not in _NOT_NAME and not word.endswith("ing") and len(word) >= 3:
        return "name", j + 1
    return "", j


def _noun_phrase(words: list[str], j: int) -> tuple[str, int]:
    det = words[j]
    for k in range(j + 1, min(len(words), j + 4)):
        word = words[k]
        if word in _KIDS:
            return "kid", k + 1
        if word in _REL:
            return "adult", k + 1
        if word in _BODY:
            return ("body" if det == "my" else "other-body"), k + 1
    return "", j + 1


def _violence(words: list[str]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for i, word in enumerate(words):
        verb = lemma(word)
        if verb not in _VIOLENT:
            continue
        j, negated, passive = _aux(words, i)
        if negated:
            continue
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if passive and not word.endswith("ing") and nxt not in _OBJECTS:
            found = _passive(words, i, j, verb)
            if found:
                out.append(found)
            continue
        found = _active(words, i, verb, _agent(words, j))
        if found:
            out.append(found)
    return out


_OBJECTS = frozenset({"me", "us", "him", "her", "them"}) | _DET


def _active(words: list[str], i: int, verb: str, agent: str) -> tuple[str, str] | None:
    if agent in ("kid", "animal", "thing"):
        return None
    need = _VIOLENT[verb]
    patient, after = _patient(words, i)
    rest = " ".join(words[after : after + 4])
    if patient and _IDIOM_AFTER.match(rest) and not (verb == "beat" and rest[:2] == "up"):
        return None
    if not patient and verb == "throw":  # "threw a glass at her head"
        tail = words[i + 1 : i + 6]
        if "at" in tail:
            patient, after = _patient(tail, tail.index("at"))
            need = None
    if not patient:
        return None
    if verb == "break" and patient not in ("body", "other-body"):
        return None
    if verb == "leave":
        if patient == "kid" and re.search(r"\b(?:alone|no food|without food|hungry)\b", rest):
            return (CH, "child-harm.broad-neglect")
        return None
    if need and patient not in ("body", "other-body") and not set(words[after : after + 2]) & need:
        return None
    if verb in _CHILD_ONLY and patient != "kid":
        return None
    if patient == "kid":
        return (CH, "child-harm.broad-violence")
    if verb == "hurt":  # hurt feelings: the first tier weighs "hurt" with its context
        return None
    if agent == "i" and patient in ("other", "adult", "name", "other-body"):
        return (HO, "harm-to-others.broad-violence")
    if agent != "i" and verb not in _SPEAKER_ONLY:
        if patient in ("self", "body"):
            return (AB, "abuse.broad-violence")
        if patient in ("adult", "other") and verb not in _WEAK:
            return (AB, "abuse.broad-violence-other")
    return None


def _passive(words: list[str], i: int, j: int, verb: str) -> tuple[str, str] | None:
    """'my toddler got hit again by her dad', 'i was beaten by my ex'."""
    if verb in _SPEAKER_ONLY or verb == "leave":
        return None
    subject = words[j] if j >= 0 else ""
    tail = words[i + 1 : i + 6]
    need = _VIOLENT[verb]
    if need is not None and not set(tail[:2]) & need:
        return None
    by = tail[tail.index("by") + 1 :] if "by" in tail else []
    by_person = bool(set(by[:3]) & (_REL | {"him", "her", "them", "he", "she"}))
    if by and not by_person:
        return None  # "hit by a car"
    if verb in _WEAK and not by_person:
        return None  # "my daughter got hurt"
    if subject in _KIDS:
        return (CH, "child-harm.broad-passive")
    if subject == "i" and verb not in _CHILD_ONLY:
        return (AB, "abuse.broad-passive")
    return None


# ------------------------------------------------------------------ broad patterns

_PERSON = (
    r"(?:him|her|them|he|she|they|my (?:\w+ )?(?:ex|husband|wife|partner|boyfriend|girlfriend))"
)
_BROAD: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (concern, name, re.compile(src))
    for concern, name, src in (
        # self-harm: methods, goodbyes, not being around, nobody missing me
        (SH, "self-harm.broad-method",
         r"\b(?:how many|enough|all (?:of )?(?:my|her|his|the)|swallow\w*|saving|stockpil\w*"
         r"|bought|buy|buying|got|googl\w*|looked up|search\w*) (?:\w+ ){0,3}"
         r"(?:pills|tablets|meds|rope|noose|razors?|blades?)\b"
         r"|\b(?:stood|standing|stand|sat|sitting) (?:on|at) the (?:edge|ledge|railing)\b"
         r"|\b(?:tracks|ledge|edge of the (?:roof|bridge|cliff|platform))\b(?: \w+){0,6} "
         r"(?:step\w*|jump\w*|fall\w*|front|end it)\b"
         r"|\b(?:step\w*|jump\w*) in front\b"
         r"|\bwalk\w* into the (?:sea|river|lake|ocean|traffic|water)\b"),
        (SH, "self-harm.broad-goodbye",
         r"\b(?:goodbye|farewell|suicide) (?:note|letter|text|message|video)s?\b"
         r"|\b(?:will not|would not) (?:be )?need(?:ing)? (?:it|them|her|him|this|these|"
         r"anything|my \w+) (?:anymore|any more|where i am going|soon)\b"
         r"|\b(?:will not|would not|may not|might not) be (?:around|here) "
         r"(?:much |for )?(?:longer|long)\b"
         r"|\b(?:not|never) (?:think|expect|see) (?:that )?i (?:will|would|am going to) "
         r"(?:be )?(?:around|here|alive|make it) (?:much |for )?(?:longer|long|anymore)\b"
         r"|\b(?:no one|nobody|noone) (?:would|will) (?:even )?(?:miss|notice|care|mourn)"
         r"(?: me| if i)?\b(?! (?:it|that|the|your|this)\b)"),
        (SH, "self-harm.broad-ending",
         r"\b(?:end|ending|ended|finish\w*) (?:things|everything|it)\b (?:for good|tonight|"
         r"once and for all|forever)\b"
         r"|\b(?:think\w*|thought|want\w*|going to|plan\w*) (?:about |of |to )?"
         r"(?:end|ending) (?:things|everything)\b(?! (?:with|between)\b)"
         r"|\b(?:rather|better off) (?:be )?(?:dead|gone)\b"
         r"|\bi (?:\w+ )?(?:and )?(?:never|not) (?:come|coming|came) back\b"
         r"|\bwhat is (?:even )?the point (?:anymore|any more|of (?:anything|it|me))\b"
         r"|\bwhat is (?:even )?the point$"),
        # abuse: reported threats, evidence from a person, fear for one's life, control
        (AB, "abuse.broad-threat",
         r"\b(?:(?:said|says|saying|told me|tells me|texted|swore|screamed|yelled|shouted) "
         r"(?:\w+ ){0,4}(?:would|will|is going to|going to)|threaten\w*) "
         r"(?:\w+ ){0,3}(?:find my body|bury me|make me (?:disappear|pay|"
         r"regret|suffer)|come (?:for|after) me|(?:kill|hurt|hit|beat|stab|shoot) "
         r"(?:me|us))\b"
         r"|\b(?:use it|used it|pointed it|point it) (?:on|at) (?:me|us)\b"
         r"|\b(?:gun|knife|knives|weapon)\b(?: \w+){0,8} (?:on|at) (?:me|us|my head)\b"),
        (CH, "child-harm.broad-threat",
         r"\b(?:(?:said|says|saying|told me|tells me|texted|swore|screamed|yelled|shouted) "
         r"(?:\w+ ){0,4}(?:would|will|is going to|going to)|threaten\w*) "
         r"(?:\w+ ){0,3}(?:kill|hurt|hit|beat|take|harm) (?:the|my|our) "
         r"(?:kids|children|baby|son|daughter|child)\b"),
        (AB, "abuse.broad-evidence",
         r"\b(?:bruises?|bruised|black eyes?|marks|cuts|scars?|broken \w+|burns)\b"
         r"(?: \w+){0,5} (?:from|because of|where) " + _PERSON + r"\b"),
        (AB, "abuse.broad-fear",
         r"\b(?:scared|afraid|frightened|terrified|fear\w*) for my (?:life|safety)\b"
         r"|\b(?:lock\w*|hide|hid|hiding|sleep with)\b(?: \w+){0,5} because of (?:him|her|"
         r"them|my (?:\w+ )?(?:ex|husband|wife|partner|boyfriend|girlfriend))\b"
         r"|\b(?:hands?|fingers|arms?|belt|rope|cord)\b(?: \w+){0,2} (?:around|round|on|over) "
         r"my (?:neck|throat|mouth)\b"
         r"|\b(?:made|makes|make|forc\w*|pressur\w*) me (?:do|into) (?:\w+ ){0,4}"
         r"(?:did not want|do not want|sex|sexual|in bed)\b"),
        (AB, "abuse.broad-control",
         r"\b(?:isolat\w*|cuts? me off|cut me off) (?:me )?from (?:my|all my|everyone)\b"
         r"|\b(?:track\w*|monitor\w*|spy\w*|spie\w*) (?:on )?(?:where i|my location|"
         r"everywhere i|who i|my every)\b"
         r"|\bfollow\w* me (?:home|everywhere|around|to work)\b"
         r"|\b(?:wait\w*|sits?|sat|parked) outside my (?:flat|house|home|work|door|place)\b"),
        # harm to others: wanting someone dead, making them bleed, weapons, arson
        (HO, "harm-to-others.broad-intent",
         r"\b(?:want|wish|like) (?:him|her|them|my (?:\w+ )?\w+) (?:dead|to die|gone for good)\b"
         r"|\bmake (?:him|her|them) (?:bleed|suffer|pay)\b"
         r"|\b(?:burn|torch|set fire to) (?:his|her|their) (?:house|place|car|flat)\b"
         r"|\bi (?:\w+ ){0,3}(?:bought|got|have|getting|buy|get) (?:a|my|the) "
         r"(?:gun|knife|weapon|rifle|pistol)\b(?! (?:licen[cs]e|for (?:hunting|the range|"
         r"cooking|the kitchen)))"
         r"|\bgoing to (?:get|find|hunt) (?:him|her|them)\b(?! (?:a|an|some|something|to)\b)"),
    )
)  # fmt: skip
# a broad pattern does not fire if a negator stands in the three words before it
_NEG_BEFORE = 3


def _negated(clean: str, start: int) -> bool:
    window = clean[:start].split()[-_NEG_BEFORE:]
    while window and window[0] != "." and "." in window:
        window = window[window.index(".") + 1 :]
    return any(w in _NEGATORS for w in window)


def findings(clean: str) -> list[tuple[str, str]]:
    """Unclear signs in a normalised turn, as (concern value, rule name) pairs."""
    out: list[tuple[str, str]] = []
    if not _PLAY.search(clean):
        for words in _clauses(clean):
            out.extend(_violence(words))
    for concern, name, pattern in _BROAD:
        for match in pattern.finditer(clean):
            if not _negated(clean, match.start()):
                out.append((concern, name))
                break
    return out
