"""Paired significance tests between systems, with sacrebleu's own implementations.

The tests are :class:`sacrebleu.significance.PairedTest` with ``test_type="bs"`` (paired
bootstrap resampling, Koehn 2004; gives the system's bootstrap mean and 95% confidence
interval) and ``"ar"`` (paired approximate randomization, Riezler & Maxwell 2005). Both
work on sacrebleu's per-segment sufficient statistics (``_extract_corpus_statistics``)
and resample those; nothing is re-scored here. The metrics are the registry's corpus
metrics (:meth:`eval.scoring.registry.MetricSpec.corpus_metric`), the very ones
:func:`eval.scoring.metrics.corpus_scores` uses. The random seed is sacrebleu's:
``$SACREBLEU_SEED``, 12345 by default, and it is part of every signature returned.

Pairing on the reference side
    A paired test needs every system to be scored on the same list of segments, but each
    model's back-translation is aligned to the reference separately, so the beads differ
    between models (model A may render reference sentences 3 and 4 in one bead, model
    B in two). :func:`pair_outputs` therefore builds, per document, the coarsest common
    grouping of the reference sentences: consecutive reference sentences are merged
    wherever *any* system's bead spans them (beads are monotonic, so every group is a run
    of consecutive sentences and every bead falls in exactly one group). Each group is
    one test segment: its reference is the group's sentences joined by a space, and each
    system's hypothesis is its hypotheses of the beads in that group, joined (empty when
    the system left the group's sentences unaligned). A bead with a hypothesis but no
    reference sentence (text the system added) joins the group of the bead before it
    (the first group at the start), so no hypothesis text is dropped. Only documents
    evaluated for every system, with identical reference sentences, are paired; the
    others are listed in :attr:`PairedOutputs.excluded`. Because groups may merge
    sentences, the scores of a paired test can differ slightly from the corpus scores
    computed over each system's own beads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sacrebleu.significance import PairedTest

from eval.scoring.registry import PAIRED_METRICS, get_metric

__all__ = [
    "DEFAULT_SAMPLES",
    "DocumentSegments",
    "MetricTest",
    "PairedOutputs",
    "SignificanceTable",
    "pair_outputs",
    "paired_tests",
]

#: Bootstrap resamples and approximate-randomization trials.
DEFAULT_SAMPLES = 1000

#: Significance level used by callers to call a difference significant.
ALPHA = 0.05


@dataclass(frozen=True)
class DocumentSegments:
    """One system's output on one document: the reference sentences and its beads.

    ``beads`` are ``(reference sentence indices, hypothesis)`` in document order, as
    sentence alignment produced them (:attr:`eval.values.Bead.ref`, :attr:`~eval.values.Bead.hypothesis`).
    """

    references: tuple[str, ...]
    beads: tuple[tuple[tuple[int, ...], str], ...]

    def to_json(self) -> dict:
        return {
            "references": list(self.references),
            "beads": [
                {
                    "ref": list(ref),
                    "reference": " ".join(self.references[k] for k in ref),
                    "hypothesis": hyp,
                }
                for ref, hyp in self.beads
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping) -> DocumentSegments:
        """Inverse of :meth:`to_json`; ``ValueError``/``KeyError``/``TypeError`` on bad data."""
        references = tuple(str(r) for r in data["references"])
        beads = tuple(
            (tuple(int(k) for k in b["ref"]), str(b["hypothesis"])) for b in data["beads"]
        )
        return cls(references, beads)


@dataclass(frozen=True)
class PairedOutputs:
    """Segment-aligned outputs of several systems: ``hypotheses[name][i]`` renders ``references[i]``."""

    references: list[str]
    hypotheses: dict[str, list[str]]
    documents: list[str]  # documents used, in order
    excluded: list[tuple[str, str]] = field(default_factory=list)  # (document, why)

    def __len__(self) -> int:
        return len(self.references)


def _groups(n: int, bead_lists: Sequence[Sequence[tuple[tuple[int, ...], str]]]) -> list[int]:
    """Group index of every reference sentence (coarsest grouping common to all systems)."""
    cuts = set(range(1, n))  # a cut at k separates sentence k-1 from sentence k
    for beads in bead_lists:
        for ref, _ in beads:
            if ref:
                cuts.difference_update(range(min(ref) + 1, max(ref) + 1))
    group_of: list[int] = []
    group = 0
    for k in range(n):
        if k in cuts:
            group += 1
        group_of.append(group)
    return group_of


def _check_beads(doc: DocumentSegments) -> bool:
    n = len(doc.references)
    return all(all(0 <= k < n for k in ref) for ref, _ in doc.beads)


def pair_outputs(systems: Mapping[str, Mapping[str, DocumentSegments]]) -> PairedOutputs:
    """Pair the outputs of ``systems`` (name → document → segments) on the reference side.

    See the module docstring for the grouping. Documents are taken in sorted order.
    """
    names = list(systems)
    all_docs = sorted({doc for docs in systems.values() for doc in docs})
    references: list[str] = []
    hypotheses: dict[str, list[str]] = {name: [] for name in names}
    used: list[str] = []
    excluded: list[tuple[str, str]] = []
    for doc in all_docs:
        missing = [name for name in names if doc not in systems[name]]
        if missing:
            excluded.append((doc, f"not evaluated for {', '.join(missing)}"))
            continue
        outputs = [systems[name][doc] for name in names]
        refs = outputs[0].references
        if any(o.references != refs for o in outputs[1:]):
            excluded.append((doc, "the reference sentences differ between the outputs"))
            continue
        if not refs:
            excluded.append((doc, "no reference sentences"))
            continue
        if not all(_check_beads(o) for o in outputs):
            excluded.append((doc, "a bead points outside the reference sentences"))
            continue
        group_of = _groups(len(refs), [o.beads for o in outputs])
        n_groups = group_of[-1] + 1
        for k in range(n_groups):
            references.append(" ".join(r for r, g in zip(refs, group_of, strict=True) if g == k))
        for name, output in zip(names, outputs, strict=True):
            parts: list[list[str]] = [[] for _ in range(n_groups)]
            current = 0
            for ref, hyp in output.beads:
                if ref:
                    current = group_of[ref[0]]
                if hyp.strip():
                    parts[current].append(hyp.strip())
            hypotheses[name].extend(" ".join(p) for p in parts)
        used.append(doc)
    return PairedOutputs(references, hypotheses, used, excluded)


@dataclass(frozen=True)
class MetricTest:
    """One system against the baseline on one metric.

    ``delta`` is system minus baseline on the paired segments, whichever way the metric
    goes (``get_metric(metric).improvement(baseline_score, score)`` signs it: for TER a
    negative delta is an improvement). ``mean`` ± ``ci_radius`` is sacrebleu's
    bootstrap estimate of the system's score and its 95% confidence interval.
    """

    metric: str
    baseline_score: float
    score: float
    p_bootstrap: float
    p_ar: float | None
    mean: float
    ci_radius: float

    @property
    def delta(self) -> float:
        return self.score - self.baseline_score

    @property
    def ci(self) -> tuple[float, float]:
        return (self.mean - self.ci_radius, self.mean + self.ci_radius)

    def to_json(self) -> dict:
        """The form stored in :attr:`eval.nightly.records.ModelResult.significance`."""
        lo, hi = self.ci
        return {
            "baseline_score": round(self.baseline_score, 4),
            "score": round(self.score, 4),
            "delta": round(self.delta, 4),
            "p_bootstrap": round(self.p_bootstrap, 6),
            "p_ar": round(self.p_ar, 6) if self.p_ar is not None else None,
            "mean": round(self.mean, 4),
            "ci": [round(lo, 4), round(hi, 4)],
        }


@dataclass(frozen=True)
class SignificanceTable:
    """Every system against one baseline, per metric, on the same paired segments."""

    baseline: str
    metrics: tuple[str, ...]
    rows: dict[str, dict[str, MetricTest]]  # system → metric → test
    baseline_ci: dict[str, tuple[float, float, float]]  # metric → (score, mean, ci radius)
    signatures: dict[str, dict[str, str]]  # metric → {"bs": sig, "ar": sig}
    segments: int
    documents: list[str]
    excluded: list[tuple[str, str]] = field(default_factory=list)
    n_samples: int = DEFAULT_SAMPLES

    def to_json(self) -> dict:
        return {
            "baseline": self.baseline,
            "method": "sacrebleu PairedTest: paired bootstrap (bs) and approximate randomization (ar)",
            "n_samples": self.n_samples,
            "segments": self.segments,
            "documents": list(self.documents),
            "excluded": [{"document": d, "reason": r} for d, r in self.excluded],
            "signatures": self.signatures,
            "baseline_scores": {
                m: {
                    "score": round(s, 4),
                    "mean": round(mean, 4),
                    "ci": [round(mean - r, 4), round(mean + r, 4)],
                }
                for m, (s, mean, r) in self.baseline_ci.items()
            },
            "systems": {
                system: {m: t.to_json() for m, t in tests.items()}
                for system, tests in self.rows.items()
            },
        }


def _run(
    test_type: str,
    named: list[tuple[str, Sequence[str]]],
    references: list[str],
    metrics: Sequence[str],
    n_samples: int,
) -> tuple[dict[str, str], dict[str, list]]:
    """One sacrebleu PairedTest; returns (metric key → signature, metric key → results)."""
    test = PairedTest(
        named,
        {key: get_metric(key).corpus_metric() for key in metrics},
        [references],
        test_type=test_type,
        n_samples=n_samples,
        n_ar_confidence=-1,
        n_jobs=1,
    )
    signatures, scores = test()
    # PairedTest re-keys metrics by their score names ("BLEU", "chrF2++", "TER"), in order.
    score_names = list(test.metrics)
    results = {key: scores[name] for key, name in zip(metrics, score_names, strict=True)}
    sigs = {key: signatures[name].format() for key, name in zip(metrics, score_names, strict=True)}
    return sigs, results


def paired_tests(
    outputs: PairedOutputs,
    baseline: str,
    systems: Sequence[str] | None = None,
    metrics: Sequence[str] = PAIRED_METRICS,
    *,
    n_samples: int = DEFAULT_SAMPLES,
    approximate_randomization: bool = True,
) -> SignificanceTable:
    """Test every system of ``outputs`` (or ``systems``) against ``baseline``.

    A system whose output is identical to the baseline's gets p = 1 (sacrebleu would
    report its smallest p-value, 1/(n+1), for a difference of exactly zero).
    Raises ``ValueError`` if there are no paired segments or ``baseline`` is unknown, and
    :class:`~tadqiq.errors.ConfigError` for a metric the registry does not know.
    """
    if baseline not in outputs.hypotheses:
        raise ValueError(f"no outputs for the baseline {baseline!r}")
    if not len(outputs):
        raise ValueError("no paired segments to test")
    others = [s for s in (systems or outputs.hypotheses) if s != baseline]
    named = [(baseline, outputs.hypotheses[baseline])] + [(s, outputs.hypotheses[s]) for s in others]
    bs_sigs, bs = _run("bs", named, outputs.references, metrics, n_samples)
    ar_sigs: dict[str, str] = {}
    ar: dict[str, list] = {}
    if approximate_randomization and others:
        ar_sigs, ar = _run("ar", named, outputs.references, metrics, n_samples)
    rows: dict[str, dict[str, MetricTest]] = {}
    for i, system in enumerate(others, start=1):
        # sacrebleu counts resampled differences *greater* than the observed one, so a
        # system identical to the baseline gets the smallest p-value; it is not different.
        same = outputs.hypotheses[system] == outputs.hypotheses[baseline]
        rows[system] = {
            key: MetricTest(
                metric=key,
                baseline_score=float(bs[key][0].score),
                score=float(bs[key][i].score),
                p_bootstrap=1.0 if same else float(bs[key][i].p_value),
                p_ar=(1.0 if same else float(ar[key][i].p_value)) if key in ar else None,
                mean=float(bs[key][i].mean),
                ci_radius=float(bs[key][i].ci),
            )
            for key in metrics
        }
    baseline_ci = {
        key: (float(bs[key][0].score), float(bs[key][0].mean), float(bs[key][0].ci))
        for key in metrics
    }
    signatures = {key: {"bs": bs_sigs[key], **({"ar": ar_sigs[key]} if key in ar_sigs else {})} for key in metrics}
    return SignificanceTable(
        baseline=baseline,
        metrics=tuple(metrics),
        rows=rows,
        baseline_ci=baseline_ci,
        signatures=signatures,
        segments=len(outputs),
        documents=list(outputs.documents),
        excluded=list(outputs.excluded),
        n_samples=n_samples,
    )
