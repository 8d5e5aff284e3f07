"""Sentence alignment: the seed, differently split paragraphs, omissions and additions."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.align.sentences import align, text_similarity
from eval.text.documents import document_from_text
from eval.text.hypothesis import units_from_hypothesis
from eval.text.segment import segment
from eval.values import Unit

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "seed"
LABELLED = sorted((ROOT / "bench" / "data" / "flags").glob("*/*"))


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _beads(article: str, hypothesis: str, reference: str):
    ar = segment(article, "ar")
    ref = segment(reference, "en")
    units = units_from_hypothesis(ar, hypothesis)
    return ar, ref, align(units, [s.text for s in ref])


def line_accuracy(article: str, hypothesis: str, reference: str) -> float:
    """Share of reference sentences aligned to Arabic on the same line (files that correspond line by line)."""
    ar, ref, beads = _beads(article, hypothesis, reference)
    right = total = 0
    for bead in beads:
        ar_lines = {ar[i].line for i in bead.ar}
        for j in bead.ref:
            total += 1
            right += ar_lines == {ref[j].line}
    return right / total


def test_seed_every_reference_sentence_aligned_to_its_arabic():
    ar, ref, beads = _beads(_read(SEED / "article.ar.txt"), _read(SEED / "hypothesis.en.txt"),
                            _read(SEED / "reference.en.txt"))
    covered = sorted(j for b in beads for j in b.ref)
    assert covered == list(range(len(ref)))
    assert sorted(i for b in beads for i in b.ar) == list(range(len(ar)))
    for bead in beads:
        assert bead.ar and bead.ref, f"seed bead {bead.kind} left a side empty"
        assert {ar[i].line for i in bead.ar} == {ref[j].line for j in bead.ref}


@pytest.mark.parametrize("doc", LABELLED, ids=[p.name for p in LABELLED])
def test_labelled_articles_align_line_for_line(doc: Path):
    acc = line_accuracy(_read(doc / "article.ar.txt"), _read(doc / "hypothesis.en.txt"),
                        _read(doc / "reference.en.txt"))
    assert acc == 1.0


def _sentence_pairs(ar, ref, beads):
    return {(ar[i].text, ref[j].text) for b in beads for i in b.ar for j in b.ref}


def test_paragraphs_split_differently_on_each_side():
    article = _read(SEED / "article.ar.txt")
    hyp = _read(SEED / "hypothesis.en.txt")
    reference = _read(SEED / "reference.en.txt")
    base = _sentence_pairs(*_beads(article, hyp, reference))
    # Merge every two reference paragraphs into one line, and split the Arabic into one
    # sentence per line (with the back-translation given per sentence).
    lines = reference.splitlines()
    merged = "\n".join(" ".join(lines[k : k + 2]) for k in range(0, len(lines), 2))
    ar_segs = segment(article, "ar")
    units = units_from_hypothesis(ar_segs, hyp)
    split_article = "\n".join(s.text for s in ar_segs)
    split_hyp = "\n".join(u.hypothesis for u in units for _ in u.segments[:1])
    ar2 = segment(split_article, "ar")
    assert len(ar2) == len(ar_segs)
    moved = _sentence_pairs(*_beads(split_article, split_hyp, merged))
    # Headlines merged into the next paragraph change that sentence's text, so compare
    # what every Arabic sentence is paired with, by its Arabic text.
    base_by_ar: dict[str, set[str]] = {}
    for a, r in base:
        base_by_ar.setdefault(a, set()).add(r)
    moved_by_ar: dict[str, set[str]] = {}
    for a, r in moved:
        moved_by_ar.setdefault(a, set()).add(r)
    agree = sum(
        1 for a, refs in base_by_ar.items()
        if any(any(r in m or m in r for m in moved_by_ar.get(a, ())) for r in refs)
    )
    assert agree / len(base_by_ar) >= 0.95


def test_reference_with_an_extra_paragraph_gives_an_omission_bead():
    article = _read(SEED / "article.ar.txt")
    hyp = _read(SEED / "hypothesis.en.txt")
    lines = _read(SEED / "reference.en.txt").splitlines()
    extra = "Separately, the Dutch government announced a new package of air-defence missiles worth 300 million euros for Kyiv."
    reference = "\n".join([*lines[:8], extra, *lines[8:]])
    ar, ref, beads = _beads(article, hyp, reference)
    omitted = [b for b in beads if not b.ar]
    assert [ref[j].text for b in omitted for j in b.ref] == [extra]


def test_arabic_with_an_extra_sentence_gives_an_addition_bead():
    lines = _read(SEED / "article.ar.txt").splitlines()
    hyp_lines = _read(SEED / "hypothesis.en.txt").splitlines()
    extra_ar = "وأعلنت الحكومة الهولندية بشكل منفصل عن حزمة جديدة من صواريخ الدفاع الجوي."
    extra_en = "The Dutch government separately announced a new package of air defence missiles."
    article = "\n".join([*lines[:12], extra_ar, *lines[12:]])
    hyp = "\n".join([*hyp_lines[:12], extra_en, *hyp_lines[12:]])
    ar, ref, beads = _beads(article, hyp, _read(SEED / "reference.en.txt"))
    added = [b for b in beads if not b.ref]
    assert [ar[i].text for b in added for i in b.ar] == [extra_ar]


def test_similarity_prefers_the_true_translation():
    ref = "Russia launched 112 strike and decoy drones across the country overnight."
    good = "Russia launched 112 strikes and drones throughout the country during the night."
    bad = "The European leaders also spoke by phone with President Donald Trump."
    assert text_similarity(good, ref) > text_similarity(bad, ref) + 0.2


def test_empty_inputs():
    assert align([], []) == []
    beads = align([Unit((0,), "Hello there.")], [])
    assert [b.kind for b in beads] == ["1-0"]


def test_document_from_text_round_trip_offsets():
    doc = document_from_text("قال ماكرون.\nثم غادر.", "ar")
    for seg in segment(doc.original, "ar"):
        assert doc.original[seg.start : seg.end] == seg.text
