"""Model expressions, texts, effects and whole parts of scenes as Python closures of the live `GameState`.

This is the first of play's two tiers. A part of a scene (its body, then the choices it offers) and a
choice's response run as these closures the first times play reaches them; `codegen.py` compiles them to
Python source the third time (`program.COMPILE_AT`). Most of a long story is passed once, by a check's
canon play or a reader's playthrough, and building closures costs a fraction of writing and compiling
source; what is played again runs as generated code. The generated code calls these closures for what
keeps state of its own or is rare (text alternatives, tagged paragraphs, dice, effects on strings and
sets): each construct has one meaning, written here once, and the two tiers are tested to agree on every
bundled story. Nothing here is ever `eval`ed: scripts are data.
"""
from __future__ import annotations

import operator
import re
from typing import TYPE_CHECKING, Any, Callable

from .analysis import draws_or_fails, joins_strings, must_run
from .errors import StoryRuntimeError
from .number_words import spell
from .source import Span
from .model import (
    Alternatives, Binary, Body, Choice, Conditional, Count, Member, Effect, Expr, FlagDecl, FlagRef, InlineIf, Interp, Literal,
    NumberWords, Paragraph, RandomCall, INT_MAX, INT_MIN, MAX_RENDER, STR_MAX, SceneCall, Tags, Text, Type, Unary,
    Value,
)
from .state import GameState as State, pick
from .views import ChoiceView, TagView
from .visit import DispatchTable, dispatch_table

if TYPE_CHECKING:
    from .program import ChoicePlan


Fn = Callable[[State], Value]
# What a part's arrival returns: the views of the choices it offers, and the fallback the story takes by
# itself (None when the player has something to choose, or nothing is left to take).
Arrive = Callable[[State, "list[str] | None"], "tuple[list[ChoiceView], ChoicePlan | None]"]
# Taking a choice: its effects, then its response rendered into the list (None when not rendering).
Take = Callable[[State, "list[str] | None"], None]

_BIN: dict[str, Callable[[Value, Value], Value]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
    "+": operator.add, "-": operator.sub, "*": operator.mul,
}


def compile_expr(e: Expr) -> Fn:
    return _EXPR_RULES(e)(e)


def _literal(e: Literal) -> Fn:
    v = e.value
    return lambda s: v


def _flag(e: FlagRef) -> Fn:
    name = e.name
    return lambda s: s.flags[name]


def _scene_call(e: SceneCall) -> Fn:
    sid = e.scene
    if e.func == "visits":
        return lambda s: s.visits.get(sid, 0)
    return lambda s: s.visits.get(sid, 0) > 0


def _random_call(e: RandomCall) -> Fn:
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


def _number_words(e: NumberWords) -> Fn:
    arg = compile_expr(e.arg)
    func = e.func

    def spelt(s: State) -> Value:
        n = arg(s)
        assert type(n) is int  # the checker typed it
        return spell(func, n)
    return spelt


def _member(e: Member) -> Fn:
    name = e.name  # a member is its own name at run time
    return lambda s: name


def _count(e: Count) -> Fn:
    arg = compile_expr(e.arg)

    def count(s: State) -> Value:
        held = arg(s)
        assert isinstance(held, tuple)  # the checker typed it
        return len(held)
    return count


def _unary(e: Unary) -> Fn:
    inner = compile_expr(e.operand)
    if e.op == "not":
        return lambda s: not inner(s)
    return lambda s: -inner(s)  # type: ignore[operator]


def _binary(e: Binary) -> Fn:
    left, right = compile_expr(e.left), compile_expr(e.right)
    if e.op == "in":
        def member_of(s: State) -> Value:
            member, held = left(s), right(s)
            assert isinstance(held, tuple)  # the checker typed it
            return member in held
        return member_of
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
    if e.op in ("+", "-", "*"):
        span = e.span
        return lambda s: in_range(op(left(s), right(s)), span)
    return lambda s: op(left(s), right(s))


