"""Issue 14, "the player never loses your place" and "fast at every step": the full-screen player through
Textual's Pilot (and the plain player as a process, where the two must agree). Continue and Load open at the
current scene, a long run's transcript folds its past and unfolds it when reached, the canon mark follows one
rule everywhere, and wrapped lines keep their hanging indent."""
from __future__ import annotations

import dataclasses
import datetime as dt
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


def story_folder(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "story.ifs").write_text(text, encoding="utf-8")
    return folder


def app_at(folder: Path, steps: int = 0) -> IFApp:
    """An app that opens straight on the story in `folder`, `steps` canon choices in."""
    story = load_story(folder)
    return IFApp(folders=[folder], seed=0, clock=CLOCK, start=Start(story, folder, walked(story, steps)))


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


async def until(pilot, condition, timeout: float = 5.0) -> bool:
    """Let the app run until `condition()` holds (a frame or two; longer on a loaded machine)."""
    for _ in range(int(timeout / 0.02)):
        if condition():
            return True
        await pilot.pause(0.02)
    return condition()


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
    for attempt in range(3):  # it used to open at scene 1 in most tries: every try must open at the current scene
        a = IFApp(folders=[folder], seed=0, clock=CLOCK)
        async with a.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("enter")  # Continue
            await settle(pilot)
            await settle(pilot)
            assert isinstance(a.screen, PlayScreen) and a.game.steps == 45
            transcript = a.screen.query_one(Transcript)
            assert transcript.latest is not None and transcript.latest.view.scene_id == "s45"
            assert await until(pilot, lambda: in_view(transcript, transcript.latest)), (
                attempt, transcript.scroll_y, transcript.max_scroll_y, transcript.latest.virtual_region)
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
        assert await until(pilot, lambda: in_view(transcript, transcript.latest))


def rested(story, at: int, times: int, steps: int) -> Session:
    """`steps` choices in: canon, except `times` rests at stone `at`."""
    session = Session(story, 0)
    for i in range(steps):
        want = "Rest" if at <= i < at + times else "Walk"
        session.choose(next(c.id for c in session.view().choices if c.label.startswith(want)))
    return session


async def test_loading_another_run_shows_its_own_folded_steps(tmp_path):
    """The folded text is the loaded run's, not the one played before it (it once kept the groups the two
    runs' step numbers shared)."""
    folder = long_story(tmp_path / "chain")
    story = load_story(folder)
    write_run(slot_path("chain", "rests"), run_from_session(rested(story, 10, 5, 45), name="rests",
                                                              source=str(folder)))
    a = IFApp(folders=[folder], seed=0, clock=CLOCK, start=Start(story, folder, walked(story, 45)))
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        transcript = a.screen.query_one(Transcript)
        assert "Rest at stone" not in shown_text(transcript)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        assert a.game.steps == 45 and transcript.latest.view.scene_id == "s40"
        assert await until(pilot, lambda: "› Rest at stone 10" in shown_text(transcript))
        assert in_view(transcript, transcript.latest)


async def test_continue_shows_the_current_step_then_mounts_the_earlier_ones_above_it(tmp_path):
    folder = long_story(tmp_path / "chain")
    story = load_story(folder)
    write_run(slot_path("chain", AUTOSAVE), run_from_session(walked(story, 73), name=AUTOSAVE, source=str(folder)))
    a = IFApp(folders=[folder], seed=0, clock=CLOCK)
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # Continue
        await settle(pilot)
        await settle(pilot)
        transcript = a.screen.query_one(Transcript)
        assert await until(pilot, lambda: bool(transcript.query_children(PastChunk)))
        blocks = list(transcript.query_children(StepBlock))
        # The group under way and the whole group before it stay live: an undo or two does not unfold.
        assert [b.view.scene_id for b in blocks] == [f"s{i}" for i in range(60, 74)]
        assert [c.group for c in transcript.query_children(PastChunk)] == [3, 4, 5]
        assert await until(pilot, lambda: in_view(transcript, transcript.latest))
        assert "30 earlier steps" in str(transcript.query_one(".earlier").render())
        await pilot.press("u")
        await settle(pilot)
        assert transcript.latest.view.scene_id == "s72"
        assert [b.view.scene_id for b in transcript.query_children(StepBlock)] == [f"s{i}" for i in range(60, 73)]
        assert [c.group for c in transcript.query_children(PastChunk)] == [3, 4, 5]
        assert await until(pilot, lambda: in_view(transcript, transcript.latest))


