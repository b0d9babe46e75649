"""`ifengine stats`: counts, endings by kind, words, canon path, divergence points, where flags are set and read."""
from __future__ import annotations

import json
import re
from pathlib import Path

from ifengine.cli import main
from ifengine.loader import load_story
from ifengine.stats import count_words, story_stats

ROOT = Path(__file__).resolve().parent.parent
SHOWCASE = ROOT / "examples" / "showcase"
FIX = ROOT / "tests" / "fixtures" / "tools"


def test_stats_json_on_the_showcase(capsys):
    assert main(["stats", str(SHOWCASE), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in ("id", "title", "role", "scenes", "choices", "endings", "words", "flags", "canon_path_length",
                "divergence_points"):
        assert key in data
    assert data["id"] == "showcase" and data["title"] == "The Skerry Light" and data["role"] == "Ines Varga"
    assert data["scenes"] == 10 and data["interludes"] == 1
    assert data["endings"] == {"canon": 1, "alternate": 2, "death": 1} and data["endings_total"] == 4
    # the wireless's call line counts as what it works like: a sticky fallback that calls
    assert data["choices"] == 25 and data["choices_by_kind"]["fallback"] == 3 and data["choices_by_kind"]["sticky"] == 4
    assert data["choices_by_kind"]["call"] == 2 and data["choices_by_kind"]["return"] == 1
    assert data["tunnels"] == ["log-book"]
    assert data["canon_path"] == ["cottage", "tower-stair", "lamp-room", "lit", "bridge", "the-light-holds"]
    assert data["canon_path_length"] == 5
    # cottage (the shed), tower-stair (listen), lamp-room (horn, wireless); lit has one choice and the
    # bridge only a fallback, which nobody chooses
    assert data["divergence_scenes"] == ["cottage", "tower-stair", "lamp-room"] and data["divergence_points"] == 3
    assert 800 < data["words"] < 1200
    flags = {f["name"]: f for f in data["flags"]}
    assert len(flags) == 11
    assert [w.rsplit("/", 1)[-1] for w in flags["has_rope"]["set_at"]] == ["main.ifs:48"]
    assert flags["ship_name"]["set_at"] == []
    assert any(w.endswith("branch.ifs:27") for w in flags["ship_name"]["read_at"])  # in a choice label
    assert flags["oil"]["label"] == "Lamp oil" and flags["oil"]["type"] == "int" and flags["oil"]["default"] == 4


def test_stats_flag_places_are_exact(capsys):
    stats = story_stats(load_story(FIX / "trouble"))
    flags = {f["name"]: f for f in stats["flags"]}
    where = lambda items: [w.rsplit(":", 1)[1] for w in items]  # noqa: E731
    assert where(flags["water"]["set_at"]) == ["19"]          # `~ water += 1` in the weir
    assert where(flags["water"]["read_at"]) == ["13", "27"]    # `{water}` in prose, `? water > 5`
    assert where(flags["key"]["set_at"]) == ["24"] and where(flags["key"]["read_at"]) == ["37"]
    assert where(flags["stones"]["set_at"]) == ["30"] and where(flags["stones"]["read_at"]) == ["30", "31"]
    assert stats["canon_path_length"] == 2 and stats["divergence_points"] == 2  # mill, weir


def test_stats_text(capsys):
    assert main(["stats", str(SHOWCASE)]) == 0
    out = capsys.readouterr().out
    assert "The Skerry Light (showcase), played as Ines Varga" in out
    assert "endings      4: 1 canon, 2 alternate, 1 death" in out
    assert "canon path   5 choices: cottage -> tower-stair -> lamp-room -> lit -> bridge -> the-light-holds" in out
    assert "divergence   3 points on the canon path: cottage, tower-stair, lamp-room" in out
    assert "has_rope: bool = false  (declared " in out
    assert "    set   never" in out  # ship_name is only read
    assert "main.ifs:45,52,68,126,135,165" in out  # has_rope's reads, grouped by file


def test_stats_on_broken_story_prints_diagnostics(capsys):
    assert main(["stats", str(FIX / "broken")]) == 1
    assert "nowhere" in capsys.readouterr().err


def test_word_count():
    assert count_words("You pay a tab of seventy-five eshts. Kuim’s arm, 790 P.D.") == 12  # P, D
    assert count_words("  // --- ") == 0


def test_stats_reads_the_roads_decisions_words_play_time_and_the_longest_stretch(capsys):
    """The figures that come from playing (issue 16): every old key stays, new keys are added."""
    assert main(["stats", str(SHOWCASE), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["divergence_points"] == 3 and data["canon_path_length"] == 5  # the old keys, unchanged
    # cottage, tower-stair, lamp-room decide; lit has one way on and the bridge only a fallback
    assert (data["canon_decisions"], data["canon_continues"]) == (3, 2)
    assert data["decision_scenes"] + data["continue_scenes"] == data["scenes"]
    assert data["playthroughs"] == 4  # one road per ending
    words, minutes = data["playthrough_words"], data["play_minutes"]
    assert words["min"] <= words["median"] <= words["max"] < data["words"]
    assert 0 < minutes["min"] <= minutes["median"] <= minutes["max"]
    assert data["play_time_model"] == "200 words a minute, plus 10 seconds a real decision"
    stretch = data["longest_stretch"]
    assert stretch["length"] == len(stretch["scenes"]) and stretch["road"].startswith("the ")
    assert main(["stats", str(SHOWCASE)]) == 0
    out = capsys.readouterr().out
    assert "  decisions    " in out and "minutes (200 words a minute, plus 10 seconds a real decision)" in out


def test_play_time_model():
    from ifengine.editor.numbers import minutes

    assert minutes(2000, 6) == 11.0  # ten minutes of reading, one of deciding


def test_medians_are_rounded_like_the_figures_they_sit_between(tmp_path, capsys):
    """Two endings: the median falls between two roads. It is printed as the figures are (whole words,
    tenths of a minute), not as a float's long tail (`30.299999999999997` was printed once)."""
    (tmp_path / "main.ifs").write_text(
        "@story halves\n@title Halves\n@role Ana: a reader.\n@start fork\n\n"
        "=== fork: The Fork\nTwo roads go on from here.\n"
        "* canon [Take the short road] -> short\n* [Take the long road] -> long\n\n"
        "=== ending short (canon): Short\n" + "word " * 33 + "\n\n"
        "=== ending long (alternate): Long\n" + "word " * 100 + "\n", encoding="utf-8")
    assert main(["stats", str(tmp_path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    words, minutes = data["playthrough_words"], data["play_minutes"]
    assert isinstance(words["median"], int) and words["min"] < words["median"] < words["max"]
    assert minutes["median"] == round(minutes["median"], 1) and minutes["min"] < minutes["median"] < minutes["max"]
    assert main(["stats", str(tmp_path)]) == 0
    line = next(l for l in capsys.readouterr().out.splitlines() if l.startswith("  play time"))
    assert re.fullmatch(r"  play time    \d+\.\d / \d+\.\d / \d+\.\d minutes \(.*\)", line), line
