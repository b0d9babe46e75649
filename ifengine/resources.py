"""What ships with ifengine besides its code: the stories, the examples and the docs. A wheel carries
them inside the package (`ifengine/stories`, `ifengine/examples`, `ifengine/docs`, put there by
pyproject's force-include); a source checkout (an editable install, `python play.py`) has them at its
top. Both ways, a caller asks here and gets a real folder, so an installed `ifengine` finds the same
stories from any working folder that `python play.py` finds in the checkout."""
from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def _checkout() -> Path | None:
    """The source tree this package was imported from, if it was: the folder above it holds the grammar
    and the project file. (In a wheel the folder above is site-packages, whose `docs/` or `examples/`
    could be another package's.)"""
    top = PACKAGE.parent
    return top if (top / "grammar" / "story.lark").is_file() and (top / "pyproject.toml").is_file() else None


def shipped(name: str) -> Path | None:
    """The shipped folder `name` (stories, examples, docs): the packaged copy, else the checkout's."""
    for base in (PACKAGE, _checkout()):
        if base is not None and (base / name).is_dir():
            return base / name
    return None
