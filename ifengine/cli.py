"""The `ifengine` command line: check, play, replay (and the authoring tools). One module backs the
console script, `python -m ifengine` and `play.py`."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from . import __version__

if TYPE_CHECKING:  # the loader (and lark) load when a command needs them: play.py's title screen does not
    from .model import Story


class UsageError(Exception):
    """Bad command-line usage: exit status 2 with a one-line message."""


class Failure(Exception):
    """A clean failure (bad story, bad run file): exit status 1 after the message was printed."""


def open_story(name: str) -> tuple[Story, Path]:
    """Load a story by path, id or role, printing its diagnostics if it cannot be played."""
    from .library import find_story
    from .loader import load
    from .render import print_diagnostics, summary

    path = find_story(name)
    if path is None:
        raise UsageError(f"no story found at or named '{name}'")
    loaded = load(path)
    if not loaded.ok:
        print_diagnostics([d for d in loaded.diagnostics if d.is_error], loaded.story, sys.stderr)
        print(f"{path}: the story has errors and cannot be played ({summary(loaded.diagnostics)})", file=sys.stderr)
        raise Failure()
    assert loaded.story is not None
    return loaded.story, path


# ---- check ------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    from .loader import load
    from .render import print_diagnostics, summary

    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        raise UsageError(f"no such file or folder: {missing[0]}")
    from .library import expand_collections

    all_diags = []
    failed = False
    for p in (str(s) for given in args.paths for s in expand_collections(Path(given))):
        loaded = load(p)
        all_diags += loaded.diagnostics
        failed |= not loaded.ok
        if not args.json:
            print_diagnostics(loaded.diagnostics, loaded.story)
    if args.json:
        print(json.dumps([d.to_dict() for d in all_diags], indent=2))
    else:
        print(f"{', '.join(args.paths)}: {summary(all_diags)}", file=sys.stderr)
    return 1 if failed else 0


# ---- play (plain) -----------------------------------------------------------


def start_session(story: Story, seed: int, at: str | None, render: bool = True):
    """A session at the start, or at scene `at` by the shortest path (the explorer finds it)."""
    from .runtime import Session

    session = Session(story, seed, render=render)
    if at is None:
        return session, None
    if at not in story.scenes:
        raise UsageError(f"--at: story '{story.id}' has no scene '{at}'")
    from .explore import shortest_path

    path = shortest_path(story, at, seed=seed)
    if path is None:
        raise UsageError(f"--at: no path of choices reaches scene '{at}' from the start")
    for cid in path:
        session.choose(cid)
    return session, path


def cmd_play(args: argparse.Namespace) -> int:
    if not args.plain:
        return play_main(["--story", args.story] + (["--seed", str(args.seed)] if args.seed is not None else [])
                         + (["--at", args.at] if args.at else []) + (["--watch"] if args.watch else []))
    if args.watch:
        raise UsageError("--watch needs the full-screen player (leave out --plain)")
    from .plain import PlainPlayer
    from .render import use_colour
    from .saves import run_from_session, write_run

    story, path = open_story(args.story)
    seed = args.seed if args.seed is not None else 0
    session, at_path = start_session(story, seed, args.at)
    player = PlainPlayer(session, sys.stdout, colour=use_colour(sys.stdout))
    if at_path is not None:
        player.say(f"(started at '{args.at}' by the shortest path: {' -> '.join(at_path) or 'the start'})")
    recorded = True
    try:
        player.play(sys.stdin.readline, canon=args.canon)
    finally:  # record what was played even when the story faulted or input stopped
        if args.record:
            try:
                write_run(args.record, run_from_session(session, source=str(path)))
                print(f"recorded {len(session.choices_taken)} choices to {args.record}", file=sys.stderr)
            except OSError as e:
                print(f"ifengine play: cannot write {args.record}: {e.strerror or e}", file=sys.stderr)
                recorded = False
    return 0 if recorded else 1


# ---- replay -----------------------------------------------------------------


def cmd_replay(args: argparse.Namespace) -> int:
    from .library import story_for_run
    from .saves import RunFileError, compare, read_run, resume
    from .transcript import transcript

    failures = 0
    for name in args.runs:
        try:
            run = read_run(name)
        except RunFileError as e:
            print(f"error: {e}", file=sys.stderr)
            failures += 1
            continue
        where = Path(args.story) if args.story else story_for_run(Path(name), run.story_id, run.source)
        if where is None:
            print(f"error: {name}: cannot find story '{run.story_id}' (pass --story PATH)", file=sys.stderr)
            failures += 1
            continue
        try:
            story, _ = open_story(str(where))
        except Failure:
            failures += 1
            continue
        resumed = resume(story, run)
        problem = resumed.messages[0] if resumed.messages else compare(run, resumed.session)
        if args.transcript:
            out = Path(args.transcript)
            if len(args.runs) > 1:
                out = out.with_name(f"{out.stem}-{Path(name).stem}{out.suffix or '.md'}")
            try:
                out.write_text(transcript(story, run.seed, run.choices), encoding="utf-8")
            except OSError as e:
                print(f"error: cannot write the transcript {out}: {e.strerror or e}", file=sys.stderr)
                failures += 1
        if problem:
            print(f"FAIL {name}: {problem}")
            failures += 1
        else:
            view = resumed.session.view()
            end = f"ending '{view.ending.id}' ({view.ending.kind})" if view.ending else f"scene '{view.scene_id}'"
            print(f"ok   {name}: {len(run.choices)} choices, {end}")
    return 1 if failures else 0


# ---- explore, graph, stats (authoring tools) -----------------------------------


def cmd_explore(args: argparse.Namespace) -> int:
    from .explore import explore_exhaustive, explore_random, format_report, progress_bar, save_runs

    for name, value in (("--runs", args.runs), ("--jobs", args.jobs), ("--max-states", args.max_states),
                        ("--max-steps", args.max_steps)):
        if value < 1:
            raise UsageError(f"{name} must be at least 1, not {value}")
    story, path = open_story(args.story)
    show_bar = hasattr(sys.stderr, "isatty") and sys.stderr.isatty()  # the bar draws on stderr
    if args.exhaustive:
        if args.jobs > 1:
            print("ifengine explore: --jobs spreads random runs; the exhaustive search runs in one process",
                  file=sys.stderr)
        with progress_bar(show_bar, "exploring", None) as tick:
            report = explore_exhaustive(story, max_states=args.max_states, seed=args.seed, progress=tick)
    else:
        with progress_bar(show_bar, "playing", args.runs) as tick:
            report = explore_random(story, args.runs, args.seed, jobs=args.jobs, path=str(path),
                                    max_steps=args.max_steps, progress=tick)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(format_report(report, str(path)))
    if args.save_runs:
        try:
            written, skipped = save_runs(report, args.save_runs, source=str(path))
        except OSError as e:
            print(f"ifengine explore: cannot write run files to {args.save_runs}: {e.strerror or e}",
                  file=sys.stderr)
            return 1
        print(f"wrote {len(written)} run file(s) to {args.save_runs}"
              + (f"; kept {len(skipped)} that already existed: {', '.join(skipped)}" if skipped else ""),
              file=sys.stderr)
    return 0 if report.ok else 1


def cmd_graph(args: argparse.Namespace) -> int:
    from .graph import GraphvizFailed, GraphvizMissing, render_graph

    story, _ = open_story(args.story)
    try:
        text = render_graph(story, args.format)
    except (GraphvizMissing, GraphvizFailed) as e:
        print(f"ifengine graph: {e}", file=sys.stderr)
        return 1
    if args.out:
        try:
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as e:
            print(f"ifengine graph: cannot write {args.out}: {e.strerror or e}", file=sys.stderr)
            return 1
        print(f"wrote {args.format} graph of {len(story.scenes)} scenes to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from .stats import format_stats, story_stats

    story, _ = open_story(args.story)
    stats = story_stats(story)
    print(json.dumps(stats, indent=2, ensure_ascii=False) if args.json else format_stats(stats))
    return 0


# ---- play.py ----------------------------------------------------------------


def play_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="play.py", description="Play ifengine stories in the terminal.")
    p.add_argument("--role", help="go straight into the story of this role (rumak, davis, ...)")
    p.add_argument("--story", help="go straight into the story at this path")
    p.add_argument("--replay", metavar="RUN", help="play a recorded run back, at a readable pace")
    p.add_argument("--at", metavar="SCENE", help="start at this scene, reached by the shortest path")
    p.add_argument("--watch", action="store_true",
                   help="live editing: reload the story being played (--story, or the one picked on the title "
                        "screen) whenever one of its .ifs files changes")
    p.add_argument("--seed", type=int, default=None, help="the random seed of a new playthrough")
    p.add_argument("--plain", action="store_true", help="play in plain text instead of the full-screen player")
    return p


def play_main(argv: Sequence[str] | None = None) -> int:
    """`python play.py`: the Textual player (or the plain one with --plain)."""
    args = play_parser().parse_args(argv)
    try:
        if args.plain:
            name = args.story or args.role
            if not name:
                raise UsageError("--plain needs --story PATH or --role NAME")
            if args.watch:
                raise UsageError("--watch needs the full-screen player (leave out --plain)")
            return main(["play", name, "--plain"] + (["--seed", str(args.seed)] if args.seed is not None else [])
                        + (["--at", args.at] if args.at else []))
        from .ui.app import run_app

        return run_app(args)
    except UsageError as e:
        print(f"play.py: {e}", file=sys.stderr)
        return 2
    except Failure:
        return 1


# ---- main -------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ifengine", description="Branching interactive fiction for the terminal.")
    parser.add_argument("--version", action="version", version=f"ifengine {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser("check", help="check story folders or files and print every problem found")
    check.add_argument("paths", nargs="+", metavar="PATH", help="a story folder or .ifs file")
    check.add_argument("--json", action="store_true", help="print the diagnostics as a JSON list")
    check.set_defaults(func=cmd_check)

    play = sub.add_parser("play", help="play a story (full screen, or --plain text)")
    play.add_argument("story", metavar="STORY", help="a story folder, file, id or role")
    play.add_argument("--plain", action="store_true", help="plain text: numbered choices, one number per line")
    play.add_argument("--seed", type=int, default=None, help="random seed (default 0)")
    play.add_argument("--record", metavar="RUN.toml", help="write the run file at the end or at end of input")
    play.add_argument("--canon", action="store_true", help="follow the canon choices without input")
    play.add_argument("--at", metavar="SCENE", help="start at this scene, reached by the shortest path")
    play.add_argument("--watch", action="store_true", help="full screen only: reload the story when its files change")
    play.set_defaults(func=cmd_play)

    replay = sub.add_parser("replay", help="replay run files and check each reproduces its recorded end")
    replay.add_argument("runs", nargs="+", metavar="RUN.toml")
    replay.add_argument("--story", metavar="PATH", help="the story to replay against (default: found from the run)")
    replay.add_argument("--transcript", metavar="OUT.md", help="also write the playthrough as Markdown")
    replay.set_defaults(func=cmd_replay)

    explore = sub.add_parser("explore", help="play a story many ways: coverage, endings, dead ends, errors")
    explore.add_argument("story", metavar="STORY", help="a story folder, file, id or role")
    explore.add_argument("--runs", type=int, default=1000, help="random playthroughs (default 1000)")
    explore.add_argument("--seed", type=int, default=0, help="first seed: run i uses seed S+i (default 0)")
    explore.add_argument("--exhaustive", action="store_true",
                         help="visit every distinct state instead (breadth-first, every random outcome)")
    explore.add_argument("--max-states", type=int, default=250_000, metavar="N",
                         help="bound of the exhaustive search (default 250,000)")
    explore.add_argument("--max-steps", type=int, default=10_000, metavar="N",
                         help="cap on one random playthrough's choices (default 10,000)")
    explore.add_argument("--jobs", type=int, default=1, metavar="J", help="spread random runs over J processes")
    explore.add_argument("--json", action="store_true", help="print one JSON object")
    explore.add_argument("--save-runs", metavar="DIR", help="write a run file per ending, dead end and error")
    explore.set_defaults(func=cmd_explore)

    graph = sub.add_parser("graph", help="draw the scene graph (Mermaid, Graphviz DOT or SVG)")
    graph.add_argument("story", metavar="STORY", help="a story folder, file, id or role")
    graph.add_argument("--format", choices=("mermaid", "dot", "svg"), default="mermaid",
                       help="mermaid (default), dot, or svg (needs Graphviz)")
    graph.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    graph.set_defaults(func=cmd_graph)

    stats = sub.add_parser("stats", help="sizes, endings, canon path, divergence points, flag uses")
    stats.add_argument("story", metavar="STORY", help="a story folder, file, id or role")
    stats.add_argument("--json", action="store_true", help="print one JSON object")
    stats.set_defaults(func=cmd_stats)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from .compile import StoryRuntimeError

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return args.func(args)
    except UsageError as e:
        print(f"ifengine {args.command}: {e}", file=sys.stderr)
        return 2
    except Failure:
        return 1
    except StoryRuntimeError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
