"""Benchmark: the whole load pipeline (parse + build + check) against a bare lark parse.

    python bench/parse.py            # sizes 200, 1000, 5000; 5 runs each
    python bench/parse.py 1000 -n 9  # other sizes / run counts

For each size it writes a synthetic story (bench/synth.py) into a temporary folder, checks that
`ifengine.load()` reports no errors (and aborts if it does), then times

- pipeline: `ifengine.load(folder)`: read, parse section by section, build the model, check;
- bare:     `ifengine.parser.story_parser().parse(text)`: one LALR parse of the same text, with no
            build and no check, as lark leaves it (the cyclic garbage collector enabled);
- bare, gc off: the same parse with the collector disabled, as `parse_source` runs it (a big parse
            tree makes every full collection slower, so with gc on a whole-file parse grows faster
            than linearly).

and prints the median of the runs. Target (the issue): the pipeline at >= 2,000 scenes/s at 1,000
scenes, staying near that at 5,000 (linear); a bare lark parse manages about 3,000 scenes/s.
"""
from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))          # synth
sys.path.insert(0, str(HERE.parent))   # ifengine, from a checkout

from synth import generate_story  # noqa: E402

import ifengine  # noqa: E402
import lark  # noqa: E402
from ifengine.parser import story_parser  # noqa: E402

TARGET = 2000  # scenes per second for the whole pipeline


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def without_gc(fn):
    def run():
        was = gc.isenabled()
        gc.disable()
        try:
            return fn()
        finally:
            if was:
                gc.enable()
    return run


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[200, 1000, 5000], help="scene counts")
    ap.add_argument("-n", "--runs", type=int, default=5, help="timed runs per measurement (median)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    story_parser()  # build the LALR tables once, outside the timings
    load = f", load average {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else ""
    print(f"ifengine {ifengine.__version__}, lark {lark.__version__}, Python {sys.version.split()[0]}, "
          f"{platform.machine()} x{os.cpu_count()}{load}; median of {args.runs} runs")
    header = (f"{'scenes':>7} {'lines':>7} | {'pipeline s':>10} {'lines/s':>9} {'scenes/s':>9} | "
              f"{'bare s':>8} {'scenes/s':>9} | {'pipe/bare':>9} | {'bare gc off':>11} {'scenes/s':>9}")
    print(header)
    print("-" * len(header))
    results = []
    with tempfile.TemporaryDirectory(prefix="ifengine-bench-") as tmp:
        for n in args.sizes:
            text = generate_story(n, seed=args.seed)
            folder = Path(tmp) / f"synth-{n}"
            folder.mkdir()
            (folder / "story.ifs").write_text(text, encoding="utf-8")

            loaded = ifengine.load(folder)  # also a warm-up
            errors = [d for d in loaded.diagnostics if d.is_error]
            if errors or loaded.story is None:
                print(f"the synthetic story of {n} scenes does not load cleanly:", file=sys.stderr)
                for d in errors[:10]:
                    print(f"  {d}", file=sys.stderr)
                return 1
            scenes = len(loaded.story.scenes)
            lines = text.count("\n") + 1

            parser = story_parser()
            pipe = median_time(lambda: ifengine.load(folder), args.runs)
            bare = median_time(lambda: parser.parse(text), args.runs)
            bare_nogc = median_time(without_gc(lambda: parser.parse(text)), args.runs)
            results.append((n, pipe))
            print(f"{scenes:>7,} {lines:>7,} | {pipe:>10.3f} {lines / pipe:>9,.0f} {scenes / pipe:>9,.0f} | "
                  f"{bare:>8.3f} {scenes / bare:>9,.0f} | {pipe / bare:>9.2f} | {bare_nogc:>11.3f} {scenes / bare_nogc:>9,.0f}")

    at = {n: t for n, t in results}
    if 1000 in at:
        rate = 1000 / at[1000]
        verdict = "meets" if rate >= TARGET else "misses"
        print(f"\npipeline at 1,000 scenes: {rate:,.0f} scenes/s, {verdict} the target of {TARGET:,}")
        if 5000 in at:
            print(f"scaling 1,000 -> 5,000 scenes: time x{at[5000] / at[1000]:.2f} for x5 the scenes "
                  f"(linear is x5.00)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
