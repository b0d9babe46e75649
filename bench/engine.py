"""Engine benchmark on a synthetic story (bench/synth.py): how fast `Session` plays.

    python bench/engine.py                 # 1,000 scenes, median of 5
    python bench/engine.py --scenes 200 --repeat 3
    python bench/engine.py --profile       # cProfile of the render=False playthroughs
    python bench/engine.py --baseline /tmp/enginebase --repeat 5   # against another checkout, alternating

Measured, each the median of --repeat rounds:
  - choices per second through `choose()` + `view()`, rendering prose (render=True) and not (render=False);
  - random playthroughs per second, from a fresh session to an ending (or a dead end), both ways;
  - loading (`read_run`) and replaying (`resume`) a run file of 1,000 choices.

With `--baseline PATH` (another checkout, e.g. `git worktree add --detach /tmp/enginebase 85a6aed`, the
engine before issue 18) every round is one process on each code base, alternating which goes first, with
this script and this story for both; the report gives both medians and their ratio. The machine is shared
and noisy, so only figures measured side by side in one run compare.

A random playthrough picks uniformly among the enabled choices with its own seeded generator; the story's
dice are seeded per session as in play. Session creation is part of each playthrough.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

BENCH = Path(__file__).resolve().parent
# The engine measured: this checkout's, or the one a --baseline parent names for its child processes.
sys.path.insert(0, os.environ.get("IFENGINE_BENCH_CODE", str(BENCH.parent)))
sys.path.insert(0, str(BENCH))

from synth import generate_story  # noqa: E402

from ifengine import Story, load_story  # noqa: E402
from ifengine.runtime import Session  # noqa: E402

try:  # the story made ready to play, shared by every session of a benchmark (as the explorer does)
    from ifengine.program import Program  # noqa: E402
except ImportError:  # before the Program existed, compiled scenes were cached on the story itself
    Program = None
from ifengine.saves import compare, read_run, resume, run_from_session, write_run  # noqa: E402

# Published figures for other engines, NOT measured here: as reported by their authors/users, on their
# own stories and machines. A playthrough there is about 17-18 choices.
REFERENCES = [
    ("inkjs (Node)", 1_000, 18_000),
    ("ChoiceScript randomtest", 2_600, 45_000),
]


def median_of(repeat: int, fn: Callable[[], float]) -> float:
    return statistics.median(fn() for _ in range(repeat))


def choices_per_second(story: Story | Program, render: bool, n_choices: int) -> float:
    """`n_choices` random choices through choose() + view(); a new session whenever one ends."""
    pick = random.Random(1).random
    seed = 0
    t0 = time.perf_counter()
    s = Session(story, seed, render=render)
    done = 0
    while done < n_choices:
        enabled = s.view().enabled
        if not enabled:
            seed += 1
            s = Session(story, seed, render=render)
            continue
        s.choose(enabled[int(pick() * len(enabled))].id)
        done += 1
    return n_choices / (time.perf_counter() - t0)


def playthrough(story: Story, seed: int, render: bool) -> int:
    """One random playthrough to an ending (or a dead end); returns how many choices it took."""
    pick = random.Random(seed).random
    s = Session(story, seed, render=render)
    n = 0
    while True:
        enabled = s.view().enabled
        if not enabled:
            return n
        s.choose(enabled[int(pick() * len(enabled))].id)
        n += 1


def playthroughs_per_second(story: Story, render: bool, runs: int, first_seed: int) -> tuple[float, float]:
    t0 = time.perf_counter()
    total = sum(playthrough(story, first_seed + i, render) for i in range(runs))
    dt = time.perf_counter() - t0
    return runs / dt, total / dt


def long_run(story: Story, length: int) -> Session:
    """A run of exactly `length` random choices, never taking a choice into an ending (sticky choices keep a
    walk going), tried seed after seed until one gets there."""
    for seed in range(1000):
        pick = random.Random(seed)
        s = Session(story, seed, render=False)
        while len(s.choices_taken) < length:
            options = [c for c in s.view().enabled if not s.story.scenes[s.story.choice(c.id).target].is_ending]
            if not options:
                break
            s.choose(pick.choice(options).id)
        if len(s.choices_taken) == length:
            return s
    raise RuntimeError(f"no random walk of {length} choices found")


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


ROWS = [  # (key, label) of each figure, in the order printed
    ("choices_on", "choices/s, choose()+view(), render=True"),
    ("choices_off", "choices/s, choose()+view(), render=False"),
    ("playthroughs_off", "playthroughs/s to an ending, render=False"),
    ("playthroughs_on", "playthroughs/s to an ending, render=True"),
    ("mean_length", "  mean choices per random playthrough"),
    ("read_ms", "read_run of the long run (ms)"),
    ("resume_on_ms", "resume (replay) of it, render=True (ms)"),
    ("resume_off_ms", "resume (replay) of it, render=False (ms)"),
]


def measure(args: argparse.Namespace) -> dict[str, float]:
    """Every figure of the report, each the median of `args.repeat` rounds in this process."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / f"synth-{args.scenes}"
        folder.mkdir()
        (folder / "story.ifs").write_text(generate_story(args.scenes, seed=0), encoding="utf-8")
        t_load = timed(lambda: load_story(folder))
        story = load_story(folder)
        t_compile = timed(lambda: Session(story, 0))  # the first session compiles the scenes it enters
        play = Program(story) if Program is not None else story

        if args.profile:
            import cProfile
            import pstats

            cProfile.runctx("playthroughs_per_second(play, False, args.runs, 0)", globals(), locals(),
                            str(Path(tmp) / "prof"))
            pstats.Stats(str(Path(tmp) / "prof")).sort_stats("tottime").print_stats(20)
            return {}

        r = args.repeat
        # warm up: every scene the walks enter compiled, as in a long play. Play compiles a part the
        # COMPILE_AT-th time it arrives there (program.py; 1 for code without the tiers), so as many walks.
        passes = getattr(sys.modules.get("ifengine.program"), "COMPILE_AT", 1)
        for _ in range(passes):
            for render in (True, False):
                choices_per_second(play, render, args.choices)
        # What lives as long as the play (the story, its compiled program) kept out of the collector's
        # walks, as the player does once a story is open (heap.py): else a full collection lands in
        # whichever window happens to cross its threshold, and the figure says more about that than play.
        gc.collect()
        gc.freeze()
        c_on = median_of(r, lambda: choices_per_second(play, True, args.choices))
        c_off = median_of(r, lambda: choices_per_second(play, False, args.choices))
        # each round plays different seeds, so the median is over different playthroughs too
        rounds = iter(range(10_000))
        p_off = [playthroughs_per_second(play, False, args.runs, next(rounds) * args.runs) for _ in range(r)]
        p_on = [playthroughs_per_second(play, True, args.runs, next(rounds) * args.runs) for _ in range(r)]
        mean_len = statistics.mean(playthrough(play, 10_000_000 + i, False) for i in range(500))

        session = long_run(play, args.steps)
        run_path = Path(tmp) / "long.toml"
        write_run(run_path, run_from_session(session))
        run = read_run(run_path)
        check = resume(play, run)
        assert not check.messages and compare(run, check.session) is None, "the long run does not replay"
        for _ in range(passes):  # the replay timed below is of a run played before, as the tiers see it
            resume(play, run)
            resume(play, run, render=False)
        return {
            "load_s": t_load, "compile_ms": t_compile * 1000,
            "choices_on": c_on, "choices_off": c_off,
            "playthroughs_off": statistics.median(p for p, _ in p_off),
            "playthrough_choices_off": statistics.median(c for _, c in p_off),
            "playthroughs_on": statistics.median(p for p, _ in p_on),
            "playthrough_choices_on": statistics.median(c for _, c in p_on),
            "mean_length": mean_len,
            "read_ms": median_of(r, lambda: timed(lambda: read_run(run_path))) * 1000,
            "resume_on_ms": median_of(r, lambda: timed(lambda: resume(play, run))) * 1000,
            "resume_off_ms": median_of(r, lambda: timed(lambda: resume(play, run, render=False))) * 1000,
        }


