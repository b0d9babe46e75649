"""The scrolling transcript: every scene of the current road, earlier ones dimmed, each decision shown
between the scene it was taken in and the scene it led to. It is kept in step with the game by key (the
choice id and scene id of each step), so undo or rewind removes only the blocks that changed, and the rest
keep their place and the scroll position."""
from __future__ import annotations

from rich.text import Text
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from ...runtime import SceneView
from ..game import Game
from ..text import clean, literal


def scene_text(view: SceneView) -> Text:
    """A scene's title, its viewpoint if it is an interlude, and its prose, as literal text."""
    text = Text()
    text.append_text(literal(view.title, "bold"))
    if view.interlude:
        seen = f"Interlude, through the eyes of {clean(view.viewpoint)}" if view.viewpoint else "Interlude"
        text.append("\n")
        text.append_text(literal(seen, "italic"))
    for para in view.paragraphs:
        text.append("\n\n")
        text.append_text(literal(para))
    return text


class SceneText(Static):
    """One scene's text. Classes `interlude` and `ending` let the stylesheet set them apart."""

    def __init__(self, view: SceneView) -> None:
        classes = "scene" + (" interlude" if view.interlude else "") + (" ending" if view.ending else "")
        super().__init__(scene_text(view), classes=classes, markup=False)


class StepBlock(Vertical):
    """One step of the road: the decision taken (none for the opening), then the scenes it led to."""

    def __init__(self, label: str | None, view: SceneView) -> None:
        super().__init__(classes="step")
        self.label = label
        self.view = view

    def compose(self):
        if self.label is not None:
            yield Static(literal(f"› {self.label}"), classes="taken", markup=False)
        for earlier in self.view.passed:
            yield SceneText(earlier)
        yield SceneText(self.view)


class Transcript(VerticalScroll, can_focus=True):
    """The story so far. Focusable so the player can scroll it with the keyboard (Tab to reach it)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._keys: list[tuple[str | None, str]] = []
        self._game: Game | None = None
        self._latest: StepBlock | None = None  # the block of the step the player is at

    def sync(self, game: Game) -> None:
        """Show the game's road: keep the blocks that still match, replace the rest."""
        taken = game.session.choices_taken
        keys: list[tuple[str | None, str]] = [(None, game.trail[0].scene_id)]
        keys += [(taken[i], game.trail[i + 1].scene_id) for i in range(len(taken))]
        keep = 0
        if game is self._game:  # another game (a load, a new version of the story) may read differently
            while keep < min(len(keys), len(self._keys)) and keys[keep] == self._keys[keep]:
                keep += 1
        self._game = game
        blocks = list(self.query_children(StepBlock))
        for block in blocks[keep:]:
            block.remove()
        new = [StepBlock(None if i == 0 else game.label_of(i - 1), game.trail[i]) for i in range(keep, len(keys))]
        if new:
            self.mount_all(new)
        self._keys = keys
        shown = blocks[:keep] + new
        for i, block in enumerate(shown):
            block.set_class(i < len(shown) - 1, "past")
        self._latest = shown[-1] if shown else None
        self.show_latest()

    def show_latest(self) -> None:
        """Scroll the step the player is at to the top, once the layout is done."""
        if self._latest is not None:
            self.call_after_refresh(self.scroll_to_widget, self._latest, top=True, animate=False)

    def on_resize(self) -> None:
        """The transcript changed size under the player (the problems panel of live editing came or went,
        the terminal was resized): keep their scene in view, not whatever the old scroll offset shows."""
        self.show_latest()
