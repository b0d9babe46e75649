"""Live editing, `play.py --story PATH --watch`: the player follows edits of a copy of the lantern story in
tmp_path. Prose edits show at once where the player is; errors go to the problems panel while the last good
version stays playable; a choice taken that no longer exists resumes the run where it stops fitting; a new
file adds choices. The watch polls every few milliseconds here and each wait is for a condition, so the
tests neither sleep for fixed times nor depend on how fast the machine is."""
from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Callable

import pytest
from textual.widgets import OptionList

from ifengine.cli import main, play_main
from ifengine.diagnostics import Diagnostic
from ifengine.source import SourceFile
from ifengine.saves import AUTOSAVE, read_run, slot_path
from ifengine.ui.app import IFApp, make_app
from ifengine.ui.dialogs.save import SaveDialog
from ifengine.ui.screens.play import PlayScreen
from ifengine.ui.watch import changed_files, snapshot, watched_files
from ifengine.ui.widgets.problems import ProblemsPanel, heading, source_text, window
from ifengine.ui.widgets.transcript import SceneText
from tests.fixtures.ui.support import CANON, CLOCK, LANTERN, app, play_args, prompt_text, settle

POLL = 0.05  # seconds between two looks at the files
SIZE = (80, 24)


@pytest.fixture
def story(tmp_path) -> Path:
    """A copy of the lantern story to edit."""
    folder = tmp_path / "lantern"
    shutil.copytree(LANTERN, folder)
    return folder


def watching(folder: Path, choices: tuple[str, ...] = ()) -> IFApp:
    """`play.py --story FOLDER --watch --seed 0`, after `choices` (taken by id before the app starts)."""
    a = make_app(play_args(story=str(folder), watch=True, seed=0), clock=CLOCK, pace=0.01, watch_interval=POLL)
    assert a.start is not None
    for cid in choices:
        a.start.session.choose(cid)
    return a


def edit(path: Path, old: str, new: str) -> None:
    """Replace text in a script as an editor saving it would. The size changes, so the change is seen even
    where the filesystem's clock is coarser than the time between two edits."""
    text = path.read_text(encoding="utf-8")
    assert old in text and len(old) != len(new)
    path.write_text(text.replace(old, new), encoding="utf-8")


