"""The state abstraction: which parts of a game state can change what happens next, worked out from the
model, and the deduplication key built from them. The exhaustive search is exact because two states with
the same key play on identically."""
from __future__ import annotations

import operator
from dataclasses import dataclass, field
from typing import Callable, Iterable

from ..analysis import can_fail, cyclic, draws_or_fails, expr_nodes, joins_strings, strong_components
from ..model import (
    Alternatives, Binary, Condition, Conditional, Effect, Expr, FlagDecl, FlagRef, InlineIf, Interp, Literal,
    RandomCall, SceneCall, Story, Type,
)
from ..runtime import Session
from ..tunnels import tunnels
from ..visit import NodeVisitor, walk

COMPARE = {"==", "!=", "<", "<=", ">", ">="}


@dataclass(frozen=True)
class Relevance:
    """What the deduplication key keeps. Two states that agree on all of it play on identically: the same
    choices are offered and enabled, the same effects are applied, the same runtime errors are raised.

    - `flags`: flags read by a condition, or by an effect on a relevant flag, or by a `~ if` that guards one.
    - `visits`: scene -> cap. A scene whose visits are only compared with constants (`visits(x) > 2`,
      `seen(x)`) needs its count only up to one past the largest constant; `None` keeps the exact count.
    - `cyclic`: scenes that can be entered again; only their used once-only choices can matter later.
    - `full`: a division or `roll()` whose inputs the analysis cannot track (in prose, say) could fail on a
      value the key dropped; then every flag and every visit count read anywhere is kept, so no error can
      be missed (the engine runs such text even when it does not render it), and what every text
      alternative shows next, since that decides which of their texts runs.

    What text alternatives have shown is otherwise left out: their options are text, and text that
    cannot fail changes nothing but what is read (the dice it draws are enumerated, whatever their
    number). A shuffle whose options draw or can fail is decided by the dice (`state.pick`), so the
    search tries each of its options.
    """

    flags: tuple[str, ...]
    visits: tuple[tuple[str, int | None], ...]
    cyclic: frozenset[str]
    full: bool
    random: bool  # the story draws random numbers somewhere
    random_offers: bool  # a choice condition draws: the choices offered are then part of the state
    shown: frozenset[str] = frozenset()  # text alternatives whose next option the key keeps (when `full`)


@dataclass
class _Uses:
    """Every expression of a story, sorted by how its value is used."""

    always: list[Expr] = field(default_factory=list)  # choice conditions
    effects: list[tuple[Expr, str]] = field(default_factory=list)  # effect value, target flag
    guards: list[tuple[Expr, frozenset[str]]] = field(default_factory=list)  # `~ if` cond, flags set inside
    text: list[Expr] = field(default_factory=list)  # prose and labels: they change only what is read
    growing: set[str] = field(default_factory=set)  # str flags an effect joins onto: their length can fault
    seeded: bool = False  # a shuffle's options draw or can fail: the seed decides which of them runs
    places: set[str] = field(default_factory=set)  # alternatives whose next option can matter (when `full`)


class _Collector(NodeVisitor):
    """Sorts every expression of a story by how its value is used. The walk is the model's own, so no kind
    of node is skipped; an expression met in a place no rule here names counts as a condition, which
    keeps it in the key: never unsound, only less compact."""

    def __init__(self, flags: dict[str, FlagDecl]) -> None:
        self.uses = _Uses()
        self.flags = flags

    def visit_ExprNode(self, e: Expr) -> None:
        self.uses.always.append(e)

    def visit_Condition(self, cond: Condition) -> None:
        self.uses.always.append(cond.expr)

    def visit_Interp(self, part: Interp) -> None:
        self.uses.text.append(part.expr)

    def visit_InlineIf(self, part: InlineIf) -> None:
        self.uses.text.append(part.cond)
        self.visit_all(part.then)
        self.visit_all(part.otherwise)

    def visit_Effect(self, eff: Effect) -> None:
        if eff.value is None:
            return
        decl = self.flags.get(eff.flag)
        if decl is not None and decl.type is Type.STR and joins_strings(eff):
            # joining strings can make one too long (a fault), depending on the flag and what is joined
            self.uses.growing.add(eff.flag)
            self.uses.always.append(eff.value)
        else:
            self.uses.effects.append((eff.value, eff.flag))

    def visit_Alternatives(self, part: Alternatives) -> None:
        matters = any(draws_or_fails(o.text) for o in part.options)
        if part.kind == "shuffle" and matters:
            self.uses.seeded = True
        if part.kind != "shuffle" or matters:  # a shuffle of plain text shows what it likes: nothing follows
            self.uses.places.add(part.key)
        self.generic_visit(part)

    def visit_Conditional(self, item: Conditional) -> None:
        targets = frozenset(n.flag for n in walk(item) if isinstance(n, Effect))
        for b in item.branches:
            if b.cond is not None:
                self.uses.guards.append((b.cond, targets))
            self.visit_all(b.body)


