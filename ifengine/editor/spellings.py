"""British and American spellings of one word (metres/meters, armour/armor, realise/realize): a story
should pick one. `american(word)` is the other spelling of a British one, from a table of pairs no rule
finds and from the regular endings (-our/-or, -re/-er, -ise/-ize, -yse/-yze, -ogue/-og, -ence/-ense).

The rules are meant for a story's own words: a pair counts only when both spellings occur in the story
(or, for the spelling check, when the American one is in the dictionary), so a rule that would turn
"four" into "for" is kept from it by a list of words that are not British spellings of anything.
"""
from __future__ import annotations

import re

# Pairs the endings do not give, each in its base form; inflections (-s, -ed, -ing, -er, -ly) follow.
PAIRS: dict[str, str] = {
    "grey": "gray", "plough": "plow", "aluminium": "aluminum", "mould": "mold", "moult": "molt",
    "smoulder": "smolder", "moustache": "mustache", "pyjamas": "pajamas", "sceptic": "skeptic",
    "sceptical": "skeptical", "manoeuvre": "maneuver", "manoeuvred": "maneuvered", "aeroplane": "airplane",
    "jewellery": "jewelry", "cosy": "cozy", "ageing": "aging", "judgement": "judgment", "gaol": "jail",
    "acknowledgement": "acknowledgment", "travelled": "traveled", "travelling": "traveling",
    "traveller": "traveler", "cancelled": "canceled", "cancelling": "canceling", "levelled": "leveled",
    "levelling": "leveling", "fuelled": "fueled", "fuelling": "fueling", "labelled": "labeled",
    "signalled": "signaled", "signalling": "signaling", "modelled": "modeled", "modelling": "modeling",
    "channelled": "channeled", "counselled": "counseled", "marvellous": "marvelous", "woollen": "woolen",
    "tonne": "ton", "draughty": "drafty", "pretence": "pretense", "offence": "offense", "defence": "defense",
    "kerb": "curb", "cheque": "check", "storey": "story", "tyre": "tire", "programme": "program",
}
_INFLECTIONS = ("", "s", "es", "d", "ed", "ing", "er", "ers", "est", "ly", "ish")

# Words the endings would turn into another word though they are not British spellings of it.
NOT_BRITISH = frozenset({
    "four", "our", "your", "hour", "pour", "tour", "sour", "dour", "flour", "devour", "detour", "contour",
    "scour", "velour", "troubadour", "amour", "paramour", "glamour",
    "acre", "acres", "ogre", "ogres", "lucre", "mediocre", "massacre", "massacres", "genre", "genres",
    "wise", "rise", "arise", "precise", "concise", "otherwise", "likewise", "clockwise", "exercise",
    "advertise", "advise", "surprise", "compromise", "enterprise", "franchise", "merchandise", "premise",
    "revise", "supervise", "televise", "devise", "disguise", "despise", "improvise", "chastise", "incise",
    "excise", "promise", "noise", "poise", "raise", "praise", "cruise", "bruise", "paradise", "expertise",
    "treatise", "demise", "guise", "anise", "vise", "valise", "reprise", "apprise", "comprise",
    "license", "licence", "practise", "practice", "dialogue", "prologue", "epilogue", "monologue",
})

_ENDINGS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(\w{2,})our(s|ed|ing|ite|ites|able|ably|er|ers|ful|fully|less)?$"), r"\1or\2"),
    (re.compile(r"^(\w+[^aeiouy\W])re(s)?$"), r"\1er\2"),  # metre, centres, sombre
    (re.compile(r"^(\w+)is(e|es|ed|ing|er|ers|ation|ations|ational)$"), r"\1iz\2"),
    (re.compile(r"^(\w+)ys(e|es|ed|ing|er|ers)$"), r"\1yz\2"),  # analyse, paralysed
    (re.compile(r"^(\w+)ogue(s)?$"), r"\1og\2"),  # catalogue
)


def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    for british, american in PAIRS.items():
        for end in _INFLECTIONS:
            table.setdefault(british + end, american + end)
    return table


_TABLE = _table()


def american(word: str) -> str | None:
    """The American spelling of a British one (both in lower case), or None when `word` is not one."""
    word = word.lower()
    if word in _TABLE:
        return _TABLE[word]
    if word in NOT_BRITISH or len(word) < 5:
        return None
    for pattern, replacement in _ENDINGS:
        if pattern.match(word):
            return pattern.sub(replacement, word)
    return None
