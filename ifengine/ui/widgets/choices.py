"""The choices of the current scene as a list: arrows and Enter, the mouse, or the number keys (bound on
the play screen). Disabled choices stay in the list, greyed, with the author's reason under them, so the
player sees what a different road would have needed."""
from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.table import Table
from rich.text import Text
from textual import on
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...runtime import ChoiceView, SceneView
from ..messages import ChoicePicked
from ..text import literal

CANON_MARK = "◆"


def hanging(lead: str | Text, body: Text | Table, lead_style: str = "") -> Table:
    """`lead` then `body`, with every wrapped line of `body` starting under its first: a grid of two
    columns, so a label or a reason too long for one line keeps its indent however wide the screen is."""
    grid = Table.grid()
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(Text(lead, style=lead_style) if isinstance(lead, str) else lead, body)
    return grid


class Laid:
    """A renderable laid out once for each width it is drawn at. Textual draws an option's prompt several
    times for one move (its height, the list's height, the option plain and highlighted), and a prompt is
    a rich grid (`hanging`), whose every drawing measures and wraps its columns again: the choice list's
    costliest part. The lines do not depend on the style drawn in (Textual applies that to them after)."""

    def __init__(self, renderable: Table) -> None:
        self.renderable = renderable
        self._lines: dict[int, list[list[Segment]]] = {}

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = self._lines.get(options.max_width)
        if lines is None:
            lines = console.render_lines(self.renderable, options, pad=False)
            self._lines[options.max_width] = lines
        for line in lines:
            yield from line
            yield Segment.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.renderable)


def choice_prompt(number: int, choice: ChoiceView) -> Table:
    """`1 ◆ label`, and for a disabled choice `✗ reason` under the label; wrapped lines hang under the
    label (and under the reason)."""
    lead = Text()
    lead.append(f"{number} " if number <= 9 else "  ", style="bold")
    lead.append(f"{CANON_MARK} " if choice.canon else "  ", style="bold")
    label = literal(choice.label)
    if choice.enabled:
        return hanging(lead, label)
    body = Table.grid()
    body.add_column(ratio=1)
    body.add_row(label)
    body.add_row(hanging("✗ ", literal(choice.reason or "not available", "italic")))
    return hanging(lead, body)


class ChoiceList(OptionList):
    """Posts `ChoicePicked` when an enabled choice is selected."""

    rows = 0  # lines the choices take before wrapping (a change moves the transcript's bottom edge)

    def show(self, view: SceneView) -> None:
        self.clear_options()
        self.add_options(Option(Laid(choice_prompt(i, c)), id=c.id, disabled=not c.enabled)
                         for i, c in enumerate(view.choices, 1))
        self.rows = sum(1 if c.enabled else 2 for c in view.choices)
        first = next((i for i, c in enumerate(view.choices) if c.enabled), None)
        self.highlighted = first  # after clear_options nothing is highlighted and Enter would select nothing
        self.display = bool(view.choices)
        self.scroll_home(animate=False)

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(ChoicePicked(event.option.id))
