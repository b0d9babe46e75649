#!/usr/bin/env python3
"""The author's loop on a big story (issue 18), before and after, in one run.

    git worktree add /tmp/base main          # the code to compare against
    python bench/authoring.py --base /tmp/base [--runs 5]

Every figure is a whole process (`python -c ...` running `ifengine check`), the median of `--runs`, the old
and the new code taking turns so that a burst of load from the rest of the machine falls on both alike.
Each process gets its own IFENGINE_HOME, so "cold" really has an empty cache and "warm" only what the runs
before it kept. Printed:

- `check stories/rumak` against `python -c 'import lark'`, with `interegular` installed and with it
  hidden (the target: at most 2x);
- a generated story of 5,000 scenes, about a million words over 50 files (bench/synth.py): cold `check`,
  per scene against the old code's 1,000-scene figure (the same shape: 200 words a scene, 10 files), and
  warm `check` after editing one file (the target: under 10% of cold);
- the peak resident memory of loading that story and playing it (the target: under 300 MB);
- bench/engine.py's choices per second, old and new (the target: 1.5x).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from synth import write_story  # noqa: E402

HIDE_INTEREGULAR = "import sys; sys.modules['interegular'] = None  # lark then finds it not installed\n"
# The command line as the console script gives it (main() reads sys.argv), so the process is `ifengine check`.
CHECK = "import sys\nfrom ifengine.cli import main\nsys.argv = ['ifengine', 'check', {path!r}]\nsys.exit(main())\n"
PLAY = """import random, resource, sys
from ifengine import load_story
from ifengine.runtime import Session
story = load_story({path!r})
s, pick = Session(story, 0), random.Random(0)
for _ in range(20_000):
    enabled = s.view().enabled
    if not enabled:
        s = Session(story, s.seed + 1)
        continue
    s.choose(pick.choice(enabled).id)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def run(code: str, tree: Path, home: Path) -> tuple[float, str]:
    """Wall seconds of one fresh interpreter running `code` against the code in `tree`, and its stdout.
    It runs in `tree` (`python -c` imports from the working folder first)."""
    env = {**os.environ, "PYTHONPATH": str(tree), "IFENGINE_HOME": str(home)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode kept from the warm-up round, as an installed ifengine has
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], cwd=tree, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1) or "Traceback" in done.stderr:
        raise SystemExit(f"a benchmark process failed:\n{done.stderr}")
    return elapsed, done.stdout


def alternate(cases: dict[str, Callable[[int], float]], runs: int) -> dict[str, float]:
    """The median of each case over `runs` rounds, the cases taking turns within each round (one warm-up
    round first: compiled bytecode and the file cache, as on a second launch)."""
    for case in cases.values():
        case(-1)
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for i in range(runs):
        for name, case in cases.items():
            samples[name].append(case(i))
    return {name: statistics.median(s) for name, s in samples.items()}


