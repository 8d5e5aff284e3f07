"""Nightly evaluation: every model of a list over a whole corpus, compared and remembered.

:func:`run_eval` is the library behind ``tadqiq eval``. For each model (loaded once)
and each corpus document it runs the check flow of :mod:`eval.flow` (read, segment,
translate through the translation cache or take the precomputed hypothesis, align,
score, flag; :mod:`eval.nightly.documents`), then

- scores every model over the corpus: corpus BLEU, chrF++ and TER (sacrebleu, with
  signatures) over all aligned segments of all documents, flags per category and
  severity, MQM penalty per 1,000 Arabic words;
- tests every model against the baseline and compares every model with its previous
  run in the history: regressions, new and fixed critical flags
  (:mod:`eval.nightly.compare`);
- records the run (:class:`~eval.nightly.records.RunRecord`) in the history.

A document that cannot be used (unreadable, empty, wrong language, no reference, no
precomputed hypothesis) is a :class:`~eval.nightly.summary.Failure`: reported and
skipped, never the end of the night. The outcome is an
:class:`~eval.nightly.summary.EvalOutcome`; the files written to ``out_dir`` (and the
state that lets ``resume`` skip finished documents) are described in
:mod:`eval.nightly.outdir`.

Nothing is printed: progress goes to the ``progress`` callback, the summary is
:func:`eval.nightly.summary.summary_lines`.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from eval.nightly.compare import RunComparison, baseline_significance, compare_with_history
from eval.nightly.corpus import corpus_revision, load_corpus
from eval.nightly.documents import DocumentResult, PreparedDocument, prepare_document
from eval.nightly.engine import Engine, FlaggerOptions, LocalEngine, ModelJob, ModelRun, Progress
from eval.nightly.outdir import OutDir, new_run_id
from eval.nightly.records import FlagRecord, ModelResult, RunRecord
from eval.nightly.summary import EvalOutcome, Failure
from eval.scoring.metrics import corpus_scores
from eval.scoring.registry import DEFAULT_METRIC, get_metric
from eval.scoring.significance import DEFAULT_SAMPLES
from eval.values import MQMScore, Severity, counted
from tadqiq import __version__
from tadqiq.errors import ConfigError, InputError

if TYPE_CHECKING:
    from eval.nightly.store import History
    from translator import ModelSpec, TranslationCache

__all__ = ["EvalProgress", "run_eval"]

#: The progress callback of :func:`run_eval` (:data:`eval.nightly.engine.Progress`).
EvalProgress = Progress


def run_eval(
    corpus_path: str | os.PathLike[str],
    models: Sequence[str],
    *,
    models_file: str | os.PathLike[str] | None = None,
    baseline: str | None = None,
    history: History | None = None,
    out_dir: str | os.PathLike[str] | None = None,
    resume: bool = False,
    cache: str | os.PathLike[str] | None = None,
    use_cache: bool = True,
    progress: EvalProgress | None = None,
    fail_on_regression: float | None = None,
    metric: str = DEFAULT_METRIC,
    glossary: str | os.PathLike[str] | None = None,
    min_confidence: float | None = None,
    checks: Collection[str] | None = None,
    n_samples: int = DEFAULT_SAMPLES,
    allow_download: bool = True,
    engine: Engine | None = None,
) -> EvalOutcome:
    """Evaluate ``models`` (names in models.yaml) on the corpus at ``corpus_path``.

    ``baseline``: the model the others are tested against (default: the first one).
    ``history``: an :class:`eval.nightly.store.History` (or None): each model is compared
    with its previous run there, and this run is recorded. ``out_dir``: where the
    files go (None: nothing is written, and ``resume`` is impossible). ``cache``: the
    translation cache file (default: the user cache); ``use_cache=False`` skips it.
    ``fail_on_regression``: points of ``metric`` ("bleu", "chrf" or "ter") a model may
    lose against its previous run before that is a regression (None: never).
    ``glossary``, ``min_confidence`` and ``checks`` (check names, None: all) choose the
    flaggers as for a single check (:func:`eval.flow.default_flaggers`).
    ``engine``: where documents are translated and flagged (default: a
    :class:`~eval.nightly.engine.LocalEngine`, this process; see
    :class:`eval.nightly.ray_engine.RayEngine`). The caller closes an engine it gives.

    Raises :class:`~tadqiq.errors.ConfigError` for bad arguments, an unknown model, an
    invalid models.yaml or glossary (all before the engine starts), and
    :class:`~tadqiq.errors.InputError` for a corpus that cannot be read at all;
    everything about single documents is a :class:`~eval.nightly.summary.Failure` instead.
    """
    from translator.registry import load_registry

    models = list(dict.fromkeys(models))
    _check_arguments(models, baseline, metric, fail_on_regression, resume, out_dir, n_samples)
    registry = load_registry(models_file)
    specs = [registry.get(name) for name in models]
    corpus = load_corpus(corpus_path)
    revision = corpus_revision(corpus_path)

    failures = [Failure(bad.name, None, bad.message) for bad in corpus.bad]
    prepared: list[PreparedDocument] = []
    for doc in corpus.documents:
        try:
            prepared.append(prepare_document(doc))
        except InputError as exc:
            failures.append(Failure(doc.name, None, str(exc)))
    if not prepared:
        # Nothing to evaluate: an input error (exit 2), not a run of "0 documents, 0 models".
        first = failures[0].message if failures else "no documents"
        more = f" (and {counted(len(failures) - 1, 'other broken document')})" if len(failures) > 1 else ""
        raise InputError(f"{corpus.path}: no usable document in the corpus: {first}{more}")

    options = FlaggerOptions.of(glossary, min_confidence, checks)  # the glossary is read here, once
    runner: Engine = engine if engine is not None else LocalEngine()
    runner.start()  # after the checks above, before --out is written: a bad cluster leaves no trace
    now = datetime.now(timezone.utc)
    out = OutDir(Path(out_dir)) if out_dir is not None else None
    run_id, started = out.start(resume, now) if out is not None else (new_run_id(now), now)

    runs: list[ModelRun] = []
    translation_cache: TranslationCache | None = None
    try:
        for spec in specs:
            if use_cache and translation_cache is None and spec.backend != "precomputed":
                from translator.cache import TranslationCache

                translation_cache = TranslationCache(cache)
            model_run, todo = _resumed(spec, prepared, out, resume)
            runs.append(model_run)
            if todo:
                job = ModelJob(spec, todo, out, translation_cache, options, progress, allow_download)
                runner.run_model(model_run, job)
    finally:
        if translation_cache is not None:
            translation_cache.close()
    for model_run in runs:
        failures.extend(model_run.failures)
    failures.sort(key=lambda f: (f.document or "", f.model or ""))

    all_names = [d.name for d in corpus.documents] + [b.name for b in corpus.bad]
    results: dict[str, ModelResult] = {}
    notes: list[str] = []
    for model_run in runs:
        ordered = [model_run.results[p.name] for p in prepared if p.name in model_run.results]
        if out is not None and ordered:
            out.write_model(model_run.spec.name, ordered)
        if not ordered:
            notes.append(f"{model_run.spec.name}: no document could be evaluated")
            continue
        results[model_run.spec.name] = _model_result(model_run, ordered, all_names)

    segments = {
        r.spec.name: {name: res.segments for name, res in r.results.items()}
        for r in runs
        if r.spec.name in results
    }
    significance = baseline_significance(segments, models, baseline, n_samples, notes)
    if significance is not None:
        for system, tests in significance.rows.items():
            results[system].significance = {m: t.to_json() for m, t in tests.items()}

    comparisons: list[RunComparison] = []
    new_flags: dict[str, list[FlagRecord]] = {}
    fixed_flags: dict[str, list[FlagRecord]] = {}
    if history is not None:
        comparisons, new_flags, fixed_flags = compare_with_history(
            history, results, segments, started, out, metric, fail_on_regression, n_samples, notes
        )
        comparisons.sort(key=lambda c: (not c.regression, models.index(c.model)))

    record = RunRecord(
        run_id=run_id,
        started_at=started,
        finished_at=datetime.now(timezone.utc),
        corpus=os.path.abspath(corpus_path),
        corpus_revision=revision,
        program_version=__version__,
        models=list(results.values()),
        out_dir=str(out.path.resolve()) if out is not None else None,
    )
    outcome = EvalOutcome(
        run=record,
        significance=significance,
        comparisons=comparisons,
        new_flags=new_flags,
        fixed_flags=fixed_flags,
        failures=failures,
        out_dir=out.path if out is not None else None,
        metric=metric,
        notes=notes,
        documents=[p.name for p in prepared],
        engine=runner.report(),
    )
    if out is not None:
        out.write_summary(outcome.to_json())
    if history is not None:
        if out is not None and out.recorded(run_id):
            notes.append(f"run {run_id} is already in the history (resumed after it finished)")
        else:
            history.record(record)
            if out is not None:
                out.mark_recorded(run_id)
    return outcome


def _check_arguments(
    models: Sequence[str],
    baseline: str | None,
    metric: str,
    fail_on_regression: float | None,
    resume: bool,
    out_dir: object,
    n_samples: int,
) -> None:
    if not models:
        raise ConfigError("no models to evaluate")
    get_metric(metric)  # ConfigError naming the registered metrics
    if baseline is not None and baseline not in models:
        raise ConfigError(
            f"the baseline model {baseline!r} is not one of the models evaluated ({', '.join(models)})"
        )
    if fail_on_regression is not None and fail_on_regression < 0:
        raise ConfigError(f"the regression threshold must be 0 or more points, got {fail_on_regression}")
    if resume and out_dir is None:
        raise ConfigError("resuming needs the output folder of the interrupted run")
    if n_samples < 1:
        raise ConfigError(f"the number of resamples must be at least 1, got {n_samples}")


def _resumed(
    spec: ModelSpec, prepared: Sequence[PreparedDocument], out: OutDir | None, resume: bool
) -> tuple[ModelRun, list[PreparedDocument]]:
    """The model's run with the documents finished before (on resume), and those still to do."""
    run = ModelRun(spec)
    model_key = spec.cache_key()
    todo: list[PreparedDocument] = []
    for doc in prepared:
        done = out.load_done(spec.name, doc.name, doc.digest, model_key) if out and resume else None
        if done is not None:
            run.results[doc.name] = done
            run.model_info = done.model_info
        else:
            todo.append(doc)
    return run, todo


