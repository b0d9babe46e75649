"""Writing the player's files so that nothing is ever lost: saves, runs and the record of endings found;
and the caches' files, which may be lost but never seen half-written."""
from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
import time
from pathlib import Path
from typing import Callable


MAX_READ = 64 << 20  # bytes: a run file is kilobytes (a million choices, tens of megabytes); more is not ours


def read_bounded(path: Path, limit: int = MAX_READ) -> bytes:
    """The bytes of the regular file at `path`, or OSError (with a sentence as its strerror) for anything
    else: a device (`/dev/zero` reads forever), a pipe (opening one blocks until a writer comes), a folder,
    or a file larger than `limit`, of which at most `limit + 1` bytes are read. The kind is taken from the
    file opened (without blocking), not from a look before opening, so nothing can be swapped in between."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(path))
        if not stat.S_ISREG(mode):
            raise OSError(errno.EINVAL, "not a regular file (a device, a pipe or a socket)", str(path))
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise OSError(errno.EFBIG, f"larger than {limit:,} bytes, more than a file of its kind holds", str(path))
    return data


def refuse_special(path: Path) -> None:
    """OSError when something that is neither a regular file nor absent stands at `path` (a folder, a
    device, a pipe): a file of ours is never written over one, nor read from one."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return  # nothing there (or a dangling link), which a write creates
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(path))
    if not stat.S_ISREG(mode):
        raise OSError(errno.EINVAL, "not a regular file (a device, a pipe or a socket); not writing there",
                      str(path))


def write_atomically(path: Path, text: str, check: Callable[[str], object]) -> Path:
    """Write `text` to `path` or leave what was there: a temporary file in the same folder, flushed to
    disk and read back through `check` (which raises if the text is not a good file of its kind), then
    `os.replace`. A crash or a full disk leaves the previous file intact and no temporary file behind.
    A `.toml` file already at `path` that `check` rejects (a corrupt save) is moved aside to `<name>.bad`
    rather than overwritten; any other file that is not of this kind (a story, notes) is left alone and
    the write refused. Nothing is written over a folder, a device or a pipe (`refuse_special`)."""
    refuse_special(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(text.encode("utf-8"))
            f.flush()
            os.fsync(f.fileno())
        check(Path(tmp).read_text(encoding="utf-8"))
        os.chmod(tmp, _mode_for(path))  # mkstemp makes 0600; a save should look like any other file
        if path.exists() and not _readable(path, check):
            if path.suffix != ".toml":  # not a damaged file of ours but someone's (a story, notes): leave it
                raise FileExistsError(17, "exists and is not a file of this kind; not replacing it", str(path))
            move_aside(path)
        os.replace(tmp, path)
    except BaseException:
        _discard(tmp)
        raise
    return path


def replace_quickly(path: Path, data: bytes) -> None:
    """Replace `path` with `data` atomically (a temporary file in the same folder, then `os.replace`), for
    files that can be made again: no fsync (a cache written at every check should not wait for the disk;
    after a power cut its readers find a damaged entry and ignore it), no reading back, and whatever was
    at `path` is replaced. Raises OSError, leaving no temporary file behind."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        _discard(tmp)
        raise


def _discard(tmp: str) -> None:
    """Remove a temporary file a write gave up on (it may already be gone)."""
    try:
        os.unlink(tmp)
    except OSError:
        pass


# The temporary files `write_atomically` makes: mkstemp's `.<name>.<8 random characters>.tmp`, for the
# `.toml` files it writes. A crash (`kill -9`) between creating one and replacing the file leaves it.
TEMPORARY = re.compile(r"\.[^/]+\.toml\.[a-z0-9_]{8}\.tmp")
STALE_AFTER = 300.0  # seconds: a write in progress takes milliseconds; five minutes old is left behind


def remove_stale_temporaries(folder: Path, older_than: float = STALE_AFTER) -> list[Path]:
    """Remove, from `folder` only (not below it), the temporary files of `write_atomically` that a crash
    left behind: named as it names them, regular files (not links), owned by this user and not modified
    for `older_than` seconds. Nothing else is touched; a failure to look or remove is ignored."""
    removed: list[Path] = []
    limit = time.time() - older_than
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not TEMPORARY.fullmatch(entry.name):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid() or st.st_mtime > limit:
                continue
            os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _read_umask() -> int:
    umask = os.umask(0)  # the only way to read it is to set it: done once, at import, before any thread
    os.umask(umask)
    return umask


NEW_FILE_MODE = 0o666 & ~_read_umask()


def _mode_for(path: Path) -> int:
    """The replaced file's permissions, or the usual ones for a new file (0666 less the umask)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return NEW_FILE_MODE


def _readable(path: Path, check: Callable[[str], object]) -> bool:
    try:
        check(read_bounded(path).decode("utf-8"))
        return True
    except (OSError, ValueError, RecursionError):  # UnicodeDecodeError and TOMLDecodeError are ValueErrors
        return False


def move_aside(path: Path) -> Path:
    """Keep a file as `<name>.bad` (or `.bad1`, `.bad2`, ...), never replacing one kept earlier."""
    aside = path.with_name(path.name + ".bad")
    n = 1
    while aside.exists():
        aside = path.with_name(f"{path.name}.bad{n}")
        n += 1
    os.replace(path, aside)
    return aside
