"""`ifengine play --plain` and `ifengine replay`, run as a user runs them: a real process, stdin piped in,
exit status and both output streams checked. Against the fixtures and against `examples/showcase`."""
from __future__ import annotations

import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from ifengine import load_story
from ifengine.runtime import Session
from ifengine.saves import read_run

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "engine"
SHOWCASE = ROOT / "examples" / "showcase"
needs_showcase = pytest.mark.skipif(not (SHOWCASE / "main.ifs").is_file(), reason="examples/showcase not written yet")
ESC = "\x1b"


def ifengine(*args: str, stdin: str = "", env: dict[str, str] | None = None, cwd: Path = ROOT,
             timeout: float = 60) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "ifengine", *args], input=stdin, capture_output=True, text=True,
                          env=full_env, cwd=cwd, timeout=timeout)


def canon_ending_title(story_dir: Path) -> str:
    s = Session(load_story(story_dir))
    while not s.is_over:
        s.choose(s.canon_choice())
    return s.view().ending.title


def copy_story(src: Path, tmp_path: Path) -> Path:
    dest = tmp_path / src.name
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("runs", "README.md"))
    return dest


def clean(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout, result.stderr


# ---- play --canon ------------------------------------------------------------------


@needs_showcase
def test_showcase_canon_reaches_the_canon_ending() -> None:
    r = ifengine("play", "examples/showcase", "--plain", "--canon")
    clean(r)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.rstrip("\n").splitlines()
    assert lines[-1] == f"ENDING: canon: {canon_ending_title(SHOWCASE)}"
    assert ESC not in r.stdout


@pytest.mark.parametrize("name", ["constructs", "choices", "canon", "walk", "extend", "dice"])
def test_fixture_canon_reaches_the_canon_ending(name: str) -> None:
    r = ifengine("play", str(FIXTURES / name), "--plain", "--canon")
    clean(r)
    assert r.returncode == 0
    assert r.stdout.rstrip("\n").splitlines()[-1] == f"ENDING: canon: {canon_ending_title(FIXTURES / name)}"


def test_canon_mode_echoes_each_choice_and_shows_every_scene() -> None:
    r = ifengine("play", str(FIXTURES / "constructs"), "--plain", "--canon")
    out = r.stdout
    for line in ("== Entry Effects ==", "> Continue", "== Text ==", "> Finish",
                 "== Meanwhile, Aboard  (Captain Moss) ==", "== Finished ==",
                 "Final: hp 4, gold -6, brave false, level -3."):
        assert line in out, line


# ---- plain input ------------------------------------------------------------------------


def test_plain_numbers_the_choices_and_shows_disabled_ones_with_their_reason() -> None:
    r = ifengine("play", str(FIXTURES / "choices"), "--plain", stdin="")
    clean(r)
    assert r.returncode == 0
    assert "\n".join([
        "  1. Take a coin",
        "  2. Take another coin",
        "  3. Pick up the key",
        "  4. Open the door (0 coins) (unavailable: The door is locked.)",
        "  5. Go down the drain",
        "  6. Leave *",
    ]) in r.stdout


def test_plain_reprompts_on_bad_input() -> None:
    bad = ["abc", "0", "99", "-1", "", "  ", "1.5", "²", "4"]
    r = ifengine("play", str(FIXTURES / "choices"), "--plain", stdin="\n".join(bad + ["3", "5"]) + "\n")
    clean(r)
    assert r.returncode == 0
    out = r.stdout
    assert out.count("Please type a number from 1 to 6.") == 8
    assert out.count("That choice is unavailable: The door is locked.") == 1
    # then 3 (the key) was taken, and 5 (leave, fifth in the list without the key) ends the story
    assert "  3. Open the door (0 coins) (unavailable: You need two coins.)" in out
    assert out.rstrip("\n").splitlines()[-1] == "ENDING: canon: Gone"


def test_plain_end_of_input_stops_cleanly() -> None:
    r = ifengine("play", str(FIXTURES / "walk"), "--plain", stdin="1\n1\n")
    clean(r)
    assert r.returncode == 0 and r.stderr == ""
    assert "You have walked 2 times." in r.stdout
    assert "ENDING" not in r.stdout


def test_plain_fallback_scenes_are_shown_on_the_way() -> None:
    r = ifengine("play", str(FIXTURES / "choices"), "--plain", stdin="5\n")
    out = r.stdout
    assert out.index("== The Drain ==") < out.index("== The Tunnel ==") < out.index("== The Sewer ==")
    assert "The drain is dark." in out and "You crawl through the tunnel." in out


def test_plain_dead_end_says_so() -> None:
    # key, drain (falls back to the corridor), walk back, drain again: nothing left in the drain
    r = ifengine("play", str(FIXTURES / "choices"), "--plain", stdin="3\n4\n1\n4\n")
    clean(r)
    assert r.returncode == 0
    assert r.stdout.rstrip("\n").splitlines()[-1] == "The story stops here: no choice is available (a dead end)."


def test_plain_same_seed_same_output_and_seeds_differ() -> None:
    a = ifengine("play", str(FIXTURES / "dice"), "--plain", "--seed", "5", stdin="1\n1\n3\n1\n")
    b = ifengine("play", str(FIXTURES / "dice"), "--plain", "--seed", "5", stdin="1\n1\n3\n1\n")
    assert a.stdout == b.stdout
    others = {ifengine("play", str(FIXTURES / "dice"), "--plain", "--seed", str(s), stdin="1\n").stdout
              for s in range(6)}
    assert len(others) > 1


def test_play_an_unknown_story_lists_the_stories_there_are() -> None:
    r = ifengine("play", "no-such-story-anywhere", "--plain")
    clean(r)
    assert r.returncode == 2
    assert r.stderr.startswith("ifengine play: no story found at or named 'no-such-story-anywhere' "
                               "(stories you can play: cerberi (Foley: Amongst the Stars), ")
    assert "rumak (Rumak: Red Helms), showcase (Ines Varga: The Skerry Light))" in r.stderr
    assert len(r.stderr.splitlines()) == 1


def test_play_a_broken_story_lists_its_errors() -> None:
    r = ifengine("play", str(FIXTURES / "broken"), "--plain")
    clean(r)
    assert r.returncode == 1
    assert "the story has errors and cannot be played (5 errors, 1 warning)" in r.stderr


def test_a_runtime_error_is_one_line_and_the_run_is_still_recorded(tmp_path: Path) -> None:
    run = tmp_path / "crash.toml"
    r = ifengine("play", str(FIXTURES / "runaway"), "--plain", "--record", str(run), stdin="1\n")
    clean(r)
    assert r.returncode == 1
    errors = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "automatic steps" in errors[0]
    assert read_run(run).choices == ()  # the failed choice was not taken
    assert ifengine("replay", str(run)).returncode == 0


# ---- record and replay -----------------------------------------------------------------------


def test_record_at_the_ending_and_replay(tmp_path: Path) -> None:
    run = tmp_path / "runs" / "walk.toml"
    run.parent.mkdir()  # (a folder that does not exist is refused: see test_record_into_a_missing_folder)
    r = ifengine("play", str(FIXTURES / "walk"), "--plain", "--seed", "3", "--record", str(run),
                 stdin="1\n1\n2\n2\n1\n")
    clean(r)
    assert r.returncode == 0
    assert r.stdout.rstrip("\n").splitlines()[-1] == "ENDING: canon: By the Lake"
    assert r.stderr.strip() == f"recorded 5 choices to {run}"
    recorded = read_run(run)
    assert recorded.seed == 3 and recorded.end.ending == "end-lake"
    assert recorded.choices == ("gate.enter", "path.loop", "path.coin", "path.on", "lake.continue")
    rep = ifengine("replay", str(run))
    clean(rep)
    assert rep.returncode == 0
    assert rep.stdout.strip() == f"ok   {run}: 5 choices, ending 'end-lake' (canon)"


def test_record_at_end_of_input(tmp_path: Path) -> None:
    run = tmp_path / "partial.toml"
    r = ifengine("play", str(FIXTURES / "walk"), "--plain", "--record", str(run), stdin="1\n1\n")
    assert r.returncode == 0
    recorded = read_run(run)
    assert recorded.choices == ("gate.enter", "path.loop") and recorded.end.ending is None
    assert recorded.end.scene == "path" and recorded.end.flags["steps"] == 2
    rep = ifengine("replay", str(run), "--story", str(FIXTURES / "walk"))
    assert rep.returncode == 0 and rep.stdout.strip() == f"ok   {run}: 2 choices, scene 'path'"


@needs_showcase
def test_showcase_canon_run_records_and_replays(tmp_path: Path) -> None:
    run = tmp_path / "canon.toml"
    r = ifengine("play", "examples/showcase", "--plain", "--canon", "--record", str(run))
    assert r.returncode == 0
    doc = tomllib.loads(run.read_text(encoding="utf-8"))
    assert doc["story"]["id"] == "showcase" and doc["end"]["ending"]
    rep = ifengine("replay", str(run))
    clean(rep)
    assert rep.returncode == 0 and rep.stdout.startswith("ok   ")


@needs_showcase
def test_replay_against_an_edited_copy_of_the_showcase(tmp_path: Path) -> None:
    story = copy_story(SHOWCASE, tmp_path)
    run = tmp_path / "canon.toml"
    assert ifengine("play", str(story), "--plain", "--canon", "--record", str(run)).returncode == 0
    main = story / "main.ifs"
    text = main.read_text(encoding="utf-8")
    # prose edited, a scene and a flag added: still replays
    main.write_text(text.replace("The fog came in at dusk", "The fog came in before dusk", 1)
                    + "\n@flag spare: int = 0\n\n=== annex: The Annex\nDusty {spare}.\n* [Out] -> cottage\n",
                    encoding="utf-8")
    rep = ifengine("replay", str(run), "--story", str(story))
    clean(rep)
    assert rep.returncode == 0, rep.stdout
    # the chosen choice of the lamp room gone (its id changed): replay names the exact step and fails
    cid = read_run(run).choices
    step = next(i for i, c in enumerate(cid, 1) if c == "lamp-room.light")
    main.write_text(text.replace("* (light) canon [Light the lamp]", "* (light-it) canon [Light the lamp]", 1),
                    encoding="utf-8")
    rep = ifengine("replay", str(run), "--story", str(story))
    clean(rep)
    assert rep.returncode == 1
    assert rep.stdout.strip() == (f"FAIL {run}: step {step}: choice 'light' is no longer offered in scene "
                                  f"'lamp-room'; resumed there")


def test_replay_against_an_edited_copy_names_the_exact_step(tmp_path: Path) -> None:
    story = copy_story(FIXTURES / "walk", tmp_path)
    run = tmp_path / "run.toml"
    assert ifengine("play", str(story), "--plain", "--record", str(run), stdin="1\n1\n2\n1\n1\n").returncode == 0
    f = story / "story.ifs"
    f.write_text(f.read_text(encoding="utf-8").replace("* (coin) [Pick up the coin] -> path\n", "* (coin) "
                                                       "[Pick up the coin] -> path\n  ? false\n"), encoding="utf-8")
    before = run.read_bytes()
    rep = ifengine("replay", str(run), "--story", str(story))
    clean(rep)
    assert rep.returncode == 1
    assert rep.stdout.strip() == f"FAIL {run}: step 3: choice 'coin' is no longer offered in scene 'path'; resumed there"
    assert run.read_bytes() == before


@pytest.mark.parametrize("content", [b"", b"\x89PNG\r\n\x1a\n\x00\x00", b"[format]\nkind = \"ifengine-run\"\nver",
                                     b"[tool.black]\nline-length = 100\n",
                                     b"[format]\nkind = \"ifengine-run\"\nversion = 99\n"],
                         ids=["empty", "png", "truncated", "foreign", "newer"])
def test_replay_of_a_corrupt_run_is_one_clean_line(content: bytes, tmp_path: Path) -> None:
    run = tmp_path / "bad.toml"
    run.write_bytes(content)
    r = ifengine("replay", str(run))
    clean(r)
    assert r.returncode == 1
    assert r.stdout == ""
    assert len(r.stderr.splitlines()) == 1 and r.stderr.startswith(f"error: {run}: ")
    assert run.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]


