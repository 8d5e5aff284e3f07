"""Loading evaluation corpora: directories, JSONL, TSV, XLIFF; bad entries are recorded."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from nightly_corpus import DOCUMENTS, XLIFF, write_corpus

from eval.nightly.corpus import corpus_revision, load_corpus, valid_name
from tadqiq.errors import InputError


def test_directory_pairs_sorted_and_bad_pairs_recorded(tmp_path: Path) -> None:
    root = write_corpus(tmp_path / "c")
    (root / "z9-stray.en.txt").write_text("A reference alone.\n", encoding="utf-8")
    corpus = load_corpus(root)
    assert corpus.kind == "directory"
    # The empty article is found later, when it is read; here it is a complete pair.
    assert corpus.names == ("a01-port", "a02-rain", "a03-wheat", "b01-empty")
    doc = corpus.documents[0]
    assert doc.article_path == root / "a01-port.ar.txt"
    assert doc.reference_path == root / "a01-port.en.txt"
    bad = {b.name: b.message for b in corpus.bad}
    assert set(bad) == {"c01-orphan", "z9-stray"}
    assert "c01-orphan.en.txt: missing" in bad["c01-orphan"]
    assert "without its article" in bad["z9-stray"]
    assert all("\n" not in m for m in bad.values())


def test_directory_with_xliff_and_document_folders(tmp_path: Path) -> None:
    root = tmp_path / "c"
    (root / "story-1").mkdir(parents=True)
    ar, en = DOCUMENTS["a02-rain"]
    (root / "story-1" / "article.ar.txt").write_text(ar, encoding="utf-8")
    (root / "story-1" / "reference.en.txt").write_text(en, encoding="utf-8")
    (root / "story-2.xlf").write_text(XLIFF, encoding="utf-8")
    (root / "story-3.xlf").write_text("<xliff><broken", encoding="utf-8")
    corpus = load_corpus(root)
    assert corpus.names == ("story-1", "story-2")
    assert corpus.documents[1].paired is not None
    assert [u.id for u in corpus.documents[1].paired.units] == ["u1", "u2"]
    assert [b.name for b in corpus.bad] == ["story-3"]


def test_jsonl_inline_and_paths_and_escapes(tmp_path: Path) -> None:
    root = write_corpus(tmp_path / "c")
    outside = tmp_path / "secret.txt"
    outside.write_text("x", encoding="utf-8")
    ar, en = DOCUMENTS["a02-rain"]
    lines = [
        {"name": "inline", "ar": ar, "en": en},
        {"name": "files", "ar_path": "a01-port.ar.txt", "en_path": "./a01-port.en.txt"},
        {"name": "escape", "ar_path": "../secret.txt", "en_path": "a01-port.en.txt"},
        {"name": "absolute", "ar_path": str(outside), "en_path": "a01-port.en.txt"},
        {"name": "inline", "ar": ar, "en": en},
        {"name": "../evil", "ar": ar, "en": en},
        {"name": "half", "ar": ar},
    ]
    text = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n\n{not json\n"
    (root / "corpus.jsonl").write_text(text, encoding="utf-8")
    corpus = load_corpus(root / "corpus.jsonl")
    assert corpus.kind == "jsonl"
    assert corpus.names == ("files", "inline")
    files, inline = corpus.documents
    assert files.article_path == (root / "a01-port.ar.txt").resolve()
    assert inline.article_text == ar and inline.reference_text == en
    assert inline.origin.endswith("corpus.jsonl:1")
    bad = {b.name: b.message for b in corpus.bad}
    assert "outside the corpus folder" in bad["escape"]
    assert "outside the corpus folder" in bad["absolute"]
    assert "same document name" in bad["inline"]
    assert "not a usable document name" in bad["corpus.jsonl:6"]
    assert "expected either" in bad["half"]
    assert "not valid JSON" in bad["corpus.jsonl:9"]


def test_tsv(tmp_path: Path) -> None:
    ar, en = DOCUMENTS["a02-rain"]
    file = tmp_path / "c.tsv"
    file.write_text(f"name\tar\ten\nrain\t{ar.strip()}\t{en.strip()}\nshort\tonly two\n", encoding="utf-8")
    corpus = load_corpus(file)
    assert corpus.names == ("rain",)
    assert corpus.documents[0].article_text == ar.strip()
    assert [b.name for b in corpus.bad] == ["c.tsv:3"]


def test_unusable_corpus_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such corpus"):
        load_corpus(tmp_path / "missing")
    (tmp_path / "c.csv").write_text("a,b\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a corpus"):
        load_corpus(tmp_path / "c.csv")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no documents"):
        load_corpus(tmp_path / "empty")


def test_valid_name() -> None:
    assert valid_name("a01-port") and valid_name("خبر-1")
    assert not any(valid_name(n) for n in ("", ".hidden", "a/b", "a\\b", "..", "x\ny"))


def test_corpus_revision(tmp_path: Path) -> None:
    root = write_corpus(tmp_path / "c")
    assert corpus_revision(root) is None
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "corpus"], check=True)
    head = subprocess.run(
        [*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    assert corpus_revision(root) == head
    assert corpus_revision(root / "a01-port.ar.txt") == head
