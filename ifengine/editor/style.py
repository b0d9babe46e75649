"""The style lint (`check --style`): what a copy editor marks on the surface of the text. Numbers in digits
where prose writes words (IFS451), two spellings of one word (IFS452), the same sentence frame again and
again on one road (IFS453), and words no dictionary knows (IFS454, in `spelling`). Each is a warning,
set or switched off with the reason in the story's `ifengine.toml`, like the editor's checks.

A *designation* is a number that names rather than counts, and may stay in digits: a code that mixes
letters and digits (M40, F100, A3, the 1990s), an ordinal before a name (1st Army, 2nd Platoon), a number
after a name (Type 11, Ship 5, Victor 2-1, Ships 4 and 5), a year (1000-2199, or any before an era: 790 P.D.,
300 BC), a time (06:00, 21.15, 0600 hours), and whatever the story allows in `[checks.digits.allow]` (a
number as written, "Ship 5", or a name that takes numbers, "Ship"). A *name*, here and for the sentence frames, is a word the story writes with a
capital in the middle of a sentence, or that its word list (`words.txt`) or its role's name does; a
word in capitals before a number is one too (STATION 12, on a display).

A *sentence frame* is the first words of a sentence (3 by default, `frame-words`), in lower case, with the
story's names masked (a run of names is one), so "Kuim takes the wall" and "Tara Vask takes the door"
share "[name] takes the". A frame
is counted along one *road*: the canon path and the shortest road to each ending, as the exhaustive search
finds them (see `reading`), as the reader reads them (each distinct sentence once per road).
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict

from ..diagnostics import Diagnostic
from ..model import Story
from ..source import Span
from .prose import WORD, Surface, Token, base, sentences, times, warn
from .reading import Reading
from .settings import Settings
from .spelling import spelling, word_list
from .spellings import american

# A number as written: digits with any letters joined to them (M40, 1st, 11s) and digit groups joined by
# a hyphen, colon, point, comma or slash (2-1, 06:00, 3.5, 1,000, 24/7).
_NUMBER = re.compile(r"(?<![^\W_])[^\W\d_]*\d[^\W_]*(?:[-–:.,/]\d[^\W_]*)*")
_ERA = re.compile(r"\s+(?:[A-Z]\.){1,3}(?![^\W_])|\s+[A-Z]{2,3}\b")  # P.D., A.D., BC, CE
_YEAR = re.compile(r"1\d{3}|2[01]\d{2}")
_TIME = re.compile(r"([01]?\d|2[0-3]):[0-5]\d|([01]\d|2[0-3])\.[0-5]\d")  # 06:00, 6:00, 21.15 as a log writes it
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)$", re.I)
_LIST_WORDS = {"and", "or", "to", "through", "&"}


# ---- IFS451 digits ---------------------------------------------------------------------------------


def _is_designation(number: str, before: str, after: str, surface: Surface, allow: dict[str, str],
                    heading: bool = False) -> bool:
    """Whether a number, between `before` and `after` in its sentence, is a designation (see above). In a
    heading (a title), where every word has a capital, the word before a number is always a name."""
    words_before = WORD.findall(before)
    prev = words_before[-1] if words_before else ""
    if number in allow or (prev and (prev in allow or f"{prev} {number}" in allow)):
        return True
    following = WORD.findall(after)
    next_word = following[0] if following else ""
    if _ORDINAL.match(number):
        return next_word[:1].isupper()
    if any(c.isalpha() for c in number):
        return True  # a code: M40, F100, the 1990s
    if _YEAR.fullmatch(number) or _TIME.fullmatch(number):
        return True
    if re.fullmatch(r"\d{4}", number) and next_word.lower() == "hours":
        return True  # 0600 hours
    if _ERA.match(after):
        return True  # a year of an era: 790 P.D., 300 BC
    if prev[:1].isupper() and (len(words_before) > 1 or prev in surface.names or heading or prev.isupper()):
        return True  # Type 11, Ship 5, STATION 12 on a display
    if prev.lower() in _LIST_WORDS or before.rstrip().endswith(","):
        earlier = list(_NUMBER.finditer(before))
        if earlier and before[earlier[-1].end():].strip(" ,").lower() in _LIST_WORDS | {""}:
            e = earlier[-1]
            return _is_designation(e.group(), before[:e.start()], before[e.end():], surface, allow, heading)
    return False


def digits(surface: Surface, settings: Settings) -> list[Diagnostic]:
    """IFS451: a number in digits in the prose, a title or an option's label, outside a designation."""
    allow = settings.of("digits").allow
    out = []
    for piece in surface.prose.pieces:
        for start, sentence in sentences(piece.text):
            for m in _NUMBER.finditer(sentence):
                before, after = sentence[:m.start()], sentence[m.end():]
                if _is_designation(m.group(), before, after, surface, allow, piece.kind == "title"):
                    continue
                where = surface.prose.locate(Token(m.group(), piece, start + m.start()))
                out.append(warn(where, f"the number '{m.group()}' is in digits: prose writes numbers in words "
                                       f"outside designations (a unit, a call sign, a year); write it out, or "
                                       f"allow it in [checks.digits.allow]", "digits"))
    return out


