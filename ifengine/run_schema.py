"""What each field of a run file holds, as one table, and the check of a decoded file against it.

Run files are shared and hand-edited, so nothing in one is taken on trust: every field the engine reads
has a row in `FIELDS` saying where it is, what it must be and whether it may be left out, and the first
field that does not fit is named with what was wanted and what was found (`'end.steps' must be a whole
number from 0, not -1`). A new field is one row; fields no row names are ignored, so a file from a later
minor change still loads. `AGREEMENTS` holds what fields must say together (no more steps than choices).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

from .safe_text import visible


@dataclass(frozen=True)
class Kind:
    """A kind of value: `what` says it in words, `fits` tests one value; for a list or a table, `items` is
    the kind of each item, and the first item that does not fit is named."""

    what: str
    fits: Callable[[object], bool]
    items: Kind | None = None  # for a list or a table: the kind of each item


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


TEXT = Kind("text", lambda v: isinstance(v, str))
WHOLE = Kind("a whole number", _whole)
def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


COUNT = Kind("a whole number from 0", _count)
MOMENT = Kind("a date and time", lambda v: isinstance(v, dt.datetime))
def _flag_value(value: object) -> bool:
    """bool, int, str, or a set flag's members (a list of texts)."""
    return isinstance(value, (bool, int, str)) or (isinstance(value, list) and all(isinstance(m, str) for m in value))


FLAG_VALUE = Kind("true, false, a whole number, text or a list of members", _flag_value)
IDS = Kind("a list of ids (text)", lambda v: isinstance(v, list), items=TEXT)
FLAGS = Kind("a table of flag values", lambda v: isinstance(v, dict), items=FLAG_VALUE)
VISITS = Kind("a table of visit counts", lambda v: isinstance(v, dict), items=COUNT)
TABLE = Kind("a table", lambda v: isinstance(v, dict))


@dataclass(frozen=True)
class Field:
    """One field of a run file: `[table] key`, its kind, and its value when it may be left out."""

    table: str
    key: str
    kind: Kind
    required: bool = True
    default: object = None

    @property
    def name(self) -> str:
        return f"{self.table}.{self.key}"


FIELDS: tuple[Field, ...] = (
    Field("format", "kind", TEXT),
    Field("format", "version", WHOLE),
    Field("format", "engine", TEXT, required=False, default=""),
    Field("story", "id", TEXT),
    Field("story", "digest", TEXT),
    Field("story", "role", TEXT, required=False, default=""),
    Field("story", "title", TEXT, required=False, default=""),
    Field("story", "source", TEXT, required=False, default=""),
    Field("run", "seed", WHOLE),
    Field("run", "created", MOMENT),
    Field("run", "updated", MOMENT),
    Field("run", "name", TEXT, required=False, default=""),
    Field("run", "choices", IDS),
    Field("run", "scenes", IDS, required=False, default=None),  # runs before scenes were recorded lack it
    Field("end", "scene", TEXT),
    Field("end", "ending", TEXT, required=False, default=None),
    Field("end", "steps", COUNT),
    Field("end", "flags", FLAGS),
    Field("end", "visits", VISITS),
)
BY_NAME = {f.name: f for f in FIELDS}


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _steps_agree(values: dict[str, object]) -> str | None:
    """A run took at most its choices: as many in a run played to its end, fewer in one the explorer wrote
    for a fault (the failing choice is recorded, not taken)."""
    steps, choices = values["end.steps"], values["run.choices"]
    assert isinstance(steps, int) and isinstance(choices, list)
    if steps > len(choices):
        return f"'end.steps' is {steps:,} but 'run.choices' holds only {_plural(len(choices), 'choice')}"
    return None


def _scenes_agree(values: dict[str, object]) -> str | None:
    scenes, choices = values["run.scenes"], values["run.choices"]
    assert isinstance(choices, list)
    if isinstance(scenes, list) and len(scenes) != len(choices):
        return (f"'run.scenes' holds {_plural(len(scenes), 'scene')} but 'run.choices' "
                f"{_plural(len(choices), 'choice')} (one scene for each choice)")
    return None


AGREEMENTS: tuple[Callable[[dict[str, object]], str | None], ...] = (_steps_agree, _scenes_agree)


def describe(value: object) -> str:
    """A value found in a file, shortly, for a message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if len(str(value)) <= 30 else "a very long number"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"text {visible(repr(shown))}"
    if isinstance(value, dt.datetime):
        return "a date and time"
    if isinstance(value, (dt.date, dt.time)):
        return "a date" if isinstance(value, dt.date) else "a time"
    if isinstance(value, float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _misfit(name: str, value: object, kind: Kind) -> str | None:
    """Why `value` (at `name`) is not of `kind`, naming the first item that is not; None when it is."""
    if not kind.fits(value):
        return f"'{name}' must be {kind.what}, not {describe(value)}"
    items = kind.items
    if items is None:
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            if not items.fits(item):
                return f"'{name}.{visible(str(key))}' must be {items.what}, not {describe(item)}"
    elif isinstance(value, list):
        for place, item in enumerate(value, 1):
            if not items.fits(item):
                return f"'{name}' item {place:,} must be {items.what}, not {describe(item)}"
    return None


def read_field(doc: dict, f: Field) -> object:
    """The value of one field, checked against its row; ValueError naming it when it is missing or wrong."""
    table = doc.get(f.table)
    if table is None:
        if f.required:
            raise ValueError(f"missing '{f.name}'")
        return f.default
    if not isinstance(table, dict):
        raise ValueError(f"'{f.table}' must be {TABLE.what}, not {describe(table)}")
    if f.key not in table:
        if f.required:
            raise ValueError(f"missing '{f.name}'")
        return f.default
    problem = _misfit(f.name, table[f.key], f.kind)
    if problem:
        raise ValueError(problem)
    return table[f.key]


def validate(doc: dict) -> dict[str, object]:
    """Every field of `FIELDS` by its dotted name (defaults for those left out), after checking each in
    order and then that they agree; ValueError naming the first that does not fit."""
    values = {f.name: read_field(doc, f) for f in FIELDS}
    for agree in AGREEMENTS:
        problem = agree(values)
        if problem:
            raise ValueError(problem)
    return values


__all__ = ["AGREEMENTS", "BY_NAME", "FIELDS", "Field", "Kind", "describe", "read_field", "validate"]
