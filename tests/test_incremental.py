"""The incremental check (issue 18): what each file contributed to the last check is kept, and a check
after an edit reports exactly what a check made from nothing reports. Every case here edits a story
across files, checks it again through `ifengine.loader.check` (outlines and kept results) and `load`
(whole models), in this process and in fresh ones, and compares both with the checker run whole
(`check_story` and `check_canon_play` on the assembled story, nothing kept)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ifengine import incremental, script_cache
from ifengine.analysis import play_shape
from ifengine.diagnostics import Diagnostic, Severity
from ifengine.loader import check, load

ROOT = Path(__file__).resolve().parent.parent

MAIN = """@story inc
@title Incremental
@role Someone: a line.
@start hall
@flag coins: int = 0
@flag lit: bool = false

=== hall: The hall
You have {coins} coins. The lamp is {if lit: on | off}.
* canon [Go on] -> yard
* [Count] -> yard
  ~ coins += 1
"""

YARD = """=== yard: The yard
~ lit = true
It is bright here, and quiet.
* canon [On] -> gate
  ? coins < 5 else "Too heavy."
"""

GATE = """=== gate: The gate
The gate stands open.
* canon [Through] -> end

=== ending end (canon): The end
Done.
"""


def reference(path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Diagnostic]:
    """The diagnostics with nothing kept: the checker run whole, as before there was an incremental one."""
    with monkeypatch.context() as m:
        m.setattr(incremental, "version", lambda: None)
        return load(path).diagnostics


def same_everywhere(path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Diagnostic]:
    """The diagnostics, after asserting that every way of checking the story gives them: whole, kept in
    this process (twice), and `ifengine check` in a fresh process."""
    expected = reference(path, monkeypatch)
    assert check(path).diagnostics == expected
    assert check(path).diagnostics == expected
    assert load(path).diagnostics == expected
    assert cli_lines(path) == [str(d) for d in expected]
    return expected


def cli_lines(path: Path) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "ifengine", "check", "--json", str(path)], env=env,
                          capture_output=True, text=True)  # the same working folder: the same file names
    assert "Traceback" not in done.stderr, done.stderr
    import json

    return [str(Diagnostic(d["file"], d["line"], d["col"], d["message"], d["code"], Severity(d["severity"])))
            for d in json.loads(done.stdout)]


@pytest.fixture
def story(tmp_path: Path) -> Path:
    folder = tmp_path / "inc"
    folder.mkdir()
    for name, text in (("main.ifs", MAIN), ("yard.ifs", YARD), ("gate.ifs", GATE)):
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_flag_declared_in_one_file_and_used_in_another(story: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert same_everywhere(story, monkeypatch) == []
    edit(story, "main.ifs", "@flag lit: bool = false\n", "")
    found = same_everywhere(story, monkeypatch)
    assert [(Path(d.file).name, d.line, d.code) for d in found if d.code == "IFS130"] == [
        ("main.ifs", 8, "IFS130"), ("yard.ifs", 2, "IFS130")]
    edit(story, "main.ifs", "@flag coins: int = 0\n", "@flag coins: int = 0\n@flag lit: int = 0\n")
    found = same_everywhere(story, monkeypatch)  # the same name, another type: yard's `~ lit = true` is wrong now
    assert any(d.code == "IFS132" and Path(d.file).name == "yard.ifs" for d in found)
    edit(story, "main.ifs", "@flag lit: int = 0\n", "@flag lit: bool = false\n")
    assert same_everywhere(story, monkeypatch) == []


def test_a_scene_renamed(story: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    same_everywhere(story, monkeypatch)
    edit(story, "gate.ifs", "=== gate:", "=== gates:")
    found = same_everywhere(story, monkeypatch)
    assert [(Path(d.file).name, d.line, d.col, d.code) for d in found if d.is_error] == [
        ("yard.ifs", 4, 17, "IFS120")]
    assert "(did you mean 'gates'?)" in next(d.message for d in found if d.code == "IFS120")
    edit(story, "yard.ifs", "-> gate", "-> gates")
    assert same_everywhere(story, monkeypatch) == []


def test_a_file_removed_renamed_and_added(story: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    same_everywhere(story, monkeypatch)
    (story / "gate.ifs").rename(story / "z-gate.ifs")  # renamed: its diagnostics name the new file
    assert same_everywhere(story, monkeypatch) == []
    edit(story, "z-gate.ifs", "Done.", "Done, {coins / 0} times.")
    found = same_everywhere(story, monkeypatch)
    assert [(Path(d.file).name, d.code) for d in found] == [("z-gate.ifs", "IFS135")]
    (story / "z-gate.ifs").unlink()
    found = same_everywhere(story, monkeypatch)
    assert {d.code for d in found} >= {"IFS120"}
    (story / "gate.ifs").write_text(GATE, encoding="utf-8")
    (story / "more.ifs").write_text("=== gate: Again\nA second gate.\n* [Back] -> hall\n", encoding="utf-8")
    found = same_everywhere(story, monkeypatch)
    assert [d.code for d in found if d.is_error] == ["IFS121"]


def test_an_extension_in_another_file(story: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (story / "more.ifs").write_text("=== extend yard\n* [Back] -> hall\n  ~ coins -= 1\n", encoding="utf-8")
    assert same_everywhere(story, monkeypatch) == []
    edit(story, "gate.ifs", "=== ending end (canon): The end\nDone.\n",
         "=== ending end (canon): The end\nDone.\n\n=== extend end\n* [Again] -> hall\n")
    found = same_everywhere(story, monkeypatch)
    assert [d.code for d in found if d.is_error] == ["IFS141"]  # an ending's choice, given by an extension
    (story / "more.ifs").write_text("=== extend nowhere\n* [Back] -> hal\n", encoding="utf-8")
    found = same_everywhere(story, monkeypatch)
    assert {d.code for d in found if d.is_error} == {"IFS123", "IFS141"}


def test_the_canon_play_is_kept_across_prose_and_played_again_for_the_rest(
        story: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    played: list[int] = []
    real = incremental.check_canon_play
    monkeypatch.setattr(incremental, "check_canon_play", lambda s: played.append(1) or real(s))
    same_everywhere(story, monkeypatch)
    before = len(played)
    edit(story, "yard.ifs", "bright here, and quiet.", "bright here,\nand very quiet.")  # prose and its lines
    assert check(story).diagnostics == [] and len(played) == before  # the play still holds
    edit(story, "main.ifs", "~ coins += 1", "~ coins += 9")  # off the canon path, but an effect: played again
    assert check(story).diagnostics == [] and len(played) == before + 1
    edit(story, "main.ifs", "@flag coins: int = 0", "@flag coins: int = 7")  # the canon choice is now disabled
    found = same_everywhere(story, monkeypatch)
    assert [(Path(d.file).name, d.line, d.code) for d in found] == [("yard.ifs", 5, "IFS150")]
    assert "disabled (Too heavy.)" in found[0].message


def test_prose_that_runs_without_rendering_is_part_of_the_play(story: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edit(story, "yard.ifs", "It is bright here", "It is {roll(6)} bright here")
    assert same_everywhere(story, monkeypatch) == []
    edit(story, "yard.ifs", "{roll(6)}", "{roll(coins)}")  # may fail: played again, and it does fail
    found = same_everywhere(story, monkeypatch)
    assert [d.code for d in found] == ["IFS150"]


def test_the_play_shape_leaves_out_spans_and_silent_prose_only() -> None:
    from ifengine import load_text

    def shape(text: str) -> object:
        story = load_text(MAIN + YARD + GATE.replace("The gate stands open.", text)).story
        assert story is not None
        return play_shape(tuple(story.scenes.values()))

    base = shape("The gate stands open.")
    assert shape("The gate stands\nwide open, {coins}.") == base  # prose, an interpolation, moved lines
    assert shape("The gate {cycle: creaks | sighs}.") != base  # alternatives are state
    assert shape("The gate is {2 / coins} wide.") != base  # may fail
    assert play_shape(True) != play_shape(1)


def test_damaged_entries_are_ignored_and_rewritten(story: Path, monkeypatch: pytest.MonkeyPatch,
                                                   home: Path) -> None:
    same_everywhere(story, monkeypatch)
    kinds = {p.parent.name for p in (home / "cache").rglob("*.json")}
    assert {"outlines", "contents", "canon", "scripts", "story-wide"} <= kinds
    incremental._MEMORY.clear()
    for entry in (home / "cache").rglob("*.json"):
        if entry.parent.name != "lark":
            data = entry.read_bytes()
            entry.write_bytes(data[: len(data) // 2] + b"[garbage" + data[len(data) // 2:])
    edit(story, "yard.ifs", "bright", "dim")
    assert same_everywhere(story, monkeypatch) == []
    from ifengine.cache import read_entry
    from ifengine.reading import read_source

    for path in sorted(story.glob("*.ifs")):  # what this check used was replaced by good entries
        src = read_source(path)
        assert not isinstance(src, Diagnostic)
        payload = read_entry("outlines", incremental.text_digest(src), incremental.version())
        assert payload is not None and incremental.decode_outline(payload, src) is not None


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "stories").iterdir() if p.is_dir()) + ["showcase"])
def test_every_shipped_story(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path = ROOT / "examples" / "showcase" if name == "showcase" else ROOT / "stories" / name
    expected = reference(path, monkeypatch)
    assert check(path).diagnostics == expected
    assert check(path).diagnostics == expected


def test_fixtures_with_problems(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every fixture script, clean or not, as a one-file story: the kept check agrees with the whole one."""
    scripts = sorted((ROOT / "tests" / "fixtures").rglob("*.ifs"))
    assert scripts
    for path in scripts:
        expected = reference(path, monkeypatch)
        assert check(path).diagnostics == expected, path
        assert check(path).diagnostics == expected, path
        assert load(path).diagnostics == expected, path