# ---- IFS452 two spellings --------------------------------------------------------------------------


def two_spellings(surface: Surface, settings: Settings) -> list[Diagnostic]:
    """IFS452: a word spelt the British way in one place and the American way in another. The finding is
    at the first use of the rarer spelling, and names where the other is first used."""
    first: dict[str, Token] = {}
    count: Counter[str] = Counter()
    for token in surface.prose.tokens():
        word = base(token.text).lower()
        count[word] += 1
        first.setdefault(word, token)
    out = []
    for british in sorted(first, key=lambda w: (first[w].piece.file, first[w].piece.start, first[w].index)):
        us = american(british)
        if us is None or us not in first or settings.allowed("spellings", british) or \
                settings.allowed("spellings", us):
            continue
        rare, common = (british, us) if count[british] < count[us] else (us, british)
        here, there = surface.prose.locate(first[rare]), surface.prose.locate(first[common])
        out.append(warn(here, f"two spellings of one word: '{rare}' here ({times(count[rare])}) and '{common}' "
                              f"({times(count[common])}, first at {there}); keep one", "spellings"))
    return out


# ---- IFS453 sentence frames ------------------------------------------------------------------------


def frame(sentence: str, names: frozenset[str], size: int) -> tuple[str, ...] | None:
    """The first `size` words of a sentence, in lower case, names masked; None for a sentence of `size`
    words or fewer (it is all frame)."""
    slots: list[str] = []
    for word in WORD.findall(sentence):
        slot = "[name]" if base(word) in names else word.lower().replace("’", "'")
        if not (slot == "[name]" and slots and slots[-1] == slot):  # "Admiral Eleana Sotari" is one name
            slots.append(slot)
    return tuple(slots[:size]) if len(slots) > size else None


def _where_written(surface: Surface, scene: str, wanted: tuple[str, ...], size: int) -> Span:
    for piece in surface.prose.pieces:
        if piece.scene == scene and piece.kind == "prose":
            for start, sentence in sentences(piece.text):
                if frame(sentence, surface.names, size) == wanted:
                    first = WORD.search(sentence)
                    assert first is not None
                    return surface.prose.locate(Token(first.group(), piece, start + first.start()))
    return surface.story.scenes[scene].span  # the frame is made with text an interpolation gave


def sentence_frames(surface: Surface, reading: Reading, settings: Settings) -> list[Diagnostic]:
    """IFS453: one frame opening more sentences on one road than the story allows (2 by default). A frame
    is reported once, on the first road that has too many (the canon path first), at the sentence that
    goes over the limit."""
    limit = settings.limit("sentence-frames", "max-repeats")
    size = settings.limit("sentence-frames", "frame-words")
    reported: set[tuple[str, ...]] = set()
    out = []
    for road in reading.roads:
        read: set[str] = set()
        found: dict[tuple[str, ...], list[str]] = defaultdict(list)
        for stop in road.stops:
            for paragraph in stop.text:
                for _, sentence in sentences(paragraph):
                    if sentence in read:
                        continue
                    read.add(sentence)
                    shape = frame(sentence, surface.names, size)
                    if shape is not None:
                        found[shape].append(stop.scene)
        for shape, scenes in found.items():
            shown = " ".join(shape)
            if len(scenes) <= limit or shape in reported or settings.allowed("sentence-frames", shown):
                continue
            reported.add(shape)
            where = _where_written(surface, scenes[limit], shape, size)
            places = ", ".join(f"'{s}'" for s in dict.fromkeys(scenes))
            out.append(warn(where, f"the sentence frame \"{shown} ...\" opens {len(scenes)} sentences on "
                                   f"{road.name} (more than {limit}), in {places}", "sentence-frames"))
    return out


def style_checks(story: Story, settings: Settings, reading: Reading | None = None) -> list[Diagnostic]:
    """Every style check the story's settings leave on, as warnings (and IFS450/IFS455 when the spelling
    check cannot read the word list or run at all)."""
    words, unread = word_list(story)
    surface = Surface(story, frozenset(words))
    out: list[Diagnostic] = []
    if settings.enabled("digits"):
        out += digits(surface, settings)
    if settings.enabled("spellings"):
        out += two_spellings(surface, settings)
    if settings.enabled("sentence-frames"):
        out += sentence_frames(surface, reading or Reading(story), settings)
    if settings.enabled("spelling"):  # not with a word list it cannot read, as if the list were empty
        out += unread or spelling(surface, settings)
    return out
