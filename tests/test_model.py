"""The builder's semantics, seen through `ifengine.load()`: what a script means as a model."""
from __future__ import annotations

from pathlib import Path

import pytest

from ifengine import load
from ifengine.model import (
    Binary, ChoiceKind, Conditional, Effect, FlagRef, InlineIf, Interp, Literal, Paragraph, RandomCall,
    SceneCall, SceneKind, Type, Unary,
)

HEADER = """\
@story demo
@title Demo
@role Ana: A tester.
@start start
@flag x: int 0..10 = 3 "X"
@flag lit: bool = false "Lit"
@flag name: str = "Echo Two" "Name"
"""
END = "\n=== ending end (canon): The End\nBye.\n"


def write(folder: Path, text: str, name: str = "story.ifs") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def story_of(tmp_path: Path, text: str, allow: tuple[str, ...] = ()):
    """Load a script (header prepended) and return its story; the script must have no errors
    (but those with codes in `allow`)."""
    write(tmp_path, HEADER + text)
    loaded = load(tmp_path)
    errors = [str(d) for d in loaded.diagnostics if d.is_error and d.code not in allow]
    assert errors == []
    assert loaded.story is not None
    return loaded.story


def scene_of(tmp_path: Path, text: str, sid: str = "start", allow: tuple[str, ...] = ()):
    return story_of(tmp_path, text, allow).scenes[sid]


def texts(body) -> list[tuple]:
    return [p.text for p in body if isinstance(p, Paragraph)]


# ---- paragraphs and inline text -------------------------------------------------


def test_paragraphs_join_lines_and_split_at_blank_lines(tmp_path):
    scene = scene_of(tmp_path, """
=== start: Start
First line
   second line, indented.

Second paragraph.
\t
Third, after a line of only spaces and tabs.
// a comment line does not split a paragraph
still the third.


Fourth, after two blank lines.
* continue -> end
""" + END)
    assert texts(scene.body) == [
        ("First line second line, indented.",),
        ("Second paragraph.",),
        ("Third, after a line of only spaces and tabs. still the third.",),
        ("Fourth, after two blank lines.",),
    ]
    assert [p.span.line for p in scene.body] == [10, 13, 15, 20]


def test_effect_between_prose_lines_splits_paragraphs(tmp_path):
    scene = scene_of(tmp_path, """
=== start: Start
Before.
~ x += 1
After.
* continue -> end
""" + END)
    assert [type(item).__name__ for item in scene.body] == ["Paragraph", "Effect", "Paragraph"]
    assert texts(scene.body) == [("Before.",), ("After.",)]


def test_spaces_around_interpolation_are_kept(tmp_path):
    scene = scene_of(tmp_path, """
=== start: Start
You see {x} here.
* continue -> end
""" + END)
    (para,) = scene.body
    assert len(para.text) == 3
    before, interp, after = para.text
    assert before == "You see "
    assert isinstance(interp, Interp) and interp.expr == FlagRef("x", interp.expr.span)
    assert after == " here."
    assert (interp.span.line, interp.span.col) == (10, 9)
    assert (interp.expr.span.line, interp.expr.span.col) == (10, 10)


def test_spacing_between_pieces_is_exact(tmp_path):
    scene = scene_of(tmp_path, """
=== start: Start
{x}{x}  {name}\t{x} tail
{x} starts, ends {x}
* continue -> end
""" + END)
    (para,) = scene.body
    shape = [p if isinstance(p, str) else type(p).__name__ for p in para.text]
    assert shape == ["Interp", "Interp", "  ", "Interp", "\t", "Interp", " tail ", "Interp", " starts, ends ", "Interp"]