def in_range(value: Value, span: Any) -> Value:
    """An int result inside the documented range (`model.INT_MIN..INT_MAX`), else a fault in play."""
    if type(value) is int and not INT_MIN <= value <= INT_MAX:
        raise StoryRuntimeError(f"a number out of range: ints hold {INT_MIN}..{INT_MAX}", span)
    return value


_EXPR_RULES: DispatchTable[Callable[[Any], Fn]] = dispatch_table("the compiler", {
    Literal: _literal, FlagRef: _flag, SceneCall: _scene_call, RandomCall: _random_call,
    NumberWords: _number_words, Member: _member, Count: _count, Unary: _unary, Binary: _binary,
})


def show(value: Value) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value.__class__ is tuple:  # a set: its members in the declared order, as prose lists them (no call: hot)
        return "none" if not value else value[0] if len(value) == 1 else ", ".join(value[:-1]) + " and " + value[-1]
    return str(value)


TextFn = Callable[[State], str]


# What an inline `if` that shows nothing leaves behind while its text is assembled. Tidying removes
# it together with the space before it, so "help {if x: now} ." reads "help." and not "help  .".
GAP = "\x00"
GAP_RUN = re.compile(r" ?\x00")


def tidy(text: str) -> str:
    if GAP in text:
        text = GAP_RUN.sub("", text)
    return text.strip()


def too_much_text(span: Span | None, what: str = "this text") -> StoryRuntimeError:
    """The fault of a text, or a scene, that would render more than `MAX_RENDER` characters."""
    return StoryRuntimeError(f"{what} renders more than {MAX_RENDER:,} characters, the most one scene may show",
                             span)


def _compile_parts(text: Text, span: Span | None) -> TextFn:
    # Each part compiles to a string (plain text is itself) or a function of the state; rendering joins
    # them, calling only the functions: most of a line of prose is plain text. The pieces are measured
    # before they are joined, so a text past the bound faults without being built (`MAX_RENDER`).
    parts: list[str | TextFn] = [_PART_RULES(p)(p) for p in text]
    if not parts:
        return lambda s: ""
    if all(isinstance(p, str) for p in parts):
        whole = "".join(p for p in parts if isinstance(p, str))  # all of them
        return lambda s: whole
    if len(parts) == 1:
        only = parts[0]
        assert not isinstance(only, str)
        return only
    items = tuple(parts)

    def joined(s: State) -> str:
        pieces = [p if isinstance(p, str) else p(s) for p in items]
        if sum(map(len, pieces)) > MAX_RENDER:
            raise too_much_text(span)
        return "".join(pieces)
    return joined


def _plain(p: str) -> str:
    return p


def compile_part(part: object) -> str | TextFn:
    """One piece of a text (plain words, `{expr}`, `{if ...}` or text alternatives): itself, or a function
    of the state that renders it."""
    return _PART_RULES(part)(part)


def _interp(p: Interp) -> TextFn:
    f = compile_expr(p.expr)
    return lambda s: show(f(s))


def _inline_if(p: InlineIf) -> TextFn:
    cond, then, other = compile_expr(p.cond), _compile_parts(p.then, p.span), _compile_parts(p.otherwise, p.span)
    return lambda s: (then(s) if cond(s) else other(s)) or GAP


def _alternatives(p: Alternatives) -> TextFn:
    """What shows next is kept in the state (`shown`, by the alternative's place): stopping keeps the index
    of the next option and stays on the last; cycle wraps round; once counts up to past the end; shuffle
    counts its showings and lets the dice order each round."""
    options = [_compile_parts(o.text, p.span) for o in p.options]
    n, place = len(options), p.key
    if p.kind == "shuffle":
        matters = any(draws_or_fails(o.text) for o in p.options)

        def shuffle(s: State) -> str:
            count = s.shown.get(place, 0)
            s.shown[place] = count + 1
            return options[pick(s.dice, place, count, n, matters)](s) or GAP
        return shuffle
    last = n - 1
    step: Callable[[int], int] = {"stopping": lambda i: min(i + 1, last), "cycle": lambda i: (i + 1) % n,
                                  "once": lambda i: i + 1}[p.kind]

    def alternative(s: State) -> str:
        i = s.shown.get(place, 0)
        if i >= n:  # a once-only alternative that has shown every option
            return GAP
        s.shown[place] = step(i)
        return options[i](s) or GAP
    return alternative


