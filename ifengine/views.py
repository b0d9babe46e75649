"""What the engine shows a client after each step: immutable views of the scene, its choices, the ending,
and the record of decisions. Clients (players, tools, hosts) read these and never the model."""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from .model import ChoiceKind


@dataclass(frozen=True, slots=True)
class TagView:
    """A `#name` or `#name: value` tag of the script, for the program that plays it (value None: no colon)."""

    name: str
    value: str | None


# The two views made at every step are named tuples rather than frozen dataclasses: just as immutable,
# read by the same attribute names, and about six times cheaper to build (a frozen dataclass sets each
# field through `object.__setattr__`), which is a fifth of a step when prose is not rendered.
# `view._replace(...)` gives a changed copy.


class ChoiceView(NamedTuple):
    id: str
    label: str
    enabled: bool
    reason: str | None  # why it is disabled
    canon: bool
    sticky: bool
    kind: ChoiceKind
    tags: tuple[TagView, ...] = ()


@dataclass(frozen=True, slots=True)
class EndingView:
    id: str
    kind: str
    title: str


class SceneView(NamedTuple):
    """What a client shows after each step: the scene rendered, its choices, the ending if the story is over."""

    scene_id: str
    title: str
    paragraphs: tuple[str, ...]
    interlude: bool
    viewpoint: str | None
    choices: tuple[ChoiceView, ...]
    ending: EndingView | None
    step: int  # how many player choices led here
    passed: tuple["SceneView", ...] = ()  # scenes the story went through by itself (fallbacks) to get here
    tags: tuple[TagView, ...] = ()  # the scene's own tags, then those of each paragraph shown, in order
    paragraph_tags: tuple[tuple[TagView, ...], ...] = ()  # per paragraph, its lines' tags; () if none has any
    # The response of the choice that led here: shown first, before the title (or, after a gather, before
    # the paragraphs that go on with the same scene). Its lines' tags lead `tags`.
    response: tuple[str, ...] = ()
    part: int = 0  # which part of the scene this is: 0 on arrival, k after its k-th gather (no new title)

    @property
    def enabled(self) -> tuple[ChoiceView, ...]:
        return tuple([c for c in self.choices if c.enabled])


@dataclass(frozen=True, slots=True)
class Step:
    """One decision in the history: the scene it was taken in, the choice id, and whether the story took it."""

    scene_id: str
    choice_id: str
    auto: bool = False


@dataclass(frozen=True, slots=True)
class CanonStatus:
    on_path: bool  # every decision so far was canon, or the player has come back onto the canon path
    first_break: str | None  # the scene where the player first left the canon path
    breaks: int  # how many times the player left it
