"""N-gram matches of many segments at once, with numpy: what chrF and BLEU count.

Both metrics need, per segment and n-gram order, the sum over the hypothesis's n-grams
of the smaller of the n-gram's counts in the hypothesis and in the reference (chrF over
characters and words, BLEU over tokens). sacrebleu counts each segment's n-grams in a
``Counter`` and matches them one by one; :func:`ngram_matches` counts those of every
segment of a corpus in a few array passes, with the same integers (tested against
sacrebleu's own metrics in ``tests/scoring/test_corpus_statistics.py``).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

__all__ = ["ngram_matches", "one_reference_each"]

#: N-gram numbers times segments stay below this (int64 arrays).
_LARGEST = 1 << 62


def ngram_matches(
    hypotheses: Sequence[Sequence[Hashable]], references: Sequence[Sequence[Hashable]], orders: int
) -> list[list[int]]:
    """Per n-gram order 1 to ``orders``, per segment ``k``: the sum over the distinct
    n-grams of ``hypotheses[k]`` (a sequence of characters, words, tokens) of the smaller
    of its counts there and in ``references[k]``.

    Every symbol gets a number, then every n-gram at every position (its (n-1)-gram's
    number and the symbol after it, renumbered densely only when the numbers would grow
    too large); one sort per order of the keys (n-gram, segment, side) counts them, a
    segment's two sides of one n-gram side by side.
    """
    import numpy as np

    segments = len(hypotheses)
    items = [side for pair in zip(hypotheses, references, strict=True) for side in pair]
    lengths = np.array([len(item) for item in items], dtype=np.int64)
    flat = [symbol for item in items for symbol in item]
    numbers: dict[Hashable, int] = {}
    symbols = np.fromiter((numbers.setdefault(s, len(numbers)) for s in flat), np.int64, len(flat))
    owner = np.repeat(np.arange(len(items), dtype=np.int64), lengths)  # segment * 2 + side
    left = np.cumsum(lengths)[owner] - np.arange(len(flat))  # symbols from here to its item's end
    out: list[list[int]] = []
    gram, base = symbols, max(1, len(numbers))  # base: above every symbol's number
    values = base  # above every n-gram's number
    following = np.append(symbols[1:], 0)
    for n in range(1, orders + 1):
        if n > 1:  # (where fewer than n symbols are left, a number that is never counted)
            if values * base * 2 * segments >= _LARGEST:  # renumbered densely first
                gram = np.unique(gram, return_inverse=True)[1].reshape(-1)
                values = len(gram)
            gram = gram * base + following
            values *= base
            following = np.append(following[1:], 0)
        whole = left >= n
        keys = gram[whole] * (2 * segments) + owner[whole]
        if values * 2 * segments <= 4 * len(keys):  # few possible keys: a table of counts
            table = np.bincount(keys, minlength=values * 2 * segments).reshape(values, segments, 2)
            out.append(np.minimum(table[..., 0], table[..., 1]).sum(axis=0).tolist())
            continue
        keys, counts = np.unique(keys, return_counts=True)
        paired = (keys[1:] == keys[:-1] + 1) & (keys[:-1] % 2 == 0)  # a hypothesis's, then its reference's
        shared = np.minimum(counts[:-1], counts[1:])[paired]
        at = keys[:-1][paired] // 2 % segments
        out.append(np.bincount(at, weights=shared, minlength=segments).astype(np.int64).tolist())
    return out


def one_reference_each(hypotheses: Sequence[str], references: Sequence[Sequence[str | None]] | None) -> bool:
    """Whether ``references`` (sacrebleu's reference streams) hold exactly one reference
    for each of the (one or more) hypotheses: where :func:`ngram_matches` serves."""
    return bool(
        hypotheses and references and len(references) == 1 and len(references[0]) == len(hypotheses)
        and all(ref is not None for ref in references[0])
    )
