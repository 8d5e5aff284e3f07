"""The reference-mismatch check's content keys (eval.align.mismatch._content_keys, its
helpers inlined) equal the plain ``{_key(t) for t in tokenize_en(text) if _is_content(t)}``
on every reference and hypothesis sentence of the bundled example and the labelled
development sets (never the held-out C-test)."""

from __future__ import annotations

from pathlib import Path

from eval.align.mismatch import _content_keys, _is_content, _key
from eval.text.segment import segment
from eval.text.tokens import tokenize_en

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "examples" / "seed", *sorted(
    p for p in (ROOT / "bench" / "data" / "flags").glob("*/*") if p.is_dir() and p.parent.name != "C-test"
)]


def test_content_keys_equal_the_plain_set():
    seen = 0
    for doc in DOCS:
        for name in ("reference.en.txt", "hypothesis.en.txt"):
            for sentence in segment((doc / name).read_text(encoding="utf-8"), "en"):
                plain = {_key(t) for t in tokenize_en(sentence.text) if _is_content(t)}
                assert _content_keys(sentence.text) == plain, sentence.text
                seen += bool(plain)
    for text in ("", "The U.S. and NATO said 1,200 people, 3% of them, left on the 2nd.", "a I s 's"):
        assert _content_keys(text) == {_key(t) for t in tokenize_en(text) if _is_content(t)}
    assert seen > 500
