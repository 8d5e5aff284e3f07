"""Segment-level flags: what the sentence alignment and the score distribution show.

* a reference sentence no Arabic sentence renders → omission;
* an Arabic sentence no reference sentence supports → addition;
* an aligned segment whose chrF++ falls far below the document's own
  distribution (robust z-score from median and MAD) → mistranslation.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence

from eval.values import AlignedSegment, Category, Evidence, Flag, HypSpan, Severity, Span

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


def segment_flags(segments: Sequence[AlignedSegment]) -> list[Flag]:
    flags: list[Flag] = []
    for k, seg in enumerate(segments):
        kind = seg.bead.kind
        if kind == "0-1" and _has_words(seg.reference.text):
            flags.append(
                Flag(
                    id="",
                    segment=seg.id,
                    category=Category.OMISSION,
                    severity=Severity.MAJOR,
                    confidence=0.7,
                    ar=insertion_point(segments, k),
                    reference=seg.reference,
                    hypothesis=HypSpan(),
                    evidence=(
                        Evidence(
                            "sentence-alignment",
                            "no Arabic sentence renders this reference sentence",
                        ),
                    ),
                )
            )
        elif kind == "1-0" and _has_words(seg.hypothesis or seg.ar.text):
            flags.append(
                Flag(
                    id="",
                    segment=seg.id,
                    category=Category.ADDITION,
                    severity=Severity.MAJOR,
                    confidence=0.7,
                    ar=seg.ar,
                    reference=Span(),
                    hypothesis=HypSpan(seg.hypothesis, 0, len(seg.hypothesis)),
                    evidence=(
                        Evidence(
                            "sentence-alignment",
                            "no reference sentence supports this Arabic sentence",
                        ),
                    ),
                )
            )
    scored = [s for s in segments if s.scores is not None]
    zs = robust_z([s.scores.chrf for s in scored])  # type: ignore[union-attr]
    for seg, z in zip(scored, zs, strict=True):
        if z <= LOW_SCORE_Z and _has_words(seg.reference.text):
            flags.append(
                Flag(
                    id="",
                    segment=seg.id,
                    category=Category.MISTRANSLATION,
                    severity=Severity.MAJOR,
                    confidence=min(0.9, 0.4 + 0.1 * abs(z)),
                    ar=seg.ar,
                    reference=seg.reference,
                    hypothesis=HypSpan(seg.hypothesis, 0, len(seg.hypothesis)),
                    evidence=(
                        Evidence(
                            "segment-score",
                            f"chrF++ {seg.scores.chrf:.1f} is {abs(z):.1f} robust "  # type: ignore[union-attr]
                            "deviations below the document's median",
                        ),
                    ),
                )
            )
    return flags
