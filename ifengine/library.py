"""Finding stories: by path, by story id or by role name, in the working folder's `stories/` and
`examples/` or the checkout's."""
from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def story_roots() -> list[Path]:
    roots: list[Path] = []
    for base in (Path.cwd(), REPO):
        for sub in ("stories", "examples"):
            p = base / sub
            if p.is_dir() and p.resolve() not in [r.resolve() for r in roots]:
                roots.append(p)
    return roots


def story_folders() -> list[Path]:
    """Every folder under `stories/` (then `examples/`) that holds .ifs files."""
    found: list[Path] = []
    for root in story_roots():
        for p in sorted(root.iterdir()):
            if p.is_dir() and any(p.rglob("*.ifs")):
                found.append(p)
    return found


def find_story(name: str) -> Path | None:
    """A path as given, else a story of that name in the library (`find_in_library`)."""
    p = Path(name)
    if p.exists():
        return p
    return find_in_library(name)


def find_in_library(name: str) -> Path | None:
    """A story folder of the library named so, else one whose story id or role matches (any case, by the
    header lines alone: `StoryCard.matches` is the one rule every client uses). Never a path: a name with
    a slash or a `..` in it names nothing here."""
    if not name or "/" in name or "\\" in name or name in (".", ".."):
        return None
    for root in story_roots():
        if (root / name).is_dir():
            return root / name
    from .catalog import scan_story

    return next((folder for folder in story_folders() if scan_story(folder).matches(name)), None)


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


def recorded_story(run_path: Path, source: str) -> Path | None:
    """The story a run's recorded source names, if it is one and lies where a shared run file may point:
    inside the story library, or inside the run file's own folder (a relative source is read from there
    or from the working folder). A run file is shared like a story, so its source is a hint, not a path
    to follow anywhere on the disk."""
    if not source:
        return None
    given = Path(source)
    candidates = [given] if given.is_absolute() else [run_path.parent / given, given]
    roots = [*story_roots(), run_path.resolve().parent]
    return next((c for c in candidates if _within(c, roots) and is_story(c)), None)


def story_for_run(run_path: Path, story_id: str, source: str) -> Path | None:
    """Where a run's story is: beside its `runs/` folder, at the path it recorded (`recorded_story`), or
    by its id in the library."""
    parent = run_path.resolve().parent
    if parent.name == "runs" and any(parent.parent.glob("*.ifs")):
        return parent.parent
    return recorded_story(run_path, source) or find_in_library(story_id)


def expand_collections(path: Path) -> list[Path]:
    """A folder with no script of its own but story folders inside (`stories/`, `examples/`) stands for
    each of them; anything else stands for itself."""
    if not path.is_dir() or any(p.is_file() for p in path.glob("*.ifs")):
        return [path]
    inner = [p for p in sorted(path.iterdir()) if p.is_dir() and any(p.rglob("*.ifs"))]
    return inner or [path]
