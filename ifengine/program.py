"""A story made ready to play: its scenes compiled (each the first time play reaches it), its canon path
and its choice targets. The `Story` model stays a plain frozen description; whoever plays it owns a
`Program`, and sessions forked from one another share it.
"""
from __future__ import annotations

from functools import cached_property
from typing import Any, Callable, TypeVar, cast

from .analysis import canon_path, must_run, shows_canon
from .codegen import compile_arrival, compile_take
from .compile import Arrive, Take, closure_arrival, closure_take, tag_views
from .model import Body, Choice, ChoiceKind, Conditional, FlagDecl, Paragraph, Part, Scene, SceneKind, Story, place
from .state import GameState
from .views import ChoiceView, EndingView, Step

# The arrival at a part of a scene, and the take of a choice's response, that compiles it to Python source
# (codegen.py); the ones before run it through closures (compile.py). A part is compiled the third time
# play arrives there: writing and compiling a part's source costs several times what building its closures
# does, and most of a long story is passed once (a check's canon play, a reader's playthrough) or twice
# (the player's Continue replays the run, then replays it again for undo's marks: compiling on the second
# pass made a 500-step Continue twice as slow). What is played more (the explorer, undo, playthroughs
# after the first) then runs as generated code.
# Tests set it to 1 (compile at once) or past any play's length (closures only) to compare the two tiers.
COMPILE_AT = 3


class ChoicePlan:
    """Everything about one choice that never changes during play, worked out once: where it leads, the
    history steps, the views of it that do not depend on the state (shared, immutable), and `take`, its
    effects and response as generated code (None when it has neither)."""

    __slots__ = ("id", "label_must_run", "take", "_choice", "has_response", "target", "part", "call", "resume", "returns",
                 "moves", "span", "sticky", "canon", "kind", "fallback", "step", "auto_step", "static_views",
                 "plain_views", "tags")

    def __init__(self, scene_id: str, part: int, c: Choice, canon: bool, flags: dict[str, FlagDecl]) -> None:
        self.id: str = c.id
        self.label_must_run: bool = must_run(c.label)  # the label draws dice or can fail: evaluated even unrendered
        # A response is compiled the `COMPILE_AT`-th time the choice is taken; effects alone are their
        # closures (one call each, as generated code would make: compiling them would cost more than it saves).
        self._choice = (c, flags)
        self.take: Take | None = (self._first_take if c.response else closure_take(c, flags) if c.effects
                                  else None)
        self.has_response: bool = bool(c.response)
        # where it goes on: a scene's opening, or the next part of its own scene (a choice with no target);
        # for a return, `model.RETURN` (where it goes is on the stack)
        self.target: str = c.target if c.target is not None else scene_id
        self.part: int = 0 if c.target is not None else part + 1
        self.call: str | None = c.call  # a tunnel entered first: `resume`, where it goes on, is pushed on the stack
        self.resume: str = place(self.target, self.part)
        self.returns: bool = c.returns
        self.moves: bool = c.call is not None or c.returns  # moves the call stack (one test per step)
        self.span = c.span
        self.sticky: bool = c.sticky
        self.canon: bool = canon  # as the player is told (`analysis.shows_canon`)
        self.kind: ChoiceKind = c.kind
        self.fallback = c.kind is ChoiceKind.FALLBACK
        self.tags = tag_views(c.tags)
        self.step = Step(scene_id, c.id, False)
        self.auto_step = Step(scene_id, c.id, True)
        reasons = [None] + [cond.reason for cond in c.conditions if cond.reason is not None]

        def views(label: str) -> dict[str | None, ChoiceView]:
            return {why: ChoiceView(c.id, label, why is None, why, canon, c.sticky, c.kind, self.tags)
                    for why in reasons}
        # render=False shows the id as the label; a label of plain words renders the same every time
        self.plain_views = views(c.id)
        static = all(isinstance(p, str) for p in c.label)
        self.static_views = views("".join(p for p in c.label if isinstance(p, str))) if static else None

    def _first_take(self, state: GameState, out: list[str] | None) -> None:
        self.take = _until_compiled(lambda: closure_take(*self._choice), self._compiled_take)
        self.take(state, out)

    def _compiled_take(self) -> Take:
        self.take, _ = compile_take(*self._choice)
        return self.take


_Tiered = TypeVar("_Tiered", Arrive, Take)


def _until_compiled(closure_of: Callable[[], _Tiered], compiled: Callable[[], _Tiered]) -> _Tiered:
    """A function that runs the closures `closure_of()` builds until its `COMPILE_AT`-th call, which runs
    what `compiled()` makes (and puts where play calls it from then on)."""
    if COMPILE_AT <= 1:
        return compiled()
    closure = closure_of()
    calls = 0

    def tiered(state: GameState, out: list[str] | None) -> Any:
        nonlocal calls
        calls += 1
        if calls < COMPILE_AT:
            return closure(state, out)
        return compiled()(state, out)
    return cast(_Tiered, tiered)


