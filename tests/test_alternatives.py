"""Text alternatives: `{stopping: ...}`, `{cycle: ...}`, `{once: ...}`, `{shuffle: ...}`, in prose and labels;
what they have shown is game state (undo, forks, saves, replays), keyed to their place; the checker's
messages; the explorer telling apart states that differ only in what an alternative shows next."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pygments.token import Keyword, Punctuation

from ifengine import load_story_text, load_text
from ifengine.cli import main
from ifengine.explore import explore_exhaustive, relevance
from ifengine.highlight import IfsLexer
from ifengine.runtime import Session
from ifengine.saves import dump_session, load_session
from ifengine.state import GameState

ROOT = Path(__file__).resolve().parent.parent
HEADER = "@story alt\n@title Alt\n@role R: r.\n@start a\n"
END = "=== ending b (canon): B\nB.\n"


def story(prose: str, label: str = "Again", extra: str = "") -> str:
    return HEADER + f"=== a: A\n{prose}\n+ (again) [{label}] -> a\n* canon [Leave] -> b\n" + extra + END


def shown(text: str, times: int, seed: int = 0) -> list[str]:
    """What scene `a` shows (prose and the sticky choice's label) on its first `times` visits."""
    s = Session(load_story_text(text), seed)
    out = []
    for _ in range(times):
        view = s.view()
        out.append(" / ".join([*view.paragraphs, view.choices[0].label]))
        s.choose("a.again")
    return out


def test_stopping_cycle_and_once_show_what_the_page_says():
    assert shown(story("{stopping: a | b | c}"), 5) == ["a / Again", "b / Again", "c / Again", "c / Again",
                                                       "c / Again"]
    assert shown(story("{cycle: a | b | c}"), 5) == ["a / Again", "b / Again", "c / Again", "a / Again",
                                                    "b / Again"]
    assert shown(story("Gull: {once: a | b}."), 4) == ["Gull: a. / Again", "Gull: b. / Again", "Gull:. / Again",
                                                      "Gull:. / Again"]
    assert shown(story("X", label="Go {stopping: on | on again}"), 3) == ["X / Go on", "X / Go on again",
                                                                         "X / Go on again"]


def test_options_hold_interpolations_inline_ifs_and_nested_alternatives():
    text = HEADER + "@flag n: int = 2\n" + story("{cycle: {words(n)} | {if n > 1: many} | {once: x | y}}")[len(HEADER):]
    assert shown(text, 7) == ["two / Again", "many / Again", "x / Again", "two / Again", "many / Again",
                              "y / Again", "two / Again"]


def test_a_shuffle_shows_each_option_once_per_round_and_its_seed_decides_the_order():
    text = story("{shuffle: a | b | c}")
    orders = set()
    for seed in range(6):
        seen = [line.split(" / ")[0] for line in shown(text, 9, seed)]
        assert all(sorted(seen[i:i + 3]) == ["a", "b", "c"] for i in (0, 3, 6))
        orders.add(tuple(seen))
    assert len(orders) > 1
    assert shown(text, 9, 4) == shown(text, 9, 4)  # the same seed, the same order


def test_what_shows_is_keyed_to_its_place_not_to_the_lines_or_dice_elsewhere():
    text = story("{shuffle: a | b | c | d} {cycle: x | y | z}")
    base = shown(text, 8, 3)
    # a scene added before it, a line of prose above it in its own scene, dice drawn elsewhere
    edited = text.replace("=== a: A\n", "=== z: Z\nZ.\n* [Go] -> a\n=== a: A\n~ if roll(6) > 3\nA line.\n~ end\n")
    edited = edited.replace("@start a", "@start a\n@flag unused: int = 0")
    assert [line.replace("A line. / ", "").replace("A line. ", "") for line in shown(edited, 8, 3)] == base


def test_what_alternatives_showed_is_game_state_undo_forks_and_saves_bring_it_back():
    program = load_story_text(story("{cycle: a | b | c} {shuffle: p | q | r}"))
    s = Session(program, 7)
    s.choose("a.again")
    before = s.view().paragraphs
    fork = s.fork()
    s.choose("a.again")
    assert s.state.shown != fork.state.shown and s.state != fork.state
    s.undo()
    assert s.view().paragraphs == before and s.state == fork.state
    s.choose("a.again")
    s.choose("a.again")
    resumed = load_session(program, dump_session(s))
    assert resumed.state == s.state and resumed.view().paragraphs == s.view().paragraphs


def test_the_state_as_data_keeps_what_alternatives_showed_and_older_data_still_loads():
    s = Session(load_story_text(story("{cycle: a | b}")))
    s.choose("a.again")
    data = s.state.to_data()
    assert list(data["shown"].values()) == [0]  # next: the first option again
    assert GameState.from_data(data) == s.state
    del data["shown"]
    dice = dict(data["dice"])
    del dice["seed"]  # state data written before this edition has neither
    data["dice"] = dice
    old = GameState.from_data(data)
    assert old.shown == {} and old.dice.key()[0] == 0  # type: ignore[attr-defined]


def test_a_run_file_replays_its_shuffles(tmp_path, capsys):
    folder = tmp_path / "alt"
    folder.mkdir()
    (folder / "alt.ifs").write_text(story("The sea is {shuffle: grey | black | silver}."), encoding="utf-8")
    run = tmp_path / "run.toml"
    played = subprocess.run([sys.executable, "-m", "ifengine", "play", str(folder), "--plain", "--seed", "5",
                             "--record", str(run)], input="1\n1\n1\n2\n", capture_output=True, text=True,
                            cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert played.returncode == 0, played.stderr
    seas = [line for line in played.stdout.splitlines() if line.startswith("The sea is")]
    assert len(seas) == 4 and sorted(seas[:3]) == sorted(f"The sea is {c}." for c in ("grey", "black", "silver"))
    transcript = tmp_path / "t.md"
    assert main(["replay", str(run), "--transcript", str(transcript)]) == 0
    capsys.readouterr()
    assert [line for line in transcript.read_text(encoding="utf-8").splitlines()
            if line.startswith("The sea is")] == seas


def _diags(text: str) -> list[str]:
    return [f"{d.line}:{d.col}: {d.severity.value}: {d.message} [{d.code}]" for d in load_text(text).diagnostics]


def test_an_alternative_of_one_option_is_a_warning_but_once_of_one_is_fine():
    assert _diags(story("The {cycle: lamp} turns. {once: A gull.}")) == [
        "6:5: warning: this {cycle: ...} has one option, so it always shows it: separate its options with '|' "
        "[IFS210]"]


def test_a_misspelt_kind_is_one_syntax_error_that_names_the_kinds():
    assert _diags(story("The {stoping: a | b} turns.")) == [
        "6:6: error: 'stoping' is not a kind of inline text (did you mean 'stopping'?): write {if cond: ...}, or "
        "text alternatives {stopping: a | b}, {cycle: ...}, {once: ...} or {shuffle: ...} [IFS100]"]


def test_the_kinds_are_reserved_words():
    assert _diags(HEADER + "@flag cycle: int = 0 \"C\"\n" + story("x")[len(HEADER):]) == [
        "5:7: error: 'cycle' is a word of the language and cannot name a flag [IFS136]"]


FAILS_ON_THE_THIRD = story("The light {cycle: flickers | holds | {10 / n}}.",
                           extra="").replace("@start a\n", "@start a\n@flag n: int = 0 \"N\"\n")


def test_the_explorer_tells_apart_states_that_differ_in_what_an_alternative_shows_next():
    # nothing but the cycle changes between the visits to `a`: merging them would hide the third showing
    story_ = load_story_text(FAILS_ON_THE_THIRD)
    assert relevance(story_).full  # the text can fail, so the key keeps what the cycle shows next
    report = explore_exhaustive(story_)
    assert report.complete
    [(message, finding)] = report.errors.items()
    assert "division by zero" in message and finding.path == ["a.again", "a.again"]


def test_the_graph_writes_alternatives_back_in_labels(tmp_path, capsys):
    (tmp_path / "alt.ifs").write_text(story("X", label="Go {stopping: on | on again}"), encoding="utf-8")
    assert main(["graph", str(tmp_path)]) == 0
    assert "Go {stopping: on #124; on again}" in capsys.readouterr().out


def test_both_highlighters_know_the_kinds():
    toks = [(t, v) for t, v in IfsLexer().get_tokens("The {cycle: a | b} and {once: c}.\n") if v.strip()]
    assert (Keyword, "cycle") in toks and (Keyword, "once") in toks and (Punctuation, "|") in toks
    import json
    import re

    grammar = json.loads((ROOT / "editors" / "ifs.tmLanguage.json").read_text(encoding="utf-8"))
    [rule] = [r for r in grammar["repository"]["interpolation"]["patterns"]
              if r.get("name") == "meta.interpolation.alternatives.ifs"]
    assert all(re.match(rule["begin"], f"{{{k}: a | b}}") for k in ("stopping", "cycle", "once", "shuffle"))
    assert not re.match(rule["begin"], "{cycles}")
