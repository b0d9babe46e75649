"""Fixtures every test module shares."""
from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Saves, autosaves and the endings record go to a fresh folder in every test (`IFENGINE_HOME`), never
    to the user's own data folder."""
    monkeypatch.setenv("IFENGINE_HOME", str(tmp_path / "home"))
    return tmp_path / "home"
