"""Terminal rendering of a report with rich.

Arabic is printed in logical order (what bidi-aware terminals and pipes
expect); ``visual=True`` reorders it for terminals without bidi support.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rich.console import Console, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from eval.reports.tables import Col, FittedTable, dropped_note, fit_table
from eval.reports.wording import (
    DIRECTION_LEGEND,
    MQM_PENALTY_PER_1000,
    ROUGH_GLOSS_EXPLANATION,
    ROUGH_GLOSS_LABEL,
    mqm_line,
    segment_number,
    signal_label,
)
from eval.scoring.registry import DEFAULT_METRIC, METRICS, metric_label
from eval.values import Flag, Report, Severity, counted

SEVERITY_STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.MAJOR: "bold black on yellow",
    Severity.MINOR: "black on cyan",
}


def _ar(text: str, visual: bool, *, wrap: bool = False) -> str | RenderableType:
    """Arabic as given (logical order), or, with ``visual``, reordered after it is cut or
    wrapped to the width it gets, so that its start is what shows."""
    if not visual or not text:
        return text
    from eval.reports.bidi import VisualArabic

    return VisualArabic(text, wrap=wrap)


# C0 and C1 control characters from the input are shown as symbols (ESC as ␛): text of an
# article or a file name must not drive the terminal (colours, title, cursor, clear screen).
_CONTROLS: dict[int, int | str] = (
    {c: 0x2400 + c for c in range(0x20)} | {0x7F: 0x2421} | dict.fromkeys(range(0x80, 0xA0), 0xFFFD)
)
# Bidi embeddings, overrides and isolates (not the LRM/RLM marks) are shown by name: in a
# terminal they would reorder the rest of the line ("Trojan Source"), e.g. of a file name.
_CONTROLS |= {c: f"<U+{c:04X}>" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def _safe(text: str) -> str:
    return text.translate(_CONTROLS)


def _short(text: str, limit: int) -> str:
    text = _safe(" ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render(report: Report, console: Console, *, visual: bool = False, segments: bool = True) -> None:
    """The report on ``console``, fitted to its width: numbers are never cut, text wraps."""
    model = report.model
    title = _safe(f"tadqiq check — {report.article.path} ↔ {report.reference.path}")
    console.print(Text(title, style="bold"))
    console.print(Text(_safe(f"model: {model.get('name')} ({model.get('backend')})")))
    if model.get("rough"):
        console.print(_labelled(
            "note:", f"{ROUGH_GLOSS_LABEL}, not a real translation. {ROUGH_GLOSS_EXPLANATION}", "yellow",
        ))
    console.print(Text(score_line(report)))
    console.print(Text(mqm_line(report.mqm)))
    for note in report.notes:
        console.print(_labelled("note:", _safe(note), "yellow"))

    if segments:
        fitted = segment_table(report, console.width, visual=visual)
        console.print(fitted.table)
        note = dropped_note(fitted, console.width)
        if note:
            console.print(Text(note, style="dim"))
    _render_flags(report.flags, console, visual)


def score_line(report: Report) -> str:
    """``BLEU 41.7 ↑  chrF++ 70.7 ↑  TER 39.4 ↓  (↑ higher is better, ↓ lower is better)``."""
    scores = "  ".join(
        f"{metric_label(k)} {v.score:.1f}{_arrow(k)}" for k, v in report.corpus_scores.items()
    )
    return f"{scores}  ({DIRECTION_LEGEND})"


def summary_line(report: Report) -> str:
    """The last line of a check (also all that ``--quiet`` prints): flags by severity, chrF++."""
    summary = report.to_json()["summary"]
    counts = ", ".join(f"{n} {sev}" for sev, n in summary["by_severity"].items())
    dismissed = f", {summary['dismissed']} dismissed" if summary["dismissed"] else ""
    chrf = report.corpus_scores[DEFAULT_METRIC].score
    return (
        f"{counted(summary['flags'], 'flag')} ({counts}{dismissed}); "
        f"{metric_label(DEFAULT_METRIC)} {chrf:.1f}{_arrow(DEFAULT_METRIC)}"
    )


def _arrow(key: str) -> str:
    spec = METRICS.get(key)
    return f" {spec.arrow}" if spec is not None else ""


def segment_table(report: Report, width: int, *, visual: bool = False) -> FittedTable:
    """The aligned segments (numbered from 1), their scores and flags, fitted to ``width``."""
    columns = [
        Col("seg", number=True),
        Col("line", number=True),
        *(Col(f"{spec.label} {spec.arrow}", number=True, drop=0 if key == DEFAULT_METRIC else 2)
          for key, spec in METRICS.items()),
        Col("flags", min_width=5),
        Col("Arabic", wrap=False, fill=True, min_width=8, justify="right"),
    ]
    rows: list[list[str | Text]] = []
    styles: list[str | None] = []
    for seg in report.segments:
        marks = [f for f in report.flags if f.segment == seg.id]
        sc = seg.scores
        rows.append([
            str(segment_number(seg.id)),
            str(seg.ar.line or seg.reference.line or ""),
            *(f"{getattr(sc, key):.1f}" if sc else "—" for key in METRICS),
            Text(" ".join(f.id for f in marks), style=_worst_style(marks)),
            _ar(_short(seg.ar.text, 80), visual) or "∅",
        ])
        styles.append(None if marks else "dim")
    return fit_table(columns, rows, width, title="segments", edge=False, pad_edge=False, row_styles=styles)


def _labelled(label: str, value: str | Text, style: str = "dim") -> Table:
    """``label value`` with the value wrapping under itself (a hanging indent)."""
    return _label_grid([(label, value)], style)


def _label_grid(
    rows: Iterable[tuple[str, str | RenderableType]], style: str = "dim", label_width: int | None = None
) -> Table:
    """One ``label value`` line per row: the labels in a column of their own (``style``,
    never wrapped; ``label_width`` wide, or as wide as the longest), each value wrapping
    under itself."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True, style=style, width=label_width)
    grid.add_column(overflow="fold")
    for label, value in rows:
        grid.add_row(label, Text(value) if isinstance(value, str) else value)
    return grid


