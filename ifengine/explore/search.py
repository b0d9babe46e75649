"""The exhaustive search: breadth-first over distinct states (by the abstraction's key), trying every
random outcome, with the shortest choice path to each finding; and `shortest_path` for play-from-here."""
from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Sequence

from ..model import Expr, Story
from ..program import Program
from ..runtime import Session
from ..tunnels import tunnels
from ..views import Step
from .abstraction import make_key, relevance
from .dice import ScriptedDice, dice_position, each_outcome
from .limits import AT_SECONDS, AT_STATES, MAX_SECONDS, MAX_STATES, SEED_SEARCH, message as fault_message
from .report import Finding, Report


@dataclass(slots=True)
class _Node:
    parent: tuple | None
    choice: str | None  # None for a start state
    draws: tuple[int, ...]


class _Search:
    """Breadth-first search over distinct states; random draws are enumerated, so every outcome is tried."""

    def __init__(self, story: Story, max_states: int, full: bool = False, max_depth: int | None = None,
                 deadline: float | None = None, program: Program | None = None, render: bool = False,
                 observe: Iterable[Expr] = ()) -> None:
        self.story = story
        self.deadline = deadline  # a `time.monotonic()` past which the search stops, incomplete
        self.timed_out = False
        self.program = program if program is not None else Program(story)
        self.render = render
        self.max_depth = max_depth
        self.rel = relevance(story, full, observe)
        self.key = make_key(story, self.rel)
        self.max_states = max_states
        self.dice = ScriptedDice()
        self.nodes: dict[tuple, _Node] = {}
        self.complete = True

    def path(self, key: tuple | None, last: tuple[str | None, tuple[int, ...]] | None = None
             ) -> tuple[list[str], list[list[int]]]:
        steps: list[tuple[str | None, tuple[int, ...]]] = [] if last is None else [last]
        while key is not None:
            node = self.nodes[key]
            steps.append((node.choice, node.draws))
            key = node.parent
        steps.reverse()
        return [c for c, _ in steps if c is not None], [list(d) for _, d in steps]

    def out_of_time(self) -> bool:
        """Whether the time bound has passed (then the search is marked incomplete, stopped by time)."""
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.timed_out = True
            self.complete = False
        return self.timed_out

    def starts(self) -> Iterator[tuple[object, tuple[int, ...]]]:
        # render=False still runs every piece of text that draws dice or can fail, so nothing is missed
        return each_outcome(self.dice, lambda: Session(self.program, 0, render=self.render, dice=self.dice))

    def run(self, on_transition: Callable[..., None], progress: Callable[[int], None] | None = None) -> None:
        """Visit every state; `on_transition(parent_key, choice, draws, result, new_key, passed)` is called for
        every transition (result is a Session or an exception), `new_key` is None unless the state is new."""
        queue: deque[tuple[tuple, Session, int]] = deque()
        nodes = self.nodes
        for result, draws in self.starts():
            if self.out_of_time():
                break
            key = None
            start_passed: Sequence[Step] = ()  # the fallbacks the start took (taken before _slim forgets them)
            if isinstance(result, Session):
                start_passed = result.history
                key = self.key(result)
                if key in nodes:
                    key = None
                else:
                    nodes[key] = _Node(None, None, draws)
                    if not (result.is_over or result.is_stuck):
                        queue.append((key, _slim(result), 0))
            on_transition(None, None, draws, result, key, start_passed)
        reported = 0
        full = False
        while queue and not self.timed_out:
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

                for result, draws in each_outcome(self.dice, step):
                    if self.out_of_time():  # checked at every outcome: one state may have a million
                        break
                    key = None
                    passed: Sequence[Step] = ()  # the steps the transition took
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
                if self.timed_out:
                    break
            if progress is not None and len(nodes) - reported >= 1000:
                progress(len(nodes) - reported)
                reported = len(nodes)
            if full:
                break
        if progress is not None:
            progress(len(nodes) - reported)


