"""What a story's text declares in lines that failed to parse.

A scene, a flag or a header field whose line has a syntax error is missing from the model, but it exists
for the writer: its one syntax error is the whole story. The checker is told what the text declares (read
from the raw lines, the way a reader would), so it reports no scene as unknown, no flag as undeclared and
no header field as missing because of it. One mistake, one diagnostic.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Iterable

from .model import ScriptFile, Type

# A scene header's id, read from the raw text: the id just before the ':' or '(' (a misspelt kind,
# `=== endign cave: ...`, is not the id), else the first word after the kind (`=== cave The Cave`).
HEADER_TEXT = re.compile(r"^[ \t]*===[^\n]*", re.M)
SCENE_ID = r"([a-z][a-z0-9_]*(?:-[a-z0-9_]+)*)"
SCENE_HEADER = (re.compile(rf"[ \t]*===[ \t]*(?:[A-Za-z_]+[ \t]+)?{SCENE_ID}[ \t]*(?:[(:]|$)"),
                re.compile(rf"[ \t]*===[ \t]*(?:(?:interlude|ending)[ \t]+)?{SCENE_ID}"))


def _scene_id(header: str) -> str | None:
    for pattern in SCENE_HEADER:
        m = pattern.match(header)
        if m:
            return m.group(1)
    return None


# A flag declaration's name, and its type when the line gives one the language has.
FLAG_LINE = re.compile(r"^[ \t]*@flag[ \t]+([a-z][a-z0-9_]*)(?:[ \t]*:[ \t]*(bool|int|str)(?![A-Za-z0-9_]))?", re.M)
# A header line, or a line that misspells one (`@strat`): what it was meant to give is not missing too.
HEADER_LINE = re.compile(r"^[ \t]*@[ \t]*([A-Za-z_]+)", re.M)
HEADER_KEYS = ("story", "title", "role", "blurb", "start")


@dataclass(frozen=True)
class Unparsed:
    """Names the text declares that the model lacks: scene ids, flags (with the type the line gives, or
    None), and header keys (`story`, `title`, ...)."""

    scenes: frozenset[str] = frozenset()
    flags: dict[str, Type | None] = field(default_factory=dict)
    header: frozenset[str] = frozenset()


NOTHING = Unparsed()


def unparsed(files: Iterable[ScriptFile]) -> Unparsed:
    """What the files' text declares beyond what their models hold (call it only when a file had a syntax
    error: for a clean story the two agree, and scanning the text costs time)."""
    files = list(files)
    scenes = {s.id for f in files for s in f.scenes}
    flags = {d.name for f in files for d in f.flags}
    header = {h.key for f in files for h in f.header}
    lost_flags: dict[str, Type | None] = {}
    lost_scenes: set[str] = set()
    lost_header: set[str] = set()
    for f in files:
        text = f.source.text
        for m in HEADER_TEXT.finditer(text):
            sid = _scene_id(m.group(0))
            if sid is not None and sid not in scenes:
                lost_scenes.add(sid)
        for m in FLAG_LINE.finditer(text):
            if m.group(1) not in flags:
                lost_flags.setdefault(m.group(1), Type(m.group(2)) if m.group(2) else None)
        for m in HEADER_LINE.finditer(text):
            meant = difflib.get_close_matches(m.group(1).lower(), HEADER_KEYS, n=1)
            if meant and meant[0] not in header:
                lost_header.add(meant[0])
    return Unparsed(frozenset(lost_scenes), lost_flags, frozenset(lost_header))
