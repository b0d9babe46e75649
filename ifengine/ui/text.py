"""Story text, rendered literally. An author's `[brackets]` are prose, not markup, and a stray control
character (an escape sequence pasted into a script) is shown as a visible symbol instead of reaching the
terminal, where it could move the cursor or change colours."""
from __future__ import annotations

import re

from rich.text import Text

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control pictures" block: ESC becomes ␛
    return "\u2421" if code == 0x7F else "\ufffd"


def clean(value: object) -> str:
    """A story string (prose, title, label, flag value) with control characters made visible."""
    return _CONTROL.sub(_picture, str(value))


def literal(value: object, style: str = "") -> Text:
    """A `Text` that shows `value` exactly as written: never parsed as markup."""
    return Text(clean(value), style=style)


def flag_value(value: object) -> str:
    """How a flag's value reads in the side panel: booleans as yes/no, numbers and strings as they are."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):  # a set flag: its members, as the story prints them
        from ..compile import show

        return clean(show(value))
    return clean(value)


ENDING_KINDS = {"canon": "Canon ending", "alternate": "Alternate ending", "death": "Death"}


def ending_kind(kind: str) -> str:
    return ENDING_KINDS.get(kind, f"{clean(kind).capitalize()} ending" if kind else "Ending")
