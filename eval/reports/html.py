"""The editor's report: one self-contained HTML page for a :class:`~eval.values.Report`.

:func:`render_html` turns a report into a page with the three texts side by side
(Arabic, back-translation, reference), every flag highlighted in each column it
touches, filters, keyboard navigation and review buttons whose decisions can be
exported as JSON (see :mod:`eval.reports.review`).

Safety: the page is built by a jinja2 template with autoescape on; this module
only prepares plain values (text pieces, flag ids, numbers). The data the page's
script needs travels as JSON inside ``<script type="application/json">`` with
``<``, ``>``, ``&`` and U+2028/U+2029 escaped, so no input can close the element.
Nothing is loaded from the network: CSS, JS and the chart are inline.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import PurePath

from jinja2 import Environment, FunctionLoader, StrictUndefined
from markupsafe import Markup

from eval.reports import wording
from eval.reports.review import DECISIONS_SCHEMA, FALSE_ALARM
from eval.reports.wording import segment_number, signal_label
from eval.scoring.registry import METRICS, metric_label
from eval.text.files import write_atomic
from eval.values import AlignedSegment, Category, Flag, Report, Severity, Span
from tadqiq import __version__

TEMPLATE = "report.html.j2"
SEVERITIES = (Severity.CRITICAL, Severity.MAJOR, Severity.MINOR)
_MISSING_LIMIT = 90  # characters of a missing reference text shown in the Arabic column

_JSON_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def script_json(value: object) -> Markup:
    """JSON that is safe inside a ``<script>`` element: no ``<``, ``>``, ``&`` or U+2028/9."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.translate(_JSON_ESCAPES))  # safe: every markup character is escaped


# --- view values handed to the template ------------------------------------------------------


@dataclass
class Item:
    """One run of a cell: plain text, a highlighted piece, an omission marker or a chip.

    ``kind`` is "text", "mark", "ins" (omission) or "chip" (segment-level flag). ``flags`` are the ids covering the piece in
    report order; ``anchors`` the flags this piece is the first element of in its
    column (tab stops); ``ends`` the flags that end here (their id is shown after it);
    ``primary`` the flags whose navigation target this is.
    """

    kind: str
    text: str
    flags: tuple[str, ...] = ()
    severity: str = ""
    dismissed: bool = False
    anchors: list[str] = field(default_factory=list)
    ends: tuple[str, ...] = ()
    primary: list[str] = field(default_factory=list)
    title: str = ""


@dataclass
class Cell:
    """One column of one segment: its runs and the flags that cover the whole cell."""

    items: list[Item]
    whole: list[Item]  # one chip per segment-level flag
    whole_flags: tuple[str, ...] = ()
    whole_severity: str = ""
    whole_dismissed: bool = False
    empty: bool = False


@dataclass(frozen=True)
class FlagView:
    """What a flag's card shows."""

    id: str
    fingerprint: str
    category: str
    severity: str
    confidence: str  # as the terminal shows it: "0.47"
    line: int | None
    ar: str
    reference: str
    hypothesis: str
    evidence: tuple[tuple[str, str, str], ...]  # (plain label, detail, machine signal name)
    review: str | None
    segment_level: bool


@dataclass(frozen=True)
class Row:
    """One aligned segment: its three cells and its flags' cards."""

    id: int
    kind: str
    line: int | None
    ref_line: int | None
    scores: dict[str, float] | None
    ar: Cell
    hypothesis: Cell
    reference: Cell
    flags: tuple[FlagView, ...]
    severity: str  # the highest severity among the row's flags, "" when none


@dataclass(frozen=True)
class Bar:
    """One bar of the counts chart."""

    label: str
    count: int
    y: float
    width: float
    fill: str


# --- splitting a column's text at every flag boundary ----------------------------------------


@dataclass(frozen=True)
class Highlight:
    """A flag's span inside one cell's text."""

    flag: Flag
    start: int
    end: int


@dataclass(frozen=True)
class Insertion:
    """Where a flag with no Arabic text (an omission) is shown in the Arabic cell."""

    flag: Flag
    offset: int
    label: str


