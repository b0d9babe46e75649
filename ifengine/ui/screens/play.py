"""The play screen: the transcript, the choices, the side panel, and the branching tools (undo, history,
map, canon autoplay, replay, save and load). Every move goes through `after_move`, which brings the
widgets in step with the game, writes the autosave, and opens the ending screen when the story is over; the
move picked there comes back as the ending screen's result (`_ending_closed`)."""
from __future__ import annotations

from typing import Callable

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.notifications import SeverityLevel
from textual.timer import Timer
from textual.widgets import Footer, Static

from ...errors import StoryRuntimeError
from ..autoplay import Autopilot, CanonAutoplay, RunReplay, faster, reading_time
from ..messages import ChoicePicked
from ..watch import Problems
from ..widgets.choices import ChoiceList
from ..widgets.problems import ProblemsPanel
from ..widgets.side_panel import SidePanel
from ..widgets.transcript import Transcript
from .ending import EndingChoice, EndingScreen, GoTo, Rewind, ToTitle, Undo
from .game_screen import GameScreen

REPLAY_KEYS = ("space", "n", "right")
UNPACED = 0.01  # seconds between two steps with animation off: at once to the eye (a timer needs some)
SPEED_KEYS = ("plus", "minus")


class PlayScreen(GameScreen[None]):
    BINDINGS = [
        Binding("space", "pause", "Pause", tooltip="Replay: pause"),
        Binding("space", "resume", "Go on", tooltip="Replay: go on after a pause"),
        Binding("plus", "speed(1)", "Faster", key_display="+", tooltip="Autoplay and replay: faster"),
        Binding("minus", "speed(-1)", "Slower", key_display="-", tooltip="Autoplay and replay: slower"),
        Binding("n,right", "step", "Step", tooltip="Replay: one step"),
        Binding("1", "choose(1)", "Choose", key_display="1-9", tooltip="Take choice 1 to 9"),
        *[Binding(str(n), f"choose({n})", show=False) for n in range(2, 10)],
        Binding("u", "undo", "Undo", tooltip="Undo the last decision"),
        Binding("u", "nothing_to_undo", show=False),  # `u` at the start, where Undo is off: say so
        Binding("h", "history", "History", tooltip="Every decision so far; pick one to go back to it"),
        Binding("c", "autoplay", "Canon", tooltip="Canon autoplay: the story follows its canon choices "
                                                  "until you press a key"),
        Binding("m", "map", "Map", tooltip="The story map: the roads you have tried"),
        Binding("s", "save", "Save", tooltip="Save to a named slot"),
        Binding("l", "load", "Load", tooltip="Load a saved run"),
        Binding("e", "ending", "Ending", tooltip="Show the ending screen again"),
        Binding("escape,t", "title", "Title", show=False, tooltip="Back to the title screen (the run is autosaved)"),
        Binding("pageup", "scroll(-1)", show=False, priority=True, tooltip="Scroll the transcript up"),
        Binding("pagedown", "scroll(1)", show=False, priority=True, tooltip="Scroll the transcript down"),
    ]

    def __init__(self, replay: RunReplay | None = None) -> None:
        super().__init__()
        self.pilot: Autopilot | None = None
        self._timer: Timer | None = None
        self._replay = replay
        self._keys_shown: tuple[object, ...] = ()
        self._speed = 1.0  # the speed of the last autoplay or replay, for the next
        self._move_to_show = False  # a move is waiting for its screen update (`_on_idle`)
        self._when_shown: list[Callable[[], object]] = []  # to call once the move is on screen
        self._transcript: Transcript | None = None

    def compose(self) -> ComposeResult:
        yield ProblemsPanel(id="problems")
        with Horizontal(id="play"):
            with Vertical(id="main"):
                yield Transcript(id="transcript", classes="busy-target")
                yield Static(id="pilot-status", markup=False)
                yield ChoiceList(id="choices")
            yield SidePanel(id="side")
        yield Footer()

    def on_mount(self) -> None:
        # After every layout of the screen (the choice list, or the status line, may have changed height).
        self.screen_layout_refresh_signal.subscribe(self, lambda _: self.keep_toasts_above_choices())
        self.query_one("#pilot-status").display = False
        self.show_problems(self.host.watch_problems)
        self.show_game()
        self.focus_choices()
        if self._replay is not None:
            self.start_pilot(self._replay)
            self._replay = None
        elif self.game.view.ending is not None:  # started at an ending (--at, a loaded run that ended)
            self.host.record_ending()
            self.call_after_refresh(self.open_ending)

    def on_screen_resume(self) -> None:
        """Back from a dialog or the ending screen: the choices have the keyboard again."""
        self.focus_choices()

    def focus_choices(self) -> None:
        choices = self.query_one(ChoiceList)
        if choices.display:
            choices.focus()
        else:
            self.query_one(Transcript).focus()

    # ---- showing ----------------------------------------------------------

    def show_game(self) -> None:
        game = self.game
        self._move_to_show = True
        self.query_one(Transcript).sync(game)
        choices = self.query_one(ChoiceList)
        rows = choices.rows
        choices.show(game.view)
        self.query_one(SidePanel).show(game)
        self.show_pilot()
        self.refresh_keys()
        if choices.rows != rows:  # the transcript takes over or gives up rows (see `repaint_soon`)
            self.repaint_soon()

    async def _on_idle(self, event: events.Idle) -> None:
        """Show a move as soon as its widgets are ready, not at Textual's next screen-update tick.

        Textual repaints a screen from a 60-per-second timer that idle only resumes, so the first update
        after a move waited up to 1/60 s with nothing left to do. The first idle with the move's layout
        pending (and no `batch_update` holding it) makes that update at once; later ones keep the timer.
        (Textual also calls `Screen._on_idle` after this: it finds nothing left, or resumes the timer.)"""
        if not self._move_to_show or self.app._batch_count or not self.is_current:
            return
        if self._layout_required or self._scroll_required or self._repaint_required or self._dirty_widgets:
            self._move_to_show = False
            self._on_timer_update()

    def when_move_shown(self, callback: Callable[[], object]) -> None:
        """Call `callback` after the screen update that shows the latest move (the autosave waits for it,
        so that writing it does not slow that update down)."""
        self._when_shown.append(callback)

    def _compositor_refresh(self) -> None:
        super()._compositor_refresh()
        if not self._when_shown or self.app._batch_count:
            return
        if self._transcript is None:
            self._transcript = self.query_one(Transcript)
        if self._transcript.settled:
            self._move_shown()

    def _move_shown(self) -> None:
        callbacks, self._when_shown = self._when_shown, []
        for callback in callbacks:
            callback()

    def on_screen_suspend(self) -> None:
        """A dialog or the title screen takes over, maybe before the move made just now was shown here:
        what waited for that (the autosave the title screen reads) goes now."""
        self._move_shown()

    def on_unmount(self) -> None:
        self._move_shown()

    def keep_toasts_above_choices(self) -> None:
        """Notifications stack up from the bottom right; here they start above the choice list (and the
        autoplay's status line), so a toast never hides a choice. Kept in step after every layout."""
        racks = self.query("#textual-toastrack")
        if not racks or not self.is_mounted:
            return
        status, choices = self.query_one("#pilot-status"), self.query_one(ChoiceList)
        top = min((w.region.y for w in (status, choices) if w.display and w.region.height), default=None)
        below = self.size.height - top if top is not None else 1
        margin = (0, 0, max(1, below), 0)
        rack = racks.first()
        if tuple(rack.styles.margin) != margin:  # setting it lays the screen out again
            rack.styles.margin = margin

    def refresh_keys(self) -> None:
        """Bring the footer in step when what `check_action` answers has changed. (Textual's footer
        rebuilds every key on each refresh, so a move that changes none of them does not ask for one.)"""
        game = self.host.game
        keys = (type(self.pilot), game is not None and game.view.ending is not None, bool(game and game.steps),
                getattr(self.pilot, "paused", None))
        if keys != self._keys_shown:
            self._keys_shown = keys
            self.refresh_bindings()

    def show_problems(self, problems: Problems | None) -> None:
        """Live editing: the errors of the edited story on disk, or None once an edit has fixed them."""
        panel = self.query_one(ProblemsPanel)
        shown = panel.display
        panel.show(problems)
        if panel.display != shown:  # the transcript changes height (it keeps the player's scene in view)
            self.repaint_soon()

    def repaint_soon(self) -> None:
        """Repaint the whole screen once the new layout is in place. When the choice list or the status
        line changes height, the transcript takes over their rows; without a full repaint some terminals
        (tmux, checked) kept stray characters of the old rows in the transcript's margin.

        After the update that shows the move, not the first one Textual makes: a repaint of the whole
        screen in the move's own update made a move that changes the choice list's height (one more
        disabled choice) half as slow again."""
        self.when_move_shown(lambda: self.refresh(repaint=True, layout=True))

    def show_pilot(self) -> None:
        status = self.query_one("#pilot-status", Static)
        shown = self.pilot is not None
        if status.display != shown:
            status.display = shown
            self.repaint_soon()
        if self.pilot is not None:
            status.update(self.pilot.status(self.game))

    def after_move(self, autosave: bool = True) -> None:
        """Bring the screen in step with the game after any move."""
        self.show_game()
        self.focus_choices()
        if autosave:
            self.host.autosave()
        game = self.game
        if game.view.ending is not None:
            self.stop_pilot()
            self.host.record_ending()
            self.call_after_refresh(self.open_ending)
        elif game.session.is_stuck:
            self.notify("No choice is open here: the story has reached a dead end. Undo (u) or go back "
                        "in the history (h).", severity="warning", timeout=8)

    def open_ending(self) -> None:
        if self.app.screen is self and self.game.view.ending is not None:
            self.app.push_screen(EndingScreen(), self._ending_closed)

    def _ending_closed(self, choice: EndingChoice | None) -> None:
        """The ending screen is closed: make the move picked there (None: only back to the transcript)."""
        if isinstance(choice, Undo):
            self.action_undo()
        elif isinstance(choice, Rewind):
            self.rewind(choice.index)
        elif isinstance(choice, GoTo):
            self.go_to(choice.path)
        elif isinstance(choice, ToTitle):
            self.action_title()

    # ---- moving -----------------------------------------------------------

    def take(self, choice_id: str, by_pilot: bool = False) -> None:
        if not by_pilot:
            self.take_over()
        autosave = self.pilot is None or self.pilot.autosaves
        try:
            self.game.choose(choice_id)
        except StoryRuntimeError as e:
            # A fault in the story the checker cannot rule out (a division by zero on this road): the
            # session stays where it was; say where the story is wrong and let the player go another way.
            self.take_over()
            self.notify(str(e), title="The story failed here", severity="error", timeout=12, markup=False)
            return
        self.after_move(autosave=autosave)
        self.show_pilot()

    @on(ChoicePicked)
    def _picked(self, event: ChoicePicked) -> None:
        self.take(event.choice_id)

    def action_choose(self, number: int) -> None:
        choices = self.game.view.choices
        if not 1 <= number <= len(choices):
            return
        choice = choices[number - 1]
        if not choice.enabled:
            self.notify(f"{choice.label}: {choice.reason}", title="Not available", severity="warning",
                        markup=False)
            return
        self.take(choice.id)

    def action_undo(self) -> None:
        self.take_over()
        if self.game.steps:
            self.game.undo()
            self.after_move()

    def action_nothing_to_undo(self) -> None:
        self.notify("Nothing to undo: this is the start of the story.", markup=False)

    def rewind(self, index: int) -> None:
        self.take_over()
        self.game.rewind(index)
        self.after_move()

    def go_to(self, path: tuple[str, ...]) -> None:
        self.take_over()
        self.game.goto(path)
        self.after_move()

    def action_history(self) -> None:
        from .history import HistoryScreen

        def chosen(index: int | None) -> None:
            if index is not None:
                self.rewind(index)

        self.app.push_screen(HistoryScreen(self.game), chosen)

    def action_map(self) -> None:
        from .map import MapScreen

        def chosen(path: tuple[str, ...] | None) -> None:
            if path is not None:
                self.go_to(path)

        self.app.push_screen(MapScreen(self.game), chosen)

    def action_ending(self) -> None:
        self.open_ending()

    def action_title(self) -> None:
        self.stop_pilot()
        self.app.pop_screen()

    def action_scroll(self, direction: int) -> None:
        transcript = self.query_one(Transcript)
        if direction < 0:
            transcript.scroll_page_up()
        else:
            transcript.scroll_page_down()

    # ---- autoplay and replay ----------------------------------------------

    def start_pilot(self, pilot: Autopilot) -> None:
        self.stop_pilot()
        self.pilot = pilot
        pilot.speed = self._speed
        self._schedule()
        self.show_pilot()
        self.refresh_keys()

    def _schedule(self) -> None:
        """Time the next step by how much there is to read (`autoplay.reading_time`), at the speed set.
        With animation off (the player's setting) nothing is paced: each step follows the last at once."""
        if self._timer is not None:
            self._timer.stop()
        speed = self.pilot.speed if self.pilot is not None else 1.0
        delay = reading_time(self.game.view, self.host.pace, speed) if self.host.settings.animation else UNPACED
        self._timer = self.set_timer(delay, self._tick)

    def action_speed(self, by: int) -> None:
        """+ and -: autoplay and replays go faster or slower (and keep that speed for the next one)."""
        if self.pilot is None:
            return
        self.pilot.speed = self._speed = faster(self.pilot.speed, by)
        if not self.pilot.paused:
            self._schedule()
        self.show_pilot()

    def stop_pilot(self, message: str = "", severity: SeverityLevel = "information") -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.pilot is not None:
            self.pilot = None
            if self.is_mounted:
                self.show_pilot()
                self.refresh_keys()
        if message:
            self.notify(message, severity=severity, markup=False)

    def take_over(self) -> None:
        """The player acts while the story plays itself: they have the story from here."""
        if self.pilot is not None:
            what = "the replay" if isinstance(self.pilot, RunReplay) else "canon autoplay"
            self.stop_pilot(f"You have taken over from {what}.")

    def _tick(self) -> None:
        self._timer = None
        if self.pilot is None or self.pilot.paused:
            return
        if self.app.screen is self:  # not while a dialog is open over the story
            self.pilot_step()
        if self.pilot is not None and not self.pilot.paused:
            self._schedule()

    def pilot_step(self) -> None:
        pilot = self.pilot
        if pilot is None:
            return
        nxt = pilot.next(self.game)
        if nxt.choice_id is None:
            self.stop_pilot(nxt.stop_message, nxt.severity)
            return
        try:
            self.take(nxt.choice_id, by_pilot=True)
        except Exception as e:  # a recorded choice the story does not offer: stop, say why
            from ...runtime import ChoiceError

            if not isinstance(e, ChoiceError):
                raise
            self.stop_pilot(str(e), "warning")

    def action_autoplay(self) -> None:
        if self.game.view.ending is None:
            self.start_pilot(CanonAutoplay())
            self.pilot_step()  # the first step at once: the key press should visibly do something
            if self.pilot is not None:
                self._schedule()  # timed by the scene just reached

    def action_pause(self) -> None:
        if self.pilot is not None:
            self.pilot.paused = not self.pilot.paused
            if self.pilot.paused and self._timer is not None:
                self._timer.stop()
                self._timer = None
            elif not self.pilot.paused:
                self._schedule()
            self.show_pilot()
            self.refresh_keys()

    def action_resume(self) -> None:
        self.action_pause()

    def action_step(self) -> None:
        if self.pilot is not None:
            self.pilot.paused = True
            if self._timer is not None:
                self._timer.stop()
                self._timer = None
            self.pilot_step()
            if self.pilot is not None:
                self.show_pilot()

    def on_key(self, event: events.Key) -> None:
        """Any key but the replay's own takes the story back from autoplay or a replay. A choice key
        then also makes its choice; `c` (or space in autoplay) only stops."""
        if self.pilot is None:
            return
        if isinstance(self.pilot, RunReplay) and event.key in REPLAY_KEYS or event.key in SPEED_KEYS:
            return
        self.take_over()
        if event.key in ("c", "space", "escape"):
            event.stop()
            event.prevent_default()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("pause", "resume"):  # one key, named for what it does now: Pause, or Go on
            return isinstance(self.pilot, RunReplay) and self.pilot.paused == (action == "resume")
        if action == "step":
            return isinstance(self.pilot, RunReplay)
        if action == "speed":
            return self.pilot is not None
        game = self.host.game
        if game is None:
            return True
        over = game.view.ending is not None
        if action == "ending":
            return over
        if action == "choose":
            return not over
        if action == "undo":
            return True if game.steps else None
        if action == "nothing_to_undo":
            return not game.steps
        if action == "autoplay":
            return None if over else True
        return True

    # ---- saves ------------------------------------------------------------

    @work(exclusive=True, group="save-dialog")
    async def action_save(self) -> None:
        self.take_over()
        from ...saves import slot_path
        from ..dialogs.confirm import ConfirmDialog
        from ..dialogs.save import SaveDialog

        game = self.game
        titles = {sid: s.title for sid, s in game.story.scenes.items()}
        name = await self.app.push_screen_wait(SaveDialog(game.story.id, self.host.clock, titles))
        if not name:
            return
        path = slot_path(game.story.id, name)
        if path.exists():
            replace = await self.app.push_screen_wait(
                ConfirmDialog(f"Replace the save '{name}'?", yes="Replace", no="Keep it"))
            if not replace:
                return
        self.host.save_to_slot(name)

    @work(exclusive=True, group="load-dialog")
    async def action_load(self) -> None:
        self.take_over()
        from ..dialogs.load import LoadDialog

        game = self.game
        titles = {sid: s.title for sid, s in game.story.scenes.items()}
        path = await self.app.push_screen_wait(LoadDialog(game.story.id, titles, self.host.clock))
        if path is not None and game.path is not None:
            self.host.start_story(game.path, path, into_current=True)
