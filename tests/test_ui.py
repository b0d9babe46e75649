"""The Textual player, driven through Textual's Pilot: every flow a player goes through (pick a role,
choose, undo, rewind from the history, canon autoplay and taking over, save, load, replay and taking over,
endings, the map), plus the pieces under it (the header scan, the endings record)."""
from __future__ import annotations

import dataclasses

import datetime as dt
import io
import shutil
import tomllib

import pytest
from rich.console import Console
from textual.widgets import OptionList, Static, Tree

from ifengine.errors import UsageError
from ifengine.saves import AUTOSAVE, read_run, slot_path, write_run
from ifengine.ui.app import make_app
from ifengine.catalog import scan_story, strip_line
from ifengine.ui.dialogs.confirm import ConfirmDialog
from ifengine.ui.dialogs.error import ErrorDialog
from ifengine.ui.dialogs.load import LoadDialog
from ifengine.ui.dialogs.save import SaveDialog
from ifengine.ui.dialogs.start import StartDialog
from ifengine.ui.progress import progress_path, read_progress, record_ending, write_progress
from ifengine.ui.screens.ending import EndingScreen
from ifengine.ui.screens.gallery import GalleryScreen
from ifengine.ui.screens.help import HelpScreen, keys_table
from ifengine.ui.screens.history import HistoryScreen
from ifengine.ui.screens.map import MapScreen
from ifengine.ui.screens.play import PlayScreen
from ifengine.ui.screens.title import TitleScreen
from ifengine.ui.text import literal
from ifengine.ui.widgets.choices import ChoiceList
from ifengine.ui.widgets.transcript import SceneText
from tests.fixtures.ui.support import (BROKEN, CANON, LANTERN, TINY, WHEN, app, lantern, play_args, playing,
                                       prompt_text, run_of, save, settle)


def scene(app_) -> str:
    return app_.game.view.scene_id


def option_texts(widget: OptionList) -> list[str]:
    return [prompt_text(o.prompt) for o in widget.options]


# ---- title screen -----------------------------------------------------------------------------------


async def test_title_lists_the_stories_as_cards():
    a = app()
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(a.screen, TitleScreen)
        cards = option_texts(a.screen.query_one("#stories", OptionList))
        assert len(cards) == 2
        assert cards[0].startswith("Mara  ·  The Lantern Road")
        assert "A short road, a low lantern, and two ways home." in cards[0]
        assert "Endings found: 0 of 3" in cards[0]
        assert "Teo  ·  A Short Walk" in cards[1] and "Endings found: 0 of 1" in cards[1]


async def test_title_shows_progress_and_continue_resumes_the_last_autosave():
    record_ending("lantern", "drowned", WHEN)
    write_run(slot_path("lantern", AUTOSAVE), run_of(("gate.road",), AUTOSAVE))
    a = app()
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        options = option_texts(a.screen.query_one("#stories", OptionList))
        assert options[0].startswith("▶ Continue") and "The Causeway (1 decision in)" in options[0]
        assert "Endings found: 1 of 3  ·  run in progress at The Causeway" in options[1]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(a.screen, PlayScreen)
        assert scene(a) == "causeway" and a.game.session.choices_taken == ["gate.road"]


async def test_picking_a_story_with_a_run_in_progress_asks_continue_or_new():
    write_run(slot_path("lantern", AUTOSAVE), run_of(("gate.road",), AUTOSAVE))
    a = app()
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")  # past Continue, onto the lantern card
        await settle(pilot)
        assert isinstance(a.screen, StartDialog)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(a.screen, PlayScreen) and scene(a) == "gate" and a.game.steps == 0


async def test_gallery_from_the_title_hides_endings_not_found():
    record_ending("lantern", "home", WHEN)
    a = app()
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(a.screen, GalleryScreen)
        text = str(a.screen.query("Static")[2].render())
        assert "Home by Morning" in text and "Canon ending" in text
        assert text.count("???") == 2 and "The Other Light" not in text
        await pilot.press("escape")
        assert isinstance(a.screen, TitleScreen)


