"""Tunnels (issue 17, construct 2): `-> tunnel -> then` calls a scene and `-> return` comes back. The checker's
IFS180-IFS184 pinned to file:line:col, the call stack in play (undo, fork, saves, the depth limit), the canon
path through a call, the graph, stats, the editor's roads, both highlighters and both players."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ifengine import load_text
from ifengine.cli import main
from ifengine.errors import StoryRuntimeError
from ifengine.loader import load, load_story
from ifengine.model import MAX_STACK
from ifengine.runtime import Session
from ifengine.saves import dump_session, load_session

ROOT = Path(__file__).resolve().parent.parent
RELAY = ROOT / "tests" / "fixtures" / "tunnels"
HEAD = "@story t\n@title T\n@role Kell: A test.\n@start a\n"  # four lines: a scene's header is on line 5


def diags(body: str) -> list[tuple[int, int, str, str]]:
    return [(d.line, d.col, d.code, d.message) for d in load_text(HEAD + body).diagnostics]


def walk(session: Session, *choices: str) -> list[tuple[str, list[str]]]:
    """Where each choice arrives and the calls open there."""
    out = []
    for cid in choices:
        session.choose(cid)
        out.append((session.scene_id, list(session.state.stack)))
    return out


# ---- the checker -------------------------------------------------------------------------------------


def test_the_relay_checks_clean():
    assert load(RELAY).diagnostics == []


def test_return_is_no_scene_id():
    got = diags("=== a: A\n* canon [Go] -> return -> b\n=== return: R\n+ continue -> b\n=== ending b (canon): B\n")
    assert (7, 5, "IFS180", "a scene cannot be called 'return': `-> return` goes back from a tunnel; give the "
                            "scene another name") in got


def test_return_inside_a_call_is_refused_either_way():
    got = diags("=== a: A\n* canon [X] -> t -> return\n* [Y] -> return -> b\n=== t: T\n+ continue -> return\n"
                "=== ending b (canon): B\n")
    assert [g for g in got if g[2] == "IFS184"] == [
        (6, 21, "IFS184", "'return' cannot be part of a tunnel call: a call goes on to a scene when its tunnel "
                          "returns: `-> t -> <scene>`, or `-> t` to go there for good"),
        (7, 10, "IFS184", "'return' cannot be part of a tunnel call: `-> return` cannot be called; write "
                          "`-> return` alone")]


def test_a_return_reached_with_no_call_open():
    got = diags("=== a: A\n* canon [Go] -> t\n* [Call] -> t -> b\n=== t: T\n+ continue -> return\n"
                "=== ending b (canon): B\n")
    assert got == [(9, 15, "IFS181", "`-> return` in scene 't' can be taken with no tunnel call open to return to: "
                                     "a choice leads to it from the start without a call (call it with "
                                     "`-> t -> <scene>`)")]


def test_a_return_in_the_start_scene():
    got = diags("=== a: A\n+ canon continue -> return\n")
    assert got == [(6, 21, "IFS181", "`-> return` in scene 'a' can be taken with no tunnel call open to return to: "
                                     "it is the start (call it with `-> a -> <scene>`)")]


def test_a_call_whose_tunnel_never_returns():
    got = diags("=== a: A\n* canon [Radio] -> radio -> b\n=== radio: R\n* canon continue -> c\n"
                "=== ending c (canon): C\n=== ending b (alternate): B\n")
    # one diagnostic: 'b', reached only after the call, is not reported again as unreachable
    assert got == [(6, 20, "IFS182", "tunnel 'radio' never returns: no road from it reaches `-> return`, so the play "
                                     "never goes on to 'b'")]


def test_recursion_without_end_is_one_error_where_it_recurses():
    got = diags("=== a: A\n* canon [Loop] -> loop -> b\n* [Walk] -> b\n=== loop: L\n+ [Again] -> loop -> b\n"
                "+ [Other] -> loop2 -> b\n=== loop2: L2\n+ [Back] -> loop -> b\n=== ending b (canon): B\n")
    assert [g for g in got if g[2] in ("IFS182", "IFS183")] == [
        (9, 14, "IFS183", f"tunnel 'loop' calls tunnels without end: every road from it calls one again ('loop' "
                          f"here) before any return or ending, so the calls pile up until play stops at {MAX_STACK}")]


def test_recursion_with_a_way_back_is_fine():
    got = diags("=== a: A\n* canon [Dive] -> dive -> b\n=== dive: D\n+ [Deeper] -> dive -> dive\n"
                "+ canon [Up] -> return\n=== ending b (canon): B\n")
    assert got == []


def test_an_unknown_scene_after_a_call():
    got = diags("=== a: A\n* canon [X] -> t -> nowhere\n=== t: T\n+ continue -> return\n")
    assert got == [(6, 21, "IFS120", "choice goes to 'nowhere', which is not a scene or ending")]


def test_a_scene_reached_only_by_a_return_is_reachable():
    # `b` is entered only when the tunnel returns: no IFS200
    assert diags("=== a: A\n* canon [X] -> t -> b\n=== t: T\n+ continue -> return\n=== ending b (canon): B\n") == []


# ---- play ---------------------------------------------------------------------------------------------


def test_a_call_pushes_where_to_go_on_and_the_return_arrives_there():
    s = Session(load_story(RELAY))
    assert walk(s, "relay.call", "radio-call.report", "casualty-report.continue", "over.continue") == [
        ("radio-call", ["hill"]), ("casualty-report", ["hill", "over"]), ("over", ["hill"]), ("hill", [])]
    # the tunnel's body ran on arrival, and a return arrives as any choice does: a visit
    assert s.flags["calls"] == 1 and s.visits["hill"] == 1
    assert s.view().paragraphs == ("The wind is cold up here.",)


def test_the_same_tunnel_returns_to_each_caller():
    s = Session(load_story(RELAY))
    walk(s, "relay.call", "radio-call.back")
    assert walk(s, "hill.again") == [("radio-call", ["hill"])]
    assert s.view().paragraphs == ('"Kell, report." This is call two.',)
    assert walk(s, "radio-call.back", "hill.go-down-to-the-ridge") == [("hill", []), ("ridge", [])]
    assert s.is_over


def test_undo_fork_and_saves_keep_the_stack():
    story = load_story(RELAY)
    s = Session(story)
    walk(s, "relay.call", "radio-call.report")
    other = s.fork()
    other.choose("casualty-report.continue")
    assert s.state.stack == ["hill", "over"] and other.state.stack == ["hill"]
    text = dump_session(s)
    resumed = load_session(story, text)
    assert resumed.scene_id == "casualty-report" and resumed.state.stack == ["hill", "over"]
    assert resumed.state == s.state
    s.undo()
    assert s.scene_id == "radio-call" and s.state.stack == ["hill"]
    assert s.state.to_data()["stack"] == ["hill"]


def test_choice_ids_do_not_depend_on_the_targets():
    plain = load_text(HEAD + "=== a: A\n* canon [Hear it] -> b\n=== ending b (canon): B\n").story
    called = load_text(HEAD + "=== a: A\n* canon [Hear it] -> t -> b\n=== t: T\n+ continue -> return\n"
                              "=== ending b (canon): B\n").story
    assert [c.id for c in plain.scenes["a"].choices] == [c.id for c in called.scenes["a"].choices] == ["a.hear-it"]


def test_calls_nest_only_so_deep():
    story = load_text(HEAD + "=== a: A\n* canon [Dive] -> dive -> b\n=== dive: D\n+ [Deeper] -> dive -> dive\n"
                             "+ canon [Up] -> return\n=== ending b (canon): B\n").story
    s = Session(story)
    s.choose("a.dive")
    for _ in range(MAX_STACK - 1):
        s.choose("dive.deeper")
    assert len(s.state.stack) == MAX_STACK
    with pytest.raises(StoryRuntimeError) as e:
        s.choose("dive.deeper")
    assert e.value.diagnostics[0].code == "IFS300" and (e.value.span.line, e.value.span.col) == (8, 1)
    assert f"with {MAX_STACK} tunnel calls already open" in e.value.reason
    assert len(s.state.stack) == MAX_STACK and s.scene_id == "dive"  # left where it was
    s.choose("dive.up")
    assert len(s.state.stack) == MAX_STACK - 1


def test_a_return_with_no_call_open_is_a_fault_in_play():
    loaded = load_text(HEAD + "=== a: A\n* canon [Go] -> t\n=== t: T\n+ continue -> return\n")
    assert [d.code for d in loaded.diagnostics] == ["IFS181"]
    s = Session(loaded.story)
    s.choose("a.go")
    with pytest.raises(StoryRuntimeError, match="no tunnel call is open to return from"):
        s.choose("t.continue")
    assert s.scene_id == "t"


def test_a_fallback_can_call_and_return():
    story = load_text(HEAD + "=== a: A\n* canon fallback -> t -> b\n=== t: T\n* canon fallback -> return\n"
                             "=== ending b (canon): B\n").story
    s = Session(story)
    assert s.is_over and s.scene_id == "b"
    assert [st.scene_id for st in s.history] == ["a", "t"]


def test_the_canon_path_follows_a_call_and_its_return():
    story = load_story(RELAY)
    s = Session(story)
    assert s.program.canon_path[0] == ["relay", "radio-call", "hill", "ridge"]
    walk(s, "relay.call", "radio-call.back")
    assert s.canon_status().on_path and s.canon_status().breaks == 0


def test_an_ending_inside_a_call_ends_the_story():
    story = load_text(HEAD + "=== a: A\n* canon [Radio] -> radio -> a\n=== radio: R\n* canon [Go] -> b\n"
                             "+ [Back] -> return\n=== ending b (canon): B\n").story
    s = Session(story)
    walk(s, "a.radio", "radio.go")
    assert s.is_over and s.state.stack == ["a"]


# ---- the tools -----------------------------------------------------------------------------------------


def test_explore_reaches_every_scene_through_calls_and_returns(capsys):
    assert main(["explore", str(RELAY), "--exhaustive", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["complete"] and data["unreached_scenes"] == [] and data["errors"] == [] and data["dead_ends"] == []
    assert data["choices_reached"] == data["choices_total"]


def test_a_fault_on_entering_a_tunnel_is_found_at_the_tunnel():
    from ifengine.explore import explore_exhaustive

    story = load_text(HEAD + "@flag z: int = 0\n=== a: A\n* canon [Call] -> t -> b\n=== t: T\n{10 / z}\n"
                             "+ continue -> return\n=== ending b (canon): B\n").story
    report = explore_exhaustive(story)
    assert report.unreached_scenes == ["t"] and list(report.faulted_scenes) == ["t"]


def test_the_graph_draws_calls_and_returns(capsys):
    assert main(["graph", str(RELAY), "--format", "dot"]) == 0
    dot = capsys.readouterr().out
    assert ('"radio-call" -> "casualty-report" [label="Hear the casualty report (call)", '
            'tooltip="radio-call.report", style=dashed];') in dot
    assert ('"casualty-report" -> "over" [label="continue (return)", tooltip="casualty-report.continue", '
            'style=dashed, arrowhead=empty];') in dot
    assert '"over" -> "hill" [label="continue (return)"' in dot
    # a canon return is drawn in the canon colour only on its edge along the path
    assert ('"radio-call" -> "hill" [label="Sign off (return)", tooltip="radio-call.back", color="#b8860b", '
            'penwidth=2.5, fontcolor="#8a6508", style=dashed, arrowhead=empty];') in dot
    story = load_text(HEAD + "=== a: A\n* canon [X] -> t -> b\n* [Y] -> t -> c\n=== t: T\n+ continue -> return\n"
                             "=== ending b (canon): B\n=== ending c (death): C\n").story
    from ifengine.graph import to_dot
    drawn = [line for line in to_dot(story).splitlines() if line.startswith('  "t" -> ')]
    assert len(drawn) == 2 and ["#b8860b" in line for line in drawn] == [True, False], drawn
    assert "return" not in {line.split('"')[3] for line in dot.splitlines() if line.startswith('  "') and "->" in line}
    assert main(["graph", str(RELAY), "--format", "mermaid"]) == 0
    assert 's_radio_call -.->|"Hear the casualty report (call)"| s_casualty_report' in capsys.readouterr().out


def test_stats_count_tunnels_calls_and_returns(capsys):
    assert main(["stats", str(RELAY), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["tunnels"] == ["casualty-report", "radio-call"]
    assert data["choices_by_kind"]["call"] == 3 and data["choices_by_kind"]["return"] == 3
    assert data["canon_path"] == ["relay", "radio-call", "hill", "ridge"]
    assert main(["stats", str(RELAY)]) == 0
    assert "  tunnels      2 (3 calls, 3 returns): casualty-report, radio-call" in capsys.readouterr().out.splitlines()


def test_a_call_and_a_plain_choice_to_the_same_scene_are_a_real_decision():
    from ifengine.editor.roads import Choices

    story = load_story(RELAY)
    options = Choices(story)
    assert options.decides(story.scenes["relay"].choices)
    assert options.goes(story.scenes["relay"].choices[0]) == "radio-call -> hill"
    assert options.goes(story.scenes["over"].choices[0]) == "return"


def test_both_highlighters_mark_return():
    from pygments.token import Keyword, Name, Operator

    from ifengine.highlight import _tokens

    toks = [(t, v) for t, v in _tokens("* [Hear] -> casualty-report -> hq\n") if v.strip()]
    assert toks[-4:] == [(Operator, "->"), (Name.Function, "casualty-report"), (Operator, "->"), (Name.Function, "hq")]
    toks = [(t, v) for t, v in _tokens("+ continue -> return\n") if v.strip()]
    assert toks[-2:] == [(Operator, "->"), (Keyword, "return")]
    grammar = json.loads((ROOT / "editors" / "ifs.tmLanguage.json").read_text(encoding="utf-8"))
    choice = grammar["repository"]["choice"]["patterns"]
    rule = next(p for p in choice if p.get("captures", {}).get("2", {}).get("name") == "keyword.control.return.ifs")
    import re
    assert re.match(rule["match"], "-> return") and not re.match(rule["match"], "-> returned")


# ---- the players ---------------------------------------------------------------------------------------


def test_the_plain_player_calls_and_returns():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-m", "ifengine", "play", str(RELAY), "--plain"], input="1\n1\n1\n1\n2\n",
                       capture_output=True, text=True, env=env, timeout=60)
    assert "Traceback" not in r.stderr, r.stderr
    out = r.stdout
    order = ["The set hisses on the table.", '"Kell, report." This is call one.', "Two wounded, none lost.",
             '"Over and out."', "The wind is cold up here.", "You hold the ridge.", "ENDING: canon: The Ridge"]
    at = [out.find(line) for line in order]
    assert -1 not in at and at == sorted(at), out


async def test_the_textual_player_calls_and_returns():
    from ifengine.ui.app import Start
    from ifengine.ui.widgets.transcript import SceneText
    from tests.fixtures.ui.support import app, settle

    story = load_story(RELAY)
    a = app(folders=[RELAY], start=Start(story, RELAY, Session(story, 0)))
    async with a.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        for key in ("1", "2"):  # take the call, then sign off
            await pilot.press(key)
            await settle(pilot)
        assert a.game.session.scene_id == "hill" and a.game.session.state.stack == []
        shown = [" ".join(str(s.render()).split()) for s in a.screen.query(SceneText)]
        assert any("This is call one." in s for s in shown) and "The wind is cold up here." in shown[-1]


def test_the_language_reference_example_plays_what_the_page_says():
    from tests.test_docs import play_canon, story_blocks

    assert play_canon(story_blocks()["radio"]) == [
        "The set hisses on the table.", "Take the call from HQ", "Walk up the hill",
        "\"Kell, report.\" You read them the morning's count.", "Continue",
        "The wind is cold up here.", "Call HQ once more",
        "\"Kell, report.\" You read them the count again.", "Continue",
        "You hold the ridge."]


# ---- a call from a line of a body ------------------------------------------------------------------------

HQ = (HEAD + "=== a: Headquarters\nThe major looks up.\n-> report ->\n\"Thank you,\" she says.\n~ thanked += 1\n"
      "* canon [Salute] -> b\n=== report: The Report\nYou read the list.\n+ canon continue -> return\n"
      "=== ending b (canon): B\nOver.\n@flag thanked: int = 0\n")


def test_a_call_line_plays_the_tunnel_between_two_lines_and_resumes_after_it():
    s = Session(load_text(HQ).story)
    v = s.view()
    # the text before the call is shown (a scene passed through by itself), then the tunnel plays
    assert [(p.scene_id, p.part, p.paragraphs) for p in v.passed] == [("a", 0, ("The major looks up.",))]
    assert v.scene_id == "report" and v.paragraphs == ("You read the list.",) and s.state.stack == ["a#1"]
    v = s.choose("report.continue")
    # back in the same scene after the call line: its part 1, no new visit, its lines before the call not again
    assert (v.scene_id, v.part, v.paragraphs) == ("a", 1, ('"Thank you," she says.',))
    assert s.state.stack == [] and s.visits == {"a": 1, "report": 1} and s.flags["thanked"] == 1
    assert [(st.choice_id, st.auto) for st in s.history] == [("a.call-report", True), ("report.continue", False)]
    assert s.choose("a.salute").ending is not None


def test_a_call_line_changes_no_choice_id_and_saves_hold_the_place():
    story = load_text(HQ).story
    assert [c.id for c in story.scenes["a"].choices] == ["a.call-report", "a.salute"]
    plain = load_text(HQ.replace("-> report ->\n", "")).story
    assert [c.id for c in plain.scenes["a"].choices] == ["a.salute"]
    s = Session(story)
    resumed = load_session(story, dump_session(s))
    assert resumed.state == s.state and resumed.state.stack == ["a#1"] and resumed.state.to_data()["stack"] == ["a#1"]
    s.choose("report.continue")
    s.undo()
    assert s.scene_id == "report" and s.state.stack == ["a#1"]


def test_a_response_may_end_with_a_call_and_a_call_may_go_on_to_the_gather():
    story = load_text(HEAD + "=== a: A\n* canon [Ask]\nYou ask.\n-> report ->\n* [Call] -> report ->\n~ gather\n"
                             "She nods.\n* canon [Go] -> b\n=== report: R\nThe list.\n+ canon continue -> return\n"
                             "=== ending b (canon): B\n").story
    ask, call = story.scenes["a"].parts[0].choices
    assert (ask.call, ask.target, call.call, call.target) == ("report", None, "report", None)
    for cid in ("a.ask", "a.call"):
        s = Session(story)
        v = s.choose(cid)
        assert v.scene_id == "report" and s.state.stack == ["a#1"]
        assert v.response == (("You ask.",) if cid == "a.ask" else ())
        v = s.choose("report.continue")
        assert (v.scene_id, v.part, v.paragraphs, s.visits["a"]) == ("a", 1, ("She nods.",), 1)
    assert Session(story).program.canon_path[0] == ["a", "report", "a", "b"]


def test_where_a_call_line_cannot_be():
    got = diags("=== a: A\n~ if true\n-> t ->\n~ end\n* canon [X] -> t -> b\nSaid.\n-> t ->\n* [Y]\n-> t ->\nmore\n"
                "~ gather\n* canon [Z] -> b\n=== t: T\n+ continue -> return\n=== ending b (canon): B\n-> t ->\n")
    assert [g for g in got if g[2] in ("IFS185", "IFS186", "IFS187", "IFS188")] == [
        (7, 4, "IFS186", "a tunnel call cannot be inside '~ if': the play needs one place to go on from when 't' "
                         "returns (call from a choice with a '?' line, or move the call out of the block)"),
        (11, 4, "IFS188", "choice already calls 't': a choice calls one tunnel (call the next from the tunnel "
                          "itself, or from a line after a '~ gather')"),
        (13, 4, "IFS187", "a tunnel call in a choice's response must be its last line: the lines after it have no "
                          "place to go on from when the tunnel returns (put them after a '~ gather', or in the "
                          "scene the choice leads to)"),
        (20, 4, "IFS185", "ending 'b' cannot call a tunnel: the story is over there, and nothing goes on after "
                          "the call (call 't' from the choice that leads here)")]


def test_a_call_line_whose_tunnel_never_returns_or_recurses():
    got = diags("=== a: A\n-> t ->\nAfter.\n* canon [Go] -> b\n=== t: T\n* canon continue -> b\n"
                "=== ending b (canon): B\n")
    assert got == [(6, 4, "IFS182", "tunnel 't' never returns: no road from it reaches `-> return`, so the play "
                                    "never goes on to what follows the call in its scene")]
    got = diags("=== a: A\n* canon [Go] -> t -> b\n=== t: T\nAgain.\n-> t ->\n+ continue -> return\n"
                "=== ending b (canon): B\n")
    assert (9, 4, "IFS183", "tunnel 't' calls tunnels without end: every road from it calls one again ('t' here) "
                            "before any return or ending, so the calls pile up until play stops at 100") in got
    got = diags("=== a: A\nText.\n-> t ->\n=== t: T\n+ continue -> return\n")
    assert got == [(7, 4, "IFS172", "the part of scene 'a' after this call has no way out: give it a choice")]


def test_a_line_that_begins_with_an_arrow_is_a_call_or_a_mistake_said_plainly():
    got = diags("=== a: A\n-> b\n* canon [Go] -> b\n=== ending b (canon): B\n")
    assert got == [(6, 1, "IFS100", "a line that begins with '->' calls a tunnel and says nothing else: "
                                    "'-> tunnel ->' (to go to a scene, give the scene a choice: "
                                    "'* continue -> scene'); write '\\->' to start prose with it")]
    story = load_text(HEAD + "=== a: A\n\\-> not a call\n* canon [Go] -> b\n=== ending b (canon): B\n").story
    assert Session(story).view().paragraphs == ("-> not a call",)


def test_the_explorer_graph_and_stats_follow_a_call_line(capsys, tmp_path):
    path = tmp_path / "hq.ifs"
    path.write_text(HQ, encoding="utf-8")
    assert main(["explore", str(path), "--exhaustive", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["unreached_scenes"] == [] and data["errors"] == [] and data["choices_reached"] == data["choices_total"]
    assert main(["graph", str(path), "--format", "dot"]) == 0
    dot = capsys.readouterr().out
    assert '"a" -> "report" [label="fallback (call)", tooltip="a.call-report"' in dot
    assert '"report" -> "a" [label="continue (return)", tooltip="report.continue"' in dot
    assert main(["stats", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["tunnels"] == ["report"] and data["choices_by_kind"]["call"] == 1
    assert data["canon_path"] == ["a", "report", "a", "b"]


def test_both_highlighters_mark_a_call_line():
    from pygments.token import Name, Operator

    from ifengine.highlight import _tokens

    toks = [(t, v) for t, v in _tokens("-> casualty-report ->\n") if v.strip()]
    assert toks == [(Operator, "->"), (Name.Function, "casualty-report"), (Operator, "->")]
    grammar = json.loads((ROOT / "editors" / "ifs.tmLanguage.json").read_text(encoding="utf-8"))
    import re
    rule = grammar["repository"]["call"]["match"]
    assert re.match(rule, "  -> casualty-report ->") and not re.match(rule, "The -> arrow")


def test_the_plain_player_shows_a_call_line_between_the_lines(tmp_path):
    path = tmp_path / "hq.ifs"
    path.write_text(HQ, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-m", "ifengine", "play", str(path), "--plain"], input="1\n1\n",
                       capture_output=True, text=True, env=env, timeout=60)
    assert "Traceback" not in r.stderr, r.stderr
    out = r.stdout
    order = ["== Headquarters ==", "The major looks up.", "== The Report ==", "You read the list.",
             '"Thank you," she says.', "ENDING: canon: B"]
    at = [out.find(line) for line in order]
    assert -1 not in at and at == sorted(at), out
    assert out.count("== Headquarters ==") == 1  # the scene goes on after the call: no title again


async def test_the_textual_player_shows_a_call_line_between_the_lines(tmp_path):
    from ifengine.ui.app import Start
    from ifengine.ui.widgets.transcript import SceneText
    from tests.fixtures.ui.support import app, settle

    path = tmp_path / "hq.ifs"
    path.write_text(HQ, encoding="utf-8")
    story = load_text(HQ).story
    a = app(start=Start(story, path, Session(story, 0)))
    async with a.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        shown = [str(s.render()) for s in a.screen.query(SceneText)]
        assert any("The major looks up." in t for t in shown) and "You read the list." in shown[-1]
        await pilot.press("1")
        await settle(pilot)
        assert a.game.session.scene_id == "a" and a.game.session.state.part == 1
        last = str(a.screen.query(SceneText)[-1].render())
        assert last.startswith('"Thank you," she says.') and "Headquarters" not in last
