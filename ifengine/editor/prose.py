"""The words of a story as its reader meets them, with where each was written: the style lint reads the
surface of the text (digits, spellings, sentences) and must say file:line:col for every finding.

The model keeps a paragraph's text as literal strings between `{interpolations}`, with the span of the
paragraph, not of each word (lines joined, escapes undone). So a `Piece` keeps the offset in its source
where its text begins, and `Prose.locate` finds a word of it by searching forward from there for the
same occurrence of the same word: exact for every word the reader sees, at no cost until a finding needs
a place.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Iterator

from ..diagnostics import Diagnostic, Severity
from ..model import Body, ChoiceKind, Conditional, InlineIf, Paragraph, Story, Text
from ..source import Span
from .settings import CHECKS

# A word as the lint reads it: letters, with inner apostrophes (straight or curly) and digits inside it
# (M40, 1st); hyphens and dashes separate words.
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_BRACE = re.compile(r"\\.|[{}]")


@dataclass(frozen=True)
class Piece:
    """A run of literal text a reader reads: a scene's title, a stretch of a paragraph, an option's label,
    a flag's label. `start` is the offset in the source file from which its words are found."""

    text: str
    kind: str  # "title" | "prose" | "choice" | "label"
    scene: str  # the scene it is read in ("" for a flag's label)
    file: str
    start: int


@dataclass(frozen=True)
class Token:
    """One word of a piece, at its index in the piece's text."""

    text: str
    piece: Piece
    index: int


class Prose:
    """Every piece of literal text in a story, in the order of the files and scenes."""

    def __init__(self, story: Story) -> None:
        self.story = story
        self.sources = {f.source.name: f.source.text for f in story.files}
        self._lines = {name: [0] + [m.end() for m in re.finditer("\n", text)] for name, text in self.sources.items()}
        self.pieces: list[Piece] = list(self._collect())

    # ---- where -------------------------------------------------------------------------------------

    def offset(self, span: Span) -> int:
        lines = self._lines.get(span.file, [0])
        return lines[min(max(span.line, 1), len(lines)) - 1] + max(span.col, 1) - 1

    def _after(self, span: Span, mark: str) -> int:
        """The offset just past the first `mark` at or after `span`'s start (the start when there is none)."""
        at = self.offset(span)
        found = self.sources.get(span.file, "").find(mark, at)
        return at if found < 0 else found + len(mark)

    def locate(self, token: Token) -> Span:
        """Where a word of a piece is written: the same occurrence of the same word, searched forward in the
        source from where the piece begins (the piece's start when the source does not hold it)."""
        piece = token.piece
        source = self.sources.get(piece.file, "")
        pattern = re.compile(rf"(?<![^\W_]){re.escape(token.text)}(?![^\W_])")
        before = len(pattern.findall(piece.text, 0, token.index))
        at = piece.start
        for n, m in enumerate(pattern.finditer(source, piece.start)):
            if n == before:
                at = m.start()
                break
        return self.span_at(piece.file, at)

    def _closing(self, file: str, at: int) -> int:
        """The offset just past the brace that closes the one at `at` (an interpolation, an inline `if`)."""
        depth = 0
        for m in _BRACE.finditer(self.sources.get(file, ""), at):
            depth += {"{": 1, "}": -1}.get(m.group(), 0)  # an escaped brace (\\{) is text
            if depth == 0:
                return m.end()
        return at

    def span_at(self, file: str, offset: int) -> Span:
        lines = self._lines.get(file, [0])
        line = bisect_right(lines, offset)
        return Span(file, line, offset - lines[line - 1] + 1)

    # ---- what --------------------------------------------------------------------------------------

    def tokens(self, kinds: tuple[str, ...] = ("title", "prose", "choice", "label")) -> Iterator[Token]:
        for piece in self.pieces:
            if piece.kind in kinds:
                for m in WORD.finditer(piece.text):
                    yield Token(m.group(), piece, m.start())

    def _collect(self) -> Iterator[Piece]:
        for decl in self.story.flags.values():
            if decl.label:
                yield Piece(decl.label, "label", "", decl.span.file, self._after(decl.span, '"'))
        for scene in self.story.scenes.values():
            file = scene.span.file
            yield Piece(scene.title, "title", scene.id, file, self._after(scene.span, ":"))
            for part in scene.parts:
                yield from self._body(part.body, scene.id)
                for choice in part.choices:
                    if choice.kind is ChoiceKind.LABELLED:
                        yield from self._text(choice.label, "choice", scene.id, choice.span.file,
                                              self._after(choice.span, "["))
                    yield from self._body(choice.response, scene.id)

    def _body(self, body: Body, scene: str) -> Iterator[Piece]:
        for item in body:
            if isinstance(item, Paragraph):
                yield from self._text(item.text, "prose", scene, item.span.file, self.offset(item.span))
            elif isinstance(item, Conditional):
                for branch in item.branches:
                    yield from self._body(branch.body, scene)

    def _text(self, text: Text, kind: str, scene: str, file: str, start: int) -> Iterator[Piece]:
        at = start
        for part in text:
            if isinstance(part, str):
                yield Piece(part, kind, scene, file, at)
                continue
            if isinstance(part, InlineIf):
                inner = self.offset(part.span)  # {if COND: THEN | OTHERWISE}
                colon, bar = (self.sources.get(file, "").find(mark, inner) for mark in (":", "|"))
                yield from self._text(part.then, kind, scene, file, inner if colon < 0 else colon + 1)
                yield from self._text(part.otherwise, kind, scene, file, inner if bar < 0 else bar + 1)
            at = self._closing(file, self.offset(part.span))