def _severity_of(flags: Sequence[Flag]) -> tuple[str, bool]:
    """The colour of a piece: its highest severity among live flags; dismissed if none is live."""
    live = [f for f in flags if f.review != FALSE_ALARM]
    pool = live or list(flags)
    if not pool:
        return "", False
    return max(pool, key=lambda f: f.severity.rank).severity.value, not live


def split_text(text: str, marks: Sequence[Highlight], inserts: Sequence[Insertion] = ()) -> list[Item]:
    """Cut ``text`` at every mark boundary and insertion point.

    Each resulting piece carries the set of flags covering it, so overlapping flags
    become flat, properly nested ``<mark>`` runs. Joining the texts of the "text" and
    "mark" items gives back ``text``.
    """
    order = {id(m.flag): k for k, m in enumerate(marks)}
    cuts = sorted({0, len(text)} | {m.start for m in marks} | {m.end for m in marks}
                  | {i.offset for i in inserts})
    items: list[Item] = []
    seen: set[str] = set()
    for k, a in enumerate(cuts):
        for ins in (i for i in inserts if i.offset == a):
            sev, dismissed = _severity_of([ins.flag])
            items.append(Item("ins", ins.label, (ins.flag.id,), sev, dismissed,
                              anchors=[ins.flag.id],
                              title=ins.flag.reference.text))
            seen.add(ins.flag.id)
        if k + 1 == len(cuts):
            break
        b = cuts[k + 1]
        covering = sorted((m for m in marks if m.start <= a and m.end >= b), key=lambda m: order[id(m.flag)])
        if not covering:
            items.append(Item("text", text[a:b]))
            continue
        ids = tuple(m.flag.id for m in covering)
        sev, dismissed = _severity_of([m.flag for m in covering])
        anchors = [i for i in ids if i not in seen]
        seen.update(ids)
        ends = tuple(m.flag.id for m in covering if m.end == b)
        items.append(Item("mark", text[a:b], ids, sev, dismissed, anchors=anchors, ends=ends))
    return items


def _relative(span: Span, cell: Span) -> tuple[int, int] | None:
    """A flag span as offsets inside a segment's text, clipped; None when it falls outside."""
    if span.start is None or span.end is None or cell.start is None or not cell.text:
        return None
    n = len(cell.text)
    start = min(max(span.start - cell.start, 0), n)
    end = min(max(span.end - cell.start, 0), n)
    return (start, end) if start < end else None


def _missing_label(flag: Flag) -> str:
    text = " ".join((flag.reference.text or flag.hypothesis.text).split())
    if len(text) > _MISSING_LIMIT:
        text = text[: _MISSING_LIMIT - 1] + "…"
    return f"⟂ missing: {text}" if text else f"⟂ missing ({flag.category.value})"


def _cell(text: str, marks: list[Highlight], inserts: list[Insertion], whole: list[Flag]) -> Cell:
    items = split_text(text, marks, inserts)
    chips = []
    for f in whole:
        sev, dismissed = _severity_of([f])
        chips.append(Item("chip", f"{f.id} · whole segment", (f.id,), sev, dismissed,
                          anchors=[f.id], ends=()))
    sev, dismissed = _severity_of(whole)
    return Cell(items, chips, tuple(f.id for f in whole), sev, dismissed, empty=not text)