def load_note() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", type=Path, required=True, help="a checkout of the code to compare against")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--skip-engine", action="store_true", help="leave out bench/engine.py (the slowest part)")
    args = ap.parse_args()
    base, new = args.base.resolve(), REPO
    trees = {"old": base, "new": new}
    print(f"ifengine authoring benchmark: medians of {args.runs} whole processes, old = {base}, new = {new}")
    print(f"Python {sys.version.split()[0]}; {load_note()} at the start")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        homes = {name: tmp / f"home-{name}" for name in trees}
        rumak = str(REPO / "stories" / "rumak")

        # ---- rumak against `import lark` ----------------------------------------------------------
        cases: dict[str, Callable[[int], float]] = {
            "import lark": lambda i: run("import lark", new, homes["new"])[0],
        }
        for name, tree in trees.items():
            for hidden in (False, True):
                code = (HIDE_INTEREGULAR if hidden else "") + CHECK.format(path=rumak)
                label = f"{name} check rumak" + (", interegular hidden" if hidden else "")
                cases[label] = lambda i, code=code, tree=tree, name=name: run(code, tree, homes[name])[0]
        t = alternate(cases, args.runs)
        lark_t = t["import lark"]
        print()
        print("check stories/rumak, whole process             median    x import lark   (target: new <= 2.00x)")
        for label, value in t.items():
            print(f"  {label:<44} {value * 1000:7.0f} ms  {value / lark_t:6.2f}x")

        # ---- the big story: cold and warm check -------------------------------------------------------
        big, small = tmp / "big", tmp / "small"
        write_story(big, 5000, files=50, words_per_scene=200)
        write_story(small, 1000, files=10, words_per_scene=200)
        words = sum(len(p.read_text(encoding="utf-8").split()) for p in big.glob("*.ifs"))
        edited = big / "part-25.ifs"
        original = edited.read_text(encoding="utf-8")

        def cold(tree: Path, story: Path) -> Callable[[int], float]:
            def once(i: int) -> float:
                home = tmp / f"cold-{os.urandom(4).hex()}"  # an empty cache every time
                try:
                    return run(CHECK.format(path=str(story)), tree, home)[0]
                finally:
                    shutil.rmtree(home, ignore_errors=True)
            return once

        warm_home = tmp / "warm"
        run(CHECK.format(path=str(big)), new, warm_home)  # fill the cache

        def warm(i: int) -> float:
            # One file edited (its opening comment), differently each time: a miss for that file.
            edited.write_text(original.replace("Part 25 of 50.", f"Part 25 of 50, edit {i + 2}."), encoding="utf-8")
            return run(CHECK.format(path=str(big)), new, warm_home)[0]

        t = alternate({"old cold 1,000": cold(base, small), "old cold 5,000": cold(base, big),
                       "new cold 5,000": cold(new, big), "new warm 5,000": warm}, args.runs)
        edited.write_text(original, encoding="utf-8")
        per = {k: v / (1000 if "1,000" in k else 5000) * 1000 for k, v in t.items()}
        print()
        print(f"check of a generated story, whole process: 5,000 scenes, {words:,} words in 50 files "
              f"(1,000 scenes in 10 files for the old per-scene figure)")
        print(f"  old, cold, 1,000 scenes                 {t['old cold 1,000']:7.2f} s   {per['old cold 1,000']:.3f} ms a scene")
        print(f"  old, 5,000 scenes                       {t['old cold 5,000']:7.2f} s   {per['old cold 5,000']:.3f} ms a scene")
        print(f"  new, cold (empty cache), 5,000 scenes   {t['new cold 5,000']:7.2f} s   {per['new cold 5,000']:.3f} ms a scene"
              f"   {per['new cold 5,000'] / per['old cold 1,000']:.2f}x the old 1,000-scene figure (target: <= 1.00x)")
        print(f"  new, warm, one file of 50 edited        {t['new warm 5,000']:7.2f} s   "
              f"{t['new warm 5,000'] / t['new cold 5,000'] * 100:.1f}% of new cold (target: < 10%), "
              f"{t['new warm 5,000'] / t['old cold 5,000'] * 100:.1f}% of old")

        # ---- memory -------------------------------------------------------------------------------------
        rss = {name: [int(run(PLAY.format(path=str(big)), tree, homes[name])[1].split()[-1]) for _ in range(2)]
               for name, tree in trees.items()}
        print()
        print("peak resident memory: the 5,000-scene story loaded and 20,000 random choices played (target: < 300 MB)")
        for name in trees:
            print(f"  {name}  {max(rss[name]) / 1024:6.0f} MB")

        # ---- engine: choices per second -----------------------------------------------------------------
        if not args.skip_engine:
            engine_rows(trees, homes, args.runs)
    print()
    print(f"{load_note()} at the end")
    return 0


def engine_rows(trees: dict[str, Path], homes: dict[str, Path], runs: int) -> None:
    """bench/engine.py --baseline: this checkout's script measuring both code bases, in turns (so both are
    measured the same way, warm-up round included)."""
    env = {**os.environ, "IFENGINE_HOME": str(homes["new"])}
    out = subprocess.run([sys.executable, str(HERE / "engine.py"), "--baseline", str(trees["old"]),
                          "--repeat", str(runs)], cwd=REPO, env=env, capture_output=True, text=True, check=True).stdout
    print()
    print("bench/engine.py --baseline (target: choices/s 1.5x)")
    print(out.rstrip())


if __name__ == "__main__":
    sys.exit(main())
