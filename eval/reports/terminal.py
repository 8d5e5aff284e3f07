"""Terminal rendering of a report with rich.

Arabic is printed in logical order (what bidi-aware terminals and pipes
expect); ``visual=True`` reorders it for terminals without bidi support.
"""

from __future__ import annotations

from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from eval.scoring.registry import METRICS, metric_label
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

    return VisualArabic(text, wrap=wrap, justify="left" if wrap else "right")


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
    model = report.model
    title = _safe(f"tadqiq check — {report.article.path} ↔ {report.reference.path}")
    console.print(Text(title, style="bold"))
    label = f"model: {model.get('name')} ({model.get('backend')})"
    if model.get("rough"):
        label += "  [rough word-by-word gloss, not a real translation]"
    console.print(label)
    scores = "  ".join(f"{metric_label(k)} {v.score:.1f}" for k, v in report.corpus_scores.items())
    mqm = report.mqm
    console.print(f"{scores}  MQM penalty/1000 words {mqm.per_thousand:.1f}")
    for note in report.notes:
        console.print(f"[yellow]note:[/] {note}")

    if segments:
        table = Table(title="segments", expand=True, show_edge=False, pad_edge=False)
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column("line", justify="right", no_wrap=True)
        for spec in METRICS.values():
            table.add_column(spec.label, justify="right", no_wrap=True)
        table.add_column("flags", no_wrap=False)
        table.add_column("Arabic", justify="right", ratio=1, no_wrap=True, overflow="ellipsis")
        for seg in report.segments:
            marks = [f for f in report.flags if f.segment == seg.id]
            sc = seg.scores
            table.add_row(
                str(seg.id),
                str(seg.ar.line or seg.reference.line or ""),
                *(f"{getattr(sc, key):.1f}" if sc else "—" for key in METRICS),
                Text(" ".join(f.id for f in marks), style=_worst_style(marks)),
                _ar(_short(seg.ar.text, 80), visual) or "∅",
                style=None if marks else "dim",
            )
        console.print(table)
    _render_flags(report.flags, console, visual)


def _worst_style(flags: list[Flag]) -> str:
    if not flags:
        return ""
    return SEVERITY_STYLE[max(flags, key=lambda f: f.severity.rank).severity]


def _render_flags(flags: list[Flag], console: Console, visual: bool) -> None:
    """Each flag as a small block: the three spans side by side in reading order, then why."""
    if not flags:
        console.print("[green]No flags.[/]")
        return
    console.print(Text(counted(len(flags), "flag"), style="bold"))
    for f in flags:
        head = Text()
        head.append(f"{f.id:>4} ", style="bold")
        head.append(f" {f.severity.value} ", style=SEVERITY_STYLE[f.severity])
        head.append(f"  {f.category.value}  line {f.ar.line or f.reference.line or '?'}"
                    f"  confidence {f.confidence:.2f}")
        if f.review:
            head.append(f"  [{f.review}]", style="italic")
        console.print(head)
        rows = (
            ("Arabic", _ar(_short(f.ar.text, 200), visual, wrap=True) or "∅ (missing here)"),
            ("reference", _short(f.reference.text, 200) or "∅"),
            ("back-transl.", _short(f.hypothesis.text, 200) or "∅"),
        )
        for label, value in rows:
            if isinstance(value, str):
                console.print(Text(f"      {label:<12} ", style="dim") + Text(value))
            else:  # --visual-bidi: the Arabic wrapped beside its label, each line reordered
                row = Table.grid()
                row.add_column(width=19, no_wrap=True)
                row.add_column(ratio=1)
                row.add_row(Text(f"      {label:<12} ", style="dim"), value)
                console.print(row)
        for e in f.evidence:
            console.print(Text(f"      {_safe(e.signal):<12} ", style="dim") + Text(_short(e.detail, 300)))
