"""A pytest plugin (registered as the `pytest11` entry point `ifengine`): in any project that uses
ifengine, `pytest` collects every `stories/<story>/runs/*.toml` as a test that replays the run against
its story, checks its recorded end, and checks each of its `[[expect]]`s. Authors get regression tests
for free; a failure names the step and the scene, never a traceback."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix == ".toml" and file_path.parent.name == "runs" and file_path.parent.parent.parent.name == "stories":
        return RunFile.from_parent(parent, path=file_path)
    return None


class RunFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        yield RunItem.from_parent(self, name=f"{self.path.parent.parent.name}/{self.path.name}")


class RunFailed(Exception):
    """A run that no longer replays as recorded, or whose expectations fail: its lines, for the report."""


class RunItem(pytest.Item):
    def runtest(self) -> None:
        from .errors import IfengineError
        from .expectations import run_problems
        from .launch import open_story
        from .saves import read_run

        try:
            run = read_run(self.path)
            story, _ = open_story(str(self.path.parent.parent))
        except IfengineError as e:
            raise RunFailed(str(e)) from None
        problems = run_problems(story, run, where=str(self.path))
        if problems:
            raise RunFailed("\n".join(problems))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, RunFailed):
            return f"{self.path}:\n{excinfo.value}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"run {self.name}"