# ---- sentences -------------------------------------------------------------------------------------

# A sentence ends at . ! ? or an ellipsis, with any closing quotes or brackets, before a space or the end.
_SENTENCE_END = re.compile(r"(?:[.!?…]+)[\"'”’)\]]*(?=\s|$)")


def sentences(text: str) -> Iterator[tuple[int, str]]:
    """The sentences of a paragraph, each with its index in the text (leading quotes and spaces left out)."""
    start = 0
    for m in _SENTENCE_END.finditer(text):
        yield from _trimmed(text, start, m.end())
        start = m.end()
    yield from _trimmed(text, start, len(text))


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, str]]:
    chunk = text[start:end]
    lead = len(chunk) - len(chunk.lstrip(" \t\n\"'“‘([—–-"))
    body = chunk[lead:].rstrip()
    if WORD.search(body):
        yield start + lead, body


_RUNNING_GAP = re.compile(r"[\s,;()]*")

# ---- what the style checks share --------------------------------------------------------------------


@dataclass
class Surface:
    """What the checks share about a story's text: its pieces, its own words (its word list, as written
    there) and its names."""

    story: Story
    words: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self.prose = Prose(self.story)
        self.names = self._names()

    def _names(self) -> frozenset[str]:
        """Words written with a capital in the middle of a sentence somewhere ("I" and "I'm" aside), and those the
        word list and the role's name write with one (a name may only ever open sentences)."""
        names = {w for w in self.words if w[:1].isupper()} | set(WORD.findall(self.story.role.name))
        for piece in self.prose.pieces:
            if piece.kind not in ("prose", "choice"):
                continue
            for start, sentence in sentences(piece.text):
                words = list(WORD.finditer(sentence))
                for before, m in zip(words, words[1:]):
                    word = m.group()
                    # in the run of a sentence: not the first word of a quotation or after a colon or dash
                    running = _RUNNING_GAP.fullmatch(sentence, before.end(), m.start()) is not None
                    pronoun = word == "I" or base(word).startswith("I'")  # I, I'm, I'll
                    if running and word[0].isupper() and not pronoun and not word.isupper():
                        names.add(base(word))
        return frozenset(names)


def base(word: str) -> str:
    """A word without its possessive ending, with straight apostrophes."""
    word = word.replace("’", "'")
    return word[:-2] if word.lower().endswith("'s") else word


def warn(span: Span, message: str, check: str) -> Diagnostic:
    return Diagnostic(span.file, span.line, span.col, message, CHECKS[check].code, Severity.WARNING)


def times(n: int) -> str:
    return f"{n:,} time{'' if n == 1 else 's'}"
