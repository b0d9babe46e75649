"""Every ```ifs example in docs/language.md parses: the language reference cannot drift from the grammar."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ifengine.build import build_file
from ifengine.parser import parse_source
from ifengine.source import SourceFile, normalise

DOC = Path(__file__).resolve().parent.parent / "docs" / "language.md"
FENCE = re.compile(r"^```ifs[ \t]*\n(.*?)^```[ \t]*$", re.M | re.S)


def doc_blocks() -> list[tuple[int, str]]:
    """(line of the block's first script line in the doc, block text) for every ```ifs fence."""
    text = DOC.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start(1)) + 1, m.group(1)) for m in FENCE.finditer(text)]


BLOCKS = doc_blocks()


def test_doc_has_enough_examples():
    assert len(BLOCKS) >= 15, f"only {len(BLOCKS)} ```ifs blocks in {DOC}"


def test_fence_pattern_finds_every_ifs_fence():
    """The regex must not silently skip a block (e.g. one with trailing spaces after the fence)."""
    text = DOC.read_text(encoding="utf-8")
    assert len(BLOCKS) == len(re.findall(r"^```ifs\b", text, re.M))


@pytest.mark.parametrize("start,block", BLOCKS, ids=[f"line{n}" for n, _ in BLOCKS])
def test_doc_block_parses(start: int, block: str):
    assert block.strip(), f"empty ```ifs block at {DOC.name}:{start}"
    src = SourceFile(DOC, f"{DOC.name}+{start - 1}", normalise(block))
    items, diags = parse_source(src)
    assert diags == [], "\n".join(str(d) for d in diags)
    assert items, f"the block at {DOC.name}:{start} parsed to nothing"
    build_file(src, items)  # and the builder accepts what the parser produced


def test_doc_blocks_build_what_they_show():
    """A spot check that the examples mean what the prose around them says."""
    by_first_line = {block.splitlines()[0]: block for _, block in BLOCKS}
    block = next(b for first, b in by_first_line.items() if first.startswith("=== dragon"))
    src = SourceFile(DOC, "dragon", normalise(block))
    items, diags = parse_source(src)
    (scene,) = build_file(src, items).scenes
    assert [c.id for c in scene.choices] == ["dragon.accept", "dragon.ask-home"]
    assert [c.canon for c in scene.choices] == [True, False]


def test_every_diagnostic_code_is_in_the_reference_table():
    from ifengine.diagnostics import CODES

    table = re.findall(r"^\| `(IFS\d+)` \|", DOC.read_text(encoding="utf-8"), re.M)
    assert sorted(table) == sorted(CODES)


OTHER_DOCS = [DOC.parent.parent / "README.md", *sorted(p for p in DOC.parent.glob("*.md") if p != DOC)]


@pytest.mark.parametrize("doc", OTHER_DOCS, ids=lambda p: p.name)
def test_other_docs_examples_parse(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    for m in FENCE.finditer(text):
        line = text.count("\n", 0, m.start(1)) + 1
        _, diags = parse_source(SourceFile(doc, f"{doc.name}:{line}", normalise(m.group(1))))
        assert diags == [], "\n".join(str(d) for d in diags)


def test_readme_example_is_a_complete_clean_story(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ifengine import load
    from ifengine.cli import main

    block = FENCE.search((DOC.parent.parent / "README.md").read_text(encoding="utf-8"))
    assert block is not None
    (tmp_path / "demo.ifs").write_text(block.group(1), encoding="utf-8")
    assert load(tmp_path).diagnostics == []
    assert main(["play", str(tmp_path), "--plain", "--canon"]) == 0
    assert capsys.readouterr().out.rstrip().endswith("ENDING: canon: Daylight")


STORY_ID = re.compile(r"^@story[ \t]+(\S+)", re.M)


def story_blocks() -> dict[str, str]:
    """The examples that are whole stories (a header and scenes), by story id: the suite plays them."""
    return {m.group(1): block for _, block in BLOCKS
            if (m := STORY_ID.search(block)) and "\n===" in "\n" + block}


def play_canon(text: str) -> list[str]:
    """The transcript of a whole story played along its canon path: every paragraph and label shown."""
    from ifengine import load_story_text
    from ifengine.runtime import Session

    session = Session(load_story_text(text))
    shown: list[str] = []
    while True:
        view = session.view()
        shown += [*view.paragraphs, *(c.label for c in view.choices)]
        if session.is_over:
            return shown
        canon = session.canon_choice()
        assert canon is not None, f"scene {view.scene_id} has no canon choice"
        session.choose(canon)


@pytest.mark.parametrize("story_id", sorted(story_blocks()))
def test_whole_story_examples_are_clean_and_play_to_their_end(story_id: str) -> None:
    from ifengine import load_text

    text = story_blocks()[story_id]
    assert load_text(text).diagnostics == []
    assert play_canon(text)


def test_the_numbers_as_words_example_plays_what_the_page_says() -> None:
    assert play_canon(story_blocks()["roll"]) == [
        "There are twelve of your own left. It is the third night.", "Send six of them up the stairs",
        "Six stay below. The roof door lets out six."]


def test_the_strings_example_plays_what_the_page_says() -> None:
    assert play_canon(story_blocks()["names"]) == [
        "Hello, Tara. You know her.", 'Call out "Tara!"', "Welcome, Tara Veyl."]


def test_the_text_alternatives_example_plays_what_the_page_says() -> None:
    from ifengine import load_story_text
    from ifengine.runtime import Session

    session = Session(load_story_text(story_blocks()["night"]), seed=0)
    seen = []
    for _ in range(4):
        view = session.view()
        seen.append((view.paragraphs[0].rsplit(" The sea is ", 1)[0], view.choices[0].label))
        session.choose("watch.wait")
    assert seen == [("The fog comes in. The lamp turns. A gull cries below.", "Keep watch"),
                    ("The fog thickens. The lamp turns again. The gull again.", "Keep watching"),
                    ("The fog is everywhere now. The lamp turns.", "Keep watching"),
                    ("The fog is everywhere now. The lamp turns again.", "Keep watching")]


def test_the_enumerations_and_sets_example_plays_what_the_page_says() -> None:
    assert play_canon(story_blocks()["squad"]) == [
        "Three are with you: kuim, reguam and vask. You are calm.", "Send Vask down the stairs",
        "Vask is gone. Two left, and you are wary."]