def _worst_style(flags: list[Flag]) -> str:
    if not flags:
        return ""
    return SEVERITY_STYLE[max(flags, key=lambda f: f.severity.rank).severity]


def _render_flags(flags: list[Flag], console: Console, visual: bool) -> None:
    """Each flag as a small block: the three spans side by side in reading order, then why,
    each line wrapping under its own start."""
    if not flags:
        console.print("[green]No flags.[/]")
        return
    console.print(Text(counted(len(flags), "flag"), style="bold"))
    span_labels = ("Arabic", "reference", "back-transl.")
    label_width = max(len(label) for label in (
        *span_labels, *(_safe(signal_label(e.signal)) for f in flags for e in f.evidence)
    ))
    for f in flags:
        head = Text()
        head.append(f"{f.id:>4} ", style="bold")
        head.append(f" {f.severity.value} ", style=SEVERITY_STYLE[f.severity])
        head.append(f"  {f.category.value}  line {f.ar.line or f.reference.line or '?'}"
                    f"  confidence {f.confidence:.2f}")
        if f.review:
            head.append(f"  [{f.review}]", style="italic")
        console.print(head)
        rows = [
            ("Arabic", _ar(_short(f.ar.text, 200), visual, wrap=True) or "∅ (missing here)"),
            ("reference", _short(f.reference.text, 200) or "∅"),
            ("back-transl.", _short(f.hypothesis.text, 200) or "∅"),
            *((_safe(signal_label(e.signal)), _short(e.detail, 300)) for e in f.evidence),
        ]
        console.print(Padding(_label_grid(rows, label_width=label_width), (0, 0, 0, 6), expand=False))


# --- the other commands' tables ----------------------------------------------------------------


def models_view(title: str, rows: Sequence[Sequence[str]], width: int) -> list[RenderableType]:
    """``tadqiq models list``: rows of (name, backend, model, available, description).

    Names and hub ids are kept whole (a hub id longer than the room left folds onto the
    next line, never cut); when the descriptions do not fit beside them they follow the
    table, one per model.
    """
    longest = {k: max((len(w) for row in rows for w in row[k].split()), default=1) for k in range(5)}
    columns = [
        Col("name", min_width=longest[0]),
        Col("backend", min_width=longest[1]),
        Col("model", min_width=max(longest[2], 5)),
        Col("available", min_width=9),
        Col("description", min_width=16, drop=1),
    ]
    fitted = fit_table(columns, [[_safe(c) for c in row] for row in rows], width, title=title)
    if not fitted.fits:  # too narrow for a table: one block per model
        out: list[RenderableType] = [Text(title, style="italic")]
        for row in rows:
            out.append(Text(_safe(row[0]), style="bold"))
            labelled = zip([c.header for c in columns][1:], row[1:], strict=True)
            grid = _label_grid((label, _safe(value)) for label, value in labelled if value)
            out.append(Padding(grid, (0, 0, 0, 2), expand=False))
        return out
    out = [fitted.table]
    if fitted.dropped:  # the descriptions did not fit beside the table: they follow it
        for row in rows:
            if row[4]:
                out.append(_labelled(f"{_safe(row[0].split()[0])}:", _safe(row[4]), "bold"))
    return out


def history_view(rows: Sequence[Mapping[str, Any]], width: int) -> list[RenderableType]:
    """``tadqiq history``: one row per run and model (:func:`eval.nightly.trend.history_table`).

    The headline metric and its change since the model's previous run come first, then the
    registry's other metrics and the flag counts; a narrow terminal leaves out the least
    important columns (and says which), never a digit of a number shown.
    """
    headline = METRICS[DEFAULT_METRIC]
    spec: list[tuple[str, Col]] = [
        ("started", Col("started (UTC)", min_width=10)),
        ("model", Col("model", min_width=12)),
        (headline.key, Col(f"{headline.label} {headline.arrow}", number=True)),
        (f"{headline.key}_delta", Col("Δ", number=True, drop=3)),
        *((m.key, Col(f"{m.label} {m.arrow}", number=True, drop=1))
          for m in METRICS.values() if m is not headline),
        ("mqm_per_1000", Col("MQM/1k ↓", number=True, drop=2)),
        ("critical", Col("crit.", number=True, drop=2)),
        ("failed", Col("failed", number=True, drop=4)),
        ("documents", Col("docs", number=True, drop=5)),
    ]
    cells = [
        [_safe("" if row.get(key) is None else str(row.get(key))) for key, _ in spec] for row in rows
    ]
    fitted = fit_table([c for _, c in spec], cells, width, title="evaluation runs (oldest first)")
    out: list[RenderableType] = [
        fitted.table,
        Text(f"{DIRECTION_LEGEND}; Δ: {headline.label} change since the model's previous run; "
             f"MQM/1k: MQM {MQM_PENALTY_PER_1000}"),
    ]
    note = dropped_note(fitted, width)
    if note:
        out.append(Text(note, style="dim"))
    return out
