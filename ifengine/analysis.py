"""Facts about a story's structure that several tools need: the canon path, the expressions inside
text, and the scenes that lie on cycles. One definition each, so the checker, the engine, the explorer,
the statistics and the graph can never disagree about them."""
from __future__ import annotations

import dataclasses
import enum
from typing import Any, Callable, Hashable, Iterable, Iterator, cast

from .model import (
    MAX_STACK, Alternatives, Binary, Effect, Choice, Expr, InlineIf, Interp, Literal, Node, Paragraph, RandomCall, Scene,
    Story, Text, parse_place, place,
)
from .source import Span
from .visit import walk


def canon_choice(scene: Scene, part: int = 0) -> Choice | None:
    """The choice the original story takes in a part of a scene: the one marked `canon`, or the only
    choice of a part that has just one. None when there is none, or more than one is marked (the checker
    reports that)."""
    marked = canon_marked(scene, part)
    return marked[0] if len(marked) == 1 else None


def canon_marked(scene: Scene, part: int = 0) -> list[Choice]:
    """The choices of a part that count as canon: those marked, else a lone choice."""
    choices = scene.parts[part].choices
    marked = [c for c in choices if c.canon]
    return marked or (list(choices) if len(choices) == 1 else [])


def shows_canon(scene: Scene, choice: Choice, canon_scenes: frozenset[str] | set[str], part: int | None = None) -> bool:
    """Whether the player is told a choice is canon (the ◆ of the player, the `*` of the plain player):
    one the author marked `canon`, or the lone choice of a part of a scene on the canon path. A lone
    `continue` in a branch only moves the branch on; it is not the original story. The one rule every
    client reads, through `ChoiceView.canon`. `part`: the part that offers the choice, when the caller knows."""
    if choice.canon or scene.id not in canon_scenes:
        return choice.canon
    return canon_choice(scene, scene.part_of(choice) if part is None else part) is choice


def goes_to(scene: Scene, part: int, choice: Choice) -> tuple[str, int]:
    """Where a choice of a scene's part goes on to (after its call returns, for a call): its target's
    opening, or the scene's next part. Not for a return, whose place is on the stack."""
    return (choice.target, 0) if choice.target is not None else (scene.id, part + 1)


def follow(scene: Scene, part: int, choice: Choice, stack: list[str]) -> tuple[str, int] | None:
    """The place taking a choice enters, moving the call stack as it goes: a call pushes the place to go
    on to and enters the tunnel, a return pops where to go back to. None: a return with no call open.
    The engine's own move (`runtime.Session`) does the same, with its faults."""
    if choice.returns:
        return parse_place(stack.pop()) if stack else None
    onward = goes_to(scene, part, choice)
    if choice.call is not None:
        stack.append(place(*onward))
        return choice.call, 0
    return onward


def canon_walk(story: Story) -> Iterator[tuple[str, int, Choice | None]]:
    """The canon path from the start, one place (a scene and a part) at a time, with the canon choice
    taken there (None where there is none); it stops there, at a place it does not know, or before coming
    back to a place it has passed with the same calls open (a tunnel called twice is on it twice)."""
    seen: set[tuple[str, int, tuple[str, ...]]] = set()
    stack: list[str] = []
    here: tuple[str, int] | None = (story.start, 0)
    while here is not None and here[0] in story.scenes and here[1] < len(story.scenes[here[0]].parts) \
            and (*here, tuple(stack)) not in seen and len(stack) <= MAX_STACK:
        seen.add((*here, tuple(stack)))
        scene = story.scenes[here[0]]
        choice = canon_choice(scene, here[1])
        yield here[0], here[1], choice
        if choice is None:
            return
        here = follow(scene, here[1], choice, stack)


def canon_path(story: Story) -> tuple[list[str], list[Choice]]:
    """The scenes (in order: once per arrival, a return into a scene counting as one) and choices of the
    canon path from the start, as far as it goes."""
    scenes: list[str] = []
    choices: list[Choice] = []
    for sid, part, choice in canon_walk(story):
        if not scenes or scenes[-1] != sid or not part:
            scenes.append(sid)
        if choice is not None:
            choices.append(choice)
    return scenes, choices


