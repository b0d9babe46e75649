"""Run files and save slots: one TOML format, written atomically, replayed by choice id.

A run records the seed and the choice ids taken, never positions, so a story can be edited without
breaking what players saved: loading replays the ids against the story as it is now, and a run that no
longer fits resumes at the last step that does, saying exactly where.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import tomli_w

from . import __version__
from .diagnostics import Diagnostic
from .errors import RunFileError, run_diagnostic
from .files import read_bounded, write_atomically

if TYPE_CHECKING:  # the engine is imported when a run is resumed: reading a save (the title screen) needs none of it
    from .model import Story, Value
    from .program import Program
    from .runtime import Session
    from .views import SceneView

T = TypeVar("T")

FORMAT = "ifengine-run"
VERSION = 1  # bump on incompatible change; older versions are migrated in `_parse`, newer refused


__all__ = ["AUTOSAVE", "EndState", "Expectation", "Resumed", "Run", "RunFileError", "autosave", "compare", "dump_session",
           "dumps", "list_saves", "load_session", "parse_run", "parse_text", "read_run", "resume", "run_from_session",
           "set_aside_autosave", "slot_path", "write_run"]


@dataclass(frozen=True)
class EndState:
    scene: str
    ending: str | None
    steps: int
    flags: dict[str, Value]
    visits: dict[str, int]


@dataclass(frozen=True)
class Expectation:
    """What a pinned run checks at one step (after that many choices; 0 is the start): text that must
    appear, text that must not, flag values. Partial checks survive unrelated edits (RegTest's model)."""

    step: int
    shows: tuple[str, ...] = ()
    hides: tuple[str, ...] = ()
    flags: dict[str, Value] = field(default_factory=dict)

    def to_toml(self) -> dict[str, object]:
        out: dict[str, object] = {"step": self.step}
        if self.shows:
            out["shows"] = list(self.shows)
        if self.hides:
            out["hides"] = list(self.hides)
        if self.flags:
            out["flags"] = dict(self.flags)
        return out


@dataclass(frozen=True)
class Run:
    story_id: str
    story_digest: str
    role: str
    title: str
    seed: int
    choices: tuple[str, ...]
    scenes: tuple[str, ...]  # the scene each choice was taken in (lets replay name the first step that differs)
    end: EndState
    created: dt.datetime
    updated: dt.datetime
    engine_version: str = __version__
    name: str = ""
    source: str = ""  # the story's path, relative to the run file once written: a hint for finding it again
    expect: tuple[Expectation, ...] = ()  # optional `[[expect]]` tables: checked by `ifengine replay`
    roads: tuple[tuple[str, ...], ...] = ()  # the player's story map: other roads tried, as choice ids


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def run_from_session(session: Session, name: str = "", created: dt.datetime | None = None,
                     source: str = "", roads: tuple[tuple[str, ...], ...] = ()) -> Run:
    story, view = session.story, session.view()
    scenes = tuple(s.scene_id for s in session.history if not s.auto)
    now = _now()
    return Run(
        story_id=story.id, story_digest=story.digest, role=story.role.name, title=story.title, seed=session.seed,
        choices=tuple(session.choices_taken), scenes=scenes,
        end=EndState(view.scene_id, view.ending.id if view.ending else None, len(session.choices_taken),
                      session.flags, session.visits),
        created=created or now, updated=now, name=name, source=source, roads=tuple(tuple(r) for r in roads),
    )


def to_toml(run: Run) -> dict:
    end: dict[str, object] = {"scene": run.end.scene, "steps": run.end.steps,
                              "flags": dict(sorted(run.end.flags.items())),
                              "visits": dict(sorted(run.end.visits.items()))}
    if run.end.ending:
        end["ending"] = run.end.ending
    story: dict[str, object] = {"id": run.story_id, "digest": run.story_digest, "role": run.role, "title": run.title}
    played: dict[str, object] = {"seed": run.seed, "created": run.created, "updated": run.updated,
                                 "choices": list(run.choices), "scenes": list(run.scenes)}
    if run.name:
        played["name"] = run.name
    if run.source:
        story["source"] = run.source
    doc: dict[str, object] = {
        "format": {"kind": FORMAT, "version": VERSION, "engine": run.engine_version},
        "story": story,
        "run": played,
        "end": end,
    }
    if run.expect:
        doc["expect"] = [e.to_toml() for e in run.expect]
    if run.roads:  # optional and additive: a reader that does not know it loses only the map
        doc["map"] = {"roads": [list(r) for r in run.roads]}
    return doc


def dumps(run: Run) -> str:
    return tomli_w.dumps(to_toml(run))


def dump_session(session: Session, name: str = "") -> str:
    """A play as the text of a run file (TOML): its seed and the choice ids taken, which `load_session`
    replays. Nothing is written anywhere: a host stores the text where it likes."""
    return dumps(run_from_session(session, name=name))


def load_session(story: Story | Program, text: str) -> Session:
    """The session `dump_session` wrote, replayed against the story. Raises `RunFileError` for text that is
    not a run, or a run that no longer fits the story (with the diagnostics that say where)."""
    resumed = resume(story, parse_text(text, "<run>"))
    if resumed.diagnostics:
        error = RunFileError("; ".join(resumed.messages))
        error.diagnostics = tuple(resumed.diagnostics)
        raise error
    return resumed.session


def _aware(when: dt.datetime) -> dt.datetime:
    """A TOML local date-time (no offset: a hand-edited file) is taken as UTC, so saves always compare."""
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.timezone.utc)


