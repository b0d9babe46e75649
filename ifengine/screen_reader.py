"""The plain player worded for a screen reader (`ifengine play STORY --screen-reader`, or
IFENGINE_SCREEN_READER=1). A screen reader speaks what is printed, in order, and what it speaks cannot be
skimmed: so each thing is printed once, as a sentence, and nothing is printed for the eye alone. No colour
or other escape sequence, no `== Title ==` rules, no box, bullet or star characters, no hard line breaks
inside a paragraph (the reader wraps, or speaks it whole). "Scene: The Cellar." heads a scene; each choice
is "Choice 1 of 3: Search the shelves.", the canon one marked "(canon)", a closed one followed by
"unavailable:" and the story's reason. The status and the canon compass are spoken on demand (`status`),
never every turn. Input, commands and autosave are the plain player's own."""
from __future__ import annotations

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


__all__ = ["INTRO", "ScreenReaderPlayer"]
