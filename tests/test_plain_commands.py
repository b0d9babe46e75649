"""The plain player as a full player (issue 19): the screen-reader wording, the commands typed at the
prompt in both plain modes, and the autosave it shares with the full-screen player. Played as a person
plays it: `ifengine play` in a pseudo-terminal (its standard streams are a terminal, so the plain mode
colours what it prints), one line typed at a time after each prompt."""
from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ifengine.saves import AUTOSAVE, read_run, slot_path
from tests.fixtures.ui.support import CANON, LANTERN, settle

ROOT = Path(__file__).resolve().parent.parent
ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78])")
# What a screen reader would read out as noise: box drawing, block elements, bullets, the canon star
# and diamonds, the arrows and rules the other players decorate with.
DECORATION = re.compile("[\u2500-\u259f\u2022\u2023\u2043\u2219\u25a0-\u25ff\u2190-\u21ff\u00b7*]|==|->")


class Terminal:
    """`ifengine play ...` in a pty. Everything it prints is drained as it comes (a full pty would block
    it), and `type` waits for the next prompt before typing a line."""

    def __init__(self, *args: str, env: dict[str, str] | None = None, cwd: Path = ROOT) -> None:
        self.master, slave = pty.openpty()
        full_env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm-256color", **(env or {})}
        full_env.pop("NO_COLOR", None)
        self.proc = subprocess.Popen([sys.executable, "-m", "ifengine", "play", *args], cwd=cwd, stdin=slave,
                                     stdout=slave, stderr=slave, env=full_env, close_fds=True,
                                     start_new_session=True)
        os.close(slave)
        self.seen = b""
        self.read_to = 0  # what `wait_for` has handed out already
        self.typed = ""  # the last line typed: the terminal echoes it at the start of what follows

    def _drain(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # the child has closed the pty
            return False
        self.seen += chunk
        return bool(chunk)

    @property
    def text(self) -> str:
        return self.seen.decode("utf-8", "replace").replace("\r\n", "\n")

    def wait_for(self, wanted: str, timeout: float = 60) -> str:
        """Everything printed since the last call, once it holds `wanted` (escape codes removed)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            new = ESCAPES.sub("", self.text[self.read_to:])
            if wanted in new:
                self.read_to = len(self.text)
                return new.removeprefix(self.typed + "\n") if self.typed else new
            if not self._drain(0.2):
                break
        raise AssertionError(f"never printed {wanted!r}; printed:\n{ESCAPES.sub('', self.text[self.read_to:])}")

    def type(self, line: str, prompt: str = "> ") -> str:
        """Wait for the prompt, type `line`; what was printed up to the prompt."""
        before = self.wait_for(prompt)
        os.write(self.master, line.encode("utf-8") + b"\n")
        self.typed = line
        return before

    def finish(self, timeout: float = 60) -> int:
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            self._drain(0.2)
        while self._drain(0):
            pass
        code = self.proc.wait(timeout=5)
        os.close(self.master)
        return code

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        try:
            os.close(self.master)
        except OSError:
            pass


@pytest.fixture
def terminals():
    opened: list[Terminal] = []

    def start(*args: str, env: dict[str, str] | None = None, cwd: Path = ROOT) -> Terminal:
        opened.append(Terminal(*args, env=env, cwd=cwd))
        return opened[-1]

    yield start
    for t in opened:
        t.close()


SR = "Your choice: "


# ---- the screen-reader player ---------------------------------------------------------


def test_the_screen_reader_player_speaks_each_scene_once_in_sentences_with_no_decoration(terminals) -> None:
    t = terminals(str(LANTERN), "--screen-reader")
    start = t.type("2", SR)  # wade out through the reeds: a scene passed by itself, then a death
    assert start.splitlines()[:3] == [
        "Type the number of a choice and press Enter, or type help for the commands.",
        "",
        "Scene: The Marsh Gate.",
    ]
    assert "Fog sits on the black water. A sign on the gate says [CLOSED BY ORDER], and someone has added " \
           "[bold]not really[/bold] underneath in chalk." in start  # one line: the reader wraps, not ifengine
    assert start.rstrip().splitlines()[-4:] == [
        "Choice 1 of 3: Take the causeway (canon).",
        "Choice 2 of 3: Wade out through the reeds.",
        "Choice 3 of 3: Pay the keeper to ferry you, unavailable: You have no coin.",
        SR.strip(),
    ]
    end = t.wait_for("ENDING:")
    assert t.finish() == 0
    assert "Scene: The Reeds.\nThe reeds close over your head." in end
    assert "Scene: Under the Reeds.\nThe marsh keeps what it takes.\n\nENDING: death: Under the Reeds" in end
    assert end.count("The reeds close over your head") == 1  # only new text, once
    assert "\x1b" not in t.text  # no colour, though standard output is a terminal
    assert not DECORATION.findall(t.text.replace("\n", " "))


def test_the_screen_reader_marks_an_interlude_in_words_and_status_is_on_demand(terminals) -> None:
    t = terminals(str(LANTERN), "--screen-reader")
    t.type("1", SR)
    causeway = t.type("2", SR)
    assert "Lantern oil" not in causeway  # no status every turn
    interlude = t.type("status", SR)
    assert "Interlude, seen by The Ferryman: The Ferryman Waits.\nHe has watched the lantern" in interlude
    status = t.type("quit", SR)
    assert status.splitlines()[:3] == ["Status: Lantern oil: 2. Steady nerves: no.",
                                       "Canon compass: you are on the canon path.",
                                       "2 decisions so far, 3 scenes seen."]
    assert t.finish() == 0
    assert "\x1b" not in t.text and not DECORATION.findall(t.text.replace("\n", " "))


def test_the_environment_variable_asks_for_the_screen_reader_player(terminals) -> None:
    t = terminals(str(LANTERN), env={"IFENGINE_SCREEN_READER": "1"})
    assert "Scene: The Marsh Gate." in t.type("quit", SR)
    assert t.finish() == 0 and "\x1b" not in t.text


# ---- the commands, in both plain modes ---------------------------------------------------------------


@pytest.mark.parametrize("mode", ["--plain", "--screen-reader"])
def test_undo_history_rewind_and_again(terminals, mode: str) -> None:
    prompt = SR if mode == "--screen-reader" else "> "
    t = terminals(str(LANTERN), mode)
    t.type("undo", prompt)
    assert "Nothing to undo: this is the start of the story." in t.type("1", prompt)
    t.type("2", prompt)  # keep to the stones: the interlude, then the choice of the ferryman's scene
    t.type("history", prompt)
    history = t.type("undo", prompt)
    assert ["Your decisions so far, 2:",
            "1. The Marsh Gate: you chose Take the causeway (canon).",
            "2. The Causeway: you chose Keep to the stones (canon).",
            "Type rewind and a number to go back to just before that decision."] == history.splitlines()[:4]
    undone = t.type("again", prompt)
    assert undone.startswith("Undone.\n")
    assert "The Causeway" in undone and "Keep to the stones" in undone
    again = t.type("rewind 5", prompt)
    assert "The stones are slick and the lantern hisses." in again  # the scene's text, once more
    assert "Type rewind and the number of a decision, from 1 to 1 (history lists them)." in t.type("rewind 1",
                                                                                                   prompt)
    rewound = t.type("quit", prompt)
    assert rewound.startswith("Back to just before decision 1.\n") and "The Marsh Gate" in rewound
    assert t.finish() == 0
    autosave = read_run(slot_path("lantern", AUTOSAVE))
    assert autosave.choices == ()  # every move autosaved, the rewind to the start too


def test_save_load_help_and_quit_in_plain_mode(terminals, home: Path) -> None:
    t = terminals(str(LANTERN), "--plain")
    t.type("1")
    t.type("save before the ferry")
    saved = t.type("save autosave")
    assert "Saved as before the ferry. Type load before-the-ferry to come back here." in saved
    assert "That name is kept for the autosave; type save and another name." in t.type("save Autosave!")
    assert "That name is kept for the autosave" in t.type("save before the ferry")
    assert "Saved as before the ferry, replacing the save of that name." in t.type("save")
    assert t.type("2").startswith("Saved as save-1. Type load save-1 to come back here.")
    t.type("load")
    listing = t.type("load nothing-like-it")
    assert listing.startswith("Saves of this story, newest first, 3:\n")
    assert "before-the-ferry: at The Causeway, 1 decision, saved " in listing
    assert "save-1: at The Causeway, 1 decision, saved " in listing
    assert re.search(r"^autosave: at The Ferryman Waits, 2 decisions, saved \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$",
                     listing, re.M)
    missing = t.type("load before-the-ferry")
    assert "No save named nothing-like-it (saves of this story: " in missing
    loaded = t.type("help")
    assert loaded.startswith("Loaded before-the-ferry.\n") and "== The Causeway ==" in loaded
    helped = t.type("quit")
    for usage in ("undo:", "history:", "rewind N:", "save [NAME]:", "load [NAME]:", "status:", "again:", "help:",
                  "quit:"):
        assert f"\n{usage} " in helped
    assert "Goodbye. Your run is autosaved" in t.wait_for("Goodbye")
    assert t.finish() == 0
    assert "\x1b[" in t.text  # the plain mode colours a terminal (the screen-reader one never does)
    assert read_run(home / "saves" / "lantern" / "before-the-ferry.toml").choices == ("gate.road",)
    assert read_run(slot_path("lantern", AUTOSAVE)).choices == ("gate.road",)  # the load, autosaved


def test_a_number_is_still_a_choice_and_an_unknown_word_asks_again(terminals) -> None:
    t = terminals(str(LANTERN), "--plain")
    t.type("dance")
    assert "Please type a number from 1 to 3." in t.type("quit")
    assert t.finish() == 0


# ---- one run, two players ---------------------------------------------------------------------------


async def test_a_plain_run_continues_in_the_full_player(terminals) -> None:
    from ifengine.ui.app import IFApp
    from ifengine.ui.screens.play import PlayScreen

    t = terminals(str(LANTERN), "--screen-reader")
    t.type("1", SR)
    t.type("2", SR)
    t.type("quit", SR)
    assert t.finish() == 0
    a = IFApp(folders=[LANTERN], seed=0)
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # ▶ Continue
        await settle(pilot)
        assert isinstance(a.screen, PlayScreen)
        assert a.game is not None and a.game.session.choices_taken == list(CANON[:2])
        assert a.game.view.scene_id == "ferryman"


async def test_a_run_of_the_full_player_continues_in_plain_text(terminals) -> None:
    from ifengine.ui.app import IFApp

    a = IFApp(folders=[LANTERN], seed=0)
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "1")  # the lantern story, then the causeway
        await settle(pilot)
        await pilot.press("2")  # keep to the stones
        await settle(pilot)
    assert read_run(slot_path("lantern", AUTOSAVE)).choices == CANON[:2]
    t = terminals(str(LANTERN), "--plain")
    first = t.type("load autosave")
    assert "a run of this story is in progress at The Ferryman Waits (2 decisions in): type load autosave to " \
           "continue it" in first
    loaded = t.type("1")  # continue, to the far bank
    assert loaded.startswith("Loaded autosave.\n") and "== The Ferryman Waits  (The Ferryman) ==" in loaded
    t.type("1")  # walk the last mile home
    assert "ENDING: canon: Home by Morning" in t.wait_for("ENDING")
    assert t.finish() == 0
    assert read_run(slot_path("lantern", AUTOSAVE)).choices == CANON  # the same run, to its end


def test_canon_mode_leaves_the_autosave_alone(home: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "ifengine", "play", str(LANTERN), "--plain", "--canon"],
                       capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0 and r.stdout.endswith("ENDING: canon: Home by Morning\n")
    assert not (home / "saves").exists()


def test_without_a_story_the_screen_reader_player_lists_the_stories_as_sentences(terminals, tmp_path: Path) -> None:
    import shutil

    shutil.copytree(LANTERN, tmp_path / "stories" / "lantern")  # ./stories comes first in the library
    t = terminals(env={"IFENGINE_SCREEN_READER": "1"}, cwd=tmp_path)
    listing = t.type("0", "Your story: ")
    lines = listing.splitlines()
    assert lines[0].startswith("Stories you can play, ") and lines[0].endswith(":")
    assert lines[1] == ("Story 1 of {}: Mara, The Lantern Road. A courier crossing the marsh at night with one "
                        "lantern. A short road, a low lantern, and two ways home.").format(len(lines) - 2)
    assert "Please type a number from 1 to " in t.type("1", "Your story: ")
    assert "Scene: The Marsh Gate." in t.type("quit", SR)
    assert t.finish() == 0
    assert "\x1b" not in t.text and not DECORATION.findall(t.text.replace("\n", " "))


def test_the_screen_reader_player_refuses_full_screen_flags_and_ends_quietly_without_input(monkeypatch,
                                                                                        capsys) -> None:
    import io

    from ifengine import cli

    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert cli.main(["play", "--screen-reader"]) == 0  # the list of stories, then end of input
    assert capsys.readouterr().out.endswith("Your story: \n")
    monkeypatch.setenv("IFENGINE_SCREEN_READER", "1")
    assert cli.main(["play", str(LANTERN), "--watch"]) == 2
    assert capsys.readouterr().err == ("ifengine play: --watch needs the full-screen player, and --screen-reader "
                                       "(or IFENGINE_SCREEN_READER) asks for the plain one\n")
    monkeypatch.setenv("IFENGINE_SCREEN_READER", "0")  # off, as if unset
    assert cli.screen_reader_wanted() is False


def test_canon_mode_in_screen_reader_words_says_what_was_taken() -> None:
    r = subprocess.run([sys.executable, "-m", "ifengine", "play", str(LANTERN), "--screen-reader", "--canon"],
                       capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0, r.stderr
    assert "Choice 3 of 3: Pay the keeper to ferry you, unavailable: You have no coin.\nTaken: Take the causeway." \
        in r.stdout
    assert r.stdout.endswith("ENDING: canon: Home by Morning\n") and not DECORATION.findall(r.stdout)
