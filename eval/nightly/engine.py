"""Where a nightly run's documents are translated and flagged: the engine interface.

:func:`eval.nightly.runner.run_eval` reads the corpus, reuses finished documents on
resume, starts the engine (:meth:`Engine.start`: Ray connects there, once models.yaml
and the corpus were checked and before ``--out`` is written), and after the engine has
run assembles the results in corpus order, computes significance, writes ``--out`` and
the history. In between, for every model, an
:class:`Engine` turns the documents still to do into
:class:`~eval.nightly.documents.DocumentResult` (or
:class:`~eval.nightly.summary.Failure`) and saves each finished document in the resume
state as soon as it is finished:

- :class:`LocalEngine` (the default): this process, one document after another, through
  :func:`eval.flow.check` and the translation cache;
- :class:`eval.nightly.ray_engine.RayEngine` (``--engine ray``): translation in Ray
  actors, flagging and scoring as Ray tasks (imported only when asked for).

Both give the same results, byte for byte apart from timings.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from eval import flow
from eval.evaluate import Flagger
from eval.nightly.documents import DocumentResult, PreparedDocument, document_result
from eval.nightly.outdir import OutDir
from eval.nightly.summary import EngineReport, Failure
from tadqiq.errors import ModelError, TadqiqError

if TYPE_CHECKING:
    from eval.text.glossary import GlossaryTerm
    from translator import ModelSpec, TranslationCache, Translator

__all__ = [
    "Engine", "FlaggerOptions", "LocalEngine", "ModelJob", "ModelRun", "Progress",
    "finish_document", "load_model",
]

#: Called with (model, document, number of Arabic sentences) when a document starts;
#: returns a callback advanced with the number of sentences just translated.
Progress = Callable[[str, str, int], Callable[[int], None]]


@dataclass(frozen=True)
class FlaggerOptions:
    """What chooses the span flaggers (:func:`eval.flow.default_flaggers`), resolved:
    the glossary's terms already read, so that an engine can build the flaggers anywhere
    (on a worker that does not have the glossary file) from these options alone."""

    glossary: tuple[GlossaryTerm, ...] = ()
    min_confidence: float | None = None
    checks: tuple[str, ...] | None = None

    @classmethod
    def of(
        cls, glossary: str | os.PathLike[str] | None = None, min_confidence: float | None = None,
        checks: Collection[str] | None = None,
    ) -> FlaggerOptions:
        """The options with the glossary CSV at ``glossary`` read and the ``checks`` names
        checked: a bad file or an unknown check is a :class:`~tadqiq.errors.ConfigError`."""
        from eval.flags.registry import select
        from eval.text.glossary import load_glossary

        select(checks)
        return cls(
            tuple(load_glossary(Path(glossary))) if glossary is not None else (),
            min_confidence,
            tuple(checks) if checks is not None else None,
        )

    def flaggers(self) -> list[Flagger]:
        """The flaggers these options choose, built anew."""
        return flow.default_flaggers(self.glossary, self.min_confidence, self.checks)


@dataclass
class ModelRun:
    """One model's documents as the engine finished them (and what resume reused)."""

    spec: ModelSpec
    results: dict[str, DocumentResult] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    load_seconds: float = 0.0
    model_info: dict | None = None


@dataclass(frozen=True)
class ModelJob:
    """What an engine needs to run one model over the documents still to do.

    ``cache`` None: no translation cache. ``out`` None: nothing is saved for resume.
    The engine builds the flaggers from ``flagger_options`` where it flags.
    """

    spec: ModelSpec
    documents: Sequence[PreparedDocument]
    out: OutDir | None
    cache: TranslationCache | None
    flagger_options: FlaggerOptions
    progress: Progress | None = None
    allow_download: bool = True


class Engine(Protocol):
    """Runs models over documents; :meth:`report` says how (name, workers, seconds per stage)."""

    name: str

    def start(self) -> None:
        """Get ready to run (connect to a cluster); called once, after the run's arguments,
        models.yaml and corpus were checked."""
        ...

    def run_model(self, run: ModelRun, job: ModelJob) -> None:
        """Fill ``run`` with ``job``'s documents; each finished one is saved in ``job.out``."""
        ...

    def report(self) -> EngineReport: ...

    def close(self) -> None: ...


def finish_document(run: ModelRun, job: ModelJob, doc: PreparedDocument, result: DocumentResult) -> None:
    """Keep a finished document and save it in the resume state."""
    run.results[doc.name] = result
    if job.out is not None:
        job.out.save_done(job.spec.name, result, doc.digest, job.spec.cache_key())


def load_model(run: ModelRun, job: ModelJob) -> Translator | None:
    """``job``'s model loaded in this process, its info and load time kept in ``run``;
    None, with the failure kept in ``run``, when it cannot be loaded."""
    from translator import load_translator

    t = time.perf_counter()
    try:
        translator = load_translator(job.spec, cache=None, allow_download=job.allow_download)
    except ModelError as exc:
        run.failures.append(Failure(None, job.spec.name, str(exc)))
        return None
    run.load_seconds = time.perf_counter() - t
    run.model_info = translator.info.to_json()
    return translator


class LocalEngine:
    """This process: one document after another through :func:`eval.flow.check`."""

    name = "local"

    def __init__(self) -> None:
        self.seconds: Counter[str] = Counter()
        self.counts: Counter[str] = Counter(documents=0, sentences_translated=0, cache_hits=0)

    def start(self) -> None:
        pass

    def run_model(self, run: ModelRun, job: ModelJob) -> None:
        spec = job.spec
        translator = load_model(run, job)
        if translator is None:
            return
        from translator.precomputed import PrecomputedTranslator

        cached = None
        if job.cache is not None and not isinstance(translator, PrecomputedTranslator):
            from translator.cache import CachedTranslator

            translator = cached = CachedTranslator(translator, job.cache)
        self.seconds["load"] += run.load_seconds
        info = run.model_info
        flaggers = job.flagger_options.flaggers()

        for doc in job.documents:
            source = flow.LoadedModel(translator, info, doc.name)
            started = partial(job.progress, spec.name, doc.name) if job.progress else None
            t = time.perf_counter()
            try:
                report = flow.check(doc.prepared, source, flaggers=flaggers, progress=started)
            except TadqiqError as exc:
                run.failures.append(Failure(doc.name, spec.name, str(exc)))
                continue
            finally:
                self.seconds["documents"] += time.perf_counter() - t
            finish_document(run, job, doc, document_result(doc.name, report))
            self.seconds["translate"] += report.timings.get("translate", 0.0)
            self.counts["documents"] += 1
            if cached is None and not isinstance(translator, PrecomputedTranslator):
                self.counts["sentences_translated"] += len(doc.prepared.ar_segments)
        if cached is not None:
            self.counts["cache_hits"] += cached.hits
            self.counts["sentences_translated"] += cached.misses

    def report(self) -> EngineReport:
        seconds = dict(self.seconds)
        if "documents" in seconds:
            seconds["evaluate"] = seconds.pop("documents") - seconds.get("translate", 0.0)
        return EngineReport("local", 1, seconds, dict(self.counts))

    def close(self) -> None:
        pass
