"""The explorer's bounds and the one way it words a fault, shared by the random runs and the search."""
from __future__ import annotations

from ..errors import StoryRuntimeError

MAX_STEPS = 10_000  # a random playthrough longer than this is stopped and reported as capped
MAX_STATES = 250_000  # default bound of the exhaustive search (about 3 KB of memory a state, at worst)
SEED_SEARCH = 2_000  # seeds tried to reproduce a finding that depends on random draws
# Bounds in time as well as in states: one state can cost a long time (a `roll(1000000)` is a million
# outcomes to try), so a state bound alone does not say when a search ends.
MAX_SECONDS = 600.0  # default time bound of the exhaustive search (`explore --max-seconds`)
AT_STATES = 200_000  # `play --at`: states searched for a path into the scene
AT_SECONDS = 10.0  # `play --at`: seconds searched for it (with the seed given, then with the dice tried)


def message(e: BaseException) -> str:
    """A fault as a finding names it: the story's own words, or what went wrong inside the engine."""
    if isinstance(e, StoryRuntimeError):
        return str(e)
    return f"internal error: {type(e).__name__}: {e}"
