#!/usr/bin/env python3
"""Start the ifengine player: `python play.py` opens the title screen (see `python play.py --help`)."""
import sys

try:
    from ifengine.cli import play_main
except ModuleNotFoundError as e:  # a dependency is missing: say how to install, not a traceback
    print(f"ifengine needs {e.name!r}, which is not installed.\n"
          f"Install the project first:  python -m pip install -e .", file=sys.stderr)
    sys.exit(1)

if __name__ == "__main__":
    sys.exit(play_main())
