"""Seeded random playthroughs: run i plays with seed S+i for both the story's dice and the picks, spread
over processes if asked, and folded into one report that does not depend on how they were spread."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Callable

from ..model import Story
from ..program import Program
from ..runtime import Session
from .limits import MAX_STEPS, message
from .report import Finding, Report


@dataclass
class _Run:
    seed: int
    choices: list[str]
    scene: str
    ending: str | None
    stuck: bool
    error: str | None
    capped: bool


def random_playthrough(story: Story | Program, seed: int, max_steps: int = MAX_STEPS
                       ) -> tuple[_Run, set[str], set[str]]:
    """One playthrough: the story's dice and the picks both seeded from `seed`. Returns the run, the scenes
    entered and the choices taken (the story's own fallbacks included). Pass a `Program` when playing many."""
    program = story if isinstance(story, Program) else Program(story)
    story = program.story
    picker = random.Random(f"ifengine-explore-{seed}")
    choices: list[str] = []
    try:
        session = Session(program, seed, render=False)
    except Exception as e:  # noqa: BLE001
        return _Run(seed, choices, story.start, None, False, message(e), False), {story.start}, set()
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
            error = message(e)
            break
    taken = {step.choice_id for step in session.history}
    # each step is taken where the one before arrived: the scenes a run reached, returns included
    scenes = {story.start, session.scene_id} | {step.scene_id for step in session.history}
    ending = session.view().ending  # not None exactly when the session is over
    return (_Run(seed, choices, session.scene_id, ending.id if ending is not None else None,
                 session.is_stuck and error is None, error, capped), scenes, taken)


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


def _random_chunk(program: Program, seed: int, first: int, count: int, max_steps: int,
                  tick: Callable[[int], None] | None = None) -> _Chunk:
    chunk = _Chunk()
    for i in range(first, first + count):
        chunk.add(*random_playthrough(program, seed + i, max_steps))
        if tick is not None and (i - first) % 64 == 63:
            tick(64)
    if tick is not None and count % 64:
        tick(count % 64)
    return chunk


_WORKER_PROGRAM: Program | None = None  # each worker process loads the story once


def _worker_init(path: str) -> None:
    global _WORKER_PROGRAM
    from ..loader import load_story

    _WORKER_PROGRAM = Program(load_story(path))


def _worker_chunk(seed: int, first: int, count: int, max_steps: int) -> _Chunk:
    assert _WORKER_PROGRAM is not None
    return _random_chunk(_WORKER_PROGRAM, seed, first, count, max_steps)


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
        total = _random_chunk(Program(story), seed, 0, runs, max_steps, progress)
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
