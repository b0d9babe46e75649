"""A file built again one section at a time, reusing the sections that did not change (issue 18: `--watch`
after an edit to one scene of a 20,000-word file pays for that scene's parse, not the file's).

A section is what the parser's error recovery cuts a file into (`parser.SECTION_START`: a line that begins a
scene, an extension or a directive), so each one holds whole items: the file's model is the items of its
sections, in order. The last clean build of each file is kept here as its sections' texts, each with the
line it began at and the model of its items (`Pieces`). A new version is cut the same way; a section whose
text is kept is taken as it was, its spans moved by the lines it moved (`moved`: a section starts a line, so
columns never change), and only the others are parsed and built.

Nothing here is trusted beyond what a build from nothing would give: a section that does not parse, that
gives any diagnostic, or a file in which two sections would share the builder's per-scene state (a scene
id or an extension given twice: their text alternatives are numbered together) is not built this way
(`build` returns None, and the caller parses the whole file as before). tests/test_sections.py compares
every result with the whole file's parse and build.
"""
from __future__ import annotations

import bisect
import dataclasses
import threading
from dataclasses import dataclass
from typing import Any, Callable

from .diagnostics import Diagnostic
from .model import ScriptFile
from .source import SourceFile, Span

# By file name: the sections of its last clean build (text -> the line it began at and its items' model), or
# the last clean model served for it, split into sections only when the file is next built. Bounded by the
# characters of text they stand for (as the script cache's memory is): past it, all is forgotten once.
MEMORY_LIMIT = 24_000_000
_KEPT: dict[str, dict[str, tuple[int, ScriptFile]] | ScriptFile] = {}
_SIZES: dict[str, int] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Section:
    """A stretch of a file's text that holds whole items: `text[start:end]`, beginning on line `line`."""

    start: int
    end: int
    line: int


def cut(text: str) -> list[Section]:
    """The file cut where the parser's error recovery cuts it, each piece with the line it begins on."""
    from .parser import SECTION_START

    cuts = sorted({0, *(m.start() for m in SECTION_START.finditer(text)), len(text)})
    found: list[Section] = []
    line = 1
    for a, b in zip(cuts, cuts[1:]):
        found.append(Section(a, b, line))
        line += text.count("\n", a, b)
    return found


def build(src: SourceFile) -> ScriptFile | None:
    """The file's model, reusing the kept sections of its last clean build; None when it cannot be built
    this way exactly (then the whole file is parsed). What it builds is kept for the next version."""
    with _LOCK:
        kept = _KEPT.get(src.name)
    if isinstance(kept, ScriptFile):
        kept = split(kept)
    if not kept:
        return None
    text = src.text
    sections = [(s, text[s.start:s.end]) for s in cut(text)]
    if 2 * sum(piece in kept for _, piece in sections) < len(sections):
        return None  # mostly new text (another story under the same name): one parse of the whole is cheaper
    pieces: dict[str, tuple[int, ScriptFile]] = {}
    parts: list[ScriptFile] = []
    for s, piece in sections:
        old = kept.get(piece) or pieces.get(piece)
        if old is not None:
            part = moved(old[1], s.line - old[0]) if s.line != old[0] else old[1]
        else:
            made = _build_section(src, s)
            if made is None:
                return None
            part = made
        pieces.setdefault(piece, (s.line, part))
        parts.append(part)
    whole = join(src, parts)
    if whole is not None:
        _keep(src, pieces)
    return whole


def _build_section(src: SourceFile, s: Section) -> ScriptFile | None:
    """One section parsed and built as the whole file's parse would (positions absolute in the file), or
    None when it gives any diagnostic."""
    from lark import Tree
    from lark.exceptions import UnexpectedInput
    from lark.utils import TextSlice

    from .build import build_file
    from .parser import story_parser, too_deep

    try:
        tree = story_parser().parse(TextSlice(src.text, s.start, s.end))
    except UnexpectedInput:
        return None
    items = [item for item in tree.children if isinstance(item, Tree)]
    if len(items) != len(tree.children) or any(too_deep(item, 1) is not None for item in items):
        return None
    said: list[Diagnostic] = []
    built = build_file(src, items, said)
    return None if said else built


