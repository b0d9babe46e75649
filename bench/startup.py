#!/usr/bin/env python3
"""Start-up time of the player's first screen against a minimal Textual app on the same machine.

Each app runs in a fresh interpreter (so imports count), headless at 80x24, and exits as soon as its first
screen is interactive: for the minimal app when it is ready, for ifengine when the title screen shows the
story cards (the library scan and the autosave check have finished). The budget is 1.5x the minimal app.
With `--pty` both draw to a pseudo-terminal through Textual's real terminal driver, as in a terminal
(issue 18 asks for 1.3x measured that way).

    python bench/startup.py [--runs 7] [--check] [--pty]

`--check` exits with status 1 when the ratio is over budget.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUDGET = 1.5

MINIMAL = """
from textual.app import App
from textual.widgets import Label

class Minimal(App):
    def compose(self):
        yield Label("Hello")

async def ready(pilot):
    pilot.app.exit()

Minimal().run(headless=True, size=(80, 24), auto_pilot=ready)
"""

IFENGINE = """
import asyncio
import sys
from ifengine.cli import play_parser, play_request
from ifengine.ui.app import make_app

app = make_app(play_request(play_parser().parse_args(sys.argv[1:])))

async def ready(pilot):
    # Interactive means the story cards are in the list (the library scan and the autosave check are done),
    # or, with --role, the story is on the play screen.
    app = pilot.app
    while not (getattr(app.screen, "entries", None) or app.game is not None):
        await asyncio.sleep(0.001)
    app.exit()

app.run(headless=True, size=(80, 24), auto_pilot=ready)
"""


def time_once(code: str, args: list[str], env: dict[str, str], in_pty: bool = False) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system) of one run in a fresh interpreter. `in_pty`: the app
    draws to a pseudo-terminal of 80x24 with Textual's real driver instead of headless."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    if in_pty:
        returncode, stderr = _run_in_pty(code.replace("headless=True", "headless=False"), args, env)
    else:
        done = subprocess.run([sys.executable, "-c", code, *args], cwd=REPO, env=env, capture_output=True,
                              text=True)
        returncode, stderr = done.returncode, done.stderr
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if returncode != 0:
        raise SystemExit(f"the benchmark app failed:\n{stderr}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _run_in_pty(code: str, args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run the app on a pseudo-terminal, reading (and dropping) what it draws so it never blocks."""
    import fcntl
    import pty
    import struct
    import termios
    import threading

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    proc = subprocess.Popen([sys.executable, "-c", code, *args], cwd=REPO, env={**env, "TERM": "xterm-256color"},
                            stdin=slave, stdout=slave, stderr=subprocess.PIPE, close_fds=True)
    os.close(slave)

    def drain() -> None:
        try:
            while os.read(master, 65536):
                pass
        except OSError:  # the child closed its end
            pass

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    _, stderr = proc.communicate()
    os.close(master)
    return proc.returncode, stderr.decode("utf-8", "replace")


def median_times(cases: list[tuple[str, list[str]]], runs: int,
                 env: dict[str, str], in_pty: bool = False) -> list[tuple[float, float]]:
    """The median wall and CPU time of each case. Runs alternate between the cases, so a burst of load from
    something else on the machine falls on all of them alike instead of skewing one."""
    for code, args in cases:
        time_once(code, args, env, in_pty)  # warm-up: compiled bytecode and the file cache, as on a second launch
    samples: list[list[tuple[float, float]]] = [[] for _ in cases]
    for _ in range(runs):
        for i, (code, args) in enumerate(cases):
            samples[i].append(time_once(code, args, env, in_pty))
    return [(statistics.median(w for w, _ in s), statistics.median(c for _, c in s)) for s in samples]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per app; the median is reported (default 7)")
    parser.add_argument("--check", action="store_true", help="exit 1 when over the 1.5x budget")
    parser.add_argument("--role", help="also time going straight into this story (play.py --role NAME)")
    parser.add_argument("--pty", action="store_true",
                        help="draw to a pseudo-terminal with Textual's terminal driver instead of headless")
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "IFENGINE_HOME": home, "PYTHONPATH": str(REPO)}
        # ifengine's bytecode kept from the warm-up run, as an installed ifengine has it (and Textual has it
        # from its install): without this, a PYTHONDONTWRITEBYTECODE set in the environment has every run
        # compile ifengine from source, and only ifengine.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        cases = [(MINIMAL, []), (IFENGINE, [])] + ([(IFENGINE, ["--role", opts.role])] if opts.role else [])
        (minimal, minimal_cpu), (ours, ours_cpu), *direct = median_times(cases, opts.runs, env, opts.pty)
        ratio = ours / minimal
        print(f"medians of {opts.runs} runs        wall        cpu   ({'in a pseudo-terminal' if opts.pty else 'headless'}"
              f", {os.getloadavg()[0]:.2f} load average)")
        print(f"minimal Textual app   : {minimal * 1000:7.1f} ms  {minimal_cpu * 1000:7.1f} ms")
        print(f"ifengine title screen : {ours * 1000:7.1f} ms  {ours_cpu * 1000:7.1f} ms")
        if direct:
            print(f"play.py --role {opts.role:<7}: {direct[0][0] * 1000:7.1f} ms  {direct[0][1] * 1000:7.1f} ms"
                  f"  (for information)")
        print(f"ratio (wall)          : {ratio:7.2f}     {ours_cpu / minimal_cpu:7.2f} (cpu)   "
              f"budget {BUDGET:.2f}: {'ok' if ratio <= BUDGET else 'OVER'}")
    return 1 if opts.check and ratio > BUDGET else 0


if __name__ == "__main__":
    sys.exit(main())
