"""The endings a player has found, per story: `home()/progress/<story_id>.toml`.

Kept apart from saves because it outlives any one run: undoing past an ending, or starting again, does not
un-find it. Written atomically the way saves are (a temporary file in the same folder, flushed, read back,
then `os.replace`), so a crash never leaves half a record; an unreadable record reads as empty and is moved
aside to `<name>.bad` on the next write rather than destroyed.
"""
from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..files import write_atomically

KIND = "ifengine-progress"
VERSION = 1


@dataclass
class Progress:
    story_id: str
    found: dict[str, dt.datetime] = field(default_factory=dict)  # ending id -> when it was first reached

    def count(self, ending_ids: list[str] | tuple[str, ...]) -> int:
        """How many of the story's current endings were found (endings since removed do not count)."""
        return sum(1 for e in ending_ids if e in self.found)


def progress_path(story_id: str) -> Path:
    from ..saves import home

    return home() / "progress" / f"{story_id}.toml"


def _parse(doc: dict, story_id: str) -> Progress:
    fmt = doc.get("format")
    if not isinstance(fmt, dict) or fmt.get("kind") != KIND:
        raise ValueError("not an ifengine progress file")
    endings = doc.get("endings", {})
    if not isinstance(endings, dict):
        raise ValueError("'endings' must be a table")
    found: dict[str, dt.datetime] = {}
    for ending_id, entry in endings.items():
        when = entry.get("found") if isinstance(entry, dict) else None
        if not isinstance(when, dt.datetime):
            raise ValueError(f"ending '{ending_id}' has no 'found' date")
        found[str(ending_id)] = when
    return Progress(story_id, found)


def read_progress(story_id: str) -> Progress:
    """The record for a story; empty when there is none yet or it cannot be read."""
    path = progress_path(story_id)
    try:
        return _parse(tomllib.loads(path.read_text(encoding="utf-8")), story_id)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError, RecursionError):
        return Progress(story_id)


def _dump(progress: Progress) -> str:
    import tomli_w

    doc = {"format": {"kind": KIND, "version": VERSION}, "story": {"id": progress.story_id},
           "endings": {e: {"found": when} for e, when in sorted(progress.found.items())}}
    return tomli_w.dumps(doc)


def write_progress(progress: Progress) -> Path:
    return write_atomically(progress_path(progress.story_id), _dump(progress),
                            lambda text: _parse(tomllib.loads(text), progress.story_id))


def record_ending(story_id: str, ending_id: str, when: dt.datetime) -> Progress:
    """Add an ending to the record (the first time it is found) and write the record."""
    progress = read_progress(story_id)
    if ending_id not in progress.found:
        progress.found[ending_id] = when
        write_progress(progress)
    return progress
