"""Choice responses and gathers (issue 17, construct 1): a choice may carry lines of its own, shown when it is
taken, and a choice with no target goes on to the scene's next `~ gather`. Tested through the public
surface: `load_text`, `Session`, the CLI, the plain player, the tools and the Textual pilot."""
from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ifengine import load_text
from ifengine.cli import main
from ifengine.diagnostics import Diagnostic
from ifengine.explore import explore_exhaustive
from ifengine.model import Story
from ifengine.runtime import Session
from ifengine.saves import dump_session, load_session
from ifengine.state import GameState
from ifengine.trail import trail_of
from ifengine.transcript import transcript

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "language.md"
HEADER = "@story weave\n@title Weave\n@role You: a traveller.\n@start well\n"

WELL = HEADER + """@flag asked: bool = false
@flag n: int = 0

=== well: The Well
A woman waits by the well.
~ n += 1
* (ask) canon [Ask her name]
  ~ asked = true
"Mara," she says.
~ n += 10
* [Say nothing]
You keep your peace.
~ gather
{if asked: Mara|She} fills your flask. Visits: {visits(well)}, n: {n}.
* continue
~ gather
The road goes on.
* [Go] -> ford #sound: steps

=== ending ford (canon): The Ford
You part at the water.
"""


def story_of(text: str) -> Story:
    loaded = load_text(text)
    assert loaded.story is not None and not [d for d in loaded.diagnostics if d.is_error], loaded.diagnostics
    return loaded.story


def errors(text: str, code: str) -> list[Diagnostic]:
    return [d for d in load_text(text).diagnostics if d.code == code]


# ---- the model --------------------------------------------------------------------------------------------

def test_a_scene_is_parts_and_a_choice_carries_its_response():
    scene = story_of(WELL).scenes["well"]
    assert len(scene.parts) == 3
    assert [c.id for c in scene.parts[0].choices] == ["well.ask", "well.say-nothing"]
    assert [c.id for c in scene.parts[1].choices] == ["well.continue-g1"]  # ids unique across the parts
    assert [c.id for c in scene.parts[2].choices] == ["well.go-g2"]
    ask, nothing = scene.parts[0].choices
    assert ask.target is None and len(ask.effects) == 1  # the `~` line before the prose is a clause
    assert [type(i).__name__ for i in ask.response] == ["Paragraph", "Effect"]
    assert nothing.response[0].text == ("You keep your peace.",)
    assert (scene.parts[1].span.line, scene.parts[1].span.col) == (17, 1)
    assert scene.choices == scene.parts[0].choices + scene.parts[1].choices + scene.parts[2].choices
    assert scene.body == scene.parts[0].body


def test_a_flag_named_gather_is_still_a_flag():
    story = story_of(HEADER + "@flag gather: int = 0\n=== well: W\n~ gather = 2\n* [Go] -> end\n"
                              "  ~ gather += 1\n=== ending end (canon): E\nBye.\n")
    assert len(story.scenes["well"].parts) == 1 and story.scenes["well"].body[0].flag == "gather"


def test_ids_of_existing_choices_are_unchanged():
    """A scene without gathers builds the ids it always did: run files keep replaying."""
    story = story_of(HEADER + "=== well: W\n* canon [Drink deep] -> end\n* continue -> end\n"
                              "=== ending end (canon): E\nBye.\n")
    assert [c.id for c in story.scenes["well"].choices] == ["well.drink-deep", "well.continue"]


# ---- diagnostics ------------------------------------------------------------------------------------------

END = "=== ending end (canon): End\nBye.\n"


def test_ifs170_a_choice_with_no_target_needs_a_gather_after_it():
    (d,) = errors(HEADER + "=== well: W\nHi.\n* canon [Go] -> end\n* [Wait]\nYou wait.\n" + END, "IFS170")
    assert (d.line, d.col) == (8, 1) and d.is_error
    assert d.message == ("choice 'wait' names no target, and no '~ gather' follows it in scene 'well': give it "
                         "'-> scene', or add a gather after the choices")


