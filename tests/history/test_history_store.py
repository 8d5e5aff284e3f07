"""The history store on SQLite and PostgreSQL: round trips, ordering, errors, concurrent writers."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from history_records import EPOCH, flag, model_result, run_record

from eval.nightly.store import (
    SCHEMA_VERSION,
    SCORE_COLUMNS,
    History,
    RunSummary,
    mask_password,
    open_history,
    results_table,
)
from eval.scoring.registry import METRIC_KEYS
from tadqiq.errors import ConfigError, InputError

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def two_runs() -> tuple:
    first = run_record(
        "2024-05-01-night",
        0,
        flags={"opus-mt-ar-en": [flag("a.ar.txt", "f1"), flag("b.ar.txt", "f2", "major")]},
    )
    second = run_record(
        "2024-05-02-night",
        1,
        flags={
            "opus-mt-ar-en": [
                flag("a.ar.txt", "f3", category="omission", ar="", reference="in Gaza")
            ],
            "baseline": [flag("c.ar.txt", "f9", "minor", ar="قال", reference="said")],
        },
    )
    return first, second


def test_round_trip_of_every_field(target: str) -> None:
    first, second = two_runs()
    with open_history(target) as history:
        history.record(second)  # out of order on purpose
        history.record(first)
        assert history.get(first.run_id) == first
        got = history.get(second.run_id)
    assert got == second
    # Field by field, so a failure says which one (and types survive, not only values).
    for old, new in zip(second.models, got.models, strict=True):
        for name in old.__dataclass_fields__:
            assert getattr(new, name) == getattr(old, name), name
            assert type(getattr(new, name)) is type(getattr(old, name)), name
    assert got.started_at.tzinfo is not None and got.started_at == second.started_at
    assert got.started_at.microsecond == 123456
    assert got.models[1].scores["comet"] == 0.8125  # a score without its own column
    assert got.models[1].settings["nested"] == {"a": [1, 2.5, None, "ق"]}


def test_reopen_keeps_the_data_and_the_schema_version(target: str) -> None:
    first, _ = two_runs()
    with open_history(target) as history:
        history.record(first)
    with open_history(target) as history:  # tables exist: opening again must not fail
        assert [r.run_id for r in history.runs()] == [first.run_id]
        assert history.get(first.run_id) == first


def test_runs_are_ordered_filtered_and_limited(target: str) -> None:
    with open_history(target) as history:
        for k in (3, 0, 2, 1):
            models = ("baseline",) if k == 2 else ("baseline", "opus-mt-ar-en")
            history.record(run_record(f"run-{k}", k, models=models))
        every = history.runs()
        assert [r.run_id for r in every] == ["run-0", "run-1", "run-2", "run-3"]
        assert all(isinstance(r, RunSummary) for r in every)
        assert every[0].models == ("baseline", "opus-mt-ar-en")
        assert every[2].models == ("baseline",)
        assert [r.run_id for r in history.runs("opus-mt-ar-en")] == ["run-0", "run-1", "run-3"]
        assert [r.run_id for r in history.runs(limit=2)] == ["run-2", "run-3"]
        assert [r.run_id for r in history.runs("opus-mt-ar-en", limit=2)] == ["run-1", "run-3"]
        assert history.runs("no-such-model") == []
        assert history.runs(limit=0) == []
        pairs = history.results("opus-mt-ar-en")
        assert [(s.run_id, r.model) for s, r in pairs] == [
            ("run-0", "opus-mt-ar-en"),
            ("run-1", "opus-mt-ar-en"),
            ("run-3", "opus-mt-ar-en"),
        ]
        assert all(r.flags == [] for _, r in pairs)  # results() does not load flags


def test_previous_picks_the_latest_earlier_run_with_the_model(target: str) -> None:
    with open_history(target) as history:
        history.record(run_record("r0", 0, flags={"opus-mt-ar-en": [flag("a", "old")]}))
        history.record(run_record("r1", 1, flags={"opus-mt-ar-en": [flag("a", "mid")]}))
        history.record(run_record("r2", 2, models=("baseline",)))  # no opus-mt in this run
        current = run_record("r3", 3, flags={"opus-mt-ar-en": [flag("a", "new")]})
        assert history.previous("opus-mt-ar-en", before=current.started_at)[0].run_id == "r1"
        history.record(current)

        summary, result = history.previous("opus-mt-ar-en", before=current.started_at)
        assert summary.run_id == "r1"
        assert result.model == "opus-mt-ar-en"
        assert result.flags == [flag("a", "mid")]  # flags are loaded
        assert history.previous("opus-mt-ar-en")[0].run_id == "r3"  # no bound: the latest
        assert history.previous("baseline", before=current.started_at)[0].run_id == "r2"
        assert history.previous("opus-mt-ar-en", before=EPOCH) is None  # nothing earlier
        assert history.previous("unknown-model") is None
        # A bound given in another time zone means the same instant.
        plus3 = timezone(timedelta(hours=3))
        assert (
            history.previous("opus-mt-ar-en", before=current.started_at.astimezone(plus3))[0].run_id
            == "r1"
        )


def test_flags_of_a_run(target: str) -> None:
    first, second = two_runs()
    with open_history(target) as history:
        history.record(first)
        history.record(second)
        assert history.flags(second.run_id, "baseline") == second.models[0].flags
        assert history.flags(first.run_id, "baseline") == []
        with pytest.raises(InputError, match="has no model 'nope'"):
            history.flags(first.run_id, "nope")


def test_unknown_and_duplicate_runs_are_input_errors(target: str) -> None:
    first, _ = two_runs()
    with open_history(target) as history:
        history.record(first)
        with pytest.raises(InputError, match="already recorded"):
            history.record(first)
        with pytest.raises(InputError, match="no run 'missing'"):
            history.get("missing")
        twice = replace(first, run_id="twice", models=[first.models[0], first.models[0]])
        with pytest.raises(InputError, match="more than once"):
            history.record(twice)
        # Nothing of the failed records was written.
        assert [r.run_id for r in history.runs()] == [first.run_id]


def test_score_columns_are_metrics_of_the_registry() -> None:
    # Schema version 1 gives these a column each; any other score (a metric added to the
    # registry later, "comet" above) is kept in other_scores without a migration.
    assert set(SCORE_COLUMNS) <= set(METRIC_KEYS)
    assert [c.name for c in results_table.c if c.name in METRIC_KEYS] == list(SCORE_COLUMNS)


def test_a_run_without_models_or_scores(target: str) -> None:
    empty = run_record("empty", 0, models=())
    bare = run_record("bare", 1, models=("m",))
    bare.models[0] = replace(model_result("m", 1), scores={}, signatures={}, significance={})
    with open_history(target) as history:
        history.record(empty)
        history.record(bare)
        assert history.get("empty") == empty
        assert history.get("bare") == bare


def test_the_output_folder_of_a_run_is_kept(target: str) -> None:
    """A run's output folder is kept (the nightly runner looks for the previous run's segments there)."""
    base = run_record("with-dir", 0)
    run = replace(base, out_dir="/srv/n/1")
    with open_history(target) as history:
        history.record(run)
        history.record(run_record("without", 1))
        assert [r.out_dir for r in history.runs()] == ["/srv/n/1", None]
        assert history.get("with-dir") == run and history.get("without").out_dir is None
        assert (
            history.previous("baseline", before=run_record("x", 1).started_at)[0].out_dir
            == "/srv/n/1"
        )


def test_naive_datetimes_are_local_time(target: str) -> None:
    local = datetime(2024, 6, 1, 12, 0, 0)
    run = replace(run_record("naive", 0), started_at=local, finished_at=local + timedelta(hours=1))
    with open_history(target) as history:
        history.record(run)
        got = history.get("naive")
    assert got.started_at == local.astimezone(timezone.utc)
    assert got.started_at.tzinfo == timezone.utc


WRITER = """
import sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
from history_records import flag, run_record
from eval.nightly.store import open_history
target, tag = sys.argv[3], sys.argv[4]
with open_history(target) as history:
    for k in range(20):
        flags = [flag(f"doc{j % 3}.ar.txt", f"{tag}-{k}-{j}") for j in range(25)]
        history.record(run_record(f"{tag}-{k:02d}", k, flags={"opus-mt-ar-en": flags}))
