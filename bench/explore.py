"""How fast `ifengine explore` plays: exhaustive states per second, random playthroughs and choices per second.

    python bench/explore.py            # the showcase and a synthetic 1,000-scene story
    python bench/explore.py --quick    # fewer runs, for a smoke test

Every figure is the median of 5 timed repetitions in this process (one core). The synthetic story comes from
bench/synth.py (`generate_story(1000)`): about three choices a scene (canon, a branch further ahead, a
sticky wait), flags of every type, conditions and effects. Each line says how long a run was on average.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from ifengine.explore import explore_exhaustive, explore_random  # noqa: E402
from ifengine.loader import load_story  # noqa: E402

REPEATS = 5
# Published figure, NOT measured here: ChoiceScript's randomtest under Node on a comparable generated game of
# 1,000 scenes. Printed only to put our numbers in context.
CHOICESCRIPT_REFERENCE = (2_600, 45_000)  # playthroughs per second, choices per second


def median_rate(work, repeats: int = REPEATS) -> tuple[float, float, object]:
    """Run `work()` (returning (units_a, units_b, result)) `repeats` times; median units per second."""
    rates_a, rates_b = [], []
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        a, b, result = work()
        seconds = time.perf_counter() - start
        rates_a.append(a / seconds)
        rates_b.append(b / seconds)
    return statistics.median(rates_a), statistics.median(rates_b), result


def synthetic_story(n_scenes: int, folder: Path):
    from synth import generate_story

    (folder / "synthetic.ifs").write_text(generate_story(n_scenes, seed=0), encoding="utf-8")
    return load_story(folder)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="smaller workloads (a smoke test, not a measurement)")
    p.add_argument("--scenes", type=int, default=1000, help="scenes in the synthetic story (default 1000)")
    args = p.parse_args(argv)
    runs = 200 if args.quick else 2000
    bound = 5_000 if args.quick else 50_000
    repeats = 1 if args.quick else REPEATS

    showcase = load_story(HERE.parent / "examples" / "showcase")
    with tempfile.TemporaryDirectory() as tmp:
        synthetic = synthetic_story(args.scenes, Path(tmp))
        stories = [("showcase", showcase), (f"synthetic {args.scenes}-scene", synthetic)]

        print(f"ifengine explore benchmark (median of {repeats}, one process; Python {sys.version.split()[0]})")
        print()
        print("exhaustive search (breadth-first, every random outcome, deduplicated states)")
        for name, story in stories:
            def exhaustive(story=story):
                r = explore_exhaustive(story, max_states=bound)
                return r.states, r.states, r
            per_s, _, r = median_rate(exhaustive, repeats)
            status = "complete" if r.complete else f"stopped at the --max-states bound of {bound:,}"
            print(f"  {name:<22} {per_s:>10,.0f} states/s   ({r.states:,} states, {status})")

        print()
        print("random playthroughs (seed S+i per run, uniform choice among enabled choices)")
        for name, story in stories:
            def random_runs(story=story):
                r = explore_random(story, runs)
                return r.runs, r.steps, r
            per_run, per_choice, r = median_rate(random_runs, repeats)
            print(f"  {name:<22} {per_run:>10,.0f} playthroughs/s {per_choice:>12,.0f} choices/s   "
                  f"({runs:,} runs, {r.steps / runs:,.1f} choices a run)")

        print()
        a, b = CHOICESCRIPT_REFERENCE
        print("reference (published figure, NOT measured here): ChoiceScript randomtest under Node, on a comparable")
        print(f"  generated 1,000-scene game: about {a:,} playthroughs/s and {b:,} choices/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