def test_inline_if_keeps_surrounding_spaces_and_trims_branches(tmp_path):
    scene = scene_of(tmp_path, """
=== start: Start
It is {if lit: bright | dark} now.
Kuim counts them off{if lit:, favouring his arm}.
{if x > 2:   many {name}  |  few  } left
* continue -> end
""" + END)
    (para,) = scene.body
    parts = para.text
    assert parts[0] == "It is "
    first = parts[1]
    assert isinstance(first, InlineIf)
    assert first.cond == FlagRef("lit", first.cond.span)
    assert first.then == ("bright",) and first.otherwise == ("dark",)
    assert parts[2] == " now. Kuim counts them off"
    second = parts[3]
    assert isinstance(second, InlineIf)
    assert second.then == (", favouring his arm",) and second.otherwise == ()
    assert parts[4] == ". "
    third = parts[5]
    assert isinstance(third, InlineIf) and isinstance(third.cond, Binary) and third.cond.op == ">"
    assert third.then[0] == "many " and isinstance(third.then[1], Interp) and len(third.then) == 2
    assert third.otherwise == ("few",)
    assert parts[6:] == (" left",)


def test_nested_inline_if(tmp_path):
    scene = scene_of(tmp_path, """
=== start: Start
{if lit: a {if x > 1: b | c} d | e}
* continue -> end
""" + END)
    (para,) = scene.body
    (outer,) = para.text
    assert isinstance(outer, InlineIf)
    assert outer.then[0] == "a " and isinstance(outer.then[1], InlineIf) and outer.then[2] == " d"
    assert outer.then[1].then == ("b",) and outer.then[1].otherwise == ("c",)
    assert outer.otherwise == ("e",)


def test_escapes(tmp_path):
    scene = scene_of(tmp_path, r"""
=== start: Start
\* An escaped asterisk, \{braces\} and https:\/\/example.org.
\=== not a header, \@ \~ \? \+ and a backslash \\ and a bar \|.
* [Say \[hi\] \{x\}] -> end
""" + END)
    (para,) = scene.body
    assert para.text == (
        "* An escaped asterisk, {braces} and https://example.org. "
        "=== not a header, @ ~ ? + and a backslash \\ and a bar |.",
    )
    (choice,) = scene.choices
    assert choice.label == ("Say [hi] {x}",)


def test_comments_are_stripped(tmp_path):
    story = story_of(tmp_path, """
// a comment before the first scene
=== start: Start  // a comment after the header
Prose. // a trailing comment
// a whole-line comment
More prose.//no space before it
* [Go] -> end // after a choice
  ? lit else "Not // a comment inside a string" // but this is
  ~ x = 1 // after an effect
""" + END, allow=("IFS150",))  # the one canon choice is disabled at the start: not what this test is about
    scene = story.scenes["start"]
    assert scene.title == "Start"
    assert texts(scene.body) == [("Prose. More prose.",)]
    (choice,) = scene.choices
    assert choice.label == ("Go",) and choice.target == "end"
    assert choice.conditions[0].reason == "Not // a comment inside a string"
    assert choice.effects[0].value == Literal(1, choice.effects[0].value.span)


def test_header_fields(tmp_path):
    story = story_of(tmp_path, """
@blurb New Year, 790 P.D. Peace is coming.
=== start: New Year, 790 P.D.
* continue -> end
""" + END)
    assert (story.id, story.title, story.start) == ("demo", "Demo", "start")
    assert (story.role.name, story.role.line) == ("Ana", "A tester.")
    assert story.blurb == "New Year, 790 P.D. Peace is coming."
    assert story.scenes["start"].title == "New Year, 790 P.D."


# ---- flags ----------------------------------------------------------------------


def test_flag_declarations(tmp_path):
    story = story_of(tmp_path, """
@flag morale: int -5..5 = -1 "Morale"
@flag plain: int = 0 "Plain"
=== start: Start
{morale}{plain}
* continue -> end
""" + END)
    morale, plain = story.flags["morale"], story.flags["plain"]
    assert (morale.type, morale.default, morale.low, morale.high, morale.label) == (Type.INT, -1, -5, 5, "Morale")
    assert (plain.low, plain.high) == (None, None)
    assert story.flags["lit"].default is False and story.flags["lit"].type is Type.BOOL
    assert story.flags["name"].default == "Echo Two" and story.flags["name"].type is Type.STR
    assert morale.clamp(9) == 5 and morale.clamp(-9) == -5 and morale.clamp(2) == 2
    assert (morale.span.line, morale.span.col) == (9, 7)


# ---- choices --------------------------------------------------------------------


