"""One walk over the story model, for every pass that reads it.

`children(node)` is worked out from the node's dataclass fields (a node, a tuple of nodes, a dict of
nodes), the way jinja's `Node.iter_child_nodes` reads its `fields`: a new kind of node is walked by every
pass as soon as it exists. `NodeVisitor` dispatches on the node's class (`visit_Effect`, falling back
along the class's bases to `visit_ExprNode`, then to `generic_visit`, which visits the children).

Passes that must handle each kind of node themselves (the compiler, the expression typer) use
`dispatch_table`, which fails loudly on a node it has no rule for, and the test suite checks every such
table against every node type.
"""
from __future__ import annotations

import dataclasses
from dataclasses import fields
from typing import Any, Callable, Generic, Iterable, Iterator, TypeVar, cast

from . import model
from .model import Node

T = TypeVar("T")
N = TypeVar("N", bound=Node)

# Per node class: the fields that can hold nodes (never a span, a name or a flag value).
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}
_SCALAR_TYPES = ("str", "bool", "int", "Span", "Span | None", "Path", "Value", "Type", "Type | None", "ChoiceKind",
                 "SceneKind",
                 "str | None", "int | None", "Value | None")


def _child_fields(cls: type) -> tuple[str, ...]:
    names = _CHILD_FIELDS.get(cls)
    if names is None:
        names = _CHILD_FIELDS[cls] = tuple(f.name for f in fields(cls) if str(f.type) not in _SCALAR_TYPES)
    return names


def children(node: Node) -> Iterator[Node]:
    """The node's direct children, in field order (source order within a field)."""
    for name in _child_fields(type(node)):
        value = getattr(node, name)
        if isinstance(value, Node):
            yield value
        elif isinstance(value, tuple):
            for item in value:
                if isinstance(item, Node):
                    yield item
        elif isinstance(value, dict):
            for item in value.values():
                if isinstance(item, Node):
                    yield item


def walk(root: Node | Iterable[Any]) -> Iterator[Node]:
    """Every node at or below `root` (a node, or a tuple of them such as a body or a text), in source
    order. Iterative: an operator chain or a nesting of `~ if`s can be deeper than Python's stack.
    (`children` inlined: the compiler walks every expression of a scene when it first compiles it.)"""
    stack: list[Node] = [root] if isinstance(root, Node) else [n for n in reversed(tuple(root)) if isinstance(n, Node)]
    fields_of = _CHILD_FIELDS
    while stack:
        node = stack.pop()
        yield node
        cls = type(node)
        names = fields_of.get(cls)
        if names is None:
            names = _child_fields(cls)
        if not names:
            continue
        kids: list[Node] = []
        for name in names:
            value = getattr(node, name)
            if isinstance(value, Node):
                kids.append(value)
            elif isinstance(value, tuple):
                kids += [item for item in value if isinstance(item, Node)]
            elif isinstance(value, dict):
                kids += [item for item in value.values() if isinstance(item, Node)]
        kids.reverse()
        stack += kids


def rewrite(node: N, replace_node: Callable[[Node], Node | None]) -> N:
    """A copy of the tree with each node that `replace_node` gives a replacement for replaced (its children
    are not looked at then). Parts of the tree with nothing to replace are shared, not copied."""
    found = replace_node(node)
    if found is not None:
        return cast(N, found)
    changes: dict[str, Any] = {}
    for name in _child_fields(type(node)):
        value = getattr(node, name)
        if isinstance(value, Node):
            new: Any = rewrite(value, replace_node)
        elif isinstance(value, tuple):
            new = tuple(rewrite(v, replace_node) if isinstance(v, Node) else v for v in value)
            new = value if all(a is b for a, b in zip(new, value)) else new
        elif isinstance(value, dict):
            new = {k: rewrite(v, replace_node) if isinstance(v, Node) else v for k, v in value.items()}
            new = value if all(new[k] is v for k, v in value.items()) else new
        else:
            continue
        if new is not value:
            changes[name] = new
    return cast(N, dataclasses.replace(cast(Any, node), **changes)) if changes else node


def strings(root: Node | Iterable[Any]) -> Iterator[str]:
    """The plain strings of every text at or below `root` (prose, labels, both sides of an inline `if`):
    what a reader reads, less what is interpolated. A scalar field (a name, a literal's value) is not text."""
    if not isinstance(root, Node):
        root = tuple(root)
        yield from (p for p in root if isinstance(p, str))
    for node in walk(root):
        for name in _child_fields(type(node)):
            value = getattr(node, name)
            if isinstance(value, tuple):
                yield from (p for p in value if isinstance(p, str))


def node_types() -> list[type[Node]]:
    """Every concrete node type the model defines (what the coverage tests enumerate)."""
    return [v for v in vars(model).values()
            if isinstance(v, type) and issubclass(v, Node) and v not in (Node, model.ExprNode)]


class NodeVisitor:
    """Walks a tree calling `visit_<ClassName>` for each node, or the method for the nearest base class
    that has one (`visit_ExprNode`), or `generic_visit`, which visits the children. A method that wants
    the children visited too calls `self.generic_visit(node)`."""

    def visit(self, node: Node) -> Any:
        return _method(type(self), type(node))(self, node)

    def visit_all(self, nodes: Iterable[Any]) -> None:
        """Visit each node of a tuple (a body, a text), skipping the plain strings of a text."""
        for n in nodes:
            if isinstance(n, Node):
                self.visit(n)

    def generic_visit(self, node: Node) -> None:
        for child in children(node):
            self.visit(child)


_METHODS: dict[tuple[type, type], Callable[[Any, Node], Any]] = {}


def _method(visitor: type[NodeVisitor], node: type) -> Callable[[Any, Node], Any]:
    found = _METHODS.get((visitor, node))
    if found is None:
        for base in node.__mro__:
            found = getattr(visitor, f"visit_{base.__name__}", None)
            if found is not None:
                break
        else:  # pragma: no cover - every node is a Node, and Node falls back to generic_visit
            found = visitor.generic_visit
        _METHODS[(visitor, node)] = found
    return found


class DispatchTable(Generic[T]):
    """A lookup of the rule for a node's exact type that names the pass and the node when it has none, so
    a node kind added to the model cannot be skipped quietly. `rules` lists what it covers."""

    __slots__ = ("name", "rules")

    def __init__(self, name: str, rules: dict[type, T]) -> None:
        self.name = name
        self.rules = rules

    def __call__(self, node: object) -> T:
        try:
            return self.rules[type(node)]
        except KeyError:
            raise TypeError(f"{self.name} has no rule for {type(node).__name__} nodes") from None


def dispatch_table(name: str, rules: dict[type, T]) -> DispatchTable[T]:
    """The rule for each node type `rules` names, as a `DispatchTable` (which see). Annotate the table
    (`DispatchTable[Callable[[Any], R]]`) when the rules take different node types."""
    return DispatchTable(name, rules)
