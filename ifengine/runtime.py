"""The engine: a `Session` plays one story from one seed. No I/O and no UI: every client (the Textual
player, the plain-text player, the authoring tools, a host program) drives this same API.

Determinism is the contract: a story, a seed and a list of choice ids always give the same transcript.
"""
from __future__ import annotations

from .analysis import canon_choice
from .compile import too_much_text
from .errors import ChoiceError, StoryRuntimeError
from .model import MAX_RENDER, MAX_STACK, Story, Value, parse_place
from .program import ChoicePlan, Program, ScenePlan
from .state import Dice, GameState, SeededDice
from .views import CanonStatus, ChoiceView, SceneView, Step, TagView

MAX_AUTO_STEPS = 1_000

__all__ = ["MAX_AUTO_STEPS", "CanonStatus", "ChoiceError", "ChoiceView", "SceneView", "Session", "Step",
           "StoryRuntimeError"]


class Session:
    """One playthrough. `view()` shows where it stands; `choose(id)` moves on; `undo()`/`rewind()` go back.

    Give it a `Story` or, to share compiled scenes between many sessions, a `Program`. To keep a play as
    text and bring it back, see `saves.dump_session` and `saves.load_session`. With
    `render=False` prose is not assembled (conditions and dice still run, so the path is identical): the
    explorer plays that way. The whole changing state is `self.state` (a `GameState`); `history` and
    `choices_taken` are the record of how it got there.

    The `SceneView` of a step is put together only when `view()` asks for it: replaying a run, rewinding
    or playing the canon path moves through hundreds of scenes nobody looks at. Everything that decides
    the path (the body's effects, the dice, the conditions, labels that draw) still runs on arrival.
    """

    def __init__(self, story: Story | Program, seed: int = 0, *, render: bool = True,
                 dice: Dice | None = None) -> None:
        self.program = story if isinstance(story, Program) else Program(story)
        self._plans = self.program.plans  # looked up at every step
        self.story = self.program.story
        self.seed = seed
        self.render = render
        self._own_dice = dice is None  # rewind() can only reproduce the session's own seeded dice
        self.state = GameState(self.story.start, {name: d.default for name, d in self.story.flags.items()}, {},
                               set(), dice if dice is not None else SeededDice(seed))
        self.history: list[Step] = []
        self.choices_taken: list[str] = []  # the player's decisions: what runs and saves record
        self._view: SceneView | None = None  # built from `_arrival` when first asked for
        self._arrival: _Arrival
        # what `canon_status` found for the history (this list) up to a step, for this program
        self._canon_memo: tuple[list[Step], Program, int, bool, str | None, int] | None = None
        self._enter(self.story.start)

    # ---- reading ----------------------------------------------------------

    def view(self) -> SceneView:
        view = self._view
        if view is None:
            view = self._view = self._arrival.view()
        return view

    @property
    def scene_id(self) -> str:
        return self._arrival.plan.id

    @property
    def flags(self) -> dict[str, Value]:
        return dict(self.state.flags)

    @property
    def visits(self) -> dict[str, int]:
        return dict(self.state.visits)

    @property
    def is_over(self) -> bool:
        return self._arrival.plan.ending is not None

    @property
    def is_stuck(self) -> bool:
        """Not an ending, yet nothing can be chosen: a dead end the author should fix."""
        arrival = self._arrival
        return arrival.plan.ending is None and not any(c.enabled for c in arrival.choices)

    def visible_flags(self) -> list[tuple[str, Value]]:
        """(label, value) for flags the author marked visible, in declaration order."""
        return [(d.label, self.state.flags[n]) for n, d in self.story.flags.items() if d.label]

    @property
    def part(self) -> int:
        """Which part of the scene the play is in: 0 on arrival, k after its k-th gather or call line."""
        return self.state.part

    def canon_choice(self, scene_id: str | None = None, part: int | None = None) -> str | None:
        """The id of the canon choice of a scene's part (where the play stands by default), if it has one."""
        if scene_id is None:
            scene_id, part = self.scene_id, self.state.part
        choice = canon_choice(self.story.scenes[scene_id], part or 0)
        return choice.id if choice is not None else None

    def canon_status(self) -> CanonStatus:
        """Where the player stands against the original story. Leaving it counts as a break; arriving back
        in a scene of the canon path puts the player on it again.

        The player asks at every move, so what the history up to its last step says is kept: a history is
        only ever appended to (undo, rewind and fork give the session another list), and each step's
        standing depends only on the steps before it and where the next was taken."""
        history = self.history
        memo = self._canon_memo
        if memo is not None and memo[0] is history and memo[1] is self.program:
            _, _, done, on_path, first, breaks = memo
        else:
            done, on_path, first, breaks = 0, True, None, 0
        last = len(history) - 1
        for i in range(done, last):
            on_path, first, breaks = self._canon_step(history[i], history[i + 1].scene_id, on_path, first, breaks)
        if last > done:
            self._canon_memo = (history, self.program, last, on_path, first, breaks)
        if last >= 0:
            on_path, first, breaks = self._canon_step(history[last], self.scene_id, on_path, first, breaks)
        return CanonStatus(on_path, first, breaks)

    def _canon_step(self, step: Step, next_scene: str, on_path: bool, first: str | None, breaks: int
                    ) -> tuple[bool, str | None, int]:
        """The standing after one step of the history, given the scene where the next step was taken
        (where a step arrived is where the next was taken: a return's place is on the stack, not the choice)."""
        if on_path and step.choice_id == self.canon_choice(step.scene_id, self.program.parts[step.choice_id]):
            return on_path, first, breaks  # the canon choice of a canon scene leads on along the path
        if on_path and not step.auto:
            breaks, first = breaks + 1, first or step.scene_id
        # Any other step (the player's, or a fallback the story took by itself) leaves the path, unless it
        # leads into a scene of the path.
        return next_scene in self.program.canon_scenes, first, breaks

    def state_key(self) -> tuple:
        """What makes two sessions play on identically from here (for deduplicating states while exploring):
        the whole game state but the dice, which an explorer enumerates rather than follows."""
        return self.state.key(dice=False)

    # ---- moving -----------------------------------------------------------

    def choose(self, choice_id: str) -> SceneView:
        self._choose(choice_id)
        return self.view()

    def _choose(self, choice_id: str) -> None:
        """`choose` without making the view it returns (a replay reads none of them)."""
        arrival = self._arrival
        for offered in arrival.choices:
            if offered.id == choice_id:
                break
        else:
            offered = None
        if offered is None or not offered.enabled:
            why = "is not offered" if offered is None else f"is disabled ({offered.reason})"
            raise ChoiceError(f"choice '{choice_id}' {why} in scene '{arrival.plan.id}'")
        self.choices_taken.append(choice_id)
        cp = arrival.plan.by_id[choice_id]
        self.history.append(cp.step)
        try:
            self._enter(*self._follow(cp))
        except StoryRuntimeError:
            # A fault in the story (division by zero, a runaway loop): leave the session where it was.
            # (With dice supplied by the caller it cannot be replayed; the caller discards it.)
            if self._own_dice:
                self.rewind(len(self.choices_taken) - 1)
            raise

    def undo(self, steps: int = 1) -> SceneView:
        """Go back `steps` player decisions (to the start at most)."""
        return self.rewind(max(0, len(self.choices_taken) - steps))

    def rewind(self, n_choices: int) -> SceneView:
        """Go back to the point after the first `n_choices` player decisions, by replaying them from the start."""
        fresh = Session(self.program, self.seed, render=self.render)
        for cid in self.choices_taken[:max(0, n_choices)]:
            fresh._choose(cid)
        self._adopt(fresh)
        return self.view()

    def fork(self) -> Session:
        """An independent copy at the same point (the explorer branches from it)."""
        other = object.__new__(Session)
        other._adopt(self)
        other.state = self.state.copy()
        other.history = list(self.history)
        other.choices_taken = list(self.choices_taken)
        return other

    def forget_record(self) -> None:
        """Drop the history and the decisions taken, keeping the state: a search that keeps its own paths
        need not copy a history as long as the path at every fork."""
        self.history = []
        self.choices_taken = []

    # ---- internals --------------------------------------------------------

    def _adopt(self, other: Session) -> None:
        """Take over another session's every field (rewind replays into a fresh one; fork starts from one)."""
        self.program, self.story, self.seed, self.render = other.program, other.story, other.seed, other.render
        self._plans = other._plans
        self._own_dice = other._own_dice
        self.state, self.history, self.choices_taken = other.state, other.history, other.choices_taken
        self._view, self._arrival = other._view, other._arrival
        self._canon_memo = other._canon_memo

    def _follow(self, cp: ChoicePlan) -> tuple[str, int, list[str] | None]:
        """What taking a choice does, the player's or a fallback the story takes by itself: use it up (once-only),
        run its effects and its response, and say the place it leads to, with the response to show there."""
        state = self.state
        if not cp.sticky:
            state.used.add(cp.id)
        response: list[str] | None = None
        take = cp.take
        if take is not None:
            if cp.has_response and self.render:
                response = []
            take(state, response)
        scene_id, part = self._move(cp) if cp.moves else (cp.target, cp.part)
        return scene_id, part, response

    def _move(self, cp: ChoicePlan) -> tuple[str, int]:
        """A call or a return: move the call stack and say which place to enter. A call pushes the place to
        go on to (a scene, or a part of one: `model.place`) and enters the tunnel; a return pops it. Both stop
        play with a fault rather than return with no call open, or nest calls past `MAX_STACK`."""
        stack = self.state.stack
        call = cp.call
        if call is None:  # a return: of the choices that move the stack, the one that calls nothing
            if not stack:
                raise StoryRuntimeError(f"choice '{cp.id}' returns, but no tunnel call is open to return from "
                                        f"(scene '{self.state.scene}' was reached without a call)", cp.span)
            return parse_place(stack.pop())
        if len(stack) >= MAX_STACK:
            raise StoryRuntimeError(f"choice '{cp.id}' calls '{call}' with {len(stack)} tunnel calls "
                                    f"already open, the most a play may nest (a tunnel that calls itself "
                                    f"without end?)", cp.span)
        stack.append(cp.resume)
        return call, 0

    def _enter(self, scene_id: str, part: int = 0, response: list[str] | None = None) -> None:
        """Go to a place: a scene's opening (part 0, a visit) or a later part of it (after a gather, or where a
        tunnel called from a line of its body returns to: no visit), after the response of the choice that
        led there, and on through the fallbacks the story takes by itself."""
        self._view = None
        fallback = self._arrive(scene_id, part, response)
        if fallback is not None:
            self._fall_through(fallback)

    def _fall_through(self, fallback: ChoicePlan) -> None:
        """Take the fallbacks the story takes by itself, one place after another, until the player has
        something to choose (or the story ends); the places passed through go in the view (`passed`)."""
        passed: list[SceneView] = []
        arrivals = 1
        while True:
            if self.render:
                passed.append(self._arrival.view())
            self.history.append(fallback.auto_step)
            scene_id, part, response = self._follow(fallback)
            if arrivals == MAX_AUTO_STEPS:
                raise StoryRuntimeError(f"the story took {MAX_AUTO_STEPS} automatic steps without the player "
                                        f"choosing anything (a loop of fallbacks around scene '{scene_id}')",
                                        self.story.scenes[scene_id].span)
            next_fallback = self._arrive(scene_id, part, response)
            arrivals += 1
            if next_fallback is None:
                if passed:
                    self._view = self._arrival.view()._replace(passed=tuple(passed))
                return
            fallback = next_fallback

    def _arrive(self, scene_id: str, part: int, response: list[str] | None) -> ChoicePlan | None:
        """Enter a place: count the visit (at a scene's opening), run the part's body, work out its choices,
        and keep what the view is made of (`_arrival`). Returns the fallback the story takes by itself (None
        when the player has something to choose, or at an ending)."""
        plan = self._plans[scene_id]
        state = self.state
        state.scene = scene_id
        state.part = part
        if not part:
            visits = state.visits
            visits[scene_id] = visits.get(scene_id, 0) + 1
        out: list[str] | None = [] if self.render else None
        here = plan.parts[part]
        views, fallback = here.arrive(state, out)
        if out is not None and (here.bound is None or here.bound > MAX_RENDER or response) and (
                sum(map(len, out)) + sum(len(v.label) for v in views)
                + (sum(map(len, response)) if response else 0)) > MAX_RENDER:
            raise too_much_text(self.story.scenes[scene_id].span, f"scene '{scene_id}'")
        self._arrival = _Arrival(plan, part, out, views, len(self.choices_taken), response)
        return fallback


