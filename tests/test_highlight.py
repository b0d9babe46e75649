"""Syntax colouring: the Pygments lexer, its entry point, the one-line helpers, coloured diagnostics and the
TextMate grammar."""
from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pygments.token import Comment, Error, Generic, Keyword, Name, Number, Operator, String

from ifengine.cli import main
from ifengine.diagnostics import Diagnostic
from ifengine.highlight import IfsLexer, highlight_ansi, highlight_line
from ifengine.render import format_diagnostic
from ifengine.source import SourceFile

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = sorted([*ROOT.glob("examples/**/*.ifs"), *ROOT.glob("stories/**/*.ifs"),
                  *ROOT.glob("tests/fixtures/tools/**/*.ifs")])
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def tokens(text: str) -> list[tuple[object, str]]:
    return [(t, v) for t, v in IfsLexer().get_tokens(text) if v.strip()]


def kinds(text: str) -> dict[str, object]:
    return {v.strip(): t for t, v in tokens(text)}


def test_every_construct_gets_its_token():
    k = kinds('@story rumak\n')
    assert k["@"] in Keyword and k["rumak"] in Name.Label
    k = kinds('@flag squad: int 0..12 = 12 "Squad"  // note\n')
    assert k["squad"] in Name.Variable and k["int"] in Keyword.Type and k['"Squad"'] in String
    assert k["// note"] in Comment and k[".."] in Operator
    k = kinds("=== interlude the-drop (Lt. Reem kan'Atay): The Drop\n")
    assert k["==="] in Generic.Heading and k["interlude"] in Keyword and k["the-drop"] in Name.Function
    assert k["Lt. Reem kan'Atay"] in Name.Decorator and k["The Drop"] in Generic.Heading
    k = kinds("* (chase) canon [Chase {squad} now] -> alley-chase\n")
    assert k["*"] in Keyword and k["chase"] in Name.Label and k["canon"] in Keyword
    assert k["squad"] in Name.Variable and k["{"] in String.Interpol and k["->"] in Operator
    assert k["alley-chase"] in Name.Function
    k = kinds('  ? hicomm_briefed else "You have nothing."\n')
    assert k["?"] in Keyword and k["else"] in Keyword and k['"You have nothing."'] in String
    k = kinds("~ if chance(25) and visits(sweep) > 1\n")
    assert k["if"] in Keyword and k["chance"] in Name.Builtin and k["sweep"] in Name.Function
    assert k["25"] in Number and k["and"] in Keyword
    k = kinds("~ squad -= 2\n")
    assert k["-="] in Operator and k["squad"] in Name.Variable
    k = kinds("{squad} soldiers answer, {if squad < 6: fewer than half | most}.\n")
    assert k["if"] in Keyword and k["fewer than half"] not in String and k["most"] not in String
    assert k["|"] not in Error and k["<"] in Operator
    k = kinds("\\* An escaped asterisk, \\{braces\\}.\n")
    assert k["\\*"] in String.Escape and k["\\{"] in String.Escape


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_real_scripts_lex_without_errors_and_losslessly(path):
    text = path.read_text(encoding="utf-8")
    toks = list(IfsLexer(stripnl=False).get_tokens(text))  # as `check` colours source lines (highlight.py)
    assert "".join(v for _, v in toks) == (text if text.endswith("\n") else text + "\n")
    assert [v for t, v in toks if t in Error] == []


def test_language_doc_examples_lex_without_errors():
    doc = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```ifs\n(.*?)```", doc, re.S)
    assert len(blocks) > 10
    for block in blocks:
        assert [v for t, v in IfsLexer().get_tokens(block) if t in Error] == [], block


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("@=*+?~{}|[]():/\\\"-<>.abciflnrestuv 0129\t")), max_size=60))
def test_any_line_is_coloured_without_changing_its_text(line):
    assert ANSI.sub("", highlight_ansi(line)) == line
    assert highlight_line(line).plain == line


def test_highlight_line_is_a_rich_text_with_styles():
    text = highlight_line("* (go) canon [Go {n}] -> hall  // c")
    assert text.plain == "* (go) canon [Go {n}] -> hall  // c"
    styles = {text.plain[s.start:s.end]: str(s.style) for s in text.spans}
    assert styles["hall"] == "bold blue" and styles["// c"] == "dim italic" and styles["canon"] == "bold yellow"
    assert highlight_line("[bold]not markup[/bold]").plain == "[bold]not markup[/bold]"


def test_diagnostics_colour_the_source_line_only_with_colour():
    src = SourceFile(Path("x.ifs"), "x.ifs", "=== hall: The Hall\n* [Go] -> nowhere\n")
    d = Diagnostic("x.ifs", 2, 11, "choice goes to 'nowhere'", "IFS120")
    plain = format_diagnostic(d, src, colour=False)
    assert "\x1b" not in plain and plain.splitlines()[1] == "    * [Go] -> nowhere"
    coloured = format_diagnostic(d, src, colour=True)
    line = coloured.splitlines()[1]
    assert "\x1b[1;34mnowhere\x1b[0m" in line and "\x1b[1;33m*\x1b[0m" in line
    assert ANSI.sub("", line) == "    * [Go] -> nowhere"
    assert ANSI.sub("", coloured.splitlines()[2]).index("^") == plain.splitlines()[2].index("^")


