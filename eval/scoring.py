"""Segment and corpus scores with sacrebleu.

Per aligned bead: sentence BLEU (effective order), chrF++ and TER. Per
document: corpus BLEU, chrF++ and TER with their sacrebleu signatures, so a
score can always be reproduced.
"""

from __future__ import annotations

from collections.abc import Sequence

from sacrebleu.metrics import BLEU, CHRF, TER

from eval.data import CorpusScore, SegmentScores


def _sentence_metrics() -> tuple[BLEU, CHRF, TER]:
    return BLEU(effective_order=True), CHRF(word_order=2), TER()


def segment_scores(hypothesis: str, reference: str) -> SegmentScores | None:
    """Scores of one aligned pair; ``None`` when either side is empty."""
    if not hypothesis.strip() or not reference.strip():
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
    for name, metric in (("bleu", BLEU()), ("chrf", CHRF(word_order=2)), ("ter", TER())):
        result = metric.corpus_score(list(hypotheses), [list(references)])
        out[name] = CorpusScore(name, result.score, str(metric.get_signature()))
    return out
