"""WordNet 3.0 at run time: base forms, senses, near-synonymy, antonyms, multiword expressions.

Owns the lookups over the committed resource ``eval/lexicon/resources/wordnet.tsv.gz``
(built by ``tools/build_wordnet.py`` from Debian's ``wordnet-base``; its docstring
documents the rows). Words are looked up in any case, with ``_`` or spaces in multiword
lemmas; parts of speech are ``n``, ``v``, ``a`` (adjectives, satellites included) and
``r``; ``pos=None`` means all four, in that order.

* :func:`base_forms` — WordNet's morphy: the exception lists and the detachment rules
  of each part of speech (``studies`` → ``study``, ``went`` → ``go``, ``stopped`` →
  ``stop``), keeping the forms that are WordNet lemmas.
* :func:`synsets` — the senses of a word (or of its base forms) in WordNet's order:
  within a part of speech the most frequent sense first (the order of WordNet's
  index files, kept by the build as ``L`` rows).
* :func:`sense_of` — simplified Lesk: the sense whose definition, lemmas and related
  synsets' lemmas share most word stems with a context.
* :func:`near_synonyms` — two words with senses in one synset or one step apart
  (hypernym, similar-to, also-see, verb-group, entailment, either direction, or a
  derivational link between the synsets).
* :func:`antonyms`, :func:`expressions` (multiword lemmas by their first word;
  :func:`expression_senses` their rows alone, :func:`expression` one of them,
  :func:`lemma_expressions` the senses of one of them),
  :func:`is_lemma`, :func:`synset`.

Parsing the resource takes about a second, so, like the lexicon's indexes
(:mod:`eval.lexicon.index`, whose file mechanics this module shares), the lookup tables
are built on first use into an SQLite file ``wordnet-index-KEY.sqlite3`` in
:func:`eval.lexicon.index.cache_dir` (KEY: a hash of the table format, the resource's
bytes and this module's source), then read lazily, one word at a time, each answer
memoised. ``$TADQIQ_INDEX_CACHE=off`` or an unwritable folder keeps the tables in memory
(same answers, tested). :func:`eval.lexicon.index.reset` forgets both.
"""

from __future__ import annotations

import abc
import contextlib
import functools
import gc
import gzip
import hashlib
import sqlite3
import threading
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass
from importlib import resources as _resources
from pathlib import Path

from eval.lexicon import index, resources
from eval.text.tokens import LATIN_WORD, stem

__all__ = [
    "Expression",
    "POS",
    "Synset",
    "antonyms",
    "base_forms",
    "expression",
    "expression_senses",
    "expressions",
    "is_lemma",
    "lemma_expressions",
    "near_synonym_senses",
    "near_synonyms",
    "opposite",
    "prefetch",
    "word_forms",
    "sense_of",
    "synset",
    "synsets",
]

POS = ("n", "v", "a", "r")
RESOURCE = "wordnet.tsv.gz"
FORMAT = 1

# How many times the lookup tables were built from the resource in this process (for tests).
builds = 0


@dataclass(frozen=True, slots=True)
class Synset:
    """One WordNet synset: ``id`` is ``<offset><pos>`` as in WordNet's data files;
    ``related`` the ids of its hypernyms, "similar to", "also see", verb-group and
    entailment neighbours; ``gloss`` its definition (without the examples)."""

    id: str
    pos: str
    lemmas: tuple[str, ...]
    related: tuple[str, ...]
    gloss: str


@dataclass(frozen=True)
class Expression:
    """A multiword WordNet lemma (``"cut corners"``) in one of its senses."""

    lemma: str
    words: tuple[str, ...]
    pos: str
    synset_id: str
    gloss: str


# -- the lookup tables -------------------------------------------------------------------------
#
# Two tables of plain text, the same in memory and in the index file:
#   words:   key → (senses, exceptions, antonyms, expressions)
#            senses       "pos id id ...\n..." (sense order), one line per part of speech
#            exceptions   "pos\tbase\n..."      (the word is an irregular form of base)
#            antonyms     "lemma\n..."
#            expressions  "lemma\tpos\tid\n..." (multiword lemmas whose first word has this base form)
#   synsets: id → (pos, lemmas "a,b", related "id id", inverse "id id", derived "id id", gloss)

WordRow = tuple[str, str, str, str]
SynsetRow = tuple[str, str, str, str, str, str]