def test_replay_several_runs_reports_each(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    assert ifengine("play", str(FIXTURES / "walk"), "--plain", "--canon", "--record", str(good)).returncode == 0
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"nonsense")
    r = ifengine("replay", str(good), str(bad))
    assert r.returncode == 1
    assert r.stdout.startswith(f"ok   {good}:")
    assert r.stderr.startswith(f"error: {bad}: ")


# ---- transcript ------------------------------------------------------------------------------


@needs_showcase
def test_replay_writes_a_markdown_transcript(tmp_path: Path) -> None:
    run = tmp_path / "canon.toml"
    assert ifengine("play", "examples/showcase", "--plain", "--canon", "--record", str(run)).returncode == 0
    out = tmp_path / "OUT.md"
    r = ifengine("replay", str(run), "--transcript", str(out))
    assert r.returncode == 0
    md = out.read_text(encoding="utf-8")
    story = load_story(SHOWCASE)
    session = Session(story)
    assert md.startswith(f"# {story.title}\n")
    assert f"## {session.view().title}" in md
    for cid in read_run(run).choices:
        label = next(c.label for c in session.view().choices if c.id == cid)
        assert f"> **{label}** *(canon)*" in md or f"> **{label}**" in md
        session.choose(cid)
        assert f"## {session.view().title}" in md
    assert "The fog came in at dusk" in md  # prose
    assert "\n\\* 21.15. Fog" in md  # a paragraph that begins with `*` stays a paragraph, not a list
    assert md.rstrip("\n").splitlines()[-1] == f"**ENDING: canon: {session.view().ending.title}**"


