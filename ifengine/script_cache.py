"""Each script parsed and built once: a file whose text has not changed is not parsed again, in this
process (a `--watch` reload re-parses only the file saved) or in the next (`check` after editing one file
of fifty). Lark's lexer and parser are three quarters of a cold load; the builder most of the rest.

Kept by the digest of the file's text, for one *version*: the digest of the grammar and of the code that
turns text into the model (this module and those listed in `_BUILT_BY`). Editing any of them, or
installing another lark, makes every entry stale by itself. An entry holds the built model and the
diagnostics the parse and the build gave, with no file name: a renamed or moved file is still a hit, and
its spans and diagnostics name it as it is now called. A stale, damaged or unreadable entry is ignored
and rewritten (see `cache.py`), so what a load reports never depends on the cache. A file that did change
is built again by sections when it can be (`sections.py`: only the scenes edited are parsed), and its entry
written after the caller's work when it asks (`cache.writes_deferred`: the watch, once the text is shown).
The text of each file's last clean build is kept too (`latest`, by the file's path), so the next process
that meets an edited version (`ifengine check` after an edit, a new `play`) builds it by sections as well,
against that version's kept model.
"""
from __future__ import annotations

import enum
import functools
import hashlib
import threading
from collections import OrderedDict
from dataclasses import is_dataclass, replace
from pathlib import Path
from typing import Any

from . import model, sections
from .cache import digest, read_entry, write_later
from .codec import Codec, CodecError
from .diagnostics import Diagnostic, Severity
from .grammar_file import grammar_digest
from .model import ScriptFile
from .source import SourceFile

# The modules whose code decides what a script builds into: a change to any of them is a new version. Read
# as files: `parser` and `build` (and lark with them) are imported only when a script must be parsed.
_BUILT_BY = ("parser", "build", "model", "source", "diagnostics", "codec", "grammar_file", "script_cache",
             "sections")

# Built files kept in memory, by text size: about three stories of a million words.
MEMORY_LIMIT = 24_000_000

CODEC = Codec([c for c in vars(model).values() if isinstance(c, type) and c.__module__ == model.__name__
                and (is_dataclass(c) or issubclass(c, enum.Enum))] + [Severity])


@functools.cache
def version() -> str | None:
    """The grammar and the code the cached models were built by; None when that code cannot be read (a
    frozen application): then nothing is kept on disk, since a stale entry could not be told apart."""
    try:
        code = [(Path(__file__).parent / f"{name}.py").read_bytes() for name in _BUILT_BY]
    except OSError:
        return None
    return digest(grammar_digest(), *code)


def digest_of(text: str) -> str:
    """The hex sha256 of a script's text. Kept for texts as large as the built files kept (`MEMORY_LIMIT`): a
    load asks for it several times (this cache, the incremental check), and a text met again is the same
    string, whose hash Python keeps, so a lookup costs nothing beside hashing megabytes again."""
    with _LOCK:
        found = _DIGESTS.get(text)
    if found is None:
        found = hashlib.sha256(text.encode("utf-8")).hexdigest()
        with _LOCK:
            global _DIGESTED
            _DIGESTS[text] = found
            _DIGESTED += len(text)
            while _DIGESTED > MEMORY_LIMIT and len(_DIGESTS) > 1:
                _DIGESTED -= len(_DIGESTS.popitem(last=False)[0])
    return found


_DIGESTS: OrderedDict[str, str] = OrderedDict()
_DIGESTED = 0  # characters of the texts in _DIGESTS


def parse_and_build(src: SourceFile) -> tuple[ScriptFile, list[Diagnostic]]:
    """One script's model and the diagnostics its parse and build gave: from memory, from the user's
    cache, or made (and then kept in both)."""
    text_digest = digest_of(src.text)
    key = (src.name, text_digest)
    with _LOCK:
        found = _MEMORY.get(key)
        if found is not None:
            _MEMORY.move_to_end(key)
    if found is None:
        found = _from_disk(src, text_digest)
        if found is None:
            found = _made(src, text_digest)
        _remember(key, found, len(src.text))
    built, diags = found
    built = built if built.source == src else replace(built, source=src)
    sections.served(built, clean=not diags)  # the next version of this file reuses its unchanged sections
    return built, list(diags)


