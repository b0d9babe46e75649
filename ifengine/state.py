"""The game state: everything about a play that changes as it goes, in one object.

A `Session` holds one `GameState`; forking, undoing, saving and the explorer's deduplication key all go
through it, so a new part of the state is a field here and nothing else has to learn about it (the
call stack of tunnels is one). Each field names its `Kind`, which says how the field is copied,
frozen into a key and turned into plain data.
"""
from __future__ import annotations

import random
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, Callable, Hashable, Protocol

from .model import Value


class Dice(Protocol):
    """Where `roll()` and `chance()` draw from: the session's seeded generator, an explorer's enumerator,
    or a host's own. Dice may also have `copy()` (a fork gets its own; without it forks share them),
    `key()` (their position, for equality; without it their identity) and `to_data()`."""

    def roll(self, sides: int) -> int: ...
    def chance(self, percent: int) -> bool: ...


def pick(dice: Dice, place: str, count: int, options: int, matters: bool) -> int:
    """Which option a `{shuffle: ...}` at `place` shows the `count`-th time (from 0). Dice with `pick()` (the
    session's seeded ones, the explorer's) decide; others are asked for a roll. `matters`: the options
    draw dice or can fail, so an explorer must try each of them."""
    own = getattr(dice, "pick", None)
    if own is not None:
        return int(own(place, count, options, matters))
    return dice.roll(options) - 1


def _copy_dice(d: Dice) -> Dice:
    copy = getattr(d, "copy", None)
    return copy() if copy is not None else d


def _dice_key(d: Dice) -> Hashable:
    key = getattr(d, "key", None)
    return key() if key is not None else id(d)


def _dice_data(d: Dice) -> object:
    dump = getattr(d, "to_data", None)
    if dump is None:
        raise ValueError(f"dice of type {type(d).__name__} cannot be saved as data")
    return dump()


class SeededDice:
    """The session's random draws, from a generator seeded once and advanced only by the story. Shuffles
    are seeded apart from it (`pick`), by the seed and their place, so a `roll()` added elsewhere never
    reorders them, and replaying a play's seed shows them again."""

    __slots__ = ("rng", "seed")

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed

    def roll(self, sides: int) -> int:
        return self.rng.randint(1, sides)

    def chance(self, percent: int) -> bool:
        return self.rng.randrange(100) < percent

    def pick(self, place: str, count: int, options: int, matters: bool = True) -> int:
        """The shuffle at `place`, shown for the `count`-th time: each round of `options` showings shows each
        option once, in an order drawn from the seed, the place and the round alone."""
        rnd, i = divmod(count, options)
        order = list(range(options))
        random.Random(f"{self.seed}/{place}/{rnd}").shuffle(order)
        return order[i]

    def copy(self) -> SeededDice:
        other = SeededDice(self.seed)
        other.rng.setstate(self.rng.getstate())
        return other

    def key(self) -> Hashable:
        """The generator's position (and the seed, which orders the shuffles): two states with the same
        one draw the same numbers from here on."""
        return self.seed, self.rng.getstate()

    def to_data(self) -> object:
        version, internal, gauss = self.rng.getstate()
        return {"version": version, "state": list(internal), "gauss": gauss, "seed": self.seed}

    @classmethod
    def from_data(cls, data: object) -> SeededDice:
        if not isinstance(data, dict):
            raise ValueError("the dice state is not a table")
        seed = data.get("seed", 0)  # dice written before shuffles existed have none
        if type(seed) is not int:
            raise ValueError("the dice seed is not a whole number")
        dice = cls(seed)
        try:
            dice.rng.setstate((data["version"], tuple(data["state"]), data.get("gauss")))
        except (KeyError, TypeError, ValueError) as e:
            raise ValueError(f"the dice state cannot be restored ({e})") from None
        return dice


@dataclass(frozen=True, slots=True)
class Kind:
    """How one field of the state is copied (fork, undo), frozen (the explorer's key, equality) and
    written as plain data (saves, tools)."""

    copy: Callable[[Any], Any]
    freeze: Callable[[Any], Hashable]
    dump: Callable[[Any], Any]
    load: Callable[[Any], Any]


def _same(v: Any) -> Any:
    return v


