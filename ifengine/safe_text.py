"""Story text is data, never terminal control. A story file is something people download and share, so
every text output (the plain player, `check`'s quoted lines, `stats`, `explore`, `graph`, transcripts, the
command line's one-line errors) passes what came from a story through `visible` before it is written.

Every control character but newline and tab is shown, never obeyed: a C0 control (U+0000..U+001F) or DEL
(U+007F) becomes its Unicode control picture (ESC is `␛`, BEL `␇`, CR `␍`, DEL `␡`), and a C1 control
(U+0080..U+009F, which some terminals obey like ESC sequences) becomes U+FFFD `�`. Each is one character,
so columns (a caret under a source line) stay where they were, and the result is safe in Markdown, DOT,
Mermaid and XML. JSON output needs none of this: its encoder escapes control characters itself.
"""
from __future__ import annotations

import re

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return "\ufffd"


def visible(text: str) -> str:
    """`text` with every control character but newline and tab made visible (see the module's docstring)."""
    return _CONTROL.sub(_picture, text)


__all__ = ["visible"]
