"""Live editing (`play.py --watch`): noticing that the story's files changed, and reloading it.

The app polls instead of using an OS file-watching library: a story is a handful of `.ifs` files, so a look
at them ten times a second costs next to nothing, works the same on every platform and filesystem, and
needs no new dependency. A look (`look`) stats each file of the story and each folder it lies in; the
folders are listed again only when one of theirs changed (a file added, removed or renamed in a folder
changes its modification time), so a look at a fifty-file story is about fifty `stat`s, not a walk of the
tree. It runs on the UI thread and touches no widget; only a look that finds the files changed starts a
worker to load the story again (`reload`). The app (ifengine/ui/app.py) owns the timer, the worker and
what a reload does to the game on screen, with the state kept in `WatchState`.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from textual.worker import Worker

    from ..cache import Write
    from ..diagnostics import Diagnostic
    from ..loader import Loaded
    from ..source import SourceFile

# Seconds between two looks at the files: on average a saved edit waits half of it before its reload starts,
# and a look is a few dozen `stat`s (well under a millisecond for fifty files; bench/watch.py measures both).
WATCH_INTERVAL = 0.05

# (file, mtime in ns, size) for each watched file, sorted. Comparing two of them finds edits, new files and
# deleted files; an editor that saves by writing a new file and renaming it changes the mtime too.
Snapshot = tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class Listing:
    """The files to watch, and the folders they were listed from with their modification times then: while
    no folder's time has moved, no file was added, removed or renamed, and the list still holds."""

    files: tuple[Path, ...]
    folders: tuple[tuple[str, int], ...] = ()
    taken: int = 0  # the clock when the folders' times were read (ns)

    def holds(self) -> bool:
        """No folder's time moved, and none had moved just before the listing: a change within the same tick
        of the filesystem's clock would leave the time as it was (git's "racy" entries), so a folder changed
        that recently is listed again."""
        if not self.folders:
            return False
        try:
            return all(mtime < self.taken - RACY_NS and os.stat(folder).st_mtime_ns == mtime
                       for folder, mtime in self.folders)
        except OSError:
            return False


RACY_NS = 2_000_000_000  # the coarsest clock a filesystem keeps times by (FAT's two seconds)


def watched_files(path: Path, known: Iterable[Path] = ()) -> list[Path]:
    """The files whose change means a reload. For a story folder, every `.ifs` below it, found afresh each
    time so that a new or deleted file counts; for a one-file story, the file and the files it includes
    (`known`: those the last load read), since scanning the folder around a lone file could mean scanning
    a home directory twice a second."""
    from ..loader import story_files

    if path.is_dir():
        try:
            return story_files(path)[1]
        except OSError:  # the folder went away mid-scan (a checkout, a move): no files, which is a change
            return []
    return sorted({path, *known})


def listing(path: Path, known: Iterable[Path] = (), previous: Listing | None = None) -> Listing:
    """`watched_files`, listed again only when a folder of the story changed since `previous`. The folders'
    times are read before the files are listed, so a file added during the listing moves a time that the
    next look sees."""
    if previous is not None and previous.holds():
        return previous
    if not path.is_dir():
        return Listing(tuple(watched_files(path, known)))
    taken = time.time_ns()
    folders: list[tuple[str, int]] = []
    for folder, _, _ in os.walk(path):  # as `story_files` searches: symbolic links to folders are not followed
        try:
            folders.append((folder, os.stat(folder).st_mtime_ns))
        except OSError:
            continue
    return Listing(tuple(watched_files(path, known)), tuple(folders), taken)


def look(path: Path, known: Iterable[Path] = (), previous: Listing | None = None) -> tuple[Snapshot, Listing]:
    """What the story's files look like now, and the listing it was taken from (for the next look)."""
    found = listing(path, known, previous)
    return snapshot(found.files), found


def snapshot(files: Iterable[Path]) -> Snapshot:
    """What the files look like now. A file deleted between listing and `stat` is left out, which is a
    change like any other."""
    found: list[tuple[str, int, int]] = []
    for f in files:
        try:
            st = f.stat()
        except OSError:
            continue
        found.append((str(f), st.st_mtime_ns, st.st_size))
    return tuple(sorted(found))


def changed_files(before: Snapshot | None, after: Snapshot, root: Path) -> tuple[str, ...]:
    """The files added, removed or changed between two snapshots, named relative to the story folder."""
    if before is None:
        return ()
    old, new = {f: rest for f, *rest in before}, {f: rest for f, *rest in after}
    names = sorted(f for f in old.keys() | new.keys() if old.get(f) != new.get(f))
    return tuple(_relative(Path(f), root) for f in names)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


@dataclass(frozen=True)
class Reload:
    """One poll that found the files changed: what they looked like and what loading them gave."""

    key: Path  # the watched story, resolved: which story this reload is for
    snapshot: Snapshot
    changed: tuple[str, ...]  # files that changed since the previous poll (empty on the first poll)
    loaded: Loaded | None  # None when loading failed unexpectedly (then `failure` says why)
    failure: str = ""
    # the cache entries the load made, to write once the new version is on screen (`cache.writes_deferred`)
    writes: tuple[Write, ...] = ()

    @property
    def files(self) -> tuple[Path, ...]:
        """The files this load read (a one-file story's includes), to watch from now on."""
        story = self.loaded.story if self.loaded is not None else None
        return tuple(f.source.path for f in story.files) if story is not None else ()


def reload(path: Path, key: Path, now: Snapshot, previous: Snapshot | None) -> Reload:
    """Load the story again, its files having changed from `previous` to `now` (or on the first look,
    `previous` None). Runs in a worker thread. The snapshot was taken before the load, so an edit made while
    loading shows up as a change at the next look and is loaded then."""
    root = path if path.is_dir() else path.parent
    changed = changed_files(previous, now, root)
    from ..cache import writes_deferred
    from ..loader import load

    with writes_deferred() as writes:  # encoding and writing the edited file's entries waits for the screen
        try:
            return Reload(key, now, changed, load(path), writes=tuple(writes))
        except Exception as e:  # load reports every problem in the files as a diagnostic; a bug, not a crash
            return Reload(key, now, changed, None, f"{type(e).__name__}: {e}")


def write_cache(writes: Iterable[Write]) -> None:
    """Write what a reload left for later (`Reload.writes`). Runs in a worker thread, after the new
    version is shown; a write that fails only means nothing is kept (`cache.write_entry`)."""
    for write in writes:
        write()


@dataclass(frozen=True)
class Problems:
    """The errors of the version on disk, which is not the version being played."""

    key: Path
    errors: tuple[Diagnostic, ...]
    sources: dict[str, SourceFile] = field(default_factory=dict)  # by diagnostic file name, for the lines

    @classmethod
    def of(cls, reload: Reload) -> Problems:
        from ..render import sources_by_name

        loaded = reload.loaded
        assert loaded is not None
        return cls(reload.key, tuple(d for d in loaded.diagnostics if d.is_error), sources_by_name(loaded.story))


@dataclass
class WatchState:
    """What the app knows about the story it watches. Owned by the UI thread; the worker gets copies."""

    key: Path | None = None  # the story being played, resolved; None when nothing is being played
    snapshot: Snapshot | None = None  # None until the first poll, which loads and compares story digests
    listing: Listing | None = None  # the files the last look found, and the folders they were listed from
    files: tuple[Path, ...] = ()  # what the last load read
    problems: Problems | None = None  # the errors of the version on disk, if it has any
    pending: Reload | None = None  # a clean new version, waiting for the dialog on top to close
    worker: Worker | None = None  # the poll in flight until its result is handled: one at a time, in order

