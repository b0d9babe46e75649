"""The checker: everything that can be known about a story without playing it, as Diagnostics.

Syntax and assembly problems come from `load`; this module judges the assembled story: references,
types, the shape of the scene graph and the canon path.
"""
from __future__ import annotations

import re
from functools import cached_property
from typing import Any, Callable

from .diagnostics import Diagnostic, Severity
from .model import (
    DECLARABLE, ENDING_KINDS, Alternatives, Binary, Count, Member, Branch, Choice, ChoiceKind, Condition, Effect, Expr, FlagDecl, FlagRef,
    InlineIf, Interp, Literal, MAX_STACK, NumberWords, RETURN, RandomCall, Scene, SceneCall, Story, Tag, Type, Unary,
    type_of,
)
from .analysis import canon_marked, follow, strong_components
from .source import Span
from .tunnels import Tunnels, tunnels
from .unparsed import NOTHING, Unparsed
from .visit import DispatchTable, NodeVisitor, dispatch_table

COMPARE = {"==", "!=", "<", "<=", ">", ">="}
TAG_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
# What other languages call our types: the hint of IFS160 ("did you mean int?") where spelling is no guide.
TYPE_WORDS = {"number": "int", "num": "int", "integer": "int", "float": "int", "double": "int", "boolean": "bool",
              "string": "str", "text": "str", "list": "set", "enumeration": "enum"}
ARITH = {"+", "-", "*", "/"}


def _a(t: Type) -> str:
    """'an int', 'a bool', 'a str': type names with the right article, for messages."""
    return f"an {t.value}" if t in (Type.INT, Type.ENUM) else f"a {t.value}"


# Words of the language that a flag may not be named: `{seen}` or `~ toggle = 1` could not be read back.
RESERVED = {"and", "or", "not", "true", "false", "if", "elif", "else", "end", "toggle", "visits", "seen", "roll",
            "chance", "words", "ordinal", "count", "in", "of", "enum", "set", "stopping", "cycle", "once", "shuffle", "canon", "continue", "fallback",
            "extend", "interlude", "ending", "bool", "int", "str"}


def _diag(span: Span, message: str, code: str, severity: Severity = Severity.ERROR) -> Diagnostic:
    return Diagnostic(span.file, span.line, span.col, message, code, severity)


