"""Wrapping benchmark: the plain player's `ifengine.wrap.fill` against `textwrap.fill`, which it replaced.

    python bench/wrap.py                # 1 MB and 4 MB paragraphs, median of 5
    python bench/wrap.py --sizes 100000 1000000 --repeat 3

For each paragraph (ordinary prose; one word as long as the paragraph, which is what a story repeating a
long `str` flag renders; CJK text, which has no spaces) it prints the median seconds of each wrapper,
measured alternately in the same run, and the ratio. Growing the size by 4 shows whether time grows by 4
(linear) or by 16 (quadratic).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import textwrap
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ifengine.wrap import fill  # noqa: E402


def paragraphs(size: int) -> dict[str, str]:
    prose = "The fog came in at dusk, and the keeper climbed the stair with the last of the oil. "
    return {"prose": (prose * (size // len(prose) + 1))[:size], "one long word": "x" * size,
            "CJK": ("霧の夜、灯台守は最後の油を灯に注いだ。" * (size // 19 + 1))[:size]}


def median_seconds(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 4_000_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--width", type=int, default=78)
    args = parser.parse_args()
    print(f"{'paragraph':<14} {'characters':>11} {'textwrap s':>11} {'ifengine s':>11} {'ratio':>7}")
    for size in args.sizes:
        for name, text in paragraphs(size).items():
            old: list[float] = []
            new: list[float] = []
            for _ in range(args.repeat):  # alternate, so both see the same load on a shared machine
                old.append(median_seconds(lambda: textwrap.fill(text, args.width), 1))
                new.append(median_seconds(lambda: fill(text, args.width), 1))
            a, b = statistics.median(old), statistics.median(new)
            print(f"{name:<14} {size:>11,} {a:>11.3f} {b:>11.3f} {a / b:>6.1f}x")


if __name__ == "__main__":
    main()
