"""A story made ready to play: its scenes compiled (each the first time play reaches it), its canon path
and its choice targets. The `Story` model stays a plain frozen description; whoever plays it owns a
`Program`, and sessions forked from one another share it.
"""
from __future__ import annotations

from functools import cached_property
from typing import Callable

from .analysis import canon_path, shows_canon
from .compile import CompiledChoice, CompiledScene, TextFn, compile_scene, tag_views
from .model import Body, Choice, ChoiceKind, Conditional, Paragraph, SceneKind, Story
from .views import ChoiceView, EndingView, Step


class ChoicePlan:
    """Everything about one choice that never changes during play, worked out once: the compiled closures,
    the history steps, and the views of it that do not depend on the state (shared, immutable)."""

    __slots__ = ("id", "conditions", "label", "label_must_run", "effects", "target", "sticky", "canon", "kind",
                 "fallback", "step", "auto_step", "static_views", "plain_views", "tags", "then", "returns", "moves", "span")

    def __init__(self, scene_id: str, cc: CompiledChoice, canon: bool) -> None:
        c = cc.choice
        self.id: str = c.id
        self.conditions = cc.conditions
        self.label: TextFn = cc.label
        self.label_must_run: bool = cc.label_must_run
        self.effects = cc.effects
        self.target: str = c.target  # for a return, `model.RETURN`: where it goes is on the stack
        self.then: str | None = c.then  # a call: the scene pushed on the stack, to go on to on return
        self.returns: bool = c.returns
        self.moves: bool = c.then is not None or c.returns  # moves the call stack (one test per step)
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


class ScenePlan:
    __slots__ = ("id", "title", "interlude", "viewpoint", "ending", "body", "choices", "by_id", "tags", "tagged")

    def __init__(self, compiled: CompiledScene, canon_scenes: frozenset[str]) -> None:
        sc = compiled.scene
        self.id: str = sc.id
        self.title: str = sc.title
        self.interlude = sc.kind is SceneKind.INTERLUDE
        self.viewpoint = sc.viewpoint if not sc.is_ending else None
        self.ending = EndingView(sc.id, sc.viewpoint or "", sc.title) if sc.is_ending else None
        self.body = compiled.body
        self.choices = tuple(ChoicePlan(sc.id, cc, shows_canon(sc, cc.choice, canon_scenes))
                             for cc in compiled.choices)
        self.by_id = {cp.id: cp for cp in self.choices}
        self.tags = tag_views(sc.tags)
        self.tagged = _has_tagged_paragraph(sc.body)


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
    def targets(self) -> dict[str, str]:
        """Every choice id and the scene it enters (a call's tunnel). A return is not listed: where it
        goes is on the stack, so a step's arrival is read from the history (the next step's scene)."""
        return {c.id: c.target for s in self.story.scenes.values() for c in s.choices if not c.returns}
