"""Issue 14, "the player never loses your place" and "fast at every step": the full-screen player through
Textual's Pilot (and the plain player as a process, where the two must agree). Continue and Load open at the
current scene, a long run's transcript folds its past and unfolds it when reached, the canon mark follows one
rule everywhere, and wrapped lines keep their hanging indent."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from textual.widgets import OptionList, Tree

from ifengine import load_story
from ifengine.runtime import Session
from ifengine.saves import AUTOSAVE, run_from_session, slot_path, write_run
from ifengine.ui.app import IFApp, Start
from ifengine.ui.screens.history import HistoryScreen
from ifengine.ui.screens.map import MapScreen
from ifengine.ui.screens.play import PlayScreen
from ifengine.ui.widgets.choices import ChoiceList
from ifengine.ui.widgets.transcript import CHUNK, PastChunk, StepBlock, Transcript
from tests.fixtures.ui.support import CANON, CLOCK, LANTERN, app, playing, prompt_text, run_of, settle

ROOT = Path(__file__).resolve().parent.parent


def long_story(folder: Path, scenes: int = 80) -> Path:
    """A chain of `scenes` scenes, each with a canon choice on and a choice to wait in place; then an ending."""
    lines = ["@story chain", "@title The Long Chain", "@role Walker: someone walking a long road.",
             "@start s0", ""]
    for i in range(scenes):
        nxt = f"s{i + 1}" if i + 1 < scenes else "end"
        lines += [f"=== s{i}: Milestone {i}", f"The road goes on past stone {i}.",
                  f"* (on) canon [Walk on from stone {i}] -> {nxt}", f"+ (rest) [Rest at stone {i}] -> s{i}", ""]
    lines += ["=== ending end (canon): The End of the Road", "You arrive.", ""]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "story.ifs").write_text("\n".join(lines), encoding="utf-8")
    return folder


def walked(story, steps: int) -> Session:
    session = Session(story, 0)
    for _ in range(steps):
        session.choose(session.view().choices[0].id)
    return session


def screen_lines(widget) -> list[str]:
    """What a widget shows, one string per row of its region."""
    return [widget.render_line(y).text.rstrip() for y in range(widget.size.height)]


def screen_rows(a: IFApp) -> list[str]:
    """The rows of the whole screen as a player sees them (from Textual's own screenshot)."""
    import html
    import re

    rows: dict[float, list[tuple[float, str]]] = {}
    for x, y, text in re.findall(r'<text[^>]* x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', a.export_screenshot()):
        rows.setdefault(float(y), []).append((float(x), html.unescape(text).replace("\xa0", " ")))
    return ["".join(t for _, t in sorted(parts)) for _, parts in sorted(rows.items())]


def in_view(transcript: Transcript, block) -> bool:
    """Whether the top of `block` is inside the transcript's visible rows."""
    top = block.virtual_region.y - transcript.scroll_y
    return 0 <= top < transcript.size.height


def shown_text(transcript: Transcript) -> str:
    """The transcript's text, folded chunks and live blocks alike, without the blank lines between them."""
    parts: list[str] = []
    for child in transcript.children:
        if isinstance(child, PastChunk):
            parts.append(str(child.render()))
        elif isinstance(child, StepBlock):
            parts += [str(w.render()) for w in child.children]
    return "\n".join(line for part in parts for line in part.splitlines() if line.strip())


# ---- Continue and Load open at the current scene ------------------------------------------------------


async def test_continue_opens_the_transcript_at_the_current_scene(tmp_path):
    folder = long_story(tmp_path / "chain")
    story = load_story(folder)
    write_run(slot_path("chain", AUTOSAVE), run_from_session(walked(story, 45), name=AUTOSAVE, source=str(folder)))
    for _ in range(3):  # it used to open at scene 1 in most tries: every try must open at the current scene
        a = IFApp(folders=[folder], seed=0, clock=CLOCK)
        async with a.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("enter")  # Continue
            await settle(pilot)
            await settle(pilot)
            assert isinstance(a.screen, PlayScreen) and a.game.steps == 45
            transcript = a.screen.query_one(Transcript)
            assert transcript.latest is not None and transcript.latest.view.scene_id == "s45"
            assert in_view(transcript, transcript.latest)
            assert any("Milestone 45" in line for line in screen_rows(a))


async def test_load_opens_the_transcript_at_the_loaded_scene(tmp_path):
    folder = long_story(tmp_path / "chain")
    story = load_story(folder)
    write_run(slot_path("chain", "far"), run_from_session(walked(story, 30), name="far", source=str(folder)))
    a = IFApp(folders=[folder], seed=0, clock=CLOCK, start=Start(story, folder, Session(story, 0)))
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        transcript = a.screen.query_one(Transcript)
        assert a.game.steps == 30 and transcript.latest.view.scene_id == "s30"
        assert in_view(transcript, transcript.latest)


# ---- a long run folds its past, and unfolds it when reached -------------------------------------------


async def test_a_long_run_folds_the_steps_behind_and_shows_the_same_text(tmp_path):
    folder = long_story(tmp_path / "chain")
    story = load_story(folder)
    a = IFApp(folders=[folder], seed=0, clock=CLOCK, start=Start(story, folder, walked(story, 40)))
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        transcript = a.screen.query_one(Transcript)
        for _ in range(25):  # step by step, folding as it goes
            await pilot.press("1")
        await settle(pilot)
        steps = 65
        assert a.game.steps == steps
        blocks = list(transcript.query_children(StepBlock))
        assert len(blocks) <= 2 * CHUNK and blocks[-1].view.scene_id == f"s{steps}"
        assert transcript.query_children(PastChunk)  # the earlier steps are folded
        mounted = list(transcript.query_children(PastChunk))
        # Only the nearest folded groups are mounted; the line at the top counts the others.
        hidden = mounted[0].group * CHUNK
        assert hidden > 0 and f"{hidden} earlier steps" in str(transcript.query_one(".earlier").render())
        # Back into a folded group: it unfolds, and what is shown is the road as it is now.
        a.screen.rewind(steps - CHUNK - 5)
        await settle(pilot)
        now = steps - CHUNK - 5
        assert transcript.latest.view.scene_id == f"s{now}" and in_view(transcript, transcript.latest)
        text = shown_text(transcript)
        assert f"Milestone {now}" in text and f"Milestone {now + 1}" not in text
        assert text.count("› Walk on from stone") == text.count("Milestone") - (1 if "Milestone 0\n" in text else 0)


async def test_scrolling_to_the_top_shows_the_earlier_steps_in_place(tmp_path):
    folder = long_story(tmp_path / "chain")
    story = load_story(folder)
    a = IFApp(folders=[folder], seed=0, clock=CLOCK, start=Start(story, folder, walked(story, 75)))
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await settle(pilot)
        transcript = a.screen.query_one(Transcript)
        first = list(transcript.query_children(PastChunk))[0]
        assert first.group > 0
        for _ in range(20):  # scroll up to the top, as far as it goes
            transcript.scroll_home(animate=False)
            await settle(pilot)
            if not transcript.query_one(".earlier").display:
                break
        assert not transcript.query_one(".earlier").display
        assert list(transcript.query_children(PastChunk))[0].group == 0
        assert "Milestone 0" in shown_text(transcript)


# ---- one canon rule, in the engine's views --------------------------------------------------------------


def test_a_lone_continue_is_canon_only_on_the_canon_path():
    story = load_story(LANTERN)
    s = Session(story, 0)
    for cid in CANON[:2]:
        s.choose(cid)
    assert [c.canon for c in s.view().choices] == [True]  # the ferryman's lone continue: on the canon path
    s = Session(story, 0)
    for cid in CANON[:3] + ("far-bank.wait",):
        s.choose(cid)
    assert s.view().scene_id == "keeper" and [c.canon for c in s.view().choices] == [False]


async def test_the_canon_mark_agrees_in_the_choices_the_history_and_the_map():
    a = playing(CANON[:3] + ("far-bank.wait",))
    async with a.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        choices = a.screen.query_one(ChoiceList)
        assert prompt_text(choices.get_option_at_index(0).prompt) == "1   Continue"
        await pilot.press("1")  # the keeper's continue, off canon, to the other light
        await settle(pilot)
        await pilot.press("escape")  # from the ending screen back to the transcript
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(a.screen, HistoryScreen)
        rows = [prompt_text(o.prompt) for o in a.screen.query_one("#decisions", OptionList).options]
        assert "The Ferryman Waits  ›  Continue  ◆" in rows[2]
        assert rows[4].startswith("  5. The Keeper's Hut  ›  Continue") and "◆" not in rows[4]
        await pilot.press("escape", "m")
        await settle(pilot)
        assert isinstance(a.screen, MapScreen)
        labels = [str(n.label) for n in _walk(a.screen.query_one(Tree).root)]
        assert any("The Ferryman Waits  ›  ◆ Continue" in t for t in labels)
        assert any("The Keeper's Hut  ›  ○ Continue" in t for t in labels)


def _walk(node):
    yield node
    for child in node.children:
        yield from _walk(child)


def test_plain_mode_marks_the_same_choices_as_canon():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-m", "ifengine", "play", str(LANTERN), "--plain"], env=env, text=True,
                       input="1\n2\n1\n2\n", capture_output=True, timeout=60)
    out = r.stdout
    ferryman = out[out.index("== The Ferryman Waits"):out.index("== The Far Bank")]
    keeper = out[out.index("== The Keeper's Hut"):]
    assert "  1. Continue *" in ferryman
    assert "  1. Continue\n" in keeper and "Continue *" not in keeper