def report(f: dict[str, float], args: argparse.Namespace) -> None:
    rows = [
        ("choices/s, choose()+view(), render=True", f"{f['choices_on']:,.0f}"),
        ("choices/s, choose()+view(), render=False", f"{f['choices_off']:,.0f}"),
        ("playthroughs/s to an ending, render=False",
         f"{f['playthroughs_off']:,.0f}  ({f['playthrough_choices_off']:,.0f} choices/s)"),
        ("playthroughs/s to an ending, render=True",
         f"{f['playthroughs_on']:,.0f}  ({f['playthrough_choices_on']:,.0f} choices/s)"),
        ("  mean choices per random playthrough", f"{f['mean_length']:.1f}"),
        (f"read_run of a {args.steps:,}-choice run", f"{f['read_ms']:.1f} ms"),
        ("resume (replay) of it, render=True", f"{f['resume_on_ms']:.1f} ms"),
        ("resume (replay) of it, render=False", f"{f['resume_off_ms']:.1f} ms"),
    ]
    print(f"ifengine engine benchmark: synthetic story of {args.scenes:,} scenes (bench/synth.py, seed 0), "
          f"median of {args.repeat}, Python {sys.version.split()[0]}")
    print(f"  (load_story {f['load_s']:.2f} s, first Session/compile {f['compile_ms']:.0f} ms; "
          f"not part of the rows)")
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"  {k:<{width}}  {v}")
    print()
    print("Published reference figures (NOT measured here; other engines, their stories, their machines):")
    for name, pts, chs in REFERENCES:
        print(f"  {name:<{width - 2}}  ~{pts:,} playthroughs/s  (~{chs:,} choices/s)")
    print()
    best_pts, best_chs = max(p for _, p, _ in REFERENCES), max(c for _, _, c in REFERENCES)
    ink_pts, ink_chs = REFERENCES[0][1], REFERENCES[0][2]
    verdict = [
        ("render=False beats both references", f["playthroughs_off"] > best_pts
         and f["playthrough_choices_off"] > best_chs and f["choices_off"] > best_chs),
        ("render=True beats inkjs", f["playthroughs_on"] > ink_pts and f["playthrough_choices_on"] > ink_chs
         and f["choices_on"] > ink_chs),
    ]
    for what, ok in verdict:
        print(f"  target: {what}: {'yes' if ok else 'NO'}")