def test_derived_and_explicit_choice_ids(tmp_path):
    scene = scene_of(tmp_path, """
=== start: Start
* [Go to the Kitchen!] -> end
* (chase) [Chase the shape] -> end
* [Radio HICOMM ({x} left)] -> end
* [{x}] -> end
* [Don't -- STOP: 100%!] -> end
* continue -> end
* fallback -> end
* canon [A very long label that goes on and on well past the forty-eight character cut] -> end
""" + END)
    assert [c.id for c in scene.choices] == [
        "start.go-to-the-kitchen",
        "start.chase",
        "start.radio-hicomm-left",
        "start.choice",
        "start.don-t-stop-100",
        "start.continue",
        "start.fallback",
        "start.a-very-long-label-that-goes-on-and-on-well-past",
    ]
    assert [c.explicit_id for c in scene.choices] == [False, True, False, False, False, False, False, False]
    assert [c.local_id for c in scene.choices][:2] == ["go-to-the-kitchen", "chase"]
    kinds = [c.kind for c in scene.choices]
    assert kinds[5:7] == [ChoiceKind.CONTINUE, ChoiceKind.FALLBACK]
    assert all(k is ChoiceKind.LABELLED for k in kinds[:5])
    assert scene.choices[5].label == ("Continue",)
    assert scene.choices[6].label == ()


def test_choice_label_with_interpolation(tmp_path):
    scene = scene_of(tmp_path, """
=== start: Start
* [Radio HICOMM ({x} left)] -> end
""" + END)
    (choice,) = scene.choices
    assert choice.label[0] == "Radio HICOMM (" and isinstance(choice.label[1], Interp) and choice.label[2] == " left)"


def test_sticky_canon_and_spans(tmp_path):
    story = story_of(tmp_path, """
=== start: Start
* [Once] -> end
+ [Sticky] -> start
* (accept) canon [Accept] -> end
+canon[Compact]->start
  * (x2) canon continue -> end
""" + END, allow=("IFS150",))  # three canon choices: the model keeps them, the checker objects
    scene = story.scenes["start"]
    once, sticky, accept, compact, cont = scene.choices
    assert [c.sticky for c in scene.choices] == [False, True, False, True, False]
    assert [c.canon for c in scene.choices] == [False, False, True, True, True]
    assert accept.id == "start.accept"
    assert compact.label == ("Compact",) and compact.target == "start"
    assert cont.id == "start.x2" and cont.kind is ChoiceKind.CONTINUE
    assert (once.span.line, once.span.col) == (10, 1)
    assert (once.target_span.line, once.target_span.col) == (10, 13)
    assert (cont.span.line, cont.span.col) == (14, 3)


def test_conditions_with_and_without_reasons(tmp_path):
    scene = scene_of(tmp_path, r"""
=== start: Start
* [Go] -> end
  ? lit
  ? x > 1 else "Too \"few\""
    ? visits(start) >= 2 and not seen(end) else "Later."
""" + END, allow=("IFS150",))  # the canon path cannot pass these conditions: not what this test is about
    (choice,) = scene.choices
    first, second, third = choice.conditions
    assert first.reason is None and first.expr == FlagRef("lit", first.expr.span)
    assert second.reason == 'Too "few"'
    assert isinstance(second.expr, Binary) and second.expr.op == ">"
    assert second.expr.left == FlagRef("x", second.expr.left.span)
    assert second.expr.right == Literal(1, second.expr.right.span)
    assert third.reason == "Later."
    assert isinstance(third.expr, Binary) and third.expr.op == "and"
    assert isinstance(third.expr.left, Binary) and isinstance(third.expr.left.left, SceneCall)
    assert third.expr.left.left.func == "visits" and third.expr.left.left.scene == "start"
    assert isinstance(third.expr.right, Unary) and third.expr.right.op == "not"
    assert isinstance(third.expr.right.operand, SceneCall) and third.expr.right.operand.func == "seen"
    assert [(c.span.line, c.span.col) for c in choice.conditions] == [(11, 3), (12, 3), (13, 5)]


