"""chrF's and BLEU's corpus statistics counted at once (``_extract_corpus_statistics`` of
eval.scoring.chrf.CHRF and eval.scoring.bleu.BLEU with one reference per segment:
eval.scoring.ngrams.ngram_matches, numpy) equal the statistics counted segment by segment
(the per-segment path of the same class, and sacrebleu's own metrics), on the aligned
sentence pairs of the bundled example and the labelled development sets (never the
held-out C-test) and on made-up edge cases; so do scores and signatures."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
from sacrebleu.metrics import BLEU as SacrebleuBLEU
from sacrebleu.metrics import CHRF as SacrebleuCHRF

from eval.align.sentences import align
from eval.scoring.bleu import BLEU
from eval.scoring.chrf import CHRF
from eval.scoring.ngrams import ngram_matches
from eval.text.hypothesis import units_from_hypothesis
from eval.text.segment import segment

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "examples" / "seed", *sorted(
    p for p in (ROOT / "bench" / "data" / "flags").glob("*/*") if p.is_dir() and p.parent.name != "C-test"
)]
BLEU_OPTIONS = [
    {}, {"effective_order": True}, {"lowercase": True}, {"tokenize": "none"}, {"tokenize": "char"},
    {"tokenize": "intl", "max_ngram_order": 6}, {"max_ngram_order": 1, "smooth_method": "floor"},
]
OPTIONS = [
    {"word_order": 2}, {}, {"char_order": 0, "word_order": 2}, {"word_order": 2, "whitespace": True},
    {"char_order": 8, "word_order": 3, "lowercase": True}, {"char_order": 1, "word_order": 0},
]


def _aligned_pairs(doc: Path) -> tuple[list[str], list[str]]:
    """The document's beads as the score stage sees them: (hypotheses, references)."""
    def read(name: str) -> str:
        return (doc / name).read_text(encoding="utf-8")

    units = units_from_hypothesis(segment(read("article.ar.txt"), "ar"), read("hypothesis.en.txt"))
    refs = [s.text for s in segment(read("reference.en.txt"), "en")]
    beads = align(units, refs)
    return [b.hypothesis for b in beads], [" ".join(refs[j] for j in b.ref) for b in beads]


@pytest.fixture(scope="module")
def corpora() -> list[tuple[list[str], list[str]]]:
    return [_aligned_pairs(doc) for doc in DOCS]


def _per_segment(metric: CHRF, hyps: list[str], refs: list[str]) -> list[list[int]]:
    """The statistics as sacrebleu's Metric extracts them, one segment at a time."""
    cache = metric._cache_references([refs])
    return [metric._compute_segment_statistics(metric._preprocess_segment(h), r) for h, r in zip(hyps, cache, strict=True)]


@pytest.mark.parametrize("options", OPTIONS, ids=[str(o) for o in OPTIONS])
def test_corpus_statistics_at_once_equal_segment_by_segment(corpora, options):
    for hyps, refs in corpora:
        fast = CHRF(**options)._extract_corpus_statistics(hyps, [refs])
        assert fast == _per_segment(CHRF(**options), hyps, refs)
        assert fast == SacrebleuCHRF(**options)._extract_corpus_statistics(hyps, [refs])
        assert all(type(x) is int for row in fast for x in row)


def test_edge_cases_and_random_texts():
    rng = random.Random(3)
    alphabet = list("ab (c).,") + ["\u0627", "\u0644", "é", "Z", "\u4e00"]
    texts = ["", " ", "x", "(a) b.", "aaa aaa", "aa aaaa", "a a a a", "«quoted» text!", "Ünïcode ÀB"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(200)]
    hyps = texts[:]
    refs = texts[:]
    rng.shuffle(refs)
    for options in OPTIONS:
        ours, theirs = CHRF(**options), SacrebleuCHRF(**options)
        assert ours._extract_corpus_statistics(hyps, [refs]) == theirs._extract_corpus_statistics(hyps, [refs])
        assert ours._extract_corpus_statistics(refs, [hyps]) == theirs._extract_corpus_statistics(refs, [hyps])
        assert ours.num_refs == theirs.num_refs == 1
        for h, r in zip(hyps[:20], refs[:20], strict=True):  # one segment at a time, as sentence scores
            assert ours._extract_corpus_statistics([h], [[r]]) == theirs._extract_corpus_statistics([h], [[r]])