def test_transcript_of_a_fixture_run(tmp_path: Path) -> None:
    run = tmp_path / "run.toml"
    assert ifengine("play", str(FIXTURES / "choices"), "--plain", "--record", str(run), stdin="5\n1\n6\n").returncode == 0
    out = tmp_path / "t.md"
    assert ifengine("replay", str(run), "--transcript", str(out)).returncode == 0
    assert out.read_text(encoding="utf-8") == "\n".join([
        "# Choices", "", "*Playing Chooser: someone who picks.*", "", "Seed 0.", "",
        "## The Hub", "", "Coins: 0. Hub visits 1, vault seen false, hall visits 0, hub seen true.", "",
        "> **Go down the drain**", "",
        "## The Drain", "", "The drain is dark.", "",
        "## The Tunnel", "", "You crawl through the tunnel.", "",
        "## The Sewer", "", "It smells.", "",
        "> **Climb out**", "",
        "## The Hub", "", "Coins: 0. Hub visits 2, vault seen false, hall visits 0, hub seen true.", "",
        "> **Leave** *(canon)*", "",
        "## Gone", "", "You leave with 0 coins.", "",
        "**ENDING: canon: Gone**", "",
    ])


def test_transcript_marks_interludes(tmp_path: Path) -> None:
    run = tmp_path / "run.toml"
    assert ifengine("play", str(FIXTURES / "constructs"), "--plain", "--canon", "--record", str(run)).returncode == 0
    out = tmp_path / "t.md"
    assert ifengine("replay", str(run), "--transcript", str(out)).returncode == 0
    md = out.read_text(encoding="utf-8")
    assert "## Meanwhile, Aboard *(Captain Moss)*\n\n*The captain has not heard of you.*\n" in md


