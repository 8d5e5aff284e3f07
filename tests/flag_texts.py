"""Checking three short texts (Arabic, reference, back-translation) as strings, the way the
flag tests do: the check flow's text preparation, the back-translation as given, and the
default flaggers."""

from __future__ import annotations

from pathlib import Path

from eval.flow import (
    BackTranslation,
    default_flaggers,
    evaluate_prepared,
    hypothesis_units,
    prepare_texts,
)
from eval.values import Flag, Report


def report_of(ar: str, ref: str, hyp: str, *, glossary: Path | None = None,
              min_confidence: float | None = None) -> Report:
    """The report of checking ``ar`` against ``ref`` with the back-translation ``hyp``."""
    prepared = prepare_texts(ar, ref, article_path="a.ar.txt", reference_path="r.en.txt")
    units = hypothesis_units(prepared, hyp)
    return evaluate_prepared(prepared, BackTranslation(tuple(units), {"name": "test"}),
                             flaggers=default_flaggers(glossary, min_confidence))


def flags_of(signal: str | None, ar: str, ref: str, hyp: str, *,
             min_confidence: float | None = None) -> list[Flag]:
    """The flags carrying the evidence ``signal`` (every flag for ``None``)."""
    flags = report_of(ar, ref, hyp, min_confidence=min_confidence).flags
    return [f for f in flags if signal is None or any(e.signal == signal for e in f.evidence)]
