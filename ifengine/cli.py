"""The `ifengine` command line: check, play, replay (and the authoring tools). One module backs the
console script, `python -m ifengine` and `play.py`."""
from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from . import __version__

from .errors import IfengineError, StoryError, StoryRuntimeError, UsageError
from .launch import PlayRequest, open_story
from .safe_text import visible

if TYPE_CHECKING:
    from .diagnostics import Diagnostic
    from .model import Story
    from .runtime import Session


def _print_story_errors(e: StoryError) -> None:
    """A story that cannot be played: its errors with their source lines, then one line saying so."""
    from .render import print_diagnostics, summary

    print_diagnostics([d for d in e.diagnostics if d.is_error], e.story, sys.stderr)
    print(f"{visible(str(e.path or 'the story'))}: the story has errors and cannot be played ({summary(list(e.diagnostics))})",
          file=sys.stderr)


# ---- check ------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    import gc

    from .diagnostics import has_errors, sort_key
    from .heap import keep_long_lived
    from .loader import check, load
    from .render import print_diagnostics, summary

    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        raise UsageError(f"no such file or folder: {missing[0]}")
    from .library import expand_collections

    all_diags = []
    failed = False
    for p in (str(s) for given in args.paths for s in expand_collections(Path(given))):
        # What the load makes lives until the process ends: kept out of the collector's walks (heap.py) in a
        # whole `ifengine check` process, and not scanned while it is made.
        gc.disable()
        try:
            loaded = load(p) if args.editor or args.style else check(p)  # `check` keeps each file's part of it
            if getattr(args, "whole_process", False):
                keep_long_lived()
        finally:
            gc.enable()
        diags = loaded.diagnostics
        if loaded.ok and (args.editor or args.style):
            extra = _editor_diagnostics(loaded.story, editor=args.editor, style=args.style)
            failed |= has_errors(extra)
            diags = sorted(diags + extra, key=sort_key)
        all_diags += diags
        failed |= not loaded.ok
        if not args.json:
            print_diagnostics(diags, loaded.story)
    if args.json:
        print(json.dumps([d.to_dict() for d in all_diags], indent=2))
    else:
        print(f"{', '.join(args.paths)}: {summary(all_diags)}", file=sys.stderr)
    return 1 if failed else 0


def _editor_diagnostics(story: Story | None, editor: bool, style: bool) -> list[Diagnostic]:
    """What `check --editor` and `check --style` add for a story that loaded cleanly: the editor's checks
    and the style lint, as the story's `ifengine.toml` sets them (and what is wrong in that file). The two
    share one read of the story, so the exhaustive search runs once."""
    from .editor import Reading, editor_checks, read_settings, style_checks

    assert story is not None
    settings, found = read_settings(story.root)
    reading = Reading(story)
    return (found + (editor_checks(story, settings, reading) if editor else [])
            + (style_checks(story, settings, reading) if style else []))


# ---- play (plain) -----------------------------------------------------------


def cmd_play(args: argparse.Namespace) -> int:
    return play(play_request(args), prog="ifengine play")


def interactive() -> bool:
    """Whether the full-screen player can run: both standard input and output are a terminal (Textual
    would write its escape codes into a pipe, or wait forever for keys from one), or the environment names
    the Textual driver to draw with (`ifengine serve`: textual-serve pipes the player to a browser page
    and sets TEXTUAL_DRIVER to Textual's web driver, which speaks its own protocol over the pipes)."""
    if os.environ.get("TEXTUAL_DRIVER"):
        return True
    return all(hasattr(f, "isatty") and f.isatty() for f in (sys.stdin, sys.stdout))


