"""The editor in the toolchain: tools that read a story the way a human editor does.

`checks` (false choices, idle counters, flags that are one, long stretches without a decision, thin
endings), `variants` (every version of a scene a player can meet), `style` (the surface: digits, spellings,
sentence frames, a spelling check), `roads` and `reading` (playthroughs as a reader meets them, shared by
the checks and the statistics), `settings` (a story's thresholds and switches, in `ifengine.toml`).
"""
from __future__ import annotations

from .checks import editor_checks
from .reading import Reading
from .settings import Settings, read_settings
from .style import style_checks

__all__ = ["Reading", "Settings", "editor_checks", "read_settings", "style_checks"]
