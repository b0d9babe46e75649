"""The typed story model: frozen dataclasses built from the parse tree, each carrying its source span.

The model is what the checker inspects and the engine runs; it never refers back to lark.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import Union

from .source import SourceFile, Span

# A set's value is the tuple of its members present, in the order the declaration lists them: hashable,
# written as a list in plain data, and printed in the author's order.
Value = Union[bool, int, str, tuple[str, ...]]


class Node:
    """Base of every model node. `visit.children()` finds a node's children from its dataclass fields, so
    every pass that walks the model (checker, compiler, explorer, stats, graph) sees a new kind of node
    without being taught about it."""

    __slots__ = ()


class ExprNode(Node):
    """Base of the expression nodes (`Expr`)."""

    __slots__ = ()


class Type(str, enum.Enum):
    BOOL = "bool"
    INT = "int"
    STR = "str"
    ENUM = "enum"  # one of the flag's members (a str at run time)
    SET = "set"  # some of the flag's members (a tuple at run time)
    MEMBER = "member"  # a member's name in an expression: what it can be compared with is checked apart


DECLARABLE = (Type.BOOL, Type.INT, Type.STR, Type.ENUM, Type.SET)  # the types a flag may be declared with


def type_of(value: Value) -> Type:
    """The script type of a Python value (bool before int: bool is an int subclass)."""
    if isinstance(value, bool):
        return Type.BOOL
    if isinstance(value, tuple):
        return Type.SET
    return Type.INT if isinstance(value, int) else Type.STR


# ---- expressions -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Literal(ExprNode):
    value: Value
    span: Span


@dataclass(frozen=True, slots=True)
class FlagRef(ExprNode):
    name: str
    span: Span


@dataclass(frozen=True, slots=True)
class Unary(ExprNode):
    op: str  # "not" | "-"
    operand: "Expr"
    span: Span


@dataclass(frozen=True, slots=True)
class Binary(ExprNode):
    op: str  # and or == != < <= > >= + - * /
    left: "Expr"
    right: "Expr"
    span: Span


@dataclass(frozen=True, slots=True)
class SceneCall(ExprNode):
    """`visits(scene)` or `seen(scene)`: the player's history of a scene."""

    func: str
    scene: str
    span: Span


@dataclass(frozen=True, slots=True)
class RandomCall(ExprNode):
    """`roll(sides)` or `chance(percent)`: a draw from the session's seeded generator."""

    func: str
    arg: "Expr"
    span: Span


@dataclass(frozen=True, slots=True)
class NumberWords(ExprNode):
    """`words(n)` or `ordinal(n)` (capitalised, `Words(n)` and `Ordinal(n)`, for a sentence's start): an
    int spelt out as a str ("six", "twenty-first"), so prose never needs digits."""

    func: str
    arg: "Expr"
    span: Span


@dataclass(frozen=True, slots=True)
class Member(ExprNode):
    """A member of an enum or set flag named in an expression (`wary` in `mood == wary`). The script writes
    it as a bare word, like a flag; the loader tells the two apart once every declaration is known."""

    name: str
    span: Span


@dataclass(frozen=True, slots=True)
class Count(ExprNode):
    """`count(set)`: how many members a set holds."""

    arg: "Expr"
    span: Span


Expr = Union[Literal, FlagRef, Unary, Binary, SceneCall, RandomCall, NumberWords, Member, Count]


# ---- text ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Interp(Node):
    expr: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class InlineIf(Node):
    cond: Expr
    then: "Text"
    otherwise: "Text"
    span: Span


@dataclass(frozen=True, slots=True)
class Option(Node):
    """One option of a text alternative: a text like any other."""

    text: "Text"


ALTERNATIVE_KINDS = ("stopping", "cycle", "once", "shuffle")


@dataclass(frozen=True, slots=True)
class Alternatives(Node):
    """`{stopping: a | b | c}` (a, then b, then c for ever), `{cycle: ...}` (a, b, c, a, ...), `{once: ...}`
    (each once, then nothing) or `{shuffle: ...}` (each once per round, in an order seeded by the play).
    `key` names the place in the story (the scene and a digest of the alternative's own text), so what it
    has shown is part of the game state, and editing elsewhere never changes which option comes next."""

    kind: str
    options: tuple[Option, ...]
    key: str
    span: Span


TextPart = Union[str, Interp, InlineIf, Alternatives]
Text = tuple[TextPart, ...]


