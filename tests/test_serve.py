"""`ifengine serve` (issue 19): the full player in a web browser through textual-serve. The command it
serves is fixed before it listens; it says how to get the extra when it is missing; a non-loopback
address gets a warning. The last test plays in a real browser: Debian's Chromium driven by Playwright."""
from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ifengine import cli

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
# Chromium's own background connections (updates, sync, QUIC probes) are refused on a closed network and
# slow every page down; headless, without a sandbox (root in CI) and without a GPU.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78])")


class ServerRan(Exception):
    """Raised by the recording `serve` below instead of listening: what textual-serve was given."""


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """textual-serve's `Server`, made to record what it was asked to serve instead of listening."""
    pytest.importorskip("textual_serve", reason="textual-serve is not installed (pip install \"ifengine[web]\")")
    from textual_serve.server import Server

    calls: list[dict[str, object]] = []

    def record(self: Server, debug: bool = False) -> None:
        calls.append({"command": self.command, "host": self.host, "port": self.port, "title": self.title,
                      "public_url": self.public_url})

    monkeypatch.setattr(Server, "serve", record)
    return calls


def test_without_textual_serve_the_command_says_in_one_line_how_to_get_it(monkeypatch, capsys) -> None:
    monkeypatch.setitem(sys.modules, "textual_serve", None)  # an import of it raises ImportError
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)
    assert cli.main(["serve", "rumak"]) == 1
    assert capsys.readouterr().err == ('ifengine serve: ifengine serve needs textual-serve, which is not '
                                       'installed: pip install "ifengine[web]"\n')


def test_the_served_command_is_this_python_playing_the_story_found_by_its_absolute_path(recorded, capsys) -> None:
    assert cli.main(["serve", "rumak", "--port", "8123"]) == 0
    (call,) = recorded
    assert call["host"] == "127.0.0.1" and call["port"] == 8123 and call["title"] == "ifengine"
    assert shlex.split(str(call["command"])) == [sys.executable, "-m", "ifengine", "play",
                                                 str((ROOT / "stories" / "rumak").resolve())]
    err = capsys.readouterr().err
    assert "warning" not in err and f"serving the story at {(ROOT / 'stories' / 'rumak').resolve()}" in err


def test_no_story_serves_the_title_screen_and_a_folder_of_stories_lists_them(recorded, tmp_path: Path) -> None:
    assert cli.main(["serve"]) == 0
    shelf = tmp_path / "my shelf; rm -rf ~"  # a name a shell would split: every argument is quoted
    shutil.copytree(ROOT / "tests" / "fixtures" / "engine" / "canon", shelf / "canon")
    assert cli.main(["serve", str(shelf)]) == 0
    assert [shlex.split(str(c["command"])) for c in recorded] == [
        [sys.executable, "-m", "ifengine"], [sys.executable, "-m", "ifengine", "play", str(shelf.resolve())]]


def test_a_story_that_cannot_be_served_is_refused_before_listening(recorded, tmp_path: Path, capsys) -> None:
    assert cli.main(["serve", "nobody-by-that-name"]) == 2
    assert capsys.readouterr().err.startswith("ifengine serve: no story found at or named 'nobody-by-that-name' ("
                                              "stories you can play: ")
    (tmp_path / "bad.ifs").write_text("@story bad\n@start a\n=== a: A\n* [Go] -> nowhere\n", encoding="utf-8")
    assert cli.main(["serve", str(tmp_path / "bad.ifs")]) == 1
    assert "the story has errors and cannot be played" in capsys.readouterr().err
    for args, message in ((["--port", "0"], "--port must be from 1 to 65535, not 0"),
                          (["--port", "70000"], "--port must be from 1 to 65535, not 70000"),
                          (["--host", " "], "--host needs an address")):
        assert cli.main(["serve", "rumak", *args]) == 2
        assert capsys.readouterr().err.startswith(f"ifengine serve: {message}")
    assert recorded == []


def test_another_address_than_loopback_is_served_with_a_warning(recorded, capsys) -> None:
    assert cli.main(["serve", "rumak", "--host", "0.0.0.0", "--port", "8124"]) == 0
    assert recorded[0]["host"] == "0.0.0.0"
    assert capsys.readouterr().err.startswith(
        "ifengine serve: warning: serving on 0.0.0.0: anyone who can reach port 8124 there can play, and write "
        "saves in your data folder; the default, 127.0.0.1, serves this computer only\n"
        "ifengine serve: browsers on other computers need the address they reach this one by: add --public-url "
        "http://ADDRESS:8124\n")
    assert cli.main(["serve", "rumak", "--host", "192.0.2.7", "--public-url", "http://play.example:8000"]) == 0
    assert recorded[1]["public_url"] == "http://play.example:8000"
    err = capsys.readouterr().err
    assert "warning: serving on 192.0.2.7" in err and "--public-url" not in err


