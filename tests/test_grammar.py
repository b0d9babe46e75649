"""The grammar itself: it builds as a strict LALR grammar (no conflicts, no colliding terminals), and the
parser is built once per process."""
from __future__ import annotations

import pytest
from lark import Lark

from ifengine import parser as parser_module
from ifengine.parser import grammar_source, story_parser


def test_grammar_builds_strict_lalr():
    strict = story_parser(strict=True)
    assert isinstance(strict, Lark)
    assert strict.options.parser == "lalr"
    assert strict.options.strict is True


def test_grammar_builds_strict_from_source_text():
    """The same check without the cache: a fresh strict build of the grammar file must not raise."""
    text, path = grammar_source()
    assert path.endswith("story.lark")
    Lark(text, parser="lalr", strict=True, propagate_positions=True)


def test_parser_is_cached():
    first = story_parser()
    assert story_parser() is first
    assert story_parser(strict=True) is story_parser(strict=True)


def test_parse_source_uses_the_cached_parser(monkeypatch):
    """Parsing many files never rebuilds the LALR tables."""
    from pathlib import Path

    from ifengine.source import SourceFile, normalise

    calls = []
    real = parser_module.Lark

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    story_parser()  # built before counting starts, as it is in any process that has parsed once
    monkeypatch.setattr(parser_module, "Lark", counting)
    for i in range(3):
        src = SourceFile(Path(f"f{i}.ifs"), f"f{i}.ifs", normalise("=== a: A\nHello.\n* continue -> a\n"))
        items, diags = parser_module.parse_source(src)
        assert diags == [] and len(items) == 1
    assert calls == []


def test_spans_come_from_the_tokens_the_tree_keeps():
    """The parser propagates no positions (it is much faster without); every node's span is its first
    token's, so the tokens a span starts at ('{', '~', '?', 'not', ...) must stay in the tree."""
    from ifengine.build import first_token, last_token

    tree = story_parser().parse("=== a: A\nSay {x}.\n~ n = not x\n* continue -> a\n  ? y\n")
    scene = tree.children[0]
    assert scene.data == "scene"
    prose, effect, choice = scene.children[5:]  # after kind, id, viewpoint, title and tags
    interp = prose.children[1]
    assert (first_token(interp).line, first_token(interp).column) == (2, 5)
    assert str(last_token(interp)) == "}"
    assert (first_token(effect).type, first_token(effect).column) == ("TILDE", 1)
    assert first_token(effect.children[3]).type == "NOT"
    condition = choice.children[-2]  # the last is the response (None: it has none)
    assert (first_token(condition).type, first_token(condition).line, first_token(condition).column) == ("QMARK", 5, 3)


def test_the_shipped_tables_are_made_from_this_grammar():
    """`grammar/story.tables` names the grammar text it was made from: an edit of `story.lark` needs new
    tables (a new lark only leaves them unused: their first line names the lark too)."""
    from ifengine.cache import digest
    from ifengine.grammar_file import shipped_tables

    found = shipped_tables()
    assert found is not None, "grammar/story.tables is missing"
    made_for, text_digest, _ = found.split(b"\n", 2)
    assert text_digest.decode() == digest(grammar_source()[0]), (
        "grammar/story.tables was made from another story.lark: run "
        "python -c 'from ifengine.parser import write_shipped_tables as w; print(w())'")


def test_an_empty_cache_loads_the_shipped_tables_and_parses_as_a_fresh_build(tmp_path, monkeypatch):
    """With nothing in the user's cache the parser comes from the shipped tables, built by nobody, and it
    parses every shipped story as a strict build does. Tables made for another lark are passed over."""
    from pathlib import Path

    from ifengine import grammar_file
    from ifengine.source import SourceFile, normalise

    monkeypatch.setenv("IFENGINE_HOME", str(tmp_path / "home"))
    if grammar_file.shipped_tables().split(b"\n", 1)[0].decode() != grammar_file.grammar_digest():
        pytest.skip("the shipped tables were made with another lark than this one")
    built: list[int] = []
    real = parser_module._build
    monkeypatch.setattr(parser_module, "_build", lambda *a, **k: built.append(1) or real(*a, **k))
    story_parser.cache_clear()
    try:
        shipped = story_parser()
        assert built == []
        strict = story_parser(strict=True)
        root = Path(__file__).resolve().parent.parent / "stories"
        for path in sorted(root.glob("*/*.ifs")):
            text = normalise(path.read_text(encoding="utf-8"))
            assert shipped.parse(text) == strict.parse(text), path
        story_parser.cache_clear()
        monkeypatch.setattr(grammar_file, "shipped_tables", lambda: b"made for another lark\nx\n{}")
        assert story_parser() is not shipped and built == [1, 1]  # the strict one, and this one
    finally:
        story_parser.cache_clear()
