"""Where model weights come from: the Hugging Face hub, its local cache, local model directories.

Owns the one offline check (:func:`hub_offline`), the cache location
(:func:`hub_cache_dir`), the quick reachability check of the hub endpoint
(:func:`hub_endpoint`, :func:`hub_unreachable`), downloads (:func:`pull`, and :func:`resolve_model_dir` with
``allow_download``), the cache-only lookup (:func:`cached_snapshot`,
:func:`is_available_locally`, :func:`availability`), the weight-file checks
(:func:`has_weights`, :func:`has_safetensors`, :func:`refuse_pickle_only`) and the
fingerprint that pins a local directory in the cache key (:func:`directory_fingerprint`).
Used by the hf backend and by the CTranslate2 converter and backend.

Only huggingface_hub is needed (imported when a function needs it): never torch or
transformers. Downloads happen only in :func:`pull`, or in :func:`resolve_model_dir`
with ``allow_download``, and never while :func:`hub_offline` is true. The local cache is
always looked at first; a model that is not there is downloaded only after one short request
to the hub endpoint got an answer, so an unreachable hub is one clear error within
:func:`hub_check_seconds` instead of huggingface_hub's retries (about 24 s of warnings).

Weights: safetensors are preferred; a model with only pickle weights
(``pytorch_model.bin``, which can run code when loaded) is refused unless its entry sets
``allow_pickle: true``.
"""

from __future__ import annotations

import hashlib
import math
import os
from pathlib import Path

from tadqiq.errors import ConfigError, ModelError

from .registry import ModelSpec, first_line

__all__ = [
    "DEFAULT_ENDPOINT",
    "HUB_CHECK_SECONDS",
    "OFFLINE_VARIABLES",
    "WEIGHT_FILES",
    "availability",
    "cached_snapshot",
    "directory_fingerprint",
    "has_safetensors",
    "has_weights",
    "hub_cache_dir",
    "hub_check_seconds",
    "hub_endpoint",
    "hub_offline",
    "hub_unreachable",
    "is_available_locally",
    "pull",
    "refuse_pickle_only",
    "resolve_model_dir",
]

# Weight files transformers can load from a directory, best first.
WEIGHT_FILES = (
    "model.safetensors",
    "model.safetensors.index.json",
    "pytorch_model.bin",
    "pytorch_model.bin.index.json",
)
# Other frameworks' weights and exports a PyTorch seq2seq model never needs.
_IGNORE_ALWAYS = (
    "*.h5",
    "*.msgpack",
    "*.ot",
    "*.onnx",
    "*.onnx_data",
    "*.tflite",
    "*.gguf",
    "*.ckpt",
    "onnx/*",
    "openvino/*",
    "coreml/*",
)
_IGNORE_IF_SAFETENSORS = ("*.bin", "*.pt", "*.pth")

#: Environment variables that forbid contacting the hub (huggingface_hub reads both).
OFFLINE_VARIABLES = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
# huggingface_hub's truthy values (constants.ENV_VARS_TRUE_VALUES), compared upper-cased.
_TRUE = frozenset({"1", "ON", "YES", "TRUE"})
#: The hub huggingface_hub talks to when ``$HF_ENDPOINT`` is not set.
DEFAULT_ENDPOINT = "https://huggingface.co"
#: Longest time the reachability check of the hub endpoint may take, name lookup included,
#: unless ``$TADQIQ_HUB_TIMEOUT`` says otherwise (see :func:`hub_check_seconds`).
HUB_CHECK_SECONDS = 1.0


def hub_cache_dir() -> Path:
    """The Hugging Face hub cache, read from the environment now (not at import)."""
    env = os.environ
    explicit = env.get("HF_HUB_CACHE") or env.get("HUGGINGFACE_HUB_CACHE")
    if explicit:
        return Path(os.path.expandvars(explicit)).expanduser()
    home = env.get("HF_HOME") or os.path.join(env.get("XDG_CACHE_HOME", "~/.cache"), "huggingface")
    return Path(os.path.expandvars(home)).expanduser() / "hub"


