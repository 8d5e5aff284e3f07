"""What the history shows over time: the terminal table and the HTML trend page.

::

    with open_history(None) as history:          # eval.nightly.store
        rows = history_table(history)            # one dict per (run, model), with deltas
        html = render_trend(history)             # or write_trend(history, "trend.html")

Both only read the store (:mod:`eval.nightly.store`). The trend page draws one line chart
per :class:`Measure` over time (one line per model) and the latest run next to each model's
previous run. The measures are the metrics of the registry
(:data:`eval.scoring.registry.METRICS`: label, axis title, which way is better), then two
that are not sacrebleu metrics: the MQM penalty and the count of critical flags.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import partial
from typing import Any

from eval.nightly.records import FlagRecord, ModelResult
from eval.nightly.store import History, RunSummary, compare_flags
from eval.reports.html import template_environment
from eval.scoring.registry import METRICS, MetricSpec, improvement, metric_label
from eval.text.files import write_atomic
from tadqiq import __version__

__all__ = [
    "CRITICAL",
    "MQM",
    "Measure",
    "history_table",
    "measures",
    "render_trend",
    "write_trend",
]


# --- what is charted ---------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def _count(result: ModelResult, severity: str) -> int:
    value = result.flags_by_severity.get(severity, 0)
    return int(value) if isinstance(value, (int, float)) else 0


def _score(result: ModelResult, key: str) -> float | None:
    return _number(result.scores.get(key))


def _mqm(result: ModelResult) -> float | None:
    return _number(result.mqm_per_1000)


def _critical(result: ModelResult) -> float | None:
    return float(_count(result, "critical"))


@dataclass(frozen=True)
class Measure:
    """One measure of a model's result over time: one chart of the trend page."""

    key: str
    label: str
    unit: str  # the y axis title
    higher_is_better: bool
    read: Callable[[ModelResult], float | None]  # the value in one result (None: missing)
    integer: bool = False
    from_zero: bool = False
    metric: MetricSpec | None = None  # the registry metric a score measure shows

    @classmethod
    def of_metric(cls, spec: MetricSpec) -> Measure:
        """The measure of a registry metric: its label, description and direction."""
        return cls(
            spec.key,
            spec.label,
            spec.description,
            spec.higher_is_better,
            partial(_score, key=spec.key),
            metric=spec,
        )

    @property
    def direction(self) -> str:
        return "higher is better" if self.higher_is_better else "lower is better"

    def improvement(self, old: float, new: float) -> float:
        """How much better ``new`` is than ``old`` (positive: better)."""
        return improvement(old, new, higher_is_better=self.higher_is_better)


#: The measures that are not metrics of the registry.
MQM = Measure("mqm", "MQM penalty", "penalty per 1,000 words", False, _mqm, from_zero=True)
CRITICAL = Measure(
    "critical", "Critical flags", "critical flags", False, _critical, integer=True, from_zero=True
)


def measures() -> tuple[Measure, ...]:
    """Every charted measure, in page order: the registry's metrics, MQM, critical flags."""
    return (*(Measure.of_metric(spec) for spec in METRICS.values()), MQM, CRITICAL)


def _values(result: ModelResult, shown: tuple[Measure, ...]) -> dict[str, float | None]:
    return {m.key: m.read(result) for m in shown}


# --- the terminal table ------------------------------------------------------------------------


def history_table(history: History, model: str | None = None) -> list[dict[str, Any]]:
    """One row per (run, model), oldest first, for a terminal table.

    Keys, in column order: ``run_id``, ``started`` ("YYYY-MM-DD HH:MM" UTC),
    ``model``, one per registry metric (``bleu``, ``chrf``, ``ter``), ``mqm_per_1000``,
    ``critical``, ``major``, ``minor``, ``documents``, ``failed``, then ``KEY_delta`` for
    every measure (``bleu_delta``, ``chrf_delta``, ``ter_delta``, ``mqm_delta``,
    ``critical_delta``) against the previous run of the same model: new minus old, whichever
    way is better. Scores are rounded to 2 decimals; a missing value (or the first run's
    deltas) is None.
    """
    shown = measures()
    rows: list[dict[str, Any]] = []
    last: dict[str, dict[str, Any]] = {}
    for summary, result in history.results(model):
        values = _values(result, shown)
        prev = last.get(result.model)
        rows.append(
            {
                "run_id": summary.run_id,
                "started": summary.started_at.strftime("%Y-%m-%d %H:%M"),
                "model": result.model,
                **{key: _round(values[key]) for key in METRICS},
                "mqm_per_1000": _round(values[MQM.key]),
                "critical": _count(result, "critical"),
                "major": _count(result, "major"),
                "minor": _count(result, "minor"),
                "documents": result.documents,
                "failed": len(result.failed_documents),
                **{
                    f"{m.key}_delta": _round(_delta(values[m.key], prev[m.key] if prev else None))
                    for m in shown
                },
            }
        )
        last[result.model] = values
    return rows