def test_effects(tmp_path):
    scene = scene_of(tmp_path, """@flag n: int = 0 "N"
=== start: Start
~ x = 4
~ x += 2
~ x -= 1
~ toggle lit
~ n = -3
~ name = "Alpha"
* [Go] -> end
  ~ x = x + roll(6) * 2
  ~ toggle lit
""" + END)
    effects = [e for e in scene.body if isinstance(e, Effect)]
    assert [(e.op, e.flag) for e in effects] == [
        ("set", "x"), ("add", "x"), ("sub", "x"), ("toggle", "lit"), ("set", "n"), ("set", "name")]
    assert [e.value.value if e.value is not None else None for e in effects] == [4, 2, 1, None, -3, "Alpha"]
    assert (effects[0].span.line, effects[0].span.col) == (10, 1)
    assert (effects[4].value.span.line, effects[4].value.span.col) == (14, 7)
    (choice,) = scene.choices
    set_x, toggle = choice.effects
    assert (set_x.op, toggle.op, toggle.value) == ("set", "toggle", None)
    value = set_x.value
    assert isinstance(value, Binary) and value.op == "+"
    assert isinstance(value.right, Binary) and value.right.op == "*"
    assert isinstance(value.right.left, RandomCall) and value.right.left.func == "roll"


def test_arithmetic_is_left_associative(tmp_path):
    scene = scene_of(tmp_path, """
=== start: Start
~ x = 10 - 3 - 2
~ x = 2 * (3 + 4)
~ x = -x
* continue -> end
""" + END)
    a, b, c = (e.value for e in scene.body)
    assert isinstance(a, Binary) and a.op == "-" and isinstance(a.left, Binary)
    assert (a.left.left.value, a.left.right.value, a.right.value) == (10, 3, 2)
    assert isinstance(b, Binary) and b.op == "*" and isinstance(b.right, Binary) and b.right.op == "+"
    assert isinstance(c, Unary) and c.op == "-" and isinstance(c.operand, FlagRef)


def test_conditional_blocks(tmp_path):
    scene = scene_of(tmp_path, """
=== start: Start
~ if lit
Bright.
~ elif x > 5
  ~ if x > 8
  Very.
  ~ end
Fair.
~ else
Dark.
~   end
* continue -> end
""" + END)
    (block,) = scene.body
    assert isinstance(block, Conditional)
    first, second, otherwise = block.branches
    assert first.cond == FlagRef("lit", first.cond.span) and texts(first.body) == [("Bright.",)]
    assert isinstance(second.body[0], Conditional) and texts(second.body) == [("Fair.",)]
    assert otherwise.cond is None and texts(otherwise.body) == [("Dark.",)]
    assert [(b.span.line, b.span.col) for b in block.branches] == [(10, 1), (12, 1), (17, 1)]


# ---- scene kinds ----------------------------------------------------------------


def test_interlude_viewpoint(tmp_path):
    story = story_of(tmp_path, """
=== start: Start
* continue -> the-drop
=== interlude the-drop (Lt. Reem kan'Atay): The Drop
The pod shook.
* continue -> end
""" + END)
    drop = story.scenes["the-drop"]
    assert drop.kind is SceneKind.INTERLUDE
    assert drop.viewpoint == "Lt. Reem kan'Atay"
    assert drop.title == "The Drop"
    assert drop.ending_kind is None and not drop.is_ending
    assert story.scenes["start"].kind is SceneKind.SCENE and story.scenes["start"].viewpoint is None


def test_ending_kinds(tmp_path):
    story = story_of(tmp_path, """
=== start: Start
* canon [Live] -> end
* [Die] -> dead
* [Other] -> other
=== ending dead (death): Dead
=== ending other ( alternate ): Elsewhere
""" + END)
    assert story.scenes["end"].kind is SceneKind.ENDING
    assert story.scenes["end"].ending_kind == "canon"
    assert story.scenes["dead"].ending_kind == "death"
    assert story.scenes["other"].ending_kind == "alternate"
    assert story.scenes["other"].body == ()
    assert sorted(s.id for s in story.endings) == ["dead", "end", "other"]


# ---- several files ----------------------------------------------------------------

BASE = HEADER + """
=== start: Start
* canon [Own one] -> end
* (own2) [Own two] -> end
""" + END


def _ext(local: str) -> str:
    return f"=== extend start\n* ({local}) [From {local}] -> end\n"