def _slim(session: Session) -> Session:
    """A queued state does not need its record: the search keeps paths itself (as parent links), and
    copying a history as long as the path at every fork would make a deep search quadratic in memory."""
    session.forget_record()
    return session


def _reproduce_seed(program: Program, path: list[str], check: Callable[[Session | None, BaseException | None], bool],
                    first: int, draws: bool) -> int | None:
    """A seed with which replaying `path` shows the finding again (`first` when the path has no draws)."""
    seeds = [first] if not draws else range(first, first + SEED_SEARCH)
    for seed in seeds:
        session = None
        try:
            session = Session(program, seed, render=False)
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
                       visit: Callable[[Session], None] | None = None,
                       max_seconds: float = MAX_SECONDS, observe: Iterable[Expr] = ()) -> Report:
    """Visit every distinct state reachable from the start (up to `max_states`, and for up to
    `max_seconds`: the report says which bound stopped it), trying every random outcome. Reports each
    ending, dead end and error with the shortest choice path that reaches it. `max_depth` stops at that
    many choices from the start (the report is then marked incomplete when anything was left
    unexpanded). `visit`, if given, is called with each new distinct state (a Session: read it, do not
    play it). `observe`: expressions whose values tell states apart too (see `relevance`)."""
    start_time = time.perf_counter()
    search = _Search(story, max_states, max_depth=max_depth, deadline=time.monotonic() + max_seconds,
                     observe=observe)
    report = Report(story, "exhaustive", seed)
    report.max_seconds = max_seconds
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
        for step in passed:  # each step is taken where the one before it arrived (a return's place is dynamic)
            report.choices_reached.add(step.choice_id)
            report.scenes_reached.add(step.scene_id)
        if isinstance(result, BaseException):
            scene = parent[0] if parent is not None else story.start
            note(pending["error"], fault_message(result), parent, cid, draws, scene, fault_message(result))
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
    if not search.complete:
        report.stopped_by = "time" if search.timed_out else "states"

    def finish(kind: str, name: str, slot: list) -> Finding:
        count, parent, cid, draws, scene, message = slot
        path, all_draws = search.path(parent, (cid, draws) if cid is not None else None)
        if cid is None and parent is None:
            all_draws = [list(draws)]

        def check(session: Session | None, error: BaseException | None) -> bool:
            if kind == "error":
                return error is not None and fault_message(error) == message
            if session is None:
                return False
            if kind == "ending":
                return session.is_over and session.scene_id == name
            return session.is_stuck and session.scene_id == name

        found = _reproduce_seed(search.program, path, check, seed, any(all_draws))
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


def each_transition(story: Story, on_step: Callable[[Session, Callable[[], list[str]]], None], *,
                    program: Program | None = None, render: bool = False, observe: Iterable[Expr] = (),
                    max_states: int = MAX_STATES) -> bool:
    """Every transition of the exhaustive search that ends in a state (not a fault), in breadth-first
    order: `on_step(session, path)` gets the session it reached, new or already seen (read it, do not
    play it), and a function giving the choice path that reached it (shortest first, since the search is
    breadth-first). `program` lets a tool supply the compiled scenes the sessions play; `observe` keeps
    apart states that differ in what those expressions read. Returns whether the search was complete."""
    search = _Search(story, max_states, program=program, render=render, observe=observe)

    def on_transition(parent: tuple | None, cid: str | None, draws: tuple[int, ...], result: object,
                      key: tuple | None, passed: Sequence[Step]) -> None:
        if isinstance(result, Session):
            on_step(result, lambda: search.path(parent, (cid, draws) if cid is not None else None)[0])

    search.run(on_transition)
    return search.complete


# ---- play from here -------------------------------------------------------------------------------


def shortest_path(story: Story, scene_id: str, seed: int = 0, max_states: int = AT_STATES) -> list[str] | None:
    """The fewest choice ids that, played from the start with `seed`, arrive in scene `scene_id`; [] for the
    start scene; None when no path reaches it (within `max_states` states). A path that stops in the scene
    is preferred to one that only passes through it by a fallback."""
    return _seeded_path(story, scene_id, seed, max_states, None)[0]


