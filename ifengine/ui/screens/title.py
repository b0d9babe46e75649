"""The title screen: the stories found, as cards (role, title, blurb, endings found, whether a run is in
progress), and Continue for the last run left unfinished. The cards come from a quick header scan in a
worker thread, so the screen is up before any story is loaded; the picked story loads in another."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from ...catalog import StoryCard, scan_story
from ..progress import read_progress
from ..text import literal
from .game_screen import HostScreen

if TYPE_CHECKING:
    from ...saves import Run


@dataclass(frozen=True)
class Entry:
    """A card and what the player has done with it."""

    card: StoryCard
    found: frozenset[str]  # ids of the endings found (from the progress record)
    autosave: Run | None  # the autosave when it holds a run in progress (not ended)

    @property
    def found_count(self) -> int:
        return sum(1 for e in self.card.endings if e.id in self.found)

    def scene_title(self) -> str:
        assert self.autosave is not None
        scene = self.autosave.end.scene
        return self.card.scene_titles.get(scene, scene)


def read_entries(folders: list[Path]) -> list[Entry]:
    """Scan the stories and read their progress and autosaves (file I/O: run in a worker thread)."""
    from ...saves import AUTOSAVE, RunFileError, read_run, slot_path

    entries: list[Entry] = []
    for folder in folders:
        card = scan_story(folder)
        progress = read_progress(card.story_id)
        autosave: Run | None = None
        try:
            run = read_run(slot_path(card.story_id, AUTOSAVE))
            if run.end.ending is None:
                autosave = run
        except RunFileError:
            pass
        entries.append(Entry(card, frozenset(progress.found), autosave))
    return entries


def _autosave_time(entry: Entry) -> dt.datetime:
    assert entry.autosave is not None
    return entry.autosave.updated


def card_prompt(entry: Entry) -> Text:
    card = entry.card
    text = Text()
    text.append_text(literal(card.role or card.title, "bold"))
    if card.role:
        text.append("  ·  ")
        text.append_text(literal(card.title, "italic"))
    if card.role_line:
        text.append("\n")
        text.append_text(literal(card.role_line))
    if card.blurb:
        text.append("\n")
        text.append_text(literal(card.blurb, "italic"))
    text.append(f"\nEndings found: {entry.found_count} of {len(card.endings)}")
    if entry.autosave is not None:
        text.append("  ·  run in progress at ")
        text.append_text(literal(entry.scene_title()))
    return text


def continue_prompt(entry: Entry) -> Text:
    assert entry.autosave is not None
    steps = len(entry.autosave.choices)
    text = Text()
    text.append("▶ Continue", style="bold")
    text.append("\n")
    text.append_text(literal(f"{entry.card.role or entry.card.title}, {entry.scene_title()} "
                             f"({steps:,} decision{'' if steps == 1 else 's'} in)"))
    return text


class TitleScreen(HostScreen[None]):
    BINDINGS = [
        Binding("e", "gallery", "Endings", tooltip="The endings found of the highlighted story"),
        Binding("l", "load", "Load", tooltip="Load a save of the highlighted story"),
    ]

    def __init__(self, entries: list[Entry] | None = None) -> None:
        """`entries`: the library as scanned before the app started (see `make_app`), else scanned here."""
        super().__init__()
        self._preloaded = entries
        self.entries: list[Entry] = []
        self._shown = False  # the first scan has reached the screen
        self.latest: Entry | None = None  # the story whose unfinished run was played last

    def compose(self) -> ComposeResult:
        with Vertical(id="title-page"):
            banner = Text(justify="center")
            banner.append("ifengine", style="bold")
            banner.append("\nbranching stories for the terminal", style="italic")
            yield Static(banner, id="banner", markup=False)
            yield OptionList(id="stories", classes="busy-target")
            yield Static(id="title-empty", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#title-empty").display = False
        self.query_one("#stories", OptionList).focus()
        if self._preloaded is not None:
            self.show_entries(self._preloaded)
            self._preloaded = None
        else:
            self.scan()

    def on_screen_resume(self) -> None:
        if self._shown:  # back from a story: its progress and autosave have changed
            self.scan()

    @work(thread=True, exclusive=True, group="title-scan")
    def scan(self) -> None:
        entries = read_entries(self.host.story_folders())
        self.app.call_from_thread(self.show_entries, entries)

    def show_entries(self, entries: list[Entry]) -> None:
        self.entries = entries
        self._shown = True
        stories = self.query_one("#stories", OptionList)
        previous = stories.highlighted_option.id if stories.highlighted_option else None
        in_progress = [e for e in entries if e.autosave is not None]
        self.latest = max(in_progress, key=_autosave_time) if in_progress else None
        options: list[Option | None] = []
        if self.latest is not None:
            options += [Option(continue_prompt(self.latest), id="continue"), None]
            assert self.latest.autosave is not None
            self.host.warm_up(self.latest.card.path, self.latest.autosave)
        for i, entry in enumerate(entries):
            if i:
                options.append(None)
            options.append(Option(card_prompt(entry), id=f"story-{i}"))
        stories.clear_options()
        stories.add_options(options)
        ids = [o.id for o in stories.options]
        stories.highlighted = ids.index(previous) if previous in ids else (0 if ids else None)
        empty = self.query_one("#title-empty", Static)
        empty.display = not entries
        stories.display = bool(entries)
        if not entries:
            from ...library import user_stories

            empty.update(f"No stories found. Put a story folder in {user_stories()} or in ./stories, or play "
                         "one by its path: ifengine play PATH. `ifengine docs language` describes how a story "
                         "is written.")

    def highlighted_entry(self) -> Entry | None:
        option = self.query_one("#stories", OptionList).highlighted_option
        if option is None or option.id is None:
            return None
        if option.id == "continue":
            return self.latest
        return self.entries[int(option.id.removeprefix("story-"))]

    @on(OptionList.OptionSelected, "#stories")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == "continue" and self.latest is not None:
            self.host.start_story(self.latest.card.path, "continue")
            return
        entry = self.highlighted_entry()
        if entry is None:
            return
        if entry.autosave is None:
            self.host.start_story(entry.card.path, "new")
            return
        from ..dialogs.start import StartChoice, StartDialog

        def answered(mode: StartChoice | None) -> None:
            if mode is not None:
                self.host.start_story(entry.card.path, mode)

        self.app.push_screen(StartDialog(entry.card.title, entry.scene_title(), len(entry.autosave.choices)), answered)

    def action_gallery(self) -> None:
        from .gallery import GalleryScreen

        entry = self.highlighted_entry()
        if entry is None:
            return
        self.app.push_screen(GalleryScreen(entry.card.title, list(entry.card.endings), set(entry.found)))

    def action_load(self) -> None:
        from ..dialogs.load import LoadDialog

        entry = self.highlighted_entry()
        if entry is None:
            return

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.host.start_story(entry.card.path, path)

        self.app.push_screen(LoadDialog(entry.card.story_id, entry.card.scene_titles, self.host.clock), chosen)
