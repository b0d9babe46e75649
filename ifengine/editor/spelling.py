"""The spelling check of the style lint (IFS454): every word of the prose and the options' labels that
neither the dictionary (pyspellchecker's English, British spellings of its American words included) nor the
story knows. The story teaches its own words: `words.txt` in the story folder (words separated by spaces
or lines, `#` to the end of a line is a comment), the flags' labels, the role's name and line, the story's
title and the scene titles, and `[checks.spelling.allow]` in `ifengine.toml` (and their plurals). A
contraction is a word when what it contracts is (there'd, could've). Each unknown word is reported once,
at its first use, with how often the story uses it.

pyspellchecker is the `style` extra (`pip install 'ifengine[style]'`): only authors who lint need its
dictionary. Without it the check says so (IFS455) and the other style checks still run.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import cache
from typing import Protocol

from ..diagnostics import Diagnostic, Severity
from ..model import Story
from .prose import WORD, Surface, Token, base, times, warn
from .settings import Settings
from .spellings import american

WORD_LIST = "words.txt"
_CONTRACTION = re.compile(r"'(d|ve|ll|re|m|s)$|n't$")
# British words the (American) dictionary lacks and no American spelling stands for: "draft" is another
# word in British English, so draught is not in `spellings`' pairs.
BRITISH = frozenset({"draught", "draughts", "draughtsman", "kerb", "kerbs", "gaol", "gaols", "whilst", "amongst"})
WORD_LIST_CODE = "IFS450"
UNAVAILABLE = "IFS455"


class Dictionary(Protocol):
    def __contains__(self, word: str) -> bool: ...

    def correction(self, word: str) -> str | None: ...


@cache
def dictionary() -> Dictionary | None:
    """pyspellchecker's English dictionary, loaded once per process (about 0.3 s); None without the package.
    Suggestions look one edit away: two edits cost far more and rarely find what a typo meant."""
    try:
        from spellchecker import SpellChecker
    except ImportError:
        return None
    checker: Dictionary = SpellChecker(distance=1)
    return checker


def word_list(story: Story) -> tuple[set[str], list[Diagnostic]]:
    """The words `words.txt` teaches (as written there), and why it cannot be read when it cannot."""
    path = story.root / WORD_LIST
    if not path.is_file():
        return set(), []
    try:
        data = path.read_bytes()
        text = data.decode("utf-8")
    except OSError as e:
        return set(), [Diagnostic(str(path), 1, 1, f"cannot read the word list: {e.strerror or e}", WORD_LIST_CODE)]
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        return set(), [Diagnostic(str(path), line, col, "the word list is not UTF-8 text", WORD_LIST_CODE)]
    return {base(w) for line in text.split("\n") for w in WORD.findall(line.split("#", 1)[0])}, []


def taught(story: Story, settings: Settings) -> set[str]:
    """The story's own words outside the word list: flags' labels, the role, the titles, the allow table."""
    texts = [story.title, story.role.name, story.role.line, *(s.title for s in story.scenes.values()),
             *(d.label for d in story.flags.values() if d.label), *settings.of("spelling").allow]
    return {base(w).lower() for text in texts for w in WORD.findall(text)}


def spelling(surface: Surface, settings: Settings) -> list[Diagnostic]:
    """IFS454 (IFS455 when there is no dictionary to check against)."""
    story = surface.story
    known_here = {w.lower() for w in surface.words} | taught(story, settings)
    checker = dictionary()
    if checker is None:
        at = story.header_span
        return [Diagnostic(at.file, at.line, at.col, "the spelling check needs pyspellchecker, which is not "
                           "installed: pip install 'ifengine[style]'", UNAVAILABLE, Severity.WARNING)]

    def known(word: str) -> bool:
        if word in known_here or word in checker or any(c.isdigit() for c in word) or len(word) == 1:
            return True
        if word.endswith("s") and word[:-1] in known_here:
            return True  # the plural of the story's own word: APCs, Jogorians
        stem = _CONTRACTION.sub("", word)
        if stem != word:
            return known(stem)  # there'd, could've
        us = american(word)
        return us is not None and (us in checker or us in known_here) or word in BRITISH

    first: dict[str, Token] = {}
    count: Counter[str] = Counter()
    for token in surface.prose.tokens(("prose", "choice")):
        word = base(token.text).lower()
        if word in first:
            count[word] += 1
        elif not known(word):
            first[word] = token
            count[word] = 1
    out = []
    for word, token in first.items():
        guess = checker.correction(word)
        hint = f"; perhaps '{guess}'" if guess and guess != word else ""
        out.append(warn(surface.prose.locate(token), f"'{base(token.text)}' is in neither the dictionary nor the "
                                                     f"story's words ({times(count[word])}){hint}; a word of the "
                                                     f"story's own goes in {WORD_LIST}", "spelling"))
    return out
