"""Per-story settings of the editor's checks: one file, `ifengine.toml` in the story folder, so every
threshold and every check switched off (with the reason why) is in one place a reader can find.

```toml
[checks.long-stretch]
max-scenes = 6                 # scenes in a row without a real decision (default 4)

[checks.false-choice]
off = "every option is a line of dialogue: what is said is the point"

[checks.thin-ending.allow]     # exempt one subject (here an ending id), with the reason
cut-short = "the abruptness is the point"
```

A file that cannot be used is an IFS400 error at the line that is wrong: a check asked for with
settings it cannot honour must not run as if they were not there.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Diagnostic

FILE_NAME = "ifengine.toml"
SETTINGS_CODE = "IFS400"


@dataclass(frozen=True)
class CheckSpec:
    """A check that can be set: its name in the file, its code, and its thresholds with their defaults."""

    name: str
    code: str
    summary: str
    limits: dict[str, int] = field(default_factory=dict)


# Every check a story can set, in the order of their codes (docs/authoring.md lists them).
CHECKS: dict[str, CheckSpec] = {spec.name: spec for spec in (
    CheckSpec("false-choice", "IFS401", "false choice: the options set nothing and lead to the same place"),
    CheckSpec("flag-gates-nothing", "IFS402", "visible flag that gates nothing"),
    CheckSpec("flags-together", "IFS403", "two flags that always move together"),
    CheckSpec("long-stretch", "IFS404", "long stretch without a real decision", {"max-scenes": 4}),
    CheckSpec("thin-ending", "IFS405", "thin ending: an epilogue under the words it needs", {"min-words": 250}),
    # the style lint (`check --style`, see `style`)
    CheckSpec("digits", "IFS451", "a number in digits in the prose, outside a designation"),
    CheckSpec("spellings", "IFS452", "two spellings of one word in one story"),
    CheckSpec("sentence-frames", "IFS453", "the same sentence frame more than twice on one road",
              {"max-repeats": 2, "frame-words": 3}),
    CheckSpec("spelling", "IFS454", "a word the dictionary and the story's word list do not know"),
)}


@dataclass(frozen=True)
class CheckSettings:
    off: str | None = None  # the reason the check is switched off for this story
    allow: dict[str, str] = field(default_factory=dict)  # subject (a scene, an ending, a flag) -> reason
    limits: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Settings:
    """The editor settings of one story (defaults where the file says nothing, or there is no file)."""

    checks: dict[str, CheckSettings] = field(default_factory=dict)
    path: Path | None = None

    def of(self, name: str) -> CheckSettings:
        return self.checks.get(name, CheckSettings())

    def limit(self, check: str, key: str) -> int:
        return self.of(check).limits.get(key, CHECKS[check].limits[key])

    def enabled(self, check: str) -> bool:
        return self.of(check).off is None

    def allowed(self, check: str, subject: str) -> bool:
        return subject in self.of(check).allow


def _line_of(text: str, *names: str) -> int:
    """The line where the innermost of `names` (a table path) is written, for a message; 1 if not found."""
    lines = text.split("\n")
    for name in reversed(names):
        pattern = re.compile(rf"(^|[\s.\[{{,]){re.escape(name)}\s*[=\].]")
        for n, line in enumerate(lines, 1):
            if pattern.search(line.split("#", 1)[0]):
                return n
    return 1


def read_settings(root: Path) -> tuple[Settings, list[Diagnostic]]:
    """The settings in `root/ifengine.toml` (defaults when there is none), and what is wrong in it."""
    path = root / FILE_NAME
    if not path.is_file():
        return Settings(), []
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        return Settings(path=path), [Diagnostic(shown, 1, 1, f"cannot read the editor settings: {e}", SETTINGS_CODE)]
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        where = re.search(r"at line (\d+), column (\d+)", str(e))
        line, col = (int(where.group(1)), int(where.group(2))) if where else (1, 1)
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(e))
        return Settings(path=path), [Diagnostic(shown, line, col, f"not valid TOML: {reason}", SETTINGS_CODE)]
    return parse_settings(doc, text, path)


def parse_settings(doc: dict, text: str, path: Path) -> tuple[Settings, list[Diagnostic]]:
    diags: list[Diagnostic] = []
    shown = str(path)

    def bad(message: str, *names: str) -> None:
        diags.append(Diagnostic(shown, _line_of(text, *names), 1, message, SETTINGS_CODE))

    for key in doc:
        if key != "checks":
            bad(f"unknown table '{key}': the editor settings hold only [checks.NAME] tables", key)
    tables = doc.get("checks", {})
    if not isinstance(tables, dict):
        bad("'checks' must be a table of [checks.NAME] tables", "checks")
        return Settings(path=path), diags
    checks: dict[str, CheckSettings] = {}
    for name, table in tables.items():
        spec = CHECKS.get(name)
        if spec is None:
            bad(f"unknown check '{name}' (the checks are: {', '.join(CHECKS)})", name)
            continue
        if not isinstance(table, dict):
            bad(f"[checks.{name}] must be a table", name)
            continue
        off = table.get("off")
        allow = table.get("allow", {})
        limits: dict[str, int] = {}
        for key, value in table.items():
            if key in ("off", "allow"):
                continue
            if key not in spec.limits:
                known = ", ".join(["off", "allow", *spec.limits])
                bad(f"[checks.{name}] has no setting '{key}' (it takes: {known})", name, key)
            elif not isinstance(value, int) or isinstance(value, bool) or value < 0:
                bad(f"[checks.{name}] {key} must be a whole number of at least 0, not {value!r}", name, key)
            else:
                limits[key] = value
        if off is not None and (not isinstance(off, str) or not off.strip()):
            bad(f"[checks.{name}] off must give the reason the check is switched off, as a string", name, "off")
            off = None
        if not isinstance(allow, dict) or not all(isinstance(v, str) and v.strip() for v in allow.values()):
            bad(f"[checks.{name}] allow must be a table of names, each with the reason as a string",
                name, "allow")
            allow = {}
        checks[name] = CheckSettings(off, dict(allow), limits)
    return Settings(checks, path), diags
