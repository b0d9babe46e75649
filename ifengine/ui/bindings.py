"""The app-wide keys, apart from `ui/app.py` so the help screen can list them without importing the app
(which imports the help screen)."""
from __future__ import annotations

from textual.binding import Binding, BindingType

APP_BINDINGS: list[BindingType] = [
    Binding("question_mark", "keys", "Keys", tooltip="Show every key"),
    Binding("q", "quit_app", "Quit", tooltip="Quit (your run is autosaved after every choice)"),
    Binding("o", "options", "Options", show=False,
            tooltip="Options: high-contrast colours, animation (kept for next time)"),
]
