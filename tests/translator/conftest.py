"""Fixtures shared by the translator tests."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make any hub call fail loudly; returns the list of attempted calls."""
    import huggingface_hub

    attempts: list[str] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(repr(args))
        raise AssertionError("the test tried to use the network")

    monkeypatch.setattr(huggingface_hub, "snapshot_download", refuse)
    monkeypatch.setattr(huggingface_hub.HfApi, "list_repo_files", refuse)
    return attempts
