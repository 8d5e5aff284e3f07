"""Terminal rendering of a report with rich.

Arabic is printed in logical order (what bidi-aware terminals and pipes
expect); ``visual=True`` reorders it for terminals without bidi support.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from eval.data import Flag, Severity
from eval.report import Report

SEVERITY_STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.MAJOR: "bold black on yellow",
    Severity.MINOR: "black on cyan",
}


def _ar(text: str, visual: bool) -> str:
    if not visual or not text:
        return text
    from eval.bidi import to_visual

    return to_visual(text)


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render(report: Report, console: Console, *, visual: bool = False, segments: bool = True) -> None:
    model = report.model
    title = f"tadqiq check — {report.article.path} ↔ {report.reference.path}"
    console.print(Text(title, style="bold"))
    label = f"model: {model.get('name')} ({model.get('backend')})"
    if model.get("rough"):
        label += "  [rough word-by-word gloss, not a real translation]"
    console.print(label)
    scores = "  ".join(f"{k.upper()} {v.score:.1f}" for k, v in report.corpus_scores.items())
    mqm = report.mqm
    console.print(f"{scores}  MQM penalty/1000 words {mqm.per_thousand:.1f}")
    for note in report.notes:
        console.print(f"[yellow]note:[/] {note}")

    flagged = {f.segment for f in report.flags}
    if segments:
        table = Table(show_lines=True, expand=True)
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column("Arabic", justify="right", ratio=3)
        table.add_column("back-translation", ratio=3)
        table.add_column("reference", ratio=3)
        table.add_column("chrF++", justify="right", no_wrap=True)
        table.add_column("flags", no_wrap=True)
        for seg in report.segments:
            marks = [f for f in report.flags if f.segment == seg.id]
            table.add_row(
                str(seg.id),
                _ar(seg.ar.text, visual),
                seg.hypothesis,
                seg.reference.text,
                f"{seg.scores.chrf:.1f}" if seg.scores else "—",
                Text(" ".join(f.id for f in marks), style=_worst_style(marks)),
                style=None if seg.id in flagged else "dim",
            )
        console.print(table)
    _render_flags(report.flags, console, visual)


def _worst_style(flags: list[Flag]) -> str:
    if not flags:
        return ""
    return SEVERITY_STYLE[max(flags, key=lambda f: f.severity.rank).severity]


def _render_flags(flags: list[Flag], console: Console, visual: bool) -> None:
    if not flags:
        console.print("[green]No flags.[/]")
        return
    table = Table(title=f"{len(flags)} flags", expand=True)
    table.add_column("id", no_wrap=True)
    table.add_column("severity", no_wrap=True)
    table.add_column("category", no_wrap=True)
    table.add_column("line", justify="right", no_wrap=True)
    table.add_column("Arabic span", justify="right")
    table.add_column("reference span")
    table.add_column("back-translation")
    table.add_column("why")
    for f in flags:
        table.add_row(
            f.id,
            Text(f.severity.value, style=SEVERITY_STYLE[f.severity]),
            f.category.value,
            str(f.ar.line or ""),
            _ar(_short(f.ar.text, 60), visual) or "∅",
            _short(f.reference.text, 60) or "∅",
            _short(f.hypothesis.text, 60) or "∅",
            _short("; ".join(e.detail for e in f.evidence), 120),
        )
    console.print(table)
