"""One test (or a few) per checker rule: a tiny script that triggers it, and the exact code, position,
severity and message of what is reported."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from ifengine import load
from ifengine.diagnostics import CODES, Diagnostic, Severity
from ifengine.parser import MAX_DEPTH

ROOT = Path(__file__).resolve().parent.parent

# Four lines: a script given to `check()` starts on line 5.
HEADER = "@story demo\n@title Demo\n@role Ana: A tester.\n@start start\n"
END = "=== ending end (canon): The End\nBye.\n"


def write(folder: Path, text: str | bytes, name: str = "story.ifs") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def check(tmp_path: Path, body: str, header: str = HEADER) -> list[Diagnostic]:
    write(tmp_path, header + body)
    return load(tmp_path).diagnostics


def of(diags: list[Diagnostic], code: str) -> list[Diagnostic]:
    return [d for d in diags if d.code == code]


def one(diags: list[Diagnostic], code: str) -> Diagnostic:
    found = of(diags, code)
    assert len(found) == 1, f"expected one {code}, got:\n" + "\n".join(str(d) for d in diags)
    return found[0]


def codes(diags: list[Diagnostic]) -> list[str]:
    return [d.code for d in diags]


def at(d: Diagnostic) -> tuple[int, int]:
    return d.line, d.col


def name(tmp_path: Path, file: str = "story.ifs") -> str:
    """How diagnostics name a file: relative to the working folder if below it, else absolute."""
    rel = os.path.relpath(tmp_path / file)
    return rel if not rel.startswith("..") else str(tmp_path / file)


# ---- a clean story ------------------------------------------------------------------


def test_clean_story_has_no_diagnostics(tmp_path):
    assert check(tmp_path, "=== start: Start\nHello.\n* [Go] -> end\n" + END) == []


# ---- IFS100 syntax ------------------------------------------------------------------


def test_ifs100_missing_arrow(tmp_path):
    diags = check(tmp_path, "=== start: Start\n* [Go] end\n" + END)
    d = one(diags, "IFS100")
    assert at(d) == (6, 8)
    assert d.severity is Severity.ERROR
    assert d.file == name(tmp_path)
    assert "expected '->' after the choice label" in d.message
    assert d.message == "expected '->' after the choice label, found text 'end'"
    # The broken scene is still the story's start: no "start scene missing" on top of the syntax error.
    assert codes(diags) == ["IFS100"]


def test_ifs100_several_errors_resynchronise_at_scene_headers(tmp_path):
    diags = check(tmp_path, """\
=== start: Start
* [Go] end
=== middle: Middle
?what
* [Go] -> end
=== good: Good
{ghost}
* [Go] -> middle
=== bad2 Bad
* [Go] -> end
""" + END)
    syntax = of(diags, "IFS100")
    assert [at(d) for d in syntax] == [(6, 8), (8, 1), (13, 10)]
    assert syntax[0].message == "expected '->' after the choice label, found text 'end'"
    assert syntax[1].message.startswith("a line of prose may not begin with '?'")
    assert "write '\\?'" in syntax[1].message
    assert syntax[2].message == "expected '(' or ':', found text 'Bad'"
    # the good scene between the broken ones is still checked
    assert at(one(diags, "IFS130")) == (11, 2)
    # and nothing cries wolf about the broken scenes: 'middle' exists, its section just failed to parse
    assert sorted(set(codes(diags))) == ["IFS100", "IFS130"]


@pytest.mark.parametrize("marker", ["*", "+", "~", "?", "@", "{", "|", "}", "="])
def test_ifs100_prose_beginning_with_a_marker(tmp_path, marker):
    diags = check(tmp_path, f"=== start: Start\n   {marker}oops\n* [Go] -> end\n" + END)
    d = one(diags, "IFS100")
    assert d.line == 6
    if marker in "?@|}=":  # these can only be prose here, so the hint is certain
        assert at(d) == (6, 4)
        assert d.message == (f"a line of prose may not begin with '{marker}' (it marks structure lines); "
                             f"write '\\{marker}' to start prose with it")


def test_ifs100_names_the_mark_it_found(tmp_path):
    diags = check(tmp_path, "=== start: Start\n~ if true\nHi.\n* [Go] -> end\n" + END)
    d = one(diags, "IFS100")
    assert at(d) == (8, 1)
    assert d.message == "expected '~ elif', '~ else' or '~ end', found '*'"


def test_ifs100_unclosed_block_before_the_next_scene(tmp_path):
    diags = check(tmp_path, "=== start: Start\n~ if true\nHi.\n" + END)
    d = one(diags, "IFS100")
    assert at(d) == (7, 4)
    assert d.message == "expected '~ elif', '~ else' or '~ end', found the next scene header (line 8)"


def test_ifs100_unclosed_block_at_end_of_file(tmp_path):
    diags = check(tmp_path, "=== start: Start\n* [Go] -> end\n" + END + "~ if true\nStill bye.\n")
    d = one(diags, "IFS100")
    assert d.line == 10
    assert d.message == "expected '~ elif', '~ else' or '~ end', found end of file"


def test_ifs100_other_shapes(tmp_path):
    diags = check(tmp_path, """\
