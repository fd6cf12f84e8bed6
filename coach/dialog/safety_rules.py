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
- Warning signs of suicide said indirectly (_SIGNS): farewells, possessions passed
  on, the speaker's absence with no end date, burden, death wished by accident or in
  sleep, means with rumination or research, calm after an unnamed decision, "the only
  way out", self-punishment, past attempts. Each is cancelled by an ordinary
  explanation in the same turn (a move, a trip, a party, an exam).

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

# after a thing bought or fetched: an ordinary purpose ("a rope for the tent", "a razor
# because the old one was dull", "pills from the pharmacy")
_FOR_A_REASON = (
    r"(?! (?:\w+ ){0,2}(?:for (?:the|a|my|our|his|her|camping|climbing|work|shaving|school|"
    r"\w+ing)|because|since|as (?:the|my)|to (?:shave|replace|tie|fix|climb|hang (?:the|a|up|"
    r"out))|from the (?:pharmacy|chemist|doctor|shop|store)|at the (?:pharmacy|chemist|shop)))"
)
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
         r"(?:pills|tablets|meds|rope|noose|razors?|blades?)\b" + _FOR_A_REASON +
         r"|\b(?:stood|standing|stand|sat|sitting) (?:on|at) the (?:edge|ledge|railing)\b"
         r"(?! (?:\w+ ){0,3}(?:for a (?:photo|picture|selfie|pic|view)|to (?:take|get) a))"
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
        (AB, "abuse.broad-hide-weapons",
         r"\b(?:hide|hid|hides|hiding|lock\w*|put away|putting away) (?:away )?(?:all )?"
         r"(?:the |my |our )?(?:knives|knife|guns?|weapons|sharp things) (?:away )?"
         r"(?:before|when|because|so|from) " + _PERSON + r"\b"),
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
# ------------------------------------------------------------------ warning signs of suicide
#
# Indirect talk of suicide, as clinicians list the warning signs. Each sign is a shape
# built from word classes, not a sentence: a goodbye with no trip to explain it,
# possessions or pets passed on with the speaker's absence as the reason, the speaker
# absent with no end date, burden, a wish for death by accident or illness, means
# (pills, rope, a gun, a bridge) with rumination or research, a calm that follows an
# unnamed decision, "the only way out", self-punishment, a past attempt. Every sign is
# unclear (one gentle question); each may be cancelled by an ordinary explanation in
# the same turn (moving house, a holiday, a party, an exam, a meeting).

