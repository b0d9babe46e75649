"""Finding stories: by path, by story id or by role name. Stories are looked for, first match first, in
the working folder's `stories/` and `examples/`, in the user's own stories folder (`<data>/stories`,
beside the saves), and among the stories that ship with ifengine (see `resources`)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .resources import shipped

if TYPE_CHECKING:
    from .catalog import StoryCard


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


def story_cards(extra: list[Path] | tuple[Path, ...] = ()) -> list[StoryCard]:
    """The card of every story folder: those of `extra` (collections given on the command line) first,
    then of each root. A story with the same id as one listed before it is left out (a working copy of a
    shipped story shadows it), so each id is listed once. Each folder's headers are read once, here."""
    from .catalog import scan_story

    found: list[StoryCard] = []
    ids: set[str] = set()
    for root in [*extra, *story_roots()]:
        for p in expand_collections(root) if root.is_dir() else []:
            if not is_story_folder(p):
                continue
            card = scan_story(p)
            if card.story_id.lower() not in ids:
                ids.add(card.story_id.lower())
                found.append(card)
    return found


def story_folders(extra: list[Path] | tuple[Path, ...] = ()) -> list[Path]:
    """Every story folder, in the order and with the shadowing of `story_cards`."""
    return [card.path for card in story_cards(extra)]


def find_story(name: str) -> Path | None:
    """A path as given, else a story of that name in the library (`find_in_library`)."""
    p = Path(name)
    if p.exists():
        return p
    return find_in_library(name)


def find_in_library(name: str) -> Path | None:
    """The first story of the library whose folder name, story id or role matches (any case, by the
    header lines alone: `StoryCard.matches` is the one rule every client uses). Never a path: a name with
    a slash or a `..` in it names nothing here."""
    if not name or "/" in name or "\\" in name or name in (".", ".."):
        return None
    return next((card.path for card in story_cards() if card.matches(name)), None)


def story_names() -> list[str]:
    """The stories there are, as a person would name them: `rumak (Rumak: Red Helms)`."""
    return [f"{c.story_id} ({c.role}: {c.title})" if c.role else c.story_id for c in story_cards()]


def available() -> str:
    """The stories there are, for a message that must say what could have been asked for."""
    names = story_names()
    return f"stories you can play: {', '.join(names)}" if names else "no stories were found"


def is_story(path: Path) -> bool:
    """A script file, or a folder with a script at its top: what a run's recorded source may name. The
    folder is not searched below its top, so a source of `/` costs one look, not a walk of the disk."""
    try:
        if path.is_file():
            return path.suffix.lower() == ".ifs"
        return path.is_dir() and any(p.is_file() for p in path.glob("*.ifs"))
    except OSError:
        return False


def _within(path: Path, roots: list[Path]) -> bool:
    resolved = path.resolve()
    return any(resolved.is_relative_to(root.resolve()) for root in roots)


def recorded_story(run_path: Path, source: str, story_id: str) -> Path | None:
    """The story a run's recorded source names, if it is a story of the run's id and lies where a shared
    run file may point. A run file is shared like a story, so its source is a hint, not a path to follow
    anywhere on the disk: a source relative to the run file (as runs are written) is followed from there;
    an absolute one, or one relative to the working folder (as older runs recorded it), only inside the
    story library or the run file's own folder."""
    if not source:
        return None
    from .catalog import scan_story

    given = Path(source)
    roots = [*story_roots(), run_path.resolve().parent]
    candidates = [] if given.is_absolute() else [run_path.parent / given]
    candidates += [c for c in [given] if _within(c, roots)]
    return next((c for c in candidates if is_story(c) and scan_story(c).story_id == story_id), None)


def story_for_run(run_path: Path, story_id: str, source: str) -> Path | None:
    """Where a run's story is: beside its `runs/` folder, at the path it recorded (`recorded_story`), or
    by its id in the library."""
    parent = run_path.resolve().parent
    if parent.name == "runs" and any(parent.parent.glob("*.ifs")):
        return parent.parent
    return recorded_story(run_path, source, story_id) or find_in_library(story_id)


def expand_collections(path: Path) -> list[Path]:
    """A folder with no script of its own but story folders inside (`stories/`, `examples/`) stands for
    each of them; anything else stands for itself."""
    if not path.is_dir() or any(p.is_file() for p in path.glob("*.ifs")):
        return [path]
    inner = [p for p in sorted(path.iterdir()) if is_story_folder(p)]
    return inner or [path]
