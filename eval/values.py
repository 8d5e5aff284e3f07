"""Typed values shared by the evaluation pipeline: one type per idea.

Offsets are always code-point offsets into the *original* decoded text of the
file the user gave (BOM removed); lines are 1-based. Normalised text is only
used for matching and never leaks into an offset.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType
from typing import Any

from tadqiq import __version__


class Category(str, Enum):
    """MQM error categories."""

    MISTRANSLATION = "mistranslation"
    OMISSION = "omission"
    ADDITION = "addition"
    UNTRANSLATED = "untranslated"
    TERMINOLOGY = "terminology"
    INCONSISTENCY = "inconsistency"
    NUMBER = "number"
    NAMED_ENTITY = "named-entity"
    GRAMMAR = "grammar"


class Severity(str, Enum):
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    @property
    def weight(self) -> int:
        """MQM penalty weight: minor 1, major 5, critical 10."""
        return _SEVERITY_WEIGHT[self]


_SEVERITY_RANK = {Severity.MINOR: 1, Severity.MAJOR: 2, Severity.CRITICAL: 3}
_SEVERITY_WEIGHT = {Severity.MINOR: 1, Severity.MAJOR: 5, Severity.CRITICAL: 10}


#: Bidi controls and zero-width characters: invisible, never meaningful for matching
#: (U+200E, U+200F, U+061C, U+202A–U+202E, U+2066–U+2069, U+200B–U+200D, U+FEFF).
CONTROL_CHARS: frozenset[str] = frozenset(
    "\u200e\u200f\u061c"
    + "".join(chr(c) for c in range(0x202A, 0x202F))
    + "".join(chr(c) for c in range(0x2066, 0x206A))
    + "\u200b\u200c\u200d\ufeff"
)


def original_span(original: str, offsets: tuple[int, ...], start: int, end: int) -> tuple[int, int]:
    """Map a half-open span ``[start, end)`` of normalised text back to ``original``.

    ``offsets`` is an offset map (:class:`Document`, :mod:`eval.text.normalise`). Better
    than ``(offsets[start], offsets[end])`` at two edges: a span that ends inside the
    expansion of one character (the ``ل`` of ``ﻻ`` → ``لا``) still covers that character,
    and invisible controls (:data:`CONTROL_CHARS`) after the span are left out. Marks
    dropped after the last character (diacritics) stay inside, since they belong to it.
    """
    if not 0 <= start <= end < len(offsets):
        raise ValueError(f"span [{start}, {end}) is outside 0..{len(offsets) - 1}")
    first = offsets[start]
    if start == end:
        return first, first
    last = offsets[end - 1]
    stop = offsets[end] if offsets[end] > last else last + 1
    while stop > last + 1 and original[stop - 1] in CONTROL_CHARS:
        stop -= 1
    return first, stop


@dataclass(frozen=True)
class Document:
    """A decoded input file.

    ``offset_map[i]`` is the index in ``original`` of ``normalised[i]``; it has one
    extra entry, ``len(original)``, so that end offsets map too.
    """

    path: str
    original: str
    normalised: str
    offset_map: tuple[int, ...]
    language: str  # "ar" or "en"
    encoding: str

    def line_of(self, offset: int) -> int:
        """1-based line number of an offset into ``original``."""
        return self.original.count("\n", 0, offset) + 1

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of ``normalised`` back to ``original`` (see :func:`original_span`)."""
        return original_span(self.original, self.offset_map, start, end)


@dataclass(frozen=True)
class Segment:
    """One sentence (or headline) with its place in the original file."""

    index: int
    text: str  # exactly original[start:end]
    line: int
    start: int
    end: int
    paragraph: int  # 0-based index of the non-empty line it belongs to
    headline: bool = False


