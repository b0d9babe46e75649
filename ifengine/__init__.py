"""ifengine: branching interactive fiction for the terminal.

The public API, all from this one module (see docs/embedding.md):

- `load_story(path)` / `load_story_text(text)` give a checked `Story` (or raise `StoryError` with every
  `Diagnostic`); `load()` / `load_text()` give the diagnostics without raising.
- `Session(story, seed)` plays it: `view()` is a `SceneView` with its `ChoiceView`s, `choose(id)` moves
  on (`ChoiceError` for a choice not offered), `undo()`, `rewind()`, `fork()`, `canon_status()`.
- `dump_session(session)` and `load_session(story, text)` keep a play as text and bring it back.
- `Program(story)` is a story made ready to play, to share among many sessions; `GameState` is the
  whole changing state of one.
- Every error ifengine raises on purpose is an `IfengineError`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .diagnostics import Diagnostic, Severity
    from .errors import ChoiceError, IfengineError, RunFileError, StoryError, StoryRuntimeError
    from .loader import Loaded, load, load_story, load_story_text, load_text
    from .model import Story
    from .program import Program
    from .runtime import Session
    from .saves import dump_session, load_session
    from .state import GameState
    from .views import CanonStatus, ChoiceView, EndingView, SceneView, Step

_LAZY = {
    "Diagnostic": "diagnostics", "Severity": "diagnostics",
    "ChoiceError": "errors", "IfengineError": "errors", "RunFileError": "errors", "StoryError": "errors",
    "StoryRuntimeError": "errors",
    "Loaded": "loader", "load": "loader", "load_story": "loader", "load_story_text": "loader", "load_text": "loader",
    "Story": "model", "Program": "program", "Session": "runtime",
    "dump_session": "saves", "load_session": "saves", "GameState": "state",
    "CanonStatus": "views", "ChoiceView": "views", "EndingView": "views", "SceneView": "views", "Step": "views",
}


def __getattr__(name: str) -> object:
    """The public API, imported on first use (PEP 562): `import ifengine` stays cheap, so the player's
    title screen comes up without building the parser (lark alone is half its import time)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ifengine' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{module}", __name__), name)


__all__ = sorted([*_LAZY, "__version__"])
