"""The player's settings (issue 19): the high-contrast theme and animation off (autoplay's pacing
included), changed in the Options dialog, applied at once and kept in the data folder for the next
sitting; a settings file with mistakes gives the defaults and says what was wrong."""
from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox

from ifengine.settings import Settings, read_settings, write_settings
from ifengine.ui.dialogs.options import OptionsDialog
from ifengine.ui.screens.play import PlayScreen
from ifengine.ui.theme import HIGH_CONTRAST
from tests.fixtures.ui.support import app, playing, settle


async def test_high_contrast_is_switched_on_in_options_applied_at_once_and_kept(home: Path) -> None:
    a = app()
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        default = a.theme
        assert default != HIGH_CONTRAST.name
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(a.screen, OptionsDialog)
        assert a.screen.query_one("#high-contrast", Checkbox).has_focus
        await pilot.press("space")  # tick it
        await settle(pilot)
        assert a.theme == HIGH_CONTRAST.name
        assert a.get_css_variables()["background"] == "#000000"
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(a.screen, OptionsDialog)
    assert (home / "settings.toml").read_text(encoding="utf-8") == (
        '[display]\ntheme = "high-contrast"\nanimation = true\n')
    b = app()  # the next sitting
    async with b.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert b.theme == HIGH_CONTRAST.name and b.settings.high_contrast
        await pilot.press("o", "space")  # and off again
        await settle(pilot)
        assert b.theme == default
    assert read_settings()[0] == Settings()


async def test_without_animation_autoplay_is_not_paced(home: Path) -> None:
    slow = playing(pace=30.0)  # a step every 30 seconds at least
    async with slow.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause(0.5)
        assert slow.game is not None and slow.game.steps == 1  # the first step at once, then paced
    write_settings(Settings(animation=False))
    still = playing(pace=30.0)
    async with still.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert still.animation_level == "none"
        await pilot.press("c")
        for _ in range(50):
            await pilot.pause(0.05)
            if still.game is not None and still.game.view.ending is not None:
                break
        assert still.game is not None and still.game.view.ending is not None
        assert still.game.view.ending.id == "home"  # the canon road, every step at once


async def test_animation_is_turned_off_in_options(home: Path) -> None:
    a = playing()
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("o", "tab", "space")
        await settle(pilot)
        assert a.animation_level == "none" and not a.settings.animation
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(a.screen, PlayScreen)
    assert read_settings()[0] == Settings(animation=False)


async def test_a_settings_file_with_mistakes_gives_the_defaults_and_says_what(home: Path) -> None:
    home.mkdir(parents=True)
    (home / "settings.toml").write_text('[display]\ntheme = "neon"\nanimation = "sometimes"\n[later]\nx = 1\n',
                                        encoding="utf-8")
    a = app()
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        messages = [n.message for n in a._notifications]
        assert f"{home / 'settings.toml'}: display.theme is 'neon'; it can be 'default' or 'high-contrast'; " \
               "using the default" in messages
        assert f"{home / 'settings.toml'}: display.animation is 'sometimes'; it can be true or false; using the " \
               "default" in messages
        assert a.settings == Settings()
        await pilot.press("o", "space")
        await settle(pilot)
    text = (home / "settings.toml").read_text(encoding="utf-8")
    assert 'theme = "high-contrast"' in text and "[later]\nx = 1" in text  # what it did not know is kept


async def test_a_settings_file_that_is_not_toml_is_kept_aside_not_lost(home: Path) -> None:
    home.mkdir(parents=True)
    (home / "settings.toml").write_text("theme = = high\n", encoding="utf-8")
    settings, problems = read_settings()
    assert settings == Settings() and len(problems) == 1
    assert problems[0].startswith(f"{home / 'settings.toml'}: not a settings file (")
    write_settings(Settings(theme="high-contrast"))
    assert (home / "settings.toml.bad").read_text(encoding="utf-8") == "theme = = high\n"
    assert read_settings() == (Settings(theme="high-contrast"), [])
