"""`ifengine variants`: every version of a scene, one per reachable combination of what it reads, each
with the shortest path to it; --json, --all (Markdown), and clear refusals."""
from __future__ import annotations

import json
from pathlib import Path

from ifengine.cli import main

STORY = """\
@story demo
@title Demo
@role Ana: A tester.
@start start
@flag brave: bool = false
@flag lamp: bool = false
@flag spare: int = 0
=== start: Start
* canon [Be brave] -> hall
  ~ brave = true
* [Take the lamp] -> cellar
=== cellar: Cellar
~ lamp = true
* continue -> hall
=== hall: Hall
{if brave: You stride in.|You creep in.}{if lamp: The lamp shows the door.}
~ lamp = true
~ spare += 1
{if seen(cellar): Dust on your boots.}
* canon [Open the door] -> end
* [Wait] -> end
  ? not brave else "You are too frightened to wait."
=== ending end (canon): The End
Done.
"""


def story(tmp_path: Path) -> str:
    (tmp_path / "story.ifs").write_text(STORY, encoding="utf-8")
    return str(tmp_path)


def test_each_reachable_combination_once_with_its_shortest_path(tmp_path, capsys):
    assert main(["variants", story(tmp_path), "hall"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "Scene 'hall' (Hall): 2 variants, by brave, lamp, seen(cellar)"
    # the values on arrival: the scene's own `~ lamp = true` does not count
    assert "--- variant 1 of 2: brave = true, lamp = false, seen(cellar) = false\n    path: start.be-brave\n" in out
    assert "--- variant 2 of 2: brave = false, lamp = true, seen(cellar) = true\n" \
           "    path: start.take-the-lamp -> cellar.continue\n" in out
    assert "\nYou stride in.\n" in out and "\nYou creep in.The lamp shows the door.\n\nDust on your boots.\n" in out
    assert "  * Wait  (disabled: You are too frightened to wait.)" in out
    assert "brave = true, lamp = true" not in out  # no road gives that combination


def test_json(tmp_path, capsys):
    assert main(["variants", story(tmp_path), "hall", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["scene"], data["reads"], data["complete"]) == ("hall", ["brave", "lamp", "seen(cellar)"], True)
    first = data["variants"][0]
    assert first["values"] == {"brave": True, "lamp": False, "seen(cellar)": False}
    assert first["path"] == ["start.be-brave"] and first["paragraphs"] == ["You stride in."]
    assert first["choices"][1] == {"id": "hall.wait", "label": "Wait", "enabled": False,
                                   "reason": "You are too frightened to wait."}
    assert first["same_as"] is None


def test_all_scenes_into_one_markdown_file(tmp_path, capsys):
    out = tmp_path / "variants.md"
    assert main(["variants", story(tmp_path), "--all", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Every version of every scene: Demo (demo)\n")
    assert "## hall: Hall\n\n2 variants, by `brave`, `lamp`, `seen(cellar)`.\n" in text
    assert "## cellar: Cellar\n\n1 variant.\n\n### Variant 1: (it reads nothing)\n\nPath: `start.take-the-lamp`" in text
    assert "wrote the variants of 4 scene(s)" in capsys.readouterr().err


def test_identical_texts_are_printed_once(tmp_path, capsys):
    text = STORY.split("=== hall")[0] + "=== hall: Hall\n{if brave: In.|In.}\n* canon continue -> end\n" + \
        STORY.split("=== ending")[1].join(["=== ending", ""])
    (tmp_path / "story.ifs").write_text(text, encoding="utf-8")
    assert main(["variants", str(tmp_path), "hall"]) == 0
    out = capsys.readouterr().out
    assert "--- variant 2 of 2: brave = false\n    path: start.take-the-lamp -> cellar.continue\n" \
           "    (the same text as variant 1)" in out


def test_refusals(tmp_path, capsys):
    path = story(tmp_path)
    assert main(["variants", path, "nowhere"]) == 2
    assert capsys.readouterr().err.strip() == "ifengine variants: story 'demo' has no scene 'nowhere'"
    assert main(["variants", path]) == 2
    assert "give a SCENE, or --all" in capsys.readouterr().err
    assert main(["variants", path, "hall", "--max-states", "0"]) == 2
