"""Save to a named slot: type a name (Enter saves, Esc cancels). The slots already there are listed
below, with their scene and date; picking one puts its name in the box, to save over it."""
from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ...saves import AUTOSAVE, Run, RunFileError, list_saves
from ..clock import Clock
from ..text import literal


def slot_prompt(path: Path, run: Run, clock: Clock, scene_titles: dict[str, str] | None = None) -> Text:
    titles = scene_titles or {}
    text = Text()
    text.append_text(literal(run.name or path.stem, "bold"))
    text.append("  ")
    text.append_text(literal(titles.get(run.end.scene, run.end.scene), "italic"))
    text.append(f"  ·  {clock.show(run.updated)}")
    return text


class SaveDialog(ModalScreen[str | None]):
    """Dismissed with the slot name to save to, or None."""

    BINDINGS = [Binding("escape", "close", "Cancel")]

    def __init__(self, story_id: str, clock: Clock, scene_titles: dict[str, str] | None = None) -> None:
        super().__init__()
        self.story_id, self.clock, self.scene_titles = story_id, clock, scene_titles or {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="save"):
            yield Static("Save this run", classes="dialog-title")
            yield Input(placeholder="a name for this save, e.g. before-the-bridge", id="slot-name",
                        max_length=60)
            yield Static(id="save-error", markup=False)
            yield Static("Saves of this story", classes="dialog-note")
            yield OptionList(id="slots")
            yield Static("Enter save · Esc cancel", id="save-keys", classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#save-error").display = False
        self.query_one("#slot-name", Input).focus()
        self.read_slots()

    @work(thread=True, exclusive=True, group="list-saves")
    def read_slots(self) -> None:
        saves = [(p, r) for p, r in list_saves(self.story_id) if p.stem != AUTOSAVE]
        self.app.call_from_thread(self.show_slots, saves)

    def show_slots(self, saves: list[tuple[Path, Run | RunFileError]]) -> None:
        slots = self.query_one("#slots", OptionList)
        slots.clear_options()
        for path, run in saves:
            if isinstance(run, Run):
                slots.add_option(Option(slot_prompt(path, run, self.clock, self.scene_titles), id=path.stem))
            else:
                slots.add_option(Option(literal(f"✗ {path.name}: unreadable (saving here keeps it as "
                                                f"{path.name}.bad)"), id=path.stem))
        if not saves:
            slots.add_option(Option(Text("No saves yet.", style="italic"), disabled=True))
        else:
            self.query_one("#save-keys", Static).update("Enter save · Esc cancel · ↓ pick a slot to save over")
        slots.highlighted = None

    @on(OptionList.OptionSelected, "#slots")
    def _slot_picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            name_box = self.query_one("#slot-name", Input)
            name_box.value = event.option.id
            name_box.focus()

    def on_key(self, event) -> None:
        if event.key == "down" and self.focused is self.query_one("#slot-name"):
            self.query_one("#slots", OptionList).focus()
            event.stop()

    @on(Input.Submitted, "#slot-name")
    def _submitted(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        problem = ""
        if not name:
            problem = "Type a name for the save."
        elif name.lower() == AUTOSAVE:
            problem = "That name is kept for the autosave; pick another."
        elif any(ch in name for ch in "/\\") or name.startswith("."):
            problem = "A save's name cannot hold / or \\ or start with a dot: type a name, not a path."
        if problem:
            error = self.query_one("#save-error", Static)
            error.update(problem)
            error.display = True
            return
        self.dismiss(name)

    def action_close(self) -> None:
        self.dismiss(None)
