"""A bounded fuzz run of every reader of a user's file: random bytes and mutated valid files.

Property: a reader returns a value or raises a :class:`~tadqiq.errors.TadqiqError`
(InputError, ConfigError) whose message is one line starting with the file's path (the
history and the translation cache say ``history database PATH:`` / ``translation cache
PATH:``); never any other exception. The readers that only keep state for ``--resume``
never raise at all. Mutations of valid files: truncation, byte flips, deletions,
duplicated runs, and inserted NULs, byte-order marks, bad UTF-8 and markup characters.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from eval.nightly.corpus import load_corpus
from eval.reports.review import DECISIONS_SCHEMA, load_decisions
from eval.text.documents import decode_bytes, read_document, read_text
from eval.text.formats import detect_format, is_paired_input, read_paired
from eval.text.glossary import load_glossary
from eval.text.hypothesis import units_from_hypothesis
from eval.text.segment import segment
from eval.values import Report, SourceInfo
from tadqiq.errors import TadqiqError
from tests.formats.paired_samples import tmx_text, xliff12_text, xliff20_text
from tests.report.hostile import AR, HYP, REF
from translator.registry import bundled_models_file, load_registry, parse_registry

# Reproducible and bounded: no example database, a fixed sequence of examples.
PROFILE = settings(database=None, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))

# --- mutations ------------------------------------------------------------------------------

TOKENS = [
    b"\x00", b"\x00\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00",
    b"\x00\x00\xfe\xff", b"\r", b"\n", b"\r\n", b"\x1a", b"\x85", b"\xc3", b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80", b"\xe2\x80\xae", b"\xe2\x80\xa8", b"\xd9\x8b", b"<", b">", b"&", b"]]>",
    b"<!--", b'"', b"'", b"{", b"}", b"[", b"]", b"\t", b",", b"|", b":", b"- ", b"*a", b"&a;",
]
OPS = ("truncate", "flip", "insert", "delete", "duplicate")
# One edit: (operation, position, byte, token, length); positions wrap around the data.
edits = st.lists(
    st.tuples(st.sampled_from(OPS), st.integers(0, 1 << 20), st.integers(0, 255),
              st.sampled_from(TOKENS), st.integers(1, 64)),
    min_size=1, max_size=4,
)
# Random bytes, or (which seed, edits) for a mutation of a valid file.
fuzz = st.one_of(st.binary(max_size=300), st.tuples(st.integers(0, 15), edits))


def mutate(seed: bytes, ops: list[tuple[str, int, int, bytes, int]]) -> bytes:
    data = bytearray(seed)
    for op, where, byte, token, length in ops:
        at = where % (len(data) + 1)
        if op == "truncate":
            del data[at:]
        elif op == "flip" and at < len(data):
            data[at] = byte
        elif op == "insert":
            data[at:at] = token
        elif op == "delete":
            del data[at : at + length]
        elif op == "duplicate":
            data[at:at] = data[at : at + length]
    return bytes(data)


def realise(value: bytes | tuple[int, list], seeds: list[bytes]) -> bytes:
    if isinstance(value, bytes):
        return value
    k, ops = value
    return mutate(seeds[k % len(seeds)], ops)


def outcome(call: Callable[[], object], prefix: str) -> object:
    """``call()``'s value, or the TadqiqError it raised after checking its message."""
    try:
        value = call()
    except TadqiqError as exc:
        _event(type(exc).__name__)
        message = str(exc)
        assert message.startswith(f"{prefix}: "), message
        assert len(message.splitlines()) == 1 and message == message.strip(), message
        return exc
    _event("value")
    return value


def _event(name: str) -> None:
    if currently_in_test_context():  # (the statistics of a hypothesis run)
        event(name)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz ملفات")


