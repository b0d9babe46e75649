"""The words a player can type at the plain player's prompt instead of a choice's number: undo, history,
rewind N, save [NAME], load [NAME], status, again, help, quit. The full player's keys, for a player who
types lines (a screen reader, a terminal without full-screen support).

One table, `COMMANDS`: a command is a name, what it takes, one line of help and a function of the player.
The players (`plain.PlainPlayer` and `screen_reader.ScreenReaderPlayer`) dispatch through `find_command`
and know nothing of any one command; a command knows the player only through `Prompt`."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol

from .errors import IfengineError
from .model import Story
from .runtime import Session
from .views import SceneView


class Outcome(enum.Enum):
    """What the prompt does after a command."""

    STAY = "stay"  # it printed something: ask again, here
    MOVED = "moved"  # the play is somewhere else now (undo, rewind, load): show where
    QUIT = "quit"  # stop playing


class Prompt(Protocol):
    """What a command uses of the player it is typed into."""

    session: Session
    source: str  # the story's path, recorded in the saves written
    autosaves: bool  # whether every move is autosaved (the full player's slot)

    def say(self, text: str = "") -> None: ...

    def note(self, text: str) -> None:
        """A line of ifengine's own (not the story's): a reply to a command, a refusal."""
        ...

    def repeat(self, view: SceneView) -> None:
        """Show the current scene again: its text and its choices."""
        ...

    def after_move(self) -> None:
        """What follows every move (the autosave)."""
        ...


@dataclass(frozen=True)
class Command:
    name: str
    argument: str  # what it takes, for the help ("N", "[NAME]"); "" for nothing
    summary: str
    run: Callable[[Prompt, str], Outcome]

    @property
    def usage(self) -> str:
        return f"{self.name} {self.argument}".strip()


def find_command(line: str) -> tuple[Command, str] | None:
    """The command a line of input names (any case) and the rest of the line, or None: a number, an
    empty line or an unknown word is left to the choice prompt."""
    word, _, rest = line.strip().partition(" ")
    command = COMMANDS.get(word.lower())
    return (command, rest.strip()) if command is not None else None


# ---- the commands ----------------------------------------------------------------


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _undo(p: Prompt, arg: str) -> Outcome:
    if not p.session.choices_taken:
        p.note("Nothing to undo: this is the start of the story.")
        return Outcome.STAY
    p.session.undo()
    p.after_move()
    p.note("Undone.")
    return Outcome.MOVED


def _history(p: Prompt, arg: str) -> Outcome:
    from .trail import label_taken, trail_of

    taken = p.session.choices_taken
    if not taken:
        p.note("No decisions yet: this is the start of the story.")
        return Outcome.STAY
    trail = trail_of(p.session.program, p.session.seed, taken)
    p.note(f"Your decisions so far, {len(taken)}:")
    for i, (before, cid) in enumerate(zip(trail, taken), 1):
        canon = p.session.canon_choice(before.scene_id)
        mark = " (canon)" if canon == cid else ""
        p.note(sentence(f"{i}. {before.title}: you chose {label_taken(before, cid)}{mark}"))
    p.note("Type rewind and a number to go back to just before that decision.")
    return Outcome.STAY


def _rewind(p: Prompt, arg: str) -> Outcome:
    n = len(p.session.choices_taken)
    if n == 0:
        p.note("Nothing to rewind: this is the start of the story.")
        return Outcome.STAY
    if not arg.isdecimal() or not 1 <= int(arg) <= n:
        p.note(f"Type rewind and the number of a decision, from 1 to {n} (history lists them).")
        return Outcome.STAY
    p.session.rewind(int(arg) - 1)
    p.after_move()
    p.note(f"Back to just before decision {arg}.")
    return Outcome.MOVED


def _save(p: Prompt, arg: str) -> Outcome:
    from .saves import AUTOSAVE, run_from_session, slot_path, write_run

    story_id = p.session.story.id
    name = arg or _free_name(story_id)
    path = slot_path(story_id, name)
    if path.stem.lower() == AUTOSAVE:  # (also a name that becomes it: "Autosave!")
        p.note("That name is kept for the autosave; type save and another name.")
        return Outcome.STAY
    replacing = path.exists()
    try:
        write_run(path, run_from_session(p.session, name=name, source=p.source))
    except (OSError, ValueError, IfengineError) as e:
        p.note(f"Could not save: {_why(e)}")
        return Outcome.STAY
    p.note(f"Saved as {name}{', replacing the save of that name' if replacing else ''}. "
           f"Type load {path.stem} to come back here.")
    return Outcome.STAY


def _free_name(story_id: str) -> str:
    from .saves import slot_path

    n = 1
    while slot_path(story_id, f"save-{n}").exists():
        n += 1
    return f"save-{n}"


def _load(p: Prompt, arg: str) -> Outcome:
    from .saves import Run, list_saves, resume

    story = p.session.story
    saves = list_saves(story.id)
    if not arg:
        if not saves:
            p.note("There are no saves of this story yet (save NAME makes one).")
            return Outcome.STAY
        p.note(f"Saves of this story, newest first, {len(saves)}:")
        for path, run in saves:
            p.note(f"{path.stem}: {_describe(run, story) if isinstance(run, Run) else f'unreadable ({run})'}")
        p.note("Type load and a name.")
        return Outcome.STAY
    wanted = Path(arg).stem.lower()
    found = next(((path, run) for path, run in saves if path.stem.lower() == wanted), None)
    if found is None:
        names = ", ".join(path.stem for path, _ in saves) or "none yet"
        p.note(f"No save named {arg} (saves of this story: {names}).")
        return Outcome.STAY
    path, run = found
    if not isinstance(run, Run):
        p.note(f"Cannot load {path.stem}: {run}")
        return Outcome.STAY
    resumed = resume(p.session.program, run, where=str(path))
    p.session = resumed.session
    for message in resumed.messages:
        p.note(f"The story has changed since this save: {message}")
    p.after_move()
    p.note(f"Loaded {path.stem}.")
    return Outcome.MOVED


def _describe(run: object, story: Story) -> str:
    from .saves import Run

    assert isinstance(run, Run)
    scene = story.scenes.get(run.end.scene)
    where = scene.title if scene is not None else run.end.scene
    state = "ended" if run.end.ending else "at"
    return f"{state} {where}, {_plural(run.end.steps, 'decision')}, saved {run.updated:%Y-%m-%d %H:%M} UTC."


def _status(p: Prompt, arg: str) -> Outcome:
    session = p.session
    flags = session.visible_flags()
    if flags:
        p.note("Status: " + " ".join(f"{sentence(f'{label}: {_value(value)}')}" for label, value in flags))
    else:
        p.note("Status: nothing to track in this story.")
    canon = session.canon_status()
    if canon.breaks == 0:
        p.note("Canon compass: you are on the canon path.")
    else:
        scene = session.story.scenes.get(canon.first_break or "")
        where = scene.title if scene is not None else canon.first_break or "an earlier scene"
        times = "once" if canon.breaks == 1 else f"{canon.breaks} times"
        back = "; you are back on it now" if canon.on_path else ""
        p.note(f"Canon compass: you broke from canon at {sentence(where)} You have left it {times}{back}.")
    seen = len(session.visits)
    p.note(f"{_plural(len(session.choices_taken), 'decision')} so far, {_plural(seen, 'scene')} seen.")
    return Outcome.STAY


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _again(p: Prompt, arg: str) -> Outcome:
    p.repeat(p.session.view())
    return Outcome.STAY


def _help(p: Prompt, arg: str) -> Outcome:
    p.note("Type the number of a choice to take it, or one of these commands:")
    for command in COMMANDS.values():
        p.note(f"{command.usage}: {command.summary}")
    return Outcome.STAY


def _quit(p: Prompt, arg: str) -> Outcome:
    if p.autosaves and p.session.choices_taken:
        p.note("Goodbye. Your run is autosaved: load autosave continues it, here or in the full-screen player.")
    return Outcome.QUIT


def sentence(text: str) -> str:
    """`text` ending as a sentence does: a title or a label may already end with . ! ? … or a quote."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", "…", ":", '"', "”")) else f"{text}."


def _why(e: BaseException) -> str:
    return e.strerror if isinstance(e, OSError) and e.strerror else str(e)


COMMANDS: dict[str, Command] = {c.name: c for c in (
    Command("undo", "", "take back your last decision.", _undo),
    Command("history", "", "list your decisions so far, numbered.", _history),
    Command("rewind", "N", "go back to just before decision N of the history (rewind 1: the start).", _rewind),
    Command("save", "[NAME]", "save the run under NAME (without one, the next free save-1, save-2 ...).",
            _save),
    Command("load", "[NAME]", "load the save NAME (load autosave: the last run); without a name, list the "
            "saves.", _load),
    Command("status", "", "the story's status (the values it shows) and the canon compass.", _status),
    Command("again", "", "show the current scene again.", _again),
    Command("help", "", "this list.", _help),
    Command("quit", "", "stop playing (the run is autosaved).", _quit),
)}


__all__ = ["COMMANDS", "Command", "Outcome", "Prompt", "find_command", "sentence"]
