"""Play's two tiers agree: a part of a scene (and a choice's response) runs through closures the first time
play reaches it and as generated code from the third (`program.COMPILE_AT`). Every story that comes with
ifengine, every fixture that loads and every example of the language reference is played the same random
roads three ways: closures only, generated code only, and the two tiers as play mixes them. Each step's
view, the whole game state and any fault in play must be the same."""
from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest

from ifengine import load, load_story_text
from ifengine import program as program_module
from ifengine.errors import StoryRuntimeError
from ifengine.program import Program
from ifengine.runtime import Session

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = sorted([*(ROOT / "stories").iterdir(), *(ROOT / "examples").iterdir(),
                  *{p.parent for p in (ROOT / "tests" / "fixtures").rglob("*.ifs")}])
DOC_BLOCKS = re.findall(r"^```ifs[ \t]*\n(.*?)^```", (ROOT / "docs" / "language.md").read_text(encoding="utf-8"),
                        re.M | re.S)
ROADS = 12
STEPS = 400

TIERS = {"closures": 10**9, "generated": 1, "mixed": 2, "as shipped": program_module.COMPILE_AT}


def _stories() -> list[tuple[str, Any]]:
    found = []
    for folder in FOLDERS:
        loaded = load(folder)
        if loaded.ok and loaded.story is not None:
            found.append((str(folder.relative_to(ROOT)), loaded.story))
    for i, block in enumerate(DOC_BLOCKS):
        try:
            found.append((f"language.md block {i + 1}", load_story_text(block)))
        except Exception:  # noqa: BLE001  a fragment, not a whole story: nothing to play
            continue
    return found


STORIES = _stories()


def _roads(story: Any, render: bool) -> list[Any]:
    """What a few random roads through the story show and leave behind, step by step, from one program (so
    play meets each part more than once, as undo, the explorer and a second playthrough do)."""
    program = Program(story)
    out: list[Any] = []
    for road in range(ROADS):
        pick = random.Random(road)
        session = Session(program, road, render=render)
        try:
            for _ in range(STEPS):
                view = session.view()
                out.append((view, session.state.key(dice=True)))
                enabled = [c.id for c in view.choices if c.enabled]
                if not enabled:
                    break
                session.choose(pick.choice(enabled))
        except StoryRuntimeError as fault:
            out.append(("fault", str(fault), fault.span))
    return out


@pytest.mark.parametrize("render", [True, False], ids=["rendered", "not-rendered"])
@pytest.mark.parametrize("name,story", STORIES, ids=[name for name, _ in STORIES])
def test_the_tiers_play_every_story_alike(name: str, story: Any, render: bool,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    played = {}
    for tier, compile_at in TIERS.items():
        monkeypatch.setattr(program_module, "COMPILE_AT", compile_at)
        played[tier] = _roads(story, render)
    assert played["closures"] == played["generated"]
    assert played["mixed"] == played["generated"] == played["as shipped"]


def test_there_is_enough_to_compare() -> None:
    names = [name for name, _ in STORIES]
    assert {"stories/rumak", "stories/davis", "stories/ekaril", "stories/cerberi", "examples/showcase"} <= set(names)
    assert sum(name.startswith("language.md") for name in names) >= 5


def test_a_part_is_compiled_the_third_time_play_arrives_and_not_before() -> None:
    story = load_story_text("@story s\n@title S\n@role R: r.\n@start a\n@flag n: int = 0\n"
                            "=== a: A\nA {n}.\n+ (again) [Again] -> a\n  ~ n += 1\nSo.\n"
                            "* (out) canon [Out] -> b\n=== ending b (canon): B\nB.\n")
    program = Program(story)
    session = Session(program)
    part = program.plans["a"].parts[0]
    assert part.bound is None  # not compiled: the closures ran, the session measured what they rendered
    session.choose("a.again")
    assert part.bound is None  # the second arrival: closures still
    session.choose("a.again")
    assert part.bound is not None  # compiled on the third
    assert session.view().response == ("So.",) and session.view().paragraphs == ("A 2.",)
