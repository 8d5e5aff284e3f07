"""Nightly evaluation: every model of a list over a whole corpus, compared and remembered.

:func:`run_eval` is the library behind ``tadqiq eval``. For each model (loaded once)
and each corpus document it runs the check pipeline (read, segment, translate through
the translation cache or take the precomputed hypothesis, align, score, flag), then

- scores every model over the corpus: corpus BLEU, chrF++ and TER (sacrebleu, with
  signatures) over all aligned segments of all documents, flags per category and
  severity, MQM penalty per 1,000 Arabic words;
- tests every model against the baseline with sacrebleu's paired bootstrap and
  approximate randomization (:mod:`eval.scoring.significance`, which explains the pairing);
- compares every model with its previous run in the history: a drop of the chosen
  metric by more than ``fail_on_regression`` points is a *regression* when a paired
  bootstrap against the previous run's stored segments gives p < 0.05 (or, when those
  segments cannot be found, on the drop alone, which the outcome says); and lists the
  critical flags that are new or fixed since then. The previous run's segments are its
  ``MODEL.segments.json``, found in its output folder: the one the history recorded
  (:attr:`RunRecord.out_dir <eval.nightly.records.RunRecord.out_dir>`), else a sibling of this run's
  ``out_dir`` whose summary.json has that run id (the ``runs/DATE/`` layout);
- records the run (:class:`~eval.nightly.records.RunRecord`) in the history.

A document that cannot be used (unreadable, empty, wrong language, no reference, no
precomputed hypothesis) is a :class:`Failure`: reported and skipped, never the end
of the night. Exit status (:attr:`EvalOutcome.exit_code`): 1 when a regression or a
failure was found, else 0.

Files in ``out_dir`` (each written atomically)::

    MODEL.jsonl            one line per document: scores, flag counts, MQM, timings, flags
    MODEL.segments.json    per document: reference sentences and the model's beads
                           (reference indices, reference text, hypothesis): what later
                           runs pair with for significance tests
    summary.json           the run, per-model corpus results, significance, comparisons
                           with the previous run, new/fixed critical flags, failures
    .state/run.json        run id and start time (kept by ``resume``)
    .state/MODEL/NAME.json one finished document; ``resume=True`` skips documents whose
                           state matches the document's text and the model's settings

Nothing is printed: progress goes to the ``progress`` callback, the summary is
:func:`summary_lines`.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from eval.evaluate import Flagger, evaluate
from eval.nightly.corpus import CorpusDocument, load_corpus
from eval.nightly.corpus import corpus_revision as _corpus_revision
from eval.nightly.records import FlagRecord, ModelResult, RunRecord
from eval.scoring.metrics import corpus_scores
from eval.scoring.significance import (
    ALPHA,
    DEFAULT_SAMPLES,
    METRICS,
    DocumentSegments,
    SignificanceTable,
    pair_outputs,
    paired_tests,
)
from eval.text.documents import document_from_text, read_document, read_text
from eval.text.files import write_atomic
from eval.text.hypothesis import units_from_hypothesis
from eval.text.segment import segment
from eval.values import Document, MQMScore, Report, Segment, Severity, Unit
from tadqiq import __version__
from tadqiq.errors import ConfigError, InputError, ModelError, TadqiqError

if TYPE_CHECKING:
    from eval.nightly.history import History, RunSummary
    from eval.text.formats import PairedInput
    from translator import ModelSpec, TranslationCache, Translator

__all__ = [
    "METRIC_LABELS",
    "EvalOutcome",
    "EvalProgress",
    "Failure",
    "RunComparison",
    "run_eval",
    "summary_lines",
]

SUMMARY_SCHEMA = "tadqiq.eval/1"
_STATE_SCHEMA = "tadqiq.eval-state/1"
_SEGMENTS_SCHEMA = "tadqiq.eval-segments/1"

#: How metrics are named in summaries.
METRIC_LABELS = {"bleu": "BLEU", "chrf": "chrF++", "ter": "TER"}

#: Called with (model, document, number of Arabic sentences) when a document starts;
#: returns a callback advanced with the number of sentences just translated.
EvalProgress = Callable[[str, str, int], Callable[[int], None]]


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
        """How much worse the score got (positive = worse; TER counts lower as better)."""
        return self.delta if self.metric == "ter" else -self.delta

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


@dataclass
class _DocumentResult:
    """One model's result on one document, as kept in the state and the JSONL line."""

    name: str
    line: dict  # the MODEL.jsonl line
    segments: DocumentSegments
    bead_references: list[str]  # reference text of every bead, as in the report
    penalty: int
    words: int
    model_info: dict

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """(hypothesis, reference text) of every bead, for corpus scores."""
        hyps = [hyp for _, hyp in self.segments.beads]
        return list(zip(hyps, self.bead_references, strict=True))

    def flag_records(self) -> list[FlagRecord]:
        return [
            FlagRecord(
                document=self.name,
                fingerprint=f["fingerprint"],
                severity=f["severity"],
                category=f["category"],
                ar=f["ar"]["text"],
                reference=f["reference"]["text"],
            )
            for f in self.line["flags"]
            if f.get("review") != "false-alarm"
        ]


