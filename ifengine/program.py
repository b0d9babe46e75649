"""A story made ready to play: its scenes compiled (each the first time play reaches it), its canon path
and its choice targets. The `Story` model stays a plain frozen description; whoever plays it owns a
`Program`, and sessions forked from one another share it.
"""
from __future__ import annotations

from functools import cached_property
from typing import Callable

from .analysis import canon_path, shows_canon
from .compile import CompiledChoice, CompiledScene, Step as BodyStep, TextFn, compile_scene, tag_views
from .model import Body, Choice, ChoiceKind, Conditional, Paragraph, SceneKind, Story, place
from .views import ChoiceView, EndingView, Step


class ChoicePlan:
    """Everything about one choice that never changes during play, worked out once: the compiled closures,
    the history steps, and the views of it that do not depend on the state (shared, immutable)."""

    __slots__ = ("id", "conditions", "label", "label_must_run", "effects", "response", "target", "part", "call",
                 "resume", "returns", "moves", "span", "sticky", "canon", "kind", "fallback", "step", "auto_step",
                 "static_views", "plain_views", "tags")

    def __init__(self, scene_id: str, part: int, cc: CompiledChoice, canon: bool) -> None:
        c = cc.choice
        self.id: str = c.id
        self.conditions = cc.conditions
        self.label: TextFn = cc.label
        self.label_must_run: bool = cc.label_must_run
        self.effects = cc.effects
        self.response = cc.response
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
        reasons = [None] + [why for _, why in cc.conditions if why is not None]

        def views(label: str) -> dict[str | None, ChoiceView]:
            return {why: ChoiceView(c.id, label, why is None, why, canon, c.sticky, c.kind, self.tags)
                    for why in reasons}
        # render=False shows the id as the label; a label of plain words renders the same every time
        self.plain_views = views(c.id)
        static = all(isinstance(p, str) for p in c.label)
        self.static_views = views("".join(p for p in c.label if isinstance(p, str))) if static else None


class PartPlan:
    """A part of a scene made ready to play: its body and its choices (see `model.Part`)."""

    __slots__ = ("body", "choices")

    def __init__(self, body: BodyStep, choices: tuple[ChoicePlan, ...]) -> None:
        self.body = body  # replaceable: the editor's variants note each arrival through it
        self.choices = choices


class ScenePlan:
    __slots__ = ("id", "title", "interlude", "viewpoint", "ending", "parts", "by_id", "tags", "tagged")

    def __init__(self, compiled: CompiledScene, canon_scenes: frozenset[str]) -> None:
        sc = compiled.scene
        self.id: str = sc.id
        self.title: str = sc.title
        self.interlude = sc.kind is SceneKind.INTERLUDE
        self.viewpoint = sc.viewpoint if not sc.is_ending else None
        self.ending = EndingView(sc.id, sc.viewpoint or "", sc.title) if sc.is_ending else None
        self.parts = tuple(
            PartPlan(cp.body, tuple(ChoicePlan(sc.id, i, cc, shows_canon(sc, cc.choice, canon_scenes, i))
                                    for cc in cp.choices))
            for i, cp in enumerate(compiled.parts))
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
        plan = self[scene_id] = ScenePlan(compile_scene(self.story.scenes[scene_id], self.story.flags),
                                          self.canon_scenes())
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
