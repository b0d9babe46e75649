"""Checking what a pinned run shows, not only where it ends: each `[[expect]]` of a run file (text that
must appear at a step, text that must not, flag values) is checked against a rendered replay, and each
one that fails is named with its step and scene. `ifengine replay` and the pytest plugin use it."""
from __future__ import annotations


from .errors import IfengineError
from .model import Story
from .runtime import Session
from .saves import Expectation, Run, compare, resume
from .views import SceneView


def _text(view: SceneView) -> str:
    """Everything a reader sees at this step: scenes passed through on the way, the scene, its choices."""
    parts = [p for v in (*view.passed, view) for p in (*v.response, v.title, *v.paragraphs)]
    return "\n".join(parts + [c.label for c in view.choices])


def failed_expectations(story: Story, run: Run) -> list[str]:
    """One line per expectation that does not hold: `step N (scene 'x'): ...`."""
    if not run.expect:
        return []
    by_step: dict[int, list[Expectation]] = {}
    for e in run.expect:
        by_step.setdefault(e.step, []).append(e)
    session = Session(story, run.seed)
    out: list[str] = []
    for step in range(len(run.choices) + 1):
        if step:
            try:
                session.choose(run.choices[step - 1])
            except IfengineError:
                break  # the replay's own report says where the run stopped fitting
        view = session.view()
        text = _text(view)
        where = f"step {step} (scene '{view.scene_id}')"
        for e in by_step.get(step, ()):
            out += [f"{where}: expected text {s!r} does not appear" for s in e.shows if s not in text]
            out += [f"{where}: text {s!r} appears but should not" for s in e.hides if s in text]
            for name, want in e.flags.items():
                got = session.flags.get(name)
                if name not in session.flags:
                    out.append(f"{where}: flag '{name}' does not exist")
                elif got != want or type(got) is not type(want):
                    out.append(f"{where}: flag '{name}' is {got!r}, expected {want!r}")
    return out


def run_problems(story: Story, run: Run, where: str = "") -> list[str]:
    """Why a run does not replay as recorded: the first step that no longer fits, or an end state that
    differs, then every expectation that fails. Empty when the run holds."""
    resumed = resume(story, run, where=where)
    problem = resumed.messages[0] if resumed.messages else compare(run, resumed.session)
    return ([problem] if problem else []) + failed_expectations(story, run)


__all__ = ["failed_expectations", "run_problems"]
