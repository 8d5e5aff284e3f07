"""Checking paired input (XLIFF 1.2, XLIFF 2.x, TMX): the segments come already aligned.

:func:`check_paired` reads the file with :func:`eval.text.formats.read_paired`, builds two
synthetic documents with one unit per line (Arabic targets; English sources), gets a
back-translation per unit (from a model, through the translation cache, or from a
hypothesis file with one line per unit) and runs :func:`eval.evaluate.evaluate` with
``pre_aligned=True``: segment k of the report is unit k of the file.

Offsets and lines in the report point into those synthetic documents: line k+1 is
unit k, and ``text == units[k].target_ar[...]``. :func:`paired_json` adds the unit
ids and notes, so every flag can be traced back to its unit.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from eval.evaluate import Flagger, evaluate
from eval.text.documents import document_from_text, read_text
from eval.text.files import write_atomic
from eval.text.formats import PairedInput, read_paired
from eval.text.segment import segment
from eval.values import Document, Report, Segment, Span, Unit
from tadqiq.errors import InputError
from tadqiq.pipeline import CheckRequest, ProgressFactory, _translate_units, default_flaggers

__all__ = ["check_paired", "paired_json", "synthetic_documents", "write_paired_json"]


def _segments(lines: Sequence[str], language: str) -> list[Segment | None]:
    """One segment per non-empty line (None for an empty one), offsets into "\\n".join(lines)."""
    out: list[Segment | None] = []
    offset = 0
    index = 0
    for k, line in enumerate(lines):
        if line:
            parts = segment(line, language)
            headline = len(parts) == 1 and parts[0].headline
            out.append(Segment(index, line, k + 1, offset, offset + len(line), index, headline))
            index += 1
        else:
            out.append(None)
        offset += len(line) + 1
    return out


def synthetic_documents(
    paired: PairedInput,
) -> tuple[Document, Document, list[Segment | None], list[Segment]]:
    """Arabic and English documents of ``paired`` (one unit per line) and their segments.

    Returns ``(article, reference, ar_by_unit, ref_segments)``: ``ar_by_unit[k]`` is the
    Arabic segment of unit k, or None when its target is empty.
    """
    targets = [u.target_ar for u in paired.units]
    sources = [u.source_en for u in paired.units]
    if not any(targets):
        raise InputError(f"{paired.path}: no unit has an Arabic target; nothing to check")
    article = document_from_text(
        "\n".join(targets), "ar", paired.path, role="target text", encoding=paired.encoding
    )
    reference = document_from_text(
        "\n".join(sources), "en", paired.path, role="source text", encoding=paired.encoding
    )
    ar_by_unit = _segments(targets, "ar")
    ref_segments = [s for s in _segments(sources, "en") if s is not None]
    return article, reference, ar_by_unit, ref_segments


def hypothesis_lines(path: Path, paired: PairedInput) -> list[str]:
    """One back-translation per unit: a line per unit, or a non-blank line per translated unit."""
    text = read_text(path, "hypothesis")[0]
    lines = [line.strip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    n_units = len(paired.units)
    if len(lines) == n_units:
        return lines
    non_blank = [line for line in lines if line]
    translated = [k for k, u in enumerate(paired.units) if u.target_ar]
    if len(non_blank) == len(translated):
        out = [""] * n_units
        for k, line in zip(translated, non_blank, strict=True):
            out[k] = line
        return out
    raise InputError(
        f"{path}: has {len(lines)} lines ({len(non_blank)} non-empty) but {paired.path} has "
        f"{n_units} units to check ({len(translated)} with an Arabic target); "
        "give one line per unit"
    )


def place_empty_targets(
    report: Report, ar_by_unit: Sequence[Segment | None], article: Document
) -> None:
    """An omission flag on a unit without target points at that unit's (empty) line."""
    line_starts = [0]
    for k, ch in enumerate(article.original):
        if ch == "\n":
            line_starts.append(k + 1)
    flags = []
    for flag in report.flags:
        k = flag.segment
        if 0 <= k < len(ar_by_unit) and ar_by_unit[k] is None and not flag.ar.text:
            start = line_starts[k]
            flag = replace(flag, ar=Span("", k + 1, start, start))
        flags.append(flag)
    report.flags = flags


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
    progress: ProgressFactory | None = None,
    flaggers: Sequence[Flagger] | None = None,
) -> tuple[Report, PairedInput]:
    """Check an XLIFF/TMX file; returns the report and the units it read (nothing is written).

    Segment k of the report (and every flag with ``segment == k``) is
    ``paired.units[k]``. The back-translation comes from ``hypothesis`` (one line per
    unit) if given, else from ``model`` (or the default model of ``models_file``).
    """
    timings: dict[str, float] = {}
    t = time.perf_counter()
    paired = read_paired(path)
    hyp_path = Path(hypothesis) if hypothesis is not None else None
    hyp_lines = hypothesis_lines(hyp_path, paired) if hyp_path is not None else None
    timings["read"] = time.perf_counter() - t

    t = time.perf_counter()
    article, reference, ar_by_unit, ref_segments = synthetic_documents(paired)
    ar_segments = [s for s in ar_by_unit if s is not None]
    timings["segment"] = time.perf_counter() - t

    request = CheckRequest(
        article=Path(paired.path),
        reference=Path(paired.path),
        model=model,
        hypothesis=hyp_path,
        models_file=Path(models_file) if models_file is not None else None,
        cache=Path(cache) if cache is not None else None,
        use_cache=use_cache,
        glossary=Path(glossary) if glossary is not None else None,
        min_confidence=min_confidence,
    )
    t = time.perf_counter()
    if hyp_lines is not None:
        hyps = [hyp_lines[k] for k, s in enumerate(ar_by_unit) if s is not None]
        model_info: dict = {
            "name": "hypothesis-file",
            "backend": "precomputed",
            "model": str(hyp_path),
            "revision": None,
            "settings": {},
            "rough": False,
        }
        translated = [Unit((s.index,), h) for s, h in zip(ar_segments, hyps, strict=True)]
    else:
        translated, model_info = _translate_units(request, ar_segments, progress)
    timings["translate"] = time.perf_counter() - t

    it = iter(translated)
    units = [next(it) if s is not None else Unit((), "") for s in ar_by_unit]
    report = evaluate(
        article, reference, ar_segments, ref_segments, units, model_info,
        flaggers=default_flaggers(request) if flaggers is None else flaggers,
        timings=timings,
        pre_aligned=True,
    )
    place_empty_targets(report, ar_by_unit, article)
    skipped = ", ".join(f"{n} ({why})" for why, n in paired.skipped.items())
    report.notes.append(
        f"paired input: {paired.format_name}, {len(paired.units)} units checked without "
        "sentence alignment; lines and offsets are into the units' text, one unit per line"
        + (f"; units skipped: {skipped}" if skipped else "")
    )
    return report, paired


def paired_json(report: Report, paired: PairedInput) -> dict:
    """``report.to_json()`` plus ``"input"`` (the file, its format and languages),
    ``"units"`` (segment k → unit id, file, notes) and a ``"unit"`` id on every flag."""
    data = report.to_json()
    data["input"] = {
        "path": paired.path,
        "format": paired.format,
        "version": paired.version,
        "source_language": paired.source_language,
        "target_language": paired.target_language,
        "units": len(paired.units),
        "skipped": dict(paired.skipped),
        "sha256": paired.sha256,
    }
    data["units"] = [
        {"segment": k, "id": u.id, "file": u.file, "notes": list(u.notes)}
        for k, u in enumerate(paired.units)
    ]
    for flag in data["flags"]:
        k = flag["segment"]
        flag["unit"] = paired.units[k].id if 0 <= k < len(paired.units) else None
    return data


def write_paired_json(report: Report, paired: PairedInput, path: str | os.PathLike[str]) -> None:
    """Write :func:`paired_json` atomically."""
    write_atomic(path, json.dumps(paired_json(report, paired), ensure_ascii=False, indent=2) + "\n")