def _build_cells(seg: AlignedSegment, flags: Sequence[Flag]) -> tuple[Cell, Cell, Cell]:
    """The Arabic, back-translation and reference cells of one segment."""
    ar_marks: list[Highlight] = []
    ar_inserts: list[Insertion] = []
    hyp_marks: list[Highlight] = []
    ref_marks: list[Highlight] = []
    whole: dict[str, list[Flag]] = {"ar": [], "hyp": [], "ref": []}
    hyp = seg.hypothesis
    for f in flags:
        placed = False
        if not f.ar.text:
            n = len(seg.ar.text)
            if seg.ar.start is None or f.ar.start is None:
                offset = 0 if seg.ar.start is None else n
            else:
                offset = min(max(f.ar.start - seg.ar.start, 0), n)
            ar_inserts.append(Insertion(f, offset, _missing_label(f)))
            placed = True
        elif (rel := _relative(f.ar, seg.ar)) is not None:
            if rel == (0, len(seg.ar.text)):
                whole["ar"].append(f)
            else:
                ar_marks.append(Highlight(f, *rel))
            placed = True
        if (rel := _relative(f.reference, seg.reference)) is not None:
            if rel == (0, len(seg.reference.text)):
                whole["ref"].append(f)
            else:
                ref_marks.append(Highlight(f, *rel))
            placed = True
        h = f.hypothesis
        if h.text and h.start is not None and h.end is not None and hyp:
            start, end = max(h.start, 0), min(h.end, len(hyp))
            if start < end:
                if (start, end) == (0, len(hyp)):
                    whole["hyp"].append(f)
                else:
                    hyp_marks.append(Highlight(f, start, end))
                placed = True
        if not placed:  # nowhere to point at: the flag is about the segment as a whole
            whole["ar" if seg.ar.text else "ref"].append(f)
    return (
        _cell(seg.ar.text, ar_marks, ar_inserts, whole["ar"]),
        _cell(hyp, hyp_marks, [], whole["hyp"]),
        _cell(seg.reference.text, ref_marks, [], whole["ref"]),
    )


def _assign_primary(cells: Sequence[Cell], flag_ids: Sequence[str]) -> None:
    """Give every flag one navigation target: its first element, Arabic first, then reference."""
    todo = set(flag_ids)
    for cell in cells:
        for item in [*cell.whole, *cell.items]:
            hit = [i for i in item.anchors if i in todo]
            item.primary.extend(hit)
            todo.difference_update(hit)


def _flag_view(flag: Flag, seg: AlignedSegment | None) -> FlagView:
    segment_level = bool(
        seg is not None and seg.ar.text and flag.ar.text
        and (flag.ar.start, flag.ar.end) == (seg.ar.start, seg.ar.end)
    )
    return FlagView(
        id=flag.id,
        fingerprint=flag.fingerprint,
        category=flag.category.value,
        severity=flag.severity.value,
        confidence=f"{flag.confidence:.2f}",
        line=flag.ar.line if flag.ar.line is not None else flag.reference.line,
        ar=flag.ar.text,
        reference=flag.reference.text,
        hypothesis=flag.hypothesis.text,
        evidence=tuple((signal_label(e.signal), e.detail, e.signal) for e in flag.evidence),
        review=flag.review,
        segment_level=segment_level,
    )


def _rows(report: Report) -> tuple[list[Row], list[FlagView]]:
    by_segment: dict[int, list[Flag]] = {}
    for f in report.flags:
        by_segment.setdefault(f.segment, []).append(f)
    rows = []
    for seg in report.segments:
        flags = by_segment.pop(seg.id, [])
        cells = _build_cells(seg, flags)
        # Primary order: Arabic, reference, back-translation (the editor works on the Arabic).
        _assign_primary((cells[0], cells[2], cells[1]), [f.id for f in flags])
        top = max((f.severity for f in flags), key=lambda s: s.rank, default=None)
        rows.append(Row(
            id=seg.id,
            kind=seg.bead.kind,
            line=seg.ar.line,
            ref_line=seg.reference.line,
            scores=seg.scores.to_json() if seg.scores else None,
            ar=cells[0],
            hypothesis=cells[1],
            reference=cells[2],
            flags=tuple(_flag_view(f, seg) for f in flags),
            severity=top.value if top else "",
        ))
    orphans = [_flag_view(f, None) for fs in by_segment.values() for f in fs]
    return rows, orphans


@dataclass(frozen=True)
class Chart:
    """Geometry of the inline SVG: severity bars on the left, category bars on the right."""

    width: float
    height: float
    sev_x: float
    cat_label_x: float
    cat_x: float


