"""Full-screen player benchmark: how long the Textual player takes from a key to the screen being updated,
at step 10, 100 and 500 of a long generated run (bench/synth.py), and how long Continue takes to show a
500-step autosave. Headless, so it measures the player's own work (the engine step, the widgets brought in
step, the layout, the compositor's update), not a terminal.

    python bench/tui.py                           # this checkout, median of 5 rounds
    python bench/tui.py --baseline /tmp/playerbase --repeat 5
    python bench/tui.py --child                   # one round, figures as JSON (what the parent runs)
    python bench/tui.py --profile choice@500      # cProfile of that move, top functions by own time
    python bench/tui.py --only continue           # only Continue (or `--only moves`: only the steps)

With `--baseline PATH` (another checkout, e.g. `git worktree add /tmp/playerbase main`) every round runs
one process on each code base, alternating, and the report gives both medians and their ratio: the
machine is shared and noisy, so only figures measured side by side in one run compare.

Two figures for every move:
  - screen: from the key event reaching the app (posted to it as a terminal driver does) to the end of
    the first screen update that shows the result: Textual's compositor update of the play screen
    (`Screen._compositor_refresh` -> `App._display`), turned into the bytes a terminal would be sent
    (`render_segments`, which the headless driver skips) after which the new scene's text is on screen in
    the compositor's map and the choice list holds its choices. It includes any wait for Textual's next
    screen-update tick (up to 1/60 s after the work is done; the player now makes a move's first update
    at the first idle instead, `PlayScreen._on_idle`). For the no-op key, which shows nothing,
    it ends once the app has passed the key through the focus chain and found nothing bound (the floor
    of this way of measuring: about 0).
  - pilot: the figure bench/tui.py gave before (kept so earlier figures compare): `Pilot.press` and two
    `Pilot.pause`, which wait for every message queue to empty and the CPU to go idle, and so include
    Pilot's own waiting (the no-op row shows how much).

The moves, each the median of the round's samples, then the median over rounds:
  - no-op:  a key nothing is bound to;
  - choice: `1` (the canon choice);
  - undo:   `u`;
  - rewind: in the history (`h`), Enter on the decision two back;
  - continue: on the title screen, once it has been up a moment, Enter on Continue of a 500-step autosave;
  - cold-cont: the same, Enter pressed the moment the title screen is up (the story is then loaded and
    checked after the key: a 620-scene story takes most of this).
"""
from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

BENCH = Path(__file__).resolve().parent
STEPS = (10, 100, 500)
SCENES = 620  # the canon road of the synthetic story runs through every scene: longer than the longest run
SAMPLES = 5  # samples of each move per round
SIZE = (100, 30)
TIMEOUT = 30.0  # seconds to wait for a move to show before the benchmark gives up


class Probe:
    """Times one key: from posting it to the app, to the first screen update after which `shown()` is true
    (or, with `shown=None`, to the app having handled the key)."""

    def __init__(self, app: Any) -> None:
        from textual._compositor import CompositorUpdate

        self.app = app
        self.t0 = 0.0
        self.t_end: float | None = None
        self.shown: Callable[[], bool] | None = None
        self.armed = False
        self.done = asyncio.Event()
        display = app._display

        def timed_display(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if renderable is None or app._batch_count:
                return
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)  # what a terminal driver would write
            now = time.perf_counter()  # the update is done; what `shown` costs is not the player's
            if self.armed and self.shown is not None and self.shown():
                self.finish(now)

        app._display = timed_display  # the compositor calls `app._display(screen, update)`

    def finish(self, when: float | None = None) -> None:
        self.t_end = time.perf_counter() if when is None else when
        self.armed = False
        self.done.set()

    def key_handled(self) -> None:
        if self.armed and self.shown is None:
            self.finish()

    async def press(self, key: str, shown: Callable[[], bool] | None) -> float:
        from textual import events

        self.shown, self.t_end, self.armed = shown, None, True
        self.done.clear()
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(self.app)
        self.t0 = time.perf_counter()
        self.app.post_message(event)
        await asyncio.wait_for(self.done.wait(), TIMEOUT)
        assert self.t_end is not None
        return self.t_end - self.t0


