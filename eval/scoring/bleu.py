"""sacrebleu's BLEU with a corpus's n-gram statistics counted at once: the same numbers.

sacrebleu's ``BLEU`` tokenises every segment, counts each hypothesis's and reference's
word n-grams (orders 1 to ``max_ngram_order``) in a ``Counter`` and adds up, per order,
the smaller count of every hypothesis n-gram found in the reference. :class:`BLEU` here
is that metric (same options, same signature, same tokeniser): for a corpus with one
reference per segment, the n-grams of all segments are matched at once
(:func:`eval.scoring.ngrams.ngram_matches`); with several references per segment, or
cached ones, sacrebleu's own extraction runs. ``tests/scoring/test_corpus_statistics.py``
compares the statistics, scores and signatures with sacrebleu's.
"""

from __future__ import annotations

from sacrebleu.metrics.bleu import BLEU as SacrebleuBLEU

from eval.scoring.ngrams import ngram_matches, one_reference_each

__all__ = ["BLEU"]

#: sacrebleu warns when this many hypotheses end in " ." (tokenised input); such a corpus
#: takes sacrebleu's own path, which warns.
_TOKENISED_WARNING = 100


class BLEU(SacrebleuBLEU):
    """sacrebleu's BLEU metric, the statistics of a corpus counted as described above."""

    def _extract_corpus_statistics(self, hypotheses, references) -> list:
        if not one_reference_each(hypotheses, references) or (
            not self._force and sum(h.endswith(" .") for h in hypotheses) >= _TOKENISED_WARNING
        ):
            return super()._extract_corpus_statistics(hypotheses, references)
        self.num_refs = 1  # as _cache_references sets it
        hyps = [self._preprocess_segment(h).split() for h in hypotheses]
        refs = [self._preprocess_segment(r).split() for r in references[0]]
        order = self.max_ngram_order
        matches = ngram_matches(hyps, refs, order)
        # [hypothesis length, reference length] + matches per order + hypothesis n-grams per order
        return [
            [len(hyp), len(ref), *(m[k] for m in matches), *(max(0, len(hyp) - n) for n in range(order))]
            for k, (hyp, ref) in enumerate(zip(hyps, refs, strict=True))
        ]