def test_check_colours_source_lines_on_a_terminal(monkeypatch, capsys):
    import sys

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    main(["check", str(ROOT / "tests" / "fixtures" / "tools" / "broken")])
    out = capsys.readouterr().out
    assert "\x1b[1;34mnowhere\x1b[0m" in out
    monkeypatch.setenv("NO_COLOR", "1")
    main(["check", str(ROOT / "tests" / "fixtures" / "tools" / "broken")])
    assert "\x1b" not in capsys.readouterr().out


def test_entry_point_is_declared_and_resolves():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["entry-points"]["pygments.lexers"]["ifs"] == "ifengine.highlight:IfsLexer"
    assert "ifs" in IfsLexer.aliases and "*.ifs" in IfsLexer.filenames


def test_pygments_finds_the_lexer_when_installed():
    from importlib.metadata import entry_points

    if not any(ep.name == "ifs" for ep in entry_points(group="pygments.lexers")):
        pytest.skip("ifengine is not installed (pip install -e .): no entry points to find")
    from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
    from rich.syntax import Syntax

    assert isinstance(get_lexer_by_name("ifs"), IfsLexer)
    assert isinstance(get_lexer_for_filename("canon.ifs"), IfsLexer)
    assert isinstance(Syntax("=== a: A", "ifs").lexer, IfsLexer)


# ---- the TextMate grammar ---------------------------------------------------------------------------

GRAMMAR = ROOT / "editors" / "ifs.tmLanguage.json"


def _regexes(node):
    if isinstance(node, dict):
        for key in ("match", "begin", "end"):
            if key in node:
                yield node[key]
        for value in node.values():
            yield from _regexes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _regexes(value)


def _scopes(node):
    if isinstance(node, dict):
        for key in ("name", "contentName"):
            if isinstance(node.get(key), str):
                yield node[key]
        for value in node.values():
            yield from _scopes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _scopes(value)


def test_textmate_grammar_is_valid_and_complete():
    g = json.loads(GRAMMAR.read_text(encoding="utf-8"))
    assert g["scopeName"] == "source.ifs" and "ifs" in g["fileTypes"]
    repo = g["repository"]
    for rule in ("comment", "directive", "header", "choice", "condition", "effect", "block", "interpolation",
                 "string", "expression", "escape", "prose", "label"):
        assert rule in repo, rule
    for include in re.findall(r'"include": "#([a-z-]+)"', GRAMMAR.read_text(encoding="utf-8")):
        assert include in repo, include
    for rx in _regexes(g):
        re.compile(rx)  # every pattern here is also valid Python regex syntax
    scopes = set(_scopes(g))
    for wanted in ("comment.line.double-slash.ifs", "keyword.other.directive.ifs", "entity.name.section.scene.ifs",
                   "keyword.control.choice.ifs", "keyword.control.condition.ifs", "keyword.control.effect.ifs",
                   "meta.interpolation.ifs", "meta.interpolation.inline-if.ifs", "string.quoted.double.ifs",
                   "keyword.operator.logical.ifs", "constant.language.boolean.ifs", "support.function.random.ifs"):
        assert wanted in scopes, wanted


def _line_rule(g, line: str) -> str:
    """Which top-level rule a TextMate engine starts a line with: the first (in order) that matches at 0."""
    repo = g["repository"]
    for entry in g["patterns"]:
        name = entry["include"][1:]
        rules = repo[name].get("patterns", [repo[name]]) if "begin" not in repo[name] else [repo[name]]
        for rule in rules:
            rx = rule.get("match") or rule.get("begin")
            if rx and re.match(rx, line):
                return name
    return "none"


def test_textmate_grammar_classifies_lines_like_the_lexer():
    g = json.loads(GRAMMAR.read_text(encoding="utf-8"))
    want = {"@": "directive", "=": "header", "*": "choice", "+": "choice", "?": "condition", "/": "comment"}
    for path in SCRIPTS:
        for line in path.read_text(encoding="utf-8").splitlines():
            s = line.lstrip()
            if not s:
                continue
            if s[0] == "~":
                expected = "block" if re.match(r"~\s*(?:(if|elif|else|end)(?![a-z0-9_])|gather\s*(?://|$))", s) else "effect"
            elif s.startswith("->"):
                expected = "call"  # a tunnel called from a line of the body
            else:
                expected = want.get(s[0], "prose") if not s.startswith("/") or s.startswith("//") else "prose"
            assert _line_rule(g, line) == expected, (path.name, line)
