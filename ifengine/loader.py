"""Finding, reading and assembling a story's files into one `Story`, with every problem as a Diagnostic."""
from __future__ import annotations

import gc
import hashlib
import os
import time
import posixpath
from dataclasses import dataclass, replace
from pathlib import Path
from contextlib import contextmanager
from typing import Callable, Hashable, Iterator, Mapping, TypeVar

from .diagnostics import Diagnostic, Severity, has_errors, sort_key
from .errors import StoryError
from .model import Choice, Extend, FlagDecl, FlagRef, Include, Member, Node, Role, Scene, ScriptFile, Story
from .reading import display as _display, inside as _inside, read_source, source_from_text, story_files
from .script_cache import MEMORY_LIMIT, parse_and_build
from .source import SourceFile, Span
from .unparsed import NOTHING, Unparsed, unparsed
from .visit import rewrite

# Files that could not be read at all: what they hold (the header, scenes) is missing, not absent.
UNREAD = {"IFS101", "IFS102", "IFS103"}


@dataclass
class Loaded:
    """What a load produced: the story when it could be assembled, and every diagnostic."""

    story: Story | None
    diagnostics: list[Diagnostic]

    @property
    def ok(self) -> bool:
        return self.story is not None and not has_errors(self.diagnostics)


def load(path: Path | str) -> Loaded:
    """Read, parse, build and check a story folder or file. Never raises for anything in the files.

    The cyclic garbage collector is paused meanwhile: parse trees and the model are large, acyclic and
    alive until the end, so its passes only cost time, and more the larger the story (GUIDE 1.3)."""
    with _gc_paused():
        return _load(Path(path))


@contextmanager
def _gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


K = TypeVar("K", bound=Hashable)


Build = Callable[[SourceFile, list[Diagnostic]], ScriptFile]


def _read_all(first: list[K], read: Callable[[K], SourceFile | Diagnostic],
              include: Callable[[K, Include], K | Diagnostic],
              build: Build | None = None) -> tuple[list[ScriptFile], list[Diagnostic]]:
    """Read, parse and build each script named in `first`, then each one they `@include`, once each.
    `read` and `include` say where scripts come from (files in a folder, or texts by name) and what is
    refused; the rest is the same whatever the source. `build` makes a script's model (by default the
    whole model; `check` asks for outlines), adding its diagnostics to the list it is given."""
    build = build or _parse_and_build
    diags: list[Diagnostic] = []
    files: list[ScriptFile] = []
    seen: set[K] = set()
    queue = list(first)
    while queue:
        key = queue.pop(0)
        if key in seen:
            continue
        seen.add(key)
        src = read(key)
        if isinstance(src, Diagnostic):
            diags.append(src)
            continue
        built = build(src, diags)
        files.append(built)
        for inc in built.includes:
            target = include(key, inc)
            if isinstance(target, Diagnostic):
                diags.append(target)
            else:
                queue.append(target)
    return files, diags


def _load(path: Path) -> Loaded:
    return _finish(*_read_story(path))


def check(path: Path | str) -> Loaded:
    """`load` for a caller that wants only the diagnostics (`ifengine check`): the same diagnostics, worked
    out from what is kept of each file's last check (incremental.py), so a story of fifty files checked
    again after an edit to one reads back fifty outlines, visits one file and plays nothing unless the
    edit can change the canon play. The `story` returned is the story's outline, with every file's source
    but no scene's body: for showing the diagnostics' lines, never for play (load the story for that)."""
    from .incremental import outline_of

    with _gc_paused():
        files, root, diags = _read_story(Path(path), outline_of)
        if has_errors(d for d in diags if d.code == "IFS100" or d.code in UNREAD):
            return load(path)  # what failed to parse or to be read is judged from the whole text: as `load`
        return _finish(files, root, diags, outlined=True)