# ---- tags ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tag(Node):
    """`#name` or `#name: value` at the end of a scene header, a choice or a line of prose: data for the
    program that plays the story (a sound cue, an image, a chapter name), never shown as text."""

    name: str
    value: str | None
    span: Span


Tags = tuple[Tag, ...]


# ---- scene bodies ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Paragraph(Node):
    text: Text
    span: Span
    tags: Tags = ()  # the tags of its lines, in order


@dataclass(frozen=True, slots=True)
class Effect(Node):
    op: str  # "set" | "add" | "sub" | "toggle"
    flag: str
    value: Expr | None
    span: Span


@dataclass(frozen=True, slots=True)
class Branch(Node):
    cond: Expr | None  # None for `~ else`
    body: "Body"
    span: Span


@dataclass(frozen=True, slots=True)
class Conditional(Node):
    branches: tuple[Branch, ...]
    span: Span


BodyItem = Union[Paragraph, Effect, Conditional]
Body = tuple[BodyItem, ...]


# ---- choices and scenes ----------------------------------------------------


class ChoiceKind(str, enum.Enum):
    LABELLED = "labelled"
    CONTINUE = "continue"
    FALLBACK = "fallback"


@dataclass(frozen=True, slots=True)
class Condition(Node):
    expr: Expr
    reason: str | None  # shown when false; None hides the choice instead
    span: Span


# The word a choice goes to to come back from a tunnel (`* continue -> return`): reserved, never a scene id.
RETURN = "return"


def place(scene_id: str, part: int) -> str:
    """A place in the story as the call stack holds it: a scene's id for its opening, `scene#k` for its
    part k (a resume point after a gather or a call line). `#` is never part of a scene id."""
    return f"{scene_id}#{part}" if part else scene_id


def parse_place(text: str) -> tuple[str, int]:
    """The scene and the part a `place` names (a bare scene id is its opening)."""
    sid, _, part = text.partition("#")
    return sid, int(part) if part else 0


@dataclass(frozen=True, slots=True)
class Choice(Node):
    """One choice. `target` is the scene it enters, None for the scene's next part (a gather), or `RETURN`:
    back to where the innermost tunnel call said to go on. With `call` (`-> casualty-report -> hq`) it calls
    a tunnel on the way: the play enters `call`, and when the tunnel returns goes on to `target` (`-> report
    ->` with nothing after: on to the next part). The id never depends on either."""

    id: str  # "<scene>.<local>": what saves record
    local_id: str
    explicit_id: bool
    kind: ChoiceKind
    label: Text
    sticky: bool
    canon: bool
    conditions: tuple[Condition, ...]
    effects: tuple[Effect, ...]
    target: str | None  # None: the choice goes on to the scene's next gather (`~ gather`)
    span: Span
    target_span: Span  # the target's id; the choice's marker when it names none
    tags: Tags = ()
    response: Body = ()  # the lines after its clauses: shown, and their effects run, when it is taken
    call: str | None = None  # a tunnel called on the way: entered first, and `target` is where its return goes on
    call_span: Span | None = None

    @property
    def returns(self) -> bool:
        return self.target == RETURN


@dataclass(frozen=True, slots=True)
class Part(Node):
    """One stretch of a scene, played in order: part 0 is the scene's body and its first choices, part k
    what follows its k-th boundary: a `~ gather`, or a line of the body that calls a tunnel (`-> report ->`),
    whose part before it has that call as its one way on. Entering a scene plays part 0 (a visit, with the
    scene's opening effects); a choice that names no target goes on to the next part, which is no new
    visit. Where a play stands is therefore a scene and a part (`GameState.scene` and `GameState.part`):
    one value, which the call stack holds when a tunnel returns into the middle of a scene."""

    body: Body
    choices: tuple[Choice, ...]
    span: Span  # the `~ gather` line, or the tunnel's id on a call line (the scene's header for part 0)
    after_call: bool = False  # it begins after a call line (where the tunnel returns to), not at a gather


class SceneKind(str, enum.Enum):
    SCENE = "scene"
    INTERLUDE = "interlude"
    ENDING = "ending"


ENDING_KINDS = ("canon", "alternate", "death")

