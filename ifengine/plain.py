"""The plain-text player: for pipes, scripts and screen readers. Prints each scene and numbered choices,
reads one number per line, and closes with `ENDING: <kind>: <title>`."""
from __future__ import annotations

import textwrap
from typing import IO, Callable

from .runtime import SceneView, Session
from .safe_text import visible

STYLES: dict[str, str] = {"title": "1", "interlude": "3;36", "disabled": "2", "canon": "33", "ending": "1;35",
                          "note": "2"}


class PlainPlayer:
    def __init__(self, session: Session, out: IO[str], colour: bool = False, width: int = 78) -> None:
        self.session = session
        self.out = out
        self.colour = colour
        self.width = width

    def style(self, text: str, kind: str) -> str:
        """Text in a style; what the story gave is made visible first (story text is never control)."""
        text = visible(text)
        return f"\x1b[{STYLES[kind]}m{text}\x1b[0m" if self.colour else text

    def say(self, text: str = "") -> None:
        print(text, file=self.out)

    def show_text(self, view: SceneView) -> None:
        title = view.title
        if view.interlude:
            title = f"{title}  ({view.viewpoint})" if view.viewpoint else title
        self.say()
        self.say(self.style(f"== {title} ==", "interlude" if view.interlude else "title"))
        for para in view.paragraphs:
            self.say()
            wrapped = textwrap.fill(para, self.width) if para else ""
            self.say(self.style(wrapped, "interlude") if view.interlude else visible(wrapped))

    def show(self, view: SceneView) -> None:
        for earlier in view.passed:
            self.show_text(earlier)
        self.show_text(view)
        if view.ending:
            self.say()
            self.say(self.style(f"ENDING: {view.ending.kind}: {view.ending.title}", "ending"))
            return
        self.say()
        for i, c in enumerate(view.choices, 1):
            # Wrapped like prose, each line after the first under the label (the reason with it).
            lead = f"  {i}. "
            mark = " *" if c.canon else ""
            if c.enabled:
                lines = self.wrap(lead, visible(c.label) + mark)
                if mark and lines[-1].endswith(mark):
                    lines[-1] = lines[-1][:-len(mark)] + self.style(mark, "canon")
                self.say("\n".join(lines))
            else:
                self.say(self.style("\n".join(self.wrap(lead, f"{c.label} (unavailable: {c.reason})")),
                                    "disabled"))

    def wrap(self, lead: str, text: str) -> list[str]:
        """`lead` then `text`, wrapped at the width with a hanging indent under the text."""
        return textwrap.wrap(text, self.width, initial_indent=lead, subsequent_indent=" " * len(lead)) or [lead]

    def ask(self, view: SceneView, read_line: Callable[[], str]) -> str | None:
        """The choice id for the next line of input; None at end of input. Re-prompts on anything else."""
        n = len(view.choices)
        while True:
            self.out.write("> ")
            self.out.flush()
            try:
                line = read_line()
            except KeyboardInterrupt:  # Ctrl+C: whatever the shell prints next starts on a fresh line
                self.say()
                raise
            if not line:  # end of input (Ctrl+D): the same
                self.say()
                return None
            answer = line.strip()
            if not answer and n == 1:
                answer = "1"  # one choice: Enter takes it
            if not answer.isdecimal() or not 1 <= int(answer) <= n:
                self.say(self.style("Press 1 or Enter." if n == 1 else f"Please type a number from 1 to {n}.",
                                    "note"))
                continue
            choice = view.choices[int(answer) - 1]
            if not choice.enabled:
                self.say(self.style(f"That choice is unavailable: {choice.reason}", "note"))
                continue
            return choice.id

    def play(self, read_line: Callable[[], str], canon: bool = False) -> bool:
        """Play until an ending (True) or the end of input or a dead end (False)."""
        self.show(self.session.view())
        while True:
            view = self.session.view()
            if view.ending:
                return True
            if not view.enabled:
                self.say(self.style("The story stops here: no choice is available (a dead end).", "note"))
                return False
            if canon:
                cid = self.session.canon_choice()
                if cid is None or cid not in {c.id for c in view.enabled}:
                    self.say(self.style(f"The canon path is not available in scene '{view.scene_id}'.", "note"))
                    return False
                label = next(c.label for c in view.choices if c.id == cid)
                self.say(f"> {visible(label)}")
            else:
                cid = self.ask(view, read_line)
                if cid is None:
                    return False
            self.show(self.session.choose(cid))
