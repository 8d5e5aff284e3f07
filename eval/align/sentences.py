"""Sentence alignment of back-translated Arabic units to reference sentences.

A monotonic dynamic programme over beads in the spirit of Bleualign and
vecalign: each bead pairs 0–3 Arabic units with 0–3 reference sentences. A bead
that pairs text on both sides costs ``1 - similarity`` per sentence it covers
(plus a small penalty for merging); leaving a sentence unpaired costs
``skip_cost``. Similarity is a character n-gram F-score (chrF, computed from
cached n-gram counts so that merged beads need no re-tokenising) between the
back-translation and the reference, raised by numbers and names the two sides
share. The counts of each order are also kept as bit sets (one bit per possible
occurrence of each n-gram, see :class:`_SlotLayout`), so that the n-grams two
texts share — the bulk of the work, thousands of pairs per article — are counted
with one AND instead of a dictionary walk; the result is the same number.

Pure computation: strings in, :class:`~eval.values.Bead` values out.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import accumulate, chain
from operator import add

from eval.values import Bead, Unit

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
    ngrams: list[Counter]
    numbers: Counter
    names: Counter
    chars: int
    totals: list[int] = field(default_factory=list)  # ngrams[n].total()
    # Per order, the n-gram counts as a bit set of occurrence slots (see _SlotLayout);
    # filled in by align() only.
    masks: list[int] = field(default_factory=list)
    # Per order, the n-grams in text order (what ngrams[n] counts); for one text only.
    grams: list[list[str]] = field(default_factory=list)


def _features(text: str) -> _Features:
    squeezed = _SPACE.sub("", text)
    # The n-grams of each order, each an (n-1)-gram with the character after it.
    grams = [list(squeezed)]
    for n in range(1, _CHAR_ORDER):
        grams.append(list(map(add, grams[-1], squeezed[n:])))
    ngrams = [Counter(g) for g in grams]
    numbers = Counter(m.group().replace(",", "") for m in _NUMBER.finditer(text))
    names = Counter(m.group().lower() for m in _NAME.finditer(text))
    return _Features(ngrams, numbers, names, len(squeezed), [len(g) for g in grams], grams=grams)


def _merge(features: Sequence[_Features]) -> _Features:
    if len(features) == 1:
        return features[0]
    out = _Features([Counter() for _ in range(_CHAR_ORDER)], Counter(), Counter(), 0)
    for f in features:
        for n in range(_CHAR_ORDER):
            out.ngrams[n].update(f.ngrams[n])
        out.numbers.update(f.numbers)
        out.names.update(f.names)
        out.chars += f.chars
    out.totals = [c.total() for c in out.ngrams]
    return out


# Above this many occurrence slots in one order, bit sets get long enough for the
# n-gram counters to be as fast (long documents): the aligner then uses those.
_MAX_SLOTS = 1 << 16


class _SlotLayout:
    """Counts as bit sets, so that the shared n-gram count of two texts is one AND.

    Every n-gram of an order that occurs on each of the ``sides`` (the back-translations,
    the reference sentences) gets as many consecutive bits ("occurrence slots") as it
    can occur in a span of the side where it is rarer: its count over all texts of that
    side. A text that has it ``c`` times sets the first ``c`` of them (all of them if
    ``c`` is more). Then ``sum(min(h[g], r[g]))`` over n-grams ``g`` — the common count
    of chrF — is ``(h_mask & r_mask).bit_count()``, exactly: a shared n-gram has at least
    as many slots as its smaller count, and one that a side lacks adds nothing to the sum.
    """

    def __init__(self, *sides: Sequence[_Features]) -> None:
        # Per order: n-gram → its first slot, n-gram → its number of slots.
        self.base: list[dict[str, int]] = []
        self.room: list[dict[str, int]] = []
        self.nbytes: list[int] = []
        self.usable = True
        for n in range(_CHAR_ORDER):
            # A span's count never exceeds the n-gram's count over all texts of its side.
            totals = [Counter(chain.from_iterable(f.grams[n] for f in side)) for side in sides]
            grams: Iterable[str] = totals[0]
            for other in totals[1:]:
                grams = filter(other.__contains__, grams)
            grams = list(grams)
            counts = [map(t.__getitem__, grams) for t in totals]
            room = dict(zip(grams, map(min, *counts) if len(counts) > 1 else counts[0], strict=True))
            firsts = list(accumulate(room.values(), initial=0))
            self.base.append(dict(zip(grams, firsts, strict=False)))
            self.room.append(room)
            self.nbytes.append(firsts[-1] // 8 + 1)
            self.usable = self.usable and firsts[-1] <= _MAX_SLOTS

    def fill(self, features: _Features) -> _Features:
        if self.usable and not features.masks:
            features.masks = [self._mask(n, c) for n, c in enumerate(features.ngrams)]
        return features

    def span(self, parts: Sequence[_Features]) -> _Features:
        """The features of consecutive texts taken together (as :func:`_merge`), with
        masks. The masks are the parts' masks combined; the merged n-gram counters,
        which the masks replace, are not built."""
        if len(parts) == 1 or not self.usable:
            return self.fill(_merge(parts))
        for part in parts:
            self.fill(part)
        out = _Features([], Counter(), Counter(), 0)
        for f in parts:
            out.numbers.update(f.numbers)
            out.names.update(f.names)
            out.chars += f.chars
        out.totals = [sum(f.totals[n] for f in parts) for n in range(_CHAR_ORDER)]
        out.masks = [self._merged_mask(n, parts) for n in range(_CHAR_ORDER)]
        return out

    def _merged_mask(self, n: int, parts: Sequence[_Features]) -> int:
        """``_mask`` of the parts' summed counts: the union of their masks, plus, for an
        n-gram of the layout that earlier parts had ``a`` times and this one ``c`` times,
        the slots ``max(a, c) … min(a + c, room) - 1`` that the union does not cover."""
        base, room = self.base[n], self.room[n]
        mask = 0
        before: dict[str, int] | None = None  # summed counts of the parts so far
        for k, part in enumerate(parts):
            counts = part.ngrams[n]
            mask |= part.masks[n]
            if before is None:
                before = counts
                continue
            shared = counts.keys() & before.keys()
            for gram in shared:
                slot = base.get(gram)
                if slot is None:
                    continue
                a, c = before[gram], counts[gram]
                low, high = (a if a > c else c), a + c
                if high > room[gram]:
                    high = room[gram]
                if high > low:
                    mask |= ((1 << (high - low)) - 1) << (slot + low)
            if k + 1 < len(parts):
                summed = dict(before)
                summed.update(counts)
                for gram in shared:
                    summed[gram] = before[gram] + counts[gram]
                before = summed
        return mask

    def _mask(self, n: int, counts: Counter) -> int:
        # Single slots go into a byte array, runs of slots straight into the integer.
        bits = bytearray(self.nbytes[n])
        base, room = self.base[n], self.room[n]
        runs = 0
        for gram, count in counts.items():
            slot = base.get(gram)
            if slot is None:
                continue
            if count == 1:
                bits[slot >> 3] |= 1 << (slot & 7)
            else:
                runs |= ((1 << min(count, room[gram])) - 1) << slot
        return int.from_bytes(bits, "little") | runs


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
        commons = [(h & r).bit_count() for h, r in zip(hyp.masks, ref.masks, strict=True)]
    else:
        commons = [_common_counts(h, r) for h, r in zip(hyp.ngrams, ref.ngrams, strict=True)]
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
    slots = _SlotLayout(hyp_feats, ref_feats)
    merged_hyp: dict[tuple[int, int], _Features] = {}
    merged_ref: dict[tuple[int, int], _Features] = {}

    def hyp_span(i: int, k: int) -> _Features:
        if (i, k) not in merged_hyp:
            merged_hyp[i, k] = slots.span(hyp_feats[i:k])
        return merged_hyp[i, k]

    def ref_span(j: int, k: int) -> _Features:
        if (j, k) not in merged_ref:
            merged_ref[j, k] = slots.span(ref_feats[j:k])
        return merged_ref[j, k]
    band = max(s.band_min, int(s.band_fraction * max(n, m)))
    hyp_bound = _Bounds(hyp_feats)
    ref_bound = _Bounds(ref_feats)

    def in_band(i: int, j: int) -> bool:
        expected = i * m / n if n else 0
        return abs(j - expected) <= band

    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int, float] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    # Each cell takes the cheapest of its predecessor beads (the first in reading order on
    # a tie, as relaxing cells in reading order would). Only cells in the band (or on the
    # last row or column) lead anywhere. A bead's similarity is computed only when an
    # upper bound of it (from lengths alone, see _Bounds) leaves the bead a chance to be
    # the cheapest: most are not, and the result is the same as computing them all.
    for x in range(n + 1):
        for y in range(m + 1):
            if (x == 0 and y == 0) or not (in_band(x, y) or x == n or y == m):
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
            for a, r in _MERGE_SHAPES:
                i, j = x - a, y - r
                if i < 0 or j < 0:
                    continue
                base = cost[i][j]
                if base == inf or base + s.merge_penalty * (a + r - 2) > known:
                    continue
                ub = _upper_similarity(hyp_bound.span(i, x), ref_bound.span(j, y))
                lowest = base + ((1.0 - ub) * (a + r) / 2 + s.merge_penalty * (a + r - 2))
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
