"""The span flagger, and the merge step that decides what supersedes what.

:class:`SpanFlagger` runs the registered checks (:mod:`eval.flags.registry`) over a
document and hands their raw flags to :func:`combine`:

* span flags of one segment that point at the same place are folded into the most
  specific one (:func:`merge`: the lowest merge priority keeps its spans and category,
  the other's evidence is added, agreeing signals raise confidence); then the same
  across segments, with the document-wide checks' flags;
* the segment's chrF++ against the document's own distribution is a weak signal on
  span flags (:func:`score_signal`), when the ``segment-score`` check is on;
* a whole-segment flag of a check in :data:`SUPERSEDED_BY_SPANS` (a low segment score)
  is dropped where span flags already explain its segment (:func:`supersede`);
* every flag's raw confidence is replaced by its calibrated one
  (:mod:`eval.flags.calibration`: the precision its check had at that raw score on the
  development sets);
* span flags below the confidence threshold are left out; whole-segment flags are
  kept apart from span flags and not filtered.

Nothing here mutates its input: flaggers and checks return flags.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

from eval.flags import calibration as calib
from eval.flags.context import CheckContext, DocumentContext
from eval.flags.registry import PRIORITY, UNKNOWN_PRIORITY, Findings, run_checks, select
from eval.flags.segment_score import chrf_deviations
from eval.flags.view import SegmentView
from eval.text.glossary import GlossaryTerm, load_glossary
from eval.text.tokens import compound_bounds
from eval.values import AlignedSegment, Category, Evidence, Flag, Span

#: The default threshold on calibrated confidence (:mod:`eval.flags.calibration`), chosen on
#: the development sets (C-dev, A, B).
MIN_CONFIDENCE = calib.DEFAULT_THRESHOLD
#: Whole-segment checks whose flags span flags in the same segment supersede.
SUPERSEDED_BY_SPANS = frozenset({"segment-score"})
SCORE_SIGNAL = "segment-score"


class SpanFlagger:
    """The default :data:`~eval.flags.context.Flagger`: every registered check, merged.

    ``glossary``: a CSV read by :func:`eval.text.glossary.load_glossary` (a bad file is a
    :class:`~tadqiq.errors.ConfigError`, raised here), or its terms already read.
    ``min_confidence``: span flags below it are left out. ``checks``: the names of the
    checks to run (all when ``None``; an unknown name is a
    :class:`~tadqiq.errors.ConfigError`). ``calibration``: raw score → confidence (the
    committed table when ``None``; :data:`~eval.flags.calibration.IDENTITY` keeps raw
    scores).
    """

    def __init__(
        self,
        glossary: str | os.PathLike[str] | Sequence[GlossaryTerm] | None = None,
        min_confidence: float = MIN_CONFIDENCE,
        checks: Collection[str] | None = None,
        calibration: calib.Calibration | None = None,
    ) -> None:
        self.checks = select(checks)
        self.calibration = calib.default() if calibration is None else calibration
        if isinstance(glossary, (str, os.PathLike)):
            glossary = load_glossary(Path(glossary))
        self.glossary = tuple(glossary or ())
        self.min_confidence = min_confidence

    def __call__(self, segments: Sequence[AlignedSegment], context: CheckContext) -> list[Flag]:
        segments = tuple(segments)
        ctx = DocumentContext(
            context.article.original, context.reference.original,
            context.article.line_of, context.reference.line_of,
            segments=segments,
            chrf_z=MappingProxyType(chrf_deviations(segments)),
            rough=bool(context.model.get("rough")),
            glossary=self.glossary,
        )
        views = [
            SegmentView.build(seg.id, seg.ar, seg.reference, seg.hypothesis, seg.bead.links)
            for seg in segments
            if seg.scores is not None
        ]
        findings = run_checks(self.checks, views, ctx)
        scored = any(c.name == SCORE_SIGNAL for c in self.checks)
        flags = combine(findings, [v.bead_id for v in views], ctx.chrf_z if scored else None,
                        self.min_confidence, self.calibration)
        return [whole_compounds(f, ctx) for f in flags]


def whole_compounds(flag: Flag, ctx: DocumentContext) -> Flag:
    """The flag with its reference span widened to whole hyphenated compounds ("tit" of
    "tit-for-tat" shows as "tit-for-tat": :func:`eval.text.tokens.compound_bounds`).
    Done on the merged flags, so that the checks and the merge see word tokens as before."""
    ref = flag.reference
    if ref.start is None or ref.end is None:
        return flag
    start, end = compound_bounds(ctx.ref, ref.start, ref.end)
    if (start, end) == (ref.start, ref.end):
        return flag
    return replace(flag, reference=Span(ctx.ref[start:end], ctx.ref_line(start), start, end))


def combine(
    findings: Findings,
    view_segments: Sequence[int],
    chrf_z: Mapping[int, float] | None,
    min_confidence: float = MIN_CONFIDENCE,
    calibration: calib.Calibration = calib.IDENTITY,
) -> list[Flag]:
    """One document's flags from its checks' raw flags (see the module docstring).

    ``view_segments[k]`` is the segment of ``findings.per_segment[k]``; ``chrf_z`` the
    segments' chrF++ deviations, or ``None`` to leave the score signal out. Whole-segment
    flags come first, then span flags, each in the order found.
    """
    spans: list[Flag] = []
    for segment, raw in zip(view_segments, findings.per_segment, strict=True):
        merged = merge(raw)
        if chrf_z is not None:
            merged = [score_signal(f, chrf_z.get(segment, 0.0)) for f in merged]
        spans += merged
    spans += findings.document
    whole = [calibration.apply(f) for f in supersede(findings.whole_segment, spans)]
    merged = [calibration.apply(f) for f in merge(spans)]
    return whole + [f for f in merged if f.confidence >= min_confidence]


def supersede(whole_segment: Sequence[Flag], spans: Sequence[Flag]) -> list[Flag]:
    """Whole-segment flags, without those of :data:`SUPERSEDED_BY_SPANS` in a segment some
    span flag (whatever its confidence) already explains."""
    spanned = {f.segment for f in spans}
    return [
        f for f in whole_segment
        if not (f.evidence and f.evidence[0].signal in SUPERSEDED_BY_SPANS and f.segment in spanned)
    ]


def _priority(flag: Flag) -> int:
    return min(PRIORITY.get(e.signal, UNKNOWN_PRIORITY) for e in flag.evidence) if flag.evidence else 9


def _overlaps(a: Flag, b: Flag) -> bool:
    if a.segment != b.segment:
        return False
    return _spans_overlap(a.ar, b.ar) or _spans_overlap(a.reference, b.reference)


def _wider(kept: Span, other: Span) -> Span:
    """``other`` where it contains ``kept`` (or ``kept`` is empty), else ``kept``."""
    if not kept.text:
        return other
    if other.text and other.start is not None and kept.start is not None and other.start <= kept.start \
            and kept.end <= other.end:  # type: ignore[operator]
        return other
    return kept


def _spans_overlap(a: Span, b: Span) -> bool:
    if not (a.text and b.text) or None in (a.start, a.end, b.start, b.end):
        return False
    return a.start < b.end and b.start < a.end  # type: ignore[operator]


def merge(flags: Sequence[Flag]) -> list[Flag]:
    """Fold overlapping flags into the most specific one, keeping all evidence."""
    kept: list[Flag] = []
    for flag in sorted(flags, key=_priority):
        for k, other in enumerate(kept):
            if _overlaps(flag, other):
                extra = tuple(e for e in flag.evidence if e not in other.evidence)
                ar, category = other.ar, other.category
                if not other.ar.text and flag.ar.text:
                    # The specific check knew what is missing, the other signal where it went.
                    ar = flag.ar
                    if other.category in (Category.NAMED_ENTITY, Category.OMISSION):
                        category = flag.category
                kept[k] = replace(
                    other,
                    ar=ar,
                    category=category,
                    evidence=other.evidence + extra,
                    confidence=min(0.98, max(other.confidence, flag.confidence) + 0.05 * bool(extra)),
                    severity=max(other.severity, flag.severity, key=lambda s: s.rank),
                    hypothesis=other.hypothesis if other.hypothesis.text else flag.hypothesis,
                    reference=_wider(other.reference, flag.reference),
                )
                break
        else:
            kept.append(flag)
    return kept


def score_signal(flag: Flag, z: float) -> Flag:
    """Segment scores as a weak signal: a low-scoring segment raises confidence, a high one lowers it."""
    if z <= -1.0:
        return replace(
            flag,
            confidence=min(0.98, flag.confidence + 0.1),
            evidence=flag.evidence + (Evidence(SCORE_SIGNAL, "the whole segment's chrF++ is lower than for most segments of this document"),),
        )
    if z >= 1.0 and flag.category in (Category.MISTRANSLATION, Category.OMISSION, Category.ADDITION):
        return replace(flag, confidence=max(0.0, flag.confidence - 0.05))
    return flag


__all__ = ["MIN_CONFIDENCE", "SUPERSEDED_BY_SPANS", "SpanFlagger", "combine", "merge", "score_signal", "supersede"]
