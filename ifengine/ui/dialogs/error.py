"""A story that cannot be played: its diagnostics, as `ifengine check` prints them."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..text import literal


class ErrorDialog(ModalScreen[None]):
    BINDINGS = [Binding("escape,enter", "close", "Close")]

    def __init__(self, title: str, lines: list[str]) -> None:
        super().__init__()
        self.title_text, self.lines = title, lines

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="error"):
            yield Static(literal(self.title_text), classes="dialog-title", markup=False)
            with VerticalScroll(id="error-body"):
                yield Static(literal("\n".join(self.lines) or "(no details)"), markup=False)
            yield Static("Fix the story and pick it again (ifengine check PATH lists every problem) · Esc close",
                         classes="dialog-keys", markup=False)

    def on_mount(self) -> None:
        self.query_one("#error-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
