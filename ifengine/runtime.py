"""The engine: a `Session` plays one story from one seed. No I/O and no UI: every client (the Textual
player, the plain-text player, the authoring tools) drives this same API.

Determinism is the contract: a story, a seed and a list of choice ids always give the same transcript.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, replace

from .analysis import canon_choice, canon_path
from .compile import Dice, State, StoryRuntimeError, TextFn, compile_scene
from .model import ChoiceKind, SceneKind, Story, Value

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


class _ChoicePlan:
    """Everything about one choice that never changes during play, worked out once per story: the compiled
    closures, the history steps, and the views of it that do not depend on the state (shared, immutable)."""

    __slots__ = ("id", "conditions", "label", "label_must_run", "effects", "target", "sticky", "canon", "kind",
                 "fallback", "step", "auto_step", "static_views", "plain_views")

    def __init__(self, scene_id: str, cc) -> None:
        c = cc.choice
        self.id: str = c.id
        self.conditions = cc.conditions
        self.label: TextFn = cc.label
        self.label_must_run: bool = cc.label_must_run
        self.effects = cc.effects
        self.target: str = c.target
        self.sticky: bool = c.sticky
        self.canon: bool = c.canon
        self.kind: ChoiceKind = c.kind
        self.fallback = c.kind is ChoiceKind.FALLBACK
        self.step = Step(scene_id, c.id, False)
        self.auto_step = Step(scene_id, c.id, True)
        reasons = [None] + [why for _, why in cc.conditions if why is not None]

        def views(label: str) -> dict[str | None, ChoiceView]:
            return {why: ChoiceView(c.id, label, why is None, why, c.canon, c.sticky, c.kind) for why in reasons}
        # render=False shows the id as the label; a label of plain words renders the same every time
        self.plain_views = views(c.id)
        static = all(isinstance(p, str) for p in c.label)
        self.static_views = views("".join(c.label)) if static else None  # type: ignore[arg-type]


class _ScenePlan:
    __slots__ = ("id", "title", "interlude", "viewpoint", "ending", "body", "choices", "by_id")

    def __init__(self, compiled) -> None:
        sc = compiled.scene
        self.id: str = sc.id
        self.title: str = sc.title
        self.interlude = sc.kind is SceneKind.INTERLUDE
        self.viewpoint = sc.viewpoint if not sc.is_ending else None
        self.ending = EndingView(sc.id, sc.viewpoint or "", sc.title) if sc.is_ending else None
        self.body = compiled.body
        self.choices = tuple(_ChoicePlan(sc.id, cc) for cc in compiled.choices)
        self.by_id = {cp.id: cp for cp in self.choices}


class _Plans(dict):
    """Scene plans, compiled the first time play reaches each scene: checking the canon path or starting
    a story costs only the scenes it enters, not the whole story."""

    def __init__(self, story: Story) -> None:
        super().__init__()
        self.story = story

    def __missing__(self, scene_id: str) -> _ScenePlan:
        plan = self[scene_id] = _ScenePlan(compile_scene(self.story.scenes[scene_id], self.story.flags))
        return plan


def _plans(story: Story) -> _Plans:
    """The play plans of a story's scenes (cached on the story, which is immutable)."""
    cached = story.__dict__.get("_plans")
    if cached is None:
        cached = _Plans(story)
        object.__setattr__(story, "_plans", cached)
    return cached