def _delta(new: float | None, old: float | None) -> float | None:
    return None if new is None or old is None else new - old


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


# --- the trend report --------------------------------------------------------------------------


# Okabe–Ito colours (without yellow), then the same colours dashed, then dotted.
_PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#1d2939")
_DASHES = ("", "7 4", "2 3")

# chart geometry (SVG user units)
_W, _PLOT_H = 720.0, 220.0
_LEFT, _RIGHT, _TOP = 70.0, 40.0, 14.0
_AXIS_H = 50.0  # tick labels and the x axis title under the plot
_LEGEND_ROW = 20.0
_NAME_MAX = 40  # characters of a model name shown in a legend


@dataclass(frozen=True)
class Tick:
    pos: float
    label: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    title: str


@dataclass(frozen=True)
class Series:
    model: str
    label: str  # the name as shown (shortened when very long)
    colour: str
    dash: str
    path: str
    points: tuple[Point, ...]


@dataclass(frozen=True)
class LegendItem:
    x: float
    y: float
    label: str
    model: str
    colour: str
    dash: str


@dataclass(frozen=True)
class Chart:
    metric: Measure
    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float  # y of the x axis
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    series: tuple[Series, ...]
    legend: tuple[LegendItem, ...]
    summary: str  # the chart's accessible description


@dataclass(frozen=True)
class Change:
    """A metric of the latest run next to the same model's previous run."""

    label: str
    value: str
    delta: str  # "" when there is no previous value
    trend: str  # "better", "worse", "same" or ""


@dataclass(frozen=True)
class Significance:
    label: str
    delta: str
    p_values: str
    ci: str


@dataclass(frozen=True)
class LatestRow:
    model: str
    backend: str
    model_id: str
    revision: str
    previous_run: str
    changes: tuple[Change, ...]
    severities: tuple[tuple[str, int, str], ...]  # (severity, count, delta)
    documents: int
    failed: tuple[str, ...]
    significance: tuple[Significance, ...]
    new_flags: tuple[FlagRecord, ...]
    fixed_flags: tuple[FlagRecord, ...]
    compared: bool  # whether a previous run exists to compare flags with


def _nice_step(raw: float) -> float:
    exponent = math.floor(math.log10(raw))
    base = 10.0**exponent
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if raw <= m * base + 1e-12:
            return m * base
    return 10.0 * base


def _y_ticks(
    lo: float, hi: float, metric: Measure, count: int = 5
) -> tuple[float, float, list[float], int]:
    """Axis bounds, tick values and the number of decimals of the labels."""
    if metric.from_zero:
        lo = min(0.0, lo)
    if hi - lo < 1e-9:
        pad = max(1.0, abs(hi) * 0.05)
        lo, hi = (lo - pad, hi + pad) if not metric.from_zero or lo > 0 else (0.0, hi + pad)
    step = _nice_step((hi - lo) / count)
    if metric.integer:
        step = max(1.0, math.ceil(step))
    lo_t = math.floor(lo / step + 1e-9) * step
    hi_t = math.ceil(hi / step - 1e-9) * step
    if metric.from_zero and lo >= 0:
        lo_t = max(0.0, lo_t)
    n = round((hi_t - lo_t) / step)
    values = [lo_t + k * step for k in range(n + 1)]
    return lo_t, hi_t, values, 0 if metric.integer else _decimals(step)


def _decimals(step: float) -> int:
    """The fewest decimals that write ``step`` exactly (0.25 → 2, 2.5 → 1, 20 → 0)."""
    for decimals in range(7):
        if abs(round(step, decimals) - step) < 1e-9 * max(1.0, abs(step)):
            return decimals
    return 7


def _x_ticks(times: list[datetime], x_of: Callable[[datetime], float]) -> list[Tick]:
    """Evenly spaced time ticks, labelled by date (or date and time for a short span)."""
    first, last = min(times), max(times)
    if first == last:
        return [Tick(x_of(first), first.strftime("%Y-%m-%d %H:%M"))]
    count = min(6, len(set(times)))
    step = (last - first) / (count - 1)
    fmt = "%Y-%m-%d" if step >= timedelta(days=1) else "%m-%d %H:%M"
    ticks: list[Tick] = []
    for k in range(count):
        moment = first + step * k
        label = moment.strftime(fmt)
        if not ticks or ticks[-1].label != label:
            ticks.append(Tick(x_of(moment), label))
    return ticks