async def test_a_story_with_errors_shows_its_diagnostics():
    a = app(folders=[BROKEN])
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(a.screen, ErrorDialog)
        assert any("nowhere" in line for line in a.screen.lines)
        await pilot.press("escape")
        assert isinstance(a.screen, TitleScreen)


async def test_no_stories_found_says_what_to_do(tmp_path):
    a = app(folders=[])
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        empty = a.screen.query_one("#title-empty", Static)
        shown = str(empty.render())
        assert empty.display and "No stories found" in shown
        assert "ifengine play PATH" in shown and "play.py" not in shown and "docs/" not in shown


# ---- playing ----------------------------------------------------------------------------------------


async def test_pick_a_role_and_choose_by_number_arrows_and_mouse(home):
    a = app()
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # the first card: Mara
        await settle(pilot)
        assert isinstance(a.screen, PlayScreen) and scene(a) == "gate"
        await pilot.press("1")  # by number
        await settle(pilot)
        assert scene(a) == "causeway"
        await pilot.press("down", "enter")  # arrows and Enter: the second choice
        await settle(pilot)
        assert scene(a) == "ferryman"
        choices = a.screen.query_one(ChoiceList)
        await pilot.click(ChoiceList, offset=(4, 1))  # the mouse: the only choice, on the row under the rule
        await settle(pilot)
        assert scene(a) == "far-bank"
        assert a.game.session.choices_taken == list(CANON[:3])
        assert choices.has_focus
        autosaved = read_run(home / "saves" / "lantern" / "autosave.toml")  # after every choice
        assert autosaved.choices == CANON[:3]


async def test_a_disabled_choice_is_shown_with_its_reason_and_cannot_be_taken():
    a = playing()
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        choices = a.screen.query_one(ChoiceList)
        third = choices.get_option_at_index(2)
        assert third.disabled and "✗ You have no coin." in prompt_text(third.prompt)
        assert prompt_text(choices.get_option_at_index(0).prompt).startswith("1 ◆ Take the causeway")
        await pilot.press("3")
        await settle(pilot)
        assert scene(a) == "gate"


async def test_story_text_is_literal_never_markup():
    a = playing()
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        prose = a.screen.query(SceneText).first()
        shown = str(prose.render())
        assert "[CLOSED BY ORDER]" in shown and "[bold]not really[/bold]" in shown
    assert literal("a \x1b[31mred\x1b[0m word").plain == "a ␛[31mred␛[0m word"


async def test_interlude_is_marked_with_its_viewpoint_and_earlier_scenes_are_dimmed():
    a = playing(CANON[:2])
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        scenes = list(a.screen.query(SceneText))
        interlude = scenes[-1]
        assert interlude.has_class("interlude")
        assert "Interlude, through the eyes of The Ferryman" in str(interlude.render())
        steps = list(a.screen.query(".step"))
        assert len(steps) == 3 and all(s.has_class("past") for s in steps[:-1]) and not steps[-1].has_class("past")


async def test_a_scene_passed_by_itself_is_shown_before_the_ending():
    a = playing()
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")  # wade into the reeds: the reeds fall back into the drowned ending
        await settle(pilot)
        titles = [str(s.render()).splitlines()[0] for s in a.screen_stack[1].query(SceneText)]
        assert titles == ["The Marsh Gate", "The Reeds", "Under the Reeds"]


async def test_side_panel_shows_flags_and_the_canon_compass():
    a = playing()
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        compass = a.screen.query_one("#compass", Static)
        assert "On the canon path" in str(compass.render())
        await pilot.press("1", "1")  # the causeway, then follow the other light: off canon
        await settle(pilot)
        await pilot.press("u")  # back from the ending to the causeway
        await settle(pilot)
        assert scene(a) == "causeway"
        stats = a.screen.query_one("#stats", Static).render()
        assert "Lantern oil" in str(stats) or a.game.session.visible_flags()[0] == ("Lantern oil", 2)
        await pilot.press("2", "1")
        await pilot.press("2")  # the far bank: wait for the ferryman (off canon)
        await settle(pilot)
        text = str(a.screen_stack[1].query_one("#compass", Static).render())
        assert "Broke from canon at The Far Bank" in text and "Left it once" in text


