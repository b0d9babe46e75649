"""Scenes compiled to Python source (codegen.py): what a script says stays data, however it is written, and
the generated code is made only of the generator's own names; its meaning is the closures' (the engine's
other tests play every construct through it)."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from ifengine import load_story, load_story_text
from ifengine.codegen import compile_arrival, compile_take
from ifengine.program import ChoicePlan, Program
from ifengine.runtime import Session

REPO = Path(__file__).resolve().parent.parent
HOSTILE = "x'); __import__('os').system('touch PWNED'); ('"
QUOTES = 'He said """no""" and \'\'\'yes\'\'\', "quoted", and a back\\slash.'

STORY = f"""@story s
@title S
@role R: r.
@start a
@flag note: str = "{HOSTILE}"
@flag n: int = 0
=== a: A
{HOSTILE}

A line with {{note}} inside, and {{if n == 0: {HOSTILE} | other}}.

{QUOTES}
* (go) canon [{HOSTILE}] -> b
  ? n < 9 else "{HOSTILE}"
+ (stay) [Stay {{note}}] -> a
  ? n < 5 else "{HOSTILE}"
  ~ n += 1
  ~ note = "{HOSTILE}"
=== ending b (canon): B
B.
"""

# The names generated code may use: its locals, its own constants, the helpers it is given.
ALLOWED_NAMES = {"s", "out", "F", "V", "R", "A", "U", "L", "P", "on", "fb", "r", "t", "str", "len",
                 "_show", "_tidy", "_GAP", "_rng", "_div", "_join", "_CV"}
ALLOWED_ATTRIBUTES = {"flags", "visits", "used", "append", "extend", "get", "join"}


def _sources(story) -> dict[str, str]:
    """Each scene's generated source (its parts' arrivals, then the takes of its choices), by scene id."""
    out = {}
    for scene in story.scenes.values():
        sources = []
        for i, part in enumerate(scene.parts):
            offered = [(ChoicePlan(scene.id, i, c, False, story.flags), c) for c in part.choices]
            sources.append(compile_arrival(scene.id, i, part.body, offered, story.flags)[2])
            sources += [compile_take(c, story.flags)[1] for c in part.choices if c.effects or c.response]
        out[scene.id] = "\n".join(sources)
    return out


def _assert_only_generated_code(source: str) -> None:
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            assert node.id in ALLOWED_NAMES or re.fullmatch(r"_k\d+", node.id), node.id
        elif isinstance(node, ast.Attribute):
            assert node.attr in ALLOWED_ATTRIBUTES, node.attr
        elif isinstance(node, ast.FunctionDef):
            assert node.name in ("_arrive", "_take"), node.name
        elif isinstance(node, ast.Constant):
            assert type(node.value) in (str, int, bool, type(None)), node.value
        elif isinstance(node, (ast.Import, ast.ImportFrom, ast.Lambda, ast.ClassDef, ast.Global, ast.Nonlocal)):
            raise AssertionError(f"generated code holds {type(node).__name__}")


def test_script_text_is_played_verbatim_and_never_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    story = load_story_text(STORY)
    s = Session(story)
    view = s.view()
    assert view.paragraphs[0] == HOSTILE
    assert view.paragraphs[1] == f"A line with {HOSTILE} inside, and {HOSTILE}."
    assert view.paragraphs[2] == 'He said """no""" and \'\'\'yes\'\'\', "quoted", and a backslash.'  # \\ escapes
    assert [c.label for c in view.choices] == [HOSTILE, f"Stay {HOSTILE}"]
    for _ in range(5):
        s.choose("a.stay")
    assert s.view().choices[1].reason == HOSTILE
    s.choose("a.go")
    assert s.is_over and not (tmp_path / "PWNED").exists()


def test_generated_code_is_made_only_of_its_own_names_whatever_the_script_says():
    for source in _sources(load_story_text(STORY)).values():
        _assert_only_generated_code(source)


@pytest.mark.parametrize("folder", sorted([*(REPO / "stories").iterdir(), REPO / "examples" / "showcase"]),
                         ids=lambda p: p.name)
def test_every_bundled_scene_compiles_to_code_of_its_own_names(folder):
    for source in _sources(load_story(folder)).values():
        _assert_only_generated_code(source)


def test_a_text_that_may_render_past_the_bound_is_measured_and_one_that_cannot_is_not():
    big = load_story_text("@story s\n@title S\n@role R: r.\n@start a\n@flag s: str = \"x\"\n@flag n: int = 1\n"
                          "=== a: A\n" + "{s}" * 11 + " and {n}.\n\n" + "{n} and {n}.\n"
                          "* canon [On] -> b\n=== ending b (canon): B\nB.\n")
    lines = [line for line in _sources(big)["a"].splitlines() if "_tidy(" in line]
    # eleven strs of up to STR_MAX characters could pass MAX_RENDER: measured; two ints cannot: joined
    assert "_join(" in lines[0] and "_join(" not in lines[1] and "''.join(" in lines[1]
    assert Session(big).view().paragraphs == ("x" * 11 + " and 1.", "1 and 1.")


def test_a_program_compiles_each_scene_once_when_play_first_enters_it():
    program = Program(load_story_text(STORY))
    assert "a" not in program.plans
    Session(program)
    plan = program.plans["a"]
    Session(program).choose("a.stay")
    assert program.plans["a"] is plan