def _fmt(value: Any, decimals: int = 2) -> str:
    number = _number(value)
    if number is None:
        return "—" if value is None else str(value)
    return f"{number:.{decimals}f}"


def _fmt_delta(value: float | None, decimals: int = 1) -> str:
    if value is None:
        return ""
    if round(value, decimals) == 0:
        return "±0" if decimals == 0 else f"±{0:.{decimals}f}"
    return f"{value:+.{decimals}f}"


def _trend(gain: float | None, decimals: int = 1) -> str:
    """The word for an improvement ``gain`` (positive: better): better, worse or same."""
    if gain is None:
        return ""
    if round(gain, decimals) == 0:
        return "same"
    return "better" if gain > 0 else "worse"


def _short(name: str) -> str:
    return name if len(name) <= _NAME_MAX else name[: _NAME_MAX - 1] + "…"


def _legend(
    models: list[str], styles: dict[str, tuple[str, str]], top: float
) -> tuple[list[LegendItem], float]:
    """Legend entries laid out in rows under the x axis; returns them and the rows' height."""
    items: list[LegendItem] = []
    x, y = _LEFT, top
    for name in models:
        label = _short(name)
        width = 34.0 + 6.8 * len(label) + 18.0
        if x > _LEFT and x + width > _W - _RIGHT:
            x, y = _LEFT, y + _LEGEND_ROW
        colour, dash = styles[name]
        items.append(LegendItem(x, y, label, name, colour, dash))
        x += width
    return items, (y - top + _LEGEND_ROW) if items else 0.0


def _chart(
    metric: Measure,
    pairs: list[tuple[RunSummary, ModelResult]],
    models: list[str],
    styles: dict[str, tuple[str, str]],
) -> Chart | None:
    """The line chart of one metric, or None when no run has a value for it."""
    values: list[tuple[RunSummary, ModelResult, float]] = []
    for summary, result in pairs:
        value = metric.read(result)
        if value is not None:
            values.append((summary, result, value))
    if not values:
        return None
    times = [s.started_at for s, _, _ in values]
    t0, t1 = min(times), max(times)
    span = (t1 - t0).total_seconds()
    plot_w = _W - _LEFT - _RIGHT
    top, bottom = _TOP, _TOP + _PLOT_H

    def x_of(moment: datetime) -> float:
        if span <= 0:
            return _LEFT + plot_w / 2
        return _LEFT + plot_w * (moment - t0).total_seconds() / span

    lo_t, hi_t, y_values, decimals = _y_ticks(
        min(v for *_, v in values), max(v for *_, v in values), metric
    )

    def y_of(value: float) -> float:
        return bottom - _PLOT_H * (value - lo_t) / (hi_t - lo_t)

    value_decimals = 0 if metric.integer else 2
    series: list[Series] = []
    for name in models:
        points: list[Point] = []
        for summary, result, value in values:
            if result.model != name:
                continue
            signature = result.signatures.get(metric.key, "") if metric.metric else ""
            title = (
                f"{name} · run {summary.run_id} · {summary.started_at:%Y-%m-%d %H:%M} UTC"
                f" · {metric.label} {value:.{value_decimals}f}"
                + (f" · {signature}" if signature else "")
            )
            points.append(Point(round(x_of(summary.started_at), 2), round(y_of(value), 2), title))
        if not points:
            continue
        path = " ".join(
            f"{'M' if k == 0 else 'L'}{p.x:.2f},{p.y:.2f}" for k, p in enumerate(points)
        )
        colour, dash = styles[name]
        series.append(Series(name, _short(name), colour, dash, path, tuple(points)))

    shown = [s.model for s in series]
    legend, legend_h = _legend(shown, styles, bottom + _AXIS_H)
    height = bottom + _AXIS_H + legend_h + 4
    y_ticks = tuple(Tick(round(y_of(v), 2), f"{v:.{decimals}f}") for v in y_values)
    x_ticks = tuple(_x_ticks(times, lambda m: round(x_of(m), 2)))
    summary_text = (
        f"{metric.label} ({metric.direction}) over {len({s.run_id for s, _, _ in values})} runs "
        f"from {t0:%Y-%m-%d} to {t1:%Y-%m-%d}, one line per model: {', '.join(shown)}."
    )
    return Chart(
        metric=metric,
        width=_W,
        height=round(height, 2),
        left=_LEFT,
        right=_W - _RIGHT,
        top=top,
        bottom=bottom,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        series=tuple(series),
        legend=tuple(legend),
        summary=summary_text,
    )