def _child(repeat_samples: int, profile: str | None = None, only: str | None = None) -> dict[str, float]:
    sys.path.insert(0, str(BENCH))
    from synth import generate_story
    from textual.app import App
    from textual.widgets import OptionList

    from ifengine.loader import load_story
    from ifengine.runtime import Session
    from ifengine.saves import AUTOSAVE, run_from_session, slot_path, write_run
    from ifengine.ui.app import IFApp, Start
    from ifengine.ui.screens.play import PlayScreen
    from ifengine.ui.widgets.choices import ChoiceList
    from ifengine.ui.widgets.transcript import Transcript

    probes: list[Probe] = []
    on_key = App._on_key

    async def key_then_tell(self: App, event: Any) -> None:  # the app's last stop for an unbound key
        await on_key(self, event)
        for probe in probes:
            if probe.app is self:
                probe.key_handled()

    App._on_key = key_then_tell  # type: ignore[method-assign]

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

    def shows(app: IFApp, steps: int) -> Callable[[], bool]:
        """The play screen shows step `steps`: its scene's text in the transcript's view, its choices."""
        def shown() -> bool:
            screen = app.screen
            if not isinstance(screen, PlayScreen) or app.game is None or app.game.steps != steps:
                return False
            latest = screen.query_one(Transcript).latest
            if latest is None or latest.index != steps or not latest.children:
                return False
            on_screen = screen._compositor.visible_widgets
            scene = latest.children[-1]
            if scene not in on_screen:
                return False
            region, clip = on_screen[scene]
            if not (region.y >= clip.y and (region.bottom <= clip.bottom or region.y == clip.y)):
                return False
            choices = screen.query_one(ChoiceList)
            ids = [choices.get_option_at_index(i).id for i in range(choices.option_count)]
            return ids == [c.id for c in app.game.view.choices]
        return shown

    async def settle(pilot: Any) -> None:
        await pilot.pause()
        await pilot.pause()

    async def by_pilot(pilot: Any, *keys: str) -> float:
        t0 = time.perf_counter()
        await pilot.press(*keys)
        await settle(pilot)
        return time.perf_counter() - t0

    async def moves_at(steps: int) -> dict[str, float]:
        app = IFApp(folders=[folder], seed=0, start=Start(story, folder, session_at(steps)))
        probe = Probe(app)
        probes.append(probe)
        got: dict[str, list[float]] = {}

        def add(name: str, seconds: float) -> None:
            move, _, timing = name.partition(" ")
            got.setdefault(f"{move}@{steps}" + (f" {timing}" if timing else ""), []).append(seconds)

        async def to_screen(name: str, key: str, shown: Callable[[], bool] | None) -> None:
            add(name, await probe.press(key, shown))
            await settle(pilot)
            await app.workers.wait_for_complete()

        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await app.workers.wait_for_complete()
            assert app.game is not None
            for _ in range(repeat_samples):
                await to_screen("no-op", "f12", None)  # a key nothing is bound to
                add("no-op pilot", await by_pilot(pilot, "f12"))
                await to_screen("choice", "1", shows(app, steps + 1))
                await to_screen("undo", "u", shows(app, steps))
                add("choice pilot", await by_pilot(pilot, "1"))
                assert app.game.steps == steps + 1
                add("undo pilot", await by_pilot(pilot, "u"))
                assert app.game.steps == steps
                for timing in ("screen", "pilot"):
                    await pilot.press("h")  # the history opens on the latest decision
                    await settle(pilot)
                    await pilot.press("up")
                    await settle(pilot)
                    if timing == "screen":
                        await to_screen("rewind", "enter", shows(app, steps - 2))
                    else:
                        add("rewind pilot", await by_pilot(pilot, "enter"))
                    assert app.game.steps == steps - 2, app.game.steps
                    await pilot.press("1", "1")
                    await settle(pilot)
                    await app.workers.wait_for_complete()
                    assert app.game.steps == steps
        return {k: statistics.median(v) for k, v in got.items()}

    async def continue_of(steps: int, cold: bool, timing: str) -> float:
        write_run(slot_path(story.id, AUTOSAVE), run_from_session(session_at(steps), name=AUTOSAVE,
                                                                  source=str(folder)))
        app = IFApp(folders=[folder], seed=0)
        probe = Probe(app)
        probes.append(probe)
        async with app.run_test(size=SIZE) as pilot:
            stories = app.screen.query_one("#stories", OptionList)
            while not stories.option_count:  # the title screen's cards are there
                await asyncio.sleep(0.001)
            if not cold:  # the title screen has been up a moment (whatever it does in the background, done)
                await settle(pilot)
                await app.workers.wait_for_complete()
            if timing == "screen":  # Continue is the first line of the title screen
                seconds = await probe.press("enter", shows(app, steps))
            else:
                t0 = time.perf_counter()
                await pilot.press("enter")
                while not (isinstance(app.screen, PlayScreen) and app.game is not None
                           and app.game.steps == steps):
                    await asyncio.sleep(0.001)
                await settle(pilot)
                seconds = time.perf_counter() - t0
        probes.remove(probe)
        return seconds

    async def main() -> dict[str, float]:
        figures: dict[str, float] = {}
        for steps in STEPS if only in (None, "moves") else ():
            figures.update(await moves_at(steps))
        for name, cold in (("continue", False), ("cold-cont", True)) if only in (None, "continue") else ():
            for timing in ("screen", "pilot"):
                key = f"{name}@500" + ("" if timing == "screen" else " pilot")
                figures[key] = statistics.median([await continue_of(500, cold, timing)
                                                  for _ in range(repeat_samples)])
        return figures

    if profile:
        return asyncio.run(_profiled(profile, story, folder, session_at, shows, settle))
    return asyncio.run(main())