_RULES: dict[str, tuple[tuple[str, str], ...]] = {
    "n": (("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"),
          ("men", "man"), ("ies", "y")),
    "v": (("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")),
    "a": (("er", ""), ("est", ""), ("er", "e"), ("est", "e")),
    "r": (),
}
_VOWELS = frozenset("aeiouy")
#: :data:`_RULES` by the last letter of their ending, each group in the rules' order: a word
#: can only lose an ending that ends with its own last letter.
_RULES_BY_LAST: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    pos: {last: tuple(r for r in rules if r[0][-1] == last) for last in {old[-1] for old, _ in rules}}
    for pos, rules in _RULES.items()
}


@dataclass(frozen=True, slots=True)
class _Word:
    senses: dict[str, tuple[str, ...]]
    exceptions: tuple[tuple[str, str], ...]
    antonyms: tuple[str, ...]
    expressions: tuple[tuple[str, str, str], ...]


def _lines(text: str) -> list[str]:
    return text.split("\n") if text else []


def _decode_word(row: WordRow) -> _Word:
    senses, exceptions, antonyms_, exprs = row
    by_pos = {}
    for line in _lines(senses):
        pos, *ids = line.split(" ")
        by_pos[pos] = tuple(ids)
    return _Word(
        by_pos,
        tuple(tuple(line.split("\t")) for line in _lines(exceptions)),  # type: ignore[misc]
        tuple(_lines(antonyms_)),
        tuple(tuple(line.split("\t")) for line in _lines(exprs)),  # type: ignore[misc]
    )


def _candidates(word: str, pos: str, exceptions: Iterable[tuple[str, str]]) -> list[str]:
    """Forms ``word`` may be an inflection of as ``pos`` (itself first; lemmas or not)."""
    out = [word]
    if exceptions:
        out += [base for xpos, base in exceptions if xpos == pos]
    for old, new in _RULES_BY_LAST[pos].get(word[-1:], ()):
        if word.endswith(old) and len(word) > len(old):
            out.append(word[: -len(old)] + new)
    if pos == "v" and word.endswith(("d", "g")):  # stopped → stop, running → run
        for suffix in ("ed", "ing"):
            root = word[: -len(suffix)]
            if word.endswith(suffix) and len(root) >= 3 and root[-1] == root[-2] and root[-1] not in _VOWELS:
                out.append(root[:-1])
    return list(dict.fromkeys(out)) if len(out) > 1 else out


def _forms_by_pos(
    word: str, poses: Iterable[str], lookup: Callable[[list[str]], dict[str, _Word | None]]
) -> tuple[bool, dict[str, list[str]]]:
    """Whether ``word`` is a lemma (of any part of speech), and for each of ``poses`` the
    forms it may be an inflection of that are lemmas of that part of speech (itself first
    when it is one), given ``lookup`` (keys → :class:`_Word` or ``None``)."""
    found = lookup([word]).get(word)
    exceptions = found.exceptions if found else ()
    by_pos = {p: _candidates(word, p, exceptions) for p in poses}
    words = lookup([form for forms in by_pos.values() for form in forms])
    lemmas = {
        p: [f for f in forms if words.get(f) and p in words[f].senses]  # type: ignore[union-attr]
        for p, forms in by_pos.items()
    }
    return bool(found and found.senses), lemmas


def _morphy(word: str, pos: str | None, lookup: Callable[[list[str]], dict[str, _Word | None]]) -> tuple[str, ...]:
    """Base forms of ``word`` given ``lookup`` (keys → :class:`_Word` or ``None``)."""
    is_lemma, by_pos = _forms_by_pos(word, POS if pos is None else (pos,), lookup)
    out = [word] if is_lemma and pos is None else []  # (for one part of speech, it is first anyway)
    for forms in by_pos.values():
        out += forms
    return tuple(dict.fromkeys(out))


