"""The scrolling transcript: every scene of the current road, earlier ones dimmed, each decision shown
between the scene it was taken in and the scene it led to. It is kept in step with the game by key (the
choice id and scene id of each step), so a move appends or removes only the steps that changed, and the
rest keep their place and the scroll position.

A long run must cost no more per step than a short one, and Textual's layout costs about the same for each
widget on the screen. So only the latest steps are widgets of their own (`StepBlock`, `CHUNK` to
`2 * CHUNK` of them); every earlier group of `CHUNK` steps is folded into one `PastChunk`, a single widget
holding their text, and only the nearest chunks are mounted. A 500-step run is then a few chunks and
blocks, not fifteen hundred widgets; going back into a folded group unfolds it."""
from __future__ import annotations

from itertools import islice
from operator import attrgetter
from typing import Iterable

from rich.text import Text
from textual.containers import Vertical, VerticalScroll
from textual.geometry import Size
from textual.layout import DockArrangeResult
from textual.scrollbar import ScrollBar
from textual.widget import AwaitMount, Widget
from textual.widgets import Static

from ...runtime import SceneView
from ..game import Game
from ..text import clean, literal

CHUNK = 10  # steps folded into one widget once they are all behind the player

Key = tuple[str | None, str]  # the choice taken (None for the opening) and the scene it led to
_scene_id = attrgetter("scene_id")


def scene_text(view: SceneView) -> Text:
    """The response of the choice that led here, then a scene's title (not again after a gather, where the
    scene goes on), its viewpoint if it is an interlude, and its prose, as literal text."""
    blocks = [literal(para) for para in view.response]
    if not view.part:
        head = Text()
        head.append_text(literal(view.title, "bold"))
        if view.interlude:
            seen = f"Interlude, through the eyes of {clean(view.viewpoint)}" if view.viewpoint else "Interlude"
            head.append("\n")
            head.append_text(literal(seen, "italic"))
        blocks.append(head)
    blocks += [literal(para) for para in view.paragraphs]
    return Text("\n\n").join(blocks)


def taken_text(label: str) -> Text:
    return literal(f"› {label}", "bold")


class SceneText(Static):
    """One scene's text. Classes `interlude` and `ending` let the stylesheet set them apart."""

    def __init__(self, view: SceneView) -> None:
        classes = "scene" + (" interlude" if view.interlude else "") + (" ending" if view.ending else "")
        super().__init__(scene_text(view), classes=classes, markup=False)


class StepBlock(Vertical):
    """One step of the road: the decision taken (none for the opening), then the scenes it led to."""

    def __init__(self, index: int, label: str | None, view: SceneView) -> None:
        super().__init__(classes="step")
        self.index = index
        self.label = label
        self.view = view
        self.parts = (label is not None) + len(view.passed) + 1  # the widgets `compose` gives it

    def compose(self):
        if self.label is not None:
            yield Static(taken_text(self.label), classes="taken", markup=False)
        for earlier in self.view.passed:
            yield SceneText(earlier)
        yield SceneText(self.view)


def chunk_text(steps: Iterable[tuple[str | None, SceneView]]) -> Text:
    """Steps behind the player as one text, laid out as their blocks are: a blank line before each
    decision and each scene. One `Text`, not a group of renderables: Textual keeps its wrapped lines, so a
    chunk costs nothing more once it has been laid out at a width."""
    text = Text()
    for label, view in steps:
        if label is not None:
            text.append("\n" if text else "")
            text.append("\n")
            text.append_text(taken_text(label))
        for shown in (*view.passed, view):
            text.append("\n" if text else "")
            text.append("\n")
            text.append_text(scene_text(shown))
    return text


class PastChunk(Static):
    """`CHUNK` steps behind the player (group `group`: steps `group * CHUNK` on), folded into one widget."""

    def __init__(self, group: int, text: Text) -> None:
        super().__init__(text, classes="step past chunk", markup=False)
        self.group = group