class Session:
    """One playthrough. `view()` shows where it stands; `choose(id)` moves on; `undo()`/`rewind()` go back.

    With `render=False` prose is not assembled (conditions and dice still run, so the path is identical):
    the explorer plays that way.
    """

    def __init__(self, story: Story, seed: int = 0, *, render: bool = True, dice: Dice | None = None) -> None:
        self.story = story
        self.seed = seed
        self.render = render
        self._plans = _plans(story)
        self._state = State({name: d.default for name, d in story.flags.items()}, {},
                            dice if dice is not None else SeededDice(seed))
        self._own_dice = dice is None  # rewind() can only reproduce the session's own seeded dice
        self._used: set[str] = set()  # once-only choices already taken
        self.history: list[Step] = []
        self.choices_taken: list[str] = []  # the player's decisions: what runs and saves record
        self._enter(story.start)

    # ---- reading ----------------------------------------------------------

    def view(self) -> SceneView:
        return self._view

    @property
    def scene_id(self) -> str:
        return self._view.scene_id

    @property
    def flags(self) -> dict[str, Value]:
        return dict(self._state.flags)

    @property
    def visits(self) -> dict[str, int]:
        return dict(self._state.visits)

    @property
    def is_over(self) -> bool:
        return self._view.ending is not None

    @property
    def is_stuck(self) -> bool:
        """Not an ending, yet nothing can be chosen: a dead end the author should fix."""
        v = self._view
        return v.ending is None and not v.enabled

    def visible_flags(self) -> list[tuple[str, Value]]:
        """(label, value) for flags the author marked visible, in declaration order."""
        return [(d.label, self._state.flags[n]) for n, d in self.story.flags.items() if d.label]

    def canon_choice(self, scene_id: str | None = None) -> str | None:
        """The id of the canon choice of a scene (the current one by default), if it has one."""
        choice = canon_choice(self.story.scenes[scene_id or self.scene_id])
        return choice.id if choice is not None else None

    def canon_status(self) -> CanonStatus:
        """Where the player stands against the original story. Leaving it counts as a break; arriving back
        in a scene of the canon path puts the player on it again."""
        on_path, first, breaks = True, None, 0
        path = set(canon_path(self.story)[0])
        for step in self.history:
            if on_path and step.choice_id == self.canon_choice(step.scene_id):
                continue  # the canon choice of a canon scene leads on along the path
            if on_path and not step.auto:
                breaks, first = breaks + 1, first or step.scene_id
            # Any other step (the player's, or a fallback the story took by itself) leaves the path,
            # unless it leads into a scene of the path.
            choice = self.story.choice(step.choice_id)
            on_path = choice is not None and choice.target in path
        return CanonStatus(on_path, first, breaks)

    # ---- moving -----------------------------------------------------------

    def choose(self, choice_id: str) -> SceneView:
        view = self._view
        offered = next((c for c in view.choices if c.id == choice_id), None)
        if offered is None or not offered.enabled:
            why = "is not offered" if offered is None else f"is disabled ({offered.reason})"
            raise ChoiceError(f"choice '{choice_id}' {why} in scene '{view.scene_id}'")
        self.choices_taken.append(choice_id)
        try:
            self._take(choice_id, auto=False)
        except StoryRuntimeError:
            # A fault in the story (division by zero, a runaway loop): leave the session where it was.
            # (With dice supplied by the caller it cannot be replayed; the caller discards it.)
            if self._own_dice:
                self.rewind(len(self.choices_taken) - 1)
            raise
        return self._view

    def undo(self, steps: int = 1) -> SceneView:
        """Go back `steps` player decisions (to the start at most)."""
        return self.rewind(max(0, len(self.choices_taken) - steps))

    def rewind(self, n_choices: int) -> SceneView:
        """Go back to the point after the first `n_choices` player decisions, by replaying them from the start."""
        keep = self.choices_taken[:max(0, n_choices)]
        fresh = Session(self.story, self.seed, render=self.render)
        for cid in keep:
            fresh.choose(cid)
        self.__dict__.update(fresh.__dict__)
        return self._view

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
        cp = self._plans[self._view.scene_id].by_id[choice_id]
        self.history.append(cp.auto_step if auto else cp.step)
        if not cp.sticky:
            self._used.add(choice_id)
        state = self._state
        for eff in cp.effects:
            eff(state)
        self._enter(cp.target)

    def _enter(self, scene_id: str) -> None:
        passed: list[SceneView] = []
        plans = self._plans
        state = self._state
        for _ in range(MAX_AUTO_STEPS):
            plan = plans[scene_id]
            view, fallback = self._arrive(plan)
            self._view = view
            if fallback is None:
                if passed:
                    self._view = replace(view, passed=tuple(passed))
                return
            if self.render:
                passed.append(view)
            self.history.append(fallback.auto_step)
            if not fallback.sticky:
                self._used.add(fallback.id)
            for eff in fallback.effects:
                eff(state)
            scene_id = fallback.target
        raise StoryRuntimeError(f"the story took {MAX_AUTO_STEPS} automatic steps without the player choosing "
                                f"anything (a loop of fallbacks around scene '{scene_id}')",
                                self.story.scenes[scene_id].span)

    def _arrive(self, plan: _ScenePlan) -> tuple[SceneView, _ChoicePlan | None]:
        """Enter a scene: count the visit, run its body, work out its choices. Returns the view and the
        fallback the story takes by itself (None when the player has something to choose, or at an ending)."""
        state = self._state
        visits = state.visits
        sid = plan.id
        visits[sid] = visits.get(sid, 0) + 1
        render = self.render
        out: list[str] | None = [] if render else None
        plan.body(state, out)
        views: list[ChoiceView] = []
        fallback: _ChoicePlan | None = None
        any_enabled = False
        used = self._used
        for cp in plan.choices:
            if cp.id in used:
                continue
            reason = None
            if cp.conditions:
                enabled, hidden = True, False
                for cond, why in cp.conditions:
                    if not cond(state):
                        if why is None:
                            hidden = True
                            break
                        if enabled:
                            enabled, reason = False, why
                if hidden:
                    continue
            if cp.fallback:
                if reason is None and fallback is None:
                    fallback = cp  # the first available fallback
                continue
            if reason is None:
                any_enabled = True
            if render:
                static = cp.static_views
                if static is not None:
                    views.append(static[reason])
                else:
                    views.append(ChoiceView(cp.id, cp.label(state), reason is None, reason, cp.canon, cp.sticky,
                                            cp.kind))
            else:
                if cp.label_must_run:
                    cp.label(state)  # the same draws (and the same faults) as when rendering
                views.append(cp.plain_views[reason])
        view = SceneView(sid, plan.title, tuple(out) if out is not None else (), plan.interlude, plan.viewpoint,
                         tuple(views), plan.ending, len(self.choices_taken))
        return view, (None if any_enabled else fallback)
