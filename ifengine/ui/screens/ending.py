"""The ending screen: the ending's title, its kind (canon, alternate, death) and its epilogue, how many of
the story's endings the player has found, and where to go next. Undo and the history stay open: an ending
is a place to branch from, not only a stop.

The screen never calls the play screen under it: the moves that happen there (undo, going back in the
history or on the map, back to the title) are its result, `dismiss(...)`ed to the play screen's callback."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical, VerticalScroll
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from ...model import Story
from ...catalog import EndingInfo
from ..game import Game
from ..text import ending_kind, literal
from .game_screen import GameScreen

MENU = [  # action, key, menu line, footer label
    ("gallery", "g", "Gallery of endings", "Gallery"),
    ("undo", "u", "Undo the last decision", "Undo"),
    ("history", "h", "Go back to an earlier decision", "History"),
    ("map", "m", "Story map", "Map"),
    ("new", "n", "Start a new run", "New run"),
    ("read", "r", "Read the whole run again", "Read"),
    ("title", "t", "Title screen", "Title"),
]


@dataclass(frozen=True)
class Undo:
    """Undo the last decision."""


@dataclass(frozen=True)
class Rewind:
    """Go back to just before decision `index` (picked in the history)."""

    index: int


@dataclass(frozen=True)
class GoTo:
    """Go to the point of the story map reached by `path`."""

    path: tuple[str, ...]


@dataclass(frozen=True)
class ToTitle:
    """Back to the title screen."""


EndingChoice = Undo | Rewind | GoTo | ToTitle  # what the play screen does once the ending screen is closed


def endings_of(story: Story) -> list[EndingInfo]:
    return [EndingInfo(s.id, s.ending_kind or "", s.title) for s in story.endings]


def epilogue_text(game: Game) -> Text:
    view = game.view
    assert view.ending is not None
    text = Text(justify="center")
    text.append("THE END\n\n", style="bold")
    text.append_text(literal(view.ending.title, "bold"))
    text.append("\n")
    text.append_text(literal(ending_kind(view.ending.kind), "italic"))
    return text


class EndingScreen(GameScreen[EndingChoice | None]):
    """Dismissed with the move for the play screen to make, or None (back to the transcript, or a new run,
    which the app starts)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(key, action, short, tooltip=label) for action, key, label, short in MENU),
        Binding("escape", "read", "Back", show=False, tooltip="Back to the transcript"),
    ]

    def compose(self) -> ComposeResult:
        game = self.game
        view = game.view
        assert view.ending is not None
        found, total = len({e.id for e in endings_of(game.story)} & game.found), len(game.story.endings)
        with VerticalScroll(id="ending-page"):
            with Vertical(id="ending-card", classes=f"kind-{view.ending.kind}"):
                yield Static(epilogue_text(game), id="ending-title", markup=False)
                epilogue = "\n\n".join(view.paragraphs)
                if epilogue:
                    yield Static(literal(epilogue), id="epilogue", markup=False)
                n = game.decisions_made
                yield Static(f"Endings found: {found} of {total}   ·   {n} decision{'' if n == 1 else 's'} this run",
                             id="ending-stats", markup=False)
            with Center():
                yield OptionList(*[Option(Text.assemble((f"{key}  ", "bold"), label), id=action)
                                   for action, key, label, _ in MENU], id="ending-menu")
        yield Footer()

    def on_mount(self) -> None:
        """The page has the keyboard, so the arrows, PgUp/PgDn and Home/End scroll a long epilogue (the
        menu's keys are in the footer; Tab reaches the menu). It opens at its top: "THE END", the title."""
        page = self.query_one("#ending-page", VerticalScroll)
        page.focus(scroll_visible=False)
        self.call_after_refresh(page.scroll_home, animate=False)

    @on(OptionList.OptionSelected, "#ending-menu")
    async def _menu(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            await self.run_action(event.option.id)

    def action_gallery(self) -> None:
        from .gallery import GalleryScreen

        game = self.game
        self.app.push_screen(GalleryScreen(game.story.title, endings_of(game.story), game.found))

    def action_undo(self) -> None:
        self.dismiss(Undo())

    def action_history(self) -> None:
        from .history import HistoryScreen

        def chosen(index: int | None) -> None:
            if index is not None:
                self.dismiss(Rewind(index))

        self.app.push_screen(HistoryScreen(self.game), chosen)

    def action_map(self) -> None:
        from .map import MapScreen

        def chosen(path: tuple[str, ...] | None) -> None:
            if path is not None and path != tuple(self.game.session.choices_taken):
                self.dismiss(GoTo(path))

        self.app.push_screen(MapScreen(self.game), chosen)

    def action_new(self) -> None:
        from ...runtime import Session

        game = self.game
        fresh = Game(game.story, game.path, Session(game.session.program, self.host.new_seed()), game.found)
        self.dismiss(None)
        self.host.swap_game(fresh, note="A new run begins.")

    def action_read(self) -> None:
        self.dismiss(None)

    def action_title(self) -> None:
        self.dismiss(ToTitle())