class _Arrival:
    """What a step arrived at, worked out on arrival (the response of the choice that led there, the
    rendered paragraphs, the choices offered), from which its `SceneView` is made when someone asks."""

    __slots__ = ("plan", "part", "paragraphs", "choices", "step", "response")

    def __init__(self, plan: ScenePlan, part: int, paragraphs: list[str] | None, choices: list[ChoiceView],
                 step: int, response: list[str] | None) -> None:
        self.plan = plan
        self.part = part
        self.paragraphs = paragraphs
        self.choices = choices
        self.step = step
        self.response = response

    def view(self) -> SceneView:
        plan, out = self.plan, self.paragraphs
        paragraphs: tuple[str, ...] = tuple(out) if out is not None else ()
        tags: tuple[TagView, ...] = plan.tags
        paragraph_tags: tuple[tuple[TagView, ...], ...] = ()
        if plan.tagged and paragraphs:  # tagged paragraphs came as TaggedText: plain strs and their tags
            paragraph_tags = tuple([getattr(p, "tags", ()) for p in paragraphs])
            paragraphs = tuple([str(p) for p in paragraphs])
            tags += tuple([t for line in paragraph_tags for t in line])
            if not any(paragraph_tags):  # the tagged lines were not shown this time
                paragraph_tags = ()
        response: tuple[str, ...] = ()
        if self.response:
            tags = tuple([t for p in self.response for t in getattr(p, "tags", ())]) + tags
            response = tuple([str(p) for p in self.response])
        return SceneView(plan.id, plan.title, paragraphs, plan.interlude, plan.viewpoint, tuple(self.choices),
                         plan.ending, self.step, (), tags, paragraph_tags, response, self.part)
