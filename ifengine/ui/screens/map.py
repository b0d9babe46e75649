"""The story map: the scenes visited and the choices taken, as a tree. Every road tried this sitting is on
it (undo and rewind keep the roads left behind), so the player sees where they branched. A straight run of
scenes stays at one level; the tree only forks where the player tried more than one choice. Canon choices
carry a diamond, the current road is bold, and picking a point of the map goes there."""
from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from ..game import Game, MapNode
from ..text import literal
from ..widgets.choices import CANON_MARK

Path_ = tuple[str, ...]


def _scene_label(node: MapNode, on_road: bool, here: bool) -> Text:
    view = node.view
    text = Text()
    for earlier in view.passed:
        text.append_text(literal(earlier.title, "italic"))
        text.append(" → ")
    style = "bold" if on_road else ""
    if view.ending is not None:
        text.append("END ", style="bold")
    text.append_text(literal(view.title, style))
    if here:
        text.append("   ◀ you are here", style="bold")
    return text


def _choice_label(game: Game, node: MapNode, cid: str, on_road: bool) -> Text:
    canon = game.canon_id(node.view)
    text = Text()
    text.append(f"{CANON_MARK} " if cid == canon else "○ ", style="bold" if cid == canon else "")
    text.append_text(literal(node.labels.get(cid, cid), "bold" if on_road else ""))
    return text


class StoryMap(Tree[Path_]):
    """The tree of roads tried. Node data: the choice ids that lead to that point."""

    def fill(self, game: Game) -> TreeNode[Path_] | None:
        self.clear()
        road = tuple(game.session.choices_taken)
        self.root.set_label(literal(game.story.title, "bold"))
        self.root.data = ()
        return self._chain(self.root, game, game.root, road)

    def _chain(self, parent: TreeNode[Path_], game: Game, node: MapNode,
               road: Path_) -> TreeNode[Path_] | None:
        """Add `node` and the straight road after it under `parent`; fork where more than one choice was
        tried. Returns the tree node of the player's current position, if it is in this part."""
        here_node: TreeNode[Path_] | None = None
        while True:
            on_road = road[:len(node.path)] == node.path
            here = node.path == road
            if len(node.children) == 1:
                cid, child = next(iter(node.children.items()))
                label = _scene_label(node, on_road, here)
                label.append("  ›  ")
                label.append_text(_choice_label(game, node, cid, on_road and road[:len(child.path)] == child.path))
                leaf = parent.add_leaf(label, data=node.path)
                if here:
                    here_node = leaf
                node = child
                continue
            if not node.children:
                leaf = parent.add_leaf(_scene_label(node, on_road, here), data=node.path)
                return leaf if here else here_node
            fork = parent.add(_scene_label(node, on_road, here), data=node.path, expand=True)
            if here:
                here_node = fork
            for cid, child in node.children.items():
                branch_on_road = road[:len(child.path)] == child.path
                branch = fork.add(_choice_label(game, node, cid, branch_on_road), data=child.path, expand=True)
                found = self._chain(branch, game, child, road)
                here_node = here_node or found
            return here_node


class MapScreen(ModalScreen[Path_ | None]):
    """Dismissed with the road to a picked point of the map, or None."""

    BINDINGS = [Binding("escape,m", "close", "Close")]

    def __init__(self, game: Game) -> None:
        super().__init__()
        self.game = game

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="map"):
            yield Static("Story map", classes="dialog-title")
            legend = Text()
            legend.append(f"{CANON_MARK} canon choice   ○ another road   ")
            legend.append("bold", style="bold")
            legend.append(": the road you are on")
            yield Static(legend, classes="dialog-note", markup=False)
            yield StoryMap("", id="story-map")
            yield Static("Enter go to that point · Esc close", classes="dialog-keys")

    def on_mount(self) -> None:
        tree = self.query_one(StoryMap)
        tree.auto_expand = False
        tree.show_root = True
        here = tree.fill(self.game)
        tree.root.expand()
        tree.focus()
        if here is not None:
            self.call_after_refresh(tree.move_cursor, here)

    @on(Tree.NodeSelected, "#story-map")
    def _picked(self, event: Tree.NodeSelected[Path_]) -> None:
        event.stop()
        if event.node.data is not None and event.node is not self.query_one(StoryMap).root:
            self.dismiss(event.node.data)

    def action_close(self) -> None:
        self.dismiss(None)
