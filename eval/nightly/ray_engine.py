"""The Ray engine of ``tadqiq eval --engine ray``: a nightly run spread over a Ray cluster.

Imported only when asked for (``pip install -e '.[ray]'``). What runs where:

- **driver** (the ``tadqiq eval`` process): reads and segments the corpus, looks every
  Arabic sentence up in the translation cache and sends only the misses, cut into
  batches of ``batch_size`` sentences (a long article is spread over several workers),
  writes the translations back to the cache (no SQLite file is shared across
  machines), saves each finished document in the resume state, then, as the local run
  does (:mod:`eval.nightly.runner`), assembles the results in corpus order, computes
  significance, writes ``--out`` and the history;
- **translation actors** (``workers`` per model, :class:`TranslationWorker`): each loads
  the model once from its models.yaml entry (hf, ctranslate2, gloss) and translates the
  batches it is sent; ``num_gpus`` per actor is ``gpus_per_worker``, or 1 where the
  entry says ``device: cuda``. A precomputed model needs no actor: the driver reads its
  hypothesis files;
- **flag tasks** (:func:`flag_document`, one per document and model): alignment,
  scores and flags of one document, as :func:`eval.flow.check` does locally.

Faults: an actor whose process dies is restarted by Ray (``max_restarts``) and its
unfinished batch is sent again (``max_task_retries``); a flag task is retried
(``max_retries``). Nothing is lost or counted twice: the driver keeps each batch's
result once, by batch. Ctrl-C (KeyboardInterrupt) cancels the pending tasks, kills
the actors and leaves ``--out`` resumable.
"""

from __future__ import annotations

import functools
import os
import socket
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from eval import flow
from eval.nightly.documents import DocumentResult, PreparedDocument, document_result
from eval.nightly.engine import FlaggerOptions, ModelJob, ModelRun, finish_document, load_model
from eval.nightly.summary import EngineReport, Failure
from eval.runtime import tune_gc
from eval.text.documents import read_text
from tadqiq.errors import ConfigError, ModelError, TadqiqError

if TYPE_CHECKING:
    from eval.evaluate import Flagger
    from translator import ModelSpec, Translation, TranslationCache

__all__ = [
    "FAULT_DIR_ENV",
    "RAY_EXTRA",
    "RayEngine",
    "TranslationWorker",
    "connect",
    "flag_document",
    "import_ray",
    "recorded_cluster",
    "use_token_if_available",
]

#: The one line shown when Ray is not installed.
RAY_EXTRA = "install the ray extra: pip install -e '.[ray]'"
#: Tests only: a folder holding a file ``die-once`` makes the first actor that finds it
#: (it is renamed, so exactly one does) exit in the middle of a batch.
FAULT_DIR_ENV = "TADQIQ_RAY_FAULT_DIR"
#: Seconds to wait for a cluster address to answer before calling it unreachable.
CONNECT_TIMEOUT = 5.0
#: Ray's token authentication: the mode, and where a client finds the token.
AUTH_MODE_ENV = "RAY_AUTH_MODE"
AUTH_TOKEN_ENV = "RAY_AUTH_TOKEN"
AUTH_TOKEN_PATH_ENV = "RAY_AUTH_TOKEN_PATH"
AUTH_TOKEN_FILE = "~/.ray/auth_token"
_IN_FLIGHT = 2  # batches queued per actor: one running, one waiting


def import_ray() -> Any:
    """The ``ray`` module; :class:`ConfigError` (:data:`RAY_EXTRA`) when it is not installed.

    Before Ray is first imported, :func:`use_token_if_available` decides on token
    authentication (Ray reads ``$RAY_AUTH_MODE`` once, when it is imported)."""
    if "ray" not in sys.modules:
        use_token_if_available()
    try:
        import ray
    except ImportError:
        raise ConfigError(RAY_EXTRA) from None
    return ray