def parse(text: str) -> tuple[dict[str, WordRow], dict[str, SynsetRow]]:
    """The lookup tables (words, synsets) from the resource's text."""
    synset_rows: dict[str, list[str]] = {}
    senses: dict[str, dict[str, list[str]]] = {}
    ordered: dict[tuple[str, str], list[str]] = {}
    exceptions: dict[str, list[str]] = {}
    antonym_of: dict[str, list[str]] = {}
    inverse: dict[str, list[str]] = {}
    derived: dict[str, list[str]] = {}
    for line in text.split("\n"):
        kind, _, rest = line.partition("\t")
        f = rest.split("\t")
        if kind == "S":
            sid, pos, lemmas, related, gloss = f
            related = " ".join(dict.fromkeys(related.split()))
            synset_rows[sid] = [pos, lemmas, related, "", "", gloss]
            for lemma in dict.fromkeys(lemmas.split(",")):
                senses.setdefault(lemma, {}).setdefault(pos, []).append(sid)
            for other in related.split():
                inverse.setdefault(other, []).append(sid)
        elif kind == "L":
            ordered[(f[1], f[0])] = f[2].split()
        elif kind == "A":
            antonym_of.setdefault(f[0], []).append(f[1])
            antonym_of.setdefault(f[1], []).append(f[0])
        elif kind == "D":
            derived.setdefault(f[2], []).append(f[3])
            derived.setdefault(f[3], []).append(f[2])
        elif kind == "X":
            exceptions.setdefault(f[1], []).append(f"{f[0]}\t{f[2]}")
    for (lemma, pos), ids in ordered.items():
        senses[lemma][pos] = ids
    for sid, row in synset_rows.items():
        if sid in inverse:
            related = set(row[2].split())
            row[3] = " ".join(dict.fromkeys(i for i in inverse[sid] if i not in related))
        if sid in derived:
            row[4] = " ".join(dict.fromkeys(derived[sid]))

    def sense_text(lemma: str) -> str:
        by_pos = senses[lemma]
        if len(by_pos) == 1:
            [(p, ids)] = by_pos.items()
            return p + " " + " ".join(ids)
        return "\n".join(f"{p} {' '.join(by_pos[p])}" for p in POS if p in by_pos)

    no_senses: dict[str, list[str]] = {}

    def lookup(keys: list[str]) -> dict[str, _Word | None]:
        # What _morphy needs (senses by part of speech, exceptions) of lemmas and forms.
        out: dict[str, _Word | None] = {}
        for k in keys:
            by_pos, forms = senses.get(k), exceptions.get(k)
            out[k] = None if by_pos is None and forms is None else _Word(
                by_pos or no_senses,  # type: ignore[arg-type]
                tuple(tuple(x.split("\t")) for x in forms) if forms else (),  # type: ignore[misc]
                (), (),
            )
        return out

    exprs: dict[str, list[str]] = {}
    keys_of: dict[str, tuple[str, ...]] = {}
    for lemma in sorted(senses):
        words = lemma.split(" ")
        if len(words) < 2:
            continue
        keys = keys_of.get(words[0])
        if keys is None:
            keys = keys_of[words[0]] = _morphy(words[0], None, lookup) or (words[0],)
        for p in POS:
            for sid in senses[lemma].get(p, ()):
                for key in keys:
                    exprs.setdefault(key, []).append(f"{lemma}\t{p}\t{sid}")
    word_rows: dict[str, WordRow] = {}
    for key in sorted({*senses, *exceptions, *antonym_of, *exprs}):
        word_rows[key] = (
            sense_text(key) if key in senses else "",
            "\n".join(exceptions[key]) if key in exceptions else "",
            "\n".join(sorted(set(antonym_of[key]))) if key in antonym_of else "",
            "\n".join(exprs[key]) if key in exprs else "",
        )
    return word_rows, {sid: tuple(row) for sid, row in synset_rows.items()}  # type: ignore[misc]


def _resource_bytes() -> bytes:
    return _resources.files(resources).joinpath(RESOURCE).read_bytes()


def build_tables() -> tuple[dict[str, WordRow], dict[str, SynsetRow]]:
    """The lookup tables from the committed resource (the slow path: a few seconds)."""
    global builds
    builds += 1
    text = gzip.decompress(_resource_bytes()).decode("utf-8")
    # Hundreds of thousands of new containers, none of them in a cycle: the cyclic
    # garbage collector would only walk them again and again.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return parse(text)
    finally:
        if enabled:
            gc.enable()