def hub_offline() -> bool:
    """True if the hub must not be contacted: ``$HF_HUB_OFFLINE`` or ``$TRANSFORMERS_OFFLINE`` is on.

    Read from the environment now (not at import). A variable is on when its value, spaces
    stripped and upper-cased, is one of huggingface_hub's truthy values (1, ON, YES,
    TRUE); either variable alone is enough, whatever the other says.
    """
    return _offline_variable() is not None


def hub_endpoint() -> str:
    """The hub's base URL: ``$HF_ENDPOINT`` (read now, not at import) or :data:`DEFAULT_ENDPOINT`."""
    return (os.environ.get("HF_ENDPOINT", "").strip() or DEFAULT_ENDPOINT).rstrip("/")


def hub_check_seconds() -> float:
    """``$TADQIQ_HUB_TIMEOUT`` (seconds, read now) or :data:`HUB_CHECK_SECONDS`.

    For a link so slow that the hub cannot answer one request within a second;
    :class:`ConfigError` for a value that is not a number of seconds above 0.
    """
    raw = os.environ.get("TADQIQ_HUB_TIMEOUT", "").strip()
    if not raw:
        return HUB_CHECK_SECONDS
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise ConfigError(f"$TADQIQ_HUB_TIMEOUT: expected a number of seconds above 0, got {raw!r}")
    return value


def hub_unreachable(timeout: float | None = None) -> str | None:
    """Why :func:`hub_endpoint` cannot be used right now (a short reason), or None if it answered.

    One HEAD request to :func:`hub_endpoint`, sent with huggingface_hub's own HTTP client
    (so the proxy variables ``$HTTPS_PROXY``/``$ALL_PROXY``/``$NO_PROXY`` and certificate
    settings are those a download would use), no retries, and at most ``timeout`` seconds
    (default :func:`hub_check_seconds`) in all: the request runs in a daemon thread, so a
    hanging name lookup or a server that accepts the connection and never answers cannot
    hold the caller longer. Any HTTP answer below 500 counts as reachable; a 5xx (a proxy's
    502 or the hub being down) does not, since huggingface_hub would retry it for as long
    as a dead network.
    """
    import threading

    if timeout is None:
        timeout = hub_check_seconds()
    endpoint = hub_endpoint()
    outcome: list[str | None] = []
    # Imported and built before the clock starts: a slow first import is not "no answer".
    try:
        from huggingface_hub.utils import get_session

        session = get_session()
    except Exception as exc:  # noqa: BLE001 - not installed or misconfigured: cannot be used
        return f"{type(exc).__name__}: {first_line(exc)}"

    def probe() -> None:
        try:
            # The request's own limit only ends the thread; the join below decides "no answer".
            response = session.head(endpoint + "/", timeout=2 * timeout)
            status = response.status_code
            outcome.append(f"HTTP {status}" if status >= 500 else None)
        except Exception as exc:  # noqa: BLE001 - any failure means "cannot be used"
            outcome.append(f"{type(exc).__name__}: {first_line(exc)}")

    thread = threading.Thread(target=probe, name="tadqiq-hub-check", daemon=True)
    thread.start()
    thread.join(timeout)
    if not outcome:
        return f"no answer within {timeout:g} s; for a slow link raise $TADQIQ_HUB_TIMEOUT"
    return outcome[0]


def has_weights(directory: Path) -> bool:
    """True if ``directory`` holds weights transformers can load (any of :data:`WEIGHT_FILES`)."""
    return any((directory / name).is_file() for name in WEIGHT_FILES)


def has_safetensors(directory: Path) -> bool:
    """True if ``directory`` holds safetensors weights (single file or sharded index)."""
    return any((directory / name).is_file() for name in WEIGHT_FILES[:2])


