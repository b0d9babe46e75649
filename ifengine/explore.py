"""Exploring a story by playing it: seeded random playthroughs, and an exhaustive breadth-first search over
distinct engine states that proves which scenes and endings can be reached and finds dead ends and errors.

Both drive the ordinary `Session` (with `render=False`), so what they find is what a player would meet.
"""
from __future__ import annotations

import operator
import random
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Iterator

from .analysis import can_fail, cyclic, expr_nodes, strong_components, text_exprs
from .compile import State, StoryRuntimeError
from .model import (
    Binary, Body, Choice, Conditional, Effect, Expr, FlagRef, Literal, Paragraph, RandomCall, SceneCall, Story,
)
from .runtime import Session

MAX_STEPS = 10_000  # a random playthrough longer than this is stopped and reported as capped
MAX_STATES = 250_000  # default bound of the exhaustive search (about 3 KB of memory a state, at worst)
SEED_SEARCH = 2_000  # seeds tried to reproduce a finding that depends on random draws
COMPARE = {"==", "!=", "<", "<=", ">", ">="}


# ---- which parts of a state can change what happens next ------------------------------------------


@dataclass(frozen=True)
class Relevance:
    """What the deduplication key keeps. Two states that agree on all of it play on identically: the same
    choices are offered and enabled, the same effects are applied, the same runtime errors are raised.

    - `flags`: flags read by a condition, or by an effect on a relevant flag, or by a `~ if` that guards one.
    - `visits`: scene -> cap. A scene whose visits are only compared with constants (`visits(x) > 2`,
      `seen(x)`) needs its count only up to one past the largest constant; `None` keeps the exact count.
    - `cyclic`: scenes that can be entered again; only their used once-only choices can matter later.
    - `full`: a division or `roll()` whose inputs the analysis cannot track (in prose, say) could fail on a
      value the key dropped; then every flag and every visit count read anywhere is kept, so no error can
      be missed (the engine runs such text even when it does not render it).
    """

    flags: tuple[str, ...]
    visits: tuple[tuple[str, int | None], ...]
    cyclic: frozenset[str]
    full: bool
    random: bool  # the story draws random numbers somewhere
    random_offers: bool  # a choice condition draws: the choices offered are then part of the state


def _effect_targets(body: Body) -> set[str]:
    out: set[str] = set()
    for item in body:
        if isinstance(item, Effect):
            out.add(item.flag)
        elif isinstance(item, Conditional):
            for b in item.branches:
                out |= _effect_targets(b.body)
    return out


@dataclass
class _Uses:
    """Every expression of a story, sorted by how its value is used."""

    always: list[Expr] = field(default_factory=list)  # choice conditions
    effects: list[tuple[Expr, str]] = field(default_factory=list)  # effect value, target flag
    guards: list[tuple[Expr, frozenset[str]]] = field(default_factory=list)  # `~ if` cond, flags set inside
    text: list[Expr] = field(default_factory=list)  # prose and labels: they change only what is read


def _collect(story: Story) -> _Uses:
    uses = _Uses()

    def body(items: Body) -> None:
        for item in items:
            if isinstance(item, Paragraph):
                uses.text += text_exprs(item.text)
            elif isinstance(item, Effect):
                if item.value is not None:
                    uses.effects.append((item.value, item.flag))
            elif isinstance(item, Conditional):
                targets = frozenset(_effect_targets((item,)))
                for b in item.branches:
                    if b.cond is not None:
                        uses.guards.append((b.cond, targets))
                    body(b.body)

    for scene in story.scenes.values():
        body(scene.body)
        for c in scene.choices:
            uses.text += text_exprs(c.label)
            uses.always += [cond.expr for cond in c.conditions]
            uses.effects += [(e.value, e.flag) for e in c.effects if e.value is not None]
    return uses


def _visit_caps(exprs: Iterable[Expr]) -> dict[str, int | None]:
    caps: dict[str, int | None] = {}

    def need(scene: str, cap: int | None) -> None:
        if scene in caps and caps[scene] is None:
            return
        caps[scene] = None if cap is None else max(cap, caps.get(scene) or 0)

    for e in exprs:
        compared: set[int] = set()  # ids of SceneCalls compared with a constant: those may saturate
        for node in expr_nodes(e):
            if isinstance(node, Binary) and node.op in COMPARE:
                for call, other in ((node.left, node.right), (node.right, node.left)):
                    if (isinstance(call, SceneCall) and call.func == "visits" and isinstance(other, Literal)
                            and type(other.value) is int):
                        compared.add(id(call))
                        need(call.scene, max(other.value + 1, 1))
            elif isinstance(node, SceneCall):
                if node.func == "seen":
                    need(node.scene, 1)
                elif id(node) not in compared:
                    need(node.scene, None)
    return caps


def _flags_read(e: Expr) -> set[str]:
    return {n.name for n in expr_nodes(e) if isinstance(n, FlagRef)}