def parse_run(doc: dict) -> Run:
    """Validate a decoded TOML document against the run file's fields (`run_schema.FIELDS`); raise
    ValueError naming the first field that is missing or wrong."""
    from .run_schema import BY_NAME, read_field, validate

    fmt = doc.get("format")
    if not isinstance(fmt, dict) or fmt.get("kind") != FORMAT:
        raise ValueError("not an ifengine run file (no [format] kind = \"ifengine-run\")")
    version = read_field(doc, BY_NAME["format.version"])  # first: a newer format may have other fields
    assert isinstance(version, int)
    if version > VERSION:
        raise ValueError(f"made by a newer ifengine (run format {version}; this one reads up to {VERSION}); "
                         f"upgrade ifengine to load it")
    if version < 1:
        raise ValueError(f"unknown run format version {version}")
    v = validate(doc)
    choices = tuple(_typed(v["run.choices"], list))
    scenes = v["run.scenes"]
    ending = v["end.ending"]
    end_state = EndState(_typed(v["end.scene"], str), _typed(ending, str) if ending else None,
                         _typed(v["end.steps"], int),
                         {k: tuple(x) if isinstance(x, list) else x  # a set's members
                          for k, x in _typed(v["end.flags"], dict).items()},
                         dict(_typed(v["end.visits"], dict)))
    return Run(
        story_id=_typed(v["story.id"], str), story_digest=_typed(v["story.digest"], str),
        role=_typed(v["story.role"], str), title=_typed(v["story.title"], str),
        seed=_typed(v["run.seed"], int), choices=choices,
        scenes=tuple(_typed(scenes, list)) if scenes is not None else (), end=end_state,
        created=_aware(_typed(v["run.created"], dt.datetime)), updated=_aware(_typed(v["run.updated"], dt.datetime)),
        engine_version=_typed(v["format.engine"], str), name=_typed(v["run.name"], str),
        source=_typed(v["story.source"], str), expect=_expectations(doc.get("expect", []), len(choices)),
        roads=_roads(doc.get("map")),
    )


def _typed(value: object, kind: type[T]) -> T:
    """A value the schema has checked, as the type its row promised (for the type checker)."""
    assert isinstance(value, kind)
    return value


