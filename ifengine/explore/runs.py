"""Run files from an exploration's findings, so that `ifengine replay` shows each of them again."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..runtime import Session
from ..saves import run_from_session, write_run
from .report import Report


def save_runs(report: Report, folder: str, source: str = "") -> tuple[list[str], list[str]]:
    """Write a run file for each finding that a seed reproduces, named as pinned runs are: `<ending>.toml` for
    each ending, `dead-end-<scene>.toml`, `error-<n>.toml`; `ifengine replay` plays them again. An existing
    file is never replaced (a pinned run is the author's). Returns (written, skipped)."""
    written: list[str] = []
    skipped: list[str] = []

    def put(name: str, run) -> None:
        path = Path(folder) / name
        if path.exists():
            skipped.append(str(path))
        else:
            write_run(path, run)
            written.append(str(path))

    for table, prefix in ((report.endings, ""), (report.dead_ends, "dead-end-")):
        for name, f in table.items():
            if f.seed is None:
                continue
            session = Session(report.story, f.seed)
            for cid in f.path:
                session.choose(cid)
            put(f"{prefix}{name}.toml", run_from_session(session, name=f"{prefix}{name}", source=source))
    for i, f in enumerate(report.errors.values(), 1):
        if f.seed is None or not f.path:
            continue  # an error on entering the start scene: `ifengine play` shows it at once
        session = Session(report.story, f.seed)
        try:
            for cid in f.path[:-1]:
                session.choose(cid)
        except Exception:  # noqa: BLE001 - the error came earlier than expected: still worth a run file
            pass
        run = run_from_session(session, name=f"error {i}", source=source)
        run = replace(run, choices=run.choices + (f.path[-1],), scenes=run.scenes + (session.scene_id,))
        put(f"error-{i}.toml", run)
    return written, skipped
