"""The choices of the current scene as a list: arrows and Enter, the mouse, or the number keys (bound on
the play screen). Disabled choices stay in the list, greyed, with the author's reason under them, so the
player sees what a different road would have needed."""
from __future__ import annotations

from rich.text import Text
from textual import on
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...runtime import SceneView
from ..messages import ChoicePicked
from ..text import literal

CANON_MARK = "◆"


def choice_prompt(number: int, label: str, enabled: bool, reason: str | None, canon: bool) -> Text:
    text = Text()
    text.append(f"{number} " if number <= 9 else "  ", style="bold")
    text.append(f"{CANON_MARK} " if canon else "  ", style="bold")
    text.append_text(literal(label))
    if not enabled:
        text.append("\n    ✗ ")
        text.append_text(literal(reason or "not available", "italic"))
    return text


class ChoiceList(OptionList):
    """Posts `ChoicePicked` when an enabled choice is selected."""

    def show(self, view: SceneView, canon_id: str | None) -> None:
        self.clear_options()
        self.add_options(Option(choice_prompt(i, c.label, c.enabled, c.reason, c.id == canon_id),
                                id=c.id, disabled=not c.enabled)
                         for i, c in enumerate(view.choices, 1))
        first = next((i for i, c in enumerate(view.choices) if c.enabled), None)
        self.highlighted = first  # after clear_options nothing is highlighted and Enter would select nothing
        self.display = bool(view.choices)
        self.scroll_home(animate=False)

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(ChoicePicked(event.option.id))
