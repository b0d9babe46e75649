"""The check of a story done again only where it changed: what each file contributes is kept, by the file's
text and what it depends on, and only the story-wide rules run every time (issue 18: edit one file of a
million-word story, check again, and pay for that file).

A check is three kinds of work, and each is kept apart by what decides it:

- **A file's outline** (`outline`): its header, flags and includes, and its scenes and extensions without
  their bodies: ids, kinds, spans, and each choice's id, kind, marks and target. With the diagnostics of its
  parse it is kept by the digest of the file's text, so `ifengine check` reads 49 small outlines, not 49
  models, after an edit to the fiftieth. Assembling the story and the checker's story-wide rules
  (`_Checker.scene_shape` and `story_wide`: reachability, unread flags, cycles, the canon path) read only
  these. Assembling runs every time; the rules run again only when an outline or the flags read changed
  since they last judged the story in this process (`_story_wide`: a `--watch` reload after a prose edit).
- **What a file's scenes say** (`_Contents`): the diagnostics of visiting each scene and extension (its
  text, expressions and effects typed, its choices' targets) and the flags it reads. These depend on the
  file's text and on the story-wide names it is judged against: every flag's declaration (not where it
  stands) and the set of scene ids. They are kept by both (`_context`), so a file is visited again only
  when it changed, or when a flag or a scene id changed anywhere.
- **The canon play** (`check.check_canon_play`): it plays the canon path with seed 0, without rendering. A
  clean result is kept per story folder with each file's text digest. When files changed since, it holds
  still if each changed file plays the same: its earlier model (the script cache keeps it by its text's
  digest) and its new one have the same `analysis.play_shape`, the model less its spans and less the prose
  play does not evaluate when it renders nothing. An edit to the prose of a scene then costs no play; an
  edit to an effect, a condition or a target plays the path again. A result with diagnostics is never
  kept: those name spans, which the shape leaves out.

All of it is keyed by a digest of the grammar and of the code of every module of the package (`version`):
change the checker or the engine and every entry is stale by itself. Entries live in the user cache
(`cache.py`: a stale, damaged or unreadable entry is ignored and replaced) and, for a process that loads
again and again (the player's `--watch`), in memory. What a check prints never depends on them:
tests/test_incremental.py compares it with a check made from nothing, across edits.
"""
from __future__ import annotations

import functools
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Protocol, Sequence

from .analysis import play_shape
from .cache import digest, read_entry, write_entry, write_later
from .check import _Checker, check_canon_play
from .codec import CodecError
from .diagnostics import Diagnostic, Severity, has_errors
from .grammar_file import grammar_digest
from .makers import maker
from .model import Choice, ChoiceKind, Extend, Part, Scene, SceneKind, ScriptFile, Story
from .source import SourceFile, Span

_CHOICE_KINDS = {k.value: k for k in ChoiceKind}
_SCENE_KINDS = {k.value: k for k in SceneKind}
_SEVERITIES = {s.value: s for s in Severity}

# What a file's scenes said, kept in memory too (a `--watch` reload visits only the file saved).
MEMORY_ENTRIES = 2_000


@functools.cache
def version() -> str | None:
    """The grammar and the code of every module of the package; None when that code cannot be read (a
    frozen application): then nothing is kept, since a stale entry could not be told apart."""
    try:
        here = Path(__file__).parent
        code = [p.read_bytes() for p in sorted(here.glob("*.py"))]
    except OSError:
        return None
    return digest(grammar_digest(), *code) if code else None


def text_digest(src: SourceFile) -> str:
    from .script_cache import digest_of

    return digest_of(src.text)


# ---- outlines ---------------------------------------------------------------------------------------------


def outline(built: ScriptFile) -> ScriptFile:
    """The file with its scenes' and extensions' bodies left out: what assembling the story and the
    checker's story-wide rules read. The same shape as the model, so the same code judges both. An outline
    is its own outline (what `ifengine check` judges is read back as outlines: looking costs a fifth of
    hollowing again)."""
    if _hollow(built):
        return built
    return ScriptFile(built.source, built.header, built.flags, tuple(_hollow_scene(s) for s in built.scenes),
                      tuple(Extend(e.scene_id, tuple(_hollow_choice(c) for c in e.choices), e.span)
                            for e in built.extends), built.includes)


