"""A file loaded again after an edit is built one section at a time, reusing the sections that did not
change (ifengine/sections.py). Every case edits a story in this process, loads it again (`load`, as the
player's --watch does) and compares the files' models and the diagnostics with a load made from nothing:
no section, model or result kept in memory or on disk."""
from __future__ import annotations

from pathlib import Path

import pytest

from ifengine import incremental, script_cache, sections
from ifengine.build import build_file
from ifengine.diagnostics import Diagnostic
from ifengine.loader import load
from ifengine.parser import parse_source
from ifengine.reading import read_source

STORY = """@story sec
@title Sections
@role Someone: a line.
@start hall
@flag coins: int = 0

=== hall: The hall
You have {coins} coins. {cycle: Dust. | Cobwebs.}
* canon [Go on] -> yard
* [Count] -> yard
  ~ coins += 1

=== yard: The yard
It is {stopping: bright | dim} here, and quiet.
* canon [On] -> gate

=== gate: The gate
The gate stands {cycle: open | ajar}.
* canon [Through] -> end

=== attic: The attic
Nobody comes here. {once: A draught.}
* [Down] -> hall

=== ending end (canon): The end
Done.
"""


@pytest.fixture
def story(tmp_path: Path) -> Path:
    folder = tmp_path / "sec"
    folder.mkdir()
    (folder / "main.ifs").write_text(STORY, encoding="utf-8")
    return folder


def from_nothing(path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Diagnostic]:
    """The diagnostics of a load that keeps and reads back nothing, and each file's model equal to its
    whole parse and build."""
    with monkeypatch.context() as m:
        m.setattr(script_cache, "version", lambda: None)
        m.setattr(incremental, "version", lambda: None)
        m.setattr(script_cache, "_MEMORY", type(script_cache._MEMORY)())
        m.setattr(sections, "_KEPT", {})
        return load(path).diagnostics


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def reloaded(path: Path, monkeypatch: pytest.MonkeyPatch, built_again: list[int]) -> list[Diagnostic]:
    """Load again in this process; assert that the file was built by sections and that its model and the
    diagnostics are those of a load from nothing."""
    before = len(built_again)
    found = load(path)
    assert len(built_again) == before + 1, "the edited file was not built by sections"
    src = read_source(path / "main.ifs")
    items, diags = parse_source(src)
    whole = build_file(src, items, diags)
    model, _ = script_cache.parse_and_build(src)
    assert model == whole  # every span of every scene, the alternatives' keys, the order of everything
    assert found.diagnostics == from_nothing(path, monkeypatch)
    return found.diagnostics