def test_ifs170_an_extension_adds_to_the_last_part():
    text = HEADER + "=== well: W\n* [Ask]\n~ gather\n* canon [Go] -> end\n" + END + "=== extend well\n* [Sit]\n"
    (d,) = errors(text, "IFS170")
    assert (d.line, d.col) == (12, 1)
    assert "choice 'sit' names no target" in d.message


def test_ifs171_a_gather_no_choice_goes_on_to():
    (d,) = errors(HEADER + "=== well: W\nHi.\n* canon [Go] -> end\n  ~ gather\nLost.\n* [On] -> end\n" + END,
                  "IFS171")
    assert (d.line, d.col) == (8, 3) and d.is_error
    assert d.message == ("this gather in scene 'well' is never reached: no choice before it goes on to it (a "
                         "choice with no '-> target')")


def test_ifs172_a_part_after_a_gather_needs_a_way_out():
    (d,) = errors(HEADER + "=== well: W\nHi.\n* canon [Ask]\nShe answers.\n~ gather\nAnd then nothing.\n" + END,
                  "IFS172")
    assert (d.line, d.col) == (9, 1) and d.is_error
    assert d.message == "the part of scene 'well' after this gather has no way out: give it a choice"


def test_ifs150_the_canon_path_needs_a_canon_choice_in_each_part():
    (d,) = errors(HEADER + "=== well: W\n* canon [Ask]\n~ gather\n* [Go] -> end\n* [Stay] -> end\n" + END,
                  "IFS150")
    assert (d.line, d.col) == (7, 1)
    assert d.message == ("the part of scene 'well' after its gather at line 7 is on the canon path, but none of "
                         "its 2 choices is marked canon")


def test_the_three_codes_are_in_the_reference_table():
    table = DOC.read_text(encoding="utf-8")
    for code in ("IFS170", "IFS171", "IFS172"):
        assert f"| `{code}` | error |" in table


# ---- play -------------------------------------------------------------------------------------------------

def test_the_response_is_shown_first_then_the_gather_and_no_new_visit():
    s = Session(story_of(WELL))
    assert s.view().paragraphs == ("A woman waits by the well.",) and s.part == 0
    view = s.choose("well.ask")
    assert view.response == ('"Mara," she says.',)
    # the opening's `~ n += 1` ran once: going on to a gather is not a visit
    assert view.paragraphs == ("Mara fills your flask. Visits: 1, n: 11.",)
    assert view.part == 1 and s.state.part == 1 and s.visits == {"well": 1}
    assert [c.id for c in view.choices] == ["well.continue-g1"] and view.choices[0].canon
    view = s.choose("well.continue-g1")
    assert view.response == () and view.paragraphs == ("The road goes on.",) and view.part == 2
    view = s.choose("well.go-g2")
    assert view.ending is not None and view.part == 0
    assert s.history[-1].scene_id == "well"


def test_the_other_answer_has_its_own_response():
    s = Session(story_of(WELL))
    view = s.choose("well.say-nothing")
    assert view.response == ("You keep your peace.",)
    assert view.paragraphs == ("She fills your flask. Visits: 1, n: 1.",)


def test_a_response_before_a_target_is_shown_before_the_target_scene():
    story = story_of(HEADER + "=== well: W\n* [Go] -> end\nYou go.\n" + END)
    view = Session(story).choose("well.go")
    assert view.response == ("You go.",) and view.paragraphs == ("Bye.",) and view.ending is not None


def test_a_fallback_goes_on_to_the_gather_with_its_response():
    loaded = load_text(HEADER + "@flag n: int = 0\n=== well: W\n* [Once] -> well\n  ~ n += 1\n* fallback\n"
                                "The well is dry.\n~ gather\nYou leave. {n}\n* [Go] -> end\n" + END)
    assert loaded.story is not None  # (its canon path loops: IFS150, which play does not mind)
    s = Session(loaded.story)
    view = s.choose("well.once")
    # back in the well (a second visit), nothing left but the fallback: the story takes it by itself, shows
    # its response and goes on to the gather, all in the view of this one decision
    assert [(v.part, v.paragraphs) for v in view.passed] == [(0, ())]
    assert view.response == ("The well is dry.",) and view.paragraphs == ("You leave. 1",) and view.part == 1
    assert s.history[-1].auto and s.history[-1].choice_id == "well.fallback" and s.visits == {"well": 2}


