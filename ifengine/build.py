"""Parse tree -> typed model. Builds what the tree says and reports nothing: the checker judges."""
from __future__ import annotations

import hashlib
import re
from typing import Iterable

from lark import Token, Tree

from .diagnostics import Diagnostic
from .model import (
    DECLARABLE, Alternatives, Binary, Count, Body, BodyItem, Branch, Choice, ChoiceKind, Condition, Conditional, Effect, Expr, Extend,
    FlagDecl, FlagRef, HeaderField, Include, InlineIf, Interp, Literal, NumberWords, Option, Paragraph, Part, RandomCall,
    Scene, SceneCall, SceneKind, ScriptFile, Tag, Tags, Text, TextPart, Unary, Value, INT_MAX, INT_MIN,
)
from .source import SourceFile, Span

_ESCAPE = re.compile(r"\\(.)")
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
ASSIGN = {"=": "set", "+=": "add", "-=": "sub"}
TYPE_NAMES = {t.value: t for t in DECLARABLE}  # the words a flag declaration may give as its type


def unescape(s: str) -> str:
    return _ESCAPE.sub(r"\1", s)


def unquote(token: Token) -> str:
    """A STRING token's value: quotes removed, backslash escapes resolved."""
    return _ESCAPE.sub(lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), str(token)[1:-1])


def slug(label: Text) -> str:
    """The stable part of a derived choice id: the label's literal words, lowercased and hyphenated."""
    words = "".join(p for p in label if isinstance(p, str)).lower()
    s = _SLUG_JUNK.sub("-", words).strip("-")
    if len(s) > 48:
        s = s[:48].rsplit("-", 1)[0]
    return s or "choice"


def first_token(node: Tree | Token) -> Token | None:
    """The first token under a node: where its span starts (the parser keeps no positions on trees)."""
    return _edge_token(node, first=True)


def last_token(node: Tree | Token) -> Token | None:
    """The last token under a node: where its text ends."""
    return _edge_token(node, first=False)


def _edge_token(node: Tree | Token, first: bool) -> Token | None:
    while isinstance(node, Tree):
        for kid in (node.children if first else reversed(node.children)):
            if kid is not None:
                node = kid
                break
        else:
            return None
    return node


def _tok(child: object) -> Token:
    """A tree's child that the grammar makes a terminal (a STRING, an INT): typed as one."""
    assert isinstance(child, Token), child
    return child


def _start(node: Tree | Token) -> int:
    tok = first_token(node)
    return (tok.start_pos or 0) if tok is not None else 0


def _end(node: Tree | Token) -> int:
    tok = last_token(node)
    return (tok.end_pos or 0) if tok is not None else 0


# Binding strength of the binary operators; `not` sits between the comparisons and `and`.
PRECEDENCE = {"or": 1, "and": 2, "==": 4, "!=": 4, "in": 4, "<": 4, "<=": 4, ">": 4, ">=": 4, "+": 5, "-": 5, "*": 6, "/": 6}
NOT_PRECEDENCE = 3


ASSOCIATIVE = frozenset({"+", "*", "and", "or"})  # (a op b) op c == a op (b op c), evaluated left to right


def flat_chain(kids: list) -> bool:
    """A chain of one associative operator and no `not`: built balanced (see `Builder._balanced`)."""
    ops = {str(k) for k in kids[1::2]}
    return (len(kids) > 3 and len(ops) == 1 and ops <= ASSOCIATIVE
            and not any(isinstance(k, Tree) and k.data == "not_" for k in kids[::2]))


