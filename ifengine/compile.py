"""Turn model expressions and bodies into Python closures once per story, so play does no tree walking.

Closures take the live `State`; nothing here is ever `eval`ed: scripts are data.
"""
from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from typing import Callable, Protocol

from .analysis import must_run
from .model import (
    Binary, Body, Choice, Conditional, Effect, Expr, FlagDecl, FlagRef, Interp, Literal, Paragraph, RandomCall,
    Scene, SceneCall, Text, Type, Unary, Value,
)
from .source import Span


class StoryRuntimeError(Exception):
    """A fault while playing that the checker cannot rule out (division by zero, a runaway loop)."""

    def __init__(self, message: str, span: Span | None = None) -> None:
        self.span = span
        super().__init__(f"{span}: {message}" if span else message)


class Dice(Protocol):
    """Where `roll()` and `chance()` draw from: the session's seeded generator, or an explorer's enumerator."""

    def roll(self, sides: int) -> int: ...
    def chance(self, percent: int) -> bool: ...


class State:
    """The mutable part of a playthrough. Kept flat (two dicts and a dice) for speed."""

    __slots__ = ("flags", "visits", "dice")

    def __init__(self, flags: dict[str, Value], visits: dict[str, int], dice: Dice) -> None:
        self.flags = flags
        self.visits = visits
        self.dice = dice


Fn = Callable[[State], Value]

_BIN: dict[str, Callable[[Value, Value], Value]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
    "+": operator.add, "-": operator.sub, "*": operator.mul,
}


def compile_expr(e: Expr) -> Fn:
    if isinstance(e, Literal):
        v = e.value
        return lambda s: v
    if isinstance(e, FlagRef):
        name = e.name
        return lambda s: s.flags[name]
    if isinstance(e, SceneCall):
        sid = e.scene
        if e.func == "visits":
            return lambda s: s.visits.get(sid, 0)
        return lambda s: s.visits.get(sid, 0) > 0
    if isinstance(e, RandomCall):
        arg = compile_expr(e.arg)
        span = e.span
        if e.func == "roll":
            def roll(s: State) -> Value:
                sides = arg(s)
                if not isinstance(sides, int) or sides < 1:
                    raise StoryRuntimeError(f"roll() needs at least 1 side, got {sides}", span)
                return s.dice.roll(sides)
            return roll
        return lambda s: s.dice.chance(arg(s))  # type: ignore[arg-type]
    if isinstance(e, Unary):
        inner = compile_expr(e.operand)
        if e.op == "not":
            return lambda s: not inner(s)
        return lambda s: -inner(s)  # type: ignore[operator]
    assert isinstance(e, Binary)
    left, right = compile_expr(e.left), compile_expr(e.right)
    if e.op == "and":
        return lambda s: left(s) and right(s)
    if e.op == "or":
        return lambda s: left(s) or right(s)
    if e.op == "/":
        span = e.span

        def divide(s: State) -> Value:
            n = left(s)  # left before right, like every other operator (the dice draw in reading order)
            d = right(s)
            if d == 0:
                raise StoryRuntimeError("division by zero", span)
            return n // d  # type: ignore[operator]
        return divide
    op = _BIN[e.op]
    return lambda s: op(left(s), right(s))


def show(value: Value) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


TextFn = Callable[[State], str]


# What an inline `if` that shows nothing leaves behind while its text is assembled. Tidying removes
# it together with the space before it, so "help {if x: now} ." reads "help." and not "help  .".
_GAP = "\x00"
_GAP_RUN = re.compile(r" ?\x00")


def tidy(text: str) -> str:
    if _GAP in text:
        text = _GAP_RUN.sub("", text)
    return text.strip()


def _compile_parts(text: Text) -> TextFn:
    parts: list[TextFn] = []
    for p in text:
        if isinstance(p, str):
            parts.append(lambda s, p=p: p)
        elif isinstance(p, Interp):
            f = compile_expr(p.expr)
            parts.append(lambda s, f=f: show(f(s)))
        else:
            cond, then, other = compile_expr(p.cond), _compile_parts(p.then), _compile_parts(p.otherwise)
            parts.append(lambda s, c=cond, t=then, o=other: (t(s) if c(s) else o(s)) or _GAP)
    if not parts:
        return lambda s: ""
    if len(parts) == 1:
        return parts[0]
    if all(isinstance(p, str) for p in text):
        whole = "".join(text)  # type: ignore[arg-type]
        return lambda s: whole
    return lambda s: "".join(f(s) for f in parts)


