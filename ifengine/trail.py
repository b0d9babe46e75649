"""The road a play took, as the player read it: the scene view before each decision and the view now.
The engine keeps only the choice ids (what a save stores); a player that lists past decisions by their
labels (the full player's history and map, the plain player's `history`) replays them on a fresh session.
The engine is deterministic, so the views are exactly those shown on the way forward."""
from __future__ import annotations

from .errors import ChoiceError
from .model import Story
from .program import Program
from .runtime import Session
from .views import SceneView


def trail_of(story: Story | Program, seed: int, choices: list[str] | tuple[str, ...]) -> list[SceneView]:
    """The view before each decision and the view now: replays the choice ids on a fresh session."""
    fresh = Session(story, seed)
    trail = [fresh.view()]
    for cid in choices:
        try:
            trail.append(fresh.choose(cid))
        except ChoiceError:
            break
    return trail


def label_taken(before: SceneView, choice_id: str) -> str:
    """The label of the choice taken from `before`, as the player read it there (its id if not offered)."""
    return next((c.label for c in before.choices if c.id == choice_id), choice_id)


__all__ = ["label_taken", "trail_of"]