async def test_undo_goes_back_one_decision():
    a = playing()
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("u")  # nothing to undo yet: nothing happens
        await pilot.press("1", "2")
        await settle(pilot)
        assert scene(a) == "ferryman"
        await pilot.press("u")
        await settle(pilot)
        assert scene(a) == "causeway" and a.game.steps == 1
        assert len(a.screen.query(".step")) == 2


async def test_history_lists_decisions_and_rewinds_to_take_the_other_road():
    a = playing()
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("1", "2", "1")
        await settle(pilot)
        assert scene(a) == "far-bank"
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(a.screen, HistoryScreen)
        rows = option_texts(a.screen.query_one("#decisions", OptionList))
        assert rows[0].startswith("  1. The Marsh Gate  ›  Take the causeway  ◆")
        assert rows[-1].strip() == "Now: The Far Bank"
        await pilot.press("home", "enter")  # the first decision: back to the gate
        await settle(pilot)
        assert isinstance(a.screen, PlayScreen) and scene(a) == "gate" and a.game.steps == 0
        await pilot.press("2")  # the other road
        await settle(pilot)
        assert isinstance(a.screen, EndingScreen) and a.game.view.ending.id == "drowned"


async def test_canon_autoplay_follows_canon_to_the_ending():
    a = playing(pace=0.01)
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        for _ in range(100):
            await pilot.pause(0.02)
            if isinstance(a.screen, EndingScreen):
                break
        await settle(pilot)
        assert isinstance(a.screen, EndingScreen)
        assert tuple(a.game.session.choices_taken) == CANON and a.game.view.ending.id == "home"
        assert "home" in read_progress("lantern").found  # the ending is recorded


async def test_autoplay_stops_when_the_player_takes_over_with_a_choice_key():
    a = playing(pace=30)  # slow: only the first step (taken at once on `c`) happens by itself
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        screen = a.screen
        assert scene(a) == "causeway" and screen.pilot is not None
        assert screen.query_one("#pilot-status").display
        await pilot.press("1")  # takes over, and takes choice 1: follow the other light
        await settle(pilot)
        assert screen.pilot is None and a.game.view.ending.id == "lost"


async def test_autoplay_any_other_key_only_takes_over():
    a = playing(pace=30)
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await pilot.press("c")  # pressing c again stops it rather than starting it again
        await settle(pilot)
        assert a.screen.pilot is None and scene(a) == "causeway"
        assert not a.screen.query_one("#pilot-status").display


async def test_autoplay_stops_where_the_story_has_no_canon_choice(tmp_path):
    (tmp_path / "fork.ifs").write_text(
        "@story fork\n@title Fork\n@role Ana: a walker.\n@start road\n"
        "=== road: The Road\nA plain road.\n* continue -> fork\n"
        "=== fork: The Fork\nTwo ways, and nobody says which.\n* [Left] -> left\n* [Right] -> right\n"
        "=== ending left (canon): Left\nLeft it is.\n=== ending right (alternate): Right\nRight it is.\n",
        encoding="utf-8")
    from ifengine.loader import load
    from ifengine.runtime import Session
    from ifengine.ui.app import Start

    story = load(tmp_path / "fork.ifs").story  # (the checker warns that canon reaches no ending; it plays)
    a = app(start=Start(story, tmp_path, Session(story, 0)), pace=0.01)
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause(0.1)
        await settle(pilot)
        assert scene(a) == "fork" and a.screen.pilot is None
        assert any("has no canon choice to follow" in n.message for n in a._notifications)


# ---- endings ----------------------------------------------------------------------------------------


async def test_ending_screen_shows_title_kind_epilogue_and_count(home):
    a = playing(CANON[:3])
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(a.screen, EndingScreen)
        title = str(a.screen.query_one("#ending-title", Static).render())
        assert "Home by Morning" in title and "Canon ending" in title
        assert "Your lantern still burns." in str(a.screen.query_one("#epilogue", Static).render())
        assert "Endings found: 1 of 3" in str(a.screen.query_one("#ending-stats", Static).render())
        doc = tomllib.loads(progress_path("lantern").read_text())
        assert doc["endings"]["home"]["found"] == WHEN  # from the injected clock
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(a.screen, GalleryScreen)
        await pilot.press("escape", "u")  # undo from the ending: back into the story
        await settle(pilot)
        assert isinstance(a.screen, PlayScreen) and scene(a) == "far-bank"