def compile_text(text: Text) -> TextFn:
    """A text (a paragraph or a label) as a function of the state, tidied of empty inline `if`s."""
    if all(isinstance(p, str) for p in text):
        whole = "".join(text).strip()  # type: ignore[arg-type]
        return lambda s: whole
    inner = _compile_parts(text)
    return lambda s: tidy(inner(s))


def compile_effect(eff: Effect, decl: FlagDecl) -> Callable[[State], None]:
    name = eff.flag
    if eff.op == "toggle":
        def toggle(s: State) -> None:
            s.flags[name] = not s.flags[name]
        return toggle
    value = compile_expr(eff.value)  # type: ignore[arg-type]
    ranged = decl.type is Type.INT and (decl.low is not None or decl.high is not None)
    clamp = decl.clamp
    if eff.op == "set":
        if ranged:
            return lambda s: s.flags.__setitem__(name, clamp(value(s)))  # type: ignore[arg-type]
        return lambda s: s.flags.__setitem__(name, value(s))
    sign = 1 if eff.op == "add" else -1
    if ranged:
        return lambda s: s.flags.__setitem__(name, clamp(s.flags[name] + sign * value(s)))  # type: ignore[operator]
    return lambda s: s.flags.__setitem__(name, s.flags[name] + sign * value(s))  # type: ignore[operator]


def _emit(out: list[str], text: str) -> None:
    """Add a rendered paragraph; one that came out empty (all its text was conditional) is not shown."""
    if text:
        out.append(text)


# A compiled body step: given the state and the list to render into (None when not rendering).
Step = Callable[[State, "list[str] | None"], None]


def compile_body(body: Body, flags: dict[str, FlagDecl]) -> Step:
    steps: list[Step] = []
    for item in body:
        if isinstance(item, Paragraph):
            render = compile_text(item.text)
            if must_run(item.text):
                def para(s: State, out: list[str] | None, render=render) -> None:
                    text = render(s)  # run even when not rendering: the dice stay in step, faults still show
                    if out is not None:
                        _emit(out, text)
            else:
                def para(s: State, out: list[str] | None, render=render) -> None:
                    if out is not None:
                        _emit(out, render(s))
            steps.append(para)
        elif isinstance(item, Effect):
            eff = compile_effect(item, flags[item.flag])
            steps.append(lambda s, out, eff=eff: eff(s))
        elif isinstance(item, Conditional):
            branches = [(compile_expr(b.cond) if b.cond is not None else None, compile_body(b.body, flags))
                        for b in item.branches]

            def cond_block(s: State, out: list[str] | None, branches=branches) -> None:
                for cond, run in branches:
                    if cond is None or cond(s):
                        run(s, out)
                        return
            steps.append(cond_block)
    if len(steps) == 1:
        return steps[0]

    def run_all(s: State, out: list[str] | None) -> None:
        for step in steps:
            step(s, out)
    return run_all


@dataclass(frozen=True, slots=True)
class CompiledChoice:
    choice: Choice
    label: TextFn
    label_must_run: bool  # the label draws dice or can fail: evaluated even when not rendering
    conditions: tuple[tuple[Fn, str | None], ...]
    effects: tuple[Callable[[State], None], ...]


@dataclass(frozen=True, slots=True)
class CompiledScene:
    scene: Scene
    body: Step
    choices: tuple[CompiledChoice, ...]


def compile_scene(scene: Scene, flags: dict[str, FlagDecl]) -> CompiledScene:
    return CompiledScene(
        scene,
        compile_body(scene.body, flags),
        tuple(
            CompiledChoice(
                c,
                compile_text(c.label),
                must_run(c.label),
                tuple((compile_expr(cond.expr), cond.reason) for cond in c.conditions),
                tuple(compile_effect(e, flags[e.flag]) for e in c.effects),
            )
            for c in scene.choices
        ),
    )

