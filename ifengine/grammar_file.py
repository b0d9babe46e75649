"""Where the grammar is and what names it, without importing lark: a load whose every script is in the
cache never needs the parser, and so never pays lark's import (about as long as the rest of a warm check)."""
from __future__ import annotations

import functools
from importlib.resources import files
from importlib.resources.abc import Traversable
from importlib.util import find_spec
from pathlib import Path

from .cache import digest


def grammar_source() -> tuple[str, str]:
    """The grammar text and its path: the packaged copy in a wheel, else the checkout's `grammar/`."""
    where = _grammar_file("story.lark")
    return where.read_text(encoding="utf-8"), str(where)


def shipped_tables() -> bytes | None:
    """The parser's tables as `grammar/story.tables` holds them (`parser.write_shipped_tables` made it),
    or None when there is none or it cannot be read."""
    try:
        return _grammar_file("story.tables").read_bytes()
    except OSError:
        return None


def _grammar_file(name: str) -> Traversable | Path:
    """A file of the grammar folder: the packaged copy in a wheel, else the checkout's."""
    packaged = files("ifengine").joinpath("grammar", name)
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parent.parent / "grammar" / name


@functools.cache
def grammar_digest() -> str:
    """What names this grammar as lark builds it: the caches made from it are keyed by this, so any edit
    of `story.lark` (or another lark: its `__init__.py` holds the version) makes them stale by itself,
    with no version number to bump."""
    spec = find_spec("lark")
    lark_init = Path(spec.origin).read_bytes() if spec is not None and spec.origin else b""
    return digest(grammar_source()[0], lark_init)
