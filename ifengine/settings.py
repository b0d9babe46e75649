"""The player's own settings, kept between sittings: how the full player looks (the high-contrast theme)
and whether it moves by itself (animation, autoplay's pacing included). A small TOML file in the data
folder, beside the saves (`<data>/settings.toml`, or under IFENGINE_HOME):

    [display]
    theme = "high-contrast"   # or "default"
    animation = false

Written atomically (`files.write_atomically`), so a crash leaves the old file; read leniently, so a
hand-edited file with a mistake gives the defaults for what is wrong and says what, never a traceback,
and an unknown key (a newer ifengine's) is kept as it is the next time the file is written."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import tomli_w

from .files import write_atomically

THEMES = ("default", "high-contrast")


@dataclass(frozen=True)
class Settings:
    theme: str = "default"  # one of THEMES
    animation: bool = True  # False: nothing moves by itself (no animation; autoplay steps at once)
    other: dict[str, object] = field(default_factory=dict, compare=False, repr=False)  # the whole file as read

    @property
    def high_contrast(self) -> bool:
        return self.theme == "high-contrast"


def settings_path() -> Path:
    from .saves import home

    return home() / "settings.toml"


def parse_settings(text: str) -> tuple[Settings, list[str]]:
    """The settings in a file's text, and what in it could not be used (each a sentence). Raises
    ValueError (TOMLDecodeError is one) for text that is not TOML at all."""
    doc = tomllib.loads(text)
    problems: list[str] = []
    display = doc.get("display", {})
    if not isinstance(display, dict):
        problems.append("[display] is not a table")
        display = {}
    theme = display.get("theme", "default")
    if theme not in THEMES:
        problems.append(f"display.theme is {theme!r}; it can be {' or '.join(map(repr, THEMES))}")
        theme = "default"
    animation = display.get("animation", True)
    if not isinstance(animation, bool):
        problems.append(f"display.animation is {animation!r}; it can be true or false")
        animation = True
    return Settings(theme, animation, doc), problems


def read_settings(path: Path | None = None) -> tuple[Settings, list[str]]:
    """The player's settings (the defaults when there is no file yet), and what was wrong in the file,
    each problem a line starting with the file's path."""
    path = path or settings_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings(), []
    except (OSError, UnicodeDecodeError) as e:
        return Settings(), [f"{path}: cannot read the settings ({getattr(e, 'strerror', None) or e}); using the defaults"]
    try:
        settings, problems = parse_settings(text)
    except (ValueError, RecursionError) as e:
        return Settings(), [f"{path}: not a settings file ({e}); using the defaults"]
    return settings, [f"{path}: {p}; using the default" for p in problems]


def dumps(settings: Settings) -> str:
    doc = dict(settings.other)
    display = doc.get("display")
    display = dict(display) if isinstance(display, dict) else {}
    display.update(theme=settings.theme, animation=settings.animation)
    doc["display"] = display
    return tomli_w.dumps(doc)


def write_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write the settings atomically; a settings file there that cannot be read is kept as `.bad`."""
    return write_atomically(path or settings_path(), dumps(settings), parse_settings)


__all__ = ["THEMES", "Settings", "dumps", "parse_settings", "read_settings", "settings_path", "write_settings"]
