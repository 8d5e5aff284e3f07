"""Sentence alignment of back-translated Arabic units to reference sentences.

A monotonic dynamic programme over beads in the spirit of Bleualign and
vecalign: each bead pairs 0–3 Arabic units with 0–3 reference sentences. A bead
that pairs text on both sides costs ``1 - similarity`` per sentence it covers
(plus a small penalty for merging); leaving a sentence unpaired costs
``skip_cost``. Similarity is a character n-gram F-score (chrF, computed from
cached n-gram counts so that merged beads need no re-tokenising) between the
back-translation and the reference, raised by numbers and names the two sides
share. The counts of each order are kept as bit sets (one bit per possible
occurrence of each n-gram, see :class:`_SlotLayout`, built with numpy), so that the
n-grams two texts share — thousands of pairs per article — are counted with one AND
instead of a dictionary walk; the result is the same number. The n-gram counters
themselves are built only where bit sets cannot stand for them. Most beads are never
scored: an upper bound of every bead's similarity, from n-gram totals and the exact
bonuses (computed for all beads at once with numpy), already shows they cannot win.

Pure computation: strings in, :class:`~eval.values.Bead` values out.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from operator import add, and_
from typing import TYPE_CHECKING

from eval.values import Bead, Unit

if TYPE_CHECKING:
    import numpy as np

# (arabic units, reference sentences) per bead, with an extra cost for merges.
BEAD_SHAPES: tuple[tuple[int, int], ...] = (
    (1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1), (1, 0), (0, 1),
)
_SKIP_SHAPES = tuple((a, r) for a, r in BEAD_SHAPES if a == 0 or r == 0)
_MERGE_SHAPES = tuple((a, r) for a, r in BEAD_SHAPES if a and r)
_CHAR_ORDER = 6
#: A sentence pair's similarity: the bonus for shared numbers, and again for shared names
#: (:func:`similarity`, bounded by :func:`_upper_similarity`).
_MATCH_BONUS = 0.15
#: chrF is scaled by ``floor + (1 - floor) * sqrt(length ratio)``: very different lengths
#: are unlikely translations of each other.
_LENGTH_FLOOR = 0.75
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-zA-Z'’-]+")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class AlignSettings:
    skip_cost: float = 0.42
    merge_penalty: float = 0.3
    # Width of the search band around the diagonal, as (minimum, fraction of length).
    band_min: int = 15
    band_fraction: float = 0.15


@dataclass
class _Features:
    text: str | None  # the text without its spaces; None for a span of several texts
    numbers: Counter
    names: Counter
    chars: int
    totals: list[int]  # per order, the number of n-grams
    # Per order, the n-gram counts as a bit set of occurrence slots (see _SlotLayout);
    # filled in by align() only.
    masks: list[int] = field(default_factory=list)
    # Per order, the n-gram counts: built on first use from ``text`` (a span's are summed
    # by _merge).
    counts: list[Counter] | None = None

    @property
    def ngrams(self) -> list[Counter]:
        if self.counts is None:
            assert self.text is not None
            # The n-grams of each order, each an (n-1)-gram with the character after it.
            grams = [list(self.text)]
            for n in range(1, _CHAR_ORDER):
                grams.append(list(map(add, grams[-1], self.text[n:])))
            self.counts = [Counter(g) for g in grams]
        return self.counts


def _features(text: str) -> _Features:
    squeezed = _SPACE.sub("", text)
    numbers = Counter(m.group().replace(",", "") for m in _NUMBER.finditer(text))
    names = Counter(m.group().lower() for m in _NAME.finditer(text))
    chars = len(squeezed)
    return _Features(squeezed, numbers, names, chars, [max(0, chars - n) for n in range(_CHAR_ORDER)])


def _merge(features: Sequence[_Features], *, counts: bool = True) -> _Features:
    """The features of consecutive texts taken together; without n-gram counts if not
    ``counts`` (then only bit sets can stand for them)."""
    if len(features) == 1:
        return features[0]
    out = _Features(None, Counter(), Counter(), 0, [0] * _CHAR_ORDER)
    for f in features:
        out.numbers.update(f.numbers)
        out.names.update(f.names)
        out.chars += f.chars
        out.totals = list(map(add, out.totals, f.totals))
    if counts:
        out.counts = [Counter() for _ in range(_CHAR_ORDER)]
        for f in features:
            for summed, part in zip(out.counts, f.ngrams, strict=True):
                summed.update(part)
    return out


# Above this many occurrence slots in one order, bit sets get long enough for the
# n-gram counters to be as fast (long documents): the aligner then uses those.
_MAX_SLOTS = 1 << 16
# Each text position's next _CHAR_ORDER characters, as ranks in the texts' alphabet (0 past
# the end of the text), are packed into one 64-bit integer: up to 2**10 - 1 characters.
_MAX_ALPHABET_BITS = 63 // _CHAR_ORDER


#: The most cells (texts × n-grams of one order and side) of the table :func:`_most_in_runs`
#: builds; above it the n-grams keep the slots of all their occurrences.
_MAX_RUN_TABLE = 1 << 16


def _most_in_runs(grams: np.ndarray, texts: np.ndarray, numbered: int, first: int, last: int, width: int) -> np.ndarray:
    """Per n-gram number below ``numbered``: the most times it occurs in ``width``
    consecutive texts of ``first`` to ``last - 1`` (one side), from the number and the
    text of each occurrence there (numpy arrays); at least that (all its occurrences)
    where the table of counts per text would be large."""
    import numpy as np

    count = last - first
    if width >= count or count * numbered > _MAX_RUN_TABLE:
        return np.bincount(grams, minlength=numbered)
    table = np.bincount((texts - first) * numbered + grams, minlength=count * numbered).reshape(count, numbered)
    summed = np.concatenate([np.zeros((1, numbered), np.int64), np.cumsum(table, axis=0)])
    return (summed[width:] - summed[:-width]).max(axis=0)


class _SlotLayout:
    """Counts as bit sets, so that the shared n-gram count of two texts is one AND.

    Every n-gram of an order that occurs on each of the ``sides`` (the back-translations,
    the reference sentences) gets as many consecutive bits ("occurrence slots") as it
    can occur in a span of the side where it is rarer: its count over all texts of that
    side, or, when no span will have more than ``widest`` texts, the most it occurs in
    that many consecutive texts (the aligner's spans have at most 3: far fewer slots for
    the short n-grams, which recur in every sentence). A span of texts that has it ``c``
    times sets the first ``c`` of them (all of them if ``c`` is more). Then ``sum(min(h[g], r[g]))`` over n-grams ``g`` — the
    common count of chrF — is ``(h_mask & r_mask).bit_count()``, exactly: a shared
    n-gram has at least as many slots as its smaller count, and one that a side lacks
    adds nothing to the sum.

    Built with numpy. Each text position gets one integer, its next characters packed
    first character highest, so that sorting those integers once groups the positions
    by n-gram for every order (the n-gram at a position is the integer's top digits).
    The slot-holding n-grams of all orders then form one array of n-gram numbers in text
    order: a span's counts are one ``bincount`` of a slice, and its bit sets one
    comparison of those counts with each slot's rank in its n-gram.
    """

    def __init__(self, *sides: Sequence[_Features], widest: int | None = None) -> None:
        """``widest``: no span asked for will have more texts than this; then an n-gram
        needs only as many slots as the most it occurs in ``widest`` consecutive texts of
        the side where that is fewer (no more than in all its texts): shorter bit sets."""
        import numpy as np

        self.features = [f for side in sides for f in side]
        lengths = np.array([f.chars for f in self.features], dtype=np.int64)
        points = np.frombuffer("".join(f.text or "" for f in self.features).encode("utf-32-le"), np.uint32)
        alphabet = np.unique(points)
        width = len(alphabet).bit_length()  # ranks from 1; 0 is "past the end"
        self.usable = width <= _MAX_ALPHABET_BITS
        if not self.usable:
            return
        ranks = np.searchsorted(alphabet, points).astype(np.int64) + 1
        owner = np.repeat(np.arange(len(self.features)), lengths)  # text of each position
        left = np.cumsum(lengths)[owner] - np.arange(len(owner))  # characters to its text's end
        side = np.repeat(np.arange(len(sides)), [len(s) for s in sides])[owner]
        padded = np.concatenate([ranks, np.zeros(_CHAR_ORDER, np.int64)])
        codes = np.zeros(len(ranks), np.int64)
        for n in range(_CHAR_ORDER):
            nth = np.where(left > n, padded[n : n + len(ranks)], 0)
            codes |= nth << (width * (_CHAR_ORDER - 1 - n))
        by_code = np.argsort(codes)
        codes, owner_sorted, left_sorted = codes[by_code], owner[by_code], left[by_code]
        on_side = [side[by_code] == k for k in range(len(sides))]
        ends = np.cumsum([len(s) for s in sides]).tolist()
        side_bounds = list(zip([0, *ends[:-1]], ends, strict=True))  # each side's first and last text + 1
        grams = np.full((len(ranks), _CHAR_ORDER), -1, np.int64)  # per position and order
        slot_grams, slot_ranks, self.byte_ranges = [], [], []
        numbered = nbytes = 0  # n-grams with slots, bytes of bit set, in earlier orders
        for n in range(_CHAR_ORDER):
            prefix = codes >> (width * (_CHAR_ORDER - 1 - n))  # the n-gram, if all n+1 are in the text
            gram = np.cumsum(np.diff(prefix, prepend=prefix[:1]) != 0)  # its number
            whole = left_sorted > n
            numbered_here = gram[-1] + 1 if len(gram) else 0
            room = np.minimum.reduce([
                np.bincount(gram[here], minlength=numbered_here) if widest is None
                else _most_in_runs(gram[here], owner_sorted[here], numbered_here, *bounds, widest)
                for side_here, bounds in zip(on_side, side_bounds, strict=True)
                for here in [whole & side_here]
            ])
            held = room > 0
            self.usable = self.usable and int(room.sum()) <= _MAX_SLOTS
            number = np.cumsum(held) - 1 + numbered  # n-gram number among slot holders
            grams[by_code, n] = np.where(whole & held[gram], number[gram], -1)
            room = room[held]
            slots = int(room.sum())
            width8 = -(-slots // 8) * 8  # a whole number of bytes, padding slots never set
            slot_grams.append(np.repeat(np.arange(numbered, numbered + len(room)), room))
            slot_grams.append(np.zeros(width8 - slots, np.int64))
            firsts = np.cumsum(room) - room
            slot_ranks.append(np.arange(slots) - np.repeat(firsts, room))
            slot_ranks.append(np.full(width8 - slots, np.iinfo(np.int64).max))
            self.byte_ranges.append((nbytes, nbytes + width8 // 8))
            numbered += len(room)
            nbytes += width8 // 8
        grams = grams.ravel()  # position by position: text by text
        holds = grams >= 0
        self.grams = grams[holds]  # the slot-holding n-grams, text by text
        self.starts = np.searchsorted(np.repeat(owner, _CHAR_ORDER)[holds], np.arange(len(self.features) + 1))
        self.numbered = numbered
        self.slot_grams = np.concatenate(slot_grams)
        self.slot_ranks = np.concatenate(slot_ranks)

    def span(self, first: int, last: int) -> _Features:
        """The features of texts ``first`` to ``last - 1`` (over the sides, in order)
        taken together, as :func:`_merge` (which they equal), with their bit sets when the
        layout is usable, instead of the n-gram counts."""
        parts = self.features[first:last]
        if not self.usable:
            return _merge(parts)
        import numpy as np

        out = _merge(parts, counts=False)
        if not out.masks:
            counts = np.bincount(self.grams[self.starts[first] : self.starts[last]], minlength=self.numbered)
            bits = np.packbits(counts.take(self.slot_grams) > self.slot_ranks, bitorder="little").tobytes()
            out.masks = [int.from_bytes(bits[a:b], "little") for a, b in self.byte_ranges]
        return out


def _common_counts(hyp: Counter, ref: Counter) -> int:
    """Shared n-grams, each counted min(hyp, ref) times."""
    small, large = (hyp, ref) if len(hyp) <= len(ref) else (ref, hyp)
    get = large.get
    common = 0
    for key, count in small.items():
        other = get(key)
        if other:
            common += count if count < other else other
    return common


def similarity(hyp: _Features, ref: _Features) -> float:
    """chrF-style similarity in [0, 1], raised by shared numbers and names."""
    if hyp.masks and ref.masks:
        commons = map(int.bit_count, map(and_, hyp.masks, ref.masks))
    else:
        commons = map(_common_counts, hyp.ngrams, ref.ngrams)
    orders = []
    for common, hyp_total, ref_total in zip(commons, hyp.totals, ref.totals, strict=True):
        if not hyp_total or not ref_total:
            continue
        if not common:
            orders.append(0.0)
            continue
        precision = common / hyp_total
        recall = common / ref_total
        orders.append(2 * precision * recall / (precision + recall))
    chrf = sum(orders) / _CHAR_ORDER if orders else 0.0
    bonus = 0.0
    for a, b in ((hyp.numbers, ref.numbers), (hyp.names, ref.names)):
        if a and b:
            shared = _common_counts(a, b)  # sum((a & b).values())
            bonus += _MATCH_BONUS * shared / max(sum(a.values()), sum(b.values()))
    # Very different lengths are unlikely translations of each other.
    if hyp.chars and ref.chars:
        ratio = min(hyp.chars, ref.chars) / max(hyp.chars, ref.chars)
        chrf *= _LENGTH_FLOOR + (1 - _LENGTH_FLOOR) * math.sqrt(ratio)
    return min(1.0, chrf + bonus)


class _Bounds:
    """What bounds a span's similarity from above, summed from its texts: n-gram totals
    per order, characters, whether it has numbers, whether it has names."""

    def __init__(self, features: Sequence[_Features]) -> None:
        self.features = features
        self.spans: dict[tuple[int, int], tuple[list[int], int, bool, bool]] = {}

    def span(self, i: int, k: int) -> tuple[list[int], int, bool, bool]:
        out = self.spans.get((i, k))
        if out is None:
            parts = self.features[i:k]
            out = self.spans[i, k] = (
                [sum(f.totals[n] for f in parts) for n in range(_CHAR_ORDER)],
                sum(f.chars for f in parts),
                any(f.numbers for f in parts),
                any(f.names for f in parts),
            )
        return out


def _upper_similarity(hyp: tuple[list[int], int, bool, bool], ref: tuple[list[int], int, bool, bool]) -> float:
    """An upper bound of :func:`similarity` from lengths alone: each order's F-score is
    at most ``2 min(h, r) / (h + r)`` of its n-gram totals (all n-grams of the shorter
    side shared), each bonus at most :data:`_MATCH_BONUS`; with a margin for rounding."""
    hyp_totals, hyp_chars, hyp_numbers, hyp_names = hyp
    ref_totals, ref_chars, ref_numbers, ref_names = ref
    chrf = 0.0
    for h, r in zip(hyp_totals, ref_totals, strict=True):
        if h and r:
            chrf += 2 * (h if h < r else r) / (h + r)
    chrf /= _CHAR_ORDER
    if hyp_chars and ref_chars:
        ratio = min(hyp_chars, ref_chars) / max(hyp_chars, ref_chars)
        chrf *= _LENGTH_FLOOR + (1 - _LENGTH_FLOOR) * math.sqrt(ratio)
    bonus = _MATCH_BONUS * (hyp_numbers and ref_numbers) + _MATCH_BONUS * (hyp_names and ref_names)
    return min(1.0, chrf + bonus + 1e-9)


#: Up to this many (back-translation, reference) sentence pairs, the similarity bounds of
#: every bead are computed at once (numpy, :func:`_upper_similarities`); above it, bead
#: by bead (:func:`_upper_similarity`).
_MAX_BOUND_PAIRS = 1 << 17


_Runs = tuple["np.ndarray", "np.ndarray", "np.ndarray", "np.ndarray"]


def _runs(features: Sequence[_Features], width: int, keys: tuple[dict[str, int], dict[str, int]]) -> _Runs:
    """What bounds the similarity of every run of ``width`` consecutive texts, as arrays
    (a row per run): n-gram totals per order, characters, and the counts of each number
    and each name (columns: ``keys``, numbered numbers and names of both sides)."""
    import numpy as np

    count = max(0, len(features) - width + 1)

    def summed(values) -> np.ndarray:
        cumulative = np.concatenate([np.zeros((1, *np.shape(values)[1:]), np.int64), np.cumsum(values, axis=0)])
        return cumulative[width : width + count] - cumulative[:count]

    def counted(counters: list[Counter], numbered: dict[str, int]) -> np.ndarray:
        table = np.zeros((len(counters), len(numbered)), np.int64)
        for row, counter in enumerate(counters):
            for key, n in counter.items():
                table[row, numbered[key]] = n
        return summed(table)

    totals = summed(np.array([f.totals for f in features], np.int64).reshape(-1, _CHAR_ORDER))
    chars = summed(np.array([f.chars for f in features], np.int64))
    numbers = counted([f.numbers for f in features], keys[0])
    names = counted([f.names for f in features], keys[1])
    return totals, chars, numbers, names


def _bonuses(hyp: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """:func:`similarity`'s bonus for shared numbers (or names) of every pair of rows of
    two count tables (rows: runs, columns: the numbers), as an array:
    ``_MATCH_BONUS * sum(min(h, r)) / max(sum(h), sum(r))``. The sum of the smaller counts
    is the sum over ``t`` of the keys counted at least ``t`` times on both sides: one matrix
    product per ``t``."""
    import numpy as np

    shared = np.zeros((len(hyp), len(ref)))
    most = min(int(hyp.max(initial=0)), int(ref.max(initial=0)))
    for t in range(1, most + 1):
        shared += (hyp >= t).astype(float) @ (ref >= t).astype(float).T
    larger = np.maximum(hyp.sum(axis=1)[:, None], ref.sum(axis=1)[None, :])
    out = np.zeros(shared.shape)
    np.divide(_MATCH_BONUS * shared, larger, out=out, where=larger > 0)
    return out


def _upper_similarities(hyp: _Runs, ref: _Runs) -> list[list[float]]:
    """An upper bound of :func:`similarity` for every pair of a run of :func:`_runs` ``hyp``
    and one of ``ref`` (rows: ``hyp``), with numpy: :func:`_upper_similarity`'s bound of
    the chrF part (from lengths alone), plus the bonuses themselves, which the counts of
    numbers and names give exactly (a tighter bound, and so fewer similarities to compute;
    the same margin for rounding)."""
    import numpy as np

    hyp_totals, hyp_chars, hyp_numbers, hyp_names = hyp
    ref_totals, ref_chars, ref_numbers, ref_names = ref
    h, r = hyp_totals[:, None, :], ref_totals[None, :, :]
    shared = np.zeros(np.broadcast_shapes(h.shape, r.shape))
    np.divide(2 * np.minimum(h, r), h + r, out=shared, where=(h > 0) & (r > 0))
    chrf = shared.sum(axis=2) / _CHAR_ORDER
    hc, rc = hyp_chars[:, None], ref_chars[None, :]
    ratio = np.ones(chrf.shape)
    np.divide(np.minimum(hc, rc), np.maximum(hc, rc), out=ratio, where=(hc > 0) & (rc > 0))
    chrf *= _LENGTH_FLOOR + (1 - _LENGTH_FLOOR) * np.sqrt(ratio)
    bonus = _bonuses(hyp_numbers, ref_numbers) + _bonuses(hyp_names, ref_names)
    return np.minimum(1.0, chrf + bonus + 1e-9).tolist()


def text_similarity(hypothesis: str, reference: str) -> float:
    """Similarity of two strings as used by the aligner (for tests and diagnostics)."""
    return similarity(_features(hypothesis), _features(reference))


def align(
    units: Sequence[Unit],
    references: Sequence[str],
    settings: AlignSettings | None = None,
) -> list[Bead]:
    """Align Arabic units (with their back-translations) to reference sentences.

    Returns beads in document order covering every unit and every reference
    sentence exactly once. ``Bead.ar`` holds Arabic *segment* indices (the
    union of the units' segments), ``Bead.ref`` reference segment indices.
    """
    s = settings or AlignSettings()
    n, m = len(units), len(references)
    hyp_feats = [_features(u.hypothesis) for u in units]
    ref_feats = [_features(r) for r in references]
    slots = _SlotLayout(hyp_feats, ref_feats, widest=max(max(shape) for shape in _MERGE_SHAPES))
    merged_hyp: dict[tuple[int, int], _Features] = {}
    merged_ref: dict[tuple[int, int], _Features] = {}

    def hyp_span(i: int, k: int) -> _Features:
        if (i, k) not in merged_hyp:
            merged_hyp[i, k] = slots.span(i, k)
        return merged_hyp[i, k]

    def ref_span(j: int, k: int) -> _Features:
        if (j, k) not in merged_ref:
            merged_ref[j, k] = slots.span(n + j, n + k)
        return merged_ref[j, k]
    band = max(s.band_min, int(s.band_fraction * max(n, m)))
    hyp_bound = _Bounds(hyp_feats)
    ref_bound = _Bounds(ref_feats)
    # bounds[a, r][i][j]: the bound of the bead of shape (a, r) from cell (i, j).
    bounds: dict[tuple[int, int], list[list[float]]] = {}
    if (n + 1) * (m + 1) <= _MAX_BOUND_PAIRS:
        everything = hyp_feats + ref_feats
        keys = tuple(
            {key: k for k, key in enumerate(dict.fromkeys(key for f in everything for key in getattr(f, kind)))}
            for kind in ("numbers", "names")
        )
        hyp_runs = {a: _runs(hyp_feats, a, keys) for a in {a for a, _ in _MERGE_SHAPES}}
        ref_runs = {r: _runs(ref_feats, r, keys) for r in {r for _, r in _MERGE_SHAPES}}
        bounds = {(a, r): _upper_similarities(hyp_runs[a], ref_runs[r]) for a, r in _MERGE_SHAPES}

    # Per bead shape: its texts, its merge penalty, its bounds (None: bead by bead).
    merges = [(a, r, a + r, s.merge_penalty * (a + r - 2), bounds.get((a, r))) for a, r in _MERGE_SHAPES]
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int, float] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    # Each cell takes the cheapest of its predecessor beads (the first in reading order on
    # a tie, as relaxing cells in reading order would). Only cells in the band (or on the
    # last row or column) lead anywhere. A bead's similarity is computed only when an
    # upper bound of it (from lengths and the shared numbers and names of every bead at
    # once, see _upper_similarities; from lengths alone, bead by bead, see _Bounds, in a long
    # document) leaves the bead a chance to be the cheapest: most are not, and the result
    # is the same as computing them all.
    for x in range(n + 1):
        expected = x * m / n if n else 0
        for y in range(m + 1):
            if (x == 0 and y == 0) or not (abs(y - expected) <= band or x == n or y == m):
                continue
            candidates = []
            # A skip's cost is known at once; a bead whose merge penalty alone costs more
            # than it cannot be the cheapest (its similarity bound is not even needed).
            skips = [
                (cost[i][j] + s.skip_cost, i, j, a, r, True)
                for a, r in _SKIP_SHAPES
                if (i := x - a) >= 0 and (j := y - r) >= 0 and cost[i][j] != inf
            ]
            known = min(skips)[0] if skips else inf
            for a, r, size, penalty, matrix in merges:
                i, j = x - a, y - r
                if i < 0 or j < 0:
                    continue
                base = cost[i][j]
                if base == inf or base + penalty > known:
                    continue
                if matrix is not None:
                    ub = matrix[i][j]
                else:
                    ub = _upper_similarity(hyp_bound.span(i, x), ref_bound.span(j, y))
                lowest = base + ((1.0 - ub) * size / 2 + penalty)
                candidates.append((lowest, i, j, a, r, False))
            candidates += skips
            candidates.sort()
            best, best_at, best_sim = inf, (n + 1, m + 1), 0.0
            for lowest, i, j, a, r, exact in candidates:
                if lowest > best or (lowest == best and (i, j) > best_at):
                    break  # sorted: no later candidate can win either
                if exact:
                    total, sim = lowest, 0.0
                else:
                    sim = similarity(hyp_span(i, x), ref_span(j, y))
                    step = (1.0 - sim) * (a + r) / 2 + s.merge_penalty * (a + r - 2)
                    total = cost[i][j] + step
                if total < best or (total == best and (i, j) < best_at):
                    best, best_at, best_sim = total, (i, j), sim
            if best < inf:
                cost[x][y] = best
                back[x][y] = (best_at[0], best_at[1], best_sim)
    if cost[n][m] == inf:  # pragma: no cover - the band always reaches the corner via skips
        raise RuntimeError("alignment found no path")
    pairs: list[tuple[int, int, int, int, float]] = []
    i, j = n, m
    while i or j:
        prev = back[i][j]
        if prev is None:  # pragma: no cover - defensive
            raise RuntimeError("alignment back-pointer missing")
        pi, pj, sim = prev
        pairs.append((pi, i, pj, j, sim))
        i, j = pi, pj
    pairs.reverse()
    beads: list[Bead] = []
    for bead_id, (i0, i1, j0, j1, sim) in enumerate(pairs):
        segs = tuple(idx for u in units[i0:i1] for idx in u.segments)
        hyp = " ".join(u.hypothesis for u in units[i0:i1])
        links = units[i0].links if i1 - i0 == 1 else None
        beads.append(Bead(bead_id, segs, tuple(range(j0, j1)), hyp, round(sim, 4), links))
    return beads


def align_within(
    units: Sequence[Unit],
    unit_blocks: Sequence[int],
    references: Sequence[str],
    ref_blocks: Sequence[int],
    settings: AlignSettings | None = None,
) -> list[Bead]:
    """:func:`align` inside each block, never across blocks (the units of a paired file).

    ``unit_blocks[i]`` is the block of ``units[i]`` and ``ref_blocks[j]`` that of
    ``references[j]``, both non-decreasing. Each block is aligned on its own, exactly as
    :func:`align` aligns a document; a block with reference sentences and no unit (a
    unit left untranslated) is one bead holding them all. Beads are numbered in order,
    ``Bead.ref`` indexes ``references``.
    """
    if len(unit_blocks) != len(units) or len(ref_blocks) != len(references):
        raise ValueError("every unit and every reference sentence needs a block")
    by_block: dict[int, tuple[list[Unit], list[int]]] = {}
    for unit, block in zip(units, unit_blocks, strict=True):
        by_block.setdefault(block, ([], []))[0].append(unit)
    for j, block in enumerate(ref_blocks):
        by_block.setdefault(block, ([], []))[1].append(j)
    beads: list[Bead] = []
    for block in sorted(by_block):
        block_units, refs = by_block[block]
        if not block_units:
            beads.append(Bead(len(beads), (), tuple(refs), "", 0.0))
            continue
        for bead in align(block_units, [references[j] for j in refs], settings):
            beads.append(replace(bead, id=len(beads), ref=tuple(refs[j] for j in bead.ref)))
    return beads