@dataclass
class EvalOutcome:
    """Everything a nightly run produced (also written to ``out_dir/summary.json``)."""

    run: RunRecord
    results: dict[str, ModelResult]
    significance: SignificanceTable | None
    comparisons: list[RunComparison]
    new_flags: dict[str, list[FlagRecord]]  # model → critical flags not in its previous run
    fixed_flags: dict[str, list[FlagRecord]]  # model → critical flags of the previous run now gone
    failures: list[Failure]
    out_dir: Path | None
    metric: str = "chrf"
    notes: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)  # usable corpus documents, in order

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




# --- documents ------------------------------------------------------------------------


@dataclass
class _Prepared:
    """A corpus document read and segmented, ready for any model."""

    name: str
    article: Document
    reference: Document
    ar_segments: list[Segment]
    ref_segments: list[Segment]
    digest: str
    timings: dict[str, float]
    paired: PairedInput | None = None
    ar_by_unit: list[Segment | None] | None = None  # paired input: the Arabic segment of each unit


def _prepare(doc: CorpusDocument) -> _Prepared:
    """Read and segment one corpus document; InputError when it cannot be used."""
    t = time.perf_counter()
    ar_by_unit = None
    if doc.paired is not None:
        from tadqiq.paired import synthetic_documents

        article, reference, ar_by_unit, ref_segments = synthetic_documents(doc.paired)
        ar_segments = [s for s in ar_by_unit if s is not None]
        t_read = t_seg = time.perf_counter() - t
    else:
        if doc.article_text is not None and doc.reference_text is not None:
            label = f"{doc.where} ({doc.name})"
            article = document_from_text(doc.article_text, "ar", label, role="article")
            reference = document_from_text(doc.reference_text, "en", label, role="reference")
        elif doc.reference_path is not None:
            article = read_document(doc.article_path, "ar", "article")
            reference = read_document(doc.reference_path, "en", "reference")
        else:  # pragma: no cover - load_corpus never builds such a document
            raise InputError(f"{doc.where}: document {doc.name!r} has no reference")
        t_read = time.perf_counter() - t
        t = time.perf_counter()
        ar_segments = segment(article.original, "ar")
        ref_segments = segment(reference.original, "en")
        t_seg = time.perf_counter() - t
    if not ar_segments:
        raise InputError(f"{doc.where}: the article has no sentences")
    if not ref_segments:
        raise InputError(f"{doc.where}: the reference has no sentences")
    digest = hashlib.sha256(
        "\x00".join((article.original, reference.original)).encode("utf-8")
    ).hexdigest()
    return _Prepared(
        doc.name, article, reference, list(ar_segments), list(ref_segments), digest,
        {"read": t_read, "segment": t_seg}, doc.paired, ar_by_unit,
    )


def _units(
    prepared: _Prepared, translator: Translator, callback: Callable[[int], None] | None
) -> list[Unit]:
    """The Arabic units with their back-translations (a model's or a precomputed file's)."""
    from translator.precomputed import PrecomputedTranslator

    segments = prepared.ar_segments
    if isinstance(translator, PrecomputedTranslator):
        path = translator.hypothesis_for(prepared.name)
        if prepared.paired is not None:
            # Private helper of tadqiq.paired: one hypothesis line per XLIFF/TMX unit.
            from tadqiq.paired import hypothesis_lines

            lines = hypothesis_lines(path, prepared.paired)
            by_unit = prepared.ar_by_unit or []
            units = [Unit((s.index,), lines[k]) for k, s in enumerate(by_unit) if s is not None]
        else:
            units = units_from_hypothesis(segments, read_text(path, "hypothesis")[0], str(path))
        if callback is not None:
            callback(len(segments))
        return units
    translations = translator.translate([s.text for s in segments], progress=callback)
    if len(translations) != len(segments):
        raise ModelError(
            f"model {translator.info.name!r} returned {len(translations)} translations"
            f" for {len(segments)} sentences"
        )
    return [
        Unit((s.index,), t.text, t.links, t.parts)
        for s, t in zip(segments, translations, strict=True)
    ]


