"""The span flagger: every signal over every aligned segment, merged into one list of flags.

Signals: the deterministic checks (:mod:`eval.flags.checks`), the back-translation ↔
reference ↔ Arabic gap analysis (:mod:`eval.flags.gaps`) and, as a weak signal,
the segment's chrF++ against the document's own distribution. When two flags
point at the same place the more specific one (a deterministic check) is kept
and the other's evidence is added to it; agreeing signals raise confidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from eval.evaluate import CheckContext
from eval.flags import checks
from eval.flags.gaps import SegmentView, gap_flags
from eval.flags.segment_score import robust_z
from eval.values import Category, Evidence, Flag, Report, Span

# Lower numbers win when two flags overlap.
_PRIORITY = {
    "numbers": 0, "dates": 0, "antonym": 1, "glossary": 1, "untranslated": 1, "negation": 1,
    "named-entity": 2, "consistency": 2, "idiom": 2,
    "reference-unrendered": 5, "lexicon": 5, "back-translation": 5,
    "sentence-alignment": 3, "segment-score": 9,
}
MIN_CONFIDENCE = 0.6


class SpanFlagger:
    """Callable used by :func:`eval.evaluate.evaluate` (see :data:`eval.evaluate.Flagger`)."""

    def __init__(self, glossary: Path | None = None, min_confidence: float = MIN_CONFIDENCE) -> None:
        self.glossary = checks.load_glossary(glossary) if glossary else []
        self.min_confidence = min_confidence

    def __call__(self, report: Report, context: CheckContext) -> list[Flag]:
        sides = checks.Sides(
            context.article.original, context.reference.original,
            context.article.line_of, context.reference.line_of,
        )
        views = [
            SegmentView.build(seg.id, seg.ar, seg.reference, seg.hypothesis, seg.bead.links)
            for seg in report.segments
            if seg.scores is not None
        ]
        chrf = {seg.id: seg.scores.chrf for seg in report.segments if seg.scores is not None}
        z = dict(zip(chrf, robust_z(list(chrf.values())), strict=True))
        rough = bool(report.model.get("rough"))
        flags: list[Flag] = []
        for view in views:
            raw: list[Flag] = []
            raw += checks.number_flags(view, sides)
            raw += checks.calendar_flags(view, sides)
            raw += checks.untranslated_flags(view, sides)
            raw += checks.negation_flags(view, sides)
            raw += checks.entity_flags(view, sides, view.ar_entities)
            raw += checks.idiom_flags(view, sides)
            if self.glossary:
                raw += checks.glossary_flags(view, sides, self.glossary)
            gaps = gap_flags(view, sides.ar, sides.ref, sides.ar_line, sides.ref_line)
            if rough:
                # Word-by-word glosses read as "additions" everywhere: keep only what the
                # reference lacks in the Arabic, with less confidence.
                gaps = [replace(f, confidence=f.confidence - 0.1) for f in gaps
                        if f.category is not Category.ADDITION]
            raw += gaps
            flags += [_score_signal(f, z.get(view.bead_id, 0.0)) for f in merge(raw)]
        flags += checks.inconsistency_flags(views, sides)
        # Drop segment-level low-score flags where span flags explain the segment.
        spanned = {f.segment for f in flags}
        report.flags = [
            f for f in report.flags
            if not (f.evidence and f.evidence[0].signal == "segment-score" and f.segment in spanned)
        ]
        return [f for f in merge(flags) if f.confidence >= self.min_confidence]


def _priority(flag: Flag) -> int:
    return min(_PRIORITY.get(e.signal, 4) for e in flag.evidence) if flag.evidence else 9


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


def _score_signal(flag: Flag, z: float) -> Flag:
    """Segment scores as a weak signal: a low-scoring segment raises confidence, a high one lowers it."""
    if z <= -1.0:
        return replace(
            flag,
            confidence=min(0.98, flag.confidence + 0.1),
            evidence=flag.evidence + (Evidence("segment-score", f"the segment's chrF++ is {abs(z):.1f} robust deviations below the document median"),),
        )
    if z >= 1.0 and flag.category in (Category.MISTRANSLATION, Category.OMISSION, Category.ADDITION):
        return replace(flag, confidence=max(0.0, flag.confidence - 0.05))
    return flag


__all__ = ["MIN_CONFIDENCE", "SpanFlagger", "merge"]