def join(src: SourceFile, parts: list[ScriptFile]) -> ScriptFile | None:
    """The file's model from its sections' models, each kind of item in file order; None when a scene id
    or an extended scene appears twice (the builder numbers their alternatives together)."""
    scenes = tuple(s for p in parts for s in p.scenes)
    extends = tuple(e for p in parts for e in p.extends)
    if len({s.id for s in scenes}) != len(scenes) or len({e.scene_id for e in extends}) != len(extends):
        return None
    return ScriptFile(src, tuple(h for p in parts for h in p.header), tuple(f for p in parts for f in p.flags),
                      scenes, extends, tuple(i for p in parts for i in p.includes))


def split(built: ScriptFile) -> dict[str, tuple[int, ScriptFile]]:
    """A clean whole-file model as its sections' models: each item goes to the section its span starts in
    (a section holds whole items, and an item's span is its first name or token)."""
    src = built.source
    sections = cut(src.text)
    starts = [s.line for s in sections]
    kinds = ("header", "flags", "scenes", "extends", "includes")
    found: list[dict[str, list[Any]]] = [{k: [] for k in kinds} for _ in sections]
    for kind in kinds:
        for item in getattr(built, kind):
            found[bisect.bisect_right(starts, item.span.line) - 1][kind].append(item)
    pieces: dict[str, tuple[int, ScriptFile]] = {}
    for s, items in zip(sections, found):
        part = ScriptFile(src, *(tuple(items[k]) for k in kinds))
        pieces.setdefault(src.text[s.start:s.end], (s.line, part))
    return pieces


def knows(name: str) -> bool:
    """Whether a clean build of the file named `name` is kept to build its next version against."""
    with _LOCK:
        return name in _KEPT


def served(built: ScriptFile, clean: bool) -> None:
    """The model of a file's current text, however it was found (memory, disk, a parse): the next version
    of the file reuses its sections when it was clean, and parses whole when it was not."""
    with _LOCK:
        kept = _KEPT.get(built.source.name)
        if isinstance(kept, dict) and built.source.text == _texts.get(built.source.name):
            return  # its sections are kept already
    if clean:
        _keep(built.source, built)
    else:
        with _LOCK:
            _KEPT.pop(built.source.name, None)
            _SIZES.pop(built.source.name, None)


_texts: dict[str, str] = {}  # the text each kept entry stands for


def _keep(src: SourceFile, entry: dict[str, tuple[int, ScriptFile]] | ScriptFile) -> None:
    with _LOCK:
        if sum(_SIZES.values()) - _SIZES.get(src.name, 0) + len(src.text) > MEMORY_LIMIT:
            _KEPT.clear()
            _SIZES.clear()
            _texts.clear()
        _KEPT[src.name] = entry
        _SIZES[src.name] = len(src.text)
        _texts[src.name] = src.text


def forget() -> None:
    """Keep nothing (the tests: a build from nothing)."""
    with _LOCK:
        _KEPT.clear()
        _SIZES.clear()
        _texts.clear()


def moved(value: Any, lines: int) -> Any:
    """`value` (a model, or part of one) with every span `lines` lines further down. A span with no end (`Span(file, 1, 1)`: a node the lexer gave no position) stays put,
    as the builder would make it again."""
    def span(s: Span) -> Span:
        return Span(s.file, s.line + lines, s.col, s.end_line + lines, s.end_col) if s.end_line else s
    return _rewrite(value, span)


def _rewrite(value: Any, span: Callable[[Span], Span]) -> Any:
    kind = type(value)
    if kind is Span:
        return span(value)
    if kind is tuple:
        return tuple(_rewrite(v, span) for v in value)
    if kind is list:
        return [_rewrite(v, span) for v in value]
    if kind is dict:
        return {_rewrite(k, span): _rewrite(v, span) for k, v in value.items()}
    if kind is SourceFile or kind is str:
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return kind(*(_rewrite(getattr(value, f.name), span) for f in _fields(kind)))
    return value


_FIELDS: dict[type, tuple[dataclasses.Field[Any], ...]] = {}


def _fields(kind: type) -> tuple[dataclasses.Field[Any], ...]:
    found = _FIELDS.get(kind)
    if found is None:
        found = _FIELDS[kind] = dataclasses.fields(kind)
    return found