# a finite absence: travel, moving, leaving a job, an end date, a party
_AWAY = (
    r"\b(?:mov(?:e|es|ed|ing)|relocat\w*|abroad|overseas|emigrat\w*|holidays?|vacation|trips?|"
    r"travel\w*|flights?|fly|flying|airport|station|camping|hotel|cruise|visa|"
    r"new (?:job|flat|house|place|home|city|country|school|one|apartment)|"
    r"leaving (?:the|my|for) (?:company|job|work|office|team|city|country)|last day|retir\w*|"
    r"sunny|warm|tropical|weather|(?:i am|be|while i am|when i am) away|party|graduation|"
    r"wedding|"
    r"for (?:a|the|two|three|a few|six) (?:week|weeks|month|months|days|while|summer|year)|"
    r"declutter\w*|charity|downsiz\w*|semester|term|deployment|deployed)\b"
)
# an ordinary thing coming to an end: exams, work, an illness getting better
_ORDINARY_END = (
    r"\b(?:celebrat\w*|thank god|vacation|holiday|party|exams?|deadline|project|semester|term|"
    r"shift|season|surgery|meeting|interview|trip|move|stress|then (?:we|i) can|school|week|"
    r"renovation|chemo|treatment|flu|cold|course|contract|job|trial)\b"
)
_MEANS = (
    r"(?:pills|tablets|meds|medication|medicine|painkillers|rope|noose|razors?|blades?|"
    r"guns?|pistol|rifle|shotgun|knife|knives|bridge|tracks|train tracks|roof|rooftop|ledge|"
    r"balcony|cliff|edge|bottle|river|overpass|window|cabinet|belt|cord)"
)
_FINAL = r"(?:for good|forever|for ever|permanently|once and for all)"
_SELF_OR = r"(?:i|he|she|they)"
_GONE = (
    r"(?:(?:i am|he is|she is|they are|i have|he has|she has) (?:gone|dead|not (?:here|around)|"
    r"no longer (?:here|around|alive))|i die|he dies|she dies)"
)
_SIGNS: tuple[tuple[str, re.Pattern[str], re.Pattern[str] | None], ...] = tuple(
    (name, re.compile(src), re.compile(unless) if unless else None)
    for name, src, unless in (
        # farewells nobody would need for a trip: secret, final, to a pet, "whoever finds me"
        ("self-harm.broad-farewell",
         r"\b(?:say|says|said|saying|tell|told|telling|text\w*|call\w*) (?:\w+ ){0,2}"
         r"(?:my |our |their |a |one last )?(?:goodbyes?|farewells?)\b(?! (?:for now|for today|"
         r"coach|then)\b)"
         r"|\b(?:the )?last time (?:we|i) (?:will |ever )?(?:talk|speak|see each|hear)\b"
         r"|\bone last (?:message|text|call|look|goodbye|hug|visit|letter|time)\b"
         r"|\bnice knowing (?:you|ya|everyone)\b"
         r"|\btell (?:my |him |her |them |everyone )(?:\w+ ){0,2}(?:that )?i (?:loved|am sorry|"
         r"was sorry|always loved)\b"
         r"|\bif anything (?:happens|should happen|were to happen) to me\b"
         r"|\b(?:whoever|who ever|the person who|someone) (?:finds|find|will find) (?:me|him|her)\b"
         r"|\b(?:thank|thanks|sorry|goodbye|loved)\b(?: \w+){0,5} before i (?:go|am gone|leave)$",
         _AWAY),
        # belongings and pets passed on, with the speaker's absence as the reason
        ("self-harm.broad-giving-away",
         r"\b(?:will not|would not|am not going to) (?:be )?(?:need\w*|us(?:e|ing)|driv\w*|"
         r"wear\w*|play\w*|read\w*|rid(?:e|ing)) (?:\w+ ){0,3}?(?:it|them|her|him|you|this|"
         r"these|those|anymore|any more|where i am going|again)\b"
         r"|\b(?:gave|give|gives|giving|given) (?:away )?(?:all|everything)\b"
         r"|\b(?:gave|give|gives|giving|given) (?:away )?(?:all )?(?:of )?(?:my|his|her|their) "
         r"(?:\w+ )?(?:stuff|things|belongings|possessions|savings|jewel\w*) (?:away|to)\b"
         r"|\b(?:taken care of|looked after|look after|looks after|take care of|cared for)\b"
         r"(?: \w+){0,3} (?:after|afterwards|afterward)$"
         r"|\b(?:gave|give|giving|left|leave|leaving) (?:\w+ ){1,4}so (?:that )?(?:it is|it will "
         r"be|they are|he is|she is) (?:safe|looked after|taken care of)\b",
         _AWAY),
        # the speaker absent with no end date: "when i'm gone", "i won't be here"
        ("self-harm.broad-absence",
         r"\b(?:when|after|once|for when|by the time|so when) " + _GONE
         + r"\b(?! (?:for|on|to|from|away|abroad|next|this|tomorrow|in|at|out|shopping)\b)"
         r"|\b(?:will not|would not|may not|might not|am not going to) be (?:around|here|alive)\b"
         r"(?! (?:next|this|tomorrow|today|tonight|on|at|in|until|till|during|over|after|before|"
         r"while|when (?:you|we)|for (?:the|a|an|two|three|a few|some|lunch|dinner|work|"
         r"christmas dinner))\b)"
         r"|\bnot (?:think|expect|believe|see) (?:that )?i (?:will|would|am going to) (?:be )?"
         r"(?:here|around|alive)\b(?! (?:next|this|tomorrow|today|tonight|on|at|in|until|till|"
         r"for (?:the|a|lunch|dinner|work))\b)"
         r"|\bnot (?:going to )?make it (?:to|until|till|past|through) (?:christmas|new year|"
         r"my (?:next )?birthday|(?:the )?end of (?:the )?(?:year|month|summer)|next (?:year|"
         r"month|summer|christmas)|summer|spring|autumn|winter|\d+|thirty|forty|fifty)\b"
         r"(?! (?:party|dinner|meeting|market|sale|show|concert|game|match|shopping|lunch|do)\b)"
         r"|\b(?:can not|could not|not) (?:picture|imagine|see) (?:myself|me|himself|herself) "
         r"(?:being |still )?(?:alive|living|growing old|getting old|old|around)\b"
         r"|\bwaiting (?:to die|for (?:death|the end|it to (?:end|be over)))\b"
         r"|\bshould (?:have|of)? ?(?:died|been dead|been the one (?:who|that) died)\b"
         r"|\b(?:not (?:see|know|understand) )?why (?:am i|i am|is he|he is|is she|she is|"
         r"are they) still (?:alive|here|breathing|living|around)\b"
         r"(?! (?:at|in|on|with|after|working|doing|for|waiting)\b)"
         r"|\b(?:not (?:see|know|understand) )?why (?:should i|i should|would i|do i|bother|"
         r"keep) (?:\w+ ){0,2}(?:keep living|"
         r"go on living|carry on living|stay alive|staying alive|be alive|living|live|exist|"
         r"keep going|go on)\b(?! (?:here|there|in|with|like|at|on|for)\b)"
         r"|\bnothing (?:left )?for me (?:here|anymore|any more|in this world|on this earth)\b"
         r"|\bnothing left for me$"
         r"|\b(?:have|got|see|is|with) no future\b(?! (?:in|for|with|at|on) (?!me\b))"
         r"|\bcheck(?:ing)? out (?:for good|permanently|early|of (?:life|this world|this life)|"
         r"forever)\b",
         _AWAY),
        # burden: a weight on everyone, a waste of space, "better off with the insurance"
        ("self-harm.broad-burden",
         r"\b(?:i am|i feel like|i feel|just|only|nothing but) (?:(?!not |never |no )\w+ ){0,3}"
         r"(?:a )?(?:burden|"
         r"weight|drain|nuisance|strain|problem|curse) (?:on|to|for) (?:everyone|everybody|all|"
         r"my|the|them|you|people|others|anyone)\b"
         r"|\b(?:i am|i feel like|am just|am only)(?: (?!not\b|never\b)\w+){0,3} waste of "
         r"(?:space|air|oxygen|skin|a life|life|breath)\b"
         r"|\b(?:worse|ruin\w*|burden|hurt\w*|problem|pain)\b(?: \w+){0,6} by (?:existing|"
         r"being alive|being born|still being (?:here|alive)|being here|living)\b"
         r"|\b(?:my|my own|his own|her own) funeral\b"
         r"|\b(?:better off|happier|easier|get everything|be fine|be ok|be okay)\b(?: \w+){0,5} "
         r"(?:life )?(?:insurance|inheritance|payout)\b"
         r"|\b(?:insurance|inheritance|my will)\b(?: \w+){0,6} (?:when|after|once) " + _GONE
         + r"\b|\b(?:will not|would not) be a (?:problem|burden|bother|nuisance|trouble|worry|"
         r"pain) (?:for|to) (?:anyone|anybody|everyone|everybody|you|them|my family|"
         r"any of you)\b(?! (?:at|in|on|during)\b)"
         r"|\b(?:says|said|saying|thinks|feels|told me|tells me|keeps)\b(?: \w+){0,4} better off "
         r"without (?:him|her|them)\b"
         r"|\b(?:nobody|no one|noone) (?:is|will be|gets|would be) (?:left|stuck) (?:with|to)\b"
         r"|\b(?:put|putting|puts|get|getting|got|set|setting) (?:my|his|her|their) affairs "
         r"(?:in order|straight|sorted)\b|\bwho gets what\b"
         r"|\b(?:will|affairs|paperwork|finances|accounts|passwords|insurance|debts)\b"
         r"(?: \w+){0,8} "
         r"so (?:that )?(?:it is|everything is|it will be|all is) (?:all )?(?:ready|sorted|set|"
         r"done|in order|taken care of)\b"
         r"|\bso (?:that )?(?:nobody|no one|noone|they|my family|my kids|the family) "
         r"(?:has|have|will have|would have|does not have|do not have|will not have) to "
         r"(?:deal with|sort|clean|pay|worry|go through|handle)\b",
         _AWAY),
        # a wish to die by accident, illness or in sleep
        ("self-harm.broad-death-wish",
         r"\bif i (?:just )?(?:never|did not|do not|would not) (?:woke|wake) up\b"
         r"(?! (?:before|until|till|early|in time|on time|at|for|when)\b)"
         r"|\b(?:hope|hoping|hoped|wish|wishing|pray\w*)\b(?: \w+){0,3} my heart (?:\w+ ){0,2}"
         r"(?:stops|stop|would stop|gives out|give out)\b(?! (?:racing|pounding|beating|hurting|"
         r"breaking|\w+ing)\b)"
         r"|\b(?:hope|hoping|hoped|wish|wishing|pray\w*)\b(?: \w+){0,4} (?:hits|hit|kills|kill|"
         r"runs over|run over|takes|take) (?:me|him|her)\b(?! (?:up|back|with|on the (?:head|"
         r"shoulder))\b)"
         r"|\b(?:would not|not|never) (?:mind|care) if (?:\w+ ){0,4}(?:crash\w*|went down|"
         r"goes down|go down|died|die|did not wake up|never woke up|hit me|killed me|run over)\b"
         r"|\b(?:hope|hoping|hoped|wish|wishing|pray\w*)\b(?: \w+){0,3} i (?:\w+ )?(?:get|got|"
         r"have|catch) (?:cancer|a heart attack|a disease|sick and die|hit|run over|killed)\b"
         r"|\b(?:hope|hoping|wish|wishing|pray\w*)\b(?: \w+){0,5} (?:so )?(?:it is|it will be|it "
         r"would be) (?:all )?over\b",
         None),
        # means: rumination on them, research into them, holding them to the body
        ("self-harm.broad-means",
         r"\b(?:keep|keeps|kept|can not stop|could not stop|been|always) (?:just )?(?:thinking "
         r"about|staring at|looking at|picturing|holding|touching|eyeing|imagining|going back to)"
         r" (?:\w+ ){0,3}?" + _MEANS + r"\b"
         r"|\b" + _MEANS + r"\b(?: \w+){0,8} (?:keep|keeps|kept|can not stop|been|always) "
         r"(?:\w+ )?(?:staring at (?:it|them)|looking at (?:it|them)|thinking about (?:it|them)|"
         r"holding (?:it|them)|touching (?:it|them)|calling|whispering|tempting)\b"
         r"|\b(?:going to|want to|about to|ready to|gonna|will|just) (?:go )?jump$"
         r"|\b(?:us(?:e|ing|ed)|turn(?:ing|ed)?|point(?:ing|ed)?|hold(?:ing)?|held|press\w*) "
         r"(?:it|them|(?:the|a|my|his|her|dads) (?:\w+ ){0,2}" + _MEANS + r") (?:on|at|to|"
         r"against) (?:myself|himself|herself|themselves|(?:my|his|her) (?:head|wrists?|throat|"
         r"neck|chest|temple|skin|arms?|thighs?))\b"
         r"|\b(?:easiest|quickest|fastest|painless|simplest|surest|least painful|best|most "
         r"peaceful|quietest|cleanest|quick)\w* (?:way|ways|method|methods) (?:to|of) (?:die|"
         r"dying|go|end it|end things|end everything|do it|kill|not wake|check out)\b(?! (?:to|"
         r"by|about|home|there|back|from|through|in|into|on|for|with|around|out|up|down|over|"
         r"abroad|shopping|viral)\b)"
         r"|\bhow (?:high|tall|far|many floors) (?:\w+ ){0,3}(?:building|bridge|floor|fall|drop|"
         r"jump|roof|balcony|window)s? (?:\w+ )?(?:has|have|needs?|would need|to be|is enough)\b"
         r"|\bhow many (?:of )?(?:my |the |his |her )?(?:\w+ )?(?:pills|tablets|meds|painkillers|"
         r"paracetamol) (?:\w+ ){0,2}(?:it takes|would it take|does it take|would be too many|"
         r"is too many|are too many|would kill|to kill|is lethal|is fatal|would be enough|"
         r"is enough|to overdose)\b"
         r"|\b(?:sat|sit|sitting|sits|lay|lying) in (?:the|my|his|her) (?:garage|car) with the "
         r"(?:car|engine|motor) (?:running|on)\b"
         r"|\bswallow\w* (?:the whole|a whole|the entire|an entire|everything|all of (?:them|it)|"
         r"the lot|whatever)\b"
         r"|\b(?:know|knows|decided|figured out|worked out|planned|chosen|picked) (?:exactly )?"
         r"(?:how|when|where) (?:i|he|she|they) (?:would|will|am going to|is going to|are going "
         r"to|could) do it\b(?! (?:differently|better|again|myself|right|properly|instead)\b)"
         r"|\b(?:have|has|got|made) a plan\b(?: \w+){0,4} (?:know|picked|chose|chosen|set) "
         r"(?:the )?(?:when|where|how|date|day|time|place)$"
         r"|\b(?:stomach pumped|pumped (?:my|his|her) stomach)\b",
         None),
        # calm or peace that follows a decision left unnamed
        ("self-harm.broad-calm",
         r"\b(?:calm|peaceful|at peace|relieved|relief|lighter|serene)\b(?! (?:about|with|"
         r"regarding|since i decided to|now that i decided to)\b)(?: \w+){0,8} "
         r"(?:made (?:my|the|a) decision|made up my mind|decided|my mind is made up)\b"
         r"(?! (?:to|on|that|about|what|which|whether|where|if|against|between|for)\b)"
         r"|\b(?:made (?:my|the|a) decision|made up my mind|my mind is made up)\b(?! (?:to|on|that|"
         r"about|what|which|whether|where|if|against|between|for)\b)(?: \w+){0,6} (?:calm|"
         r"peaceful|at peace|relieved|relief|lighter|serene)\b(?! (?:about|with|regarding)\b)"
         r"|\bdecided (?:how|when|where) (?:it|this|things|i|everything) (?:ends|will end|is "
         r"going to end|am going to)\b"
         r"|\b(?:made|make|making) (?:my|his|her) peace\b(?! with (?:the|it|that|this|my|his|"
         r"her|being|not|losing|leaving|how)\b)",
         None),
        # it will all be over soon, none of this will matter, don't worry about me
        ("self-harm.broad-over-soon",
         r"\b(?:it|this|everything|all this|all of this|it all) (?:will|is going to) (?:all )?be "
         r"over (?:soon|by|tonight|tomorrow|before long|shortly|in)\b"
         r"|\b(?:soon )?(?:none of (?:this|it)|nothing) (?:will|is going to) matter(?: (?:soon|"
         r"anymore|any more|after tonight|tomorrow|much longer))?\b(?! (?:to|if|when|because)\b)"
         r"|\b(?:do not|stop) worry(?:ing)? about me (?:anymore|any more|after)\b",
         _ORDINARY_END),
        # trapped, with a way out left unsaid; wanting the pain to stop for good
        ("self-harm.broad-trapped",
         r"\b(?:no|not see any|not see a|not find any|not see|not find a) (?:other )?way out\b"
         r"(?: \w+){0,5} (?:except|but|other than|apart from|besides) (?:one|dying|death|this|"
         r"that|the obvious|the one)\b"
         r"|\b(?:make|want|need|wish)\b(?: \w+){0,4} (?:stop|end)\b(?: \w+){0,2} " + _FINAL
         + r"\b|\b(?:want|need|wish)\b(?: \w+){0,3} (?:to )?stop (?:feeling|hurting|thinking|"
         r"being)\b(?: \w+){0,2} " + _FINAL + r"\b",
         r"\b(?:with (?:him|her|them|my)|relationship|smoking|drinking|habit|noise|rain|war|"
         r"vaping|gambling|subscription|contract)\b"),
        # self-punishment and injury until it bleeds or goes quiet
        ("self-harm.broad-punish",
         r"\bdeserve(?:s|d)? to (?:hurt|suffer|be hurt|be punished|feel pain|bleed|be in pain|rot|"
         r"be alone forever)\b"
         r"|\b(?:punch\w*|hit\w*|bang\w*|scratch\w*|pick\w*|bit|bite\w*|claw\w*|slam\w*|pull\w*|"
         r"rub\w*|knock\w*) (?:\w+ ){0,5}(?:until|till) (?:my \w+|it|they|i|the skin) (?:\w+ )?"
         r"(?:bleed\w*|bled|bruis\w*|break|breaks|broke|go numb|goes numb|am numb|goes quiet|"
         r"go quiet|is quiet|feel nothing|stop feeling|stops)\b",
         r"\b(?:shav\w*|cook\w*|training|gym|workout|garden\w*|cleaning|scrub\w*|door|button|"
         r"code|keyboard|bag|dough|pillow)\b"),
        # a past attempt: "my last attempt", "i've attempted before", injuries from it
        ("self-harm.broad-attempt",
         r"\b(?:my|his|her|their|a) (?:last|first|previous|second|third|latest|recent|earlier|"
         r"other) attempts?\b(?! (?:at|to|on|in|of)\b)"
         r"|\b" + _SELF_OR + r" (?:have |has |had |already |previously |once )*attempted\b"
         r"(?= (?:before|once|twice|again|last|when|in \d+|years|months|and|but|so|as)\b|$)"
         r"|\b(?:scared|afraid|worried|terrified) (?:that )?(?:i|he|she) (?:will|might|would|"
         r"could|am going to|is going to) (?:do it|try it|try) again\b"
         r"|\b(?:fresh|new|deep) (?:cuts|scars|burns|scratches|marks) (?:all )?(?:on|up and down|"
         r"across|along) (?:my|his|her|their) (?:arms?|wrists?|thighs?|legs?|stomach|forearms?)\b"
         r"(?! from\b)",
         r"\b(?:shav\w*|cook\w*|kitchen|training|gym|garden\w*|cat|dog|kitten|rugby|football|"
         r"climb\w*|bike|fell|accident\w*|surgery|operation|tattoo\w*)\b"),
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
    for name, pattern, unless in _SIGNS:
        if unless is not None and unless.search(clean):
            continue
        for match in pattern.finditer(clean):
            if not _negated(clean, match.start()):
                out.append((SH, name))
                break
    return out