def _collect(story: Story) -> _Uses:
    collector = _Collector(story.flags)
    collector.visit_all(story.scenes.values())
    return collector.uses


def _visit_caps(exprs: Iterable[Expr]) -> dict[str, int | None]:
    caps: dict[str, int | None] = {}

    def need(scene: str, cap: int | None) -> None:
        if scene in caps and caps[scene] is None:
            return
        caps[scene] = None if cap is None else max(cap, caps.get(scene) or 0)

    for e in exprs:
        compared: set[int] = set()  # ids of SceneCalls compared with a constant: those may saturate
        for node in expr_nodes(e):
            if isinstance(node, Binary) and node.op in COMPARE:
                for call, other in ((node.left, node.right), (node.right, node.left)):
                    if (isinstance(call, SceneCall) and call.func == "visits" and isinstance(other, Literal)
                            and type(other.value) is int):
                        compared.add(id(call))
                        need(call.scene, max(other.value + 1, 1))
            elif isinstance(node, SceneCall):
                if node.func == "seen":
                    need(node.scene, 1)
                elif id(node) not in compared:
                    need(node.scene, None)
    return caps


def _flags_read(e: Expr) -> set[str]:
    return {n.name for n in expr_nodes(e) if isinstance(n, FlagRef)}


def _cyclic_scenes(story: Story) -> frozenset[str]:
    """Scenes that lie on a cycle of the scene graph (every choice counted, whatever its conditions)."""
    tun = tunnels(story)  # a return goes back to a scene that may be entered again: its edges count too
    succ = {sid: tun.edges(sid) for sid in story.scenes}
    edges = succ.__getitem__
    return frozenset(sid for comp in strong_components(story.scenes, edges) if cyclic(comp, edges) for sid in comp)


def _deciding(uses: _Uses, also: Callable[[Expr], bool], observe: Iterable[Expr] = (),
              start: Iterable[str] = ()) -> tuple[set[str], list[Expr], list[Expr]]:
    """The fixed point at the heart of the abstraction: the flags read by a choice condition (or by an
    `observe`d expression), then those read by an effect on one of them or by a `~ if` guarding one, until
    nothing changes. An expression for which `also` holds is kept whatever it sets; the flags of `start`
    are kept from the outset. Returns the flags, the expressions kept and the expressions dropped."""
    flags: set[str] = set(start)
    kept: list[Expr] = list(uses.always) + list(observe)
    for e in kept:
        flags |= _flags_read(e)
    # each pending use: the expression, and the flag it sets (an effect) or the flags set under it (a guard)
    pending_effects: list[tuple[Expr, str | frozenset[str]]] = list(uses.effects)
    pending_guards: list[tuple[Expr, str | frozenset[str]]] = list(uses.guards)
    changed = True
    while changed:  # a fixed point: effects on kept flags, and `~ if`s guarding them, are kept too
        changed = False
        for group in (pending_effects, pending_guards):
            rest: list[tuple[Expr, str | frozenset[str]]] = []
            for e, target in group:
                hit = target in flags if isinstance(target, str) else bool(target & flags)
                if hit or also(e):
                    kept.append(e)
                    flags |= _flags_read(e)
                    changed = True
                else:
                    rest.append((e, target))
            group[:] = rest
    dropped = uses.text + [e for e, _ in pending_effects] + [e for e, _ in pending_guards]
    return flags, kept, dropped


