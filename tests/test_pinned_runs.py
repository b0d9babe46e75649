"""Every story's pinned runs replay to their recorded end state, and every ending has one.

This is how stories are regression-tested: `stories/<id>/runs/*.toml` are recorded with
`ifengine play STORY --plain --record`, and any edit that changes where they lead fails here.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from ifengine import load_story
from ifengine.cli import main
from ifengine.saves import read_run

ROOT = Path(__file__).resolve().parent.parent
STORY_DIRS = sorted(p for p in (ROOT / "stories").iterdir() if p.is_dir()) if (ROOT / "stories").is_dir() else []
RUNS = sorted(p for d in STORY_DIRS for p in (d / "runs").glob("*.toml"))


@pytest.mark.parametrize("run_path", RUNS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_pinned_run_replays(run_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(run_path)]) == 0, capsys.readouterr().out
    assert capsys.readouterr().out.startswith("ok ")


@pytest.mark.parametrize("story_dir", STORY_DIRS, ids=lambda p: p.name)
def test_every_ending_has_a_pinned_run(story_dir: Path) -> None:
    story = load_story(story_dir)
    runs = [read_run(p) for p in sorted((story_dir / "runs").glob("*.toml"))]
    reached = {r.end.ending for r in runs if r.end.ending}
    missing = sorted(e.id for e in story.endings if e.id not in reached)
    assert not missing, f"{story_dir.name}: no pinned run reaches {missing}"
    canon_runs = [r for r in runs if r.end.ending and story.scenes[r.end.ending].ending_kind == "canon"]
    assert canon_runs, f"{story_dir.name}: no pinned canon run"


def test_there_are_stories_to_check() -> None:
    assert STORY_DIRS, "no story folders under stories/"