def _model_result(run: ModelRun, ordered: Sequence[DocumentResult], all_names: Iterable[str]) -> ModelResult:
    pairs = [pair for r in ordered for pair in r.pairs]
    scores = corpus_scores([h for h, _ in pairs], [r for _, r in pairs])
    by_severity: Counter[str] = Counter({s.value: 0 for s in Severity})
    by_category: Counter[str] = Counter()
    seconds: Counter[str] = Counter()
    flags: list[FlagRecord] = []
    for r in ordered:
        by_severity.update(r.line["flags_by_severity"])
        by_category.update(r.line["flags_by_category"])
        seconds.update(r.line["timings"])
        flags.extend(r.flag_records())
    if run.load_seconds:
        seconds["load"] += run.load_seconds
    mqm = MQMScore(sum(r.penalty for r in ordered), sum(r.words for r in ordered))
    info = run.model_info or {}
    done = {r.name for r in ordered}
    return ModelResult(
        model=run.spec.name,
        backend=str(info.get("backend", run.spec.backend)),
        model_id=info.get("model"),
        revision=info.get("revision"),
        settings=dict(info.get("settings") or {}),
        scores={k: v.score for k, v in scores.items()},
        signatures={k: v.signature for k, v in scores.items()},
        mqm_per_1000=mqm.per_thousand,
        flags_by_severity=dict(by_severity),
        flags_by_category=dict(sorted(by_category.items())),
        documents=len(ordered),
        failed_documents=sorted(n for n in all_names if n not in done),
        seconds=dict(seconds),
        flags=flags,
    )
