"""A persistent translation cache, so the same sentence is never translated twice.

Translations are stored in SQLite keyed by (model key, exact source sentence), with
their word links and how many pieces the model translated them in (``parts``).
The model key is :attr:`ModelInfo.cache_key <eval.values.ModelInfo.cache_key>`:
it changes whenever the model, its revision or an output-changing setting does.
The database runs in WAL mode with a busy timeout, so several tadqiq processes
can share one file. A corrupted file is moved aside (``NAME.corrupt-TIMESTAMP``)
with a :class:`CacheWarning` and a new one is started: a cache is never a reason
for a check to fail.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import warnings
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from eval.values import WordLink, counted
from tadqiq.errors import ConfigError, ModelError

from .base import ModelInfo, Progress, Translation, Translator

# The schema version is part of the table name: another version's table in the same
# file is left alone instead of being misread.
_TABLE = "translations_v1"
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {_TABLE} (
    model_key TEXT NOT NULL,
    source    TEXT NOT NULL,
    text      TEXT NOT NULL,
    links     TEXT,
    created   REAL NOT NULL,
    parts     INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (model_key, source)
) WITHOUT ROWID
"""
# Columns added after the first release, with their definition: a file made by an older
# tadqiq gets them on opening (its rows take the default); older code still reads and
# writes such a file, since it names its columns.
_ADDED_COLUMNS = {"parts": "INTEGER NOT NULL DEFAULT 1"}
_CHUNK = 500  # well below SQLite's limit on bound parameters
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26

T = TypeVar("T")


class CacheWarning(UserWarning):
    """The translation cache could not be used as it was (and was repaired or skipped)."""


def default_cache_path() -> Path:
    """``$TADQIQ_CACHE`` if set, else ``translations.sqlite3`` in the user cache directory."""
    env = os.environ.get("TADQIQ_CACHE")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("tadqiq")) / "translations.sqlite3"