_PART_RULES: DispatchTable[Callable[[Any], str | TextFn]] = dispatch_table(
    "the compiler", {str: _plain, Interp: _interp, InlineIf: _inline_if, Alternatives: _alternatives})


def compile_text(text: Text, span: Span | None = None) -> TextFn:
    """A text (a paragraph or a label) as a function of the state, tidied of empty inline `if`s; `span`
    places the fault of a text that renders past the bound."""
    if all(isinstance(p, str) for p in text):
        whole = "".join(p for p in text if isinstance(p, str)).strip()  # all of them
        return lambda s: whole
    inner = _compile_parts(text, span)
    return lambda s: tidy(inner(s))


def compile_effect(eff: Effect, decl: FlagDecl) -> Callable[[State], None]:
    name = eff.flag
    if eff.op == "toggle":
        def toggle(s: State) -> None:
            s.flags[name] = not s.flags[name]
        return toggle
    assert eff.value is not None  # only a toggle has no value
    value = compile_expr(eff.value)
    ranged = decl.type is Type.INT and (decl.low is not None or decl.high is not None)
    clamp = decl.clamp
    if decl.type is Type.STR and joins_strings(eff):
        return _str_effect(eff, value)
    if decl.type is Type.SET and eff.op != "set":
        return _set_effect(eff, value, decl.members)
    if eff.op == "set":
        if ranged:
            return lambda s: s.flags.__setitem__(name, clamp(value(s)))  # type: ignore[arg-type]
        return lambda s: s.flags.__setitem__(name, value(s))
    sign = 1 if eff.op == "add" else -1
    if ranged:
        return lambda s: s.flags.__setitem__(name, clamp(s.flags[name] + sign * value(s)))  # type: ignore[operator, arg-type]
    span = eff.span
    return lambda s: s.flags.__setitem__(name, in_range(s.flags[name] + sign * value(s), span))  # type: ignore[operator]


def _set_effect(eff: Effect, value: Fn, members: tuple[str, ...]) -> Callable[[State], None]:
    """`~ alive += vask` or `~ alive -= vask`: the set's tuple rebuilt in the declaration's order."""
    name, adding = eff.flag, eff.op == "add"

    def change(s: State) -> None:
        member = value(s)
        held = s.flags[name]
        assert isinstance(held, tuple)
        s.flags[name] = tuple([m for m in members if (m in held or (adding and m == member))
                               and not (not adding and m == member)])
    return change


def _str_effect(eff: Effect, value: Fn) -> Callable[[State], None]:
    """`~ s = ...` or `~ s += ...` on a str flag: the result no longer than `STR_MAX`, else a fault."""
    name, span, join = eff.flag, eff.span, eff.op == "add"

    def set_str(s: State) -> None:
        v = value(s)
        assert isinstance(v, str)  # the checker typed it
        if join:
            v = str(s.flags[name]) + v
        if len(v) > STR_MAX:
            raise StoryRuntimeError(f"a string too long for '{name}': {len(v):,} characters, the limit is "
                                    f"{STR_MAX:,}", span)
        s.flags[name] = v
    return set_str


class TaggedText(str):
    """A rendered paragraph that carries its lines' tags to the view. It is a str, so whatever reads the
    rendered paragraphs reads it as text; the session turns it back into a plain str and its tags."""

    tags: tuple[TagView, ...]


def tag_views(tags: Tags) -> tuple[TagView, ...]:
    return tuple(TagView(t.name, t.value) for t in tags)


def _emit(out: list[str], text: str) -> None:
    """Add a rendered paragraph; one that came out empty (all its text was conditional) is not shown."""
    if text:
        out.append(text)


# A compiled line of a body: given the state and the list to render into (None when not rendering).
Step = Callable[[State, "list[str] | None"], None]