def _read_story(path: Path, build: Build | None = None) -> tuple[list[ScriptFile], Path, list[Diagnostic]]:
    if not path.exists():
        return [], path, [Diagnostic(_display(path), 1, 1, "no such file or folder", "IFS101")]
    root, first = story_files(path)
    if not first:
        return [], root, [Diagnostic(_display(path), 1, 1, "no .ifs files in this folder", "IFS101")]
    resolved = {p.resolve(): p for p in first}  # what `seen` compares: a file reached two ways is read once

    def read(key: Path) -> SourceFile | Diagnostic:
        p = resolved.get(key, key)
        if not _inside(p, root):
            return Diagnostic(_display(p), 1, 1, f"this file lies outside the story folder {_display(root)}",
                              "IFS103")
        return _read_source(p)

    def include(key: Path, inc: Include) -> Path | Diagnostic:
        target = resolved.get(key, key).parent / inc.path
        where = inc.span
        if not _inside(target, root):
            return Diagnostic(where.file, where.line, where.col,
                              f"@include \"{inc.path}\" lies outside the story folder {_display(root)}", "IFS103")
        if not target.is_file():
            return Diagnostic(where.file, where.line, where.col, f"@include \"{inc.path}\": no such file", "IFS101")
        resolved.setdefault(target.resolve(), target)
        return target.resolve()

    files, diags = _read_all(list(resolved), read, include, build)
    return files, root, diags


def _finish(files: list[ScriptFile], root: Path, diags: list[Diagnostic], outlined: bool = False) -> Loaded:
    """Assemble the files read into one story and check it (whatever the files were read from). `outlined`:
    the files are outlines (`incremental.outline`), which the check reads whole files beside when it must."""
    from .check import check_story  # check needs the assembled story; imported here to keep layers one-way
    from .incremental import judge

    if not files:  # nothing could be read: there is no story to assemble or judge
        diags.sort(key=sort_key)
        return Loaded(None, diags)
    where = {id(f): _relative(f.source.path, root) for f in files}  # each path resolved once: a few ms a file
    files.sort(key=lambda f: where[id(f)])
    # only what failed to parse is missing: a syntax error in a scene, a flag or a header line
    syntax = has_errors(d for d in diags if d.code == "IFS100")
    broken = unparsed(files) if syntax else NOTHING
    unread = has_errors(d for d in diags if d.code in UNREAD)
    story, assembly = assemble(files, root, broken, partial=unread, relative=[where[id(f)] for f in files])
    diags += assembly
    if story is None:
        pass  # nothing to judge
    elif syntax or unread:  # what is missing is judged from the text (`broken`), as it stands: nothing kept
        story = resolve_members(story)
        diags += check_story(story, skip_semantic=True, broken=broken)
    else:
        if not outlined:
            story = resolve_members(story)
        whole = _Whole(files, root, story.flags, None if outlined else story)
        diags += judge(files, story, diags, whole)
    diags.sort(key=sort_key)
    return Loaded(story, diags)


class _Whole:
    """The whole model beside outlines (`incremental.Models`): each file's from the script cache (memory,
    disk, or parsed again) and the story assembled from them. Files that are whole already are themselves,
    and so is their story."""

    def __init__(self, files: list[ScriptFile], root: Path, flags: Mapping[str, FlagDecl],
                 story: Story | None) -> None:
        self.files, self.root, self.flags, self._story = files, root, flags, story
        self.whole = story is not None  # the files are whole models, not outlines

    def file(self, f: ScriptFile) -> ScriptFile:
        return f if self.whole else parse_and_build(f.source)[0]

    def resolved(self, f: ScriptFile) -> ScriptFile:
        return _resolved(self.file(f), self.flags)

    def story(self) -> Story:
        if self._story is None:
            story, _ = assemble([self.file(f) for f in self.files], self.root)
            assert story is not None
            self._story = resolve_members(story)
        return self._story


def load_text(sources: str | Mapping[str, str], name: str = "story.ifs") -> Loaded:
    """Parse, build and check a story given as text rather than files: one script (named `name` in
    diagnostics) or several by name, `@include`s resolved among them. Never raises for anything in them.
    A host program that keeps its stories in a database or a bundle loads them this way."""
    texts = {name: sources} if isinstance(sources, str) else dict(sources)
    if not texts:
        return Loaded(None, [Diagnostic(name, 1, 1, "no story text was given", "IFS101")])

    def read(key: str) -> SourceFile | Diagnostic:
        return source_from_text(Path(key), key, texts[key])

    def include(key: str, inc: Include) -> str | Diagnostic:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(key), inc.path))
        if target not in texts:
            return Diagnostic(inc.span.file, inc.span.line, inc.span.col,
                              f"@include \"{inc.path}\": no such script among those given", "IFS101")
        return target

    with _gc_paused():
        files, diags = _read_all(sorted(texts), read, include)
        return _finish(files, Path("."), diags)


