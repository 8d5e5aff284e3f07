"""Run records for the history tests: varied enough that a round trip checks every field."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from eval.nightly.records import FlagRecord, ModelResult, RunRecord

EPOCH = datetime(2024, 5, 1, 2, 0, tzinfo=timezone.utc)
SIGNATURE = "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.4.2"


def flag(document: str, fingerprint: str, severity: str = "critical", **kw: str) -> FlagRecord:
    return FlagRecord(
        document=document,
        fingerprint=fingerprint,
        severity=severity,
        category=kw.get("category", "mistranslation"),
        ar=kw.get("ar", "منا يدعم"),
        reference=kw.get("reference", "US backs"),
    )


def model_result(name: str, k: int, flags: list[FlagRecord] | None = None) -> ModelResult:
    """The result of model ``name`` in the ``k``-th run: scores drift with ``k``."""
    flags = list(flags or [])
    by_sev = {s: sum(1 for f in flags if f.severity == s) for s in ("critical", "major", "minor")}
    return ModelResult(
        model=name,
        backend="hf",
        model_id=f"Helsinki-NLP/{name}",
        revision=f"rev{k:04d}",
        settings={"num_beams": 4, "max_new_tokens": 256, "nested": {"a": [1, 2.5, None, "ق"]}},
        scores={
            "bleu": 30.0 + k * 0.7,
            "chrf": 55.25 + k / 3,
            "ter": 60.0 - k * 0.1,
            "comet": 0.8125,
        },
        signatures={
            "bleu": "BLEU|" + SIGNATURE,
            "chrf": "chrF2++|" + SIGNATURE,
            "ter": "TER|" + SIGNATURE,
        },
        mqm_per_1000=12.5 - k * 0.3,
        flags_by_severity=by_sev,
        flags_by_category={"mistranslation": len(flags)},
        documents=12,
        failed_documents=["broken.ar.txt"] if k % 2 else [],
        seconds={"translate": 12.25 + k, "score": 0.5},
        flags=flags,
        significance={
            "bleu": {"delta": 1.25, "p_bootstrap": 0.012, "p_ar": 0.02, "ci": [0.25, 2.5]},
        }
        if name != "baseline"
        else {},
    )


def run_record(
    run_id: str,
    k: int,
    models: tuple[str, ...] = ("baseline", "opus-mt-ar-en"),
    flags: dict[str, list[FlagRecord]] | None = None,
) -> RunRecord:
    """The ``k``-th nightly run, one day after the previous."""
    started = EPOCH + timedelta(days=k, microseconds=123456)
    return RunRecord(
        run_id=run_id,
        started_at=started,
        finished_at=started + timedelta(minutes=42, seconds=k),
        corpus="corpus/news",
        corpus_revision=f"{k:040x}" if k % 3 else None,
        program_version="0.1.0",
        models=[model_result(m, k, (flags or {}).get(m)) for m in models],
    )
