"""The shortcuts that make a check fast give exactly what the plain computations give:
alignment with n-gram bit sets, scores from shared sacrebleu statistics, the name
pre-filter (the idiom finder's sentence pre-filter: tests/eval/test_mwe.py)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from eval.align import sentences as align_module
from eval.align.sentences import _features, _merge, _SlotLayout, align
from eval.lexicon import translit
from eval.scoring.metrics import corpus_scores, document_scores, segment_scores
from eval.text.hypothesis import units_from_hypothesis
from eval.text.segment import segment
from eval.text.tokens import tokenize_ar, tokenize_en

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "examples" / "seed", *sorted((ROOT / "bench" / "data" / "flags").glob("*/*"))]


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _units_and_refs(doc: Path):
    ar = segment(_read(doc / "article.ar.txt"), "ar")
    ref = [s.text for s in segment(_read(doc / "reference.en.txt"), "en")]
    return units_from_hypothesis(ar, _read(doc / "hypothesis.en.txt")), ref


@pytest.mark.parametrize("doc", DOCS[:6], ids=[p.name for p in DOCS[:6]])
def test_alignment_with_bit_sets_equals_alignment_with_counters(doc: Path, monkeypatch):
    units, refs = _units_and_refs(doc)
    assert _SlotLayout([_features(u.hypothesis) for u in units] + [_features(r) for r in refs]).usable
    fast = align(units, refs)
    monkeypatch.setattr(align_module, "_MAX_SLOTS", -1)  # bit sets off: n-gram counters only
    assert align(units, refs) == fast  # beads, similarities included


def test_merged_bit_sets_equal_bit_sets_of_merged_counts():
    rng = random.Random(7)
    words = "the plan to end the war in Ukraine was backed by the US and Europe on Monday".split()
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 14))) for _ in range(40)]
    feats = [_features(t) for t in texts]
    layout = _SlotLayout(feats)
    for _ in range(200):
        i = rng.randrange(len(texts) - 2)
        parts = feats[i : i + rng.randint(2, 3)]
        merged = layout.span(parts)
        direct = _merge(parts)
        assert merged.masks == [layout._mask(n, c) for n, c in enumerate(direct.ngrams)]
        assert merged.totals == direct.totals and merged.chars == direct.chars
        assert merged.numbers == direct.numbers and merged.names == direct.names


PAIRS = [
    ("Macron and Zelenskyy say we support the plan.", "Macron and Zelenskyy say US backs the plan."),
    ("Prices fell by 3%.", "Prices fell by 3%."),
    ("", "A reference sentence with no Arabic."),
    ("An addition the reference lacks.", ""),
    ("Tokenised text ends with a space .", "Tokenised text ends with a space."),
    ("الخطة", "the plan"),
    ("   ", "x"),
    ("one two three four five six seven", "seven six five four three two one"),
]


def test_document_scores_equal_sentence_and_corpus_scores():
    hyps, refs = [h for h, _ in PAIRS], [r for _, r in PAIRS]
    segments, corpus = document_scores(hyps, refs)
    assert segments == [segment_scores(h, r) for h, r in PAIRS]
    assert corpus == corpus_scores(hyps, refs)


def test_name_prefilter_never_rejects_a_match():
    ar_words = sorted({t.text for d in DOCS for t in tokenize_ar(_read(d / "article.ar.txt")) if t.kind == "word"})
    en_names = sorted({t.text for d in DOCS for t in tokenize_en(_read(d / "reference.en.txt"))
                       if t.text[:1].isupper()})
    rng = random.Random(3)
    pairs = [(rng.choice(ar_words), rng.choice(en_names)) for _ in range(8000)]
    pairs += [("ترامب", "Trump"), ("شولتس", "Scholz"), ("ميرتس", "Merz"), ("زيلينسكي", "Zelenskyy")]
    rejected = 0
    for ar, en in pairs:
        for threshold in (translit.THRESHOLD, 0.6):
            exact = translit.name_similarity(ar, en) >= threshold
            assert translit.matches_name(ar, en, threshold) == exact, (ar, en, threshold)
            rejected += not translit._may_match(ar, en, threshold)
    assert rejected  # the pre-filter does rule pairs out


def test_slot_layout_bounds_every_span_count():
    feats = [_features(t) for t in ("aaaa aa", "aa a", "b", "ab ab ab")]
    layout = _SlotLayout(feats)
    merged = layout.span(feats)
    for n, counts in enumerate(_merge(feats).ngrams):
        assert merged.masks[n].bit_count() == counts.total()
