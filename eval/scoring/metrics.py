"""Segment and corpus scores with sacrebleu, for every metric of the registry.

Per aligned bead: sentence BLEU (effective order), chrF++ and TER. Per document: corpus
BLEU, chrF++ and TER with their sacrebleu signatures, so a score can always be
reproduced. Which metrics, and how each is configured, is :data:`eval.scoring.registry.METRICS`.

:func:`document_scores` computes both at once: sacrebleu scores a sentence and a
corpus from the same per-segment statistics (n-gram matches, edits), so each
segment's statistics are extracted once and serve both its sentence score and the
corpus score — the values are exactly those of ``sentence_score`` and
``corpus_score`` (tested), at half the cost. The registry's TER, chrF and BLEU are
sacrebleu's with faster statistics (:mod:`eval.scoring.ter`, :mod:`eval.scoring.chrf`,
:mod:`eval.scoring.bleu`; the same numbers, tested against sacrebleu's own metrics in
``tests/eval/test_scoring_fast.py`` and ``tests/scoring/test_corpus_statistics.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

from eval.scoring.registry import METRICS
from eval.values import CorpusScore, SegmentScores


def _scorable(hypothesis: str, reference: str) -> bool:
    return bool(hypothesis.strip() and reference.strip())


def segment_scores(hypothesis: str, reference: str) -> SegmentScores | None:
    """Scores of one aligned pair; ``None`` when either side is empty."""
    if not _scorable(hypothesis, reference):
        return None
    return SegmentScores(**{
        key: spec.segment_metric().sentence_score(hypothesis, [reference]).score
        for key, spec in METRICS.items()
    })


def corpus_scores(hypotheses: Sequence[str], references: Sequence[str]) -> dict[str, CorpusScore]:
    """Corpus scores of every registry metric over aligned pairs (an empty side counts as
    empty text), keyed by metric key."""
    out: dict[str, CorpusScore] = {}
    for key, spec in METRICS.items():
        metric = spec.corpus_metric()
        result = metric.corpus_score(list(hypotheses), [list(references)])
        out[key] = CorpusScore(key, result.score, str(metric.get_signature()))
    return out


def document_scores(
    hypotheses: Sequence[str], references: Sequence[str]
) -> tuple[list[SegmentScores | None], dict[str, CorpusScore]]:
    """``[segment_scores(h, r) for each pair]`` and ``corpus_scores(hypotheses, references)``,
    with every segment's statistics computed once."""
    hyps, refs = list(hypotheses), list(references)
    corpus: dict[str, CorpusScore] = {}
    stats: dict[str, list] = {}
    for key, spec in METRICS.items():
        metric = spec.corpus_metric()
        # What Metric.corpus_score does (without bootstrap), keeping the statistics.
        metric._check_corpus_score_args(hyps, [refs])
        stats[key] = metric._extract_corpus_statistics(hyps, [refs])
        score = metric._aggregate_and_compute(stats[key]).score
        corpus[key] = CorpusScore(key, score, str(metric.get_signature()))
    # What Metric.sentence_score does with one segment's statistics (BLEU: effective order).
    sentence = {key: spec.segment_metric() for key, spec in METRICS.items()}
    segments: list[SegmentScores | None] = []
    for k, (hyp, ref) in enumerate(zip(hyps, refs, strict=True)):
        if not _scorable(hyp, ref):
            segments.append(None)
            continue
        segments.append(SegmentScores(**{
            key: metric._aggregate_and_compute([stats[key][k]]).score
            for key, metric in sentence.items()
        }))
    return segments, corpus
