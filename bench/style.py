"""Benchmark: the style lint (`check --style`) on real stories, against reading their words.

    python bench/style.py                  # the stories in stories/, 5 runs each
    python bench/style.py stories/rumak -n 9

For each story it loads the story once, then times, alternating within each run so the shared
machine's noise falls on all of them alike:

- words:     `Surface(story)`: every piece of text found and split into words (the baseline: what any
             check of the surface costs before it judges anything);
- digits:    the IFS451 check; spellings: the IFS452 check;
- spelling:  the IFS454 check with the dictionary already loaded (as it is from the second story on);
- frames:    the IFS453 check over roads already played (the exhaustive search that finds the roads is
             the editor's, shared with `check --editor`, and timed by bench/explore.py);
- dictionary: loading pyspellchecker's English dictionary, once per process;

and prints each median, and each check's as a ratio to the words baseline. Target (the issue): the
spelling check stays reasonable on a 25,000-word story (stories/rumak has about 26,000).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # ifengine, from a checkout

from ifengine import load_story  # noqa: E402
from ifengine.editor import Reading, Settings  # noqa: E402
from ifengine.editor import spelling as spelling_module  # noqa: E402
from ifengine.editor.prose import Surface  # noqa: E402
from ifengine.editor.style import digits, sentence_frames, two_spellings  # noqa: E402


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("stories", nargs="*", default=sorted(str(p) for p in (HERE.parent / "stories").iterdir()
                                                         if p.is_dir()))
    ap.add_argument("-n", "--runs", type=int, default=5)
    args = ap.parse_args()
    settings = Settings()
    load = timed(spelling_module.dictionary)
    for folder in args.stories:
        story = load_story(folder)
        surface = Surface(story)
        words = sum(1 for _ in surface.prose.tokens())
        reading = Reading(story)
        roads = timed(lambda: reading.roads)
        jobs: dict[str, Callable[[], object]] = {
            "words": lambda: Surface(story),
            "digits": lambda: digits(surface, settings),
            "spellings": lambda: two_spellings(surface, settings),
            "spelling": lambda: spelling_module.spelling(surface, settings),
            "frames": lambda: sentence_frames(surface, reading, settings),
        }
        times: dict[str, list[float]] = {name: [] for name in jobs}
        for _ in range(args.runs):
            for name, job in jobs.items():
                times[name].append(timed(job))
        base = statistics.median(times["words"])
        print(f"{Path(folder).name}: {words:,} words, {len(reading.roads)} roads (found in {roads:.2f} s, once)")
        for name in jobs:
            median = statistics.median(times[name])
            ratio = "" if name == "words" else f"  {median / base:5.2f}x words"
            print(f"  {name:10} {median * 1000:8.1f} ms{ratio}")
    print(f"dictionary load (once per process): {load * 1000:.0f} ms")


if __name__ == "__main__":
    main()
