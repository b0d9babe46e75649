"""A typo reports one error, not three: a line with a mistake is reported once, with a hint where one
helps, and what it declares (a flag, a scene, a header field) still counts for the rest of the check."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ifengine import load
from ifengine.cli import main

ROOT = Path(__file__).resolve().parent.parent
SHOWCASE = ROOT / "examples" / "showcase"

HEADER = "@story demo\n@title Demo\n@role Ana: A tester.\n@start start\n"
BODY = ("=== start: Start\nThere are {n} of them.\n* [Count] -> end\n  ? n > 1\n  ~ n -= 1\n"
        "=== ending end (canon): The End\nBye.\n")


def diagnostics(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "story.ifs").write_text(text, encoding="utf-8")
    return [f"{d.line}:{d.col}: {d.message} [{d.code}]" for d in load(tmp_path).diagnostics]


def test_a_misspelt_type_is_one_error_with_a_hint_and_the_flag_stays_declared(tmp_path):
    got = diagnostics(tmp_path, HEADER + "@flag n: integer = 0\n" + BODY)
    assert got == ["5:10: 'integer' is not a type (did you mean int?): a flag is bool, int, str, enum or set [IFS160]"]


@pytest.mark.parametrize("written,hint", [("Int", " (did you mean int?)"), ("boolean", " (did you mean bool?)"),
                                          ("string", " (did you mean str?)"), ("number", " (did you mean int?)"),
                                          ("colour", "")])
def test_the_hint_names_the_closest_type(tmp_path, written, hint):
    got = diagnostics(tmp_path, HEADER + f"@flag n: {written} = 0\n" + BODY)
    assert got == [f"5:10: '{written}' is not a type{hint}: a flag is bool, int, str, enum or set [IFS160]"]


def test_a_syntax_error_in_a_flag_line_is_the_only_error(tmp_path):
    # the header above it, and every use of the flag below it, are fine: nothing else is reported
    got = diagnostics(tmp_path, HEADER + '@flag n: int 0..12 12 "N"\n' + BODY)
    assert got == ["5:20: expected '=', found text '12 \"N\"' [IFS100]"]


def test_a_flag_whose_line_fails_keeps_its_type_for_the_check(tmp_path):
    # `n` is still an int: `~ n = true` is still wrong, and reported, beside the syntax error
    body = BODY.replace("~ n -= 1", "~ n = true")
    got = diagnostics(tmp_path, HEADER + "@flag n: int = 0 Visible\n" + body)
    assert got == ["5:18: expected a quoted string or end of line, found text 'Visible' [IFS100]",
                   "10:3: flag 'n' is an int; it cannot hold a bool [IFS132]"]


def test_a_misspelt_keyword_gets_a_hint(tmp_path):
    body = "=== start: Start\n{if b: Some.}\n* [Go] -> end\n  ~ toggle b\n=== ending end (canon): The End\nBye.\n"
    got = diagnostics(tmp_path, HEADER + "@flag b: bool = flase\n" + body)
    assert got == ["5:17: the default of 'b' is the bare word 'flase', which only an enum takes (did you mean "
                   "false?) [IFS133]"]


def test_a_misspelt_header_directive_is_one_error_not_an_incomplete_header(tmp_path):
    got = diagnostics(tmp_path, HEADER.replace("@start", "@strat") + "@flag n: int = 0\n" + BODY)
    assert got == ["4:1: '@strat' is not a directive (did you mean @start?): they are @blurb, @flag, @include, "
                   "@role, @start, @story and @title [IFS100]"]


def test_a_misspelt_scene_kind_is_one_error_and_the_scene_still_exists(tmp_path):
    got = diagnostics(tmp_path, HEADER + "@flag n: int = 0\n" + BODY.replace("=== ending end", "=== endign end"))
    assert got == ["11:5: 'endign' is not a kind of scene (did you mean 'ending'?): a header is '=== id: Title', "
                   "'=== interlude id (viewpoint): Title', '=== ending id (kind): Title' or '=== extend id' [IFS100]"]


def test_a_scene_header_missing_its_colon_still_names_the_scene(tmp_path):
    got = diagnostics(tmp_path, HEADER + "@flag n: int = 0\n" + BODY.replace("end (canon): The End", "end The End"))
    assert len(got) == 1 and got[0].startswith("11:16: expected '(' or ':'")


def test_three_typos_are_three_errors(tmp_path):
    text = HEADER + "@flag n: integr = 0\n@flag m: itn = 0 \"M\"\n@flag k: int = 0 K\n" + BODY
    got = diagnostics(tmp_path, text)
    assert [g.split(": ")[0] for g in got] == ["5:10", "6:10", "7:18"]


def test_the_showcase_with_a_misspelt_type_reports_one_error(tmp_path, capsys):
    """The issue's case, on a real multi-file story: one error, and no 'header incomplete' in the other file."""
    story = tmp_path / "showcase"
    shutil.copytree(SHOWCASE, story)
    main_ifs = story / "main.ifs"
    text = main_ifs.read_text(encoding="utf-8")
    main_ifs.write_text(text.replace('@flag oil: int 0..9 = 4 "Lamp oil"', '@flag oil: integer 0..9 = 4 "Lamp oil"'),
                        encoding="utf-8")
    assert main(["check", str(story)]) == 1
    out = capsys.readouterr().out
    assert out.count("error:") == 1 and "[IFS160]" in out and "did you mean int?" in out
    # and a syntax error in the same line: still one error, and `oil` still declared everywhere it is used
    main_ifs.write_text(text.replace('@flag oil: int 0..9 = 4 "Lamp oil"', '@flag oil: int 0..9 4 "Lamp oil"'),
                        encoding="utf-8")
    assert main(["check", str(story)]) == 1
    out = capsys.readouterr().out
    assert out.count("error:") == 1 and "[IFS100]" in out
