"""Issue 15, the hostile-input points the first pass left: each test drives the public surface (the
command line, the engine API) with what an attacker or an unlucky user would give it."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ifengine.cli import main


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