@dataclass(frozen=True)
class Span:
    """A stretch of an input file. Empty text and ``line=None`` mean "nothing on this side"."""

    text: str = ""
    line: int | None = None
    start: int | None = None
    end: int | None = None

    @classmethod
    def of_segments(cls, segments: list[Segment] | tuple[Segment, ...], original: str) -> Span:
        if not segments:
            return cls()
        start, end = segments[0].start, segments[-1].end
        return cls(original[start:end], segments[0].line, start, end)

    def to_json(self) -> dict:
        return {"text": self.text, "line": self.line, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class HypSpan:
    """A stretch of a segment's back-translation; offsets are into that hypothesis text."""

    text: str = ""
    start: int | None = None
    end: int | None = None

    def to_json(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class WordLink:
    """A source↔target link inside one translated sentence (character offsets)."""

    src_start: int
    src_end: int
    tgt_start: int
    tgt_end: int
    weight: float = 1.0


@dataclass(frozen=True)
class Unit:
    """One or more Arabic segments and the English hypothesis that renders them."""

    segments: tuple[int, ...]
    hypothesis: str
    links: tuple[WordLink, ...] | None = None  # source offsets relative to the joined Arabic text
    # How many pieces the model translated the Arabic in: > 1 when it was longer than the
    # model's maximum input and was split (the pieces' translations are joined).
    parts: int = 1


@dataclass(frozen=True)
class Bead:
    """A sentence-alignment unit: 0–3 Arabic segments ↔ 0–3 reference segments."""

    id: int
    ar: tuple[int, ...]  # indices into the Arabic segments
    ref: tuple[int, ...]  # indices into the reference segments
    hypothesis: str
    similarity: float  # alignment score of this bead, 0..1
    links: tuple[WordLink, ...] | None = None

    @property
    def kind(self) -> str:
        return f"{len(self.ar)}-{len(self.ref)}"


@dataclass(frozen=True)
class SegmentScores:
    bleu: float
    chrf: float
    ter: float

    def to_json(self) -> dict:
        return {"bleu": round(self.bleu, 2), "chrf": round(self.chrf, 2), "ter": round(self.ter, 2)}


@dataclass(frozen=True)
class CorpusScore:
    name: str
    score: float
    signature: str

    def to_json(self) -> dict:
        return {"score": round(self.score, 2), "signature": self.signature}


@dataclass(frozen=True)
class Evidence:
    """One signal that fired for a flag, and what it saw."""

    signal: str
    detail: str

    def to_json(self) -> dict:
        return {"signal": self.signal, "detail": self.detail}


@dataclass(frozen=True)
class Flag:
    id: str
    segment: int  # bead id
    category: Category
    severity: Severity
    confidence: float
    ar: Span
    reference: Span
    hypothesis: HypSpan
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    # Stable across runs while the flag's text and its segment's text do not change
    # (see :func:`eval.evaluate.fingerprint`); review decisions are keyed by it.
    fingerprint: str = ""
    review: str | None = None  # "accepted" or "false-alarm" once an editor decided

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "fingerprint": self.fingerprint,
            "review": self.review,
            "segment": self.segment,
            "category": self.category.value,
            "severity": self.severity.value,
            "confidence": round(self.confidence, 3),
            "ar": self.ar.to_json(),
            "reference": self.reference.to_json(),
            "hypothesis": self.hypothesis.to_json(),
            "evidence": [e.to_json() for e in self.evidence],
        }


# The check report: one typed value holding everything a check found, and its JSON form.

SCHEMA = "tadqiq.check/1"


@dataclass(frozen=True)
class SourceInfo:
    path: str
    encoding: str
    sentences: int
    words: int
    sha256: str = ""  # of the decoded text, to tie review decisions to this article

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "encoding": self.encoding,
            "sentences": self.sentences,
            "words": self.words,
            "sha256": self.sha256,
        }


@dataclass(frozen=True)
class AlignedSegment:
    """One alignment bead with its text on every side and its scores."""

    bead: Bead
    ar: Span
    reference: Span
    scores: SegmentScores | None

    @property
    def id(self) -> int:
        return self.bead.id

    @property
    def hypothesis(self) -> str:
        return self.bead.hypothesis

    def to_json(self) -> dict:
        return {
            "id": self.bead.id,
            "kind": self.bead.kind,
            "ar": self.ar.to_json(),
            "hypothesis": {"text": self.bead.hypothesis},
            "reference": self.reference.to_json(),
            "alignment_similarity": self.bead.similarity,
            "scores": self.scores.to_json() if self.scores else None,
        }


@dataclass(frozen=True)
class MQMScore:
    """MQM-style penalty: sum of flag weights (minor 1, major 5, critical 10) per 1,000 words."""

    penalty: int
    words: int

    @property
    def per_thousand(self) -> float:
        return 1000.0 * self.penalty / self.words if self.words else 0.0

    @property
    def quality(self) -> float:
        """100 minus the penalty per 100 words, floored at 0 (100 = no error found)."""
        return max(0.0, 100.0 - self.per_thousand / 10.0)

    def to_json(self) -> dict:
        return {
            "penalty": self.penalty,
            "words": self.words,
            "penalty_per_1000_words": round(self.per_thousand, 2),
            "quality": round(self.quality, 2),
            "formula": "penalty = 1*minor + 5*major + 10*critical; "
            "penalty_per_1000_words = 1000 * penalty / arabic_words; "
            "quality = max(0, 100 - penalty_per_1000_words / 10)",
        }