class _Store(abc.ABC):
    """Memoised lookups into the tables; subclasses say where rows come from."""

    def __init__(self) -> None:
        self._words: dict[str, _Word | None] = {}
        self._synsets: dict[str, SynsetRow | None] = {}

    @property
    def seen_words(self) -> Container[str]:
        """The words looked up so far (found or not)."""
        return self._words

    def words(self, keys: Iterable[str]) -> dict[str, _Word | None]:
        return self._cached("words", self._words, keys, _decode_word)  # type: ignore[arg-type]

    def synsets(self, ids: Iterable[str]) -> dict[str, SynsetRow | None]:
        return self._cached("synsets", self._synsets, ids, lambda row: row)

    def word(self, key: str) -> _Word | None:
        """``words([key])[key]``, without the list and the dict when it was asked before."""
        try:
            return self._words[key]
        except KeyError:
            return self.words([key])[key]

    def synset_row(self, sid: str) -> SynsetRow | None:
        """``synsets([sid])[sid]``, without the list and the dict when it was asked before."""
        try:
            return self._synsets[sid]
        except KeyError:
            return self.synsets([sid])[sid]

    def _cached(self, table: str, cache: dict, keys: Iterable[str], decode: Callable) -> dict:
        """Rows of ``table`` by key, each fetched once: ``cache`` keeps every answer
        (``None`` for a key the table lacks)."""
        if not isinstance(keys, (list, tuple)):
            keys = list(keys)
        try:  # the usual case: every key asked before
            return {k: cache[k] for k in keys}
        except KeyError:
            pass
        keys = list(dict.fromkeys(keys))
        missing = [k for k in keys if k not in cache]
        if missing:
            rows = self._fetch(table, missing)
            for k in missing:
                row = rows.get(k)
                cache[k] = decode(row) if row is not None else None
        return {k: cache[k] for k in keys}

    @abc.abstractmethod
    def _fetch(self, table: str, keys: list[str]) -> dict[str, tuple]:
        """The rows of ``table`` for ``keys`` (missing keys left out)."""


class _MemoryStore(_Store):
    def __init__(self, tables: tuple[dict[str, WordRow], dict[str, SynsetRow]]) -> None:
        super().__init__()
        self.tables = {"words": tables[0], "synsets": tables[1]}

    def _fetch(self, table: str, keys: list[str]) -> dict[str, tuple]:
        rows = self.tables[table]
        return {k: rows[k] for k in keys if k in rows}


#: The index file's pages kept in SQLite's page cache, KiB (:class:`_SqliteStore`): above
#: the file's size.
_CACHE_KIB = 1 << 16


class _SqliteStore(_Store):
    """The tables in an index file, read lazily; if the file turns out unreadable
    halfway, the tables are rebuilt (file included) and lookups go on from memory."""

    def __init__(self, path: Path, key: str) -> None:
        super().__init__()
        self.path, self.key = path, key
        self._lock = threading.Lock()
        self._fallback: _MemoryStore | None = None
        self._conn = index.open_index_file(path, key, FORMAT)
        # A new sentence's words are scattered over the file's pages: keep every page read
        # in the page cache (the file is about 25 MB) rather than SQLite's default 2 MB,
        # which a long process overruns and then reads pages again. The answers are the
        # same. (Not memory-mapped: a file truncated under a map ends the process with
        # SIGBUS, where a read error lets the store rebuild its tables.)
        self._conn.execute(f"PRAGMA cache_size=-{_CACHE_KIB}")

    def _fetch(self, table: str, keys: list[str]) -> dict[str, tuple]:
        if self._fallback is None:
            try:
                out: dict[str, tuple] = {}
                with self._lock:
                    for start in range(0, len(keys), 500):
                        chunk = keys[start: start + 500]
                        marks = ",".join("?" * len(chunk))
                        for row in self._conn.execute(f"SELECT * FROM {table} WHERE key IN ({marks})", chunk):
                            out[row[0]] = row[1:]
                return out
            except sqlite3.Error:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.close()
                self._fallback = _MemoryStore(_rebuild(self.path, self.key))
        return self._fallback._fetch(table, keys)


def fill(conn: sqlite3.Connection, tables: tuple[dict[str, WordRow], dict[str, SynsetRow]]) -> None:
    """Create and fill the index file's tables (for :func:`eval.lexicon.index.write_index_file`)."""
    words, synset_rows = tables
    conn.execute(
        "CREATE TABLE words (key TEXT PRIMARY KEY, senses TEXT, exceptions TEXT, antonyms TEXT, "
        "expressions TEXT) WITHOUT ROWID"
    )
    conn.execute(
        "CREATE TABLE synsets (key TEXT PRIMARY KEY, pos TEXT, lemmas TEXT, related TEXT, inverse TEXT, "
        "derived TEXT, gloss TEXT) WITHOUT ROWID"
    )
    conn.executemany("INSERT INTO words VALUES (?, ?, ?, ?, ?)", ((k, *v) for k, v in words.items()))
    conn.executemany("INSERT INTO synsets VALUES (?, ?, ?, ?, ?, ?, ?)", ((k, *v) for k, v in synset_rows.items()))


