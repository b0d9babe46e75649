"""Scenes compiled to Python source, as Jinja compiles a template: arriving at a part of a scene (its body,
then the choices it offers) is one generated function, and taking a choice (its effects, then its
response) is another. The closures of `compile.py` cost a call for every paragraph, flag, comparison and
choice at every step; the generated code does the same work inline, so play runs at the speed of the
Python it reads as. Writing and compiling the source costs several runs of the closures, so play runs a
part through them the first times it arrives there and compiles it the third (`program.COMPILE_AT`).

What a script says never becomes code. The source is made only of this module's fixed templates, names
it chooses itself (`_k0`, `_k1`, ...), and `repr()` of plain values (str, int, bool, and tuples of str),
which Python reads back as exactly those values. Every other object, a compiled closure for the rare
construct, a choice's prebuilt views, a span for a fault, is handed to the code by name in its namespace.

The generated code keeps the closures' every behaviour: the same reading order (so the same dice draws),
the same faults at the same spans, the same text. Constructs with state of their own (text alternatives),
tagged paragraphs and effects on strings and sets call the closure `compile.py` builds for them.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Callable

from . import compile as closures
from .analysis import joins_strings, must_run
from .compile import GAP, Arrive, Take, in_range, show, tidy, too_much_text
from .errors import StoryRuntimeError
from .model import (
    INT_MAX, INT_MIN, MAX_RENDER, STR_MAX, Alternatives, Binary, Body, Choice, Conditional, Count, Effect, Expr,
    FlagDecl, FlagRef, InlineIf, Interp, Literal, Member, NumberWords, Paragraph, RandomCall, SceneCall, Text,
    TextPart, Type, Unary,
)
from .source import Span
from .views import ChoiceView
from .visit import DispatchTable, dispatch_table

if TYPE_CHECKING:
    from .program import ChoicePlan

_COMPARE = {"==", "!=", "<", "<=", ">", ">="}
_ARITHMETIC = {"+", "-", "*"}
_PYTHON_OPS = _COMPARE | {"and", "or", "in"}  # written as they are: the language means what Python does
_LONG = 40  # characters: a longer str is handed to the code by name
_INT_CHARS = max(len(str(INT_MIN)), len(str(INT_MAX)))


def _divide(n: Any, d: Any, span: Span) -> Any:
    if d == 0:
        raise StoryRuntimeError("division by zero", span)
    return n // d


def _join(pieces: tuple[str, ...], span: Span | None) -> str:
    """Pieces of a text that might render past the bound, measured before they are joined."""
    if sum(map(len, pieces)) > MAX_RENDER:
        raise too_much_text(span)
    return "".join(pieces)


# The names every generated module may use (beside its own constants).
_RUNTIME: dict[str, Any] = {"_show": show, "_tidy": tidy, "_GAP": GAP, "_rng": in_range, "_div": _divide,
                            "_join": _join, "_CV": ChoiceView, "__builtins__": {"str": str, "len": len}}


def _is_plain_value(value: object) -> bool:
    """A value whose `repr()` Python reads back as itself, and nothing else."""
    if type(value) in (bool, int, str):
        return True
    return type(value) is tuple and all(type(v) is str for v in value)


class _Module:
    """The source of one scene's functions and the objects they name."""

    def __init__(self, flags: dict[str, FlagDecl]) -> None:
        self.flags = flags
        self.lines: list[str] = []
        self.names: dict[str, Any] = {}
        self._ids: dict[int, str] = {}
        self.depth = 0

    # ---- writing ----------------------------------------------------------------------------------

    def const(self, obj: object) -> str:
        """The name the code uses for an object (one name per object)."""
        name = self._ids.get(id(obj))
        if name is None:
            name = self._ids[id(obj)] = f"_k{len(self.names)}"
            self.names[name] = obj
        return name

    def literal(self, value: object) -> str:
        """A value as the code names it: short plain values written out, anything else by name (so prose
        stays out of the source, which then reads as code)."""
        if _is_plain_value(value) and not (isinstance(value, str) and len(value) > _LONG):
            return repr(value)
        return self.const(value)

    def line(self, text: str) -> None:
        self.lines.append("    " * self.depth + text)

    def build(self, filename: str) -> dict[str, Any]:
        namespace = dict(_RUNTIME, **self.names)
        exec(compile("\n".join(self.lines) + "\n", filename, "exec", dont_inherit=True), namespace)  # noqa: S102 (see the module doc)
        return namespace

    # ---- expressions ------------------------------------------------------------------------------

    def expr(self, e: Expr) -> str:
        """Python source for an expression, fully parenthesised (no comparison ever chains)."""
        return _EXPR_SOURCE(e)(self, e)

    def _literal(self, e: Literal) -> str:
        return self.literal(e.value)

    def _flag(self, e: FlagRef) -> str:
        return f"F[{e.name!r}]"

    def _scene_call(self, e: SceneCall) -> str:
        visits = f"V.get({e.scene!r}, 0)"
        return visits if e.func == "visits" else f"({visits} > 0)"

    def _member(self, e: Member) -> str:
        return repr(e.name)  # a member is its own name at run time

    def _count(self, e: Count) -> str:
        return f"len({self.expr(e.arg)})"

    def _unary(self, e: Unary) -> str:
        return f"(not {self.expr(e.operand)})" if e.op == "not" else f"(-{self.expr(e.operand)})"

    def _binary(self, e: Binary) -> str:
        left, right = self.expr(e.left), self.expr(e.right)  # left first, as Python reads it: the dice agree
        if e.op in _ARITHMETIC:
            return f"_rng({left} {e.op} {right}, {self.const(e.span)})"
        if e.op == "/":
            return f"_div({left}, {right}, {self.const(e.span)})"
        if e.op in _PYTHON_OPS:  # a comparison, `and`, `or`, `in`: Python's own meaning
            return f"({left} {e.op} {right})"
        raise TypeError(f"the code generator has no rule for the operator {e.op!r}")

    def _closure(self, e: Expr) -> str:
        """Dice and numbers as words: the closure, called with the state."""
        return f"{self.const(closures.compile_expr(e))}(s)"

    # ---- text -------------------------------------------------------------------------------------

    def text(self, text: Text, span: Span | None) -> str:
        """Source for a text as `compile.compile_text` renders it: joined, tidied of empty inline ifs."""
        if all(isinstance(p, str) for p in text):
            return self.literal("".join(p for p in text if isinstance(p, str)).strip())
        return f"_tidy({self._parts(text, span)})"

    def _parts(self, text: Text, span: Span | None) -> str:
        """`compile._compile_parts` as source: a text's pieces, measured where the closure measures them
        unless the text can never render past the bound."""
        if not text:
            return "''"
        if all(isinstance(p, str) for p in text):
            return self.literal("".join(p for p in text if isinstance(p, str)))
        if len(text) == 1:
            return self._piece(text[0])
        pieces = ", ".join(self._piece(p) for p in text)
        bound = self._bound(text)
        if bound is not None and bound <= MAX_RENDER:
            return f"''.join(({pieces},))"
        return f"_join(({pieces},), {self.const(span)})"

    def _piece(self, part: TextPart) -> str:
        return _PART_SOURCE(part)(self, part)

    def _plain_piece(self, part: str) -> str:
        return self.literal(part)

    def _interp(self, part: Interp) -> str:
        return self._shown(part.expr)

    def _inline_if(self, part: InlineIf) -> str:
        then, other = self._parts(part.then, part.span), self._parts(part.otherwise, part.span)
        return f"((({then}) if {self.expr(part.cond)} else ({other})) or _GAP)"

    def _alternatives(self, part: Alternatives) -> str:
        """Text alternatives keep what they show next in the state: the closure does it."""
        return f"{self.const(closures.compile_part(part))}(s)"

    def _shown(self, e: Expr) -> str:
        """`compile.show` of an expression, written out where the flag's type says what it holds."""
        decl = self.flags.get(e.name) if isinstance(e, FlagRef) else None
        if decl is not None and decl.type is Type.INT:
            return f"str({self.expr(e)})"
        if decl is not None and decl.type is Type.BOOL:
            return f"('true' if {self.expr(e)} else 'false')"
        if decl is not None and decl.type in (Type.STR, Type.ENUM):
            return self.expr(e)
        return f"_show({self.expr(e)})"

    def _bound(self, text: Text) -> int | None:
        """The most characters a text can render, or None when that is not known here."""
        total = 0
        for part in text:
            if isinstance(part, str):
                n: int | None = len(part)
            elif isinstance(part, Interp):
                n = self._shown_bound(part.expr)
            elif isinstance(part, InlineIf):
                then, other = self._bound(part.then), self._bound(part.otherwise)
                n = None if then is None or other is None else max(then, other, 1)
            elif isinstance(part, Alternatives):
                options = [self._bound(o.text) for o in part.options]
                known = [o for o in options if o is not None]
                n = max([1, *known]) if len(known) == len(options) else None
            else:
                n = None
            if n is None:
                return None
            total += n
        return total

    def _shown_bound(self, e: Expr) -> int | None:
        """The most characters `show()` of an expression's value can have, or None if not known here."""
        if isinstance(e, (SceneCall, Count)):
            return _INT_CHARS
        if isinstance(e, Literal):
            return len(show(e.value))
        if isinstance(e, Member):
            return len(e.name)
        if isinstance(e, Unary):
            return 5 if e.op == "not" else _INT_CHARS
        if isinstance(e, Binary):
            if e.op in _COMPARE or e.op == "in":
                return 5
            left, right = self._shown_bound(e.left), self._shown_bound(e.right)
            if e.op in ("and", "or"):  # the value of one side or the other
                return None if left is None or right is None else max(left, right)
            if e.op == "+":  # numbers, or strings joined
                return None if left is None or right is None else max(left + right, _INT_CHARS)
            return _INT_CHARS
        decl = self.flags.get(e.name) if isinstance(e, FlagRef) else None
        if decl is None:
            return None
        if decl.type is Type.INT:
            return _INT_CHARS
        if decl.type is Type.BOOL:
            return 5
        if decl.type is Type.STR:
            return STR_MAX
        if decl.type is Type.ENUM:
            return max(map(len, decl.members), default=0)
        if decl.type is Type.SET:
            return sum(len(m) + 5 for m in decl.members) + 4
        return None

    def bound(self, body: Body) -> int | None:
        """The most characters a body's paragraphs can render, all branches of every `~ if` counted."""
        total = 0
        for item in body:
            if isinstance(item, Paragraph):
                n = self._bound(item.text)
            elif isinstance(item, Conditional):
                n = 0
                for b in item.branches:
                    inner = self.bound(b.body)
                    n = None if n is None or inner is None else n + inner
            else:
                n = 0
            if n is None:
                return None
            total += n
        return total

    # ---- statements -------------------------------------------------------------------------------

    def body(self, body: Body) -> None:
        """A body's statements in order. Paragraphs that need not run are written only when rendering (`R`),
        consecutive ones under one test, and a run of plain ones as one extend."""
        rendering = False  # inside an open `if R:` block
        plain: list[str] = []  # plain paragraphs not yet written
        for item in body:
            quiet = isinstance(item, Paragraph) and not item.tags and not must_run(item.text)
            if plain and not (quiet and _plain_words(item)):
                self._plain_run(plain)
            if quiet and not rendering:
                self.line("if R:")
                self.depth += 1
                rendering = True
            elif not quiet and rendering:
                self.depth -= 1
                rendering = False
            if isinstance(item, Paragraph) and quiet and _plain_words(item):
                whole = "".join(p for p in item.text if isinstance(p, str)).strip()
                if whole:  # a paragraph that comes out empty shows nothing
                    plain.append(whole)
                continue
            _STATEMENT_SOURCE(item)(self, item)
        if plain:
            self._plain_run(plain)
        if rendering:
            self.depth -= 1
        if not body:
            self.line("pass")

    def _plain_run(self, paragraphs: list[str]) -> None:
        self.line(f"A({self.literal(paragraphs[0])})" if len(paragraphs) == 1 else
                  f"out.extend({self.const(tuple(paragraphs))})")
        paragraphs.clear()

    def _paragraph(self, item: Paragraph) -> None:
        if item.tags:  # rendered as TaggedText, which carries the tags to the view
            self.line(f"{self.const(closures.compile_paragraph(item))}(s, out)")
            return
        if all(isinstance(p, str) for p in item.text):
            whole = "".join(p for p in item.text if isinstance(p, str)).strip()
            self.line(f"A({self.literal(whole)})" if whole else "pass")  # a paragraph that comes out empty shows nothing
            return
        source = self.text(item.text, item.span)
        if must_run(item.text):  # run even when not rendering: the dice stay in step, faults still show
            self.line(f"t = {source}")
            self.line("if R and t:")
            self.line("    A(t)")
        else:
            self.line(f"t = {source}")
            self.line("if t:")
            self.line("    A(t)")

    def effect(self, eff: Effect) -> None:
        decl = self.flags[eff.flag]
        name = repr(eff.flag)
        if eff.op == "toggle":
            self.line(f"F[{name}] = not F[{name}]")
            return
        assert eff.value is not None  # only a toggle has no value
        if (decl.type is Type.STR and joins_strings(eff)) or (decl.type is Type.SET and eff.op != "set"):
            self.line(f"{self.const(closures.compile_effect(eff, decl))}(s)")
            return
        value = self.expr(eff.value)
        ranged = decl.type is Type.INT and (decl.low is not None or decl.high is not None)
        if eff.op != "set":
            value = f"F[{name}] {'+' if eff.op == 'add' else '-'} {value}"
        if ranged:
            self.line(f"F[{name}] = {self.const(decl.clamp)}({value})")
        elif eff.op != "set":
            self.line(f"F[{name}] = _rng({value}, {self.const(eff.span)})")
        else:
            self.line(f"F[{name}] = {value}")

    def _conditional(self, item: Conditional) -> None:
        for i, branch in enumerate(item.branches):
            if branch.cond is None:
                self.line("else:")
            else:
                self.line(f"{'if' if i == 0 else 'elif'} {self.expr(branch.cond)}:")
            self.depth += 1
            self.body(branch.body)
            self.depth -= 1

    # ---- choices ----------------------------------------------------------------------------------

    def offer(self, plan: ChoicePlan, choice: Choice) -> None:
        """One choice of a part: left out once used or hidden, else its view (disabled with the first
        reason that holds), or, for a fallback that may be taken, kept as the part's fallback."""
        depth = self.depth
        self.line(f"if {plan.id!r} not in U:")
        self.depth += 1
        reasons = False  # whether `r` may hold a reason by now
        for cond in choice.conditions:
            test = self.expr(cond.expr)
            if cond.reason is None:  # false hides the choice: what follows runs only when it holds
                self.line(f"if {test}:")
                self.depth += 1
            elif not reasons:
                self.line(f"r = None if {test} else {self.literal(cond.reason)}")
                reasons = True
            else:  # every condition is evaluated (the dice draw alike); the first reason is the one shown
                self.line(f"if not {test} and r is None:")
                self.line(f"    r = {self.literal(cond.reason)}")
        if plan.fallback:
            self.line(f"if {'r is None and ' if reasons else ''}fb is None:")
            self.line(f"    fb = {self.const(plan)}")
        else:
            self._view(plan, choice, reasons)
        self.depth = depth

    def _view(self, plan: ChoicePlan, choice: Choice, reasons: bool) -> None:
        reason = "r" if reasons else "None"
        if reasons:
            self.line("if r is None:")
            self.line("    on = True")
        else:
            self.line("on = True")
        plain = self._views(plan.plain_views, reasons)
        if plan.static_views is not None:
            self.line(f"P({self._views(plan.static_views, reasons)} if R else {plain})")
            return
        label = self.text(choice.label, choice.span)
        self.line(f"P(_CV({plan.id!r}, {label}, {reason} is None, {reason}, {plan.canon!r}, {plan.sticky!r}, "
                  f"{self.const(plan.kind)}, {self.const(plan.tags)}) if R else {plain})")
        if plan.label_must_run:  # unrendered, the label still runs: the same draws (and faults) as rendered
            self.line(f"if not R: {label}")

    def _views(self, views: dict[str | None, ChoiceView], reasons: bool) -> str:
        """A choice's view by the reason it is disabled for, or, when it can have none, the one view."""
        return f"{self.const(views)}[r]" if reasons else self.const(views[None])


