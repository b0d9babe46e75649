"""Tags: `#name` and `#name: value` on scene headers, choices and lines of prose, handed to the program that
plays the story through the views, judged by the checker, listed by `stats`, coloured by both
highlighters, and never shown by the players."""
from __future__ import annotations

import json
import re
from pathlib import Path

from pygments.token import Name

from ifengine import load_story_text, load_text
from ifengine.cli import main
from ifengine.highlight import IfsLexer
from ifengine.runtime import Session
from ifengine.views import TagView

ROOT = Path(__file__).resolve().parent.parent
HEADER = "@story tg\n@title Tg\n@role R: r.\n@start a\n@flag loud: bool = false\n"
STORY = HEADER + ("=== a: The Camp #chapter: Two #music: tense\n"
                  "The siren starts. #sound: siren\nIt goes on. #shake\n\n"
                  "~ if loud\nLouder. #sound: klaxon\n~ end\n"
                  "No tag here, and a \\#hash. // a comment, not a tag\n"
                  "* canon [Run {if loud: fast}] -> b #sound: steps\n+ [Wait] -> a\n  ~ toggle loud\n"
                  "=== ending b (canon): B\nBye.\n")


def test_views_carry_the_tags_of_the_scene_its_paragraphs_and_its_choices():
    s = Session(load_story_text(STORY))
    view = s.view()
    assert view.paragraphs == ("The siren starts. It goes on.", "No tag here, and a #hash.")
    assert view.tags == (TagView("chapter", "Two"), TagView("music", "tense"), TagView("sound", "siren"),
                         TagView("shake", None))
    assert view.paragraph_tags == ((TagView("sound", "siren"), TagView("shake", None)), ())
    assert [c.tags for c in view.choices] == [(TagView("sound", "steps"),), ()]
    assert type(view.paragraphs[0]) is str
    s.choose("a.wait")  # now `loud`: the tagged line under the `~ if` is shown, and so is its tag
    view = s.view()
    assert view.paragraph_tags[1] == (TagView("sound", "klaxon"),)
    assert view.tags[-1] == TagView("sound", "klaxon")
    assert view.choices[0].label == "Run fast" and view.choices[0].tags == (TagView("sound", "steps"),)


def test_tags_change_neither_the_text_nor_the_choice_ids():
    plain = load_story_text(re.sub(r" #[^\n]*", "", STORY.replace(" // a comment, not a tag", "")))
    tagged = load_story_text(STORY)
    assert [c.id for c in tagged.scenes["a"].choices] == [c.id for c in plain.scenes["a"].choices]
    assert Session(tagged).view().paragraphs == Session(plain).view().paragraphs


def _diags(text: str) -> list[str]:
    return [f"{d.line}:{d.col}: {d.message} [{d.code}]" for d in load_text(text).diagnostics]


def test_a_tag_needs_a_one_word_name():
    got = _diags(HEADER + "=== a: A #sound effect: x #5 #ok\nX. {if loud: y} #a+b\n* [Go] -> b\n"
                 "=== ending b (canon): B\nB.\n")
    assert got == [
        "6:10: 'sound effect' is not a tag name (one word of letters, digits, '-' and '_'): a tag is #name or "
        "#name: value [IFS161]",
        "7:17: 'a+b' is not a tag name (one word of letters, digits, '-' and '_'): a tag is #name or "
        "#name: value [IFS161]"]


def test_a_hash_before_anything_but_a_letter_is_text():
    s = Session(load_story_text(HEADER + "=== a: Room #5\nC# minor, #5 and \\#x. {if loud: y}\n* [Go] -> b\n"
                                "=== ending b (canon): B\nB.\n"))
    assert s.view().title == "Room #5" and s.view().paragraphs == ("C# minor, #5 and #x.",)
    assert s.view().tags == ()


def test_a_line_may_not_begin_with_a_tag():
    got = _diags(HEADER + "=== a: A\n#sound: x\nX. {if loud: y}\n* [Go] -> b\n=== ending b (canon): B\nB.\n")
    assert got == ["7:1: a line may not begin with '#': tags go at the end of the line they tag (a scene header, a "
                   "choice, a line of prose); write '\\#' to start prose with the character [IFS100]"]


def test_stats_list_every_tag_with_its_values_and_places(tmp_path, capsys):
    (tmp_path / "tg.ifs").write_text(STORY, encoding="utf-8")
    assert main(["stats", str(tmp_path), "--json"]) == 0
    tags = json.loads(capsys.readouterr().out)["tags"]
    assert [(t["name"], t["count"], t["values"], [a.rsplit(":", 1)[1] for a in t["at"]]) for t in tags] == [
        ("chapter", 1, ["Two"], ["6"]), ("music", 1, ["tense"], ["6"]), ("sound", 3, ["siren", "klaxon", "steps"],
                                                                         ["7", "11", "14"]),
        ("shake", 1, [], ["8"])]
    assert main(["stats", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "  tags         4: #chapter, #music, #sound, #shake" in out
    assert re.search(r"  #sound: siren, klaxon, steps  \(3x\)  \S*tg\.ifs:7,11,14", out)


def test_the_players_show_no_tags(capsys):
    assert main(["play", str(ROOT / "examples" / "showcase"), "--plain", "--canon"]) == 0
    out = capsys.readouterr().out
    assert "every fifteen seconds." in out
    assert not re.search(r"#(chapter|sound|risky)|: clockwork|foghorn #", out)


def test_both_highlighters_colour_tags():
    toks = {v.strip(): t for t, v in IfsLexer().get_tokens("=== a: A #chapter: Two\nX. #sound: s\n* [G] -> b #x\n")}
    assert toks["#chapter: Two"] in Name.Tag and toks["#sound: s"] in Name.Tag and toks["#x"] in Name.Tag
    assert toks["A"] not in Name.Tag
    grammar = json.loads((ROOT / "editors" / "ifs.tmLanguage.json").read_text(encoding="utf-8"))
    rule = grammar["repository"]["tag"]
    assert re.match(rule["match"], "#sound: siren #x").group(0) == "#sound: siren "
    for where in ("header", "choice", "prose"):
        assert {"include": "#tag"} in grammar["repository"][where]["patterns"]
