"""`ifengine check`: exit codes, the printed format, --json, and no traceback for any file."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ifengine.cli import main

ROOT = Path(__file__).resolve().parent.parent

CLEAN = """\
@story demo
@title Demo
@role Ana: A tester.
@start start
=== start: Start
Hello.
* [Go] -> end
=== ending end (canon): The End
Bye.
"""
# Two errors: an undeclared flag (line 6, after a tab) and an unknown target (line 8).
BROKEN = CLEAN.replace("* [Go] -> end", "* canon [Go] -> end\n* [Fly] -> ned").replace("Hello.", "\tHello {ghost}.")
WARNING_ONLY = CLEAN.replace("@start start\n", "@start start\n@flag unused: bool = false\n")


@pytest.fixture
def story(tmp_path, monkeypatch):
    """Write story.ifs in a fresh working folder (so diagnostics name it `story.ifs`)."""
    monkeypatch.chdir(tmp_path)

    def write(text: str | bytes, name: str = "story.ifs") -> str:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        return name

    return write


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_story_exits_0(story, capsys):
    code, out, err = run(capsys, "check", story(CLEAN))
    assert code == 0
    assert out == ""
    assert err == "story.ifs: 0 errors, 0 warnings\n"


def test_clean_folder_exits_0(story, capsys, tmp_path):
    story(CLEAN)
    code, out, err = run(capsys, "check", str(tmp_path))
    assert code == 0 and out == ""


def test_warnings_only_exit_0(story, capsys):
    code, out, err = run(capsys, "check", story(WARNING_ONLY))
    assert code == 0
    assert out.startswith("story.ifs:5:7: warning: flag 'unused' is declared but never read")
    assert out.splitlines()[0].endswith("[IFS201]")
    assert err == "story.ifs: 0 errors, 1 warning\n"


def test_errors_exit_1_with_source_line_and_caret(story, capsys):
    code, out, err = run(capsys, "check", story(BROKEN))
    assert code == 1
    lines = out.splitlines()
    assert lines == [
        "story.ifs:6:9: error: flag 'ghost' is not declared (declare it with @flag ghost: ...) [IFS130]",
        "        Hello {ghost}.",  # four spaces of indent, then the tab expanded to four
        "               ^",  # under the 'g': the caret's prefix is expanded the same way
        "story.ifs:8:12: error: choice goes to 'ned', which is not a scene or ending (did you mean 'end'?) [IFS120]",
        "    * [Fly] -> ned",
        "               ^",
    ]
    assert err == "story.ifs: 2 errors, 0 warnings\n"


def test_caret_sits_under_the_column(story, capsys):
    code, out, _ = run(capsys, "check", story(BROKEN))
    head, source, caret = out.splitlines()[3:6]
    col = int(head.split(":")[2])
    assert source.startswith("    ") and caret.startswith("    ")
    assert caret.index("^") == 4 + col - 1
    assert source[caret.index("^"):].startswith("ned")


def test_several_paths(story, capsys):
    good, bad = story(CLEAN, "good/story.ifs"), story(BROKEN, "bad/story.ifs")
    code, out, err = run(capsys, "check", good, bad)
    assert code == 1
    assert out.splitlines()[0].startswith(os.path.join("bad", "story.ifs") + ":6:9: error:")
    assert err == f"{good}, {bad}: 2 errors, 0 warnings\n"


def test_missing_path_exits_2(story, capsys):
    code, out, err = run(capsys, "check", "nope.ifs")
    assert code == 2
    assert out == ""
    assert "no such file or folder: nope.ifs" in err
    assert "Traceback" not in err


def test_no_arguments_away_from_a_terminal_exits_2_saying_why(capsys):
    """`ifengine` alone opens the title screen, which needs a terminal; under pytest there is none."""
    code, out, err = run(capsys)
    assert code == 2
    assert err.startswith("ifengine: standard input is not a terminal, so the title screen cannot open")


def test_check_without_paths_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["check"])
    assert exc.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_json_output(story, capsys):
    code, out, err = run(capsys, "check", "--json", story(BROKEN))
    assert code == 1
    data = json.loads(out)
    assert isinstance(data, list) and len(data) == 2
    for item in data:
        assert set(item) == {"file", "line", "col", "message", "code", "severity"}
    assert data[0] == {
        "file": "story.ifs", "line": 6, "col": 9,
        "message": "flag 'ghost' is not declared (declare it with @flag ghost: ...)",
        "code": "IFS130", "severity": "error",
    }
    assert (data[1]["code"], data[1]["line"], data[1]["col"]) == ("IFS120", 8, 12)


def test_json_clean_is_an_empty_list(story, capsys):
    code, out, _ = run(capsys, "check", "--json", story(CLEAN))
    assert code == 0
    assert json.loads(out) == []


def test_json_warning_severity(story, capsys):
    code, out, _ = run(capsys, "check", story(WARNING_ONLY), "--json")
    assert code == 0
    (item,) = json.loads(out)
    assert (item["severity"], item["code"]) == ("warning", "IFS201")


BAD_FILES = {
    "empty file": (b"", "IFS110"),
    "binary file": (b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0", "IFS101"),
    "invalid UTF-8": (CLEAN.encode() + b"caf\xe9\n", "IFS101"),
    "10 MB single line": (b"x" * 10_000_000, "IFS102"),
    "only a BOM": (b"\xef\xbb\xbf", "IFS110"),
    "only NUL bytes": (b"\0" * 64, "IFS101"),
    "lone surrogate bytes": (b"=== a: \xed\xa0\x80\n", "IFS101"),
}


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.parametrize("label", list(BAD_FILES))
def test_never_a_traceback(story, capsys, label, as_json):
    data, expected = BAD_FILES[label]
    args = ["check", story(data)] + (["--json"] if as_json else [])
    code, out, err = run(capsys, *args)
    assert code == 1
    assert "Traceback" not in out + err
    if as_json:
        assert expected in [d["code"] for d in json.loads(out)]
    else:
        assert f"[{expected}]" in out


def test_folder_without_scripts(story, capsys, tmp_path):
    story("just notes", "empty/notes.txt")
    code, out, err = run(capsys, "check", "empty")
    assert code == 1
    assert out.splitlines() == ["empty:1:1: error: no .ifs files in this folder [IFS101]"]
    assert "Traceback" not in err


def test_real_process(tmp_path):
    (tmp_path / "bad.ifs").write_text(BROKEN, encoding="utf-8")
    (tmp_path / "good.ifs").write_text(CLEAN, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""), "NO_COLOR": "1"}
    bad = subprocess.run([sys.executable, "-m", "ifengine", "check", "bad.ifs"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1, bad.stderr
    assert bad.stdout.splitlines()[0] == ("bad.ifs:6:9: error: flag 'ghost' is not declared "
                                          "(declare it with @flag ghost: ...) [IFS130]")
    assert bad.stderr.strip().endswith("2 errors, 0 warnings")
    assert "Traceback" not in bad.stderr
    good = subprocess.run([sys.executable, "-m", "ifengine", "check", "good.ifs", "--json"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout) == []
    missing = subprocess.run([sys.executable, "-m", "ifengine", "check", "missing.ifs"], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr


def test_a_folder_of_story_folders_is_checked_story_by_story(tmp_path, capsys):
    """`ifengine check stories/` checks each story in it, not all of them as one story (two headers)."""
    import shutil

    for name in ("one", "two"):
        shutil.copytree(ROOT / "examples" / "showcase", tmp_path / "stories" / name)
    code, out, err = run(capsys, "check", str(tmp_path / "stories"))
    assert code == 0 and out == ""
    (tmp_path / "stories" / "two" / "main.ifs").write_text("=== x: X\n", encoding="utf-8")
    code, out, err = run(capsys, "check", str(tmp_path / "stories"), "--json")
    assert code == 1
    assert {d["file"].split("/")[-2] for d in json.loads(out)} == {"two"}
