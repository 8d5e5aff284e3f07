"""sacrebleu's chrF with faster n-gram statistics: the same numbers.

sacrebleu's ``CHRF`` counts every character n-gram (orders 1 to ``char_order``) and word
n-gram (orders 1 to ``word_order``) of a segment in a ``Counter`` and adds up, per order,
the smaller count of every n-gram of the hypothesis found in the reference. :class:`CHRF`
here is that metric (same options, same signature, same statistics): an order's n-grams
are built from the order below (one more character each), and from order 3 up, where all
the n-grams of one side are distinct (in most segments from order 4 or 5), that side is
kept as a set and the matches are the size of a set intersection, each smaller count
being 1. Other sides are counted in a ``Counter`` and matched n-gram by n-gram, as
sacrebleu does; about a quarter sooner (``tests/eval/test_scoring_fast.py`` compares the
statistics, scores and signatures with sacrebleu's). A corpus with one reference per
segment (a document's scores) has the n-grams of all its segments matched at once
(:func:`eval.scoring.ngrams.ngram_matches`, numpy; ``tests/scoring/test_corpus_statistics.py``).
"""

from __future__ import annotations

from collections import Counter
from operator import add

from sacrebleu.metrics.chrf import CHRF as SacrebleuCHRF

from eval.scoring.ngrams import ngram_matches, one_reference_each

__all__ = ["CHRF"]

#: One order's n-grams of one side: their number, and the set of them when all are
#: distinct, else their counts.
_Bag = tuple[int, "set[str] | Counter[str]"]


def _bag(grams: list[str]) -> _Bag:
    distinct = set(grams)
    if len(distinct) == len(grams):
        return len(grams), distinct
    return len(grams), Counter(grams)


def _matches(hyp: _Bag, ref: _Bag) -> list[int]:
    """``CHRF._get_match_statistics``: [hypothesis n-grams (0 when the reference has
    none), reference n-grams, matches (the sum of the smaller counts)]."""
    n_hyp, h = hyp
    n_ref, r = ref
    if isinstance(h, set):
        match = len(h.intersection(r))
    elif isinstance(r, set):
        match = len(r.intersection(h))
    else:
        if len(r) < len(h):
            h, r = r, h
        match = 0
        get = r.get
        for gram, count in h.items():
            other = get(gram)
            if other is not None:
                match += count if count < other else other
    return [n_hyp if n_ref else 0, n_ref, match]


class CHRF(SacrebleuCHRF):
    """sacrebleu's chrF metric, its segment statistics counted as described above."""

    def _extract_corpus_statistics(self, hypotheses, references) -> list:
        """sacrebleu's, for a corpus with one reference per segment: every segment's
        n-grams matched at once (:func:`eval.scoring.ngrams.ngram_matches`) instead of
        one segment at a time; the same statistics. Other references: sacrebleu's way."""
        if not one_reference_each(hypotheses, references):
            return super()._extract_corpus_statistics(hypotheses, references)
        self.num_refs = 1  # as _cache_references sets it
        hyps = [self._preprocess_segment(h) for h in hypotheses]
        refs = [self._preprocess_segment(r) for r in references[0]]
        columns: list[list[tuple[int, int, int]]] = []  # per order, per segment: its statistics
        for orders, split in ((self.char_order, self._characters), (self.word_order, self._remove_punctuation)):
            if not orders:
                continue
            hyp_seqs, ref_seqs = [split(h) for h in hyps], [split(r) for r in refs]
            for n, matches in enumerate(ngram_matches(hyp_seqs, ref_seqs, orders), start=1):
                n_refs = [max(0, len(r) - n + 1) for r in ref_seqs]
                n_hyps = [max(0, len(h) - n + 1) if r else 0 for h, r in zip(hyp_seqs, n_refs, strict=True)]
                columns.append(list(zip(n_hyps, n_refs, matches, strict=True)))
        return [[x for stats in row for x in stats] for row in zip(*columns, strict=True)] if columns else [
            [] for _ in hyps
        ]

    def _characters(self, sent: str) -> str:
        """The characters chrF takes n-grams of."""
        return sent if self.whitespace else "".join(sent.split())

    def _bags(self, sent: str) -> list[_Bag]:
        """The n-grams of every order of one segment, characters then words."""
        line = self._characters(sent)
        # Orders 1 and 2 repeat n-grams in all but the shortest segments: counted at once.
        bags: list[_Bag] = []
        grams: list[str] = list(line)
        for n in range(1, self.char_order + 1):
            if n > 1:
                grams = list(map(add, grams, line[n - 1:]))  # each n-gram: its (n-1)-gram + a character
            bags.append((len(grams), Counter(grams)) if n <= 2 else _bag(grams))
        if self.word_order > 0:
            words = self._remove_punctuation(sent)
            for n in range(1, self.word_order + 1):
                bags.append(_bag(list(map(" ".join, zip(*(words[k:] for k in range(n)), strict=False)))))
        return bags

    def _extract_reference_info(self, refs) -> dict:
        return {"ref_ngrams": [self._bags(ref) for ref in refs]}

    def _compute_segment_statistics(self, hypothesis: str, ref_kwargs: dict) -> list[int]:
        hyp = self._bags(hypothesis)
        best_stats: list[int] = []
        best_f_score = -1.0
        for ref in ref_kwargs["ref_ngrams"]:
            stats: list[int] = []
            for h, r in zip(hyp, ref, strict=True):
                stats.extend(_matches(h, r))
            f_score = self._compute_f_score(stats)
            if f_score > best_f_score:
                best_f_score, best_stats = f_score, stats
        return best_stats
