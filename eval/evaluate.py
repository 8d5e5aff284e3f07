"""Everything a check does after translation, as one pure function.

:func:`evaluate` takes the two documents, their segments and the Arabic units
with their back-translations, and returns a :class:`~eval.values.Report`:
sentence alignment, segment and corpus scores, flags. No I/O happens here.

Flags come from the flaggers (:data:`~eval.flags.context.Flagger`, usually one
:class:`~eval.flags.merge.SpanFlagger`): each gets the aligned segments and a read-only
:class:`~eval.flags.context.CheckContext` and returns flags; they never see the report.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Sequence
from dataclasses import replace
from types import MappingProxyType

from eval.align.sentences import AlignSettings, align, align_within
from eval.flags.context import CheckContext, Flagger
from eval.scoring.metrics import document_scores
from eval.values import (
    AlignedSegment,
    Document,
    Flag,
    Report,
    Segment,
    SourceInfo,
    Span,
    Unit,
    split_note,
)

_WORD = re.compile(r"[^\W_]+")


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def source_info(doc: Document, segments: Sequence[Segment]) -> SourceInfo:
    digest = hashlib.sha256(doc.original.encode("utf-8")).hexdigest()
    return SourceInfo(doc.path, doc.encoding, len(segments), word_count(doc.original), digest)


def _span(segments: Sequence[Segment], idx: Sequence[int], original: str) -> Span:
    return Span.of_segments([segments[i] for i in idx], original)


def fingerprint(flag: Flag, segment: AlignedSegment | None) -> str:
    """A stable id for a flag: its category, its three spans' text and its segment's text.

    Offsets and ids are left out, so editing another paragraph does not change it.
    """
    parts = [
        flag.category.value, flag.ar.text, flag.reference.text, flag.hypothesis.text,
        segment.ar.text if segment else "", segment.reference.text if segment else "",
    ]
    return hashlib.sha1("\x1f".join(" ".join(p.split()) for p in parts).encode("utf-8")).hexdigest()[:16]


def sort_and_number(flags: list[Flag], segments: Sequence[AlignedSegment] = ()) -> list[Flag]:
    """Order flags by position in the Arabic file, give them ids F1, F2, … and fingerprints."""

    def key(f: Flag) -> tuple:
        return (
            f.segment,
            f.ar.start if f.ar.start is not None else -1,
            f.reference.start if f.reference.start is not None else -1,
            -f.severity.rank,
        )

    by_id = {s.id: s for s in segments}
    return [
        replace(f, id=f"F{i}", fingerprint=fingerprint(f, by_id.get(f.segment)))
        for i, f in enumerate(sorted(flags, key=key), start=1)
    ]


def evaluate(
    article: Document,
    reference: Document,
    ar_segments: Sequence[Segment],
    ref_segments: Sequence[Segment],
    units: Sequence[Unit],
    model: dict,
    *,
    flaggers: Sequence[Flagger] = (),
    align_settings: AlignSettings | None = None,
    timings: dict[str, float] | None = None,
    pre_aligned: bool = False,
    check_match: bool = True,
) -> Report:
    """``pre_aligned``: line k of the article renders line k of the reference (the units
    of an XLIFF/TMX file, one per line): sentences are aligned within each line, never
    across lines (:func:`eval.align.sentences.align_within`).

    ``check_match``: raise :class:`~tadqiq.errors.InputError` when the reference plainly
    belongs to another article (:mod:`eval.align.mismatch`; never for pre-aligned input).
    """
    timings = timings if timings is not None else {}
    t0 = time.perf_counter()
    if pre_aligned:
        beads = align_within(
            units, [ar_segments[u.segments[0]].line for u in units],
            [s.text for s in ref_segments], [s.line for s in ref_segments], align_settings,
        )
    else:
        beads = align(units, [s.text for s in ref_segments], align_settings)
    t1 = time.perf_counter()
    timings["align"] = t1 - t0

    ref_spans = [_span(ref_segments, bead.ref, reference.original) for bead in beads]
    seg_scores, corpus = document_scores([b.hypothesis for b in beads], [s.text for s in ref_spans])
    if check_match and not pre_aligned:
        from eval.align.mismatch import check_reference_match

        check_reference_match(
            article, reference, ar_segments, ref_segments, beads, corpus["chrf"].score
        )
    aligned = [
        AlignedSegment(
            bead=bead,
            ar=_span(ar_segments, bead.ar, article.original),
            reference=ref_span,
            scores=scores,
        )
        for bead, ref_span, scores in zip(beads, ref_spans, seg_scores, strict=True)
    ]
    t2 = time.perf_counter()
    timings["score"] = t2 - t1

    context = CheckContext(article, reference, MappingProxyType(dict(model)))
    flags: list[Flag] = []
    for flagger in flaggers:
        flags.extend(flagger(tuple(aligned), context))
    numbered = sort_and_number(flags, aligned)
    timings["flag"] = time.perf_counter() - t2

    report = Report(
        article=source_info(article, ar_segments),
        reference=source_info(reference, ref_segments),
        model=model,
        segments=aligned,
        flags=numbered,
        corpus_scores=corpus,
        ar_segments=list(ar_segments),
        ref_segments=list(ref_segments),
        timings=timings,
        split_parts={i: u.parts for u in units if u.parts > 1 for i in u.segments},
    )
    if report.split_parts:
        report.notes.append(split_note(len(report.split_parts)))
    return report


__all__ = ["CheckContext", "Flagger", "evaluate", "fingerprint", "sort_and_number", "source_info", "word_count"]
