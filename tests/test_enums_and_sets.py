"""Enumerations and sets: `@flag mood: enum calm | wary = calm`, `@flag alive: set of a | b = {a, b}`, members as
bare words, `in`, `+=`/`-=`, `count()`; every use checked against the members; the values in the state, the
run files and the side panel."""
from __future__ import annotations

from pathlib import Path

import pytest
from pygments.token import Keyword, Name

from ifengine import load_story_text, load_text
from ifengine.highlight import IfsLexer
from ifengine.runtime import Session
from ifengine.saves import dump_session, load_session
from ifengine.state import GameState
from ifengine.ui.text import flag_value

ROOT = Path(__file__).resolve().parent.parent
HEADER = ("@story en\n@title En\n@role R: r.\n@start a\n@flag mood: enum calm | wary | angry = calm \"Mood\"\n"
          "@flag alive: set of kuim | reguam | vask = {vask, kuim, reguam} \"Alive\"\n")
END = "=== ending b (canon): B\nB.\n"
STORY = HEADER + ("=== a: A\nYou are {mood}. With you: {alive} ({words(count(alive))}). {if vask in alive: Vask nods.}\n"
                  "+ (lose) [Lose Vask] -> a\n  ? vask in alive\n  ~ alive -= vask\n  ~ mood = wary\n"
                  "+ (gain) [Vask returns] -> a\n  ? not (vask in alive) and mood != angry\n  ~ alive += vask\n"
                  "+ (all) [Lose all] -> a\n  ? count(alive) > 0\n  ~ alive -= kuim\n  ~ alive -= reguam\n"
                  "  ~ alive -= vask\n* canon [Go] -> b\n  ? mood == calm or mood == wary\n" + END)


def test_members_are_read_written_and_printed_in_the_declared_order():
    s = Session(load_story_text(STORY))
    assert s.view().paragraphs == ("You are calm. With you: kuim, reguam and vask (three). Vask nods.",)
    assert s.flags == {"mood": "calm", "alive": ("kuim", "reguam", "vask")}
    s.choose("a.lose")
    assert s.view().paragraphs == ("You are wary. With you: kuim and reguam (two).",)
    assert [c.id for c in s.view().choices] == ["a.gain", "a.all", "a.go"]
    s.choose("a.gain")
    assert s.flags["alive"] == ("kuim", "reguam", "vask")  # back in its place, not at the end
    s.choose("a.all")
    assert s.view().paragraphs == ("You are wary. With you: none (zero).",)


def test_the_side_panel_shows_sets_and_enums_as_the_story_prints_them():
    s = Session(load_story_text(STORY))
    assert [(label, flag_value(v)) for label, v in s.visible_flags()] == [
        ("Mood", "calm"), ("Alive", "kuim, reguam and vask")]


def test_set_values_are_plain_data_and_come_back_in_saves_and_state_data():
    program = load_story_text(STORY)
    s = Session(program)
    s.choose("a.lose")
    data = s.state.to_data()
    assert data["flags"] == {"alive": ["kuim", "reguam"], "mood": "wary"}
    assert GameState.from_data(data) == s.state
    resumed = load_session(program, dump_session(s))
    assert resumed.state == s.state


def _diags(body: str, header: str = HEADER) -> list[str]:
    return [f"{d.line}:{d.col}: {d.message} [{d.code}]" for d in load_text(header + body).diagnostics]


def scene(line: str) -> str:
    return f"=== a: A\n{line}\n* [Go] -> b\n" + END