def test_resuming_a_run_gives_the_road_s_views_as_a_replay_does(tmp_path):
    """Continue takes the transcript's views from the resume (`Resumed.trail`) instead of replaying the run
    a second time: they must be the very views a replay gives, also for a run cut short by a choice the
    story no longer offers."""
    from ifengine.saves import resume
    from ifengine.trail import trail_of

    story = load_story(long_story(tmp_path / "chain", scenes=30))
    run = run_from_session(walked(story, 12), name=AUTOSAVE)
    whole = resume(story, run)
    assert whole.trail == trail_of(story, run.seed, run.choices) and len(whole.trail) == 13
    cut = resume(story, dataclasses.replace(run, choices=[*run.choices[:5], "s5.nowhere", *run.choices[6:]]))
    assert cut.failed_step == 6 and cut.trail == trail_of(story, run.seed, run.choices[:5])


async def test_the_side_panel_counts_decisions_through_moves_undos_and_rewinds():
    """The count is kept in step with the trail (not recounted over it): it must follow every kind of move."""
    from ifengine.trail import trail_of

    a = playing()

    def said() -> str:
        return str(a.screen.query_one("#steps").render())

    def counted() -> int:
        views = trail_of(a.game.story, 0, a.game.session.choices_taken)[:-1]
        return sum(1 for v in views if len(v.enabled) > 1)

    async with a.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        seen = []
        for key in ("1", "2", "u", "2", "u", "u", "1", "2"):  # the canon road, never as far as its ending
            await pilot.press(key)
            await settle(pilot)
            n = counted()
            seen.append(n)
            assert said().startswith(f"{n} decision{'' if n == 1 else 's'} so far"), (key, said())
        a.screen.rewind(0)
        await settle(pilot)
        assert said().startswith("0 decisions so far")
        assert max(seen) > 0


def test_an_open_story_is_kept_out_of_full_collections():
    """Once a story is open the collector no longer walks it (`heap.py`): its objects are frozen."""
    import gc

    from ifengine.heap import keep_long_lived

    story = load_story(LANTERN)
    keep_long_lived()
    frozen = gc.get_freeze_count()
    assert frozen > 0 and story.scenes and not gc.is_finalized(story)
    assert all(o is not story for o in gc.get_objects())  # the collector's generations no longer hold it


# ---- a long run folds its past, and unfolds it when reached -------------------------------------------


async def test_a_long_run_folds_the_steps_behind_and_shows_the_same_text(tmp_path):
    a = app_at(long_story(tmp_path / "chain"), 40)
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
        assert transcript.latest.view.scene_id == f"s{now}"
        assert await until(pilot, lambda: in_view(transcript, transcript.latest))
        text = shown_text(transcript)
        assert f"Milestone {now}" in text and f"Milestone {now + 1}" not in text
        assert text.count("› Walk on from stone") == text.count("Milestone") - (1 if "Milestone 0\n" in text else 0)


async def test_scrolling_to_the_top_shows_the_earlier_steps_in_place(tmp_path):
    a = app_at(long_story(tmp_path / "chain"), 75)
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
    folder = story_folder(tmp_path / "long", LONG)
    a = app_at(folder)
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


# ---- a new run keeps the previous one ---------------------------------------------------------------------


