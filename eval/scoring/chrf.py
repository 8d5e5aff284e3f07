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
statistics, scores and signatures with sacrebleu's).
"""

from __future__ import annotations

from collections import Counter
from operator import add

from sacrebleu.metrics.chrf import CHRF as SacrebleuCHRF

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


def _shared_counts(symbols, owner, left, orders: int, segments: int) -> list:
    """For n-gram orders 1 to ``orders`` of sequences of symbols (characters or words, as
    integers from 0): per segment, the sum over the n-grams of its hypothesis of the
    smaller of the n-gram's counts in the hypothesis and in the reference (numpy arrays).

    ``owner`` is each position's segment times 2, plus 1 on the reference side;
    ``left`` the number of symbols from it to its sequence's end. Every n-gram is
    numbered (its (n-1)-gram's number, then the symbol after it) and counted per
    (n-gram, owner) in one sort, where a segment's two sides are neighbours."""
    import numpy as np

    out = []
    gram = symbols
    following = np.append(symbols[1:], 0)
    base = int(symbols.max()) + 1 if len(symbols) else 1
    for n in range(1, orders + 1):
        if n > 1:  # at positions with fewer than n symbols left, a number never counted
            gram = np.unique(gram * base + following, return_inverse=True)[1].reshape(-1)
            following = np.append(following[1:], 0)
            base = len(symbols) + 1
        whole = left >= n
        keys, counts = np.unique(gram[whole] * (2 * segments) + owner[whole], return_counts=True)
        paired = (keys[1:] == keys[:-1] + 1) & (keys[:-1] % 2 == 0)  # hypothesis, then reference
        shared = np.minimum(counts[:-1], counts[1:])[paired]
        at = keys[:-1][paired] // 2 % segments
        out.append(np.bincount(at, weights=shared, minlength=segments).astype(np.int64))
    return out


def _sequences(items: list) -> tuple:
    """(symbols, owner, left) of :func:`_shared_counts` for ``items``: the hypothesis and
    reference sequences of every segment, alternately, each symbol numbered by rank."""
    import numpy as np

    lengths = np.array([len(item) for item in items], dtype=np.int64)
    flat = [symbol for item in items for symbol in item]
    numbers = {symbol: k for k, symbol in enumerate(dict.fromkeys(flat))}
    symbols = np.fromiter(map(numbers.__getitem__, flat), np.int64, len(flat))
    owner = np.repeat(np.arange(len(items), dtype=np.int64), lengths)
    left = np.cumsum(lengths)[owner] - np.arange(len(flat))
    return symbols, owner, left


class CHRF(SacrebleuCHRF):
    """sacrebleu's chrF metric, its segment statistics counted as described above."""

    def _extract_corpus_statistics(self, hypotheses, references) -> list:
        """sacrebleu's, for a corpus with one reference per segment: every segment's
        n-grams counted at once (:func:`_shared_counts`, numpy) instead of one ``Counter``
        per segment; the same statistics (``tests/scoring/test_chrf_corpus.py``)."""
        if not references or len(references) != 1 or len(references[0]) != len(hypotheses) or not hypotheses:
            return super()._extract_corpus_statistics(hypotheses, references)
        refs = references[0]
        if any(ref is None for ref in refs):
            return super()._extract_corpus_statistics(hypotheses, references)
        self.num_refs = 1  # as _cache_references sets it: one reference per segment
        texts = [self._preprocess_segment(t) for pair in zip(hypotheses, refs, strict=True) for t in pair]
        segments = len(hypotheses)
        matches: list = []
        sizes: list[list[int]] = []
        for orders, items in (
            (self.char_order, [t if self.whitespace else "".join(t.split()) for t in texts]),
            (self.word_order, [self._remove_punctuation(t) for t in texts] if self.word_order else []),
        ):
            if not orders:
                continue
            symbols, owner, left = _sequences(items)
            matches += [m.tolist() for m in _shared_counts(symbols, owner, left, orders, segments)]
            sizes += [[max(0, len(item) - n + 1) for item in items] for n in range(1, orders + 1)]
        stats = []
        for k in range(segments):
            row: list[int] = []
            for size, match in zip(sizes, matches, strict=True):
                n_hyp, n_ref = size[2 * k], size[2 * k + 1]
                row += [n_hyp if n_ref else 0, n_ref, match[k]]
            stats.append(row)
        return stats

    def _bags(self, sent: str) -> list[_Bag]:
        """The n-grams of every order of one segment, characters then words."""
        line = sent if self.whitespace else "".join(sent.split())
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
