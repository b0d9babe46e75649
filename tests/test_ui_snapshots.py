"""Snapshots of the player's screens at 80x24: title, play (opening and an interlude), ending, history,
save, load and the story map. Fixed fixture stories, seed, clock and saves, so they only change when the
screens do. After a deliberate change: `python -m pytest tests/test_ui_snapshots.py --snapshot-update`, then
look at the SVGs in tests/__snapshots__/test_ui_snapshots/ before committing them."""
from __future__ import annotations

import datetime as dt

from textual.widgets import Input

from ifengine.saves import AUTOSAVE, slot_path, write_run
from ifengine.ui.progress import record_ending
from tests.fixtures.ui.support import CANON, WHEN, app, playing, run_of, save, settle

SIZE = (80, 24)


def press_then_settle(*keys: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
        await settle(pilot)

    return run_before


def test_title_screen(snap_compare):
    """Continue (the lantern run at the causeway), then two story cards; one ending of three found."""
    record_ending("lantern", "drowned", WHEN)
    write_run(slot_path("lantern", AUTOSAVE), run_of(("gate.road",), AUTOSAVE))
    assert snap_compare(app(), terminal_size=SIZE, run_before=press_then_settle())


def test_play_screen_opening(snap_compare):
    """The gate: literal [brackets] in the prose, the canon mark, a disabled choice with its reason."""
    assert snap_compare(playing(), terminal_size=SIZE, run_before=press_then_settle())


def test_play_screen_high_contrast(snap_compare):
    """The gate in the high-contrast theme (the player's setting): white on black, yellow to act on."""
    from ifengine.settings import Settings, write_settings

    write_settings(Settings(theme="high-contrast"))
    assert snap_compare(playing(), terminal_size=SIZE, run_before=press_then_settle())


def test_play_screen_interlude(snap_compare):
    """Two decisions in: earlier scenes dimmed above, the interlude set apart with its viewpoint."""
    assert snap_compare(playing(CANON[:2]), terminal_size=SIZE, run_before=press_then_settle())


def test_play_screen_off_canon(snap_compare):
    """The compass after leaving the canon road at the far bank."""
    assert snap_compare(playing(CANON[:3] + ("far-bank.wait",)), terminal_size=SIZE,
                        run_before=press_then_settle())


def test_ending_screen(snap_compare):
    """The canon ending: title, kind, epilogue, endings found, what next."""
    assert snap_compare(playing(CANON[:3]), terminal_size=SIZE, run_before=press_then_settle("1"))


def test_history_screen(snap_compare):
    """Every decision so far, canon ones marked, the latest highlighted."""
    assert snap_compare(playing(CANON[:3]), terminal_size=SIZE, run_before=press_then_settle("h"))


def test_save_dialog(snap_compare):
    """The save dialog with a name typed and the existing slots (fixed dates) listed under it."""
    save("before-the-gate", (), when=WHEN - dt.timedelta(days=2))
    save("on-the-causeway", ("gate.road",), when=WHEN)

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        name = pilot.app.screen.query_one(Input)
        name.cursor_blink = False  # a blinking cursor would make the snapshot depend on timing
        await pilot.press(*"far-bank")
        await settle(pilot)

    assert snap_compare(playing(CANON[:3]), terminal_size=SIZE, run_before=run_before)


def test_load_dialog(snap_compare):
    """Saves with role, scene, date, decisions and ending; an unreadable file listed with its error."""
    save("home-again", CANON + (), when=WHEN)
    save("on-the-causeway", ("gate.road",), when=WHEN - dt.timedelta(hours=3))
    slot_path("lantern", "torn").write_text("[format]\nkind = ", encoding="utf-8")
    assert snap_compare(playing(), terminal_size=SIZE, run_before=press_then_settle("l"))


def test_story_map(snap_compare):
    """Two roads tried from the causeway: the tree forks there, the current road in bold."""
    assert snap_compare(playing(), terminal_size=SIZE, run_before=press_then_settle("1", "1", "u", "2", "m"))