async def test_a_new_run_keeps_the_run_in_progress_as_a_previous_run(home):
    from ifengine.saves import read_run
    from ifengine.ui.dialogs.load import LoadDialog
    from ifengine.ui.dialogs.start import StartDialog

    write_run(slot_path("lantern", AUTOSAVE), run_of(CANON[:2], AUTOSAVE))
    a = app()
    async with a.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")  # the lantern card, not Continue
        await settle(pilot)
        assert isinstance(a.screen, StartDialog)
        texts = [prompt_text(o.prompt) for o in a.screen.query_one(OptionList).options]
        assert texts[0].startswith("c  Continue") and texts[1].startswith("n  New run")
        await pilot.press("n")
        await settle(pilot)
        assert a.game.steps == 0
        await pilot.press("2")  # the first move of the new run writes the autosave
        await settle(pilot)
        saves = home / "saves" / "lantern"
        kept = read_run(saves / "previous-run-1.toml")
        assert kept.choices == CANON[:2] and kept.name == "previous run 1"
        assert read_run(saves / "autosave.toml").choices == ("gate.wade",)
        assert any("previous run 1" in n.message for n in a._notifications)
        await pilot.press("u", "l")  # from the ending back to the gate, then Load
        await settle(pilot)
        assert isinstance(a.screen, LoadDialog)
        listed = [prompt_text(o.prompt) for o in a.screen.query_one("#saves", OptionList).options]
        assert any(t.startswith("previous run 1") for t in listed)
    # Another new run later keeps the next one, numbered on.
    b = app()
    async with b.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # Continue (the gate, one undo back: the autosave holds no decision)
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("escape")  # to the title
        await settle(pilot)
        await pilot.press("down", "enter", "n")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
    assert read_run(saves / "previous-run-2.toml").choices == ("gate.road",)


# ---- the story map is saved with the run ------------------------------------------------------------------


async def test_the_story_map_remembers_every_road_across_restarts(home):
    from ifengine.saves import read_run

    a = playing()
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("1", "1")  # the causeway, then the other light: an ending
        await settle(pilot)
        await pilot.press("u", "2", "1")  # back, and on along the canon road to the far bank
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
    autosaved = read_run(home / "saves" / "lantern" / "autosave.toml")
    assert autosaved.roads == (("gate.road", "causeway.follow"),)
    text = (home / "saves" / "lantern" / "autosave.toml").read_text(encoding="utf-8")
    assert "[map]" in text and 'roads = [\n' in text or "roads = [[" in text
    b = app()
    async with b.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # Continue, in a new sitting
        await settle(pilot)
        assert b.game.steps == 3
        await pilot.press("m")
        await settle(pilot)
        labels = [str(n.label) for n in _walk(b.screen.query_one(Tree).root)]
        assert any("Follow the other light" in t for t in labels)  # the road left behind is on the map
        assert any("END The Other Light" in t for t in labels)


# ---- a run made for another story -------------------------------------------------------------------------


def test_the_player_refuses_a_run_of_another_story_as_replay_does(tmp_path):
    from ifengine.errors import UsageError
    from ifengine.ui.app import make_app
    from tests.fixtures.ui.support import TINY, play_args

    import pytest

    path = write_run(tmp_path / "run.toml", run_of(CANON))
    with pytest.raises(UsageError) as refused:
        make_app(play_args(replay=str(path), story=str(TINY)))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-m", "ifengine", "replay", str(path), "--story", str(TINY)], env=env,
                       text=True, capture_output=True, timeout=60)
    words = "this run was made for story 'lantern', not 'tiny'"
    assert str(refused.value) == f"{path}: {words}"
    assert r.returncode == 1 and f"FAIL {path}: {words}" in r.stdout


async def test_load_refuses_a_save_of_another_story(home):
    a = playing()
    tiny = load_story(Path(__file__).parent / "fixtures" / "ui" / "tiny")
    other = run_from_session(Session(tiny, 0), name="stray")
    other = dataclasses.replace(other, updated=other.updated + dt.timedelta(days=1))  # listed first
    write_run(slot_path("lantern", "stray"), other)
    async with a.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert a.game.steps == 1  # still the run being played
        assert any("this run was made for story 'tiny', not 'lantern'" in n.message for n in a._notifications)


