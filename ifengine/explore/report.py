"""What an exploration found, as data (`Report.to_dict()` is `--json`) and as the text `ifengine explore`
prints; and the progress bar shown while it runs."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from ..model import Choice, Story
from .limits import MAX_STEPS

if TYPE_CHECKING:
    from rich.progress import Progress


@dataclass
class Finding:
    """Something the explorer met, with the shortest (or first) choice path that reaches it."""

    kind: str  # "ending" | "dead_end" | "error" | "scene"
    scene: str
    path: list[str]
    seed: int | None  # a seed with which `path` reproduces the finding (None: no seed tried did)
    count: int = 1
    message: str = ""
    draws: list[list[int]] = field(default_factory=list)  # per step, the random outcomes the path needs

    def to_dict(self) -> dict[str, object]:
        d: dict[str, object] = {"scene": self.scene, "path": self.path, "seed": self.seed, "count": self.count}
        if self.message:
            d["message"] = self.message
        if any(self.draws):
            d["draws"] = self.draws
        return d


@dataclass
class Report:
    """What an exploration found. `to_dict()` is the `--json` output."""

    story: Story
    mode: str  # "random" | "exhaustive"
    seed: int
    runs: int = 0
    states: int | None = None
    complete: bool = True  # exhaustive: every reachable state was visited (the bound was not hit)
    stopped_by: str | None = None  # exhaustive and incomplete: which bound stopped it ("states" or "time")
    max_seconds: float | None = None  # exhaustive: the time bound it ran under
    steps: int = 0  # random: choices made in all runs
    capped: list[int] = field(default_factory=list)  # random: seeds of runs stopped at the step cap
    max_steps: int = MAX_STEPS  # random: the cap
    scenes_reached: set[str] = field(default_factory=set)
    choices_reached: set[str] = field(default_factory=set)
    endings: dict[str, Finding] = field(default_factory=dict)
    dead_ends: dict[str, Finding] = field(default_factory=dict)  # by scene
    errors: dict[str, Finding] = field(default_factory=dict)  # by message
    shortest: Finding | None = None
    longest: Finding | None = None
    seconds: float = 0.0

    @property
    def all_choices(self) -> list[Choice]:
        return [c for s in self.story.scenes.values() for c in s.choices]

    @property
    def unreached_scenes(self) -> list[str]:
        return [sid for sid, s in self.story.scenes.items() if not s.is_ending and sid not in self.scenes_reached]

    @property
    def faulted_scenes(self) -> dict[str, Finding]:
        """Scenes never reached because entering them faulted: each with the first error found there (the
        scene the error's last choice leads to, or the start)."""
        out: dict[str, Finding] = {}
        for f in self.errors.values():
            choice = self.story.choice(f.path[-1]) if f.path else None
            # the scene the last choice enters: its tunnel for a call, its own for one that goes on to a gather
            sid = self.story.start if choice is None else choice.call or choice.target or f.path[-1].partition(".")[0]
            if sid in self.unreached_scenes and sid not in out:
                out[sid] = f
        return out

    @property
    def unreached_endings(self) -> list[str]:
        return [s.id for s in self.story.endings if s.id not in self.endings]

    @property
    def unreached_choices(self) -> list[str]:
        return [c.id for c in self.all_choices if c.id not in self.choices_reached]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.dead_ends

    def to_dict(self) -> dict[str, object]:
        story = self.story
        endings = []
        for s in endings_in_order(story):
            f = self.endings.get(s.id)
            e: dict[str, object] = {"id": s.id, "kind": s.ending_kind, "title": s.title,
                                    "reached": f is not None, "count": f.count if f else 0}
            if f is not None:
                e["path"], e["seed"] = f.path, f.seed
                if any(f.draws):
                    e["draws"] = f.draws
            endings.append(e)
        out: dict[str, object] = {
            "story": story.id, "mode": self.mode, "seed": self.seed,
            "runs": self.runs, "states": self.states, "complete": self.complete, "stopped_by": self.stopped_by,
            "scenes_total": sum(not s.is_ending for s in story.scenes.values()),
            "scenes_reached": sum(1 for sid, s in story.scenes.items()
                                  if not s.is_ending and sid in self.scenes_reached),
            "choices_total": len(self.all_choices),
            "choices_reached": sum(1 for c in self.all_choices if c.id in self.choices_reached),
            "endings": endings,
            "unreached_scenes": self.unreached_scenes,
            "unreached_endings": self.unreached_endings,
            "unreached_choices": self.unreached_choices,
            "dead_ends": [f.to_dict() for f in self.dead_ends.values()],
            "errors": [f.to_dict() for f in self.errors.values()],
            "seconds": round(self.seconds, 3),
        }
        if self.mode == "random":
            out["steps"] = self.steps
            out["capped"] = self.capped
            out["max_steps"] = self.max_steps
            out["shortest"] = self.shortest.to_dict() | {"length": len(self.shortest.path)} if self.shortest else None
            out["longest"] = self.longest.to_dict() | {"length": len(self.longest.path)} if self.longest else None
        return out


def endings_in_order(story: Story) -> list:
    """Canon endings first, then alternate, then death, each in story order."""
    rank = {"canon": 0, "alternate": 1, "death": 2}
    return sorted(story.endings, key=lambda s: rank.get(s.ending_kind or "", 3))


# ---- printing -------------------------------------------------------------------------------------


def _path_text(f: Finding) -> str:
    where = "at the start" if not f.path else " ".join(f.path)
    if f.seed is None:
        need = "; ".join(f"step {i}: outcomes {d}" for i, d in enumerate(f.draws) if d)
        return f"{where}  (needs random outcomes no seed tried gives: {need})"
    return f"{where}  (seed {f.seed})"


def format_report(report: Report, story_path: str = "STORY") -> str:
    """The text `ifengine explore` prints: coverage, endings, dead ends and errors with their paths."""
    story = report.story
    d = report.to_dict()
    lines: list[str] = []
    if report.mode == "exhaustive":
        bound = (f"after --max-seconds {report.max_seconds:g}" if report.stopped_by == "time"
                 else f"at --max-states {report.states:,}")
        status = ("complete: every reachable state was visited" if report.complete
                  else f"INCOMPLETE: stopped {bound}; what is listed unreached was "
                       f"not reached within the bound, which proves nothing")
        lines.append(f"{story.title} ({story.id}): exhaustive search, {report.states:,} distinct states, {status} "
                     f"({report.seconds:.2f} s)")
    else:
        lines.append(f"{story.title} ({story.id}): {report.runs:,} random playthroughs, seeds {report.seed}.."
                     f"{report.seed + report.runs - 1}, {report.steps:,} choices ({report.seconds:.2f} s)")
    verb = "proven" if report.mode == "exhaustive" and report.complete else "seen"
    lines.append(f"  scenes   {d['scenes_reached']}/{d['scenes_total']} reached")
    lines.append(f"  choices  {d['choices_reached']}/{d['choices_total']} taken")
    n_end = len(story.endings)
    lines.append(f"  endings  {n_end - len(report.unreached_endings)}/{n_end} reached")
    for s in endings_in_order(story):
        f = report.endings.get(s.id)
        if f is None:
            continue
        count = (f"{f.count:,} run{'s' if f.count != 1 else ''}" if report.mode == "random"
                 else f"{f.count:,} end state{'s' if f.count != 1 else ''}")
        lines.append(f"    {s.ending_kind:<9} {s.id}: {s.title} ({count})")
        lines.append(f"              shortest: {_path_text(f)}")
    faulted = report.faulted_scenes
    never = [sid for sid in report.unreached_scenes if sid not in faulted]
    if never:
        lines.append(f"  scenes never reached ({verb}): {', '.join(never)}")
    for sid, f in faulted.items():
        lines.append(f"  scene {sid} faulted when entered (see ERRORS), by: {_path_text(f)}")
    if report.unreached_endings:
        lines.append(f"  endings never reached ({verb}): {', '.join(report.unreached_endings)}")
    if report.unreached_choices:
        lines.append(f"  choices never taken ({verb}): {', '.join(report.unreached_choices)}")
    if report.mode == "random":
        if report.shortest:
            lines.append(f"  shortest playthrough: {len(report.shortest.path)} choices, seed {report.shortest.seed}, "
                         f"ends in {report.shortest.scene}")
        if report.longest:
            lines.append(f"  longest playthrough:  {len(report.longest.path)} choices, seed {report.longest.seed}, "
                         f"ends in {report.longest.scene}")
        if report.capped:
            shown = ", ".join(map(str, report.capped[:10])) + (" ..." if len(report.capped) > 10 else "")
            lines.append(f"  capped: {len(report.capped)} playthrough(s) reached {report.max_steps:,} choices without "
                         f"ending (seeds {shown}): a loop the random player did not leave")
    if report.dead_ends:
        lines.append(f"  DEAD ENDS: {len(report.dead_ends)} scene(s) where the story stops with nothing to choose")
        for f in report.dead_ends.values():
            lines.append(f"    {f.scene} ({f.count:,} {'runs' if report.mode == 'random' else 'states'})")
            lines.append(f"              shortest: {_path_text(f)}")
    else:
        lines.append("  dead ends: none")
    if report.errors:
        lines.append(f"  ERRORS: {len(report.errors)}")
        for f in report.errors.values():
            lines.append(f"    {f.message} ({f.count:,} {'runs' if report.mode == 'random' else 'times'})")
            lines.append(f"              path: {_path_text(f)}")
    else:
        lines.append("  errors: none")
    if report.dead_ends or report.errors:
        lines.append(f"  to replay a finding, add --save-runs DIR and run: ifengine replay DIR/<file>.toml "
                     f"--story {story_path}")
    return "\n".join(lines)


class progress_bar:
    """A rich progress bar on stderr while a long exploration runs, only when stderr is a terminal.
    Use as a context manager; it gives a callback `advance(n)`, or None when no bar is shown."""

    def __init__(self, enabled: bool, description: str, total: int | None) -> None:
        self.enabled = enabled
        self.description = description
        self.total = total
        self._progress: Progress | None = None

    def __enter__(self) -> Callable[[int], None] | None:
        if not self.enabled:
            return None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, \
            TimeElapsedColumn

        columns = [SpinnerColumn(), TextColumn("{task.description}")]
        if self.total is not None:
            columns += [BarColumn(), MofNCompleteColumn()]
        else:
            columns += [TextColumn("{task.completed:,} states")]
        columns.append(TimeElapsedColumn())
        progress = Progress(*columns, console=Console(stderr=True), transient=True)
        self._progress = progress
        progress.start()
        task = progress.add_task(self.description, total=self.total)
        return lambda n: progress.advance(task, n)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()
