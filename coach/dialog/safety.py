"""The rules of the safety screen: signs that the person, or someone near them, is in danger.

The coach screens turns with screening.py, which joins these rules to a learned model
(classifier.py) in tiers; the rules keep the certain tier and name the kind of concern.
`screen(text)` looks at one user turn, typed or recognised by an offline speech
recogniser (lower case, no punctuation, misheard words), and reports the most serious
concern it finds. Pure logic: no I/O, no state; the patterns are compiled at import.

How it decides, in order:

1. Normalise: lower case, contractions spelled out ("don't" -> "do not"), typed
   short forms ("im", "wanna", "kms") and common typos and mishearings
   ("kil", "suicidle", "my self", "and my life", "hell do") mapped to plain words.
2. Run the rule table. A rule fires when its pattern matches, its `needs` pattern
   (if any) is also present, its `unless` pattern (if any) is absent, and the key
   word is not negated by "not", "never", "no" in the three words before it.
3. Pick one: certain rules beat unclear ones; two different unclear rules for the
   same concern count as certain; then self-harm, child harm, abuse, harm to others.

`certain=False` means the words are worrying but could be innocent ("i feel
trapped", "things get physical sometimes", "i could kill him"): the caller asks one
gentle, direct question instead of stopping at once.

Decisions: "she'll kill me if i'm late" is an idiom, a reported threat ("he said
he'd kill me") is abuse; fear of a person or of what they will do is abuse, fear of
their reaction to openness is not; harm to a child is child harm whoever does it,
including the speaker and abuse the speaker suffered as a child; someone else's
suicidal talk is self-harm.

4. Then the broad tier (safety_rules.py) adds unclear findings, by structure rather
   than exact words: lemmatised violent verbs with their agent and patient (names
   read as people, passives, "and" back to the subject), and distress vocabulary near
   first-person words, and the warning signs of suicide said indirectly (farewells,
   giving things away, burden, means, "when i'm gone", calm after a decision). It
   only adds a concern no rule found, never a certain one.

On their own the rules are a tripwire, not a classifier. Before the broad tier they
flagged two thirds to three quarters of crises phrased in ways they had not seen; with
it, 82% of a fresh batch written blind (tests/data/safety_fresh.yaml), most of them as
unclear. Indirect talk of suicide is their weak spot: a batch written blind after the
warning-sign tier (tests/data/safety_fresh2.yaml) was caught only 15% of the time.
Callers should still make "help" and "stop" easy to say, and ask how the person is doing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.dialog.concern import Concern
from coach.dialog.safety_rules import findings


@dataclass(frozen=True)
class Screening:
    """The result of screening one turn."""

    concern: Concern | None  # None: nothing found
    certain: bool  # False: unclear, ask one gentle direct question
    rule: str  # name of the rule that fired, for tests and logs; never the words


NOTHING = Screening(None, True, "none")

# ------------------------------------------------------------------ normalising

_CONTRACTIONS = (
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"\bcan't\b"), "can not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'d\b"), " would"),
    (re.compile(r"'m\b"), " am"),
    (re.compile(r"'re\b"), " are"),
    (re.compile(r"'ve\b"), " have"),
    (re.compile(r"\b(he|she|it|that|what|there|who|life|everyone|nobody)'s\b"), r"\1 is"),
    (
        re.compile(
            r"'s\b(?= (?:been|got|gotten|started|always|never|become|becoming|getting|going|gone|"
            r"hitting|hurting|beating|threatening|threatened|violent|abusive|really|so|very|not)\b)"
        ),
        " is",
    ),
    (re.compile(r"'s\b"), "s"),
)
_WORDS = {
    "im": "i am", "ive": "i have", "id": "i would", "dont": "do not", "doesnt": "does not",
    "didnt": "did not", "wont": "will not", "cant": "can not", "cannot": "can not",
    "couldnt": "could not", "wouldnt": "would not", "shouldnt": "should not",
    "isnt": "is not", "arent": "are not", "wasnt": "was not", "werent": "were not",
    "hasnt": "has not", "havent": "have not", "hadnt": "had not", "aint": "is not",
    "hes": "he is", "shes": "she is", "whats": "what is", "thats": "that is",
    "theyd": "they would", "theyll": "they will", "theyre": "they are", "hed": "he would",
    "wanna": "want to", "gonna": "going to", "gotta": "got to", "kil": "kill",
    "kiled": "killed", "kms": "kill myself", "unalive": "kill", "unaliving": "killing",
    "unalived": "killed", "meself": "myself", "myslef": "myself", "cuting": "cutting",
    "chocked": "choked", "choaked": "choked", "hert": "hurt", "hurted": "hurt",
    "suicidle": "suicidal", "suicidel": "suicidal", "suicidial": "suicidal",
    "sucidal": "suicidal", "suicdal": "suicidal", "suisidal": "suicidal",
    "sucide": "suicide", "suicde": "suicide", "suiside": "suicide", "suicid": "suicide",
    "theres": "there is", "nobodys": "nobody is", "everyones": "everyone is",
    "shouldve": "should have", "couldve": "could have", "wouldve": "would have",
    "itll": "it will", "bout": "about", "burdon": "burden", "burdan": "burden",
    "thinkin": "thinking", "feelin": "feeling", "goin": "going", "livin": "living",
    "tryin": "trying", "wakin": "waking", "nothin": "nothing", "somethin": "something",
}  # fmt: skip
_PHRASES = (
    (re.compile(r"\b(my|me|him|her|them|your) (self|selves)\b(?! harm)"), r"\1\2"),
    (re.compile(r"\bmeself\b|\bmeselves\b"), "myself"),
    (re.compile(r"\bthemself\b|\bthemselfs\b"), "themselves"),
    (re.compile(r"\bsue a ?side\b|\bsue icide\b|\bsewer ?side\b|\bsuey ?side\b"), "suicide"),
    (re.compile(r"\b(feel|feels|feeling|felt) suicide\b"), r"\1 suicidal"),
    (re.compile(r"\bsuicide all?\b(?= (thoughts?|feelings?|ideas?|again)\b)"), "suicidal"),
    (re.compile(r"\bto and\b(?= (my|his|her|their|it)\b)"), "to end"),
    (re.compile(r"\bbeets\b(?= (me|us|him|her|the|my|our)\b)"), "beats"),
    (re.compile(r"\bhell\b(?= (do|kill|hurt|hit|find|explode|snap)\b)"), "he will"),
    (re.compile(r"\bshell\b(?= (do|kill|hurt|hit|find|explode|snap)\b)"), "she will"),
    (re.compile(r"\bare\b(?= (son|daughter|kids?|baby|children|little)\b)"), "our"),
    (re.compile(r"\b(the|our|my|his|her) kits\b"), r"\1 kids"),
    (re.compile(r"\bdye\b(?! (my|his|her|their|your|it|the|them|our|a)\b)"), "die"),
    # "die my hair", "kill my shelf", "ill kill him": misheard or untyped words
    (
        re.compile(r"\bdie\b(?= (?:my|his|her|their|your|the|our) (?:\w+ )?(?:hair|roots|beard))"),
        "dye",
    ),
    (
        re.compile(r"\b(kill|hurt|harm|cut|hate|burn)(\w*) (?:my|me) (?:shelf|elf|health|cell)\b"),
        r"\1\2 myself",
    ),
    (
        re.compile(
            r"\bill\b(?= (?:\w+ )?(?:kill|hurt|hit|make|stab|shoot|end|do|get|beat|burn|"
            r"murder|never|go|be)\b)"
        ),
        "i will",
    ),
)
_CLAUSE_PUNCT = re.compile(r"[.!?;:,]+")
_NOT_WORD = re.compile(r"[^a-z0-9. ]+")


def normalise(text: str) -> str:
    """Lower-case, spell out contractions, map typos and mishearings to plain words.

    Clause punctuation becomes a lone "." word, so that negation does not reach
    across it; everything else that is not a letter or digit becomes a space.
    """
    out = text.lower().replace("’", "'").replace("‘", "'").replace("`", "'")
    for pattern, repl in _CONTRACTIONS:
        out = pattern.sub(repl, out)
    out = _NOT_WORD.sub(" ", _CLAUSE_PUNCT.sub(" . ", out.replace("'", "")))
    out = " ".join(_WORDS.get(word, word) for word in out.split())
    for pattern, repl in _PHRASES:
        out = pattern.sub(repl, out)
    return " ".join(out.split())


# ------------------------------------------------------------------ pattern fragments

_F: dict[str, str] = {
    "SELF": r"(?:myself|himself|herself|themselves|yourself)",
    "REL": r"(?:ex (?:husband|wife|partner|boyfriend|girlfriend)|husband|wife|partner|"
    r"boyfriend|girlfriend|bf|gf|fiancee?|spouse|ex|step ?dad|step ?father|dad|father|"
    r"step ?(?:mum|mom|mother)|mum|mom|mother|brother|sister|son|daughter|uncle|aunt|"
    r"auntie|grandad|grandpa|grandfather|grandma|gran|granny|grandmother|cousin|"
    r"(?:mother|father|brother|sister) in law|in laws|parents?|family)",
    "KIDN": r"(?:kids?|children|child|bab(?:y|ies)|toddlers?|sons?|daughters?|"
    r"step ?(?:sons?|daughters?)|little (?:ones?|girls?|boys?)|nieces?|nephews?|"
    r"grand(?:sons?|daughters?|child|children|kids?)|boys?|girls?|newborn|infant|teen|"
    r"(?:little|baby|younger|kid|teenage) (?:sisters?|brothers?))",
    "YEARS": r"(?:[1-9]|1[0-7]|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|thirteen|fourteen|fifteen|sixteen|seventeen) years? old",
    "ADV": r"(?:always|often|sometimes|still|also|even|just|ever|again|once|actually|"
    r"really|has|had|have|would|will|used to|keeps|kept|started|is|was|does|did|"
    r"literally|physically|constantly|then|has been|would always|nearly|almost)",
    "PHYS": r"(?:hit|hits|hitting|beat|beats|beating|beaten|punch(?:es|ed|ing)?|"
    r"kick(?:s|ed|ing)?|slap(?:s|ped|ping)?|smack(?:s|ed|ing)?|chok(?:e|es|ed|ing)|"
    r"strangl(?:e|es|ed|ing)|throttl(?:e|es|ed|ing)|shov(?:e|es|ed|ing)|bit|bites?|"
    r"biting|headbutt(?:s|ed|ing)?|batter(?:s|ed|ing)?|whip(?:s|ped|ping)?|"
    r"stab(?:s|bed|bing)?|burn(?:s|ed|t|ing)?|scratch(?:es|ed|ing)?)",
    "SEXV": r"(?:rap(?:e|es|ed|ing)|molest(?:s|ed|ing)?|sexually (?:abus|assault)\w*|"
    r"abus(?:e|es|ed|ing)|assault(?:s|ed|ing)?)",
    "HARM": r"(?:kill\w*|hurt\w*|harm\w*|hit|hitting|stab\w*|shoot\w*|shot|strangl\w*|"
    r"chok\w*|beat|beating|punch\w*|poison\w*|murder\w*|attack\w*|slap\w*|kick\w*|"
    r"drown\w*|run over|beat the (?:crap|shit|hell|life|living daylights) out of)",
    "INTENT": r"(?:want|wants|wanted|wanting|going|plan|plans|planning|planned|intend\w*|"
    r"(?:thinking|thought|think|fantasi[sz]\w*|dream\w*) (?:about|of)|imagin\w*|like|"
    r"urge|tempted|ready|mean|means)(?: to)?",
    # after an object: idioms and harmless continuations that cancel a match
    "EXCL": r"(?! (?:up|out|at|to (?:it|the)|on points|under the table|fair and square|"
    r"in (?:a|the) (?:race|game|match)|in (?:his|her|their|my) sleep|"
    r"with (?:a |an |the |this |that |some |his |her )?(?:surprise|question|news|idea|"
    r"joke|compliment|request|party|present|gift|story|fact|bill|truth|offer|list|plan)|"
    r"a (?:text|message|look|glance|smile|email|line|note)|feelings|ego|pride|chances|"
    r"in the back|career|reputation|confidence|head|arms?|legs?|knees?|elbow|hands?|foot|feet|"
    r"toes?|fingers?|back|shin|nose|chin|lips?|{REL}|{KIDN}|friends?|dog|cat|car|phone|bag|hair|hat|toys?|"
    r"bike|with (?:a |the )?(?:pillow|cushion|snowball|water balloon|nerf|toy))\b)",
    "STOP": r"(?:i|we|you|it|this|that|what|which|who|something|news|reality|life|ball|"
    r"car|bus|bike|door|wave|truth|thought|idea|toddler|baby|dog|cat|puppy|sun|heat|wind|"
    r"realisation|realization|feeling|moment|song|film|movie|book|guilt|grief|pain|storm|"
    r"lightning|and|then|not|never|to|about|of|for|with|at|on|in|from|like|than|by|after|before|"
    r"into|over|up|out|want|wants|would|could|might|should|will|can|may|must|am|are|be|been|"
    r"pillow|{ADV}|\w+ing)",
    # places people jump from ("of" is a misheard "off", so "jump of the bridge")
    "HEIGHT": r"(?:bridge|building|roof|rooftop|cliff|balcony|tower|car park|parking garage|"
    r"multi ?storey|overpass|flyover|skyscraper|high rise|ledge|window|top floor|dam)",
    "WEAPON": r"(?:knife|knives|gun|guns|weapon|blade|machete|axe|bat|hammer|rifle|fists?)",
    # after "hurt me/her": emotional hurt in ordinary conflict
    "HURT_EXCL": r"(?! (?:feelings|when (?:i|he|she|they) (?:said|say|says|forgot|forget|forgets|"
    r"did not|left|leave|ignored|cancelled|lied|cheated|laughed|told|called|yelled|shouted|"
    r"broke up|chose|picked)|if (?:i|we) (?:tell|told|say|said|am honest|leave|left|break|"
    r"end|go)|by (?:saying|telling|being|not|forgetting|ignoring|leaving|lying|breaking)|"
    r"emotionally|"
    r"with (?:my|his|her|their) words|so much (?:when|that))\b)",
    "EVIDENCE": r"(?:bruis\w*|bleed\w*|bled|blood|black eye|broken|hospital|stitches|"
    r"physically|marks)",
}
_F["KIDOBJ"] = (
    r"(?:(?:my|our|his|her|their|the|a|your|that|this|those|these) )?"
    r"(?:(?:own|little|baby|young|new|eldest|oldest|youngest|{YEARS}) )*(?:{KIDN}|{YEARS})"
)
_F["OTHER"] = (
    r"(?:him|her|them|someone|somebody|anyone|anybody|people|everyone|whoever|"
    r"(?:my|his|her|their|our|that|the|this) (?:\w+ )?(?:{REL}|boss|neighbou?rs?|friends?|"
    r"colleagues?|co ?workers?|manager|guy|man|woman|bloke|ex|bitch|bastard))"
)
_F["AGENT"] = r"(?:he|she|they|(?:(?:my|our|her|his) (?:\w+s )?)?{REL})"
_F["PHYS_OBJ"] = r"(?:me|us|her|him|them|my {REL})"


def _expand(src: str) -> str:
    for _ in range(3):  # fragments may name other fragments
        for key, value in _F.items():
            src = src.replace("{" + key + "}", value)
    return src


@dataclass(frozen=True)
class _Rule:
    name: str
    concern: Concern
    certain: bool
    pattern: re.Pattern[str]
    needs: re.Pattern[str] | None  # must also match somewhere in the turn
    unless: re.Pattern[str] | None  # cancels the rule if it matches anywhere


def _rule(
    name: str, concern: Concern, certain: bool, pattern: str, needs: str = "", unless: str = ""
) -> _Rule:
    def comp(src: str) -> re.Pattern[str]:
        return re.compile(_expand(src))

    return _Rule(
        name,
        concern,
        certain,
        comp(pattern),
        comp(needs) if needs else None,
        comp(unless) if unless else None,
    )


SH, HO, AB, CH = Concern.SELF_HARM, Concern.HARM_TO_OTHERS, Concern.ABUSE, Concern.CHILD_HARM

_ACCIDENT = (
    r"\b(?:shav\w*|cook\w*|chopp\w*|onions?|oven|stove|kettle|iron|gym|workout|running|"
    r"football|rugby|training|fell|fall|falling|tripped|slipped|accident\w*|mistake|"
    r"lifting|moving|garden\w*|bike|skiing|sports?|playing|paper|sunburn\w*)\b"
    r"|\bon (?:a|the|some) (?:\w+ )?(?:glass|fence|nail|door|table|corner|edge|tin|can|"
    r"wire|rock|branch|step|stairs)\b"
)
_PLAYFUL = (
    r"\b(?:pillows?|pillow fight|playfully|jokingly|by accident|accidentally|play fight\w*|"
    r"as a joke|joking|kidding|snowballs?|tickl\w*|chess|scrabble|cards|tennis|games?|"
    r"monopoly|uno|poker|golf|pool|race|arm wrestl\w*)\b"
)
_SELF_INJURY = (
    r"\b(?P<v>cut|cuts|cutting|burn|burns|burning|burned|burnt|hurt|hurts|hurting|harm|"
    r"harms|harming|hit|hits|hitting|punch\w*|starv\w*|scratch\w*|bang\w*) {SELF}\b"
)
_BODY_INJURY = (
    r"\b(?P<v>cut|cuts|cutting|scratch\w*|burn\w*|carv\w*|slash\w*) (?:my|his|her) "
    r"(?:arms?|legs?|thighs?|wrists?|skin|stomach)\b"
)
_INJURY_INTENT = (
    r"\b(?:again|on purpose|deliberately|when (?:things|i feel|it gets|i get|we|i am|he|"
    r"she)|to (?:cope|feel|punish|make|stop|numb)|every (?:day|night|time)|because|been|"
    r"keep|kept|started|urge|want to|wanted to|going to|like this|badly|blood|"
    r"until (?:it|they|i) bleeds?)\b"
)
_CONTROL_SIGNS = {  # signs of coercive control: each alone is unclear, two count as certain
    "checks-phone": r"\b(?:checks|checked|checking|goes through|went through|reads|reading|"
    r"monitors|looks through) (?:all )?(?:of )?my (?:phone|messages|texts|emails?|whatsapp)\b",
    "tracks": r"\b(?:tracks|tracking|tracked|monitors) (?:my )?(?:location|phone|every move)\b",
    "takes-things": r"\b(?:he|she|they|{REL}) (?:{ADV} )*(?:broke|smashed|took|hid|hides|takes|"
    r"destroyed|keeps) my (?:phone|keys|car keys|passport|bank cards?|money)\b"
    r"(?! to (?:play|use|charge|watch|look|call|text|check the)\b)",
    "allowance": r"\bgives me an allowance\b",
    "name-calling": r"\bcalls me (?:worthless|useless|stupid|fat|ugly|pathetic|a whore|a slut|"
    r"disgusting)\b",
    "no-one-else": r"\b(?:says|said|tells me|told me) (?:that )?no one (?:else )?would "
    r"(?:ever )?(?:want|love|believe) me\b",
    "hits-walls": r"\b(?:he|she|they|{REL}) (?:{ADV} )*(?:punch\w*|kick\w*|smash\w*|hits|hit) "
    r"(?:the |a )?(?:walls?|doors?|holes? in)\b",
    "rage-if": r"\b(?:gets|goes|got|went) (?:really |so |very )?(?:angry|mad|furious|crazy|nuts|"
    r"ballistic|jealous) (?:if|when|whenever|every time) i (?:talk to (?:other|my|anyone|"
    r"friends|men|women|people)|see my|go out|turn|text|call|say no|look at|wear)\b",
    "turns-up": r"\bturns? up at my (?:work|house|door|flat)\b"
    r"|\b(?:not stop|keeps?|kept|been|always) (?:following|watching|stalking) me\b",
    "controls": r"\bcontrol\w* (?:all )?(?:of )?(?:the|my|our) (?:money|finances|bank|spending|"
    r"accounts?)\b|\bcontrols? (?:everything|every (?:thing|move)|what i (?:wear|eat|do|"
    r"spend|say)|who i (?:see|talk to))\b",
    "throws-things": r"\b(?:throw\w*|threw|smash\w*|break\w*|broke) things\b",
    "afraid-to-leave": r"\b(?:scared|afraid|frightened|terrified) to leave (?:him|her)\b",
}
_WHEN_YOUNG = (
    r"(?:when (?:i|we|he|she|they) (?:was|were)|as) (?:little|a (?:kid|child|boy|girl|"
    r"teenager|teen)|kids|children|young|small|{YEARS}|[1-9]|1[0-7]|one|two|three|four|"
    r"five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen)\b|(?:growing up|in (?:my|his|her) childhood)\b"
)

_RULES: tuple[_Rule, ...] = (
    # ---- self-harm: said directly
    _rule("self-harm.kill-self", SH, True,
          r"\b(?P<v>kill(?:s|ed|ing)?|hang(?:s|ed|ing)?|hung|off(?:ed|ing)?|shoot(?:ing)?|"
          r"shot|drown(?:ing|ed)?|poison(?:ing|ed)?|stab(?:bing|bed)?) {SELF}\b",
          unless=r"\bin the foot\b|\bkill(?:ing)? myself (?:laughing|working)\b"),
    _rule("self-harm.suicidal", SH, True, r"\b(?P<v>suicidal)\b"),
    _rule("self-harm.suicide-thoughts", SH, True,
          r"\b(?:think\w*|thought|thoughts|consider\w*|attempt\w*|tried|commit\w*|plan\w*) "
          r"(?:about |of |to |on )?(?:committing )?(?P<v>suicide)\b"
          r"|\bsuicide (?:attempt|note|plan)"),
    _rule("self-harm.end-life", SH, True,
          r"\b(?P<v>end|ending|ended|take|taking|took) (?:my|his|her|their|your) (?:own )?"
          r"life\b(?! back| into| seriously)"),
    _rule("self-harm.end-it-all", SH, True,
          r"\b(?P<v>end|ending|ended) (?:it all|everything|my suffering)\b(?! with\b)"),
    _rule("self-harm.want-die", SH, True,
          r"\b(?:want|wants|wanted|wanting|wish|wished|hope|hoping|ready|going|plan|planning|"
          r"deserve) (?:to )?(?P<v>die|be dead)\b(?! (?:of|from|laughing|happy|alone|old|"
          r"young|if|when|before|waiting|eventually|one day|someday)\b)",
          unless=r"\bcross my heart\b"),
    _rule("self-harm.wish-dead", SH, True,
          r"\bwish (?:i|i had|i would) (?:was|were|would|could|had|did|just)? ?(?:be )?"
          r"(?P<v>dead|die|died|never been born|not born|not alive|gone)\b"
          r"|\brather (?P<w>be dead|die|not be alive|not exist|not wake up)\b(?! than)"
          r"|\b(?P<x>he|she|they) (?:\w+ ){0,2}wish(?:es|ed)? (?:that )?(?P=x) (?:was|were|had) "
          r"(?:dead|never been born)\b"),
    _rule("self-harm.better-off", SH, True,
          r"\bbetter off (?:dead|without me)\b|\b(?:better|happier|easier) without me\b"
          r"|\bif i (?:was|were|am) (?:dead|gone)\b(?! for| on)"
          r"|\b(?:happier|better|easier) (?:off )?(?:if|when) i (?:was|were|am) (?:not|never) "
          r"(?:around|here|alive|born)\b"
          r"|\b(?:care|notice|miss me|matter|easier|better|happier|relieved)\b(?: \w+){0,5} "
          r"(?P<v>if) i (?:just )?(?:died|was dead|were dead|was gone|were gone|"
          r"(?:was|were) not (?:here|around|alive|in (?:it|the picture|(?:their|your|his|her|"
          r"the) li(?:fe|ves)|this world))|disappeared|did not wake up|was never born)\b"),
    _rule("self-harm.not-alive", SH, True,
          r"\b(?:not|no longer|never) (?:want|wish) to (?:be alive|live|exist|wake up)\b"
          r"(?! (?:with|in|like|here|there|near|together|at|on|by|without)\b)"
          r"|\b(?:tired|sick) of (?:being alive|living|life)\b(?! (?:with|in|like|here|there|out|"
          r"on|off|at|under|from|alone|paycheck|pay ?check)\b)"
          r"|\b(?:nothing|nobody|no one) (?:left )?to live for\b"
          r"|\b(?:no|not (?:see|find|have|think of) (?:any|a|one)|is there (?:any|a|one)|any) "
          r"(?:good )?reason (?:for me )?to (?:live|stay alive|be alive|keep living|be here|go on|"
          r"keep going|stay)\b(?! (?:here|there|in|at|with|for|on|home|up|late)\b)"
          r"|\b(?:not|never) worth living\b|\bsleep and (?:not|never) wake up\b"
          r"|\b(?:want|wish|hope|rather|prefer|just|go to|fall)\b(?: \w+){0,4} a?sleep "
          r"(?:forever|for ever|for good|permanently)\b(?! (?:after|on|in|this|tomorrow|until|"
          r"till|when)\b)"
          r"|\b(?:want|wish|hope|hoping|rather|prefer|pray\w*)\b(?: \w+){0,6} (?:never|not) "
          r"wake up\b(?! (?:before|until|till|early|in time|on time|at|for|when)\b)"
          r"|\b(?:not|never) deserve to (?:live|be alive|exist|be here|breathe)\b"),
    _rule("self-harm.self-harming", SH, True, r"\bself ?(?P<v>harm\w*|injur\w*|mutilat\w*)"),
    _rule("self-harm.cutting", SH, True,
          r"\b(?:been|keep|kept|started|start|stop|stopped|still|back to|am|is|was|of|about) "
          r"(?P<v>cutting)\b(?! (?:back|down|out|off|up|costs|corners|class|classes|school|"
          r"work|it|the|ties|in|through|wood|grass|paper|carbs|sugar|meat|"
          r"(?:\w+ )?(?:hair|nails|out|off)))"
          r"|\b(?P<w>cut|cutting|slit|slitting|slash\w*) (?:my|his|her|their) wrists?\b"
          r"|\bi (?:\w+ )?(?:and )?(?P<x>cut|burned|burnt) again\b"),
    _rule("self-harm.injury-intent", SH, True, _SELF_INJURY, needs=_INJURY_INTENT,
          unless=_ACCIDENT),
    _rule("self-harm.injury-body-intent", SH, True, _BODY_INJURY, needs=_INJURY_INTENT,
          unless=_ACCIDENT),
    _rule("self-harm.injury-head", SH, True,
          r"\b(?P<v>bang\w*|hit\w*|punch\w*|slam\w*) my (?:head|fists?|face)\b",
          needs=r"\buntil (?:it|they|i) (?:hurts?|bleeds?|bruises?|see)|\bon purpose\b"
          r"|\bto (?:punish|feel|cope)\b"),
    _rule("self-harm.overdose", SH, True,
          r"\b(?P<v>overdos\w*)\b(?! on (?:coffee|caffeine|sugar|chocolate|tv))"
          r"|\b(?:took|take|taking|swallowed) (?:a (?:whole )?(?:bunch|handful|load|lot|box|"
          r"bottle) of |loads of |all (?:of )?(?:my |the |his |her )?|too many |lots of |"
          r"(?:like |about |around |over |maybe )?(?:\d+|ten|twelve|fifteen|twenty|thirty|"
          r"forty|fifty|a hundred|dozens) (?:of )?(?:my |his |her )?)"
          r"(?:\w+ )?(?:pills|tablets|meds|medication|painkillers|paracetamol)\b"
          r"|\b(?:pills|tablets|meds) (?:\w+ )?(?:saved|stockpiled|hoarded|stashed)"
          r"|\b(?:saved|saving|stockpil\w*|hoard\w*|stash\w*) (?:up )?(?:\w+ )?(?:pills|tablets|"
          r"meds|medication|medicine|painkillers|prescriptions?)\b"
          r"|\bhow many (?:pills|tablets) (?:it )?(?:would|will|does|to) (?:it )?(?:take|kill)"
          r"|\b(?:tried to|going to|want to|almost|nearly|i) (?P<w>od|oded)\b"),
    _rule("self-harm.method", SH, True,
          r"\b(?:jump\w*|leap\w*) (?:off|of|from|out of) (?:a|the|that|this|my|our) "
          r"(?:\w+ )?{HEIGHT}\b"
          r"|\b(?:jump\w*|step\w*|walk\w*|throw\w* myself) in front of (?:a|the) (?:train|bus|"
          r"car|truck|lorry|traffic)"
          r"|\bhop(?:e|ing|ed) (?:i|he|she) (?:would|will|could|might) (?:crash|die|"
          r"not make it|not wake up|get hit|never come back)"
          r"|\b(?:think\w*|thought|want\w*|plan\w*|tempted|urge|imagin\w*) (?:about |of |to )?"
          r"(?:driv\w*|crash\w*|steer\w*) (?:my car |the car )?(?:into|off) (?:a|the) "
          r"(?:wall|tree|bridge|river|lorry|truck|traffic|cliff|barrier|road)\b"),
    _rule("self-harm.only-way-out", SH, True,
          r"\bonly (?:way out|escape|way to (?:stop|end|escape) (?:it|this|the pain)|option left|"
          r"answer|solution)\b(?: \w+){0,3} (?:is|would be|left is) (?:to )?(?P<v>end it|end "
          r"(?:it all|everything|things|my life)|die|dying|death|kill myself|not be here|"
          r"not exist|be dead)\b"),
    _rule("self-harm.point-of-living", SH, True,
          r"\b(?:no|what is the|not see the) point (?:of|in) (?:living|life|being alive|"
          r"existing|going on)\b"),
    # ---- self-harm: indirect or unclear
    _rule("self-harm.suicide-mention", SH, False,
          r"\b(?P<v>suicide)\b(?! (?:prevention|hotline|helpline|line|awareness|charity|squad|"
          r"bomber|mission|doors?|run)\b)"),
    _rule("self-harm.injury", SH, False, _SELF_INJURY, unless=_ACCIDENT),
    _rule("self-harm.injury-body", SH, False, _BODY_INJURY, unless=_ACCIDENT),
    _rule("self-harm.no-point", SH, False,
          r"\b(?:no|what is the|not see the|not see any) point (?:of|in) (?:anything|it all|"
          r"any of (?:it|this)|trying|carrying on|me)\b"),
    _rule("self-harm.worth-it", SH, False,
          r"\b(?:is|if) (?:it is |its |it |life is )?(?:all |even |really )*worth "
          r"(?:it|living|going on|carrying on)\b(?! (?:to|for|if)\b)"),
    _rule("self-harm.hopeless", SH, False,
          r"\b(?:can not|could not) (?:go on|carry on|keep going)\b(?! (?:a|an|the|my|our|his|her|"
          r"holiday|vacation|trips?|dates?|tour|stage|air|leave|strike|social|that|this|"
          r"with (?:the|my|our|this|that) (?!life))\b)"
          r"|\b(?:can not|could not) (?:do this|take it|take this|cope) (?:anymore|any more|"
          r"much longer|no more)\b"
          r"|\b(?:not|can not) (?:\w+ ){0,3}(?:keep|go on|carry on) living\b"
          r"|\b(?:had enough of|giv(?:e|ing|en) up on|gave up on|finished with|done with) "
          r"(?:life|living|being alive|everything)\b"
          r"|\b(?:think\w*|thought|thoughts|dream\w*|fantasi\w*|obsess\w*) (?:about|of) "
          r"(?:dying|death|being dead|not being here|not existing)\b"
          r"|\bdark (?:thoughts|place)\b"
          r"|\b(?:go away|leave|be gone|vanish) forever\b"
          r"|\b(?:going to|might|will|could|scared i|afraid i|worried i) (?:\w+ )?do something "
          r"(?:stupid|silly|drastic)\b"
          r"|\bnot see (?:a|any) future(?! (?:with|together)\b)"
          r"|\bnot want to be (?:here|around) (?:anymore|any more|no more)\b"
          r"(?! (?:at |in |on )?(?:this|the|that) (?:party|meeting|job|place|class|town|city|house|"
          r"office|school|company|bar|club|wedding|event|queue|line|hospital|team|relationship|"
          r"call|course|flat|area)\b)"),
    _rule("self-harm.disappear", SH, False,
          r"\b(?:want|wish i could|going) (?:to )?(?P<v>disappear|vanish|not exist|"
          r"stop existing|cease to exist|be gone|fade away)\b(?! (?:into|to|for|on|with|from|"
          r"under|behind|in|off|somewhere|abroad)\b)"),
    _rule("self-harm.burden", SH, False,
          r"\b(?:i am|i feel like|i feel|am) (?:(?:such|just|only|nothing but|so much of) )*"
          r"(?:a )?burden\b|\bburden (?:to|on) (?:everyone|everybody|my family)\b"),
    _rule("self-harm.no-way-out", SH, False,
          r"\bno way out\b(?! of (?:this |the |a |my |that )?(?:\w+ )?(?:meeting|lease|"
          r"contract|bill|tax|deal|call|job|class|course|traffic|queue|room|paying|building|"
          r"car park|parking)\b)",
          unless=r"\b(?:escape room|maze|lease|contract|meeting|traffic|tax|game|level)\b"),
    _rule("self-harm.want-it-to-stop", SH, False,
          r"\bwant (?:it all|everything|the pain|all of it) to (?:stop|end)\b"),
    _rule("self-harm.end-it", SH, False,
          r"\b(?:want|going|will|plan\w*|ready|decided|think\w*|thought|consider\w*|just)"
          r"(?: to| about| of)? (?P<v>end|ending) it\b(?! (?:here|there|now|for|with)\b)"),
    _rule("self-harm.goodbye", SH, False,
          r"\b(?:writ\w*|wrote|left) (?:a |my )?(?:goodbye |farewell |suicide )?(?:note|notes|"
          r"letters?) (?:to|for) (?:everyone|my (?:family|kids|children|parents|{REL}))"
          r"|\bsaying goodbye to (?:everyone|everybody|people)\b"
          r"|\bgiv(?:e|ing|en) (?:away )?(?:all )?my (?:things|stuff|belongings) away\b"),
    # ---- child harm
    _rule("child-harm.physical", CH, True,
          r"\b(?P<v>{PHYS}|{SEXV}|shak(?:e|es|ing)|shook|spank\w*|touch(?:es|ed|ing)|"
          r"starv\w*|neglect\w*|throws? (?:\w+ )?at|threw (?:\w+ )?at|hurt(?:s|ing)?) "
          r"{KIDOBJ}\b{EXCL}{HURT_EXCL}"
          r"|\b(?P<w>{PHYS}|{SEXV}) (?:me|us|her|him) and {KIDOBJ}\b", unless=_PLAYFUL),
    _rule("child-harm.locked", CH, True, r"\b(?P<v>lock\w*) {KIDOBJ} (?:in|inside|up)\b"),
    _rule("child-harm.pronoun", CH, True,
          r"\b(?P<v>{PHYS}|{SEXV}|shook|shak(?:e|es|ing)|touch(?:es|ed|ing)|threw) "
          r"(?:him|her|them)\b{EXCL}(?! (?:a|the|some)\b)"
          r"|\b(?P<w>throw\w*|threw|shov\w*|push\w*) (?:him|her|them) (?:around|across|"
          r"against|down)\b", needs=r"\b{KIDN}s?\b", unless=_PLAYFUL),
    _rule("child-harm.passive", CH, True,
          r"\b{KIDN}(?: next door| at school| at home)? (?:is|are|was|were|got|gets|has been|"
          r"have been|being|been)(?: being)? (?P<v>beaten|abused|molested|neglected|starved|"
          r"raped|assaulted|sexually abused|touched)\b"
          r"|\b{KIDN} (?:is|are) being (?P<w>hit|hurt)"
          r"|\b{KIDN} (?:is|are|was|were|got|gets|get|has been|have been)(?: \w+)? "
          r"(?P<x>hit|smacked|slapped|punched|kicked|choked|shaken|burned|burnt|whipped|"
          r"spanked|beat|thrown|pushed|shoved) (?:\w+ )?by (?!accident)"),
    _rule("child-harm.afraid", CH, True,
          r"\b{KIDN} (?:are|is|were|was|get|gets|seem|seems) (?:\w+ )?(?P<v>scared|afraid|"
          r"frightened|terrified) of (?:him|her|them|(?:their|my|our) {REL})\b"),
    _rule("child-harm.as-a-child", CH, True,
          r"\b(?:was|were|been|being|got) (?P<v>{SEXV})\b(?: \w+){0,6} " + _WHEN_YOUNG
          + r"|\b(?P<w>{SEXV}|{PHYS}|touch\w*|hurt|lock\w*) (?:me|us)\b(?: \w+){0,6} "
          + _WHEN_YOUNG),
    _rule("child-harm.sexual-messages", CH, True,
          r"\b(?:sexual|explicit|dirty|nude|naked|inappropriate) (?:messages|texts|photos|"
          r"pictures|pics|images|videos) (?:to|of|from) {KIDOBJ}"),
    _rule("child-harm.neglect", CH, True,
          r"\b(?:not|never) (?:feed|feeding|fed) {KIDOBJ}"
          r"|\b{KIDN} (?:go|goes|went|are going) (?:to bed )?(?:hungry|without food)\b"
          r"|\bleft {KIDOBJ} alone (?:for|all)\b"),
    _rule("child-harm.intent", CH, True, r"\b{INTENT} (?P<v>{HARM}) {KIDOBJ}\b{EXCL}"),
    _rule("child-harm.marks-from", CH, True,
          r"\b{KIDN} (?:has|have|had|got|came home with) (?:\w+ )?(?P<v>bruises|burns|welts|"
          r"marks|black eyes?|cuts)(?: and (?:\w+ )?(?:bruises|burns|welts|marks|black eyes?|"
          r"cuts))? (?:from|because of|where) (?:him|her|them|he|she|"
          r"(?:my|their) {REL})\b"),
    _rule("child-harm.pronoun-hurt", CH, False,
          r"\b(?P<v>hurt|hurts|hurting) (?:him|her|them)\b{EXCL}{HURT_EXCL}",
          needs=r"\b{KIDN}s?\b"),
    _rule("child-harm.might", CH, False,
          r"\b(?:could|might|will|would|going to|afraid i|scared i|worried i|fear i)"
          r"(?: really| actually)? (?P<v>hurt|hit|harm|shake|kill|lose it with) {KIDOBJ}\b"
          r"{EXCL}{HURT_EXCL}"),
    _rule("child-harm.unclear", CH, False,
          r"\b{KIDN} (?:is|are|was|were|gets?|seems?) (?:\w+ )?(?:scared|afraid|frightened|"
          r"terrified) (?:to go|of going) (?:to |back to |home to )?(?:his|her|their) "
          r"(?:{REL}|dads|mums|moms|fathers|mothers)\b"
          r"|\b(?:rough|violent|aggressive) with {KIDOBJ}\b"
          r"|\b{KIDN} (?:are|is|were|was|get|gets) (?:\w+ )?(?:scared|afraid|frightened|"
          r"terrified) (?:when|whenever|every time) (?:he|she|(?:their|my|our) {REL}) "
          r"(?:drinks|comes home|gets angry|is drunk|shouts|loses it|is angry)\b"),
    _rule("child-harm.marks", CH, False,
          r"\b{KIDN} (?:has|had|have|came home with|comes home with|is covered in|got) "
          r"(?:\w+ )?(?:bruises|burns|welts|black eyes?)\b"),
    # ---- abuse
    _rule("abuse.physical", AB, True,
          r"\b(?!{STOP}\b)[a-z]+(?: {ADV}){0,3} (?P<v>{PHYS}|{SEXV})"
          r"(?: and (?:{PHYS}|{SEXV}))? {PHYS_OBJ}\b{EXCL}"
          r"|\b(?:being|i am|am) (?:\w+ )?(?P<w>hit|kicked|slapped|choked|strangled|raped|"
          r"punched|assaulted)\b|\bbeing beaten\b"
          r"|\b(?:being|was|were|got|get|am|been) (?P<x>{PHYS}|{SEXV}) by (?:him|her|them|"
          r"(?:my|our) {REL})\b"
          r"|\b{AGENT}(?: {ADV}){0,3} (?P<y>makes?|made) me (?:feel )?(?:so |really |very )?"
          r"(?:scared|afraid|frightened|terrified|unsafe)\b",
          unless=_PLAYFUL),
    _rule("abuse.beat-up", AB, True,
          r"\b(?<!\bi )(?P<v>beat|beats|beating|beaten) (?:me|us|her|him) up\b"),
    _rule("abuse.manhandled", AB, True,
          r"\b(?P<v>push\w*|shov\w*|threw|throw\w*|drag\w*|pin\w*|grab\w*|slam\w*) (?:me|us) "
          r"(?:against|down|into|onto|on to|to the (?:floor|ground)|over|across|"
          r"by (?:the|my) (?:throat|neck|hair|arms?|wrists?|shoulders?))\b"
          r"(?! (?:\w+ing|it|this|that|a (?:corner|decision|conversation|debate))\b)"
          r"|\b(?P<w>threw|throws?|throwing) (?:\w+ ){1,3}at (?:me|us|my head)\b"
          r"|\b(?P<x>laid|lay|lays|put|puts) (?:a )?hands? on (?:me|her|us)\b"
          r"|\b(?P<y>lock\w*) (?:me|us) (?:in|inside|up)\b"
          r"|\b(?:his|her|their) (?P<z>hands?|fingers|arms?|belt|rope|cord) (?:around|round|"
          r"on|against) my (?:neck|throat)\b"),
    _rule("abuse.sexual", AB, True,
          r"\b(?P<v>forc\w*|makes?|made) (?:me|her) (?:to )?(?:have sex|into sex|sleep with|"
          r"do sexual|watch porn)"
          r"|\b(?P<w>forc\w*|pressur\w*) (?:me|her) (?:to |into )?(?:do(?:ing)? (?:things|"
          r"stuff)|sex)\b"
          r"|\b(?P<x>forc\w*) (?:himself|herself|themselves) (?:on|onto|upon) (?:me|her|us)\b"),
    _rule("abuse.hurt-evidence", AB, True,
          r"\b{AGENT}(?: {ADV}){0,3} (?P<v>hurt|hurts|hurting|grabbed|held|squeezed|pushed|"
          r"shoved|pinched|dragged|threw|kicked|hit) (?:me|her|us)\b",
          needs=r"\b{EVIDENCE}\b"),
    _rule("abuse.marks", AB, True,
          r"\b(?P<v>bruises?|black eye|marks|cuts|scars?) (?:from|because of|where) (?:him|her|"
          r"them|my {REL}|he|she)\b"),
    _rule("abuse.afraid-of", AB, True,
          r"\b(?P<v>scared|afraid|frightened|terrified|fearful|petrified) of (?:him|her|them|"
          r"(?:my|our) {REL})\b(?! (?:feelings|reaction|response|opinion|judg\w*|leaving|"
          r"losing|finding out|seeing|knowing|thinking|saying|laughing|rejecting|dying|getting|"
          r"being|not|disappointed|will|would)\b)|\bi (?P<w>fear) (?:him|her|them)\b"),
    _rule("abuse.afraid-what", AB, True,
          r"\b(?P<v>scared|afraid|frightened|terrified|worried|fear\w*|scares me|terrifies me)"
          r"(?: \w+){0,6} (?:of |about )?what (?:he|she|they|my {REL}) (?:will|would|might|"
          r"could|is going to|may) do\b(?! (?:about|for|with|next)\b)"
          r"|\b(?P<w>scared|afraid|frightened|terrified|worried|fear) (?:that )?(?:he|she|they|"
          r"my {REL}) (?:will|would|might|could|is going to)? ?(?:kill|hurt|hit|beat|attack|"
          r"harm|find) (?:me|us|out where (?:i|we) (?:am|are|live))\b"),
    _rule("abuse.afraid-home", AB, True,
          r"\b(?P<v>scared|afraid|frightened|terrified) (?:to|of) (?:go|going|come|coming|be|"
          r"being) (?:back )?home\b"
          r"|\b(?P<w>scared|afraid|frightened|terrified) (?:to be|of being) (?:alone )?"
          r"(?:with|around) (?:him|her|them|my {REL})\b"
          r"|\b(?:not|never) (?:feel |am |be )?safe (?:at home|with (?:him|her|them|my {REL})|"
          r"around (?:him|her|them)|in my (?:own )?(?:home|house))\b"
          r"|\b(?:i am|i feel|we are) (?P<x>in danger|unsafe)\b(?! (?:walking|at night|on|"
          r"outside|online|driving|at work|in the (?:city|street|dark|area))\b)"),
    _rule("abuse.threat", AB, True,
          r"\b(?P<v>threat\w*) (?:to )?(?:kill |hurt |harm |hit |beat |stab |shoot |burn |"
          r"take |throw )?(?:me|us|the (?:kids|children|dog|cat)|my (?:kids|children|family|"
          r"dog|cat|pets?))\b"
          r"|\b(?:said|says|saying|told me|tells me|telling me|texted|texts|messaged|screamed|"
          r"shouted|yelled) (?:me )?(?:that )?(?:if i (?:\w+ ){1,3})?(?:he|she|they) "
          r"(?:would|will|is going to) (?:\w+ ){0,3}?(?P<w>kill|hurt|hit|beat|find) me\b"
          r"|\b(?:take|took|taking) (?:the|my|our) (?:kids|children|son|daughter|baby) "
          r"(?:away )?(?:from me )?(?:and|so) i (?:would|will) never see"),
    _rule("abuse.control", AB, True,
          r"\b(?:not|never|refuses? to|refused to) (?:let|allow|letting|allowing) me (?:to )?"
          r"(?:see|meet|visit|talk to|speak to|call|text|contact|go out|go anywhere|leave|work|"
          r"get a job|have (?:my own|a|any) (?:money|bank|account|job|friends|phone|car|keys|"
          r"card)|have (?:friends|money)|use the phone)\b"
          r"|\bstops? me (?:from )?(?:seeing|meeting|visiting|talking|going out|leaving|"
          r"working|calling|contacting)\b"
          r"|\b(?:not|never) allowed to (?:see|meet|leave|go out|go anywhere|have|work|talk|"
          r"visit|call|text|contact)\b"
          r"|\bask (?:his|her|their) permission\b|\bask (?:him|her|them) for permission\b"
          r"|\b(?:takes|took|taking|controls|controlling) (?:all )?(?:of )?my (?:money|wages|"
          r"salary|pay|benefits)\b|\bstalk\w* (?:me|us)\b"),
    _rule("abuse.abusive", AB, True,
          r"\b(?P<v>abusive) (?:relationship|marriage|partner|home|{REL})\b"
          r"|\b(?:am|is|being|been) (?P<w>abused)\b|\bdomestic (?:violence|abuse)\b"
          r"|\b(?:{AGENT}|he|she) (?:{ADV} )*(?:is|was|gets|got|can be|becomes|been) "
          r"(?:\w+ )?(?P<x>violent|abusive)\b"),
    _rule("abuse.hurt", AB, False,
          r"\b{AGENT}(?: {ADV}){0,3} (?P<v>hurt|hurts|hurting) (?:me|her|us)\b{HURT_EXCL}"),
    *(_rule(f"abuse.{name}", AB, False, sign) for name, sign in _CONTROL_SIGNS.items()),
    _rule("abuse.unclear", AB, False,
          r"\b(?:things|it) (?:get|gets|got|getting|can get|became|turn|turns|turned) "
          r"(?:a bit |really |very |quite )?(?:physical|violent|rough)\b"
          r"|\bwalk\w* on eggshells\b"
          r"|\bfeel\w* trapped\b(?! (?:in|at|by) (?:this|my|the|a) (?:job|town|"
          r"city|routine|rut|traffic|lift|elevator|office|meeting|queue|contract|lease)\b)"
          r"|\bfeel like a (?:prisoner|hostage)\b"
          r"|\b(?:prisoner|hostage) in (?:my )?(?:own )?(?:home|house|marriage|relationship)\b"
          r"|\btrapped (?:in|with) (?:this|the|my|our|a) (?:relationship|marriage|house|home)\b"
          r"|\b(?:not|never) know (?:what|when) (?:he|she|they|my {REL}) (?:will|would|might|"
          r"could|is going to) (?:do|explode|snap|blow up|lose it|kick off)\b"
          r"(?! (?:about|for|with|next|tonight|tomorrow|on)\b)"),
    # ---- harm to others
    _rule("harm-to-others.intent", HO, True,
          r"\b{INTENT} (?P<v>{HARM}) {OTHER}\b{EXCL}{HURT_EXCL}"
          r"|\b(?:want|going|plan\w*|will) to make (?:him|her|them) (?P<w>suffer|bleed|"
          r"pay for (?:this|that|it|what))\b"
          r"|\bpoison\w* (?:his|her|their) (?:food|drink|tea|coffee)\b"
          r"|\bburn (?:\w+ ){1,3}down with (?:him|her|them) in"
          r"|\bshoot(?:ing)? up (?:his|her|their|the|a|my) (?:school|work|office|class|college)"
          r"|\b{INTENT} (?:smash|bash|break|cave|kick|punch) (?:his|her|their) (?:face|head|"
          r"skull|neck|legs?|arms?|jaw|nose|teeth)\b|\b{INTENT} run (?:him|her|them) over\b"
          r"|\b(?:want|like) to see (?:him|her|them|my {REL}) (?:dead|die|suffer|in pain)\b"),
    _rule("harm-to-others.did", HO, True,
          r"\bi (?:{ADV} )*(?P<v>hit|punched|slapped|kicked|choked|strangled|beat|shoved|"
          r"smacked|stabbed|shot|bit|throttled|headbutted|threatened) {OTHER}\b{EXCL}"
          r"|\bi (?:{ADV} )*(?P<y>beat|beaten) {OTHER} up\b"
          r"|\bi (?:{ADV} )*(?P<w>pushed|shoved|threw|grabbed|dragged|pinned) (?:him|her|them|"
          r"my {REL}) (?:down|over|into|against|off|across|to the (?:floor|ground)|"
          r"by the (?:throat|neck|hair|arms?|wrists?))\b"),
    _rule("harm-to-others.weapon", HO, True,
          r"\b(?:got|have|bought|get|getting|grab\w*|took|take|with|carry\w*) "
          r"(?:a |my |his |the )?(?P<v>{WEAPON})\b",
          needs=r"\bmake (?:him|her|them) pay\b|\bget (?:him|her|them)\b|\bthreaten\w*"
          r"|\b(?:kill|hurt|stab|shoot|teach) (?:him|her|them)\b|\bgoing to (?:his|her|their)\b"
          r"|\buse it on\b"),
    _rule("harm-to-others.might", HO, False,
          r"\b(?:could|might|may|would|will|afraid i|scared i|worried i|fear i)"
          r"(?: am going to| will| might| could| would)?(?: really| actually| seriously)? "
          r"(?P<v>{HARM}) {OTHER}\b{EXCL}{HURT_EXCL}"
          r"|\b(?:not|never) know what i (?:will|would|might|could|am going to) do to "
          r"(?:him|her|them|someone|somebody)\b"
          r"|\bwish (?:he|she|they|my {REL}) (?:was|were|would) (?:dead|die)\b"
          r"|\bi (?:{ADV} )*(?P<w>hurt|injured) {OTHER}\b{EXCL}{HURT_EXCL}"
          r"|\bteach (?:him|her|them) a lesson\b"
          r"|\bmy (?P<x>hands?|fingers) (?:around|round|on) (?:his|her|their) (?:neck|throat)\b"),
)  # fmt: skip

_NEGATORS = frozenset({"not", "never", "no", "nobody", "nothing", "neither", "nor"})
_BREAKS = frozenset({"but", "and", "because", "so", "though", "although", "yet", "."})
_PRIORITY = {SH: 0, CH: 1, AB: 2, HO: 3}


def _negated(text: str, start: int) -> bool:
    """True if a negator is among the three words before `start`, within one clause."""
    window: list[str] = []
    for word in reversed(text[:start].split()[-3:]):
        if word in _BREAKS:
            break
        window.append(word)
    return any(word in _NEGATORS for word in window)


def _fires(rule: _Rule, text: str) -> bool:
    if rule.needs is not None and rule.needs.search(text) is None:
        return False
    if rule.unless is not None and rule.unless.search(text) is not None:
        return False
    for match in rule.pattern.finditer(text):
        keys = [k for k, v in match.groupdict().items() if v is not None]
        if not _negated(text, match.start(keys[0]) if keys else match.start()):
            return True
    return False


def screen(text: str) -> Screening:
    """Screen one user turn; return the most serious concern found, or NOTHING."""
    clean = normalise(text)
    if not clean:
        return NOTHING
    fired = [rule for rule in _RULES if _fires(rule, clean)]
    # the broad tier (safety_rules.py): a fallback, unclear, never counted as a second sign
    broad = {Concern(value): name for value, name in reversed(findings(clean))}
    if not fired and not broad:
        return NOTHING
    # two different unclear signs of one concern count as a certain one
    results: list[Screening] = []
    for concern in Concern:
        mine = [r for r in fired if r.concern is concern]
        sure = [r for r in mine if r.certain]
        if sure:
            results.append(Screening(concern, True, sure[0].name))
        elif len(mine) >= 2:
            results.append(Screening(concern, True, "+".join(r.name for r in mine[:2])))
        elif mine:
            results.append(Screening(concern, False, mine[0].name))
        elif concern in broad:
            results.append(Screening(concern, False, broad[concern]))
    return min(results, key=lambda s: (not s.certain, _PRIORITY[s.concern or SH]))
