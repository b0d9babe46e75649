"""Constructors for the model's frozen dataclasses that set their slots directly, for what reads a model
back from what it wrote (the codec, the outlines kept between checks).

A frozen dataclass's `__init__` sets each field through `object.__setattr__`, one Python-level call a
field: reading back the 15,000 choices and 45,000 spans of a big story's outlines spent most of its time
there. The node's own slot descriptors take a value in one C call each, and a function generated for the
class (as `dataclasses` generates `__init__`) makes the calls without a loop. Nothing is checked or
converted either way: the model's nodes have no `__post_init__`, and a class with one, or without slots,
is given its own constructor instead.
"""
from __future__ import annotations

import dataclasses
import functools
from typing import Any, Callable


@functools.cache
def maker(cls: type) -> Callable[..., Any]:
    """A function taking every field of `cls` positionally, in declaration order (defaults included: it has
    none of its own, so a wrong count is a TypeError, as from the class), and returning the instance. Made
    once per class (each one compiles a function)."""
    names = [f.name for f in dataclasses.fields(cls)]
    if hasattr(cls, "__post_init__") or "__slots__" not in cls.__dict__ or not names:
        return cls
    params = ", ".join(f"v{i}" for i in range(len(names)))
    sets = "".join(f"    set{i}(o, v{i})\n" for i in range(len(names)))
    source = f"def make({params}):\n    o = new(cls)\n{sets}    return o\n"
    scope: dict[str, Any] = {"new": object.__new__, "cls": cls}
    scope.update({f"set{i}": getattr(cls, name).__set__ for i, name in enumerate(names)})
    exec(compile(source, f"<maker of {cls.__qualname__}>", "exec"), scope)  # noqa: S102  our own fields' names
    make: Callable[..., Any] = scope["make"]
    make.__qualname__ = f"maker({cls.__qualname__})"
    return make
