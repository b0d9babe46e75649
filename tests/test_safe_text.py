"""Issue 15, point 5: story text is data, never terminal control. A story whose title, prose, a choice
label, a flag label and the role line hold ESC, BEL and an OSC title sequence must not put one control
character (C0 but newline and tab, DEL, C1) into any text output: each is shown as a visible stand-in
(`ifengine.safe_text.visible`)."""
from __future__ import annotations

import re
import shutil
import xml.dom.minidom
from pathlib import Path

import pytest

from ifengine.cli import main
from ifengine.safe_text import visible

ESC, BEL = "\x1b", "\x07"
OSC = f"{ESC}\\]0;pwned{BEL}"  # as written in the script (`\]`: a `]` inside a choice label)
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

STORY = f"""@story esc
@title Evil{ESC}[2J Title{OSC}
@role Eve: the role{BEL} line{OSC}.
@blurb A blurb{BEL}.
@start a
@flag n: int = 1 "Flag{ESC}[31m label{OSC}"

=== a: A scene{BEL}
Prose with{ESC}[2J a clear, an{OSC} title and a bell{BEL}, and a C1 CSI\u009b.
Flag is {{n}}.
* canon [Go{OSC} on{BEL}] -> b
* [Bad {ESC}[5m] -> b

=== ending b (canon): The{BEL} End
Bye{OSC}.
"""


@pytest.fixture
def story(tmp_path: Path) -> Path:
    folder = tmp_path / "esc"
    folder.mkdir()
    (folder / "main.ifs").write_text(STORY, encoding="utf-8")
    return folder


def run(capsys, *args: str, stdin: str = "", monkeypatch=None) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def assert_clean(text: str) -> None:
    assert not CONTROL.search(text), repr(CONTROL.search(text).group())
    assert "\u241b" in text  # the ESC was shown, not dropped silently


def test_visible_shows_every_control_but_newline_and_tab():
    assert visible(f"a{ESC}]0;x{BEL}\t\n\r\x7f\x9b\x00z") == "a\u241b]0;x\u2407\t\n\u240d\u2421\ufffd\u2400z"
    assert visible("plain text, ünïcode — and 漢字") == "plain text, ünïcode — and 漢字"


def test_plain_player(story, capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("1\n"))
    code, out, err = run(capsys, "play", str(story), "--plain")
    assert code == 0
    assert_clean(out + err)
    assert "Prose with\u241b[2J a clear" in out and "Go\u241b]0;pwned\u2407 on" in out


def test_plain_player_canon(story, capsys):
    code, out, err = run(capsys, "play", str(story), "--plain", "--canon")
    assert code == 0
    assert_clean(out + err)


def test_check_quotes_source_lines_visibly(story, capsys):
    (story / "main.ifs").write_text(STORY.replace("-> b\n* [Bad", "-> nowhere\n* [Bad"), encoding="utf-8")
    code, out, err = run(capsys, "check", str(story))
    assert code == 1
    assert_clean(out + err)
    assert "* canon [Go\u241b\\]0;pwned\u2407 on\u2407] -> nowhere" in out


def test_stats(story, capsys):
    code, out, err = run(capsys, "stats", str(story))
    assert code == 0
    assert_clean(out + err)


def test_explore(story, capsys):
    code, out, err = run(capsys, "explore", str(story), "--runs", "3")
    assert code == 0
    assert_clean(out + err)
    code, out, err = run(capsys, "explore", str(story), "--exhaustive")
    assert_clean(out + err)


@pytest.mark.parametrize("fmt", ["mermaid", "dot"])
def test_graph(story, capsys, fmt):
    code, out, err = run(capsys, "graph", str(story), "--format", fmt)
    assert code == 0
    assert_clean(out + err)


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_graph_svg_is_well_formed_xml(story, capsys, tmp_path):
    out_file = tmp_path / "g.svg"
    assert run(capsys, "graph", str(story), "--format", "svg", "--out", str(out_file))[0] == 0
    text = out_file.read_text(encoding="utf-8")
    xml.dom.minidom.parseString(text)
    assert not CONTROL.search(text)


def test_replay_transcript(story, capsys, tmp_path):
    record = tmp_path / "run.toml"
    assert run(capsys, "play", str(story), "--plain", "--canon", "--record", str(record))[0] == 0
    md = tmp_path / "t.md"
    code, out, err = run(capsys, "replay", str(record), "--story", str(story), "--transcript", str(md))
    assert code == 0
    text = md.read_text(encoding="utf-8")
    assert_clean(text)
    assert "the role\u2407 line" in text
