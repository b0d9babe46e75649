"""A playthrough as Markdown: scene titles, prose, the choice taken at each step, the ending."""
from __future__ import annotations

import re

from .errors import StoryRuntimeError
from .model import Story
from .runtime import SceneView, Session
from .safe_text import visible

_INLINE = re.compile(r"([\\`*_\[\]<>])")
_BLOCK_START = re.compile(r"^(\s*\d*)([#>+=|.)-])")


def md(text: str) -> str:
    """Story text as literal Markdown: emphasis, code and link marks escaped, and a line that would start
    a heading, quote, list or table (`* 21.15. Fog` in a log entry) kept as a paragraph."""
    return _BLOCK_START.sub(r"\1\\\2", _INLINE.sub(r"\\\1", text))


def _scene_md(view: SceneView) -> list[str]:
    lines: list[str] = []
    for earlier in view.passed:
        lines += _scene_md(earlier)
    for para in view.response:  # what the choice taken says, before the scene it leads to
        lines += [md(para), ""]
    if not view.part:  # after a gather the scene goes on under the same title
        title = md(view.title) + (f" *({md(view.viewpoint)})*" if view.interlude and view.viewpoint else "")
        lines += [f"## {title}", ""]
    for para in view.paragraphs:
        lines += [f"*{md(para)}*" if view.interlude else md(para), ""]
    return lines


def transcript(story: Story, seed: int, choices: list[str] | tuple[str, ...]) -> str:
    """Replay the choices and write what the player read. Stops quietly where a choice no longer fits."""
    session = Session(story, seed)
    lines = [f"# {md(story.title)}", "", f"*Playing {md(story.role.name)}: {md(story.role.line)}*", "",
             f"Seed {seed}.", ""]
    view = session.view()
    lines += _scene_md(view)
    for cid in choices:
        offered = next((c for c in view.choices if c.id == cid and c.enabled), None)
        if offered is None:
            lines += [f"> *The run's next choice, `{cid}`, is not offered here; the transcript stops.*", ""]
            break
        lines += [f"> **{md(offered.label)}**" + (" *(canon)*" if offered.canon else ""), ""]
        try:
            view = session.choose(cid)
        except StoryRuntimeError as e:
            lines += [f"> *The story fails here ({md(str(e))}); the transcript stops.*", ""]
            break
        lines += _scene_md(view)
    if view.ending:
        lines += [f"**ENDING: {view.ending.kind}: {md(view.ending.title)}**", ""]
    return visible("\n".join(lines))
