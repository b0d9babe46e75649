"""The Textual App: the composition root. It owns the game being played (`self.game`), loads stories and
runs in worker threads, writes the autosave after every choice and the record of endings found, and pushes
the screens. Screens read `self.host.game` and call back here through `self.host` (typed by the `Host`
protocol of `host.py`, so no screen imports this module); none of them parses a file. With `watch` it
also reloads the story being played when its files change (live editing; the polling is in `watch.py`).

`run_app(request)` is what `ifengine play` and `python play.py` call.
"""
from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from ..errors import IfengineError
from .bindings import APP_BINDINGS
from .clock import SYSTEM_CLOCK, Clock
from ..heap import keep_long_lived
from .host import StartMode
from .watch import WATCH_INTERVAL, WatchState

if TYPE_CHECKING:  # the engine modules are imported when a story is opened, not to show the title screen
    from ..cache import Write
    from ..launch import PlayRequest
    from ..model import Story
    from ..program import Program
    from ..runtime import Session
    from ..saves import Run
    from ..settings import Settings
    from ..views import SceneView
    from .autoplay import RunReplay
    from .game import Game
    from .host import Host
    from .screens.title import Entry
    from .watch import Problems, Reload, Snapshot

DEFAULT_PACE = 1.5  # seconds between two steps of canon autoplay or a replay: time to read a short scene
BUSY_AFTER = 0.2  # seconds of work before the busy indicator shows


@dataclass
class Start:
    """What the app opens on instead of the title screen: a story to play, or a run to replay."""

    story: Story
    path: Path
    session: Session
    replay: Run | None = None
    replay_path: Path | None = None
    notes: list[str] = field(default_factory=list)  # shown once the story is on screen


# What writing a save can fail with: the disk or folder (OSError), a run the read-back check refuses
# (ValueError), or any failure of ifengine's own. Every writer of the app catches the same ones.
WRITE_ERRORS = (OSError, ValueError, IfengineError)
AUTOSAVE_WAIT = 0.25  # seconds an autosave waits at most for the screen update of its move before writing


def write_error(e: BaseException) -> str:
    return e.strerror if isinstance(e, OSError) and e.strerror else str(e)


