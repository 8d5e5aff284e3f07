"""What a nightly run produced: :class:`EvalOutcome` (``summary.json``) and its one-screen text.

:class:`Failure` is a document (or a whole model) that could not be evaluated: reported
and skipped, never the end of the night. :attr:`EvalOutcome.exit_code` is 1 when a
regression or a failure was found, else 0. :func:`summary_lines` is the plain-text
summary ``tadqiq eval`` prints, regressions first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from eval.nightly.compare import RunComparison
from eval.nightly.records import FlagRecord, ModelResult, RunRecord
from eval.reports.wording import DIRECTION_LEGEND, MQM_PENALTY_PER_1000
from eval.scoring.registry import DEFAULT_METRIC, METRICS, MetricSpec, get_metric, metric_label
from eval.scoring.significance import SignificanceTable
from eval.values import counted
from tadqiq import __version__

__all__ = ["SUMMARY_SCHEMA", "EngineReport", "EvalOutcome", "Failure", "significance_lines", "summary_lines"]

SUMMARY_SCHEMA = "tadqiq.eval/1"


class Failure(NamedTuple):
    """A document (or a whole model) that could not be evaluated.

    ``document`` None: the model failed for every document (it could not be loaded).
    ``model`` None: the document is unusable whatever the model (bad corpus entry,
    unreadable or empty file, wrong language).
    """

    document: str | None
    model: str | None
    message: str

    def to_json(self) -> dict:
        return {"document": self.document, "model": self.model, "message": self.message}


@dataclass(frozen=True)
class EngineReport:
    """How a run was executed: the engine (``local`` or ``ray``), its number of workers
    (translation actors for Ray), the seconds spent per stage (stages of a Ray run
    overlap; see :mod:`eval.nightly.engine`) and counts (documents, sentences
    translated, cache hits; a Ray run also ``nodes``, the Ray nodes that did its work)."""

    name: str
    workers: int
    seconds: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "workers": self.workers,
            "seconds": {k: round(v, 4) for k, v in sorted(self.seconds.items())},
            "counts": dict(sorted(self.counts.items())),
        }


@dataclass
class EvalOutcome:
    """Everything a nightly run produced (also written to ``out_dir/summary.json``)."""

    run: RunRecord
    significance: SignificanceTable | None
    comparisons: list[RunComparison]
    new_flags: dict[str, list[FlagRecord]]  # model → critical flags not in its previous run
    fixed_flags: dict[str, list[FlagRecord]]  # model → critical flags of the previous run now gone
    failures: list[Failure]
    out_dir: Path | None
    metric: str = DEFAULT_METRIC
    notes: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)  # usable corpus documents, in order
    engine: EngineReport | None = None

    @property
    def results(self) -> dict[str, ModelResult]:
        """Each model's results (the run record's), by model name, in run order."""
        return {m.model: m for m in self.run.models}

    @property
    def regressions(self) -> list[RunComparison]:
        return [c for c in self.comparisons if c.regression]

    @property
    def exit_code(self) -> int:
        """1 when a regression or a failed document (or model) was found, else 0."""
        return 1 if self.regressions or self.failures else 0

    def to_json(self) -> dict:
        run = self.run
        return {
            "schema": SUMMARY_SCHEMA,
            "version": __version__,
            "run": {
                "run_id": run.run_id,
                "started_at": run.started_at.isoformat(),
                "finished_at": run.finished_at.isoformat(),
                "corpus": run.corpus,
                "corpus_revision": run.corpus_revision,
                "documents": list(self.documents),
                "out_dir": str(self.out_dir) if self.out_dir is not None else None,
            },
            "exit_code": self.exit_code,
            "metric": self.metric,
            "regressions": [c.to_json() for c in self.regressions],
            "models": {name: _model_json(r) for name, r in self.results.items()},
            "significance": self.significance.to_json() if self.significance else None,
            "comparisons": [c.to_json() for c in self.comparisons],
            "flag_changes": {
                model: {
                    "new": [f.to_json() for f in self.new_flags.get(model, [])],
                    "fixed": [f.to_json() for f in self.fixed_flags.get(model, [])],
                }
                for model in sorted(set(self.new_flags) | set(self.fixed_flags))
            },
            "failures": [f.to_json() for f in self.failures],
            "notes": list(self.notes),
            "engine": self.engine.to_json() if self.engine is not None else None,
        }


def _model_json(r: ModelResult) -> dict:
    return {
        "backend": r.backend,
        "model": r.model_id,
        "revision": r.revision,
        "settings": r.settings,
        "documents": r.documents,
        "failed_documents": list(r.failed_documents),
        "scores": {k: round(v, 4) for k, v in r.scores.items()},
        "signatures": dict(r.signatures),
        "mqm_per_1000": round(r.mqm_per_1000, 4),
        "flags_by_severity": dict(r.flags_by_severity),
        "flags_by_category": dict(r.flags_by_category),
        "significance": r.significance,
        "seconds": {k: round(v, 4) for k, v in r.seconds.items()},
    }


def _short(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _more(items: Sequence[str], limit: int) -> list[str]:
    shown = list(items[:limit])
    if len(items) > limit:
        shown.append(f"  … and {len(items) - limit} more")
    return shown


def _header(spec: MetricSpec) -> str:
    """A metric's column header: its label and which way is better (``chrF++ ↑``)."""
    return f"{spec.label} {spec.arrow}"