def chain_depth(kids: list) -> int:
    """How deep the builder nests a chain of these parse-tree children: its operators, or for a flat
    chain of one associative operator, the depth of the balanced tree."""
    if flat_chain(kids):
        return max(1, (len(kids) // 2).bit_length())
    return max(1, (len(kids) - 1) // 2)


class Builder:
    """Builds one file's model. Holds the source so it can restore spaces the lexer skipped."""

    def __init__(self, src: SourceFile, diagnostics: list[Diagnostic] | None = None) -> None:
        self.src = src
        self.diagnostics = diagnostics if diagnostics is not None else []
        self.place = ""  # the scene being built ("<id>+" for an extension): text alternatives are keyed to it
        self.places: dict[str, int] = {}  # alternatives per place key so far

    def integer(self, tok: Token) -> int:
        """An integer literal's value; one beyond the int range (`model.INT_MAX`) is reported (IFS137) and
        read as the nearest bound, so the rest of the file is still checked. Never converts a huge digit
        string (Python refuses more than 4,300 digits)."""
        digits = str(tok).lstrip("0") or "0"
        if len(digits) <= 19 and int(digits) <= INT_MAX:
            return int(digits)
        shown = digits if len(digits) <= 24 else f"{digits[:12]}...{digits[-6:]} ({len(digits):,} digits)"
        sp = self.span(tok)
        self.diagnostics.append(Diagnostic(sp.file, sp.line, sp.col,
                                           f"the number {shown} is out of range: ints hold {INT_MIN}..{INT_MAX}",
                                           "IFS137"))
        return INT_MAX

    def report(self, node: Tree | Token, message: str, code: str) -> None:
        """A mistake the builder sees (the parse tree has it, the model cannot hold it): reported at the node."""
        sp = self.span(node)
        self.diagnostics.append(Diagnostic(sp.file, sp.line, sp.col, message, code))

    # ---- helpers ----------------------------------------------------------

    def span(self, node: Tree | Token) -> Span:
        tok = first_token(node)
        if tok is None or tok.line is None or tok.column is None:  # a lexed token always has a position
            return Span(self.src.name, 1, 1)
        return Span(self.src.name, tok.line, tok.column, tok.end_line or 0, tok.end_column or 0)

    # ---- expressions ------------------------------------------------------

    def expr(self, node: Tree | Token) -> Expr:
        sp = self.span(node)
        if isinstance(node, Token):  # only inside malformed trees; keep total
            return Literal(str(node), sp)
        kind, kids = node.data, node.children
        if kind == "int_":
            return Literal(self.integer(_tok(kids[0])), sp)
        if kind == "str_":
            return Literal(unquote(_tok(kids[0])), sp)
        if kind == "true":
            return Literal(True, sp)
        if kind == "false":
            return Literal(False, sp)
        if kind == "flag_ref":
            return FlagRef(str(kids[0]), sp)
        if kind in ("visits", "seen"):
            return SceneCall(str(kind), str(kids[1]), sp)
        if kind in ("roll", "chance"):
            return RandomCall(str(kind), self.expr(kids[1]), sp)
        if kind == "number_words":
            return NumberWords(str(kids[0]), self.expr(kids[1]), sp)
        if kind == "count":
            return Count(self.expr(kids[1]), sp)
        if kind == "not_":
            return Unary("not", self.expr(kids[1]), sp)
        if kind == "neg":
            operand = self.expr(kids[1])
            if isinstance(operand, Literal) and type(operand.value) is int:
                return Literal(-operand.value, sp)
            return Unary("-", operand, sp)
        if kind == "chain":
            if flat_chain(kids):
                return self._balanced([self.expr(k) for k in kids[::2]], str(kids[1]))
            result, _ = self._climb(kids, 0, 0)
            return result
        raise ValueError(f"unknown expression node {kind}")  # a grammar change without a builder change

    def _balanced(self, operands: list[Expr], op: str) -> Expr:
        """`a + b + c + d` as `(a + b) + (c + d)`: the same value (the operator is associative), read in the
        same order, but as deep as the logarithm of its length, so a long flat sum nests no deeper than a
        short one."""
        if len(operands) == 1:
            return operands[0]
        mid = len(operands) // 2
        left = self._balanced(operands[:mid], op)
        return Binary(op, left, self._balanced(operands[mid:], op), left.span)

    def _climb(self, seq: list, i: int, min_prec: int) -> tuple[Expr, int]:
        """Precedence climbing over a flat chain `operand op operand op ...`, from index i.
        Returns the expression and the index after it. Binary operators associate to the left."""
        left, i = self._prefix(seq, i)
        while i < len(seq):
            op = str(seq[i])
            prec = PRECEDENCE[op]
            if prec < min_prec:
                break
            right, i = self._climb(seq, i + 1, prec + 1)
            left = Binary(op, left, right, left.span)
        return left, i

    def _prefix(self, seq: list, i: int) -> tuple[Expr, int]:
        node = seq[i]
        if isinstance(node, Tree) and node.data == "not_":
            # `not` takes everything that binds tighter than it: `not a == b and c` is `(not (a == b)) and c`.
            operand, j = self._climb([node.children[1], *seq[i + 1:]], 0, NOT_PRECEDENCE + 1)
            return Unary("not", operand, self.span(node)), i + j
        return self.expr(node), i + 1

    # ---- text -------------------------------------------------------------

    def text(self, pieces: Iterable[Tree | Token], strip: bool = True) -> Text:
        """Inline pieces -> Text, restoring the spaces the lexer ignored between them."""
        merged: list[TextPart] = []  # neighbouring strings are joined as they come
        source = self.src.text
        prev_end = -1
        for piece in pieces:
            token = piece if isinstance(piece, Token) else None
            # a lexed token always has its positions (`or 0` only tells the type checker so, as in _start)
            start = (token.start_pos or 0) if token is not None else _start(piece)
            gap = source[prev_end:start] if 0 <= prev_end < start else ""
            if token is not None:
                value = str(token)
                chunk = gap + (unescape(value) if "\\" in value else value)
            else:
                chunk = gap
            if chunk:
                if merged and type(merged[-1]) is str:
                    merged[-1] += chunk
                else:
                    merged.append(chunk)
            if isinstance(piece, Tree):
                merged.append(self.inline(piece))
            prev_end = (token.end_pos or 0) if token is not None else _end(piece)
        if strip and merged:
            if type(merged[0]) is str:
                merged[0] = merged[0].lstrip()
            if type(merged[-1]) is str:
                merged[-1] = merged[-1].rstrip()
            merged = [p for p in merged if p != ""]
        return tuple(merged)

    def inline(self, node: Tree) -> TextPart:
        if node.data == "interp":
            return Interp(self.expr(node.children[1]), self.span(node))
        if node.data == "alternatives":
            return self.alternatives(node)
        _, cond, then, otherwise, _ = node.children  # inline_if: { cond : then | otherwise }
        return InlineIf(
            self.expr(cond),
            self.text(then.children) if then is not None else (),
            self.text(otherwise.children) if otherwise is not None else (),
            self.span(node),
        )

    def alternatives(self, node: Tree) -> Alternatives:
        lbrace, kind, *branches, rbrace = node.children
        options = tuple(Option(self.text(b.children)) for b in branches)
        # The place: the scene and a digest of the alternative's own text (its n-th twin in the scene gets
        # ".n"), so edits elsewhere leave it, and what it has shown, where they were.
        source = " ".join(self.src.text[_tok(lbrace).start_pos or 0:_tok(rbrace).end_pos or 0].split())
        base = f"{self.place}/{hashlib.sha256(source.encode('utf-8')).hexdigest()[:10]}"
        twins = self.places[base] = self.places.get(base, 0) + 1
        return Alternatives(str(kind), options, base if twins == 1 else f"{base}.{twins}", self.span(node))

    # ---- bodies -----------------------------------------------------------

    def tags(self, node: Tree | None) -> Tags:
        """`#name` or `#name: value` tokens as tags: the name as written (the checker judges it), the value
        trimmed and unescaped, None when there is no colon."""
        if node is None:
            return ()
        out = []
        for tok in node.children:
            name, colon, value = unescape(str(tok)[1:]).partition(":")
            out.append(Tag(name.strip(), value.strip() if colon else None, self.span(tok)))
        return tuple(out)

    def body(self, nodes: Iterable[Tree]) -> Body:
        """Body items in order; consecutive prose lines with no blank line between them form one paragraph."""
        items: list[BodyItem] = []
        last_line: list | None = None  # the previous prose line's pieces, if the previous item was prose
        for node in nodes:
            if node.data == "prose_line":
                *pieces, tag_node = node.children  # a prose line always ends with its (optional) tags
                text, tags = self.text(pieces), self.tags(tag_node)
                if last_line is not None and not _BLANK_LINE.search(
                        self.src.text[_end(last_line[-1]):_start(pieces[0])]):
                    prev = items[-1]
                    assert isinstance(prev, Paragraph)
                    joined = prev.text + ((" ",) if prev.text and text else ()) + text
                    items[-1] = Paragraph(self._merge(joined), prev.span, prev.tags + tags)
                else:
                    items.append(Paragraph(text, self.span(node), tags))
                last_line = pieces
                continue
            last_line = None
            if node.data in ("effect", "toggle"):
                items.append(self.effect(node))
            elif node.data == "cond_block":
                items.append(self.conditional(node))
            elif node.data == "body_call":  # a scene's and a response's own calls were taken out before
                self.report(node, f"a tunnel call cannot be inside '~ if': the play needs one place to go on "
                                  f"from when '{node.children[0]}' returns (call from a choice with a '?' line, "
                                  f"or move the call out of the block)", "IFS186")
        return tuple(items)

    @staticmethod
    def _merge(parts: Text) -> Text:
        out: list[TextPart] = []
        for p in parts:
            if isinstance(p, str) and out and isinstance(out[-1], str):
                out[-1] = out[-1] + p
            else:
                out.append(p)
        return tuple(out)

    def effect(self, node: Tree) -> Effect:
        if node.data == "toggle":
            return Effect("toggle", str(node.children[1]), None, self.span(node))
        _, flag, op, value = node.children
        return Effect(ASSIGN[str(op)], str(flag), self.expr(value), self.span(node))

    def conditional(self, node: Tree) -> Conditional:
        kids = node.children
        branches = [Branch(self.expr(kids[1]), self.body(self._body_nodes(kids[2:])), self.span(kids[0]))]
        for kid in kids:
            if isinstance(kid, Tree) and kid.data == "elif_part":
                branches.append(Branch(self.expr(kid.children[1]), self.body(self._body_nodes(kid.children[2:])),
                                       self.span(kid.children[0])))
            elif isinstance(kid, Tree) and kid.data == "else_part":
                branches.append(Branch(None, self.body(self._body_nodes(kid.children[1:])), self.span(kid.children[0])))
        return Conditional(tuple(branches), self.span(node))

    @staticmethod
    def _body_nodes(nodes: Iterable[object]) -> list[Tree]:
        return [n for n in nodes if isinstance(n, Tree)
                and n.data in ("prose_line", "effect", "toggle", "cond_block", "body_call")]

    # ---- choices and scenes -----------------------------------------------

    def choice(self, node: Tree, scene_id: str, gather: int = 0) -> Choice:
        """One choice. Its derived id is its label's slug (or `continue`, `fallback`); after a scene's k-th
        gather it ends in `-g<k>`, so a `* continue` in each part of a weave keeps its own id, and a choice
        before the first gather keeps the id it had before gathers existed (a call line, which splits a part
        too, changes no id). A call as the last line of its response is the choice's call."""
        mark, choice_id, canon, body, first, onward, tag_node, *clauses, response = node.children
        if isinstance(body, Tree):  # label
            kind, label = ChoiceKind.LABELLED, self.text(body.children)
        else:
            kind = ChoiceKind.CONTINUE if body.type == "CONTINUE" else ChoiceKind.FALLBACK
            label = ("Continue",) if kind is ChoiceKind.CONTINUE else ()
        if choice_id is not None:
            local, explicit = str(choice_id.children[0]), True
        else:
            local, explicit = (slug(label) if kind is ChoiceKind.LABELLED else kind.value), False
            if gather:
                local += f"-g{gather}"
        conditions = tuple(
            Condition(self.expr(c.children[1]), unquote(_tok(c.children[2])) if c.children[2] is not None else None,
                      self.span(c))
            for c in clauses if c.data == "condition"
        )
        effects = tuple(self.effect(c) for c in clauses if c.data in ("effect", "toggle"))
        # `-> a` goes to a; `-> t -> a` calls t, then goes to a; `-> t ->` calls t, then on to the next gather
        call, target = (first, onward.children[0]) if onward is not None else (None, first)
        lines = list(response.children) if response is not None else []
        for i, line in enumerate(lines):
            if line.data != "body_call":
                continue
            if i < len(lines) - 1:
                self.report(line, "a tunnel call in a choice's response must be its last line: the lines after "
                                  "it have no place to go on from when the tunnel returns (put them after a "
                                  "'~ gather', or in the scene the choice leads to)", "IFS187")
            elif call is not None:
                self.report(line, f"choice already calls '{call}': a choice calls one tunnel (call the next "
                                  f"from the tunnel itself, or from a line after a '~ gather')", "IFS188")
            else:
                call = line.children[0]
        lines = [n for n in lines if n.data != "body_call"]
        return Choice(
            id=f"{scene_id}.{local}", local_id=local, explicit_id=explicit, kind=kind, label=label,
            sticky=str(mark) == "+", canon=canon is not None, conditions=conditions, effects=effects,
            target=str(target) if target is not None else None, span=self.span(mark),
            target_span=self.span(target if target is not None else mark), tags=self.tags(tag_node),
            response=self.body(lines), call=str(call) if call is not None else None,
            call_span=self.span(call) if call is not None else None,
        )

    def parts(self, nodes: Iterable[Tree], scene: tuple[str, SceneKind], gather: int, span: Span) -> list[Part]:
        """The parts of a scene between two gathers (or its start and its first gather): its body items, then
        its choices (the grammar keeps them in that order). Each call line of the body ends a part, whose
        one way on is that call: a sticky fallback that calls the tunnel and goes on to the next part."""
        sid, kind = scene
        parts: list[Part] = []
        lines: list[Tree] = []
        calls: dict[str, int] = {}  # calls of each tunnel so far between these gathers, for the ids
        after_call = False
        items = list(nodes)
        for n in items:
            if n.data == "choice":
                continue
            if n.data != "body_call":
                lines.append(n)
                continue
            tunnel = n.children[0]
            if kind is SceneKind.ENDING:
                self.report(n, f"ending '{sid}' cannot call a tunnel: the story is over there, and nothing goes on "
                               f"after the call (call '{tunnel}' from the choice that leads here)", "IFS185")
                continue
            calls[str(tunnel)] = calls.get(str(tunnel), 0) + 1
            local = f"call-{tunnel}" + (f"-{calls[str(tunnel)]}" if calls[str(tunnel)] > 1 else "") \
                + (f"-g{gather}" if gather else "")
            at = self.span(n)
            way_on = Choice(id=f"{sid}.{local}", local_id=local, explicit_id=False, kind=ChoiceKind.FALLBACK,
                            label=(), sticky=True, canon=False, conditions=(), effects=(), target=None, span=at,
                            target_span=at, call=str(tunnel), call_span=at)
            parts.append(Part(self.body(lines), (way_on,), span, after_call))
            lines, span, after_call = [], at, True
        parts.append(Part(self.body(lines), tuple(self.choice(n, sid, gather) for n in items if n.data == "choice"),
                          span, after_call))
        return parts

    def scene(self, node: Tree) -> Scene:
        kind_node, scene_id, viewpoint, title, tag_node, *rest = node.children
        kind = SceneKind.SCENE if kind_node is None else SceneKind(kind_node.data)
        sid = self.place = str(scene_id)
        gathers = [n for n in rest if n.data == "gather"]
        parts = self.parts((n for n in rest if n.data != "gather"), (sid, kind), 0, self.span(scene_id))
        for i, g in enumerate(gathers, 1):
            mark, *items = g.children
            parts += self.parts(items, (sid, kind), i, self.span(mark))
        return Scene(
            id=sid, title=unescape(str(title)).strip(), kind=kind,
            viewpoint=unescape(str(viewpoint.children[0])).strip() if viewpoint is not None else None,
            parts=tuple(parts), span=self.span(scene_id), tags=self.tags(tag_node),
        )

    def flag(self, node: Tree) -> FlagDecl:
        name, ftype, _of, members, rng, literal, label = node.children
        low = high = None
        if rng is not None:
            low, high = (self.signed(n) for n in rng.children)
        written = str(ftype)
        listed = tuple(str(m) for m in members.children) if members is not None else ()
        default = self.literal(literal)
        if isinstance(default, tuple):  # a set's members, kept in the order the declaration lists them
            default = tuple(sorted(default, key=lambda m: listed.index(m) if m in listed else len(listed)))
        return FlagDecl(
            name=str(name), type=TYPE_NAMES.get(written), default=default,
            low=low, high=high, label=unquote(_tok(label)) if label is not None else None, span=self.span(name),
            type_name=written, type_span=self.span(ftype), members=listed,
            default_span=self.span(literal) if literal.data == "member" else None,
        )

    def signed(self, node: Tree) -> int:
        minus, digits = node.children
        value = self.integer(_tok(digits))
        return -value if minus is not None else value

    def literal(self, node: Tree) -> Value:
        if node.data == "member":
            return str(node.children[0])
        if node.data == "members_literal":
            return tuple(dict.fromkeys(str(m) for m in node.children[1:-1] if m is not None))
        if node.data == "true":
            return True
        if node.data == "false":
            return False
        if node.data == "string":
            return unquote(_tok(node.children[0]))
        return self.signed(node.children[0] if node.data == "literal" else node)

    def file(self, items: list[Tree]) -> ScriptFile:
        header: list[HeaderField] = []
        flags: list[FlagDecl] = []
        scenes: list[Scene] = []
        extends: list[Extend] = []
        includes: list[Include] = []
        for node in items:
            kind = node.data
            if kind == "scene":
                scenes.append(self.scene(node))
            elif kind == "extend":
                sid = str(node.children[0])
                self.place = sid + "+"
                extends.append(Extend(sid, tuple(self.choice(c, sid) for c in node.children[1:]),
                                      self.span(node.children[0])))
            elif kind == "flag":
                flags.append(self.flag(node))
            elif kind == "include":
                includes.append(Include(unquote(_tok(node.children[0])), self.span(node.children[0])))
            elif kind == "role":
                name, line = node.children
                header.append(HeaderField("role", unescape(str(name)).strip(), unescape(str(line)).strip(),
                                          self.span(name)))
            else:
                key = {"story_id": "story", "start_scene": "start"}.get(kind, kind)
                tok = node.children[0]
                header.append(HeaderField(key, unescape(str(tok)).strip(), "", self.span(tok)))
        return ScriptFile(self.src, tuple(header), tuple(flags), tuple(scenes), tuple(extends), tuple(includes))


def build_file(src: SourceFile, items: list[Tree], diagnostics: list[Diagnostic] | None = None) -> ScriptFile:
    """One file's model; problems only the builder sees (a number out of range) go to `diagnostics`."""
    return Builder(src, diagnostics).file(items)
