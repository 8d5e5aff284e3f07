"""The files a check writes: the JSON report (with its XLIFF/TMX units when the input
was paired), the HTML review page, CSV, Excel and the flagged XLIFF/TMX copy.

:func:`build_outputs` renders every requested file in memory first and
:func:`write_outputs` then writes each atomically, so an error leaves no output behind,
half-written or not.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from eval.reports.units import segment_units
from eval.text.files import write_atomic, write_atomic_bytes
from eval.text.formats import PairedInput
from eval.values import Report

__all__ = ["OutputPaths", "build_outputs", "paired_json", "report_json", "write_outputs"]


@dataclass(frozen=True)
class OutputPaths:
    """Where each output goes (None: not written). ``xliff`` needs paired input."""

    json: Path | None = None
    html: Path | None = None
    csv: Path | None = None
    xlsx: Path | None = None
    xliff: Path | None = None


def paired_json(report: Report, paired: PairedInput) -> dict:
    """``report.to_json()`` plus ``"input"`` (the file, its format and languages),
    ``"units"`` (per unit: id, file, notes, its line and the ids of its segments) and a
    ``"unit"`` id on every flag."""
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
    units = segment_units(report)
    segments: dict[int, list[int]] = {}
    for seg_id, k in units.items():
        segments.setdefault(k, []).append(seg_id)
    data["units"] = [
        {"id": u.id, "file": u.file, "notes": list(u.notes), "line": k + 1,
         "segments": sorted(segments.get(k, []))}
        for k, u in enumerate(paired.units)
    ]
    for flag in data["flags"]:
        k = units.get(flag["segment"], -1)
        flag["unit"] = paired.units[k].id if 0 <= k < len(paired.units) else None
    return data


def report_json(report: Report, paired: PairedInput | None = None) -> str:
    """The JSON report as written to a file (with the units of paired input)."""
    data = report.to_json() if paired is None else paired_json(report, paired)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def build_outputs(
    report: Report, paths: OutputPaths, paired: PairedInput | None = None
) -> list[tuple[Path, str | bytes]]:
    """Every requested output, rendered in memory (nothing is written)."""
    outputs: list[tuple[Path, str | bytes]] = []
    if paths.json is not None:
        outputs.append((paths.json, report_json(report, paired)))
    if paths.html is not None:
        from eval.reports.html import render_html

        outputs.append((paths.html, render_html(report)))
    if paths.csv is not None or paths.xlsx is not None or paths.xliff is not None:
        from eval.reports import export

        if paths.csv is not None:
            outputs.append((paths.csv, export.csv_text(report, paired)))
        if paths.xlsx is not None:
            outputs.append((paths.xlsx, export.xlsx_bytes(report, paired)))
        if paths.xliff is not None:
            if paired is None:
                raise ValueError("a flagged XLIFF/TMX copy needs paired input")
            outputs.append((paths.xliff, export.flagged_document(paired, report)))
    return outputs


def write_outputs(outputs: list[tuple[Path, str | bytes]]) -> None:
    """Write each output atomically (complete, or as the file was before)."""
    for path, content in outputs:
        if isinstance(content, bytes):
            write_atomic_bytes(path, content)
        else:
            write_atomic(path, content)