@dataclass
class Report:
    article: SourceInfo
    reference: SourceInfo
    model: dict
    segments: list[AlignedSegment]
    flags: list[Flag]
    corpus_scores: dict[str, CorpusScore]
    ar_segments: list[Segment] = field(default_factory=list)
    ref_segments: list[Segment] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: Arabic segment index → pieces the model translated it in, for the sentences that
    #: were longer than the model's maximum input and were split (see translator.hf).
    split_parts: dict[int, int] = field(default_factory=dict)

    def split_for_model(self, segment_id: int) -> int:
        """Pieces the model translated the split sentences of this segment in (0: none split)."""
        if not self.split_parts:
            return 0
        seg = next((s for s in self.segments if s.id == segment_id), None)
        return self.parts_of(seg) if seg is not None else 0

    def parts_of(self, segment: AlignedSegment) -> int:
        """Pieces the model translated ``segment``'s split sentences in (0: none split)."""
        return sum(self.split_parts.get(i, 0) for i in segment.bead.ar)

    @property
    def active_flags(self) -> list[Flag]:
        """Flags an editor has not dismissed as false alarms."""
        return [f for f in self.flags if f.review != "false-alarm"]

    @property
    def mqm(self) -> MQMScore:
        return MQMScore(sum(f.severity.weight for f in self.active_flags), self.article.words)

    def flags_at_or_above(self, severity: Severity) -> list[Flag]:
        return [f for f in self.active_flags if f.severity.rank >= severity.rank]

    def to_json(self) -> dict:
        by_sev = Counter(f.severity.value for f in self.active_flags)
        by_cat = Counter(f.category.value for f in self.active_flags)
        return {
            "schema": SCHEMA,
            "version": __version__,
            "article": self.article.to_json(),
            "reference": self.reference.to_json(),
            "model": self.model,
            "corpus_scores": {k: v.to_json() for k, v in self.corpus_scores.items()},
            "mqm": self.mqm.to_json(),
            "summary": {
                "segments": len(self.segments),
                "flags": len(self.active_flags),
                "dismissed": len(self.flags) - len(self.active_flags),
                "by_severity": {s.value: by_sev.get(s.value, 0) for s in Severity},
                "by_category": dict(sorted(by_cat.items())),
            },
            "segments": [self._segment_json(s) for s in self.segments],
            "flags": [f.to_json() for f in self.flags],
            "notes": list(self.notes),
            "timings": {k: round(v, 4) for k, v in self.timings.items()},
        }

    def _segment_json(self, segment: AlignedSegment) -> dict:
        data = segment.to_json()
        parts = self.parts_of(segment)
        if parts:
            data["split_for_model"] = parts
        return data


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """A count with its noun in the right number: ``1 paragraph``, ``2 paragraphs``, ``0 flags``.

    ``plural`` defaults to ``singular + "s"``; give it for the others (``entry``, ``entries``).
    """
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def split_note(sentences: int) -> str:
    """The report note (and terminal line) saying how many sentences were split for the model."""
    was = "was" if sentences == 1 else "were"
    return f"{counted(sentences, 'sentence')} {was} longer than the model's limit and {was} translated in parts"


# --- what produced a translation -------------------------------------------------------


@dataclass(frozen=True)
class ModelInfo:
    """What produced a translation: shown in reports and used as the cache key.

    ``rough`` marks backends whose output is not fluent English (word-by-word
    glosses); later stages should trust their hypotheses less.
    ``cache_key`` identifies everything that changes the output; two translators
    with the same key must translate every sentence identically. ``settings`` is
    read-only. A models.yaml entry makes one with
    :meth:`translator.registry.ModelSpec.model_info`.
    """

    name: str
    backend: str
    model: str | None
    revision: str | None
    settings: Mapping[str, Any] = field(default_factory=dict, hash=False)
    rough: bool = False
    cache_key: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "settings", MappingProxyType(dict(self.settings)))

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "backend": self.backend,
            "model": self.model,
            "revision": self.revision,
            "settings": dict(self.settings),
            "rough": self.rough,
        }