def _evaluate(
    prepared: _Prepared,
    translator: Translator,
    model_info: dict,
    flaggers: Sequence[Flagger],
    callback: Callable[[int], None] | None,
) -> Report:
    timings = dict(prepared.timings)
    t = time.perf_counter()
    units = _units(prepared, translator, callback)
    if prepared.ar_by_unit is not None:
        it = iter(units)
        units = [next(it) if s is not None else Unit((), "") for s in prepared.ar_by_unit]
    timings["translate"] = time.perf_counter() - t
    report = evaluate(
        prepared.article, prepared.reference, prepared.ar_segments, prepared.ref_segments,
        units, model_info, flaggers=flaggers, timings=timings,
        pre_aligned=prepared.ar_by_unit is not None,
    )
    if prepared.ar_by_unit is not None:
        # Private helper of tadqiq.paired: omissions of empty targets point at their line.
        from tadqiq.paired import place_empty_targets

        place_empty_targets(report, prepared.ar_by_unit, prepared.article)
    return report


def _document_result(name: str, report: Report) -> _DocumentResult:
    data = report.to_json()
    line = {
        "document": name,
        "model": report.model.get("name"),
        "scores": {k: round(v.score, 4) for k, v in report.corpus_scores.items()},
        "segments": len(report.segments),
        "words": report.article.words,
        "flags_by_severity": data["summary"]["by_severity"],
        "flags_by_category": data["summary"]["by_category"],
        "mqm": data["mqm"],
        "timings": data["timings"],
        "flags": data["flags"],
        "notes": data["notes"],
    }
    segments = DocumentSegments(
        references=tuple(s.text for s in report.ref_segments),
        beads=tuple((s.bead.ref, s.hypothesis) for s in report.segments),
    )
    return _DocumentResult(
        name, line, segments, [s.reference.text for s in report.segments],
        report.mqm.penalty, report.article.words, dict(report.model),
    )


# --- the output directory -------------------------------------------------------------


def _new_run_id(now: datetime) -> str:
    return f"{now.strftime('%Y%m%dT%H%M%SZ')}-{secrets.token_hex(3)}"


