"""The title screen's view of the story library: a quick scan of each story's header lines and scene
headers, without parsing or checking the story. Loading a full story builds the grammar and checks every
scene (a few hundred milliseconds); the title screen only needs the role, title, blurb and the list of
endings, which the header lines give at a glance. The full story is loaded when the player picks it."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .source import SourceFile

_HEADER = re.compile(r"^@(story|title|role|blurb|start)\b\s*(.*)$")
_SCENE = re.compile(r"^===\s*(?:(interlude|ending)\s+)?([A-Za-z0-9_-]+)\s*(?:\(([^)]*)\))?\s*:\s*(.*)$")


@dataclass(frozen=True)
class EndingInfo:
    id: str
    kind: str
    title: str


@dataclass(frozen=True)
class StoryCard:
    """What the title screen shows of one story folder."""

    path: Path
    story_id: str
    title: str
    role: str
    role_line: str
    blurb: str
    endings: tuple[EndingInfo, ...] = ()
    scene_titles: dict[str, str] = field(default_factory=dict)

    def matches(self, name: str) -> bool:
        """Whether `--role NAME` or `--story NAME` names this story (folder, story id or role, any case)."""
        wanted = name.strip().lower()
        return wanted in (self.path.name.lower(), self.story_id.lower(), self.role.lower(),
                          self.role.split()[0].lower() if self.role else "")


def strip_line(line: str) -> str:
    """A script line without its `// comment`, with backslash escapes resolved (as the language reads it)."""
    if "\\" not in line and "//" not in line:  # most lines hold no escape and no comment
        return line.strip()
    out: list[str] = []
    i, quoted = 0, False
    while i < len(line):
        ch = line[i]
        if ch == "\\" and i + 1 < len(line):
            out.append(line[i + 1])
            i += 2
            continue
        if ch == '"':
            quoted = not quoted
        elif ch == "/" and not quoted and line.startswith("//", i):
            break
        out.append(ch)
        i += 1
    return "".join(out).strip()


def scan_story(folder: Path) -> StoryCard:
    """Read the header lines and scene headers of every `.ifs` file of the story at `folder`, by the
    loader's rules (`reading`): a file outside the folder (a link out of it) or one the loader cannot read
    says nothing, and a byte-order mark or CR line ends hide nothing."""
    from .reading import inside, read_source, story_files

    header: dict[str, str] = {}
    endings: list[EndingInfo] = []
    titles: dict[str, str] = {}
    root, files = story_files(folder)
    for path in files:
        source = read_source(path) if inside(path, root) else None
        if not isinstance(source, SourceFile):
            continue
        for raw in source.text.split("\n"):
            if raw.startswith("@"):
                m = _HEADER.match(strip_line(raw))
                if m and m.group(1) not in header:
                    header[m.group(1)] = m.group(2).strip()
            elif raw.startswith("==="):
                m = _SCENE.match(strip_line(raw))
                if not m:
                    continue
                kind, scene_id, extra, title = m.groups()
                titles.setdefault(scene_id, title.strip())
                if kind == "ending":
                    endings.append(EndingInfo(scene_id, (extra or "").strip(), title.strip()))
    role, _, role_line = header.get("role", "").partition(":")
    name = folder.stem if folder.is_file() else folder.name
    return StoryCard(path=folder, story_id=header.get("story", name) or name,
                     title=header.get("title", name) or name, role=role.strip(), role_line=role_line.strip(),
                     blurb=header.get("blurb", ""), endings=tuple(endings), scene_titles=titles)
