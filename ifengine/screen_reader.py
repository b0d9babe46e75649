"""The plain player worded for a screen reader (`ifengine play STORY --screen-reader`, or
IFENGINE_SCREEN_READER=1). A screen reader speaks what is printed, in order, and what it speaks cannot be
skimmed: so each thing is printed once, as a sentence, and nothing is printed for the eye alone. No colour
or other escape sequence, no `== Title ==` rules, no box, bullet or star characters, no hard line breaks
inside a paragraph (the reader wraps, or speaks it whole). "Scene: The Cellar." heads a scene; each choice
is "Choice 1 of 3: Search the shelves.", the canon one marked "(canon)", a closed one followed by
"unavailable:" and the story's reason. The status and the canon compass are spoken on demand (`status`),
never every turn. Input, commands and autosave are the plain player's own."""
from __future__ import annotations

from pathlib import Path
from typing import IO, Callable

from .plain import PlainPlayer
from .plain_commands import sentence
from .runtime import SceneView, Session
from .safe_text import visible

INTRO = "Type the number of a choice and press Enter, or type help for the commands."


class ScreenReaderPlayer(PlainPlayer):
    prompt = "Your choice: "

    def __init__(self, session: Session, out: IO[str], source: str = "", autosave: bool = False) -> None:
        super().__init__(session, out, colour=False, width=0, source=source, autosave=autosave)

    def show_text(self, view: SceneView) -> None:
        for para in view.response:  # what the choice taken says, before the scene it leads to
            if para.strip():
                self.say(visible(para))
        if not view.part:  # after a gather the scene goes on: no heading again
            if view.interlude:
                seen_by = f", seen by {view.viewpoint}" if view.viewpoint else ""
                heading = f"Interlude{seen_by}: {view.title}"
            else:
                heading = f"Scene: {view.title}"
            self.say()
            self.say(visible(sentence(heading)))
        for para in view.paragraphs:
            if para.strip():
                self.say(visible(para))

    def show_taken(self, label: str) -> None:
        self.say(visible(sentence(f"Taken: {label}")))

    def show_return(self, view: SceneView) -> None:
        """Back in a scene already read (undo, rewind, load): its title and its choices; `again` reads
        its text once more."""
        self.say(visible(sentence(f"Back in {view.title}")))
        if view.ending:
            self.say(self.style(f"ENDING: {view.ending.kind}: {view.ending.title}", "ending"))
        else:
            self.show_choices(view)
            self.say("Type again to hear the scene once more.")

    def show_choices(self, view: SceneView) -> None:
        n = len(view.choices)
        for i, c in enumerate(view.choices, 1):
            head = f"Choice {i} of {n}: "
            if not c.enabled:
                self.say(visible(sentence(f"{head}{c.label}, unavailable: {c.reason}")))
            elif c.canon:
                self.say(visible(sentence(f"{head}{c.label} (canon)")))
            else:
                self.say(visible(sentence(f"{head}{c.label}")))

    def play(self, read_line: Callable[[], str], canon: bool = False) -> bool:
        if not canon:
            self.say(INTRO)
        return super().play(read_line, canon)


def choose_story(folders: list[Path], out: IO[str], read_line: Callable[[], str]) -> Path | None:
    """The screen-reader player's title screen (`ifengine` or `ifengine play` with no story, when the
    screen-reader player is asked for): each story as a sentence, with the run in progress if there is
    one, and a number to pick. None at end of input or `quit`, or when there are no stories."""
    from .catalog import scan_story
    from .saves import AUTOSAVE, RunFileError, read_run, slot_path

    cards = [scan_story(folder) for folder in folders]
    if not cards:
        print("No stories were found. `ifengine docs writing-stories` says how to write one.", file=out)
        return None
    print(f"Stories you can play, {len(cards)}:", file=out)
    for i, card in enumerate(cards, 1):
        parts = [sentence(f"Story {i} of {len(cards)}: {card.role or card.title}"
                          + (f", {card.title}" if card.role else ""))]
        parts += [sentence(text[:1].upper() + text[1:]) for text in (card.role_line, card.blurb) if text]
        try:
            run = read_run(slot_path(card.story_id, AUTOSAVE))
            if run.end.ending is None and run.choices:
                where = card.scene_titles.get(run.end.scene, run.end.scene)
                parts.append(sentence(f"You have a run in progress at {where}"))
        except RunFileError:
            pass
        print(visible(" ".join(parts)), file=out)
    while True:
        out.write("Your story: ")
        out.flush()
        line = read_line()
        if not line:
            print(file=out)
            return None
        answer = line.strip()
        if answer.lower() == "quit":
            return None
        if answer.isdecimal() and 1 <= int(answer) <= len(cards):
            return cards[int(answer) - 1].path
        print(f"Please type a number from 1 to {len(cards)}, or quit.", file=out)


__all__ = ["INTRO", "ScreenReaderPlayer", "choose_story"]