def _put(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# --- plain text: articles, references, back-translations ------------------------------------

TEXT_SEEDS = [
    AR.encode("utf-8"), REF.encode("utf-8"), b"\xef\xbb\xbf" + AR.encode("utf-8"),
    AR.encode("utf-16"), REF.encode("utf-16-le"), AR.encode("cp1256", "replace"),
    AR.replace("\n", "\r\n").encode("utf-8"), "\u202e".join(AR.split(" ")).encode("utf-8"),
]
AR_SEGMENTS = segment(AR, "ar")
HYP_SEEDS = [
    HYP.encode("utf-8"),
    "\n".join(s.text for s in segment(HYP, "en")).encode("utf-8"),  # one line per sentence
    HYP.replace("\n", "\r\n\r\n").encode("utf-16"),
]


@settings(PROFILE, max_examples=500)
@given(fuzz)
def test_text_readers(folder: Path, value) -> None:
    data = realise(value, TEXT_SEEDS)
    outcome(lambda: decode_bytes(data, "bytes of a.txt"), "bytes of a.txt")
    path = _put(folder / "مقال article.ar.txt", data)
    outcome(lambda: read_text(path, "article"), str(path))
    outcome(lambda: read_document(path, "ar", "article"), str(path))
    outcome(lambda: read_document(path, "en", "reference"), str(path))


@settings(PROFILE, max_examples=300)
@given(fuzz)
def test_hypothesis_file_reader(folder: Path, value) -> None:
    path = _put(folder / "hyp.en.txt", realise(value, HYP_SEEDS))

    def read() -> object:
        return units_from_hypothesis(AR_SEGMENTS, read_text(path, "hypothesis")[0], str(path))

    outcome(read, str(path))


# --- XLIFF 1.2, XLIFF 2, TMX ----------------------------------------------------------------

PAIRED_SEEDS = [xliff12_text().encode("utf-8"), xliff20_text().encode("utf-8"),
                tmx_text().encode("utf-8"), xliff12_text().encode("utf-16")]


@settings(PROFILE, max_examples=400)
@given(fuzz, st.sampled_from([".xlf", ".tmx", ".xml"]))
def test_paired_readers(folder: Path, value, suffix: str) -> None:
    data = realise(value, PAIRED_SEEDS)
    path = _put(folder / f"story{suffix}", data)
    assert isinstance(is_paired_input(path), bool)  # never raises
    outcome(lambda: detect_format(path, data), str(path))
    outcome(lambda: read_paired(path), str(path))


# --- corpora: JSONL and TSV ----------------------------------------------------------------

JSONL_SEED = (
    json.dumps({"name": "one", "ar": AR, "en": REF}, ensure_ascii=False) + "\n"
    + json.dumps({"name": "two", "ar_path": "two.ar.txt", "en_path": "two.en.txt"}) + "\n"
    + json.dumps({"name": "three", "ar": "نص\u2028آخر", "en": "more\u2029text"}, ensure_ascii=False) + "\n"
).encode("utf-8")
TSV_SEED = ("name\tar\ten\n" + "".join(
    f"d{k}\t{a}\t{r}\n" for k, (a, r) in enumerate(zip(AR.splitlines(), REF.splitlines(), strict=True))
)).encode("utf-8")


def _check_corpus(path: Path) -> None:
    corpus = outcome(lambda: load_corpus(path), str(path))
    for bad in getattr(corpus, "bad", ()):
        assert bad.message.startswith(f"{path}"), bad.message
        assert len(bad.message.splitlines()) == 1, bad.message


@settings(PROFILE, max_examples=400)
@given(fuzz, st.sampled_from([".jsonl", ".tsv"]))
def test_corpus_file_readers(folder: Path, value, suffix: str) -> None:
    _check_corpus(_put(folder / "corpus" / f"c{suffix}", realise(value, [JSONL_SEED, TSV_SEED])))


# --- glossary, review decisions, models.yaml ------------------------------------------------

GLOSSARY_SEEDS = [
    "english,arabic\nUnited States,الولايات المتحدة|أمريكا\n\"Kyiv, Ukraine\",كييف\n".encode(),
    b"\xef\xbb\xbfEnglish,Arabic\r\nEU,\xd8\xa7\xd9\x84\xd8\xa7\xd8\xaa\xd8\xad\xd8\xa7\xd8\xaf\r\n",
]
SHA = "ab" * 32
REPORT = Report(SourceInfo("a.ar.txt", "utf-8", 1, 1, SHA), SourceInfo("r.en.txt", "utf-8", 1, 1), {}, [], [], {})
DECISION_SEEDS = [json.dumps({
    "schema": DECISIONS_SCHEMA,
    "article": {"path": "a.ar.txt", "sha256": SHA},
    "decisions": [
        {"fingerprint": "937776b5bc251b88", "flag": "F4", "decision": "false-alarm",
         "category": "mistranslation", "ar": "منا يدعم", "reference": "US backs"},
        {"fingerprint": "0123456789abcdef", "decision": "accepted"},
    ],
}, ensure_ascii=False).encode("utf-8")]
MODELS_SEEDS = [
    bundled_models_file().read_bytes(),
    b"default: g\nmodels:\n  g: {backend: gloss}\n  p:\n    backend: precomputed\n    path: ./out\n"
    b"  h:\n    backend: hf\n    model: ./m\n    generation: {num_beams: 4, max_new_tokens: 8}\n",
]


@settings(PROFILE, max_examples=300)
@given(fuzz)
def test_glossary_reader(folder: Path, value) -> None:
    path = _put(folder / "terms.csv", realise(value, GLOSSARY_SEEDS))
    outcome(lambda: load_glossary(path), str(path))


@settings(PROFILE, max_examples=300)
@given(fuzz)
def test_decisions_reader(folder: Path, value) -> None:
    path = _put(folder / "a.ar.decisions.json", realise(value, DECISION_SEEDS))
    outcome(lambda: load_decisions(path, REPORT), str(path))


@settings(PROFILE, max_examples=300)
@given(fuzz)
def test_models_file_readers(folder: Path, value) -> None:
    data = realise(value, MODELS_SEEDS)
    path = _put(folder / "models.yaml", data)
    outcome(lambda: load_registry(path), str(path))
    text = data.decode("utf-8", "replace")
    outcome(lambda: parse_registry(text, path), str(path))


# --- the history database and the translation cache (SQLite files) --------------------------


@pytest.fixture(scope="module")
def sqlite_seeds(folder: Path) -> list[bytes]:
    """A real history database and a real translation cache, with a row each."""
    from eval.nightly.store import open_history
    from translator.base import Translation
    from translator.cache import TranslationCache

    seeds = []
    history = folder / "seed-history.db"
    open_history(history).close()
    seeds.append(history.read_bytes())
    with TranslationCache(folder / "seed-cache.sqlite3") as cache:
        cache.put_many("key", [Translation("قال", "said")])
    seeds.append((folder / "seed-cache.sqlite3").read_bytes())
    return seeds


def _fresh(path: Path, data: bytes) -> Path:
    for old in path.parent.glob(path.name + "*"):
        old.unlink()
    return _put(path, data)


@settings(PROFILE, max_examples=60)
@given(fuzz)
def test_history_database_reader(folder: Path, sqlite_seeds: list[bytes], value) -> None:
    from eval.nightly.store import open_history

    path = _fresh(folder / "history" / "runs.db", realise(value, sqlite_seeds))

    def read() -> object:
        with open_history(path) as history:
            return history.runs()

    outcome(read, f"history database {path}")


@settings(PROFILE, max_examples=60)
@given(fuzz)
def test_translation_cache_reader(folder: Path, sqlite_seeds: list[bytes], value) -> None:
    from translator.base import Translation
    from translator.cache import TranslationCache

    path = _fresh(folder / "cache" / "translations.sqlite3", realise(value, sqlite_seeds[::-1]))

    def use() -> object:
        with TranslationCache(path) as cache:
            found = cache.get_many("key", ["قال", "x"])
            cache.put_many("key", [Translation("x", "y")])
            return found

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a corrupt cache is moved aside with a warning
        outcome(use, f"translation cache {path}")


# --- the resume state of `tadqiq eval --out` ------------------------------------------------

STATE_SEEDS = [
    json.dumps({"run_id": "20260101T000000Z-abcdef", "started_at": "2026-01-01T00:00:00+00:00",
                "recorded": True}).encode(),
    json.dumps({"schema": "tadqiq.eval-state/1", "digest": "d", "model_key": "k", "line": {},
                "segments": {"references": ["a"], "beads": [{"ref": [0], "hypothesis": "h"}]},
                "bead_references": ["a"], "penalty": 0, "words": 1, "model_info": {}}).encode(),
    json.dumps({"schema": "tadqiq.eval-segments/1",
                "documents": {"d": {"references": ["a"], "beads": [{"ref": [0], "hypothesis": "h"}]}}}).encode(),
    json.dumps({"run": {"run_id": "20260101T000000Z-abcdef"}, "models": []}).encode(),  # summary.json
]
RUN_ID = "20260101T000000Z-abcdef"


def _read_resume_state(root: Path, data: bytes) -> None:
    """Every reader of ``tadqiq eval --out`` state, on files holding ``data``."""
    from eval.nightly.compare import previous_dir
    from eval.nightly.outdir import OutDir, read_segments
    from eval.nightly.store import RunSummary

    out = OutDir(root / "runs" / "now")
    for file in ("run.json", "m/doc.json"):
        _put(out.state / file, data)
    _put(out.path / "m.segments.json", data)
    _put(root / "runs" / "before" / "summary.json", data)
    out.load_done("m", "doc", "d", "k")
    out.recorded(RUN_ID)
    read_segments(out.path / "m.segments.json")
    moment = datetime(2026, 1, 2, tzinfo=timezone.utc)
    info = RunSummary(RUN_ID, moment, moment, "corpus", None, "0", ("m",))
    previous_dir(info, RUN_ID, out)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an unreadable run.json is a warning
        run_id, _ = out.start(resume=True, now=moment)
    assert run_id


@settings(PROFILE, max_examples=300)
@given(fuzz)
def test_resume_state_readers_never_raise(folder: Path, value) -> None:
    _read_resume_state(folder / "state", realise(value, STATE_SEEDS))


# --- pathological but well-formed files -----------------------------------------------------

DEEP_JSON = b"[" * 100_000 + b"]" * 100_000
HUGE_INT = b"1" * 5_000


def _jsonl(payload: bytes) -> bytes:
    return b'{"name": "a", "ar": "\xd9\x86\xd8\xb5", "en": "text", "x": ' + payload + b"}\n"


PATHOLOGICAL = {
    "decisions, deeply nested": ("d.json", DEEP_JSON, lambda p: load_decisions(p, REPORT)),
    "decisions, huge number": ("d.json", HUGE_INT, lambda p: load_decisions(p, REPORT)),
    "corpus, deeply nested": ("c.jsonl", _jsonl(DEEP_JSON), load_corpus),
    "corpus, huge number": ("c.jsonl", _jsonl(HUGE_INT), load_corpus),
    "xliff, deeply nested": ("x.xlf", b"<xliff>" + b"<a>" * 100_000, read_paired),
    "xliff, entity expansion": ("x.xlf", (
        b'<?xml version="1.0"?><!DOCTYPE xliff [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(b'<!ENTITY %c "&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;">' % ((k,) + (k - 1,) * 10)
                   for k in range(98, 108))
        + b']><xliff version="1.2"><file source-language="en" target-language="ar"><body>'
        b'<trans-unit id="1"><source>&k;</source><target>x</target></trans-unit></body></file></xliff>'
    ), read_paired),
    "xliff, external entity": ("x.xlf", (
        b'<?xml version="1.0"?><!DOCTYPE xliff [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<xliff version="1.2"><file source-language="en" target-language="ar"><body>'
        b'<trans-unit id="1"><source>a &e; b</source><target>\xd9\x86\xd8\xb5</target></trans-unit>'
        b"</body></file></xliff>"
    ), read_paired),
    "xliff, brace in the namespace": ("x.xml", xliff12_text().replace(
        "urn:oasis:names:tc:xliff:document:1.2", "urn:x}y").encode(), lambda p: (is_paired_input(p), read_paired(p))),
    "models.yaml, deeply nested": ("m.yaml", b"models: " + b"[" * 50_000, load_registry),
    "models.yaml, huge number": ("m.yaml", b"default: g\nmodels:\n  g: {backend: gloss, x: " + HUGE_INT + b"}\n",
                                 load_registry),
    "models.yaml, alias bomb": ("m.yaml", b"a: &a [x, x, x, x, x, x, x, x, x]\n" + b"".join(
        b"%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n" % ((k, k) + (k - 1,) * 9)
        for k in range(98, 106)) + b"models: *i\n", load_registry),
    "glossary, huge field": ("g.csv", b'english,arabic\n"' + b"x" * 200_000 + b'",y\n', load_glossary),
    "glossary, NUL": ("g.csv", b"english,arabic\nU\x00S,\xd9\x86\n", load_glossary),
}