def _dump(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


class _OutDir:
    """The run's output directory and its resume state."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.state = path / ".state"

    def start(self, resume: bool, now: datetime) -> tuple[str, datetime]:
        """Create the folders; returns (run id, start time), kept from the state on resume."""
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            if not resume and self.state.exists():
                shutil.rmtree(self.state)
            self.state.mkdir(exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"{self.path}: cannot use the output folder: {exc.strerror or exc}") from None
        run_file = self.state / "run.json"
        if resume and run_file.is_file():
            try:
                data = json.loads(run_file.read_text(encoding="utf-8"))
                return str(data["run_id"]), datetime.fromisoformat(data["started_at"])
            except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
                # Finished documents are still reused; only the run id is new.
                warnings.warn(
                    f"{run_file}: unreadable ({exc}); resuming under a new run id", stacklevel=2
                )
        run_id = _new_run_id(now)
        write_atomic(run_file, _dump({"run_id": run_id, "started_at": now.isoformat()}))
        return run_id, now

    def recorded(self, run_id: str) -> bool:
        """True once run ``run_id`` was recorded in the history (see :meth:`mark_recorded`)."""
        try:
            data = json.loads((self.state / "run.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return False
        return isinstance(data, dict) and data.get("run_id") == run_id and data.get("recorded") is True

    def mark_recorded(self, run_id: str) -> None:
        run_file = self.state / "run.json"
        data = json.loads(run_file.read_text(encoding="utf-8"))
        if data.get("run_id") == run_id:
            data["recorded"] = True
            write_atomic(run_file, _dump(data))

    def _doc_state(self, model: str, name: str) -> Path:
        return self.state / model / f"{name}.json"

    def load_done(self, model: str, name: str, digest: str, model_key: str) -> _DocumentResult | None:
        """A finished document from the state, if it matches this document and model."""
        path = self._doc_state(model, name)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if (
                data.get("schema") != _STATE_SCHEMA
                or data.get("digest") != digest
                or data.get("model_key") != model_key
            ):
                return None
            return _DocumentResult(
                name=name,
                line=data["line"],
                segments=DocumentSegments.from_json(data["segments"]),
                bead_references=[str(x) for x in data["bead_references"]],
                penalty=int(data["penalty"]),
                words=int(data["words"]),
                model_info=dict(data["model_info"]),
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
            return None

    def save_done(self, model: str, result: _DocumentResult, digest: str, model_key: str) -> None:
        path = self._doc_state(model, result.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "schema": _STATE_SCHEMA,
            "digest": digest,
            "model_key": model_key,
            "line": result.line,
            "segments": result.segments.to_json(),
            "bead_references": result.bead_references,
            "penalty": result.penalty,
            "words": result.words,
            "model_info": result.model_info,
        }
        write_atomic(path, json.dumps(data, ensure_ascii=False) + "\n")

    def write_model(self, model: str, results: Sequence[_DocumentResult]) -> None:
        lines = "".join(json.dumps(r.line, ensure_ascii=False) + "\n" for r in results)
        write_atomic(self.path / f"{model}.jsonl", lines)
        segments = {
            "schema": _SEGMENTS_SCHEMA,
            "model": model,
            "documents": {r.name: _segments_json(r) for r in results},
        }
        write_atomic(self.path / f"{model}.segments.json", _dump(segments))


def _segments_json(result: _DocumentResult) -> dict:
    data = result.segments.to_json()
    for bead, ref_text in zip(data["beads"], result.bead_references, strict=True):
        bead["reference"] = ref_text
    return data


def _read_segments(path: Path) -> dict[str, DocumentSegments] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("schema") != _SEGMENTS_SCHEMA:
            return None
        return {str(k): DocumentSegments.from_json(v) for k, v in data["documents"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None


# --- the run --------------------------------------------------------------------------


@dataclass
class _ModelRun:
    spec: ModelSpec
    results: dict[str, _DocumentResult] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    load_seconds: float = 0.0
    model_info: dict | None = None


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
    metric: str = "chrf",
    glossary: str | os.PathLike[str] | None = None,
    min_confidence: float | None = None,
    n_samples: int = DEFAULT_SAMPLES,
    allow_download: bool = True,
) -> EvalOutcome:
    """Evaluate ``models`` (names in models.yaml) on the corpus at ``corpus_path``.

    ``baseline``: the model the others are tested against (default: the first one).
    ``history``: an :class:`eval.nightly.history.History` (or None): each model is compared
    with its previous run there, and this run is recorded. ``out_dir``: where the
    files go (None: nothing is written, and ``resume`` is impossible). ``cache``: the
    translation cache file (default: the user cache); ``use_cache=False`` skips it.
    ``fail_on_regression``: points of ``metric`` ("bleu", "chrf" or "ter") a model may
    lose against its previous run before that is a regression (None: never).

    Raises :class:`~tadqiq.errors.ConfigError` for bad arguments, an unknown model or an
    invalid models.yaml, and :class:`~tadqiq.errors.InputError` for a corpus that cannot
    be read at all; everything about single documents is a :class:`Failure` instead.
    """
    from translator.registry import load_registry

    models = list(dict.fromkeys(models))
    _check_arguments(models, baseline, metric, fail_on_regression, resume, out_dir, n_samples)
    registry = load_registry(models_file)
    specs = [registry.get(name) for name in models]
    corpus = load_corpus(corpus_path)
    revision = _corpus_revision(corpus_path)

    now = datetime.now(timezone.utc)
    out = _OutDir(Path(out_dir)) if out_dir is not None else None
    run_id, started = out.start(resume, now) if out is not None else (_new_run_id(now), now)

    failures = [Failure(bad.name, None, bad.message) for bad in corpus.bad]
    prepared: list[_Prepared] = []
    for doc in corpus.documents:
        try:
            prepared.append(_prepare(doc))
        except InputError as exc:
            failures.append(Failure(doc.name, None, str(exc)))

    flaggers = _flaggers(glossary, min_confidence)
    runs: list[_ModelRun] = []
    translation_cache: TranslationCache | None = None
    try:
        for spec in specs:
            if use_cache and translation_cache is None and spec.backend != "precomputed":
                from translator.cache import TranslationCache

                translation_cache = TranslationCache(cache)
            runs.append(
                _run_model(spec, prepared, out, resume, translation_cache, flaggers, progress, allow_download)
            )
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
    significance = _significance(segments, models, baseline, n_samples, notes)
    if significance is not None:
        for system, tests in significance.rows.items():
            results[system].significance = {m: t.to_json() for m, t in tests.items()}

    comparisons: list[RunComparison] = []
    new_flags: dict[str, list[FlagRecord]] = {}
    fixed_flags: dict[str, list[FlagRecord]] = {}
    if history is not None:
        comparisons, new_flags, fixed_flags = _history_changes(
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
        results=results,
        significance=significance,
        comparisons=comparisons,
        new_flags=new_flags,
        fixed_flags=fixed_flags,
        failures=failures,
        out_dir=out.path if out is not None else None,
        metric=metric,
        notes=notes,
        documents=[p.name for p in prepared],
    )
    if out is not None:
        write_atomic(out.path / "summary.json", _dump(outcome.to_json()))
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
    if metric not in METRICS:
        raise ConfigError(f"unknown metric {metric!r}; expected one of {', '.join(METRICS)}")
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


def _flaggers(glossary: str | os.PathLike[str] | None, min_confidence: float | None) -> list[Flagger]:
    from tadqiq.pipeline import CheckRequest, default_flaggers

    request = CheckRequest(
        article=Path(),
        reference=Path(),
        glossary=Path(glossary) if glossary is not None else None,
        min_confidence=min_confidence,
    )
    return default_flaggers(request)


def _run_model(
    spec: ModelSpec,
    prepared: Sequence[_Prepared],
    out: _OutDir | None,
    resume: bool,
    cache: TranslationCache | None,
    flaggers: Sequence[Flagger],
    progress: EvalProgress | None,
    allow_download: bool,
) -> _ModelRun:
    """Evaluate one model on every prepared document (reusing finished ones on resume)."""
    from translator import load_translator

    run = _ModelRun(spec)
    model_key = spec.cache_key()
    todo: list[_Prepared] = []
    for doc in prepared:
        done = out.load_done(spec.name, doc.name, doc.digest, model_key) if out and resume else None
        if done is not None:
            run.results[doc.name] = done
            run.model_info = done.model_info
        else:
            todo.append(doc)
    if not todo:
        return run

    t = time.perf_counter()
    try:
        translator: Translator = load_translator(spec, cache=None, allow_download=allow_download)
    except ModelError as exc:
        run.failures.append(Failure(None, spec.name, str(exc)))
        return run
    from translator.precomputed import PrecomputedTranslator

    if cache is not None and not isinstance(translator, PrecomputedTranslator):
        from translator.cache import CachedTranslator

        translator = CachedTranslator(translator, cache)
    run.load_seconds = time.perf_counter() - t
    info = translator.info.to_json()
    run.model_info = info

    for doc in todo:
        callback = progress(spec.name, doc.name, len(doc.ar_segments)) if progress else None
        try:
            report = _evaluate(doc, translator, info, flaggers, callback)
        except TadqiqError as exc:
            run.failures.append(Failure(doc.name, spec.name, str(exc)))
            continue
        result = _document_result(doc.name, report)
        run.results[doc.name] = result
        if out is not None:
            out.save_done(spec.name, result, doc.digest, model_key)
    return run


def _model_result(run: _ModelRun, ordered: Sequence[_DocumentResult], all_names: Iterable[str]) -> ModelResult:
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


def _significance(
    segments: Mapping[str, Mapping[str, DocumentSegments]],
    models: Sequence[str],
    baseline: str | None,
    n_samples: int,
    notes: list[str],
) -> SignificanceTable | None:
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
    return paired_tests(outputs, chosen, evaluated, ("bleu", "chrf"), n_samples=n_samples)


# --- comparing with the previous run ----------------------------------------------------


def _history_changes(
    history: History,
    results: Mapping[str, ModelResult],
    segments: Mapping[str, Mapping[str, DocumentSegments]],
    started: datetime,
    out: _OutDir | None,
    metric: str,
    threshold: float | None,
    n_samples: int,
    notes: list[str],
) -> tuple[list[RunComparison], dict[str, list[FlagRecord]], dict[str, list[FlagRecord]]]:
    """Each model against its previous run: score comparison, new and fixed critical flags."""
    from eval.nightly.history import compare_flags

    comparisons: list[RunComparison] = []
    new_flags: dict[str, list[FlagRecord]] = {}
    fixed_flags: dict[str, list[FlagRecord]] = {}
    for name, result in results.items():
        # Runs started before this one (a resumed run keeps its first start time).
        previous = history.previous(name, before=started)
        if previous is None:
            notes.append(f"{name}: no previous run in the history to compare with")
            continue
        info, old = previous
        comparison = _compare(
            name, result, old, info.run_id, _previous_dir(info, info.run_id, out),
            segments[name], metric, threshold, n_samples,
        )
        if comparison is not None:
            comparisons.append(comparison)
        else:
            notes.append(f"{name}: the previous run {info.run_id} has no {METRIC_LABELS[metric]} score")
        new, fixed = compare_flags(old.flags, result.flags, severity="critical")
        if new:
            new_flags[name] = list(new)
        if fixed:
            fixed_flags[name] = list(fixed)
    return comparisons, new_flags, fixed_flags


def _previous_dir(info: RunSummary, run_id: str, out: _OutDir | None) -> Path | None:
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


def _compare(
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
    if metric not in old.scores or metric not in result.scores:
        return None
    previous_score, score = float(old.scores[metric]), float(result.scores[metric])
    drop = (score - previous_score) if metric == "ter" else (previous_score - score)
    p_value: float | None = None
    note = ""
    stored = _read_segments(old_dir / f"{model}.segments.json") if old_dir is not None else None
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
                note = f"paired on {len(outputs.documents)} documents ({len(outputs.excluded)} left out)"
        else:
            note = f"no document pairs with run {old_run}: judged on the score change alone"
    regression = (
        threshold is not None and drop > threshold and (p_value is None or p_value < ALPHA)
    )
    return RunComparison(
        model, metric, old_run, previous_score, score, p_value, regression, threshold, note
    )


# --- the one-screen summary ---------------------------------------------------------------


def _short(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _more(items: Sequence[str], limit: int) -> list[str]:
    shown = list(items[:limit])
    if len(items) > limit:
        shown.append(f"  … and {len(items) - limit} more")
    return shown


def summary_lines(outcome: EvalOutcome, *, limit: int = 5) -> list[str]:
    """A one-screen plain-text summary, regressions first (``limit`` items per list)."""
    lines: list[str] = []
    label = METRIC_LABELS[outcome.metric]
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
        f"run {run.run_id}: {run.corpus}{rev}, {len(outcome.documents)} documents,"
        f" {len(outcome.results)} models"
    )
    if outcome.results:
        width = max(12, *(len(n) for n in outcome.results))
        lines.append(
            f"{'model':<{width}}  docs   BLEU  chrF++    TER  MQM/1k  critical major minor"
        )
        for name, r in outcome.results.items():
            sev = r.flags_by_severity
            lines.append(
                f"{name:<{width}}  {r.documents:>4} {r.scores.get('bleu', 0):6.2f}"
                f" {r.scores.get('chrf', 0):7.2f} {r.scores.get('ter', 0):6.2f}"
                f" {r.mqm_per_1000:7.1f}  {sev.get('critical', 0):>8} {sev.get('major', 0):>5}"
                f" {sev.get('minor', 0):>5}"
            )
    table = outcome.significance
    if table is not None:
        lines.append(
            f"against {table.baseline}, {table.segments} segments,"
            f" p = paired bootstrap / approximate randomization (n={table.n_samples}):"
        )
        width = max(8, *(len(n) for n in table.rows)) if table.rows else 8
        for system, tests in table.rows.items():
            for m, t in tests.items():
                lo, hi = t.ci
                ar = f"{t.p_ar:.3f}" if t.p_ar is not None else "–"
                lines.append(
                    f"  {system:<{width}} {METRIC_LABELS[m]:<6} Δ {t.delta:+6.2f}"
                    f"  score {t.score:5.1f} (95% CI {lo:.1f}–{hi:.1f})"
                    f"  p {t.p_bootstrap:.3f} / {ar}"
                )
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
        reasons.append(f"{len(outcome.regressions)} regression(s)")
    if outcome.failures:
        reasons.append(f"{len(outcome.failures)} failure(s)")
    lines.append(f"exit {outcome.exit_code}" + (": " + ", ".join(reasons) if reasons else ""))
    return lines