@pytest.mark.parametrize("order", [("b_base", "a_ext", "c_ext"), ("c_ext", "a_ext", "b_base"),
                                   ("a_ext", "c_ext", "b_base")])
def test_extend_appends_in_path_order_whatever_the_disk_order(tmp_path, order):
    texts_by_name = {"b_base": BASE, "a_ext": _ext("a"), "c_ext": _ext("c")}
    for name in order:  # creation order varies; directory order follows it on most filesystems
        write(tmp_path, texts_by_name[name], f"{name}.ifs")
    loaded = load(tmp_path)
    assert [d for d in loaded.diagnostics if d.is_error] == []
    assert [c.id for c in loaded.story.scenes["start"].choices] == [
        "start.own-one", "start.own2", "start.a", "start.c"]
    assert [f.source.path.name for f in loaded.story.files] == ["a_ext.ifs", "b_base.ifs", "c_ext.ifs"]


def test_extend_order_in_subfolders(tmp_path):
    write(tmp_path, BASE, "main.ifs")
    write(tmp_path, _ext("z"), "z.ifs")
    write(tmp_path, _ext("deep"), "branches/deep.ifs")
    write(tmp_path, _ext("aa"), "aa.ifs")
    loaded = load(tmp_path)
    assert [c.local_id for c in loaded.story.scenes["start"].choices] == ["own-one", "own2", "aa", "deep", "z"]


def test_same_story_same_digest_whichever_way_it_is_loaded(tmp_path):
    write(tmp_path, BASE.replace("@start start\n", '@start start\n@include "branches/x.ifs"\n'), "main.ifs")
    write(tmp_path, _ext("x"), "branches/x.ifs")
    by_folder = load(tmp_path)
    by_file = load(tmp_path / "main.ifs")
    by_absolute_file = load((tmp_path / "main.ifs").resolve())
    assert by_folder.ok and by_file.ok and by_absolute_file.ok
    assert by_folder.story.digest == by_file.story.digest == by_absolute_file.story.digest
    assert [c.id for c in by_file.story.scenes["start"].choices][-1] == "start.x"


def test_absolute_include_inside_the_folder(tmp_path, monkeypatch):
    """An absolute @include of a file inside the story folder, with the story named by a relative path."""
    folder = tmp_path / "story"
    write(folder, _ext("x"), "branches/x.ifs")
    include = (folder / "branches" / "x.ifs").resolve()
    write(folder, BASE.replace("@start start\n", f'@start start\n@include "{include}"\n'), "main.ifs")
    monkeypatch.chdir(tmp_path)
    loaded = load("story/main.ifs")
    assert loaded.ok, [str(d) for d in loaded.diagnostics]
    assert [c.local_id for c in loaded.story.scenes["start"].choices][-1] == "x"


def test_include_read_once(tmp_path):
    main = BASE.replace("@start start\n", '@start start\n@include "x.ifs"\n@include "./x.ifs"\n')
    write(tmp_path / "story", main, "main.ifs")
    write(tmp_path / "story", _ext("x") + '@include "main.ifs"\n', "x.ifs")
    loaded = load(tmp_path / "story" / "main.ifs")
    assert loaded.ok, [str(d) for d in loaded.diagnostics]
    assert len(loaded.story.files) == 2
    assert [c.local_id for c in loaded.story.scenes["start"].choices] == ["own-one", "own2", "x"]


# ---- line endings and byte-order marks ------------------------------------------------


SCRIPT = HEADER + """
=== start: Start  // comment
You see {x} here,
{if lit: bright | dark}.

New paragraph.
* [Go] -> end
  ? x > 1 else "No."
  ~ x += 1
""" + END


