"""Fixtures of the lexicon and WordNet index tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.lexicon import index


@pytest.fixture
def index_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """An empty index folder of its own; the indexes are opened afresh before and after."""
    monkeypatch.setenv(index.ENV, str(tmp_path / "index"))
    index.reset()
    yield tmp_path / "index"
    index.reset()
