"""`ifengine check --editor`: the editor's checks (IFS400-IFS406). Each fires on a story made to trip it,
at the exact place and with the exact message, and not on a clean one; each can be set or switched off
with a reason in the story's `ifengine.toml`."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ifengine import load_story
from ifengine.cli import main
from ifengine.editor import Reading, editor_checks, read_settings

ROOT = Path(__file__).resolve().parent.parent
HEADER = "@story demo\n@title Demo\n@role Ana: A tester.\n@start start\n"  # a body starts on line 5
LONG = " ".join(["word"] * 260)  # an epilogue long enough
ENDINGS = f"=== ending end (canon): The End\n{LONG}\n=== ending other (alternate): Elsewhere\n{LONG}\n"
CLEAN = ("@flag brave: bool = false \"Brave\"\n"
         "=== start: Start\nHello.\n* canon [Fight] -> end\n  ~ brave = true\n* [Run] -> middle\n"
         "=== middle: Middle\nHm.\n* [Back] -> end\n  ? brave\n* [On] -> other\n" + ENDINGS)


def write(folder: Path, body: str, settings: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "story.ifs").write_text(HEADER + body, encoding="utf-8")
    if settings is not None:
        (folder / "ifengine.toml").write_text(settings, encoding="utf-8")
    return folder


def shown(path: Path) -> str:
    rel = os.path.relpath(path)
    return rel if not rel.startswith("..") else str(path)


def editor(folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict]]:
    code = main(["check", "--editor", "--json", str(folder)])
    return code, json.loads(capsys.readouterr().out)


def one(found: list[dict], code: str) -> dict:
    hits = [d for d in found if d["code"] == code]
    assert len(hits) == 1, found
    return hits[0]


def test_a_clean_story_has_no_editor_findings(tmp_path, capsys):
    assert editor(write(tmp_path, CLEAN), capsys) == (0, [])


def test_without_editor_the_check_is_unchanged(tmp_path, capsys):
    folder = write(tmp_path, "=== start: Start\n* canon [A] -> end\n* [B] -> end\n" + ENDINGS)
    assert main(["check", "--json", str(folder)]) == 0
    assert [d["code"] for d in json.loads(capsys.readouterr().out)] == ["IFS200"]  # 'other' unreachable only


# ---- IFS401 false choice ---------------------------------------------------------------------


def test_ifs401_options_that_set_nothing_and_lead_to_the_same_place(tmp_path, capsys):
    body = ("=== start: Start\n* canon [Left] -> end\n* [Right] -> end\n* [Other way] -> other\n" + ENDINGS)
    code, found = editor(write(tmp_path, body), capsys)
    assert code == 0
    assert not [d for d in found if d["code"] == "IFS401"]  # 'other' differs in target: a real decision


def test_ifs401_fires_and_sees_through_a_detour(tmp_path, capsys):
    body = ("=== start: Start\nHello.\n* [Walk by the sea] -> shore\n* canon [Go straight home] -> end\n"
            "=== shore: The Shore\nWaves.\n* continue -> end\n" + ENDINGS.split("=== ending other")[0])
    folder = write(tmp_path, body)
    code, found = editor(folder, capsys)
    d = one(found, "IFS401")
    assert (d["file"], d["line"], d["col"], d["severity"]) == (shown(folder / "story.ifs"), 5, 5, "warning")
    assert d["message"] == ("false choice: the 2 options of scene 'start' set nothing and all lead to 'end' "
                            "(by way of 'shore'), so they do not differ")
    assert code == 0  # warnings only


def test_ifs401_an_option_that_sets_something_is_a_real_decision(tmp_path, capsys):
    body = ("@flag kind: bool = false\n=== start: Start\n* canon [A] -> end\n  ~ kind = true\n* [B] -> end\n"
            "=== ending end (canon): The End\n{if kind: kind}" + LONG + "\n")
    assert not [d for d in editor(write(tmp_path, body), capsys)[1] if d["code"] == "IFS401"]


def test_ifs401_allowed_for_one_scene_with_a_reason(tmp_path, capsys):
    body = "=== start: Start\n* canon [Yes] -> end\n* [No] -> end\n" + ENDINGS.split("=== ending other")[0]
    settings = '[checks.false-choice.allow]\nstart = "what she says is the point"\n'
    assert editor(write(tmp_path, body, settings), capsys) == (0, [])


# ---- IFS402 visible flag that gates nothing --------------------------------------------------


def test_ifs402_a_visible_counter_only_printed(tmp_path, capsys):
    body = ("@flag coins: int 0..9 = 0 \"Coins\"\n=== start: Start\n* canon [Take] -> end\n  ~ coins += 2\n"
            "* [Leave] -> other\n" + ENDINGS.replace("=== ending end (canon): The End\n",
                                                     "=== ending end (canon): The End\nYou have {coins}. "))
    folder = write(tmp_path, body)
    d = one(editor(folder, capsys)[1], "IFS402")
    assert (d["line"], d["col"]) == (5, 7)
    assert d["message"] == ("flag 'coins' is shown to the player as \"Coins\" but gates nothing: no choice and no "
                            "effect depends on it, directly or through another flag; only the text reads it (1 place)")


def test_ifs402_a_counter_behind_a_condition_that_sets_something_gates(tmp_path, capsys):
    body = ("@flag coins: int 0..9 = 0 \"Coins\"\n@flag rich: bool = false\n=== start: Start\n"
            "* canon [Take] -> mid\n  ~ coins += 2\n* [Leave] -> mid\n"
            "=== mid: Mid\n~ if coins > 1\n~ rich = true\n~ end\n* canon [On] -> end\n  ? rich\n* [Off] -> other\n"
            + ENDINGS)
    assert not [d for d in editor(write(tmp_path, body), capsys)[1] if d["code"] == "IFS402"]


# ---- IFS403 flags that always move together -------------------------------------------------


TOGETHER = ("@flag bead: bool = false\n@flag intel: bool = false\n=== start: Start\n"
            "* canon [Keep the bead] -> mid\n  ~ bead = true\n  ~ intel = true\n* [Drop it] -> mid\n"
            "=== mid: Mid\n{if bead: The bead is warm.} {if intel: You know things.}\n* canon [On] -> end\n"
            "* [Off] -> other\n" + ENDINGS)


def test_ifs403_two_flags_set_together_are_proven_redundant(tmp_path, capsys):
    folder = write(tmp_path, TOGETHER)
    d = one(editor(folder, capsys)[1], "IFS403")
    assert (d["line"], d["col"]) == (6, 7)  # the second of the two
    assert d["message"] == ("flags 'bead' and 'intel' always move together: in every reachable state (2 distinct) "
                            "they hold the same value; one of them is redundant")


def test_ifs403_not_when_one_road_sets_only_one(tmp_path, capsys):
    body = TOGETHER.replace("* [Drop it] -> mid\n", "* [Drop it] -> mid\n* [Sell it] -> mid\n  ~ intel = true\n")
    assert not [d for d in editor(write(tmp_path, body), capsys)[1] if d["code"] == "IFS403"]


def test_ifs403_opposites_are_one_flag_too(tmp_path, capsys):
    body = TOGETHER.replace("  ~ intel = true\n", "  ~ intel = false\n").replace(
        "@flag intel: bool = false", "@flag intel: bool = true")
    d = one(editor(write(tmp_path, body), capsys)[1], "IFS403")
    assert "they hold false with true, true with false" in d["message"]


def test_ifs406_a_search_that_stops_proves_nothing(tmp_path):
    story = load_story(write(tmp_path, TOGETHER))
    settings, _ = read_settings(story.root)
    found = editor_checks(story, settings, Reading(story, max_states=1))
    (d,) = [d for d in found if d.code in ("IFS403", "IFS406")]
    assert (d.code, d.line, d.col) == ("IFS406", 1, 8)  # the story's @story line
    assert d.message == ("the exhaustive search stopped at 1 states before it finished, so no two flags could be "
                         "proven to move together")


# ---- IFS404 long stretch without a decision -------------------------------------------------


def chain(n: int, last: str = "fork") -> str:
    scenes = "".join(f"=== s{i}: Scene {i}\nOn.\n* continue -> {f's{i + 1}' if i + 1 < n else last}\n" for i in range(n))
    return ("=== start: Start\n* canon [Go] -> s0\n* [Stay] -> other\n" + scenes +
            f"=== {last}: Fork\n* canon [Left] -> end\n* [Right] -> other\n" + ENDINGS)


def test_ifs404_more_than_four_scenes_without_a_decision_on_the_canon_path(tmp_path, capsys):
    folder = write(tmp_path, chain(5))
    d = one(editor(folder, capsys)[1], "IFS404")
    assert (d["line"], d["col"]) == (8, 5)  # the first scene of the stretch
    assert d["message"] == ("5 scenes in a row without a real decision on the canon path (more than 4; 5 words): "
                            "s0 -> s1 -> s2 -> s3 -> s4")


def test_ifs404_four_is_allowed_and_the_limit_is_set_per_story(tmp_path, capsys):
    assert not [d for d in editor(write(tmp_path / "a", chain(4)), capsys)[1] if d["code"] == "IFS404"]
    settings = "[checks.long-stretch]\nmax-scenes = 5\n"
    assert not [d for d in editor(write(tmp_path / "b", chain(5), settings), capsys)[1] if d["code"] == "IFS404"]


def test_ifs404_on_the_shortest_road_to_an_ending(tmp_path, capsys):
    scenes = "".join(f"=== t{i}: T{i}\nOn.\n* continue -> {f't{i + 1}' if i < 5 else 'other'}\n" for i in range(6))
    body = "=== start: Start\n* canon [Go] -> end\n* [Away] -> t0\n" + scenes + ENDINGS
    d = one(editor(write(tmp_path, body), capsys)[1], "IFS404")
    assert d["message"].startswith("6 scenes in a row without a real decision on the shortest road to ending 'other'")


# ---- IFS405 thin ending --------------------------------------------------------------------


def test_ifs405_an_epilogue_that_can_be_short_on_some_road(tmp_path, capsys):
    thin = ENDINGS.replace(f"=== ending other (alternate): Elsewhere\n{LONG}\n",
                           "=== ending other (alternate): Elsewhere\n~ if true\n" + LONG + "\n~ end\nShort.\n")
    body = "=== start: Start\n* canon [Go] -> end\n* [Away] -> other\n" + thin
    d = one(editor(write(tmp_path, body), capsys)[1], "IFS405")
    assert (d["line"], d["col"]) == (10, 12)
    assert d["message"] == "thin ending: the epilogue of 'other' can be as short as 1 words; an ending needs at least 250"


def test_ifs405_threshold_and_switch_off(tmp_path, capsys):
    body = "=== start: Start\n* canon [Go] -> end\n* [Away] -> other\n" + ENDINGS.replace(LONG, "Ten words " * 5)
    assert len([d for d in editor(write(tmp_path / "a", body), capsys)[1] if d["code"] == "IFS405"]) == 2
    assert editor(write(tmp_path / "b", body, "[checks.thin-ending]\nmin-words = 10\n"), capsys) == (0, [])
    off = '[checks.thin-ending]\noff = "vignettes: each ending is one breath"\n'
    assert editor(write(tmp_path / "c", body, off), capsys) == (0, [])


# ---- IFS400 the settings file ----------------------------------------------------------------


@pytest.mark.parametrize("text,line,col,message", [
    ("[checks.thin-ending\n", 1, 20, "not valid TOML: "),
    ("[checks.long-strech]\nmax-scenes = 3\n", 1, 1, "unknown check 'long-strech' (the checks are: false-choice, "),
    ("[checks.long-stretch]\nmax = 3\n", 2, 1, "[checks.long-stretch] has no setting 'max' (it takes: off, allow, "
                                             "max-scenes)"),
    ("[checks.long-stretch]\n\nmax-scenes = \"six\"\n", 3, 1, "[checks.long-stretch] max-scenes must be a whole "
                                                           "number of at least 0, not 'six'"),
    ("[checks.false-choice]\noff = \"\"\n", 2, 1, "[checks.false-choice] off must give the reason the check is "
                                                 "switched off, as a string"),
])
def test_ifs400_settings_that_cannot_be_used(tmp_path, capsys, text, line, col, message):
    folder = write(tmp_path, CLEAN, text)
    code, found = editor(folder, capsys)
    d = one(found, "IFS400")
    assert (d["file"], d["line"], d["col"], d["severity"]) == (shown(folder / "ifengine.toml"), line, col, "error")
    assert d["message"].startswith(message)
    assert code == 1


# ---- the stories -------------------------------------------------------------------------------


@pytest.mark.parametrize("story", sorted(p.name for p in (ROOT / "stories").iterdir() if p.is_dir()))
def test_the_stories_pass_check_editor_with_warnings_at_most(story, capsys):
    assert main(["check", "--editor", str(ROOT / "stories" / story)]) == 0
