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
    """A path as given, else a story folder named so, else one whose story id or role matches (any case, by
    the header lines alone: `StoryCard.matches` is the one rule every client uses)."""
    p = Path(name)
    if p.exists():
        return p
    for root in story_roots():
        if (root / name).is_dir():
            return root / name
    from .catalog import scan_story

    return next((folder for folder in story_folders() if scan_story(folder).matches(name)), None)


def story_for_run(run_path: Path, story_id: str, source: str) -> Path | None:
    """Where a run's story is: beside its `runs/` folder, at the path it recorded, or by its id."""
    parent = run_path.resolve().parent
    if parent.name == "runs" and any(parent.parent.glob("*.ifs")):
        return parent.parent
    if source and Path(source).exists():
        return Path(source)
    return find_story(story_id)


def expand_collections(path: Path) -> list[Path]:
    """A folder with no script of its own but story folders inside (`stories/`, `examples/`) stands for
    each of them; anything else stands for itself."""
    if not path.is_dir() or any(p.is_file() for p in path.glob("*.ifs")):
        return [path]
    inner = [p for p in sorted(path.iterdir()) if p.is_dir() and any(p.rglob("*.ifs"))]
    return inner or [path]