def against_baseline(args: argparse.Namespace) -> None:
    """One child process per code base per round, alternating which goes first; medians over the rounds."""
    here, base = BENCH.parent, args.baseline.resolve()
    trees = [("this", here), ("baseline", base)]
    rounds: dict[str, list[dict[str, float]]] = {"this": [], "baseline": []}
    child = [sys.executable, str(Path(__file__).resolve()), "--child", "--repeat", "1",
             "--scenes", str(args.scenes), "--choices", str(args.choices), "--runs", str(args.runs),
             "--steps", str(args.steps)]
    load_before = os.getloadavg()
    for i in range(args.repeat):
        for name, tree in (trees if i % 2 == 0 else trees[::-1]):
            env = dict(os.environ, IFENGINE_BENCH_CODE=str(tree))
            out = subprocess.run(child, env=env, cwd=tree, check=True, capture_output=True, text=True)
            rounds[name].append(json.loads(out.stdout.strip().splitlines()[-1]))
    load_after = os.getloadavg()
    med = {name: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for name, rs in rounds.items()}
    print(f"bench/engine.py: synthetic story of {args.scenes:,} scenes, this checkout against {base}, median of "
          f"{args.repeat} alternating rounds (one process each); load average {load_before[0]:.2f} before, "
          f"{load_after[0]:.2f} after, on {os.cpu_count()} cores")
    width = max(len(label) for _, label in ROWS)
    print(f"  {'':<{width}}  {'baseline':>10}  {'this':>10}  {'this/baseline':>13}")
    for key, label in ROWS:
        b, t = med["baseline"][key], med["this"][key]
        print(f"  {label:<{width}}  {b:>10,.1f}  {t:>10,.1f}  {t / b:>12.2f}x")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scenes", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=5, help="rounds (with --baseline: processes per code base)")
    ap.add_argument("--choices", type=int, default=50_000, help="choices per round of the choices/s rows")
    ap.add_argument("--runs", type=int, default=2_000, help="playthroughs per round of the playthroughs/s rows")
    ap.add_argument("--steps", type=int, default=1_000, help="length of the run file to load and replay")
    ap.add_argument("--profile", action="store_true", help="profile the render=False playthroughs and stop")
    ap.add_argument("--baseline", type=Path, help="another checkout to measure alternately")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.baseline is not None:
        against_baseline(args)
        return 0
    figures = measure(args)
    if args.child:
        print(json.dumps(figures))
    elif figures:
        report(figures, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
