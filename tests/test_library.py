"""Where stories are found (issue 14): the working folder's `stories/`, the user's own stories folder,
the stories that ship with ifengine, and folders of stories given on the command line; and the words a
person reads when a story is not found."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ifengine.cli import main, play_main, play_parser, play_request
from ifengine.launch import PlayRequest
from ifengine.library import find_story, story_folders, user_stories
from ifengine.ui.app import make_app
from ifengine.ui.screens.title import TitleScreen, read_entries

TINY = Path(__file__).parent / "fixtures" / "ui" / "tiny"
LANTERN = Path(__file__).parent / "fixtures" / "ui" / "lantern"


@pytest.fixture
def empty_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def test_the_users_own_stories_folder_is_in_the_data_folder(home: Path) -> None:
    assert user_stories() == home / "stories"


def test_a_story_in_the_users_folder_plays_from_any_folder(home: Path, empty_cwd: Path, capsys) -> None:
    shutil.copytree(TINY, home / "stories" / "tiny")
    assert main(["play", "tiny", "--plain", "--canon"]) == 0
    assert capsys.readouterr().out.rstrip("\n").splitlines()[-1].startswith("ENDING: ")
    assert home / "stories" / "tiny" in story_folders()


def test_a_working_copy_of_a_shipped_story_shadows_it(empty_cwd: Path) -> None:
    """An author's own copy of a bundled story (the same story id) is the one played, and listed once."""
    copy = empty_cwd / "stories" / "my-rumak"
    copy.mkdir(parents=True)
    (copy / "story.ifs").write_text("@story rumak\n@title My Rumak\n@role Rumak: Me.\n@start a\n"
                                    "=== ending a (canon): A\nThe end.\n", encoding="utf-8")
    assert (find_story("rumak") or Path()).resolve() == copy.resolve()
    folders = story_folders()
    assert copy.resolve() in [f.resolve() for f in folders]
    assert sum(1 for f in folders if f.name in ("rumak", "my-rumak")) == 1


def test_a_folder_of_stories_given_with_story_lists_them_first_on_the_title_screen(tmp_path: Path) -> None:
    shelf = tmp_path / "shelf"
    shutil.copytree(TINY, shelf / "tiny")
    shutil.copytree(LANTERN, shelf / "lantern")
    request = play_request(play_parser().parse_args(["--story", str(shelf)]))
    assert request.story is None and request.collections == (shelf,)
    app = make_app(request)
    assert app.start is None
    assert [entry.card.story_id for entry in app.library or []][:2] == ["lantern", "tiny"]


async def test_ifengine_alone_opens_the_title_screen_with_the_shipped_stories(empty_cwd: Path) -> None:
    app = make_app(PlayRequest())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
    roles = {entry.card.role for entry in read_entries(story_folders())}
    assert {"Rumak", "Scott Davis", "Ekaril", "Foley"} <= roles


def test_play_py_names_itself_in_its_errors(capsys) -> None:
    assert play_main(["no-such-story", "--plain"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("play.py: no story found at or named 'no-such-story' (stories you can play: ")


@pytest.mark.parametrize("argv, message", [
    (["play", "rumak", "--story", "davis", "--plain"], "ifengine play: two stories given: 'rumak' and --story davis"),
    (["play", "rumak", "--role", "davis", "--plain"], "ifengine play: give a story or --role, not both"),
    (["play", "--plain"], "ifengine play: --plain needs a story to play (stories you can play: "),
])
def test_play_refuses_what_it_cannot_do_in_one_line(argv: list[str], message: str, capsys) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1


def test_a_path_that_is_not_there_is_not_looked_up_as_a_name(empty_cwd: Path, capsys) -> None:
    assert find_story("somewhere/rumak") is None
    assert main(["play", "somewhere/rumak", "--plain"]) == 2
    assert capsys.readouterr().err.startswith("ifengine play: no story found at or named 'somewhere/rumak'")
