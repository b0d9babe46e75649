"""Diagnostics: one shape for every problem found in a story, printed the way editors expect."""
from __future__ import annotations

import enum
from dataclasses import asdict, dataclass
from typing import Iterable


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem at file:line:col. `code` is stable (tests and tools match on it); `message` is for people."""

    file: str
    line: int
    col: int
    message: str
    code: str = "IFS100"
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.severity.value}: {self.message} [{self.code}]"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def to_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["severity"] = self.severity.value
        return d


# Every code the checker can emit, with a one-line summary (the table in docs/language.md lists them).
CODES: dict[str, str] = {
    "IFS100": "syntax error",
    "IFS101": "file cannot be read (missing, binary, not UTF-8)",
    "IFS102": "line too long",
    "IFS103": "include or file outside the story folder",
    "IFS110": "story header missing or repeated",
    "IFS111": "start scene missing",
    "IFS120": "unknown target scene",
    "IFS121": "duplicate scene id",
    "IFS122": "duplicate choice id",
    "IFS123": "extend of an unknown scene",
    "IFS124": "unknown scene in visits()/seen()",
    "IFS130": "undeclared flag",
    "IFS131": "duplicate flag",
    "IFS132": "type error",
    "IFS133": "value out of the flag's type or range",
    "IFS134": "unknown ending kind",
    "IFS135": "division by zero",
    "IFS136": "a reserved word used as a flag name",
    "IFS137": "integer literal out of range",
    "IFS140": "scene with no way out",
    "IFS141": "ending with choices",
    "IFS142": "cycle of automatic steps",
    "IFS150": "canon path broken",
    "IFS170": "choice with no target and no gather after it",
    "IFS171": "gather no choice goes on to",
    "IFS172": "part of a scene with no way out",
    "IFS160": "unknown flag type",
    "IFS161": "a tag without a proper name",
    "IFS162": "not a member of the enum or set",
    "IFS163": "a member named like a flag or a word of the language",
    "IFS180": "'return' used as a scene id",
    "IFS181": "a return reachable with no tunnel call open",
    "IFS182": "a tunnel call that can never return",
    "IFS183": "tunnel calls that recurse without end",
    "IFS184": "'return' inside a tunnel call",
    "IFS185": "a tunnel call in an ending",
    "IFS186": "a tunnel call inside '~ if'",
    "IFS187": "a tunnel call before the end of a choice's response",
    "IFS188": "a choice that calls two tunnels",
    "IFS200": "unreachable scene",
    "IFS201": "flag never read",
    "IFS210": "text alternatives with a single option",
    # found in play, or when a run is replayed against the story as it is now
    "IFS300": "fault while playing (division by zero, a runaway loop)",
    "IFS310": "run made for another story",
    "IFS311": "run goes on past the story's end",
    "IFS312": "run's choice no longer offered",
    "IFS313": "run's choice fails in play",
    # the editor's checks (`ifengine check --editor`) and the style lint (`--style`): see docs/authoring.md
    "IFS400": "editor settings (ifengine.toml) cannot be used",
    "IFS401": "false choice: the options set nothing and lead to the same place",
    "IFS402": "visible flag that gates nothing",
    "IFS403": "two flags that always move together",
    "IFS404": "long stretch without a real decision",
    "IFS405": "thin ending: an epilogue under the words it needs",
    "IFS406": "the exhaustive search stopped before flags moving together could be proven",
    "IFS450": "the story's word list (words.txt) cannot be read",
    "IFS451": "a number in digits in the prose, outside a designation",
    "IFS452": "two spellings of one word in one story",
    "IFS453": "the same sentence frame more than twice on one road",
    "IFS454": "a word the dictionary and the story's word list do not know",
    "IFS455": "the spelling check cannot run: pyspellchecker is not installed",
}


def has_errors(diags: Iterable[Diagnostic]) -> bool:
    return any(d.is_error for d in diags)


def sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    return (d.file, d.line, d.col, d.code)