def test_other_reference_shapes_take_sacrebleus_path():
    """Two references per segment, a missing reference: sacrebleu's own extraction."""
    hyps, refs = ["a plan", "the war"], ["the plan", "a war"]
    ours, theirs = CHRF(word_order=2), SacrebleuCHRF(word_order=2)
    assert ours._extract_corpus_statistics(hyps, [refs, refs[::-1]]) == theirs._extract_corpus_statistics(
        hyps, [refs, refs[::-1]]
    )
    assert ours.num_refs == theirs.num_refs == 2
    assert ours._extract_corpus_statistics(hyps, [["the plan", None]]) == theirs._extract_corpus_statistics(
        hyps, [["the plan", None]]
    )
    assert ours.num_refs == theirs.num_refs == -1
    assert str(ours.get_signature()) == str(theirs.get_signature())


@pytest.mark.parametrize("options", BLEU_OPTIONS, ids=[str(o) for o in BLEU_OPTIONS])
def test_bleu_corpus_statistics_scores_and_signature_are_sacrebleus(corpora, options):
    for hyps, refs in corpora[::2]:
        ours, theirs = BLEU(**options), SacrebleuBLEU(**options)
        fast = ours._extract_corpus_statistics(hyps, [refs])
        assert fast == theirs._extract_corpus_statistics(hyps, [refs])
        assert all(type(x) is int for row in fast for x in row)
        assert repr(ours.corpus_score(hyps, [refs]).score) == repr(theirs.corpus_score(hyps, [refs]).score)
        assert str(ours.get_signature()) == str(theirs.get_signature())
    hyps, refs = corpora[0]
    for h, r in zip(hyps, refs, strict=True):
        assert repr(ours.sentence_score(h, [r]).score) == repr(theirs.sentence_score(h, [r]).score)


def test_bleu_edge_cases_and_other_reference_shapes():
    hyps = ["", "a", "the plan .", "a a a a a", "The Plan, the plan!", "x y z w v u"]
    refs = ["a", "", "the plan.", "a a", "the plan the plan", "x y z w v u"]
    ours, theirs = BLEU(), SacrebleuBLEU()
    assert ours._extract_corpus_statistics(hyps, [refs]) == theirs._extract_corpus_statistics(hyps, [refs])
    assert ours._extract_corpus_statistics(hyps, [refs, refs[::-1]]) == theirs._extract_corpus_statistics(
        hyps, [refs, refs[::-1]]
    )
    assert ours.num_refs == theirs.num_refs == 2
    tokenised = ["a sentence ."] * 100  # sacrebleu's own path, which warns about tokenised input
    assert ours._extract_corpus_statistics(tokenised, [tokenised]) == theirs._extract_corpus_statistics(
        tokenised, [tokenised]
    )


def test_ngram_matches_equal_counters():
    rng = random.Random(11)
    hyps = [[rng.choice("abcd") for _ in range(rng.randint(0, 12))] for _ in range(300)]
    refs = [[rng.choice("abce") for _ in range(rng.randint(0, 12))] for _ in range(300)]
    got = ngram_matches(hyps, refs, 5)
    for n in range(1, 6):
        for k, (h, r) in enumerate(zip(hyps, refs, strict=True)):
            hc = Counter(tuple(h[i:i + n]) for i in range(len(h) - n + 1))
            rc = Counter(tuple(r[i:i + n]) for i in range(len(r) - n + 1))
            assert got[n - 1][k] == sum((hc & rc).values()), (n, h, r)
    assert ngram_matches([], [], 3) == [[], [], []]