def test_undo_fork_and_state_data_keep_the_part():
    s = Session(story_of(WELL))
    s.choose("well.ask")
    other = s.fork()
    other.choose("well.continue-g1")
    assert s.state.part == 1 and other.state.part == 2
    assert s.state.key() != other.state.key()
    data = other.state.to_data()
    assert data["part"] == 2 and GameState.from_data(data) == other.state
    old = dict(data)
    del old["part"]  # state written before gathers existed
    assert GameState.from_data(old).part == 0
    with pytest.raises(ValueError, match="'part' is wrong"):
        GameState.from_data({**data, "part": -1})
    assert other.undo().part == 1 and other.state.part == 1


def test_a_saved_session_in_a_gather_loads_and_replays():
    story = story_of(WELL)
    s = Session(story, 7)
    s.choose("well.ask")
    back = load_session(story, dump_session(s))
    assert back.state == s.state and back.view() == s.view()


def test_trail_and_transcript_show_the_response():
    story = story_of(WELL)
    trail = trail_of(story, 0, ["well.ask", "well.continue-g1"])
    assert trail[1].response == ('"Mara," she says.',)
    md = transcript(story, 0, ["well.ask", "well.continue-g1", "well.go-g2"])
    assert md.count("## The Well") == 1  # no title again after a gather
    assert md.index("> **Ask her name**") < md.index('"Mara," she says.') < md.index("Mara fills your flask.")


# ---- the before and after of the reference --------------------------------------------------------------

def _doc_blocks() -> list[str]:
    return re.findall(r"^```ifs[ \t]*\n(.*?)^```[ \t]*$", DOC.read_text(encoding="utf-8"), re.M | re.S)


def _read(story: Story, labels: list[str]) -> tuple[list[str], list[str], str]:
    """Play by labels, pressing a lone Continue whenever the next label is not offered: the prose read in
    order, the decisions made (labels, no Continue presses) and the ending."""
    s = Session(story)
    prose: list[str] = []
    decisions: list[str] = []

    def read(view) -> None:
        for v in (*view.passed, view):
            prose.extend((*v.response, *v.paragraphs))
    read(s.view())
    todo = list(labels)
    while not s.is_over:
        offered = {c.label: c.id for c in s.view().enabled}
        label = todo[0] if todo and todo[0] in offered else "Continue"
        if todo and label == todo[0]:
            todo.pop(0)
        if label != "Continue":
            decisions.append(label)
        read(s.choose(offered[label]))
    return prose, decisions, s.view().ending.title


HEAD = "@story well\n@title The Well\n@role You: a traveller.\n@start well\n@flag met_mara: bool = false\n\n"


@pytest.mark.parametrize("answer", ["Ask her name", "Say nothing"])
def test_before_and_after_read_the_same(answer):
    before, after = (b for b in _doc_blocks() if b.startswith("=== well: The Well"))
    old, new = story_of(HEAD + before), story_of(HEAD + after)
    assert len(old.scenes) - len(new.scenes) == 3  # the asking, the two answers and the joining: one scene
    assert _read(old, [answer]) == _read(new, [answer])


