"""`ifengine graph`: Mermaid, DOT and SVG, with the canon path, ending kinds, unreachable scenes and labels
escaped for each format."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ifengine.cli import main
from ifengine.graph import dot_escape, expr_source, mermaid_escape, to_dot, to_mermaid
from ifengine.loader import load_story

ROOT = Path(__file__).resolve().parent.parent
SHOWCASE = ROOT / "examples" / "showcase"
FIX = ROOT / "tests" / "fixtures" / "tools"

NASTY = """@story nasty
@title Quotes "and" <tags> & #hashes | pipes
@role R: r.
@start end

=== end: The "End" <b>not bold</b> #1 | A\\\\B `tick`
* canon [Say "hi" | {if x: <yes> | no} \\\\n #x] -> orphan-done
* [Go to 'graph'] -> subgraph
  ? x and not (x or false)

=== subgraph: Sub\\\\graph
* continue -> orphan-done

=== lost: Nobody Comes Here
* continue -> orphan-done

=== ending orphan-done (canon): Done; "really"
Bye.
"""
# (the flag x is declared below so the story loads)


@pytest.fixture
def nasty(tmp_path):
    (tmp_path / "n.ifs").write_text(NASTY.replace("@start end\n", "@start end\n@flag x: bool = false\n"),
                                    encoding="utf-8")
    return tmp_path


def test_mermaid_showcase(capsys):
    assert main(["graph", str(SHOWCASE)]) == 0  # mermaid is the default
    out = capsys.readouterr().out
    assert out.startswith("flowchart TD\n")
    assert 's_cottage["The Keeper\'s Cottage<br/>cottage"]:::canon' in out
    assert 's_the_light_holds(["The Light Holds<br/>the-light-holds (canon)"]):::ending_canon' in out
    assert ":::ending_death" in out and ":::ending_alternate" in out
    assert 's_bridge[/"Aboard the Marguerite' in out  # the interlude is shaped apart
    assert 's_cottage ==>|"Climb straight to the lamp"| s_tower_stair' in out  # canon: thick
    assert 's_bridge -.->|"fallback"| s_wreck' in out
    assert "wireless_tries #lt;= 2" in out  # `<` escaped inside a label
    # the linkStyle line names exactly the canon edges (start arrow + 5 canon choices)
    edges = [ln for ln in out.splitlines() if re.match(r"\s+\S+ (-->|==>|-\.->)", ln)]
    canon_idx = [i for i, ln in enumerate(edges) if "==>" in ln]
    assert f"linkStyle {','.join(map(str, canon_idx))} " in out and len(canon_idx) == 6


def test_mermaid_escapes_everything_and_marks_unreachable(nasty, capsys):
    assert main(["graph", str(nasty), "--format", "mermaid"]) == 0
    out = capsys.readouterr().out
    # node ids never clash with Mermaid keywords (a scene called `end`, `subgraph`)
    assert "s_end[" in out and "s_subgraph[" in out
    for line in out.splitlines():
        if line.strip().startswith("s_") and "[" in line:
            inside = line[line.index('"') + 1: line.rindex('"')]
            assert '"' not in inside and "<b>" not in inside and "|" not in inside, line
    assert "#quot;End#quot;" in out and "#lt;b#gt;" in out and "#35;1" in out and "#124;" in out
    assert "class s_lost unreachable" in out or "s_lost[\"Nobody Comes Here<br/>lost\"]:::unreachable" in out


def test_mermaid_escape_function():
    assert mermaid_escape('a "b" <c> & #d | e\nf') == "a #quot;b#quot; #lt;c#gt; #amp; #35;d #124; e f"


def test_dot_showcase_and_escaping(nasty, capsys):
    assert main(["graph", str(SHOWCASE), "--format", "dot"]) == 0
    out = capsys.readouterr().out
    assert out.startswith('digraph "showcase" {')
    assert '"the-light-holds" [label="The Light Holds\\nthe-light-holds (canon)", shape=doubleoctagon' in out
    assert '"cottage" -> "tower-stair" [label="Climb straight to the lamp", tooltip="cottage.climb", ' \
           'color="#b8860b", penwidth=2.5' in out
    assert 'style=dotted' in out  # fallbacks
    assert main(["graph", str(nasty), "--format", "dot"]) == 0
    out = capsys.readouterr().out
    assert '\\"End\\"' in out and "A\\\\B" in out
    assert '"lost" [label="Nobody Comes Here\\nlost\\n(unreachable)", style="dashed"' in out
    assert dot_escape('a\\nb "c"\nd') == 'a\\\\nb \\"c\\"\\nd'


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_dot_output_is_accepted_by_graphviz(nasty):
    for story in (load_story(SHOWCASE), load_story(nasty), load_story(ROOT / "stories" / "rumak")):
        proc = subprocess.run(["dot", "-Tsvg"], input=to_dot(story), capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        assert "<svg" in proc.stdout and "Warning" not in proc.stderr


def test_svg_without_graphviz_says_how_to_get_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` here
    assert main(["graph", str(SHOWCASE), "--format", "svg"]) == 1
    err = capsys.readouterr().err
    assert "apt-get install graphviz" in err and "brew install graphviz" in err and "graphviz.org" in err
    assert "Traceback" not in err


def _fake_dot(folder: Path, script: str) -> None:
    dot = folder / "dot"
    dot.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    dot.chmod(0o755)


@pytest.mark.skipif(os.name == "nt", reason="a shell script stands in for dot")
def test_svg_pipes_dot_source_through_graphviz(tmp_path, monkeypatch, capsys):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake_dot(bin_dir, 'echo "<svg><!--"; cat; echo "--></svg>"\n')  # echoes its input inside an svg
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    out_file = tmp_path / "map.svg"
    assert main(["graph", str(SHOWCASE), "--format", "svg", "--out", str(out_file)]) == 0
    svg = out_file.read_text(encoding="utf-8")
    assert svg.startswith("<svg>") and 'digraph "showcase"' in svg
    _fake_dot(bin_dir, 'echo "syntax error in line 1" >&2; exit 3\n')
    assert main(["graph", str(SHOWCASE), "--format", "svg"]) == 1
    assert "syntax error in line 1" in capsys.readouterr().err


def test_out_file_and_bad_input(tmp_path, capsys):
    out = tmp_path / "g.mmd"
    assert main(["graph", str(FIX / "trouble"), "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("flowchart TD")
    assert main(["graph", str(FIX / "broken")]) == 1
    assert "nowhere" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        main(["graph", str(SHOWCASE), "--format", "png"])
    assert e.value.code == 2
    assert main(["graph", str(SHOWCASE), "--out", str(tmp_path / "no" / "such" / "dir" / "g")]) == 1


def test_expression_source_round_trips_precedence(tmp_path):
    (tmp_path / "e.ifs").write_text(
        "@story e\n@title E\n@role R: r.\n@start a\n@flag n: int = 0\n@flag b: bool = false\n"
        "=== a: A\n* canon [Go] -> z\n  ? not (b or n > 1) and (n + 2) * 3 >= -n - (1 - 2)\n"
        "=== ending z (canon): Z\nZ.\n", encoding="utf-8")
    story = load_story(tmp_path)
    cond = story.scenes["a"].choices[0].conditions[0].expr
    assert expr_source(cond) == "not (b or n > 1) and (n + 2) * 3 >= -n - (1 - 2)"
    # labels are shortened for the picture, with an ellipsis
    assert "|\"Go ? not (b or n #gt; 1) and (n + 2) * 3 #gt;= -n - (…\"|" in to_mermaid(story)


def test_dot_gives_each_attribute_once(tmp_path, capsys):
    """Issue 15, point 17: an interlude on the canon path, or one no road reaches, had two `color`s (and two
    `style`s); each node now carries each attribute once, the canon or unreachable look winning."""
    import re

    (tmp_path / "main.ifs").write_text(
        "@story d\n@title D\n@role R: R.\n@start a\n"
        "=== a: A\nHi.\n* canon [Go] -> drop\n* [Other] -> b\n"
        "=== interlude drop (Reem): The Drop\nShake.\n* canon continue -> b\n"
        "=== interlude lost (Reem): Lost\nNobody comes here.\n* continue -> b\n"
        "=== ending b (canon): B\nBye.\n", encoding="utf-8")
    assert main(["graph", str(tmp_path), "--format", "dot"]) == 0
    out = capsys.readouterr().out
    nodes = [line for line in out.splitlines() if line.startswith('  "drop" [') or line.startswith('  "lost" [')]
    assert len(nodes) == 2
    for line in nodes:
        names = re.findall(r'(\w+)=(?:"(?:[^"\\]|\\.)*"|[^,\s\]]+)', line)
        assert len(names) == len(set(names)), line
    assert 'color="#b8860b"' in nodes[0] and 'style="dashed"' in nodes[1] and 'color="#999999"' in nodes[1]
