"""The user's cache folder: work that can always be done again, kept so that it need not be (lark's
parser tables, each script's built model). `$IFENGINE_HOME/cache` when that is set (tests set it), else
the platform's user cache folder.

A cache is never trusted and never an error: an entry carries the digest of its own payload and the key
it was made for, and anything that does not match (a truncated write, a damaged disk, another version of
ifengine) is ignored and replaced. A folder that cannot be created or written (read-only home, full disk)
only means nothing is kept.
"""
from __future__ import annotations

import hashlib
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from .files import replace_quickly

# Entries kept per kind; past it the least recently used go. A 5,000-scene story is 50 or so entries.
MAX_ENTRIES = 1_000
_MAGIC = b"ifengine-cache 1\n"


def cache_folder() -> Path:
    override = os.environ.get("IFENGINE_HOME")
    if override:
        return Path(override) / "cache"
    from platformdirs import user_cache_path

    return user_cache_path("ifengine", appauthor=False)


def digest(*parts: str | bytes) -> str:
    """A hex sha256 of the parts, each length-prefixed so that ("ab", "c") and ("a", "bc") differ."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def _entry_path(kind: str, name: str) -> Path:
    return cache_folder() / kind / f"{name}.json"


def read_entry(kind: str, name: str, key: str) -> bytes | None:
    """The payload stored under `kind/name` for `key`, or None: missing, unreadable, damaged or made for
    another key. A hit marks the entry as recently used."""
    path = _entry_path(kind, name)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head, _, payload = data.partition(b"\n\n")
    if head != _MAGIC + f"{key}\n{digest(payload)}".encode("ascii"):
        return None
    try:
        os.utime(path)  # the pruning keeps what is used
    except OSError:
        pass
    return payload


def write_entry(kind: str, name: str, key: str, payload: bytes) -> None:
    """Store `payload` under `kind/name` for `key`, replacing what was there, atomically (a reader sees
    the old entry or the new one, never half of one). Any failure is ignored: the cache is optional."""
    path = _entry_path(kind, name)
    head = _MAGIC + f"{key}\n{digest(payload)}".encode("ascii")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_quickly(path, head + b"\n\n" + payload)
        _prune(path.parent)
    except OSError:
        pass


Write = Callable[[], None]
_LATER = threading.local()  # per thread: the watch reloads in a worker while the app may load another story


@contextmanager
def writes_deferred() -> Iterator[list[Write]]:
    """Inside, `write_later` queues its writes (and the encoding of their payloads) in the list given
    instead of doing them: the caller runs them once what it waits for is done. The watch's reload shows
    the new text first and keeps it after; what is in the list is only ever a cache, so a list never run
    loses nothing."""
    outer = getattr(_LATER, "queue", None)
    queue: list[Write] = []
    _LATER.queue = queue
    try:
        yield queue
    finally:
        _LATER.queue = outer


def write_later(kind: str, name: str, key: str, payload: Callable[[], bytes | None]) -> None:
    """`write_entry` of what `payload()` gives (None: nothing to keep), now, or inside `writes_deferred`
    when the caller runs its list."""
    def write() -> None:
        found = payload()
        if found is not None:
            write_entry(kind, name, key, found)
    queue: list[Write] | None = getattr(_LATER, "queue", None)
    if queue is None:
        write()
    else:
        queue.append(write)


def _prune(folder: Path, keep: int = MAX_ENTRIES) -> None:
    """Remove the least recently used entries (and temporaries a crash left) past `keep`."""
    try:
        entries = [(e.stat().st_mtime, e.path) for e in os.scandir(folder) if e.is_file(follow_symlinks=False)]
    except OSError:
        return
    if len(entries) <= keep:
        return
    entries.sort()
    for _, path in entries[: len(entries) - keep]:
        try:
            os.unlink(path)
        except OSError:
            pass
