"""One corpus document in a nightly run: prepared by the check flow, and what the run keeps.

:func:`prepare_document` reads and segments a :class:`~eval.nightly.corpus.CorpusDocument`
through :mod:`eval.flow` (plain-text files, texts already in memory, or an XLIFF/TMX
file) once for every model. :func:`document_result` keeps of one model's report on it
what the run needs: the ``MODEL.jsonl`` line, the segments that later significance
tests pair with, the MQM penalty and word count, as a :class:`DocumentResult` (which
the resume state of :mod:`eval.nightly.outdir` stores).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from eval import flow
from eval.nightly.corpus import CorpusDocument
from eval.nightly.records import FlagRecord
from eval.scoring.significance import DocumentSegments
from eval.values import Report
from tadqiq.errors import InputError

__all__ = ["DocumentResult", "PreparedDocument", "document_result", "prepare_document"]


@dataclass(frozen=True)
class PreparedDocument:
    """A corpus document read and segmented, ready for any model.

    ``digest`` covers both texts: a finished document is reused on resume only while it
    is unchanged.
    """

    name: str
    prepared: flow.Prepared
    digest: str


def prepare_document(doc: CorpusDocument) -> PreparedDocument:
    """Read and segment one corpus document; InputError when it cannot be used."""
    if doc.paired is not None:
        prepared = flow.prepare_paired(doc.paired)
    elif doc.article_text is not None and doc.reference_text is not None:
        label = f"{doc.where} ({doc.name})"
        prepared = flow.prepare_texts(
            doc.article_text, doc.reference_text, article_path=label, reference_path=label
        )
    elif doc.reference_path is not None:
        prepared = flow.prepare_files(doc.article_path, doc.reference_path)
    else:  # pragma: no cover - load_corpus never builds such a document
        raise InputError(f"{doc.where}: document {doc.name!r} has no reference")
    if not prepared.ar_segments:
        raise InputError(f"{doc.where}: the article has no sentences")
    if not prepared.ref_segments:
        raise InputError(f"{doc.where}: the reference has no sentences")
    texts = (prepared.article.original, prepared.reference.original)
    digest = hashlib.sha256("\x00".join(texts).encode("utf-8")).hexdigest()
    return PreparedDocument(doc.name, prepared, digest)


@dataclass(frozen=True)
class DocumentResult:
    """One model's result on one document, as kept in the state and the JSONL line."""

    name: str
    line: dict  # the MODEL.jsonl line
    segments: DocumentSegments
    bead_references: list[str]  # reference text of every bead, as in the report
    penalty: int
    words: int
    model_info: dict

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """(hypothesis, reference text) of every bead, for corpus scores."""
        hyps = [hyp for _, hyp in self.segments.beads]
        return list(zip(hyps, self.bead_references, strict=True))

    def flag_records(self) -> list[FlagRecord]:
        return [
            FlagRecord(
                document=self.name,
                fingerprint=f["fingerprint"],
                severity=f["severity"],
                category=f["category"],
                ar=f["ar"]["text"],
                reference=f["reference"]["text"],
            )
            for f in self.line["flags"]
            if f.get("review") != "false-alarm"
        ]


def document_result(name: str, report: Report) -> DocumentResult:
    """What the run keeps of ``report``, the check of document ``name``."""
    data = report.to_json()
    line = {
        "document": name,
        "model": report.model.get("name"),
        "scores": {k: round(v.score, 4) for k, v in report.corpus_scores.items()},
        "segments": len(report.segments),
        "words": report.article.words,
        "flags_by_severity": data["summary"]["by_severity"],
        "flags_by_category": data["summary"]["by_category"],
        "mqm": data["mqm"],
        "timings": data["timings"],
        "flags": data["flags"],
        "notes": data["notes"],
    }
    segments = DocumentSegments(
        references=tuple(s.text for s in report.ref_segments),
        beads=tuple((s.bead.ref, s.hypothesis) for s in report.segments),
    )
    return DocumentResult(
        name, line, segments, [s.reference.text for s in report.segments],
        report.mqm.penalty, report.article.words, dict(report.model),
    )
