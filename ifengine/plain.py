"""The plain-text player: for pipes, scripts and screen readers. Prints each scene and numbered choices,
reads one number per line, and closes with `ENDING: <kind>: <title>`. A word instead of a number is a
command (undo, history, save ...: the table is `plain_commands.COMMANDS`), and every move is autosaved
to the full player's slot, so a run goes on in either. `screen_reader.ScreenReaderPlayer` is this player
with output worded for a screen reader."""
from __future__ import annotations

from typing import IO, Callable

from .plain_commands import Outcome, find_command
from .runtime import SceneView, Session
from .safe_text import visible
from .wrap import fill, wrap as wrap_lines

STYLES: dict[str, str] = {"title": "1", "interlude": "3;36", "disabled": "2", "canon": "33", "ending": "1;35",
                          "note": "2"}


class PlainPlayer:
    prompt = "> "

    def __init__(self, session: Session, out: IO[str], colour: bool = False, width: int = 78,
                 source: str = "", autosave: bool = False) -> None:
        self.session = session
        self.out = out
        self.colour = colour
        self.width = width
        self.source = source  # the story's path, recorded in saves
        self.autosaves = autosave  # write the full player's autosave slot after every move

    def style(self, text: str, kind: str) -> str:
        """Text in a style; what the story gave is made visible first (story text is never control)."""
        text = visible(text)
        return f"\x1b[{STYLES[kind]}m{text}\x1b[0m" if self.colour else text

    def say(self, text: str = "") -> None:
        print(text, file=self.out)

    def note(self, text: str) -> None:
        """A line of ifengine's own: a reply to a command, a refusal, a warning."""
        self.say(self.style(text, "note"))

    def repeat(self, view: SceneView) -> None:
        """The `again` command: the current scene once more, without the scenes passed on the way."""
        self.show(view._replace(passed=()))

    def after_move(self) -> None:
        """After every move (a choice, undo, rewind, load): the autosave, in the slot the full player
        continues from. A failure is said and play goes on, as in the full player."""
        if not self.autosaves:
            return
        from .errors import IfengineError
        from .saves import AUTOSAVE, autosave, run_from_session

        try:
            autosave(run_from_session(self.session, name=AUTOSAVE, source=self.source))
        except (OSError, ValueError, IfengineError) as e:
            self.note(f"Autosave failed: {e.strerror if isinstance(e, OSError) and e.strerror else e}")

    def show_text(self, view: SceneView) -> None:
        """The response of the choice that led here, then the scene's title (not again after a gather: the
        scene goes on) and its prose."""
        for para in view.response:
            self.say()
            self.say(visible(fill(para, self.width) if para else ""))
        if not view.part:
            title = view.title
            if view.interlude:
                title = f"{title}  ({view.viewpoint})" if view.viewpoint else title
            self.say()
            self.say(self.style(f"== {title} ==", "interlude" if view.interlude else "title"))
        for para in view.paragraphs:
            self.say()
            wrapped = fill(para, self.width) if para else ""
            self.say(self.style(wrapped, "interlude") if view.interlude else visible(wrapped))

    def show(self, view: SceneView) -> None:
        for earlier in view.passed:
            self.show_text(earlier)
        self.show_text(view)
        if view.ending:
            self.say()
            self.say(self.style(f"ENDING: {view.ending.kind}: {view.ending.title}", "ending"))
            return
        self.show_choices(view)

    def show_taken(self, label: str) -> None:
        """--canon: the choice the story took by itself, as if typed."""
        self.say(f"> {visible(label)}")

    def show_return(self, view: SceneView) -> None:
        """The play has gone back or elsewhere (undo, rewind, load): where it is now."""
        self.show(view._replace(passed=()))

    def show_choices(self, view: SceneView) -> None:
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
        lines = wrap_lines(text, self.width - len(lead)) or [""]
        return [lead + lines[0], *(" " * len(lead) + line for line in lines[1:])]

    def ask(self, view: SceneView, read_line: Callable[[], str]) -> str | Outcome:
        """The choice id for the next line of input, or what a command did (`Outcome.MOVED`: the play is
        elsewhere now; `Outcome.QUIT`, also at end of input). Re-prompts on anything else."""
        n = len(view.choices)
        while True:
            try:  # Ctrl+C, even as the prompt is written: whatever the shell prints next starts on a fresh line
                self.out.write(self.prompt)
                self.out.flush()
                line = read_line()
            except KeyboardInterrupt:
                self.say()
                raise
            if not line:  # end of input (Ctrl+D): the same
                self.say()
                return Outcome.QUIT
            answer = line.strip()
            command = find_command(answer)
            if command is not None:
                outcome = command[0].run(self, command[1])
                if outcome is Outcome.STAY:
                    continue
                return outcome
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
                self.show_taken(next(c.label for c in view.choices if c.id == cid))
            else:
                answer = self.ask(view, read_line)
                if isinstance(answer, Outcome):
                    if answer is not Outcome.MOVED:
                        return False
                    self.show_return(self.session.view())
                    continue
                cid = answer
            self.show(self.session.choose(cid))
            self.after_move()
