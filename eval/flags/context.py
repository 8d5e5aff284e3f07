"""What flaggers and checks are given: read-only values, so that none of them can change a report.

* :class:`CheckContext` and :data:`Flagger`: :func:`eval.evaluate.evaluate` calls each
  flagger with the document's aligned segments and a :class:`CheckContext` (the two
  documents and the model's description); the flagger returns flags.
* :class:`DocumentContext`: what every check of the registry is given besides its
  segment view(s) — both files' original text and line lookups, the aligned segments,
  their chrF++ deviations, whether the back-translation is a rough gloss, the glossary.
* :class:`Check`: one row of the check registry (:mod:`eval.flags.registry`), handed
  to the check's own function so that it reads its category, severity and confidence
  from the table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType
from typing import Any

from eval.text.glossary import GlossaryTerm
from eval.values import AlignedSegment, Category, Document, Flag, Severity, Span

LineOf = Callable[[int], int]


@dataclass(frozen=True)
class CheckContext:
    """Everything but the segments that a flagger may read: the two documents and the model."""

    article: Document
    reference: Document
    model: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


# A flagger: the aligned segments of one document and their context in, flags out.
Flagger = Callable[[Sequence[AlignedSegment], CheckContext], list[Flag]]


@dataclass(frozen=True)
class DocumentContext:
    """The read-only context of every check: the original texts of both files and their line
    lookups, the aligned segments, each scored segment's robust z-score of chrF++ within the
    document (:func:`eval.flags.segment_score.robust_z`), the model's "rough" flag
    (word-by-word glosses) and the user's glossary."""

    ar: str
    ref: str
    ar_line: LineOf
    ref_line: LineOf
    segments: tuple[AlignedSegment, ...] = ()
    chrf_z: Mapping[int, float] = field(default_factory=lambda: MappingProxyType({}))
    rough: bool = False
    glossary: tuple[GlossaryTerm, ...] = ()

    def ar_span(self, start: int, end: int) -> Span:
        return Span(self.ar[start:end], self.ar_line(start), start, end)

    def ref_span(self, start: int, end: int) -> Span:
        return Span(self.ref[start:end], self.ref_line(start), start, end)


class Scope(str, Enum):
    """How a check is called and how its flags are merged (:mod:`eval.flags.merge`)."""

    #: ``run(view, ctx, check)`` for each scored segment; span flags, merged per segment.
    SEGMENT = "segment"
    #: ``run(views, ctx, check)`` once; span flags across segments (one name spelled two ways).
    DOCUMENT = "document"
    #: ``run(views, ctx, check)`` once; flags on whole segments (from the sentence alignment
    #: or the score distribution), kept apart from span flags and not filtered by confidence.
    WHOLE_SEGMENT = "whole-segment"


@dataclass(frozen=True)
class Check:
    """One registered check (see :data:`eval.flags.registry.REGISTRY`).

    ``category``, ``severity`` and ``confidence`` are what its flags get unless the check
    knows better (a number pair it could match is critical, one it could not is major);
    a check with several confidences keeps them relative to ``confidence``
    (:meth:`adjusted`). ``priority``: when two flags overlap, the one whose evidence has
    the lowest priority keeps its spans and category. ``signals``: the evidence signals
    its flags carry, with their merge priority, when they are not just ``name``.
    """

    name: str
    category: Category
    severity: Severity
    confidence: float
    priority: int
    scope: Scope
    run: Callable[..., list[Flag]]
    about: str = ""
    signals: tuple[tuple[str, int], ...] = ()

    @property
    def evidence_signals(self) -> dict[str, int]:
        """Evidence signal → merge priority, for every signal this check's flags carry."""
        return dict(self.signals) if self.signals else {self.name: self.priority}

    def adjusted(self, delta: float) -> float:
        """The base confidence plus ``delta`` (rounded, so that 0.9 - 0.3 is 0.6)."""
        return round(self.confidence + delta, 10)
