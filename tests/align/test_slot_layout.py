"""The aligner's n-gram bit sets (eval.align.sentences._SlotLayout) count exactly what
its n-gram counters count, on the sentences of the labelled articles of set A.

The layout gives slots only to n-grams found on both sides, as many as the side where
the n-gram is rarer has in all; these tests would fail if that ever left a shared count
short, or if a merged span's bit set differed from the bit set of its summed counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.align.sentences import _CHAR_ORDER, _common_counts, _features, _merge, _SlotLayout
from eval.text.hypothesis import units_from_hypothesis
from eval.text.segment import segment

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted((ROOT / "bench" / "data" / "flags" / "A").iterdir())


def _sides(doc: Path):
    def read(name: str) -> str:
        return (doc / name).read_text(encoding="utf-8")

    units = units_from_hypothesis(segment(read("article.ar.txt"), "ar"), read("hypothesis.en.txt"))
    refs = [s.text for s in segment(read("reference.en.txt"), "en")]
    return [_features(u.hypothesis) for u in units], [_features(r) for r in refs]


def _spans(feats, offset=0):
    """Every run of 1–3 consecutive texts: (start, layout index of start, of its end)."""
    return [(i, offset + i, offset + i + k) for k in (1, 2, 3) for i in range(len(feats) - k + 1)]


def _assert_shared_counts(layout, hyp, ref):
    """For every pair of spans of 1–3 texts near the diagonal (where the aligner looks), the
    bits the layout's bit sets share are the n-grams the spans share, counted."""
    everything = hyp + ref
    ref_spans = [(j, layout.span(a, b), _merge(everything[a:b])) for j, a, b in _spans(ref, len(hyp))]
    for i, a, b in _spans(hyp):
        fast_h, exact_h = layout.span(a, b), _merge(everything[a:b])
        centre = i * len(ref) / len(hyp)
        for j, fast_r, exact_r in ref_spans:
            if abs(j - centre) > 4:
                continue
            for n in range(_CHAR_ORDER):
                fast = (fast_h.masks[n] & fast_r.masks[n]).bit_count()
                assert fast == _common_counts(exact_h.ngrams[n], exact_r.ngrams[n]), (i, j, n)


@pytest.mark.parametrize("doc", DOCS, ids=[p.name for p in DOCS])
def test_bit_sets_count_the_shared_ngrams_of_every_span_pair(doc: Path):
    hyp, ref = _sides(doc)
    layout = _SlotLayout(hyp, ref)
    assert layout.usable
    _assert_shared_counts(layout, hyp, ref)
    # n-grams of one side only have no slots (the layout is narrower than all n-grams)
    shared = sum(len({g for f in hyp for g in f.ngrams[n]} & {g for f in ref for g in f.ngrams[n]})
                 for n in range(_CHAR_ORDER))
    assert layout.numbered == shared


@pytest.mark.parametrize("doc", DOCS[:4], ids=[p.name for p in DOCS[:4]])
def test_merged_bit_sets_count_summed_counts_up_to_room(doc: Path):
    """A span's bit set has, per n-gram, as many bits as the span has the n-gram, but
    no more than the side where the n-gram is rarer has in all."""
    hyp, ref = _sides(doc)
    layout = _SlotLayout(hyp, ref)
    everything = hyp + ref
    for n in range(_CHAR_ORDER):
        totals = [_merge(side).ngrams[n] for side in (hyp, ref)]
        for a, b in [(a, b) for _, a, b in _spans(hyp)] + [(a, b) for _, a, b in _spans(ref, len(hyp))]:
            summed = _merge(everything[a:b]).ngrams[n]
            room = sum(min(c, *(t[g] for t in totals)) for g, c in summed.items())
            assert layout.span(a, b).masks[n].bit_count() == room, (a, b, n)


@pytest.mark.parametrize("table", [None, 0, 1 << 30], ids=["default", "no-tables", "all-tables"])
@pytest.mark.parametrize("doc", DOCS[::2], ids=[p.name for p in DOCS[::2]])
def test_narrow_layout_counts_the_shared_ngrams_of_spans_of_up_to_three(doc: Path, table, monkeypatch):
    """With ``widest=3`` (as the aligner builds it) an n-gram has only as many slots as
    it occurs at most in 3 consecutive texts of the side where that is fewer: still
    every shared count of spans of 1–3 texts, and fewer slots."""
    from eval.align import sentences

    if table is not None:
        monkeypatch.setattr(sentences, "_MAX_RUN_TABLE", table)
    hyp, ref = _sides(doc)
    layout = _SlotLayout(hyp, ref, widest=3)
    assert layout.usable
    _assert_shared_counts(layout, hyp, ref)
    if table != 0:
        assert len(layout.slot_grams) < 0.8 * len(_SlotLayout(hyp, ref).slot_grams)


def test_most_in_runs_is_the_largest_count_of_any_run():
    import random

    import numpy as np

    from eval.align.sentences import _most_in_runs

    rng = random.Random(4)
    for _ in range(200):
        first, count, numbered, width = rng.randint(0, 5), rng.randint(1, 12), rng.randint(1, 9), rng.randint(1, 4)
        occurrences = [(rng.randrange(numbered), first + rng.randrange(count)) for _ in range(rng.randint(0, 60))]
        grams = np.array([g for g, _ in occurrences], np.int64)
        texts = np.array([t for _, t in occurrences], np.int64)
        got = _most_in_runs(grams, texts, numbered, first, first + count, width).tolist()
        for g in range(numbered):
            per_text = [sum(1 for h, t in occurrences if h == g and t == first + k) for k in range(count)]
            runs = [sum(per_text[k : k + width]) for k in range(max(1, count - width + 1))]
            assert got[g] == max(runs), (g, per_text, width)
