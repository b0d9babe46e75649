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
from ..runtime import ChoiceError, SceneView, Session, StoryRuntimeError
from ..trail import label_taken, trail_of

MARK_EVERY = 16  # decisions between two copies of the session that undo and rewind start from


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


class Game:
    """The session and its trail. Every move goes through here so the trail and the map stay in step."""

    def __init__(self, story: Story, path: Path | None, session: Session,
                 found: set[str] | None = None, owns_autosave: bool = False,
                 roads: tuple[tuple[str, ...], ...] | list[tuple[str, ...]] = (),
                 trail: list[SceneView] | None = None) -> None:
        """`roads`: the other roads tried before (a run file's `[map]`), put back on the story map.
        `trail`: the views of the session's road if the caller has them (`saves.Resumed.trail`, made as the
        run was resumed); without them the road is replayed once more here."""
        self.story = story
        self.path = path
        self.session = session
        # Whether the story's autosave holds this run (Continue, a reload); until it does, the first
        # autosave first sets the run there aside as a "previous run" save.
        self.owns_autosave = owns_autosave
        if trail is None or len(trail) != len(session.choices_taken) + 1:
            trail = trail_of(session.program, session.seed, session.choices_taken)
        self.trail: list[SceneView] = trail
        # `_decided[i]`: the real decisions among the first `i` steps (`decisions_made`), kept in step with
        # the trail so that the side panel's count costs the same at step 500 as at step 5.
        self._decided = [0]
        for view in trail[:-1]:
            self._decided.append(self._decided[-1] + (len(view.enabled) > 1))
        # `_marks[k]`: an untouched copy (`Session.fork`) of the session after the first `k` decisions of
        # the current road, for `k` a multiple of `MARK_EVERY`. Undo and rewind start from the nearest one
        # at or before where they go, and so replay fewer than `MARK_EVERY` steps, not the whole road from
        # the start as `Session.rewind` does (3 ms at step 500). Made as the player goes on, and all of
        # them the first time a move goes back behind every mark (a run just continued has none).
        self._marks: dict[int, Session] = {}
        self._mark()
        self._root = MapNode(self.trail[0], ())
        self._here = self._root  # the map node of the current position
        # The map's leaves in the order a walk of the map meets them (the ends `roads` gives), kept as
        # nodes are added: a walk of the whole map at every autosave cost as much as the run was long.
        self._leaves: list[MapNode] = [self._root]
        self._untraced = [tuple(r) for r in roads]  # roads put on the map the first time it is read
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

    @property
    def decisions_made(self) -> int:
        """The player's real decisions on this road: steps taken where more than one choice was open (a
        lone "Continue" moves the story on; it is not a decision)."""
        return self._decided[-1]

    def label_of(self, index: int) -> str:
        """The label of decision `index` as the player read it when taking it."""
        return label_taken(self.trail[index], self.session.choices_taken[index])

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
        before = self.view
        view = self.session.choose(choice_id)
        self._decided.append(self._decided[-1] + (len(before.enabled) > 1))
        self.trail.append(view)
        self._mark()
        self._record()
        return view

    def rewind(self, n_choices: int) -> SceneView:
        """Back to just before decision `n_choices` (0: the start)."""
        n = max(0, min(n_choices, self.steps))
        for k in [k for k in self._marks if k > n]:  # of the road being left
            del self._marks[k]
        start = max((k for k in self._marks if k <= n), default=None)
        if start is None or n - start >= MARK_EVERY:
            self._mark_road(n)
            start = max(self._marks)
        taken = self.session.choices_taken
        session = self._marks[start].fork()
        for cid in taken[start:n]:
            session.choose(cid)
        self.session = session
        del self.trail[n + 1:]
        del self._decided[n + 1:]
        return self.view

    def _mark(self) -> None:
        steps = self.steps
        if steps % MARK_EVERY == 0 and steps not in self._marks:
            self._marks[steps] = self.session.fork()

    def _mark_road(self, n: int) -> None:
        """Make the marks of the road up to decision `n` by replaying it from the start once, as
        `Session.rewind` would (the same program, seed and rendering)."""
        old = self.session
        fresh = Session(old.program, old.seed, render=old.render)
        for i, cid in enumerate(old.choices_taken[:n]):
            if i % MARK_EVERY == 0 and i not in self._marks:
                self._marks[i] = fresh.fork()
            fresh.choose(cid)
        if n % MARK_EVERY == 0 and n not in self._marks:
            self._marks[n] = fresh.fork()

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

    # ---- the story map ----------------------------------------------------

    @property
    def root(self) -> MapNode:
        """The story map: every road tried. Roads brought back from a run file are replayed onto it here,
        the first time it is read (opening a long run does not wait for them)."""
        if self._untraced:
            roads, self._untraced = self._untraced, []
            for road in roads:
                self._trace(road)
        return self._root

    def roads(self) -> tuple[tuple[str, ...], ...]:
        """The roads of the map other than the current one, each as the choice ids from the start (its
        ends: a road that another continues is part of that one). What a run file keeps in `[map]`."""
        current = tuple(self.session.choices_taken)
        ends = tuple(node.path for node in self._leaves if node.path != current[:len(node.path)])
        return ends + tuple(r for r in self._untraced if r != current[:len(r)])

    def _add(self, node: MapNode, cid: str, view: SceneView, label: str) -> MapNode:
        """A new point of the map under `node`, and `_leaves` kept in a walk's order: a first child takes
        its parent's place there; a further one comes after every leaf under the parent's earlier ones."""
        child = node.children[cid] = MapNode(view, node.path + (cid,))
        node.labels[cid] = label
        leaves = self._leaves
        if len(node.children) == 1:
            leaves[next(i for i, leaf in enumerate(leaves) if leaf is node)] = child
        else:
            k, path = len(node.path), node.path
            last = max(i for i, leaf in enumerate(leaves) if leaf.path[:k] == path)
            leaves.insert(last + 1, child)
        return child

    def _trace(self, road: tuple[str, ...]) -> None:
        """Put a road on the map by replaying it (as far as it still fits the story)."""
        fresh = Session(self.session.program, self.session.seed)
        node = self._root
        for cid in road:
            label = next((c.label for c in fresh.view().choices if c.id == cid), cid)
            try:
                view = fresh.choose(cid)
            except (ChoiceError, StoryRuntimeError):
                return
            child = node.children.get(cid)
            if child is None:
                child = self._add(node, cid, view, label)
            node = child

    def _record(self) -> None:
        """Add the current road to the map: from the node of the position before, or from the start."""
        taken = self.session.choices_taken
        node = self._here if len(self._here.path) < len(taken) and \
            tuple(taken[:len(self._here.path)]) == self._here.path else self._root
        for i in range(len(node.path), len(taken)):
            cid = taken[i]
            child = node.children.get(cid)
            if child is None:
                child = self._add(node, cid, self.trail[i + 1], self.label_of(i))
            node = child
        self._here = node