def _load_table(v: Any) -> dict:
    if not isinstance(v, dict):
        raise ValueError("expected a table")
    return {k: tuple(x) if isinstance(x, list) else x for k, x in v.items()}  # a set flag's members


def _dump_table(d: dict) -> dict:
    """A table as plain data: a set flag's tuple of members as a list."""
    return {k: list(x) if isinstance(x, tuple) else x for k, x in sorted(d.items())}


def _load_list(v: Any) -> list:
    if not isinstance(v, list):
        raise ValueError("expected a list")
    return list(v)


def _load_count(v: Any) -> int:
    if type(v) is not int or v < 0:
        raise ValueError("expected a whole number, not negative")
    return v


TEXT = Kind(_same, _same, _same, str)
NUMBER = Kind(_same, _same, _same, _load_count)
TABLE = Kind(dict.copy, lambda d: tuple(sorted(d.items())), _dump_table, _load_table)
NAMES = Kind(set.copy, frozenset, sorted, lambda v: set(_load_list(v)))
STACK = Kind(list.copy, tuple, list, _load_list)
DICE = Kind(_copy_dice, _dice_key, _dice_data, SeededDice.from_data)


def _kind(kind: Kind, **options: Any) -> Any:
    return field(metadata={"kind": kind}, **options)


@dataclass(slots=True, eq=False)
class GameState:
    """The mutable part of a play. Compiled story code reads and writes `flags`, `visits` and `dice`
    directly (it runs once per line of prose), so the fields stay plain dicts and sets."""

    scene: str = _kind(TEXT)
    flags: dict[str, Value] = _kind(TABLE)
    visits: dict[str, int] = _kind(TABLE)
    used: set[str] = _kind(NAMES)  # once-only choices already taken
    dice: Dice = _kind(DICE)
    # The tunnel calls open, innermost last: each entry is the scene a return goes on to, and arriving
    # there is a visit like any other. An entry is a str so that it can later name a place inside a scene
    # (a resume point, once scenes have parts: "scene#part", `#` never being part of a scene id) without
    # changing the field's kind, its key or the plain data saves and hosts already read.
    stack: list[str] = _kind(STACK, default_factory=list)
    shown: dict[str, int] = _kind(TABLE, default_factory=dict)  # text alternatives: place -> what shows next
    # Which part of `scene` the play is in: 0 on arrival, k after its k-th `~ gather`. The scene and the
    # part together are a place in the story, the value a tunnel's return would push on `stack`.
    part: int = _kind(NUMBER, default_factory=int)

    def copy(self) -> GameState:
        """An independent copy: the explorer forks from it, undo keeps one."""
        return GameState(*[kind.copy(getattr(self, name)) for name, kind in _FIELDS])

    def key(self, dice: bool = True) -> tuple:
        """Everything that decides how the play goes on, as one hashable value. `dice=False` leaves out
        the generator's position, for an explorer that enumerates every draw rather than following one."""
        return tuple([kind.freeze(getattr(self, name)) for name, kind in _FIELDS if dice or kind is not DICE])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GameState) and self.key() == other.key()

    def __hash__(self) -> int:
        return hash(self.key())

    def to_data(self) -> dict[str, object]:
        """The state as plain data (tables, lists, strings, numbers): what TOML, JSON or a host can store."""
        return {name: kind.dump(getattr(self, name)) for name, kind in _FIELDS}

    @classmethod
    def from_data(cls, data: dict[str, object]) -> GameState:
        """The inverse of `to_data`. Raises ValueError naming the first field that is missing or wrong."""
        values = []
        for name, kind in _FIELDS:
            if name not in data and name in _OPTIONAL:  # a field newer than the data: it starts empty
                values.append(_OPTIONAL[name]())
                continue
            if name not in data:
                raise ValueError(f"the state has no '{name}'")
            try:
                values.append(kind.load(data[name]))
            except ValueError as e:
                raise ValueError(f"the state's '{name}' is wrong: {e}") from None
        return cls(*values)


_FIELDS: tuple[tuple[str, Kind], ...] = tuple((f.name, f.metadata["kind"]) for f in fields(GameState))
_OPTIONAL: dict[str, Callable[[], Any]] = {f.name: f.default_factory for f in fields(GameState)
                                           if f.default_factory is not MISSING}
