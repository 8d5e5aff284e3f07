"""Fixtures of the report tests: the bundled example's report, checked once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_browser import seed_report

from eval.values import Report


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives the HTML report in headless Chromium")


@pytest.fixture(scope="session")
def seed() -> Report:
    """The report of examples/seed with its precomputed back-translation."""
    return seed_report()


@pytest.fixture(scope="session")
def seed_html(seed: Report) -> str:
    from eval.reports.html import render_html

    return render_html(seed)


@pytest.fixture(scope="session")
def seed_page(seed_html: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed report written to a file, for the browser."""
    path = tmp_path_factory.mktemp("report") / "seed report.html"
    path.write_text(seed_html, encoding="utf-8")
    return path