def test_before_and_after_print_the_same_prose_in_the_plain_player(tmp_path):
    before, after = (b for b in _doc_blocks() if b.startswith("=== well: The Well"))
    outs = []
    for name, block, presses in (("before", before, "1\n1\n1\n"), ("after", after, "1\n1\n")):
        path = tmp_path / f"{name}.ifs"
        path.write_text(HEAD + block, encoding="utf-8")
        out = subprocess.run([sys.executable, "-m", "ifengine", "play", "--plain", str(path)], input=presses,
                             capture_output=True, text=True, cwd=ROOT, timeout=60,
                             env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
        assert out.returncode == 0, out.stderr
        outs.append([line for line in out.stdout.splitlines()
                     if line.strip() and not line.startswith(("==", "  ", ">"))])
    assert outs[0] == outs[1]
    assert outs[1][-1] == "ENDING: canon: The Ford"


# ---- the players ------------------------------------------------------------------------------------------

def _play_plain(tmp_path: Path, presses: str, *flags: str) -> str:
    path = tmp_path / "well.ifs"
    path.write_text(WELL, encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "ifengine", "play", *flags, str(path)], input=presses,
                         capture_output=True, text=True, cwd=ROOT, timeout=60,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_the_plain_player_shows_the_response_and_no_title_after_a_gather(tmp_path):
    out = _play_plain(tmp_path, "1\n1\n1\n", "--plain")
    assert out.count("== The Well ==") == 1
    assert out.index('"Mara," she says.') < out.index("Mara fills your flask.") < out.index("The road goes on.")
    assert "ENDING: canon: The Ford" in out


def test_the_screen_reader_player_reads_the_response_then_the_gather(tmp_path):
    out = _play_plain(tmp_path, "1\n1\n1\n", "--screen-reader")
    assert out.count("Scene: The Well.") == 1
    assert out.index('"Mara," she says.') < out.index("Mara fills your flask.")


async def test_the_textual_player_shows_the_response_first(tmp_path):
    from ifengine.ui.app import Start
    from ifengine.ui.widgets.transcript import SceneText
    from tests.fixtures.ui.support import app, settle

    path = tmp_path / "well.ifs"
    path.write_text(WELL, encoding="utf-8")
    story = story_of(WELL)
    a = app(start=Start(story, path, Session(story, 0)))
    async with a.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        texts = [str(s.render()) for s in a.screen.query(SceneText)]
        assert texts[-1].startswith('"Mara," she says.\n\nMara fills your flask.')
        assert "The Well" not in texts[-1]  # the scene goes on: no title again


# ---- the tools --------------------------------------------------------------------------------------------

def test_check_editor_does_not_call_an_exchange_a_false_choice(tmp_path, capsys):
    path = tmp_path / "well.ifs"
    path.write_text(WELL, encoding="utf-8")
    assert main(["check", "--editor", str(path)]) == 0
    assert "IFS401" not in capsys.readouterr().out


def test_check_editor_still_finds_a_false_choice_after_a_gather(tmp_path, capsys):
    path = tmp_path / "well.ifs"
    path.write_text(HEADER + "=== well: W\n* canon [Ask]\nShe answers.\n~ gather\n* canon [Left] -> end\n"
                             "* [Right] -> end\n" + END, encoding="utf-8")
    main(["check", "--editor", str(path)])
    out = capsys.readouterr().out
    assert f"{path}:8:1: warning: false choice: the 2 options of scene 'well' after its gather at line 8" in out


def test_stats_count_responses_gathers_and_their_words(tmp_path, capsys):
    path = tmp_path / "well.ifs"
    path.write_text(WELL, encoding="utf-8")
    assert main(["stats", "--json", str(path)]) == 0
    import json
    stats = json.loads(capsys.readouterr().out)
    assert stats["responses"] == 2 and stats["gathers"] == 2 and stats["choices"] == 4
    assert stats["canon_path_length"] == 3 and stats["canon_path"] == ["well", "ford"]
    assert stats["divergence_scenes"] == ["well"]
    assert stats["words_prose"] >= len('"Mara," she says. You keep your peace.'.split())
    assert main(["stats", str(path)]) == 0
    assert "  weave        2 choices with a response, 2 gathers" in capsys.readouterr().out


def test_the_graph_draws_the_scene_exits(tmp_path, capsys):
    path = tmp_path / "well.ifs"
    path.write_text(WELL, encoding="utf-8")
    assert main(["graph", "--format", "dot", str(path)]) == 0
    out = capsys.readouterr().out
    assert '"well" -> "ford"' in out and '"well" -> "well"' not in out


def test_both_highlighters_know_the_gather():
    import json

    from pygments.token import Error, Keyword

    from ifengine.highlight import IfsLexer

    tokens = [(t, v) for t, v in IfsLexer().get_tokens("~ gather  // on\n~ gather = 1\n") if v.strip()]
    assert (Keyword, "gather") in tokens and not [t for t, _ in tokens if t in Error]
    assert tokens[3:5] == [(Keyword.Reserved, "~"), (tokens[4][0], "gather")] and tokens[4][0] is not Keyword
    grammar = json.loads((ROOT / "editors" / "ifs.tmLanguage.json").read_text(encoding="utf-8"))
    begin = re.compile(grammar["repository"]["block"]["begin"])
    assert begin.match("  ~ gather") and begin.match("~gather // on") and not begin.match("~ gather = 1")


# ---- the explorer stays exact -----------------------------------------------------------------------------

def _weave_story(rng: random.Random) -> str:
    """A random story whose scenes are weaves: parts joined by gathers, choices with responses that set
    flags, target-less choices, fallbacks into gathers, conditions on what the responses set."""
    n = rng.randint(2, 4)
    scenes = [f"s{i}" for i in range(n)]
    conds = ["n > 1", "n == 0", "b", "not b", "visits({s}) >= 2", "seen({s})", "chance(50)"]
    effects = ["~ n += 1", "~ n -= 1", "~ toggle b", "~ junk += 1", "~ n = roll(3)"]
    lines = ["@story prop", "@title Prop", "@role Tester: a test.", "@start s0", "@flag n: int 0..3 = 0",
             "@flag b: bool = false", "@flag junk: int = 0"]
    for i, sid in enumerate(scenes):
        nxt = scenes[i + 1] if i + 1 < n else "good"
        lines += [f"=== {sid}: Scene {i}", f"Visits {{visits({sid})}}, junk {{junk}}."]
        if rng.random() < 0.5:
            lines.append(rng.choice(effects))
        parts = rng.randint(1, 3)
        for k in range(parts):
            last = k == parts - 1
            if k:
                lines += ["~ gather", f"Part {k}, n {{n}}."]
                if rng.random() < 0.4:
                    lines.append(rng.choice(effects))
            lines.append(f"* (c{k}) canon [On {k}]" + (f" -> {nxt}" if last else ""))
            for j in range(rng.randint(1, 2)):
                target = "" if not last and rng.random() < 0.6 else f" -> {rng.choice(scenes + ['good', 'bad'])}"
                lines.append(f"{rng.choice('*+')} (x{k}-{j}) [Option {k}.{j}]{target}")
                if rng.random() < 0.5:
                    lines.append(f"  ? {rng.choice(conds).format(s=rng.choice(scenes))}")
                if rng.random() < 0.3:
                    lines.append("  " + rng.choice(effects))
                if rng.random() < 0.7:
                    lines.append(f"Response {k}.{j}.")
                    if rng.random() < 0.6:
                        lines.append(rng.choice(effects))
                    if rng.random() < 0.3:
                        lines += [f"~ if {rng.choice(conds).format(s=rng.choice(scenes))}", rng.choice(effects),
                                  "~ end"]
            if not last and rng.random() < 0.3:
                lines += ["* fallback", "It falls through."]
    lines += ["=== ending good (canon): Good", "Good.", "=== ending bad (death): Bad", "Bad."]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", range(40))
def test_smaller_keys_find_exactly_what_full_keys_find_in_weaves(seed):
    from tests.test_explore import assert_search_matches_oracle

    loaded = load_text(_weave_story(random.Random(seed)))
    assert loaded.story is not None
    assert not [d for d in loaded.diagnostics if d.is_error and d.code != "IFS150"], loaded.diagnostics
    story = loaded.story
    depth = 7
    assert_search_matches_oracle(story, depth)



def test_ifs142_continues_through_a_gather_into_a_loop_are_still_a_cycle():
    text = HEADER + "=== well: W\n* continue\nOn.\n~ gather\n* continue -> hall\n=== hall: H\n* continue -> well\n" + END
    (d,) = errors(text, "IFS142")
    assert (d.line, d.col) == (5, 5)
    assert d.message == "these scenes only continue into each other and never let the player out: hall, well"


def test_a_condition_after_a_response_says_where_conditions_go():
    (d,) = errors(HEADER + "@flag x: bool = false\n=== well: W\n* canon [Go] -> end\nYou go.\n  ? x\n" + END, "IFS100")
    assert (d.line, d.col) == (9, 3)
    assert d.message == ("a choice's '?' lines go right under it, before its response: move this line up, or write "
                         "'\\?' to start prose with it")
