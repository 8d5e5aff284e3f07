"""The aligner's similarity bounds computed for every bead at once (numpy,
eval.align.sentences._upper_similarities) are never above the bead-by-bead bound
(_upper_similarity) and never below a bead's similarity, and their bonuses for shared
numbers and names are the similarity's own; on the bundled example and the labelled
development sets (never the held-out C-test). The alignment is the same with either."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.align import sentences as align_module
from eval.align.sentences import (
    _MATCH_BONUS,
    _MERGE_SHAPES,
    _bonuses,
    _Bounds,
    _features,
    _merge,
    _runs,
    _SlotLayout,
    _upper_similarities,
    _upper_similarity,
    align,
    similarity,
)
from eval.text.hypothesis import units_from_hypothesis
from eval.text.segment import segment

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "examples" / "seed", *sorted(
    p for p in (ROOT / "bench" / "data" / "flags").glob("*/*") if p.is_dir() and p.parent.name != "C-test"
)]


def _units_and_refs(doc: Path):
    def read(name: str) -> str:
        return (doc / name).read_text(encoding="utf-8")

    units = units_from_hypothesis(segment(read("article.ar.txt"), "ar"), read("hypothesis.en.txt"))
    return units, [s.text for s in segment(read("reference.en.txt"), "en")]


def _keys(features):
    return tuple(
        {key: k for k, key in enumerate(dict.fromkeys(key for f in features for key in getattr(f, kind)))}
        for kind in ("numbers", "names")
    )


@pytest.mark.parametrize("doc", DOCS[::3], ids=[p.name for p in DOCS[::3]])
def test_bound_matrices_bound_every_bead_and_are_below_bead_bounds(doc: Path):
    units, refs = _units_and_refs(doc)
    hyp = [_features(u.hypothesis) for u in units]
    ref = [_features(r) for r in refs]
    slots = _SlotLayout(hyp, ref)
    hyp_bound, ref_bound = _Bounds(hyp), _Bounds(ref)
    keys = _keys(hyp + ref)
    n = len(hyp)
    tighter = 0
    for a, r in _MERGE_SHAPES:
        hyp_runs, ref_runs = _runs(hyp, a, keys), _runs(ref, r, keys)
        matrix = _upper_similarities(hyp_runs, ref_runs)
        numbers, names = _bonuses(hyp_runs[2], ref_runs[2]), _bonuses(hyp_runs[3], ref_runs[3])
        assert len(matrix) == max(0, len(hyp) - a + 1)
        for i, row in enumerate(matrix):
            assert len(row) == max(0, len(ref) - r + 1)
            for j, bound in enumerate(row):
                plain = _upper_similarity(hyp_bound.span(i, i + a), ref_bound.span(j, j + r))
                assert bound <= plain + 1e-12, (a, r, i, j)
                tighter += bound < plain - 0.01
                h, rf = _merge(hyp[i : i + a], counts=False), _merge(ref[j : j + r], counts=False)
                for got, x, y in ((numbers, h.numbers, rf.numbers), (names, h.names, rf.names)):
                    exact = _MATCH_BONUS * sum((x & y).values()) / max(x.total(), y.total()) if x and y else 0.0
                    assert got[i, j] == exact, (a, r, i, j)
                sim = similarity(slots.span(i, i + a), slots.span(n + j, n + j + r))
                assert sim <= bound, (a, r, i, j)
    assert tighter  # the exact bonuses do tighten the bound


@pytest.mark.parametrize("doc", DOCS[:8], ids=[p.name for p in DOCS[:8]])
def test_alignment_with_bound_matrices_equals_alignment_bead_by_bead(doc: Path, monkeypatch):
    units, refs = _units_and_refs(doc)
    for us, rs in ((units, refs), (units[1:], refs), (units, refs[:-2]), (units[:1], refs), (units, [])):
        fast = align(us, rs)
        with monkeypatch.context() as patch:
            patch.setattr(align_module, "_MAX_BOUND_PAIRS", -1)  # bead by bead
            assert align(us, rs) == fast
