"""The story as a graph: scenes as nodes, choices as labelled edges, in Mermaid, Graphviz DOT or SVG (through
Graphviz's `dot`). The canon path is drawn thick, endings are shaped apart by kind, unreachable scenes dashed.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

from .analysis import canon_path, canon_walk
from .errors import ToolError
from .safe_text import visible
from .tunnels import tunnels
from .visit import dispatch_table
from .model import (
    Alternatives, Binary, Count, Member, Choice, ChoiceKind, Expr, FlagRef, InlineIf, Interp, Literal, NumberWords, RandomCall,
    SceneCall, Story, Text, Unary,
)

LABEL_MAX = 48  # longer edge labels are shortened with an ellipsis
FORMATS = ("mermaid", "dot", "svg")
GRAPHVIZ_HELP = ("Graphviz's `dot` program is needed for SVG output and was not found on PATH. Install it "
                 "(Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz; others: "
                 "https://graphviz.org/download/), or use --format dot or --format mermaid, which need nothing.")


class GraphvizMissing(ToolError):
    """`--format svg` without Graphviz installed."""


class GraphvizFailed(ToolError):
    """`dot` ran and failed."""


# ---- text of expressions and labels -----------------------------------------------------------------

_PREC = {"or": 1, "and": 2, "==": 4, "!=": 4, "in": 4, "<": 4, "<=": 4, ">": 4, ">=": 4, "+": 5, "-": 5, "*": 6, "/": 6}


def expr_source(e: Expr, parent: int = 0) -> str:
    """An expression written back as script text (parenthesised only where needed)."""
    return _SOURCE_RULES(e)(e, parent)


def _literal_source(e: Literal, parent: int) -> str:
    v = e.value
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(v)


def _unary_source(e: Unary, parent: int) -> str:
    if e.op == "not":
        out, prec = f"not {expr_source(e.operand, 3)}", 3
    else:
        out, prec = f"-{expr_source(e.operand, 7)}", 7
    return f"({out})" if prec < parent else out


def _binary_source(e: Binary, parent: int) -> str:
    prec = _PREC[e.op]
    out = f"{expr_source(e.left, prec)} {e.op} {expr_source(e.right, prec + 1)}"
    return f"({out})" if prec < parent else out


def _inline_if_source(part: InlineIf) -> str:
    other = " | " + text_source(part.otherwise) if part.otherwise else ""
    return "{if " + expr_source(part.cond) + ": " + text_source(part.then) + other + "}"


_SOURCE_RULES = dispatch_table("the graph's expression writer", {
    Literal: _literal_source, FlagRef: lambda e, parent: e.name,
    SceneCall: lambda e, parent: f"{e.func}({e.scene})",
    RandomCall: lambda e, parent: f"{e.func}({expr_source(e.arg)})",
    NumberWords: lambda e, parent: f"{e.func}({expr_source(e.arg)})",
    Member: lambda e, parent: e.name, Count: lambda e, parent: f"count({expr_source(e.arg)})",
    Unary: _unary_source, Binary: _binary_source,
})
def _alternatives_source(part: Alternatives) -> str:
    return "{" + part.kind + ": " + " | ".join(text_source(o.text) for o in part.options) + "}"


_PART_SOURCE = dispatch_table("the graph's text writer", {
    str: lambda part: part, Interp: lambda part: "{" + expr_source(part.expr) + "}", InlineIf: _inline_if_source,
    Alternatives: _alternatives_source,
})


def text_source(text: Text) -> str:
    """A label or line of prose with its interpolations written back as `{...}`."""
    return " ".join("".join(_PART_SOURCE(part)(part) for part in text).split())


def choice_label(c: Choice) -> str:
    """What an edge says: the label (or continue/fallback), then `?` and the conditions, shortened."""
    if c.kind is ChoiceKind.CONTINUE:
        text = "continue"
    elif c.kind is ChoiceKind.FALLBACK:
        text = "fallback"
    else:
        text = text_source(c.label)
    if c.conditions:
        text += " ? " + " and ".join(expr_source(cond.expr) for cond in c.conditions)
    return shorten(text)


def shorten(text: str, limit: int = LABEL_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# ---- the shape of the story -------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """What every format draws: canon path, reachable scenes."""

    canon_scenes: tuple[str, ...]  # in path order
    canon_choices: frozenset[str]
    reachable: frozenset[str]
    canon_edges: frozenset[tuple[str, str, str]] = frozenset()  # (scene, choice id, scene entered) along the path


def reachable(story: Story) -> set[str]:
    """Scenes some chain of choices leads to from the start (conditions aside: `explore` decides those)."""
    return set(tunnels(story).reachable)


def graph_edges(story: Story) -> list[tuple[str, Choice, str, str]]:
    """Every edge the graph draws, in reading order: (scene, choice, scene it enters, kind). The kind is
    "go" (a plain choice), "call" (into a tunnel) or "return" (one edge to each scene a return can go
    back to: the `then` of every call into a tunnel that reaches it)."""
    tun = tunnels(story)
    out = []
    for sid in scene_order(story):
        for c in story.scenes[sid].choices:
            kind = "return" if c.returns else "call" if c.call is not None else "go"
            out += [(sid, c, t, kind) for t in tun.leads_to(sid, c)]
    return out


def edge_label(c: Choice, kind: str) -> str:
    """What an edge says: the choice's label, marked as a call or a return."""
    label = choice_label(c)
    return f"{label} (call)" if kind == "call" else f"{label} (return)" if kind == "return" else label


