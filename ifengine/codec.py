"""Values as JSON text and back, exactly: tuples stay tuples, dict keys keep their type, model nodes and
enums come back as themselves. What the caches keep (lark's parser tables, each file's built model) is
written this way: JSON is data, never code, so a damaged or planted cache file can be refused, never run.

Every JSON object in the text is one tagged value, `{"<tag>": payload}`, so decoding is a single
`json.loads` with an `object_hook` (the hook sees the innermost values first). Plain JSON arrays are
lists; a tuple is `{"T": [...]}`, a dict `{"D": [[key, value], ...]}`, a span `{"S": [line, col,
end_line, end_col]}` (its file is the file being decoded, so a renamed file needs no new entry), a
dataclass `{"<class name>": [field, ...]}` and an enum `{"<class name>": value}`, both from the classes
the caller names.
"""
from __future__ import annotations

import dataclasses
import enum
import json
import operator
from typing import Any, Callable, Iterable

from .makers import maker
from .source import Span


SCALARS = frozenset({str, int, float, bool, type(None)})


class CodecError(ValueError):
    """The value cannot be written (a type the codec was not given), or the text is not one it wrote."""


class Codec:
    """A JSON codec for values built of the given dataclasses and enums (plus str, int, float, bool,
    None, list, tuple, dict and `Span`)."""

    def __init__(self, classes: Iterable[type] = ()) -> None:
        self.classes: dict[str, type] = {}
        for cls in classes:
            if cls.__name__ in ("T", "D", "S") or cls.__name__ in self.classes:
                raise ValueError(f"two classes would share the tag {cls.__name__!r}")
            self.classes[cls.__name__] = cls

    # ---- writing ----------------------------------------------------------

    def dumps(self, value: object, span_file: str | None = None) -> str:
        """The value as compact JSON. Spans must all belong to `span_file` (their file is not written)."""
        return json.dumps(self._writer(span_file)(value), separators=(",", ":"), ensure_ascii=False,
                          allow_nan=False)

    def _writer(self, span_file: str | None) -> Callable[[object], Any]:
        """A function from a value to its tagged plain form, dispatching on the exact type (the model is
        hundreds of thousands of nodes: one dict lookup each, no chain of isinstance)."""
        def plain(value: Any) -> Any:
            kind = type(value)
            if kind in SCALARS:
                return value
            write = writers.get(kind)
            if write is None:
                raise CodecError(f"cannot write a {kind.__name__}")
            return write(value)

        def span(value: Span) -> Any:
            if value.file != span_file:
                raise CodecError(f"a span of {value.file!r} in values of {span_file!r}")
            return {"S": [value.line, value.col, value.end_line, value.end_col]}

        writers: dict[type, Callable[[Any], Any]] = {
            tuple: lambda v: {"T": [plain(x) for x in v]},
            list: lambda v: [plain(x) for x in v],
            dict: lambda v: {"D": [[plain(k), plain(x)] for k, x in v.items()]},
            Span: span,
        }
        for name, cls in self.classes.items():
            writers[cls] = _enum_writer(name) if issubclass(cls, enum.Enum) else _node_writer(name, cls, plain)
        return plain

    # ---- reading ----------------------------------------------------------

    def loads(self, text: str | bytes, span_file: str = "") -> Any:
        """The value `dumps` wrote, spans given `span_file`. Raises `CodecError` for any other text."""
        try:
            return json.loads(text, object_hook=self._hook(span_file))
        except (ValueError, TypeError, KeyError, RecursionError) as e:  # JSONDecodeError is a ValueError
            raise CodecError(f"not a value this codec wrote: {e}") from None

    def _hook(self, span_file: str) -> Callable[[dict[str, Any]], Any]:
        span = maker(Span)
        makers: dict[str, Callable[[Any], Any]] = {
            "T": tuple,
            "D": lambda pairs: {k: v for k, v in pairs},
            "S": lambda v: span(span_file, *v),
        }
        for name, cls in self.classes.items():
            makers[name] = cls if issubclass(cls, enum.Enum) else _node_maker(cls)

        def hook(obj: dict[str, Any]) -> Any:
            if len(obj) != 1:
                raise CodecError("an untagged object")
            tag, payload = obj.popitem()
            return makers[tag](payload)
        return hook


def _enum_writer(name: str) -> Callable[[Any], Any]:
    return lambda v: {name: v.value}


def _node_writer(name: str, cls: Any, plain: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A dataclass as `{name: [field, ...]}`, its fields read in one call."""
    names = [f.name for f in dataclasses.fields(cls)]
    if len(names) == 1:
        (only,) = names
        return lambda v: {name: [plain(getattr(v, only))]}
    fields = operator.attrgetter(*names)
    return lambda v: {name: [plain(x) for x in fields(v)]}


def _node_maker(cls: type) -> Callable[[Any], Any]:
    make = maker(cls)
    return lambda v: make(*v)
