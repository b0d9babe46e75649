"""Issue 15, the hostile-input points the first pass left: each test drives the public surface (the
command line, the engine API) with what an attacker or an unlucky user would give it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import ifengine
from ifengine.cli import main

ROOT = Path(__file__).resolve().parent.parent
ENGINE = Path(ifengine.__file__).resolve().parent.parent  # the code under test, for subprocesses


def check_json(capsys: pytest.CaptureFixture[str], path: Path) -> list[dict]:
    main(["check", "--json", str(path)])
    return json.loads(capsys.readouterr().out)


# ---- point 14: CR-only line ends ---------------------------------------------------------------


@pytest.mark.parametrize("newline", [b"\r", b"\r\n", b"\n"])
def test_an_unreadable_byte_is_placed_by_line_and_column_whatever_the_line_ends(tmp_path, capsys, newline):
    script = newline.join([b"@story c", b"@title C", b"@role R: r.", b"@start a", b"=== a: A",
                           b"Hello \xff there.", b""])
    (tmp_path / "cr.ifs").write_bytes(script)
    [d] = check_json(capsys, tmp_path / "cr.ifs")
    assert (d["code"], d["line"], d["col"]) == ("IFS101", 6, 7)


def test_a_byte_order_mark_is_no_column(tmp_path, capsys):
    (tmp_path / "bom.ifs").write_bytes(b"\xef\xbb\xbf@st\x00ory c\r")
    [d] = check_json(capsys, tmp_path / "bom.ifs")
    assert (d["code"], d["line"], d["col"]) == ("IFS101", 1, 4)


# ---- point 4: --record and replay never read a device or a pipe --------------------------------

SHOWCASE = ROOT / "examples" / "showcase"


def play_plain(*args: str, stdin: str = "1\n1\n", timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ENGINE)}
    return subprocess.run([sys.executable, "-m", "ifengine", "play", str(SHOWCASE), "--plain", *args],
                          input=stdin, capture_output=True, text=True, env=env, timeout=timeout)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/full", "/dev/null"])
def test_record_refuses_a_device_without_reading_it(device):
    if not Path(device).exists():
        pytest.skip(f"no {device} here")
    before = {p.name for p in Path(device).parent.glob(".*.tmp")}
    r = play_plain("--record", device)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.splitlines()[-1] == (f"ifengine play: cannot write {device}: not a regular file "
                                         "(a device, a pipe or a socket); not writing there")
    assert {p.name for p in Path(device).parent.glob(".*.tmp")} == before  # no temporary left beside it


def test_record_refuses_a_pipe_and_replay_does_not_wait_on_one(tmp_path):
    fifo = tmp_path / "run.toml"
    os.mkfifo(fifo)
    r = play_plain("--record", str(fifo), timeout=30)
    assert r.returncode == 1 and r.stderr.splitlines()[-1].endswith("not a regular file (a device, a pipe or a "
                                                                    "socket); not writing there")
    r = subprocess.run([sys.executable, "-m", "ifengine", "replay", str(fifo)], capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": str(ENGINE)}, timeout=30)
    assert r.returncode == 1
    assert r.stderr.strip() == f"error: {fifo}: cannot read: not a regular file (a device, a pipe or a socket)"
    assert fifo.is_fifo()


def test_check_does_not_read_a_device_as_a_script(capsys):
    [d] = check_json(capsys, Path("/dev/zero"))
    assert (d["file"], d["line"], d["col"], d["code"]) == ("/dev/zero", 1, 1, "IFS101")
    assert d["message"] == "cannot read the file: not a regular file (a device, a pipe or a socket)"