def _cyclic_scenes(story: Story) -> frozenset[str]:
    """Scenes that lie on a cycle of the scene graph (every choice counted, whatever its conditions)."""
    succ = {sid: [c.target for c in s.choices if c.target in story.scenes] for sid, s in story.scenes.items()}
    edges = succ.__getitem__
    return frozenset(sid for comp in strong_components(story.scenes, edges) if cyclic(comp, edges) for sid in comp)


def relevance(story: Story, full: bool = False) -> Relevance:
    """Work out, from the model, which parts of a state the deduplication key must keep (cached)."""
    cache_name = "_explore_relevance_full" if full else "_explore_relevance"
    cached = story.__dict__.get(cache_name)
    if cached is not None:
        return cached
    uses = _collect(story)
    everything = (uses.always + [e for e, _ in uses.effects] + [e for e, _ in uses.guards] + uses.text)
    randomness = any(isinstance(n, RandomCall) for e in everything for n in expr_nodes(e))
    offers = any(isinstance(n, RandomCall) for e in uses.always for n in expr_nodes(e))
    cyclic = _cyclic_scenes(story)
    if not full:
        flags: set[str] = set()
        kept: list[Expr] = list(uses.always)
        for e in uses.always:
            flags |= _flags_read(e)
        pending_effects = list(uses.effects)
        pending_guards = list(uses.guards)
        changed = True
        while changed:  # a fixed point: effects on kept flags, and `~ if`s guarding them, are kept too
            changed = False
            for group in (pending_effects, pending_guards):
                rest = []
                for e, target in group:
                    hit = target in flags if isinstance(target, str) else bool(target & flags)
                    if hit or can_fail(e):
                        kept.append(e)
                        new = _flags_read(e) - flags
                        if new:
                            flags |= new
                        changed = True
                    else:
                        rest.append((e, target))
                group[:] = rest
        dropped = uses.text + [e for e, _ in pending_effects] + [e for e, _ in pending_guards]
        if any(can_fail(e) for e in dropped):
            full = True
        else:
            caps = _visit_caps(kept)
            result = Relevance(tuple(sorted(flags)), tuple(sorted(caps.items())), cyclic, False, randomness, offers)
            object.__setattr__(story, cache_name, result)
            return result
    caps = {sid: None for sid in _visit_caps(everything)}
    result = Relevance(tuple(sorted(story.flags)), tuple(sorted(caps.items())), cyclic, True, randomness, offers)
    object.__setattr__(story, cache_name, result)
    return result


def make_key(story: Story, rel: Relevance) -> Callable[[Session], tuple]:
    """The deduplication key of a session under `rel`: scene, relevant flags, capped visits, used choices.

    It reads the session's live state directly (no copies, no sorting): this runs once per transition."""
    flag_names = rel.flags
    exact = frozenset(s for s, cap in rel.visits if cap is None)
    caps = {s: cap for s, cap in rel.visits if cap is not None}
    capped = frozenset(caps)
    cyclic_choices = frozenset(c.id for sid in rel.cyclic for c in story.scenes[sid].choices if not c.sticky)
    get_flags = _getter(flag_names)
    if rel.random_offers:
        # A condition that draws (`? roll(6) == 6`) was decided on arrival: two states alike in everything
        # else may offer different choices, so what is offered is part of the key.
        def key_with_offers(session: Session) -> tuple:
            return key(session) + (tuple([c.id for c in session.view().enabled]),)

    def key(session: Session) -> tuple:
        state, used = _live(session)
        visits = state.visits
        # only scenes entered so far are in `visits`: intersecting keeps the key as small as the path
        return (session.scene_id,
                get_flags(state.flags),
                frozenset([(s, visits[s]) for s in visits.keys() & exact]) if exact else (),
                frozenset([(s, min(visits[s], caps[s])) for s in visits.keys() & capped]) if capped else (),
                frozenset(used & cyclic_choices) if cyclic_choices and used else ())
    return key_with_offers if rel.random_offers else key


def _getter(names: tuple[str, ...]) -> Callable[[dict], tuple]:
    if not names:
        return lambda d: ()
    if len(names) == 1:
        name = names[0]
        return lambda d: (d[name],)
    return operator.itemgetter(*names)


def _live(session: Session) -> tuple[State, set[str]]:
    """The session's live flags/visits and used once-only choices. `Session.state_key()` gives the same
    facts as sorted copies; the search needs them without copying, once per transition."""
    return session._state, session._used  # noqa: SLF001


# ---- dice -----------------------------------------------------------------------------------------


