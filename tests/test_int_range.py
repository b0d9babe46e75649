"""Issue 15, point 1 (the int range): ints hold -(2**63-1)..2**63-1. A literal outside is a check-time
error with its place (IFS137); arithmetic that leaves the range is a clean fault in play; no traceback
from `check`, `play --plain` or `--record`, and the run file is still written."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

from ifengine.cli import main
from ifengine.model import INT_MAX

ROOT = Path(__file__).resolve().parent.parent
HEAD = "@story big\n@title Big\n@role Bo: A squarer.\n@start a\n"


def write(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "big"
    folder.mkdir()
    (folder / "main.ifs").write_text(HEAD + text, encoding="utf-8")
    return folder


def ifengine(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "ifengine", *args], input=stdin, capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=60)


def test_a_5000_digit_literal_is_ifs137_at_its_place(tmp_path, capsys):
    folder = write(tmp_path, "@flag x: int = " + "9" * 5000 + "\n@flag y: int -99999999999999999999..3 = 0\n"
                   "=== a: A\nX is {x}, y is {y}, z is {x + 9223372036854775808}.\n* canon [Stop] -> b\n"
                   "=== ending b (canon): B\nThe end.\n")
    assert main(["check", "--json", str(folder)]) == 1
    diags = [d for d in json.loads(capsys.readouterr().out) if d["code"] == "IFS137"]
    assert [(d["line"], d["col"], d["severity"]) for d in diags] == [(5, 16, "error"), (6, 15, "error"),
                                                                    (8, 31, "error")]
    assert "5,000 digits" in diags[0]["message"] and str(INT_MAX) in diags[0]["message"]
    assert main(["check", str(folder)]) == 1
    out, err = capsys.readouterr()
    assert "main.ifs:5:16: error: the number 999999999999...999999 (5,000 digits) is out of range" in out


def test_the_largest_literals_are_fine(tmp_path, capsys):
    folder = write(tmp_path, f"@flag x: int -{INT_MAX}..{INT_MAX} = {INT_MAX}\n"
                   "=== a: A\nX is {x}.\n* canon [Stop] -> b\n=== ending b (canon): B\nThe end.\n")
    assert main(["check", str(folder)]) == 0


LOOP = ("@flag x: int = 10\n=== a: A\n~ x = x * x\nX is {x}.\n+ [Again] -> a\n* canon [Stop] -> b\n"
        "=== ending b (canon): B\nThe end.\n")


def test_arithmetic_out_of_range_is_one_line_in_play_and_the_run_is_recorded(tmp_path):
    folder = write(tmp_path, LOOP)
    record = tmp_path / "run.toml"
    r = ifengine("play", str(folder), "--plain", "--record", str(record), stdin="1\n" * 20)
    assert "Traceback" not in r.stderr + r.stdout, r.stderr
    assert r.returncode == 1
    assert r.stderr.splitlines()[-1] == (f"error: {folder / 'main.ifs'}:7:7: a number out of range: ints hold "
                                         f"-{INT_MAX}..{INT_MAX}")
    assert "X is 10000000000000000." in r.stdout  # 10**16 is shown; 10**32 is where it stops
    run = tomllib.loads(record.read_text(encoding="utf-8"))
    assert run["run"]["choices"] == ["a.again"] * 3  # the fourth faulted: the session stayed


def test_adding_past_the_range_is_a_fault_too(tmp_path):
    folder = write(tmp_path, f"@flag x: int = {INT_MAX}\n=== a: A\nHi.\n* [Add] -> c\n* canon [Stop] -> b\n"
                   "=== c: C\n~ x += 1\nX is {x}.\n* canon [Stop] -> b\n=== ending b (canon): B\nThe end.\n")
    r = ifengine("play", str(folder), "--plain", stdin="1\n")
    assert "Traceback" not in r.stderr and r.returncode == 1
    assert r.stderr.strip().endswith(f"main.ifs:11:1: a number out of range: ints hold -{INT_MAX}..{INT_MAX}")
