"""Which files make a story, and reading one as the parser will see it: kept inside the story folder,
a device or a pipe refused, a binary or non-UTF-8 file named with its place, the byte-order mark and CR or
CRLF line ends normalised. The loader and the title screen's quick scan (`catalog`) both read scripts
here, so they agree on what a story's files say; nothing here needs the parser.
"""
from __future__ import annotations

import os
from pathlib import Path

from .diagnostics import Diagnostic
from .files import read_bounded
from .source import SourceFile, normalise

MAX_LINE = 100_000  # longer lines are not prose but accidents (a pasted binary, a minified file)


def display(path: Path) -> str:
    """How diagnostics name a file: relative to the working folder when it is below it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return rel if not rel.startswith("..") else str(path)


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column of a byte offset, counted as the parser counts the text (`source.normalise`):
    a byte-order mark is no column, CRLF, CR alone and LF each end a line, and the column counts characters,
    as editors do, not bytes."""
    before = data[:offset].decode("utf-8", "replace").removeprefix("\ufeff")
    before = before.replace("\r\n", "\n").replace("\r", "\n")
    start = before.rfind("\n") + 1
    return before.count("\n") + 1, len(before) - start + 1


def read_source(path: Path) -> SourceFile | Diagnostic:
    """Read one script file; an unreadable, binary or non-UTF-8 file becomes a diagnostic, never an exception."""
    name = display(path)
    try:
        data = read_bounded(path)
    except OSError as e:
        return Diagnostic(name, 1, 1, f"cannot read the file: {e.strerror or e}", "IFS101")
    nul = data.find(b"\0")
    if nul >= 0:
        line, col = _line_col(data, nul)
        return Diagnostic(name, line, col, f"this is a binary file, not a story script (a NUL byte at byte {nul})",
                          "IFS101")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line, col = _line_col(data, e.start)
        return Diagnostic(name, line, col,
                          f"the file is not valid UTF-8: byte 0x{data[e.start]:02x} at byte offset {e.start}",
                          "IFS101")
    return source_from_text(path, name, text)


def source_from_text(path: Path, name: str, text: str) -> SourceFile | Diagnostic:
    """A script's text made ready to parse; a line too long to be prose becomes a diagnostic."""
    text = normalise(text)
    for number, line_text in enumerate(text.split("\n"), 1):
        if len(line_text) > MAX_LINE:
            return Diagnostic(name, number, 1,
                              f"line {number} is {len(line_text):,} characters long; the limit is {MAX_LINE:,}",
                              "IFS102")
    return SourceFile(path, name, text)


def inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def story_files(path: Path) -> tuple[Path, list[Path]]:
    """The story folder and the files to read first: every `.ifs` below a folder, or the one file given."""
    if path.is_dir():
        return path, sorted(p for p in path.rglob("*.ifs") if p.is_file() or p.is_symlink())
    return path.parent, [path]


__all__ = ["MAX_LINE", "display", "inside", "read_source", "source_from_text", "story_files"]
