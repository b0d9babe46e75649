"""The problems panel of live editing: while the story on disk has errors, the play screen lists them here
(`file:line:col: message [CODE]`, the source line syntax-highlighted, a caret under the column) and the
last version without errors stays playable underneath. It goes away when an edit fixes them.

Everything the author wrote (messages quote it, source lines are it) is shown as literal rich Text, never
markup. The panel is docked with a capped height and scrolls, so a long list still leaves the story room
at 80x24."""
from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...diagnostics import Diagnostic
from ...source import SourceFile
from ..text import clean, literal
from ..watch import Problems

SOURCE_WIDTH = 64  # columns of a source line shown at least; longer lines are cut around the error's column
TAB = 4  # as `ifengine check` prints them (render.format_diagnostic)


def heading(d: Diagnostic) -> Text:
    """`file:line:col: message [CODE]`, the form `ifengine check` and editors' problem matchers use."""
    text = Text()
    text.append_text(literal(f"{d.file}:{d.line}:{d.col}", "bold"))
    text.append(": ")
    text.append_text(literal(d.message))
    text.append(f" [{d.code}]", style="dim")
    return text


def window(line: str, col: int, width: int = SOURCE_WIDTH) -> tuple[str, int]:
    """The part of a source line to show and the caret's offset in it: the whole line when it fits, else
    `width` columns around `col` (1-based), marked with an ellipsis where cut. Tabs are expanded first."""
    before = line[: max(col - 1, 0)].expandtabs(TAB)
    full = before + line[max(col - 1, 0):].expandtabs(TAB)  # the same expansion `before` got
    caret = len(before)
    if len(full) <= width:
        return full, caret
    start = max(0, min(caret - width // 2, len(full) - width))
    shown = full[start:start + width]
    if start > 0:
        shown = "…" + shown[1:]
    if start + width < len(full):
        shown = shown[:-1] + "…"
    return shown, caret - start


def source_text(d: Diagnostic, source: SourceFile | None, width: int = SOURCE_WIDTH) -> Text | None:
    """The offending line, highlighted, with a caret under the column; None when there is no line to show."""
    line = source.line_text(d.line) if source is not None else ""
    if not line.strip():
        return None
    from ...highlight import highlight_line  # pygments loads when there is something to colour

    shown, caret = window(line, d.col, width)
    text = Text(no_wrap=True, overflow="crop")
    text.append("  ")
    text.append_text(highlight_line(clean(shown)))  # clean() keeps one character per character: columns hold
    text.append("\n  " + " " * caret)
    text.append("^", style="bold red")
    return text


def title(problems: Problems) -> str:
    n = len(problems.errors)
    return f"{n} error{'' if n == 1 else 's'} in the edited story · playing the last version without errors"


class ProblemsPanel(VerticalScroll):
    """Docked above the story while the edited story has errors; hidden otherwise."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.problems: Problems | None = None

    def show(self, problems: Problems | None) -> None:
        """Show these problems (None: hide the panel). Showing the same list again does nothing."""
        if problems is self.problems:
            return
        self.problems = problems
        self.remove_children()
        self.display = problems is not None
        if problems is None:
            return
        self.border_title = title(problems)
        self.border_subtitle = "fix and save: the story reloads"
        rows: list[Static] = []
        width = max(SOURCE_WIDTH, self.app.size.width - 8)  # the panel's border, padding and line indent
        for i, d in enumerate(problems.errors):
            rows.append(Static(heading(d), classes="problem" + (" later" if i else ""), markup=False))
            src = source_text(d, problems.sources.get(d.file), width)
            if src is not None:
                rows.append(Static(src, classes="problem-source", markup=False))
        if not rows:  # not expected (a failed load always has an error), but an empty red box would say nothing
            rows.append(Static("The story could not be loaded.", classes="problem", markup=False))
        self.mount_all(rows)
        self.scroll_home(animate=False)

    def plain(self) -> str:
        """The panel's text without styles: what the tests read."""
        return "\n".join(str(row.render()) for row in self.query(Static))
