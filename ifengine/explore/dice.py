"""Dice the explorer controls: instead of drawing, it replays a script of outcomes and records what was
asked, so that every sequence of random results can be tried in turn."""
from __future__ import annotations

from typing import Callable, Iterator

from ..runtime import Session


class ScriptedDice:
    """Replays a script of outcome indexes and records every draw asked for (how many outcomes it had), so
    the search can branch on each possible result. Past the script it answers with the first outcome."""

    __slots__ = ("script", "drawn", "arity")

    def __init__(self) -> None:
        self.script: list[int] = []
        self.drawn: list[int] = []  # the outcome index given at each draw that had a choice
        self.arity: list[int] = []  # how many outcomes that draw had

    def reset(self, script: list[int]) -> None:
        self.script = script
        self.drawn = []
        self.arity = []

    def _next(self, n: int) -> int:
        i = len(self.drawn)
        k = self.script[i] if i < len(self.script) else 0
        self.drawn.append(k)
        self.arity.append(n)
        return k

    def roll(self, sides: int) -> int:
        if sides <= 1:
            return 1
        return self._next(sides) + 1

    def chance(self, percent: int) -> bool:
        if percent <= 0:
            return False
        if percent >= 100:
            return True
        return self._next(2) == 0

    def pick(self, place: str, count: int, options: int, matters: bool = True) -> int:
        """A shuffle's option: every one is tried when the options draw or can fail; otherwise which shows
        changes only what is read, so the search does not branch on it."""
        if not matters or options <= 1:
            return count % options
        return self._next(options)

    def copy(self) -> ScriptedDice:
        """Forks share the enumerator: the search resets it before every step it takes."""
        return self

    def key(self) -> None:
        """No position to compare: the search branches on every outcome instead of following one."""
        return None

    def to_data(self) -> None:
        return None

    def next_script(self) -> list[int] | None:
        """The next script in depth-first order over all outcome sequences, or None when all were tried."""
        i = len(self.drawn) - 1
        while i >= 0 and self.drawn[i] + 1 >= self.arity[i]:
            i -= 1
        if i < 0:
            return None
        return self.drawn[:i] + [self.drawn[i] + 1]


def each_outcome(dice: ScriptedDice, run: Callable[[], object]) -> Iterator[tuple[object, tuple[int, ...]]]:
    """Call `run` once per sequence of random outcomes it can meet; yield its result and the outcomes used.
    A result that is an exception instance was raised by `run`."""
    script: list[int] | None = []
    while script is not None:
        dice.reset(script)
        try:
            result: object = run()
        except Exception as e:  # noqa: BLE001 - every fault is a finding, with the path that reproduces it
            result = e
        yield result, tuple(dice.drawn)
        script = dice.next_script()


def dice_position(session: Session) -> int:
    """A hash of where the session's own dice stand (two sessions alike in this draw alike from here)."""
    # The `Dice` protocol is only roll/chance; the story's own dice (a `SeededDice`) also have `key()`.
    return hash(getattr(session.state.dice, "key")())