def test_an_earlier_version_is_read_back_without_parsing(story: Path) -> None:
    from ifengine.reading import read_source

    src = read_source(story / "yard.ifs")
    assert not isinstance(src, Diagnostic)
    built = load(story).story
    assert built is not None
    found = script_cache.cached(src, incremental.text_digest(src))
    assert found is not None and found.scenes == next(f for f in built.files if f.source.name == src.name).scenes
    assert script_cache.cached(src, "0" * 64) is None


def test_a_kept_play_holds_across_prose_in_a_story_with_members(story: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bare words that name an enum's members are resolved after assembly: the earlier and the new version
    of a file are compared as built, both unresolved, so the kept play still holds."""
    edit(story, "main.ifs", "@flag lit: bool = false", "@flag lit: bool = false\n@flag mood: enum calm | wary = calm")
    edit(story, "yard.ifs", '? coins < 5 else "Too heavy."', '? coins < 5 else "Too heavy."\n  ? mood == calm')
    played: list[int] = []
    real = incremental.check_canon_play
    monkeypatch.setattr(incremental, "check_canon_play", lambda s: played.append(1) or real(s))
    assert same_everywhere(story, monkeypatch) == []
    before = len(played)
    edit(story, "yard.ifs", "and quiet.", "and very quiet.")
    assert load(story).diagnostics == [] and check(story).diagnostics == [] and len(played) == before
    edit(story, "yard.ifs", "? mood == calm", "? mood == wary")  # the canon choice is hidden now
    found = same_everywhere(story, monkeypatch)
    assert [d.code for d in found] == ["IFS150"] and len(played) > before


def test_a_file_rewritten_just_after_a_load_is_read_again(story: Path) -> None:
    """A process that loads again reads only files changed since (loader._read_source); a file written
    within a moment of being read is never taken as unchanged, whatever its size and times say."""
    assert load(story).ok
    edit(story, "gate.ifs", "The gate stands open.", "The gate stands wide.")  # the same size
    found = load(story).story
    assert found is not None and "wide" in str(found.scenes["gate"].body)


def test_the_story_wide_rules_are_kept_while_the_outlines_hold(story: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A `--watch` reload (`load` in the same process) judges the graph again only when an outline changed:
    prose edited on its lines keeps the result; lines added above an unreachable scene move its warning, and
    the warning is where a check from nothing puts it."""
    from ifengine.check import _Checker

    judged: list[int] = []
    real = _Checker.story_wide
    monkeypatch.setattr(_Checker, "story_wide", lambda self: judged.append(1) or real(self))
    (story / "attic.ifs").write_text("=== attic: The attic\nDust.\n* [Down] -> hall\n", encoding="utf-8")
    found = same_everywhere(story, monkeypatch)
    assert [(Path(d.file).name, d.line, d.col, d.code) for d in found] == [("attic.ifs", 1, 5, "IFS200")]
    assert load(story).diagnostics == found
    before = len(judged)
    edit(story, "attic.ifs", "Dust.", "Dust, and more dust.")  # prose on its line: every outline as it was
    assert load(story).diagnostics == reference(story, monkeypatch)
    assert len(judged) == before + 1  # the reference judged; the reload did not
    edit(story, "attic.ifs", "=== attic", "=== loft: The loft\nHay.\n* [Down] -> hall\n\n=== attic")
    found = load(story).diagnostics
    assert found == reference(story, monkeypatch)
    assert [(d.line, d.col, d.message) for d in found] == [
        (1, 5, "scene 'loft' can never be reached: no choice leads to it from the start"),
        (5, 5, "scene 'attic' can never be reached: no choice leads to it from the start")]
    assert len(judged) == before + 3  # the reload and the reference, each from the outlines


def test_the_story_wide_rules_are_kept_across_processes(story: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new `ifengine check` after an edit (here: what this process keeps in memory forgotten) judges the
    graph again only when an outline or the flags read changed: their result is kept on disk by the
    outlines' identities and the flags read."""
    from ifengine.check import _Checker

    judged: list[int] = []
    real = _Checker.story_wide
    monkeypatch.setattr(_Checker, "story_wide", lambda self: judged.append(1) or real(self))

    def new_process_check() -> list[Diagnostic]:
        incremental._WIDE.clear()
        incremental._OUTLINES.clear()
        return check(story).diagnostics

    assert new_process_check() == []
    before = len(judged)
    edit(story, "yard.ifs", "bright", "dim")  # prose on its line: every outline as it was
    assert new_process_check() == []
    assert len(judged) == before  # nothing judged the graph
    edit(story, "main.ifs", "The lamp is {if lit: on | off}.", "The lamp hangs there.")  # `lit` no longer read
    found = new_process_check()
    assert len(judged) == before + 1
    assert [d.code for d in found] == ["IFS201"] and found == reference(story, monkeypatch)
    edit(story, "gate.ifs", "* canon [Through] -> end", "* canon [Through] -> end\n* [Back] -> hall")  # an outline
    before = len(judged)
    assert new_process_check() == reference(story, monkeypatch)
    assert len(judged) == before + 2  # the check and the reference