def index_key() -> str:
    """Hash of what the tables are derived from: their format, the resource, this module."""
    digest = hashlib.sha256(f"tadqiq-wordnet-index/{FORMAT}\0".encode())
    digest.update(_resource_bytes())
    digest.update(b"\0")
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()


def index_path(directory: Path, key: str) -> Path:
    return directory / f"wordnet-index-{key[:24]}.sqlite3"


def _rebuild(path: Path, key: str) -> tuple[dict[str, WordRow], dict[str, SynsetRow]]:
    tables = build_tables()
    with contextlib.suppress(OSError, sqlite3.Error):
        index.write_index_file(path, key, functools.partial(fill, tables=tables), FORMAT)
    return tables


@functools.lru_cache(maxsize=1)
def _store() -> _Store:
    directory = index.cache_dir()
    if directory is None:
        return _MemoryStore(build_tables())
    key = index_key()
    path = index_path(directory, key)
    if path.is_file():
        with contextlib.suppress(sqlite3.Error, OSError):
            store = _SqliteStore(path, key)
            index.mark_used(path)
            return store
    # Missing, unreadable, corrupt or stale: build, write for the next process, use in memory.
    return _MemoryStore(_rebuild(path, key))


# -- the lookups -------------------------------------------------------------------------------


def _clean(word: str) -> str:
    if word.isascii() and word.isalpha() and word.islower():
        return word  # (already clean: the usual case)
    return " ".join(word.lower().replace("_", " ").split())


def _word(word: str) -> _Word | None:
    return _store().word(word)


def prefetch(words: Iterable[str]) -> None:
    """Read, in two queries, the rows that :func:`base_forms` and :func:`synsets` of
    ``words`` (a sentence's) need and that were never read: the answers are the same, the
    index file is asked once a sentence rather than twice a new word."""
    store = _store()
    new = [w for w in dict.fromkeys(map(_clean, words)) if w and w not in store.seen_words]
    if not new:
        return
    found = store.words(new)
    exceptions = {w: found[w].exceptions if found[w] else () for w in new}  # type: ignore[union-attr]
    store.words([f for w in new for p in POS for f in _candidates(w, p, exceptions[w])])


@functools.lru_cache(maxsize=65536)
def _lemma_forms(word: str) -> tuple[bool, dict[str, tuple[str, ...]]]:
    """:func:`_forms_by_pos` of a clean ``word`` for every part of speech, looked up once
    for :func:`base_forms` and :func:`synsets` of any part of speech."""
    is_lemma, by_pos = _forms_by_pos(word, POS, _store().words)
    return is_lemma, {p: tuple(forms) for p, forms in by_pos.items()}


@functools.lru_cache(maxsize=65536)
def base_forms(word: str, pos: str | None = None) -> tuple[str, ...]:
    """The WordNet lemmas ``word`` may be (an inflection of), of part of speech ``pos``:
    the word itself first when it is a lemma, then the exception lists' and the
    detachment rules' forms, part of speech by part of speech."""
    word = _clean(word)
    if not word:
        return ()
    is_lemma, by_pos = _lemma_forms(word)
    if pos is not None:
        return by_pos[pos]  # (the word itself first when it is a lemma of pos)
    return tuple(dict.fromkeys((*([word] if is_lemma else []), *(f for p in POS for f in by_pos[p]))))


def is_lemma(word: str, pos: str | None = None) -> bool:
    """Whether ``word`` is itself a WordNet lemma (of part of speech ``pos``)."""
    found = _word(_clean(word))
    return found is not None and bool(found.senses) and (pos is None or pos in found.senses)


@functools.lru_cache(maxsize=65536)
def synset(sid: str) -> Synset | None:
    """The synset with id ``sid`` (``None`` if there is none)."""
    row = _store().synset_row(sid)
    if row is None:
        return None
    pos, lemmas, related, _inverse, _derived, gloss = row
    return Synset(sid, pos, tuple(lemmas.split(",")), tuple(related.split()), gloss)


def _synsets_of(ids: Iterable[str]) -> tuple[Synset, ...]:
    ids = list(dict.fromkeys(ids))
    _store().synsets(ids)  # one query for all
    return tuple(s for s in map(synset, ids) if s is not None)


