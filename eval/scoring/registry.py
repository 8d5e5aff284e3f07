"""The metric registry: every automatic metric tadqiq reports, described once.

In the manner of sacrebleu's own registry (``sacrebleu.metrics.METRICS``, name → a
:class:`~sacrebleu.metrics.base.Metric` class whose ``sentence_score`` and
``corpus_score`` both work from per-segment statistics), :data:`METRICS` maps a metric's
key to one frozen :class:`MetricSpec`: its key (in reports, run records and the history),
its label and longer description for people, whether higher is better, and how to build
the sacrebleu metric for corpus scores and for segment scores. Everything that scores,
tests, compares or shows metrics takes them from here:

* :mod:`eval.scoring.metrics` — segment and corpus scores of a document;
* :mod:`eval.scoring.significance` — paired tests between systems;
* :mod:`eval.nightly.trend` — the history table and the trend page (labels, directions);
* the nightly runner's comparison with the previous run and its summary;
* the CLI's ``--metric`` choices and table headers, and the terminal report.

To add a metric, add a :class:`MetricSpec` to :data:`METRICS` and a field of that key to
:class:`eval.values.SegmentScores` (segment scores are built from the registry by key).
The history stores a metric outside its fixed score columns as JSON, so no migration is
needed.

sacrebleu is imported only when a sacrebleu metric is built, so the command line can read
the registry (``--metric`` choices, labels) without loading it.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from tadqiq.errors import ConfigError

if TYPE_CHECKING:
    from sacrebleu.metrics.base import Metric

__all__ = [
    "DEFAULT_METRIC",
    "FASTER_METRICS",
    "METRICS",
    "METRIC_KEYS",
    "PAIRED_METRICS",
    "MetricSpec",
    "get_metric",
    "improvement",
    "metric_label",
]


def improvement(old: float, new: float, *, higher_is_better: bool) -> float:
    """How much better ``new`` is than ``old`` (positive: better, negative: worse) for a
    measure that is better when higher (or, with ``higher_is_better=False``, when lower)."""
    return new - old if higher_is_better else old - new


#: sacrebleu metric class name → (module, class) of its subclass here that counts the same
#: statistics faster (the same scores and signature; tests/eval/test_scoring_fast.py,
#: tests/scoring/test_corpus_statistics.py).
#: Imported on first use.
FASTER_METRICS: Mapping[str, tuple[str, str]] = MappingProxyType({
    "BLEU": ("eval.scoring.bleu", "BLEU"),
    "TER": ("eval.scoring.ter", "TER"),
    "CHRF": ("eval.scoring.chrf", "CHRF"),
})


@dataclass(frozen=True)
class MetricSpec:
    """One metric: what it is called, which way is better, how sacrebleu computes it.

    ``corpus_options`` and ``segment_options`` are the keyword arguments of the sacrebleu
    class ``sacrebleu_name`` (a key of ``sacrebleu.metrics.METRICS``) for corpus scores and
    for segment (sentence) scores; they differ only where sentence scores need it (BLEU's
    effective order). Scores, significance tests and signatures all come from metrics built
    here, so they agree. ``paired_by_default``: tested for significance against the
    baseline model when no metrics are named (:data:`PAIRED_METRICS`).
    """

    key: str  # "ter": the key of its scores in reports, run records and the history
    label: str  # "TER": short name in tables and summaries
    description: str  # "TER (edits per 100 words)": longer name, e.g. a chart's axis title
    higher_is_better: bool
    sacrebleu_name: str  # "TER": the class in sacrebleu.metrics.METRICS
    corpus_options: tuple[tuple[str, Any], ...] = ()
    segment_options: tuple[tuple[str, Any], ...] = ()
    paired_by_default: bool = True

    def _build(self, options: tuple[tuple[str, Any], ...]) -> Metric:
        faster = FASTER_METRICS.get(self.sacrebleu_name)
        if faster is not None:
            module, name = faster
            return getattr(importlib.import_module(module), name)(**dict(options))
        from sacrebleu.metrics import METRICS as SACREBLEU_METRICS

        return SACREBLEU_METRICS[self.sacrebleu_name](**dict(options))

    def corpus_metric(self) -> Metric:
        """A new sacrebleu metric for corpus scores (and paired significance tests)."""
        return self._build(self.corpus_options)

    def segment_metric(self) -> Metric:
        """A new sacrebleu metric for segment (sentence) scores."""
        return self._build(self.segment_options)

    def improvement(self, old: float, new: float) -> float:
        """How much better ``new`` is than ``old``: positive is better (for TER, a fall)."""
        return improvement(old, new, higher_is_better=self.higher_is_better)

    def drop(self, old: float, new: float) -> float:
        """How much worse ``new`` is than ``old``: positive is worse (for TER, a rise)."""
        return old - new if self.higher_is_better else new - old

    @property
    def direction(self) -> str:
        """``"higher is better"`` or ``"lower is better"``."""
        return "higher is better" if self.higher_is_better else "lower is better"

    @property
    def arrow(self) -> str:
        """``"↑"`` (higher is better) or ``"↓"`` (lower is better), shown after the label."""
        return "↑" if self.higher_is_better else "↓"


#: Metric key → its spec, in the order scores are reported.
METRICS: Mapping[str, MetricSpec] = MappingProxyType({
    "bleu": MetricSpec(
        "bleu", "BLEU", "BLEU", higher_is_better=True, sacrebleu_name="BLEU",
        segment_options=(("effective_order", True),),
    ),
    "chrf": MetricSpec(
        "chrf", "chrF++", "chrF++", higher_is_better=True, sacrebleu_name="CHRF",
        corpus_options=(("word_order", 2),), segment_options=(("word_order", 2),),
    ),
    "ter": MetricSpec(
        "ter", "TER", "TER (edits per 100 words)", higher_is_better=False, sacrebleu_name="TER",
        paired_by_default=False,
    ),
})

#: The metric keys, in the order scores are reported.
METRIC_KEYS: tuple[str, ...] = tuple(METRICS)

#: The metrics paired significance tests use unless told otherwise (BLEU and chrF++).
PAIRED_METRICS: tuple[str, ...] = tuple(k for k, m in METRICS.items() if m.paired_by_default)

#: The headline metric: the default for regressions and the first score of the history table.
DEFAULT_METRIC = "chrf"


def get_metric(key: str) -> MetricSpec:
    """The spec of metric ``key``; :class:`~tadqiq.errors.ConfigError` for an unknown key."""
    try:
        return METRICS[key]
    except (KeyError, TypeError):
        raise ConfigError(
            f"unknown metric {key!r}; expected one of {', '.join(METRICS)}"
        ) from None


def metric_label(key: str) -> str:
    """The label of metric ``key`` ("chrf" → "chrF++"); an unknown key is shown as it is."""
    spec = METRICS.get(key)
    return spec.label if spec is not None else key