def _is_corruption(exc: sqlite3.DatabaseError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    # Before Python 3.11: SQLite's corrupt/not-a-database errors are plain DatabaseError.
    return type(exc) is sqlite3.DatabaseError


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _links_to_json(links: tuple[WordLink, ...] | None) -> str | None:
    if links is None:
        return None
    return json.dumps(
        [
            [link.src_start, link.src_end, link.tgt_start, link.tgt_end, link.weight]
            for link in links
        ]
    )


def _links_from_json(text: str | None) -> tuple[WordLink, ...] | None:
    if text is None:
        return None
    return tuple(
        WordLink(int(a), int(b), int(c), int(d), float(w)) for a, b, c, d, w in json.loads(text)
    )


def _add_missing_columns(conn: sqlite3.Connection) -> None:
    """Bring a cache file written by an older tadqiq up to date (``ALTER TABLE ADD COLUMN``).

    Two processes opening the same old file at once may both try: the loser's
    "duplicate column" error is ignored.
    """
    have = {row[1] for row in conn.execute(f"PRAGMA table_info({_TABLE})")}
    for column, definition in _ADDED_COLUMNS.items():
        if column in have:
            continue
        try:
            with conn:
                conn.execute(f"ALTER TABLE {_TABLE} ADD COLUMN {column} {definition}")
        except sqlite3.OperationalError as exc:
            if "duplicate column" not in str(exc):
                raise


class TranslationCache:
    """SQLite store of translations keyed by (model key, source sentence)."""

    def __init__(
        self, path: str | os.PathLike[str] | None = None, *, timeout: float = 30.0
    ) -> None:
        self.path = Path(path) if path is not None else default_cache_path()
        self._timeout = timeout
        self._conn: sqlite3.Connection | None = None
        self._conn = self._open()

    # --- public ---------------------------------------------------------------------

    def get_many(self, model_key: str, sentences: Iterable[str]) -> dict[str, Translation]:
        """The cached translations of ``sentences`` (source → Translation); misses are absent."""
        wanted = list(dict.fromkeys(sentences))
        found: dict[str, Translation] = {}
        try:
            for chunk in _chunks(wanted, _CHUNK):
                marks = ",".join("?" * len(chunk))
                rows = self._connection().execute(
                    f"SELECT source, text, links, parts FROM {_TABLE}"
                    f" WHERE model_key = ? AND source IN ({marks})",
                    (model_key, *chunk),
                )
                for source, text, links, parts in rows:
                    try:
                        found[source] = Translation(
                            source, text, _links_from_json(links), max(int(parts), 1)
                        )
                    except (ValueError, TypeError):
                        continue  # an unreadable row is a miss; it is overwritten later
        except sqlite3.DatabaseError as exc:
            self._recover(exc, "reading")
            return {}
        return found

    def put_many(self, model_key: str, translations: Iterable[Translation]) -> None:
        """Store translations (replacing older ones for the same key and source)."""
        now = time.time()
        rows = [
            (model_key, t.source, t.text, _links_to_json(t.links), now, t.parts)
            for t in translations
        ]
        if not rows:
            return
        for attempt in (1, 2):
            try:
                conn = self._connection()
                with conn:
                    conn.executemany(
                        f"INSERT OR REPLACE INTO {_TABLE}"
                        " (model_key, source, text, links, created, parts)"
                        " VALUES (?, ?, ?, ?, ?, ?)",
                        rows,
                    )
                return
            except sqlite3.DatabaseError as exc:
                if not self._recover(exc, "writing") or attempt == 2:
                    return

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> TranslationCache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"TranslationCache({str(self.path)!r})"

    # --- opening and repair --------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = self._open()
        return self._conn

    def _connect(self) -> sqlite3.Connection:
        # Switching to WAL can report "locked" at once, without waiting for the busy
        # timeout, while another process sets up the same file: retry for a while.
        deadline = time.monotonic() + self._timeout
        while True:
            try:
                return self._connect_once()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _connect_once(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=self._timeout)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self._timeout * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            with conn:
                conn.execute(_SCHEMA)
            _add_missing_columns(conn)
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise self._unusable(exc) from exc
        try:
            return self._connect()
        except sqlite3.DatabaseError as exc:
            if not _is_corruption(exc):
                raise self._unusable(exc) from exc
            self._move_aside(exc)
        try:
            return self._connect()
        except sqlite3.DatabaseError as exc:
            raise self._unusable(exc) from exc

    def _unusable(self, exc: BaseException) -> ConfigError:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        return ConfigError(
            f"translation cache {self.path}: cannot open: {reason}; set $TADQIQ_CACHE to a writable file"
        )

    def _recover(self, exc: sqlite3.DatabaseError, doing: str) -> bool:
        """Handle an error while using the database; True if it was rebuilt and a retry may work."""
        if _is_corruption(exc):
            self.close()
            self._move_aside(exc)
            self._conn = self._open()
            return True
        warnings.warn(
            f"translation cache {self.path}: {doing} failed ({exc}); continuing without it",
            CacheWarning,
            stacklevel=3,
        )
        return False

    def _move_aside(self, exc: sqlite3.DatabaseError) -> None:
        self.close()
        stamp = time.strftime("%Y%m%dT%H%M%S")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while target.exists():
            n += 1
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
        for suffix in ("", "-wal", "-shm"):
            try:
                os.replace(f"{self.path}{suffix}", f"{target}{suffix}")
            except FileNotFoundError:
                continue  # no such side file, or another process moved it first
            except OSError as err:
                raise self._unusable(err) from exc
        warnings.warn(
            f"translation cache {self.path} was corrupt ({exc}); moved it to {target.name} and started a new one",
            CacheWarning,
            stacklevel=4,
        )


class CachedTranslator:
    """Wraps any translator: cached sentences are looked up, only misses are translated.

    ``hits`` counts input sentences answered from the cache; ``misses`` counts the
    distinct sentences sent to the wrapped translator. Blank sentences count as neither.
    """

    def __init__(self, inner: Translator, cache: TranslationCache) -> None:
        key = inner.info.cache_key
        if not key:
            raise ModelError(f"model {inner.info.name!r} has no cache key, so it cannot be cached")
        self.inner = inner
        self.cache = cache
        self.key = key
        self.hits = 0
        self.misses = 0

    @property
    def info(self) -> ModelInfo:
        return self.inner.info

    def translate(
        self, sentences: Sequence[str], progress: Progress | None = None
    ) -> list[Translation]:
        sentences = list(sentences)
        wanted = [s for s in sentences if s.strip()]
        found = self.cache.get_many(self.key, wanted)
        todo = list(dict.fromkeys(s for s in wanted if s not in found))
        self.hits += sum(1 for s in wanted if s in found)
        self.misses += len(todo)
        if progress is not None and len(sentences) > len(todo):
            progress(len(sentences) - len(todo))
        if todo:
            fresh = self.inner.translate(todo, progress)
            if len(fresh) != len(todo):
                raise ModelError(
                    f"model {self.info.name!r} returned {counted(len(fresh), 'translation')} for {counted(len(todo), 'sentence')}"
                )
            fresh = [
                t if t.source == s else Translation(s, t.text, t.links, t.parts)
                for s, t in zip(todo, fresh, strict=True)
            ]
            self.cache.put_many(self.key, fresh)
            found.update((t.source, t) for t in fresh)
        return [found[s] if s in found else Translation(s, "") for s in sentences]
