"""The program as people install it (issue 14): the built wheel, installed into a fresh virtual
environment and run from an empty folder, away from the checkout. Nothing here may lean on the source
tree: the stories, the grammar and the docs must come out of the wheel."""
from __future__ import annotations

import os
import pty
import re
import select
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78])")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv with the wheel built from this checkout installed in it; its `bin` folder. The venv sees the
    test environment's packages (lark, textual, ...) so nothing is downloaded, but ifengine itself comes
    from the wheel: the test checks that below."""
    base = tmp_path_factory.mktemp("install")
    wheels = base / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(wheels), str(REPO)], check=True, capture_output=True)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    bin_dir = venv / "bin"
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                    *map(str, wheels.glob("ifengine-*.whl"))], check=True, capture_output=True)
    return bin_dir


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """An empty working folder, far from the checkout."""
    folder = tmp_path / "empty"
    folder.mkdir()
    return folder


def run(bin_dir: Path, cwd: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "NO_COLOR")}
    return subprocess.run([str(bin_dir / "ifengine"), *args], cwd=cwd, input=stdin, capture_output=True,
                          text=True, env=env, timeout=120)


def test_the_installed_package_is_the_wheel_not_the_checkout(installed: Path, elsewhere: Path) -> None:
    r = subprocess.run([str(installed / "python"), "-c", "import ifengine; print(ifengine.__file__)"],
                       cwd=elsewhere, capture_output=True, text=True,
                       env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert Path(r.stdout.strip()).is_relative_to(installed.parent), r.stdout


def test_a_bundled_story_plays_by_id_and_by_role_from_an_empty_folder(installed: Path, elsewhere: Path) -> None:
    for name in ("rumak", "Rumak"):
        r = run(installed, elsewhere, "play", name, "--plain", "--canon")
        assert r.returncode == 0, r.stderr
        assert r.stdout.rstrip("\n").splitlines()[-1] == "ENDING: canon: No Survivors"
    assert list(elsewhere.iterdir()) == []  # nothing left behind in the working folder


def test_an_unknown_story_lists_the_bundled_ones_and_names_no_file_of_the_checkout(installed: Path,
                                                                                  elsewhere: Path) -> None:
    r = run(installed, elsewhere, "play", "nobody", "--plain")
    assert r.returncode == 2
    assert r.stderr.startswith("ifengine play: no story found at or named 'nobody' (stories you can play: ")
    for listed in ("rumak (Rumak: Red Helms)", "davis (Scott Davis: The Names on the Wall)",
                   "ekaril (Ekaril: Any Vector)", "cerberi (Foley: Amongst the Stars)", "showcase ("):
        assert listed in r.stderr
    helps = run(installed, elsewhere, "--help").stdout + run(installed, elsewhere, "play", "--help").stdout
    for text in (r.stderr, helps):
        assert "play.py" not in text and "docs/" not in text


def test_help_says_first_that_ifengine_alone_opens_the_title_screen(installed: Path, elsewhere: Path) -> None:
    out = run(installed, elsewhere, "--help").stdout
    description = out.split("\n\n")[1:3]
    assert "ifengine with no command opens the title screen: pick a story and play." in description
    assert "your own stories folder (" in " ".join(out.split())


def test_the_docs_ship_with_the_package(installed: Path, elsewhere: Path) -> None:
    listing = run(installed, elsewhere, "docs")
    assert listing.returncode == 0
    assert re.search(r"^language\s+The ifengine story language", listing.stdout, re.M)
    language = run(installed, elsewhere, "docs", "language")
    assert language.returncode == 0 and language.stdout.startswith("# The ifengine story language")
    assert "| `IFS100` | error | syntax error |" in language.stdout
    unknown = run(installed, elsewhere, "docs", "nothing-like-it")
    assert unknown.returncode == 2 and unknown.stderr.startswith("ifengine docs: no topic 'nothing-like-it'")


def test_a_run_recorded_anywhere_replays_from_any_folder(installed: Path, elsewhere: Path) -> None:
    rec = run(installed, elsewhere, "play", "davis", "--plain", "--canon", "--record", "run.toml")
    assert rec.returncode == 0, rec.stderr
    text = (elsewhere / "run.toml").read_text(encoding="utf-8")
    assert 'id = "davis"' in text
    source = re.search(r'^source = "(.*)"$', text, re.M)
    assert source and not source.group(1).startswith("/")  # relative to the run file
    bundled = next(installed.parent.glob("lib/python*/site-packages/ifengine/stories/davis"))
    assert (elsewhere / source.group(1)).resolve() == bundled.resolve()
    for cwd in (elsewhere.parent, Path("/")):
        r = run(installed, cwd, "replay", str(elsewhere / "run.toml"))
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith("ok   ") and "ending 'names-on-the-wall' (canon)" in r.stdout


def test_a_moved_run_finds_its_story_by_id(installed: Path, elsewhere: Path, tmp_path: Path) -> None:
    run(installed, elsewhere, "play", "ekaril", "--plain", "--canon", "--record", "run.toml")
    moved = tmp_path / "deeper" / "still"
    moved.mkdir(parents=True)
    (elsewhere / "run.toml").rename(moved / "run.toml")  # its relative path no longer leads to the story
    r = run(installed, elsewhere, "replay", str(moved / "run.toml"))
    assert r.returncode == 0, r.stderr
    assert "ending 'any-vector' (canon)" in r.stdout


def test_away_from_a_terminal_the_plain_player_plays_and_says_so(installed: Path, elsewhere: Path) -> None:
    r = run(installed, elsewhere, "play", "showcase", stdin="")
    assert r.returncode == 0
    assert r.stderr.splitlines()[0] == ("ifengine play: standard input is not a terminal: playing in plain text "
                                        "(as with --plain)")
    assert "\x1b" not in r.stdout and "1." in r.stdout
    alone = run(installed, elsewhere)
    assert alone.returncode == 2 and "\x1b" not in alone.stdout + alone.stderr
    assert alone.stderr.startswith("ifengine: standard input is not a terminal, so the title screen cannot open")
    assert "rumak (Rumak: Red Helms)" in alone.stderr


def _screen_text(master: int, until: list[str], timeout: float = 60.0) -> str:
    """What the program in the pty has drawn, escape codes removed, once every string of `until` is in it."""
    seen = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            text = ESCAPES.sub("", seen.decode("utf-8", "replace"))
            if all(s in text for s in until):
                return text
    return ESCAPES.sub("", seen.decode("utf-8", "replace"))


@pytest.mark.parametrize("args", [(), ("play",)], ids=["ifengine", "ifengine-play"])
def test_the_installed_command_opens_the_title_screen_in_a_terminal(installed: Path, elsewhere: Path,
                                                                     args: tuple[str, ...]) -> None:
    import fcntl
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 110, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "NO_COLOR")}
    env["TERM"] = "xterm-256color"
    proc = subprocess.Popen([str(installed / "ifengine"), *args], cwd=elsewhere, stdin=slave, stdout=slave,
                            stderr=slave, env=env, close_fds=True, start_new_session=True)
    os.close(slave)
    try:
        roles = ["Rumak", "Scott Davis", "Ekaril", "Foley"]
        text = _screen_text(master, roles)
        for role in roles:
            assert role in text
        os.write(master, b"q")
        _screen_text(master, ["never drawn"], timeout=30)  # drain the pty (a full one blocks the app) until it ends
        assert proc.wait(timeout=5) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