@dataclass(frozen=True)
class Route:
    """A way into a scene for `play --at`: the choice ids, and the seed they are played with."""

    path: list[str]
    seed: int


@dataclass(frozen=True)
class RouteSearch:
    """What `find_route` found: a route, or none; `complete` is False when a bound (states or time) stopped
    the search first, so that none proves nothing."""

    route: Route | None
    complete: bool


def find_route(story: Story, scene_id: str, seed: int = 0, max_states: int = AT_STATES,
               seconds: float = AT_SECONDS) -> RouteSearch:
    """A shortest way into `scene_id`: with `seed` if one exists, else over every outcome of the dice (as
    `explore --exhaustive` searches), played with the first seed from `seed` on that gives those outcomes.
    Bounded by `max_states` states and `seconds` seconds for the two searches together."""
    if scene_id != story.start and not (scene_id in story.scenes and _statically_reachable(story, scene_id)):
        return RouteSearch(None, True)
    deadline = time.monotonic() + seconds
    path, complete = _seeded_path(story, scene_id, seed, max_states, deadline)
    if path is not None:
        return RouteSearch(Route(path, seed), True)
    if not relevance(story).random:  # no dice: the seed changes nothing, the search above was the search
        return RouteSearch(None, complete)
    search = _Search(story, max_states, deadline=deadline)

    class Arrived(Exception):
        def __init__(self, parent: tuple | None, cid: str, draws: tuple[int, ...]) -> None:
            self.found = (parent, cid, draws)

    def on_transition(parent, cid, draws, result, key, passed) -> None:
        if cid is not None and isinstance(result, Session) and (
                result.scene_id == scene_id or any(st.scene_id == scene_id for st in passed[1:])):
            raise Arrived(parent, cid, draws)

    try:
        search.run(on_transition)
    except Arrived as arrived:
        parent, cid, draws = arrived.found
        lucky, _ = search.path(parent, (cid, draws))

        def arrives(session: Session | None, error: BaseException | None) -> bool:
            return session is not None and (session.scene_id == scene_id or any(
                st.scene_id == scene_id for st in session.history))

        found = _reproduce_seed(search.program, lucky, arrives, seed, True)
        return RouteSearch(Route(lucky, found) if found is not None else None, complete and found is not None)
    return RouteSearch(None, complete and search.complete)


def _seeded_path(story: Story, scene_id: str, seed: int, max_states: int, deadline: float | None
                 ) -> tuple[list[str] | None, bool]:
    """`shortest_path`, and whether its search was complete (no bound of states or time stopped it)."""
    if scene_id not in story.scenes:
        return None, True
    if scene_id == story.start:
        return [], True
    if not _statically_reachable(story, scene_id):
        return None, True
    rel = relevance(story, full=relevance(story).random)
    base = make_key(story, rel)
    # The story's own seeded dice decide the draws, so their state is part of what makes two states equal.

    def seeded_key(s: Session) -> tuple:
        return base(s) + (dice_position(s),)
    key = seeded_key if rel.random else base
    program = Program(story)
    first = Session(program, seed, render=False)
    seen = {key(first)}
    queue: deque[tuple[Session, list[str]]] = deque([(first, [])])
    passing: list[str] | None = None
    while queue:
        if deadline is not None and time.monotonic() > deadline:
            return passing, False
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
                return new_path, True
            if passing is None and any(st.scene_id == scene_id for st in nxt.history[n0 + 1:]):
                passing = new_path
            k = key(nxt)
            if k in seen or nxt.is_over or nxt.is_stuck:
                continue
            if len(seen) >= max_states:
                return passing, False
            seen.add(k)
            queue.append((_slim(nxt), new_path))
    return passing, True


def _statically_reachable(story: Story, scene_id: str) -> bool:
    return scene_id in tunnels(story).reachable