async def until(pilot, condition: Callable[[], bool], what: str, timeout: float = 5.0) -> None:
    """Let the app run (polls, reloads, their results on screen) until `condition` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        await pilot.pause(POLL)
        await settle(pilot)


async def watched(pilot) -> None:
    """Wait for the first poll, which compares what is on disk with the story being played."""
    await until(pilot, lambda: pilot.app._watch.snapshot is not None, "the first poll is done")


def panel(a: IFApp) -> ProblemsPanel:
    return a.screen.query_one(ProblemsPanel)


def transcript(a: IFApp) -> str:
    return "\n".join(str(w.render()) for w in a.screen.query(SceneText))


def choice_labels(a: IFApp) -> list[str]:
    widget = a.screen.query_one("#choices", OptionList)
    return [prompt_text(o.prompt) for o in widget.options]


def notes(a: IFApp) -> list[str]:
    return [n.message for n in a._notifications]


# ---- the four edits an author makes ------------------------------------------------------------------


async def test_prose_edit_shows_at_the_same_scene_with_the_same_choices(story):
    a = watching(story, CANON[:2])
    async with a.run_test(size=SIZE) as pilot:
        await watched(pilot)
        first = a.game
        assert a.game.view.scene_id == "ferryman" and "The stones are slick" in transcript(a)
        edit(story / "story.ifs", "The stones are slick", "The old stones are slick")
        await until(pilot, lambda: a.game is not first, "the new version is in play")
        assert a.game.view.scene_id == "ferryman"
        assert a.game.session.choices_taken == list(CANON[:2])
        assert "The old stones are slick" in transcript(a) and "The stones are slick" not in transcript(a)
        assert "Reloaded: story.ifs changed." in notes(a)
        assert not panel(a).display
        await settle(pilot)  # the autosave goes on, with the new version
        assert read_run(slot_path("lantern", AUTOSAVE)).story_digest == a.game.story.digest


async def test_the_edited_files_cache_entry_is_written_after_the_new_text_is_shown(story, monkeypatch):
    """The reload's parse is kept on disk (a fresh process reads it back), but encoding and writing it waits
    until the new version is in play: the save-to-screen time does not pay for it."""
    from ifengine import cache
    from ifengine.script_cache import digest_of, version

    written: list[tuple[str, bool]] = []  # each entry written since the edit, and whether it was in play then
    real = cache.write_entry
    a = watching(story, CANON[:2])
    first = a.game

    def write_entry(kind: str, name: str, key: str, payload: bytes) -> None:
        written.append((kind, a.game is not first))
        real(kind, name, key, payload)
    async with a.run_test(size=SIZE) as pilot:
        await watched(pilot)
        first = a.game
        monkeypatch.setattr(cache, "write_entry", write_entry)
        edit(story / "story.ifs", "The stones are slick", "The wet stones are slick")
        await until(pilot, lambda: a.game is not first, "the new version is in play")
        assert ("scripts", False) not in written
        text = (story / "story.ifs").read_text(encoding="utf-8")
        await until(pilot, lambda: cache.read_entry("scripts", digest_of(text), version()) is not None,
                    "the edited file's entry is written")
        assert written and all(after for _, after in written)


async def test_errors_show_in_the_panel_and_the_old_version_stays_playable(story):
    a = watching(story, CANON[:1])
    async with a.run_test(size=SIZE) as pilot:
        await watched(pilot)
        played = a.game.story
        script = story / "story.ifs"
        line = script.read_text().splitlines().index("* (home) canon [Walk the last mile home] -> home") + 1
        edit(script, "[Walk the last mile home] -> home", "[Walk the last mile home] home")
        await until(pilot, lambda: panel(a).display, "the problems panel shows")
        lines = panel(a).plain().splitlines()
        assert f"story.ifs:{line}:42: expected '->' after the choice label, found text 'home' [IFS100]" in lines[0]
        assert lines[1:3] == ["  * (home) canon [Walk the last mile home] home",  # literally: [..] is no markup
                              "  " + " " * 41 + "^"]  # under column 42
        assert "1 error in the edited story" in str(panel(a).border_title)
        # It fits at 80x24: a few rows at the top; the story and its choices keep the rest.
        assert 0 < panel(a).region.height <= 9 and a.screen.query_one("#choices").region.height > 0
        assert a.game.story is played
        await pilot.press("2")  # the old version is still the one played: Keep to the stones
        await settle(pilot)
        assert a.game.view.scene_id == "ferryman" and panel(a).display

        edit(script, "[Walk the last mile home] home", "[Walk the last mile home at last] -> home")
        await until(pilot, lambda: not panel(a).display, "the problems panel goes away")
        assert a.game.story is not played and a.game.view.scene_id == "ferryman"
        await pilot.press("1")  # continue
        await settle(pilot)
        assert a.game.view.scene_id == "far-bank"
        assert choice_labels(a)[0].endswith("Walk the last mile home at last")


async def test_removing_the_choice_taken_resumes_where_the_run_stops_fitting(story):
    a = watching(story, CANON[:3])
    async with a.run_test(size=SIZE) as pilot:
        await watched(pilot)
        assert a.game.view.scene_id == "far-bank"
        edit(story / "story.ifs", "* (on) canon [Keep to the stones] -> ferryman",
             "* (hurry) canon [Hurry along the stones] -> ferryman")
        await until(pilot, lambda: a.game.view.scene_id == "causeway", "the run is resumed at the causeway")
        message = "step 2: choice 'on' is no longer offered in scene 'causeway'; resumed there"
        assert message in notes(a)
        assert a.game.session.choices_taken == ["gate.road"]
        assert "Hurry along the stones" in choice_labels(a)[1]
        await pilot.press("2")  # play goes on from that step, in the new version
        await settle(pilot)
        assert a.game.view.scene_id == "ferryman"
        assert a.game.session.choices_taken == ["gate.road", "causeway.hurry"]


async def test_a_new_file_with_a_scene_and_an_extend_adds_a_choice(story):
    a = watching(story, CANON[:3])
    async with a.run_test(size=SIZE) as pilot:
        await watched(pilot)
        assert len(choice_labels(a)) == 2
        (story / "river.ifs").write_text(
            "=== extend far-bank\n"
            "* (swim) [Swim back across] -> river\n\n"
            "=== river: The River\n"
            "The water is colder than the lantern's light made it look.\n"
            "* (out) [Climb out on the home side] -> home\n", encoding="utf-8")
        await until(pilot, lambda: len(choice_labels(a)) == 3, "the new choice is offered")
        assert choice_labels(a)[2].endswith("Swim back across")
        assert "Reloaded: river.ifs changed." in notes(a)
        await pilot.press("3")
        await settle(pilot)
        assert a.game.view.scene_id == "river" and "colder than the lantern's light" in transcript(a)

        (story / "river.ifs").unlink()  # and deleting the file takes the choice away again
        await until(pilot, lambda: a.game.view.scene_id == "far-bank", "the run is back at the far bank")
        assert "step 4: choice 'swim' is no longer offered in scene 'far-bank'; resumed there" in notes(a)


# ---- around the edits --------------------------------------------------------------------------------


async def test_a_reload_waits_for_an_open_dialog(story):
    a = watching(story, CANON[:1])
    async with a.run_test(size=SIZE) as pilot:
        await watched(pilot)
        first = a.game
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(a.screen, SaveDialog)
        edit(story / "story.ifs", "The stones are slick", "The old stones are slick")
        await until(pilot, lambda: a._watch.pending is not None, "the new version waits")
        assert isinstance(a.screen, SaveDialog) and a.game is first  # the player's dialog stays
        await pilot.press("escape")
        await until(pilot, lambda: a.game is not first, "the new version is in play")
        assert isinstance(a.screen, PlayScreen) and "The old stones are slick" in transcript(a)


NEVER = 3600.0  # a watch interval the test never waits out: it ticks the watch itself (`tick`)


async def tick(pilot) -> None:
    """One tick of the watch timer, by hand, and everything it starts run to the end (the poll in its
    worker, the result handled on the UI thread): a test that ticks this way waits for no clock."""
    pilot.app.check_story_files()
    await settle(pilot)
    await pilot.pause()


async def test_without_story_the_watch_follows_the_story_picked_on_the_title_screen(story):
    a = app(folders=[story], watch=True, watch_interval=NEVER)
    async with a.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # the only card: a new run of the copy
        await until(pilot, lambda: isinstance(a.screen, PlayScreen), "the story is open")
        await tick(pilot)  # the first poll: the story on disk is the one in play
        assert a._watch.snapshot is not None and "Fog sits on the black water." in transcript(a)
        edit(story / "story.ifs", "Fog sits on the black water.", "Fog sits thick on the black water.")
        await tick(pilot)
        assert "Fog sits thick" in transcript(a)


async def test_a_watch_tick_before_the_play_screen_is_built_waits_for_it(story):
    """Issue 15, point 18: the timer fired between `open_game` pushing the play screen and the screen's
    compose, and `NoMatches: ProblemsPanel` ended the app. Here the tick comes exactly there."""
    from ifengine.loader import load_story
    from ifengine.runtime import Session
    from ifengine.ui.game import Game

    a = app(folders=[story], watch=True, watch_interval=NEVER)
    async with a.run_test(size=SIZE) as pilot:
        await settle(pilot)
        (story / "broken.ifs").write_text("=== broken\n", encoding="utf-8")  # the disk has errors now
        lantern = load_story(story / "story.ifs")
        a.open_game(Game(lantern, story, Session(lantern, 0), set()))
        a.check_story_files()  # the play screen is pushed, not yet mounted
        await settle(pilot)
        await pilot.pause()
        assert isinstance(a.screen, PlayScreen) and a.return_code is None
        await tick(pilot)
        assert panel(a).display and a.watch_problems is not None  # shown once the screen is there


def test_watch_needs_the_full_screen_player(capsys):
    assert play_main(["--story", str(LANTERN), "--plain", "--watch"]) == 2
    assert "--watch needs the full-screen player" in capsys.readouterr().err
    assert main(["play", str(LANTERN), "--plain", "--watch"]) == 2
    assert "--watch needs the full-screen player" in capsys.readouterr().err


# ---- the pieces --------------------------------------------------------------------------------------


def test_snapshots_see_edits_new_files_and_deleted_files(story):
    before = snapshot(watched_files(story))
    (story / "more.ifs").write_text("=== extra: Extra\nText.\n", encoding="utf-8")
    (story / "notes.txt").write_text("not a script", encoding="utf-8")
    after = snapshot(watched_files(story))
    assert changed_files(before, after, story) == ("more.ifs",)
    (story / "more.ifs").unlink()
    assert snapshot(watched_files(story)) == before
    one = story / "story.ifs"  # a one-file story: the file and what it includes, not the folder
    assert watched_files(one, [story / "part.ifs"]) == [story / "part.ifs", one]


def test_long_source_lines_are_cut_around_the_column():
    line = "x" * 100 + "ERR" + "y" * 100
    shown, caret = window(line, 101, width=40)
    assert len(shown) == 40 and shown.startswith("…") and shown.endswith("…")
    assert shown[caret:caret + 3] == "ERR"
    assert window("\tab", 2) == ("    ab", 4)  # tabs expand as `ifengine check` prints them


def test_problem_text_is_literal_and_the_source_line_highlighted():
    src = SourceFile(Path("s.ifs"), "s.ifs", "=== gate: The [bold]Gate[/bold]\n* [Go] hall\n")
    d = Diagnostic("s.ifs", 2, 8, "expected '->', found [red]hall[/red]", "IFS100")
    assert heading(d).plain == "s.ifs:2:8: expected '->', found [red]hall[/red] [IFS100]"
    shown = source_text(d, src)
    assert shown is not None and shown.plain == "  * [Go] hall\n         ^"
    assert shown.spans  # coloured by ifengine.highlight
    assert source_text(Diagnostic("s.ifs", 9, 1, "past the end"), src) is None


def test_a_look_lists_the_folder_again_only_when_a_folder_changed(story):
    import os

    from ifengine.ui.watch import RACY_NS, listing, look

    old = time.time_ns() - 10 * RACY_NS  # the folder's last change long past: its time can be trusted
    os.utime(story, ns=(old, old))
    first = listing(story)
    assert listing(story, previous=first) is first  # nothing added or removed: the same list, no walk
    before, _ = look(story, previous=first)
    edit(story / "story.ifs", "Fog sits on the black water.", "Fog sits thick on the black water.")
    after, kept = look(story, previous=first)
    assert kept is first and after != before  # an edit is seen by the stat alone
    (story / "deep").mkdir()
    (story / "deep" / "more.ifs").write_text("=== extra: Extra\nText.\n", encoding="utf-8")
    again = listing(story, previous=first)
    assert again is not first and story / "deep" / "more.ifs" in again.files
    assert listing(story, previous=again) is not again  # changed a moment ago: listed again, to be sure
    (story / "deep" / "later.ifs").write_text("=== later: Later\nText.\n", encoding="utf-8")
    assert story / "deep" / "later.ifs" in listing(story, previous=again).files  # a subfolder's own time
    (story / "deep" / "more.ifs").unlink()
    assert story / "deep" / "more.ifs" not in look(story, previous=again)[1].files
