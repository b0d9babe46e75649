"""Run expectations (text that must appear, must not, flag values per step) and the pytest plugin that
collects `stories/*/runs/*.toml` as tests."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ifengine.cli import main
from ifengine.saves import read_run

ROOT = Path(__file__).resolve().parent.parent
pytest_plugins = ["pytester"]

STORY = """\
@story demo
@title Demo
@role Ana: A tester.
@start start
@flag brave: bool = false
=== start: Start
A dark hall.
* canon [Be brave] -> end
  ~ brave = true
* [Run] -> end
=== ending end (canon): The End
{if brave: You held your ground.|You ran.}
"""
EXPECT = """
[[expect]]
step = 0
shows = "A dark hall."

[[expect]]
step = 1
shows = ["You held your ground.", "The End"]
hides = "You ran."
flags = { brave = true }
"""


def make(tmp_path: Path, expect: str = EXPECT) -> Path:
    story = tmp_path / "stories" / "demo"
    (story / "runs").mkdir(parents=True)
    (story / "story.ifs").write_text(STORY, encoding="utf-8")
    assert main(["play", str(story), "--plain", "--canon", "--record", str(story / "runs" / "canon.toml")]) == 0
    run = story / "runs" / "canon.toml"
    run.write_text(run.read_text(encoding="utf-8") + expect, encoding="utf-8")
    return run


def test_old_run_files_load_unchanged_and_have_no_expectations():
    for path in sorted((ROOT / "stories").glob("*/runs/*.toml")):
        assert read_run(path).expect == ()


def test_expectations_that_hold(tmp_path, capsys):
    run = make(tmp_path)
    capsys.readouterr()
    assert [e.step for e in read_run(run).expect] == [0, 1]
    assert main(["replay", str(run)]) == 0
    assert capsys.readouterr().out == f"ok   {run}: 1 choices, ending 'end' (canon), 2 expectations held\n"


def test_each_failed_expectation_with_its_step_and_scene(tmp_path, capsys):
    run = make(tmp_path)
    story = run.parent.parent / "story.ifs"
    story.write_text(STORY.replace("You held your ground.", "You stood.").replace("A dark hall.", "A hall."),
                     encoding="utf-8")
    capsys.readouterr()
    assert main(["replay", str(run), "--story", str(story.parent)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"FAIL {run}: step 0 (scene 'start'): expected text 'A dark hall.' does not appear",
        f"FAIL {run}: step 1 (scene 'end'): expected text 'You held your ground.' does not appear",
    ]


def test_a_flag_and_a_forbidden_text(tmp_path, capsys):
    run = make(tmp_path, EXPECT.replace("brave = true", "brave = false").replace('hides = "You ran."',
                                                                                  'hides = "ground"'))
    capsys.readouterr()
    assert main(["replay", str(run)]) == 1
    out = capsys.readouterr().out
    assert f"FAIL {run}: step 1 (scene 'end'): text 'ground' appears but should not\n" in out
    assert f"FAIL {run}: step 1 (scene 'end'): flag 'brave' is True, expected False\n" in out


@pytest.mark.parametrize("expect,message", [
    ("\n[[expect]]\nstep = 9\n", "expect 1: step 9 is outside the run (0 to 1)"),
    ("\n[[expect]]\nshows = 'x'\n", "missing 'expect 1: step'"),
    ("\n[[expect]]\nstep = 0\nshow = 'x'\n", "expect 1: unknown key 'show'"),
    ("\n[[expect]]\nstep = 0\nshows = [1]\n", "expect 1: 'shows' must be a text or a list of texts"),
])
def test_a_bad_expectation_is_one_clear_line(tmp_path, capsys, expect, message):
    run = make(tmp_path, expect)
    capsys.readouterr()
    assert main(["replay", str(run)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {run}: {message}") and "Traceback" not in err


def _plugin_args() -> list[str]:
    """Installed, ifengine's `pytest11` entry point loads the plugin by itself (naming it again with `-p`
    would register it twice); in a checkout installed before the plugin existed, it is named here."""
    from importlib.metadata import entry_points

    installed = any(ep.value == "ifengine.pytest_plugin" for ep in entry_points(group="pytest11"))
    return [] if installed else ["-p", "ifengine.pytest_plugin"]


def test_the_pytest_plugin_collects_the_runs_of_every_story(tmp_path, pytester):
    run = make(tmp_path)
    shutil.copytree(tmp_path / "stories", pytester.path / "stories")
    bad = pytester.path / "stories" / "demo" / "runs" / "slip.toml"
    bad.write_text(run.read_text(encoding="utf-8").replace('hides = "You ran."', 'hides = "ground"'),
                   encoding="utf-8")
    result = pytester.runpytest_subprocess(*_plugin_args(), "stories", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*step 1 (scene 'end'): text 'ground' appears but should not*"])


def test_the_plugin_is_registered_as_an_entry_point():
    import tomllib

    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert meta["project"]["entry-points"]["pytest11"] == {"ifengine": "ifengine.pytest_plugin"}