# What each file held when last read, by path, with what `stat` said then: a process that loads a story again
# and again (the player's --watch) reads only the files that changed. Bounded by text size like the script
# cache's memory (`script_cache.MEMORY_LIMIT`): past it, everything is read afresh once.
_SOURCES: dict[Path, tuple[tuple[int, int, int, int], SourceFile]] = {}
RACY_NS = 2_000_000_000  # a change within the same tick of the filesystem's clock leaves its times as they were


def _read_source(path: Path) -> SourceFile | Diagnostic:
    """`read_source`, or the text read before when the file's device, inode, size and change time are as
    they were then. Only a file last changed well before it was read is trusted so (git's "racy" rule): two
    writes within one tick of the filesystem's clock would leave those the same."""
    try:
        st = os.stat(path)
        key = (st.st_ino, st.st_dev, st.st_size, st.st_ctime_ns)
    except OSError:
        return read_source(path)
    kept = _SOURCES.get(path)
    if kept is not None and kept[0] == key and kept[1].name == _display(path):
        return kept[1]
    read_at = time.time_ns()
    found = read_source(path)
    if isinstance(found, SourceFile) and st.st_ctime_ns < read_at - RACY_NS and st.st_mtime_ns < read_at - RACY_NS:
        if sum(len(src.text) for _, src in _SOURCES.values()) + len(found.text) > MEMORY_LIMIT:
            _SOURCES.clear()
        _SOURCES[path] = (key, found)
    return found


def _parse_and_build(src: SourceFile, diags: list[Diagnostic]) -> ScriptFile:
    built, found = parse_and_build(src)  # parsed again only when its text changed (script_cache.py)
    diags += found
    return built


def load_story(path: Path | str) -> Story:
    """The engine's entry point: a playable `Story` from a folder or a file, or `StoryError` carrying every
    diagnostic."""
    return _playable(load(path))


def load_story_text(sources: str | Mapping[str, str], name: str = "story.ifs") -> Story:
    """`load_story` for a story given as text (one script, or several by name): see `load_text`."""
    return _playable(load_text(sources, name))


def _playable(loaded: Loaded) -> Story:
    if not loaded.ok:
        error = StoryError(loaded.diagnostics)
        error.story = loaded.story
        raise error
    assert loaded.story is not None
    return loaded.story


def _diag(span: Span, message: str, code: str, severity: Severity = Severity.ERROR) -> Diagnostic:
    return Diagnostic(span.file, span.line, span.col, message, code, severity)


def _relative(path: Path, root: Path) -> Path:
    """A file's path below the story folder, however it was reached (an absolute @include, `sub/../x.ifs`)."""
    try:
        return path.resolve().relative_to(root.resolve())
    except ValueError:
        return path