def _host_port(address: str) -> tuple[str, int] | None:
    """(host, port) of ``host:port`` or ``ray://host:port`` (None for ``auto`` and the like)."""
    parts = urlsplit(address if "://" in address else f"//{address}")
    try:
        port = parts.port
    except ValueError:
        raise ConfigError(f"--ray-address {address!r}: the port must be a number from 0 to 65535") from None
    if not parts.hostname or port is None:
        return None
    return parts.hostname, port


def connect(address: str | None = None, *, timeout: float = CONNECT_TIMEOUT) -> bool:
    """Connect to the Ray cluster at ``address``; True when this call started Ray (so the
    caller shuts it down). Already connected: nothing happens.

    ``address`` None or ``auto``: as Ray does, the cluster :func:`recorded_cluster` names
    (``$RAY_ADDRESS``, or the last ``ray start`` on this machine), else (None) a new local
    one. An address that does not answer within ``timeout`` seconds — given, or recorded
    by a cluster that has stopped without ``ray stop`` — or any other failure to connect,
    is a one-line :class:`ConfigError`.
    """
    ray = import_ray()
    if ray.is_initialized():
        return False
    where = address or "a new local cluster"
    target = _host_port(address) if address else None
    recorded = recorded_cluster() if address in (None, "auto") else None
    if recorded is not None:
        where, source = recorded
        target = _host_port(where)
    if target is not None:
        try:
            socket.create_connection(target, timeout=timeout).close()
        except OSError as exc:
            reason = exc.strerror or str(exc) or type(exc).__name__
            if recorded is not None:
                raise ConfigError(
                    f"no --ray-address was given and the Ray cluster {source} names, {where},"
                    f" does not answer ({reason}): run `ray stop` to forget a cluster that has"
                    " stopped, or give --ray-address"
                ) from None
            raise ConfigError(f"cannot reach the Ray cluster at {address}: {reason}") from None
    try:
        ray.init(
            address=address, include_dashboard=False, log_to_driver=False,
            configure_logging=False,
        )
    except Exception as exc:  # ray raises ConnectionError, ValueError, RuntimeError...
        if _refused_token(exc):
            raise ConfigError(
                f"the Ray cluster at {where} refused this client's token: give the cluster's"
                f" token in ${AUTH_TOKEN_ENV} or {AUTH_TOKEN_FILE} (Ray token authentication)"
            ) from None
        lines = str(exc).strip().splitlines() or [type(exc).__name__]
        raise ConfigError(f"cannot use the Ray cluster at {where}: {lines[0]}") from None
    return True


def recorded_cluster(environ: Mapping[str, str] = os.environ) -> tuple[str, str] | None:
    """(address, where it was found) of the cluster ``ray.init()`` joins when given no
    address: ``$RAY_ADDRESS``, or the address the last ``ray start`` on this machine left
    in ``ray/ray_current_cluster`` under Ray's temporary folder (``$RAY_TMPDIR``, else
    ``$TMPDIR``, else ``/tmp``; ``ray stop`` removes it). None: there is none, and Ray
    starts a new local cluster."""
    if environ.get("RAY_ADDRESS"):
        return environ["RAY_ADDRESS"], "$RAY_ADDRESS"
    folder = environ.get("RAY_TMPDIR") or environ.get("TMPDIR") or "/tmp"  # noqa: S108 - Ray's default
    record = Path(folder) / "ray" / "ray_current_cluster"
    try:
        address = record.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return (address, str(record)) if address else None


def use_token_if_available(environ: MutableMapping[str, str] = os.environ) -> bool:
    """Turn Ray's token authentication on for this process when ``$RAY_AUTH_MODE`` is not
    set and a token is at hand (``$RAY_AUTH_TOKEN``, ``$RAY_AUTH_TOKEN_PATH`` or
    ``~/.ray/auth_token``); True when it is on.

    Recent Ray's (2.60's) ``ray start --head`` turns token authentication on when the mode is not
    set, and saves the token in ``~/.ray/auth_token``; ``ray.init(address=...)`` does not,
    so a client on the head machine would be refused after 20 s of retries. Ray reads the
    mode when it is imported: this must run before (:func:`import_ray` calls it). A cluster
    without authentication accepts a client that sends a token, so sending it is safe.
    """
    mode = environ.get(AUTH_MODE_ENV)
    if mode is not None:
        return mode.lower() == "token"
    path = environ.get(AUTH_TOKEN_PATH_ENV)
    if environ.get(AUTH_TOKEN_ENV) or Path(path or AUTH_TOKEN_FILE).expanduser().is_file():
        environ[AUTH_MODE_ENV] = "token"
        return True
    return False