@pytest.mark.parametrize("case", sorted(PATHOLOGICAL))
def test_pathological_files(folder: Path, case: str) -> None:
    name, data, reader = PATHOLOGICAL[case]
    path = _put(folder / "pathological" / name, data)
    result = outcome(lambda: reader(path), str(path))
    if case == "xliff, external entity" and not isinstance(result, TadqiqError):
        assert "root:" not in result.units[0].source_en  # the file was not read in


@pytest.mark.parametrize("data", [DEEP_JSON, HUGE_INT, b"[1, 2]", b'{"run": "x", "schema": 1}'])
def test_resume_state_with_pathological_json(folder: Path, data: bytes) -> None:
    _read_resume_state(folder / "deep", data)


@settings(PROFILE, max_examples=60)
@given(st.lists(st.tuples(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=20),
    st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=20),
), max_size=5))
def test_corpus_lines_hold_any_text(folder: Path, pairs: list[tuple[str, str]]) -> None:
    """JSONL written by json.dumps (raw U+2028, U+0085, form feeds inside strings) reads back
    the same texts: records are separated by line ends only, not every Unicode line break."""
    lines = [json.dumps({"name": f"d{k}", "ar": ar, "en": en}, ensure_ascii=False)
             for k, (ar, en) in enumerate(pairs)]
    path = _put(folder / "any" / "c.jsonl", ("\n".join(lines) + "\n").encode("utf-8"))
    if not pairs:
        return
    corpus = load_corpus(path)
    assert corpus.bad == ()
    assert [(d.article_text, d.reference_text) for d in corpus.documents] == pairs


def test_sqlite_seed_files_are_real(sqlite_seeds: list[bytes]) -> None:
    assert all(s.startswith(b"SQLite format 3\x00") for s in sqlite_seeds)