def text_exprs(text: Text) -> Iterator[Expr]:
    """Every expression in a text: interpolations and inline conditions, nested ones included."""
    for node in walk(text):
        if isinstance(node, Interp):
            yield node.expr
        elif isinstance(node, InlineIf):
            yield node.cond


def expr_nodes(e: Expr) -> Iterator[Expr]:
    """Every node of an expression, in source order."""
    return walk(e)  # type: ignore[return-value]


def _fails_here(node: object) -> bool:
    """Whether evaluating this one node can raise: a division by anything but a non-zero constant, or a
    `roll()` whose number of sides is not a constant."""
    if isinstance(node, Binary):
        return node.op == "/" and not (isinstance(node.right, Literal) and node.right.value != 0)
    return isinstance(node, RandomCall) and node.func == "roll" and not isinstance(node.arg, Literal)


def can_fail(e: Expr) -> bool:
    """Whether evaluating the expression can raise (see `_fails_here`)."""
    return any(_fails_here(node) for node in walk(e))


def joins_strings(eff: Effect) -> bool:
    """Whether an effect on a str flag can make it longer than any string of the script: it joins onto the
    flag (`+=`) or its value joins strings (`~ s = s + s`). Only those need the length limit (`STR_MAX`)."""
    return eff.op == "add" or (eff.value is not None and any(isinstance(n, Binary) and n.op == "+"
                                                             for n in walk(eff.value)))


def draws_or_fails(text: Text) -> bool:
    """Whether evaluating a text can change more than what is read: it draws from the dice, or it can fail."""
    return any(isinstance(node, RandomCall) or _fails_here(node) for node in walk(text))


def must_run(text: Text) -> bool:
    """Whether a text must be evaluated even when prose is not rendered: it draws from the dice, or it can
    fail, so skipping it would change the path or hide the fault, or it holds text alternatives, whose
    showings are part of the game state. One walk over the whole text (none for plain words)."""
    if all(type(p) is str for p in text):
        return False
    return any(isinstance(node, (RandomCall, Alternatives)) or _fails_here(node) for node in walk(text))


def play_shape(value: Any) -> Hashable:
    """What of a part of the model a play that renders nothing can tell apart (`Session(render=False)`, as
    the checker plays the canon path): the model without its spans, and without the text of paragraphs
    and labels that need not run (`must_run`), which such a play never evaluates (compile.py's
    `_paragraph` and `label_must_run`). Two versions of a story whose scenes have the same shape play the
    same way without rendering: the same choices, flags and dice, and the same faults (though not at the
    same places). `incremental.py` compares them to keep a clean canon play across edits to prose."""
    if isinstance(value, Span):
        return None
    if isinstance(value, tuple):
        return tuple(play_shape(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, play_shape(v)) for k, v in value.items())
    if isinstance(value, Node):
        names = _FIELD_NAMES.get(type(value))
        if names is None:
            names = _FIELD_NAMES[type(value)] = tuple(f.name for f in dataclasses.fields(cast(Any, value)))
        silent = ("text" if isinstance(value, Paragraph) else "label" if isinstance(value, Choice) else None)
        if silent is not None and must_run(getattr(value, silent)):
            silent = None
        return (type(value).__name__,) + tuple(None if name == silent else play_shape(getattr(value, name))
                                               for name in names)
    if isinstance(value, enum.Enum):
        return (type(value).__name__, value.value)
    return (type(value).__name__, value) if isinstance(value, (bool, int, float)) else value


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def strong_components(nodes: Iterable[str], edges: Callable[[str], Iterable[str]]) -> Iterator[set[str]]:
    """Tarjan's algorithm, iterative (a story can be one long chain of scenes)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(edges(root)))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, it = work[-1]
            advanced = False
            for nxt in it:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(edges(nxt))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp: set[str] = set()
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.add(w)
                    if w == node:
                        break
                yield comp


def cyclic(comp: set[str], edges: Callable[[str], Iterable[str]]) -> bool:
    """Whether a strongly connected component holds a cycle (several scenes, or one that leads to itself)."""
    if len(comp) > 1:
        return True
    (only,) = comp
    return only in edges(only)
