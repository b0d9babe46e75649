"""The engine: a `Session` plays one story from one seed. No I/O and no UI: every client (the Textual
player, the plain-text player, the authoring tools) drives this same API.

Determinism is the contract: a story, a seed and a list of choice ids always give the same transcript.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, replace

from .compile import CompiledScene, Dice, State, StoryRuntimeError, compile_story
from .model import ChoiceKind, Story, Value

MAX_AUTO_STEPS = 1_000


class ChoiceError(Exception):
    """`choose()` was given a choice id the current scene does not offer."""


class SeededDice:
    """The session's random draws, from a generator seeded once and advanced only by the story."""

    __slots__ = ("rng",)

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def roll(self, sides: int) -> int:
        return self.rng.randint(1, sides)

    def chance(self, percent: int) -> bool:
        return self.rng.randrange(100) < percent


@dataclass(frozen=True, slots=True)
class ChoiceView:
    id: str
    label: str
    enabled: bool
    reason: str | None  # why it is disabled
    canon: bool
    sticky: bool
    kind: ChoiceKind


@dataclass(frozen=True, slots=True)
class EndingView:
    id: str
    kind: str
    title: str


@dataclass(frozen=True, slots=True)
class SceneView:
    """What a client shows after each step: the scene rendered, its choices, the ending if the story is over."""

    scene_id: str
    title: str
    paragraphs: tuple[str, ...]
    interlude: bool
    viewpoint: str | None
    choices: tuple[ChoiceView, ...]
    ending: EndingView | None
    step: int  # how many player choices led here
    passed: tuple["SceneView", ...] = ()  # scenes the story went through by itself (fallbacks) to get here

    @property
    def enabled(self) -> tuple[ChoiceView, ...]:
        return tuple(c for c in self.choices if c.enabled)


@dataclass(frozen=True, slots=True)
class Step:
    """One decision in the history: the scene it was taken in, the choice id, and whether the story took it."""

    scene_id: str
    choice_id: str
    auto: bool = False


@dataclass(frozen=True, slots=True)
class CanonStatus:
    on_path: bool  # every decision so far was canon, or the player has come back onto the canon path
    first_break: str | None  # the scene where the player first left the canon path
    breaks: int  # how many times the player left it


@dataclass
class _Position:
    view: SceneView
    fallback: str | None = None  # the fallback the scene takes by itself, if any