def compile_paragraph(item: Paragraph) -> Step:
    """A paragraph as a function of the state and the list it renders into (a tagged one renders as
    `TaggedText`)."""
    render = compile_text(item.text, item.span)
    if item.tags:
        plain, tags = render, tag_views(item.tags)

        def render(s: State) -> str:
            text = TaggedText(plain(s))
            text.tags = tags
            return text
    if must_run(item.text):
        def para(s: State, out: list[str] | None) -> None:
            text = render(s)  # run even when not rendering: the dice stay in step, faults still show
            if out is not None:
                _emit(out, text)
    else:
        def para(s: State, out: list[str] | None) -> None:
            if out is not None:
                _emit(out, render(s))
    return para


def compile_body(body: Body, flags: dict[str, FlagDecl]) -> Step:
    """A body's statements (paragraphs, effects, `~ if` blocks) in order, as one function."""
    steps = [_BODY_RULES(item)(item, flags) for item in body]
    if len(steps) == 1:
        return steps[0]

    def run_all(s: State, out: list[str] | None) -> None:
        for step in steps:
            step(s, out)
    return run_all


def _paragraph_step(item: Paragraph, flags: dict[str, FlagDecl]) -> Step:
    return compile_paragraph(item)


def _effect_step(item: Effect, flags: dict[str, FlagDecl]) -> Step:
    eff = compile_effect(item, flags[item.flag])
    return lambda s, out: eff(s)


def _conditional(item: Conditional, flags: dict[str, FlagDecl]) -> Step:
    branches = [(compile_expr(b.cond) if b.cond is not None else None, compile_body(b.body, flags))
                for b in item.branches]

    def cond_block(s: State, out: list[str] | None) -> None:
        for cond, run in branches:
            if cond is None or cond(s):
                run(s, out)
                return
    return cond_block


_BODY_RULES: DispatchTable[Callable[[Any, dict[str, FlagDecl]], Step]] = dispatch_table(
    "the compiler", {Paragraph: _paragraph_step, Effect: _effect_step, Conditional: _conditional})


def closure_arrival(body: Body, offered: list[tuple[ChoicePlan, Choice]], flags: dict[str, FlagDecl]) -> Arrive:
    """A part's arrival as closures: its body, then each choice it offers (each with its plan) left out
    once used or hidden, else its view, disabled with the first reason that holds; a fallback that may be
    taken is kept as the part's fallback. `codegen.compile_arrival` writes the same as source."""
    run_body = compile_body(body, flags)
    choices = tuple((plan, tuple((compile_expr(c.expr), c.reason) for c in choice.conditions),
                     compile_text(choice.label, choice.span)) for plan, choice in offered)

    def arrive(s: State, out: list[str] | None) -> tuple[list[ChoiceView], ChoicePlan | None]:
        run_body(s, out)
        views: list[ChoiceView] = []
        fallback: ChoicePlan | None = None
        enabled = False
        used = s.used
        for plan, conditions, label in choices:
            if plan.id in used:
                continue
            reason: str | None = None
            hidden = False
            for cond, why in conditions:  # every condition is evaluated (the dice draw alike) unless one hides
                if not cond(s):
                    if why is None:
                        hidden = True
                        break
                    if reason is None:
                        reason = why
            if hidden:
                continue
            if plan.fallback:
                if reason is None and fallback is None:
                    fallback = plan  # the first that may be taken
                continue
            if reason is None:
                enabled = True
            if out is None:
                if plan.label_must_run:
                    label(s)  # the same draws (and the same faults) as when rendering
                views.append(plan.plain_views[reason])
            elif plan.static_views is not None:
                views.append(plan.static_views[reason])
            else:
                views.append(ChoiceView(plan.id, label(s), reason is None, reason, plan.canon, plan.sticky,
                                        plan.kind, plan.tags))
        return views, None if enabled else fallback
    return arrive


def closure_take(choice: Choice, flags: dict[str, FlagDecl]) -> Take:
    """Taking a choice as closures: its effects, then its response. `codegen.compile_take` writes the same
    as source."""
    effects = tuple(compile_effect(e, flags[e.flag]) for e in choice.effects)
    response = compile_body(choice.response, flags) if choice.response else None

    def take(s: State, out: list[str] | None) -> None:
        for effect in effects:
            effect(s)
        if response is not None:
            response(s, out)
    return take