def _plain_words(item: object) -> bool:
    """A paragraph of plain words (no tags, nothing to evaluate): the same text every time."""
    return isinstance(item, Paragraph) and not item.tags and all(isinstance(p, str) for p in item.text)


_EXPR_SOURCE: DispatchTable[Callable[[_Module, Any], str]] = dispatch_table("the code generator", {
    Literal: _Module._literal, FlagRef: _Module._flag, SceneCall: _Module._scene_call, Member: _Module._member,
    Count: _Module._count, Unary: _Module._unary, Binary: _Module._binary, RandomCall: _Module._closure,
    NumberWords: _Module._closure,
})
_PART_SOURCE: DispatchTable[Callable[[_Module, Any], str]] = dispatch_table("the code generator", {
    str: _Module._plain_piece, Interp: _Module._interp, InlineIf: _Module._inline_if,
    Alternatives: _Module._alternatives,
})
_STATEMENT_SOURCE: DispatchTable[Callable[[_Module, Any], None]] = dispatch_table("the code generator", {
    Paragraph: _Module._paragraph, Effect: _Module.effect, Conditional: _Module._conditional,
})

# The locals a generated function may start with, and how to tell it uses them: each is set only when used
# (a false positive, from a short quoted text, costs one needless line).
_LOCALS = (("F", re.compile(r"\bF\["), "F = s.flags"), ("V", re.compile(r"\bV\."), "V = s.visits"),
           ("R", re.compile(r"\b[RA]\b"), "R = out is not None"), ("A", re.compile(r"\bA\("), "A = out.append if R else None"),
           ("U", re.compile(r"\bU\b"), "U = s.used"))


