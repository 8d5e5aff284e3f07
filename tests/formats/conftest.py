"""Fixtures of the paired-format tests: the sample files, written once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from paired_samples import HYPOTHESIS, tmx_text, xliff12_text, xliff20_text


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("paired")
    (d / "story.xlf").write_text(xliff12_text(), encoding="utf-8")
    (d / "story2.xlf").write_text(xliff20_text(), encoding="utf-8")
    (d / "story.tmx").write_text(tmx_text(), encoding="utf-8")
    (d / "hyp.en.txt").write_text(HYPOTHESIS, encoding="utf-8")
    return d


@pytest.fixture(scope="session")
def checked(sample_dir: Path) -> dict:
    """``name → (report, paired)`` for the three sample files, checked with the hypothesis."""
    from tadqiq.paired import check_paired

    return {
        name: check_paired(sample_dir / name, hypothesis=sample_dir / "hyp.en.txt")
        for name in ("story.xlf", "story2.xlf", "story.tmx")
    }
