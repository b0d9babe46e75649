"""Messages the player's widgets post upward; screens handle them with `@on(...)`."""
from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class ChoicePicked(Message):
    """The player picked a choice in the choice list (Enter or a click; number keys are screen bindings)."""

    choice_id: str
