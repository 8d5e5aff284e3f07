"""Hugging Face seq2seq backend (Marian/opus-mt, NLLB, M2M100) and hub cache handling.

Nothing here imports torch or transformers at module level: :func:`pull` and
:func:`is_available_locally` (used by ``tadqiq models``) need only huggingface_hub,
and :class:`HFTranslator` loads the weights on first use, so a run answered
entirely from the translation cache never imports torch.

Models are always loaded from a local directory: either the one named in
models.yaml, or the snapshot of a hub id in the Hugging Face cache
(``$HF_HUB_CACHE``, else ``$HF_HOME/hub``, else ``~/.cache/huggingface/hub``).
Downloads happen only in :func:`pull`, or in :func:`load` with ``allow_download``
when ``$HF_HUB_OFFLINE`` is not set.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tadqiq.errors import ConfigError, ModelError

from .base import ModelInfo, Progress, Translation
from .registry import ModelSpec, first_line

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

# model_type → needs src_lang/tgt_lang and a forced first target token.
_MULTILINGUAL = ("m2m_100", "nllb-moe", "mbart")

_TRUE = {"1", "ON", "YES", "TRUE"}


# --- the Hugging Face cache ------------------------------------------------------------


def hub_cache_dir() -> Path:
    """The Hugging Face hub cache, read from the environment now (not at import)."""
    env = os.environ
    explicit = env.get("HF_HUB_CACHE") or env.get("HUGGINGFACE_HUB_CACHE")
    if explicit:
        return Path(os.path.expandvars(explicit)).expanduser()
    home = env.get("HF_HOME") or os.path.join(env.get("XDG_CACHE_HOME", "~/.cache"), "huggingface")
    return Path(os.path.expandvars(home)).expanduser() / "hub"


def hub_offline() -> bool:
    """True if ``$HF_HUB_OFFLINE`` (or ``$TRANSFORMERS_OFFLINE``) forbids network access."""
    value = os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE") or ""
    return value.upper() in _TRUE


def _has_weights(directory: Path) -> bool:
    return any((directory / name).is_file() for name in WEIGHT_FILES)


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
    return snapshot if _has_weights(snapshot) else None


def is_available_locally(spec: ModelSpec) -> bool:
    """True if the model can be loaded without a network (local directory or cached snapshot)."""
    if spec.backend != "hf" or spec.model is None:
        return True
    if spec.is_local:
        path = Path(spec.model)
        return (path / "config.json").is_file() and _has_weights(path)
    return cached_snapshot(spec) is not None


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
        return _local_dir(spec)
    if hub_offline():
        raise ModelError(f"{_label(spec)}: cannot download while HF_HUB_OFFLINE is set")
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
    if not _has_weights(path):
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
    try:
        return _download(spec)
    except _hub_errors() as exc:
        raise _refused(spec, exc) or _not_cached(
            spec, f"{type(exc).__name__}: {first_line(exc)}"
        ) from exc


def _fingerprint(directory: Path) -> str:
    """Identifies the files of a local model directory (names, sizes, modification times)."""
    digest = hashlib.sha256()
    for entry in sorted(directory.iterdir()):
        if entry.is_file():
            stat = entry.stat()
            digest.update(f"{entry.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


# --- batching ----------------------------------------------------------------------------


def plan_batches(lengths: Sequence[int], batch_size: int, max_batch_tokens: int) -> list[list[int]]:
    """Group sentence indices into batches, longest first.

    A batch has at most ``batch_size`` sentences and at most ``max_batch_tokens``
    padded tokens (its longest sentence × its size); a sentence longer than the
    budget gets a batch of its own.
    """
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches: list[list[int]] = []
    for index in order:
        if batches:
            batch = batches[-1]
            padded = lengths[batch[0]]  # the first is the longest
            if len(batch) < batch_size and padded * (len(batch) + 1) <= max_batch_tokens:
                batch.append(index)
                continue
        batches.append([index])
    return batches


# --- the translator ----------------------------------------------------------------------


def load(spec: ModelSpec, *, allow_download: bool = True) -> HFTranslator:
    """Backend entry point used by :func:`translator.load_translator`."""
    return HFTranslator(spec, allow_download=allow_download)


class HFTranslator:
    """A transformers seq2seq model.

    The model directory is found (or downloaded, if ``allow_download``) when the
    translator is made, so a missing model fails at once; the tokenizer and
    weights are loaded once, on the first :meth:`translate` (or :meth:`load_weights`).
    """

    def __init__(self, spec: ModelSpec, *, allow_download: bool = False) -> None:
        if spec.backend != "hf":
            raise ModelError(f"model {spec.name!r} has backend {spec.backend!r}, not 'hf'")
        self.spec = spec
        self.directory = resolve_model_dir(spec, allow_download=allow_download)
        if spec.is_local:
            revision, pin = None, "@local:" + _fingerprint(self.directory)
        else:
            revision = self.directory.name  # snapshot folders are named by commit hash
            pin = "@" + revision
        self._info = ModelInfo.from_spec(spec, revision=revision, key_suffix=pin)
        self._tokenizer: Any = None
        self._model: Any = None
        self._device: str = "cpu"
        self._generate_kwargs: dict[str, Any] = {}
        self._max_source_tokens = 512
        self._max_new_tokens = spec.generation.max_new_tokens

    @property
    def info(self) -> ModelInfo:
        return self._info

    @property
    def device(self) -> str:
        """Where the model runs (meaningful once the weights are loaded)."""
        return self._device

    def load_weights(self) -> None:
        """Load the tokenizer and the model (once)."""
        if self._model is not None:
            return
        try:
            import torch
            import transformers
        except ImportError as exc:
            raise ModelError(
                f"backend 'hf' needs torch, transformers and sentencepiece ({exc});"
                " install them with: pip install 'tadqiq[models]'"
            ) from exc
        device = self._pick_device(torch)
        where = str(self.directory)
        errors: tuple[type[BaseException], ...] = (OSError, ValueError, KeyError, TypeError)
        try:
            from safetensors import SafetensorError

            errors += (SafetensorError,)
        except ImportError:
            pass
        bar_was_on = transformers.utils.logging.is_progress_bar_enabled()
        transformers.utils.logging.disable_progress_bar()
        part = "tokenizer"
        try:
            tokenizer = transformers.AutoTokenizer.from_pretrained(
                where, trust_remote_code=False, local_files_only=True
            )
            part = "model"
            model = transformers.AutoModelForSeq2SeqLM.from_pretrained(
                where,
                trust_remote_code=False,
                local_files_only=True,
                use_safetensors=True if _has_safetensors(self.directory) else None,
                dtype=getattr(torch, self.spec.dtype),
            )
        except errors as exc:
            raise ModelError(
                f"model {self.spec.name!r}: cannot load the {part} from {where}:"
                f" {type(exc).__name__}: {first_line(exc)}"
            ) from exc
        finally:
            if bar_was_on:
                transformers.utils.logging.enable_progress_bar()
        model.to(device)
        model.eval()
        # max_new_tokens is always passed; a max_length from the checkpoint's
        # generation_config would only make transformers warn on every batch.
        model.generation_config.max_length = None
        self._generate_kwargs = self._language_setup(tokenizer, model)
        positions = getattr(model.config, "max_position_embeddings", None) or 1024
        limit = getattr(tokenizer, "model_max_length", positions) or positions
        self._max_source_tokens = int(min(limit, positions))
        self._max_new_tokens = int(min(self.spec.generation.max_new_tokens, positions - 2))
        self._tokenizer, self._model, self._device = tokenizer, model, device

    def _pick_device(self, torch: Any) -> str:
        wanted = self.spec.device
        if wanted == "auto":
            return "cuda" if torch.cuda.is_available() else "cpu"
        if wanted.startswith("cuda") and not torch.cuda.is_available():
            raise ModelError(
                f"model {self.spec.name!r}: device {wanted!r} requested but torch sees no CUDA device;"
                " set 'device: auto' or 'device: cpu'"
            )
        return wanted

    def _language_setup(self, tokenizer: Any, model: Any) -> dict[str, Any]:
        """Source language on the tokenizer, forced first target token for NLLB/M2M100."""
        model_type = getattr(model.config, "model_type", "")
        src, tgt = self.spec.src_lang, self.spec.tgt_lang
        if model_type not in _MULTILINGUAL:
            return {}
        if not src or not tgt:
            raise ConfigError(
                f"{self.spec.where}: {model_type} models need 'src_lang' and 'tgt_lang'"
                " (NLLB: arb_Arab, eng_Latn; M2M100: ar, en)"
            )
        src_id, tgt_id = (_language_id(tokenizer, code) for code in (src, tgt))
        for key, code, token_id in (("src_lang", src, src_id), ("tgt_lang", tgt, tgt_id)):
            if token_id is None:
                raise ConfigError(
                    f"{self.spec.where}.{key}: {code!r} is not a language code of this model's tokenizer"
                )
        tokenizer.src_lang = src
        return {"forced_bos_token_id": tgt_id}

    def translate(
        self, sentences: Sequence[str], progress: Progress | None = None
    ) -> list[Translation]:
        sentences = list(sentences)
        texts = [""] * len(sentences)
        todo = [i for i, sentence in enumerate(sentences) if sentence.strip()]
        if progress is not None and len(todo) < len(sentences):
            progress(len(sentences) - len(todo))
        if todo:
            self.load_weights()
            encoded = self._encode([sentences[i] for i in todo])
            settings = self.spec.generation
            for batch in plan_batches(
                [len(ids) for ids in encoded], settings.batch_size, settings.max_batch_tokens
            ):
                outputs = self._generate([encoded[j] for j in batch])
                for j, text in zip(batch, outputs, strict=True):
                    texts[todo[j]] = text
                if progress is not None:
                    progress(len(batch))
        return [Translation(source, text) for source, text in zip(sentences, texts, strict=True)]

    def _encode(self, sentences: list[str]) -> list[list[int]]:
        tokenizer, limit = self._tokenizer, self._max_source_tokens
        encoded: list[list[int]] = tokenizer(sentences)["input_ids"]
        long = [k for k, ids in enumerate(encoded) if len(ids) > limit]
        if long:
            warnings.warn(
                f"model {self.spec.name!r}: {len(long)} sentence(s) longer than {limit} tokens"
                " were cut to that length; the rest of each is not translated",
                stacklevel=3,
            )
            cut = tokenizer([sentences[k] for k in long], truncation=True, max_length=limit)
            for k, ids in zip(long, cut["input_ids"], strict=True):
                encoded[k] = ids
        return encoded

    def _generate(self, batch: list[list[int]]) -> list[str]:
        import torch

        tokenizer, model = self._tokenizer, self._model
        inputs = tokenizer.pad({"input_ids": batch}, padding=True, return_tensors="pt")
        inputs = {name: tensor.to(self._device) for name, tensor in inputs.items()}
        try:
            with torch.inference_mode():
                output = model.generate(
                    **inputs,
                    num_beams=self.spec.generation.num_beams,
                    max_new_tokens=self._max_new_tokens,
                    do_sample=False,
                    **self._generate_kwargs,
                )
        except (RuntimeError, IndexError) as exc:
            hint = (
                " (lower generation.batch_size or max_batch_tokens)" if _is_oom(torch, exc) else ""
            )
            raise ModelError(
                f"model {self.spec.name!r} failed on a batch of {len(batch)} sentences{hint}:"
                f" {type(exc).__name__}: {first_line(exc)}"
            ) from exc
        return [text.strip() for text in tokenizer.batch_decode(output, skip_special_tokens=True)]


def _has_safetensors(directory: Path) -> bool:
    return any((directory / name).is_file() for name in WEIGHT_FILES[:2])


def _language_id(tokenizer: Any, code: str) -> int | None:
    """The token id of a language code, or None if the tokenizer does not know it."""
    if hasattr(tokenizer, "get_lang_id"):  # M2M100: 'en' → '__en__'
        try:
            return int(tokenizer.get_lang_id(code))
        except KeyError:
            return None
    token_id = tokenizer.convert_tokens_to_ids(code)  # NLLB, mBART: the code is the token
    if token_id is None or token_id == tokenizer.unk_token_id:
        return None
    return int(token_id)


def _is_oom(torch: Any, exc: BaseException) -> bool:
    oom = getattr(torch, "OutOfMemoryError", None)
    return (oom is not None and isinstance(exc, oom)) or "out of memory" in str(exc)
