"""A playthrough as Markdown: scene titles, prose, the choice taken at each step, the ending."""
from __future__ import annotations

from .model import Story
from .runtime import SceneView, Session


def _scene_md(view: SceneView) -> list[str]:
    lines: list[str] = []
    for earlier in view.passed:
        lines += _scene_md(earlier)
    title = view.title + (f" *({view.viewpoint})*" if view.interlude and view.viewpoint else "")
    lines += [f"## {title}", ""]
    for para in view.paragraphs:
        lines += [f"*{para}*" if view.interlude else para, ""]
    return lines


def transcript(story: Story, seed: int, choices: list[str] | tuple[str, ...]) -> str:
    """Replay the choices and write what the player read. Stops quietly where a choice no longer fits."""
    session = Session(story, seed)
    lines = [f"# {story.title}", "", f"*Playing {story.role.name}: {story.role.line}*", "", f"Seed {seed}.", ""]
    view = session.view()
    lines += _scene_md(view)
    for cid in choices:
        offered = next((c for c in view.choices if c.id == cid and c.enabled), None)
        if offered is None:
            lines += [f"> *The run's next choice, `{cid}`, is not offered here; the transcript stops.*", ""]
            break
        lines += [f"> **{offered.label}**" + (" *(canon)*" if offered.canon else ""), ""]
        view = session.choose(cid)
        lines += _scene_md(view)
    if view.ending:
        lines += [f"**ENDING: {view.ending.kind}: {view.ending.title}**", ""]
    return "\n".join(lines)
