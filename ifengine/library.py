"""Finding stories: by path, by story id or by role name. Stories are looked for, first match first, in
the working folder's `stories/` and `examples/`, in the user's own stories folder (`<data>/stories`,
beside the saves), and among the stories that ship with ifengine (see `resources`)."""
from __future__ import annotations

import os
from pathlib import Path

from .resources import shipped


def user_stories() -> Path:
    """The user's own stories folder: `stories/` in the data folder (`$IFENGINE_HOME` when set)."""
    from .saves import home

    return home() / "stories"


def story_roots() -> list[Path]:
    """Every folder of story folders there is, in the order a name is looked up."""
    candidates = [Path.cwd() / "stories", Path.cwd() / "examples", user_stories(), shipped("stories"),
                  shipped("examples")]
    roots: list[Path] = []
    seen: set[Path] = set()
    for p in candidates:
        if p is not None and p.is_dir() and p.resolve() not in seen:
            seen.add(p.resolve())
            roots.append(p)
    return roots


def is_story_folder(p: Path) -> bool:
    return p.is_dir() and any(p.rglob("*.ifs"))


def story_folders(extra: list[Path] | tuple[Path, ...] = ()) -> list[Path]:
    """Every story folder: those of `extra` (collections given on the command line) first, then of each
    root. A story with the same id as one listed before it is left out (a working copy of a shipped
    story shadows it), so each id is listed once, and once played by the same rule `find_story` uses."""
    from .catalog import scan_story

    found: list[Path] = []
    ids: set[str] = set()
    for root in [*extra, *story_roots()]:
        inner = expand_collections(root) if root.is_dir() else []
        for p in inner:
            if not is_story_folder(p):
                continue
            story_id = scan_story(p).story_id.lower()
            if story_id not in ids:
                ids.add(story_id)
                found.append(p)
    return found


def find_story(name: str) -> Path | None:
    """A path as given, else the first story of the library whose folder name, story id or role matches
    (any case, by the header lines alone: `StoryCard.matches` is the one rule every client uses)."""
    p = Path(name)
    if p.exists():
        return p
    if os.sep in name or (os.altsep and os.altsep in name):
        return None  # a path that is not there is not a name to look up
    from .catalog import scan_story

    return next((folder for folder in story_folders() if scan_story(folder).matches(name)), None)


def story_names() -> list[str]:
    """The stories there are, as a person would name them: `rumak (Rumak: Red Helms)`."""
    from .catalog import scan_story

    names = []
    for folder in story_folders():
        card = scan_story(folder)
        names.append(f"{card.story_id} ({card.role}: {card.title})" if card.role else card.story_id)
    return names


def available() -> str:
    """The stories there are, for a message that must say what could have been asked for."""
    names = story_names()
    return f"stories you can play: {', '.join(names)}" if names else "no stories were found"


def story_for_run(run_path: Path, story_id: str, source: str) -> Path | None:
    """Where a run's story is: beside its `runs/` folder, at the path it recorded (relative to the run
    file; older runs recorded it relative to the working folder) when the story there has the run's id,
    else the library's story of that id."""
    from .catalog import scan_story

    parent = run_path.resolve().parent
    candidates = [parent.parent] if parent.name == "runs" else []
    if source:
        candidates += [parent / source, Path(source)]
    for p in candidates:
        if p.exists() and (p.is_file() or is_story_folder(p)) and scan_story(p).story_id == story_id:
            return p
    return find_story(story_id)


def expand_collections(path: Path) -> list[Path]:
    """A folder with no script of its own but story folders inside (`stories/`, `examples/`) stands for
    each of them; anything else stands for itself."""
    if not path.is_dir() or any(p.is_file() for p in path.glob("*.ifs")):
        return [path]
    inner = [p for p in sorted(path.iterdir()) if is_story_folder(p)]
    return inner or [path]
