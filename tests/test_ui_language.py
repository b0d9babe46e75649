"""The second edition's constructs in the Textual player: numbers as words, text alternatives, joined
strings and tags reach the screen as the engine renders them (tags never as text)."""
from __future__ import annotations

from pathlib import Path

from ifengine.ui.app import Start
from ifengine.loader import load_story
from ifengine.runtime import Session
from ifengine.ui.widgets.transcript import SceneText
from tests.fixtures.ui.support import app, settle

SHOWCASE = Path(__file__).resolve().parent.parent / "examples" / "showcase"


async def test_the_full_screen_player_shows_alternatives_and_words_and_never_tags():
    story = load_story(SHOWCASE)
    session = Session(story, 0)
    session.choose("cottage.climb")
    a = app(folders=[SHOWCASE], start=Start(story, SHOWCASE, session))
    async with a.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("1")  # stop on the landing and listen: the stair again, with its next texts
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        shown = [" ".join(str(s.render()).split()) for s in a.screen.query(SceneText)]
        assert "Your breath smokes." in shown[-3] and "Your lantern hisses." in shown[-2]
        assert "The horn again, nearer. You have stopped one time now" in shown[-2]
        assert "The horn again, nearer still. You have stopped two times now" in shown[-1]
        assert not any("#" in s for s in shown)


async def test_the_side_panel_shows_a_set_flag_as_the_story_prints_it():
    from rich.console import Console

    from ifengine.ui.widgets.side_panel import stats_table

    story = load_story(SHOWCASE)
    session = Session(story, 0)
    # each try at the wireless writes the log (a call from a line of its body) and comes back to the set
    for cid in ("cottage.climb", "tower-stair.climb-on", "lamp-room.wireless", "log-book.continue", "wireless.retry",
                "log-book.continue"):
        session.choose(cid)
    a = app(folders=[SHOWCASE], start=Start(story, SHOWCASE, session))
    async with a.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")  # give them the position: the coastguard is heard from, the watch relieved
        await settle(pilot)
        assert a.game.session.flags["heard"] == ("coastguard",)
        console = Console(width=60, record=True)
        console.print(stats_table(a.game))  # what the side panel's #stats widget renders
        shown = console.export_text()
        assert "Heard from" in shown and "coastguard" in shown and "('coastguard'" not in shown