def _function(module: _Module, header: str, write: Callable[[], None]) -> None:
    """A generated function: its header, the locals its lines use, then its lines."""
    module.line(header)
    start = len(module.lines)
    module.depth = 1
    write()
    module.depth = 0
    lines = module.lines[start:]
    text = "\n".join(lines)
    module.lines[start:] = [f"    {setup}" for _, used, setup in _LOCALS if used.search(text)] + lines


Offered = list[tuple["ChoicePlan", Choice]]


def compile_arrival(scene_id: str, part: int, body: Body, offered: Offered, flags: dict[str, FlagDecl]
                    ) -> tuple[Arrive, int | None, str]:
    """A part's arrival: its body, then its choices (each with its plan). Returns the function, the most the
    part can render (paragraphs and labels; None where that is not known here, so the session measures
    it) and the source, for reading."""
    module = _Module(flags)

    def write() -> None:
        module.body(body)
        module.line("L = []")
        module.line("P = L.append")
        module.line("on = False")
        module.line("fb = None")
        for plan, choice in offered:
            module.offer(plan, choice)
        module.line("return L, None if on else fb")
    _function(module, "def _arrive(s, out):", write)
    namespace = module.build(f"<ifengine scene {scene_id!r} part {part}>")
    return namespace["_arrive"], _part_bound(module, body, offered), "\n".join(module.lines)


def compile_take(choice: Choice, flags: dict[str, FlagDecl]) -> tuple[Take, str]:
    """Taking a choice that has effects or a response: its effects, then its response. Returns the function
    and its source."""
    module = _Module(flags)

    def write() -> None:
        for eff in choice.effects:
            module.effect(eff)
        if choice.response:
            module.body(choice.response)
    _function(module, "def _take(s, out):", write)
    return module.build(f"<ifengine choice {choice.id!r}>")["_take"], "\n".join(module.lines)


def _part_bound(module: _Module, body: Body, offered: Offered) -> int | None:
    """The most characters a part can show when rendered: its paragraphs and the labels of its choices."""
    total = module.bound(body)
    for plan, choice in offered:
        if total is None:
            return None
        if plan.fallback:
            continue  # never shown
        if plan.static_views is not None:
            total += len(plan.static_views[None].label)
        else:
            label = module._bound(choice.label)
            total = None if label is None else total + label
    return total
