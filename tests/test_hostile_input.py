"""Issue 15, the hostile-input points the first pass left: each test drives the public surface (the
command line, the engine API) with what an attacker or an unlucky user would give it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import ifengine
from ifengine.cli import main

ROOT = Path(__file__).resolve().parent.parent
ENGINE = Path(ifengine.__file__).resolve().parent.parent  # the code under test, for subprocesses


def check_json(capsys: pytest.CaptureFixture[str], path: Path) -> list[dict]:
    main(["check", "--json", str(path)])
    return json.loads(capsys.readouterr().out)


# ---- point 14: CR-only line ends ---------------------------------------------------------------


@pytest.mark.parametrize("newline", [b"\r", b"\r\n", b"\n"])
def test_an_unreadable_byte_is_placed_by_line_and_column_whatever_the_line_ends(tmp_path, capsys, newline):
    script = newline.join([b"@story c", b"@title C", b"@role R: r.", b"@start a", b"=== a: A",
                           b"Hello \xff there.", b""])
    (tmp_path / "cr.ifs").write_bytes(script)
    [d] = check_json(capsys, tmp_path / "cr.ifs")
    assert (d["code"], d["line"], d["col"]) == ("IFS101", 6, 7)


def test_a_byte_order_mark_is_no_column(tmp_path, capsys):
    (tmp_path / "bom.ifs").write_bytes(b"\xef\xbb\xbf@st\x00ory c\r")
    [d] = check_json(capsys, tmp_path / "bom.ifs")
    assert (d["code"], d["line"], d["col"]) == ("IFS101", 1, 4)


# ---- point 4: --record and replay never read a device or a pipe --------------------------------

SHOWCASE = ROOT / "examples" / "showcase"


def play_plain(*args: str, stdin: str = "1\n1\n", timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ENGINE)}
    return subprocess.run([sys.executable, "-m", "ifengine", "play", str(SHOWCASE), "--plain", *args],
                          input=stdin, capture_output=True, text=True, env=env, timeout=timeout)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/full", "/dev/null"])
def test_record_refuses_a_device_without_reading_it(device):
    if not Path(device).exists():
        pytest.skip(f"no {device} here")
    before = {p.name for p in Path(device).parent.glob(".*.tmp")}
    r = play_plain("--record", device)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.splitlines()[-1] == (f"ifengine play: cannot write {device}: not a regular file "
                                         "(a device, a pipe or a socket); not writing there")
    assert {p.name for p in Path(device).parent.glob(".*.tmp")} == before  # no temporary left beside it


def test_record_refuses_a_pipe_and_replay_does_not_wait_on_one(tmp_path):
    fifo = tmp_path / "run.toml"
    os.mkfifo(fifo)
    r = play_plain("--record", str(fifo), timeout=30)
    assert r.returncode == 1 and r.stderr.splitlines()[-1].endswith("not a regular file (a device, a pipe or a "
                                                                    "socket); not writing there")
    r = subprocess.run([sys.executable, "-m", "ifengine", "replay", str(fifo)], capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": str(ENGINE)}, timeout=30)
    assert r.returncode == 1
    assert r.stderr.strip() == f"error: {fifo}: cannot read: not a regular file (a device, a pipe or a socket)"
    assert fifo.is_fifo()


def test_check_does_not_read_a_device_as_a_script(capsys):
    [d] = check_json(capsys, Path("/dev/zero"))
    assert (d["file"], d["line"], d["col"], d["code"]) == ("/dev/zero", 1, 1, "IFS101")
    assert d["message"] == "cannot read the file: not a regular file (a device, a pipe or a socket)"


# ---- point 10: every field of a run file is checked, and the first wrong one named -------------


def _valid_run() -> dict:
    import tomllib

    session = ifengine.Session(ifengine.load_story(SHOWCASE), 0)
    session.choose(session.view().enabled[0].id)
    return tomllib.loads(ifengine.dump_session(session))


def _set(doc: dict, name: str, value: object) -> dict:
    table, key = name.split(".")
    doc[table][key] = value
    return doc


WRONG_FIELDS = [
    ("story.role", 7, "'story.role' must be text, not 7"),
    ("story.title", ["a"], "'story.title' must be text, not a list"),
    ("story.source", True, "'story.source' must be text, not true"),
    ("run.name", {"x": 1}, "'run.name' must be text, not a table"),
    ("format.engine", 0.5, "'format.engine' must be text, not the number 0.5"),
    ("end.steps", -1, "'end.steps' must be a whole number from 0, not -1"),
    ("end.steps", 5, "'end.steps' is 5 but 'run.choices' holds only 1 choice"),
    ("end.ending", 3, "'end.ending' must be text, not 3"),
    ("end.visits", {"cottage": -2}, "'end.visits.cottage' must be a whole number from 0, not -2"),
    ("end.flags", {"lamp": 1.5}, "'end.flags.lamp' must be true, false, a whole number, text or a list of members, not the number 1.5"),
    ("run.scenes", [], "'run.scenes' holds 0 scenes but 'run.choices' 1 choice (one scene for each choice)"),
    ("run.created", "yesterday", "'run.created' must be a date and time, not text 'yesterday'"),
]


@pytest.mark.parametrize("name, value, message", WRONG_FIELDS, ids=[f"{n}={v!r}" for n, v, _ in WRONG_FIELDS])
def test_replay_names_the_first_wrong_field_of_a_run(tmp_path, capsys, name, value, message):
    import tomli_w

    path = tmp_path / "run.toml"
    path.write_text(tomli_w.dumps(_set(_valid_run(), name, value)), encoding="utf-8")
    assert main(["replay", str(path), "--story", str(SHOWCASE)]) == 1
    assert capsys.readouterr().err == f"error: {path}: {message}\n"


def test_a_run_claiming_a_million_steps_for_one_choice_is_refused():
    import tomli_w

    doc = _valid_run()
    doc["end"]["steps"] = 1_000_001
    with pytest.raises(ifengine.RunFileError,
                       match="^<run>: 'end.steps' is 1,000,001 but 'run.choices' holds only 1 choice$"):
        ifengine.load_session(ifengine.load_story(SHOWCASE), tomli_w.dumps(doc))


# ---- point 6: a run's recorded source is a hint inside the library or the run file's folder -----

STORY = "@story lone\n@title Lone\n@role Lo: a reader.\n@start a\n=== a: A\nHi.\n* canon [Go] -> b\n=== ending b (canon): B\nBye.\n"


def _run_file(path: Path, source: str, story_id: str = "lone") -> Path:
    import tomli_w

    session = ifengine.Session(ifengine.load_story_text(STORY), 0)
    doc = __import__("tomllib").loads(ifengine.dump_session(session))
    doc["story"]["source"], doc["story"]["id"] = source, story_id
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps(doc), encoding="utf-8")
    return path


def _story_at(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "main.ifs").write_text(STORY, encoding="utf-8")
    return folder


@pytest.mark.parametrize("where", ["absolute", "nested"])
def test_replay_does_not_follow_a_source_outside_the_library_and_the_run_files_folder(tmp_path, capsys, where):
    elsewhere = tmp_path / "someone-else"
    story = _story_at(elsewhere / "deep" / "lone") if where == "nested" else _story_at(elsewhere)
    run = _run_file(tmp_path / "shared" / "run.toml", str(elsewhere))
    assert main(["replay", str(run)]) == 1
    assert capsys.readouterr().err == (
        f"error: {run}: cannot find story 'lone'; its recorded source '{elsewhere}' is not a story "
        "inside the story library or the run file's folder (pass --story PATH)\n")
    assert main(["replay", str(run), "--story", str(story)]) == 0  # named by the player, it is followed


def test_a_source_of_the_whole_disk_is_refused_at_once(tmp_path, capsys, monkeypatch):
    run = _run_file(tmp_path / "run.toml", "/", story_id="/")
    assert main(["replay", str(run)]) == 1
    assert "cannot find story '/'; its recorded source '/' is not a story" in capsys.readouterr().err
    from ifengine import cli
    from ifengine.cli import play_main

    monkeypatch.setattr(cli, "interactive", lambda: True)  # the full-screen player's way in, as in a terminal

    assert play_main(["--replay", str(run)]) == 2
    assert "cannot find story '/'" in capsys.readouterr().err


def test_a_story_id_is_never_taken_as_a_path(tmp_path, capsys, monkeypatch):
    _story_at(tmp_path / "lone")
    monkeypatch.chdir(tmp_path / "lone")
    run = _run_file(tmp_path / "runs-elsewhere" / "run.toml", "", story_id="..")
    assert main(["replay", str(run)]) == 1
    assert "cannot find story '..' (pass --story PATH)" in capsys.readouterr().err


def test_a_source_relative_to_the_run_file_is_found(tmp_path, capsys, monkeypatch):
    _story_at(tmp_path / "shared" / "lone")
    run = _run_file(tmp_path / "shared" / "run.toml", "lone")
    monkeypatch.chdir(tmp_path)
    assert main(["replay", str(run)]) == 0
    assert capsys.readouterr().out == f"ok   {run}: 0 choices, scene 'a'\n"


# ---- point 8: the title screen reads headers by the loader's rules --------------------------------

HEADERLESS = "=== a: A\nHi.\n* canon [Go] -> b\n=== ending b (canon): B\nBye.\n=== ending c: C\nNo.\n"


async def test_the_title_card_reads_a_header_after_a_bom_with_cr_line_ends_and_no_file_outside(tmp_path):
    from textual.widgets import OptionList

    from ifengine.ui.progress import record_ending
    from tests.fixtures.ui.support import WHEN, app, settle

    folder = tmp_path / "card"
    folder.mkdir()
    header = "@story carded\r@title The Card\r@role Ana: a reader.\r@start a\r"
    (folder / "main.ifs").write_bytes(b"\xef\xbb\xbf" + (header + HEADERLESS).encode())
    outside = tmp_path / "outside.ifs"
    outside.write_text("@blurb Read from outside the story folder.\n", encoding="utf-8")
    (folder / "extra.ifs").symlink_to(outside)
    record_ending("carded", "b", WHEN)
    a = app(folders=[folder])
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        [card] = [str(getattr(o.prompt, "plain", o.prompt)) for o in a.screen.query_one("#stories", OptionList).options]
    assert card.startswith("Ana  ·  The Card")
    assert "Endings found: 1 of 2" in card
    assert "outside" not in card


def test_a_role_read_through_a_link_out_of_the_folder_names_no_story(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "stories" / "mine"
    folder.mkdir(parents=True)
    (folder / "main.ifs").write_text(HEADERLESS, encoding="utf-8")
    (tmp_path / "elsewhere.ifs").write_text("@story stolen\n@title T\n@role Eve: x.\n@start a\n", encoding="utf-8")
    (folder / "head.ifs").symlink_to(tmp_path / "elsewhere.ifs")
    monkeypatch.chdir(tmp_path)
    assert main(["stats", "eve"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ifengine stats: no story found at or named 'eve' (stories you can play: mine, ")
    assert "stolen" not in err and "Eve" not in err


# ---- point 3: what one scene may render is bounded; wrapping is linear -----------------------------

BIG = "@story big\n@title Big\n@role Bo: a reader.\n@start a\n@flag s: str = \"" + "x" * 99_000 + "\"\n"


def _folder(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "big"
    folder.mkdir()
    (folder / "main.ifs").write_text(text, encoding="utf-8")
    return folder


def _play(folder: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ENGINE)}
    return subprocess.run([sys.executable, "-m", "ifengine", "play", str(folder), "--plain"], input=stdin,
                          capture_output=True, text=True, env=env, timeout=120)


def test_a_line_that_would_render_100_mb_is_a_fault_where_it_stands(tmp_path):
    folder = _folder(tmp_path, BIG + "=== a: A\n" + "{s}" * 1000 + "\n* canon [Go] -> b\n=== ending b (canon): B\nBye.\n")
    r = _play(folder)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.strip() == (f"error: {folder / 'main.ifs'}:7:1: this text renders more than 1,000,000 "
                                "characters, the most one scene may show")


def test_a_scene_whose_paragraphs_together_pass_the_bound_is_a_fault(tmp_path):
    body = "".join(f"Part {i}: {{s}}\n\n" for i in range(11))
    folder = _folder(tmp_path, BIG + "=== a: A\n" + body + "* canon [Go] -> b\n=== ending b (canon): B\nBye.\n")
    r = _play(folder)
    assert r.returncode == 1
    assert r.stderr.strip() == (f"error: {folder / 'main.ifs'}:6:5: scene 'a' renders more than 1,000,000 "
                                "characters, the most one scene may show")


def test_a_long_paragraph_under_the_bound_is_wrapped_to_the_width(tmp_path):
    words = "{s} " * 9 + "and a few words after it"
    folder = _folder(tmp_path, BIG + "=== a: A\n" + words + "\n* canon [Go] -> b\n=== ending b (canon): B\nBye.\n")
    r = _play(folder, "1\n")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert max(map(len, lines)) == 78 and sum(line.count("x") for line in lines) == 9 * 99_000
    assert "and a few words after it" in r.stdout


# ---- point 15: plain mode wraps by terminal columns ----------------------------------------------


def test_plain_mode_wraps_cjk_text_by_columns_not_characters(tmp_path):
    from rich.cells import cell_len

    prose = "霧の夜、灯台守は最後の油を灯に注いだ。" * 12
    folder = _folder(tmp_path, "@story cjk\n@title 灯台\n@role 守: 灯台守。\n@start a\n=== a: 灯台\n" + prose +
                     " End of the night.\n* canon [Go] -> b\n=== ending b (canon): B\nBye.\n")
    r = _play(folder, "1\n")
    assert r.returncode == 0, r.stderr
    wrapped = [line for line in r.stdout.splitlines() if "霧" in line or "night" in line]
    assert len(wrapped) >= 6 and all(cell_len(line) <= 78 for line in wrapped)
    assert max(cell_len(line) for line in wrapped) >= 76  # each line is filled, not cut at half the width
    assert " ".join(wrapped).replace(" ", "") == prose + "Endofthenight."


# ---- point 13 and the time bounds: --at over the dice, --at and --max-states bounded in time --------

LUCKY = ("@story lucky\n@title Lucky\n@role R: r.\n@start a\n=== a: A\nHi.\n* [Win] -> lucky\n  ? chance(5)\n"
         "* canon [Stop] -> b\n=== lucky: Lucky\nYou won.\n* canon [On] -> b\n=== ending b (canon): B\nBye.\n")


def test_at_a_scene_behind_the_dice_is_reached_with_a_seed_that_gets_there(tmp_path):
    folder = _folder(tmp_path, LUCKY)
    env = {**os.environ, "PYTHONPATH": str(ENGINE)}
    r = subprocess.run([sys.executable, "-m", "ifengine", "play", str(folder), "--plain", "--at", "lucky"],
                       input="1\n", capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    first = r.stdout.splitlines()[0]
    assert first.startswith("(started at 'lucky' by the shortest path: a.win; reached with seed ")
    seed = int(first.rsplit(" ", 1)[1].rstrip(")"))
    session = ifengine.Session(ifengine.load_story(folder), seed)
    session.choose("a.win")  # that seed does get there
    assert session.scene_id == "lucky" and "== Lucky ==" in r.stdout


def test_at_with_a_seed_given_that_cannot_get_there_names_one_that_can(tmp_path, capsys):
    folder = _folder(tmp_path, LUCKY)
    assert main(["play", str(folder), "--plain", "--at", "lucky", "--seed", "0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ifengine play: --at: no path reaches scene 'lucky' with seed 0; with seed ")
    assert err.rstrip().endswith(")") and "one does (--seed " in err


COUNTER = ("@story sq\n@title Sq\n@role R: r.\n@start a\n@flag x: int = 2\n=== a: A\n~ x = x + 1\nX is {x}.\n"
           "+ [Again] -> a\n* [Neg] -> neg\n  ? x < 0\n* canon [Stop] -> b\n=== neg: Neg\nNo.\n* canon [On] -> b\n"
           "=== ending b (canon): B\nBye.\n")


def test_at_gives_up_within_its_time_bound_and_says_so(tmp_path):
    folder = _folder(tmp_path, COUNTER)
    env = {**os.environ, "PYTHONPATH": str(ENGINE)}
    r = subprocess.run([sys.executable, "-m", "ifengine", "play", str(folder), "--plain", "--at", "neg"],
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 2
    assert r.stderr == ("ifengine play: --at: no path into scene 'neg' was found within the search's bounds "
                        "(200,000 states, 10 s)\n")


def test_the_exhaustive_search_is_bounded_in_time_and_says_which_bound_stopped_it(tmp_path, capsys):
    folder = _folder(tmp_path, "@story dice\n@title Dice\n@role R: r.\n@start a\n=== a: A\nYou rolled "
                     "{roll(1000000000)}.\n* canon [Stop] -> b\n=== ending b (canon): B\nBye.\n")
    assert main(["explore", str(folder), "--exhaustive", "--max-seconds", "0.5"]) == 0  # as at --max-states
    out = capsys.readouterr().out
    assert "INCOMPLETE: stopped after --max-seconds 0.5; what is listed unreached was not reached" in out
    assert main(["explore", str(folder), "--exhaustive", "--max-seconds", "0.5", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["complete"] is False and data["stopped_by"] == "time"
    assert main(["explore", str(folder), "--exhaustive", "--max-seconds", "0"]) == 2
    assert capsys.readouterr().err == "ifengine explore: --max-seconds must be more than 0, not 0\n"


async def test_the_side_panel_wraps_a_long_flag_value_at_spaces_never_mid_word(tmp_path):
    from textual.widgets import Static

    from ifengine.ui.app import Start
    from tests.fixtures.ui.support import app, settle

    orders = "hold the causeway until the relief column arrives from Tilam at dawn"
    folder = _folder(tmp_path, "@story side\n@title Side\n@role Sid: a reader.\n@start a\n"
                     f"@flag orders: str = \"{orders}\" \"Standing orders for the night\"\n"
                     "@flag coins: int = 3 \"Coins\"\n"
                     "=== a: A\nHi.\n* canon [Go] -> b\n=== ending b (canon): B\nBye.\n")
    story = ifengine.load_story(folder)
    a = app(start=Start(story, folder, ifengine.Session(story, 0)))
    async with a.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        stats = a.screen.query_one("#stats", Static)
        lines = [strip.text.rstrip() for strip in stats.render_lines(stats.content_region.reset_offset)]
    shown = [line.strip() for line in lines if line.strip()]
    words = " ".join(shown).split()
    for word in orders.split():
        assert word in words, (word, lines)  # every word whole on one line
    assert "Coins" in words and "3" in words and "Standing" in words