class ScriptedDice:
    """Replays a script of outcome indexes and records every draw asked for (how many outcomes it had), so
    the search can branch on each possible result. Past the script it answers with the first outcome."""

    __slots__ = ("script", "drawn", "arity")

    def __init__(self) -> None:
        self.script: list[int] = []
        self.drawn: list[int] = []  # the outcome index given at each draw that had a choice
        self.arity: list[int] = []  # how many outcomes that draw had

    def reset(self, script: list[int]) -> None:
        self.script = script
        self.drawn = []
        self.arity = []

    def _next(self, n: int) -> int:
        i = len(self.drawn)
        k = self.script[i] if i < len(self.script) else 0
        self.drawn.append(k)
        self.arity.append(n)
        return k

    def roll(self, sides: int) -> int:
        if sides <= 1:
            return 1
        return self._next(sides) + 1

    def chance(self, percent: int) -> bool:
        if percent <= 0:
            return False
        if percent >= 100:
            return True
        return self._next(2) == 0

    def next_script(self) -> list[int] | None:
        """The next script in depth-first order over all outcome sequences, or None when all were tried."""
        i = len(self.drawn) - 1
        while i >= 0 and self.drawn[i] + 1 >= self.arity[i]:
            i -= 1
        if i < 0:
            return None
        return self.drawn[:i] + [self.drawn[i] + 1]


def _each_outcome(dice: ScriptedDice, run: Callable[[], object]) -> Iterator[tuple[object, tuple[int, ...]]]:
    """Call `run` once per sequence of random outcomes it can meet; yield its result and the outcomes used.
    A result that is an exception instance was raised by `run`."""
    script: list[int] | None = []
    while script is not None:
        dice.reset(script)
        try:
            result: object = run()
        except Exception as e:  # noqa: BLE001 - every fault is a finding, with the path that reproduces it
            result = e
        yield result, tuple(dice.drawn)
        script = dice.next_script()


# ---- results --------------------------------------------------------------------------------------


@dataclass
class Finding:
    """Something the explorer met, with the shortest (or first) choice path that reaches it."""

    kind: str  # "ending" | "dead_end" | "error" | "scene"
    scene: str
    path: list[str]
    seed: int | None  # a seed with which `path` reproduces the finding (None: no seed tried did)
    count: int = 1
    message: str = ""
    draws: list[list[int]] = field(default_factory=list)  # per step, the random outcomes the path needs

    def to_dict(self) -> dict[str, object]:
        d: dict[str, object] = {"scene": self.scene, "path": self.path, "seed": self.seed, "count": self.count}
        if self.message:
            d["message"] = self.message
        if any(self.draws):
            d["draws"] = self.draws
        return d


@dataclass
class Report:
    """What an exploration found. `to_dict()` is the `--json` output."""

    story: Story
    mode: str  # "random" | "exhaustive"
    seed: int
    runs: int = 0
    states: int | None = None
    complete: bool = True  # exhaustive: every reachable state was visited (the bound was not hit)
    steps: int = 0  # random: choices made in all runs
    capped: list[int] = field(default_factory=list)  # random: seeds of runs stopped at the step cap
    max_steps: int = MAX_STEPS  # random: the cap
    scenes_reached: set[str] = field(default_factory=set)
    choices_reached: set[str] = field(default_factory=set)
    endings: dict[str, Finding] = field(default_factory=dict)
    dead_ends: dict[str, Finding] = field(default_factory=dict)  # by scene
    errors: dict[str, Finding] = field(default_factory=dict)  # by message
    shortest: Finding | None = None
    longest: Finding | None = None
    seconds: float = 0.0

    @property
    def all_choices(self) -> list[Choice]:
        return [c for s in self.story.scenes.values() for c in s.choices]

    @property
    def unreached_scenes(self) -> list[str]:
        return [sid for sid, s in self.story.scenes.items() if not s.is_ending and sid not in self.scenes_reached]

    @property
    def unreached_endings(self) -> list[str]:
        return [s.id for s in self.story.endings if s.id not in self.endings]

    @property
    def unreached_choices(self) -> list[str]:
        return [c.id for c in self.all_choices if c.id not in self.choices_reached]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.dead_ends

    def to_dict(self) -> dict[str, object]:
        story = self.story
        endings = []
        for s in _endings_in_order(story):
            f = self.endings.get(s.id)
            e: dict[str, object] = {"id": s.id, "kind": s.ending_kind, "title": s.title,
                                    "reached": f is not None, "count": f.count if f else 0}
            if f is not None:
                e["path"], e["seed"] = f.path, f.seed
                if any(f.draws):
                    e["draws"] = f.draws
            endings.append(e)
        out: dict[str, object] = {
            "story": story.id, "mode": self.mode, "seed": self.seed,
            "runs": self.runs, "states": self.states, "complete": self.complete,
            "scenes_total": sum(not s.is_ending for s in story.scenes.values()),
            "scenes_reached": sum(1 for sid, s in story.scenes.items()
                                  if not s.is_ending and sid in self.scenes_reached),
            "choices_total": len(self.all_choices),
            "choices_reached": sum(1 for c in self.all_choices if c.id in self.choices_reached),
            "endings": endings,
            "unreached_scenes": self.unreached_scenes,
            "unreached_endings": self.unreached_endings,
            "unreached_choices": self.unreached_choices,
            "dead_ends": [f.to_dict() for f in self.dead_ends.values()],
            "errors": [f.to_dict() for f in self.errors.values()],
            "seconds": round(self.seconds, 3),
        }
        if self.mode == "random":
            out["steps"] = self.steps
            out["capped"] = self.capped
            out["max_steps"] = self.max_steps
            out["shortest"] = self.shortest.to_dict() | {"length": len(self.shortest.path)} if self.shortest else None
            out["longest"] = self.longest.to_dict() | {"length": len(self.longest.path)} if self.longest else None
        return out