@functools.lru_cache(maxsize=65536)
def synsets(word: str, pos: str | None = None) -> tuple[Synset, ...]:
    """The senses of ``word`` or of its base forms: nouns, verbs, adjectives, adverbs (or
    only ``pos``), each in WordNet's sense order (sense 1, the most frequent, first)."""
    word = _clean(word)
    if not word:
        return ()
    store = _store()
    by_pos = _lemma_forms(word)[1]
    ids: list[str] = []
    for p in POS if pos is None else (pos,):
        forms = by_pos[p]
        for form in forms:
            ids += store.word(form).senses[p]  # type: ignore[union-attr]
    return _synsets_of(ids)


@functools.lru_cache(maxsize=65536)
def _neighbours(sid: str) -> frozenset[str]:
    """Synsets one step from ``sid``: related either way, or derivationally linked."""
    row = _store().synset_row(sid)
    if row is None:
        return frozenset()
    return frozenset((*row[2].split(), *row[3].split(), *row[4].split()))


def _content_stems(words: Iterable[str]) -> set[str]:
    stop = resources.stopwords_en()
    return {stem(w) for w in words if len(w) > 1 and w not in stop}


def _latin_words(texts: Iterable[str]) -> Iterator[str]:
    for text in texts:
        yield from LATIN_WORD.findall(text.lower())


@functools.lru_cache(maxsize=65536)
def _signature(sid: str) -> frozenset[str]:
    """Stems of a sense's definition, lemmas and related synsets' lemmas (for Lesk)."""
    store = _store()
    row = store.synset_row(sid)
    if row is None:
        return frozenset()
    _pos, lemmas, related, _inverse, _derived, gloss = row
    # The synset's gloss and lemmas ("a,b"), then its related synsets' lemmas, read from
    # the rows (no Synset built): their words, each stemmed once.
    texts = [gloss, lemmas]
    texts += [r[1] for r in store.synsets(related.split()).values() if r is not None]  # their lemmas
    return frozenset(_content_stems(set(_latin_words(texts))))


@functools.lru_cache(maxsize=4096)
def _context_stems(context: tuple[str, ...]) -> frozenset[str]:
    """:func:`_content_stems` of the words of a context (one sentence's, for all its words)."""
    return frozenset(_content_stems(_latin_words(context)))


def _lesk(word: str, context: Iterable[str], pos: str | None) -> tuple[Synset | None, int]:
    senses = synsets(word, pos)
    if not senses:
        return None, 0
    own = {stem(w) for w in _latin_words((word,))}
    ctx = _context_stems(tuple(context)) - own
    best, score = senses[0], 0
    if ctx and len(senses) > 1:
        _store().synsets([r for s in senses for r in s.related])  # the signatures' rows: one query for all
        for s in senses:
            overlap = len(_signature(s.id) & ctx)
            if overlap > score:
                best, score = s, overlap
    return best, score


def sense_of(word: str, context: Iterable[str], pos: str | None = None) -> Synset | None:
    """The sense of ``word`` (:func:`synsets`) whose definition, lemmas and related
    synsets' lemmas share most word stems with the ``context`` words (simplified Lesk);
    ties, and no overlap at all, go to the earlier sense; ``None`` if it has no sense."""
    return _lesk(word, context, pos)[0]


def near_synonyms(a: str, b: str, *, context: Iterable[str] = ()) -> bool:
    """Whether some sense of ``a`` and some sense of ``b`` are one synset, or one step
    apart (related either way, or derivationally linked). With ``context`` (the content
    words of ``a``'s sentence) only ``a``'s :func:`sense_of` counts, unless Lesk finds no
    overlap with any sense (then all do)."""
    return near_synonym_senses(a, b, context=context)[1]


def near_synonym_senses(a: str, b: str, *, context: Iterable[str] = ()) -> tuple[bool, bool]:
    """:func:`near_synonyms` without and with ``context`` at once (the linked senses found
    once): whether ``a`` and ``b`` are near in some sense, and in the sense ``context``
    gives ``a``. With no context both answers are the same."""
    senses_a = synsets(a)
    ids_b = {s.id for s in synsets(b)}
    linked = [s for s in senses_a if s.id in ids_b or not _neighbours(s.id).isdisjoint(ids_b)]
    if not linked:
        return False, False  # whatever sense the context picks (Lesk, the costly part, not needed)
    context = tuple(context)
    if context and len(linked) < len(senses_a):  # (all linked: whichever Lesk picks)
        chosen, score = _lesk(a, context, None)
        if chosen is not None and score > 0:
            return True, chosen in linked
    return True, True