def _latest_rows(
    history: History, latest: RunSummary, results: list[ModelResult]
) -> list[LatestRow]:
    """The latest run's models next to their previous runs."""
    shown = measures()
    rows: list[LatestRow] = []
    for result in results:
        prev = history.previous(result.model, before=latest.started_at)
        now = _values(result, shown)
        before = _values(prev[1], shown) if prev else dict.fromkeys(now)
        changes = []
        for metric in shown:
            if metric.key == CRITICAL.key:  # shown with the other severities
                continue
            decimals = 0 if metric.integer else 1
            new, old = now[metric.key], before[metric.key]
            gain = None if new is None or old is None else metric.improvement(old, new)
            changes.append(
                Change(
                    metric.label,
                    _fmt(new, decimals),
                    _fmt_delta(_delta(new, old), decimals),
                    _trend(gain, decimals),
                )
            )
        severities = []
        for severity in ("critical", "major", "minor"):
            count = _count(result, severity)
            delta = float(count - _count(prev[1], severity)) if prev else None
            severities.append((severity, count, _fmt_delta(delta, 0)))
        significance = []
        for key, entry in result.significance.items():
            if not isinstance(entry, dict):
                continue
            p_values = ", ".join(
                f"{name} {_fmt(entry[field], 3)}"
                for field, name in (("p_bootstrap", "p (bootstrap)"), ("p_ar", "p (approx. rand.)"))
                if entry.get(field) is not None
            )
            ci = entry.get("ci")
            ci_text = (
                f"[{_fmt(ci[0])}, {_fmt(ci[1])}]"
                if isinstance(ci, (list, tuple)) and len(ci) == 2
                else ""
            )
            delta_value = _number(entry.get("delta"))
            significance.append(
                Significance(
                    metric_label(key),
                    _fmt_delta(delta_value, 2)
                    if delta_value is not None
                    else _fmt(entry.get("delta")),
                    p_values,
                    ci_text,
                )
            )
        new_flags: list[FlagRecord] = []
        fixed_flags: list[FlagRecord] = []
        if prev is not None:
            new_flags, fixed_flags = compare_flags(
                prev[1].flags, history.flags(latest.run_id, result.model)
            )
        rows.append(
            LatestRow(
                model=result.model,
                backend=result.backend,
                model_id=result.model_id or "",
                revision=result.revision or "",
                previous_run=prev[0].run_id if prev else "",
                changes=tuple(changes),
                severities=tuple(severities),
                documents=result.documents,
                failed=tuple(result.failed_documents),
                significance=tuple(significance),
                new_flags=tuple(new_flags),
                fixed_flags=tuple(fixed_flags),
                compared=prev is not None,
            )
        )
    return rows


def render_trend(history: History, model: str | None = None) -> str:
    """The trend page: one line chart per metric over time (one line per model) and the
    latest run next to each model's previous run. Self-contained HTML (inline CSS and SVG)."""
    pairs = history.results(model)
    summaries: dict[str, RunSummary] = {}
    for summary, _ in pairs:
        summaries.setdefault(summary.run_id, summary)
    runs_seen = list(summaries.values())
    models: list[str] = []
    for _, result in pairs:
        if result.model not in models:
            models.append(result.model)
    styles = {
        name: (_PALETTE[k % len(_PALETTE)], _DASHES[(k // len(_PALETTE)) % len(_DASHES)])
        for k, name in enumerate(models)
    }
    shown = measures()
    charts: list[tuple[Measure, Chart | None]] = []
    if len(runs_seen) >= 2:
        charts = [(metric, _chart(metric, pairs, models, styles)) for metric in shown]
    latest = runs_seen[-1] if runs_seen else None
    latest_rows = (
        _latest_rows(history, latest, [r for s, r in pairs if s.run_id == latest.run_id])
        if latest
        else []
    )
    template = template_environment().get_template("trend.html.j2")
    return template.render(
        version=__version__,
        target=history.target,
        model=model,
        run_count=len(runs_seen),
        models=models,
        first=runs_seen[0] if runs_seen else None,
        latest=latest,
        charts=charts,
        latest_rows=latest_rows,
        metrics=shown,
        generated=datetime.now(timezone.utc),
    )


def write_trend(history: History, path: str | os.PathLike[str], model: str | None = None) -> None:
    """Render the trend page and write it atomically to ``path``."""
    write_atomic(path, render_trend(history, model))