def _refused_token(exc: BaseException) -> bool:
    """Whether ``exc`` (or an exception it was raised from) is Ray's authentication error."""
    seen: BaseException | None = exc
    while seen is not None:
        if type(seen).__name__ == "AuthenticationError" or "InvalidAuthToken" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _maybe_die() -> None:
    folder = os.environ.get(FAULT_DIR_ENV)
    if not folder:
        return
    try:
        os.rename(os.path.join(folder, "die-once"), os.path.join(folder, "died"))
    except OSError:
        return
    os._exit(1)


def _node() -> str:
    """The id of the Ray node this worker runs on."""
    import ray

    return str(ray.get_runtime_context().get_node_id())


class TranslationWorker:
    """A Ray actor's body: one model, loaded once, translating the batches it is sent.

    A model that cannot be loaded is not an actor failure (Ray would restart it in
    vain): :meth:`describe` returns the error message instead of the model's info.
    Every answer ends with the id of the Ray node the actor runs on.
    """

    def __init__(self, spec: ModelSpec, allow_download: bool) -> None:
        from translator import load_translator

        self.error: str | None = None
        try:
            self.translator: Any = load_translator(spec, allow_download=allow_download)
        except ModelError as exc:
            self.translator, self.error = None, str(exc)

    def describe(self) -> tuple[str, dict, str, str]:
        """("ok", report model info, cache key, node) or ("error", {}, message, node)."""
        if self.translator is None:
            return "error", {}, self.error or "the model could not be loaded", _node()
        info = self.translator.info
        return "ok", info.to_json(), info.cache_key or "", _node()

    def translate(self, sentences: Sequence[str]) -> tuple[str, list[Translation] | str, float, str]:
        """("ok", one translation per sentence, seconds, node) or ("error", message, seconds, node)."""
        t = time.perf_counter()
        _maybe_die()
        try:
            out = self.translator.translate(list(sentences))
            if len(out) != len(sentences):
                raise ModelError(
                    f"model {self.translator.info.name!r} returned {len(out)} translations"
                    f" for {len(sentences)} sentences"
                )
        except TadqiqError as exc:
            return "error", str(exc), time.perf_counter() - t, _node()
        return "ok", out, time.perf_counter() - t, _node()


@functools.lru_cache(maxsize=4)
def _flaggers(options: FlaggerOptions) -> list[Flagger]:
    """The flaggers of ``options`` in this worker process, built once (from the glossary
    terms the driver read: the glossary file need not exist on the worker). The worker
    process is tadqiq's: its garbage collector is tuned as the command's is."""
    tune_gc()
    return options.flaggers()


def flag_document(
    doc: PreparedDocument,
    source: tuple,
    info: dict,
    translate_seconds: float,
    options: FlaggerOptions,
) -> tuple[str, DocumentResult | str, str]:
    """One document's alignment, scores and flags (a Ray task), as :func:`eval.flow.check`.

    ``source``: ``("translations", [Translation, ...])`` (one per Arabic sentence) or
    ``("hypothesis", text, path)`` (a precomputed model's file). Returns ``("ok",
    DocumentResult, node)`` or ``("error", message, node)``, ``node`` the id of the Ray
    node the task ran on.
    """
    t = time.perf_counter()
    try:
        if source[0] == "hypothesis":
            units = flow.hypothesis_units(doc.prepared, source[1], source[2])
            translate_seconds += time.perf_counter() - t
        else:
            units = flow.translated_units(doc.prepared, source[1], str(info.get("name")))
        timings = {**doc.prepared.timings, "translate": translate_seconds}
        back = flow.BackTranslation(tuple(units), info)
        report = flow.evaluate_prepared(
            doc.prepared, back, flaggers=_flaggers(options), timings=timings
        )
    except TadqiqError as exc:
        return "error", str(exc), _node()
    return "ok", document_result(doc.name, report), _node()


