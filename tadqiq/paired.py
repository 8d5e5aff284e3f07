"""Checking paired input (XLIFF 1.2, XLIFF 2.x, TMX): the segments come already aligned.

:func:`check_paired` runs the check flow of :mod:`eval.flow` on the file:
:func:`~eval.flow.prepare_paired` reads it and builds two synthetic documents with one
unit per line (Arabic targets; English sources), split into sentences as plain text is;
the back-translation comes from a model (through the translation cache, sentence by
sentence) or from a hypothesis file with one line per unit, and the sentences are
aligned within each unit, never across units. The same text thus gives the same flags
as an XLIFF/TMX file and as plain text (one paragraph per unit).

Offsets and lines in the report point into those synthetic documents: line k+1 is
unit k, and ``text == units[k].target_ar[...]``; a segment lies inside one unit
(:func:`unit_of`, :func:`eval.reports.units.segment_units`). :func:`paired_json` adds
the unit ids and notes, so every flag can be traced back to its unit.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Sequence
from dataclasses import replace
from pathlib import Path
from typing import cast

from eval import flow
from eval.evaluate import Flagger
from eval.flow import ProgressFactory
from eval.reports.outputs import paired_json, report_json
from eval.reports.units import segment_units
from eval.text.files import write_atomic
from eval.text.formats import PairedInput, PairedUnit
from eval.values import Flag, Report, counted

__all__ = ["check_paired", "paired_json", "unit_of", "write_paired_json"]


def check_paired(
    path: str | os.PathLike[str],
    *,
    model: str | None = None,
    hypothesis: str | os.PathLike[str] | None = None,
    models_file: str | os.PathLike[str] | None = None,
    cache: str | os.PathLike[str] | None = None,
    use_cache: bool = True,
    glossary: str | os.PathLike[str] | None = None,
    min_confidence: float | None = None,
    checks: Collection[str] | None = None,
    progress: ProgressFactory | None = None,
    flaggers: Sequence[Flagger] | None = None,
) -> tuple[Report, PairedInput]:
    """Check an XLIFF/TMX file; returns the report and the units it read (nothing is written).

    Every segment of the report lies inside one unit: :func:`unit_of` gives a flag's
    unit. The back-translation comes from ``hypothesis`` (one line per
    unit) if given, else from ``model`` (or the default model of ``models_file``).
    """
    prepared = flow.prepare_paired(path)
    paired = cast(PairedInput, prepared.paired)  # always set by prepare_paired
    source: flow.Source = (
        flow.Hypothesis(Path(hypothesis))
        if hypothesis is not None
        else flow.ModelChoice(model, models_file, cache, use_cache)
    )
    report = flow.check(
        prepared, source, flaggers=flaggers, glossary=glossary,
        min_confidence=min_confidence, checks=checks, progress=progress,
    )
    skipped = ", ".join(f"{n} ({why})" for why, n in paired.skipped.items())
    note = (
        f"paired input: {paired.format_name}, {counted(len(paired.units), 'unit')}, their sentences "
        "aligned within each unit; lines and offsets are into the units' text, one unit per line"
        + (f"; units skipped: {skipped}" if skipped else "")
    )
    return replace(report, notes=[*report.notes, note]), paired


def unit_of(report: Report, paired: PairedInput, flag: Flag) -> PairedUnit:
    """The unit of ``paired`` a flag of ``report`` (from :func:`check_paired`) lies in."""
    return paired.units[segment_units(report)[flag.segment]]


def write_paired_json(report: Report, paired: PairedInput, path: str | os.PathLike[str]) -> None:
    """Write :func:`paired_json` atomically."""
    write_atomic(path, report_json(report, paired))
