"""ifengine: branching interactive fiction for the terminal.

The public API: `load_story()` gives a checked `Story`; the engine's `Session` plays it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .diagnostics import Diagnostic, Severity
    from .loader import Loaded, StoryError, load, load_story
    from .model import Story

_LAZY = {"Diagnostic": "diagnostics", "Severity": "diagnostics", "Loaded": "loader", "StoryError": "loader",
         "load": "loader", "load_story": "loader", "Story": "model"}


def __getattr__(name: str) -> object:
    """The public API, imported on first use (PEP 562): `import ifengine` stays cheap, so the player's
    title screen comes up without building the parser (lark alone is half its import time)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ifengine' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{module}", __name__), name)


__all__ = ["Diagnostic", "Loaded", "Severity", "Story", "StoryError", "__version__", "load", "load_story"]