=== start: Start
{unclosed
* [Go] -> end
=== a: A
* Go -> end
=== b: B
* [Go] -> End
=== c: C
* continue c
@flag x: float = 1
""" + END)
    assert [(at(d), d.message) for d in of(diags, "IFS100")] == [
        ((6, 10), "expected '}', found end of line"),
        ((9, 3), "expected '(', '[', 'canon', 'continue' or 'fallback' after the choice marker, found text 'Go -> end'"),
        ((11, 11), "expected a scene id, found text 'End'"),
        ((13, 12), "expected '->' after 'continue', found text 'c'"),
    ]


def test_ifs100_nesting_too_deep_is_refused_not_a_crash(tmp_path):
    depth_expr = "-" * (2 * MAX_DEPTH) + "1"
    chain = " + ".join(["1"] * 3000)
    inline = "{if true: " * 300 + "x" + "}" * 300
    blocks = "~ if true\n" * 600 + "x\n" + "~ end\n" * 600
    diags = check(tmp_path, f"""\
@flag n: int = 0 "N"
=== start: Start
~ n = {depth_expr}
~ n = {chain}
{inline}
* [Go] -> deep
=== deep: Deep
{blocks}* [Go] -> end
""" + END)
    syntax = of(diags, "IFS100")
    assert [d.line for d in syntax] == [7, 12 + MAX_DEPTH - 3]  # one per section, the first problem in it
    assert syntax[0].col == 7 + MAX_DEPTH - 3  # the '-' that is one level too deep
    assert all(d.message.startswith(f"this is nested too deeply: more than {MAX_DEPTH} levels") for d in syntax)


def test_deep_but_reasonable_nesting_is_fine(tmp_path):
    blocks = "~ if true\n" * 40 + "x\n" + "~ end\n" * 40
    chain = " + ".join(["1"] * 50)
    assert check(tmp_path, f"""\
@flag n: int = 0 "N"
=== start: Start
~ n = {chain}
{blocks}{{if true: {{if true: {{if true: deep}}}}}}
* [Go] -> end
""" + END) == []


# ---- IFS101 unreadable files ----------------------------------------------------------


def test_ifs101_binary_file(tmp_path):
    data = HEADER.encode() + b"=== start: \0Start\n"
    write(tmp_path, data)
    (d,) = load(tmp_path).diagnostics
    assert (d.code, at(d), d.severity) == ("IFS101", (5, 12), Severity.ERROR)
    offset = data.index(b"\0")
    assert offset == 69
    assert d.message == f"this is a binary file, not a story script (a NUL byte at byte {offset})"


def test_ifs101_invalid_utf8_names_the_byte_offset(tmp_path):
    data = HEADER.encode() + b"=== start: Caf\xe9\n"
    write(tmp_path, data)
    (d,) = load(tmp_path).diagnostics
    assert (d.code, at(d)) == ("IFS101", (5, 15))
    offset = data.index(b"\xe9")
    assert offset == 72
    assert d.message == f"the file is not valid UTF-8: byte 0xe9 at byte offset {offset}"


def test_ifs101_columns_count_characters_not_bytes(tmp_path):
    write(tmp_path, HEADER.encode() + "=== start: Café ".encode() + b"\xff\n")
    (d,) = load(tmp_path).diagnostics
    assert (d.code, at(d)) == ("IFS101", (5, 17))  # 'é' is two bytes but one column
    assert d.message.endswith(f"byte 0xff at byte offset {len(HEADER) + 17}")
    write(tmp_path, HEADER.encode() + "=== start: 日本\0\n".encode())
    (d,) = load(tmp_path).diagnostics
    assert (d.code, at(d)) == ("IFS101", (5, 14))


def test_ifs101_missing_path(tmp_path):
    loaded = load(tmp_path / "nope")
    assert loaded.story is None and not loaded.ok
    (d,) = loaded.diagnostics
    assert (d.code, at(d), d.message) == ("IFS101", (1, 1), "no such file or folder")
    assert d.file == name(tmp_path, "nope")


def test_ifs101_folder_without_scripts(tmp_path):
    write(tmp_path, "not a script", "notes.txt")
    loaded = load(tmp_path)
    (d,) = loaded.diagnostics
    assert (d.code, at(d), d.message) == ("IFS101", (1, 1), "no .ifs files in this folder")


def test_ifs101_missing_include(tmp_path):
    diags = check(tmp_path, '@include "branches/nope.ifs"\n=== start: Start\n* [Go] -> end\n' + END)
    d = one(diags, "IFS101")
    assert at(d) == (5, 10)
    assert d.message == '@include "branches/nope.ifs": no such file'


def test_unreadable_file_does_not_cascade_into_graph_warnings(tmp_path):
    write(tmp_path, HEADER + "=== start: Start\n* [Go] -> middle\n", "a.ifs")
    write(tmp_path, b"=== middle: Middle\n\0\n* [Go] -> end\n", "b.ifs")
    write(tmp_path, END, "c.ifs")
    diags = load(tmp_path).diagnostics
    # 'middle' is unknown (its file is unreadable), but 'end' is not reported unreachable because of it
    assert sorted(codes(diags)) == ["IFS101", "IFS120"]


# ---- IFS102 line too long --------------------------------------------------------------


def test_ifs102_line_too_long(tmp_path):
    diags = check(tmp_path, "=== start: Start\n" + "x" * 100_001 + "\n* [Go] -> end\n" + END)
    (d,) = diags
    assert (d.code, at(d)) == ("IFS102", (6, 1))
    assert d.message == "line 6 is 100,001 characters long; the limit is 100,000"


def test_line_at_the_limit_is_fine(tmp_path):
    assert check(tmp_path, "=== start: Start\n" + "x" * 100_000 + "\n* [Go] -> end\n" + END) == []


# ---- IFS103 outside the folder ----------------------------------------------------------


def test_ifs103_include_outside_the_folder(tmp_path):
    write(tmp_path, "=== extra: Extra\n* [Go] -> end\n", "outside.ifs")
    story = tmp_path / "story"
    diags = check(story, '@include "../outside.ifs"\n=== start: Start\n* [Go] -> end\n' + END)
    d = one(diags, "IFS103")
    assert at(d) == (5, 10) and d.file == name(story)
    assert d.message.startswith('@include "../outside.ifs" lies outside the story folder')
    assert codes(diags) == ["IFS103"]


def test_ifs103_symlink_out_of_the_folder(tmp_path):
    outside = write(tmp_path, "=== extra: Extra\n* [Go] -> end\n", "outside.ifs")
    story = tmp_path / "story"
    write(story, HEADER + "=== start: Start\n* [Go] -> end\n" + END)
    try:
        (story / "link.ifs").symlink_to(outside)
    except OSError:
        pytest.skip("symlinks not available")
    diags = load(story).diagnostics
    d = one(diags, "IFS103")
    assert at(d) == (1, 1) and d.file == name(story, "link.ifs")
    assert d.message.startswith("this file lies outside the story folder")


# ---- IFS110 / IFS111 header ----------------------------------------------------------


def test_ifs110_no_header(tmp_path):
    diags = check(tmp_path, "=== start: Start\n* [Go] -> end\n" + END, header="")
    d = one(diags, "IFS110")
    assert at(d) == (1, 1) and d.file == name(tmp_path)
    assert d.message == ("the story header is incomplete: @story, @title, @role and @start are missing "
                         "(one file must give them)")


def test_ifs110_one_field_missing(tmp_path):
    diags = check(tmp_path, "=== start: Start\n* [Go] -> end\n" + END, header=HEADER.replace("@role Ana: A tester.\n", ""))
    assert one(diags, "IFS110").message == "the story header is incomplete: @role is missing (one file must give them)"


def test_ifs110_empty_file(tmp_path):
    write(tmp_path, "")
    (d,) = load(tmp_path).diagnostics
    assert (d.code, at(d)) == ("IFS110", (1, 1))


def test_ifs110_header_twice(tmp_path):
    diags = check(tmp_path, "@title Again\n=== start: Start\n* [Go] -> end\n" + END)
    d = one(diags, "IFS110")
    assert at(d) == (5, 8)
    assert d.message == f"@title is given twice (first at {name(tmp_path)}:2:8)"


def test_ifs110_header_twice_across_files(tmp_path):
    write(tmp_path, HEADER + "=== start: Start\n* [Go] -> end\n" + END, "a.ifs")
    write(tmp_path, "\n@story other\n", "b.ifs")
    d = one(load(tmp_path).diagnostics, "IFS110")
    assert (d.file, at(d)) == (name(tmp_path, "b.ifs"), (2, 8))
    assert d.message == f"@story is given twice (first at {name(tmp_path, 'a.ifs')}:1:8)"


def test_ifs111_start_scene_missing(tmp_path):
    diags = check(tmp_path, "=== begin: Start\n* [Go] -> end\n" + END)
    d = one(diags, "IFS111")
    assert at(d) == (4, 8)
    assert d.message == "@start names scene 'start', which does not exist"


# ---- IFS120-IFS124 references ----------------------------------------------------------


def test_ifs120_unknown_target_with_hint(tmp_path):
    diags = check(tmp_path, "=== start: Start\nHello.\n* [Go] -> ned\n" + END)
    d = one(diags, "IFS120")
    assert at(d) == (7, 11)
    assert d.message == "choice goes to 'ned', which is not a scene or ending (did you mean 'end'?)"


def test_ifs120_unknown_target_without_hint(tmp_path):
    diags = check(tmp_path, "=== start: Start\n* canon [Go] -> end\n  * [Fly] -> xyzzy-qwv\n" + END)
    d = one(diags, "IFS120")
    assert at(d) == (7, 14)
    assert d.message == "choice goes to 'xyzzy-qwv', which is not a scene or ending"


def test_ifs120_not_reported_for_a_scene_with_a_syntax_error(tmp_path):
    diags = check(tmp_path, "=== start: Start\n* [Go] -> broken\n=== broken: Broken\n* [Go] end\n" + END)
    assert codes(diags) == ["IFS100"]


def test_ifs121_duplicate_scene(tmp_path):
    diags = check(tmp_path, "=== start: Start\n* [Go] -> end\n=== start: Again\n* [Go] -> end\n" + END)
    d = one(diags, "IFS121")
    assert at(d) == (7, 5)
    assert d.message == f"scene id 'start' is used twice (first at {name(tmp_path)}:5:5)"


def test_ifs122_duplicate_derived_choice_id(tmp_path):
    diags = check(tmp_path, "=== start: Start\n* canon [Go!] -> end\n* [go] -> start\n" + END)
    d = one(diags, "IFS122")
    assert at(d) == (7, 1)
    assert d.message == (f"choice id 'start.go' is used twice in scene 'start' (first at {name(tmp_path)}:6:1); "
                         "give one an explicit id: * (new-id) [...]")


def test_ifs122_duplicate_explicit_choice_id(tmp_path):
    diags = check(tmp_path, "=== start: Start\n* (a) canon [One] -> end\n  + (a) [Two] -> start\n" + END)
    d = one(diags, "IFS122")
    assert at(d) == (7, 3)
    assert d.message == f"choice id 'start.a' is used twice in scene 'start' (first at {name(tmp_path)}:6:1)"


def test_ifs122_duplicate_through_an_extension(tmp_path):
    write(tmp_path, HEADER + "=== start: Start\n* canon continue -> end\n" + END, "a.ifs")
    write(tmp_path, "=== extend start\n* continue -> start\n", "b.ifs")
    d = one(load(tmp_path).diagnostics, "IFS122")
    assert (d.file, at(d)) == (name(tmp_path, "b.ifs"), (2, 1))
    assert "choice id 'start.continue' is used twice" in d.message


def test_ifs123_extend_unknown_scene(tmp_path):
    diags = check(tmp_path, "=== start: Start\n* [Go] -> end\n=== extend nowhere\n* [Go] -> end\n" + END)
    d = one(diags, "IFS123")
    assert at(d) == (7, 12)
    assert d.message == "extend names scene 'nowhere', which does not exist"


def test_ifs124_unknown_scene_in_history_calls(tmp_path):
    diags = check(tmp_path, "=== start: Start\nBeen {visits(nowhere)} times.\n* [Go] -> end\n"
                            "  ? not seen(elsewhere)\n" + END)
    found = of(diags, "IFS124")
    assert [(at(d), d.message) for d in found] == [
        ((6, 7), "visits() names scene 'nowhere', which does not exist"),
        ((8, 9), "seen() names scene 'elsewhere', which does not exist"),
    ]


# ---- IFS130-IFS135 flags and types --------------------------------------------------------


def test_ifs130_undeclared_flag(tmp_path):
    diags = check(tmp_path, "=== start: Start\n{ghost}\n~ ghost = 1\n* [Go] -> end\n  ? ghost\n" + END)
    found = of(diags, "IFS130")
    assert [at(d) for d in found] == [(6, 2), (7, 1), (9, 5)]
    assert found[0].message == "flag 'ghost' is not declared (declare it with @flag ghost: ...)"


def test_ifs131_duplicate_flag(tmp_path):
    diags = check(tmp_path, '@flag a: bool = false "A"\n@flag a: int = 1\n=== start: Start\n* [Go] -> end\n' + END)
    d = one(diags, "IFS131")
    assert at(d) == (6, 7)
    assert d.message == f"flag 'a' is declared twice (first at {name(tmp_path)}:5:7)"


FLAGS = '@flag n: int = 0 "N"\n@flag b: bool = false "B"\n@flag s: str = "x" "S"\n'


@pytest.mark.parametrize("line,col,fragment", [
    ("~ b = 3", 1, "flag 'b' is a bool; it cannot hold"),
    ('~ n = "x"', 1, "it cannot hold a str"),
    ("~ toggle n", 1, "toggle needs a bool flag, but 'n' is"),
    ("~ b += 1", 1, "'+=' needs an int flag, but 'b' is a bool"),
    ("~ n -= true", 1, "'-=' needs a number, but this is a bool"),
    ("{n and true}", 2, "'and' needs a bool here, but this is"),
    ("{true or s}", 10, "'or' needs a bool here, but this is a str"),
    ('{n == "x"}', 2, "'==' compares a"),
    ("{s < 3}", 2, "'<' compares numbers, but this is a str"),
    ("{3 >= b}", 7, "'>=' compares numbers, but this is a bool"),
    ("{not n}", 6, "'not' needs a bool here"),
    ("{-b}", 3, "but this is a bool"),
    ("{n + b}", 6, "but this is a bool"),
    ('{n * "2"}', 6, "but this is a str"),
    ("{if n: yes}", 5, "an inline 'if' needs a bool here"),
    ("~ if s\nx\n~ end", 6, "'~ if' needs a bool here, but this is a str"),
    ("{roll(b)}", 7, "roll() needs a"),
    ("{chance(s)}", 9, "chance() needs a"),
    ("* [Other] -> end\n  ? n", 5, "a choice condition needs a bool here"),
])
def test_ifs132_type_errors(tmp_path, line, col, fragment):
    diags = check(tmp_path, FLAGS + "=== start: Start\n" + line + "\n* canon [Go] -> end\n" + END)
    d = one(diags, "IFS132")
    assert d.line == 9 + line.count("\n") * ("?" in line)
    assert d.col == col
    assert fragment in d.message
    assert d.severity is Severity.ERROR


def test_ifs132_well_typed_expressions_pass(tmp_path):
    diags = check(tmp_path, FLAGS + """\
=== start: Start
{n + 2 * roll(6) - n / 2} {if not b and (n >= 2 or s == "x") and chance(50): yes | no} {s}
~ n = -n
~ s = "y"
~ toggle b
~ b = n != 3
* canon [Go] -> end
  ? visits(start) > 0 or seen(end) else "Not yet."
""" + END)
    assert diags == []


def test_ifs133_literal_assignment_outside_range(tmp_path):
    diags = check(tmp_path, '@flag r: int 0..10 = 0 "R"\n=== start: Start\n~ r = 11\n~ r = -1\n~ r = 10\n'
                            "~ r += 50\n* [Go] -> end\n" + END)
    found = of(diags, "IFS133")
    assert [(at(d), d.message) for d in found] == [
        ((7, 7), "11 is outside the range of 'r' (0..10)"),
        ((8, 7), "-1 is outside the range of 'r' (0..10)"),
    ]


def test_ifs133_bad_declarations(tmp_path):
    diags = check(tmp_path, """\
@flag d: int 0..10 = 20 "D"
@flag e: int 5..1 = 3 "E"
@flag f: bool 0..1 = false "F"
@flag g: bool = 1 "G"
@flag h: str = true "H"
=== start: Start
* [Go] -> end
""" + END)
    assert [(at(d), d.message) for d in of(diags, "IFS133")] == [
        ((5, 7), "the default 20 is outside the range 0..10"),
        ((6, 7), "the range of 'e' is empty (5..1)"),
        ((7, 7), "only int flags take a range; 'f' is a bool"),
        ((8, 7), "the default of 'g' is an int, but the flag is a bool"),
        ((9, 7), "the default of 'h' is a bool, but the flag is a str"),
    ]


def test_ifs133_random_call_arguments(tmp_path):
    diags = check(tmp_path, "=== start: Start\n{roll(0)} {roll(1)} {chance(101)} {chance(0)} {chance(-1)}\n"
                            "* [Go] -> end\n" + END)
    assert [(at(d), d.message) for d in of(diags, "IFS133")] == [
        ((6, 7), "roll() takes a number at least 1, not 0"),
        ((6, 29), "chance() takes a number from 0 to 100, not 101"),
        ((6, 55), "chance() takes a number from 0 to 100, not -1"),
    ]


def test_ifs134_unknown_ending_kind(tmp_path):
    diags = check(tmp_path, "=== start: Start\n* canon [Go] -> end\n* [Other] -> odd\n* [Third] -> none\n"
                            "=== ending odd (Canon): Odd\n=== ending none: None\n" + END)
    assert [(at(d), d.message) for d in of(diags, "IFS134")] == [
        ((9, 12), "ending 'odd' has 'Canon'; give one of canon, alternate, death: === ending odd (canon): ..."),
        ((10, 12), "ending 'none' has no kind; give one of canon, alternate, death: === ending none (canon): ..."),
    ]


def test_ifs135_division_by_literal_zero(tmp_path):
    diags = check(tmp_path, '@flag n: int = 4 "N"\n=== start: Start\n~ n = n / 0\n{n / (2 - 2)} {n / 1}\n'
                            "* [Go] -> end\n" + END)
    d = one(diags, "IFS135")
    assert (at(d), d.message, d.severity) == ((7, 11), "division by zero", Severity.ERROR)


def test_ifs135_not_reported_for_false(tmp_path):
    """`n / false` is a type error, not a division by zero (False == 0 in Python)."""
    diags = check(tmp_path, '@flag n: int = 4 "N"\n=== start: Start\n{n / false}\n* [Go] -> end\n' + END)
    assert codes(diags) == ["IFS132"]


# ---- IFS140-IFS142 scene shapes --------------------------------------------------------------


def test_ifs140_scene_with_no_way_out(tmp_path):
    diags = check(tmp_path, "=== start: Start\n* canon [Go] -> end\n* [Look] -> stuck\n* [Drop] -> pov\n"
                            "=== stuck: Stuck\nNothing here.\n=== interlude pov (Reem): Reem\n" + END)
    assert [(at(d), d.message) for d in of(diags, "IFS140")] == [
        ((9, 5), "scene 'stuck' has no way out: give it a choice, or make it an ending"),
        ((11, 15), "scene 'pov' has no way out: give it a choice, or make it an ending"),
    ]


def test_ifs141_ending_with_choices(tmp_path):
    diags = check(tmp_path, "=== start: Start\n* [Go] -> end\n=== ending end (canon): End\n  + [Again] -> start\n")
    d = one(diags, "IFS141")
    assert at(d) == (8, 3)
    assert d.message == "ending 'end' cannot have choices: the story stops there"


def test_ifs142_cycle_of_automatic_steps(tmp_path):
    diags = check(tmp_path, """\
=== start: Start
* canon [End] -> end
* [Loop] -> loop-b
* [Spin] -> spin
* [Out] -> way-out
=== loop-b: B
* continue -> loop-a
=== loop-a: A
* fallback -> loop-b
=== spin: Spin
* fallback -> spin
=== way-out: Not a trap
* continue -> way-out
* fallback -> end
""" + END)
    assert [(at(d), d.message) for d in of(diags, "IFS142")] == [
        ((10, 5), "these scenes only continue into each other and never let the player out: loop-a, loop-b"),
        ((14, 5), "these scenes only continue into each other and never let the player out: spin"),
    ]


# ---- IFS150 the canon path ---------------------------------------------------------------


def test_ifs150_no_canon_choice_among_several(tmp_path):
    diags = check(tmp_path, "=== start: Start\n* [A] -> end\n* [B] -> end\n" + END)
    d = one(diags, "IFS150")
    assert at(d) == (5, 5)
    assert d.message == "scene 'start' is on the canon path, but none of its 2 choices is marked canon"


def test_ifs150_two_canon_choices(tmp_path):
    diags = check(tmp_path, "=== start: Start\n* canon [A] -> end\n* [B] -> end\n* (c) canon [C] -> end\n" + END)
    d = one(diags, "IFS150")
    assert at(d) == (8, 1)
    assert d.message == "scene 'start' has 2 canon choices; the canon path needs exactly one"


def test_ifs150_canon_path_reaches_a_non_canon_ending(tmp_path):
    diags = check(tmp_path, "=== start: Start\n* continue -> middle\n=== middle: Middle\n* canon [Die] -> dead\n"
                            "* [Live] -> end\n=== ending dead (death): Dead\n" + END)
    d = one(diags, "IFS150")
    assert at(d) == (10, 12)
    assert d.message == "the canon path ends at ending 'dead', which is not marked (canon)"


def test_ifs150_canon_loop(tmp_path):
    diags = check(tmp_path, "=== start: Start\n* canon [On] -> middle\n* [Stop] -> end\n"
                            "=== middle: Middle\n* [Back] -> start\n" + END)
    d = one(diags, "IFS150")
    assert at(d) == (5, 5)
    assert d.message == ("the canon path comes back to scene 'start' and never reaches an ending "
                         "(path: start -> middle -> start)")


def test_ifs150_extension_choices_count(tmp_path):
    """An extension adds a choice to a single-choice scene: the canon path now needs a mark."""
    write(tmp_path, HEADER + "=== start: Start\n* [Go] -> end\n" + END, "a.ifs")
    write(tmp_path, "=== extend start\n* [Other] -> end\n", "b.ifs")
    d = one(load(tmp_path).diagnostics, "IFS150")
    assert (d.file, at(d)) == (name(tmp_path, "a.ifs"), (5, 5))


# ---- IFS200 / IFS201 warnings -------------------------------------------------------------


def test_ifs200_unreachable_scene_is_a_warning(tmp_path):
    loaded_diags = check(tmp_path, "=== start: Start\n* [Go] -> end\n=== lost: Lost\n* [Go] -> gone\n"
                                   "=== ending gone (alternate): Gone\n" + END)
    found = of(loaded_diags, "IFS200")
    assert [(at(d), d.severity, d.message) for d in found] == [
        ((7, 5), Severity.WARNING, "scene 'lost' can never be reached: no choice leads to it from the start"),
        ((9, 12), Severity.WARNING, "ending 'gone' can never be reached: no choice leads to it from the start"),
    ]
    assert codes(loaded_diags) == ["IFS200", "IFS200"]
    assert load(tmp_path).ok  # warnings only: the story is playable


def test_ifs200_not_reported_when_a_scene_failed_to_parse(tmp_path):
    diags = check(tmp_path, "=== start: Start\n* [Go] -> middle\n=== middle: Middle\n* [Go] end\n" + END)
    assert codes(diags) == ["IFS100"]


def test_ifs201_flag_never_read(tmp_path):
    diags = check(tmp_path, """\
@flag unused: bool = false
@flag shown: int = 0 "Shown"
@flag read: bool = false
@flag written: int = 0
=== start: Start
~ written = 2
~ toggle unused
* [Go] -> end
  ? not read
""" + END)
    assert [(at(d), d.severity, d.message) for d in diags] == [
        ((5, 7), Severity.WARNING, "flag 'unused' is declared but never read (no condition or text uses it)"),
        ((8, 7), Severity.WARNING, "flag 'written' is declared but never read (no condition or text uses it)"),
    ]


# ---- the codes table -------------------------------------------------------------------------

# Codes in CODES that no code path emits yet (reported to the lead rather than tested).
NOT_EMITTED: set[str] = set()


def test_every_emitted_code_is_in_the_table_and_every_other_code_is_emitted():
    emitted = set()
    for module in ("parser", "build", "loader", "check", "source", "diagnostics", "errors", "saves",
                   "editor/settings", "editor/checks", "editor/spelling"):
        text = (ROOT / "ifengine" / f"{module}.py").read_text(encoding="utf-8")
        if module == "diagnostics":
            text = text[: text.index("CODES")]
        emitted |= set(re.findall(r'"(IFS\d{3})"', text))
    assert emitted <= set(CODES)
    assert emitted == set(CODES) - NOT_EMITTED


def test_codes_are_errors_below_200_and_warnings_from_200(tmp_path):
    diags = check(tmp_path, "@flag unused: bool = false\n=== start: Start\n* [Go] -> end\n=== lost: Lost\n"
                            "* [Go] -> nowhere\n" + END)
    for d in diags:
        assert d.code in CODES
        assert d.severity is (Severity.WARNING if int(d.code[3:]) >= 200 else Severity.ERROR)
    assert sorted(codes(diags)) == ["IFS120", "IFS200", "IFS201"]


# ---- hints for common misplacements ----------------------------------------------------


def test_ifs100_block_under_a_choice_says_where_blocks_belong(tmp_path):
    diags = check(tmp_path, "=== start: Start\nHi.\n* [Go] -> end\n  ~ end\n" + END)
    d = one(diags, "IFS100")
    assert at(d) == (8, 3)
    assert d.message.startswith("'~ end' lines belong in a scene's body or a choice's response, after a '~ if'")


def test_prose_after_a_choice_is_its_response(tmp_path):
    """Prose after a choice was a syntax error; it is now the choice's response, shown when it is taken."""
    diags = check(tmp_path, "=== start: Start\nHi.\n* [Go] -> end\nAn afterthought.\n" + END)
    assert not of(diags, "IFS100")


def test_ifs100_missing_expression_says_expression(tmp_path):
    diags = check(tmp_path, "@flag n: int = 0\n=== start: Start\n~ n = \n* [Go] -> end\n" + END)
    assert one(diags, "IFS100").message == "expected an expression, found end of line"


def test_ifs136_reserved_word_as_flag_name(tmp_path):
    diags = check(tmp_path, "@flag seen: bool = false\n=== start: Start\nHi.\n* [Go] -> end\n" + END)
    d = one(diags, "IFS136")
    assert at(d) == (5, 7) and d.severity is Severity.ERROR
    assert "'seen' is a word of the language" in d.message


def test_ifs150_canon_choice_hidden_when_the_canon_path_reaches_it(tmp_path):
    diags = check(tmp_path, """\
@flag lit: bool = false
=== start: Start
Hi.
* canon [Go] -> mid
* [Light the lamp] -> mid
  ~ lit = true
=== mid: Mid
* canon [On] -> end
  ? lit
* [Back] -> start
""" + END)
    d = one(diags, "IFS150")
    assert at(d) == (12, 1)
    assert "canon choice is hidden by its condition there" in d.message


def test_ifs150_canon_path_runtime_fault(tmp_path):
    diags = check(tmp_path, """\
@flag n: int = 0
=== start: Start
Hi {10 / n}.
* [Go] -> end
""" + END)
    d = one(diags, "IFS150")
    assert at(d) == (7, 5)
    assert "division by zero" in d.message


def test_ifs150_a_canon_fallback_beside_open_choices_says_it_is_a_fallback(tmp_path):
    """Issue 15, point 12: a `canon fallback` next to other choices is never taken (a fallback is taken only
    when nothing else is open); the message says so, not that a condition hides it (it has none)."""
    diags = check(tmp_path, "=== start: Start\nHi.\n* [Go] -> end\n* canon fallback -> end\n" + END)
    d = one(diags, "IFS150")
    assert "condition" not in d.message
    assert d.message == ("the canon path reaches scene 'start' but its canon choice is a fallback, which is "
                         "taken only when no other choice is open, and other choices are open there "
                         "(played with seed 0)")


def test_a_long_flat_sum_is_not_nested_too_deeply(tmp_path):
    """Issue 15, point 11: `{1+1+...+1}` with 100 terms (and 1,000) is flat, not deep: it checks clean and
    plays to the right value, as do long products and `and`/`or` chains."""
    from ifengine.loader import load_text
    from ifengine.runtime import Session

    for n in (100, 1000):
        total = "+".join(["1"] * n)
        product = "*".join(["1"] * n)
        every = " and ".join(["true"] * n)
        loaded = load_text(HEADER + f"@flag x: int = 0\n=== start: Start\nSum {{{total}}}, {{{product}}}.\n"
                           f"~ x = {total}\n{{if {every}: all}}\n* [Go] -> end\n" + END)
        assert [d for d in loaded.diagnostics if d.is_error] == []
        view = Session(loaded.story, 0).view()
        assert view.paragraphs[0] == f"Sum {n}, 1." and view.paragraphs[1] == "all"
