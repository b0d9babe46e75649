"""What the screens use of the app, as a `Protocol`: screens get a typed `self.host` (see
`screens/game_screen.py`) without importing `ui/app.py`, which imports them. `IFApp` is checked against it
in `ui/app.py`, so the two cannot drift apart.

Textual's own App API (`push_screen`, `pop_screen`, `call_from_thread`, ...) stays on `self.app`."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from ..settings import Settings
    from ..saves import Run
    from .clock import Clock
    from .game import Game
    from .watch import Problems

StartMode = Literal["new", "continue"] | Path  # a Path: load that save file


class Host(Protocol):
    """The ifengine player app, as the screens see it."""

    game: Game | None  # the game being played; None on the title screen before any story is opened
    clock: Clock
    pace: float  # seconds per step of canon autoplay or a replay
    settings: Settings  # the player's own (theme, animation), kept in the data folder

    @property
    def watch_problems(self) -> Problems | None:
        """Live editing: the errors of the edited story being played, if any."""
        ...

    def story_folders(self) -> list[Path]: ...

    def new_seed(self) -> int: ...

    def warm_up(self, path: Path, run: Run) -> object:
        """Load the story and compile the road of `run` in the background (for Continue)."""
        ...

    def start_story(self, path: Path, mode: StartMode = "new", into_current: bool = False) -> object:
        """Load a story and start it (in a worker)."""
        ...

    def swap_game(self, game: Game, messages: list[str] | tuple[str, ...] = (), note: str = "") -> None:
        """Replace the game under the play screen and show it."""
        ...

    def autosave(self) -> None: ...

    def save_to_slot(self, name: str) -> None: ...

    def record_ending(self) -> None: ...

    def change_settings(self, settings: Settings) -> None:
        """Apply the player's settings at once, and keep them for the next sitting."""
        ...