"""


def test_two_processes_record_concurrently(target: str) -> None:
    """Two writers on a history neither has created yet: all 40 runs arrive, no error."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(ROOT), str(HERE), target, tag],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("a", "b")
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert err == "" and out == ""
    with open_history(target) as history:
        ids = [r.run_id for r in history.runs()]
        assert sorted(ids) == sorted(f"{tag}-{k:02d}" for tag in "ab" for k in range(20))
        assert len(history.flags("b-19", "opus-mt-ar-en")) == 25
        assert history.get("a-07").models[1].flags[24].fingerprint == "a-7-24"


# --- SQLite specifics ----------------------------------------------------------------------


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "runs.db"
    with open_history(path) as history:
        history.record(run_record("r0", 0))
        with history._engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert (
            raw.execute("SELECT max(version) FROM schema_version").fetchone()[0] == SCHEMA_VERSION
        )
        assert {
            r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        } >= {
            "schema_version",
            "runs",
            "model_results",
            "flags",
        }


def test_sqlite_waits_for_a_writer_holding_the_lock(tmp_path: Path) -> None:
    """A record() that meets a held write lock waits for it instead of failing."""
    path = tmp_path / "runs.db"
    open_history(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None);"
            " c.execute('BEGIN IMMEDIATE'); print('locked', flush=True); time.sleep(1.5); c.execute('COMMIT')",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    start = time.monotonic()
    with open_history(path) as history:
        history.record(run_record("after-lock", 0))
        assert [r.run_id for r in history.runs()] == ["after-lock"]
    assert holder.wait(timeout=30) == 0
    assert time.monotonic() - start > 0.5  # it did wait for the lock