# ---- colour -----------------------------------------------------------------------------------


def _play_on_a_tty(args: list[str], env: dict[str, str]) -> str:
    """Run with stdout on a pseudo-terminal (so isatty() is true) and return what it printed."""
    master, slave = pty.openpty()
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    proc = subprocess.Popen([sys.executable, "-m", "ifengine", *args], stdin=subprocess.DEVNULL, stdout=slave,
                            stderr=slave, env=full_env, cwd=ROOT)
    os.close(slave)
    chunks = []
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 30)
            if not ready:
                break
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
        proc.wait(timeout=30)
    return b"".join(chunks).decode("utf-8", "replace")


def test_non_tty_output_is_plain_text() -> None:
    r = ifengine("play", str(FIXTURES / "constructs"), "--plain", "--canon", env={"NO_COLOR": ""})
    assert r.returncode == 0 and ESC not in r.stdout and ESC not in r.stderr


def test_a_terminal_gets_colour_unless_no_color_is_set() -> None:
    args = ["play", str(FIXTURES / "constructs"), "--plain", "--canon"]
    coloured = _play_on_a_tty(args, {"NO_COLOR": ""})  # set but empty counts as unset (no-color.org)
    assert "ENDING: canon: Finished" in coloured and ESC in coloured  # the check below means something
    plain = _play_on_a_tty(args, {"NO_COLOR": "1"})
    assert "ENDING: canon: Finished" in plain
    assert ESC not in plain