def assemble(files: list[ScriptFile], root: Path, broken: Unparsed = NOTHING,
             partial: bool = False, relative: list[Path] | None = None) -> tuple[Story | None, list[Diagnostic]]:
    """Merge files into one story: one header, flags and scenes by id, extensions folded into scenes.
    `broken` is what the text declares in lines that failed to parse: it is not reported missing too.
    `partial` says some file could not be read: a header field missing here may be in it. `relative`:
    each file's path below `root`, when the caller has worked them out already."""
    diags: list[Diagnostic] = []
    header: dict[str, tuple[str, str, Span]] = {}
    flags: dict[str, FlagDecl] = {}
    scenes: dict[str, Scene] = {}
    extends: list[Extend] = []
    for f in files:
        for h in f.header:
            if h.key in header:
                first = header[h.key][2]
                diags.append(_diag(h.span, f"@{h.key} is given twice (first at {first})", "IFS110"))
            else:
                header[h.key] = (h.value, h.extra, h.span)
        for flag in f.flags:
            _keep_first(flags, flag.name, flag, f"flag '{flag.name}' is declared twice", "IFS131", diags)
        for scene in f.scenes:
            _keep_first(scenes, scene.id, scene, f"scene id '{scene.id}' is used twice", "IFS121", diags)
        extends.extend(f.extends)
    for ext in extends:
        base = scenes.get(ext.scene_id)
        if base is None and ext.scene_id not in broken.scenes:
            diags.append(_diag(ext.span, f"extend names scene '{ext.scene_id}', which does not exist", "IFS123"))
        elif base is not None:
            scenes[ext.scene_id] = _with_choices(base, ext.choices)
    for scene in scenes.values():
        taken: dict[str, Choice] = {}
        for c in scene.choices:
            if c.local_id in taken:
                hint = "" if c.explicit_id else "; give one an explicit id: * (new-id) [...]"
                diags.append(_diag(c.span, f"choice id '{c.id}' is used twice in scene '{scene.id}' "
                                           f"(first at {taken[c.local_id].span}){hint}", "IFS122"))
            else:
                taken[c.local_id] = c
    where = files[0].source.name if files else str(root)
    first_span = Span(where, 1, 1)
    missing = [f"@{key}" for key in ("story", "title", "role", "start")
               if key not in header and key not in broken.header]
    if missing and not partial:
        listed = ", ".join(missing[:-1]) + " and " + missing[-1] if len(missing) > 1 else missing[0]
        diags.append(_diag(first_span, f"the story header is incomplete: {listed} "
                                       f"{'is' if len(missing) == 1 else 'are'} missing (one file must give them)",
                           "IFS110"))
    start_id = header.get("start", ("", "", first_span))
    if "start" in header and start_id[0] not in scenes and start_id[0] not in broken.scenes:
        diags.append(_diag(start_id[2], f"@start names scene '{start_id[0]}', which does not exist", "IFS111"))
    digest = hashlib.sha256()
    for f, rel in zip(files, relative or [_relative(f.source.path, root) for f in files]):
        digest.update(rel.as_posix().encode())
        digest.update(b"\0" + f.source.text.encode("utf-8") + b"\0")
    role = header.get("role", ("", "", first_span))
    story = Story(
        id=header.get("story", (root.name, "", first_span))[0],
        title=header.get("title", (root.name, "", first_span))[0],
        role=Role(role[0], role[1]),
        blurb=header.get("blurb", ("", "", first_span))[0],
        start=start_id[0],
        flags=flags,
        scenes=scenes,
        files=tuple(files),
        root=root,
        digest=digest.hexdigest(),
        header_span=header.get("story", ("", "", first_span))[2],
    )
    return story, diags


def resolve_members(story: Story) -> Story:
    """The story with each bare word that names a member of an enum or set flag (and no flag) read as that
    member (`Member`), not as a flag: only now, with every file's declarations known, can the two be told
    apart. A story without enums or sets is returned as it is."""
    return _resolved(story, story.flags)


N = TypeVar("N", bound=Node)


def _resolved(node: N, flags: Mapping[str, FlagDecl]) -> N:
    """`resolve_members` for any part of a story, given the story's flags."""
    members = {m for d in flags.values() for m in d.members} - flags.keys()
    if not members:
        return node

    def member(n: Node) -> Node | None:
        return Member(n.name, n.span) if isinstance(n, FlagRef) and n.name in members else None
    return rewrite(node, member)


def _keep_first(table: dict, key: str, item: FlagDecl | Scene, repeated: str, code: str,
                diags: list[Diagnostic]) -> None:
    """The first declaration of a name wins; a repeat is reported where it stands, pointing at the first."""
    if key in table:
        diags.append(_diag(item.span, f"{repeated} (first at {table[key].span})", code))
    else:
        table[key] = item


def _with_choices(scene: Scene, choices: tuple[Choice, ...]) -> Scene:
    """The scene with an extension's choices added to its last part: the choices that lead out of it."""
    *before, last = scene.parts
    return replace(scene, parts=(*before, replace(last, choices=last.choices + choices)))
