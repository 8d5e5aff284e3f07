"""What one nightly evaluation run produced, as stored in the history database.

Shared by the runner (:mod:`eval.nightly.runner`) that fills it and the history store
(:mod:`eval.nightly.store`) that keeps it. Plain typed values, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class FlagRecord:
    """One flag of one document, enough to tell "new" from "fixed" between runs."""

    document: str
    fingerprint: str
    severity: str
    category: str
    ar: str
    reference: str

    def to_json(self) -> dict:
        return {
            "document": self.document, "fingerprint": self.fingerprint, "severity": self.severity,
            "category": self.category, "ar": self.ar, "reference": self.reference,
        }


@dataclass
class ModelResult:
    """One model's results over the corpus in one run."""

    model: str  # name in models.yaml
    backend: str
    model_id: str | None
    revision: str | None
    settings: dict
    scores: dict[str, float]  # "bleu", "chrf", "ter" (corpus level)
    signatures: dict[str, str]  # sacrebleu signature per metric
    mqm_per_1000: float
    flags_by_severity: dict[str, int]
    flags_by_category: dict[str, int]
    documents: int
    failed_documents: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # per stage
    flags: list[FlagRecord] = field(default_factory=list)
    # Significance against the baseline model of the same run, per metric:
    # {"bleu": {"delta": .., "p_bootstrap": .., "p_ar": .., "ci": [lo, hi]}, ...}
    significance: dict[str, dict] = field(default_factory=dict)


@dataclass
class RunRecord:
    run_id: str
    started_at: datetime
    finished_at: datetime
    corpus: str  # path or name
    corpus_revision: str | None  # git revision of the corpus, if it is in a git repository
    program_version: str
    models: list[ModelResult] = field(default_factory=list)
    out_dir: str | None = None  # where the run's files went (per-segment outputs for significance)