class Transcript(VerticalScroll, can_focus=True):
    """The story so far. Focusable so the player can scroll it with the keyboard (Tab to reach it).

    Of the folded groups, only the latest `NEAR_CHUNKS` are mounted after a move; a line at the top says
    how many earlier steps there are, and scrolling up to it mounts `MORE_CHUNKS` more, keeping the view
    where it was. Opening a long run (Continue, Load) then lays out a few screens of text, not all of it."""

    NEAR_CHUNKS = 3
    MORE_CHUNKS = 5

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._keys: list[Key] = []
        self._game: Game | None = None
        self._chunks: list[PastChunk] = []  # mounted, in order, consecutive groups
        self._blocks: list[StepBlock] = []  # the steps not folded, in order; the last is the current one
        self._folded = 0  # groups folded (mounted or not)
        self._earlier = Static(classes="earlier", markup=False)
        self._earlier_shown = 0  # the number of earlier steps the line at the top says
        self._deferred: list[Widget] = []  # chunks and blocks in `_chunks`, `_blocks` not mounted yet
        self._waiting: StepBlock | None = None  # the step to bring to the top once it is laid out

    def compose(self):
        yield self._earlier

    @property
    def latest(self) -> StepBlock | None:
        """The block of the step the player is at."""
        return self._blocks[-1] if self._blocks else None

    @property
    def settled(self) -> bool:
        """Whether the step the player is at has been laid out where it is shown (at the top)."""
        return self._waiting is None

    def _label(self, i: int) -> str | None:
        assert self._game is not None
        return None if i == 0 else self._game.label_of(i - 1)

    def _chunk(self, group: int) -> PastChunk:
        assert self._game is not None
        trail = self._game.trail
        return PastChunk(group, chunk_text((self._label(j), trail[j])
                                           for j in range(group * CHUNK, (group + 1) * CHUNK)))

    def sync(self, game: Game) -> None:
        """Show the game's road: keep the steps that still match, fold, unfold and add the rest.

        When nothing is kept (a game just opened: Continue, Load), the whole groups behind the player are
        folded but the last `CHUNK` steps before the current one, and everything but the current step is
        mounted only after the screen has shown it: the first screen then lays out one step, not a few
        screens of text that are above it, out of view. (The steps left live are those an undo or a rewind
        soon after reaches: folding them too made the first move back unfold a group and mount ten steps.)"""
        taken = game.session.choices_taken
        trail = game.trail
        keys: list[Key] = [(None, trail[0].scene_id)]
        keys += zip(taken, map(_scene_id, islice(trail, 1, None)))
        keep = 0
        if game is self._game:  # another game (a load, a new version of the story) may read differently
            old = self._keys
            limit = min(len(keys), len(old))
            if keys[:limit] == old[:limit]:  # a move on, or back (compared at C speed: a long run is long)
                keep = limit
            else:
                while keep < limit and keys[keep] == old[keep]:
                    keep += 1
        if self._deferred and not keep:  # never mounted, and nothing of them is kept: drop them
            self._chunks = [c for c in self._chunks if c not in self._deferred]
            self._blocks = [b for b in self._blocks if b not in self._deferred]
            self._deferred = []
        self._mount_deferred()  # the transcript changes before the first update: they go in first
        self._game = game
        self._keys = keys
        now = len(keys) - 1  # the step the player is at
        # Groups stay folded while every step in them is kept and the player is past them; more are folded
        # once `2 * CHUNK` steps are live. (Folding only then, and unfolding only what a move reaches back
        # into, keeps an undo or two after a fold from unfolding it again.)
        folded = min(self._folded, keep // CHUNK, now // CHUNK) if keep else max(0, now - CHUNK) // CHUNK
        while now - folded * CHUNK >= 2 * CHUNK:
            folded += 1
        self._folded = folded
        first_live = folded * CHUNK
        near = max(0, folded - self.NEAR_CHUNKS)  # the folded groups mounted after a move
        chunks = [c for c in self._chunks if near <= c.group < min(folded, keep // CHUNK)]  # steps all kept
        blocks = [b for b in self._blocks if first_live <= b.index < keep]
        gone: list[Widget] = [c for c in self._chunks if c not in chunks]
        gone += [b for b in self._blocks if b not in blocks]
        if gone:
            self.remove_children(gone)
        have = {c.group for c in chunks}
        low = chunks[0].group if chunks else folded
        above = [self._chunk(g) for g in range(near, low) if g not in have]  # unfolded under the kept ones
        below = [self._chunk(g) for g in range(max(near, low), folded) if g not in have]
        # The live blocks kept start at `first_live` (a group folded or unfolded drops every block after it).
        after_from = blocks[-1].index + 1 if blocks else first_live
        after = [StepBlock(i, self._label(i), trail[i]) for i in range(after_from, len(keys))]
        mounts: list[AwaitMount] = []
        if not keep and (above or len(after) > 1):  # a fresh start: the current step first, the rest after
            self._deferred = [*above, *after[:-1]]
            self.call_after_refresh(self._mount_deferred)
            above_now, after_now = [], after[-1:]
        else:
            above_now, after_now = above, after
        if above_now:
            mounts.append(self.mount_all(above_now, after=self._earlier))
        if below:
            anchor = blocks[0] if blocks else None
            mounts.append(self.mount_all(below, before=anchor) if anchor else self.mount_all(below))
        if after_now:
            mounts.append(self.mount_all(after_now))
        previous = self.latest
        self._chunks = above + chunks + below
        self._blocks = blocks + after
        if previous is not None and previous is not self.latest and previous in self._blocks:
            previous.add_class("past")
        for block in after:
            block.set_class(block is not self.latest, "past")
        if self.latest is not None:
            self.latest.remove_class("past")
        self._show_earlier()
        self.show_latest(mounts)

    def _mount_deferred(self) -> None:
        """Mount what a fresh `sync` left for after the first screen update (the folded groups, the steps
        before the current one; at once if the transcript changes before that), keeping the current step
        where it is on screen."""
        deferred, self._deferred = self._deferred, []
        if not deferred or not self.is_attached:
            return
        chunks = [w for w in deferred if isinstance(w, PastChunk)]
        blocks = [w for w in deferred if isinstance(w, StepBlock)]
        mounts: list[AwaitMount] = []
        if chunks:
            mounts.append(self.mount_all(chunks, after=self._earlier))
        if blocks and self.latest is not None:
            mounts.append(self.mount_all(blocks, before=self.latest))
        self.show_latest(mounts)

    def _hidden_groups(self) -> int:
        return self._chunks[0].group if self._chunks else self._folded

    def _show_earlier(self) -> None:
        hidden = self._hidden_groups() * CHUNK
        self._earlier.display = hidden > 0
        if hidden and hidden != self._earlier_shown:  # an update is measured and laid out again: only if new
            self._earlier_shown = hidden
            self._earlier.update(f"⋮  {hidden} earlier steps: scroll up to read them")

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if new <= 0 and self._hidden_groups() > 0 and self._game is not None:
            self.reveal_earlier()

    def reveal_earlier(self) -> None:
        """Mount the next `MORE_CHUNKS` groups above what is shown, and keep the text in view where it was."""
        self._mount_deferred()
        first = self._hidden_groups()
        more = [self._chunk(g) for g in range(max(0, first - self.MORE_CHUNKS), first)]
        if not more:
            return
        height = self.virtual_size.height
        self._chunks = more + self._chunks
        mounting = self.mount_all(more, after=self._earlier)
        self._show_earlier()

        async def keep_place() -> None:
            await mounting
            self.call_after_refresh(lambda: self.scroll_to(y=self.virtual_size.height - height, animate=False))

        self.run_worker(keep_place(), group="transcript-reveal", exit_on_error=False)

    def show_latest(self, mounts: list[AwaitMount] | None = None) -> None:
        """Scroll the step the player is at to the top, in the layout that first shows it.

        The scroll is set as the transcript is arranged (`arrange`), where the step's place is known, so
        the screen update that lays the step out already shows it at the top: no frame shows the old scroll
        position first, and no second layout is needed to scroll. While what a move mounts is still being
        put together (a step's widgets compose their own children), screen updates wait
        (`App.batch_update`): the move then takes one layout of the screen, not one for each stage."""
        latest = self.latest
        if latest is None:
            return
        self._waiting = latest
        self.refresh(layout=True)
        if not mounts:
            return
        holding = self.app.batch_update()
        holding.__enter__()

        async def when_mounted() -> None:
            try:
                for m in mounts:
                    await m
            finally:
                holding.__exit__(None, None, None)
                if self.is_attached:
                    self.refresh(layout=True)  # the screen lays out what was mounted (it waited for this)

        self.run_worker(when_mounted(), group="transcript-mount", exit_on_error=False)

    def arrange(self, size: Size, optimal: bool = False) -> DockArrangeResult:
        """Textual's arrangement of the steps, then the scroll that brings the waiting step to the top (as
        Textual's own `anchor` sets the scroll of an anchored widget here). `size` is the area the steps are
        seen in; a step that does not yet have its widgets, or a height, waits for the next arrangement."""
        arrangement = super().arrange(size, optimal)
        block = self._waiting
        if block is None or not block.is_attached or len(block.children) < block.parts:
            return arrangement
        place = next((p.region for p in arrangement.placements if p.widget is block), None)
        if place is None or not place.height:
            return arrangement
        self._waiting = None
        bottom = arrangement.total_region.bottom
        y = max(0, min(place.y, bottom - size.height))
        self.set_reactive(Widget.scroll_y, y)
        self.set_reactive(Widget.scroll_target_y, y)
        self.vertical_scrollbar.set_reactive(ScrollBar.position, y)
        return arrangement

    def on_resize(self) -> None:
        """The transcript changed size under the player (the problems panel of live editing came or went,
        the terminal was resized): keep their scene in view, not whatever the old scroll offset shows."""
        self.show_latest()
