"""The history: every decision of the current road, in order. Picking one goes back to just before it, so
the player can take the other road from there (the engine's `rewind`)."""
from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..game import Decision, Game
from ..text import literal
from ..widgets.choices import CANON_MARK, hanging


def decision_prompt(d: Decision) -> Table:
    """`  3. Scene  ›  label  ◆`, and a line for each scene the story then went through by itself; a row too
    long for the dialog wraps under its text, not under the number."""
    text = Text()
    text.append_text(literal(d.scene_title, "italic"))
    text.append("  ›  ")
    text.append_text(literal(d.label))
    if d.canon is True:
        text.append(f"  {CANON_MARK}", style="bold")
    elif d.canon is False:
        text.append("  (off canon)", style="italic")
    body = Table.grid()
    body.add_column(ratio=1)
    body.add_row(text)
    for title in d.passed:
        body.add_row(hanging("then, by itself: ", literal(title, "italic")))
    return hanging(f"{d.index + 1:>3}. ", body, "bold")


class HistoryScreen(ModalScreen[int | None]):
    """Dismissed with the index of the decision to go back to, or None."""

    BINDINGS = [Binding("escape,h", "close", "Close")]

    def __init__(self, game: Game) -> None:
        super().__init__()
        self.game = game

    def compose(self) -> ComposeResult:
        game = self.game
        decisions = game.decisions()
        with Vertical(classes="dialog", id="history"):
            yield Static("History", classes="dialog-title")
            if decisions:
                yield Static("Pick a decision to go back to it and choose again.", classes="dialog-note")
            else:
                yield Static("No decisions yet: the story has only begun.", classes="dialog-note")
            options = [Option(decision_prompt(d), id=str(d.index)) for d in decisions]
            now = Text("     Now: ", style="bold")
            now.append_text(literal(game.view.title, "italic"))
            options.append(Option(now, id="now", disabled=True))
            yield OptionList(*options, id="decisions")
            yield Static("Enter go back there · Esc close", classes="dialog-keys")

    def on_mount(self) -> None:
        decisions = self.query_one("#decisions", OptionList)
        decisions.focus()
        if decisions.option_count > 1:
            decisions.highlighted = decisions.option_count - 2  # the latest decision
        decisions.scroll_to_highlight()

    @on(OptionList.OptionSelected, "#decisions")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id and event.option.id.isdigit():
            self.dismiss(int(event.option.id))

    def action_close(self) -> None:
        self.dismiss(None)
