"""The history store: every nightly run in a SQL database (SQLite or PostgreSQL).

::

    with open_history(None) as history:          # SQLite in the user data directory
        prev = history.previous("opus-mt-ar-en", before=run.started_at)
        if prev is not None:                     # (RunSummary, ModelResult with flags)
            new, fixed = compare_flags(prev[1].flags, run.models[0].flags)
        history.record(run)                      # one RunRecord, one transaction

This module owns the tables, writing and reading runs, and matching a run's flags with
the previous run's (:func:`compare_flags`). What is drawn from the store — the terminal
table and the trend page — is :mod:`eval.nightly.trend`, which only reads.

A target is a path (SQLite: one file in WAL mode with a busy timeout and foreign
keys on) or a ``postgresql://user:password@host:port/db`` URL (PostgreSQL through
SQLAlchemy Core and psycopg 3; add ``?options=-csearch_path%3Dtadqiq`` to keep the
tables in a schema of their own). Both hold the same tables, created when missing:

* ``schema_version`` — one row per applied schema version (for future migrations);
* ``runs`` — one row per run;
* ``model_results`` — one row per model of a run (``bleu``/``chrf``/``ter`` as columns,
  other scores and every dict or list as JSON text);
* ``flags`` — the flags of a model's run, enough to tell new flags from fixed ones.

Several processes may record at once: SQLite writers take the write lock at
``BEGIN IMMEDIATE`` and wait for it (busy timeout), and a transaction that still
meets a lock, a deadlock or a serialisation failure is retried.

Times are stored as UTC; naive datetimes are taken as local time and every
datetime comes back timezone-aware in UTC. Every database problem is raised as a
one-line :class:`~tadqiq.errors.ConfigError` naming the target with its password
masked; an unknown run or model, or a run recorded twice, is an
:class:`~tadqiq.errors.InputError`.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    TypeDecorator,
    create_engine,
    event,
    exists,
    func,
    inspect,
    select,
)
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, SQLAlchemyError

from eval.nightly.records import FlagRecord, ModelResult, RunRecord
from eval.values import Severity
from tadqiq import __version__
from tadqiq.errors import ConfigError, InputError

__all__ = [
    "SCHEMA_VERSION",
    "SCORE_COLUMNS",
    "History",
    "RunSummary",
    "compare_flags",
    "default_history_path",
    "mask_password",
    "open_history",
]

SCHEMA_VERSION = 1
SEVERITY_RANK = {s.value: s.rank for s in Severity}  # "minor" 1, "major" 2, "critical" 3
#: Scores with a column of their own in schema version 1 (the metric registry's keys at the
#: time); any other score, e.g. of a metric added to the registry later, is stored in the
#: ``other_scores`` JSON column, so a new metric needs no migration.
SCORE_COLUMNS = ("bleu", "chrf", "ter")
_BUSY_TIMEOUT_S = 30.0
_ATTEMPTS = 6  # tries of a transaction that met a lock, a deadlock or a serialisation failure
_CHUNK = 500  # ids per IN (...) list
_PG_TRANSIENT = {"40001", "40P01"}  # serialization_failure, deadlock_detected
_PG_CREATE_LOCK = 0x7461_6471  # advisory lock key ("tadq") serialising table creation

T = TypeVar("T")


# --- column types ------------------------------------------------------------------------------


class _UTCDateTime(TypeDecorator[datetime]):
    """A datetime stored as naive UTC in every backend and read back aware (UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else _utc(value).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=timezone.utc)