def scene_order(story: Story) -> list[str]:
    """Scenes breadth-first from the start in choice order, then the unreachable ones in story order: the
    order a reader of the graph source meets them."""
    order: list[str] = []
    seen: set[str] = set()
    todo = [story.start] if story.start in story.scenes else []
    seen.update(todo)
    tun = tunnels(story)
    while todo:
        nxt: list[str] = []
        for sid in todo:
            order.append(sid)
            for t in tun.edges(sid):
                if t not in seen:
                    seen.add(t)
                    nxt.append(t)
        todo = nxt
    return order + [sid for sid in story.scenes if sid not in seen]


def shape(story: Story) -> Shape:
    scenes, choices = canon_path(story)
    # the edge each canon choice takes: of a return's edges, only the one to where the path goes on
    walk = list(canon_walk(story))
    edges = frozenset((sid, c.id, walk[i + 1][0] if i + 1 < len(walk) else c.call or c.target or sid)
                      for i, (sid, _, c) in enumerate(walk) if c is not None)
    return Shape(tuple(scenes), frozenset(c.id for c in choices), frozenset(reachable(story)), edges)


# ---- Mermaid ----------------------------------------------------------------------------------------

_MERMAID_ESCAPES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "|": "#124;",
                    "`": "#96;", "\n": " ", "\r": " "}


def mermaid_escape(text: str) -> str:
    """Text safe inside a quoted Mermaid label: quotes, markup and pipes become entity codes."""
    return "".join(_MERMAID_ESCAPES.get(ch, ch) for ch in text)


def _mermaid_ids(story: Story) -> dict[str, str]:
    ids: dict[str, str] = {}
    used: set[str] = set()
    for sid in story.scenes:
        base = "s_" + re.sub(r"[^A-Za-z0-9_]", "_", sid)
        name, n = base, 2
        while name in used:
            name, n = f"{base}_{n}", n + 1
        used.add(name)
        ids[sid] = name
    return ids


def to_mermaid(story: Story) -> str:
    sh = shape(story)
    ids = _mermaid_ids(story)
    lines = ["flowchart TD", f"  %% {story.title} ({story.id}); generated by `ifengine graph`"]
    lines.append('  start_(["start"]):::startmark')
    for sid in scene_order(story):
        scene = story.scenes[sid]
        if scene.is_ending:
            label = mermaid_escape(scene.title) + "<br/>" + mermaid_escape(f"{sid} ({scene.ending_kind})")
            node = f'{ids[sid]}(["{label}"])'
        elif scene.kind.value == "interlude":
            label = mermaid_escape(scene.title) + "<br/>" + mermaid_escape(f"{sid}, {scene.viewpoint or 'interlude'}")
            node = f'{ids[sid]}[/"{label}"/]'
        else:
            label = mermaid_escape(scene.title) + "<br/>" + mermaid_escape(sid)
            node = f'{ids[sid]}["{label}"]'
        classes = []
        if scene.is_ending:
            classes.append(f"ending_{scene.ending_kind}" if scene.ending_kind in ("canon", "alternate", "death")
                           else "ending_other")
        elif scene.kind.value == "interlude":
            classes.append("interlude")
        if sid not in sh.reachable:
            classes.append("unreachable")
        elif sid in sh.canon_scenes and not scene.is_ending:
            classes.append("canon")
        lines.append(f"  {node}" + (":::" + classes[0] if classes else ""))
        for extra in classes[1:]:
            lines.append(f"  class {ids[sid]} {extra}")
    edges: list[str] = []
    canon_links: list[int] = []
    if story.start in ids:
        edges.append(f"  start_ ==> {ids[story.start]}")
        canon_links.append(0)
    for sid, c, to, kind in graph_edges(story):
        label = f'|"{mermaid_escape(edge_label(c, kind))}"|'
        if (sid, c.id, to) in sh.canon_edges:
            arrow = "==>"
            canon_links.append(len(edges))
        elif c.kind is ChoiceKind.FALLBACK or kind != "go":
            arrow = "-.->"  # dashed: a fallback, a call or a return
        else:
            arrow = "-->"
        edges.append(f"  {ids[sid]} {arrow}{label} {ids[to]}")
    lines += edges
    lines += [
        "  classDef startmark fill:#eeeeee,stroke:#555555",
        "  classDef canon stroke:#b8860b,stroke-width:3px",
        "  classDef interlude fill:#e8f4f8,stroke:#4a90a4,font-style:italic",
        "  classDef ending_canon fill:#fff3c4,stroke:#b8860b,stroke-width:3px",
        "  classDef ending_alternate fill:#dbe9ff,stroke:#3b6bb5",
        "  classDef ending_death fill:#f9d6d5,stroke:#b03a2e",
        "  classDef ending_other fill:#eeeeee,stroke:#555555",
        "  classDef unreachable fill:#ffffff,stroke:#999999,stroke-dasharray:5 5,color:#999999",
    ]
    if canon_links:
        lines.append(f"  linkStyle {','.join(map(str, canon_links))} stroke:#b8860b,stroke-width:3px")
    return visible("\n".join(lines) + "\n")  # story text is data: no control characters