def _expectations(tables: object, steps: int) -> tuple[Expectation, ...]:
    """The optional `[[expect]]` tables of a run (an additive section: a run without them is as before)."""
    if not isinstance(tables, list):
        raise ValueError("'expect' must be a list of [[expect]] tables")
    found: list[Expectation] = []
    for n, t in enumerate(tables, 1):
        where = f"expect {n}: "
        if not isinstance(t, dict) or "step" not in t:
            raise ValueError(f"missing '{where}step'")
        step = t["step"]
        if not isinstance(step, int) or isinstance(step, bool):
            raise ValueError(f"'{where}step' has the wrong type")
        if not 0 <= step <= steps:
            raise ValueError(f"{where}step {step} is outside the run (0 to {steps})")
        assert isinstance(t, dict)
        texts = {}
        for key in ("shows", "hides"):
            value = t.get(key, [])
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise ValueError(f"{where}'{key}' must be a text or a list of texts")
            texts[key] = tuple(value)
        flags = t.get("flags", {})
        if not isinstance(flags, dict) or not all(isinstance(v, (bool, int, str)) for v in flags.values()):
            raise ValueError(f"{where}'flags' must be a table of flag values")
        unknown = sorted(set(t) - {"step", "shows", "hides", "flags"})
        if unknown:
            raise ValueError(f"{where}unknown key '{unknown[0]}' (an expectation takes step, shows, hides, flags)")
        found.append(Expectation(step, texts["shows"], texts["hides"], dict(flags)))
    return tuple(found)


def _roads(table: object) -> tuple[tuple[str, ...], ...]:
    """The optional `[map]` table: `roads`, a list of roads, each a list of choice ids."""
    if table is None:
        return ()
    roads = table.get("roads", []) if isinstance(table, dict) else None
    if not isinstance(roads, list) or not all(isinstance(r, list) and all(isinstance(c, str) for c in r)
                                              for r in roads):
        raise ValueError("'map.roads' must be a list of roads, each a list of choice ids")
    return tuple(tuple(r) for r in roads)