def _endings_in_order(story: Story) -> list:
    """Canon endings first, then alternate, then death, each in story order."""
    rank = {"canon": 0, "alternate": 1, "death": 2}
    return sorted(story.endings, key=lambda s: rank.get(s.ending_kind or "", 3))


def _targets(story: Story) -> dict[str, str]:
    cached = story.__dict__.get("_explore_targets")
    if cached is None:
        cached = {c.id: c.target for s in story.scenes.values() for c in s.choices}
        object.__setattr__(story, "_explore_targets", cached)
    return cached


# ---- random playthroughs --------------------------------------------------------------------------


@dataclass
class _Run:
    seed: int
    choices: list[str]
    scene: str
    ending: str | None
    stuck: bool
    error: str | None
    capped: bool


def random_playthrough(story: Story, seed: int, max_steps: int = MAX_STEPS) -> tuple[_Run, set[str], set[str]]:
    """One playthrough: the story's dice and the picks both seeded from `seed`. Returns the run, the scenes
    entered and the choices taken (the story's own fallbacks included)."""
    picker = random.Random(f"ifengine-explore-{seed}")
    choices: list[str] = []
    try:
        session = Session(story, seed, render=False)
    except Exception as e:  # noqa: BLE001
        return _Run(seed, choices, story.start, None, False, _message(e), False), {story.start}, set()
    error = None
    capped = False
    while True:
        view = session.view()
        if view.ending is not None:
            break
        enabled = view.enabled
        if not enabled:
            break
        if len(choices) >= max_steps:
            capped = True
            break
        cid = enabled[picker.randrange(len(enabled))].id if len(enabled) > 1 else enabled[0].id
        choices.append(cid)
        try:
            session.choose(cid)
        except Exception as e:  # noqa: BLE001
            error = _message(e)
            break
    targets = _targets(story)
    taken = {step.choice_id for step in session.history}
    scenes = {story.start} | {targets[c] for c in taken}
    return (_Run(seed, choices, session.scene_id, session.view().ending.id if session.is_over else None,
                 session.is_stuck and error is None, error, capped), scenes, taken)


def _message(e: BaseException) -> str:
    if isinstance(e, StoryRuntimeError):
        return str(e)
    return f"internal error: {type(e).__name__}: {e}"


@dataclass
class _Chunk:
    """Random runs [first, first + count) folded together; chunks merge in order, so results never depend on
    how the runs were spread over processes."""

    runs: int = 0
    steps: int = 0
    capped: list[int] = field(default_factory=list)
    scenes: set[str] = field(default_factory=set)
    choices: set[str] = field(default_factory=set)
    endings: dict[str, list] = field(default_factory=dict)  # id -> [count, first run]
    dead_ends: dict[str, list] = field(default_factory=dict)  # scene -> [count, shortest run]
    errors: dict[str, list] = field(default_factory=dict)  # message -> [count, shortest run]
    shortest: _Run | None = None
    longest: _Run | None = None

    def add(self, run: _Run, scenes: set[str], choices: set[str]) -> None:
        self.runs += 1
        self.steps += len(run.choices)
        self.scenes |= scenes
        self.choices |= choices
        if run.capped:
            self.capped.append(run.seed)
        if run.ending:
            slot = self.endings.setdefault(run.ending, [0, run])
            slot[0] += 1
            if len(run.choices) < len(slot[1].choices):
                slot[1] = run
        for table, name in ((self.dead_ends, run.scene if run.stuck else None), (self.errors, run.error)):
            if name:
                slot = table.setdefault(name, [0, run])
                slot[0] += 1
                if len(run.choices) < len(slot[1].choices):
                    slot[1] = run
        if run.ending or run.stuck or run.error:  # finished playthroughs, not capped ones
            if self.shortest is None or len(run.choices) < len(self.shortest.choices):
                self.shortest = run
            if self.longest is None or len(run.choices) > len(self.longest.choices):
                self.longest = run

    def merge(self, other: "_Chunk") -> None:
        self.runs += other.runs
        self.steps += other.steps
        self.capped += other.capped
        self.scenes |= other.scenes
        self.choices |= other.choices
        for mine, theirs in ((self.endings, other.endings), (self.dead_ends, other.dead_ends),
                             (self.errors, other.errors)):
            for name, (count, run) in theirs.items():
                slot = mine.setdefault(name, [0, run])
                slot[0] += count
                if len(run.choices) < len(slot[1].choices):  # earlier chunks win ties: run order decides
                    slot[1] = run
        if other.shortest and (self.shortest is None or len(other.shortest.choices) < len(self.shortest.choices)):
            self.shortest = other.shortest
        if other.longest and (self.longest is None or len(other.longest.choices) > len(self.longest.choices)):
            self.longest = other.longest


