"""The editor's checks: faults a human editor finds in a branching story and a compiler does not (false
choices, a counter on screen that changes nothing, two flags that are one, long stretches with nothing to
decide, thin endings). Each is a warning with a stable code (IFS401-IFS405; IFS406 when the exhaustive
search could not finish), and each can be tuned or
switched off, with the reason, in the story's `ifengine.toml` (see `settings`)."""
from __future__ import annotations

from typing import Iterable

from ..diagnostics import Diagnostic, Severity
from ..explore import gating_flags
from ..model import Body, ChoiceKind, Conditional, InlineIf, Interp, Paragraph, Story, Text, Value
from ..source import Span
from ..stats import count_words, flag_uses
from .reading import Reading
from .roads import Choices, Stretch, stretches
from .settings import CHECKS, Settings

INCOMPLETE = "IFS406"


def _warn(span: Span, message: str, check: str) -> Diagnostic:
    return Diagnostic(span.file, span.line, span.col, message, CHECKS[check].code, Severity.WARNING)


def _list(names: Iterable[str], limit: int = 6) -> str:
    items = list(names)
    shown = ", ".join(f"'{n}'" for n in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def false_choices(story: Story, options: Choices, settings: Settings) -> list[Diagnostic]:
    """IFS401: a scene whose options all set nothing and all lead to the same place (directly, or through
    scenes that only tell and go on: see `roads.Choices`)."""
    out = []
    for scene in story.scenes.values():
        for i, part in enumerate(scene.parts):
            place = options.false_choice(scene, i)
            if place is None or settings.allowed("false-choice", scene.id):
                continue
            offered = [c for c in part.choices if c.kind is not ChoiceKind.FALLBACK]
            detours = sorted({options.goes(c, follow=False) for c in offered} - {place})
            via = f" (by way of {_list(detours)})" if detours else ""
            after = "call" if part.after_call else "gather"
            where = f"scene '{scene.id}'" + (f" after its {after} at line {part.span.line}" if i else "")
            out.append(_warn(part.span if i else scene.span, f"false choice: the {len(offered)} options of {where} "
                                                             f"set nothing and all lead to '{place}'{via}, so they "
                                                             f"do not differ", "false-choice"))
    return out


def idle_visible_flags(story: Story, settings: Settings) -> list[Diagnostic]:
    """IFS402: a flag shown to the player that changes no outcome: no choice's condition and no `~ if`
    around an effect reads it, directly or through other flags. Only the text depends on it."""
    gating = gating_flags(story)
    uses = flag_uses(story)
    out = []
    for name, decl in story.flags.items():
        if decl.label is None or name in gating or settings.allowed("flag-gates-nothing", name):
            continue
        read = uses[name].read_at
        where = f"only the text reads it ({len(read)} place{'' if len(read) == 1 else 's'})" if read else \
            "nothing reads it"
        out.append(_warn(decl.span, f"flag '{name}' is shown to the player as \"{decl.label}\" but gates nothing: "
                                    f"no choice and no effect depends on it, directly or through another flag; "
                                    f"{where}",
                         "flag-gates-nothing"))
    return out


def _relation(pairs: set[tuple[Value, Value]]) -> str:
    def show(v: Value) -> str:
        return str(v).lower() if isinstance(v, bool) else repr(v) if isinstance(v, str) else str(v)
    if all(a == b for a, b in pairs):
        return "the same value"
    shown = sorted(pairs, key=lambda p: (str(p[0]), str(p[1])))
    return ", ".join(f"{show(a)} with {show(b)}" for a, b in shown[:4]) + (", ..." if len(shown) > 4 else "")


def _together(rows: set[tuple], names: list[str], among: Iterable[int]) -> list[list[int]]:
    """Groups (of two or more) of the flags at `among` whose values determine each other in every row:
    each flag's column, relabelled by first appearance, is the same. Flags with one value are left out."""
    order = sorted(rows, key=repr)
    groups: dict[tuple[int, ...], list[int]] = {}
    for i in among:
        labels: dict[object, int] = {}
        column = tuple(labels.setdefault(row[i], len(labels)) for row in order)
        if len(labels) > 1:
            groups.setdefault(column, []).append(i)
    return [g for g in groups.values() if len(g) > 1]


def flags_together(story: Story, reading: Reading, settings: Settings) -> list[Diagnostic] | None:
    """IFS403: two flags whose values determine each other in every reachable state, proven by the
    exhaustive search. The first search keeps apart only the flags that decide something; flags it found
    together that it did not keep apart are searched again, kept apart, before anything is said. None when
    a search did not finish (nothing is proven then)."""
    names = list(story.flags)
    rows, complete = reading.flag_rows()
    if not complete:
        return None
    groups = _together(rows, names, range(len(names)))
    unsure = frozenset(names[i] for g in groups for i in g if names[i] not in reading.kept_apart)
    if unsure:
        rows, complete = reading.flag_rows(unsure)
        if not complete:
            return None
        groups = _together(rows, names, sorted({i for g in groups for i in g}))
    out = []
    for group in groups:
        first = names[group[0]]
        for i in group[1:]:
            other = names[i]
            if settings.allowed("flags-together", first) or settings.allowed("flags-together", other):
                continue
            pairs = {(row[group[0]], row[i]) for row in rows}
            out.append(_warn(story.flags[other].span,
                             f"flags '{first}' and '{other}' always move together: in every reachable state "
                             f"({len(rows):,} distinct) they hold {_relation(pairs)}; one of them is redundant",
                             "flags-together"))
    return out


def _contained(small: tuple[str, ...], big: tuple[str, ...]) -> bool:
    n = len(small)
    return any(big[i:i + n] == small for i in range(len(big) - n + 1))


def long_stretches(story: Story, reading: Reading, settings: Settings) -> list[Diagnostic]:
    """IFS404: more scenes in a row than the story allows (4 by default) without a real decision, on the
    canon path or on the shortest road to any ending. A stretch inside one already reported is not
    reported again (one the canon path holds is named for it, before the roads to the endings)."""
    limit = settings.limit("long-stretch", "max-scenes")
    found: list[Stretch] = []
    for road in reading.roads:  # the canon path first: its stretches are always named
        for s in stretches(road, limit):
            if not any(_contained(s.scenes, f.scenes) for f in found):
                found.append(s)
    out = []
    for s in found:
        if settings.allowed("long-stretch", s.scenes[0]):
            continue
        out.append(_warn(story.scenes[s.scenes[0]].span,
                         f"{len(s.scenes)} scenes in a row without a real decision on {s.road} (more than {limit}; "
                         f"{s.words:,} words): {' -> '.join(s.scenes)}", "long-stretch"))
    return out


def fewest_words(body: Body) -> int:
    """The fewest words a reader can meet in a body: each `~ if` at its shortest branch (none, without an
    `~ else`), each inline `{if}` at its shorter side, an interpolation as one word."""
    total = 0
    for item in body:
        if isinstance(item, Paragraph):
            total += _text_words(item.text)
        elif isinstance(item, Conditional):
            branches = [fewest_words(b.body) for b in item.branches]
            total += min(branches) if item.branches[-1].cond is None else min(branches + [0])
    return total


def _text_words(text: Text) -> int:
    total = 0
    for part in text:
        if isinstance(part, str):
            total += count_words(part)
        elif isinstance(part, Interp):
            total += 1
        elif isinstance(part, InlineIf):
            total += min(_text_words(part.then), _text_words(part.otherwise))
    return total


def thin_endings(story: Story, settings: Settings) -> list[Diagnostic]:
    """IFS405: an ending whose epilogue can be shorter than the story asks (250 words by default)."""
    need = settings.limit("thin-ending", "min-words")
    out = []
    for scene in story.endings:
        words = fewest_words(scene.body)
        if words < need and not settings.allowed("thin-ending", scene.id):
            out.append(_warn(scene.span, f"thin ending: the epilogue of '{scene.id}' can be as short as {words:,} "
                                         f"words; an ending needs at least {need:,}", "thin-ending"))
    return out


def editor_checks(story: Story, settings: Settings, reading: Reading | None = None) -> list[Diagnostic]:
    """Every editor check the story's settings leave on, as warnings. The checks that need the exhaustive
    search say so (IFS406) when it stops at its bound instead of finishing."""
    reading = reading or Reading(story)
    out: list[Diagnostic] = []
    if settings.enabled("false-choice"):
        out += false_choices(story, reading.options, settings)
    if settings.enabled("flag-gates-nothing"):
        out += idle_visible_flags(story, settings)
    if settings.enabled("thin-ending"):
        out += thin_endings(story, settings)
    if settings.enabled("flags-together"):
        together = flags_together(story, reading, settings)
        if together is None:
            at = story.header_span
            out.append(Diagnostic(at.file, at.line, at.col, f"the exhaustive search stopped at {reading.max_states:,} "
                                  f"states before it finished, so no two flags could be proven to move together",
                                  INCOMPLETE, Severity.WARNING))
        out += together or []
    if settings.enabled("long-stretch"):
        out += long_stretches(story, reading, settings)
    return out

