"""One read of a story for the editor's tools: the exhaustive search (run once, and only when a check or
a figure needs it) and the roads it finds, the canon path and the shortest road to each ending. The
checks and the statistics share it, so they cannot disagree about what a road is."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from ..errors import IfengineError
from ..explore import MAX_STATES, Report, explore_exhaustive, relevance
from ..explore.report import endings_in_order
from ..model import FlagRef, Story, Value
from ..program import Program
from ..runtime import Session
from ..source import Span
from .roads import Choices, Road, canon_road, play_road


@dataclass
class Reading:
    story: Story
    max_states: int = MAX_STATES
    program: Program = field(init=False)

    def __post_init__(self) -> None:
        self.program = Program(self.story)
        self.options = Choices(self.story)
        self._rows: set[tuple[Value, ...]] = set()

    @cached_property
    def report(self) -> Report:
        """The exhaustive search, noting every reachable state's flags (for `flag_rows`)."""
        names = list(self.story.flags)

        def note(session: Session) -> None:
            flags = session.state.flags
            self._rows.add(tuple(flags[n] for n in names))
        return explore_exhaustive(self.story, max_states=self.max_states, visit=note)

    @cached_property
    def kept_apart(self) -> frozenset[str]:
        """The flags the search's states are told apart by (the others it follows but may merge)."""
        return frozenset(relevance(self.story).flags)

    def flag_rows(self, observe: frozenset[str] = frozenset()) -> tuple[set[tuple[Value, ...]], bool]:
        """The distinct flag values (in declaration order) of the reachable states. The search keeps apart
        only the flags that can change what happens next; `observe` names others to keep apart too (a
        search of its own), so that what holds in every row is proven for them as well. With the rows:
        whether the search was complete (only then does "every row" mean every reachable state)."""
        if not observe:
            complete = self.report.complete  # the search fills the rows
            return self._rows, complete
        names = list(self.story.flags)
        rows: set[tuple[Value, ...]] = set()
        at = Span("", 0, 0)

        def note(session: Session) -> None:
            flags = session.state.flags
            rows.add(tuple(flags[n] for n in names))
        extra = explore_exhaustive(self.story, max_states=self.max_states, visit=note,
                                   observe=[FlagRef(n, at) for n in sorted(observe)])
        return rows, extra.complete

    @cached_property
    def canon(self) -> Road | None:
        return canon_road(self.program, self.options)

    @cached_property
    def ending_roads(self) -> list[Road]:
        """The shortest road to each ending the search reached, canon endings first."""
        roads: list[Road] = []
        for scene in endings_in_order(self.story):
            found = self.report.endings.get(scene.id)
            if found is None or found.seed is None:
                continue
            try:
                roads.append(play_road(self.program, f"the shortest road to ending '{scene.id}'", found.path,
                                       found.seed, self.options))
            except IfengineError:
                continue  # a road the dice do not give again with any seed tried: nothing to read
        return roads

    @property
    def roads(self) -> list[Road]:
        return ([self.canon] if self.canon is not None else []) + self.ending_roads
