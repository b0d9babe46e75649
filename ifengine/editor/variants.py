"""Every version of a scene a player can meet: the scene rendered under each distinct combination of the
flags and visit counts it reads that the exhaustive search proves reachable, with the shortest path to
each. An author checks continuity by reading each variant once instead of playing every road.

The search keeps apart exactly what the scene reads (`relevance(observe=...)`), and the scene's compiled
body is wrapped, in a `Program` of this module's own, to note the values as the scene is entered: the
combination is what the text saw on arrival, not what its own effects left behind.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from ..explore import MAX_STATES, each_transition
from ..model import Branch, Condition, Effect, Expr, FlagRef, InlineIf, Interp, Scene, SceneCall, Story, Value
from ..codegen import Arrive
from ..program import ChoicePlan, Program
from ..runtime import Session
from ..state import GameState
from ..views import ChoiceView
from ..visit import walk


def scene_exprs(scene: Scene) -> list[Expr]:
    """Every expression of a scene whose value its text or its choices depend on."""
    found: list[Expr] = []
    for node in walk(scene):
        if isinstance(node, Interp):
            found.append(node.expr)
        elif isinstance(node, (InlineIf, Branch)) and node.cond is not None:
            found.append(node.cond)
        elif isinstance(node, Condition):
            found.append(node.expr)
        elif isinstance(node, Effect) and node.value is not None:
            found.append(node.value)
    return found


def reads(scene: Scene) -> list[str]:
    """What a scene reads, as its variants are headed: flag names, then `visits(x)` / `seen(x)`."""
    names: list[str] = []
    for e in scene_exprs(scene):
        for n in walk(e):
            name = n.name if isinstance(n, FlagRef) else f"{n.func}({n.scene})" if isinstance(n, SceneCall) else None
            if name is not None and name not in names:
                names.append(name)
    flags = [n for n in names if "(" not in n]
    return flags + [n for n in names if "(" in n]


def _value(state: GameState, name: str) -> Value:
    if "(" not in name:
        return state.flags[name]
    func, _, rest = name.partition("(")
    count = state.visits.get(rest[:-1], 0)
    return count if func == "visits" else count > 0


@dataclass
class Variant:
    values: dict[str, Value]
    path: list[str]
    paragraphs: tuple[str, ...]
    choices: tuple[ChoiceView, ...]  # empty when the story passed through the scene by a fallback
    same_as: int | None = None  # 1-based number of an earlier variant with the very same text

    def to_dict(self) -> dict[str, object]:
        return {"values": self.values, "path": self.path, "paragraphs": list(self.paragraphs),
                "choices": [{"id": c.id, "label": c.label, "enabled": c.enabled, "reason": c.reason}
                            for c in self.choices], "same_as": self.same_as}


@dataclass
class SceneVariants:
    scene: Scene
    reads: list[str]
    variants: list[Variant] = field(default_factory=list)

    def to_dict(self, complete: bool) -> dict[str, object]:
        return {"scene": self.scene.id, "title": self.scene.title, "reads": self.reads, "complete": complete,
                "variants": [v.to_dict() for v in self.variants]}


def find_variants(story: Story, scene_ids: Iterable[str], max_states: int = MAX_STATES
                  ) -> tuple[dict[str, SceneVariants], bool]:
    """The variants of each scene named, from one exhaustive search that keeps apart everything they read;
    and whether the search was complete (if not, a variant may be missing)."""
    program = Program(story)
    wanted = {sid: SceneVariants(story.scenes[sid], reads(story.scenes[sid])) for sid in scene_ids}
    arrivals: list[tuple[str, dict[str, Value]]] = []  # noted as each wanted scene is entered
    seen: dict[str, dict[tuple, int]] = {sid: {} for sid in wanted}
    texts: dict[str, dict[tuple, int]] = {sid: {} for sid in wanted}

    def noting(sid: str, arrive: Arrive) -> Arrive:
        names = wanted[sid].reads

        def entered(state: GameState, out: list[str] | None) -> tuple[list[ChoiceView], ChoicePlan | None]:
            arrivals.append((sid, {n: _value(state, n) for n in names}))
            return arrive(state, out)
        return entered

    for sid in wanted:
        opening = program.plans[sid].parts[0]
        opening.arrive = noting(sid, opening.ready())

    def on_step(session: Session, path: Callable[[], list[str]]) -> None:
        view = session.view()
        met = [v for v in (*view.passed, view) if v.scene_id in wanted and not v.part]  # arrivals, not gathers
        noted = arrivals[len(arrivals) - len(met):] if met else []
        arrivals.clear()
        for v, (sid, values) in zip(met, noted):
            combo = tuple(values.values())
            if combo in seen[sid]:
                continue
            sv = wanted[sid]
            seen[sid][combo] = len(sv.variants)
            choices = v.choices if v is view else ()
            text = (v.paragraphs, tuple((c.label, c.enabled, c.reason) for c in choices))
            same = texts[sid].get(text)
            if same is None:
                texts[sid][text] = len(sv.variants) + 1
            sv.variants.append(Variant(values, path(), v.paragraphs, choices, same))

    observe = [e for sid in wanted for e in scene_exprs(story.scenes[sid])]
    complete = each_transition(story, on_step, program=program, render=True, observe=observe,
                               max_states=max_states)
    return wanted, complete


def _show(v: Value) -> str:
    return str(v).lower() if isinstance(v, bool) else f'"{v}"' if isinstance(v, str) else str(v)


def combination(v: Variant) -> str:
    return ", ".join(f"{k} = {_show(x)}" for k, x in v.values.items()) or "(it reads nothing)"


def _path(v: Variant) -> str:
    return " -> ".join(v.path) if v.path else "(the start)"


def format_variants(sv: SceneVariants, complete: bool) -> str:
    """The text `ifengine variants STORY SCENE` prints."""
    n = len(sv.variants)
    head = (f"Scene '{sv.scene.id}' ({sv.scene.title}): {n} variant{'' if n == 1 else 's'}"
            + (f", by {', '.join(sv.reads)}" if sv.reads else ""))
    lines = [head]
    if not complete:
        lines.append("(INCOMPLETE: the exhaustive search stopped at its bound; a variant may be missing)")
    if not sv.variants:
        lines.append("no path reaches this scene")
    for i, v in enumerate(sv.variants, 1):
        lines += ["", f"--- variant {i} of {n}: {combination(v)}", f"    path: {_path(v)}"]
        if v.same_as is not None:
            lines.append(f"    (the same text as variant {v.same_as})")
            continue
        for p in v.paragraphs:
            lines += ["", p]
        if v.choices:
            lines.append("")
            lines += [f"  * {c.label}" + ("" if c.enabled else f"  (disabled: {c.reason})") for c in v.choices]
    return "\n".join(lines)


def format_markdown(story: Story, found: dict[str, SceneVariants], complete: bool) -> str:
    """Every scene's variants as one Markdown file (`ifengine variants STORY --all`)."""
    lines = [f"# Every version of every scene: {story.title} ({story.id})", ""]
    if not complete:
        lines += ["**Incomplete**: the exhaustive search stopped at its bound; a variant may be missing.", ""]
    for sv in found.values():
        n = len(sv.variants)
        lines += [f"## {sv.scene.id}: {sv.scene.title}", "",
                  f"{n} variant{'' if n == 1 else 's'}" + (f", by {', '.join(f'`{r}`' for r in sv.reads)}"
                                                           if sv.reads else "") + ".", ""]
        for i, v in enumerate(sv.variants, 1):
            lines += [f"### Variant {i}: {combination(v)}", "", f"Path: `{_path(v)}`", ""]
            if v.same_as is not None:
                lines += [f"The same text as variant {v.same_as}.", ""]
                continue
            for p in v.paragraphs:
                lines += [p, ""]
            lines += [f"- {c.label}" + ("" if c.enabled else f" *(disabled: {c.reason})*") for c in v.choices]
            if v.choices:
                lines.append("")
    return "\n".join(lines)
