"""The side panel: who the player is, the flags the author made visible, and the canon compass (whether
the player is on the original story's road, and where they first left it)."""
from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from ..game import Game
from ..text import flag_value, literal
from .choices import CANON_MARK


def stats_table(game: Game) -> Table | Text:
    flags = game.session.visible_flags()
    if not flags:
        return Text("Nothing to track.", style="italic")
    table = Table.grid(expand=True)
    table.add_column(ratio=1, overflow="fold")
    table.add_column(justify="right", no_wrap=True)
    for label, value in flags:
        table.add_row(literal(label), literal(flag_value(value), "bold"))
    return table


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
    def compose(self) -> ComposeResult:
        yield Static(id="who", markup=False)
        yield Static("Status", classes="heading")
        yield Static(id="stats")
        yield Static("Canon compass", classes="heading")
        yield Static(id="compass", markup=False)
        yield Static(id="steps", markup=False)

    def show(self, game: Game) -> None:
        who = Text()
        who.append_text(literal(game.story.role.name or game.story.title, "bold"))
        who.append("\n")
        who.append_text(literal(game.story.title, "italic"))
        self.query_one("#who", Static).update(who)
        self.query_one("#stats", Static).update(stats_table(game))
        self.query_one("#compass", Static).update(compass_text(game))
        n, seen = game.decisions_made, len(game.session.visits)
        endings = [s.id for s in game.story.endings]
        found = sum(1 for e in endings if e in game.found)
        self.query_one("#steps", Static).update(Text(
            f"{n} decision{'' if n == 1 else 's'} so far\n{seen} scene{'' if seen == 1 else 's'} seen\n"
            f"Endings found: {found} of {len(endings)}", style="italic"))
