"""The public engine API from one import, as docs/embedding.md shows it (its example is run here)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import ifengine

DOC = Path(__file__).resolve().parent.parent / "docs" / "embedding.md"


def test_the_documented_example_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert blocks
    for code in blocks:
        exec(compile(code, str(DOC), "exec"), {})  # noqa: S102 - our own documentation, not a story


def test_every_public_name_resolves() -> None:
    for name in ifengine.__all__:
        assert getattr(ifengine, name) is not None


TWO_FILES = {
    "main.ifs": "@story two\n@title Two\n@role Ana: A reader.\n@start a\n@include \"more/b.ifs\"\n"
                "=== a: A\nHere.\n* (on) canon continue -> b\n",
    "more/b.ifs": "=== ending b (canon): B\nThere.\n",
}


def test_a_story_from_several_texts_with_an_include() -> None:
    story = ifengine.load_story_text(TWO_FILES)
    s = ifengine.Session(story)
    assert s.choose("a.on").ending is not None


def test_a_story_from_text_with_errors_raises_with_diagnostics() -> None:
    with pytest.raises(ifengine.StoryError) as caught:
        ifengine.load_story_text("@story x\n=== a: A\n* [Go] -> nowhere\n", name="x.ifs")
    codes = {d.code for d in caught.value.diagnostics}
    assert "IFS120" in codes and all(d.file == "x.ifs" for d in caught.value.diagnostics)
    assert isinstance(caught.value, ifengine.IfengineError)


def test_an_include_missing_among_the_texts_is_a_diagnostic() -> None:
    loaded = ifengine.load_text({"main.ifs": TWO_FILES["main.ifs"]})
    assert not loaded.ok
    (missing,) = [d for d in loaded.diagnostics if d.code == "IFS101"]
    assert (missing.file, missing.line) == ("main.ifs", 5) and "more/b.ifs" in missing.message


def test_a_saved_play_that_no_longer_fits_says_where() -> None:
    story = ifengine.load_story_text(TWO_FILES)
    s = ifengine.Session(story)
    s.choose("a.on")
    text = ifengine.dump_session(s)
    edited = dict(TWO_FILES, **{"main.ifs": TWO_FILES["main.ifs"].replace("(on)", "(onward)")})
    with pytest.raises(ifengine.RunFileError) as caught:
        ifengine.load_session(ifengine.load_story_text(edited), text)
    (d,) = caught.value.diagnostics
    assert d.code == "IFS312" and d.message == "step 1: choice 'on' is no longer offered in scene 'a'; resumed there"
    with pytest.raises(ifengine.RunFileError, match="not an ifengine run file"):
        ifengine.load_session(story, "[format]\nkind = 'other'\n")