# ---- hanging indent -------------------------------------------------------------------------------------


LONG = ("@story long\n@title Long Labels\n@role Reader: someone reading.\n@start a\n@flag key: bool = false\n\n"
        "=== a: A Room\nA room.\n"
        "* canon [Walk all the way along the very long corridor to the far door at its end] -> b\n"
        "* [Open the iron door] -> b\n"
        "  ? key else \"The iron door is locked and the key is somewhere far behind you in the dark\"\n\n"
        "=== ending b (canon): Out\nOut.\n")


async def test_wrapped_choice_labels_and_reasons_keep_their_hanging_indent(tmp_path):
    folder = tmp_path / "long"
    folder.mkdir()
    (folder / "story.ifs").write_text(LONG, encoding="utf-8")
    story = load_story(folder)
    a = IFApp(folders=[folder], seed=0, clock=CLOCK, start=Start(story, folder, Session(story, 0)))
    async with a.run_test(size=(50, 24)) as pilot:  # narrow: no side panel, the choices are 50 columns
        await settle(pilot)
        rows = [r for r in screen_lines(a.screen.query_one(ChoiceList)) if r.strip()]
        assert rows[0].startswith(" 1 ◆ Walk all the way")
        label_col = rows[0].index("Walk")
        assert rows[1].strip() and rows[1][:label_col].strip() == ""  # the label's second line hangs under it
        assert rows[2].startswith(" 2   Open the iron door")
        reason = next(r for r in rows if "✗" in r)
        assert reason.index("✗") == label_col
        after = rows[rows.index(reason) + 1]
        assert after[:reason.index("✗") + 2].strip() == "" and after.strip()  # the reason hangs under itself