class _JSONText(TypeDecorator[Any]):
    """Any JSON value, stored as text (portable; key order kept)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        # default=str: a stray Path in the settings must not lose a whole night's record.
        return None if value is None else json.dumps(value, ensure_ascii=False, default=str)

    def process_result_value(self, value: str | None, dialect: Any) -> Any:
        return None if value is None else json.loads(value)


def _utc(value: datetime) -> datetime:
    """``value`` as an aware UTC datetime; a naive one is taken as local time."""
    return value.astimezone(timezone.utc)


# --- schema ------------------------------------------------------------------------------------

metadata = MetaData()

version_table = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("program_version", Text, nullable=False),
    Column("applied_at", _UTCDateTime(), nullable=False),
)

runs_table = Table(
    "runs",
    metadata,
    Column("run_id", Text, primary_key=True),
    Column("started_at", _UTCDateTime(), nullable=False),
    Column("finished_at", _UTCDateTime(), nullable=False),
    Column("corpus", Text, nullable=False),
    Column("corpus_revision", Text),
    Column("program_version", Text, nullable=False),
    Column("out_dir", Text),  # the run's output folder, when the RunRecord names one
    Index("ix_runs_started_at", "started_at"),
)

results_table = Table(
    "model_results",
    metadata,
    Column("run_id", Text, primary_key=True),
    Column("model", Text, primary_key=True),
    Column("position", Integer, nullable=False),  # order of the models in the run
    Column("backend", Text, nullable=False),
    Column("model_id", Text),
    Column("revision", Text),
    Column("settings", _JSONText(), nullable=False),
    *(Column(key, Float) for key in SCORE_COLUMNS),
    Column("other_scores", _JSONText(), nullable=False),  # scores without a column
    Column("signatures", _JSONText(), nullable=False),
    Column("mqm_per_1000", Float, nullable=False),
    Column("flags_by_severity", _JSONText(), nullable=False),
    Column("flags_by_category", _JSONText(), nullable=False),
    Column("documents", Integer, nullable=False),
    Column("failed_documents", _JSONText(), nullable=False),
    Column("seconds", _JSONText(), nullable=False),
    Column("significance", _JSONText(), nullable=False),
    ForeignKeyConstraint(["run_id"], ["runs.run_id"], ondelete="CASCADE"),
    Index("ix_model_results_model", "model"),
)

flags_table = Table(
    "flags",
    metadata,
    Column("run_id", Text, primary_key=True),
    Column("model", Text, primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),  # order in the result
    Column("document", Text, nullable=False),
    Column("fingerprint", Text, nullable=False),
    Column("severity", Text, nullable=False),
    Column("category", Text, nullable=False),
    Column("ar", Text, nullable=False),
    Column("reference", Text, nullable=False),
    ForeignKeyConstraint(
        ["run_id", "model"],
        ["model_results.run_id", "model_results.model"],
        ondelete="CASCADE",
    ),
)


# --- values ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunSummary:
    """A run without its results: what :meth:`History.runs` lists."""

    run_id: str
    started_at: datetime
    finished_at: datetime
    corpus: str
    corpus_revision: str | None
    program_version: str
    models: tuple[str, ...]  # in the order the run listed them
    out_dir: str | None = None  # the run's output folder, if it was recorded


# --- targets and error messages ----------------------------------------------------------------


def default_history_path() -> Path:
    """``runs.db`` in the user data directory (``platformdirs.user_data_dir("tadqiq")``)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("tadqiq")) / "runs.db"


_URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s]*(?P<at>@)", re.I)
_KV_PASSWORD = re.compile(r"(?P<head>\bpassword\s*=\s*)('[^']*'|\"[^\"]*\"|[^\s&;]+)", re.I)
_BACKGROUND = re.compile(r"\(Background on this error at: [^)]*\)")


def mask_password(text: str) -> str:
    """``text`` with the password of every URL and every ``password=...`` replaced by ``***``."""
    text = _URL_PASSWORD.sub(r"\g<head>***\g<at>", text)
    return _KV_PASSWORD.sub(r"\g<head>***", text)


def _one_line(err: BaseException) -> str:
    """A short one-line description of a database error, with passwords masked."""
    inner = err.orig if isinstance(err, DBAPIError) and err.orig is not None else err
    message = _BACKGROUND.sub("", str(inner))
    message = " ".join(message.split()) or type(inner).__name__
    message = mask_password(message)
    return message if len(message) <= 300 else message[:297] + "..."


def _is_transient(err: DBAPIError) -> bool:
    """A lock, deadlock or serialisation failure that a retry of the transaction can cure."""
    inner = err.orig
    if isinstance(inner, sqlite3.OperationalError):
        message = str(inner).lower()
        return "locked" in message or "busy" in message
    return getattr(inner, "sqlstate", None) in _PG_TRANSIENT


def _is_postgres_target(target: str) -> bool:
    return re.match(r"^(postgresql|postgres)(\+[a-z0-9_]+)?://", target, re.I) is not None