# ---- Graphviz DOT -----------------------------------------------------------------------------------


def dot_escape(text: str) -> str:
    """Text safe inside a double-quoted DOT string: backslashes (DOT reads `\\n`, `\\l`, `\\N` as escapes),
    quotes and line breaks."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", " ").replace("\n", "\\n")


_ENDING_STYLE = {
    "canon": 'shape=doubleoctagon, style="filled", fillcolor="#fff3c4", color="#b8860b", penwidth=2',
    "alternate": 'shape=octagon, style="filled", fillcolor="#dbe9ff", color="#3b6bb5"',
    "death": 'shape=octagon, style="filled", fillcolor="#f9d6d5", color="#b03a2e"',
}


_DOT_ATTR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^,\s]+)')


def _merged(attrs: list[str]) -> str:
    """DOT attribute groups joined with each attribute once, the later group winning (an interlude on the
    canon path is drawn in the canon colour, an unreachable scene dashed and grey)."""
    merged: dict[str, str] = {}
    for group in attrs:
        for name, value in _DOT_ATTR.findall(group):
            merged.pop(name, None)
            merged[name] = value
    return ", ".join(f"{name}={value}" for name, value in merged.items())


def to_dot(story: Story) -> str:
    sh = shape(story)
    q = lambda s: '"' + dot_escape(s) + '"'  # noqa: E731
    lines = [
        f"digraph {q(story.id)} {{",
        f"  graph [rankdir=TB, labelloc=t, fontname=\"Helvetica\", label={q(story.title + ' (' + story.id + ')')}];",
        '  node [shape=box, style="rounded", fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9];',
        '  "__start" [shape=point, width=0.15, label=""];',
    ]
    for sid in scene_order(story):
        scene = story.scenes[sid]
        attrs: list[str] = []
        if scene.is_ending:
            attrs.append(_ENDING_STYLE.get(scene.ending_kind or "", "shape=octagon"))
            text = f"{scene.title}\n{sid} ({scene.ending_kind})"
        elif scene.kind.value == "interlude":
            attrs.append('shape=parallelogram, style="filled", fillcolor="#e8f4f8", color="#4a90a4"')
            text = f"{scene.title}\n{sid}, {scene.viewpoint or 'interlude'}"
        else:
            text = f"{scene.title}\n{sid}"
        if sid in sh.canon_scenes and not scene.is_ending:
            attrs.append('color="#b8860b", penwidth=2.5')
        if sid not in sh.reachable:
            attrs.append('style="dashed", color="#999999", fontcolor="#999999"')
            text += "\n(unreachable)"
        attrs.insert(0, f"label={q(text)}")
        lines.append(f"  {q(sid)} [{_merged(attrs)}];")
    if story.start in story.scenes:
        lines.append(f'  "__start" -> {q(story.start)} [color="#b8860b", penwidth=2.5];')
    for sid, c, to, kind in graph_edges(story):
        attrs = [f"label={q(edge_label(c, kind))}", f"tooltip={q(c.id)}"]
        if (sid, c.id, to) in sh.canon_edges:
            attrs.append('color="#b8860b", penwidth=2.5, fontcolor="#8a6508"')
        elif c.kind is ChoiceKind.FALLBACK:
            attrs.append("style=dotted")
        elif c.conditions:
            attrs.append("style=dashed")
        if kind != "go":  # a call or a return: dashed, whatever else it is
            attrs.append("style=dashed" if kind == "call" else 'style=dashed, arrowhead=empty')
        lines.append(f"  {q(sid)} -> {q(to)} [{_merged(attrs)}];")
    lines.append("}")
    return visible("\n".join(lines) + "\n")  # story text is data: no control characters


def to_svg(story: Story) -> str:
    """The DOT graph laid out by Graphviz. Raises GraphvizMissing without `dot`, GraphvizFailed if it fails."""
    dot = shutil.which("dot")
    if dot is None:
        raise GraphvizMissing(GRAPHVIZ_HELP)
    try:
        proc = subprocess.run([dot, "-Tsvg"], input=to_dot(story), capture_output=True, text=True,
                              encoding="utf-8", timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise GraphvizFailed(f"running {dot} failed: {e}") from None
    if proc.returncode != 0:
        raise GraphvizFailed(f"{dot} -Tsvg failed: {proc.stderr.strip() or f'exit status {proc.returncode}'}")
    return proc.stdout


def render_graph(story: Story, fmt: str) -> str:
    if fmt == "mermaid":
        return to_mermaid(story)
    if fmt == "dot":
        return to_dot(story)
    if fmt == "svg":
        return to_svg(story)
    raise ValueError(f"unknown graph format {fmt!r}")
