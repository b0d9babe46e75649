"""Property tests: whatever is in the files, `load()` returns diagnostics and never raises."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ifengine import load
from ifengine.diagnostics import CODES, Diagnostic
from ifengine.parser import parse_source
from ifengine.render import format_diagnostic, sources_by_name
from ifengine.source import SourceFile, normalise

ROOT = Path(__file__).resolve().parent.parent
DOC_BLOCKS = re.findall(r"^```ifs[ \t]*\n(.*?)^```", (ROOT / "docs" / "language.md").read_text(encoding="utf-8"),
                        re.M | re.S)

SMALL_STORY = """\
@story demo
@title Demo
@role Ana: A tester.
@start start
@flag x: int 0..10 = 3 "X"
@flag lit: bool = false
=== start: Start  // comment
You see {x} here, {if lit: bright | dark}.

~ if x > 2 and not seen(end)
More.
~ else
Less \\{escaped\\}.
~ end
* (go) canon [Go {x}] -> middle
  ? visits(start) < 3 else "Tired."
  ~ x += roll(6)
+ [Wait] -> start
  ~ toggle lit
=== interlude middle (Reem): Middle
* canon continue -> end
* fallback -> end
=== extend start
* [Late] -> end
=== ending end (canon): End
Bye {x / 2}.
"""
SEEDS = [SMALL_STORY, *DOC_BLOCKS, "\n".join(DOC_BLOCKS)]

# Pieces that matter to the grammar, plus a few that matter to the reader (NUL, BOM, CR, odd unicode).
PIECES = ["@story ", "@title ", "@role ", "@start ", "@flag ", "@include ", "===", " ending ", " interlude ",
          " extend ", "*", "+", "~", "?", "~ if ", "~ elif ", "~ else", "~ end", "{", "}", "{if ", "|", "[", "]",
          "(", ")", ":", "->", "//", "\\", '"', "=", "+=", "-=", "..", " canon ", " continue ", " fallback ",
          " toggle ", "visits(", "seen(", "roll(", "chance(", " and ", " or ", "not ", "true", "false", "int",
          "bool", "str", "-", "0", "7", "100000", "x", "start", "a-b", "\n", "\r\n", "\r", " ", "\t", "\0",
          "\ufeff", "é", "日本", "\u2028", "\x0c", "\U0001f600"]

text_strategy = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(PIECES), max_size=120).map("".join),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=5)), max_size=80).map("".join),
)

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


def assert_sane(path: Path) -> None:
    loaded = load(path)
    assert isinstance(loaded.diagnostics, list)
    sources = sources_by_name(loaded.story)
    for d in loaded.diagnostics:
        assert isinstance(d, Diagnostic)
        assert d.code in CODES
        assert d.line >= 1 and d.col >= 1
        assert d.message
        format_diagnostic(d, sources.get(d.file))  # printing never fails either
        d.to_dict()
    if loaded.ok:
        assert loaded.story is not None


@FUZZ
@given(text=text_strategy)
def test_random_text_never_raises(folder, text):
    path = folder / "random.ifs"
    path.write_text(text, encoding="utf-8", errors="surrogatepass", newline="")
    assert_sane(path)


@FUZZ
@given(data=st.binary(max_size=300))
def test_random_bytes_never_raise(folder, data):
    path = folder / "bytes.ifs"
    path.write_bytes(data)
    assert_sane(path)


@st.composite
def mutated(draw) -> str:
    """A valid script with a few random edits: characters or pieces deleted, inserted, duplicated;
    lines deleted, duplicated or swapped."""
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["del-char", "ins", "dup-char", "del-line", "dup-line", "swap-lines", "del-span"]))
        if op in ("del-line", "dup-line", "swap-lines"):
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            if op == "del-line":
                del lines[i]
            elif op == "dup-line":
                lines.insert(i, lines[i])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
            continue
        i = draw(st.integers(0, len(text)))
        if op == "del-char":
            text = text[:i] + text[i + 1:]
        elif op == "dup-char":
            text = text[:i] + text[i:i + 1] * 2 + text[i + 1:]
        elif op == "del-span":
            text = text[:i] + text[i + draw(st.integers(1, 40)):]
        else:
            text = text[:i] + draw(st.one_of(st.sampled_from(PIECES), st.text(max_size=3))) + text[i:]
    return text


@FUZZ
@given(text=mutated())
def test_mutated_scripts_never_raise(folder, text):
    path = folder / "mutated.ifs"
    path.write_text(text, encoding="utf-8", errors="surrogatepass", newline="")
    assert_sane(path)


@FUZZ
@given(text=mutated())
def test_parse_positions_are_inside_the_file(text):
    """Syntax diagnostics point at a real line of the file (columns may sit one past the line's end)."""
    src = SourceFile(Path("m.ifs"), "m.ifs", normalise(text))
    _, diags = parse_source(src)
    lines = src.text.split("\n")
    for d in diags:
        assert 1 <= d.line <= len(lines)
        assert 1 <= d.col <= len(lines[d.line - 1]) + 1


def test_seeds_are_valid():
    """The mutation seeds start out valid, so mutations explore the edges of the language, not its outside."""
    for seed in SEEDS:
        _, diags = parse_source(SourceFile(Path("seed.ifs"), "seed.ifs", normalise(seed)))
        assert diags == []


def test_small_story_is_clean(tmp_path):
    (tmp_path / "story.ifs").write_text(SMALL_STORY, encoding="utf-8")
    assert load(tmp_path).diagnostics == []
