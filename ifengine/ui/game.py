"""One story being played, as the player UI sees it: the engine session plus what the screens need around
it and the engine does not keep, namely the scene views that led here (the transcript, the labels of past
decisions) and every road tried this sitting (the story map).

Everything is derived from the public `Session` API. The engine is deterministic, so a view recorded on the
way forward is exactly what replaying the same choice ids would give: undo and rewind just cut the trail.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..model import Story
from ..program import Program
from ..runtime import ChoiceError, SceneView, Session


@dataclass(frozen=True)
class Decision:
    """One of the player's decisions, for the history view."""

    index: int  # 0-based: rewinding to `index` goes back to just before it
    scene_id: str
    scene_title: str
    choice_id: str
    label: str
    canon: bool | None  # None: the scene has no canon choice to compare with
    passed: tuple[str, ...]  # titles of scenes the story then went through by itself


@dataclass
class MapNode:
    """A point of the story map: the view reached, and each choice tried from here (in the order tried)."""

    view: SceneView
    path: tuple[str, ...]  # the choice ids that lead here from the start
    children: dict[str, "MapNode"] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)


def trail_of(program: Program, seed: int, choices: list[str] | tuple[str, ...]) -> list[SceneView]:
    """The view before each decision and the view now: replays the choice ids on a fresh session (of the
    same `Program`, so no scene is compiled twice)."""
    fresh = Session(program, seed)
    trail = [fresh.view()]
    for cid in choices:
        try:
            trail.append(fresh.choose(cid))
        except ChoiceError:
            break
    return trail


class Game:
    """The session and its trail. Every move goes through here so the trail and the map stay in step."""

    def __init__(self, story: Story, path: Path | None, session: Session,
                 found: set[str] | None = None) -> None:
        self.story = story
        self.path = path
        self.session = session
        self.trail: list[SceneView] = trail_of(session.program, session.seed, session.choices_taken)
        self.root = MapNode(self.trail[0], ())
        self.found: set[str] = set(found or ())  # endings found so far (from the progress record)
        self._record()

    # ---- reading ----------------------------------------------------------

    @property
    def view(self) -> SceneView:
        return self.trail[-1]

    @property
    def steps(self) -> int:
        return len(self.session.choices_taken)

    def canon_id(self, view: SceneView | None = None) -> str | None:
        """The choice of a view marked canon (`ChoiceView.canon`, the engine's one rule), if any."""
        view = view or self.view
        return next((c.id for c in view.choices if c.canon), None)

    def label_of(self, index: int) -> str:
        """The label of decision `index` as the player read it when taking it."""
        cid = self.session.choices_taken[index]
        return next((c.label for c in self.trail[index].choices if c.id == cid), cid)

    def decisions(self) -> list[Decision]:
        out: list[Decision] = []
        for i, cid in enumerate(self.session.choices_taken):
            before, after = self.trail[i], self.trail[i + 1]
            canon = self.canon_id(before)
            out.append(Decision(i, before.scene_id, before.title, cid, self.label_of(i),
                                None if canon is None else canon == cid, tuple(v.title for v in after.passed)))
        return out

    # ---- moving -----------------------------------------------------------

    def choose(self, choice_id: str) -> SceneView:
        view = self.session.choose(choice_id)
        self.trail.append(view)
        self._record()
        return view

    def rewind(self, n_choices: int) -> SceneView:
        """Back to just before decision `n_choices` (0: the start)."""
        n = max(0, min(n_choices, self.steps))
        self.session.rewind(n)
        del self.trail[n + 1:]
        return self.view

    def undo(self) -> SceneView:
        return self.rewind(self.steps - 1)

    def goto(self, path: tuple[str, ...] | list[str]) -> SceneView:
        """To a point of the map: rewind to where the current road and that one part, then follow it."""
        taken = self.session.choices_taken
        common = 0
        while common < min(len(taken), len(path)) and taken[common] == path[common]:
            common += 1
        self.rewind(common)
        for cid in path[common:]:
            self.choose(cid)
        return self.view

    def _record(self) -> None:
        """Add the current road to the map."""
        node = self.root
        for i, cid in enumerate(self.session.choices_taken):
            child = node.children.get(cid)
            if child is None:
                child = node.children[cid] = MapNode(self.trail[i + 1], node.path + (cid,))
                node.labels[cid] = self.label_of(i)
            node = child
