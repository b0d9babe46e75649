"""The caches (issue 18): each script's parse and build kept by its text's digest, lark's tables kept by the
grammar's. Each `ifengine check` here runs in its own process, as a writer's checks do, so what one run
keeps is what the next one finds; a cached load must report exactly what a fresh one does."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ifengine import load

ROOT = Path(__file__).resolve().parent.parent

MAIN = """@story cached
@title Cached
@role Someone: a line.
@start hall
@flag coins: int = 0

=== hall: The hall
You have {coins} coins.
* canon [Go on] -> yard
* [Count] -> nowhere
"""

YARD = """=== yard: The yard
~ coins += 99999999999999999999
It is {if coins > 2: bright | dark} here.
* canon [On] -> gate
"""

BROKEN = """=== gate: The gate
* [Through -> end
=== ending end (canon): The end
Done.
"""


def story(folder: Path) -> Path:
    """Three files with an unknown target, an integer out of range (the builder's IFS137) and a syntax
    error (the parser's IFS100): every kind of diagnostic a script's entry keeps, and the whole-story
    ones it does not."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "main.ifs").write_text(MAIN, encoding="utf-8")
    (folder / "yard.ifs").write_text(YARD, encoding="utf-8")
    (folder / "gate.ifs").write_text(BROKEN, encoding="utf-8")
    return folder


# The parser's tables kept in the user's cache are what these tests are about: the tables the package
# ships (tests/test_grammar.py) would leave that entry unused, so each process here is run without them.
WITHOUT_SHIPPED_TABLES = "import ifengine.grammar_file as g\ng.shipped_tables = lambda: None\n"


def check(folder: Path, home: Path, prelude: str = "", shipped: bool = False) -> list[dict]:
    """`ifengine check --json` in a fresh interpreter; `prelude` runs first (to change the grammar)."""
    prelude = prelude if shipped else WITHOUT_SHIPPED_TABLES + prelude
    code = f"{prelude}\nimport sys\nfrom ifengine.cli import main\nsys.exit(main(['check', '--json', {str(folder)!r}]))"
    env = {**os.environ, "IFENGINE_HOME": str(home), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=folder.parent,
                          timeout=120)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def entries(home: Path) -> dict[str, int]:
    """The scripts' cache entries and their inodes: a rewrite makes a new file (an atomic replace)."""
    folder = home / "cache" / "scripts"
    return {p.name: p.stat().st_ino for p in sorted(folder.glob("*.json"))} if folder.is_dir() else {}


@pytest.fixture
def fresh(tmp_path: Path) -> list[dict]:
    """What a load reports with no cache at all: its folder cannot be made (IFENGINE_HOME is a file)."""
    blocked = tmp_path / "blocked"
    blocked.write_text("not a folder", encoding="utf-8")
    found = check(story(tmp_path / "fresh"), blocked)
    assert blocked.read_text(encoding="utf-8") == "not a folder"
    return found


def as_text(diags: list[dict]) -> list[str]:
    return [f"{d['file']}:{d['line']}:{d['col']}: {d['code']} {d['message']}" for d in diags]


def test_the_diagnostics_pinned(fresh: list[dict]) -> None:
    """The story gives what the tests below compare, at file:line:col: the parser's, the builder's and
    the checker's."""
    assert as_text(fresh) == [
        "fresh/gate.ifs:2:18: IFS100 expected ']', '{' or label text, found end of line",
        "fresh/main.ifs:10:14: IFS120 choice goes to 'nowhere', which is not a scene or ending",
        "fresh/yard.ifs:2:12: IFS137 the number 99999999999999999999 is out of range: ints hold "
        "-9223372036854775807..9223372036854775807",
    ]


def test_a_miss_keeps_each_file_and_a_hit_reads_it_back(tmp_path: Path, fresh: list[dict]) -> None:
    home, folder = tmp_path / "home", story(tmp_path / "fresh")
    assert check(folder, home) == fresh  # cold: every file parsed, and kept
    kept = entries(home)
    assert len(kept) == 3 and (home / "cache" / "parser" / "story.json").is_file()
    assert check(folder, home) == fresh  # warm: the same diagnostics, syntax errors included
    assert entries(home) == kept  # read, not rewritten


def test_an_edit_reparses_only_the_file_edited(tmp_path: Path) -> None:
    home, folder = tmp_path / "home", story(tmp_path / "s")
    check(folder, home)
    kept = entries(home)
    (folder / "main.ifs").write_text(MAIN.replace("-> nowhere", "-> yard"), encoding="utf-8")
    after = check(folder, home)
    assert not any(d["code"] == "IFS120" for d in after)  # the edit is seen
    now = entries(home)
    assert len(now) == 4 and all(now[name] == ino for name, ino in kept.items())  # one new entry, none rewritten


def test_a_corrupt_entry_is_ignored_and_rewritten(tmp_path: Path, fresh: list[dict]) -> None:
    home, folder = tmp_path / "home", story(tmp_path / "fresh")
    check(folder, home)
    kept = entries(home)
    for name in kept:  # damage every entry a different way: truncated, emptied, a flipped byte
        path = home / "cache" / "scripts" / name
        data = path.read_bytes()
        damaged = {0: data[: len(data) // 2], 1: b"", 2: data[:-2] + bytes([data[-2] ^ 1]) + data[-1:]}
        path.write_bytes(damaged[len([n for n in kept if n < name]) % 3])
    (home / "cache" / "parser" / "story.json").write_bytes(b"{not json")
    assert check(folder, home) == fresh
    rewritten = entries(home)
    assert rewritten.keys() == kept.keys() and all(rewritten[n] != kept[n] for n in kept)
    assert check(folder, home) == fresh and entries(home) == rewritten  # and now good again


def test_a_grammar_change_makes_every_entry_stale(tmp_path: Path, fresh: list[dict]) -> None:
    home, folder = tmp_path / "home", story(tmp_path / "fresh")
    check(folder, home)
    kept = entries(home)
    parser_entry = (home / "cache" / "parser" / "story.json").read_bytes()
    changed = ("import ifengine.grammar_file as p\nreal = p.grammar_source\n"
               "p.grammar_source = lambda: (real()[0] + '\\n// an edit of the grammar\\n', real()[1])")
    assert check(folder, home, changed) == fresh
    now = entries(home)
    assert now.keys() == kept.keys() and all(now[n] != kept[n] for n in kept)
    assert (home / "cache" / "parser" / "story.json").read_bytes() != parser_entry


def test_a_renamed_file_is_a_hit_named_as_it_is_now(tmp_path: Path) -> None:
    home, folder = tmp_path / "home", story(tmp_path / "s")
    check(folder, home)
    kept = entries(home)
    (folder / "yard.ifs").rename(folder / "courtyard.ifs")
    found = as_text(check(folder, home))
    assert [d.split(": ")[0] for d in found] == ["s/courtyard.ifs:2:12", "s/gate.ifs:2:18", "s/main.ifs:10:14"]
    assert entries(home) == kept


def test_an_unwritable_cache_folder_changes_nothing(tmp_path: Path, fresh: list[dict]) -> None:
    home = tmp_path / "home"
    (home / "cache").mkdir(parents=True)
    (home / "cache" / "scripts").write_text("a file where the folder should be", encoding="utf-8")
    (home / "cache" / "parser").write_text("likewise", encoding="utf-8")
    assert check(story(tmp_path / "fresh"), home) == fresh


def test_a_load_in_the_same_process_sees_each_edit(tmp_path: Path) -> None:
    """A `--watch` session loads the same story again and again: files kept in memory never hide an edit."""
    folder = story(tmp_path / "s")
    first = load(folder)
    assert any(d.code == "IFS100" for d in first.diagnostics)
    (folder / "gate.ifs").write_text(BROKEN.replace("[Through", "[Through]"), encoding="utf-8")
    second = load(folder)
    assert not any(d.code == "IFS100" for d in second.diagnostics)
    assert [str(d) for d in second.diagnostics if d.code != "IFS100"] == [
        str(d) for d in first.diagnostics if d.code != "IFS100"]
    (folder / "gate.ifs").write_text(BROKEN, encoding="utf-8")
    assert [str(d) for d in load(folder).diagnostics] == [str(d) for d in first.diagnostics]


def test_the_shipped_tables_leave_the_parser_entry_unmade(tmp_path: Path, fresh: list[dict]) -> None:
    """A check with an empty cache loads the parser from the tables the package ships, and so keeps none of
    its own; an edit of the grammar leaves those unused, and the parser is built and kept as before."""
    home, folder = tmp_path / "home", story(tmp_path / "fresh")
    assert check(folder, home, shipped=True) == fresh
    assert not (home / "cache" / "parser").exists()
    changed = ("import ifengine.grammar_file as p\nreal = p.grammar_source\n"
               "p.grammar_source = lambda: (real()[0] + '\\n// an edit of the grammar\\n', real()[1])")
    assert check(folder, home, changed, shipped=True) == fresh
    assert (home / "cache" / "parser" / "story.json").is_file()
