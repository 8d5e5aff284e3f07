"""Comparisons of a nightly run: models against the baseline, and each model against its past.

- :func:`baseline_significance`: every model of the run tested against the baseline with
  sacrebleu's paired bootstrap and approximate randomization
  (:mod:`eval.scoring.significance`, which explains the pairing);
- :func:`compare_with_history`: each model against its previous run in the history. A
  drop of the chosen metric by more than the threshold is a *regression* when a paired
  bootstrap against the previous run's stored segments gives p < 0.05 (or, when those
  segments cannot be found, on the drop alone, which :attr:`RunComparison.note` says);
  and the critical flags that are new or fixed since then. The previous run's segments
  are its ``MODEL.segments.json``, found in its output folder by :func:`previous_dir`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from eval.nightly.outdir import OutDir, read_segments
from eval.nightly.records import FlagRecord, ModelResult
from eval.scoring.registry import PAIRED_METRICS, get_metric, metric_label
from eval.scoring.significance import (
    ALPHA,
    DocumentSegments,
    SignificanceTable,
    pair_outputs,
    paired_tests,
)
from eval.values import counted

if TYPE_CHECKING:
    from eval.nightly.store import History, RunSummary

__all__ = [
    "RunComparison",
    "baseline_significance",
    "compare_run",
    "compare_with_history",
    "previous_dir",
]

@dataclass(frozen=True)
class RunComparison:
    """One model's corpus score now and in its previous run.

    ``p_bootstrap`` is sacrebleu's paired bootstrap p-value against the previous run's
    stored segments (None when they could not be found or paired: ``note`` says why).
    ``regression`` is set only when a threshold was given: the score got worse by more
    than the threshold and the change is significant (or could not be tested).
    """

    model: str
    metric: str
    previous_run: str
    previous_score: float
    score: float
    p_bootstrap: float | None
    regression: bool
    threshold: float | None = None
    note: str = ""

    @property
    def delta(self) -> float:
        return self.score - self.previous_score

    @property
    def drop(self) -> float:
        """How much worse the score got (positive = worse, in the metric's own direction)."""
        return get_metric(self.metric).drop(self.previous_score, self.score)

    def to_json(self) -> dict:
        return {
            "model": self.model,
            "metric": self.metric,
            "previous_run": self.previous_run,
            "previous_score": round(self.previous_score, 4),
            "score": round(self.score, 4),
            "delta": round(self.delta, 4),
            "p_bootstrap": round(self.p_bootstrap, 6) if self.p_bootstrap is not None else None,
            "threshold": self.threshold,
            "regression": self.regression,
            "note": self.note,
        }


def baseline_significance(
    segments: Mapping[str, Mapping[str, DocumentSegments]],
    models: Sequence[str],
    baseline: str | None,
    n_samples: int,
    notes: list[str],
) -> SignificanceTable | None:
    """Every evaluated model against ``baseline`` (default: the first model) on the
    documents all of them evaluated; None (with a note why) when there is nothing to test."""
    evaluated = [m for m in models if m in segments]
    if len(evaluated) < 2:
        return None
    chosen = baseline or models[0]
    if chosen not in segments:
        notes.append(f"no significance tests: the baseline {chosen} has no results")
        return None
    outputs = pair_outputs({m: segments[m] for m in evaluated})
    for doc, why in outputs.excluded:
        notes.append(f"significance tests leave out {doc}: {why}")
    if not len(outputs):
        notes.append("no significance tests: no document was evaluated by every model")
        return None
    return paired_tests(outputs, chosen, evaluated, PAIRED_METRICS, n_samples=n_samples)


def compare_with_history(
    history: History,
    results: Mapping[str, ModelResult],
    segments: Mapping[str, Mapping[str, DocumentSegments]],
    started: datetime,
    out: OutDir | None,
    metric: str,
    threshold: float | None,
    n_samples: int,
    notes: list[str],
) -> tuple[list[RunComparison], dict[str, list[FlagRecord]], dict[str, list[FlagRecord]]]:
    """Each model against its previous run: score comparison, new and fixed critical flags."""
    from eval.nightly.store import compare_flags

    comparisons: list[RunComparison] = []
    new_flags: dict[str, list[FlagRecord]] = {}
    fixed_flags: dict[str, list[FlagRecord]] = {}
    folders: dict[str, Path | None] = {}  # run id → its output folder: models of one run share it
    for name, result in results.items():
        # Runs started before this one (a resumed run keeps its first start time).
        previous = history.previous(name, before=started)
        if previous is None:
            notes.append(f"{name}: no previous run in the history to compare with")
            continue
        info, old = previous
        if info.run_id not in folders:
            folders[info.run_id] = previous_dir(info, info.run_id, out)
        comparison = compare_run(
            name, result, old, info.run_id, folders[info.run_id],
            segments[name], metric, threshold, n_samples,
        )
        if comparison is not None:
            comparisons.append(comparison)
        else:
            notes.append(f"{name}: the previous run {info.run_id} has no {metric_label(metric)} score")
        new, fixed = compare_flags(old.flags, result.flags, severity="critical")
        if new:
            new_flags[name] = list(new)
        if fixed:
            fixed_flags[name] = list(fixed)
    return comparisons, new_flags, fixed_flags


def previous_dir(info: RunSummary, run_id: str, out: OutDir | None) -> Path | None:
    """The output folder of run ``run_id``: as the history recorded it, else a sibling of
    this run's folder whose summary.json has that run id (``runs/DATE/`` layouts)."""
    candidates: list[Path] = []
    recorded = info.out_dir
    if recorded:
        candidates.append(Path(str(recorded)))
    if out is not None:
        parent = out.path.resolve().parent
        try:
            siblings = sorted((p for p in parent.iterdir() if p.is_dir()), reverse=True)
        except OSError:
            siblings = []
        candidates.extend(p for p in siblings if p != out.path.resolve())
    for candidate in candidates:
        try:
            data = json.loads((candidate / "summary.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            continue
        run = data.get("run") if isinstance(data, dict) else None
        if isinstance(run, dict) and run.get("run_id") == run_id:
            return candidate
    return None


def compare_run(
    model: str,
    result: ModelResult,
    old: ModelResult,
    old_run: str,
    old_dir: Path | None,
    current: Mapping[str, DocumentSegments],
    metric: str,
    threshold: float | None,
    n_samples: int,
) -> RunComparison | None:
    """``model``'s ``metric`` now against run ``old_run`` (None when either lacks the score)."""
    if metric not in old.scores or metric not in result.scores:
        return None
    previous_score, score = float(old.scores[metric]), float(result.scores[metric])
    drop = get_metric(metric).drop(previous_score, score)
    p_value: float | None = None
    note = ""
    stored = read_segments(old_dir / f"{model}.segments.json") if old_dir is not None else None
    if stored is None:
        note = f"segments of run {old_run} not found: judged on the score change alone"
    else:
        outputs = pair_outputs({"previous": stored, "current": current})
        if len(outputs):
            table = paired_tests(
                outputs, "previous", ["current"], (metric,),
                n_samples=n_samples, approximate_randomization=False,
            )
            p_value = table.rows["current"][metric].p_bootstrap
            if outputs.excluded:
                note = f"paired on {counted(len(outputs.documents), 'document')} ({len(outputs.excluded)} left out)"
        else:
            note = f"no document pairs with run {old_run}: judged on the score change alone"
    regression = (
        threshold is not None and drop > threshold and (p_value is None or p_value < ALPHA)
    )
    return RunComparison(
        model, metric, old_run, previous_score, score, p_value, regression, threshold, note
    )
