"""Tunnels seen without playing: which scenes are called, which tunnels can come back, where a return can
lead, which scenes the play reaches with no call open, and tunnels that call again for ever.

One static picture of the call stack, shared by the checker (IFS181-IFS183), the graph, the explorer's
abstraction and the editor's tools, so they never disagree about where a `-> return` goes. Conditions are
set aside (any choice might be open): what it calls reachable may not be, what it calls unreachable is not.

A scene is walked *at a level*: from it, a plain choice goes on at the same level, a call to a tunnel that
can come back goes on at its `then` scene (the call returns first), and a return leaves the level.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .model import RETURN, Choice, Story


@dataclass(frozen=True)
class Tunnels:
    story: Story
    called: frozenset[str]  # scenes some choice calls
    returning: frozenset[str]  # tunnels from which a road reaches a `-> return` at their own level
    region: dict[str, frozenset[str]]  # tunnel -> the scenes reached inside it, at its level
    top: frozenset[str]  # the scenes reached from the start with no call open
    returns_to: dict[str, frozenset[str]]  # scene holding a return -> the scenes it can go back to
    endless: frozenset[str]  # tunnels whose every road calls a tunnel like them before any return or ending
    reachable: frozenset[str]  # scenes some chain of choices (calls and returns followed) reaches from the start

    calls: tuple[Choice, ...]  # every call, in story order
    return_scenes: frozenset[str]  # the scenes holding a `-> return`

    def leads_to(self, scene_id: str, c: Choice) -> tuple[str, ...]:
        """The scenes taking `c` in scene `scene_id` can enter: its target (a tunnel, for a call), or for
        a return every scene a call into a tunnel holding this scene goes on to."""
        return _leads_to(self.story, self.returns_to, scene_id, c)

    def edges(self, scene_id: str) -> list[str]:
        """Every scene a choice of the scene can enter (the scene graph, calls and returns included)."""
        return _edges(self.story, self.returns_to, scene_id)

    def entered_endless(self) -> list[str]:
        """The endless tunnels the play can enter from outside their recursion (or the first of them, when
        they only call each other): one place to report each recursion, not one per tunnel in it."""
        if not self.endless:
            return []
        inside = {sid for t in self.endless for sid in _plain_closure(self.story, t)}
        entered = {c.target for sid, s in self.story.scenes.items() if sid not in inside for c in s.choices
                   if c.then is not None and c.target in self.endless}
        return sorted(entered) or sorted(self.endless)[:1]

    def first_call(self, tunnel: str) -> Choice | None:
        """The first call, in source order, of the scenes reached from `tunnel` by plain choices alone."""
        calls = [c for sid in _plain_closure(self.story, tunnel) for c in self.story.scenes[sid].choices
                 if c.then is not None]
        return min(calls, key=lambda c: (c.span.file, c.span.line, c.span.col), default=None)


def _level(story: Story, root: str, returning: set[str] | frozenset[str]) -> set[str]:
    """The scenes reached from `root` at its level (see the module's docstring)."""
    scenes = story.scenes
    if root not in scenes:
        return set()
    seen, todo = {root}, [root]
    while todo:
        for c in scenes[todo.pop()].choices:
            if c.returns:
                continue
            if c.then is None:
                nxt = c.target
            elif c.target in returning:
                nxt = c.then  # the call comes back first
            else:
                continue
            if nxt in scenes and nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _plain_closure(story: Story, root: str) -> list[str]:
    """The scenes reached from `root` by plain choices (no call, no return), in the order met."""
    scenes = story.scenes
    order, seen = [root], {root}
    for sid in order:
        for c in scenes[sid].choices:
            if c.then is None and not c.returns and c.target in scenes and c.target not in seen:
                seen.add(c.target)
                order.append(c.target)
    return order


def _has_return(story: Story, scene_ids: set[str]) -> bool:
    return any(c.returns for sid in scene_ids for c in story.scenes[sid].choices)


def _endless(story: Story, called: frozenset[str]) -> frozenset[str]:
    """Tunnels that recurse without end. A scene *must call* when it is no ending, offers no return, and
    each of its choices is a call or leads to a scene that must call (the least fixed point: a loop of
    plain choices can go round for ever without a call, so it never must). The endless tunnels are then
    the greatest set of called scenes that must call and whose every first call enters one of the set:
    once inside, nothing ever returns or ends, and every road calls again."""
    scenes = story.scenes
    if not called:
        return frozenset()
    # the least fixed point by a worklist, in time linear in the choices: each candidate waits for the
    # targets of its plain choices, and becomes a must-call scene when the last of them has
    waiting: dict[str, int] = {}
    before: dict[str, list[str]] = {}  # scene -> the candidates with a plain choice into it
    for sid, s in scenes.items():
        if s.is_ending or not s.choices or any(c.returns for c in s.choices):
            continue
        plain = [c.target for c in s.choices if c.then is None]
        waiting[sid] = len(plain)
        for t in plain:
            before.setdefault(t, []).append(sid)
    todo = [sid for sid, n in waiting.items() if n == 0]
    must = set(todo)
    while todo:
        for p in before.get(todo.pop(), ()):
            waiting[p] -= 1
            if waiting[p] == 0:
                must.add(p)
                todo.append(p)
    endless = {t for t in called if t in must}
    changed = True
    while changed:
        changed = False
        for t in sorted(endless):
            callees = {c.target for sid in _plain_closure(story, t) for c in scenes[sid].choices if c.then is not None}
            if not callees <= endless:
                endless.discard(t)
                changed = True
    return frozenset(endless)


def _leads_to(story: Story, returns_to: dict[str, frozenset[str]], scene_id: str, c: Choice) -> tuple[str, ...]:
    if c.returns:
        return tuple(sorted(returns_to.get(scene_id, ())))
    return (c.target,) if c.target in story.scenes else ()


def _edges(story: Story, returns_to: dict[str, frozenset[str]], scene_id: str) -> list[str]:
    return [t for c in story.scenes[scene_id].choices for t in _leads_to(story, returns_to, scene_id, c)]


def _reachable(story: Story, edges: Callable[[str], list[str]]) -> frozenset[str]:
    start = story.start
    if start not in story.scenes:
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
    for sid, s in scenes.items():  # one pass over the choices: the calls, and the scenes with a return
        for c in s.choices:
            if c.then is not None:
                found.append(c)
            elif c.target == RETURN:
                holding.add(sid)
    calls, return_scenes = tuple(found), frozenset(holding)
    if not calls:  # most stories: no call open anywhere, so what the start reaches is all there is
        top = frozenset(_level(story, story.start, frozenset()))
        return Tunnels(story, frozenset(), frozenset(), {}, top, {}, frozenset(), top, calls, return_scenes)
    called = frozenset(c.target for c in calls if c.target in scenes)
    returning: set[str] = set()
    changed = True
    while changed:  # a least fixed point: a tunnel comes back if a road reaches a return, calls inside coming back
        changed = False
        for t in sorted(called - returning):
            if _has_return(story, _level(story, t, returning)):
                returning.add(t)
                changed = True
    region = {t: frozenset(_level(story, t, returning)) for t in sorted(called)}
    going: dict[str, set[str]] = {}
    for c in calls:
        if c.target in region and c.then in scenes:
            for sid in region[c.target] & return_scenes:
                going.setdefault(sid, set()).add(c.then)
    returns_to = {sid: frozenset(v) for sid, v in going.items()}
    return Tunnels(story, called, frozenset(returning), region, frozenset(_level(story, story.start, returning)),
                   returns_to, _endless(story, called),
                   _reachable(story, lambda sid: _edges(story, returns_to, sid)), calls, return_scenes)