def play(request: PlayRequest, prog: str = "ifengine play") -> int:
    """Play as asked: the plain-text player, or the full-screen one (the Textual app, imported only here).
    Away from a terminal the plain player plays instead, and says so."""
    if request.record is not None and not request.record.strip():
        raise UsageError("--record needs a file name")
    if request.screen_reader or screen_reader_wanted():
        if request.watch or request.replay:
            raise UsageError(f"{'--watch' if request.watch else '--replay'} needs the full-screen player, and "
                             "--screen-reader (or IFENGINE_SCREEN_READER) asks for the plain one")
        request = replace(request, plain=True, screen_reader=True)
        if not request.name:  # its own title screen: the stories as sentences, a number to pick one
            from .library import story_folders
            from .screen_reader import choose_story

            picked = choose_story(story_folders(request.collections), sys.stdout, sys.stdin.readline)
            if picked is None:
                return 0
            request = replace(request, story=str(picked), collections=())
    if not request.plain and not interactive():
        what = "standard output" if sys.stdin.isatty() else "standard input"
        if request.watch or request.replay:
            raise UsageError(f"{what} is not a terminal, and {'--watch' if request.watch else '--replay'} needs "
                             "the full-screen player" + ("" if request.watch else
                                                         "; `ifengine replay RUN` checks a run in text"))
        if not request.name:
            from .library import available

            raise UsageError(f"{what} is not a terminal, so the title screen cannot open; name a story to play it "
                             f"in plain text ({available()})")
        print(f"{prog}: {what} is not a terminal: playing in plain text (as with --plain)", file=sys.stderr)
        request = replace(request, plain=True)
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
        from .library import available

        raise UsageError(f"--plain needs a story to play ({available()})")
    from .launch import start_session
    from .plain import PlainPlayer
    from .render import use_colour
    from .screen_reader import ScreenReaderPlayer

    if request.record:
        _check_record_target(request.record)
    story, path = open_story(request.name)
    seed = request.seed if request.seed is not None else 0
    session, at_path = start_session(story, seed, request.at, seed_given=request.seed is not None)
    autosave = not request.canon  # --canon is a tool's run, not the player's: it leaves the autosave alone
    if autosave:
        _mention_run_in_progress(story, prog)
    player: PlainPlayer
    if request.screen_reader:
        player = ScreenReaderPlayer(session, sys.stdout, source=str(path), autosave=autosave)
    else:
        player = PlainPlayer(session, sys.stdout, colour=use_colour(sys.stdout), source=str(path), autosave=autosave)
    if at_path is not None:
        lucky = f"; reached with seed {session.seed}" if session.seed != seed else ""
        player.say(f"(started at '{request.at}' by the shortest path: {' -> '.join(at_path) or 'the start'}{lucky})")
        player.after_move()
    try:
        player.play(sys.stdin.readline, canon=request.canon)
    finally:  # record what was played even when the story faulted or input stopped
        recorded = _record(player.session, request.record, path) if request.record else True
    return 0 if recorded else 1


def screen_reader_wanted() -> bool:
    """IFENGINE_SCREEN_READER set to anything but empty or 0: the player's standing choice of the
    screen-reader player, as --screen-reader asks for it once."""
    return os.environ.get("IFENGINE_SCREEN_READER", "").strip() not in ("", "0")


def _mention_run_in_progress(story: Story, prog: str) -> None:
    """A new plain run replaces the autosave at its first choice, as New does on the title screen: say
    so when the autosave holds a run in progress, and how to continue it instead (on standard error,
    so the story's own output stays the same from one run to the next)."""
    from .saves import AUTOSAVE, RunFileError, read_run, slot_path

    try:
        run = read_run(slot_path(story.id, AUTOSAVE))
    except RunFileError:
        return
    if run.end.ending is not None or not run.choices:
        return
    scene = story.scenes.get(run.end.scene)
    where = scene.title if scene is not None else run.end.scene
    n = len(run.choices)
    print(visible(f"{prog}: a run of this story is in progress at {where} ({n} decision{'' if n == 1 else 's'} "
                  "in): type load autosave to continue it; your first choice starts a new run instead"),
          file=sys.stderr)


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
    from .expectations import run_problems
    from .launch import open_run
    from .saves import write_output
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
        problems = run_problems(story, run, where=name)
        if args.transcript:
            out = Path(args.transcript)
            if len(args.runs) > 1:
                out = out.with_name(f"{out.stem}-{Path(name).stem}{out.suffix or '.md'}")
            try:
                write_output(out, transcript(story, run.seed, run.choices))
            except OSError as e:
                print(f"error: cannot write the transcript {out}: {e.strerror or e}", file=sys.stderr)
                failures += 1
        for problem in problems:  # the first step that no longer fits, then each failed expectation
            print(visible(f"FAIL {name}: {problem}"))
        if problems:
            failures += 1
        else:
            end = f"ending '{run.end.ending}'" if run.end.ending else f"scene '{run.end.scene}'"
            kind = story.scenes[run.end.ending].ending_kind if run.end.ending in story.scenes else None
            checked = f", {len(run.expect)} expectation{'' if len(run.expect) == 1 else 's'} held" if run.expect else ""
            print(f"ok   {name}: {len(run.choices)} choices, {end}" + (f" ({kind})" if kind else "") + checked)
    return 1 if failures else 0