class _Checker(NodeVisitor):
    def __init__(self, story: Story, broken: Unparsed = NOTHING) -> None:
        self.story = story
        self.broken = broken  # what failed to parse: it exists for the writer, but not in the model
        self.diags: list[Diagnostic] = []
        self.read_flags: set[str] = set()

    @cached_property
    def tunnels(self) -> Tunnels:
        """The static picture of the story's calls and returns, made once for every rule that reads it."""
        return tunnels(self.story)

    def error(self, span: Span, message: str, code: str) -> None:
        self.diags.append(_diag(span, message, code))

    def warn(self, span: Span, message: str, code: str) -> None:
        self.diags.append(_diag(span, message, code, Severity.WARNING))

    # ---- expressions ------------------------------------------------------

    def type_of(self, e: Expr) -> Type | None:
        """The expression's type, reporting what is wrong inside it; None when unknown (already reported)."""
        return _TYPE_RULES(e)(self, e)

    def _literal(self, e: Literal) -> Type | None:
        return type_of(e.value)

    def _flag(self, e: FlagRef) -> Type | None:
        self.read_flags.add(e.name)
        decl = self.story.flags.get(e.name)
        if decl is None:
            if e.name in self.broken.flags:
                return self.broken.flags[e.name]
            self.error(e.span, f"flag '{e.name}' is not declared (declare it with @flag {e.name}: ...)", "IFS130")
            return None
        return decl.type

    def _scene_call(self, e: SceneCall) -> Type | None:
        if e.scene not in self.story.scenes and e.scene not in self.broken.scenes:
            self.error(e.span, f"{e.func}() names scene '{e.scene}', which does not exist", "IFS124")
        return Type.INT if e.func == "visits" else Type.BOOL

    def _random_call(self, e: RandomCall) -> Type | None:
        self.expect(e.arg, Type.INT, f"{e.func}()")
        if isinstance(e.arg, Literal) and type(e.arg.value) is int:
            low = 1 if e.func == "roll" else 0
            high = None if e.func == "roll" else 100
            if e.arg.value < low or (high is not None and e.arg.value > high):
                bound = f"at least {low}" if high is None else f"from {low} to {high}"
                self.error(e.arg.span, f"{e.func}() takes a number {bound}, not {e.arg.value}", "IFS133")
        return Type.INT if e.func == "roll" else Type.BOOL

    def _number_words(self, e: NumberWords) -> Type | None:
        self.expect(e.arg, Type.INT, f"{e.func}()")
        return Type.STR

    def _unary(self, e: Unary) -> Type | None:
        if e.op == "not":
            self.expect(e.operand, Type.BOOL, "'not'")
            return Type.BOOL
        self.expect(e.operand, Type.INT, "'-'")
        return Type.INT

    def _member(self, e: Member) -> Type | None:
        return Type.MEMBER

    def _count(self, e: Count) -> Type | None:
        self.expect(e.arg, Type.SET, "count()")
        return Type.INT

    def member_decl(self, e: Expr) -> FlagDecl | None:
        """The enum or set flag an expression reads, when it is one (its members decide what fits it)."""
        decl = self.story.flags.get(e.name) if isinstance(e, FlagRef) else None
        return decl if decl is not None and decl.type in (Type.ENUM, Type.SET) else None

    def expect_member(self, e: Expr, decl: FlagDecl) -> None:
        """`e` must be one of `decl`'s members: a bare word of its list (an unknown one is named with the
        list, not as an undeclared flag), or an enum flag over the same members."""
        if isinstance(e, (Member, FlagRef)) and e.name not in self.story.flags:
            if e.name not in decl.members:
                import difflib

                close = difflib.get_close_matches(e.name, decl.members, n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                self.error(e.span, f"'{e.name}' is not one of {decl.name}'s members{hint}: "
                                   f"{', '.join(decl.members)}", "IFS162")
            return
        got = self.type_of(e)
        other = self.member_decl(e)
        if got is not None and (got is not Type.ENUM or (other is not None and set(other.members) - set(decl.members))):
            self.error(e.span, f"this needs one of {decl.name}'s members ({', '.join(decl.members)}), but it is "
                               f"{_a(got)}{'' if other is None else ' over other members'}", "IFS132")

    def _binary(self, e: Binary) -> Type | None:
        if e.op == "in":
            decl = self.member_decl(e.right)
            if decl is None or decl.type is not Type.SET:
                self.expect(e.right, Type.SET, "'in'")
                self.type_of(e.left)
            else:
                self.read_flags.add(decl.name)
                self.expect_member(e.left, decl)
            return Type.BOOL
        if e.op in ("==", "!=") and (decl := self.member_decl(e.left) or self.member_decl(e.right)) is not None \
                and decl.type is Type.ENUM:
            self.read_flags.add(decl.name)
            self.expect_member(e.right if self.member_decl(e.left) is decl else e.left, decl)
            return Type.BOOL
        if e.op in ("and", "or"):
            self.expect(e.left, Type.BOOL, f"'{e.op}'")
            self.expect(e.right, Type.BOOL, f"'{e.op}'")
            return Type.BOOL
        if e.op == "+":
            return self._plus(e)
        if e.op in ARITH:
            self.expect(e.left, Type.INT, f"'{e.op}'")
            self.expect(e.right, Type.INT, f"'{e.op}'")
            if e.op == "/" and isinstance(e.right, Literal) and type(e.right.value) is int and e.right.value == 0:
                self.error(e.right.span, "division by zero", "IFS135")
            return Type.INT
        left, right = self.type_of(e.left), self.type_of(e.right)
        if e.op in ("==", "!="):
            if left and right and left is not right:
                self.error(e.span, f"'{e.op}' compares {_a(left)} with {_a(right)}", "IFS132")
            elif left is Type.MEMBER and isinstance(e.left, Member) and isinstance(e.right, Member):
                pass  # two members' names: a constant comparison, but not wrong
        else:
            for side, t in ((e.left, left), (e.right, right)):
                if t and t is not Type.INT:
                    self.error(side.span, f"'{e.op}' compares numbers, but this is {_a(t)}", "IFS132")
        return Type.BOOL

    def _plus(self, e: Binary) -> Type | None:
        """`+` adds two ints or joins two strs."""
        left, right = self.type_of(e.left), self.type_of(e.right)
        want = Type.STR if Type.STR in (left, right) else Type.INT
        for side, t in ((e.left, left), (e.right, right)):
            if t is not None and t is not want:
                hint = " (spell a number out with words(n))" if want is Type.STR and t is Type.INT else ""
                verb = "joins two strs" if want is Type.STR else "needs an int here"
                self.error(side.span, f"'+' {verb}, but this is {_a(t)}{hint}", "IFS132")
        return want

    def expect(self, e: Expr, want: Type, where: str) -> None:
        got = self.type_of(e)
        if got is not None and got is not want:
            self.error(e.span, f"{where} needs {_a(want)} here, but this is {_a(got)}", "IFS132")

    # ---- text, bodies, effects (visited: a new kind of node is walked here too) ---------------

    def visit_ExprNode(self, e: Expr) -> None:
        """An expression met where no rule below names its role: its type is still checked."""
        self.type_of(e)

    def visit_Interp(self, part: Interp) -> None:
        self.type_of(part.expr)

    def visit_InlineIf(self, part: InlineIf) -> None:
        self.expect(part.cond, Type.BOOL, "an inline 'if'")
        self.visit_all(part.then)
        self.visit_all(part.otherwise)

    def visit_Alternatives(self, part: Alternatives) -> None:
        if len(part.options) == 1 and part.kind != "once":
            self.warn(part.span, f"this {{{part.kind}: ...}} has one option, so it always shows it: separate its "
                                 f"options with '|'", "IFS210")
        self.generic_visit(part)

    def visit_Tag(self, tag: Tag) -> None:
        if not TAG_NAME.fullmatch(tag.name):
            self.error(tag.span, f"'{tag.name}' is not a tag name (one word of letters, digits, '-' and '_'): a tag "
                                 f"is #name or #name: value", "IFS161")

    def visit_Branch(self, branch: Branch) -> None:
        if branch.cond is not None:
            self.expect(branch.cond, Type.BOOL, "'~ if'")
        self.visit_all(branch.body)

    def visit_Condition(self, cond: Condition) -> None:
        self.expect(cond.expr, Type.BOOL, "a choice condition")

    def visit_Effect(self, eff: Effect) -> None:
        self.effect(eff)

    def effect(self, eff: Effect) -> None:
        decl = self.story.flags.get(eff.flag)
        if decl is not None and decl.type in (Type.ENUM, Type.SET) and eff.value is not None:
            self.member_effect(eff, decl)
            return
        value_type = self.type_of(eff.value) if eff.value is not None else None
        if decl is None and eff.flag not in self.broken.flags:
            self.error(eff.span, f"flag '{eff.flag}' is not declared (declare it with @flag {eff.flag}: ...)", "IFS130")
            return
        # a declaration that failed to parse still gives the flag's type when its line names one
        ftype = decl.type if decl is not None else self.broken.flags[eff.flag]
        if ftype is None:  # its declaration names no type, and says so: nothing here can be judged
            return
        if eff.op == "toggle":
            if ftype is not Type.BOOL:
                self.error(eff.span, f"toggle needs a bool flag, but '{eff.flag}' is {_a(ftype)}", "IFS132")
            return
        if eff.op == "add" and ftype is Type.STR:
            if value_type is not None and value_type is not Type.STR:
                self.error(eff.span, f"'+=' on a str flag joins a str to it, but this is {_a(value_type)}", "IFS132")
            return
        if eff.op in ("add", "sub"):
            sign = "+=" if eff.op == "add" else "-="
            if ftype is not Type.INT:
                self.error(eff.span, f"'{sign}' needs an int flag, but '{eff.flag}' is {_a(ftype)}", "IFS132")
            elif value_type is not None and value_type is not Type.INT:
                self.error(eff.span, f"'{sign}' needs a number, but this is {_a(value_type)}", "IFS132")
            return
        if value_type is not None and value_type is not ftype:
            self.error(eff.span, f"flag '{eff.flag}' is {_a(ftype)}; it cannot hold {_a(value_type)}",
                       "IFS132")
        elif isinstance(eff.value, Literal) and decl is not None and ftype is Type.INT:
            v = eff.value.value
            assert isinstance(v, int)
            if decl.clamp(v) != v:
                self.error(eff.value.span, f"{v} is outside the range of '{eff.flag}' ({decl.low}..{decl.high})",
                           "IFS133")

    def member_effect(self, eff: Effect, decl: FlagDecl) -> None:
        """`~ mood = wary`, `~ alive += vask`, `~ alive -= vask`, `~ alive = other_set`."""
        assert eff.value is not None
        if eff.op == "set" and decl.type is Type.SET:
            got = self.type_of(eff.value)
            other = self.member_decl(eff.value)
            if got is not None and (got is not Type.SET or other is None or set(other.members) - set(decl.members)):
                self.error(eff.span, f"flag '{eff.flag}' is a set; it cannot hold {_a(got)}"
                                     f"{' over other members' if got is Type.SET else ''}", "IFS132")
        elif eff.op == "set" or decl.type is Type.SET:
            self.expect_member(eff.value, decl)
        else:
            self.error(eff.span, f"'{'+=' if eff.op == 'add' else '-='}' needs an int, str or set flag, but "
                                 f"'{eff.flag}' is an enum", "IFS132")

    # ---- declarations -----------------------------------------------------

    def flags(self) -> None:
        for decl in self.story.flags.values():
            if decl.name in RESERVED:
                self.error(decl.span, f"'{decl.name}' is a word of the language and cannot name a flag", "IFS136")
            if decl.type is None:
                self.unknown_type(decl)
                continue
            if decl.type in (Type.ENUM, Type.SET):
                self.member_flag(decl)
                continue
            if decl.members:
                self.error(decl.span, f"only enum and set flags list members; '{decl.name}' is {_a(decl.type)}",
                           "IFS133")
            if decl.default_span is not None:  # a bare word: `= flase`, `= calm` for a str
                import difflib

                close = difflib.get_close_matches(str(decl.default), ["true", "false"], n=1) \
                    if decl.type is Type.BOOL else []
                hint = f" (did you mean {close[0]}?)" if close else \
                    f": quote a str (\"{decl.default}\")" if decl.type is Type.STR else ""
                self.error(decl.default_span, f"the default of '{decl.name}' is the bare word '{decl.default}', "
                                              f"which only an enum takes{hint}", "IFS133")
                continue
            if decl.low is not None and decl.type is not Type.INT:
                self.error(decl.span, f"only int flags take a range; '{decl.name}' is {_a(decl.type)}", "IFS133")
            if decl.low is not None and decl.high is not None and decl.low > decl.high:
                self.error(decl.span, f"the range of '{decl.name}' is empty ({decl.low}..{decl.high})", "IFS133")
            t = type_of(decl.default)
            if t is not decl.type:
                self.error(decl.span, f"the default of '{decl.name}' is {_a(t)}, but the flag is {_a(decl.type)}",
                           "IFS133")
            elif decl.type is Type.INT and decl.low is not None and decl.high is not None and decl.low <= decl.high:
                assert isinstance(decl.default, int)
                if decl.clamp(decl.default) != decl.default:
                    self.error(decl.span, f"the default {decl.default} is outside the range {decl.low}..{decl.high}",
                               "IFS133")

    def member_flag(self, decl: FlagDecl) -> None:
        """An enum or a set: its members listed once each, none a flag's name, its default made of them."""
        kind = decl.type.value if decl.type is not None else ""
        if not decl.members:
            self.error(decl.span, f"{_a(decl.type or Type.ENUM)} flag lists its members: @flag {decl.name}: "
                                  f"{kind}{' of' if decl.type is Type.SET else ''} a | b = ...", "IFS133")
            return
        seen: set[str] = set()
        for m in decl.members:
            if m in seen:
                self.error(decl.span, f"'{m}' is listed twice among the members of '{decl.name}'", "IFS133")
            seen.add(m)
            if m in self.story.flags or m in RESERVED:
                what = "a flag" if m in self.story.flags else "a word of the language"
                self.error(decl.span, f"the member '{m}' of '{decl.name}' is also {what}: give it another name",
                           "IFS163")
        if decl.low is not None:
            self.error(decl.span, f"only int flags take a range; '{decl.name}' is {_a(decl.type or Type.ENUM)}",
                       "IFS133")
        default = decl.default
        if decl.type is Type.ENUM and isinstance(default, str) and type(default) is str:
            given: tuple = (default,)
        elif decl.type is Type.SET and isinstance(default, tuple):
            given = default
        else:
            shape = "one of its members" if decl.type is Type.ENUM else "its members in braces, {a, b} or {}"
            self.error(decl.span, f"the default of '{decl.name}' must be {shape}", "IFS133")
            return
        for name in given:
            if name not in decl.members:
                self.error(decl.span, f"'{name}' is not one of {decl.name}'s members: {', '.join(decl.members)}",
                           "IFS162")

    def unknown_type(self, decl: FlagDecl) -> None:
        import difflib

        names = [t.value for t in DECLARABLE]
        written = decl.type_name.lower()
        close = [TYPE_WORDS[written]] if written in TYPE_WORDS else difflib.get_close_matches(written, names, n=1,
                                                                                             cutoff=0.6)
        close = close or [t for t in names if written.startswith(t)]
        hint = f" (did you mean {close[0]}?)" if close else ""
        self.error(decl.type_span, f"'{decl.type_name}' is not a type{hint}: a flag is {', '.join(names[:-1])} "
                                   f"or {names[-1]}", "IFS160")

    # ---- scenes and the graph ---------------------------------------------

    def visit_Scene(self, scene: Scene) -> None:
        if scene.id == RETURN:
            self.error(scene.span, "a scene cannot be called 'return': `-> return` goes back from a tunnel; "
                                   "give the scene another name", "IFS180")
        self.visit_all(scene.tags)
        for part in scene.parts:  # the opening, then what follows each gather or call line
            self.visit_all(part.body)
        self.scene_shape(scene)
        self.visit_all(scene.choices)

    def scene_shape(self, scene: Scene) -> None:
        """What the assembled scene's kind and choices say (an extension's choices count): judged from the
        story's outline, so the incremental check (incremental.py) runs it for every scene, every time."""
        if scene.is_ending:
            if scene.viewpoint not in ENDING_KINDS:
                kinds = ", ".join(ENDING_KINDS)
                got = f"'{scene.viewpoint}'" if scene.viewpoint else "no kind"
                self.error(scene.span, f"ending '{scene.id}' has {got}; give one of {kinds}: "
                                       f"=== ending {scene.id} (canon): ...", "IFS134")
            for c in scene.choices:
                self.error(c.span, f"ending '{scene.id}' cannot have choices: the story stops there", "IFS141")
        elif not scene.choices:
            self.error(scene.span, f"scene '{scene.id}' has no way out: give it a choice, or make it an ending",
                       "IFS140")
        self.gathers(scene)

    def gathers(self, scene: Scene) -> None:
        """The weave of a scene: every choice that names no target has a gather after it, every gather is
        reached by such a choice, and every part after a gather or a call line has a way on. Part of the
        scene's shape (an extension adds its choices to the last part), so it reads only what an outline
        holds: the parts, their spans and their choices."""
        parts = scene.parts
        for i, part in enumerate(parts):
            if i:
                if not any(c.target is None for c in parts[i - 1].choices):
                    self.error(part.span, f"this gather in scene '{scene.id}' is never reached: no choice before "
                                          f"it goes on to it (a choice with no '-> target')", "IFS171")
                elif not part.choices and not scene.is_ending:
                    after = "call" if part.after_call else "gather"
                    self.error(part.span, f"the part of scene '{scene.id}' after this {after} has no way out: give "
                                          f"it a choice", "IFS172")
            if i == len(parts) - 1:
                for c in part.choices:
                    if c.target is None:
                        what = f"calls '{c.call}' and names no target after it" if c.call else "names no target"
                        self.error(c.span, f"choice '{c.local_id}' {what}, and no '~ gather' follows it in "
                                           f"scene '{scene.id}': give it '-> scene', or add a gather after the "
                                           f"choices", "IFS170")

    def visit_Choice(self, c: Choice) -> None:
        self.generic_visit(c)
        if c.call is None:  # most choices: one target, a scene, `return` or the next gather
            if c.target is not None and not c.returns:
                self.scene_named(c.target, c.target_span)
            return
        if RETURN in (c.call, c.target):
            if c.call == RETURN:
                span, how = c.call_span or c.target_span, "`-> return` cannot be called; write `-> return` alone"
            else:
                span = c.target_span
                how = (f"a call goes on to a scene when its tunnel returns: `-> {c.call} -> <scene>`, or "
                       f"`-> {c.call}` to go there for good")
            self.error(span, f"'return' cannot be part of a tunnel call: {how}", "IFS184")
            return
        self.scene_named(c.call, c.call_span or c.target_span)
        if c.target is not None:
            self.scene_named(c.target, c.target_span)

    def scene_named(self, name: str, span: Span) -> None:
        """IFS120: a choice's target (or the tunnel it calls) must be a scene of the story."""
        if name not in self.story.scenes and name not in self.broken.scenes:
            self.error(span, f"choice goes to '{name}', which is not a scene or ending{self.suggest(name)}", "IFS120")

    def tunnel_calls(self) -> None:
        """IFS181-IFS183, from the static picture of the calls (`tunnels.py`, conditions set aside): a return
        the play can reach with no call open, a call whose tunnel never comes back, and tunnels whose every
        road calls again before any return. A tunnel that reaches an ending is fine: the story ends there,
        with the calls still open. Calls from a line of a body are calls like any other."""
        tun = self.tunnels
        scenes = self.story.scenes
        for sid, k in sorted(tun.top, key=lambda p: (scenes[p[0]].span.file, scenes[p[0]].span.line, p[1])):
            ret = next((c for c in scenes[sid].parts[k].choices if c.returns and c.call is None), None)
            if ret is not None:
                how = "it is the start" if sid == self.story.start else "a choice leads to it from the start without a call"
                self.error(ret.target_span, f"`-> return` in scene '{sid}' can be taken with no tunnel call open to "
                                            f"return to: {how} (call it with `-> {sid} -> <scene>`)", "IFS181")
        for t in tun.entered_endless():
            call = tun.first_call(t)
            if call is not None:
                self.error(call.call_span or call.span, f"tunnel '{t}' calls tunnels without end: every road from "
                                                        f"it calls one again ('{call.call}' here) before any return "
                                                        f"or ending, so the calls pile up until play stops at "
                                                        f"{MAX_STACK}", "IFS183")
        for c in tun.calls:
            if c.call in scenes and c.call not in tun.returning and c.call not in tun.endless \
                    and c.target != RETURN:
                onward = f"'{c.target}'" if c.target is not None else "what follows the call in its scene"
                self.error(c.call_span or c.span, f"tunnel '{c.call}' never returns: no road from it reaches "
                                                  f"`-> return`, so the play never goes on to {onward}", "IFS182")

    def suggest(self, name: str) -> str:
        import difflib

        close = difflib.get_close_matches(name, self.story.scenes.keys(), n=1)
        return f" (did you mean '{close[0]}'?)" if close else ""

    def unreachable(self) -> None:
        if self.story.start not in self.story.scenes:
            return
        tun = self.tunnels
        reached = tun.reachable
        # where a call that never returns would go on: reported once, at the call (IFS182, IFS183)
        stranded = {c.target for c in tun.calls if c.call not in tun.returning}
        for scene in self.story.scenes.values():
            if scene.id not in reached and scene.id not in stranded:
                what = "ending" if scene.is_ending else "scene"
                self.warn(scene.span, f"{what} '{scene.id}' can never be reached: no choice leads to it from the start",
                          "IFS200")

    def unread_flags(self) -> None:
        for decl in self.story.flags.values():
            if decl.name not in self.read_flags and decl.label is None:
                self.warn(decl.span, f"flag '{decl.name}' is declared but never read (no condition or text uses it)",
                          "IFS201")

    def automatic_cycles(self) -> None:
        """Scenes that offer only `continue`/`fallback` and lead only into each other loop forever."""
        scenes = self.story.scenes
        auto = {sid for sid, s in scenes.items()  # calls and returns are judged by `tunnel_calls`
                if s.choices and not s.is_ending and all(c.kind is not ChoiceKind.LABELLED and c.call is None
                                                         and not c.returns for c in s.choices)}
        for comp in strong_components(sorted(auto), lambda sid: [c.target for c in scenes[sid].choices if c.target in auto]):
            # a choice that goes on to a gather stays in its scene, inside the component
            closed = all((c.target or sid) in comp for sid in comp for c in scenes[sid].choices)
            cyclic = len(comp) > 1 or any(c.target in comp for c in scenes[next(iter(comp))].choices)
            if closed and cyclic:
                first = min((scenes[s] for s in comp), key=lambda s: (s.span.file, s.span.line))
                names = ", ".join(sorted(comp))
                self.error(first.span, f"these scenes only continue into each other and never let the player out: "
                                       f"{names}", "IFS142")

    def canon_path(self) -> None:
        """Follow the canon choices from the start: each place (a scene, or a part of one after a gather or
        a call line) needs exactly one, and they must reach a canon ending. Calls and returns are followed
        with the stack they move, so a tunnel called twice is passed twice."""
        scenes = self.story.scenes
        here: tuple[str, int] | None = (self.story.start, 0)
        visited: list[str] = []  # in order, for the message
        on_path: set[tuple[str, int, tuple[str, ...]]] = set()  # a place with the calls open there
        stack: list[str] = []
        while here is not None and here[0] in scenes and here[1] < len(scenes[here[0]].parts):
            sid, part = here
            scene = scenes[sid]
            if scene.is_ending:
                if scene.ending_kind != "canon":
                    self.error(scene.span, f"the canon path ends at ending '{sid}', which is not marked (canon)",
                               "IFS150")
                return
            if (sid, part, tuple(stack)) in on_path or len(stack) > MAX_STACK:
                path = visited + [sid]
                shown = path if len(path) <= 12 else path[:8] + [f"... ({len(path) - 10} more)"] + path[-2:]
                self.error(scene.span, f"the canon path comes back to scene '{sid}' and never reaches an ending "
                                       f"(path: {' -> '.join(shown)})", "IFS150")
                return
            if not part or not visited or visited[-1] != sid:
                visited.append(sid)
            on_path.add((sid, part, tuple(stack)))
            marked = canon_marked(scene, part)
            boundary = "call" if scene.parts[part].after_call else "gather"
            where = f"scene '{sid}'" if not part else f"the part of scene '{sid}' after its {boundary} at line " \
                                                          f"{scene.parts[part].span.line}"
            choices = scene.parts[part].choices
            if not marked:
                if choices:
                    self.error(scene.span if not part else scene.parts[part].span,
                               f"{where} is on the canon path, but none of its {len(choices)} "
                               f"choices is marked canon", "IFS150")
                return
            if len(marked) > 1:
                self.error(marked[1].span, f"{where} has {len(marked)} canon choices; the canon path needs "
                                           f"exactly one", "IFS150")
                return
            here = follow(scene, part, marked[0], stack)
            # None: a return with no call open: `tunnel_calls` reports it (IFS181), the canon path among them

    def run(self, semantic: bool) -> list[Diagnostic]:
        self.flags()
        self.visit_all(self.story.scenes.values())
        if semantic:
            self.story_wide()
        return self.diags

    def story_wide(self) -> None:
        """The rules over the whole graph. They read only the story's outline (scene ids, kinds, spans and
        choices' ids, kinds, marks and targets; `incremental.outline`) and `read_flags`: the incremental
        check runs them on the outline alone."""
        self.unreachable()
        self.unread_flags()
        self.automatic_cycles()
        self.tunnel_calls()
        self.canon_path()


_TYPE_RULES: DispatchTable[Callable[[_Checker, Any], Type | None]] = dispatch_table("the type checker", {
    Literal: _Checker._literal, FlagRef: _Checker._flag, SceneCall: _Checker._scene_call,
    RandomCall: _Checker._random_call, NumberWords: _Checker._number_words, Member: _Checker._member,
    Count: _Checker._count, Unary: _Checker._unary,
    Binary: _Checker._binary,
})


def check_story(story: Story, skip_semantic: bool = False, broken: Unparsed = NOTHING) -> list[Diagnostic]:
    """Diagnostics for an assembled story. With syntax errors present, graph-wide rules (reachability,
    unread flags, the canon path) are skipped: the missing scenes would make them cry wolf. What the
    text declares in lines that failed to parse (`broken`: scenes, flags) is not reported as unknown."""
    return _Checker(story, broken).run(semantic=not skip_semantic)


def check_canon_play(story: Story) -> list[Diagnostic]:
    """Play the canon path (seed 0). A canon choice that the path's own flags hide or disable, or a fault
    on the way, breaks it as surely as a missing mark. For a story with no errors: it runs the engine."""
    from .errors import StoryRuntimeError
    from .runtime import Session

    checker = _Checker(story)
    try:
        session = Session(story, 0, render=False)
        for _ in range(10_000):
            if session.is_over:
                break
            view = session.view()
            canon_id = session.canon_choice()
            if canon_id is None:
                break  # reported by the static canon_path rule
            offered = next((c for c in view.choices if c.id == canon_id), None)
            if offered is None or not offered.enabled:
                choice = story.choice(canon_id)
                why = "hidden by its condition" if offered is None else f"disabled ({offered.reason})"
                if offered is None and choice is not None and choice.kind is ChoiceKind.FALLBACK:
                    why = ("a fallback, which is taken only when no other choice is open, and other "
                           "choices are open")
                elif offered is None and choice is not None and not choice.conditions:
                    why = "not offered"
                if canon_id in {s.choice_id for s in session.history}:
                    why = "already taken (it is once-only; make it sticky with '+')"
                span = choice.span if choice is not None else story.scenes[view.scene_id].span
                checker.error(span, f"the canon path reaches scene '{view.scene_id}' but its canon choice is "
                                    f"{why} there (played with seed 0)", "IFS150")
                break
            session.choose(canon_id)
    except StoryRuntimeError as e:
        span = e.span or story.header_span
        checker.error(span, f"playing the canon path fails here: {e.reason}", "IFS150")
    return checker.diags