def _sqlite_engine(path: Path) -> Engine:
    """An engine on one SQLite file: WAL, busy timeout, foreign keys, explicit BEGINs."""
    # URL.create, not a string: a "?" or "#" in the file name is not a query.
    engine = create_engine(
        URL.create("sqlite+pysqlite", database=str(path)),
        connect_args={"timeout": _BUSY_TIMEOUT_S},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # pysqlite's own implicit BEGIN is off; the "begin" hook below issues ours.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(_BUSY_TIMEOUT_S * 1000)}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA synchronous = NORMAL")  # the WAL default; safe against crashes
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A writer takes the write lock at BEGIN, where the busy timeout waits for it;
        # a deferred BEGIN that upgrades later can fail at once with "database is locked".
        write = conn.get_execution_options().get("tadqiq_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _postgres_engine(url: str) -> Engine:
    parsed = make_url(url)
    parsed = parsed.set(drivername="postgresql+psycopg")
    query = dict(parsed.query)
    connect_args: dict[str, Any] = {}
    if "connect_timeout" not in query:
        connect_args["connect_timeout"] = 10
    if "application_name" not in query:
        connect_args["application_name"] = "tadqiq-history"
    return create_engine(parsed, connect_args=connect_args, pool_pre_ping=True)


def open_history(target: str | os.PathLike[str] | None = None) -> History:
    """Open (and create if needed) the history at ``target``.

    ``None`` is :func:`default_history_path`; a ``postgresql://`` URL is PostgreSQL;
    anything else is the path of a SQLite file, whose folder must exist.
    """
    if isinstance(target, str) and _is_postgres_target(target):
        label = mask_password(target)
        try:
            engine = _postgres_engine(target)
        except ImportError as err:
            raise ConfigError(
                f"history database {label}: PostgreSQL needs the psycopg driver "
                f"(pip install 'psycopg[binary]'): {err}"
            ) from err
        except (ArgumentError, ValueError) as err:
            raise ConfigError(
                f"history database {label}: not a valid URL: {_one_line(err)}"
            ) from err
        history = History(engine, label, "postgresql")
    else:
        if isinstance(target, str) and re.match(r"^[a-z][a-z0-9+.-]*://", target, re.I):
            raise ConfigError(
                f"history database {mask_password(target)}: unsupported URL; "
                "give a file path (SQLite) or a postgresql:// URL"
            )
        if target is None:
            path = default_history_path()
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                raise ConfigError(
                    f"history database {path}: cannot create its folder: {err}"
                ) from err
        else:
            path = Path(target).expanduser()
            if not path.parent.is_dir():
                raise ConfigError(
                    f"history database {path}: the folder {path.parent} does not exist"
                )
            if path.is_dir():
                raise ConfigError(f"history database {path}: is a folder, not a file")
        history = History(_sqlite_engine(path), str(path), "sqlite")
    try:
        history._create()
    except BaseException:
        history.close()
        raise
    return history


# --- the store ---------------------------------------------------------------------------------


class History:
    """A connection to the history database; use :func:`open_history` to make one."""

    def __init__(self, engine: Engine, target: str, backend: str) -> None:
        self._engine = engine
        self.target = target  # for messages: a path, or the URL with its password masked
        self.backend = backend  # "sqlite" or "postgresql"
        self._closed = False

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"History({self.target!r})"

    def close(self) -> None:
        """Close every pooled connection. Closing twice is harmless."""
        self._closed = True
        self._engine.dispose()

    # -- transactions -----------------------------------------------------------------------

    def _transaction(self, work: Callable[[Connection], T], doing: str, *, write: bool) -> T:
        """Run ``work`` in one transaction, retrying it when it meets a lock or a deadlock."""
        if self._closed:
            raise ConfigError(f"history database {self.target}: already closed")
        attempt, delay = 1, 0.05
        while True:
            try:
                with self._engine.connect() as conn:
                    if write:
                        conn = conn.execution_options(tadqiq_write=True)
                    with conn.begin():
                        return work(conn)
            except DBAPIError as err:
                if attempt >= _ATTEMPTS or not _is_transient(err):
                    raise ConfigError(
                        f"history database {self.target}: {doing}: {_one_line(err)}"
                    ) from err
            except (SQLAlchemyError, sqlite3.Error) as err:
                raise ConfigError(
                    f"history database {self.target}: {doing}: {_one_line(err)}"
                ) from err
            time.sleep(delay)
            attempt, delay = attempt + 1, delay * 2

    def _create(self) -> None:
        """Create the tables if they are missing and check the schema version."""

        def create(conn: Connection) -> None:
            if self.backend == "postgresql":
                # CREATE TABLE IF NOT EXISTS races between sessions; serialise it.
                conn.execute(select(func.pg_advisory_xact_lock(_PG_CREATE_LOCK)))
            existing = set(inspect(conn).get_table_names())
            if existing and version_table.name not in existing:
                ours = sorted(existing & set(metadata.tables))
                if ours or self.backend == "sqlite":
                    shown = ", ".join(sorted(ours or existing)[:5])
                    raise ConfigError(
                        f"history database {self.target}: holds tables that are not a tadqiq "
                        f"history ({shown}); give another file or database"
                    )
            metadata.create_all(conn, checkfirst=True)
            found = conn.execute(select(func.max(version_table.c.version))).scalar()
            if found is None:
                conn.execute(
                    version_table.insert().values(
                        version=SCHEMA_VERSION,
                        program_version=__version__,
                        applied_at=datetime.now(timezone.utc),
                    )
                )
            elif found > SCHEMA_VERSION:
                raise ConfigError(
                    f"history database {self.target}: schema version {found} was written by a "
                    f"newer tadqiq; this one ({__version__}) reads version {SCHEMA_VERSION}"
                )

        self._transaction(create, "cannot open", write=True)

    # -- writing ----------------------------------------------------------------------------

    def record(self, run: RunRecord) -> None:
        """Store ``run`` with its models and flags, all in one transaction."""
        names = [m.model for m in run.models]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise InputError(f"run {run.run_id!r} lists model {twice[0]!r} more than once")
        run_row = {
            "run_id": run.run_id,
            "started_at": run.started_at,
            "finished_at": run.finished_at,
            "corpus": run.corpus,
            "corpus_revision": run.corpus_revision,
            "program_version": run.program_version,
            "out_dir": run.out_dir,
        }
        model_rows = [_model_row(run.run_id, k, m) for k, m in enumerate(run.models)]
        flag_rows = [
            {"run_id": run.run_id, "model": m.model, "position": k, **f.to_json()}
            for m in run.models
            for k, f in enumerate(m.flags)
        ]

        def write(conn: Connection) -> None:
            if conn.execute(
                select(runs_table.c.run_id).where(runs_table.c.run_id == run.run_id)
            ).first():
                raise InputError(
                    f"history database {self.target}: run {run.run_id!r} is already recorded"
                )
            conn.execute(runs_table.insert(), run_row)
            if model_rows:
                conn.execute(results_table.insert(), model_rows)
            if flag_rows:
                conn.execute(flags_table.insert(), flag_rows)

        try:
            self._transaction(write, f"cannot record run {run.run_id!r}", write=True)
        except ConfigError as err:
            # Two writers of the same run id: the loser's insert fails on the primary key.
            if isinstance(err.__cause__, IntegrityError) and self._has_run(run.run_id):
                raise InputError(
                    f"history database {self.target}: run {run.run_id!r} is already recorded"
                ) from err
            raise

    # -- reading ----------------------------------------------------------------------------

    def _has_run(self, run_id: str) -> bool:
        def read(conn: Connection) -> bool:
            return (
                conn.execute(
                    select(runs_table.c.run_id).where(runs_table.c.run_id == run_id)
                ).first()
                is not None
            )

        return self._transaction(read, "cannot read", write=False)

    def runs(self, model: str | None = None, limit: int | None = None) -> list[RunSummary]:
        """Runs ordered by start time (oldest first); with ``model``, those that have it;
        with ``limit``, only the latest ``limit`` of them."""
        _check_limit(limit)
        return self._transaction(
            lambda c: _summaries(c, model, limit), "cannot read runs", write=False
        )

    def results(
        self, model: str | None = None, limit: int | None = None
    ) -> list[tuple[RunSummary, ModelResult]]:
        """Every (run, model result) pair, oldest run first, models in run order.

        Flags are not loaded here (``ModelResult.flags`` is empty); use :meth:`flags`.
        ``model`` keeps that model only; ``limit`` keeps the latest ``limit`` runs.
        """
        _check_limit(limit)

        def read(conn: Connection) -> list[tuple[RunSummary, ModelResult]]:
            summaries = _summaries(conn, model, limit)
            by_id = {s.run_id: s for s in summaries}
            rows: list[Any] = []
            for chunk in _chunks(list(by_id)):
                query = select(results_table).where(results_table.c.run_id.in_(chunk))
                if model is not None:
                    query = query.where(results_table.c.model == model)
                rows.extend(conn.execute(query).mappings())
            order = {run_id: k for k, run_id in enumerate(by_id)}
            rows.sort(key=lambda r: (order[r["run_id"]], r["position"]))
            return [(by_id[r["run_id"]], _model_result(r, [])) for r in rows]

        return self._transaction(read, "cannot read results", write=False)

    def get(self, run_id: str) -> RunRecord:
        """The run ``run_id`` with every model and flag, as it was recorded."""

        def read(conn: Connection) -> RunRecord:
            row = (
                conn.execute(select(runs_table).where(runs_table.c.run_id == run_id))
                .mappings()
                .first()
            )
            if row is None:
                raise InputError(f"history database {self.target}: no run {run_id!r}")
            results = conn.execute(
                select(results_table)
                .where(results_table.c.run_id == run_id)
                .order_by(results_table.c.position)
            ).mappings()
            flag_rows = conn.execute(
                select(flags_table)
                .where(flags_table.c.run_id == run_id)
                .order_by(flags_table.c.model, flags_table.c.position)
            ).mappings()
            by_model: dict[str, list[FlagRecord]] = {}
            for f in flag_rows:
                by_model.setdefault(f["model"], []).append(_flag(f))
            return RunRecord(
                run_id=row["run_id"],
                started_at=row["started_at"],
                finished_at=row["finished_at"],
                corpus=row["corpus"],
                corpus_revision=row["corpus_revision"],
                program_version=row["program_version"],
                models=[_model_result(r, by_model.get(r["model"], [])) for r in results],
                out_dir=row["out_dir"],
            )

        return self._transaction(read, f"cannot read run {run_id!r}", write=False)

    def previous(
        self, model: str, before: datetime | None = None
    ) -> tuple[RunSummary, ModelResult] | None:
        """The latest run that has ``model`` (started strictly before ``before`` if given),
        with that model's result and flags; None when there is none."""

        def read(conn: Connection) -> tuple[RunSummary, ModelResult] | None:
            query = (
                select(results_table)
                .join(runs_table, runs_table.c.run_id == results_table.c.run_id)
                .where(results_table.c.model == model)
                .order_by(runs_table.c.started_at.desc(), runs_table.c.run_id.desc())
                .limit(1)
            )
            if before is not None:
                query = query.where(runs_table.c.started_at < before)
            row = conn.execute(query).mappings().first()
            if row is None:
                return None
            summary = _summaries(conn, None, None, run_id=row["run_id"])[0]
            return summary, _model_result(row, _read_flags(conn, row["run_id"], model))

        return self._transaction(read, f"cannot read the previous run of {model!r}", write=False)

    def flags(self, run_id: str, model: str) -> list[FlagRecord]:
        """The flags ``model`` raised in run ``run_id``, in recorded order."""

        def read(conn: Connection) -> list[FlagRecord]:
            found = conn.execute(
                select(results_table.c.model).where(
                    results_table.c.run_id == run_id, results_table.c.model == model
                )
            ).first()
            if found is None:
                raise InputError(
                    f"history database {self.target}: run {run_id!r} has no model {model!r}"
                )
            return _read_flags(conn, run_id, model)

        return self._transaction(read, f"cannot read the flags of run {run_id!r}", write=False)


def _check_limit(limit: int | None) -> None:
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise ValueError(f"limit must be None or an integer >= 0, not {limit!r}")


def _chunks(items: Sequence[T], size: int = _CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _summaries(
    conn: Connection, model: str | None, limit: int | None, *, run_id: str | None = None
) -> list[RunSummary]:
    """Runs oldest first (the latest ``limit`` of them), each with its model names."""
    query = select(runs_table).order_by(runs_table.c.started_at.desc(), runs_table.c.run_id.desc())
    if run_id is not None:
        query = query.where(runs_table.c.run_id == run_id)
    if model is not None:
        query = query.where(
            exists().where(
                results_table.c.run_id == runs_table.c.run_id, results_table.c.model == model
            )
        )
    if limit is not None:
        query = query.limit(limit)
    rows = list(conn.execute(query).mappings())
    rows.reverse()
    names: dict[str, list[tuple[int, str]]] = {r["run_id"]: [] for r in rows}
    for chunk in _chunks(list(names)):
        query_models = select(
            results_table.c.run_id, results_table.c.model, results_table.c.position
        )
        for rid, name, position in conn.execute(
            query_models.where(results_table.c.run_id.in_(chunk))
        ):
            names[rid].append((position, name))
    return [
        RunSummary(
            run_id=r["run_id"],
            started_at=r["started_at"],
            finished_at=r["finished_at"],
            corpus=r["corpus"],
            corpus_revision=r["corpus_revision"],
            program_version=r["program_version"],
            out_dir=r["out_dir"],
            models=tuple(name for _, name in sorted(names[r["run_id"]])),
        )
        for r in rows
    ]


def _read_flags(conn: Connection, run_id: str, model: str) -> list[FlagRecord]:
    rows = conn.execute(
        select(flags_table)
        .where(flags_table.c.run_id == run_id, flags_table.c.model == model)
        .order_by(flags_table.c.position)
    ).mappings()
    return [_flag(r) for r in rows]


def _flag(row: Any) -> FlagRecord:
    return FlagRecord(
        document=row["document"],
        fingerprint=row["fingerprint"],
        severity=row["severity"],
        category=row["category"],
        ar=row["ar"],
        reference=row["reference"],
    )


def _model_row(run_id: str, position: int, m: ModelResult) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "model": m.model,
        "position": position,
        "backend": m.backend,
        "model_id": m.model_id,
        "revision": m.revision,
        "settings": m.settings,
        **{key: m.scores.get(key) for key in SCORE_COLUMNS},
        "other_scores": {k: v for k, v in m.scores.items() if k not in SCORE_COLUMNS},
        "signatures": m.signatures,
        "mqm_per_1000": m.mqm_per_1000,
        "flags_by_severity": m.flags_by_severity,
        "flags_by_category": m.flags_by_category,
        "documents": m.documents,
        "failed_documents": m.failed_documents,
        "seconds": m.seconds,
        "significance": m.significance,
    }


def _model_result(row: Any, flag_list: list[FlagRecord]) -> ModelResult:
    scores = {key: row[key] for key in SCORE_COLUMNS if row[key] is not None}
    scores.update(row["other_scores"])
    return ModelResult(
        model=row["model"],
        backend=row["backend"],
        model_id=row["model_id"],
        revision=row["revision"],
        settings=row["settings"],
        scores=scores,
        signatures=row["signatures"],
        mqm_per_1000=row["mqm_per_1000"],
        flags_by_severity=row["flags_by_severity"],
        flags_by_category=row["flags_by_category"],
        documents=row["documents"],
        failed_documents=row["failed_documents"],
        seconds=row["seconds"],
        flags=flag_list,
        significance=row["significance"],
    )


# --- comparing flags between runs --------------------------------------------------------------


def compare_flags(
    old: Sequence[FlagRecord], new: Sequence[FlagRecord], severity: str | None = "critical"
) -> tuple[list[FlagRecord], list[FlagRecord]]:
    """``(new_flags, fixed_flags)`` between two runs of a model.

    Flags are matched per document by fingerprint (as multisets: a fingerprint
    raised twice and then once counts one fixed). Only flags at or above
    ``severity`` count (``None``: all), so a flag that rose from major to critical
    is a new critical flag. Both lists keep the order of their input.
    """
    if severity is not None and severity not in SEVERITY_RANK:
        raise ValueError(
            f"severity must be one of {', '.join(SEVERITY_RANK)} or None, not {severity!r}"
        )
    floor = SEVERITY_RANK[severity] if severity is not None else 0

    def kept(items: Sequence[FlagRecord]) -> list[FlagRecord]:
        return [f for f in items if SEVERITY_RANK.get(f.severity, 0) >= floor]

    old_kept, new_kept = kept(old), kept(new)
    old_keys = Counter((f.document, f.fingerprint) for f in old_kept)
    new_keys = Counter((f.document, f.fingerprint) for f in new_kept)

    def unmatched(items: list[FlagRecord], other: Counter[tuple[str, str]]) -> list[FlagRecord]:
        left = Counter(other)
        out = []
        for f in items:
            key = (f.document, f.fingerprint)
            if left[key] > 0:
                left[key] -= 1
            else:
                out.append(f)
        return out

    return unmatched(new_kept, old_keys), unmatched(old_kept, new_keys)