@pytest.mark.parametrize("variant", ["crlf", "cr", "bom", "bom+crlf", "no-final-newline"])
def test_line_endings_and_bom_parse_the_same(tmp_path, monkeypatch, variant):
    encoded = {
        "crlf": SCRIPT.replace("\n", "\r\n").encode(),
        "cr": SCRIPT.replace("\n", "\r").encode(),
        "bom": b"\xef\xbb\xbf" + SCRIPT.encode(),
        "bom+crlf": b"\xef\xbb\xbf" + SCRIPT.replace("\n", "\r\n").encode(),
        "no-final-newline": SCRIPT.rstrip("\n").encode(),
    }[variant]
    (tmp_path / "lf").mkdir()
    (tmp_path / "lf" / "story.ifs").write_bytes(SCRIPT.encode())
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "story.ifs").write_bytes(encoded)
    monkeypatch.chdir(tmp_path / "lf")
    lf = load("story.ifs")
    monkeypatch.chdir(tmp_path / "other")
    other = load("story.ifs")
    assert lf.diagnostics == other.diagnostics == []
    assert lf.story.scenes == other.story.scenes
    assert lf.story.flags == other.story.flags
    assert lf.story.digest == other.story.digest
    assert other.story.files[0].source.text == SCRIPT


# ---- operator precedence (resolved by the builder from a flat chain) -------------------


@pytest.mark.parametrize("source, value", [
    ("1 + 2 * 3", 7),
    ("(1 + 2) * 3", 9),
    ("10 - 3 - 2", 5),          # left-associative
    ("100 / 10 / 5", 2),
    ("-2 * 3 + 10", 4),
    ("7 / 2 * 2", 6),           # / rounds down before *
    ("2 + 3 == 5", True),
    ("not 1 == 2", True),       # not binds looser than ==
    ("not 1 == 1 or 2 > 1", True),
    ("not (1 == 1 or 2 > 1)", False),
    ("1 < 2 and 3 < 2 or true", True),
    ("true or false and false", True),  # and binds tighter than or
    ("not not true", True),
])
def test_operator_precedence(tmp_path, source, value):
    from ifengine.runtime import Session

    typ = "bool" if isinstance(value, bool) else "int"
    default = "false" if typ == "bool" else "0"
    story = story_of(tmp_path, f"""
@flag v: {typ} = {default} "V"
=== start: Start
~ v = {source}
* [Go] -> end
""" + END)
    assert Session(story).flags["v"] == value


def test_chain_tree_shape(tmp_path):
    scene = scene_of(tmp_path, "=== start: Start\n{x + 2 * x > 3 and not lit}\n* [Go] -> end\n" + END)
    (para,) = scene.body
    expr = para.text[0].expr
    assert isinstance(expr, Binary) and expr.op == "and"
    assert isinstance(expr.left, Binary) and expr.left.op == ">"
    assert isinstance(expr.left.left, Binary) and expr.left.left.op == "+"
    assert isinstance(expr.left.left.right, Binary) and expr.left.left.right.op == "*"
    assert isinstance(expr.right, Unary) and expr.right.op == "not"
    assert (expr.span.line, expr.span.col) == (9, 2)


def test_the_makers_build_what_the_classes_build(tmp_path):
    """What reads a model back (the codec, the kept outlines) makes its nodes with `makers.maker`: for every
    node of a real story, the maker given the node's fields makes an equal node, refuses a wrong count as
    the class does, and a class it cannot make so keeps its own constructor."""
    import dataclasses

    from ifengine import makers
    from ifengine.loader import load as load_files

    story = load_files(Path(__file__).resolve().parent.parent / "examples" / "showcase").story
    assert story is not None
    seen: dict[type, int] = {}

    def walk(value: object) -> None:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            cls = type(value)
            fields = [getattr(value, f.name) for f in dataclasses.fields(cls)]
            made = makers.maker(cls)(*fields)
            assert type(made) is cls and made == value
            seen[cls] = seen.get(cls, 0) + 1
            for f in fields:
                walk(f)
        elif isinstance(value, (tuple, list)):
            for x in value:
                walk(x)
        elif isinstance(value, dict):
            for x in value.values():
                walk(x)

    walk(list(story.files))
    assert {"Span", "Choice", "Part", "Scene", "ScriptFile"} <= {c.__name__ for c in seen}
    make_choice = makers.maker(type(next(iter(story.scenes.values())).parts[0].choices[0]))
    with pytest.raises(TypeError):
        make_choice("too", "few")

    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        n: int

        def __post_init__(self) -> None:
            if self.n < 0:
                raise ValueError("negative")

    assert makers.maker(Checked) is Checked