def _random_chunk(story: Story, seed: int, first: int, count: int, max_steps: int,
                  tick: Callable[[int], None] | None = None) -> _Chunk:
    chunk = _Chunk()
    for i in range(first, first + count):
        chunk.add(*random_playthrough(story, seed + i, max_steps))
        if tick is not None and (i - first) % 64 == 63:
            tick(64)
    if tick is not None and count % 64:
        tick(count % 64)
    return chunk


_WORKER_STORY: Story | None = None


def _worker_init(path: str) -> None:
    global _WORKER_STORY
    from .loader import load_story

    _WORKER_STORY = load_story(path)


def _worker_chunk(seed: int, first: int, count: int, max_steps: int) -> _Chunk:
    assert _WORKER_STORY is not None
    return _random_chunk(_WORKER_STORY, seed, first, count, max_steps)


def explore_random(story: Story, runs: int = 1000, seed: int = 0, *, jobs: int = 1, path: str | None = None,
                   max_steps: int = MAX_STEPS, progress: Callable[[int], None] | None = None) -> Report:
    """`runs` random playthroughs; run i uses seed `seed + i` for both the story's dice and the picks.
    With `jobs > 1` (and the story's `path`, which each worker process loads), runs are spread over
    processes and merged in run order, so the report is the same for any number of jobs."""
    import time

    start = time.perf_counter()
    total = _Chunk()
    if jobs > 1 and path is not None and runs > 1:
        from concurrent.futures import ProcessPoolExecutor, as_completed

        n_chunks = min(runs, jobs * 16)  # small chunks: even load, and a progress bar that moves
        bounds = [(runs * k // n_chunks, runs * (k + 1) // n_chunks) for k in range(n_chunks)]
        with ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init, initargs=(path,)) as pool:
            futures = {pool.submit(_worker_chunk, seed, a, b - a, max_steps): b - a for a, b in bounds}
            for fut in as_completed(futures):
                if progress is not None:
                    progress(futures[fut])
            for fut in futures:  # merged in run order, whatever order they finished in
                total.merge(fut.result())
    else:
        total = _random_chunk(story, seed, 0, runs, max_steps, progress)
    report = Report(story, "random", seed, runs=runs, states=None, steps=total.steps, capped=total.capped,
                    max_steps=max_steps, scenes_reached=total.scenes, choices_reached=total.choices)

    def finding(kind: str, scene: str, run: _Run, count: int, message: str = "") -> Finding:
        return Finding(kind, scene, run.choices, run.seed, count, message)

    for name, (count, run) in sorted(total.endings.items()):
        report.endings[name] = finding("ending", name, run, count)
    for name, (count, run) in sorted(total.dead_ends.items()):
        report.dead_ends[name] = finding("dead_end", name, run, count)
    for name, (count, run) in sorted(total.errors.items()):
        report.errors[name] = finding("error", run.scene, run, count, name)
    if total.shortest:
        report.shortest = finding("run", total.shortest.scene, total.shortest, 1)
    if total.longest:
        report.longest = finding("run", total.longest.scene, total.longest, 1)
    report.seconds = time.perf_counter() - start
    return report


# ---- the exhaustive search ------------------------------------------------------------------------


@dataclass(slots=True)
class _Node:
    parent: tuple | None
    choice: str | None  # None for a start state
    draws: tuple[int, ...]


class _Search:
    """Breadth-first search over distinct states; random draws are enumerated, so every outcome is tried."""

    def __init__(self, story: Story, max_states: int, full: bool = False, max_depth: int | None = None) -> None:
        self.story = story
        self.max_depth = max_depth
        self.rel = relevance(story, full)
        self.key = make_key(story, self.rel)
        self.max_states = max_states
        self.dice = ScriptedDice()
        self.nodes: dict[tuple, _Node] = {}
        self.complete = True
        self.targets = _targets(story)

    def path(self, key: tuple | None, last: tuple[str | None, tuple[int, ...]] | None = None
             ) -> tuple[list[str], list[list[int]]]:
        steps: list[tuple[str | None, tuple[int, ...]]] = [] if last is None else [last]
        while key is not None:
            node = self.nodes[key]
            steps.append((node.choice, node.draws))
            key = node.parent
        steps.reverse()
        return [c for c, _ in steps if c is not None], [list(d) for _, d in steps]

    def starts(self) -> Iterator[tuple[object, tuple[int, ...]]]:
        # render=False still runs every piece of text that draws dice or can fail, so nothing is missed
        return _each_outcome(self.dice, lambda: Session(self.story, 0, render=False, dice=self.dice))

    def run(self, on_transition: Callable[..., None], progress: Callable[[int], None] | None = None) -> None:
        """Visit every state; `on_transition(parent_key, choice, draws, result, new_key, passed)` is called for
        every transition (result is a Session or an exception), `new_key` is None unless the state is new."""
        queue: deque[tuple[tuple, Session, int]] = deque()
        nodes = self.nodes
        for result, draws in self.starts():
            key = None
            if isinstance(result, Session):
                key = self.key(result)
                if key in nodes:
                    key = None
                else:
                    nodes[key] = _Node(None, None, draws)
                    if not (result.is_over or result.is_stuck):
                        queue.append((key, _slim(result), 0))
            on_transition(None, None, draws, result, key, result.history if isinstance(result, Session) else ())
        reported = 0
        full = False
        while queue:
            parent_key, session, depth = queue.popleft()
            if self.max_depth is not None and depth >= self.max_depth:
                self.complete = False
                continue
            n0 = len(session.history)
            for choice in session.view().enabled:
                cid = choice.id

                def step(cid: str = cid) -> Session:
                    s = session.fork()
                    s.choose(cid)
                    return s

                for result, draws in _each_outcome(self.dice, step):
                    key = None
                    passed = ()
                    if isinstance(result, Session):
                        passed = result.history[n0:]
                        key = self.key(result)
                        if key in nodes:
                            key = None
                        elif len(nodes) >= self.max_states:
                            self.complete = False
                            full = True
                            key = None
                        else:
                            nodes[key] = _Node(parent_key, cid, draws)
                            if not (result.is_over or result.is_stuck):
                                queue.append((key, _slim(result), depth + 1))
                    on_transition(parent_key, cid, draws, result, key, passed)
            if progress is not None and len(nodes) - reported >= 1000:
                progress(len(nodes) - reported)
                reported = len(nodes)
            if full:
                break
        if progress is not None:
            progress(len(nodes) - reported)


def _slim(session: Session) -> Session:
    """A queued state does not need its history: the search keeps paths itself (as parent links), and
    copying a history as long as the path at every fork would make a deep search quadratic in memory."""
    session.history = []
    session.choices_taken = []
    return session


def _reproduce_seed(story: Story, path: list[str], check: Callable[[Session | None, BaseException | None], bool],
                    first: int, draws: bool) -> int | None:
    """A seed with which replaying `path` shows the finding again (`first` when the path has no draws)."""
    seeds = [first] if not draws else range(first, first + SEED_SEARCH)
    for seed in seeds:
        session = None
        try:
            session = Session(story, seed, render=False)
            for cid in path:
                session.choose(cid)
        except Exception as e:  # noqa: BLE001
            if check(None, e):
                return seed
            continue
        if check(session, None):
            return seed
    return None


def explore_exhaustive(story: Story, max_states: int = MAX_STATES, seed: int = 0,
                       progress: Callable[[int], None] | None = None, max_depth: int | None = None,
                       visit: Callable[[Session], None] | None = None) -> Report:
    """Visit every distinct state reachable from the start (up to `max_states`), trying every random
    outcome. Reports each ending, dead end and error with the shortest choice path that reaches it.
    `max_depth` stops at that many choices from the start (the report is then marked incomplete when
    anything was left unexpanded). `visit`, if given, is called with each new distinct state (a Session: read
    it, do not play it)."""
    import time

    start_time = time.perf_counter()
    search = _Search(story, max_states, max_depth=max_depth)
    report = Report(story, "exhaustive", seed)
    targets = search.targets
    pending: dict[str, dict] = {"ending": {}, "dead_end": {}, "error": {}}

    def note(table: dict, name: str, parent: tuple | None, cid: str | None, draws: tuple[int, ...],
             scene: str, message: str = "") -> None:
        slot = table.get(name)
        if slot is None:
            table[name] = [1, parent, cid, draws, scene, message]
        else:
            slot[0] += 1

    def on_transition(parent, cid, draws, result, key, passed) -> None:
        if cid is not None:
            report.choices_reached.add(cid)
        for step in passed:
            report.choices_reached.add(step.choice_id)
            report.scenes_reached.add(targets[step.choice_id])
        if isinstance(result, BaseException):
            scene = parent[0] if parent is not None else story.start
            note(pending["error"], _message(result), parent, cid, draws, scene, _message(result))
            return
        report.scenes_reached.add(result.scene_id)
        if key is None:
            return
        if visit is not None:
            visit(result)
        if result.is_over:
            note(pending["ending"], result.scene_id, parent, cid, draws, result.scene_id)
        elif result.is_stuck:
            note(pending["dead_end"], result.scene_id, parent, cid, draws, result.scene_id)

    report.scenes_reached.add(story.start)
    search.run(on_transition, progress)
    report.states = len(search.nodes)
    report.complete = search.complete

    def finish(kind: str, name: str, slot: list) -> Finding:
        count, parent, cid, draws, scene, message = slot
        path, all_draws = search.path(parent, (cid, draws) if cid is not None else None)
        if cid is None and parent is None:
            all_draws = [list(draws)]

        def check(session: Session | None, error: BaseException | None) -> bool:
            if kind == "error":
                return error is not None and _message(error) == message
            if session is None:
                return False
            if kind == "ending":
                return session.is_over and session.scene_id == name
            return session.is_stuck and session.scene_id == name

        found = _reproduce_seed(story, path, check, seed, any(all_draws))
        return Finding(kind, scene, path, found, count, message, all_draws)

    for s in story.endings:
        if s.id in pending["ending"]:
            report.endings[s.id] = finish("ending", s.id, pending["ending"][s.id])
    for name, slot in sorted(pending["dead_end"].items()):
        report.dead_ends[name] = finish("dead_end", name, slot)
    for name, slot in sorted(pending["error"].items()):
        report.errors[name] = finish("error", name, slot)
    report.seconds = time.perf_counter() - start_time
    return report


# ---- play from here -------------------------------------------------------------------------------


def shortest_path(story: Story, scene_id: str, seed: int = 0, max_states: int = 200_000) -> list[str] | None:
    """The fewest choice ids that, played from the start with `seed`, arrive in scene `scene_id`; [] for the
    start scene; None when no path reaches it (within `max_states` states). A path that stops in the scene
    is preferred to one that only passes through it by a fallback."""
    if scene_id not in story.scenes:
        return None
    if scene_id == story.start:
        return []
    if not _statically_reachable(story, scene_id):
        return None
    rel = relevance(story, full=relevance(story).random)
    base = make_key(story, rel)
    # The story's own seeded dice decide the draws, so their state is part of what makes two states equal.

    def seeded_key(s: Session) -> tuple:
        return base(s) + (_dice_state(s),)
    key = seeded_key if rel.random else base
    first = Session(story, seed, render=False)
    seen = {key(first)}
    queue: deque[tuple[Session, list[str]]] = deque([(first, [])])
    passing: list[str] | None = None
    while queue:
        session, path = queue.popleft()
        n0 = len(session.history)
        for choice in session.view().enabled:
            nxt = session.fork()
            try:
                nxt.choose(choice.id)
            except Exception:  # noqa: BLE001 - a faulty branch is simply not a way there
                continue
            new_path = path + [choice.id]
            if nxt.scene_id == scene_id:
                return new_path
            if passing is None and any(_targets(story)[st.choice_id] == scene_id for st in nxt.history[n0:]):
                passing = new_path
            k = key(nxt)
            if k in seen or nxt.is_over or nxt.is_stuck:
                continue
            if len(seen) >= max_states:
                return passing
            seen.add(k)
            queue.append((_slim(nxt), new_path))
    return passing


def _dice_state(session: Session) -> object:
    dice = session._state.dice  # noqa: SLF001 - the seeded generator's position; Session has no public view
    rng = getattr(dice, "rng", None)
    return hash(rng.getstate()) if rng is not None else id(dice)


def _statically_reachable(story: Story, scene_id: str) -> bool:
    seen, todo = {story.start}, [story.start]
    while todo:
        for c in story.scenes[todo.pop()].choices:
            if c.target == scene_id:
                return True
            if c.target in story.scenes and c.target not in seen:
                seen.add(c.target)
                todo.append(c.target)
    return False


# ---- printing -------------------------------------------------------------------------------------


def _path_text(f: Finding) -> str:
    where = "at the start" if not f.path else " ".join(f.path)
    if f.seed is None:
        need = "; ".join(f"step {i}: outcomes {d}" for i, d in enumerate(f.draws) if d)
        return f"{where}  (needs random outcomes no seed tried gives: {need})"
    return f"{where}  (seed {f.seed})"


def format_report(report: Report, story_path: str = "STORY") -> str:
    """The text `ifengine explore` prints: coverage, endings, dead ends and errors with their paths."""
    story = report.story
    d = report.to_dict()
    lines: list[str] = []
    if report.mode == "exhaustive":
        status = ("complete: every reachable state was visited" if report.complete
                  else f"INCOMPLETE: stopped at --max-states {report.states:,}; what is listed unreached was "
                       f"not reached within the bound, which proves nothing")
        lines.append(f"{story.title} ({story.id}): exhaustive search, {report.states:,} distinct states, {status} "
                     f"({report.seconds:.2f} s)")
    else:
        lines.append(f"{story.title} ({story.id}): {report.runs:,} random playthroughs, seeds {report.seed}.."
                     f"{report.seed + report.runs - 1}, {report.steps:,} choices ({report.seconds:.2f} s)")
    verb = "proven" if report.mode == "exhaustive" and report.complete else "seen"
    lines.append(f"  scenes   {d['scenes_reached']}/{d['scenes_total']} reached")
    lines.append(f"  choices  {d['choices_reached']}/{d['choices_total']} taken")
    n_end = len(story.endings)
    lines.append(f"  endings  {n_end - len(report.unreached_endings)}/{n_end} reached")
    for s in _endings_in_order(story):
        f = report.endings.get(s.id)
        if f is None:
            continue
        count = (f"{f.count:,} run{'s' if f.count != 1 else ''}" if report.mode == "random"
                 else f"{f.count:,} end state{'s' if f.count != 1 else ''}")
        lines.append(f"    {s.ending_kind:<9} {s.id}: {s.title} ({count})")
        lines.append(f"              shortest: {_path_text(f)}")
    if report.unreached_scenes:
        lines.append(f"  scenes never reached ({verb}): {', '.join(report.unreached_scenes)}")
    if report.unreached_endings:
        lines.append(f"  endings never reached ({verb}): {', '.join(report.unreached_endings)}")
    if report.unreached_choices:
        lines.append(f"  choices never taken ({verb}): {', '.join(report.unreached_choices)}")
    if report.mode == "random":
        if report.shortest:
            lines.append(f"  shortest playthrough: {len(report.shortest.path)} choices, seed {report.shortest.seed}, "
                         f"ends in {report.shortest.scene}")
        if report.longest:
            lines.append(f"  longest playthrough:  {len(report.longest.path)} choices, seed {report.longest.seed}, "
                         f"ends in {report.longest.scene}")
        if report.capped:
            shown = ", ".join(map(str, report.capped[:10])) + (" ..." if len(report.capped) > 10 else "")
            lines.append(f"  capped: {len(report.capped)} playthrough(s) reached {report.max_steps:,} choices without "
                         f"ending (seeds {shown}): a loop the random player did not leave")
    if report.dead_ends:
        lines.append(f"  DEAD ENDS: {len(report.dead_ends)} scene(s) where the story stops with nothing to choose")
        for f in report.dead_ends.values():
            lines.append(f"    {f.scene} ({f.count:,} {'runs' if report.mode == 'random' else 'states'})")
            lines.append(f"              shortest: {_path_text(f)}")
    else:
        lines.append("  dead ends: none")
    if report.errors:
        lines.append(f"  ERRORS: {len(report.errors)}")
        for f in report.errors.values():
            lines.append(f"    {f.message} ({f.count:,} {'runs' if report.mode == 'random' else 'times'})")
            lines.append(f"              path: {_path_text(f)}")
    else:
        lines.append("  errors: none")
    if report.dead_ends or report.errors:
        lines.append(f"  to replay a finding, add --save-runs DIR and run: ifengine replay DIR/<file>.toml "
                     f"--story {story_path}")
    return "\n".join(lines)


def save_runs(report: Report, folder: str, source: str = "") -> tuple[list[str], list[str]]:
    """Write a run file for each finding that a seed reproduces, named as pinned runs are: `<ending>.toml` for
    each ending, `dead-end-<scene>.toml`, `error-<n>.toml`; `ifengine replay` plays them again. An existing
    file is never replaced (a pinned run is the author's). Returns (written, skipped)."""
    from pathlib import Path

    from .saves import run_from_session, write_run

    written: list[str] = []
    skipped: list[str] = []

    def put(name: str, run) -> None:
        path = Path(folder) / name
        if path.exists():
            skipped.append(str(path))
        else:
            write_run(path, run)
            written.append(str(path))

    for table, prefix in ((report.endings, ""), (report.dead_ends, "dead-end-")):
        for name, f in table.items():
            if f.seed is None:
                continue
            session = Session(report.story, f.seed)
            for cid in f.path:
                session.choose(cid)
            put(f"{prefix}{name}.toml", run_from_session(session, name=f"{prefix}{name}", source=source))
    for i, f in enumerate(report.errors.values(), 1):
        if f.seed is None or not f.path:
            continue  # an error on entering the start scene: `ifengine play` shows it at once
        session = Session(report.story, f.seed)
        try:
            for cid in f.path[:-1]:
                session.choose(cid)
        except Exception:  # noqa: BLE001 - the error came earlier than expected: still worth a run file
            pass
        run = run_from_session(session, name=f"error {i}", source=source)
        run = replace(run, choices=run.choices + (f.path[-1],), scenes=run.scenes + (session.scene_id,))
        put(f"error-{i}.toml", run)
    return written, skipped


class progress_bar:
    """A rich progress bar on stderr while a long exploration runs, only when stderr is a terminal.
    Use as a context manager; it gives a callback `advance(n)`, or None when no bar is shown."""

    def __init__(self, enabled: bool, description: str, total: int | None) -> None:
        self.enabled = enabled
        self.description = description
        self.total = total
        self._progress = None

    def __enter__(self) -> Callable[[int], None] | None:
        if not self.enabled:
            return None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, \
            TimeElapsedColumn

        columns = [SpinnerColumn(), TextColumn("{task.description}")]
        if self.total is not None:
            columns += [BarColumn(), MofNCompleteColumn()]
        else:
            columns += [TextColumn("{task.completed:,} states")]
        columns.append(TimeElapsedColumn())
        progress = Progress(*columns, console=Console(stderr=True), transient=True)
        self._progress = progress
        progress.start()
        task = progress.add_task(self.description, total=self.total)
        return lambda n: progress.advance(task, n)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()
