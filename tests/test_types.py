"""The package type-checks: mypy reports nothing on ifengine/, and `# type: ignore` comments do not creep back."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ifengine"

# A ratchet: the most `type: ignore` comments ifengine/ may hold. Fix the types rather than raise it;
# lowering it (after removing some) is welcome.
MAX_TYPE_IGNORES = 9


def test_mypy_reports_no_errors(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("mypy", reason="mypy is not installed (pip install -e '.[test]')")
    from mypy import api

    monkeypatch.chdir(ROOT)
    cache = tmp_path_factory.mktemp("mypy-cache")
    out, err, status = api.run(["ifengine", "--ignore-missing-imports", "--no-error-summary", "--cache-dir", str(cache)])
    assert status == 0, f"mypy found errors in ifengine/:\n{out}{err}"


def test_type_ignore_comments_do_not_grow() -> None:
    marker = re.compile(r"type:\s*ignore")
    found = [f"{path.relative_to(ROOT)}:{n}"
             for path in sorted(PACKAGE.rglob("*.py"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if marker.search(line)]
    assert len(found) <= MAX_TYPE_IGNORES, (
        f"{len(found)} `type: ignore` comments in ifengine/, at most {MAX_TYPE_IGNORES} allowed: fix the types "
        "instead\n" + "\n".join(found))
