"""Things that play the story by themselves, one step per tick of the play screen's timer: the canon
autoplay (follow the original story) and the replay of a recorded run. Both only choose choice ids; the play
screen takes the step, so a step taken by either is exactly a step the player could have taken."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.notifications import SeverityLevel

from ..saves import Run
from .game import Game


@dataclass
class Next:
    """The next choice to take, or why the autopilot stops (`choice_id` None)."""

    choice_id: str | None
    stop_message: str = ""
    severity: SeverityLevel = "information"


class Autopilot:
    kind = "autopilot"
    autosaves = True  # whether the steps it takes are the player's own run (replayed steps are not)

    def __init__(self) -> None:
        self.paused = False

    def next(self, game: Game) -> Next:
        raise NotImplementedError

    def status(self, game: Game) -> str:
        raise NotImplementedError


class CanonAutoplay(Autopilot):
    """Follow the canon choice of each scene until an ending, or until the canon road is closed."""

    kind = "canon"

    def next(self, game: Game) -> Next:
        view = game.view
        if view.ending is not None:
            return Next(None)
        cid = game.canon_id()
        if cid is None:
            return Next(None, f"“{view.title}” has no canon choice to follow; the story is yours.", "warning")
        offered = next((c for c in view.choices if c.id == cid), None)
        if offered is None:
            return Next(None, "The canon choice is not offered here any more; the story is yours.", "warning")
        if not offered.enabled:
            return Next(None, f"The canon choice is closed here ({offered.reason}); the story is yours.",
                        "warning")
        return Next(cid)

    def status(self, game: Game) -> str:
        return "Canon autoplay: following the original story. Press any key to take over."


class RunReplay(Autopilot):
    """Play a recorded run back. `limit` is how many of its choices still fit the story as it is now
    (from `saves.resume`); `message` says why the rest does not."""

    kind = "replay"
    autosaves = False

    def __init__(self, run: Run, path: Path, limit: int | None = None, message: str = "") -> None:
        super().__init__()
        self.run = run
        self.path = path
        self.limit = len(run.choices) if limit is None else limit
        self.message = message

    def next(self, game: Game) -> Next:
        k = game.steps
        if k >= self.limit:
            if self.message:
                return Next(None, self.message, "warning")
            return Next(None, "The replay has reached the end of the run.")
        return Next(self.run.choices[k])

    def status(self, game: Game) -> str:
        state = "paused" if self.paused else "playing"
        return (f"Replay of {self.path.name}: step {min(game.steps, self.limit)} of {self.limit}, {state}. "
                f"Space pause, n step, any other key takes over.")