async def test_death_ending_and_new_run_from_the_ending():
    a = playing()
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert "Death" in str(a.screen.query_one("#ending-title", Static).render())
        assert a.screen.query_one("#ending-card").has_class("kind-death")
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(a.screen, PlayScreen) and scene(a) == "gate" and a.game.steps == 0
        assert "drowned" in a.game.found


async def test_ending_back_to_the_transcript_and_title():
    a = playing(CANON[:3])
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("escape")  # read the run again
        assert isinstance(a.screen, PlayScreen) and not a.screen.query_one(ChoiceList).display
        await pilot.press("e")  # the ending screen again
        assert isinstance(a.screen, EndingScreen)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(a.screen, TitleScreen)
        cards = option_texts(a.screen.query_one("#stories", OptionList))
        assert "Endings found: 1 of 3" in cards[0]


# ---- the map ----------------------------------------------------------------------------------------


async def test_map_shows_every_road_tried_and_goes_to_a_picked_point():
    a = playing()
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("1", "1")  # the causeway, then follow the light: the "lost" ending
        await settle(pilot)
        await pilot.press("u", "2")  # undo, keep to the stones instead
        await settle(pilot)
        assert scene(a) == "ferryman"
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(a.screen, MapScreen)
        tree = a.screen.query_one(Tree)
        fork = tree.root.children[1]
        assert fork.label.plain == "The Causeway"
        branches = [n.label.plain for n in fork.children]
        assert branches == ["○ Follow the other light", "◆ Keep to the stones"]
        assert fork.children[0].children[0].label.plain == "END The Other Light"
        assert "you are here" in fork.children[1].children[0].label.plain
        tree.move_cursor(fork.children[0].children[0])
        await pilot.press("enter")  # go to the other road's ending
        await settle(pilot)
        assert a.game.view.ending.id == "lost" and isinstance(a.screen, EndingScreen)


# ---- saves ------------------------------------------------------------------------------------------


async def test_save_to_a_named_slot(home):
    a = playing(("gate.road",))
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(a.screen, SaveDialog)
        await pilot.press("enter")  # an empty name is refused
        assert isinstance(a.screen, SaveDialog) and a.screen.query_one("#save-error").display
        await pilot.press(*"on", "space", *"the", "space", *"causeway", "enter")
        await settle(pilot)
        assert isinstance(a.screen, PlayScreen)
        saved = read_run(slot_path("lantern", "on the causeway"))
        assert saved.name == "on the causeway" and saved.choices == ("gate.road",)


