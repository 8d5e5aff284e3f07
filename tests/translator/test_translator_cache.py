"""The SQLite translation cache and the CachedTranslator wrapper."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from pathlib import Path

import pytest

from eval.values import WordLink
from tadqiq.errors import ConfigError
from translator import (
    CachedTranslator,
    CacheWarning,
    FakeTranslator,
    ModelInfo,
    Translation,
    TranslationCache,
    default_cache_path,
    load_registry,
    load_translator,
)

KEY = "model-a"


def upper(sentence: str) -> str:
    return sentence.upper()


@pytest.fixture
def cache(tmp_path: Path) -> TranslationCache:
    with TranslationCache(tmp_path / "cache" / "translations.sqlite3") as store:
        yield store


def run_two_writers(script: str, path: Path) -> None:
    """Run ``script`` in two processes at once (argv: the cache path, then "p" or "q")."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-W", "error", "-c", script, str(path), tag], stderr=subprocess.PIPE
        )
        for tag in ("p", "q")
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err.decode()


def test_round_trip(cache: TranslationCache) -> None:
    links = (WordLink(0, 3, 0, 4), WordLink(4, 9, 5, 12, 0.5))
    cache.put_many(
        KEY, [Translation("قال", "said"), Translation("قال الرئيس", "the president said", links)]
    )
    found = cache.get_many(KEY, ["قال", "قال الرئيس", "missing", "قال"])
    assert found == {
        "قال": Translation("قال", "said"),
        "قال الرئيس": Translation("قال الرئيس", "the president said", links),
    }
    assert cache.get_many("model-b", ["قال"]) == {}  # keys are per model
    cache.put_many(KEY, [Translation("قال", "says")])
    assert cache.get_many(KEY, ["قال"])["قال"].text == "says"


def test_many_sentences_in_one_call(cache: TranslationCache) -> None:
    pairs = [Translation(f"s{i}", f"t{i}") for i in range(1800)]  # more than one SQL chunk
    cache.put_many(KEY, pairs)
    found = cache.get_many(KEY, [p.source for p in pairs])
    assert len(found) == 1800 and found["s1799"].text == "t1799"