def refuse_pickle_only(name: str, directory: Path, allowed: bool) -> None:
    """:class:`ModelError` if ``directory`` has pickle weights but no safetensors, unless ``allowed``.

    Unpickling ``pytorch_model.bin`` can run arbitrary code, so such a model loads only
    when its models.yaml entry opts in with ``allow_pickle: true``.
    """
    if allowed or has_safetensors(directory) or not has_weights(directory):
        return
    raise ModelError(
        f"model {name!r}: {directory} has only pickle weights (pytorch_model.bin), which can"
        " run code when loaded; convert to safetensors or set allow_pickle: true"
    )


def cached_snapshot(spec: ModelSpec) -> Path | None:
    """The complete snapshot of ``spec``'s hub id in the HF cache, or None."""
    from huggingface_hub import try_to_load_from_cache
    from huggingface_hub.errors import HFValidationError

    try:
        config = try_to_load_from_cache(
            str(spec.model), "config.json", cache_dir=hub_cache_dir(), revision=spec.revision
        )
    except HFValidationError as exc:
        raise ConfigError(f"{spec.where}.model: not a valid hub id: {first_line(exc)}") from None
    if not isinstance(config, str):
        return None
    snapshot = Path(config).parent
    return snapshot if has_weights(snapshot) else None


def is_available_locally(spec: ModelSpec) -> bool:
    """True if the model can be loaded without a network (local directory or cached snapshot)."""
    if spec.backend != "hf" or spec.model is None:
        return True
    if spec.is_local:
        path = Path(spec.model)
        return (path / "config.json").is_file() and has_weights(path)
    return cached_snapshot(spec) is not None


def availability(spec: ModelSpec) -> str:
    """What ``tadqiq models list`` shows: "yes", "no", or why a present model won't load."""
    if not is_available_locally(spec):
        return "no"
    directory = Path(spec.model) if spec.is_local else cached_snapshot(spec)
    if directory is not None and not spec.allow_pickle:
        try:
            refuse_pickle_only(spec.name, directory, spec.allow_pickle)
        except ModelError:
            return "no (pickle weights only; set allow_pickle: true to load them)"
    return "yes"


def _label(spec: ModelSpec) -> str:
    return f"model {spec.name!r} ({spec.model})"


def _not_cached(spec: ModelSpec, cause: str = "") -> ModelError:
    because = f" ({cause})" if cause else ""
    return ModelError(
        f"{_label(spec)} is not in the Hugging Face cache ({hub_cache_dir()}) and cannot be"
        f" downloaded here{because}; run 'tadqiq models pull {spec.name}' where a network is"
        " available, or point 'model:' at a local directory"
    )


def _download(spec: ModelSpec) -> Path:
    """snapshot_download the PyTorch files of a hub model; hub/network exceptions propagate."""
    from huggingface_hub import HfApi, snapshot_download

    repo_id = str(spec.model)
    files = HfApi().list_repo_files(repo_id, revision=spec.revision)
    ignore = list(_IGNORE_ALWAYS)
    if any(name.endswith(".safetensors") for name in files):
        ignore += _IGNORE_IF_SAFETENSORS
    elif not spec.allow_pickle and any(name.endswith(".bin") for name in files):
        raise ModelError(
            f"model {spec.name!r}: {repo_id} on the Hugging Face hub has only pickle weights"
            " (pytorch_model.bin), which can run code when loaded; convert to safetensors"
            " or set allow_pickle: true"
        )
    path = snapshot_download(
        repo_id, revision=spec.revision, cache_dir=hub_cache_dir(), ignore_patterns=ignore
    )
    return Path(path)


def _hub_errors() -> tuple[type[BaseException], ...]:
    """Exceptions that mean 'the hub could not be reached or refused' (not programming errors)."""
    import httpx2
    from huggingface_hub.errors import (
        HfHubHTTPError,
        LocalEntryNotFoundError,
        OfflineModeIsEnabled,
        XetDownloadError,
    )

    return (
        HfHubHTTPError,  # any refusal by the hub (404, 401, 5xx)
        LocalEntryNotFoundError,  # unreachable and not cached
        OfflineModeIsEnabled,
        XetDownloadError,
        httpx2.HTTPError,  # connection, proxy, timeout
        OSError,  # disk full or no permission while writing the cache
    )


