"""Tunnels seen without playing: which scenes are called, which tunnels can come back, where a return can
lead, which places the play reaches with no call open, and tunnels that call again for ever.

One static picture of the call stack, shared by the checker (IFS181-IFS183), the graph, the explorer's
abstraction and the editor's tools, so they never disagree about where a `-> return` goes. Conditions are
set aside (any choice might be open): what it calls reachable may not be, what it calls unreachable is not.

It is drawn on *places* (a scene and a part, `model.Part`), because a call can return into the middle of a
scene: after a call line of its body, or to the gather a choice `-> report ->` goes on to. A place is walked
*at a level*: from it, a plain choice goes on at the same level, a call to a tunnel that can come back goes
on where the call said (the call returns first), and a return leaves the level.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

from .analysis import goes_to
from .model import RETURN, Choice, Story

Place = tuple[str, int]  # a scene's id and the index of one of its parts


@dataclass(frozen=True)
class Tunnels:
    story: Story
    called: frozenset[str]  # scenes some choice calls
    returning: frozenset[str]  # tunnels from which a road reaches a `-> return` at their own level
    region: dict[str, frozenset[Place]]  # tunnel -> the places reached inside it, at its level
    top: frozenset[Place]  # the places reached from the start with no call open
    returns_to: dict[Place, frozenset[Place]]  # place holding a return -> the places it can go back to
    endless: frozenset[str]  # tunnels whose every road calls a tunnel like them before any return or ending
    reachable: frozenset[str]  # scenes some chain of choices (calls and returns followed) reaches from the start

    calls: tuple[Choice, ...]  # every call (from a choice or a line of a body), in story order
    return_scenes: frozenset[str]  # the scenes holding a `-> return`
    part_of: dict[str, int]  # every choice id -> the part of its scene that offers it

    def leads_to(self, scene_id: str, c: Choice) -> tuple[str, ...]:
        """The scenes taking `c` in scene `scene_id` can enter: its target (a tunnel, for a call), or for
        a return every scene a call into a tunnel holding it goes back to. A choice that goes on to its
        scene's next part enters no other scene."""
        return _leads_to(self.story, self.returns_to, (scene_id, self.part_of[c.id]), c)

    def edges(self, scene_id: str) -> list[str]:
        """Every scene a choice of the scene can enter (the scene graph, calls and returns included)."""
        return [t for c in self.story.scenes[scene_id].choices for t in self.leads_to(scene_id, c)]

    def entered_endless(self) -> list[str]:
        """The endless tunnels the play can enter from outside their recursion (or the first of them, when
        they only call each other): one place to report each recursion, not one per tunnel in it."""
        if not self.endless:
            return []
        inside = {p for t in self.endless for p in _plain_closure(self.story, (t, 0))}
        entered = {c.call for p in _places(self.story) if p not in inside for c in _choices(self.story, p)
                   if c.call in self.endless}
        return sorted(e for e in entered if e is not None) or sorted(self.endless)[:1]

    def first_call(self, tunnel: str) -> Choice | None:
        """The first call, in source order, of the places reached from `tunnel` by plain choices alone."""
        calls = [c for p in _plain_closure(self.story, (tunnel, 0)) for c in _choices(self.story, p)
                 if c.call is not None]
        return min(calls, key=lambda c: (c.span.file, c.span.line, c.span.col), default=None)


def _places(story: Story) -> Iterator[Place]:
    for sid, s in story.scenes.items():
        for k in range(len(s.parts)):
            yield sid, k


def _choices(story: Story, p: Place) -> tuple[Choice, ...]:
    return story.scenes[p[0]].parts[p[1]].choices


def _onward(story: Story, p: Place, c: Choice) -> Place | None:
    """Where a plain choice goes, or a call goes on to when its tunnel returns: None when that is no place
    of the story (a scene that does not exist, a gather that is missing: the checker reports those)."""
    nxt = goes_to(story.scenes[p[0]], p[1], c)
    scene = story.scenes.get(nxt[0])
    return nxt if scene is not None and nxt[1] < len(scene.parts) else None


def _level(story: Story, root: Place, returning: set[str] | frozenset[str]) -> set[Place]:
    """The places reached from `root` at its level (see the module's docstring)."""
    if root[0] not in story.scenes:
        return set()
    seen, todo = {root}, [root]
    while todo:
        p = todo.pop()
        for c in _choices(story, p):
            if c.returns or (c.call is not None and c.call not in returning):
                continue  # a return leaves the level; a call that never comes back goes on nowhere
            nxt = _onward(story, p, c)
            if nxt is not None and nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _plain_closure(story: Story, root: Place) -> list[Place]:
    """The places reached from `root` by plain choices (no call, no return), in the order met."""
    if root[0] not in story.scenes:
        return []
    order, seen = [root], {root}
    for p in order:
        for c in _choices(story, p):
            if c.call is None and not c.returns:
                nxt = _onward(story, p, c)
                if nxt is not None and nxt not in seen:
                    seen.add(nxt)
                    order.append(nxt)
    return order