class IFApp(App[int]):
    """The ifengine player."""

    CSS_PATH = "ifengine.tcss"
    TITLE = "ifengine"
    ENABLE_COMMAND_PALETTE = False  # every action has a key, listed by `?`
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (70, "-wide")]
    BINDINGS = APP_BINDINGS

    def __init__(self, *, folders: list[Path] | None = None, seed: int | None = None, pace: float = DEFAULT_PACE,
                 clock: Clock = SYSTEM_CLOCK, start: Start | None = None, watch: bool = False,
                 watch_interval: float = WATCH_INTERVAL, collections: tuple[Path, ...] = ()) -> None:
        super().__init__()
        self.folders = folders  # None: the library's story folders, found when the title screen shows
        self.collections = collections  # folders of stories given on the command line, listed first
        self.seed = seed
        self.pace = pace
        self.clock = clock
        self.start = start
        self.watching = watch  # live editing: reload the story being played when its files change
        self.watch_interval = watch_interval  # seconds between two looks at the files (tests poll faster)
        self._watch = WatchState()
        self.game: Game | None = None
        self.library: list[Entry] | None = None  # the title screen's entries, when scanned before the start
        self._stories: dict[Path, Story] = {}
        self._programs: dict[str, Program] = {}  # by story digest: each version compiled once per sitting
        self._save_lock = threading.Lock()
        self._program_lock = threading.Lock()
        self._story_lock = threading.Lock()
        self._changes = 0  # moves made; compared with `_saved` to know whether the autosave is behind
        self._saved = 0
        self._autosave_waiting: set[threading.Event] = set()  # autosaves waiting for their move to show
        self._autosave_count = 0  # autosaves asked for this sitting (never reset, unlike `_changes`)
        self._autosave_latest: dict[str, int] = {}  # by story id: the count of its latest autosave
        self._busy: set[str] = set()  # worker groups running that the busy indicator waits for
        self._busy_timer: Timer | None = None
        self._busy_shown: Widget | None = None
        self.fault: BaseException | None = None  # what ended the app, if a fault did (see `_handle_exception`)
        from ..settings import read_settings

        self.settings, self._settings_problems = read_settings()
        self._default_theme = self.theme  # Textual's own: the theme of the "default" setting
        self._default_animation = self.animation_level

    def _handle_exception(self, error: Exception) -> None:
        """A fault nothing on the screens caught (a story fault in an unguarded place, a bug): the app ends
        at once with status 1, and `exit_status` turns the fault into one message on the restored terminal,
        never a traceback drawn over the screen. (Textual's own handler would print the traceback and, under
        `run`, leave the status to the caller.)"""
        if self.fault is None:
            self.fault = error
        self.exit(return_code=1)

    # ---- screens ----------------------------------------------------------

    def get_default_screen(self) -> Screen:
        from .screens.title import TitleScreen

        entries, self.library = self.library, None
        return TitleScreen(entries)

    def on_mount(self) -> None:
        from .theme import HIGH_CONTRAST

        self.register_theme(HIGH_CONTRAST)
        self.apply_settings(self.settings)
        for problem in self._settings_problems:
            self.notify(problem, title="Settings", severity="warning", markup=False, timeout=10)
        if self.watching:
            self.set_interval(self.watch_interval, self.check_story_files, name="watch")
        if self.start is not None:
            from ..saves import resume
            from .game import Game
            from .progress import read_progress

            s = self.start
            self._stories[s.path.resolve()] = s.story
            replay = None
            if s.replay is not None and s.replay_path is not None:
                from .autoplay import RunReplay

                checked = resume(s.story, s.replay)
                limit = checked.failed_step - 1 if checked.failed_step is not None else len(s.replay.choices)
                replay = RunReplay(s.replay, s.replay_path, limit, "; ".join(checked.messages))
            self.open_game(Game(s.story, s.path, s.session, set(read_progress(s.story.id).found)),
                           replay=replay, notes=s.notes)

    def open_game(self, game: Game, messages: list[str] | tuple[str, ...] = (), replay: "RunReplay | None" = None,
                  notes: list[str] | tuple[str, ...] = ()) -> None:
        """Play `game`: on the play screen, replacing any game being played."""
        from .screens.play import PlayScreen

        if isinstance(self.screen, PlayScreen) and not self.screen.is_mounted:
            # The play screen of a story opened a moment ago (a click, then Enter, before it showed) must
            # mount before it is replaced, or its mount finds it emptied.
            self.call_after_refresh(self.open_game, game, messages, replay, notes)
            return
        self.game = game
        keep_long_lived()  # the story and its run live as long as it is played: no more full walks of them
        self._changes = self._saved = 0
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(PlayScreen(replay=replay))
        for m in messages:
            self.notify(m, title="The story has changed", severity="warning", markup=False, timeout=10)
        for m in notes:
            self.notify(m, markup=False)

    def swap_game(self, game: Game, messages: list[str] | tuple[str, ...] = (), note: str = "") -> None:
        """Replace the game under the play screen (a load, a new run) and show it from the start of its road."""
        from .screens.play import PlayScreen

        self.game = game
        keep_long_lived()
        while len(self.screen_stack) > 1 and not isinstance(self.screen, PlayScreen):
            self.pop_screen()
        if isinstance(self.screen, PlayScreen):
            self.screen.stop_pilot()
            self.screen.after_move(autosave=True)
        for m in messages:
            self.notify(m, title="The story has changed", severity="warning", markup=False, timeout=10)
        if note and not messages:
            self.notify(note, markup=False)

    def replace_story(self, story: Story, messages: list[str] | tuple[str, ...] = (), note: str = "") -> None:
        """Swap in a new version of the story being played (live reload): the run so far is replayed
        against it by choice id, and where it no longer fits the engine says so (a warning each). `note`
        is shown instead when the whole run fits."""
        game = self.game
        if game is None:
            return
        from ..saves import resume, run_from_session
        from .game import Game

        if game.path is not None:
            self._stories[game.path.resolve()] = story
        resumed = resume(self.program_of(story), run_from_session(game.session))
        new = Game(story, game.path, resumed.session, game.found, owns_autosave=game.owns_autosave,
                   roads=game.roads(), trail=resumed.trail)
        self.swap_game(new, list(messages) + resumed.messages, note)

    # ---- live editing (--watch) -------------------------------------------

    @property
    def watch_problems(self) -> Problems | None:
        """The errors of the edited story on disk, when it is the story being played and has any. (The
        state may still be about the story played before: it follows the game at the next tick.)"""
        problems = self._watch.problems
        return problems if problems is not None and problems.key == self._game_key() else None

    def _game_key(self) -> Path | None:
        """Which story is being played, as the watch names it: its resolved path."""
        game = self.game
        return game.path.resolve() if game is not None and game.path is not None else None

    def check_story_files(self) -> None:
        """The watch timer: follow the story being played (whichever the title screen or `--story` opened),
        apply a new version that waited for a dialog to close, and look at the files if no load is running."""
        game = self.game
        key = self._game_key()
        state = self._watch
        if key != state.key:  # another story (or none): start afresh; its first poll compares digests
            self._watch = state = WatchState(key)
            self._show_problems()
        if game is None or game.path is None or key is None:
            return
        if state.pending is not None and not isinstance(self.screen, ModalScreen):
            found, state.pending = state.pending, None
            self._apply_reload(found)
        if state.worker is None:
            from .watch import look

            known = state.files or tuple(f.source.path for f in game.story.files)
            now, state.listing = look(game.path, known, state.listing)  # a few dozen `stat`s: no worker
            if now == state.snapshot:
                return
            self.busy("watch")  # the files changed: load the story again
            state.worker = self._reload_story(game.path, key, now, state.snapshot)

    @work(thread=True, exclusive=True, group="watch", exit_on_error=False)
    def _reload_story(self, path: Path, key: Path, now: Snapshot, previous: Snapshot | None) -> Reload:
        """Load the story again, its files having changed. The result is the worker's return value, which
        reaches the UI thread in `Worker.StateChanged` (`on_worker_state_changed`): nothing is left blocked
        in `call_from_thread` when the app quits in the middle of a load."""
        from .watch import reload

        return reload(path, key, now, previous)

    @work(thread=True, group="watch-cache", exit_on_error=False)
    def _write_cache(self, writes: tuple[Write, ...]) -> None:
        from .watch import write_cache

        write_cache(writes)

    def _story_reloaded(self, found: Reload) -> None:
        """A poll found the files changed. Errors: list them and keep playing the version in play. Clean:
        play the new version from where the player is, now or once the dialog on top is closed."""
        from .screens.play import PlayScreen
        from .watch import Problems

        state = self._watch
        game = self.game
        if found.key != state.key or game is None:  # the player has moved to another story since
            return
        state.snapshot = found.snapshot
        state.files = found.files or state.files
        loaded = found.loaded
        if loaded is None:
            self.notify(f"Could not reload the story: {found.failure}", severity="error", markup=False)
            return
        if not loaded.ok or loaded.story is None:
            state.pending = None
            state.problems = Problems.of(found)
            self._show_problems()
            if not isinstance(self.screen, PlayScreen):  # the panel is under another screen: say it here
                n = len(state.problems.errors)
                self.notify(f"The edited story has {n} error{'' if n == 1 else 's'}; you are still playing the "
                            "last version without errors.", severity="error", markup=False)
            return
        if state.problems is not None:
            state.problems = None
            self._show_problems()
        if loaded.story.digest == game.story.digest:  # saved unchanged, or an edit undone: nothing to replay
            state.pending = None
        elif isinstance(self.screen, ModalScreen):  # a dialog is open (a save, the history): its answer is
            state.pending = found                   # about the version it opened on; swap once it closes
        else:
            self._apply_reload(found)

    def _apply_reload(self, found: Reload) -> None:
        assert found.loaded is not None and found.loaded.story is not None
        what = ", ".join(found.changed[:3]) + (" ..." if len(found.changed) > 3 else "")
        self.replace_story(found.loaded.story, note=f"Reloaded: {what or 'the story'} changed.")

    def _show_problems(self) -> None:
        """Show the watch's problems on the play screens that are up. A play screen pushed but not yet
        mounted (the watch timer can fire between `open_game` and the screen's compose) has no panel to
        show them in: it reads `watch_problems` itself when it mounts, so it is skipped here."""
        from .screens.play import PlayScreen

        for screen in self.screen_stack:
            if isinstance(screen, PlayScreen) and screen.is_mounted:
                screen.show_problems(self.watch_problems)

    # ---- the busy indicator -----------------------------------------------

    def busy(self, group: str) -> None:
        """Work of `group` has started in a worker: if it is still running after `BUSY_AFTER` seconds, the
        screen's busy target (the story list, the transcript) shows Textual's loading indicator until the
        work is done (`on_worker_state_changed`). Quick work shows nothing."""
        self._busy.add(group)
        if self._busy_timer is None:
            self._busy_timer = self.set_timer(BUSY_AFTER, self._show_busy)

    def _show_busy(self) -> None:
        self._busy_timer = None
        if not self._busy:
            return
        target = self.screen.query(".busy-target").first() if self.screen.query(".busy-target") else None
        if target is not None:
            target.loading = True
            self._busy_shown = target

    def _not_busy(self, group: str) -> None:
        self._busy.discard(group)
        if self._busy:
            return
        if self._busy_timer is not None:
            self._busy_timer.stop()
            self._busy_timer = None
        if self._busy_shown is not None:
            self._busy_shown.loading = False
            self._busy_shown = None

    @property
    def is_busy(self) -> bool:
        """Whether the busy indicator is on screen."""
        return self._busy_shown is not None

    def on_unmount(self) -> None:
        self.flush_autosave()  # closing: what is still to be written is written at once

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A poll has finished: the next may start, and what it found is handled here, on the UI thread.
        Any work shown as busy that has finished takes the indicator away."""
        worker = event.worker
        if worker.is_finished and worker.group in self._busy:
            self._not_busy(worker.group)
        if worker.group != "watch" or not worker.is_finished:
            return
        if self._watch.worker is worker:
            self._watch.worker = None
        if event.state == WorkerState.SUCCESS and worker.result is not None:
            self._story_reloaded(worker.result)
            if worker.result.writes:  # the cache entries of the edited files, once the new text is drawn
                self.call_after_refresh(self._write_cache, worker.result.writes)
        elif event.state == WorkerState.ERROR:  # `watch.reload` guards the load; this would be a bug there
            self.notify(f"Could not look at the story's files: {worker.error}", severity="error", markup=False)

    def show_error(self, title: str, lines: list[str]) -> None:
        from .dialogs.error import ErrorDialog

        self.push_screen(ErrorDialog(title, lines))

    # ---- stories and runs (worker threads) --------------------------------

    def story_folders(self) -> list[Path]:
        if self.folders is not None:
            return list(self.folders)
        from ..library import story_folders

        return story_folders(self.collections)

    def _story(self, path: Path) -> Story | list[str]:
        """The story at `path`, loaded once per sitting; or the lines describing why it cannot be played.
        Runs in a worker thread."""
        key = path.resolve()
        with self._story_lock:  # a start waits for the warm-up loading the same story, then finds it here
            if key in self._stories:
                return self._stories[key]
            from ..loader import load
            from ..render import format_diagnostic, sources_by_name

            loaded = load(path)
            if not loaded.ok or loaded.story is None:
                sources = sources_by_name(loaded.story)
                return [format_diagnostic(d, sources.get(d.file)) for d in loaded.diagnostics if d.is_error]
            self._stories[key] = loaded.story
            return loaded.story

    def program_of(self, story: Story) -> Program:
        """The playable form of a story, made once per version: resuming a long run then compiles no
        scene twice (the session and the game's trail share it)."""
        with self._program_lock:  # the warm-up and a start may ask at once, from two worker threads
            program = self._programs.get(story.digest)
            if program is None or program.story is not story:
                from ..program import Program

                program = self._programs[story.digest] = Program(story)
            return program

    def new_seed(self) -> int:
        return self.seed if self.seed is not None else random.randrange(2**31)

    @work(thread=True, exclusive=True, group="warm-up", exit_on_error=False)
    def warm_up(self, path: Path, run: Run) -> None:
        """Get the run that Continue would open ready while the title screen is read: load and check its
        story and compile the scenes on its road (by replaying it once, thrown away). Continue then only
        replays compiled scenes. Whatever fails here fails again, with its message, when the player picks."""
        from ..saves import resume

        story = self._story(path)
        if not isinstance(story, list):
            try:
                resume(self.program_of(story), run)
            except IfengineError:
                pass
            keep_long_lived()  # the story Continue opens, and what compiling it made, are here to stay

    def start_story(self, path: Path, mode: StartMode = "new", into_current: bool = False) -> object:
        """Load a story and start it (in a worker thread), with the busy indicator if it takes a while."""
        self.busy("open-story")
        return self._start_story(path, mode, into_current)

    @work(thread=True, exclusive=True, group="open-story")
    def _start_story(self, path: Path, mode: StartMode = "new", into_current: bool = False) -> None:
        """Load a story and start it: a new run, the run in its autosave, or a save file. With
        `into_current`, the play screen stays and its game is swapped."""
        from ..errors import IfengineError, StoryRuntimeError
        from ..saves import AUTOSAVE, RunFileError, other_story, read_run, resume, slot_path
        from .game import Game
        from .progress import read_progress

        story = self._story(path)
        if isinstance(story, list):
            self.call_from_thread(self.show_error, f"{path.name}: the story has errors and cannot be played", story)
            return
        messages: list[str] = []
        roads: tuple[tuple[str, ...], ...] = ()
        trail: list[SceneView] | None = None  # the views of the road, when resuming made them
        try:
            if mode == "new":
                from ..launch import start_session

                session, _ = start_session(story, self.new_seed())
                note = "A new run begins."
            else:
                run_path = slot_path(story.id, AUTOSAVE) if mode == "continue" else Path(mode)
                run = read_run(run_path)
                if run.story_id != story.id:
                    raise RunFileError(f"{run_path}: {other_story(run, story.id)}")
                resumed = resume(self.program_of(story), run, where=str(run_path))
                session, messages, roads, trail = resumed.session, resumed.messages, run.roads, resumed.trail
                note = f"Loaded '{run.name or run_path.stem}'."
        except IfengineError as e:  # a bad save, or a story that faults at its very start
            title = "The story failed at its start" if isinstance(e, StoryRuntimeError) else "Cannot load"
            self.call_from_thread(self.notify, str(e), title=title, severity="error", markup=False)
            return
        game = Game(story, path, session, set(read_progress(story.id).found), owns_autosave=mode == "continue",
                    roads=roads, trail=trail)
        if into_current:
            self.call_from_thread(self.swap_game, game, messages, note)
        else:
            self.call_from_thread(self.open_game, game, messages)

    # ---- persistence ------------------------------------------------------

    @property
    def autosave_behind(self) -> bool:
        """Whether quitting now would lose a move (the autosave is still being written, or failed)."""
        return self._saved < self._changes

    def autosave(self) -> None:
        """Record the run after a move. The run is captured here, on the UI thread (a copy of the session,
        `Session.fork`, and the map's roads), so the thread that writes it never reads the session while the
        player moves on."""
        game = self.game
        if game is None:
            return
        self._changes += 1
        # The copy is made into a run by the thread that writes it: the run's record of every step is then
        # not put together on the UI thread, in the move (a copy costs less: its lists copy at C speed).
        session, roads = game.session.fork(), game.roads()
        set_aside, game.owns_autosave = not game.owns_autosave, True
        self._autosave_count += 1
        self._autosave_latest[game.story.id] = self._autosave_count
        shown = threading.Event()
        self._autosave_waiting.add(shown)
        from .screens.play import PlayScreen

        if isinstance(self.screen, PlayScreen):
            self.screen.when_move_shown(lambda: self._autosave_may_start(shown))
        else:
            self.call_after_refresh(self._autosave_may_start, shown)
        self._write_autosave(session, str(game.path or ""), roads, self._changes, set_aside, shown,
                             self._autosave_count)

    def _autosave_may_start(self, shown: threading.Event) -> None:
        self._autosave_waiting.discard(shown)
        shown.set()

    def flush_autosave(self) -> None:
        """Let every autosave waiting for its move's screen update start now (the app is closing)."""
        waiting, self._autosave_waiting = self._autosave_waiting, set()
        for shown in waiting:
            shown.set()

    @work(thread=True, group="autosave")
    def _write_autosave(self, session: Session, source: str, roads: tuple[tuple[str, ...], ...], change: int,
                        set_aside: bool = False, shown: threading.Event | None = None, count: int = 0) -> None:
        """Write the run of `session` (a copy made at move `change`), once that move is on screen.

        Writing a run file reads and checks TOML of every step (the old autosave, then the new one read back
        before it replaces it): at step 500 that is 15 ms of Python holding the interpreter, which, started
        with the move, delayed the move's screen update by as much. So the write waits for the screen
        update that shows the move (at most `AUTOSAVE_WAIT` seconds), and a run that a later move has
        already captured again is not written at all: that move's write follows (the first write of a run
        still sets the previous run aside)."""
        from ..saves import AUTOSAVE, autosave, run_from_session, set_aside_autosave

        if shown is not None:
            shown.wait(AUTOSAVE_WAIT)
        if count and self._autosave_latest.get(session.story.id) != count and not set_aside:
            return  # superseded: the write of a later move of this story is on its way
        run = run_from_session(session, name=AUTOSAVE, source=source, roads=roads)
        with self._save_lock:  # one writer at a time, and a stale run never replaces a newer one
            if change < self._saved:
                return
            try:
                if set_aside:  # a new run never silently replaces the one in the autosave
                    kept = set_aside_autosave(run.story_id)
                    if kept is not None:
                        self.call_from_thread(self.notify, f"Your previous run is kept as the save "
                                              f"'{kept.stem.replace('-', ' ')}' (l to load it).", markup=False)
                autosave(run)
            except WRITE_ERRORS as e:  # a full disk, a read-only folder; the run still plays on
                self.call_from_thread(self.notify, f"Autosave failed: {write_error(e)}", severity="error",
                                      markup=False)
                return
            self._saved = max(self._saved, change)

    def save_to_slot(self, name: str) -> None:
        game = self.game
        if game is None:
            return
        from ..saves import run_from_session, slot_path

        run = run_from_session(game.session, name=name, source=str(game.path or ""), roads=game.roads())
        self._write_save(slot_path(game.story.id, name), run)

    @work(thread=True, group="save")
    def _write_save(self, path: Path, run: Run) -> None:
        from ..saves import write_run

        try:
            write_run(path, run)
        except WRITE_ERRORS as e:
            self.call_from_thread(self.notify, f"Could not save: {write_error(e)}", severity="error", markup=False)
            return
        self.call_from_thread(self.notify, f"Saved as '{run.name}' ({path.name}).", markup=False)

    def record_ending(self) -> None:
        game = self.game
        if game is None or game.view.ending is None:
            return
        game.found.add(game.view.ending.id)
        self._write_progress(game.story.id, game.view.ending.id)

    @work(thread=True, group="progress")
    def _write_progress(self, story_id: str, ending_id: str) -> None:
        from .progress import record_ending

        try:
            record_ending(story_id, ending_id, self.clock.now())
        except WRITE_ERRORS as e:
            self.call_from_thread(self.notify, f"Could not record the ending: {write_error(e)}",
                                  severity="error", markup=False)

    # ---- the player's settings ------------------------------------------

    def apply_settings(self, settings: Settings) -> None:
        from .theme import HIGH_CONTRAST

        self.settings = settings
        self.theme = HIGH_CONTRAST.name if settings.high_contrast else self._default_theme
        self.animation_level = self._default_animation if settings.animation else "none"

    def change_settings(self, settings: Settings) -> None:
        self.apply_settings(settings)
        self._write_settings()

    @work(thread=True, group="settings")
    def _write_settings(self) -> None:
        """Write the settings as they are when the write starts: two quick changes never leave the
        first on disk (each write takes the latest, one at a time)."""
        from ..settings import write_settings

        try:
            with self._save_lock:
                write_settings(self.settings)
        except WRITE_ERRORS as e:
            self.call_from_thread(self.notify, f"Could not keep the settings: {write_error(e)}",
                                  severity="error", markup=False)

    # ---- app-wide actions -------------------------------------------------

    def action_options(self) -> None:
        from .dialogs.options import OptionsDialog

        if not isinstance(self.screen, OptionsDialog):
            self.push_screen(OptionsDialog(self.settings))

    def action_keys(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def action_quit_app(self) -> None:
        """Quit, after the autosave in flight (if any) is on disk. Asks only if it failed: then the last
        moves really would be lost."""
        self.flush_autosave()
        pending = [w for w in self.workers if w.group in ("autosave", "save", "progress", "settings") and w.is_running]
        if pending:
            await self.workers.wait_for_complete(pending)
        if not self.autosave_behind:
            self.exit(0)
            return
        from .dialogs.confirm import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit(0)

        self.push_screen(ConfirmDialog("The autosave could not be written, so your last moves would be lost. "
                                       "Quit anyway?", yes="Quit", no="Stay"), answered)


if TYPE_CHECKING:
    def _is_a_host(app: IFApp) -> Host:  # mypy checks here that the app gives the screens what `Host` says
        return app


def make_app(request: PlayRequest, **options: Any) -> IFApp:
    """Build the app for a play request. Bad requests raise `UsageError`; a story with errors raises
    `StoryError` (both before the screen is taken over, so the messages stay on the terminal)."""
    from ..errors import RunFileError, UsageError
    from ..saves import remove_stale_temporaries

    remove_stale_temporaries()  # what a crash mid-autosave left behind (issue 15, point 9)
    start: Start | None = None
    if request.replay:
        from ..launch import open_run
        from ..runtime import Session

        from ..saves import other_story

        try:
            run, story, path = open_run(request.replay, request.story)
        except RunFileError as e:  # for the player, a run it cannot read is a bad argument
            raise UsageError(str(e)) from None
        if run.story_id != story.id:  # refused, in the words of `ifengine replay`
            raise UsageError(f"{request.replay}: {other_story(run, story.id)}")
        start = Start(story, path, Session(story, run.seed), replay=run, replay_path=Path(request.replay))
    elif request.name:
        from ..launch import new_seed, open_story, start_session

        story, path = open_story(request.name)
        seed = new_seed(request.seed)
        session, at_path = start_session(story, seed, request.at, seed_given=request.seed is not None)
        lucky = f" Reached with seed {session.seed}." if session.seed != seed else ""
        notes = [f"Started at '{request.at}' by the shortest road ({len(at_path or [])} choices).{lucky}"] if request.at else []
        start = Start(story, path, session, notes=notes)
    elif request.at:
        raise UsageError("--at needs --story PATH or --role NAME")
    options.setdefault("seed", request.seed)
    app = IFApp(start=start, watch=request.watch, collections=request.collections, **options)
    if start is None:
        # Scan the library now, before the event loop and the terminal are taken over: it takes a few
        # milliseconds and the title screen's first frame then has its cards. Rescans run in a worker.
        from .screens.title import read_entries

        app.library = read_entries(app.story_folders())
    return app


def run_app(request: PlayRequest) -> int:
    """Run the player; its exit status."""
    app = make_app(request)
    app.run()
    return exit_status(app)


def exit_status(app: IFApp) -> int:
    """The exit status of an app that has stopped: 0 after a quit, 1 after a fault. A fault of ifengine's
    own family is raised again, for the command line's guard to print as one line; any other fault (a bug)
    is printed here as one line naming it."""
    fault = app.fault
    if fault is None:
        code = app.return_code
        return code if code is not None else 0
    if isinstance(fault, IfengineError):
        raise fault
    import sys

    print(f"ifengine: the player stopped on an internal error ({type(fault).__name__}: {fault}); "
          "this is a bug in ifengine", file=sys.stderr)
    return 1