@pytest.mark.parametrize("line,message", [
    ("{if vsk in alive: x}", "8:5: 'vsk' is not one of alive's members (did you mean vask?): kuim, reguam, vask"),
    ("~ alive -= vsk", "8:12: 'vsk' is not one of alive's members (did you mean vask?): kuim, reguam, vask"),
    ("~ alive += sun", "8:12: 'sun' is not one of alive's members: kuim, reguam, vask"),
    ("~ mood = angy", "8:10: 'angy' is not one of mood's members (did you mean angry?): calm, wary, angry"),
    ("{if mood == wery: x}", "8:13: 'wery' is not one of mood's members (did you mean wary?): calm, wary, angry"),
    ("{if vask == mood: x}", "8:5: 'vask' is not one of mood's members: calm, wary, angry"),
])
def test_an_unknown_member_is_one_error_that_lists_the_members(line, message):
    assert _diags(scene(line)) == [message + " [IFS162]"]


@pytest.mark.parametrize("line,message", [
    ("{if mood == 3: x}", "8:13: this needs one of mood's members (calm, wary, angry), but it is an int"),
    ("~ mood += calm", "8:1: '+=' needs an int, str or set flag, but 'mood' is an enum"),
    ("{count(mood)}", "8:8: count() needs a set here, but this is an enum"),
    ("~ alive = mood", "8:1: flag 'alive' is a set; it cannot hold an enum"),
    ("{if calm in mood: x}", "8:13: 'in' needs a set here, but this is an enum"),
])
def test_uses_of_the_wrong_type_are_type_errors(line, message):
    assert _diags(scene(line)) == [message + " [IFS132]"]


BASE = "@story en\n@title En\n@role R: r.\n@start a\n"


@pytest.mark.parametrize("decl,message", [
    ("@flag mood: enum = calm", "5:7: an enum flag lists its members: @flag mood: enum a | b = ... [IFS133]"),
    ("@flag mood: set = {}", "5:7: a set flag lists its members: @flag mood: set of a | b = ... [IFS133]"),
    ("@flag mood: enum calm | wary = angry", "5:7: 'angry' is not one of mood's members: calm, wary [IFS162]"),
    ("@flag mood: set of a | b = {a, c}", "5:7: 'c' is not one of mood's members: a, b [IFS162]"),
    ("@flag mood: int calm | wary = 1", "5:7: only enum and set flags list members; 'mood' is an int [IFS133]"),
    ("@flag mood: str = calm", "5:19: the default of 'mood' is the bare word 'calm', which only an enum takes: "
                               "quote a str (\"calm\") [IFS133]"),
    ("@flag mood: set of a | a = {}", "5:7: 'a' is listed twice among the members of 'mood' [IFS133]"),
    ("@flag mood: set of a | b = a", "5:7: the default of 'mood' must be its members in braces, {a, b} or {} "
                                     "[IFS133]"),
    ("@flag mood: enum a | b = {a}", "5:7: the default of 'mood' must be one of its members [IFS133]"),
    ("@flag other: int = 0 \"O\"\n@flag mood: enum other | b = b",
     "6:7: the member 'other' of 'mood' is also a flag: give it another name [IFS163]"),
    ("@flag mood: enum count | b = b", "5:7: the member 'count' of 'mood' is also a word of the language: give it "
                                       "another name [IFS163]"),
])
def test_declarations_are_checked(decl, message):
    assert _diags(f"{decl} \"M\"\n" + scene("x"), BASE) == [message]


def test_both_highlighters_know_the_new_words():
    toks = [(t, v) for t, v in IfsLexer().get_tokens("@flag a: set of x | y = {x}\n{if x in a and count(a) > 1: z}\n")
            if v.strip()]
    assert (Keyword.Type, "set") in toks and (Keyword, "of") in toks and (Keyword, "in") in toks
    assert any(t in Name.Builtin and v == "count" for t, v in toks)
    import json
    import re

    grammar = json.loads((ROOT / "editors" / "ifs.tmLanguage.json").read_text(encoding="utf-8"))
    names = {r.get("name"): r.get("match") for r in grammar["repository"]["expression"]["patterns"]}
    assert re.search(names["keyword.operator.membership.ifs"], "x in a")
    assert re.search(names["support.function.count.ifs"], "count(a)")
