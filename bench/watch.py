#!/usr/bin/env python3
"""`play.py --watch` on a big story, measured through the app (Textual's Pilot, headless): from the moment
an edited file is saved to the moment the new text is on the screen.

    python bench/watch.py [--scenes 5000 --files 50] [--edits 7] [--code DIR] [--poll SECONDS]

The story is generated (bench/synth.py: 200 words a scene); the player stands in the first scene and the
edit changes its prose, in the first of the files. Each edit is a different text, so each is a real
change. With `--poll` the app looks at the files that often instead of its default (`WATCH_INTERVAL`):
the reload itself is then most of what is measured. `--code DIR` runs another checkout's code (the old
one, for a before and after); `--base DIR` runs this script for both, taking turns, and prints both.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synth import write_story  # noqa: E402


async def measure(folder: Path, edits: int, poll: float | None) -> list[float]:
    from ifengine.cli import play_parser, play_request
    from ifengine.ui.app import make_app
    from ifengine.ui.widgets.transcript import SceneText

    args = play_parser().parse_args(["--story", str(folder), "--watch", "--seed", "0"])
    app = make_app(play_request(args), **({"watch_interval": poll} if poll is not None else {}))

    def on_screen() -> str:
        return "\n".join(str(w.render()) for w in app.screen.query(SceneText))

    first = sorted(folder.glob("*.ifs"))[0]
    text = first.read_text(encoding="utf-8")
    scene = text.index("=== scene-0:")
    line_start = text.index("\n", scene) + 1  # the scene's first prose line
    word = text[line_start:text.index(" ", line_start)]
    latencies: list[float] = []
    async with app.run_test(size=(100, 40)) as pilot:
        deadline = time.monotonic() + 120
        while app.game is None or app._watch.snapshot is None:  # the story is up and the first poll done
            assert time.monotonic() < deadline, "the story did not come up"
            await pilot.pause(0.01)
        for i in range(edits):
            marker = f"Edited{i}x"
            first.write_text(text[:line_start] + marker + text[line_start + len(word):], encoding="utf-8")
            saved = time.perf_counter()
            while marker not in on_screen():
                assert time.perf_counter() - saved < 60, "the edit never showed"
                await asyncio.sleep(0.002)
            latencies.append(time.perf_counter() - saved)
            await pilot.pause(0.2)  # let the autosave and the notification settle before the next edit
    first.write_text(text, encoding="utf-8")
    return latencies


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenes", type=int, default=5000)
    ap.add_argument("--files", type=int, default=50)
    ap.add_argument("--edits", type=int, default=7)
    ap.add_argument("--poll", type=float, default=None, help="seconds between looks (default: the app's own)")
    ap.add_argument("--code", type=Path, help="run this checkout's ifengine instead of this one's")
    ap.add_argument("--base", type=Path, help="measure this checkout and the current one, taking turns")
    ap.add_argument("--rounds", type=int, default=2, help="with --base: processes of each, alternating")
    ap.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.base is not None:
        return compare(args)
    if args.code is not None:
        sys.path.insert(0, str(args.code.resolve()))
    else:
        sys.path.insert(0, str(HERE.parent))
    import ifengine
    from ifengine.ui.watch import WATCH_INTERVAL

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.folder or Path(tmp) / "big"
        if args.folder is None:
            write_story(folder, args.scenes, files=args.files, words_per_scene=200)
        os.environ.setdefault("IFENGINE_HOME", str(Path(tmp) / "home"))
        found = asyncio.run(measure(folder, args.edits, args.poll))
    poll = args.poll if args.poll is not None else WATCH_INTERVAL
    print(f"watch reload, save to new text on screen: median {statistics.median(found) * 1000:.0f} ms, "
          f"min {min(found) * 1000:.0f}, max {max(found) * 1000:.0f} over {len(found)} edits "
          f"({args.scenes:,} scenes in {args.files} files, polling every {poll * 1000:.0f} ms; "
          f"code {Path(ifengine.__file__).parent.parent})")
    return 0


def compare(args: argparse.Namespace) -> int:
    """This script for the old code and the new, in alternating processes, on one story."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "big"
        write_story(folder, args.scenes, files=args.files, words_per_scene=200)
        common = ["--scenes", str(args.scenes), "--files", str(args.files), "--edits", str(args.edits),
                  "--folder", str(folder)] + (["--poll", str(args.poll)] if args.poll is not None else [])
        for _ in range(args.rounds):
            for code in (args.base.resolve(), HERE.parent):
                env = {**os.environ, "IFENGINE_HOME": str(Path(tmp) / f"home-{code.name}")}
                done = subprocess.run([sys.executable, __file__, "--code", str(code), *common], env=env,
                                      capture_output=True, text=True, cwd=code)
                print(done.stdout.strip() or done.stderr.strip().splitlines()[-1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