def cached(src: SourceFile, text_digest: str) -> ScriptFile | None:
    """The model kept for a text of that digest (an earlier version of `src`, say), spans naming `src`; None
    when neither memory nor the user's cache holds it. Nothing is parsed."""
    with _LOCK:
        found = _MEMORY.get((src.name, text_digest))
    if found is None:
        found = _from_disk(src, text_digest)
    return found[0] if found is not None else None


def _made(src: SourceFile, text_digest: str) -> tuple[ScriptFile, tuple[Diagnostic, ...]]:
    from .build import build_file
    from .parser import parse_source

    said: tuple[Diagnostic, ...] = ()
    if not sections.knows(src.name):
        _recall_last_clean(src)
    built_again = sections.build(src)  # only the sections that changed since the last clean version
    if built_again is not None:
        built = built_again
    else:
        items, diags = parse_source(src)
        built, said = build_file(src, items, diags), tuple(diags)
    v = version()
    if v is not None:
        def payload() -> bytes | None:
            try:
                return CODEC.dumps((_parts(built), tuple(_without_file(d, src.name) for d in said)),
                                   src.name).encode("utf-8")
            except CodecError:  # a span or diagnostic naming another file: nothing a build makes; not kept
                return None
        write_later("scripts", text_digest, v, payload)
        if not said:
            write_later("latest", _path_key(src), v, lambda: src.text.encode("utf-8"))
    return built, said


def _path_key(src: SourceFile) -> str:
    return digest(str(src.path.resolve()))


def _recall_last_clean(src: SourceFile) -> None:
    """Hand `sections` the last clean version of the file that an earlier process built, if the user's
    cache still holds its text and its model: the edited version is then built against it by sections.
    Only ever a starting point: `sections.build` reuses a section only where the text is the same, and
    parses the whole file when little is."""
    v = version()
    text = read_entry("latest", _path_key(src), v) if v is not None else None
    if text is None:
        return
    try:
        earlier = SourceFile(src.path, src.name, text.decode("utf-8"))
    except UnicodeDecodeError:
        return
    if earlier.text == src.text:
        return
    found = cached(earlier, digest_of(earlier.text))
    if found is not None:
        sections.served(found, clean=True)


def _from_disk(src: SourceFile, text_digest: str) -> tuple[ScriptFile, tuple[Diagnostic, ...]] | None:
    v = version()
    payload = read_entry("scripts", text_digest, v) if v is not None else None
    if payload is None:
        return None
    try:
        (header, flags, scenes, extends, includes), diags = CODEC.loads(payload, src.name)
        built = ScriptFile(src, header, flags, scenes, extends, includes)
        return built, tuple(Diagnostic(src.name, *d) for d in diags)
    except (CodecError, TypeError, ValueError):  # the right digest but not our shape: treat as missing
        return None


def _parts(built: ScriptFile) -> tuple[Any, ...]:
    return built.header, built.flags, built.scenes, built.extends, built.includes


def _without_file(d: Diagnostic, name: str) -> tuple[Any, ...]:
    if d.file != name:
        raise CodecError(f"a diagnostic of {d.file!r} among those of {name!r}")
    return d.line, d.col, d.message, d.code, d.severity


_LOCK = threading.Lock()  # the watch loads in a worker thread while the app may load another story
_MEMORY: OrderedDict[tuple[str, str], tuple[ScriptFile, tuple[Diagnostic, ...]]] = OrderedDict()
_SIZES: dict[tuple[str, str], int] = {}


def _remember(key: tuple[str, str], found: tuple[ScriptFile, tuple[Diagnostic, ...]], size: int) -> None:
    with _LOCK:
        _MEMORY[key] = found
        _SIZES[key] = size
        total = sum(_SIZES.values())
        while total > MEMORY_LIMIT and len(_MEMORY) > 1:
            old, _ = _MEMORY.popitem(last=False)
            total -= _SIZES.pop(old)