# The range of an `int`: what a 64-bit signed integer holds, symmetric so that negating stays inside. A
# literal outside it is a check-time error (IFS137); arithmetic that leaves it is a fault in play (IFS300).
INT_MAX = 2**63 - 1
INT_MIN = -INT_MAX
# The most text one scene may show (its paragraphs and choice labels, in characters): about 300 pages,
# far beyond any scene, and small enough that a story cannot stall a player by rendering gigabytes
# (a 100,000-character str flag shown a thousand times in one line). Past it, play stops with a fault.
MAX_RENDER = 1_000_000
# The longest str a flag holds. Joining strings (`~ s = s + s`) in a loop would otherwise grow without
# bound; a longer value is a fault in play, as an int out of range is.
STR_MAX = 100_000
# The deepest the tunnel calls of a play may nest: far beyond any story's shared scenes (a report inside a
# radio call inside a briefing), and a bound on a tunnel that calls itself for ever. Past it, a fault.
MAX_STACK = 100


@dataclass(frozen=True, slots=True)
class Scene(Node):
    id: str
    title: str
    kind: SceneKind
    viewpoint: str | None  # interludes: whose eyes; endings: the ending kind
    parts: tuple[Part, ...]  # never empty: part 0 is the body and first choices, then one per `~ gather`
    span: Span
    tags: Tags = ()

    @property
    def body(self) -> Body:
        """The scene's opening: what every visit runs on arrival (part 0's body)."""
        return self.parts[0].body

    @property
    def choices(self) -> tuple[Choice, ...]:
        """Every choice of the scene, part after part: ids are unique across them all."""
        parts = self.parts
        return parts[0].choices if len(parts) == 1 else tuple(c for p in parts for c in p.choices)

    def part_of(self, choice: Choice) -> int:
        """The index of the part that offers the choice."""
        return next(i for i, p in enumerate(self.parts) if any(c is choice or c.id == choice.id for c in p.choices))

    @property
    def is_ending(self) -> bool:
        return self.kind is SceneKind.ENDING

    @property
    def ending_kind(self) -> str | None:
        return self.viewpoint if self.is_ending else None


@dataclass(frozen=True, slots=True)
class Extend(Node):
    scene_id: str
    choices: tuple[Choice, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class FlagDecl(Node):
    name: str
    type: Type | None  # None: the script names no type the language has (the checker reports it)
    default: Value
    low: int | None
    high: int | None
    label: str | None  # set: shown in the player's status panel
    span: Span
    type_name: str = ""  # the type as written, for messages
    type_span: Span = field(default=Span("", 1, 1))
    members: tuple[str, ...] = ()  # an enum's or a set's, in the order declared
    default_span: Span | None = None  # set when the default is a bare word (a member's name): where it is

    def clamp(self, value: int) -> int:
        if self.low is not None and value < self.low:
            return self.low
        if self.high is not None and value > self.high:
            return self.high
        return value


@dataclass(frozen=True, slots=True)
class HeaderField(Node):
    key: str  # story | title | role | blurb | start
    value: str
    extra: str  # the role's one line; "" otherwise
    span: Span


@dataclass(frozen=True, slots=True)
class Include(Node):
    path: str
    span: Span


@dataclass(frozen=True, slots=True)
class ScriptFile(Node):
    """One parsed file: what it declares, before the files of a story are put together."""

    source: SourceFile
    header: tuple[HeaderField, ...] = ()
    flags: tuple[FlagDecl, ...] = ()
    scenes: tuple[Scene, ...] = ()
    extends: tuple[Extend, ...] = ()
    includes: tuple[Include, ...] = ()


@dataclass(frozen=True, slots=True)
class Role(Node):
    name: str
    line: str


@dataclass(frozen=True)
class Story(Node):
    """A whole story: every file merged, extensions folded into their scenes."""

    id: str
    title: str
    role: Role
    blurb: str
    start: str
    flags: dict[str, FlagDecl]
    scenes: dict[str, Scene]
    files: tuple[ScriptFile, ...]
    root: Path
    digest: str  # sha256 of the sources, for saves
    header_span: Span = field(default=Span("", 1, 1))

    @property
    def endings(self) -> list[Scene]:
        return [s for s in self.scenes.values() if s.is_ending]

    def choice(self, choice_id: str) -> Choice | None:
        scene_id, _, _ = choice_id.partition(".")
        scene = self.scenes.get(scene_id)
        if scene is None:
            return None
        return next((c for c in scene.choices if c.id == choice_id), None)
