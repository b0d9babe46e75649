"""The `ifengine` command line: check, play, replay (and the authoring tools). One module backs the
console script, `python -m ifengine` and `play.py`."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from . import __version__

from .errors import IfengineError, StoryError, StoryRuntimeError, UsageError
from .launch import PlayRequest, open_story
from .safe_text import visible

if TYPE_CHECKING:
    from .runtime import Session


def _print_story_errors(e: StoryError) -> None:
    """A story that cannot be played: its errors with their source lines, then one line saying so."""
    from .render import print_diagnostics, summary

    print_diagnostics([d for d in e.diagnostics if d.is_error], e.story, sys.stderr)
    print(f"{visible(str(e.path or 'the story'))}: the story has errors and cannot be played ({summary(list(e.diagnostics))})",
          file=sys.stderr)


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


def cmd_play(args: argparse.Namespace) -> int:
    return play(PlayRequest(story=args.story, at=args.at, seed=args.seed, watch=args.watch, plain=args.plain,
                            canon=args.canon, record=args.record))


def play(request: PlayRequest) -> int:
    """Play as asked: the plain-text player, or the full-screen one (the Textual app, imported only here)."""
    if request.record is not None and not request.record.strip():
        raise UsageError("--record needs a file name")
    if not request.plain:
        if request.canon or request.record:
            raise UsageError(f"{'--canon' if request.canon else '--record'} needs the plain player (add --plain)")
        from .ui.app import run_app

        return run_app(request)
    if request.watch:
        raise UsageError("--watch needs the full-screen player (leave out --plain)")
    if request.replay:
        raise UsageError("--replay needs the full-screen player; `ifengine replay RUN` checks a run in text")
    if not request.name:
        raise UsageError("--plain needs --story PATH or --role NAME")
    from .launch import start_session
    from .plain import PlainPlayer
    from .render import use_colour

    if request.record:
        _check_record_target(request.record)
    story, path = open_story(request.name)
    seed = request.seed if request.seed is not None else 0
    session, at_path = start_session(story, seed, request.at)
    player = PlainPlayer(session, sys.stdout, colour=use_colour(sys.stdout))
    if at_path is not None:
        player.say(f"(started at '{request.at}' by the shortest path: {' -> '.join(at_path) or 'the start'})")
    try:
        player.play(sys.stdin.readline, canon=request.canon)
    finally:  # record what was played even when the story faulted or input stopped
        recorded = _record(session, request.record, path) if request.record else True
    return 0 if recorded else 1


def _check_record_target(target: str) -> None:
    """`--record` names a file in a folder that exists: refused before playing, never made with `mkdir -p`."""
    folder = Path(target).parent
    if not folder.is_dir():
        raise UsageError(f"--record: cannot write {target}: the folder {folder} does not exist")


def _record(session: Session, target: str, path: Path) -> bool:
    from .saves import run_from_session, write_run

    try:
        write_run(target, run_from_session(session, source=str(path)))
    except OSError as e:
        print(f"ifengine play: cannot write {target}: {e.strerror or e}", file=sys.stderr)
        return False
    n = len(session.choices_taken)
    print(f"recorded {n} choice{'' if n == 1 else 's'} to {target}", file=sys.stderr)
    return True


# ---- replay -----------------------------------------------------------------


def cmd_replay(args: argparse.Namespace) -> int:
    from .errors import RunFileError
    from .launch import open_run
    from .saves import compare, resume, write_output
    from .transcript import transcript

    failures = 0
    for name in args.runs:
        try:
            run, story, _ = open_run(name, args.story)
        except RunFileError as e:
            print(f"error: {e}", file=sys.stderr)
            failures += 1
            continue
        except UsageError as e:
            print(f"error: {e}", file=sys.stderr)
            failures += 1
            continue
        except StoryError as e:
            _print_story_errors(e)
            failures += 1
            continue
        resumed = resume(story, run, where=name)
        problem = resumed.messages[0] if resumed.messages else compare(run, resumed.session)
        if args.transcript:
            out = Path(args.transcript)
            if len(args.runs) > 1:
                out = out.with_name(f"{out.stem}-{Path(name).stem}{out.suffix or '.md'}")
            try:
                write_output(out, transcript(story, run.seed, run.choices))
            except OSError as e:
                print(f"error: cannot write the transcript {out}: {e.strerror or e}", file=sys.stderr)
                failures += 1
        if problem:
            print(visible(f"FAIL {name}: {problem}"))
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
        print(visible(format_report(report, str(path))))
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
    from .graph import render_graph
    from .saves import write_output

    story, _ = open_story(args.story)
    text = render_graph(story, args.format)
    if args.out:
        try:
            write_output(args.out, text)
        except OSError as e:
            print(f"ifengine graph: cannot write {args.out}: {e.strerror or e}", file=sys.stderr)
            return 1
        endings = len(story.endings)  # counted as `stats` and `explore` count them: scenes, then endings
        print(f"wrote {args.format} graph of {len(story.scenes) - endings} scenes and {endings} endings to "
              f"{args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from .stats import format_stats, story_stats

    story, _ = open_story(args.story)
    stats = story_stats(story)
    print(json.dumps(stats, indent=2, ensure_ascii=False) if args.json else visible(format_stats(stats)))
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
    request = play_request(play_parser().parse_args(argv))
    return _guarded("play.py", lambda: play(request))


def play_request(args: argparse.Namespace) -> PlayRequest:
    """play.py's parsed flags as a request."""
    return PlayRequest(story=args.story, role=args.role, replay=args.replay, at=args.at, seed=args.seed,
                       watch=args.watch, plain=args.plain)


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
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    return _guarded(f"ifengine {args.command}", lambda: args.func(args))


def _guarded(prog: str, run: Callable[[], int]) -> int:
    """Run a command; every failure ifengine expects ends in one message and an exit status, never a
    traceback: 2 for bad usage, 1 for anything else."""
    try:
        return run()
    except UsageError as e:
        print(f"{prog}: {visible(str(e))}", file=sys.stderr)
        return 2
    except StoryError as e:
        _print_story_errors(e)
        return 1
    except StoryRuntimeError as e:  # the story's own fault, where it is: "error: file:line:col: ..."
        print(f"error: {visible(str(e))}", file=sys.stderr)
        return 1
    except IfengineError as e:
        print(f"{prog}: {visible(str(e))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
