"""Story statistics: how big a story is, how it branches off its canon path, and where each flag is set and read.
Everything here is read from the model; nothing is played."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .analysis import canon_path, canon_walk
from .model import ENDING_KINDS, Body, ChoiceKind, Effect, FlagRef, Node, SceneKind, Story, Tag, Text
from .source import Span
from .visit import strings, walk

_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")


def count_words(text: str) -> int:
    """Words as a writer counts them: runs of letters or digits, with inner apostrophes and hyphens."""
    return len(_WORD.findall(text))


def _words(root: Node | Body | Text) -> int:
    return sum(count_words(part) for part in strings(root))


@dataclass
class FlagUse:
    name: str
    type: str
    default: object
    label: str | None
    declared_at: str
    set_at: list[str] = field(default_factory=list)
    read_at: list[str] = field(default_factory=list)
    members: tuple[str, ...] = ()  # an enum's or a set's

    def to_dict(self) -> dict[str, object]:
        found: dict[str, object] = {
            "name": self.name, "type": self.type, "default": list(self.default) if isinstance(self.default, tuple)
            else self.default, "label": self.label, "declared_at": self.declared_at, "set_at": self.set_at,
            "read_at": self.read_at}
        if self.members:
            found["members"] = list(self.members)
        return found


def _where(span: Span) -> str:
    return f"{span.file}:{span.line}"


def flag_uses(story: Story) -> dict[str, FlagUse]:
    """Per flag, in declaration order: where effects set it and where expressions read it (file:line, in
    source order, each line once)."""
    uses = {name: FlagUse(name, d.type.value if d.type else d.type_name, d.default, d.label, _where(d.span),
                          members=d.members) for name, d in story.flags.items()}
    sets: dict[str, list[Span]] = {name: [] for name in uses}
    reads: dict[str, list[Span]] = {name: [] for name in uses}

    for scene in story.scenes.values():
        for node in walk(scene):
            if isinstance(node, Effect) and node.flag in sets:
                sets[node.flag].append(node.span)
            elif isinstance(node, FlagRef) and node.name in reads:
                reads[node.name].append(node.span)
    order = {f.source.name: i for i, f in enumerate(story.files)}

    def places(spans: list[Span]) -> list[str]:
        out: list[str] = []
        for s in sorted(spans, key=lambda s: (order.get(s.file, len(order)), s.file, s.line)):
            w = _where(s)
            if w not in out:
                out.append(w)
        return out

    for name, use in uses.items():
        use.set_at = places(sets[name])
        use.read_at = places(reads[name])
    return uses


def tag_uses(story: Story) -> list[dict[str, object]]:
    """Every tag name the story uses, in the order of its first use: how often, with which values, where
    (file:line, each line once). What a host program that reads the tags has to handle."""
    found: dict[str, dict] = {}
    order = {f.source.name: i for i, f in enumerate(story.files)}
    tags = [n for s in story.scenes.values() for n in walk(s) if isinstance(n, Tag)]
    for tag in sorted(tags, key=lambda t: (order.get(t.span.file, len(order)), t.span.file, t.span.line, t.span.col)):
        use = found.setdefault(tag.name, {"name": tag.name, "count": 0, "values": [], "at": []})
        use["count"] += 1
        if tag.value is not None and tag.value not in use["values"]:
            use["values"].append(tag.value)
        if _where(tag.span) not in use["at"]:
            use["at"].append(_where(tag.span))
    return list(found.values())


def story_stats(story: Story) -> dict[str, object]:
    """Every figure `ifengine stats` prints, as one JSON-ready dict."""
    scenes = [s for s in story.scenes.values() if not s.is_ending]
    endings = story.endings
    choices = [c for s in story.scenes.values() for c in s.choices]
    by_kind = {kind: sum(1 for e in endings if e.ending_kind == kind) for kind in ENDING_KINDS}
    # prose: every part's body and every choice's response (all the text a reader may read but labels)
    words_prose = (sum(_words(p.body) for s in story.scenes.values() for p in s.parts)
                   + sum(_words(c.response) for c in choices))
    words_labels = sum(_words(c.label) for c in choices)
    path, canon_choices = canon_path(story)
    # a place of the canon path (a scene, or a part of one after a gather) where another choice is offered
    divergence = list(dict.fromkeys(
        sid for sid, part, chosen in canon_walk(story) if chosen is not None
        and any(c.id != chosen.id and c.kind is not ChoiceKind.FALLBACK for c in story.scenes[sid].parts[part].choices)))
    reaches_ending = bool(path) and story.scenes[path[-1]].is_ending
    return {
        "id": story.id,
        "title": story.title,
        "role": story.role.name,
        "files": [f.source.name for f in story.files],
        "scenes": len(scenes),
        "interludes": sum(1 for s in scenes if s.kind is SceneKind.INTERLUDE),
        "choices": len(choices),
        "choices_by_kind": {
            "once_only": sum(1 for c in choices if not c.sticky and c.kind is not ChoiceKind.FALLBACK),
            "sticky": sum(1 for c in choices if c.sticky),
            "continue": sum(1 for c in choices if c.kind is ChoiceKind.CONTINUE),
            "fallback": sum(1 for c in choices if c.kind is ChoiceKind.FALLBACK),
            "conditional": sum(1 for c in choices if c.conditions),
            "call": sum(1 for c in choices if c.call is not None),
            "return": sum(1 for c in choices if c.returns),
        },
        "tunnels": sorted({c.call for c in choices if c.call is not None and c.call in story.scenes}),
        "endings": by_kind,
        "endings_total": len(endings),
        "words": words_prose + words_labels,
        "words_prose": words_prose,
        "words_labels": words_labels,
        "flags": [u.to_dict() for u in flag_uses(story).values()],
        "tags": tag_uses(story),
        "canon_path_length": len(canon_choices),
        "canon_path": path,
        "canon_path_complete": reaches_ending,
        "divergence_points": len(divergence),
        "divergence_scenes": divergence,
        "responses": sum(1 for c in choices if c.response),
        "gathers": sum(len(s.parts) - 1 for s in story.scenes.values()),
    }


def format_stats(stats: dict[str, object]) -> str:
    """The text `ifengine stats` prints."""
    s = stats
    by_kind = s["endings"]
    assert isinstance(by_kind, dict)
    ck = s["choices_by_kind"]
    assert isinstance(ck, dict)
    flags = s["flags"]
    assert isinstance(flags, list)
    path = s["canon_path"]
    assert isinstance(path, list)
    files = s["files"]
    assert isinstance(files, list)
    divergence = s["divergence_scenes"]
    assert isinstance(divergence, list)
    tags = s.get("tags", [])
    assert isinstance(tags, list)
    tunnel_ids = s.get("tunnels", [])
    assert isinstance(tunnel_ids, list)
    lines = [
        f"{s['title']} ({s['id']}), played as {s['role']}",
        f"  files        {len(files)}: {', '.join(files)}",
        f"  scenes       {s['scenes']} ({s['interludes']} interlude{'' if s['interludes'] == 1 else 's'})",
        f"  choices      {s['choices']} ({ck['sticky']} sticky, {ck['continue']} continue, {ck['fallback']} fallback, "
        f"{ck['conditional']} with conditions)",
        *([f"  weave        {s['responses']} choice{'' if s['responses'] == 1 else 's'} with a response, "
           f"{s['gathers']} gather{'' if s['gathers'] == 1 else 's'}"] if s.get("responses") or s.get("gathers") else []),
        f"  endings      {s['endings_total']}: " + ", ".join(f"{n} {k}" for k, n in by_kind.items()),
        f"  words        {s['words']:,} ({s['words_prose']:,} of prose, {s['words_labels']:,} in choice labels)",
        f"  flags        {len(flags)}",
        *([f"  tags         {len(tags)}: " + ", ".join(f"#{t['name']}" for t in tags)] if tags else []),
        *([f"  tunnels      {len(tunnel_ids)} ({ck.get('call', 0)} call{'' if ck.get('call') == 1 else 's'}, "
           f"{ck.get('return', 0)} return{'' if ck.get('return') == 1 else 's'}): " + ", ".join(tunnel_ids)]
          if tunnel_ids else []),
        f"  canon path   {s['canon_path_length']} choices"
        + ("" if s["canon_path_complete"] else " (does not reach an ending)")
        + (": " + " -> ".join(path) if path else ""),
        f"  divergence   {s['divergence_points']} point{'' if s['divergence_points'] == 1 else 's'} on the canon path"
        + (": " + ", ".join(divergence) if divergence else ""),
    ]
    lines += _figure_lines(s)
    if flags:
        lines += ["", "flags (where set, where read):"]
        for f in flags:
            shown = f" \"{f['label']}\"" if f["label"] else ""
            kind = f"{f['type']}{' of' if f['type'] == 'set' else ''} {' | '.join(f['members'])}" \
                if f.get("members") else f["type"]
            default = f["default"] if f["type"] == "enum" else _show(f["default"])
            lines.append(f"  {f['name']}: {kind} = {default}{shown}  (declared {f['declared_at']})")
            lines.append("    set   " + _places(f["set_at"]))
            lines.append("    read  " + _places(f["read_at"]))
    if tags:
        lines += ["", "tags (values, where used):"]
        for t in tags:
            values = f": {', '.join(t['values'])}" if t["values"] else ""
            lines.append(f"  #{t['name']}{values}  ({t['count']}x)  {_places(t['at'])}")
    return "\n".join(lines)


def _figure_lines(s: dict[str, object]) -> list[str]:
    """The lines of the figures read from playing the roads (`editor.numbers`), when they are there."""
    if "decision_scenes" not in s:
        return []
    lines = [f"  decisions    {s['decision_scenes']} scenes with a real decision, {s['continue_scenes']} with only a way on"
             + (f"; the canon path: {s['canon_decisions']} decisions, {s['canon_continues']} continue presses"
                if s["canon_decisions"] is not None else "")]
    words, mins = s["playthrough_words"], s["play_minutes"]
    if isinstance(words, dict) and isinstance(mins, dict):
        lines.append(f"  playthrough  {words['min']:,} / {words['median']:,} / {words['max']:,} words (min / median / "
                     f"max over the shortest road to each of {s['playthroughs']} endings)")
        lines.append(f"  play time    {mins['min']} / {mins['median']} / {mins['max']} minutes ({s['play_time_model']})")
    stretch = s["longest_stretch"]
    if isinstance(stretch, dict):
        lines.append(f"  stretch      {stretch['length']} scenes without a real decision on {stretch['road']}: "
                     + " -> ".join(stretch["scenes"]))
    return lines


def _places(where: list[str]) -> str:
    """`a.ifs:3, a.ifs:9, b.ifs:2` printed as `a.ifs:3,9  b.ifs:2`."""
    if not where:
        return "never"
    by_file: dict[str, list[str]] = {}
    for w in where:
        file, _, line = w.rpartition(":")
        by_file.setdefault(file, []).append(line)
    return "  ".join(f"{file}:{','.join(lines)}" for file, lines in by_file.items())


def _show(v: object) -> str:
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, list):  # a set's members
        return "{" + ", ".join(str(m) for m in v) + "}"
    if isinstance(v, str):
        return '"' + v + '"'
    return str(v)
