"""Which XLIFF/TMX unit each segment of a report of paired input lies in."""

from __future__ import annotations

from eval.values import Report

__all__ = ["segment_units"]


def segment_units(report: Report) -> dict[int, int]:
    """Segment id → index of the XLIFF/TMX unit it lies in, for a report of paired input.

    The check writes unit k on line k+1 of both synthetic documents and never aligns
    across units, so a segment's line (its Arabic's, or its reference's when it has no
    Arabic) names its unit.
    """
    out: dict[int, int] = {}
    for seg in report.segments:
        line = seg.ar.line if seg.ar.text and seg.ar.line is not None else seg.reference.line
        if line is not None:
            out[seg.id] = line - 1
    return out