# ---- explore, graph, stats (authoring tools) -----------------------------------


def cmd_explore(args: argparse.Namespace) -> int:
    from .explore import explore_exhaustive, explore_random, format_report, progress_bar, save_runs

    for name, value in (("--runs", args.runs), ("--jobs", args.jobs), ("--max-states", args.max_states),
                        ("--max-steps", args.max_steps)):
        if value < 1:
            raise UsageError(f"{name} must be at least 1, not {value}")
    if not args.max_seconds > 0:
        raise UsageError(f"--max-seconds must be more than 0, not {args.max_seconds:g}")
    story, path = open_story(args.story)
    show_bar = hasattr(sys.stderr, "isatty") and sys.stderr.isatty()  # the bar draws on stderr
    if args.exhaustive:
        if args.jobs > 1:
            print("ifengine explore: --jobs spreads random runs; the exhaustive search runs in one process",
                  file=sys.stderr)
        with progress_bar(show_bar, "exploring", None) as tick:
            report = explore_exhaustive(story, max_states=args.max_states, seed=args.seed, progress=tick,
                                        max_seconds=args.max_seconds)
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

    story, _ = open_story(args.story)
    endings = len(story.endings)  # counted as `stats` and `explore` count them: scenes, then endings
    return _write(render_graph(story, args.format), args.out, "graph",
                  f"wrote {args.format} graph of {len(story.scenes) - endings} scenes and {endings} endings "
                  f"to {args.out}")


def _write(text: str, out: str | None, command: str, wrote: str) -> int:
    """A tool's output to standard output, or to `out` (never over a story or a run file), saying so."""
    from .saves import write_output

    if not out:
        sys.stdout.write(text)
        return 0
    try:
        write_output(out, text)
    except OSError as e:
        print(f"ifengine {command}: cannot write {out}: {e.strerror or e}", file=sys.stderr)
        return 1
    print(wrote, file=sys.stderr)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from .editor.numbers import reading_figures
    from .stats import format_stats, story_stats

    story, _ = open_story(args.story)
    stats = story_stats(story) | reading_figures(story)
    print(json.dumps(stats, indent=2, ensure_ascii=False) if args.json else visible(format_stats(stats)))
    return 0


def cmd_variants(args: argparse.Namespace) -> int:
    from .editor.variants import find_variants, format_markdown, format_variants

    if args.max_states < 1:
        raise UsageError(f"--max-states must be at least 1, not {args.max_states}")
    story, _ = open_story(args.story)
    if args.all == (args.scene is not None):
        raise UsageError("give a SCENE, or --all for every scene")
    if args.scene is not None and args.scene not in story.scenes:
        raise UsageError(f"story '{story.id}' has no scene '{args.scene}'")
    ids = list(story.scenes) if args.all else [args.scene]
    found, complete = find_variants(story, ids, max_states=args.max_states)
    if args.json:
        data: object = [sv.to_dict(complete) for sv in found.values()] if args.all else \
            found[args.scene].to_dict(complete)
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    elif args.all:
        text = visible(format_markdown(story, found, complete))
    else:
        text = visible(format_variants(found[args.scene], complete)) + "\n"
    return _write(text, args.out, "variants", f"wrote the variants of {len(ids)} scene(s) to {args.out}")