# ---- the ending screen ------------------------------------------------------------------------------------


EPILOGUE = ("@story epi\n@title A Long Goodbye\n@role Teller: someone with a lot to say.\n@start a\n\n"
            "=== a: The Door\nA door.\n* continue -> b\n\n=== b: The Hall\nA hall.\n* (left) canon [Left] -> end\n"
            "* (right) [Right] -> end\n\n=== ending end (canon): Far Away\n"
            + "\n\n".join(f"Paragraph {i} of a long epilogue that goes on and on, line after line." for i in range(12))
            + "\n")


async def test_the_ending_screen_opens_at_its_top_and_scrolls_with_the_keys(tmp_path):
    from ifengine.ui.screens.ending import EndingScreen

    folder = story_folder(tmp_path / "epi", EPILOGUE)
    a = app_at(folder)
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("1", "1")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(a.screen, EndingScreen)
        page = a.screen.query_one("#ending-page")
        assert page.max_scroll_y > 0 and page.scroll_y == 0
        assert any("THE END" in row for row in screen_rows(a)[:4])
        for key, moved in (("pagedown", lambda y: y > 5), ("end", lambda y: y == page.max_scroll_y),
                           ("home", lambda y: y == 0), ("down", lambda y: y == 1), ("up", lambda y: y == 0)):
            await pilot.press(key)
            await settle(pilot)
            assert moved(page.scroll_y), (key, page.scroll_y)
        # One decision (left or right): the door's lone continue is not counted.
        stats = str(a.screen.query_one("#ending-stats").render())
        assert "1 decision this run" in stats
        await pilot.press("u")  # the menu's keys still work with the page focused
        await settle(pilot)
        assert isinstance(a.screen, PlayScreen) and a.game.steps == 1


# ---- autoplay: speed, pacing, and the replay's hints ------------------------------------------------------


def test_reading_time_is_by_length_and_a_glance_for_a_one_line_continue():
    from ifengine.ui.autoplay import reading_time

    story = load_story(LANTERN)
    s = Session(story, 0)
    gate = s.view()  # three choices, three lines of prose
    ferryman = s.choose("gate.road") and s.choose("causeway.on")  # an interlude with a lone continue
    words = sum(len(p.split()) for p in gate.paragraphs)
    assert 24 < words < 40 and reading_time(gate, 1.0) == words / 40  # by its length
    assert reading_time(ferryman, 1.0) == sum(len(p.split()) for p in ferryman.paragraphs) / 40  # by its length
    long_view = gate._replace(paragraphs=("word " * 120,))
    assert reading_time(long_view, 1.0) == 3.0 and reading_time(long_view, 1.0, speed=2.0) == 1.5
    one_line = gate._replace(paragraphs=("The door opens.",), choices=ferryman.choices)
    assert reading_time(one_line, 1.0) == 0.2


async def test_autoplay_speed_keys_change_the_pace_and_do_not_take_over():
    from ifengine.ui.screens.help import keys_table
    from rich.console import Console

    a = playing(pace=30)
    async with a.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        screen = a.screen
        status = screen.query_one("#pilot-status")
        assert "Canon autoplay, speed 1x: + faster, - slower" in str(status.render())
        footer = " ".join(str(k.render()) for k in screen.query("FooterKey"))
        assert "Faster" in footer and "Slower" in footer
        await pilot.press("plus", "plus")
        await settle(pilot)
        assert screen.pilot is not None and screen.pilot.speed == 4.0 and "speed 4x" in str(status.render())
        await pilot.press("minus")
        await settle(pilot)
        assert screen.pilot.speed == 2.0
        await pilot.press("x")  # any other key takes over
        await settle(pilot)
        assert screen.pilot is None
    console = Console(width=120, record=True, file=__import__("io").StringIO())
    console.print(keys_table())
    text = console.export_text()
    assert "Autoplay and replay: faster" in text and "Autoplay and replay: slower" in text