def _hollow_scene(s: Scene) -> Scene:
    return Scene(id=s.id, title=s.title, kind=s.kind, viewpoint=s.viewpoint,
                 parts=tuple(Part((), tuple(_hollow_choice(c) for c in p.choices), p.span, p.after_call)
                             for p in s.parts), span=s.span)


def _hollow_choice(c: Choice) -> Choice:
    return replace(c, label=(), conditions=(), effects=(), response=(), tags=())


def _hollow(built: ScriptFile) -> bool:
    """Whether the file holds nothing an outline leaves out."""
    return (all(not s.tags and all(not p.body and all(map(_bare, p.choices)) for p in s.parts) for s in built.scenes)
            and all(all(map(_bare, e.choices)) for e in built.extends))


def _bare(c: Choice) -> bool:
    return not (c.label or c.conditions or c.effects or c.response or c.tags)


def _span_row(s: Span) -> list[int]:
    return [s.line, s.col, s.end_line, s.end_col]


def _choice_row(c: Choice) -> list[Any]:
    return [c.id, c.local_id, c.explicit_id, c.kind.value, c.sticky, c.canon, c.target, _span_row(c.span),
            _span_row(c.target_span), c.call, _span_row(c.call_span) if c.call_span is not None else None]


def _part_row(p: Part) -> list[Any]:
    return [_span_row(p.span), p.after_call, [_choice_row(c) for c in p.choices]]