def test_file_is_shared_between_cache_objects(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    first, second = TranslationCache(path), TranslationCache(path)
    first.put_many(KEY, [Translation("a", "A")])
    second.put_many(KEY, [Translation("b", "B")])
    assert set(first.get_many(KEY, ["a", "b"])) == {"a", "b"}
    assert set(second.get_many(KEY, ["a", "b"])) == {"a", "b"}
    first.close()
    second.close()
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_two_processes_write_at_once(tmp_path: Path) -> None:
    path = tmp_path / "busy.sqlite3"
    script = textwrap.dedent(
        """
        import sys
        from translator import Translation, TranslationCache
        cache = TranslationCache(sys.argv[1])
        for i in range(60):
            cache.put_many("k", [Translation(f"{sys.argv[2]}{i}-{j}", "x") for j in range(20)])
        """
    )
    run_two_writers(script, path)
    with TranslationCache(path) as cache:
        wanted = [f"{tag}{i}-{j}" for tag in "pq" for i in range(60) for j in range(20)]
        assert len(cache.get_many("k", wanted)) == 2400


def test_corrupt_file_is_moved_aside_and_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "translations.sqlite3"
    garbage = b"this is not an SQLite database" * 100
    path.write_bytes(garbage)
    with pytest.warns(CacheWarning, match="was corrupt"):
        cache = TranslationCache(path)
    aside = list(tmp_path.glob("translations.sqlite3.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == garbage
    cache.put_many(KEY, [Translation("a", "A")])
    assert cache.get_many(KEY, ["a"])["a"].text == "A"
    cache.close()
    with TranslationCache(path) as reopened:
        assert reopened.get_many(KEY, ["a"])["a"].text == "A"


def test_corruption_found_while_reading_is_repaired(tmp_path: Path) -> None:
    path = tmp_path / "translations.sqlite3"
    cache = TranslationCache(path)
    cache.put_many(KEY, [Translation("a", "A")])
    cache.close()
    with closing(
        sqlite3.connect(path)
    ) as conn:  # make sure the rows are in the main file, not the WAL
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    assert len(data) > 4096
    data[4096:] = b"\xff" * (len(data) - 4096)  # wreck every page after the first
    path.write_bytes(bytes(data))
    cache = TranslationCache(path)
    with pytest.warns(CacheWarning, match="was corrupt"):
        assert cache.get_many(KEY, ["a"]) == {}
    cache.put_many(KEY, [Translation("b", "B")])
    assert cache.get_many(KEY, ["b"])["b"].text == "B"
    cache.close()
    assert list(tmp_path.glob("translations.sqlite3.corrupt-*"))


OLD_SCHEMA = """
CREATE TABLE translations_v1 (
    model_key TEXT NOT NULL,
    source    TEXT NOT NULL,
    text      TEXT NOT NULL,
    links     TEXT,
    created   REAL NOT NULL,
    PRIMARY KEY (model_key, source)
) WITHOUT ROWID
"""


def test_parts_are_stored(cache: TranslationCache) -> None:
    cache.put_many(KEY, [Translation("long", "a b c", parts=3), Translation("short", "s")])
    found = cache.get_many(KEY, ["long", "short"])
    assert (found["long"].parts, found["short"].parts) == (3, 1)


def test_a_cache_file_of_the_old_schema_still_works(tmp_path: Path) -> None:
    """A file written before 'parts' existed gets the column; its rows read as one part."""
    path = tmp_path / "old.sqlite3"
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(OLD_SCHEMA)
        conn.execute(
            "INSERT INTO translations_v1 VALUES (?, ?, ?, ?, ?)",
            (KEY, "قال", "said", "[[0, 3, 0, 4, 1.0]]", 1.0),
        )
    with TranslationCache(path) as cache:
        assert cache.get_many(KEY, ["قال"]) == {
            "قال": Translation("قال", "said", (WordLink(0, 3, 0, 4),), parts=1)
        }
        cache.put_many(KEY, [Translation("طويل", "long one", parts=2)])
        assert cache.get_many(KEY, ["طويل"])["طويل"].parts == 2
    with closing(sqlite3.connect(path)) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(translations_v1)")]
        assert columns == ["model_key", "source", "text", "links", "created", "parts"]
        # Code that predates the column (it names its columns) still writes and reads the file.
        with conn:
            conn.execute(
                "INSERT OR REPLACE INTO translations_v1 (model_key, source, text, links, created)"
                " VALUES (?, ?, ?, ?, ?)",
                (KEY, "في", "in", None, 2.0),
            )
    with TranslationCache(path) as cache:
        assert cache.get_many(KEY, ["في"])["في"] == Translation("في", "in")


def test_two_processes_upgrade_an_old_file_at_once(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(OLD_SCHEMA)
    script = textwrap.dedent(
        """
        import sys
        from translator import Translation, TranslationCache
        with TranslationCache(sys.argv[1]) as cache:
            cache.put_many("k", [Translation(sys.argv[2], "x", parts=2)])
        """
    )
    run_two_writers(script, path)
    with TranslationCache(path) as cache:
        assert {t.parts for t in cache.get_many("k", ["p", "q"]).values()} == {2}


def test_unusable_location_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "dir.sqlite3").mkdir()
    with pytest.raises(ConfigError, match=r"translation cache .*dir\.sqlite3: cannot open"):
        TranslationCache(tmp_path / "dir.sqlite3")


def test_default_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TADQIQ_CACHE", str(tmp_path / "mine.sqlite3"))
    assert default_cache_path() == tmp_path / "mine.sqlite3"
    with TranslationCache() as cache:
        assert cache.path == tmp_path / "mine.sqlite3"
    monkeypatch.delenv("TADQIQ_CACHE")
    path = default_cache_path()
    assert path.name == "translations.sqlite3" and "tadqiq" in path.parts


# --- CachedTranslator -------------------------------------------------------------------------


def test_second_run_translates_nothing(cache: TranslationCache) -> None:
    inner = FakeTranslator(upper)
    cached = CachedTranslator(inner, cache)
    article = ["one", "two", "", "one", "three"]
    first = cached.translate(article)
    assert [t.text for t in first] == ["ONE", "TWO", "", "ONE", "THREE"]
    assert inner.calls == [["one", "two", "three"]]  # each distinct sentence once, no blanks
    assert (cached.hits, cached.misses) == (0, 3)

    progress: list[int] = []
    second = cached.translate(article, progress=progress.append)
    assert second == first
    assert len(inner.calls) == 1  # nothing reached the backend
    assert (cached.hits, cached.misses) == (4, 3)
    assert sum(progress) == len(article)


def test_cache_survives_a_new_cache_object(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    with TranslationCache(path) as store:
        CachedTranslator(FakeTranslator(upper), store).translate(["alpha", "beta"])
    inner = FakeTranslator(upper)
    with TranslationCache(path) as store:
        cached = CachedTranslator(inner, store)
        assert [t.text for t in cached.translate(["beta", "gamma", "alpha"])] == [
            "BETA",
            "GAMMA",
            "ALPHA",
        ]
    assert inner.calls == [["gamma"]]


def test_cache_keys_separate_models(cache: TranslationCache) -> None:
    a = FakeTranslator(upper, info=ModelInfo("a", "fake", None, None, cache_key="a"))
    b = FakeTranslator(str.lower, info=ModelInfo("b", "fake", None, None, cache_key="b"))
    assert CachedTranslator(a, cache).translate(["Mixed"])[0].text == "MIXED"
    assert CachedTranslator(b, cache).translate(["Mixed"])[0].text == "mixed"


def test_links_are_cached(cache: TranslationCache) -> None:
    links = (WordLink(0, 2, 0, 3),)
    inner = FakeTranslator({"قل": Translation("قل", "say", links)})
    CachedTranslator(inner, cache).translate(["قل"])
    again = CachedTranslator(FakeTranslator({}), cache).translate(["قل"])
    assert again == [Translation("قل", "say", links)]


def test_cached_hf_model_second_run(tiny_models_yaml: Path, tmp_path: Path) -> None:
    spec = load_registry(tiny_models_yaml).default
    article = ["قال الرئيس", "في أوكرانيا", "قال الرئيس"]
    with TranslationCache(tmp_path / "hf.sqlite3") as store:
        first = load_translator(spec, cache=store, allow_download=False)
        assert isinstance(first, CachedTranslator)
        texts = [t.text for t in first.translate(article)]
        assert first.misses == 2
    with TranslationCache(tmp_path / "hf.sqlite3") as store:
        second = load_translator(spec, cache=store, allow_download=False)
        assert isinstance(second, CachedTranslator)
        assert [t.text for t in second.translate(article)] == texts
        assert (second.hits, second.misses) == (3, 0)
        assert second.inner._model is None  # the weights were never loaded