def gating_flags(story: Story) -> frozenset[str]:
    """The flags that change an outcome: read by a choice condition or by a `~ if` around an effect, or by
    an effect on a flag that does. A flag outside it only changes what the text says."""
    uses = _collect(story)
    guards = {id(e) for e, targets in uses.guards if targets}
    flags, _, _ = _deciding(uses, lambda e: id(e) in guards)
    return frozenset(flags)


def relevance(story: Story, full: bool = False, observe: Iterable[Expr] = ()) -> Relevance:
    """Work out, from the model, which parts of a state the deduplication key must keep. `observe` names
    expressions whose values a tool wants kept apart as if a condition read them (the text of a scene
    whose every version is wanted): their flags, and the visit counts they compare, join the key."""
    uses = _collect(story)
    observed = list(observe)
    everything = (uses.always + [e for e, _ in uses.effects] + [e for e, _ in uses.guards] + uses.text)
    randomness = uses.seeded or any(isinstance(n, RandomCall) for e in everything for n in expr_nodes(e))
    offers = any(isinstance(n, RandomCall) for e in uses.always for n in expr_nodes(e))
    cyclic = _cyclic_scenes(story)
    if not full:
        flags, kept, dropped = _deciding(uses, can_fail, observed, start=uses.growing)
        if any(can_fail(e) for e in dropped):
            full = True
        else:
            caps = _visit_caps(kept)
            return Relevance(tuple(sorted(flags)), tuple(sorted(caps.items())), cyclic, False, randomness, offers)
    caps = {sid: None for sid in _visit_caps(everything + observed)}
    return Relevance(tuple(sorted(story.flags)), tuple(sorted(caps.items())), cyclic, True, randomness, offers,
                     frozenset(uses.places))


def make_key(story: Story, rel: Relevance) -> Callable[[Session], tuple]:
    """The deduplication key of a session under `rel`: scene and part, relevant flags, capped visits, used
    choices, and the tunnel calls open (the places each return will go to: kept whole, in a story that calls).

    It reads the session's live state directly (no copies, no sorting): this runs once per transition."""
    flag_names = rel.flags
    exact = frozenset(s for s, cap in rel.visits if cap is None)
    caps = {s: cap for s, cap in rel.visits if cap is not None}
    capped = frozenset(caps)
    cyclic_choices = frozenset(c.id for sid in rel.cyclic for c in story.scenes[sid].choices if not c.sticky)
    get_flags = _getter(flag_names)

    def base_key(session: Session) -> tuple:
        state = session.state
        used = state.used
        visits = state.visits
        # only scenes entered so far are in `visits`: intersecting keeps the key as small as the path
        return (session.scene_id,
                state.part,  # where in the scene: after a gather, other choices are offered
                get_flags(state.flags),
                frozenset([(s, visits[s]) for s in visits.keys() & exact]) if exact else (),
                frozenset([(s, min(visits[s], caps[s])) for s in visits.keys() & capped]) if capped else (),
                frozenset(used & cyclic_choices) if cyclic_choices and used else ())

    places = rel.shown

    def full_key(session: Session) -> tuple:
        # what text alternatives show next too: it decides which of their texts runs
        shown = session.state.shown
        return base_key(session) + (frozenset([(p, shown[p]) for p in shown.keys() & places]),)
    key = full_key if places else base_key
    if any(c.call is not None for sc in story.scenes.values() for c in sc.choices):
        inner = key

        def key_with_stack(session: Session) -> tuple:
            return inner(session) + (tuple(session.state.stack),)
        key = key_with_stack
    if not rel.random_offers:
        return key

    def key_with_offers(session: Session) -> tuple:
        # A condition that draws (`? roll(6) == 6`) was decided on arrival: two states alike in everything
        # else may offer different choices, so what is offered is part of the key.
        return key(session) + (tuple([c.id for c in session.view().enabled]),)
    return key_with_offers


def _getter(names: tuple[str, ...]) -> Callable[[dict], tuple]:
    if not names:
        return lambda d: ()
    if len(names) == 1:
        name = names[0]
        return lambda d: (d[name],)
    return operator.itemgetter(*names)