def encode_outline(built: ScriptFile, diags: Sequence[Diagnostic]) -> bytes | None:
    """An outline and its parse's diagnostics as JSON: the few declarations through the model's codec, the
    thousands of scenes and choices as plain rows (read back by one C-speed `json.loads`). None when it
    cannot be kept (a span or diagnostic of another file: nothing a parse makes)."""
    from .script_cache import CODEC

    name = built.source.name
    if any(d.file != name for d in diags):
        return None
    try:
        declared = CODEC.dumps((built.header, built.flags, built.includes), name)
    except CodecError:
        return None
    scenes = [[s.id, s.title, s.kind.value, s.viewpoint, _span_row(s.span), [_part_row(p) for p in s.parts]]
              for s in built.scenes]
    extends = [[e.scene_id, _span_row(e.span), [_choice_row(c) for c in e.choices]] for e in built.extends]
    found = [[d.line, d.col, d.message, d.code, d.severity.value] for d in diags]
    return json.dumps([declared, scenes, extends, found], ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode_outline(payload: bytes, src: SourceFile) -> tuple[ScriptFile, list[Diagnostic]] | None:
    """What `encode_outline` wrote, its spans naming `src`; None for anything else."""
    from .script_cache import CODEC

    name = src.name
    try:
        declared, scenes, extends, found = json.loads(payload)
        header, flags, includes = CODEC.loads(declared, name)

        def choice(row: list[Any]) -> Choice:
            cid, local, explicit, kind, sticky, canon, target, at, target_at, call, call_at = row
            return _CHOICE(cid, local, explicit, _CHOICE_KINDS[kind], (), sticky, canon, (), (), target,
                           _SPAN(name, *at), _SPAN(name, *target_at), (), (), call,
                           _SPAN(name, *call_at) if call_at is not None else None)

        def part(row: list[Any]) -> Part:
            at, after_call, choices = row
            return _PART((), tuple(map(choice, choices)), _SPAN(name, *at), after_call)
        built = ScriptFile(src, header, flags,
                           tuple(_SCENE(sid, title, _SCENE_KINDS[kind], viewpoint, tuple(map(part, parts)),
                                        _SPAN(name, *at), ())
                                 for sid, title, kind, viewpoint, at, parts in scenes),
                           tuple(Extend(sid, tuple(map(choice, choices)), _SPAN(name, *at)) for sid, at, choices in extends),
                           includes)
        return built, [Diagnostic(name, line, col, message, code, _SEVERITIES[severity])
                       for line, col, message, code, severity in found]
    except (CodecError, TypeError, ValueError, KeyError):  # the right key but not our shape: treat as missing
        return None


# The outline's thousands of nodes are made without their classes' __init__ (makers.py): all fields, in order.
_SPAN, _CHOICE, _PART, _SCENE = maker(Span), maker(Choice), maker(Part), maker(Scene)


def outline_of(src: SourceFile, diags: list[Diagnostic]) -> ScriptFile:
    """A file's outline, its parse's diagnostics added to `diags`: from the user's cache, or from its model
    (the script cache's, or parsed now), and then kept."""
    from .script_cache import parse_and_build

    v, key = version(), text_digest(src)
    payload = read_entry("outlines", key, v) if v is not None else None
    found = decode_outline(payload, src) if payload is not None else None
    if found is None:
        built, parsed = parse_and_build(src)
        found = outline(built), parsed
        payload = encode_outline(found[0], parsed) if v is not None else None
        if payload is not None and v is not None:
            write_entry("outlines", key, v, payload)
    if payload is not None:
        _remember_outline_id(key, digest(payload))
    diags += found[1]
    return found[0]


# The identity of a file's outline, by the digest of the file's text: the digest of the outline as kept
# (`encode_outline`). Two texts with the same outline (an edit to prose on its lines) have the same one,
# which is what lets the story-wide rules' result outlive the process that judged it (`_story_wide`).
_OUTLINE_IDS: OrderedDict[str, str] = OrderedDict()


def _remember_outline_id(text: str, outline_id: str) -> None:
    with _LOCK:
        _OUTLINE_IDS[text] = outline_id
        _OUTLINE_IDS.move_to_end(text)
        while len(_OUTLINE_IDS) > MEMORY_ENTRIES:
            _OUTLINE_IDS.popitem(last=False)


def _outline_id(src: SourceFile) -> str | None:
    with _LOCK:
        return _OUTLINE_IDS.get(text_digest(src))


# ---- what each file's scenes say -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Unit:
    """What visiting one scene or extension gave: its diagnostics and the flags it reads."""

    diags: tuple[Diagnostic, ...]
    read: frozenset[str]


class _Contents(_Checker):
    """The checker visiting one file's scenes and extensions as they are, with the story's names to judge
    them against. Their shape in the assembled story (an extension's choices count) is judged on the
    outline, every time (`scene_shape`), so it is left out here."""

    def scene_shape(self, scene: Scene) -> None:
        pass

    def units(self, built: ScriptFile) -> tuple[list[_Unit], list[_Unit]]:
        def unit(visit: Callable[[], None]) -> _Unit:
            self.diags, self.read_flags = [], set()
            visit()
            return _Unit(tuple(self.diags), frozenset(self.read_flags))
        return ([unit(functools.partial(self.visit, s)) for s in built.scenes],
                [unit(functools.partial(self.visit_all, e.choices)) for e in built.extends])


def _context(story: Story, v: str) -> str:
    """What a file's scenes are judged against, from across the story: each flag's declaration (its
    spans left out: no message of a scene names where a flag is declared) and the scene ids."""
    shapes = repr([play_shape(d) for d in story.flags.values()])
    return digest(v, shapes, "\0".join(sorted(story.scenes)))


Units = tuple[list[_Unit], list[_Unit]]
_LOCK = threading.Lock()  # the watch loads in a worker thread while the app may load another story
_MEMORY: OrderedDict[tuple[str, str, str], Units] = OrderedDict()


class Models(Protocol):
    """The whole model behind a story's files, for when what is kept does not answer (`loader._Whole`)."""

    def file(self, f: ScriptFile) -> ScriptFile:
        """The file's whole model, as built (itself when it is whole)."""

    def resolved(self, f: ScriptFile) -> ScriptFile:
        """The file's whole model with its members resolved, as the story's scenes are."""

    def story(self) -> Story:
        """The whole story, assembled and resolved."""


def _units(file: ScriptFile, context: str, story: Story, models: Models) -> Units:
    """What a file's scenes and extensions say: from memory, from the user's cache, or visited now (and
    then kept)."""
    src = file.source
    key = (src.name, text_digest(src), context)  # in memory with their file's name; on disk without it
    with _LOCK:
        found = _MEMORY.get(key)
        if found is not None:
            _MEMORY.move_to_end(key)
            return found
    name = digest(key[1], context)
    payload = read_entry("contents", name, context)
    found = _decode_units(payload, src.name) if payload is not None else None
    if found is None:
        found = _Contents(story).units(models.resolved(file))
        write_later("contents", name, context, functools.partial(_encode_units, found, src.name))
    with _LOCK:
        _MEMORY[key] = found
        while len(_MEMORY) > MEMORY_ENTRIES:
            _MEMORY.popitem(last=False)
    return found


def _encode_units(units: Units, name: str) -> bytes | None:
    """None when a diagnostic names another file (nothing a scene's visit makes): then it is not kept."""
    if any(d.file != name for group in units for u in group for d in u.diags):
        return None
    return json.dumps([[[[[d.line, d.col, d.message, d.code, d.severity.value] for d in u.diags], sorted(u.read)]
                        for u in group] for group in units],
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _decode_units(payload: bytes, name: str) -> Units | None:
    try:
        scenes, extends = ([_Unit(tuple(Diagnostic(name, int(line), int(col), str(message), str(code),
                                                   _SEVERITIES[sev])
                                        for line, col, message, code, sev in found),
                                  frozenset(map(str, read))) for found, read in group]
                           for group in json.loads(payload))
        return scenes, extends
    except (TypeError, ValueError, KeyError):
        return None


# ---- the check -----------------------------------------------------------------------------------------


def judge(files: Sequence[ScriptFile], story: Story, so_far: Iterable[Diagnostic], models: Models) -> list[Diagnostic]:
    """What `check.check_story` and, when nothing is wrong, `check.check_canon_play` report for a story
    assembled from `files` without a syntax error or an unread file. `files` and `story` may be outlines
    (`outline`) or the whole model; `models` gives the whole model when what is kept does not answer."""
    so_far = list(so_far)
    v = version()
    if v is None:  # nothing can be kept: the check as it is
        from .check import check_story

        whole = models.story()
        diags = check_story(whole)
        return diags + (check_canon_play(whole) if not has_errors(so_far + diags) else [])
    checker = _Checker(story)
    checker.flags()
    context = _context(story, v)
    first: set[str] = set()  # the scene ids met so far: a repeated one is not in the story (IFS121)
    found: list[Diagnostic] = []
    for file in files:
        scenes, extends = _units(file, context, story, models)
        for scene, unit in zip(file.scenes, scenes):
            if scene.id not in first:
                first.add(scene.id)
                found += unit.diags
                checker.read_flags |= unit.read
        for ext, unit in zip(file.extends, extends):
            if ext.scene_id in story.scenes:
                found += unit.diags
                checker.read_flags |= unit.read
    diags = checker.diags + _story_wide(checker, files, story, v) + found
    if has_errors(so_far + diags):
        return diags
    return diags + _canon_play(files, story, models, v)


# ---- the story-wide rules -------------------------------------------------------------------------------

# By story folder, the outlines and read flags the story-wide rules last judged, and what they said: a
# `--watch` reload after an edit that leaves every outline as it was (prose on its lines) reuses it. Only
# the latest few stories are kept; each file's outline is kept with it, by the file's name and text digest.
WIDE_STORIES = 4
_WIDE: OrderedDict[str, tuple[tuple[Any, ...], tuple[Diagnostic, ...]]] = OrderedDict()
_OUTLINES: dict[str, dict[tuple[str, str], tuple[Any, ...]]] = {}

Outlined = tuple[str, Any, Any, tuple[Scene, ...], tuple[Extend, ...], Any]


def _story_wide(checker: _Checker, files: Sequence[ScriptFile], story: Story, v: str) -> list[Diagnostic]:
    """What `scene_shape` (each assembled scene) and `story_wide` add to `checker`'s diagnostics. Both read
    only the story's outline (check.py says so, and `loader.check` runs them on outlines alone) and the flags
    read, and the story is assembled from its files' outlines in their order: the same outlines, in the
    same order, with the same flags read, are judged the same. Compared with `==`, which passes over the
    files that did not change as the same objects, and compares the outline of the one that did."""
    where = str(story.root.resolve())
    with _LOCK:
        known = _OUTLINES.get(where, {})
    outlines: dict[tuple[str, str], Outlined] = {}
    for f in files:
        name = (f.source.name, text_digest(f.source))
        found = known.get(name)
        if found is None:
            hollow = outline(f)
            found = (f.source.name, hollow.header, hollow.flags, hollow.scenes, hollow.extends, hollow.includes)
        outlines[name] = found
    key = (v, story.start, tuple(outlines[(f.source.name, text_digest(f.source))] for f in files),
           frozenset(checker.read_flags))
    with _LOCK:
        _OUTLINES[where] = outlines
        kept = _WIDE.get(where)
        if kept is not None:
            _WIDE.move_to_end(where)
    if kept is not None and kept[0] == key:
        return list(kept[1])
    on_disk = _wide_key(files, story, checker.read_flags, v)
    payload = read_entry("story-wide", digest(where), on_disk) if on_disk is not None else None
    read_back = _decode_diags(payload) if payload is not None else None
    if read_back is not None:
        said = tuple(read_back)
    else:
        before = len(checker.diags)
        for scene in story.scenes.values():
            checker.scene_shape(scene)
        checker.story_wide()
        said = tuple(checker.diags[before:])
        del checker.diags[before:]
        if on_disk is not None:
            write_later("story-wide", digest(where), on_disk, functools.partial(_encode_diags, said))
    with _LOCK:
        _WIDE[where] = (key, said)
        _WIDE.move_to_end(where)
        while len(_WIDE) > WIDE_STORIES:
            _OUTLINES.pop(_WIDE.popitem(last=False)[0], None)
    return list(said)


def _wide_key(files: Sequence[ScriptFile], story: Story, read: Iterable[str], v: str) -> str | None:
    """What the story-wide rules' result is kept under on disk: the key `_story_wide` compares in memory,
    with each outline named by its identity (`_outline_id`) and its file's name, which its spans carry.
    None when an outline has none (it was not kept): then only memory keeps the result."""
    ids = [_outline_id(f.source) for f in files]
    if any(i is None for i in ids):
        return None
    return digest(v, story.start, *(f"{f.source.name}\0{i}" for f, i in zip(files, ids)), "\0".join(sorted(read)))


def _encode_diags(diags: Sequence[Diagnostic]) -> bytes:
    return json.dumps([[d.file, d.line, d.col, d.message, d.code, d.severity.value] for d in diags],
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _decode_diags(payload: bytes) -> list[Diagnostic] | None:
    try:
        return [Diagnostic(str(file), int(line), int(col), str(message), str(code), _SEVERITIES[severity])
                for file, line, col, message, code, severity in json.loads(payload)]
    except (TypeError, ValueError, KeyError):  # the right key but not our shape: treat as missing
        return None


def _canon_play(files: Sequence[ScriptFile], story: Story, models: Models, v: str) -> list[Diagnostic]:
    """`check_canon_play`, unless the last clean play of this story still holds (see the module's doc)."""
    from .script_cache import cached

    where = digest(str(story.root.resolve()))
    context = digest(v, repr([play_shape(d) for d in story.flags.values()]), story.start)
    now = [(_relative(f, story.root), text_digest(f.source)) for f in files]
    payload = read_entry("canon", where, context)
    if payload is not None and _still_clean(payload, now, files, models, cached):
        return []
    diags = check_canon_play(models.story())
    if not diags:
        write_later("canon", where, context, lambda: json.dumps(now).encode("utf-8"))
    return diags


def _still_clean(payload: bytes, now: list[tuple[str, str]], files: Sequence[ScriptFile],
                 models: Models,
                 cached: Callable[[SourceFile, str], ScriptFile | None]) -> bool:
    try:
        before = [(str(rel), str(d)) for rel, d in json.loads(payload)]
    except (TypeError, ValueError):
        return False
    if [rel for rel, _ in before] != [rel for rel, _ in now]:
        return False  # a file added, removed or renamed: the scenes or their order may differ
    for (_, old), (_, new), file in zip(before, now, files):
        if old == new:
            continue
        earlier = cached(SourceFile(file.source.path, file.source.name, ""), old)
        if earlier is None:
            return False
        # both as built, members not resolved: resolving is the same function of the same flags on both
        if not _plays_the_same(earlier, models.file(file)):
            return False
    return True


def _plays_the_same(earlier: ScriptFile, later: ScriptFile) -> bool:
    """Whether two versions of a file have the same `play_shape`, scene by scene: a scene equal as it is
    (an edit leaves most of a file's scenes, spans and all, as they were) needs no shape."""
    old: tuple[Scene | Extend, ...] = (*earlier.scenes, *earlier.extends)
    new: tuple[Scene | Extend, ...] = (*later.scenes, *later.extends)
    if len(old) != len(new) or len(earlier.scenes) != len(later.scenes):
        return False
    return all(a == b or play_shape(a) == play_shape(b) for a, b in zip(old, new))


def _relative(file: ScriptFile, root: Path) -> str:
    try:
        return file.source.path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return file.source.path.as_posix()
