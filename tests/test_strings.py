"""Strings that join and compare: `+` on two strs, `~ s += "..."`, `==`/`!=`, in every place an expression
goes (choice labels included); the checker's messages; the length limit in play, and the explorer's
key keeping what can reach it."""
from __future__ import annotations

import pytest

from ifengine import load_story_text, load_text
from ifengine.errors import StoryRuntimeError
from ifengine.explore import explore_exhaustive, relevance
from ifengine.model import STR_MAX
from ifengine.runtime import Session

HEADER = "@story s\n@title S\n@role R: r.\n@start a\n"
END = "=== ending b (canon): B\nB.\n"


def _diags(text: str) -> list[str]:
    return [f"{d.line}:{d.col}: {d.message} [{d.code}]" for d in load_text(HEADER + text).diagnostics]


def test_strings_join_and_compare_in_prose_labels_conditions_and_effects():
    story = load_story_text(HEADER + '@flag name: str = "Ana"\n@flag log: str = ""\n=== a: A\n'
                            '{name + ", " + "hello"}. {if name + "!" == "Ana!": Same. | Other.}\n'
                            '+ (shout) [Shout {name + "!"}] -> a\n  ~ log += "ho"\n  ~ name = name + "s"\n'
                            '* (leave) canon [Leave] -> b\n  ? log != "hoho" else "Too hoarse."\n' + END)
    s = Session(story)
    assert s.view().paragraphs == ("Ana, hello. Same.",)
    assert [c.label for c in s.view().choices] == ["Shout Ana!", "Leave"]
    s.choose("a.shout")
    assert s.view().paragraphs == ("Anas, hello. Other.",)
    assert s.flags["log"] == "ho"
    s.choose("a.shout")
    assert [(c.label, c.enabled, c.reason) for c in s.view().choices] == [
        ("Shout Anass!", True, None), ("Leave", False, "Too hoarse.")]


def test_a_str_and_an_int_do_not_join():
    got = _diags('@flag name: str = "A"\n@flag n: int = 1\n=== a: A\n{name + n}\n* [Go] -> b\n' + END)
    assert got == ["8:9: '+' joins two strs, but this is an int (spell a number out with words(n)) [IFS132]"]


def test_a_bool_does_not_add_and_the_message_is_unchanged():
    got = _diags("@flag b: bool = false\n=== a: A\n{1 + b}\n* [Go] -> b\n" + END)
    assert got == ["7:6: '+' needs an int here, but this is a bool [IFS132]"]


def test_joining_onto_a_str_flag_needs_a_str():
    got = _diags('@flag name: str = "A"\n=== a: A\n~ name += 3\n{name}\n* [Go] -> b\n' + END)
    assert got == ["7:1: '+=' on a str flag joins a str to it, but this is an int [IFS132]"]


def test_a_str_flag_cannot_be_subtracted_from():
    got = _diags('@flag name: str = "A"\n=== a: A\n~ name -= "A"\n{name}\n* [Go] -> b\n' + END)
    assert got == ["7:1: '-=' needs an int flag, but 'name' is a str [IFS132]"]


def test_strings_are_not_ordered():
    got = _diags('@flag name: str = "A"\n=== a: A\n{if name < "B": x}\n* [Go] -> b\n' + END)
    assert got == ["7:5: '<' compares numbers, but this is a str [IFS132]",
                   "7:12: '<' compares numbers, but this is a str [IFS132]"]


DOUBLING = HEADER + ('@flag name: str = "Ana"\n=== a: A\nA.\n+ (grow) [Grow] -> a\n  ~ name = name + name\n'
                     "* canon [Stop] -> b\n" + END)


def test_a_string_past_the_limit_is_a_fault_at_the_effect_and_the_session_stays_where_it_was():
    s = Session(load_story_text(DOUBLING))
    steps = 0
    with pytest.raises(StoryRuntimeError) as caught:
        while True:
            s.choose("a.grow")
            steps += 1
    assert len(s.flags["name"]) == 3 * 2 ** steps <= STR_MAX
    assert str(caught.value) == (f"story.ifs:9:3: a string too long for 'name': {3 * 2 ** (steps + 1):,} "
                                 f"characters, the limit is {STR_MAX:,}")


def test_the_explorer_keeps_a_growing_string_in_its_key_and_finds_the_fault():
    # `name` is never read by a condition: without the length limit it could be dropped from the key,
    # and the search would merge every length and never see the fault
    story = load_story_text(DOUBLING)
    assert "name" in relevance(story).flags
    report = explore_exhaustive(story)
    assert report.complete
    [(message, finding)] = report.errors.items()
    assert "a string too long for 'name'" in message
    assert finding.path == ["a.grow"] * 16