class RayEngine:
    """Translation in Ray actors, flagging as Ray tasks; the driver keeps cache and files.

    ``address``: see :func:`connect`, called by :meth:`start` (not here, so that a bad
    models.yaml or corpus is reported before any cluster is started). ``workers``: translation actors per model
    (default: half the cluster's CPUs, at least 1, or its GPUs over ``gpus_per_worker``).
    ``gpus_per_worker``: GPUs per actor (default: 1 for entries with ``device: cuda``,
    else 0). ``batch_size``: sentences per batch sent to an actor. ``max_restarts``:
    how often a dead actor is restarted and a failed task retried.

    :meth:`report` counts, besides documents, sentences translated and cache hits, the
    ``nodes``: how many distinct Ray nodes ran this run's translation actors and flag tasks.
    """

    name = "ray"

    def __init__(
        self,
        address: str | None = None,
        *,
        workers: int | None = None,
        gpus_per_worker: float | None = None,
        cpus_per_worker: float = 1.0,
        batch_size: int = 32,
        max_restarts: int = 3,
    ) -> None:
        if workers is not None and workers < 1:
            raise ConfigError(f"--workers must be at least 1, got {workers}")
        if gpus_per_worker is not None and gpus_per_worker < 0:
            raise ConfigError(f"--gpus-per-worker must be 0 or more, got {gpus_per_worker}")
        if batch_size < 1:
            raise ConfigError(f"the batch size must be at least 1, got {batch_size}")
        self.ray = import_ray()
        self.address = address
        self.started = False
        self.seconds: Counter[str] = Counter()
        self.counts: Counter[str] = Counter(documents=0, sentences_translated=0, cache_hits=0)
        self.nodes: set[str] = set()  # the Ray nodes that ran an actor or a task of this run
        self.requested_workers = workers
        self.workers = workers or 1
        self.gpus_per_worker = gpus_per_worker
        self.cpus_per_worker = cpus_per_worker
        self.batch_size = batch_size
        self.max_restarts = max_restarts
        self._actor_class = self.ray.remote(TranslationWorker)
        self._flag = self.ray.remote(flag_document).options(num_cpus=1, max_retries=max_restarts)
        self._doc_refs: dict[tuple[str, str], Any] = {}

    # --- the Engine interface ----------------------------------------------------------

    def start(self) -> None:
        """Connect to the cluster (:func:`connect`) and size the workers on its resources."""
        t = time.perf_counter()
        self.started = connect(self.address)
        self.seconds["connect"] += time.perf_counter() - t
        workers = self.requested_workers
        if workers is None:
            resources = self.ray.cluster_resources()
            gpus = resources.get("GPU", 0)
            if self.gpus_per_worker and gpus:
                workers = int(gpus // self.gpus_per_worker)
            else:
                workers = int(resources.get("CPU", 2) // (2 * self.cpus_per_worker))
        self.workers = max(1, workers)

    def report(self) -> EngineReport:
        counts = {**self.counts, "nodes": len(self.nodes)}
        return EngineReport(self.name, self.workers, dict(self.seconds), counts)

    def close(self) -> None:
        """Shut Ray down if this engine started it."""
        if self.started and self.ray.is_initialized():
            self.ray.shutdown()
            self.started = False

    def run_model(self, run: ModelRun, job: ModelJob) -> None:
        options = self.ray.put(job.flagger_options)
        if job.spec.backend == "precomputed":
            self._run_precomputed(run, job, options)
            return
        actors = self._start_actors(job)
        try:
            self._translate_and_flag(run, job, actors, options)
        except BaseException:
            self._stop(actors)
            raise
        self._stop(actors)

    # --- pieces ---------------------------------------------------------------------------

    def _doc_ref(self, doc: PreparedDocument) -> Any:
        key = (doc.name, doc.digest)
        if key not in self._doc_refs:
            self._doc_refs[key] = self.ray.put(doc)
        return self._doc_refs[key]

    def _start_actors(self, job: ModelJob) -> list:
        spec = job.spec
        gpus = self.gpus_per_worker
        if gpus is None:
            gpus = 1 if spec.device.startswith("cuda") else 0
        actor = self._actor_class.options(
            num_cpus=self.cpus_per_worker, num_gpus=gpus,
            max_restarts=self.max_restarts, max_task_retries=self.max_restarts,
        )
        return [actor.remote(spec, job.allow_download) for _ in range(self.workers)]

    def _stop(self, actors: Sequence) -> None:
        for actor in actors:
            with suppress(Exception):
                self.ray.kill(actor, no_restart=True)

    def _get(self, ref: Any) -> tuple[tuple, str | None]:
        """(the answer of a task or actor call, None), or ((), a one-line message) when Ray
        itself failed it: an actor dead past its restarts, a task that raised past its
        retries. Either way the run goes on and the failure is kept as a
        :class:`~eval.nightly.summary.Failure`, not raised as a traceback."""
        try:
            return self.ray.get(ref), None
        except self.ray.exceptions.RayError as exc:
            lines = [line for line in str(exc).splitlines() if line.strip()] or [type(exc).__name__]
            return (), f"the Ray worker failed: {lines[0].strip()}"

    def _wait_flags(self, run: ModelRun, job: ModelJob, pending: dict) -> None:
        """Wait for the flag tasks in ``pending`` (ref → document), keeping each result."""
        try:
            while pending:
                ready, _ = self.ray.wait(list(pending), num_returns=1)
                self._flagged(run, job, pending.pop(ready[0]), ready[0])
        except BaseException:
            self._cancel(pending)
            raise

    def _cancel(self, refs: Any) -> None:
        for ref in list(refs):
            with suppress(Exception):
                self.ray.cancel(ref, force=True)

    def _flagged(self, run: ModelRun, job: ModelJob, doc: PreparedDocument, ref: Any) -> None:
        """The flag task ``ref`` of ``doc`` is done: its result kept, or its failure."""
        answer, error = self._get(ref)
        if error is not None:
            run.failures.append(Failure(doc.name, job.spec.name, error))
            return
        status, value, node = answer
        self.nodes.add(node)
        if status == "ok":
            finish_document(run, job, doc, value)
            self.counts["documents"] += 1
        else:
            run.failures.append(Failure(doc.name, job.spec.name, str(value)))

    def _run_precomputed(self, run: ModelRun, job: ModelJob, options: Any) -> None:
        spec = job.spec
        translator = load_model(run, job)
        if translator is None:
            return
        info = run.model_info
        pending: dict[Any, PreparedDocument] = {}
        t = time.perf_counter()
        try:
            for doc in job.documents:
                if job.progress is not None:
                    job.progress(spec.name, doc.name, len(doc.prepared.ar_segments))(
                        len(doc.prepared.ar_segments)
                    )
                try:
                    path = translator.hypothesis_for(doc.name)
                    text = read_text(path, "hypothesis")[0]
                except TadqiqError as exc:
                    run.failures.append(Failure(doc.name, spec.name, str(exc)))
                    continue
                ref = self._flag.remote(
                    self._doc_ref(doc), ("hypothesis", text, str(path)), info, 0.0, options
                )
                pending[ref] = doc
        except BaseException:
            self._cancel(pending)
            raise
        self._wait_flags(run, job, pending)
        self.seconds["flag"] += time.perf_counter() - t

    def _translate_and_flag(self, run: ModelRun, job: ModelJob, actors: list, options: Any) -> None:
        """The model's info from its first actor (a model that cannot be loaded is one
        failure), then :class:`_Schedule`: cache, translation batches, flag tasks."""
        t = time.perf_counter()
        answer, error = self._get(actors[0].describe.remote())
        run.load_seconds = time.perf_counter() - t
        self.seconds["load"] += run.load_seconds
        if error is not None:
            run.failures.append(Failure(None, job.spec.name, error))
            return
        status, info, key, node = answer
        self.nodes.add(node)
        if status != "ok":
            run.failures.append(Failure(None, job.spec.name, key))
            return
        run.model_info = info
        schedule = _Schedule(self, run, job, actors, options, key)
        schedule.look_up_cache()
        schedule.drive()


class _Document:
    """The driver's bookkeeping for one document of the model being run."""

    def __init__(self, doc: PreparedDocument) -> None:
        self.doc = doc
        self.sentences = [s.text for s in doc.prepared.ar_segments]
        self.waiting: set[str] = set()  # sentences still to be translated
        self.seconds = 0.0  # its share of the translation time
        self.failed = False
        self._advance: Callable[[int], None] | None = None

    def advance(self, job: ModelJob, n: int) -> None:
        """Progress: ``n`` more of its sentences translated (the first call starts the document)."""
        if self._advance is None:
            if job.progress is not None:
                self._advance = job.progress(job.spec.name, self.doc.name, len(self.sentences))
            else:
                self._advance = _ignore
        self._advance(n)


def _ignore(n: int) -> None:
    pass


class _Schedule:
    """One model's translation and flagging, driven from the driver.

    The cache is looked up first (:meth:`look_up_cache`); only its misses are cut into
    batches and sent to the actors, :data:`_IN_FLIGHT` at a time per actor
    (:meth:`submit_batches`). Each translated batch (:meth:`on_batch`) goes to the cache
    and to the documents waiting for its sentences; a document whose last sentence came
    is sent to a flag task (:meth:`ready_to_flag`). A failed batch fails each document
    that needs one of its sentences, once. When nothing is left to translate the actors
    are stopped, freeing their CPUs (or GPUs) for the flag tasks. Ctrl-C cancels the
    pending flag tasks. Stage seconds: ``cache`` (look-ups and writes), ``translate``
    (until the actors are stopped), ``translate+flag`` (the whole of :meth:`drive`).
    """

    def __init__(
        self, engine: RayEngine, run: ModelRun, job: ModelJob, actors: Sequence, options: Any,
        key: str,
    ) -> None:
        self.engine, self.ray = engine, engine.ray
        self.run, self.job = run, job
        self.actors = list(actors)
        self.options = options
        self.key = key  # the model's cache key ("": not cached)
        self.docs = [_Document(doc) for doc in job.documents]
        self.found: dict[str, Translation] = {}  # sentence → translation (cached or translated)
        self.by_sentence: dict[str, list[_Document]] = {}  # a sentence to translate → its documents
        self.batches: list[list[str]] = []
        self.next_batch = 0
        self.running: dict[Any, tuple[int, int]] = {}  # batch ref → (batch index, actor index)
        self.in_flight: Counter[int] = Counter()  # batches sent per actor, not yet back
        self.pending_flags: dict[Any, PreparedDocument] = {}
        self.started = 0.0

    @property
    def cache(self) -> TranslationCache | None:
        return self.job.cache if self.key else None

    def look_up_cache(self) -> None:
        """The cached translations; every other sentence is waited for, in batches."""
        t = time.perf_counter()
        wanted = list(dict.fromkeys(s for d in self.docs for s in d.sentences if s.strip()))
        if self.cache is not None:
            self.found = self.cache.get_many(self.key, wanted)
        self.engine.seconds["cache"] += time.perf_counter() - t
        self.engine.counts["cache_hits"] += len(self.found)
        for d in self.docs:
            d.waiting = {s for s in d.sentences if s.strip() and s not in self.found}
            for s in d.waiting:
                self.by_sentence.setdefault(s, []).append(d)
        misses = [s for s in wanted if s not in self.found]
        size = self.engine.batch_size
        self.batches = [misses[k : k + size] for k in range(0, len(misses), size)]

    @property
    def translating(self) -> bool:
        """A batch is out or still to send."""
        return bool(self.running) or self.next_batch < len(self.batches)

    def drive(self) -> None:
        """Until every document is flagged (or failed)."""
        self.started = time.perf_counter()
        try:
            for d in self.docs:  # fully cached documents go to flagging at once
                if not d.waiting:
                    d.advance(self.job, len(d.sentences))
                    self.ready_to_flag(d)
            while self.translating or self.pending_flags:
                self.submit_batches()
                if not self.translating and self.actors:
                    self.stop_actors()
                if not (self.running or self.pending_flags):
                    break
                ready, _ = self.ray.wait([*self.running, *self.pending_flags], num_returns=1)
                ref = ready[0]
                if ref in self.pending_flags:
                    doc = self.pending_flags.pop(ref)
                    self.engine._flagged(self.run, self.job, doc, ref)
                else:
                    self.on_batch(ref)
        except BaseException:
            self.engine._cancel(self.pending_flags)
            raise
        finally:
            self.engine.seconds["translate+flag"] += time.perf_counter() - self.started

    def submit_batches(self) -> None:
        """Keep every actor busy: up to :data:`_IN_FLIGHT` batches each."""
        for k, actor in enumerate(self.actors):
            while self.in_flight[k] < _IN_FLIGHT and self.next_batch < len(self.batches):
                ref = actor.translate.remote(self.batches[self.next_batch])
                self.running[ref] = (self.next_batch, k)
                self.in_flight[k] += 1
                self.next_batch += 1

    def stop_actors(self) -> None:
        """Translation is done: free the actors' CPUs/GPUs for the flag tasks."""
        self.engine._stop(self.actors)
        self.actors = []
        self.engine.seconds["translate"] += time.perf_counter() - self.started

    def on_batch(self, ref: Any) -> None:
        """A batch came back: its translations kept, or its documents failed."""
        index, k = self.running.pop(ref)
        self.in_flight[k] -= 1
        batch = self.batches[index]
        answer, error = self.engine._get(ref)
        if error is not None:
            self.fail(batch, error)
            return
        status, value, seconds, node = answer
        self.engine.nodes.add(node)
        if status != "ok":
            self.fail(batch, str(value))
            return
        fresh = [
            tr if tr.source == s else type(tr)(s, tr.text, tr.links, tr.parts)
            for s, tr in zip(batch, value, strict=True)
        ]
        self.engine.counts["sentences_translated"] += len(fresh)
        if self.cache is not None:
            t = time.perf_counter()
            self.cache.put_many(self.key, fresh)
            self.engine.seconds["cache"] += time.perf_counter() - t
        self.translated(fresh, seconds / len(batch))

    def fail(self, batch: Sequence[str], message: str) -> None:
        """Every document needing a sentence of ``batch`` fails, once."""
        for s in batch:
            for d in self.by_sentence.get(s, []):
                if not d.failed:
                    d.failed = True
                    self.run.failures.append(Failure(d.doc.name, self.job.spec.name, message))

    def translated(self, fresh: Sequence[Translation], share: float) -> None:
        """``fresh`` translations given to the documents waiting for them (each sentence
        counting ``share`` seconds of translation); those now complete are flagged."""
        touched: dict[int, _Document] = {}
        for tr in fresh:
            self.found[tr.source] = tr
            for d in self.by_sentence.get(tr.source, []):
                d.waiting.discard(tr.source)
                d.seconds += share
                touched[id(d)] = d
        sources = {tr.source for tr in fresh}
        for d in touched.values():
            if d.failed:
                continue
            d.advance(self.job, sum(1 for s in d.sentences if s in sources))
            if not d.waiting:
                self.ready_to_flag(d)

    def ready_to_flag(self, d: _Document) -> None:
        """Send the document, with its translations, to a flag task."""
        translations = [self.found.get(s) or _blank(s) for s in d.sentences]
        ref = self.engine._flag.remote(
            self.engine._doc_ref(d.doc), ("translations", translations), self.run.model_info,
            d.seconds, self.options,
        )
        self.pending_flags[ref] = d.doc


def _blank(sentence: str) -> Translation:
    from translator import Translation

    return Translation(sentence, "")