def test_record_never_replaces_a_folder_or_a_story_file(tmp_path: Path) -> None:
    story = tmp_path / "sk"
    shutil.copytree(SHOWCASE, story)
    before = (story / "main.ifs").read_bytes()
    for target, why in ((story, "is a folder"), (story / "main.ifs", "not replacing it")):
        r = ifengine("play", str(story), "--plain", "--canon", "--record", str(target))
        clean(r)
        assert r.returncode == 1 and why in r.stderr
    assert (story / "main.ifs").read_bytes() == before and story.is_dir()
    assert not list(story.glob("*.bad*"))


def test_replay_transcript_to_an_unwritable_place_is_one_line(tmp_path: Path) -> None:
    run = tmp_path / "r.toml"
    clean(ifengine("play", str(SHOWCASE), "--plain", "--canon", "--record", str(run)))
    r = ifengine("replay", str(run), "--transcript", str(tmp_path))
    clean(r)
    assert r.returncode == 1
    assert [line for line in r.stderr.splitlines() if line.startswith("error:")] == [
        f"error: cannot write the transcript {tmp_path}: Is a directory"]


def test_transcript_and_graph_never_replace_a_story_file_or_a_run_file(tmp_path: Path) -> None:
    """Issue 15, point 7: `replay --transcript` and `graph --out` refuse, as `--record` does, to write over
    a story's `.ifs` file or a run file: one line, exit 1, the file unchanged."""
    story = copy_story(SHOWCASE, tmp_path)
    run = tmp_path / "r.toml"
    clean(ifengine("play", str(story), "--plain", "--canon", "--record", str(run)))
    other_run = tmp_path / "other.toml"
    shutil.copy(run, other_run)
    files = {p: p.read_bytes() for p in (story / "main.ifs", story / "branch.ifs", run, other_run)}
    for target, why in ((story / "main.ifs", "is a story file"), (story / "branch.ifs", "is a story file"),
                        (run, "is a run file"), (other_run, "is a run file")):
        r = ifengine("replay", str(run), "--transcript", str(target))
        clean(r)
        assert r.returncode == 1
        assert [line for line in r.stderr.splitlines() if line.startswith("error:")] == [
            f"error: cannot write the transcript {target}: {why}; not replacing it"]
        r = ifengine("graph", str(story), "--out", str(target))
        clean(r)
        assert (r.returncode, r.stderr) == (1, f"ifengine graph: cannot write {target}: {why}; not replacing it\n")
    assert {p: p.read_bytes() for p in files} == files
    notes = tmp_path / "notes.md"
    notes.write_text("old", encoding="utf-8")
    assert ifengine("graph", str(story), "--out", str(notes)).returncode == 0  # any other file is replaced
    assert notes.read_text(encoding="utf-8").startswith("flowchart TD")


def test_record_to_an_empty_name_is_a_usage_error(capsys) -> None:
    """Issue 15, point 17: `--record ""` recorded nothing and said nothing."""
    from ifengine.cli import main

    for name in ("", "  "):
        assert main(["play", str(SHOWCASE), "--plain", "--canon", "--record", name]) == 2
        out, err = capsys.readouterr()
        assert err == "ifengine play: --record needs a file name\n" and out == ""


# ---- plain-mode wording (issue 14) -----------------------------------------------------------------------

LANTERN = ROOT / "tests" / "fixtures" / "ui" / "lantern"


def test_plain_one_choice_says_press_1_or_enter_and_enter_takes_it() -> None:
    # gate: the causeway; causeway: on; the ferryman has one choice: a bad answer, then Enter
    r = ifengine("play", str(LANTERN), "--plain", stdin="1\n2\nx\n\n1\n")
    clean(r)
    out = r.stdout
    assert out.count("Press 1 or Enter.") == 1 and "a number from 1 to 1" not in out
    assert "== The Far Bank ==" in out  # Enter took the ferryman's only choice
    assert r.stdout.rstrip("\n").splitlines()[-1] == "ENDING: canon: Home by Morning"


def test_plain_says_a_number_from_1_to_n() -> None:
    r = ifengine("play", str(LANTERN), "--plain", stdin="9\n")
    assert "Please type a number from 1 to 3." in r.stdout