# ---- serve ------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve

    return serve(args.story, host=args.host, port=args.port, public_url=args.public_url)


# ---- the play flags (ifengine play, ifengine alone, play.py) -------------------


def add_play_arguments(p: argparse.ArgumentParser) -> None:
    """The flags of every way to play: `ifengine play`, and `python play.py` in a checkout."""
    p.add_argument("name", nargs="?", metavar="STORY",
                   help="a story folder or file, or the id or role of a story in the library; "
                        "none opens the title screen")
    p.add_argument("--story", metavar="PATH",
                   help="the story at PATH; a folder of story folders lists them on the title screen")
    p.add_argument("--role", help="the story of this role (rumak, davis, ...)")
    p.add_argument("--replay", metavar="RUN", help="play a recorded run back, at a readable pace")
    p.add_argument("--at", metavar="SCENE", help="start at this scene, reached by the shortest path")
    p.add_argument("--seed", type=int, default=None, help="the random seed of a new playthrough")
    p.add_argument("--plain", action="store_true",
                   help="plain text: numbered choices, one number per line (the default away from a terminal)")
    p.add_argument("--screen-reader", action="store_true",
                   help="plain text worded for a screen reader: each scene and choice once, as sentences, "
                        "no colour or decoration (also set by IFENGINE_SCREEN_READER=1)")
    p.add_argument("--canon", action="store_true", help="plain text: follow the canon choices without input")
    p.add_argument("--record", metavar="RUN.toml", help="plain text: write the run file at the end or at end of input")
    p.add_argument("--watch", action="store_true",
                   help="live editing: reload the story being played whenever one of its .ifs files changes")


def play_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="play.py", description="Play ifengine stories in the terminal. With no "
                                "story, the title screen opens.", epilog=_where_stories_are(),
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    add_play_arguments(p)
    return p


def play_main(argv: Sequence[str] | None = None) -> int:
    """`python play.py`: the Textual player (or the plain one with --plain)."""
    args = play_parser().parse_args(argv)
    return _guarded("play.py", lambda: play(play_request(args), prog="play.py"))


def play_request(args: argparse.Namespace) -> PlayRequest:
    """The parsed play flags as a request. A story given both ways is one too many."""
    name = getattr(args, "name", None)
    if name and args.story:
        raise UsageError(f"two stories given: '{name}' and --story {args.story}")
    if (name or args.story) and args.role:
        raise UsageError("give a story or --role, not both")
    story = name or args.story
    collection: tuple[Path, ...] = ()
    if story and not args.replay:
        from .library import expand_collections

        where = Path(story)
        if where.is_dir() and expand_collections(where) != [where]:  # a folder of stories: list them
            story, collection = None, (where,)
    return PlayRequest(story=story, role=args.role, replay=args.replay, at=args.at, seed=args.seed,
                       watch=args.watch, plain=args.plain, canon=args.canon, record=args.record,
                       screen_reader=args.screen_reader, collections=collection)


def _where_stories_are() -> str:
    import textwrap

    from .library import user_stories

    return textwrap.fill("Stories are found by id, role or folder name, first match first, in ./stories and ./examples in "
            f"the current folder, in your own stories folder ({user_stories()}), and among the stories "
            "that come with ifengine; a path plays any story folder.", width=78)


# ---- docs -------------------------------------------------------------------


def cmd_docs(args: argparse.Namespace) -> int:
    from .resources import shipped

    folder = shipped("docs")
    topics = {p.stem: p for p in sorted(folder.glob("*.md"))} if folder else {}
    if not topics:
        raise IfengineError("this copy of ifengine was installed without its docs")
    if not args.topic:
        width = max(map(len, topics))
        for name, path in topics.items():
            print(f"{name:<{width}}  {_heading(path)}")
        print("\n`ifengine docs TOPIC` prints one (a unique start of its name is enough).", file=sys.stderr)
        return 0
    wanted = args.topic.lower().removesuffix(".md")
    matches = [name for name in topics if name == wanted] or [name for name in topics if name.startswith(wanted)]
    if len(matches) != 1:
        raise UsageError(f"{'no' if not matches else 'more than one'} topic '{args.topic}' "
                         f"(topics: {', '.join(matches or topics)})")
    text = topics[matches[0]].read_text(encoding="utf-8")
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.markdown import Markdown

        console = Console()
        with console.pager(styles=True):
            console.print(Markdown(text))
    else:
        sys.stdout.write(text)
    return 0


