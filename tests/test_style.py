"""`ifengine check --style`: the style lint (IFS450-IFS455). Each check fires on a story made to trip it, at
the exact place and with the exact message, and not on a clean one; each can be set, or switched off with
a reason, in the story's `ifengine.toml`; the story's own words are taught by `words.txt`."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from ifengine.cli import main
from ifengine.editor import spelling

HEADER = "@story demo\n@title Demo\n@role Ana: A tester.\n@start start\n"  # a body starts on line 5
CLEAN = ("@flag brave: bool = false \"Brave\"\n"
         "=== start: Start\nAna counted forty crates by the door. The M40 stood by Ship 5, and Ships 4 and 5 "
         "waited.\n* canon [Fight] -> end\n  ~ brave = true\n* [Run] -> end\n"
         "=== ending end (canon): The End\nIn 1944 the colour of the sea was grey at 21.15, 790 P.D.\n")


def write(folder: Path, body: str, settings: str | None = None, words: str | bytes | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "story.ifs").write_text(HEADER + body, encoding="utf-8")
    if settings is not None:
        (folder / "ifengine.toml").write_text(settings, encoding="utf-8")
    if isinstance(words, str):
        (folder / "words.txt").write_text(words, encoding="utf-8")
    elif isinstance(words, bytes):
        (folder / "words.txt").write_bytes(words)
    return folder


def shown(path: Path) -> str:
    rel = os.path.relpath(path)
    return rel if not rel.startswith("..") else str(path)


def style(folder: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, list[dict]]:
    code = main(["check", "--style", *extra, "--json", str(folder)])
    return code, json.loads(capsys.readouterr().out)


def where(d: dict) -> tuple[int, int]:
    return d["line"], d["col"]


def of(found: list[dict], code: str) -> list[dict]:
    return [d for d in found if d["code"] == code]


def test_a_clean_story_has_no_style_findings(tmp_path, capsys):
    assert style(write(tmp_path, CLEAN), capsys) == (0, [])


def test_the_style_lint_runs_only_when_asked(tmp_path, capsys):
    folder = write(tmp_path, "=== start: Start\nWe waited 40 minutes.\n* [Go] -> end\n"
                             "=== ending end (canon): The End\nDone.\n")
    assert main(["check", "--json", str(folder)]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["check", "--editor", "--json", str(folder)]) == 0
    assert not [d for d in json.loads(capsys.readouterr().out) if d["code"] >= "IFS450"]
    code, found = style(folder, capsys, "--editor")
    assert [d["code"] for d in found] == ["IFS451", "IFS405"]  # both, sorted by place


# ---- IFS451 digits ---------------------------------------------------------------------------------


DIGITS = ("@flag crates: int = 3\n"
          "=== start: Start\n"
          "Then 40 men came. The 1st Army and Type 11 came at 06:00 in 1944, 790 P.D.\n"   # line 7
          "They took {crates} crates, then {if crates > 2: 3 more | 7 less} and 2 more.\n"  # line 8
          "* canon [Take 12] -> end\n"                                                     # line 9
          "=== ending end (canon): Two of 3\nIt was the 3rd time, at 0600 hours; the 2nd Platoon slept.\n")


def test_ifs451_digits_outside_designations_at_each_number(tmp_path, capsys):
    folder = write(tmp_path, DIGITS)
    code, found = style(folder, capsys)
    digits = of(found, "IFS451")
    assert code == 0 and all(d["severity"] == "warning" for d in digits)
    assert {d["file"] for d in digits} == {shown(folder / "story.ifs")}
    assert [(where(d), d["message"].split("'")[1]) for d in digits] == [
        ((7, 6), "40"),            # after the sentence's first word: not a name
        ((8, 49), "3"), ((8, 58), "7"), ((8, 70), "2"),  # inside an inline if, and after it
        ((9, 15), "12"),           # an option's label
        ((10, 32), "3"),           # a title
        ((11, 12), "3rd"),         # an ordinal before no name
    ]
    assert digits[0]["message"] == ("the number '40' is in digits: prose writes numbers in words outside "
                                    "designations (a unit, a call sign, a year); write it out, or allow it in "
                                    "[checks.digits.allow]")


def test_ifs451_a_name_at_a_sentence_start_takes_a_number_and_the_story_allows_its_own(tmp_path, capsys):
    body = ("=== start: Start\nStation 12 is dark. We met at Station 9. BAY 4 CLEAR.\nDock 3 is open. Take 2.\n"
            "* canon [Go] -> end\n=== ending end (canon): The End\nDone.\n")
    folder = write(tmp_path, body)
    _, found = style(folder, capsys)
    assert [(where(d), d["message"].split("'")[1]) for d in of(found, "IFS451")] == [((7, 6), "3"), ((7, 22), "2")]
    write(folder, body, settings='[checks.digits.allow]\nDock = "the docks are numbered"\n'
                                 '"Take 2" = "a film slate, read as written"\n')
    assert style(folder, capsys) == (0, [])
    write(folder, body, settings='[checks.digits]\noff = "the narrator is a machine and counts in digits"\n')
    assert style(folder, capsys) == (0, [])


# ---- IFS452 two spellings --------------------------------------------------------------------------


SPELLINGS = ("=== start: Start\nThe armour held. Ten metres on, the armour held again.\n"  # line 6
             "* canon [Go] -> end\n"
             "=== ending end (canon): The End\nTwenty meters of armored road. We realised, then realized.\n")


def test_ifs452_two_spellings_of_one_word_at_the_rarer(tmp_path, capsys):
    folder = write(tmp_path, SPELLINGS)
    code, found = style(folder, capsys)
    file = shown(folder / "story.ifs")
    assert code == 0
    assert [(where(d), d["message"]) for d in of(found, "IFS452")] == [
        ((9, 8), f"two spellings of one word: 'meters' here (1 time) and 'metres' (1 time, first at {file}:6:22); "
                 "keep one"),
        ((9, 50), f"two spellings of one word: 'realized' here (1 time) and 'realised' (1 time, first at "
                  f"{file}:9:35); keep one"),
    ]  # 'armored' is another word than 'armour': each spelling of 'armour' is used alone


def test_ifs452_is_at_the_rarer_spelling_and_an_allowed_pair_is_quiet(tmp_path, capsys):
    body = ("=== start: Start\nGrey sky, grey sea.\n* canon [Go] -> end\n"
            "=== ending end (canon): The End\nA gray gull.\n")
    folder = write(tmp_path, body)
    _, found = style(folder, capsys)
    (d,) = of(found, "IFS452")
    assert where(d) == (9, 3) and d["message"].startswith("two spellings of one word: 'gray' here (1 time) and "
                                                          "'grey' (2 times, first at")
    write(folder, body, settings='[checks.spellings.allow]\ngray = "the gull is American"\n')
    assert of(style(folder, capsys)[1], "IFS452") == []


# ---- IFS453 sentence frames ------------------------------------------------------------------------


FRAMES = ("=== start: Start\nYou look at the sea. Kuim takes the left wall.\n"           # line 6
          "* canon [Wait] -> harbour\n* [Leave] -> away\n"
          "=== harbour: Harbour\nYou look at the boats. Vask takes the right wall.\n"     # line 10
          "* continue -> pier\n"
          "=== pier: Pier\nYou look at the gulls. Tara Vask takes the middle, and Kuim waits.\n"  # line 13
          "* continue -> end\n"
          "=== away: Away\nYou look at nothing.\n* continue -> other\n"
          "=== ending end (canon): The End\nIt ends.\n"
          "=== ending other (alternate): Elsewhere\nIt ends elsewhere.\n")


def test_ifs453_a_frame_more_than_twice_on_one_road_at_the_sentence_over_the_limit(tmp_path, capsys):
    folder = write(tmp_path, FRAMES, words="Kuim Vask Tara\n")
    code, found = style(folder, capsys)
    assert code == 0
    assert [(where(d), d["message"]) for d in of(found, "IFS453")] == [
        ((13, 1), "the sentence frame \"you look at ...\" opens 3 sentences on the canon path (more than 2), "
                  "in 'start', 'harbour', 'pier'"),
        ((13, 24), "the sentence frame \"[name] takes the ...\" opens 3 sentences on the canon path (more than 2), "
                   "in 'start', 'harbour', 'pier'"),
    ]  # 'away' is on another road: its "You look at" makes two there


def test_ifs453_counts_along_one_road_not_the_whole_story(tmp_path, capsys):
    body = ("=== start: Start\nYou look at the sea.\n* canon [Wait] -> harbour\n* [Leave] -> away\n"
            "=== harbour: Harbour\nYou look at the boats.\n* continue -> end\n"
            "=== away: Away\nYou look at nothing.\n* continue -> other\n"
            "=== ending end (canon): The End\nIt ends.\n"
            "=== ending other (alternate): Elsewhere\nIt ends elsewhere.\n")
    assert of(style(write(tmp_path, body), capsys)[1], "IFS453") == []  # three in the story, two on each road


def test_ifs453_limits_and_a_frame_allowed(tmp_path, capsys):
    folder = write(tmp_path, FRAMES, settings="[checks.sentence-frames]\nmax-repeats = 3\n", words="Kuim Vask Tara\n")
    assert of(style(folder, capsys)[1], "IFS453") == []
    write(folder, FRAMES, settings="[checks.sentence-frames]\nframe-words = 5\n", words="Kuim Vask Tara\n")
    assert of(style(folder, capsys)[1], "IFS453") == []  # "you look at the sea", "... the boats": all differ
    write(folder, FRAMES, settings='[checks.sentence-frames.allow]\n"you look at" = "the narrator\'s habit"\n',
          words="Kuim Vask Tara\n")
    assert [d["message"].split('"')[1] for d in of(style(folder, capsys)[1], "IFS453")] == ["[name] takes the ..."]


# ---- IFS454 spelling, IFS450 the word list, IFS455 no dictionary ---------------------------------


SPELLING = ("@flag morale: int = 0 \"Morale of the Vethani\"\n"
            "=== start: Kilav Road\nRumak's squad crossed the bridgee to Kilav. The Vethani waved.\n"  # line 7
            "* canon [Thank Ana] -> end\n"
            "=== ending end (canon): The End\nRumak slept. The bridgee held.\n")


def test_ifs454_a_word_no_dictionary_knows_once_at_its_first_use(tmp_path, capsys):
    folder = write(tmp_path, SPELLING)
    code, found = style(folder, capsys)
    assert code == 0
    assert [(where(d), d["message"]) for d in of(found, "IFS454")] == [
        ((7, 1), "'Rumak' is in neither the dictionary nor the story's words (2 times); perhaps 'rumal'; "
                 "a word of the story's own goes in words.txt"),
        ((7, 27), "'bridgee' is in neither the dictionary nor the story's words (2 times); perhaps 'bridge'; "
                  "a word of the story's own goes in words.txt"),
    ]  # 'Kilav' is a title's, 'Vethani' a flag's label's, 'Ana' the role's


def test_ifs454_the_word_list_and_the_allow_table_teach_the_story_its_words(tmp_path, capsys):
    folder = write(tmp_path, SPELLING + "Two HQs and HICOMM.\n", words="# the cast\nRumak  # the lieutenant\nHQ\n")
    assert [d["message"].split("'")[1] for d in of(style(folder, capsys)[1], "IFS454")] == ["bridgee", "HICOMM"]
    write(folder, SPELLING, settings='[checks.spelling.allow]\nbridgee = "how Rumak says it"\n', words="Rumak\n")
    assert style(folder, capsys) == (0, [])
    write(folder, SPELLING, settings='[checks.spelling]\noff = "a dialect story"\n')
    assert style(folder, capsys) == (0, [])


def test_ifs454_british_spellings_are_words(tmp_path, capsys):
    body = ("=== start: Start\nThe colour of the theatre's armour; we realised it, kilometres on. There'd be "
            "a draught, we could've said.\n"
            "* canon [Go] -> end\n=== ending end (canon): The End\nDone.\n")
    assert style(write(tmp_path, body), capsys) == (0, [])


def test_ifs450_a_word_list_that_cannot_be_read_is_an_error_at_its_place(tmp_path, capsys):
    folder = write(tmp_path, SPELLING, words=b"Rumak\nKuim\nV\xe9sk\n")
    code, found = style(folder, capsys)
    (d,) = of(found, "IFS450")
    assert code == 1
    assert (d["file"], where(d), d["severity"], d["message"]) == (
        shown(folder / "words.txt"), (3, 2), "error", "the word list is not UTF-8 text")
    assert of(found, "IFS454") == []  # not run as if the list were empty


def test_ifs455_without_pyspellchecker_the_spelling_check_says_so_and_the_rest_runs(tmp_path, capsys,
                                                                                    monkeypatch):
    monkeypatch.setitem(sys.modules, "spellchecker", None)  # importing it now raises ImportError
    spelling.dictionary.cache_clear()
    try:
        folder = write(tmp_path, "=== start: Start\nWe waitedd 40 minutes.\n* [Go] -> end\n"
                                 "=== ending end (canon): The End\nDone.\n")
        code, found = style(folder, capsys)
    finally:
        spelling.dictionary.cache_clear()
    (d,) = of(found, "IFS455")
    assert code == 0 and d["severity"] == "warning" and where(d) == (1, 8)  # the story's header
    assert d["message"] == ("the spelling check needs pyspellchecker, which is not installed: "
                            "pip install 'ifengine[style]'")
    assert [d["code"] for d in found] == ["IFS455", "IFS451"]  # no IFS454 for 'waitedd'


def test_the_style_settings_are_checked_like_the_editors(tmp_path, capsys):
    folder = write(tmp_path, CLEAN, settings='[checks.sentence-frames]\nframe-words = "three"\n')
    code, found = style(folder, capsys)
    (d,) = found
    assert code == 1 and d["code"] == "IFS400" and where(d) == (2, 1)
    assert d["message"] == "[checks.sentence-frames] frame-words must be a whole number of at least 0, not 'three'"
