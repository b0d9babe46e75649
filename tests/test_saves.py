"""Run files and save slots (`ifengine.saves`): the TOML format, replay by choice id against an edited
story, atomic writes, unreadable files, and where saves live.

Every test works on copies in tmp_path, and `IFENGINE_HOME` points into tmp_path (conftest's `home`).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import re
import tomllib
from pathlib import Path

import pytest

import ifengine
from ifengine import load_story
from ifengine.cli import main
from ifengine.runtime import Session
from ifengine.saves import (
    AUTOSAVE, FORMAT, VERSION, Run, RunFileError, autosave, compare, dumps, home, list_saves, parse_text, read_run,
    resume,
    run_from_session, save_dir, slot_path, write_run,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "engine"
SHOWCASE = Path(__file__).resolve().parent.parent / "examples" / "showcase"
WALK = ["gate.enter", "path.loop", "path.coin", "path.loop", "path.on", "lake.continue"]


@pytest.fixture
def home_in_tmp(home: Path) -> Path:
    """conftest's data folder, under a name that does not hide `saves.home()` in the tests below."""
    return home


@pytest.fixture
def walk_dir(tmp_path: Path) -> Path:
    """A private copy of the walk story, free to edit."""
    dest = tmp_path / "walk"
    shutil.copytree(FIXTURES / "walk", dest)
    return dest


def played(story_dir: Path, choices: list[str] = WALK, seed: int = 42) -> Session:
    s = Session(load_story(story_dir), seed)
    for cid in choices:
        s.choose(cid)
    return s