def _chart(report: Report) -> tuple[list[Bar], list[Bar], Chart]:
    """Bars of the counts per severity and per category, laid out for a small inline SVG."""
    colours = {"critical": "#d92d20", "major": "#e46a0c", "minor": "#2e6fd8"}
    sev_counts = {s.value: 0 for s in SEVERITIES}
    cat_counts: dict[str, int] = {}
    for f in report.flags:
        sev_counts[f.severity.value] += 1
        cat_counts[f.category.value] = cat_counts.get(f.category.value, 0) + 1
    cats = sorted(cat_counts.items(), key=lambda kv: (-kv[1], kv[0]))
    top = max([1, *sev_counts.values(), *cat_counts.values()])
    step, y0, bar = 18.0, 20.0, 92.0
    chart = Chart(width=440.0, height=0.0, sev_x=56.0, cat_label_x=184.0, cat_x=292.0)
    sev_bars = [
        Bar(name, n, y0 + k * step, bar * n / top, colours[name])
        for k, (name, n) in enumerate(sev_counts.items())
    ]
    cat_bars = [Bar(name, n, y0 + k * step, bar * n / top, "#5b6b82") for k, (name, n) in enumerate(cats)]
    rows = max(len(sev_bars), len(cat_bars))
    return sev_bars, cat_bars, replace(chart, height=y0 + rows * step - 4)


def _decisions_filename(path: str) -> str:
    name = PurePath(path).name or "article"
    for suffix in (".txt", ".xliff", ".xlf", ".tmx", ".csv", ".xlsx"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
            break
    return f"{name}.decisions.json"


def _page_data(report: Report) -> dict:
    """What the page's script needs, as plain JSON values."""
    return {
        "decisionsSchema": DECISIONS_SCHEMA,
        "article": {"path": report.article.path, "sha256": report.article.sha256},
        "words": report.article.words,
        "downloadName": _decisions_filename(report.article.path),
        "weights": {s.value: s.weight for s in Severity},
        "flags": [
            {
                "id": f.id,
                "fingerprint": f.fingerprint,
                "segment": f.segment,
                "category": f.category.value,
                "severity": f.severity.value,
                "confidence": round(f.confidence, 3),
                "review": f.review,
                "ar": f.ar.text,
                "reference": f.reference.text,
                "hypothesis": f.hypothesis.text,
                "evidence": [{**e.to_json(), "label": signal_label(e.signal)} for e in f.evidence],
            }
            for f in report.flags
        ],
    }


# --- rendering ---------------------------------------------------------------------------------


def _load_template(name: str) -> str | None:
    path = resources.files("eval.reports").joinpath("templates", name)
    return path.read_text(encoding="utf-8") if path.is_file() else None


@lru_cache(maxsize=1)
def template_environment() -> Environment:
    """The Jinja environment of every page tadqiq renders (the editor's report here, the
    trend page in :mod:`eval.nightly.trend`): templates from ``eval/reports/templates``,
    autoescaped, strict about undefined names, with the ``script_json`` filter."""
    env = Environment(
        loader=FunctionLoader(_load_template),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["script_json"] = script_json
    return env


def render_html(report: Report) -> str:
    """The report as one self-contained HTML page (inline CSS, JS and SVG; works offline)."""
    rows, orphans = _rows(report)
    sev_bars, cat_bars, chart = _chart(report)
    by_sev = {s.value: 0 for s in SEVERITIES}
    by_cat: dict[str, int] = {}
    for f in report.flags:
        by_sev[f.severity.value] += 1
        by_cat[f.category.value] = by_cat.get(f.category.value, 0) + 1
    categories = [(c.value, by_cat[c.value]) for c in Category if c.value in by_cat]
    scores = [
        (metric_label(key), METRICS[key].direction if key in METRICS else "", score.score, score.signature)
        for key, score in report.corpus_scores.items()
    ]
    template = template_environment().get_template(TEMPLATE)
    return template.render(
        report=report,
        wording=wording,
        segment_number=segment_number,
        version=__version__,
        model=report.model,
        scores=scores,
        mqm=report.mqm,
        rows=rows,
        orphans=orphans,
        severities=[(s.value, by_sev[s.value]) for s in SEVERITIES],
        categories=categories,
        sev_bars=sev_bars,
        cat_bars=cat_bars,
        chart=chart,
        flag_count=len(report.flags),
        dismissed_count=sum(1 for f in report.flags if f.review == FALSE_ALARM),
        data=_page_data(report),
    )


def write_html(report: Report, path: str | os.PathLike[str]) -> None:
    """Render the report and write it atomically to ``path``."""
    write_atomic(path, render_html(report))