def read_run(path: Path | str) -> Run:
    """Load a run file, or raise RunFileError with one line: the file and what is wrong. Never changes the file."""
    path = Path(path)
    try:
        data = read_bounded(path)
    except FileNotFoundError:
        raise RunFileError(f"{path}: no such file") from None
    except OSError as e:
        raise RunFileError(f"{path}: cannot read: {e.strerror or e}") from None
    if not data.strip():
        raise RunFileError(f"{path}: the file is empty (a save that was never finished?)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise RunFileError(f"{path}: not a text file (invalid UTF-8 at byte {e.start})") from None
    return parse_text(text, str(path))


def parse_text(text: str, name: str = "<run>") -> Run:
    """A run from the text of a run file; RunFileError, one line starting with `name`, for anything else."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise RunFileError(f"{name}: corrupt or truncated TOML ({e})") from None
    except RecursionError:
        raise RunFileError(f"{name}: corrupt TOML (nested too deeply to read)") from None
    try:
        return parse_run(doc)
    except ValueError as e:
        raise RunFileError(f"{name}: {e}") from None


def write_run(path: Path | str, run: Run) -> Path:
    """Write a run atomically (see `files.write_atomically`): a crash or a full disk leaves whatever was
    there before intact, and a file there that is not a readable run is moved aside, not overwritten."""
    path = Path(path)
    run = replace(run, source=relative_source(run.source, path))
    return write_atomically(path, dumps(run), lambda text: parse_run(tomllib.loads(text)))


def relative_source(source: str, run_file: Path) -> str:
    """The story path a run records, relative to the run file's folder (with `/`, whatever the system), so
    the pair can be moved or shared together and replayed from any working folder. A source is given as
    the working folder sees it; one that is not there (a run read and written again, whose source is
    already relative to its file) is kept as recorded, and one that cannot be made relative (another
    drive) is kept absolute."""
    where = Path(source)
    if not source or not where.exists():
        return source
    try:
        return Path(os.path.relpath(where.resolve(), run_file.resolve().parent)).as_posix()
    except ValueError:
        return where.resolve().as_posix()


RUN_SNIFF_LIMIT = 1 << 20  # a run file is a few kilobytes; what is bigger is not read to see if it is one


def write_output(path: Path | str, text: str) -> Path:
    """Write an output that is neither a story nor a run (a transcript, a graph) to `path`, refusing to
    replace a story's `.ifs` file or a run file there (FileExistsError, an OSError: one line for the
    caller). Only a regular file is read to see whether it is a run, and only when it is small."""
    path = Path(path)
    if path.suffix.lower() == ".ifs" and path.exists():
        raise FileExistsError(17, "is a story file; not replacing it", str(path))
    if path.is_file() and _is_a_run(path):
        raise FileExistsError(17, "is a run file; not replacing it", str(path))
    path.write_text(text, encoding="utf-8")
    return path


def _is_a_run(path: Path) -> bool:
    try:
        parse_run(tomllib.loads(read_bounded(path, RUN_SNIFF_LIMIT).decode("utf-8")))
        return True
    except (OSError, ValueError, RecursionError):  # UnicodeDecodeError and TOMLDecodeError are ValueErrors
        return False


# What does not fit when a run is replayed against the story as it is now (docs/language.md lists them).
OTHER_STORY = "IFS310"
ALREADY_ENDED = "IFS311"
NOT_OFFERED = "IFS312"
CHOICE_FAILS = "IFS313"


def other_story(run: Run, story_id: str) -> str:
    """What `replay` and the player say of a run made for another story (IFS310), in the same words."""
    return f"this run was made for story '{run.story_id}', not '{story_id}'"


@dataclass
class Resumed:
    """A session rebuilt from a run, and what did not fit (empty when the whole run replayed)."""

    session: Session
    diagnostics: list[Diagnostic] = field(default_factory=list)
    failed_step: int | None = None  # 1-based index of the first choice that no longer fits
    # The view before each decision replayed and the view now (what `trail.trail_of` would replay again):
    # a player showing the road takes it from here.
    trail: list[SceneView] = field(default_factory=list)

    @property
    def messages(self) -> list[str]:
        """The diagnostics as the lines a player or `replay` shows."""
        return [d.message for d in self.diagnostics]


def _short(choice_id: str, scene_id: str) -> str:
    prefix = scene_id + "."
    return choice_id[len(prefix):] if choice_id.startswith(prefix) else choice_id


def resume(story: Story | Program, run: Run, render: bool = True, where: str = "") -> Resumed:
    """Replay a run's choice ids against the story as it is now. Stops at the first id that no longer fits.
    `where` names the run file in the diagnostics."""
    from .errors import ChoiceError, StoryRuntimeError
    from .runtime import Session

    session = Session(story, run.seed, render=render)
    story_id = session.story.id
    found: list[Diagnostic] = []
    trail = [session.view()]

    def say(code: str, message: str) -> None:
        found.append(run_diagnostic(where, message, code))

    if run.story_id != story_id:
        say(OTHER_STORY, other_story(run, story_id))
    for i, cid in enumerate(run.choices, 1):
        if session.is_over:
            say(ALREADY_ENDED, f"step {i}: the story already ended at '{session.scene_id}'; resumed there")
            return Resumed(session, found, i, trail)
        try:
            trail.append(session.choose(cid))
        except ChoiceError:
            say(NOT_OFFERED, f"step {i}: choice '{_short(cid, session.scene_id)}' is no longer offered in scene "
                             f"'{session.scene_id}'; resumed there")
            return Resumed(session, found, i, trail)
        except StoryRuntimeError as e:  # the session stays where it was before this choice
            say(CHOICE_FAILS, f"step {i}: choice '{_short(cid, session.scene_id)}' fails in scene "
                              f"'{session.scene_id}' ({e}); resumed there")
            return Resumed(session, found, i, trail)
    return Resumed(session, found, trail=trail)


def compare(run: Run, session: Session) -> str | None:
    """Why a replayed session does not reproduce the run's recorded end state, or None when it does."""
    history = [s for s in session.history if not s.auto]
    for i, (recorded, step) in enumerate(zip(run.scenes, history), 1):
        if recorded != step.scene_id:
            return f"step {i}: recorded in scene '{recorded}', now taken in scene '{step.scene_id}'"
    view = session.view()
    end = run.end
    if view.scene_id != end.scene:
        return f"the run ended in scene '{end.scene}', the replay ends in '{view.scene_id}'"
    ending = view.ending.id if view.ending else None
    if ending != end.ending:
        return f"the run reached ending '{end.ending}', the replay reaches '{ending}'"
    flags = session.flags
    # Only flags both know: a flag added to the story since (or removed from it) is no difference in play.
    for name in sorted(set(end.flags) & set(flags)):
        if end.flags.get(name) != flags.get(name):
            return f"flag '{name}' was {end.flags.get(name)!r} at the end of the run, now {flags.get(name)!r}"
    visits = session.visits
    for name in sorted(set(end.visits) | set(visits)):
        if end.visits.get(name, 0) != visits.get(name, 0):
            return f"scene '{name}' was visited {end.visits.get(name, 0)} times in the run, now {visits.get(name, 0)}"
    return None


