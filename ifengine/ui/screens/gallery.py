"""The gallery of a story's endings: those found with their title and kind, the rest as "???" so a player
knows how many roads remain without being told where they lead."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ...catalog import EndingInfo
from ..text import ending_kind, literal


def gallery_text(endings: list[EndingInfo], found: set[str]) -> Text:
    text = Text()
    for i, ending in enumerate(endings):
        if i:
            text.append("\n")
        if ending.id in found:
            text.append("★ ", style="bold")
            text.append_text(literal(ending.title, "bold"))
            text.append("  ")
            text.append_text(literal(ending_kind(ending.kind), "italic"))
        else:
            text.append("☆ ???", style="dim")
    return text


class GalleryScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,g,e,enter", "close", "Close")]

    def __init__(self, story_title: str, endings: list[EndingInfo], found: set[str]) -> None:
        super().__init__()
        self.story_title = story_title
        self.endings = endings
        self.found = found

    def compose(self) -> ComposeResult:
        count = sum(1 for e in self.endings if e.id in self.found)
        with Vertical(classes="dialog", id="gallery"):
            yield Static(literal(f"Endings of {self.story_title}"), classes="dialog-title", markup=False)
            yield Static(f"{count} of {len(self.endings)} found", classes="dialog-note", markup=False)
            with VerticalScroll():
                yield Static(gallery_text(self.endings, self.found), markup=False)
            yield Static("Esc to close", classes="dialog-keys", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
