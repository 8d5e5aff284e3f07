"""The two whole-segment checks: what the sentence alignment and the score distribution show.

* ``sentence-alignment`` (:func:`alignment_flags`): a reference sentence no Arabic
  sentence renders → omission; an Arabic sentence no reference sentence supports →
  addition;
* ``segment-score`` (:func:`low_score_flags`): an aligned segment whose chrF++ falls far
  below the document's own distribution (robust z-score from median and MAD,
  :func:`robust_z`) → mistranslation. Span flags in the same segment supersede it
  (:mod:`eval.flags.merge`), and the same z-scores are a weak signal on span flags.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence

from eval.flags.context import Check, DocumentContext
from eval.flags.view import SegmentView
from eval.values import AlignedSegment, Category, Evidence, Flag, HypSpan, Span

_LETTER = re.compile(r"[^\W\d_]")
LOW_SCORE_Z = -2.5


def _has_words(text: str) -> bool:
    return len(_LETTER.findall(text)) >= 3


def insertion_point(segments: Sequence[AlignedSegment], index: int) -> Span:
    """Where missing Arabic material would go: the end of the previous Arabic text."""
    for seg in reversed(segments[:index]):
        if seg.ar.end is not None:
            return Span("", seg.ar.line, seg.ar.end, seg.ar.end)
    for seg in segments[index:]:
        if seg.ar.start is not None:
            return Span("", seg.ar.line, seg.ar.start, seg.ar.start)
    return Span()


def robust_z(values: Sequence[float]) -> list[float]:
    """(x - median) / (1.4826 * MAD), with the spread floored so that a tight document is not noisy."""
    if len(values) < 4:
        return [0.0 for _ in values]
    med = statistics.median(values)
    mad = statistics.median(abs(v - med) for v in values) * 1.4826
    spread = max(mad, 6.0)
    return [(v - med) / spread for v in values]


def chrf_deviations(segments: Sequence[AlignedSegment]) -> dict[int, float]:
    """Scored segment id → robust z-score of its chrF++ within the document."""
    chrf = {seg.id: seg.scores.chrf for seg in segments if seg.scores is not None}
    return dict(zip(chrf, robust_z(list(chrf.values())), strict=True))


def _whole_segment_flag(
    seg: AlignedSegment, check: Check, ar: Span, reference: Span, hypothesis: HypSpan, detail: str,
    *, category: Category | None = None, confidence: float | None = None,
) -> Flag:
    """A flag of ``check`` on a whole segment: its category, severity and confidence unless
    given, the evidence signal the check's name."""
    return Flag(
        id="", segment=seg.id,
        category=check.category if category is None else category,
        severity=check.severity,
        confidence=check.confidence if confidence is None else confidence,
        ar=ar, reference=reference, hypothesis=hypothesis,
        evidence=(Evidence(check.name, detail),),
    )


def _whole_hypothesis(seg: AlignedSegment) -> HypSpan:
    return HypSpan(seg.hypothesis, 0, len(seg.hypothesis))


def alignment_flags(views: Sequence[SegmentView], ctx: DocumentContext, check: Check) -> list[Flag]:
    """Omissions (0-1 beads) and additions (1-0 beads) of whole sentences."""
    segments = ctx.segments
    flags: list[Flag] = []
    for k, seg in enumerate(segments):
        kind = seg.bead.kind
        if kind == "0-1" and _has_words(seg.reference.text):
            flags.append(_whole_segment_flag(  # an omission: the check's category
                seg, check, insertion_point(segments, k), seg.reference, HypSpan(),
                "no Arabic sentence renders this reference sentence",
            ))
        elif kind == "1-0" and _has_words(seg.hypothesis or seg.ar.text):
            flags.append(_whole_segment_flag(
                seg, check, seg.ar, Span(), _whole_hypothesis(seg),
                "no reference sentence supports this Arabic sentence", category=Category.ADDITION,
            ))
    return flags


def low_score_flags(views: Sequence[SegmentView], ctx: DocumentContext, check: Check) -> list[Flag]:
    """A mistranslation flag on each segment ``LOW_SCORE_Z`` robust deviations below the median.

    Confidence: base + 0.1 per deviation, at most base + 0.5.
    """
    flags: list[Flag] = []
    scored = [seg.scores.chrf for seg in ctx.segments if seg.scores is not None]
    typical = statistics.median(scored) if scored else 0.0
    for seg in ctx.segments:
        if seg.scores is None:
            continue
        z = ctx.chrf_z[seg.id]
        if z <= LOW_SCORE_Z and _has_words(seg.reference.text):
            flags.append(_whole_segment_flag(
                seg, check, seg.ar, seg.reference, _whole_hypothesis(seg),
                f"chrF++ {seg.scores.chrf:.1f} here, against {typical:.1f} for a typical segment of "
                "this document: the back-translation matches the reference far less well than elsewhere",
                confidence=min(check.adjusted(+0.5), check.confidence + 0.1 * abs(z)),
            ))
    return flags
