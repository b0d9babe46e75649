"""ifengine: branching interactive fiction for the terminal.

The public API: `load_story()` gives a checked `Story`; the engine's `Session` plays it.
"""
from __future__ import annotations

__version__ = "0.1.0"

from .diagnostics import Diagnostic, Severity
from .load import Loaded, StoryError, load, load_story
from .model import Story

__all__ = ["Diagnostic", "Loaded", "Severity", "Story", "StoryError", "__version__", "load", "load_story"]
