"""The `ifengine` command line: check, play, replay (and the authoring tools). One `main` backs the
console script, `python -m ifengine` and `play.py`."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Sequence

from . import __version__
from .load import load
from .render import print_diagnostics, summary


class UsageError(Exception):
    """Bad command-line usage: exit status 2 with a one-line message."""


def cmd_check(args: argparse.Namespace) -> int:
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        raise UsageError(f"no such file or folder: {missing[0]}")
    all_diags = []
    failed = False
    for p in args.paths:
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ifengine", description="Branching interactive fiction for the terminal.")
    parser.add_argument("--version", action="version", version=f"ifengine {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = sub.add_parser("check", help="check story folders or files and print every problem found")
    check.add_argument("paths", nargs="+", metavar="PATH", help="a story folder or .ifs file")
    check.add_argument("--json", action="store_true", help="print the diagnostics as a JSON list")
    check.set_defaults(func=cmd_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except UsageError as e:
        print(f"ifengine {args.command}: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
