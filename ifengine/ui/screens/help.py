"""Every key, screen by screen, built from the screens' own bindings so the list cannot drift from them."""
from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

EXTRA = {
    "Title screen": [("↑ ↓, Enter, mouse", "Pick a story, or Continue your last run")],
    "Playing": [("↑ ↓, Enter, mouse", "Pick a choice"), ("Tab", "Move between the choices and the transcript")],
}
NAMES = {"question_mark": "?", "escape": "Esc", "space": "Space", "right": "→", "pageup": "PgUp",
         "pagedown": "PgDn", "enter": "Enter", "plus": "+", "minus": "-"}


def _keys(binding: Binding) -> str:
    if binding.key_display:
        return binding.key_display
    return " / ".join(NAMES.get(k.strip(), k.strip()) for k in binding.key.split(","))


def sections() -> list[tuple[str, list[tuple[str, str]]]]:
    from ..bindings import APP_BINDINGS
    from .ending import EndingScreen
    from .play import PlayScreen
    from .title import TitleScreen

    out: list[tuple[str, list[tuple[str, str]]]] = []
    for name, bindings in (("Title screen", TitleScreen.BINDINGS), ("Playing", PlayScreen.BINDINGS),
                           ("Ending", EndingScreen.BINDINGS), ("Everywhere", APP_BINDINGS)):
        rows = list(EXTRA.get(name, []))
        for b in bindings:
            assert isinstance(b, Binding)
            if b.action.startswith("choose(") and b.action != "choose(1)" or b.action == "nothing_to_undo":
                continue
            rows.append((_keys(b), b.tooltip or b.description))
        out.append((name, rows))
    return out


def keys_table() -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, style="bold")
    table.add_column()
    for i, (name, rows) in enumerate(sections()):
        if i:
            table.add_row("", "")
        table.add_row(Text(name, style="bold underline"), "")
        for keys, what in rows:
            table.add_row(keys, what)
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark", "close", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="help"):
            yield Static("Keys", classes="dialog-title")
            with VerticalScroll(id="help-body"):
                yield Static(keys_table(), markup=False)
            yield Static("Esc to close", classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
