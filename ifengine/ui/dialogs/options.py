"""The player's settings (`o` anywhere): the high-contrast theme and animation, autoplay's pacing
included. Each change applies at once and is kept for the next sitting (`settings.toml` in the data
folder); Esc closes."""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Static

from ...settings import Settings

if TYPE_CHECKING:
    from ..host import Host


class OptionsDialog(ModalScreen[None]):
    BINDINGS = [Binding("escape,o", "close", "Close")]

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings

    @property
    def host(self) -> Host:
        return cast("Host", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="options"):
            yield Static("Options", classes="dialog-title")
            yield Checkbox("High-contrast colours", self.settings.high_contrast, id="high-contrast")
            yield Checkbox("Animation (autoplay and replays paced for reading)", self.settings.animation,
                           id="animation")
            yield Static("Without animation nothing moves by itself: autoplay and replays take their "
                         "steps at once. Kept for next time.", classes="dialog-note")
            yield Static("Space or Enter toggles · Tab next · Esc close", classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#high-contrast", Checkbox).focus()

    @on(Checkbox.Changed)
    def _changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id == "high-contrast":
            self.settings = replace(self.settings, theme="high-contrast" if event.value else "default")
        elif event.checkbox.id == "animation":
            self.settings = replace(self.settings, animation=event.value)
        self.host.change_settings(self.settings)

    def action_close(self) -> None:
        self.dismiss(None)
