"""Source files and spans: where every piece of a story came from, for diagnostics."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Span:
    """A region of a source file, 1-based lines and columns, as an editor shows them."""

    file: str
    line: int
    col: int
    end_line: int = 0
    end_col: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One script file's text, normalised for parsing, and the name diagnostics use for it."""

    path: Path
    name: str
    text: str

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its newline ('' past the end)."""
        lines = self.text.split("\n")
        return lines[line - 1] if 1 <= line <= len(lines) else ""

    def span(self, meta: object) -> Span:
        """A span from a lark `Meta` or `Token` (both carry line/column attributes)."""
        return Span(
            self.name,
            getattr(meta, "line", 1),
            getattr(meta, "column", 1),
            getattr(meta, "end_line", 0) or 0,
            getattr(meta, "end_column", 0) or 0,
        )


def normalise(text: str) -> str:
    """Strip a byte-order mark, turn CRLF/CR into LF and end with a newline, so the grammar sees one shape."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.endswith("\n"):
        text += "\n"
    return text
