"""History targets for the tests: a fresh SQLite file, or a fresh schema on a PostgreSQL server.

PostgreSQL comes from ``TADQIQ_TEST_PG_URL`` (``eval "$(bash .ci/postgres.sh)"`` starts a
throwaway server and sets it). Without it the PostgreSQL cases skip, except in CI (the
``CI`` environment variable set), where they fail so that CI cannot skip them silently.
Each test gets its own schema (through the URL's ``options=-csearch_path=...``), dropped
afterwards, so repeated or parallel runs never see each other's tables.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

BACKENDS = ("sqlite", "postgresql")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def pg_url() -> str:
    """The test server's URL; skips (or fails in CI) when there is none."""
    url = os.environ.get("TADQIQ_TEST_PG_URL", "").strip()
    if not url:
        how = 'start one with: eval "$(bash .ci/postgres.sh)"'
        if in_ci():
            pytest.fail(
                f"CI is set but TADQIQ_TEST_PG_URL is not: the PostgreSQL tests cannot run; {how}"
            )
        pytest.skip(f"TADQIQ_TEST_PG_URL is not set ({how}); in CI this is a failure")
    return url


@pytest.fixture
def pg_target() -> Iterator[str]:
    """A URL whose search_path is a new, empty schema (dropped after the test)."""
    from sqlalchemy import create_engine, text

    url = pg_url()
    schema = f"tadqiq_test_{uuid.uuid4().hex[:16]}"
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        separator = "&" if "?" in url else "?"
        yield f"{url}{separator}options={quote(f'-csearch_path={schema}', safe='')}"
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh history target of each backend."""
    if request.param == "sqlite":
        return str(tmp_path / "runs.db")
    return request.getfixturevalue("pg_target")
