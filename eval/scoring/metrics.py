"""Segment and corpus scores with sacrebleu.

Per aligned bead: sentence BLEU (effective order), chrF++ and TER. Per
document: corpus BLEU, chrF++ and TER with their sacrebleu signatures, so a
score can always be reproduced.

:func:`document_scores` computes both at once: sacrebleu scores a sentence and a
corpus from the same per-segment statistics (n-gram matches, edits), so each
segment's statistics are extracted once and serve both its sentence score and the
corpus score — the values are exactly those of ``sentence_score`` and
``corpus_score`` (tested), at half the cost (TER's shift search dominates).
"""

from __future__ import annotations

from collections.abc import Sequence

from sacrebleu.metrics import BLEU, CHRF, TER

from eval.values import CorpusScore, SegmentScores


def _sentence_metrics() -> tuple[BLEU, CHRF, TER]:
    return BLEU(effective_order=True), CHRF(word_order=2), TER()


def _corpus_metrics() -> tuple[tuple[str, BLEU | CHRF | TER], ...]:
    return (("bleu", BLEU()), ("chrf", CHRF(word_order=2)), ("ter", TER()))


def _scorable(hypothesis: str, reference: str) -> bool:
    return bool(hypothesis.strip() and reference.strip())


def segment_scores(hypothesis: str, reference: str) -> SegmentScores | None:
    """Scores of one aligned pair; ``None`` when either side is empty."""
    if not _scorable(hypothesis, reference):
        return None
    bleu, chrf, ter = _sentence_metrics()
    return SegmentScores(
        bleu=bleu.sentence_score(hypothesis, [reference]).score,
        chrf=chrf.sentence_score(hypothesis, [reference]).score,
        ter=ter.sentence_score(hypothesis, [reference]).score,
    )


def corpus_scores(hypotheses: Sequence[str], references: Sequence[str]) -> dict[str, CorpusScore]:
    """Corpus BLEU, chrF++ and TER over aligned pairs (an empty side counts as empty text)."""
    out: dict[str, CorpusScore] = {}
    for name, metric in _corpus_metrics():
        result = metric.corpus_score(list(hypotheses), [list(references)])
        out[name] = CorpusScore(name, result.score, str(metric.get_signature()))
    return out


def document_scores(
    hypotheses: Sequence[str], references: Sequence[str]
) -> tuple[list[SegmentScores | None], dict[str, CorpusScore]]:
    """``[segment_scores(h, r) for each pair]`` and ``corpus_scores(hypotheses, references)``,
    with every segment's statistics computed once."""
    hyps, refs = list(hypotheses), list(references)
    corpus: dict[str, CorpusScore] = {}
    stats: dict[str, list] = {}
    for name, metric in _corpus_metrics():
        # What Metric.corpus_score does (without bootstrap), keeping the statistics.
        metric._check_corpus_score_args(hyps, [refs])
        stats[name] = metric._extract_corpus_statistics(hyps, [refs])
        score = metric._aggregate_and_compute(stats[name]).score
        corpus[name] = CorpusScore(name, score, str(metric.get_signature()))
    # What Metric.sentence_score does with one segment's statistics (BLEU: effective order).
    bleu, chrf, ter = _sentence_metrics()
    segments: list[SegmentScores | None] = []
    for k, (hyp, ref) in enumerate(zip(hyps, refs, strict=True)):
        if not _scorable(hyp, ref):
            segments.append(None)
            continue
        segments.append(SegmentScores(
            bleu=bleu._aggregate_and_compute([stats["bleu"][k]]).score,
            chrf=chrf._aggregate_and_compute([stats["chrf"][k]]).score,
            ter=ter._aggregate_and_compute([stats["ter"][k]]).score,
        ))
    return segments, corpus
