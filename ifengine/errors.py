"""One family for every failure ifengine reports on purpose. A client catches `IfengineError` and shows
its message in one line (or its diagnostics as file:line:col); anything else reaching the top is a bug.

The story-facing errors carry `Diagnostic`s, so a fault in play, a run that no longer fits and a broken
script are all shown the same way and matched on the same stable codes.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic, Severity
from .source import Span

if TYPE_CHECKING:
    from .model import Story


class IfengineError(Exception):
    """Base of every error ifengine raises for something outside itself: a story, a run file, a command
    line, a missing tool. `diagnostics` is empty for the ones that have no place in a file."""

    diagnostics: tuple[Diagnostic, ...] = ()


class UsageError(IfengineError):
    """Bad command-line usage: exit status 2 with a one-line message."""


class StoryError(IfengineError):
    """A story that cannot be played: carries every diagnostic (errors and warnings) found."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        self.story: Story | None = None  # what could be assembled: its sources let a client quote the lines
        self.path: Path | None = None
        errors = [d for d in diagnostics if d.is_error]
        first = str(errors[0]) if errors else "story has errors"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(first + more)


class StoryRuntimeError(IfengineError):
    """A fault while playing that the checker cannot rule out (division by zero, a runaway loop)."""

    CODE = "IFS300"

    def __init__(self, message: str, span: Span | None = None) -> None:
        self.span = span
        self.reason = message
        where = span or Span("", 0, 0)
        self.diagnostics = (Diagnostic(where.file, where.line, where.col, message, self.CODE),)
        super().__init__(f"{span}: {message}" if span else message)


class ChoiceError(IfengineError):
    """`choose()` was given a choice id the current scene does not offer."""


class RunFileError(IfengineError):
    """A run or save file that cannot be used. The message is one line naming the file and the problem."""


class ToolError(IfengineError):
    """An outside program a command needs is missing or failed (Graphviz for `graph --format svg`)."""


def run_diagnostic(file: str, message: str, code: str, severity: Severity = Severity.WARNING) -> Diagnostic:
    """A diagnostic about a run file rather than a script: it has a file but no line in it."""
    return Diagnostic(file, 1, 1, message, code, severity)