async def test_a_paused_replay_says_space_goes_on(tmp_path):
    from ifengine.ui.app import make_app
    from tests.fixtures.ui.support import play_args

    path = write_run(tmp_path / "run.toml", run_of(CANON))
    a = make_app(play_args(replay=str(path), story=str(LANTERN)), pace=30, folders=[LANTERN])
    async with a.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = a.screen
        status = screen.query_one("#pilot-status")

        def footer() -> str:
            return " ".join(str(k.render()) for k in screen.query("FooterKey"))

        assert "Space: pause" in str(status.render()) and "Pause" in footer() and "Go on" not in footer()
        await pilot.press("space")
        await settle(pilot)
        assert "paused. Space: go on" in str(status.render())
        assert "Go on" in footer() and "Pause" not in footer()
        await pilot.press("space")
        await settle(pilot)
        assert not screen.pilot.paused and "Pause" in footer()


# ---- history rows hang under their number -----------------------------------------------------------------


async def test_history_rows_wrap_under_their_text(tmp_path):
    folder = story_folder(tmp_path / "long", LONG)
    a = app_at(folder)
    async with a.run_test(size=(50, 24)) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("escape", "h")  # from the ending to the transcript, then the history
        await settle(pilot)
        rows = [r for r in screen_lines(a.screen.query_one("#decisions")) if r.strip()]
        first = rows[0]
        assert "1. A Room  ›  Walk all the way" in first
        text_col = first.index("A Room")
        assert rows[1][:text_col].strip() == "" and rows[1].strip() and "Now" not in rows[1]


async def test_a_save_name_holding_a_path_is_refused(home):
    from textual.widgets import Input

    from ifengine.ui.dialogs.save import SaveDialog

    a = playing(CANON[:1])
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(a.screen, SaveDialog)
        a.screen.query_one(Input).value = "../elsewhere/mine"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(a.screen, SaveDialog)  # still open: nothing was saved
        assert "cannot hold / or \\" in str(a.screen.query_one("#save-error").render())
        assert not list((home / "saves").rglob("*mine*"))


# ---- fast at every step, however long the run (issue 14) ---------------------------------------------------


def transcript_widgets(transcript: Transcript) -> int:
    return len(list(transcript.walk_children()))


async def test_a_300_step_run_mounts_no_more_widgets_than_a_30_step_one_and_scrolls_back_to_step_1(tmp_path):
    folder = long_story(tmp_path / "chain", scenes=320)
    counts = {}
    for steps in (30, 300):
        a = app_at(folder, steps)
        async with a.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await settle(pilot)
            transcript = a.screen.query_one(Transcript)
            for key in ("1", "1", "u", "2", "u"):  # a move, another, undo, a wait in place, undo
                await pilot.press(key)
                await settle(pilot)
            assert a.game.steps == steps + 1 and transcript.latest.view.scene_id == f"s{steps + 1}"
            counts[steps] = transcript_widgets(transcript)
            if steps == 300:
                for _ in range(60):  # scroll up to the top, as far as it goes, a few groups at a time
                    transcript.scroll_home(animate=False)
                    await settle(pilot)
                    if not transcript.query_one(".earlier").display:
                        break
                assert not transcript.query_one(".earlier").display
                text = shown_text(transcript)
                assert "Milestone 0\n" in text + "\n" and "› Walk on from stone 0" in text
                assert text.count("› Walk on from stone") == steps + 1  # every step, once
    # Every move mounts a bounded number of widgets: the folded groups nearest the player, one per group,
    # and the live steps. (After the scroll to the top the 300-step transcript holds every group.)
    assert counts[300] <= counts[30] + Transcript.NEAR_CHUNKS, counts