# ---- where saves live -------------------------------------------------------

_SLOT = re.compile(r"[^A-Za-z0-9._-]+")


def home() -> Path:
    """The data folder: $IFENGINE_HOME when set (tests use it), else the platform's user data folder."""
    override = os.environ.get("IFENGINE_HOME")
    if override:
        return Path(override)
    from platformdirs import user_data_path

    return user_data_path("ifengine", appauthor=False)


def save_dir(story_id: str) -> Path:
    return home() / "saves" / story_id


def remove_stale_temporaries() -> list[Path]:
    """At a player's start: the temporary files a crash left in the saves folders (one per story) and the
    endings record's folder, older than a few minutes (see `files.remove_stale_temporaries`)."""
    from .files import remove_stale_temporaries as remove_in

    base = home()
    folders = [base / "progress"]
    try:
        folders += [p for p in (base / "saves").iterdir() if p.is_dir() and not p.is_symlink()]
    except OSError:
        pass
    return [p for folder in folders for p in remove_in(folder)]


def slot_path(story_id: str, slot: str) -> Path:
    name = _SLOT.sub("-", slot.strip()).strip("-.") or "slot"
    return save_dir(story_id) / f"{name}.toml"


AUTOSAVE = "autosave"


def autosave(run: Run) -> Path:
    """Write the autosave slot. A run that continues the one saved there keeps its creation time (it is
    the same playthrough, further on); anything else starts afresh."""
    path = slot_path(run.story_id, AUTOSAVE)
    try:
        old = read_run(path)
        if old.end.ending is None and old.choices == run.choices[:len(old.choices)]:
            run = replace(run, created=old.created)
    except RunFileError:
        pass
    return write_run(path, replace(run, name=AUTOSAVE))


PREVIOUS_RUN = "previous run"


def set_aside_autosave(story_id: str) -> Path | None:
    """Before a new run (or a loaded one) takes the autosave slot: keep the run there as the next numbered
    save, `previous run N` (`previous-run-N.toml`), which Load lists like any save. Nothing is kept for an
    autosave with no decision in it, or one that cannot be read (writing over that moves it aside, see
    `write_run`). Returns the save written, if any."""
    try:
        old = read_run(slot_path(story_id, AUTOSAVE))
    except RunFileError:
        return None
    if not old.choices:
        return None
    stem = slot_path(story_id, PREVIOUS_RUN).stem + "-"
    taken = [p.stem[len(stem):] for p in save_dir(story_id).glob(f"{stem}*.toml")]
    n = 1 + max((int(t) for t in taken if t.isdecimal()), default=0)
    name = f"{PREVIOUS_RUN} {n}"
    return write_run(slot_path(story_id, name), replace(old, name=name))


def list_saves(story_id: str) -> list[tuple[Path, Run | RunFileError]]:
    """Every save of a story, newest first; unreadable ones are listed with their error, never dropped."""
    folder = save_dir(story_id)
    found: list[tuple[Path, Run | RunFileError]] = []
    for p in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        try:
            found.append((p, read_run(p)))
        except RunFileError as e:
            found.append((p, e))
    found.sort(key=lambda item: item[1].updated if isinstance(item[1], Run) else dt.datetime.min.replace(
        tzinfo=dt.timezone.utc), reverse=True)
    return found