def _score_width(spec: MetricSpec) -> int:
    """Column width of a metric in the summary table: its header, at least seven characters."""
    return max(7, len(_header(spec)))


def significance_lines(table: SignificanceTable) -> list[str]:
    """Each model against the baseline, with what its figures are.

    The paired tests score every model on the same segments (reference sentences grouped
    alike for all models, :func:`eval.scoring.significance.pair_outputs`), so a model's
    "paired" score can differ a little from its score in the table above, which is on its
    own sentence alignment; Δ is the difference of the paired scores, and the 95%
    confidence interval is the paired bootstrap's (around its resampled mean).
    """
    lines = [
        f"against {table.baseline}, on the {counted(table.segments, 'segment')} paired across the models"
        f" (n={table.n_samples}):",
        "  paired: the model's score on those segments; it can differ a little from",
        "  the table's, where each model is scored on its own sentence alignment.",
        "  Δ: paired score minus the baseline's; CI: 95%, paired bootstrap;",
        "  p: paired bootstrap / approximate randomization",
    ]
    width = max(8, *(len(n) for n in table.rows)) if table.rows else 8
    for system, tests in table.rows.items():
        for m, t in tests.items():
            lo, hi = t.ci
            ar = f"{t.p_ar:.3f}" if t.p_ar is not None else "–"
            lines.append(
                f"  {system:<{width}} {_header(get_metric(m)):<8} Δ {t.delta:+6.2f}"
                f"  paired {t.score:6.2f}  CI {lo:.1f}–{hi:.1f}  p {t.p_bootstrap:.3f}/{ar}"
            )
    return lines


def summary_lines(outcome: EvalOutcome, *, limit: int = 5) -> list[str]:
    """A one-screen plain-text summary, regressions first (``limit`` items per list)."""
    lines: list[str] = []
    label = metric_label(outcome.metric)
    for c in outcome.regressions:
        p = f"p={c.p_bootstrap:.3f}" if c.p_bootstrap is not None else "significance not tested"
        lines.append(
            f"REGRESSION {c.model}: {label} {c.previous_score:.2f} → {c.score:.2f}"
            f" ({c.delta:+.2f}, {p}) since run {c.previous_run}"
            + (f" — {c.note}" if c.note else "")
        )
    run = outcome.run
    rev = f" @ {run.corpus_revision[:12]}" if run.corpus_revision else ""
    lines.append(
        f"run {run.run_id}: {run.corpus}{rev}, {counted(len(outcome.documents), 'document')},"
        f" {counted(len(outcome.results), 'model')}"
    )
    if outcome.results:
        width = max(12, *(len(n) for n in outcome.results))
        lines.append(
            f"{'model':<{width}}  docs"
            + "".join(f" {_header(m):>{_score_width(m)}}" for m in METRICS.values())
            + " MQM/1k ↓  critical major minor"
        )
        for name, r in outcome.results.items():
            sev = r.flags_by_severity
            lines.append(
                f"{name:<{width}}  {r.documents:>4}"
                + "".join(f" {r.scores.get(m.key, 0):{_score_width(m)}.2f}" for m in METRICS.values())
                + f" {r.mqm_per_1000:8.1f}  {sev.get('critical', 0):>8} {sev.get('major', 0):>5}"
                f" {sev.get('minor', 0):>5}"
            )
        lines.append(f"  {DIRECTION_LEGEND}")
        lines.append(f"  MQM/1k: MQM {MQM_PENALTY_PER_1000}")
    table = outcome.significance
    if table is not None:
        lines.extend(significance_lines(table))
    changes = [c for c in outcome.comparisons if not c.regression]
    if changes:
        lines.append("since the previous run:")
        for c in changes:
            p = f", p={c.p_bootstrap:.3f}" if c.p_bootstrap is not None else ""
            lines.append(f"  {c.model}: {label} {c.previous_score:.2f} → {c.score:.2f} ({c.delta:+.2f}{p})")
    for title, flags in (("new", outcome.new_flags), ("fixed", outcome.fixed_flags)):
        items = [
            f"  {model} · {f.document}: {f.category} «{_short(f.ar)}» ↔ \"{_short(f.reference)}\""
            for model, records in flags.items()
            for f in records
        ]
        if items:
            lines.append(f"{title} critical flags ({len(items)}):")
            lines.extend(_more(items, limit))
    if outcome.failures:
        lines.append(f"failures ({len(outcome.failures)}):")
        items = [
            f"  {f.document or '(every document)'} [{f.model or 'every model'}]: {_short(f.message, 100)}"
            for f in outcome.failures
        ]
        lines.extend(_more(items, limit))
    if outcome.notes:
        lines.append("notes:")
        lines.extend(_more([f"  {_short(n, 100)}" for n in outcome.notes], limit))
    reasons = []
    if outcome.regressions:
        reasons.append(counted(len(outcome.regressions), "regression"))
    if outcome.failures:
        reasons.append(counted(len(outcome.failures), "failure"))
    lines.append(f"exit {outcome.exit_code}" + (": " + ", ".join(reasons) if reasons else ""))
    return lines
