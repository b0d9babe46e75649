"""Numbers as words in interpolation: `words(n)`, `ordinal(n)` and their capitalised forms, played through
the engine, typed by the checker, and coloured by both highlighters."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pygments.token import Name

from ifengine import load_story_text, load_text
from ifengine.highlight import IfsLexer
from ifengine.runtime import Session

ROOT = Path(__file__).resolve().parent.parent
HEADER = "@story w\n@title W\n@role R: r.\n@start a\n"


def shown(flags: str, prose: str) -> str:
    """The first paragraph a one-scene story shows."""
    story = load_story_text(HEADER + flags + f"=== a: A\n{prose}\n* [Go] -> b\n=== ending b (canon): B\nB.\n")
    return Session(story).view().paragraphs[0]


@pytest.mark.parametrize("n,cardinal,ordinal", [
    (0, "zero", "zeroth"), (1, "one", "first"), (2, "two", "second"), (3, "three", "third"), (5, "five", "fifth"),
    (6, "six", "sixth"), (8, "eight", "eighth"), (9, "nine", "ninth"), (12, "twelve", "twelfth"),
    (13, "thirteen", "thirteenth"), (20, "twenty", "twentieth"), (21, "twenty-one", "twenty-first"),
    (40, "forty", "fortieth"), (99, "ninety-nine", "ninety-ninth"), (100, "a hundred", "hundredth"),
    (101, "a hundred and one", "hundred and first"), (112, "a hundred and twelve", "hundred and twelfth"),
    (999, "nine hundred and ninety-nine", "nine hundred and ninety-ninth"), (1000, "a thousand", "thousandth"),
    (1005, "a thousand and five", "thousand and fifth"), (2300000, "two million three hundred thousand",
                                                         "two million three hundred thousandth"),
    (-3, "minus three", "minus third"),
])
def test_words_and_ordinals(n, cardinal, ordinal):
    assert shown(f"@flag n: int = {n}\n", "{words(n)}|{ordinal(n)}|{Words(n)}|{Ordinal(n)}") == (
        f"{cardinal}|{ordinal}|{cardinal[0].upper() + cardinal[1:]}|{ordinal[0].upper() + ordinal[1:]}")


def test_the_largest_int_has_words():
    text = shown("@flag n: int = 9223372036854775807\n", "{words(n)}")
    assert text.startswith("nine quintillion two hundred and twenty-three quadrillion")
    assert text.endswith("seven hundred and seventy-five thousand eight hundred and seven")


def test_words_follow_the_state_and_work_in_labels_and_expressions():
    story = load_story_text(HEADER + "@flag squad: int 0..12 = 12\n=== a: A\n"
                            "There are {words(squad)} of your own left.\n"
                            "* [Send {words(squad / 2)} up] -> b\n  ~ squad -= 6\n"
                            "=== ending b (canon): B\n{Words(squad)} stay below; the {ordinal(squad + 15)} man waits.\n")
    s = Session(story)
    assert s.view().paragraphs == ("There are twelve of your own left.",)
    assert [c.label for c in s.view().choices] == ["Send six up"]
    s.choose("a.send-up")
    assert s.view().paragraphs == ("Six stay below; the twenty-first man waits.",)


def test_a_flag_may_begin_with_the_word():
    assert shown("@flag wordsmith: int = 4\n@flag ordinals: int = 2\n", "{wordsmith + ordinals}") == "6"


def _diags(text: str) -> list[str]:
    return [f"{d.line}:{d.col}: {d.message} [{d.code}]" for d in load_text(text).diagnostics]


def test_words_of_a_str_is_a_type_error():
    got = _diags(HEADER + '@flag name: str = "Ana"\n=== a: A\nHi {words(name)}.\n* [Go] -> b\n'
                 "=== ending b (canon): B\nB.\n")
    assert got == ["7:11: words() needs an int here, but this is a str [IFS132]"]


def test_words_is_a_str_and_cannot_be_added_to_a_number():
    got = _diags(HEADER + "@flag n: int = 1\n=== a: A\nHi {ordinal(n) * 2}.\n* [Go] -> b\n"
                 "=== ending b (canon): B\nB.\n")
    assert got == ["7:5: '*' needs an int here, but this is a str [IFS132]"]


def test_a_flag_named_words_is_a_reserved_word():
    got = _diags(HEADER + "@flag words: int = 1 \"W\"\n=== a: A\nHi.\n* [Go] -> b\n=== ending b (canon): B\nB.\n")
    assert got == ["5:7: 'words' is a word of the language and cannot name a flag [IFS136]"]


def test_both_highlighters_know_the_functions():
    toks = {v: t for t, v in IfsLexer().get_tokens("Hi {Words(n)} and {ordinal(n + 1)}.\n")}
    assert toks["Words"] in Name.Builtin and toks["ordinal"] in Name.Builtin and toks["n"] in Name.Variable
    grammar = json.loads((ROOT / "editors" / "ifs.tmLanguage.json").read_text(encoding="utf-8"))
    [rule] = [r for r in grammar["repository"]["expression"]["patterns"] if r.get("name") == "support.function.words.ifs"]
    assert all(re.fullmatch(rule["match"], w) for w in ("words", "Words", "ordinal", "Ordinal"))
    assert not re.search(rule["match"], "wordsmith")
