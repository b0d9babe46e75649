"""The one way in: find a story by path, id or role, load it, and start a session (from a seed, a run, or
at a scene). The command line, the Textual app and the plain player all start here, so they find the
same stories by the same rule and refuse the same things with the same words. UI-free.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from .errors import StoryError, UsageError
from .model import Story
from .runtime import Session
from .saves import Run


@dataclass
class PlayRequest:
    """What a player was asked to do, whichever command line it came from (`ifengine play`, `play.py`)."""

    story: str | None = None  # a path, a story id, a role or a folder name
    role: str | None = None  # play.py's --role: the same lookup as `story`
    replay: str | None = None  # a run file to play back
    at: str | None = None  # start at this scene, by the shortest path
    seed: int | None = None
    watch: bool = False
    plain: bool = False
    canon: bool = False
    record: str | None = None
    screen_reader: bool = False  # the plain player worded for a screen reader (implies plain)
    collections: tuple[Path, ...] = ()  # folders of story folders given to list on the title screen

    @property
    def name(self) -> str | None:
        return self.story or self.role


def open_story(name: str) -> tuple[Story, Path]:
    """The story at a path, or of that id, role or folder name in the library. Raises UsageError when no
    story is found (naming the ones there are), StoryError (with every diagnostic) when it has errors."""
    from .library import find_story
    from .loader import load

    path = find_story(name)
    if path is None:
        from .library import available

        raise UsageError(f"no story found at or named '{name}' ({available()})")
    loaded = load(path)
    if not loaded.ok:
        error = StoryError(loaded.diagnostics)
        error.story, error.path = loaded.story, path
        raise error
    assert loaded.story is not None
    return loaded.story, path


def new_seed(seed: int | None) -> int:
    return seed if seed is not None else random.randrange(2**31)


def start_session(story: Story, seed: int, at: str | None = None, render: bool = True, seed_given: bool = True
                  ) -> tuple[Session, list[str] | None]:
    """A session at the start, or at scene `at` by the shortest path (the explorer finds it); the path
    taken is returned with it (None from the start). When no path reaches `at` with `seed` but the dice can
    (the scene is behind a `chance()`), the session is played with the first seed that does, and
    `session.seed` says which; unless the seed was the player's (`seed_given`): then that is refused,
    naming the seed that works. The search is bounded (`explore.limits`: AT_STATES, AT_SECONDS)."""
    if at is None:
        return Session(story, seed, render=render), None
    if at not in story.scenes:
        raise UsageError(f"--at: story '{story.id}' has no scene '{at}'")
    from .explore import find_route
    from .explore.limits import AT_SECONDS, AT_STATES

    found = find_route(story, at, seed=seed)
    if found.route is None:
        if not found.complete:
            raise UsageError(f"--at: no path into scene '{at}' was found within the search's bounds "
                             f"({AT_STATES:,} states, {AT_SECONDS:g} s)")
        raise UsageError(f"--at: no path of choices reaches scene '{at}' from the start")
    route = found.route
    if route.seed != seed and seed_given:
        raise UsageError(f"--at: no path reaches scene '{at}' with seed {seed}; with seed {route.seed} one does "
                         f"(--seed {route.seed})")
    session = Session(story, route.seed, render=render)
    for cid in route.path:
        session.choose(cid)
    return session, route.path


def open_run(run_file: str, story_name: str | None = None) -> tuple[Run, Story, Path]:
    """A run file and its story: the one named, else the one the run records (beside its `runs/` folder, at
    its recorded path, or by id). RunFileError for a bad file, UsageError when its story cannot be found."""
    from .library import story_for_run
    from .saves import read_run

    run = read_run(run_file)
    where = Path(story_name) if story_name else story_for_run(Path(run_file), run.story_id, run.source)
    if where is None:
        ignored = (f"; its recorded source '{run.source}' is not a story inside the story library or the run "
                   f"file's folder") if run.source else ""
        raise UsageError(f"{run_file}: cannot find story '{run.story_id}'{ignored} (pass --story PATH)")
    story, path = open_story(str(where))
    return run, story, path


__all__ = ["PlayRequest", "new_seed", "open_run", "open_story", "start_session"]
