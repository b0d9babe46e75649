"""Things that play the story by themselves, one step per tick of the play screen's timer: the canon
autoplay (follow the original story) and the replay of a recorded run. Both only choose choice ids; the play
screen takes the step, so a step taken by either is exactly a step the player could have taken."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.notifications import SeverityLevel

from ..runtime import SceneView
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
        self.speed = 1.0  # times the base pace: the play screen's + and - change it

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
        return (f"Canon autoplay, speed {show_speed(self.speed)}: + faster, - slower, any other key takes "
                f"over.")


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
        where = f"Replay of {self.path.name}: step {min(game.steps, self.limit)} of {self.limit}"
        if self.paused:
            return f"{where}, paused. Space: go on, n: one step, any other key takes over."
        return (f"{where}, playing at speed {show_speed(self.speed)}. Space: pause, n: one step, + faster, "
                f"- slower, any other key takes over.")


SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0)  # the steps of + and -


def show_speed(speed: float) -> str:
    return f"{speed:g}x"


def faster(speed: float, by: int) -> float:
    """The next speed up (`by` 1) or down (-1) from `speed`, within `SPEEDS`."""
    i = min(range(len(SPEEDS)), key=lambda k: abs(SPEEDS[k] - speed))
    return SPEEDS[max(0, min(len(SPEEDS) - 1, i + by))]


QUICK = 0.2  # of the pace, for a one-line scene with one way on (a "Continue")
SHORT = 0.6  # of the pace, at least, for any other scene
WORDS_PER_PACE = 40  # a scene stays one pace per this many words it shows


def reading_time(view: SceneView, pace: float, speed: float = 1.0) -> float:
    """How long autoplay and replays stay on a step: by the words the step shows (the scenes passed on the
    way included), at least a short moment, and only a glance for a one-line scene with a lone way on."""
    shown = (*view.passed, view)
    words = sum(len(p.split()) for v in shown for p in v.paragraphs)
    lone = len(view.enabled) == 1 and sum(len(v.paragraphs) for v in shown) <= 1
    floor = QUICK if lone and words <= WORDS_PER_PACE else SHORT
    return pace * max(floor, words / WORDS_PER_PACE) / speed
