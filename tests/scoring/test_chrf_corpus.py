"""chrF's corpus statistics counted at once (eval.scoring.chrf.CHRF._extract_corpus_statistics
with one reference per segment, numpy) equal the statistics counted segment by segment
(the per-segment path of the same class, and sacrebleu's own CHRF), on the aligned
sentence pairs of the bundled example and the labelled development sets (never the
held-out C-test) and on made-up edge cases."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sacrebleu.metrics import CHRF as SacrebleuCHRF

from eval.align.sentences import align
from eval.scoring.chrf import CHRF
from eval.text.hypothesis import units_from_hypothesis
from eval.text.segment import segment

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "examples" / "seed", *sorted(
    p for p in (ROOT / "bench" / "data" / "flags").glob("*/*") if p.is_dir() and p.parent.name != "C-test"
)]
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
