"""The side panel: who the player is, the flags the author made visible, and the canon compass (whether
the player is on the original story's road, and where they first left it)."""
from __future__ import annotations

from typing import Callable

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from ..game import Game
from ..text import flag_value, literal
from .choices import CANON_MARK


BESIDE = 12  # columns: a flag value up to this wide sits beside its label; a longer one goes under it


def stats_table(game: Game) -> RenderableType:
    """The visible flags: a short value right-aligned beside its label, a longer one (a `str` flag's
    sentence) on the lines under it, wrapped at spaces like prose rather than cut or folded mid-word."""
    flags = game.session.visible_flags()
    if not flags:
        return Text("Nothing to track.", style="italic")
    parts: list[RenderableType] = []
    table: Table | None = None
    for label, value in flags:
        shown = flag_value(value)
        if cell_len(shown) <= BESIDE:
            if table is None:
                table = Table.grid(expand=True, padding=(0, 1), pad_edge=False)  # a space between the two
                table.add_column(ratio=1, overflow="fold")
                table.add_column(justify="right", no_wrap=True)
                parts.append(table)
            table.add_row(literal(label), literal(shown, "bold"))
        else:
            table = None
            parts.append(literal(label))
            parts.append(Padding(literal(shown, "bold"), (0, 0, 0, 2)))
    return parts[0] if len(parts) == 1 else Group(*parts)


def compass_text(game: Game) -> Text:
    status = game.session.canon_status()
    text = Text()
    if status.breaks == 0:
        text.append(f"{CANON_MARK} On the canon path")
    else:
        where = game.story.scenes[status.first_break].title if status.first_break in game.story.scenes \
            else status.first_break or "?"
        text.append("◇ Broke from canon at ")
        text.append_text(literal(where, "bold"))
        times = "once" if status.breaks == 1 else f"{status.breaks} times"
        text.append(f"\nLeft it {times}")
        if status.on_path:
            text.append("; back on it now")
    return text


class SidePanel(Vertical):
    """Kept in step after every move, but a part is only updated when what it shows has changed: each
    update of a `Static` has Textual measure and lay it out again, and most moves change one line."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: dict[str, object] = {}  # what each part was last updated from, by its id

    def compose(self) -> ComposeResult:
        yield Static(id="who", markup=False)
        yield Static("Status", classes="heading")
        yield Static(id="stats")
        yield Static("Canon compass", classes="heading")
        yield Static(id="compass", markup=False)
        yield Static(id="steps", markup=False)

    def _update(self, part: str, key: object, content: Callable[[], RenderableType]) -> None:
        if self._shown.get(part, self) != key:
            self._shown[part] = key
            self.query_one(f"#{part}", Static).update(content())

    def show(self, game: Game) -> None:
        story = game.story
        self._update("who", (story.role.name, story.title), lambda: who_text(game))
        self._update("stats", tuple(game.session.visible_flags()), lambda: stats_table(game))
        self._update("compass", game.session.canon_status(), lambda: compass_text(game))
        n, seen = game.decisions_made, len(game.session.visits)
        found = sum(1 for e in story.endings if e.id in game.found)
        self._update("steps", (n, seen, found, len(story.endings)), lambda: Text(
            f"{n} decision{'' if n == 1 else 's'} so far\n{seen} scene{'' if seen == 1 else 's'} seen\n"
            f"Endings found: {found} of {len(story.endings)}", style="italic"))


def who_text(game: Game) -> Text:
    who = Text()
    who.append_text(literal(game.story.role.name or game.story.title, "bold"))
    who.append("\n")
    who.append_text(literal(game.story.title, "italic"))
    return who