class Session:
    """One playthrough. `view()` shows where it stands; `choose(id)` moves on; `undo()`/`rewind()` go back.

    With `render=False` prose is not assembled (conditions and dice still run, so the path is identical):
    the explorer plays that way.
    """

    def __init__(self, story: Story, seed: int = 0, *, render: bool = True, dice: Dice | None = None) -> None:
        self.story = story
        self.seed = seed
        self.render = render
        self._scenes = compile_story(story)
        self._state = State({name: d.default for name, d in story.flags.items()}, {},
                            dice if dice is not None else SeededDice(seed))
        self._used: set[str] = set()  # once-only choices already taken
        self.history: list[Step] = []
        self.choices_taken: list[str] = []  # the player's decisions: what runs and saves record
        self._enter(story.start)

    # ---- reading ----------------------------------------------------------

    def view(self) -> SceneView:
        return self._position.view

    @property
    def scene_id(self) -> str:
        return self._position.view.scene_id

    @property
    def flags(self) -> dict[str, Value]:
        return dict(self._state.flags)

    @property
    def visits(self) -> dict[str, int]:
        return dict(self._state.visits)

    @property
    def is_over(self) -> bool:
        return self._position.view.ending is not None

    @property
    def is_stuck(self) -> bool:
        """Not an ending, yet nothing can be chosen: a dead end the author should fix."""
        v = self._position.view
        return v.ending is None and not v.enabled

    def visible_flags(self) -> list[tuple[str, Value]]:
        """(label, value) for flags the author marked visible, in declaration order."""
        return [(d.label, self._state.flags[n]) for n, d in self.story.flags.items() if d.label]

    def canon_choice(self, scene_id: str | None = None) -> str | None:
        """The id of the canon choice of a scene (the current one by default), if it has one."""
        scene = self.story.scenes[scene_id or self.scene_id]
        marked = [c for c in scene.choices if c.canon]
        if not marked and len(scene.choices) == 1:
            marked = list(scene.choices)
        return marked[0].id if len(marked) == 1 else None

    def canon_status(self) -> CanonStatus:
        """Where the player stands against the original story. Leaving it counts as a break; arriving back
        in a scene of the canon path puts the player on it again."""
        on_path, first, breaks = True, None, 0
        path = canon_scenes(self.story)
        for step in self.history:
            if on_path and not step.auto:
                canon = self.canon_choice(step.scene_id)
                if canon is not None and step.choice_id != canon:
                    on_path, breaks, first = False, breaks + 1, first or step.scene_id
            if not on_path:
                choice = self.story.choice(step.choice_id)
                on_path = choice is not None and choice.target in path
        return CanonStatus(on_path, first, breaks)

    # ---- moving -----------------------------------------------------------

    def choose(self, choice_id: str) -> SceneView:
        view = self._position.view
        offered = next((c for c in view.choices if c.id == choice_id), None)
        if offered is None or not offered.enabled:
            why = "is not offered" if offered is None else f"is disabled ({offered.reason})"
            raise ChoiceError(f"choice '{choice_id}' {why} in scene '{view.scene_id}'")
        self.choices_taken.append(choice_id)
        self._take(choice_id, auto=False)
        return self._position.view

    def undo(self, steps: int = 1) -> SceneView:
        """Go back `steps` player decisions (to the start at most)."""
        return self.rewind(max(0, len(self.choices_taken) - steps))

    def rewind(self, n_choices: int) -> SceneView:
        """Go back to the point after the first `n_choices` player decisions, by replaying them from the start."""
        keep = self.choices_taken[:n_choices]
        fresh = Session(self.story, self.seed, render=self.render)
        for cid in keep:
            fresh.choose(cid)
        self.__dict__.update(fresh.__dict__)
        return self._position.view

    def fork(self) -> "Session":
        """An independent copy at the same point (the explorer branches from it)."""
        other = object.__new__(Session)
        other.__dict__.update(self.__dict__)
        dice = self._state.dice
        if isinstance(dice, SeededDice):
            new_dice: Dice = SeededDice(0)
            new_dice.rng.setstate(dice.rng.getstate())  # type: ignore[attr-defined]
        else:
            new_dice = dice
        other._state = State(dict(self._state.flags), dict(self._state.visits), new_dice)
        other._used = set(self._used)
        other.history = list(self.history)
        other.choices_taken = list(self.choices_taken)
        return other

    def state_key(self) -> tuple:
        """What makes two sessions play on identically (for deduplicating states while exploring)."""
        return (self.scene_id, tuple(sorted(self._state.flags.items())),
                tuple(sorted(self._state.visits.items())), frozenset(self._used))

    # ---- internals --------------------------------------------------------

    def _take(self, choice_id: str, auto: bool) -> None:
        scene = self._scenes[self.scene_id]
        compiled = next(c for c in scene.choices if c.choice.id == choice_id)
        self.history.append(Step(scene.scene.id, choice_id, auto))
        if not compiled.choice.sticky:
            self._used.add(choice_id)
        for eff in compiled.effects:
            eff(self._state)
        self._enter(compiled.choice.target)

    def _enter(self, scene_id: str) -> None:
        passed: list[SceneView] = []
        for _ in range(MAX_AUTO_STEPS):
            scene = self._scenes[scene_id]
            self._position = self._arrive(scene)
            if self._position.fallback is None:
                if passed:
                    self._position.view = replace(self._position.view, passed=tuple(passed))
                return
            if self.render:
                passed.append(self._position.view)
            choice_id = self._position.fallback
            sc = scene.scene
            compiled = next(c for c in scene.choices if c.choice.id == choice_id)
            self.history.append(Step(sc.id, choice_id, True))
            if not compiled.choice.sticky:
                self._used.add(choice_id)
            for eff in compiled.effects:
                eff(self._state)
            scene_id = compiled.choice.target
        raise StoryRuntimeError(f"the story took {MAX_AUTO_STEPS} automatic steps without the player choosing "
                                f"anything (a loop of fallbacks around scene '{scene_id}')",
                                self.story.scenes[scene_id].span)

    def _arrive(self, scene: CompiledScene) -> _Position:
        state = self._state
        sc = scene.scene
        state.visits[sc.id] = state.visits.get(sc.id, 0) + 1
        out: list[str] | None = [] if self.render else None
        scene.body(state, out)
        views: list[ChoiceView] = []
        fallbacks: list[str] = []
        used = self._used
        for cc in scene.choices:
            c = cc.choice
            if c.id in used:
                continue
            enabled, reason, hidden = True, None, False
            for cond, why in cc.conditions:
                if not cond(state):
                    if why is None:
                        hidden = True
                        break
                    if enabled:
                        enabled, reason = False, why
            if hidden:
                continue
            if c.kind is ChoiceKind.FALLBACK:
                if enabled:
                    fallbacks.append(c.id)
                continue
            label = cc.label(state) if self.render else c.id
            views.append(ChoiceView(c.id, label, enabled, reason, c.canon, c.sticky, c.kind))
        fallback = fallbacks[0] if fallbacks and not any(v.enabled for v in views) else None
        ending = EndingView(sc.id, sc.viewpoint or "", sc.title) if sc.is_ending else None
        view = SceneView(sc.id, sc.title, tuple(out) if out is not None else (), sc.kind.value == "interlude",
                         sc.viewpoint if not sc.is_ending else None, tuple(views), ending, len(self.choices_taken))
        return _Position(view, fallback)


def canon_scenes(story: Story) -> frozenset[str]:
    """The scenes on the canon path from the start (cached on the story)."""
    cached = story.__dict__.get("_canon_scenes")
    if cached is not None:
        return cached
    path: list[str] = []
    sid = story.start
    while sid in story.scenes and sid not in path:
        path.append(sid)
        scene = story.scenes[sid]
        marked = [c for c in scene.choices if c.canon] or (list(scene.choices) if len(scene.choices) == 1 else [])
        if len(marked) != 1:
            break
        sid = marked[0].target
    result = frozenset(path)
    object.__setattr__(story, "_canon_scenes", result)
    return result
