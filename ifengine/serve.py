"""`ifengine serve`: the full-screen player in a web browser, through textual-serve (the optional extra
`web`). textual-serve runs one player process per browser tab, with its standard input and output piped
to the page; the process is `ifengine play` itself, so saves go to the same data folder as in a terminal.

What the server may run is decided here, once, before it listens: the command line is built from this
Python's own executable and a story path ifengine has found and checked, never from anything a browser
sends. A browser can only ask for a new session of that one command."""
from __future__ import annotations

import os
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from .errors import IfengineError, UsageError

LOOPBACK = ("127.0.0.1", "localhost", "::1")
WILDCARD = ("0.0.0.0", "::")  # every address of this computer: which one a browser uses is not known here
INSTALL_HINT = 'ifengine serve needs textual-serve, which is not installed: pip install "ifengine[web]"'


@dataclass(frozen=True)
class Served:
    """What the server runs for each browser tab, and what it said it serves."""

    command: tuple[str, ...]  # the argument vector of the player process
    what: str  # for the banner: "the story at ...", "the stories in ...", "the story library"

    @property
    def shell_line(self) -> str:
        """The command as textual-serve takes it (it starts the process through a shell): every argument
        quoted, so no path can add a word to it."""
        return shlex.join(self.command)


def served_command(name: str | None) -> Served:
    """The player command for `ifengine serve [STORY]`: the title screen of the library, the title screen
    of a folder of stories, or one story (found as `ifengine play` finds it, and checked now, so a story
    with errors is reported here rather than in every browser tab)."""
    base = (sys.executable, "-m", "ifengine")
    if name is None:
        return Served(base, "the story library")
    from .library import expand_collections

    where = Path(name)
    if where.is_dir() and expand_collections(where) != [where]:
        folder = where.resolve()
        return Served(base + ("play", str(folder)), f"the stories in {folder} (and the story library)")
    from .launch import open_story

    _, path = open_story(name)
    story = path.resolve()
    return Served(base + ("play", str(story)), f"the story at {story}")


def check_address(host: str, port: int) -> str | None:
    """Refuse an address that cannot be served; the warning to print for one that is not loopback."""
    if not host.strip():
        raise UsageError("--host needs an address (the default is 127.0.0.1: this computer only)")
    if not 1 <= port <= 65535:
        raise UsageError(f"--port must be from 1 to 65535, not {port}")
    if host in LOOPBACK:
        return None
    return (f"warning: serving on {host}: anyone who can reach port {port} there can play, and write saves "
            "in your data folder; the default, 127.0.0.1, serves this computer only")


def serve(name: str | None, host: str = "127.0.0.1", port: int = 8000, public_url: str | None = None) -> int:
    """Serve the player until interrupted (Ctrl+C, or SIGTERM)."""
    try:
        from textual_serve.server import Server
    except ImportError:
        raise IfengineError(INSTALL_HINT) from None
    warning = check_address(host, port)
    served = served_command(name)
    if warning:
        print(f"ifengine serve: {warning}", file=sys.stderr)
    if host in WILDCARD and public_url is None:  # the page connects back to the address it is told
        print(f"ifengine serve: browsers on other computers need the address they reach this one by: add "
              f"--public-url http://ADDRESS:{port}", file=sys.stderr)
    # The browser player is the full-screen one: a screen-reader setting of this shell is not for it (the
    # plain player it selects cannot draw in a browser page).
    os.environ.pop("IFENGINE_SCREEN_READER", None)
    print(f"ifengine serve: serving {served.what}", file=sys.stderr)
    server = Server(served.shell_line, host=host, port=port, title="ifengine", public_url=public_url)
    try:
        server.serve()
    except OSError as e:  # the port is taken, or the address is not this machine's
        raise IfengineError(f"cannot serve on {host} port {port}: {e.strerror or e}") from None
    return 0


__all__ = ["INSTALL_HINT", "Served", "check_address", "serve", "served_command"]
