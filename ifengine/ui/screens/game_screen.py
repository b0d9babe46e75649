"""The base of the screens that show the game being played."""
from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

if TYPE_CHECKING:
    from ..game import Game


class GameScreen(Screen):
    """A screen that reads the app's current game; it only exists while a game is open."""

    @property
    def game(self) -> Game:
        game = self.app.game  # type: ignore[attr-defined]
        assert game is not None
        return game