async def _profiled(move: str, story: Any, folder: Path, session_at: Callable[[int], Any],
                    shows: Callable[..., Callable[[], bool]], settle: Callable[[Any], Any]) -> dict[str, float]:
    """cProfile of one move (`choice@500`, `undo@500`, `rewind@500`), from the key to the screen showing it,
    printed to stderr (top 40 by own time, then by cumulative)."""
    from ifengine.ui.app import IFApp, Start

    name, steps = move.split("@")
    n = int(steps)
    app = IFApp(folders=[folder], seed=0, start=Start(story, folder, session_at(n)))
    probe = Probe(app)
    profiler = cProfile.Profile()
    seconds = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.workers.wait_for_complete()
        for _ in range(5):
            if name == "rewind":
                await pilot.press("h")
                await settle(pilot)
                await pilot.press("up")
                await settle(pilot)
                key, target = "enter", n - 2
            elif name == "undo":
                await pilot.press("1")
                await settle(pilot)
                key, target = "u", n
            else:
                key, target = "1", n + 1
            profiler.enable()
            seconds.append(await probe.press(key, shows(app, target)))
            profiler.disable()
            await settle(pilot)
            await app.workers.wait_for_complete()
            if name == "choice":  # back to step n for the next sample
                await pilot.press("u")
            elif name == "rewind":
                await pilot.press("1", "1")
            await settle(pilot)
            await app.workers.wait_for_complete()
    stats = pstats.Stats(profiler, stream=sys.stderr)
    stats.sort_stats("tottime").print_stats(40)
    stats.sort_stats("cumulative").print_stats(60)
    stats.print_callees("ifengine/ui")
    return {move: statistics.median(seconds)}


def _run_child(tree: Path, samples: int, only: str | None) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(tree))
    out = subprocess.run([sys.executable, str(BENCH / "tui.py"), "--child", "--samples", str(samples),
                          *(["--only", only] if only else [])],
                         env=env, cwd=tree, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="rounds (processes per code base)")
    parser.add_argument("--samples", type=int, default=SAMPLES, help="samples of each move per round")
    parser.add_argument("--baseline", type=Path, help="another checkout to measure alternately")
    parser.add_argument("--profile", metavar="MOVE@STEP", help="profile one move (choice@500, undo@500, "
                                                              "rewind@500) and print where the time goes")
    parser.add_argument("--only", choices=("moves", "continue"), help="measure only the moves at step 10, 100 "
                                                                    "and 500, or only Continue")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child or args.profile:
        print(json.dumps(_child(args.samples, args.profile, args.only)))
        return
    here = BENCH.parent
    trees = [("this", here)] + ([("baseline", args.baseline.resolve())] if args.baseline else [])
    rounds: dict[str, list[dict[str, float]]] = {name: [] for name, _ in trees}
    load_before = os.getloadavg()
    for i in range(args.repeat):
        for name, tree in (trees if i % 2 == 0 else trees[::-1]):  # alternate which goes first
            rounds[name].append(_run_child(tree, args.samples, args.only))
    load_after = os.getloadavg()
    keys = list(rounds["this"][0])
    med = {name: {k: statistics.median(r[k] for r in rs) for k in keys} for name, rs in rounds.items()}
    print(f"bench/tui.py: a {SCENES}-scene synthetic story at {SIZE[0]}x{SIZE[1]}, headless; milliseconds, "
          f"median of {args.repeat} rounds x {args.samples} samples; load average "
          f"{load_before[0]:.2f} before, {load_after[0]:.2f} after, on {os.cpu_count()} cores")
    moves = [k for k in keys if not k.endswith(" pilot")]
    if args.baseline:
        print(f"  {'':<14}{'screen:':>8}{'baseline':>10}{'this':>9}{'ratio':>7}"
              f"{'pilot:':>9}{'baseline':>10}{'this':>9}{'ratio':>7}")
        for k in moves:
            b, t = med["baseline"][k] * 1000, med["this"][k] * 1000
            pb, pt = med["baseline"][k + " pilot"] * 1000, med["this"][k + " pilot"] * 1000
            print(f"  {k:<14}{'':>8}{b:>10.1f}{t:>9.1f}{b / t:>6.1f}x{'':>9}{pb:>10.1f}{pt:>9.1f}{pb / pt:>6.1f}x")
    else:
        print(f"  {'':<14}{'screen':>10}{'pilot':>10}")
        for k in moves:
            print(f"  {k:<14}{med['this'][k] * 1000:>10.1f}{med['this'][k + ' pilot'] * 1000:>10.1f}")


if __name__ == "__main__":
    main()