def recorded(story_dir: Path, where: Path, choices: list[str] = WALK, seed: int = 42) -> Path:
    return write_run(where, run_from_session(played(story_dir, choices, seed), source=str(story_dir)))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def fingerprint(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# ---- the format -------------------------------------------------------------------


def test_run_file_fields(walk_dir: Path, tmp_path: Path) -> None:
    session = played(walk_dir)
    story = session.story
    path = write_run(tmp_path / "run.toml", run_from_session(session, name="mine", source=str(walk_dir)))
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == {"kind": FORMAT, "version": VERSION, "engine": ifengine.__version__}
    assert doc["story"]["id"] == "walk"
    assert doc["story"]["digest"] == story.digest and len(story.digest) == 64
    assert doc["story"]["role"] == "Walker"
    assert doc["story"]["title"] == "A Walk"
    assert doc["story"]["source"] == os.path.relpath(walk_dir, tmp_path)  # relative to the run file
    run = doc["run"]
    assert run["seed"] == 42 and run["name"] == "mine"
    assert run["choices"] == WALK
    assert run["scenes"] == ["gate", "path", "path", "path", "path", "lake"]
    for stamp in (run["created"], run["updated"]):
        assert isinstance(stamp, dt.datetime) and stamp.utcoffset() == dt.timedelta(0)
        assert abs(dt.datetime.now(dt.timezone.utc) - stamp) < dt.timedelta(minutes=5)
    end = doc["end"]
    assert end["scene"] == "end-lake" and end["ending"] == "end-lake" and end["steps"] == len(WALK)
    assert end["flags"] == session.flags
    assert end["flags"]["steps"] == 4 and end["flags"]["found_coin"] is True
    assert end["visits"] == {"gate": 1, "path": 4, "lake": 1, "end-lake": 1}


def test_a_run_without_an_ending_has_no_ending_key(walk_dir: Path, tmp_path: Path) -> None:
    path = recorded(walk_dir, tmp_path / "partial.toml", WALK[:2])
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    assert "ending" not in doc["end"] and doc["end"]["scene"] == "path"
    assert read_run(path).end.ending is None


def test_write_then_read_round_trips(walk_dir: Path, tmp_path: Path) -> None:
    run = run_from_session(played(walk_dir), name="x", source="somewhere")
    back = read_run(write_run(tmp_path / "deep" / "er" / "run.toml", run))
    assert back == run


def test_the_story_map_is_an_optional_readable_map_table(walk_dir: Path, tmp_path: Path) -> None:
    roads = (("gate.enter", "path.loop"), ("gate.enter", "path.coin", "path.on"))
    run = run_from_session(played(walk_dir, WALK[:2]), name="x", roads=roads)
    path = write_run(tmp_path / "mapped.toml", run)
    text = path.read_text(encoding="utf-8")
    assert "[map]" in text and tomllib.loads(text)["map"] == {"roads": [list(r) for r in roads]}
    assert read_run(path).roads == roads
    plain = recorded(walk_dir, tmp_path / "plain.toml", WALK[:2])  # a run with no other road: no table
    assert "[map]" not in plain.read_text(encoding="utf-8") and read_run(plain).roads == ()
    broken = tmp_path / "broken.toml"
    head, table = text.split("[map]")
    broken.write_text(head + "[map]" + table.replace('"path.loop"', "3"), encoding="utf-8")
    with pytest.raises(RunFileError, match=r"broken.toml: 'map.roads' must be a list of roads"):
        read_run(broken)


def test_a_run_file_from_before_the_map_still_loads() -> None:
    text = ('[format]\nkind = "ifengine-run"\nversion = 1\nengine = "0.1.0"\n\n[story]\nid = "lantern"\n'
            'digest = "x"\nrole = "Mara"\ntitle = "The Lantern Road"\n\n[run]\nseed = 0\n'
            'created = 2025-03-14T09:30:00Z\nupdated = 2025-03-14T09:30:00Z\nchoices = ["gate.road"]\n'
            'scenes = ["gate"]\n\n[end]\nscene = "causeway"\nsteps = 1\n\n[end.flags]\n\n[end.visits]\n')
    run = parse_text(text)
    assert run.roads == () and run.choices == ("gate.road",)


def test_resume_replays_the_run(walk_dir: Path, tmp_path: Path) -> None:
    original = played(walk_dir)
    run = read_run(recorded(walk_dir, tmp_path / "run.toml"))
    resumed = resume(load_story(walk_dir), run)
    assert resumed.messages == [] and resumed.failed_step is None
    s = resumed.session
    assert (s.view(), s.flags, s.visits, s.history) == (original.view(), original.flags, original.visits,
                                                         original.history)
    assert compare(run, s) is None


def test_resume_without_rendering_takes_the_same_path(walk_dir: Path, tmp_path: Path) -> None:
    run = read_run(recorded(walk_dir, tmp_path / "run.toml"))
    resumed = resume(load_story(walk_dir), run, render=False)
    assert resumed.messages == [] and compare(run, resumed.session) is None


def test_loading_never_changes_the_file(walk_dir: Path, tmp_path: Path) -> None:
    path = recorded(walk_dir, tmp_path / "run.toml")
    before = fingerprint(path)
    run = read_run(path)
    resume(load_story(walk_dir), run)
    edit(walk_dir / "story.ifs", "* (coin) [Pick up the coin] -> path\n  ~ found_coin = true\n", "")
    resume(load_story(walk_dir), read_run(path))  # even when it no longer fits
    assert main(["replay", str(path), "--story", str(walk_dir)]) == 1
    assert fingerprint(path) == before
    assert files_in(tmp_path) == ["home", "run.toml", "walk"]  # home: IFENGINE_HOME, where the caches go


def test_a_thousand_step_run(walk_dir: Path, tmp_path: Path) -> None:
    choices = ["gate.enter"] + ["path.loop"] * 998 + ["path.on"]
    path = recorded(walk_dir, tmp_path / "long.toml", choices)
    run = read_run(path)
    assert len(run.choices) == 1000
    resumed = resume(load_story(walk_dir), run)
    assert resumed.messages == [] and compare(run, resumed.session) is None
    assert resumed.session.flags["steps"] == 999


def test_compare_names_what_differs(walk_dir: Path, tmp_path: Path) -> None:
    run = read_run(recorded(walk_dir, tmp_path / "run.toml"))
    session = resume(load_story(walk_dir), run).session
    tampered = dataclasses.replace(run, end=dataclasses.replace(run.end, flags={**run.end.flags, "steps": 9}))
    assert compare(tampered, session) == "flag 'steps' was 9 at the end of the run, now 4"
    tampered = dataclasses.replace(run, end=dataclasses.replace(run.end, visits={**run.end.visits, "path": 1}))
    assert compare(tampered, session) == "scene 'path' was visited 1 times in the run, now 4"
    tampered = dataclasses.replace(run, end=dataclasses.replace(run.end, scene="home", ending="home"))
    assert compare(tampered, session) == "the run ended in scene 'home', the replay ends in 'end-lake'"


def test_resume_against_another_story_says_so(walk_dir: Path, tmp_path: Path) -> None:
    run = read_run(recorded(walk_dir, tmp_path / "run.toml"))
    resumed = resume(load_story(FIXTURES / "choices"), run)
    assert resumed.messages[0] == "this run was made for story 'walk', not 'choices'"
    assert resumed.messages[1] == "step 1: choice 'gate.enter' is no longer offered in scene 'hub'; resumed there"


def test_resume_past_an_ending(walk_dir: Path, tmp_path: Path) -> None:
    run = read_run(recorded(walk_dir, tmp_path / "run.toml"))
    longer = dataclasses.replace(run, choices=run.choices + ("end-lake.more",))
    resumed = resume(load_story(walk_dir), longer)
    assert resumed.messages == [f"step {len(WALK) + 1}: the story already ended at 'end-lake'; resumed there"]


# ---- the story edited after the run was recorded ----------------------------------------


def _replays_as_before(walk_dir: Path, path: Path) -> None:
    run = read_run(path)
    resumed = resume(load_story(walk_dir), run)
    assert resumed.messages == [] and resumed.failed_step is None
    assert compare(run, resumed.session) is None
    s = resumed.session
    assert s.choices_taken == WALK and s.view().ending is not None and s.view().ending.id == "end-lake"
    assert {k: v for k, v in s.flags.items() if k in run.end.flags} == run.end.flags


def test_edit_prose_still_loads(walk_dir: Path, tmp_path: Path) -> None:
    path = recorded(walk_dir, tmp_path / "run.toml")
    edit(walk_dir / "story.ifs", "The gate stands open.", "The old gate hangs open on one hinge.\n\nRooks.")
    edit(walk_dir / "story.ifs", "You sit by the lake.", "You sit by the lake until dark.")
    assert load_story(walk_dir).digest != read_run(path).story_digest
    _replays_as_before(walk_dir, path)


def test_edit_scene_added_still_loads(walk_dir: Path, tmp_path: Path) -> None:
    path = recorded(walk_dir, tmp_path / "run.toml")
    with (walk_dir / "story.ifs").open("a", encoding="utf-8") as f:
        f.write("\n=== meadow: The Meadow\nGrass.\n* [Back] -> path\n")
    (walk_dir / "more.ifs").write_text("=== extend gate\n* (meadow) [Cut across the meadow] -> meadow\n"
                                       "\n=== ending pond (alternate): The Pond\nA pond.\n", encoding="utf-8")
    edit(walk_dir / "story.ifs", "* (home) [Go home] -> home\n", "* (home) [Go home] -> home\n* [Swim] -> pond\n")
    _replays_as_before(walk_dir, path)


def test_edit_choice_added_still_loads(walk_dir: Path, tmp_path: Path) -> None:
    path = recorded(walk_dir, tmp_path / "run.toml")
    edit(walk_dir / "story.ifs", "+ (loop) [Walk around again] -> path\n",
         "* (sit) [Sit on the bench] -> lake\n+ (loop) [Walk around again] -> path\n")
    assert Session(load_story(walk_dir)).choose("gate.enter").choices[0].id == "path.sit"
    _replays_as_before(walk_dir, path)


def test_edit_flag_added_still_loads(walk_dir: Path, tmp_path: Path) -> None:
    path = recorded(walk_dir, tmp_path / "run.toml")
    edit(walk_dir / "story.ifs", "@flag ducks: int = 0\n", "@flag ducks: int = 0\n@flag mood: int 0..5 = 2 \"Mood\"\n")
    edit(walk_dir / "story.ifs", "You sit by the lake.", "You sit by the lake, mood {mood}.")
    _replays_as_before(walk_dir, path)
    assert main(["replay", str(path), "--story", str(walk_dir)]) == 0


def test_edit_chosen_choice_removed_resumes_at_the_last_step_that_fits(walk_dir: Path, tmp_path: Path) -> None:
    path = recorded(walk_dir, tmp_path / "run.toml")
    edit(walk_dir / "story.ifs", "* (coin) [Pick up the coin] -> path\n  ~ found_coin = true\n", "")
    resumed = resume(load_story(walk_dir), read_run(path))
    assert resumed.messages == ["step 3: choice 'coin' is no longer offered in scene 'path'; resumed there"]
    assert resumed.failed_step == 3
    s = resumed.session
    assert s.choices_taken == WALK[:2] and s.scene_id == "path"
    assert s.flags["steps"] == 2 and s.flags["found_coin"] is False


def test_edit_chosen_choice_renamed_by_label_resumes_there(walk_dir: Path, tmp_path: Path) -> None:
    path = recorded(walk_dir, tmp_path / "run.toml")
    # the gate's choice had an explicit id; rewording a label with a derived id changes the id
    edit(walk_dir / "story.ifs", "* (enter) canon [Walk through the gate]", "* canon [Walk in]")
    resumed = resume(load_story(walk_dir), read_run(path))
    assert resumed.messages == ["step 1: choice 'enter' is no longer offered in scene 'gate'; resumed there"]
    assert resumed.session.choices_taken == []


# ---- atomic writes ------------------------------------------------------------------


@pytest.fixture
def saved(walk_dir: Path, tmp_path: Path) -> tuple[Path, bytes, Run]:
    folder = tmp_path / "saves"
    path = recorded(walk_dir, folder / "slot.toml", WALK[:2])
    newer = run_from_session(played(walk_dir))
    return path, path.read_bytes(), newer


def _crash(*_args: object, **_kwargs: object) -> None:
    raise OSError(28, "No space left on device")


@pytest.mark.parametrize("target", ["os.replace", "os.fsync", "tomli_w.dumps"])
def test_a_crash_during_a_write_keeps_the_previous_save(saved: tuple[Path, bytes, Run], target: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path, before, newer = saved
    monkeypatch.setattr(target, _crash)
    with pytest.raises(OSError):
        write_run(path, newer)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert files_in(path.parent) == ["slot.toml"]  # no temporary file left behind
    assert read_run(path).choices == tuple(WALK[:2])


def test_a_crash_half_way_through_the_bytes_keeps_the_previous_save(saved: tuple[Path, bytes, Run],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path, before, newer = saved
    real_fdopen = os.fdopen

    class HalfWriter:
        def __init__(self, f) -> None:
            self.f = f

        def __enter__(self):
            return self

        def __exit__(self, *exc) -> None:
            self.f.close()

        def write(self, data: bytes) -> int:
            self.f.write(data[: len(data) // 2])
            self.f.flush()
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: HalfWriter(real_fdopen(fd, *a, **k)))
    with pytest.raises(OSError):
        write_run(path, newer)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert files_in(path.parent) == ["slot.toml"]


def test_a_crash_on_the_first_write_leaves_nothing(walk_dir: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "replace", _crash)
    with pytest.raises(OSError):
        write_run(tmp_path / "new" / "run.toml", run_from_session(played(walk_dir)))
    assert files_in(tmp_path / "new") == []


def test_an_interrupt_during_a_write_cleans_up(saved: tuple[Path, bytes, Run],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path, before, newer = saved

    def interrupted(*_a: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_run(path, newer)
    monkeypatch.undo()
    assert path.read_bytes() == before and files_in(path.parent) == ["slot.toml"]


def test_a_successful_write_replaces_the_save(saved: tuple[Path, bytes, Run]) -> None:
    path, _, newer = saved
    write_run(path, newer)
    assert read_run(path).choices == tuple(WALK)
    assert files_in(path.parent) == ["slot.toml"]


# ---- files that cannot be used ------------------------------------------------------------


def _valid_text(walk_dir: Path) -> str:
    return dumps(run_from_session(played(walk_dir)))


BAD_FILES: dict[str, object] = {
    "empty": b"",
    "blank": b"  \n\n\t\n",
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02\x00\x00\x00\x90\x91h6",
    "garbage": "= = = [[[ not toml at all \x00".encode(),
    "foreign-toml": b'[project]\nname = "ifengine"\nversion = "0.1.0"\n',
    "latin1": "format = \"caf\xe9\"\n".encode("latin-1"),
    "deeply-nested": ("x = " + "[" * 50_000 + "]" * 50_000 + "\n").encode(),
    "newer": lambda text: text.replace(f"version = {VERSION}", f"version = {VERSION + 1}"),
    "version-zero": lambda text: text.replace(f"version = {VERSION}", "version = 0"),
    "version-string": lambda text: text.replace(f"version = {VERSION}", 'version = "1"'),
    "no-choices": lambda text: text.replace("choices = [", "chosen = ["),
    "choices-not-strings": lambda text: text.replace('choices = [\n    "gate.enter"', "choices = [\n    7"),
    "seed-string": lambda text: text.replace("seed = 42", 'seed = "42"'),
    "no-end": lambda text: text[: text.index("[end")],
    "truncated-mid-string": lambda text: text[: text.index("gate.enter") + 4],
    "truncated-mid-table": lambda text: text[: text.index("[story]") + 3],
}
MESSAGES = {
    "empty": "the file is empty", "blank": "the file is empty", "png": "not a text file",
    "garbage": "corrupt or truncated TOML", "foreign-toml": "not an ifengine run file",
    "latin1": "not a text file", "deeply-nested": "", "newer": "made by a newer ifengine",
    "version-zero": "unknown run format version 0", "version-string": "'format.version' must be a whole number, not text '1'",
    "no-choices": "missing 'run.choices'", "choices-not-strings": "'run.choices' item 1 must be text, not 7",
    "seed-string": "'run.seed' must be a whole number, not text '42'", "no-end": "missing 'end.scene'",
    "truncated-mid-string": "corrupt or truncated TOML", "truncated-mid-table": "corrupt or truncated TOML",
}


def _bad_file(kind: str, walk_dir: Path, folder: Path) -> Path:
    content = BAD_FILES[kind]
    data = content(_valid_text(walk_dir)).encode() if callable(content) else content
    assert isinstance(data, bytes)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kind}.toml"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_an_unusable_file_raises_one_line_naming_it(kind: str, walk_dir: Path, tmp_path: Path) -> None:
    path = _bad_file(kind, walk_dir, tmp_path / "bad")
    before = fingerprint(path)
    with pytest.raises(RunFileError) as info:
        read_run(path)
    message = str(info.value)
    assert "\n" not in message and len(message) < 300
    assert message.startswith(f"{path}: ")
    assert MESSAGES[kind] in message
    assert fingerprint(path) == before


def test_every_truncation_of_a_run_is_refused_or_read(walk_dir: Path, tmp_path: Path) -> None:
    text = _valid_text(walk_dir)
    path = tmp_path / "cut.toml"
    for n in range(0, len(text), 7):
        path.write_text(text[:n], encoding="utf-8")
        try:
            read_run(path)
        except RunFileError as e:
            assert "\n" not in str(e) and str(e).startswith(f"{path}: ")


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(RunFileError, match=r"no such file$"):
        read_run(tmp_path / "gone.toml")
    with pytest.raises(RunFileError, match="cannot read"):
        read_run(tmp_path)


@pytest.mark.parametrize("kind", ["png", "garbage", "newer", "truncated-mid-string", "empty"])
def test_replay_of_an_unusable_file_prints_one_line_and_fails(kind: str, walk_dir: Path, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = _bad_file(kind, walk_dir, tmp_path / "bad")
    before = fingerprint(path)
    assert main(["replay", str(path), "--story", str(walk_dir)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith(f"error: {path}: ")
    assert fingerprint(path) == before


@pytest.mark.parametrize("kind", ["png", "garbage", "foreign-toml", "newer", "empty"])
def test_saving_over_an_unusable_file_moves_it_aside(kind: str, walk_dir: Path, tmp_path: Path) -> None:
    path = _bad_file(kind, walk_dir, tmp_path / "bad")
    before = path.read_bytes()
    write_run(path, run_from_session(played(walk_dir)))
    assert read_run(path).choices == tuple(WALK)
    aside = path.with_name(path.name + ".bad")
    assert aside.read_bytes() == before
    assert files_in(path.parent) == sorted([aside.name, path.name])


def test_a_second_bad_file_does_not_replace_the_first_one_moved_aside(walk_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "slot.toml"
    run = run_from_session(played(walk_dir))
    path.write_bytes(b"first broken save")
    write_run(path, run)
    path.write_bytes(b"second broken save")
    write_run(path, run)
    kept = sorted(p.read_bytes() for p in tmp_path.iterdir() if p.name not in ("slot.toml", "walk", "home"))
    assert kept == [b"first broken save", b"second broken save"]
    assert read_run(path).choices == tuple(WALK)


def test_saving_over_a_good_run_moves_nothing_aside(saved: tuple[Path, bytes, Run]) -> None:
    path, _, newer = saved
    write_run(path, newer)
    assert files_in(path.parent) == ["slot.toml"]


# ---- where saves live ------------------------------------------------------------------


def test_home_is_overridden_by_ifengine_home(home_in_tmp: Path) -> None:
    assert home() == home_in_tmp
    assert save_dir("walk") == home_in_tmp / "saves" / "walk"


def test_home_defaults_to_the_platform_data_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    from platformdirs import user_data_path

    monkeypatch.delenv("IFENGINE_HOME")
    assert home() == user_data_path("ifengine", appauthor=False)


def test_autosave(walk_dir: Path, home_in_tmp: Path) -> None:
    s = played(walk_dir, WALK[:2])
    path = autosave(run_from_session(s, source=str(walk_dir)))
    assert path == home_in_tmp / "saves" / "walk" / f"{AUTOSAVE}.toml"
    first = read_run(path)
    assert first.name == AUTOSAVE and first.choices == tuple(WALK[:2])
    assert (path.parent / first.source).resolve() == walk_dir.resolve()  # the story, from the run file
    for cid in WALK[2:]:
        s.choose(cid)
    autosave(run_from_session(s))
    second = read_run(path)
    assert second.choices == tuple(WALK) and second.created == first.created
    assert resume(load_story(walk_dir), second).session.is_over
    assert files_in(path.parent) == ["autosave.toml"]
    long_ago = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
    write_run(path, dataclasses.replace(second, created=long_ago))
    autosave(run_from_session(Session(load_story(walk_dir), 1)))  # the old run had ended: a new playthrough
    assert read_run(path).created != long_ago and read_run(path).choices == ()


def test_autosave_over_a_corrupt_autosave(walk_dir: Path, home_in_tmp: Path) -> None:
    folder = home_in_tmp / "saves" / "walk"
    folder.mkdir(parents=True)
    (folder / "autosave.toml").write_bytes(b"\x00\x01garbage")
    autosave(run_from_session(played(walk_dir)))
    assert (folder / "autosave.toml.bad").read_bytes() == b"\x00\x01garbage"
    assert read_run(folder / "autosave.toml").choices == tuple(WALK)


@pytest.mark.parametrize("slot,name", [("quick", "quick.toml"), ("My Save #2!", "My-Save-2.toml"),
                                       ("../../etc/passwd", "etc-passwd.toml"), ("", "slot.toml"),
                                       ("  ..  ", "slot.toml"), ("ch.3_end", "ch.3_end.toml")])
def test_slot_path_stays_in_the_save_folder(slot: str, name: str, home_in_tmp: Path) -> None:
    p = slot_path("walk", slot)
    assert p == home_in_tmp / "saves" / "walk" / name
    assert p.resolve().parent == (home_in_tmp / "saves" / "walk").resolve()


def test_list_saves_newest_first_and_keeps_the_unreadable(walk_dir: Path, home_in_tmp: Path) -> None:
    assert list_saves("walk") == []
    base = run_from_session(played(walk_dir))
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    for i, slot in enumerate(["old", "newest", "middle"]):
        when = t0 + dt.timedelta(days={"old": 0, "newest": 2, "middle": 1}[slot])
        write_run(slot_path("walk", slot), dataclasses.replace(base, name=slot, updated=when))
    folder = save_dir("walk")
    (folder / "broken.toml").write_bytes(b"not [ toml")
    (folder / "old.toml.bad").write_bytes(b"moved aside")
    (folder / ".slot.toml.abc.tmp").write_bytes(b"left by a crash")
    (folder / "notes.txt").write_text("hello")
    listed = list_saves("walk")
    assert [p.name for p, _ in listed] == ["newest.toml", "middle.toml", "old.toml", "broken.toml"]
    assert [r.name for _, r in listed[:3]] == ["newest", "middle", "old"]
    assert isinstance(listed[3][1], RunFileError)
    assert list_saves("other-story") == []


def test_a_run_that_meets_a_fault_resumes_before_it(tmp_path: Path) -> None:
    """An edit can put a runtime fault on a recorded road: loading stops there with a message, no traceback."""
    folder = tmp_path / "s"
    folder.mkdir()
    text = ("@story s\n@title S\n@role Ana: A tester.\n@start a\n@flag n: int = 1\n"
            "=== a: A\nHello.\n* canon [Go] -> b\n"
            "=== b: B\n{10 / n} parts.\n* continue -> e\n"
            "=== ending e (canon): E\nBye.\n")
    (folder / "s.ifs").write_text(text, encoding="utf-8")
    session = Session(load_story(folder), 0)
    session.choose("a.go")
    run = run_from_session(session)
    (folder / "s.ifs").write_text(text.replace("int = 1", "int = 0").replace("* canon [Go]", "* (go) canon [Go]")
                                  .replace("Hello.", "Hello.\n* [Stay] -> e"), encoding="utf-8")
    from ifengine.loader import load

    story = load(folder).story  # the checker reports the fault on the canon road; the engine must cope anyway
    assert story is not None
    resumed = resume(story, run)
    assert resumed.failed_step == 1 and resumed.session.scene_id == "a"
    (message,) = resumed.messages
    assert message.startswith("step 1: choice 'go' fails in scene 'a' (")
    assert message.endswith("s.ifs:11:2: division by zero); resumed there")


def test_a_run_with_local_times_is_read_as_utc_and_lists_with_the_others(tmp_path: Path, monkeypatch) -> None:
    """A hand-edited save with TOML local date-times (no offset) must not break sorting the save list."""
    monkeypatch.setenv("IFENGINE_HOME", str(tmp_path))
    session = Session(load_story(SHOWCASE), 0)
    write_run(slot_path(session.story.id, "normal"), run_from_session(session, name="normal"))
    text = dumps(run_from_session(session, name="local"))
    text = re.sub(r"(created|updated) = (\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)\+00:00", r"\1 = \2T\3", text)
    assert "+00:00" not in text
    slot_path(session.story.id, "local").write_text(text, encoding="utf-8")
    runs = [r for _, r in list_saves(session.story.id)]
    assert all(isinstance(r, Run) and r.updated.tzinfo is not None for r in runs) and len(runs) == 2


def test_a_save_gets_ordinary_permissions_and_a_replaced_one_keeps_its_own(tmp_path: Path) -> None:
    from ifengine.files import NEW_FILE_MODE

    run = run_from_session(Session(load_story(SHOWCASE), 0))
    path = write_run(tmp_path / "a.toml", run)
    assert path.stat().st_mode & 0o777 == NEW_FILE_MODE  # not the 0600 of the temporary file
    os.chmod(path, 0o640)
    write_run(path, run)
    assert path.stat().st_mode & 0o777 == 0o640
