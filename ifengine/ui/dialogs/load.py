"""Load a saved run of the story: every save with its role, scene, date, decisions and ending. A file that
cannot be read is listed with the reason, never hidden."""
from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...saves import Run, RunFileError, list_saves
from ..clock import Clock
from ..text import literal


def save_prompt(path: Path, run: Run, clock: Clock, titles: dict[str, str]) -> Text:
    text = Text()
    text.append_text(literal(run.name or path.stem, "bold"))
    text.append("  ")
    text.append_text(literal(run.role or run.title))
    text.append("  ·  ")
    if run.end.ending:
        text.append("ending: ")
    text.append_text(literal(titles.get(run.end.scene, run.end.scene), "italic"))
    steps = len(run.choices)  # what was played, whatever the file claims its end took
    text.append(f"\n   {clock.show(run.updated)}  ·  {steps:,} decision{'' if steps == 1 else 's'}")
    return text


def broken_prompt(path: Path, error: RunFileError) -> Text:
    message = str(error)
    prefix = f"{path}: "
    text = Text()
    text.append("✗ ", style="bold")
    text.append_text(literal(path.name, "bold"))
    text.append("\n   ")
    text.append_text(literal(message[len(prefix):] if message.startswith(prefix) else message, "italic"))
    return text


class LoadDialog(ModalScreen[Path | None]):
    """Dismissed with the path of the save to load, or None."""

    BINDINGS = [Binding("escape,l", "close", "Cancel")]

    def __init__(self, story_id: str, scene_titles: dict[str, str], clock: Clock) -> None:
        super().__init__()
        self.story_id, self.titles, self.clock = story_id, scene_titles, clock
        self.paths: dict[str, Path] = {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="load"):
            yield Static("Load a saved run", classes="dialog-title")
            yield OptionList(id="saves")
            yield Static("Enter load · Esc cancel", classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#saves", OptionList).focus()
        self.read_saves()

    @work(thread=True, exclusive=True, group="list-saves")
    def read_saves(self) -> None:
        saves = list_saves(self.story_id)
        self.app.call_from_thread(self.show_saves, saves)

    def show_saves(self, saves: list[tuple[Path, Run | RunFileError]]) -> None:
        listing = self.query_one("#saves", OptionList)
        listing.clear_options()
        for i, (path, run) in enumerate(saves):
            if i:
                listing.add_option(None)
            if isinstance(run, Run):
                self.paths[str(i)] = path
                listing.add_option(Option(save_prompt(path, run, self.clock, self.titles), id=str(i)))
            else:
                listing.add_option(Option(broken_prompt(path, run), disabled=True))
        if not saves:
            listing.add_option(Option(Text("No saves yet for this story. Press s while playing to save.",
                                           style="italic"), disabled=True))
        first = next((i for i, o in enumerate(listing.options) if not o.disabled), None)
        listing.highlighted = first

    @on(OptionList.OptionSelected, "#saves")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id in self.paths:
            self.dismiss(self.paths[event.option.id])

    def action_close(self) -> None:
        self.dismiss(None)