def test_recorded_1_choice_is_singular(tmp_path: Path) -> None:
    run = tmp_path / "one.toml"
    r = ifengine("play", str(LANTERN), "--plain", "--record", str(run), stdin="1\n")
    assert r.stderr.strip() == f"recorded 1 choice to {run}"


def test_record_into_a_missing_folder_is_one_line_and_makes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "run.toml"
    r = ifengine("play", str(LANTERN), "--plain", "--record", str(target), stdin="1\n")
    clean(r)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == (f"ifengine play: --record: cannot write {target}: the folder {target.parent} "
                        "does not exist\n")
    assert not (tmp_path / "no").exists()


def test_plain_wraps_choices_and_reasons_like_prose(tmp_path: Path) -> None:
    story = tmp_path / "long"
    story.mkdir()
    (story / "story.ifs").write_text(
        "@story long\n@title Long\n@role Reader: someone reading.\n@start a\n@flag key: bool = false\n\n"
        "=== a: A Room\nA room.\n"
        "* canon [Walk all the way along the very long corridor to the far door at its end, and further on] -> b\n"
        "* [Open the iron door] -> b\n"
        "  ? key else \"The iron door is locked, and the key is somewhere far behind you in the dark hall\"\n\n"
        "=== ending b (canon): Out\nOut.\n", encoding="utf-8")
    r = ifengine("play", str(story), "--plain", stdin="")
    clean(r)
    lines = r.stdout.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("  1. Walk"))
    assert all(len(line) <= 78 for line in lines)
    assert lines[first + 1].startswith("     ") and lines[first + 1].strip().endswith("*")
    second = next(i for i, line in enumerate(lines) if line.startswith("  2. Open the iron door"))
    assert "(unavailable: The iron door is locked," in lines[second]
    assert lines[second + 1].startswith("     ") and lines[second + 1].strip()


def test_ctrl_c_and_end_of_input_end_on_a_fresh_line() -> None:
    master, slave = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    # As at a terminal: Ctrl+C interrupts (a test run started in the background inherits SIGINT ignored,
    # and an ignored signal stays ignored in the child).
    proc = subprocess.Popen([sys.executable, "-m", "ifengine", "play", str(LANTERN), "--plain"], stdin=slave,
                            stdout=slave, stderr=slave, env=env, cwd=ROOT,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    os.close(slave)
    out = b""

    def read_until(marker: bytes, timeout: float = 30) -> None:
        nonlocal out
        while marker not in out:
            ready, _, _ = select.select([master], [], [], timeout)
            if not ready:
                raise AssertionError(f"no {marker!r} in {out!r}")
            out += os.read(master, 65536)

    try:
        read_until(b"> ")
        proc.send_signal(signal.SIGINT)  # what Ctrl+C at the terminal sends the player
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:  # drain the pty: a full one blocks the child
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    out += os.read(master, 65536)
                except OSError:  # the child has closed its end
                    pass
        assert proc.wait(timeout=5) == 130
        while select.select([master], [], [], 0.2)[0]:  # what it wrote last, before it went
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            out += data
    finally:
        os.close(master)
    tail = out[out.rindex(b"> "):]
    assert tail.endswith(b"\r\n") and b"Traceback" not in out  # the shell's prompt starts on its own line
    r = ifengine("play", str(LANTERN), "--plain", stdin="1")  # input ends mid-line: a fresh line too
    assert r.stdout.endswith("> \n") or r.stdout.endswith("\n")


def test_graph_counts_scenes_as_stats_and_explore_do(tmp_path: Path) -> None:
    import json

    story = SHOWCASE if (SHOWCASE / "main.ifs").is_file() else LANTERN
    stats = json.loads(ifengine("stats", str(story), "--json").stdout)
    explored = json.loads(ifengine("explore", str(story), "--runs", "50", "--json").stdout)
    r = ifengine("graph", str(story), "--out", str(tmp_path / "g.mmd"))
    assert r.returncode == 0
    n_endings = sum(stats["endings"].values()) if isinstance(stats["endings"], dict) else stats["endings"]
    assert stats["scenes"] == explored["scenes_total"]
    assert f"graph of {stats['scenes']} scenes and {n_endings} endings to" in r.stderr
