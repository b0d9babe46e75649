"""Roads: playthroughs as a reader meets them, scene by scene, with the words read and whether the player
faced a real decision there. The canon path and the shortest way to each ending are the roads the
editor's checks and the statistics read.

A *real decision* is a choice among options that differ in where they lead or in what they set; options
that set nothing and lead to the same place (a false choice), or a lone way on, are a "continue" press.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from ..errors import IfengineError
from ..graph import expr_source
from ..model import RETURN, Choice, ChoiceKind, Effect, Scene, SceneCall, Story
from ..program import Program
from ..runtime import Session
from ..stats import count_words
from ..views import SceneView
from ..visit import walk


class Choices:
    """Which options of a story differ. An option that sets nothing and leads into a scene that sets
    nothing, that no `visits()`/`seen()` reads, and that has a single way on, leads where that way leads:
    a detour through one more page of prose is still the same place."""

    def __init__(self, story: Story) -> None:
        self.story = story
        self.counted = {n.scene for n in walk(story) if isinstance(n, SceneCall)}
        self._lands: dict[str, str] = {}
        # where a choice that names no target goes on to: its scene's next part, as a place of its own
        self._gathers = {c.id: f"{s.id} ({'call' if s.parts[i + 1].after_call else 'gather'} "
                               f"{sum(not q.after_call for q in s.parts[1:i + 2])})"
                         for s in story.scenes.values() for i, p in enumerate(s.parts[:-1]) for c in p.choices
                         if c.target is None}

    def lands(self, scene_id: str) -> str:
        """Where a reader arriving in this scene ends up without deciding anything."""
        seen: list[str] = []
        sid = scene_id
        while sid not in self._lands:
            scene = self.story.scenes.get(sid)
            if scene is None or scene.is_ending or sid in self.counted or sid in seen or len(scene.parts) > 1 or \
                    any(isinstance(n, Effect) for n in walk(scene.body)) or any(c.response for c in scene.choices):
                break
            ways = {self.shape(c, follow=False) for c in scene.choices if c.kind is not ChoiceKind.FALLBACK}
            if len(ways) != 1:
                break
            (target, effects), = ways
            if effects:
                break
            seen.append(sid)
            sid = target
        end = self._lands.get(sid, sid)
        for passed in seen:
            self._lands[passed] = end
        return end

    def shape(self, c: Choice, follow: bool = True) -> tuple[str, tuple[tuple[str, str, str], ...]]:
        """What taking a choice does: where it lands and what it sets, without its label or position. A
        response is something the option says that no other does: options with one always differ (an
        exchange that gathers again is a real one)."""
        effects = tuple((e.op, e.flag, expr_source(e.value) if e.value is not None else "") for e in c.effects)
        if c.response:
            effects += (("response", c.id, ""),)
        return self.goes(c, follow), effects

    def goes(self, c: Choice, follow: bool = True) -> str:
        """Where a choice leads, as a place to compare: a scene (followed through detours when `follow`), its
        scene's next gather, a call as its tunnel and where it goes on to, or `return`, wherever the stack
        says."""
        if c.returns:
            return RETURN
        onward = self._gathers[c.id] if c.target is None else self.lands(c.target) if follow else c.target
        return f"{c.call} -> {onward}" if c.call is not None else onward  # never a scene id: a call is a place of its own

    def decides(self, choices: Iterable[Choice]) -> bool:
        """Whether these options are a real decision: at least two that differ in where they land or what
        they set (a fallback, which is never offered, does not count)."""
        return len({self.shape(c) for c in choices if c.kind is not ChoiceKind.FALLBACK}) > 1

    def false_choice(self, scene: Scene, part: int = 0) -> str | None:
        """Where all the options of a part of a scene land when there are several, none sets or says
        anything and they all land in the same place (a false choice); None otherwise."""
        offered = [c for c in scene.parts[part].choices if c.kind is not ChoiceKind.FALLBACK]
        if len(offered) < 2 or any(c.effects or c.response for c in offered):
            return None
        places = {self.goes(c) for c in offered}
        return places.pop() if len(places) == 1 else None


@dataclass(frozen=True)
class Stop:
    """One scene on a road: what the reader read there and whether the player faced a real decision."""

    scene: str
    words: int
    decision: bool
    ending: bool
    text: tuple[str, ...] = ()  # the paragraphs as rendered there (what the style lint reads)


@dataclass(frozen=True)
class Road:
    name: str  # "the canon path", "the shortest road to ending 'x'"
    choices: tuple[str, ...]
    stops: tuple[Stop, ...]

    @property
    def words(self) -> int:
        return sum(s.words for s in self.stops)

    @property
    def decisions(self) -> int:
        return sum(1 for s in self.stops if s.decision)

    @property
    def presses(self) -> int:
        """Choices the player made that were not real decisions ("continue" presses)."""
        return len(self.choices) - self.decisions


def _stops(options: Choices, view: SceneView) -> list[Stop]:
    stops = [Stop(v.scene_id, sum(count_words(p) for p in (*v.response, *v.paragraphs)), False, False,
                  (*v.response, *v.paragraphs)) for v in view.passed]
    open_ids = {v.id for v in view.enabled}
    enabled = [c for c in options.story.scenes[view.scene_id].choices if c.id in open_ids]
    words = sum(count_words(p) for p in (*view.response, *view.paragraphs))
    return stops + [Stop(view.scene_id, words, options.decides(enabled), view.ending is not None,
                         (*view.response, *view.paragraphs))]


def play_road(program: Program, name: str, choices: Sequence[str], seed: int = 0,
              options: Choices | None = None) -> Road:
    """Play `choices` from the start (rendering, with `seed`) and record every scene met on the way."""
    options = options or Choices(program.story)
    session = Session(program, seed)
    stops = _stops(options, session.view())
    for cid in choices:
        session.choose(cid)
        stops += _stops(options, session.view())
    return Road(name, tuple(choices), tuple(stops))


def canon_road(program: Program, options: Choices | None = None) -> Road | None:
    """The canon path as played (seed 0): the canon choice in each scene until an ending, or None when the
    canon path cannot be played (the checker reports why)."""
    session = Session(program, 0, render=False)
    taken: list[str] = []
    for _ in range(10_000):
        if session.is_over:
            break
        cid = session.canon_choice()
        if cid is None or cid not in {c.id for c in session.view().enabled}:
            return None
        session.choose(cid)
        taken.append(cid)
    try:
        return play_road(program, "the canon path", taken, options=options)
    except IfengineError:
        return None


@dataclass(frozen=True)
class Stretch:
    """Scenes in a row on one road where the player faces no real decision."""

    road: str
    scenes: tuple[str, ...]
    words: int


def stretches(road: Road, longer_than: int) -> list[Stretch]:
    """The runs of scenes (endings aside) with no real decision that are longer than `longer_than`."""
    found: list[Stretch] = []
    run: list[Stop] = []
    for stop in (*road.stops, None):
        if stop is not None and not stop.decision and not stop.ending:
            run.append(stop)
            continue
        if len(run) > longer_than:
            found.append(Stretch(road.name, tuple(s.scene for s in run), sum(s.words for s in run)))
        run = []
    return found


def longest_stretch(roads: Iterable[Road]) -> Stretch | None:
    best: Stretch | None = None
    for road in roads:
        for s in stretches(road, 0):
            if best is None or len(s.scenes) > len(best.scenes):
                best = s
    return best
