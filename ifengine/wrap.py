"""Wrapping prose into lines for a terminal: by the columns each character takes, and in linear time.

`textwrap` counts characters, so a line of CJK text (two columns a character) came out twice as wide as
the terminal, and it cuts a word longer than the line by slicing what is left of it again for every line,
which made a paragraph of one long word quadratic (10 MB of text took 86 s). This keeps `textwrap`'s own
rules where it had them, so ordinary prose wraps exactly as before: the same chunks (words, the spaces
between them, breaks after hyphens), whitespace dropped at the ends of lines, a word longer than the line
cut to fill it. Only the measure (columns, from rich's cell widths) and the cutting (one pass) differ.
"""
from __future__ import annotations

import textwrap
from typing import Callable

from rich.cells import cell_len, get_character_cell_size

_CHUNKER = textwrap.TextWrapper()


def _cut(word: str, first: int, width: int) -> list[str]:
    """`word` in pieces of at most `first` columns, then `width` columns each (one character at least,
    so a character wider than the space still moves on). One pass over the word."""
    pieces: list[str] = []
    if word.isascii():  # one column a character: plain slices
        pieces.append(word[:first])
        pieces += (word[i:i + width] for i in range(first, len(word), width))
        return [p for p in pieces if p]
    start, used, room = 0, 0, first
    for i, ch in enumerate(word):
        w = get_character_cell_size(ch)
        if used + w > room and i > start:
            pieces.append(word[start:i])
            start, used, room = i, 0, width
        used += w
    pieces.append(word[start:])
    return pieces


def wrap(text: str, width: int) -> list[str]:
    """The lines of `text` wrapped to `width` terminal columns (at least 1)."""
    width = max(1, width)
    chunks = _CHUNKER._split_chunks(text)  # textwrap's own chunks: words, spaces, hyphen breaks
    measure: Callable[[str], int] = len if text.isascii() else cell_len  # ASCII: a column a character
    lines: list[str] = []
    line: list[str] = []
    used = 0

    def end_line() -> None:
        nonlocal line, used
        if line and not line[-1].strip():
            del line[-1]
        if line:
            lines.append("".join(line))
        line, used = [], 0

    for chunk in chunks:
        blank = not chunk.strip()
        if blank and not line and lines:
            continue  # whitespace at the start of a line after the first is dropped
        w = measure(chunk)
        if used + w <= width:
            line.append(chunk)
            used += w
            continue
        if w > width and not blank:  # a word longer than a line: fill this line with its start
            pieces = _cut(chunk, width - used if used < width else width, width)
            if used >= width:
                end_line()
            line.append(pieces[0])
            for piece in pieces[1:]:
                end_line()
                line.append(piece)
            used = measure(line[-1])
            continue
        end_line()
        if not blank:
            line.append(chunk)
            used = w
    end_line()
    return lines


def fill(text: str, width: int) -> str:
    """`wrap`'s lines as one string, as `textwrap.fill` gives them."""
    return "\n".join(wrap(text, width))


__all__ = ["fill", "wrap"]