def _refused(spec: ModelSpec, exc: BaseException) -> ModelError | None:
    """A message for 'the hub answered no' (unknown repo or revision), else None."""
    from huggingface_hub.errors import RepositoryNotFoundError, RevisionNotFoundError

    if isinstance(exc, RevisionNotFoundError):
        return ModelError(
            f"{_label(spec)}: revision {spec.revision!r} does not exist on the Hugging Face hub;"
            f" fix 'revision:' in {spec.source or 'models.yaml'}"
        )
    if isinstance(exc, RepositoryNotFoundError):
        return ModelError(
            f"{_label(spec)}: no such repository on the Hugging Face hub (or it is private or"
            f" gated and no valid token was given); check 'model:' in {spec.source or 'models.yaml'}"
        )
    return None


def pull(spec: ModelSpec) -> Path:
    """Download ``spec``'s model into the Hugging Face cache and return its local directory."""
    if spec.backend != "hf" or spec.model is None:
        raise ModelError(f"model {spec.name!r} (backend {spec.backend}) has no weights to download")
    if spec.is_local:
        path = _local_dir(spec)
        refuse_pickle_only(spec.name, path, spec.allow_pickle)
        return path
    if hub_offline():
        raise ModelError(f"{_label(spec)}: cannot download while {_offline_variable()} is set")
    reason = hub_unreachable()
    if reason is not None:
        raise ModelError(
            f"{_label(spec)}: cannot download into {hub_cache_dir()}: the hub at"
            f" {hub_endpoint()} cannot be reached ({reason}); check the network, $HF_ENDPOINT"
            " and the proxy variables, or copy the model directory here and point 'model:' at it"
        )
    try:
        return _download(spec)
    except _hub_errors() as exc:
        raise _refused(spec, exc) or ModelError(
            f"{_label(spec)}: download failed: {type(exc).__name__}: {first_line(exc)}"
        ) from exc


def _local_dir(spec: ModelSpec) -> Path:
    path = Path(str(spec.model))
    if not path.exists():
        raise ModelError(f"model {spec.name!r}: local model directory {path} does not exist")
    if not path.is_dir():
        raise ModelError(f"model {spec.name!r}: {path} is not a directory")
    if not (path / "config.json").is_file():
        raise ModelError(
            f"model {spec.name!r}: {path} has no config.json; expected a directory saved"
            " with transformers' save_pretrained"
        )
    if not has_weights(path):
        raise ModelError(
            f"model {spec.name!r}: {path} has no weights ({' or '.join(WEIGHT_FILES[::2])})"
        )
    return path


def resolve_model_dir(spec: ModelSpec, *, allow_download: bool) -> Path:
    """The local directory to load ``spec`` from, downloading it first if allowed."""
    if spec.model is None:
        raise ConfigError(f"{spec.where}.model: missing")
    if spec.is_local:
        return _local_dir(spec)
    snapshot = cached_snapshot(spec)
    if snapshot is not None:
        return snapshot
    if not allow_download or hub_offline():
        raise _not_cached(spec)
    reason = hub_unreachable()
    if reason is not None:
        raise _not_cached(spec, f"the hub at {hub_endpoint()} cannot be reached: {reason}")
    try:
        return _download(spec)
    except _hub_errors() as exc:
        raise _refused(spec, exc) or _not_cached(
            spec, f"{type(exc).__name__}: {first_line(exc)}"
        ) from exc


def directory_fingerprint(directory: Path) -> str:
    """Identifies the files of a local model directory (names, sizes, modification times)."""
    digest = hashlib.sha256()
    for entry in sorted(directory.iterdir()):
        if entry.is_file():
            stat = entry.stat()
            digest.update(f"{entry.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def _offline_variable() -> str | None:
    """The first of :data:`OFFLINE_VARIABLES` that is on, or None."""
    for name in OFFLINE_VARIABLES:
        if os.environ.get(name, "").strip().upper() in _TRUE:
            return name
    return None