def test_a_file_that_is_not_sqlite_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "runs.db"
    path.write_bytes(b"this is not a database\n" * 200)
    with pytest.raises(ConfigError) as info:
        open_history(path)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message and "not a database" in message


def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "translations.sqlite3"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE translations_v1 (source TEXT, text TEXT)")
    with pytest.raises(ConfigError, match=r"not a tadqiq history \(translations_v1\)"):
        open_history(path)
    with sqlite3.connect(path) as raw:  # and it was left as it was
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"translations_v1"}


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "runs.db"
    open_history(path).close()
    with sqlite3.connect(path) as raw:
        raw.execute(
            "INSERT INTO schema_version (version, program_version, applied_at) VALUES (?, '9.9', '2030-01-01 00:00:00')",
            (SCHEMA_VERSION + 1,),
        )
    with pytest.raises(ConfigError, match="newer tadqiq"):
        open_history(path)


def test_sqlite_path_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        open_history(tmp_path / "no-such-folder" / "runs.db")
    with pytest.raises(ConfigError, match="is a folder"):
        open_history(tmp_path)


def test_default_target_is_in_the_user_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("HOME", str(tmp_path))
    with open_history(None) as history:
        assert history.backend == "sqlite"
        assert Path(history.target).name == "runs.db"
        assert Path(history.target).is_relative_to(tmp_path)
    assert Path(history.target).is_file()


def test_closed_history_refuses_work(tmp_path: Path) -> None:
    history = open_history(tmp_path / "runs.db")
    history.close()
    history.close()
    with pytest.raises(ConfigError, match="closed"):
        history.runs()


# --- PostgreSQL targets and passwords --------------------------------------------------------


def test_postgres_connection_error_is_one_line_without_the_password() -> None:
    # Port 1 on loopback refuses at once: no server is needed for this test.
    with pytest.raises(ConfigError) as info:
        open_history("postgresql://someone:s3cr3t-pw@127.0.0.1:1/nodb?connect_timeout=3")
    message = str(info.value)
    assert "\n" not in message
    assert "s3cr3t-pw" not in message
    assert "postgresql://someone:***@127.0.0.1:1/nodb" in message


def test_postgres_wrong_password_is_masked(pg_target: str) -> None:
    from sqlalchemy.engine import make_url

    wrong = make_url(pg_target).set(password="Wr0ng-Pa55").render_as_string(hide_password=False)
    with pytest.raises(ConfigError) as info:
        open_history(wrong)
    message = str(info.value)
    assert "Wr0ng-Pa55" not in message and "***" in message and "\n" not in message
    assert "password authentication failed" in message


def test_postgres_tables_and_version(pg_target: str) -> None:
    from sqlalchemy import create_engine, inspect

    with open_history(pg_target) as history:
        assert history.backend == "postgresql"
        assert ":***@" in history.target
        history.record(run_record("r0", 0))
        schema = pg_target.rsplit("search_path%3D", 1)[1]
    engine = create_engine(
        pg_target.split("?")[0].replace("postgresql://", "postgresql+psycopg://", 1)
    )
    try:
        names = set(inspect(engine).get_table_names(schema=schema))
    finally:
        engine.dispose()
    assert names == {"schema_version", "runs", "model_results", "flags"}


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("postgresql://u:pw@h:5432/db", "postgresql://u:***@h:5432/db"),
        (
            "postgresql://u@h/db?password=pw&sslmode=require",
            "postgresql://u@h/db?password=***&sslmode=require",
        ),
        ("host=h password='p w' user=u", "host=h password=*** user=u"),
        ("/var/lib/tadqiq/runs.db", "/var/lib/tadqiq/runs.db"),
    ],
)
def test_mask_password(text: str, masked: str) -> None:
    assert mask_password(text) == masked


def test_unsupported_urls() -> None:
    with pytest.raises(ConfigError, match="unsupported URL"):
        open_history("mysql://u:pw@h/db")


def test_history_is_a_context_manager(tmp_path: Path) -> None:
    with open_history(tmp_path / "runs.db") as history:
        assert isinstance(history, History)
    assert history._closed


def test_postgres_refuses_a_foreign_runs_table(pg_target: str) -> None:
    from sqlalchemy import create_engine, text

    schema = pg_target.rsplit("search_path%3D", 1)[1]
    engine = create_engine(
        pg_target.split("?")[0].replace("postgresql://", "postgresql+psycopg://", 1)
    )
    try:
        with engine.begin() as conn:
            conn.execute(text(f'CREATE TABLE "{schema}".runs (id integer)'))
    finally:
        engine.dispose()
    with pytest.raises(ConfigError, match=r"not a tadqiq history \(runs\)"):
        open_history(pg_target)