# ---- toasts and the busy indicator ------------------------------------------------------------------------


async def test_toasts_never_cover_the_choice_list():
    from textual.widgets._toast import Toast

    a = playing()
    async with a.run_test(size=(80, 24), notifications=True) as pilot:  # (run_test leaves toasts out by default)
        await settle(pilot)
        for i in range(4):
            a.notify(f"Note {i}: something worth saying, long enough to wrap onto a second line of the toast.")
        await settle(pilot)
        toasts = list(a.screen.query(Toast))
        assert len(toasts) == 4
        choices = a.screen.query_one(ChoiceList).region
        assert all(not t.region.overlaps(choices) for t in toasts)


async def test_the_busy_indicator_shows_while_continue_takes_long(monkeypatch):
    import threading

    import ifengine.saves as saves

    write_run(slot_path("lantern", AUTOSAVE), run_of(CANON[:2], AUTOSAVE))
    release = threading.Event()
    real = saves.resume

    def slow_resume(*args, **kwargs):
        release.wait(5)  # a story that takes a while to replay
        return real(*args, **kwargs)

    a = app()
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(saves, "resume", slow_resume)
        await pilot.press("enter")  # Continue
        await pilot.pause(0.05)
        assert not a.is_busy  # nothing shows for quick work
        await pilot.pause(0.3)
        assert a.is_busy and a.screen.query_one("#stories").loading
        release.set()
        await settle(pilot)
        await settle(pilot)
        assert isinstance(a.screen, PlayScreen) and a.game.steps == 2 and not a.is_busy