@pytest.fixture
def built_again(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the builds by sections that gave a model."""
    calls: list[int] = []
    real = sections.build

    def counted(src):  # type: ignore[no-untyped-def]
        found = real(src)
        if found is not None:
            calls.append(1)
        return found
    monkeypatch.setattr(sections, "build", counted)
    return calls


def test_lines_added_above_move_the_later_scenes_and_their_diagnostics(
        story: Path, monkeypatch: pytest.MonkeyPatch, built_again: list[int]) -> None:
    assert [(d.line, d.col, d.code) for d in load(story).diagnostics] == [(21, 5, "IFS200")]
    edit(story / "main.ifs", "You have {coins} coins.", "A long hall.\nYou have {coins} coins.\nReally.")
    found = reloaded(story, monkeypatch, built_again)
    assert [(d.line, d.col, d.code) for d in found] == [(23, 5, "IFS200")]
    edit(story / "main.ifs", "It is {stopping", "It is {lit} and {stopping")  # an unknown flag, further down
    found = reloaded(story, monkeypatch, built_again)
    assert [(d.line, d.col, d.code) for d in found if d.is_error] == [(16, 8, "IFS130")]
    edit(story / "main.ifs", "A long hall.\n", "")  # lines taken away above it
    found = reloaded(story, monkeypatch, built_again)
    assert [(d.line, d.col, d.code) for d in found if d.is_error] == [(15, 8, "IFS130")]


def test_prose_edited_on_its_line_and_a_scene_added(
        story: Path, monkeypatch: pytest.MonkeyPatch, built_again: list[int]) -> None:
    load(story)
    edit(story / "main.ifs", "and quiet.", "and very quiet.")
    assert [d.code for d in reloaded(story, monkeypatch, built_again)] == ["IFS200"]
    edit(story / "main.ifs", "=== attic", "=== loft: The loft\nHay. {cycle: a | b}\n* [Down] -> hall\n\n=== attic")
    assert [(d.line, d.code) for d in reloaded(story, monkeypatch, built_again)] == [(21, "IFS200"), (25, "IFS200")]


def test_what_sections_cannot_build_exactly_is_parsed_whole(
        story: Path, monkeypatch: pytest.MonkeyPatch, built_again: list[int]) -> None:
    """A syntax error, and a scene id given twice (the builder numbers the alternatives of both together):
    the whole file is parsed, and the result is a load's from nothing."""
    load(story)
    edit(story / "main.ifs", "* [Down] -> hall", "* [Down -> hall")
    found = load(story).diagnostics
    assert found == from_nothing(story, monkeypatch) and [d.code for d in found if d.is_error] == ["IFS100"]
    edit(story / "main.ifs", "* [Down -> hall", "* [Down] -> hall")
    load(story)
    edit(story / "main.ifs", "=== attic: The attic", "=== gate: The gate again")
    before = len(built_again)
    found = load(story).diagnostics
    assert len(built_again) == before  # not by sections
    assert found == from_nothing(story, monkeypatch) and "IFS121" in {d.code for d in found}
    src = read_source(story / "main.ifs")
    items, diags = parse_source(src)
    assert script_cache.parse_and_build(src)[0] == build_file(src, items, diags)


def _new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget everything kept in memory, as a new process starts; the user's cache stays."""
    monkeypatch.setattr(script_cache, "_MEMORY", type(script_cache._MEMORY)())
    monkeypatch.setattr(script_cache, "_SIZES", {})
    monkeypatch.setattr(sections, "_KEPT", {})
    monkeypatch.setattr(sections, "_SIZES", {})
    monkeypatch.setattr(sections, "_texts", {})


def test_a_new_process_builds_an_edited_file_by_sections_against_the_last_clean_version(
        story: Path, monkeypatch: pytest.MonkeyPatch, built_again: list[int]) -> None:
    """`ifengine check` after an edit is a new process: the cache keeps the text of the file's last clean
    build, and the edited version is built against its kept model, one changed section parsed."""
    load(story)
    edit(story / "main.ifs", "Nobody comes here.", "Nobody has come here\nin years.")
    _new_process(monkeypatch)
    parsed: list[int] = []
    real = sections._build_section
    monkeypatch.setattr(sections, "_build_section", lambda src, s: parsed.append(1) or real(src, s))
    assert [(d.line, d.code) for d in reloaded(story, monkeypatch, built_again)] == [(21, "IFS200")]
    assert len(parsed) == 1  # the attic's section alone


def test_a_last_clean_version_the_cache_lost_or_damaged_means_a_whole_parse(
        story: Path, monkeypatch: pytest.MonkeyPatch, built_again: list[int], home: Path) -> None:
    load(story)
    edit(story / "main.ifs", "Nobody comes here.", "Nobody comes here now.")
    for entry in (home / "cache" / "latest").iterdir():
        entry.write_bytes(entry.read_bytes()[:-3] + b"???")  # the text no longer matches its digest
    _new_process(monkeypatch)
    assert load(story).diagnostics == from_nothing(story, monkeypatch) and not built_again
    edit(story / "main.ifs", "Nobody comes here now.", "Nobody comes.")
    load(story)  # a clean version again, its text kept
    edit(story / "main.ifs", "Nobody comes.", "Nobody.")
    for entry in (home / "cache" / "scripts").iterdir():
        entry.unlink()  # its text is kept, its model is not
    _new_process(monkeypatch)
    before = len(built_again)
    assert load(story).diagnostics == from_nothing(story, monkeypatch) and len(built_again) == before