async def test_saving_over_a_slot_asks_first():
    save("keep", ("gate.road", "causeway.on"))
    a = playing(("gate.road",))
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert "keep" in option_texts(a.screen.query_one("#slots", OptionList))[0]
        await pilot.press(*"keep", "enter")
        await settle(pilot)
        assert isinstance(a.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert read_run(slot_path("lantern", "keep")).choices == ("gate.road", "causeway.on")
        await pilot.press("s")
        await settle(pilot)
        await pilot.press(*"keep", "enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert read_run(slot_path("lantern", "keep")).choices == ("gate.road",)


async def test_load_lists_saves_with_errors_and_loads_one():
    save("far", CANON[:3], when=WHEN)
    save("early", ("gate.road",), when=WHEN - dt.timedelta(days=1))
    slot_path("lantern", "torn").write_text("[format]\nkind = ", encoding="utf-8")
    a = playing()
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(a.screen, LoadDialog)
        listing = a.screen.query_one("#saves", OptionList)
        rows = [o for o in listing.options]
        texts = [o.prompt.plain for o in rows]
        assert texts[0].startswith("far  Mara  ·  The Far Bank") and "2025-03-14 09:30  ·  3 decisions" in texts[0]
        assert texts[1].startswith("early")
        assert texts[2].startswith("✗ torn.toml") and "corrupt or truncated TOML" in texts[2] and rows[2].disabled
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(a.screen, PlayScreen) and scene(a) == "far-bank" and a.game.steps == 3
        assert len(a.screen.query(".step")) == 4


async def test_loading_a_run_from_an_older_story_shows_the_resume_message():
    old = run_of(("gate.road",), "old")
    old = dataclasses.replace(old, choices=("gate.road", "causeway.swim"), scenes=("gate", "causeway"))
    save("old", (), run=old)
    a = playing()
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert scene(a) == "causeway"
        shown = [n.message for n in a._notifications]
        assert any("step 2: choice 'swim' is no longer offered in scene 'causeway'; resumed there" in m
                   for m in shown)


async def test_load_from_the_title_screen():
    save("far", CANON[:3])
    a = app()
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(a.screen, PlayScreen) and scene(a) == "far-bank"


# ---- replays ----------------------------------------------------------------------------------------


async def test_replay_plays_a_run_back_to_its_ending(tmp_path):
    path = write_run(tmp_path / "run.toml", run_of(CANON))
    a = make_app(play_args(replay=str(path), story=str(LANTERN)), pace=0.01, folders=[LANTERN])
    async with a.run_test(size=(80, 24)) as pilot:
        for _ in range(100):
            await pilot.pause(0.02)
            if isinstance(a.screen, EndingScreen):
                break
        await settle(pilot)
        assert isinstance(a.screen, EndingScreen) and tuple(a.game.session.choices_taken) == CANON


async def test_replay_pause_step_and_take_over(tmp_path, home):
    path = write_run(tmp_path / "run.toml", run_of(CANON))
    a = make_app(play_args(replay=str(path), story=str(LANTERN)), pace=30, folders=[LANTERN])
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = a.screen
        assert isinstance(screen, PlayScreen) and scene(a) == "gate"
        assert "Replay of run.toml: step 0 of 4, playing" in str(screen.query_one("#pilot-status").render())
        await pilot.press("space")  # pause
        assert screen.pilot.paused
        await pilot.press("n")  # one step
        await settle(pilot)
        assert scene(a) == "causeway" and screen.pilot is not None
        await pilot.press("right")  # one more
        await settle(pilot)
        assert scene(a) == "ferryman"
        assert not (home / "saves" / "lantern" / "autosave.toml").exists()  # replayed steps are not the player's
        await pilot.press("u")  # any other key takes over (here: undo)
        await settle(pilot)
        assert screen.pilot is None and scene(a) == "causeway"
        await pilot.press("1")  # a new branch from the replay
        await settle(pilot)
        assert read_run(home / "saves" / "lantern" / "autosave.toml").choices == ("gate.road", "causeway.follow")


async def test_replay_of_a_run_that_no_longer_fits_stops_where_it_breaks(tmp_path):
    run = run_of(("gate.road",))
    run = type(run)(**{**run.__dict__, "choices": ("gate.road", "causeway.swim"), "scenes": ("gate", "causeway")})
    path = write_run(tmp_path / "run.toml", run)
    a = make_app(play_args(replay=str(path), story=str(LANTERN)), pace=0.01, folders=[LANTERN])
    async with a.run_test(size=(80, 24)) as pilot:
        for _ in range(50):
            await pilot.pause(0.02)
            if a.screen.pilot is None:
                break
        assert scene(a) == "causeway" and a.screen.pilot is None
        assert any("no longer offered" in n.message for n in a._notifications)


# ---- the rest ---------------------------------------------------------------------------------------


async def test_help_lists_every_key():
    a = playing()
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(a.screen, HelpScreen)
        console = Console(width=100, record=True, file=io.StringIO())
        console.print(keys_table())
        text = console.export_text()
        for words in ("1-9", "Undo the last decision", "Canon autoplay", "Save to a named slot", "Replay: one step",
                      "Pick a story", "Gallery of endings", "Quit"):
            assert words in text
        await pilot.press("escape")
        assert isinstance(a.screen, PlayScreen)


async def test_quit_does_not_ask_when_the_autosave_is_written(home):
    a = playing()
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("1", "q")
        await settle(pilot)
    assert a.return_value == 0
    assert read_run(home / "saves" / "lantern" / "autosave.toml").choices == ("gate.road",)


async def test_quit_asks_when_the_autosave_failed(home):
    (home / "saves").mkdir(parents=True)
    (home / "saves" / "lantern").write_text("a file where the folder should be")
    a = playing()
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert a.autosave_behind
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(a.screen, ConfirmDialog)
        await pilot.press("n")
        assert isinstance(a.screen, PlayScreen)


async def test_resizing_and_a_narrow_terminal():
    a = playing(CANON[:2])
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert a.screen.query_one("#side").display
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        assert a.screen.has_class("-narrow")
        await pilot.resize_terminal(140, 45)
        await pilot.pause()
        assert a.screen.has_class("-wide") and a.screen.query_one("#side").region.width > 0
        await pilot.press("1")
        await settle(pilot)
        assert scene(a) == "far-bank"


async def test_no_color_is_honoured(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    a = playing()
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert a.no_color
        await pilot.press("1")
        await settle(pilot)
        assert scene(a) == "causeway"


async def test_replace_story_resumes_the_run_against_the_new_version(tmp_path):
    changed = tmp_path / "lantern"
    shutil.copytree(LANTERN, changed)
    src = (changed / "story.ifs").read_text().replace("* (on) canon [Keep to the stones] -> ferryman",
                                                     "* (on) canon [Keep to the old stones] -> ferryman")
    src = src.replace("* continue -> far-bank", "* (row) [Row across] -> far-bank")
    (changed / "story.ifs").write_text(src)
    from ifengine.loader import load_story

    a = playing(CANON[:3])
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        a.replace_story(load_story(changed), ["the story was reloaded"])
        await settle(pilot)
        assert scene(a) == "ferryman" and a.game.steps == 2
        messages = [n.message for n in a._notifications]
        assert "the story was reloaded" in messages
        assert any("choice 'continue' is no longer offered in scene 'ferryman'" in m for m in messages)
        assert "Keep to the old stones" in str(list(a.screen.query(".taken"))[-1].render())


def test_make_app_flags(tmp_path):
    with pytest.raises(UsageError):
        make_app(play_args(at="causeway"))
    with pytest.raises(UsageError):
        make_app(play_args(replay=str(tmp_path / "missing.toml")))
    a = make_app(play_args(story=str(LANTERN), seed=7, watch=True))
    assert a.start is not None and a.start.session.seed == 7 and a.watching
    assert make_app(play_args()).start is None


async def test_make_app_scans_the_library_before_the_first_frame():
    a = make_app(play_args(), folders=[LANTERN, TINY])
    assert [e.card.story_id for e in a.library] == ["lantern", "tiny"]
    async with a.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(a.screen, TitleScreen) and len(a.screen.entries) == 2
        assert not [w for w in a.workers if w.group == "title-scan"]  # no scan was needed


# ---- under the screens ------------------------------------------------------------------------------


def test_header_scan_reads_cards_without_loading():
    card = scan_story(LANTERN)
    assert (card.story_id, card.title, card.role) == ("lantern", "The Lantern Road", "Mara")
    assert [(e.id, e.kind) for e in card.endings] == [("home", "canon"), ("lost", "alternate"), ("drowned", "death")]
    assert card.scene_titles["ferryman"] == "The Ferryman Waits"
    assert card.matches("mara") and card.matches("LANTERN") and not card.matches("teo")
    assert scan_story(TINY).blurb == "Two streets to the baker and two streets back."
    assert strip_line(r"@title A \/\/ B  // note") == "@title A // B"


def test_progress_record_is_atomic_and_survives_a_corrupt_file(home):
    assert read_progress("lantern").found == {}
    record_ending("lantern", "home", WHEN)
    record_ending("lantern", "home", WHEN + dt.timedelta(days=1))  # found once: the first date stays
    assert read_progress("lantern").found == {"home": WHEN}
    path = progress_path("lantern")
    path.write_text("not = [valid", encoding="utf-8")
    assert read_progress("lantern").found == {}
    record_ending("lantern", "lost", WHEN)
    assert path.with_name(path.name + ".bad").exists()
    assert set(read_progress("lantern").found) == {"lost"}
    assert not list(path.parent.glob("*.tmp"))
    write_progress(read_progress("lantern"))
    assert read_progress("lantern").count(["lost", "home"]) == 1


def test_lantern_fixture_is_the_story_the_snapshots_show():
    story = lantern()
    assert story.start == "gate" and len(story.endings) == 3


async def test_a_fault_in_the_story_is_a_notification_not_a_crash(tmp_path):
    """A division by zero on a side road passes the checker (the canon path never meets it); taking that
    road must leave the player where they were, told what failed, with the app still running."""
    from ifengine.loader import load_story
    from ifengine.runtime import Session
    from ifengine.ui.app import Start

    folder = tmp_path / "faulty"
    folder.mkdir()
    (folder / "s.ifs").write_text(
        "@story faulty\n@title Faulty\n@role Ana: A tester.\n@start a\n@flag n: int = 0\n"
        "=== a: A\nHello.\n* canon [Safe] -> e\n* [Divide] -> b\n"
        "=== b: B\n{10 / n} parts.\n* continue -> e\n"
        "=== ending e (canon): E\nBye.\n", encoding="utf-8")
    story = load_story(folder)
    a = app(start=Start(story, folder, Session(story, 0)))
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert scene(a) == "a" and a.is_running
        assert any("division by zero" in n.message for n in a._notifications)
        await pilot.press("1")
        await settle(pilot)
        assert a.game.view.ending is not None


async def _press_into_a_fault(a, key: str) -> None:
    """Press a key that ends the app (Pilot.press would wait for a screen that never comes back)."""
    import asyncio

    a.simulate_key(key)
    for _ in range(200):
        if not a.is_running or a.return_code is not None:
            return
        await asyncio.sleep(0.02)


async def test_a_fault_nothing_caught_ends_the_app_with_one_line_and_status_1(monkeypatch, capsys):
    """Issue 15, point 2: a fault inside the running app that no screen handles (here a bug, faked in
    `Game.choose`) ends the app at once with status 1, and the player prints one line naming it, never a
    traceback and never status 0."""
    from ifengine.ui.app import exit_status
    from ifengine.ui.game import Game

    def broken(self, choice_id):
        raise RuntimeError("boom")

    monkeypatch.setattr(Game, "choose", broken)
    a = playing()
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _press_into_a_fault(a, "1")
    assert not a.is_running and a.return_code == 1
    assert exit_status(a) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "RuntimeError: boom" in err and "Traceback" not in err


async def test_a_story_fault_nothing_caught_reaches_the_command_line_guard(monkeypatch, capsys):
    """A story fault (StoryRuntimeError) escaping a screen ends the app, and the command line's guard
    prints it as its one `error: file:line:col: ...` line with status 1."""
    from ifengine.cli import _guarded
    from ifengine.errors import StoryRuntimeError
    from ifengine.source import Span
    from ifengine.ui.app import exit_status
    from ifengine.ui.game import Game

    def faulting(self, choice_id):
        raise StoryRuntimeError("division by zero", Span("s.ifs", 7, 8))

    monkeypatch.setattr(Game, "choose", faulting)
    monkeypatch.setattr("ifengine.ui.screens.play.StoryRuntimeError", type("NotThis", (Exception,), {}))
    a = playing()
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _press_into_a_fault(a, "1")
    assert a.return_code == 1
    assert _guarded("play.py", lambda: exit_status(a)) == 1
    assert capsys.readouterr().err == "error: s.ifs:7:8: division by zero\n"


def test_a_first_scene_that_faults_is_one_line_and_status_1_from_play_py(tmp_path, capsys, monkeypatch):
    """Issue 15, point 2: the start scene faults on seed 1 (it passes `check`: seed 0 rolls 2); the
    full-screen player says where in one line and exits 1, before the screen is taken over."""
    from ifengine import cli
    from ifengine.cli import play_main

    monkeypatch.setattr(cli, "interactive", lambda: True)  # as in a terminal: the full-screen player

    (tmp_path / "main.ifs").write_text(
        "@story dz\n@title Divide\n@role Dee: A divider.\n@start a\n"
        "=== a: A\nShare {10 / (roll(2) - 1)}.\n* canon [Go] -> b\n"
        "=== ending b (canon): B\nThe end.\n", encoding="utf-8")
    assert play_main(["--story", str(tmp_path), "--seed", "1"]) == 1
    err = capsys.readouterr().err
    assert err == f"error: {tmp_path / 'main.ifs'}:6:8: division by zero\n"


def test_starting_the_player_removes_stale_temporaries_of_ours_and_nothing_else(home):
    """Issue 15, point 9: `kill -9` mid-autosave leaves `.autosave.toml.XXXXXXXX.tmp` in the saves folder.
    Starting the player removes those older than a few minutes, in each story's saves folder and the
    endings record's, and leaves everything else: fresh ones (a write in progress), other names, links,
    folders, and files one level further down."""
    import os
    import tempfile
    import time

    saves = home / "saves" / "lantern"
    saves.mkdir(parents=True)
    (home / "progress").mkdir()
    old = time.time() - 3600

    def temporary(folder, name):  # named exactly as files.write_atomically names its temporary file
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
        os.close(fd)
        return tmp

    stale = [temporary(saves, "autosave.toml"), temporary(saves, "my-save.toml"),
             temporary(home / "progress", "lantern.toml")]
    fresh = temporary(saves, "autosave.toml")
    kept = [saves / ".autosave.toml.tmp", saves / "notes.tmp", saves / ".notes.txt.abcdefgh.tmp",
            saves / "autosave.toml", saves / "deeper" / ".autosave.toml.abcdefgh.tmp"]
    (saves / "deeper").mkdir()
    for p in kept:
        p.write_text("x", encoding="utf-8")
    (saves / ".linked.toml.abcdefgh.tmp").symlink_to(saves / "autosave.toml")
    (saves / ".folder.toml.abcdefgh.tmp").mkdir()
    for p in [*stale, fresh, *kept, saves / ".folder.toml.abcdefgh.tmp"]:
        os.utime(p, (old, old))
    os.utime(fresh, None)
    make_app(play_args())
    assert not any(os.path.exists(p) for p in stale)
    assert os.path.exists(fresh) and all(p.exists() for p in kept)
    assert (saves / ".linked.toml.abcdefgh.tmp").is_symlink() and (saves / ".folder.toml.abcdefgh.tmp").is_dir()


async def test_undo_at_the_very_start_says_there_is_nothing_to_undo():
    """Issue 15, point 16: `u` before the first decision said nothing; it says there is nothing to undo
    (the footer still shows Undo as off there)."""
    a = playing()
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert [n.message for n in a._notifications][-1:] == ["Nothing to undo: this is the start of the story."]
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert a.game.steps == 0
        assert sum("Nothing to undo" in n.message for n in a._notifications) == 1


async def test_two_stories_opened_at_once_play_the_later_one_without_a_fault():
    """A click on a card and then Enter, before the first story is on screen (as happens in a browser
    served by `ifengine serve`): the second open replaces the play screen the first has just pushed. That
    screen must mount before it goes, or it finds itself emptied (NoMatches, and the player stopped)."""
    from ifengine.runtime import Session
    from ifengine.ui.game import Game

    a = app()
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        first, second = (Game(lantern(), LANTERN, Session(lantern(), seed)) for seed in (0, 1))
        a.open_game(first)
        a.open_game(second)
        await settle(pilot)
        await pilot.pause(0.2)
        assert a.fault is None
        assert isinstance(a.screen, PlayScreen) and len(a.screen_stack) == 2 and a.game is second
        await pilot.press("1")
        await settle(pilot)
        assert a.fault is None and scene(a) == "causeway" and second.steps == 1 and first.steps == 0


async def test_load_counts_the_choices_a_save_holds_not_the_steps_it_claims():
    """Issue 15, point 10: a save whose `end.steps` says fewer moves than its choices (the schema lets an
    explorer's fault run record its failing choice untaken) is listed by the choices it holds."""
    run = run_of(CANON[:3], "claims-less")
    save("claims-less", CANON[:3], run=dataclasses.replace(run, end=dataclasses.replace(run.end, steps=1)))
    a = playing()
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(a.screen, LoadDialog)
        texts = [o.prompt.plain for o in a.screen.query_one("#saves", OptionList).options]
        assert "·  3 decisions" in texts[0] and "1 decision" not in texts[0]
