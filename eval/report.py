"""The check report: one typed value holding everything a check found, and its JSON form."""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from eval.data import Bead, CorpusScore, Flag, Segment, SegmentScores, Severity, Span
from tadqiq import __version__
from tadqiq.errors import InputError

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
        for seg in self.segments:
            if seg.id == segment_id:
                return sum(self.split_parts.get(i, 0) for i in seg.bead.ar)
        return 0

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
        parts = sum(self.split_parts.get(i, 0) for i in segment.bead.ar)
        if parts:
            data["split_for_model"] = parts
        return data


def split_note(sentences: int) -> str:
    """The report note (and terminal line) saying how many sentences were split for the model."""
    if sentences == 1:
        return "1 sentence was longer than the model's limit and was translated in parts"
    return f"{sentences} sentences were longer than the model's limit and were translated in parts"


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and a rename."""
    write_atomic_bytes(path, text.encode("utf-8"))


def write_atomic_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    target = Path(path)
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"{target}: the folder {parent} does not exist")
    umask = os.umask(0)
    os.umask(umask)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    # From here on an error or Ctrl-C removes the temporary file: the target is either
    # the complete new file or whatever it was before, never half-written.
    try:
        with os.fdopen(fd, "wb") as fh:
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a report is an ordinary file
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(report: Report, path: str | os.PathLike[str]) -> None:
    write_atomic(path, json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n")
