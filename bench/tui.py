"""Full-screen player benchmark: how long the Textual player takes from a key to the screen being updated,
at step 10, 100 and 500 of a long generated run (bench/synth.py), and how long Continue takes to show a
500-step autosave. Driven through Textual's Pilot, headless, so it measures the player's own work (the
engine step, the widgets brought in step, the layout), not a terminal.

    python bench/tui.py                           # this checkout, median of 5 rounds
    python bench/tui.py --baseline /tmp/playerbase --repeat 5
    python bench/tui.py --child                   # one round, figures as JSON (what the parent runs)

With `--baseline PATH` (another checkout, e.g. `git worktree add /tmp/playerbase main`) every round runs
one process on each code base, alternating, and the report gives both medians and their ratio: the
machine is shared and noisy, so only figures measured side by side in one run compare.

Measured, each the median of the round's samples, then the median over rounds:
  - no-op:  press a key nothing is bound to, until the screen has settled: the floor of this way of
    measuring (Pilot waits for every message queue to empty), for reading the figures below;
  - choice: press `1` (the canon choice) until the new scene is on screen;
  - undo:   press `u` until the scene before is on screen;
  - rewind: in the history (`h`), Enter on the decision two back, until that scene is on screen;
  - continue: on the title screen, once it has been up a moment, Enter on Continue of a 500-step autosave,
    until the play screen shows the current scene;
  - cold-cont: the same, Enter pressed the moment the title screen is up (the story is then loaded and
    checked after the key: a 620-scene story takes most of this).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
STEPS = (10, 100, 500)
SCENES = 620  # the canon road of the synthetic story runs through every scene: longer than the longest run
SAMPLES = 5  # samples of each move per round
SIZE = (100, 30)


def _child(repeat_samples: int) -> dict[str, float]:
    sys.path.insert(0, str(BENCH))
    from synth import generate_story

    from ifengine.loader import load_story
    from ifengine.runtime import Session
    from ifengine.saves import AUTOSAVE, run_from_session, slot_path, write_run
    from ifengine.ui.app import IFApp, Start
    from ifengine.ui.screens.play import PlayScreen
    from textual.widgets import OptionList

    work = Path(tempfile.mkdtemp(prefix="ifengine-bench-tui-"))
    os.environ["IFENGINE_HOME"] = str(work / "home")
    folder = work / "synth"
    folder.mkdir()
    (folder / "story.ifs").write_text(generate_story(SCENES), encoding="utf-8")
    story = load_story(folder)

    def session_at(steps: int) -> Session:
        session = Session(story, 0)
        for _ in range(steps):
            session.choose(session.view().choices[0].id)  # the canon choice comes first
        return session

    async def settle(pilot) -> None:
        await pilot.pause()
        await pilot.pause()

    async def timed(pilot, *keys: str) -> float:
        t0 = time.perf_counter()
        await pilot.press(*keys)
        await settle(pilot)
        return time.perf_counter() - t0

    async def moves_at(steps: int) -> dict[str, float]:
        app = IFApp(folders=[folder], seed=0, start=Start(story, folder, session_at(steps)))
        choice, undo, rewind, idle = [], [], [], []
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await app.workers.wait_for_complete()
            for _ in range(repeat_samples):
                idle.append(await timed(pilot, "f12"))  # a key nothing is bound to: Pilot's own floor
                choice.append(await timed(pilot, "1"))
                assert app.game is not None and app.game.steps == steps + 1
                undo.append(await timed(pilot, "u"))
                assert app.game.steps == steps
                await pilot.press("h")  # the history opens on the latest decision
                await settle(pilot)
                await pilot.press("up")
                rewind.append(await timed(pilot, "enter"))
                assert app.game.steps == steps - 2, app.game.steps
                await pilot.press("1", "1")
                await settle(pilot)
                await app.workers.wait_for_complete()
                assert app.game.steps == steps
        return {f"no-op@{steps}": statistics.median(idle),
                f"choice@{steps}": statistics.median(choice), f"undo@{steps}": statistics.median(undo),
                f"rewind@{steps}": statistics.median(rewind)}

    async def continue_of(steps: int, cold: bool) -> float:
        write_run(slot_path(story.id, AUTOSAVE), run_from_session(session_at(steps), name=AUTOSAVE,
                                                                  source=str(folder)))
        app = IFApp(folders=[folder], seed=0)
        async with app.run_test(size=SIZE) as pilot:
            stories = app.screen.query_one("#stories", OptionList)
            while not stories.option_count:  # the title screen's cards are there
                await asyncio.sleep(0.001)
            if not cold:  # the title screen has been up a moment (whatever it does in the background, done)
                await settle(pilot)
                await app.workers.wait_for_complete()
            t0 = time.perf_counter()
            await pilot.press("enter")  # Continue is the first line of the title screen
            while not (isinstance(app.screen, PlayScreen) and app.game is not None and app.game.steps == steps):
                await asyncio.sleep(0.001)
            await settle(pilot)
            return time.perf_counter() - t0

    async def main() -> dict[str, float]:
        figures: dict[str, float] = {}
        for steps in STEPS:
            figures.update(await moves_at(steps))
        figures["continue@500"] = statistics.median([await continue_of(500, False) for _ in range(repeat_samples)])
        figures["cold-cont@500"] = statistics.median([await continue_of(500, True) for _ in range(repeat_samples)])
        return figures

    return asyncio.run(main())


def _run_child(tree: Path, samples: int) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(tree))
    out = subprocess.run([sys.executable, str(BENCH / "tui.py"), "--child", "--samples", str(samples)],
                         env=env, cwd=tree, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="rounds (processes per code base)")
    parser.add_argument("--samples", type=int, default=SAMPLES, help="samples of each move per round")
    parser.add_argument("--baseline", type=Path, help="another checkout to measure alternately")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.samples)))
        return
    here = BENCH.parent
    trees = [("this", here)] + ([("baseline", args.baseline.resolve())] if args.baseline else [])
    rounds: dict[str, list[dict[str, float]]] = {name: [] for name, _ in trees}
    for i in range(args.repeat):
        for name, tree in (trees if i % 2 == 0 else trees[::-1]):  # alternate which goes first
            rounds[name].append(_run_child(tree, args.samples))
    keys = list(rounds["this"][0])
    med = {name: {k: statistics.median(r[k] for r in rs) for k in keys} for name, rs in rounds.items()}
    print(f"bench/tui.py: a {SCENES}-scene synthetic story at {SIZE[0]}x{SIZE[1]}, headless; milliseconds, "
          f"median of {args.repeat} rounds x {args.samples} samples")
    if args.baseline:
        print(f"  {'':<14}{'baseline':>10}{'this':>10}{'ratio':>8}")
        for k in keys:
            b, t = med["baseline"][k] * 1000, med["this"][k] * 1000
            print(f"  {k:<14}{b:>10.1f}{t:>10.1f}{b / t:>7.1f}x")
    else:
        for k in keys:
            print(f"  {k:<14}{med['this'][k] * 1000:>10.1f}")


if __name__ == "__main__":
    main()
