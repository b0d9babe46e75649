"""Printing diagnostics for people: the message line, the source line, a caret under the column."""
from __future__ import annotations

import os
import sys
from typing import IO, Iterable

from .diagnostics import Diagnostic
from .model import Story
from .safe_text import visible
from .source import SourceFile


def use_colour(stream: IO[str]) -> bool:
    """Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    return not os.environ.get("NO_COLOR") and hasattr(stream, "isatty") and stream.isatty()


def sources_by_name(story: Story | None) -> dict[str, SourceFile]:
    return {f.source.name: f.source for f in story.files} if story else {}


def format_diagnostic(d: Diagnostic, source: SourceFile | None, colour: bool = False) -> str:
    head = visible(str(d))
    if colour:
        tint = "\x1b[1;31m" if d.is_error else "\x1b[1;33m"
        head = head.replace(f": {d.severity.value}: ", f": {tint}{d.severity.value}\x1b[0m: ", 1)
        head = f"\x1b[1m{head[: head.index(':')]}\x1b[0m{head[head.index(':'):]}"
    if source is None:
        return head
    line = source.line_text(d.line)
    if not line.strip():
        return head
    line = visible(line)  # one character for one: the caret's column is unchanged
    shown = line.expandtabs(4) if len(line) <= 200 else line[:200] + " ..."
    prefix = line[: d.col - 1].expandtabs(4)
    caret = " " * min(len(prefix), 200) + "^"
    if colour:
        from .highlight import highlight_ansi  # pygments loads only when colour is on

        shown = highlight_ansi(shown)
        caret = f"\x1b[1;32m{caret}\x1b[0m"
    return f"{head}\n    {shown}\n    {caret}"


def print_diagnostics(diags: Iterable[Diagnostic], story: Story | None, stream: IO[str] | None = None) -> None:
    stream = sys.stdout if stream is None else stream  # looked up now: sys.stdout may have been replaced
    sources = sources_by_name(story)
    colour = use_colour(stream)
    for d in diags:
        print(format_diagnostic(d, sources.get(d.file), colour), file=stream)


def summary(diags: list[Diagnostic]) -> str:
    errors = sum(d.is_error for d in diags)
    warnings = len(diags) - errors
    plural = lambda n, w: f"{n} {w}{'' if n == 1 else 's'}"  # noqa: E731
    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"