def test_a_textual_driver_named_by_the_environment_counts_as_a_terminal(monkeypatch) -> None:
    """textual-serve pipes the player's standard streams to the browser and names Textual's web driver in
    TEXTUAL_DRIVER: the full player must run there, not fall back to plain text."""
    monkeypatch.setattr(sys, "stdin", open(os.devnull))  # a pipe-like stream, as under textual-serve
    monkeypatch.delenv("TEXTUAL_DRIVER", raising=False)
    assert cli.interactive() is False
    monkeypatch.setenv("TEXTUAL_DRIVER", "textual.drivers.web_driver:WebDriver")
    assert cli.interactive() is True


# ---- in a real browser ----------------------------------------------------------


def _browser_missing() -> str:
    """Why the browser test cannot run here, or '' when it can."""
    if not CHROMIUM.exists():
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    for module, package in (("playwright", "playwright"), ("textual_serve", '"ifengine[web]"')):
        try:
            __import__(module)
        except ImportError:
            return f"{module} is not installed (pip install {package})"
    return ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"ifengine serve stopped with status {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"ifengine serve did not listen on port {port} within {timeout} s")


@pytest.mark.skipif(bool(_browser_missing()), reason=_browser_missing() or "runs")
def test_play_in_a_browser_from_the_title_screen_to_the_second_scene(tmp_path: Path, home: Path) -> None:
    """`ifengine serve` on a free loopback port; Chromium opens the page, the title screen lists the
    library, Rumak is picked, choice 1 is pressed, and the next scene's title is drawn; a second tab gets
    a session of its own, on the title screen. The page draws on a canvas, so what it drew is read from
    what the player sent it over its websocket (escape codes removed). The screenshot goes to tmp_path;
    IFENGINE_SCREENSHOT=PATH copies it there (docs/browser.png)."""
    from playwright.sync_api import Page, sync_playwright

    from ifengine.launch import open_story
    from ifengine.library import story_folders
    from ifengine.runtime import Session

    rumak_at = [p.name for p in story_folders()].index("rumak")  # where the title screen lists it
    session = Session(open_story("rumak")[0])
    first = session.view()
    second = session.choose(first.enabled[0].id)
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "IFENGINE_HOME": str(home)}
    server = subprocess.Popen([sys.executable, "-m", "ifengine", "serve", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    shot = tmp_path / "browser.png"
    try:
        _wait_for_port(port, server)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                def tab() -> tuple[Page, list[bytes]]:
                    """A new tab, and what its player sends it (the page draws it on a canvas)."""
                    page = browser.new_page(viewport={"width": 1200, "height": 800})
                    frames: list[bytes] = []
                    page.on("websocket", lambda ws: ws.on(
                        "framereceived", lambda data: frames.append(data) if isinstance(data, bytes) else None))
                    page.goto(f"http://127.0.0.1:{port}/", wait_until="domcontentloaded")
                    return page, frames

                def drawn(page: Page, frames: list[bytes], *texts: str, timeout: float = 60) -> None:
                    deadline = time.monotonic() + timeout
                    while time.monotonic() < deadline:
                        screen = ESCAPES.sub("", b"".join(frames).decode("utf-8", "replace"))
                        if all(t in screen for t in texts):
                            return
                        page.wait_for_timeout(100)  # (not time.sleep: Playwright's events arrive while it waits)
                    raise AssertionError(f"the page never showed {texts}")

                page, received = tab()
                drawn(page, received, "branching stories for the terminal", "Red Helms", "Scott Davis")
                page.focus(".xterm-helper-textarea")  # the terminal's keyboard input
                for _ in range(rumak_at):
                    page.keyboard.press("ArrowDown")
                page.keyboard.press("Enter")
                drawn(page, received, first.title)
                received.clear()
                page.keyboard.press("1")
                drawn(page, received, second.title)
                page.wait_for_timeout(500)  # the last frame painted
                page.screenshot(path=str(shot))
                other, its_frames = tab()  # another tab: a session of its own, on the title screen
                drawn(other, its_frames, "branching stories for the terminal", "Red Helms")
                assert first.title not in ESCAPES.sub("", b"".join(its_frames).decode("utf-8", "replace"))
            finally:
                browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the server and the player processes it started
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    assert server.returncode == 0, server.stderr.read().decode() if server.stderr else ""
    assert shot.stat().st_size > 10_000
    if os.environ.get("IFENGINE_SCREENSHOT"):
        shutil.copyfile(shot, os.environ["IFENGINE_SCREENSHOT"])
    from ifengine.saves import AUTOSAVE, read_run, slot_path

    # The browser's run is autosaved in the same data folder as the terminal's (IFENGINE_HOME here).
    assert read_run(slot_path("rumak", AUTOSAVE)).choices == (first.enabled[0].id,)
