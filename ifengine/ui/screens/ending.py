"""The ending screen: the ending's title, its kind (canon, alternate, death) and its epilogue, how many of
the story's endings the player has found, and where to go next. Undo and the history stay open: an ending
is a place to branch from, not only a stop."""
from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical, VerticalScroll
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from ...model import Story
from ..catalog import EndingInfo
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


class EndingScreen(GameScreen):
    BINDINGS = [Binding(key, action, short, tooltip=label) for action, key, label, short in MENU] + [
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
                yield Static(f"Endings found: {found} of {total}   ·   {game.steps} decisions this run",
                             id="ending-stats", markup=False)
            with Center():
                yield OptionList(*[Option(Text.assemble((f"{key}  ", "bold"), label), id=action)
                                   for action, key, label, _ in MENU], id="ending-menu")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#ending-menu", OptionList).focus()
        page = self.query_one("#ending-page", VerticalScroll)
        self.call_after_refresh(page.scroll_home, animate=False)  # the title first; the keys are in the footer

    @on(OptionList.OptionSelected, "#ending-menu")
    def _menu(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.run_action(event.option.id)

    def _play(self):
        from .play import PlayScreen

        below = self.app.screen_stack[-2]
        return below if isinstance(below, PlayScreen) else None

    def action_gallery(self) -> None:
        from .gallery import GalleryScreen

        game = self.game
        self.app.push_screen(GalleryScreen(game.story.title, endings_of(game.story), game.found))

    def action_undo(self) -> None:
        play = self._play()
        self.app.pop_screen()
        if play is not None:
            play.action_undo()

    def action_history(self) -> None:
        from .history import HistoryScreen

        play = self._play()

        def chosen(index: int | None) -> None:
            if index is not None and play is not None:
                self.app.pop_screen()
                play.rewind(index)

        self.app.push_screen(HistoryScreen(), chosen)

    def action_map(self) -> None:
        from .map import MapScreen

        play = self._play()

        def chosen(path: tuple[str, ...] | None) -> None:
            if path is not None and play is not None and path != tuple(self.game.session.choices_taken):
                self.app.pop_screen()
                play.go_to(path)

        self.app.push_screen(MapScreen(), chosen)

    def action_new(self) -> None:
        from ...runtime import Session

        game = self.game
        fresh = Game(game.story, game.path, Session(game.story, self.app.new_seed()), game.found)  # type: ignore[attr-defined]
        self.app.pop_screen()
        self.app.swap_game(fresh, note="A new run begins.")  # type: ignore[attr-defined]

    def action_read(self) -> None:
        self.app.pop_screen()

    def action_title(self) -> None:
        play = self._play()
        self.app.pop_screen()
        if play is not None:
            play.action_title()
