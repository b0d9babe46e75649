"""The bases of the app's own screens: a typed view of the app (`host`), and the game being played."""
from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen, ScreenResultType

if TYPE_CHECKING:
    from ..game import Game
    from ..host import Host


class HostScreen(Screen[ScreenResultType]):
    """A screen of the ifengine player: `self.host` is the app, typed as what the screens use of it."""

    @property
    def host(self) -> Host:
        return cast("Host", self.app)


class GameScreen(HostScreen[ScreenResultType]):
    """A screen that reads the app's current game; it only exists while a game is open."""

    @property
    def game(self) -> Game:
        game = self.host.game
        assert game is not None
        return game