def _has_return(story: Story, places: set[Place]) -> bool:
    return any(c.returns for p in places for c in _choices(story, p))


def _endless(story: Story, called: frozenset[str]) -> frozenset[str]:
    """Tunnels that recurse without end. A place *must call* when its scene is no ending, it offers no
    return, and each of its choices is a call or leads to a place that must call (the least fixed point: a
    loop of plain choices can go round for ever without a call, so it never must). The endless tunnels are
    then the greatest set of called scenes that must call and whose every first call enters one of the set:
    once inside, nothing ever returns or ends, and every road calls again."""
    if not called:
        return frozenset()
    # the least fixed point by a worklist, in time linear in the choices: each candidate waits for the
    # places its plain choices go to, and becomes a must-call place when the last of them has
    waiting: dict[Place, int] = {}
    before: dict[Place | None, list[Place]] = {}  # place -> the candidates with a plain choice into it
    for p in _places(story):
        choices = _choices(story, p)
        if story.scenes[p[0]].is_ending or not choices or any(c.returns for c in choices):
            continue
        plain = [_onward(story, p, c) for c in choices if c.call is None]
        waiting[p] = len(plain)
        for q in plain:
            before.setdefault(q, []).append(p)
    todo = [p for p, n in waiting.items() if n == 0]
    must = set(todo)
    while todo:
        for q in before.get(todo.pop(), ()):
            waiting[q] -= 1
            if waiting[q] == 0:
                must.add(q)
                todo.append(q)
    endless = {t for t in called if (t, 0) in must}
    changed = True
    while changed:
        changed = False
        for t in sorted(endless):
            callees = {c.call for p in _plain_closure(story, (t, 0)) for c in _choices(story, p) if c.call is not None}
            if not callees <= endless:
                endless.discard(t)
                changed = True
    return frozenset(endless)


def _leads_to(story: Story, returns_to: dict[Place, frozenset[Place]], p: Place, c: Choice) -> tuple[str, ...]:
    if c.returns:
        return tuple(sorted({sid for sid, _ in returns_to.get(p, ())}))
    entered = c.call if c.call is not None else c.target
    return (entered,) if entered in story.scenes else ()


def _next_places(story: Story, returns_to: dict[Place, frozenset[Place]], p: Place) -> Iterator[Place]:
    """Every place a choice of `p` can enter: a call's tunnel, a return's places, a plain choice's place."""
    for c in _choices(story, p):
        if c.returns:
            yield from returns_to.get(p, ())
        elif c.call is not None:
            if c.call in story.scenes:
                yield c.call, 0
        else:
            nxt = _onward(story, p, c)
            if nxt is not None:
                yield nxt


def _reachable(story: Story, edges: Callable[[Place], Iterator[Place]]) -> frozenset[Place]:
    start = (story.start, 0)
    if story.start not in story.scenes:
        return frozenset()
    seen, todo = {start}, [start]
    while todo:
        for t in edges(todo.pop()):
            if t not in seen:
                seen.add(t)
                todo.append(t)
    return frozenset(seen)


def tunnels(story: Story) -> Tunnels:
    """The static picture of a story's calls and returns."""
    scenes = story.scenes
    found: list[Choice] = []
    holding: set[str] = set()
    part_of: dict[str, int] = {}
    for sid, s in scenes.items():  # one pass over the choices: the calls, and the scenes with a return
        for k, part in enumerate(s.parts):
            for c in part.choices:
                part_of[c.id] = k
                if c.call is not None:
                    found.append(c)
                elif c.target == RETURN:
                    holding.add(sid)
    calls, return_scenes = tuple(found), frozenset(holding)
    if not calls:  # most stories: no call open anywhere, so what the start reaches is all there is
        top = frozenset(_level(story, (story.start, 0), frozenset()))
        return Tunnels(story, frozenset(), frozenset(), {}, top, {}, frozenset(), frozenset(sid for sid, _ in top),
                       calls, return_scenes, part_of)
    called = frozenset(c.call for c in calls if c.call in scenes)
    returning: set[str] = set()
    changed = True
    while changed:  # a least fixed point: a tunnel comes back if a road reaches a return, calls inside coming back
        changed = False
        for t in sorted(called - returning):
            if _has_return(story, _level(story, (t, 0), returning)):
                returning.add(t)
                changed = True
    region = {t: frozenset(_level(story, (t, 0), returning)) for t in sorted(called)}
    going: dict[Place, set[Place]] = {}
    for c in calls:
        sid = c.id.partition(".")[0]
        onward = _onward(story, (sid, part_of[c.id]), c) if c.target != RETURN else None
        if c.call in region and onward is not None:
            for p in region[c.call]:
                if any(r.returns for r in _choices(story, p)):
                    going.setdefault(p, set()).add(onward)
    returns_to = {p: frozenset(v) for p, v in going.items()}
    places = _reachable(story, lambda p: _next_places(story, returns_to, p))
    return Tunnels(story, called, frozenset(returning), region, frozenset(_level(story, (story.start, 0), returning)),
                   returns_to, _endless(story, called), frozenset(sid for sid, _ in places), calls, return_scenes,
                   part_of)