def reaches(sid: str, roots: frozenset[str]) -> bool:
    """Whether the noun synset ``sid`` is one of ``roots`` or reaches one through its related
    noun synsets (hypernyms first of all): "chancellor" reaches person, "street" physical entity."""
    seen: set[str] = set()
    todo = [sid]
    while todo:
        current = todo.pop()
        if current in roots:
            return True
        if current in seen:
            continue
        seen.add(current)
        row = synset(current)
        if row is not None:
            todo.extend(r for r in row.related if r.endswith("n"))
    return False


@functools.lru_cache(maxsize=65536)
def word_forms(word: str) -> frozenset[str]:
    """``word`` (cleaned: lower case, "_" as a space) and every WordNet lemma it may be a
    form of: ``written`` → {written, write}."""
    clean = _clean(word)
    return frozenset((clean, *base_forms(clean))) if clean else frozenset()


@functools.lru_cache(maxsize=65536)
def opposite(a: str, b: str) -> bool:
    """``b`` says the opposite of ``a``: it is (a form of) a lexical antonym of ``a``, or a
    lemma of an antonym's synset, or — for adjectives — of a synset similar to one
    (written ↔ spoken, oral, verbal; least ↔ most). Hypernyms do not count: "change" is
    not the opposite of "rise"."""
    opposites = antonyms(a)
    if not opposites:
        return False
    b_forms = word_forms(b)
    if b_forms & opposites:
        return True
    for o in opposites:
        for s in synsets(o):
            if b_forms.intersection(s.lemmas):
                return True
            if s.pos == "a":
                for rid in s.related:
                    other = synset(rid)
                    if other is not None and other.pos == "a" and b_forms.intersection(other.lemmas):
                        return True
    return False


@functools.lru_cache(maxsize=65536)
def antonyms(word: str) -> frozenset[str]:
    """The lexical antonyms of ``word`` and of its base forms (``win`` → ``lose``)."""
    words = _store().words(base_forms(word))
    return frozenset(a for w in words.values() if w is not None for a in w.antonyms)


@functools.lru_cache(maxsize=65536)
def expression_senses(word: str) -> tuple[tuple[str, str, str], ...]:
    """(lemma, part of speech, synset id) of each :func:`expressions` of ``word``, in the
    same order: what finding them needs, without their glosses."""
    word = _clean(word)
    if not word:
        return ()
    found: list[tuple[str, str, str]] = []
    for w in _store().words((*base_forms(word), word)).values():
        if w is not None:
            found += w.expressions
    return tuple(dict.fromkeys(found))


@functools.lru_cache(maxsize=65536)
def expressions(word: str, pos: str | None = None) -> tuple[Expression, ...]:
    """The multiword WordNet lemmas (one per sense) whose first word has a base form among
    ``word``'s base forms (or is ``word``): ``cut`` → ``cut corners``, ``cut back``, ...;
    for finding them in a sentence by scanning its tokens. With ``pos``, only those of
    that part of speech."""
    found = [x for x in expression_senses(word) if pos is None or x[1] == pos]
    _store().synsets([sid for _, _, sid in found])  # one query for all
    return tuple(expression(*x) for x in found)


def lemma_expressions(word: str, lemma: str) -> tuple[Expression, ...]:
    """The senses of the multiword ``lemma`` among :func:`expressions` of ``word`` (its first
    word), in the same order: only their glosses are read (one query)."""
    found = [x for x in expression_senses(word) if x[0] == lemma]
    _store().synsets([sid for _, _, sid in found])
    return tuple(expression(*x) for x in found)


def expression(lemma: str, pos: str, synset_id: str) -> Expression:
    """The :class:`Expression` of one of :func:`expression_senses`."""
    row = _store().synset_row(synset_id)
    return Expression(lemma, tuple(lemma.split(" ")), pos, synset_id, row[5] if row is not None else "")


def _reset() -> None:
    for fn in (_store, _lemma_forms, base_forms, synset, synsets, _neighbours, _signature, _context_stems, antonyms, word_forms,
               opposite, expression_senses, expressions):
        fn.cache_clear()


index.on_reset(_reset)