def _heading(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            return line.lstrip("#").strip()
    return ""


# ---- main -------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ifengine", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Branching interactive fiction for the terminal.\n\n"
                    "ifengine with no command opens the title screen: pick a story and play.",
        epilog=_where_stories_are() + "\n\n`ifengine docs` lists the guides that come with ifengine (the story\n"
               "language, authoring, embedding); `ifengine COMMAND --help` describes a command.")
    parser.add_argument("--version", action="version", version=f"ifengine {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    play = sub.add_parser("play", help="play a story (full screen, or --plain text); no story: the title screen",
                          epilog=_where_stories_are())
    add_play_arguments(play)
    play.set_defaults(func=cmd_play)

    check = sub.add_parser("check", help="check story folders or files and print every problem found")
    check.add_argument("paths", nargs="+", metavar="PATH", help="a story folder or .ifs file")
    check.add_argument("--json", action="store_true", help="print the diagnostics as a JSON list")
    check.add_argument("--editor", action="store_true",
                       help="also run the editor's checks (false choices, idle counters, flags that move together, "
                            "long stretches without a decision, thin endings; warnings, set in ifengine.toml)")
    check.add_argument("--style", action="store_true",
                       help="also run the style lint (digits in prose, two spellings of one word, repeated sentence "
                            "frames, spelling; warnings, set in ifengine.toml, the story's words in words.txt)")
    check.set_defaults(func=cmd_check)

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
                         help="bound of the exhaustive search: distinct states kept (default 250,000)")
    explore.add_argument("--max-seconds", type=float, default=600.0, metavar="S",
                         help="time bound of the exhaustive search (default 600)")
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

    serve = sub.add_parser("serve", help="serve the player to a web browser (needs the extra: "
                                         'pip install "ifengine[web]")',
                           description="Serve the full player to a web browser: each tab plays its own "
                                       "session, and saves go to the same data folder as in the terminal.",
                           epilog=_where_stories_are())
    serve.add_argument("story", nargs="?", metavar="STORY",
                       help="a story (folder, file, id or role) or a folder of stories; none serves the "
                            "title screen of the story library")
    serve.add_argument("--host", default="127.0.0.1",
                       help="the address to listen on (default 127.0.0.1: this computer only; any other "
                            "lets whoever reaches it play and write saves)")
    serve.add_argument("--port", type=int, default=8000, help="the port to listen on (default 8000)")
    serve.add_argument("--public-url", metavar="URL",
                       help="the address browsers use to reach the server, when it is not http://HOST:PORT "
                            "(behind a proxy)")
    serve.set_defaults(func=cmd_serve)

    docs = sub.add_parser("docs", help="print a guide that comes with ifengine (language, authoring, ...)")
    docs.add_argument("topic", nargs="?", metavar="TOPIC", help="the guide to print; none lists them")
    docs.set_defaults(func=cmd_docs)

    variants = sub.add_parser("variants", help="every version of a scene a player can meet, with the path to each")
    variants.add_argument("story", metavar="STORY", help="a story folder, file, id or role")
    variants.add_argument("scene", metavar="SCENE", nargs="?", help="the scene (or --all)")
    variants.add_argument("--all", action="store_true", help="every scene, as one Markdown file")
    variants.add_argument("--json", action="store_true", help="print JSON instead")
    variants.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    variants.add_argument("--max-states", type=int, default=250_000, metavar="N",
                          help="bound of the exhaustive search (default 250,000)")
    variants.set_defaults(func=cmd_variants)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.whole_process = argv is None  # the console script or `python -m ifengine`, not a caller in-process
    if not getattr(args, "func", None):  # `ifengine` alone: the title screen
        return _guarded("ifengine", lambda: play(PlayRequest(), prog="ifengine"))
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