class PartPlan:
    """A part of a scene made ready to play (see `model.Part`): `arrive` runs its body and works out its
    choices, through closures the first times play arrives there and as code `codegen.py` generates from
    the `COMPILE_AT`-th; `bound` is then the most it can render, or None if not known (the session
    measures what it rendered)."""

    __slots__ = ("arrive", "choices", "bound", "_source")

    def __init__(self, scene_id: str, index: int, part: Part, offered: list[tuple[ChoicePlan, Choice]],
                 flags: dict[str, FlagDecl]) -> None:
        self.choices = tuple(plan for plan, _ in offered)
        self.bound: int | None = None
        # what the arrival is compiled from, until it is
        self._source: tuple[str, int, Body, list[tuple[ChoicePlan, Choice]], dict[str, FlagDecl]] | None = (
            scene_id, index, part.body, offered, flags)
        self.arrive: Arrive = self._first_arrival

    def ready(self) -> Arrive:
        """The part's compiled arrival (compiled now if play has not arrived yet). The editor's variants
        wrap it to note each arrival."""
        if self._source is not None:
            self.arrive, self.bound, _ = compile_arrival(*self._source)
            self._source = None
        return self.arrive

    def _first_arrival(self, state: GameState, out: list[str] | None) -> tuple[list[ChoiceView], ChoicePlan | None]:
        assert self._source is not None  # compiling replaces this method
        _, _, body, offered, flags = self._source
        self.arrive = _until_compiled(lambda: closure_arrival(body, offered, flags), self.ready)
        return self.arrive(state, out)


class ScenePlan:
    __slots__ = ("id", "title", "interlude", "viewpoint", "ending", "parts", "by_id", "tags", "tagged")

    def __init__(self, sc: Scene, flags: dict[str, FlagDecl], canon_scenes: frozenset[str]) -> None:
        self.id: str = sc.id
        self.title: str = sc.title
        self.interlude = sc.kind is SceneKind.INTERLUDE
        self.viewpoint = sc.viewpoint if not sc.is_ending else None
        self.ending = EndingView(sc.id, sc.viewpoint or "", sc.title) if sc.is_ending else None
        self.parts = tuple(
            PartPlan(sc.id, i, part, [(ChoicePlan(sc.id, i, c, shows_canon(sc, c, canon_scenes, i), flags), c)
                                      for c in part.choices], flags)
            for i, part in enumerate(sc.parts))
        self.by_id = {cp.id: cp for part in self.parts for cp in part.choices}
        self.tags = tag_views(sc.tags)
        self.tagged = any(_has_tagged_paragraph(part.body) for part in sc.parts)


class _Plans(dict[str, ScenePlan]):
    """Scene plans, compiled the first time play reaches each scene: checking the canon path or starting
    a story costs only the scenes it enters, not the whole story."""

    def __init__(self, story: Story, canon_scenes: Callable[[], frozenset[str]]) -> None:
        super().__init__()
        self.story = story
        self.canon_scenes = canon_scenes

    def __missing__(self, scene_id: str) -> ScenePlan:
        plan = self[scene_id] = ScenePlan(self.story.scenes[scene_id], self.story.flags, self.canon_scenes())
        return plan


def _has_tagged_paragraph(body: Body) -> bool:
    """Whether a paragraph of the body (or of a `~ if` inside it) has tags: its rendering then carries them."""
    todo = list(body)
    while todo:
        item = todo.pop()
        if isinstance(item, Paragraph) and item.tags:
            return True
        if isinstance(item, Conditional):
            todo += [i for b in item.branches for i in b.body]
    return False


class Program:
    """The playable form of one `Story`. Build one per story and hand it to every `Session` that plays it
    (the explorer plays thousands): compiled scenes are then shared, never rebuilt."""

    def __init__(self, story: Story) -> None:
        self.story = story
        self.plans: dict[str, ScenePlan] = _Plans(story, lambda: self.canon_scenes)

    @cached_property
    def canon_path(self) -> tuple[list[str], list[Choice]]:
        """The scenes and choices of the canon path from the start, as far as it goes."""
        return canon_path(self.story)

    @cached_property
    def canon_scenes(self) -> frozenset[str]:
        return frozenset(self.canon_path[0])

    @cached_property
    def parts(self) -> dict[str, int]:
        """Every choice id and the part of its scene that offers it."""
        return {c.id: i for s in self.story.scenes.values() for i, p in enumerate(s.parts) for c in p.choices}

    @cached_property
    def targets(self) -> dict[str, str]:
        """Every choice id and the scene it enters (a call's tunnel; its own, for a choice that goes on to a
        gather). A return is not listed: where it goes is on the stack, so a step's arrival is read from the
        history (the next step's scene)."""
        return {c.id: c.call if c.call is not None else c.target if c.target is not None else s.id
                for s in self.story.scenes.values() for c in s.choices if not c.returns}