async def test_undo_and_rewind_in_a_long_run_reach_the_state_a_replay_gives(tmp_path):
    """Undo and rewind start from a copy of the session a few steps back (`Game`'s marks), not from a
    replay of the whole road: where they arrive must be exactly where replaying the choices arrives."""
    folder = long_story(tmp_path / "chain", scenes=120)
    a = app_at(folder, 100)

    def replayed() -> Session:
        session = Session(a.game.story, 0)
        for cid in a.game.session.choices_taken:
            session.choose(cid)
        return session

    def check() -> None:
        session, ref = a.game.session, replayed()
        assert session.state == ref.state and session.history == ref.history
        assert session.view() == ref.view() == a.game.view == a.game.trail[-1]
        assert a.screen.query_one(Transcript).latest.view == ref.view()

    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for keys in (("u",), ("u",), ("2", "1"), ("u", "u"), ("1", "2", "1")):
            await pilot.press(*keys)
            await settle(pilot)
            check()
        for where in (97, 60, 61, 3, 0):  # back behind every copy made on the way, and to the start
            a.screen.rewind(where)
            await settle(pilot)
            assert a.game.steps == where
            check()
            await pilot.press("2", "1")  # a wait in place, then on: a road of its own from here
            await settle(pilot)
            check()


async def test_the_autosave_holds_the_last_of_quick_moves_and_quitting_writes_it(home, tmp_path, monkeypatch):
    """The autosave is written once its move is on screen (so that writing it does not slow the move
    down): never later than that, whether the player moves on, leaves for the title screen or quits."""
    import time

    import ifengine.ui.app as app_module
    from ifengine.saves import read_run

    monkeypatch.setattr(app_module, "AUTOSAVE_WAIT", 60.0)  # only the move's screen update lets it start
    folder = long_story(tmp_path / "chain", scenes=60)
    a = app_at(folder, 40)
    started = time.monotonic()
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("1", "1", "2", "1", "u", "1")  # no waiting between them
        await settle(pilot)
        assert not a.autosave_behind
        assert list(read_run(slot_path("chain", AUTOSAVE)).choices) == a.game.session.choices_taken
        await pilot.press("1", "q")  # quit at once: the move is written before the app ends
        await settle(pilot)
    assert a.return_value == 0
    run = read_run(slot_path("chain", AUTOSAVE))
    assert run.end.steps == 45 and run.end.scene == "s44"  # one wait in place on the way
    a = app_at(folder, 10)
    async with a.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("1", "t")  # a move, and at once back to the title screen
        await settle(pilot)
        assert read_run(slot_path("chain", AUTOSAVE)).end.steps == 11
    assert time.monotonic() - started < 30  # no write waited for its time limit


def test_the_roads_a_save_keeps_are_the_ends_of_a_walk_of_the_map(tmp_path):
    """`Game.roads` reads the map's leaves kept in order as the map grows (not a walk of the whole map at
    every autosave): they must be what a walk of the map finds, in its order, through moves, undos,
    rewinds and a map brought back from a save."""
    import random

    from ifengine.ui.game import Game

    story = load_story(long_story(tmp_path / "chain", scenes=40))

    def walk(game: Game) -> tuple[tuple[str, ...], ...]:
        current, ends, todo = tuple(game.session.choices_taken), [], [game.root]
        while todo:
            node = todo.pop()
            if not node.children and node.path != current[:len(node.path)]:
                ends.append(node.path)
            todo.extend(reversed(list(node.children.values())))
        return tuple(ends)

    rng = random.Random(3)
    game = Game(story, None, Session(story, 0))
    for _ in range(400):
        if game.view.ending is not None or (game.steps and rng.random() < 0.15):
            game.rewind(rng.randint(0, game.steps))
        else:
            game.choose(rng.choice(game.view.choices).id)
        assert game.roads() == walk(game)
    assert len(game.roads()) > 5
    again = Game(story, None, game.session.fork(), roads=game.roads())
    assert set(again.roads()) == set(game.roads())  # as saved, before the map is first read
    assert again.root.children  # the map read: the roads brought back are traced onto it
    assert again.roads() == walk(again) and set(again.roads()) == set(game.roads())
