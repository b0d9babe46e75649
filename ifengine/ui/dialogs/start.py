"""Picking a story that has a run in progress: continue it, or start a new run (the run in progress is
then kept as a numbered "previous run" save, never replaced)."""
from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..text import literal

StartChoice = Literal["continue", "new"]


def _choice(option_id: str | None) -> StartChoice | None:
    return "continue" if option_id == "continue" else "new" if option_id == "new" else None


class StartDialog(ModalScreen[StartChoice | None]):
    """Dismissed with "continue", "new" or None."""

    BINDINGS = [Binding("escape", "close", "Cancel"), Binding("c", "pick('continue')", show=False),
                Binding("n", "pick('new')", show=False)]

    def __init__(self, story_title: str, scene_title: str, steps: int) -> None:
        super().__init__()
        self.story_title, self.scene_title, self.steps = story_title, scene_title, steps

    def compose(self) -> ComposeResult:
        cont = Text.assemble(("c  Continue", "bold"), " at ")
        cont.append_text(literal(self.scene_title, "italic"))
        cont.append(f" ({self.steps} decision{'' if self.steps == 1 else 's'} in)")
        new = Text.assemble(("n  New run", "bold"), " from the beginning\n   (the run in progress is kept: Load "
                            "lists it as a previous run)")
        with Vertical(classes="dialog", id="start"):
            yield Static(literal(self.story_title), classes="dialog-title", markup=False)
            yield OptionList(Option(cont, id="continue"), None, Option(new, id="new"), id="start-options")
            yield Static("Enter pick · Esc cancel", classes="dialog-keys")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(_choice(event.option.id))

    def action_pick(self, mode: StartChoice) -> None:
        self.dismiss(mode)

    def action_close(self) -> None:
        self.dismiss(None)
