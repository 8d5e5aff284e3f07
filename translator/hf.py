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

With ``generation.alignments`` (the default) every translation carries word links
read from the model's own cross-attention; see :meth:`HFTranslator._links` and
:func:`word_links`.

A sentence longer than the model's maximum input is never cut short: it is split into
pieces that fit (:func:`split_encode`), the pieces are translated in the ordinary
batches, and their translations and word links are joined (:func:`join_pieces`); the
Translation's ``parts`` says how many pieces there were.

Weights: safetensors are preferred; a model with only pickle weights
(``pytorch_model.bin``, which can run code when loaded) is refused unless its entry sets
``allow_pickle: true``. Nothing is loaded with ``trust_remote_code``.
"""

from __future__ import annotations

import bisect
import hashlib
import os
import re
import unicodedata
import warnings
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from eval.values import WordLink
from tadqiq.errors import ConfigError, ModelError

from .base import ModelInfo, Progress, Translation
from .registry import QUANTIZE, ModelSpec, first_line

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

# Word links: a target word is also linked to a second source word that has at least
# this share of the best one's attention.
SECOND_LINK_RATIO = 0.5
_WORD_START = "\u2581"  # sentencepiece's "▁": the piece starts a new word
_WORD_RE = re.compile(r"\S+")
# Where an over-long sentence is cut, best first: after clause punctuation followed by
# space (Arabic comma, semicolon; Latin comma, semicolon, colon; sentence-final marks),
# else at any space.
_CLAUSE_END = re.compile(r"[\u060c,\u061b;:.!?\u061f](?=\s)\s*")
_SPACES = re.compile(r"\s+")
# A piece found further on than this many non-space characters (plus the length of the
# pieces not found before it) is taken for a chance match elsewhere, not a match.
_MAX_SKIP = 16


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


def refuse_pickle_only(name: str, directory: Path, allowed: bool) -> None:
    """:class:`ModelError` if ``directory`` has pickle weights but no safetensors, unless ``allowed``.

    Unpickling ``pytorch_model.bin`` can run arbitrary code, so such a model loads only
    when its models.yaml entry opts in with ``allow_pickle: true``.
    """
    if allowed or _has_safetensors(directory) or not _has_weights(directory):
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
    return snapshot if _has_weights(snapshot) else None


def is_available_locally(spec: ModelSpec) -> bool:
    """True if the model can be loaded without a network (local directory or cached snapshot)."""
    if spec.backend != "hf" or spec.model is None:
        return True
    if spec.is_local:
        path = Path(spec.model)
        return (path / "config.json").is_file() and _has_weights(path)
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
    budget gets a batch of its own. The translators pass the pieces of
    :func:`split_encode`, so even such a batch is within the model's maximum input.
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


def _quantize_dynamic_int8(torch: Any, model: Any, spec: ModelSpec, device: str) -> Any:
    """``model`` with every ``nn.Linear`` dynamically quantised to int8 (CPU only)."""
    if spec.quantize not in QUANTIZE:
        raise ConfigError(
            f"{spec.where}.quantize: expected one of {', '.join(QUANTIZE)}, got {spec.quantize!r}"
        )
    if spec.dtype != "float32":
        raise ConfigError(
            f"{spec.where}.quantize: {spec.quantize} needs dtype float32, not {spec.dtype}"
        )
    if device != "cpu":
        raise ModelError(
            f"model {spec.name!r}: quantize dynamic-int8 runs on the CPU, not {device}"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # torch.ao.quantization's notice
        warnings.filterwarnings("ignore", message=".*torch.ao.quantization is deprecated")
        warnings.filterwarnings("ignore", message=".*quantize_per_tensor")
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


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
        refuse_pickle_only(spec.name, self.directory, spec.allow_pickle)
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
        self._special_ids: frozenset[int] = frozenset()  # never linked (eos, pad, language codes)
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
                # Only safetensors, unless the entry allows pickle weights (then transformers
                # still prefers safetensors and falls back to pytorch_model.bin).
                use_safetensors=(
                    True
                    if _has_safetensors(self.directory) or not self.spec.allow_pickle
                    else None
                ),
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
        if self.spec.quantize != "none":
            model = _quantize_dynamic_int8(torch, model, self.spec, device)
        # max_new_tokens is always passed; a max_length from the checkpoint's
        # generation_config would only make transformers warn on every batch.
        model.generation_config.max_length = None
        self._generate_kwargs = self._language_setup(tokenizer, model)
        self._special_ids = self._unlinked_ids(tokenizer, model)
        positions = getattr(model.config, "max_position_embeddings", None) or 1024
        limit = getattr(tokenizer, "model_max_length", positions) or positions
        self._max_source_tokens = int(min(limit, positions))
        self._max_new_tokens = int(min(self.spec.generation.max_new_tokens, positions - 2))
        self._tokenizer, self._model, self._device = tokenizer, model, device

    def _pick_device(self, torch: Any) -> str:
        wanted = self.spec.device
        if wanted == "auto":
            cuda = torch.cuda.is_available() and self.spec.quantize == "none"
            return "cuda" if cuda else "cpu"
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

    def _unlinked_ids(self, tokenizer: Any, model: Any) -> frozenset[int]:
        """Token ids that stand for no word: eos, pad, decoder start, language codes."""
        codes = (self.spec.src_lang, self.spec.tgt_lang) if self._generate_kwargs else ()
        start = getattr(model.config, "decoder_start_token_id", None)
        return unlinked_ids(tokenizer, codes, start)

    def translate(
        self, sentences: Sequence[str], progress: Progress | None = None
    ) -> list[Translation]:
        results, todo = blank_translations(sentences, progress)
        if todo:
            self.load_weights()
            sources = [sentences[i] for i in todo]
            encoded, pieces = split_encode(self._tokenizer, sources, self._max_source_tokens)
            texts = [sources[p.sentence][p.start : p.end] for p in pieces]
            done: list[Translation | None] = [None] * len(pieces)
            finished = PieceProgress(pieces, progress)
            settings = self.spec.generation
            for batch in plan_batches(
                [len(ids) for ids in encoded], settings.batch_size, settings.max_batch_tokens
            ):
                outputs = self._generate([encoded[j] for j in batch], [texts[j] for j in batch])
                for j, translation in zip(batch, outputs, strict=True):
                    done[j] = translation
                finished.done(batch)
            for i, translation in zip(todo, assemble(sources, pieces, done), strict=True):
                results[i] = translation
        return results

    def _generate(self, batch: list[list[int]], sources: list[str]) -> list[Translation]:
        """Translate one batch of encoded ``sources`` (links too, if ``alignments``)."""
        import torch

        tokenizer = self._tokenizer
        align = self.spec.generation.alignments
        inputs = tokenizer.pad({"input_ids": batch}, padding=True, return_tensors="pt")
        inputs = {name: tensor.to(self._device) for name, tensor in inputs.items()}
        try:
            with torch.inference_mode():
                output = self._run_generate(inputs, align)
            sequences = output.sequences if align else output
            texts = [t.strip() for t in tokenizer.batch_decode(sequences, skip_special_tokens=True)]
            if not align:
                return [Translation(s, t) for s, t in zip(sources, texts, strict=True)]
            attention = step_attention(output, self.spec.generation.num_beams)
            links = self._links(inputs, attention, sequences, batch, sources, texts)
        except (RuntimeError, IndexError) as exc:
            hint = (
                " (lower generation.batch_size or max_batch_tokens)" if _is_oom(torch, exc) else ""
            )
            raise ModelError(
                f"model {self.spec.name!r} failed on a batch of {len(batch)} sentences{hint}:"
                f" {type(exc).__name__}: {first_line(exc)}"
            ) from exc
        return [Translation(*row) for row in zip(sources, texts, links, strict=True)]

    def _run_generate(self, inputs: dict[str, Any], align: bool) -> Any:
        """``model.generate`` on one padded batch; with ``align``, cross-attention is kept.

        The attention weights are read while generating, not in a second pass: SDPA
        kernels do not return them, so the decoder runs with the eager implementation
        during generation (for one query token per step it costs about the same; the
        encoder keeps SDPA).
        """
        model = self._model
        encoded = model.get_encoder()(**inputs, return_dict=True)
        previous = getattr(model.config, "_attn_implementation", None)
        switch = align and previous is not None and previous != "eager"
        if switch:
            model.set_attn_implementation("eager")
        try:
            return model.generate(
                **inputs,
                encoder_outputs=encoded,
                num_beams=self.spec.generation.num_beams,
                max_new_tokens=self._max_new_tokens,
                do_sample=False,
                output_attentions=align,
                return_dict_in_generate=align,
                **self._generate_kwargs,
            )
        finally:
            if switch:
                model.set_attn_implementation(previous)

    # --- word links from cross-attention ---------------------------------------------------

    def _links(
        self,
        inputs: dict[str, Any],
        attention: Any,
        output: Any,
        batch: list[list[int]],
        sources: list[str],
        texts: list[str],
    ) -> list[tuple[WordLink, ...]]:
        """Source↔target word links of one generated batch.

        ``attention`` (see :func:`step_attention`) holds, for every sentence, the
        attention the decoder paid to the source while *predicting* target token t of
        ``output`` (row t-1; ``output`` starts with the decoder start token): the mean
        over all heads of the layers from the middle of the decoder to its end (layers
        ⌊L/2⌋…L-1; the last layer alone when L = 1). Upper-layer attention at
        prediction time is the classic reading of a Transformer's alignment (Garg et
        al. 2019 found the penultimate layer best); averaging the upper half trades a
        little sharpness for not depending on one layer of one checkpoint.
        """
        tokenizer = self._tokenizer
        mask = inputs["attention_mask"].tolist()
        specials = self._special_ids
        unk = tokenizer.unk_token_id
        out = []
        for k, (ids, source, text) in enumerate(zip(batch, sources, texts, strict=True)):
            first = mask[k].index(1) if 1 in mask[k] else 0  # > 0 if the tokenizer pads left
            src_words = _words(source)
            src_of = piece_words(
                tokenizer.convert_ids_to_tokens(ids), ids, source, src_words, specials
            )
            target = [int(i) for i in output[k].tolist()]
            tgt_words = _words(text)
            tgt_of = piece_words(
                tokenizer.convert_ids_to_tokens(target), target, text, tgt_words, specials | {unk}
            )
            steps = attention.shape[1]
            rows = [(t - 1, w) for t, w in enumerate(tgt_of) if 1 <= t <= steps and w is not None]
            cols = [(first + s, w) for s, w in enumerate(src_of) if w is not None]
            scores = _word_scores(attention[k], rows, cols, len(tgt_words), len(src_words))
            out.append(word_links(scores, src_words, tgt_words))
        return out


def step_attention(output: Any, num_beams: int) -> Any:
    """Cross-attention of each kept hypothesis at each generation step: (batch, steps, source).

    ``output`` is what ``generate(output_attentions=True, return_dict_in_generate=True)``
    returns: per step, per layer, (rows, heads, 1, source), where rows are the batch's
    sentences (greedy) or all their beams. Step s reads decoder input s and predicts
    target token s + 1. The upper half of the layers and all heads are averaged; with
    beams, each step's row is the beam the returned hypothesis came from at that step
    (``beam_indices``; -1 once it has finished, where nothing is read).
    """
    import torch

    steps = output.cross_attentions
    if not steps or not steps[0]:
        raise RuntimeError("generate returned no cross-attention weights")
    layers = len(steps[0])
    per_step = [
        torch.stack([step[layer][:, :, -1, :] for layer in range(layers // 2, layers)])
        .float()
        .mean(dim=(0, 2))
        for step in steps
    ]
    attention = torch.stack(per_step, dim=1)  # (rows, steps, source)
    if num_beams > 1 and getattr(output, "beam_indices", None) is not None:
        beams = output.beam_indices[:, : attention.shape[1]].clamp(min=0)
        when = torch.arange(beams.shape[1]).expand_as(beams)
        attention = attention[beams, when]
    return attention.cpu()


# --- shared with the ctranslate2 backend -------------------------------------------------


def blank_translations(
    sentences: Sequence[str], progress: Progress | None
) -> tuple[list[Translation], list[int]]:
    """Empty translations for every sentence, and the indices of those not blank.

    Blank sentences are never sent to a model; they are reported as done at once.
    """
    results = [Translation(sentence, "") for sentence in sentences]
    todo = [i for i, sentence in enumerate(sentences) if sentence.strip()]
    if progress is not None and len(todo) < len(results):
        progress(len(results) - len(todo))
    return results, todo


def unlinked_ids(
    tokenizer: Any, language_codes: Sequence[str | None], start_id: int | None = None
) -> frozenset[int]:
    """Token ids that stand for no word: the tokenizer's specials, the ``language_codes``
    (NLLB/M2M100) and the decoder start token. ``<unk>`` is not among them: an unknown
    source piece still stands for text."""
    ids = {int(i) for i in tokenizer.all_special_ids}
    for code in language_codes:
        code_id = _language_id(tokenizer, code) if code else None
        if code_id is not None:
            ids.add(code_id)
    if start_id is not None:
        ids.add(int(start_id))
    ids.discard(tokenizer.unk_token_id)
    return frozenset(ids)


class Piece(NamedTuple):
    """A piece of an input sentence that is translated on its own: ``source[start:end]``."""

    sentence: int  # index of the sentence among those passed to split_encode
    start: int
    end: int


def split_encode(
    tokenizer: Any, sentences: Sequence[str], limit: int
) -> tuple[list[list[int]], list[Piece]]:
    """Token ids of ``sentences``, split where a sentence is longer than ``limit`` tokens.

    Returns the ids of every piece and the pieces, in order (a sentence that fits is one
    piece, the whole sentence). A sentence whose encoding (special tokens included) is
    longer than ``limit`` is cut into consecutive pieces that each fit: after clause
    punctuation (، , ؛ ; : and sentence-final marks followed by a space) where possible,
    else between words, else (a single word longer than the limit) between its tokens.
    Pieces cover the whole sentence except the spaces between them: nothing is dropped.
    """
    sentences = list(sentences)
    encoded: list[list[int]] = tokenizer(sentences)["input_ids"] if sentences else []
    ids_out: list[list[int]] = []
    pieces: list[Piece] = []
    for k, (sentence, ids) in enumerate(zip(sentences, encoded, strict=True)):
        if len(ids) <= limit:
            ids_out.append(list(ids))
            pieces.append(Piece(k, 0, len(sentence)))
            continue
        for start, end, piece_ids in _Splitter(tokenizer, sentence, limit).pieces():
            ids_out.append(piece_ids)
            pieces.append(Piece(k, start, end))
    return ids_out, pieces


class _Splitter:
    """Cuts one over-long sentence into pieces of at most ``limit`` tokens each."""

    def __init__(self, tokenizer: Any, text: str, limit: int) -> None:
        self.tokenizer = tokenizer
        self.text = text
        self.limit = limit
        self._ids: dict[tuple[int, int], list[int]] = {}
        # Each level proposes cut positions inside [a, b); a stretch that no cut of one
        # level makes fit is handed to the next.
        self.levels = (self._clause_cuts, self._word_cuts, self._token_cuts, self._char_cuts)

    def pieces(self) -> list[tuple[int, int, list[int]]]:
        start, end = self._trim(0, len(self.text))
        out = []
        for a, b in self._pack(start, end, 0):
            a, b = self._trim(a, b)
            if a < b:
                out.append((a, b, self.ids(a, b)))
        return out

    def ids(self, a: int, b: int) -> list[int]:
        key = self._trim(a, b)
        if key not in self._ids:
            self._ids[key] = list(self.tokenizer(self.text[key[0] : key[1]])["input_ids"])
        return self._ids[key]

    def fits(self, a: int, b: int) -> bool:
        return len(self.ids(a, b)) <= self.limit

    def _trim(self, a: int, b: int) -> tuple[int, int]:
        while a < b and self.text[a].isspace():
            a += 1
        while b > a and self.text[b - 1].isspace():
            b -= 1
        return a, b

    def _pack(self, a: int, b: int, level: int) -> list[tuple[int, int]]:
        """Greedy: each piece runs to the furthest cut of this level that still fits."""
        out: list[tuple[int, int]] = []
        while a < b:
            ends = [c for c in self.levels[level](a, b) if a < c < b] + [b]
            best = self._furthest_fit(a, ends)
            if best is not None:
                out.append((a, ends[best]))
                a = ends[best]
                continue
            stretch = ends[0]  # even the shortest piece at this level is too long
            if level + 1 < len(self.levels):
                out.extend(self._pack(a, stretch, level + 1))
            else:  # one character over the limit: only a model with no room at all
                out.append((a, stretch))
            a = stretch
        return out

    def _furthest_fit(self, a: int, ends: list[int]) -> int | None:
        """The largest i with ``fits(a, ends[i])`` (galloping, then binary search)."""
        if not self.fits(a, ends[0]):
            return None
        good, step = 0, 1
        bad = len(ends)
        while good + step < len(ends):
            if self.fits(a, ends[good + step]):
                good += step
                step *= 2
            else:
                bad = good + step
                break
        while bad - good > 1:
            mid = (good + bad) // 2
            if self.fits(a, ends[mid]):
                good = mid
            else:
                bad = mid
        return good

    def _clause_cuts(self, a: int, b: int) -> list[int]:
        return [m.end() for m in _CLAUSE_END.finditer(self.text, a, b)]

    def _word_cuts(self, a: int, b: int) -> list[int]:
        return [m.end() for m in _SPACES.finditer(self.text, a, b)]

    def _token_cuts(self, a: int, b: int) -> list[int]:
        word = self.text[a:b]
        try:
            tokens = self.tokenizer.tokenize(word)
            ids = self.tokenizer.convert_tokens_to_ids(tokens)
        except (AttributeError, TypeError, ValueError):
            return []
        spans = piece_spans(tokens, ids, word, frozenset())
        return sorted({a + span[0] for span in spans if span is not None and span[0] > 0})

    def _char_cuts(self, a: int, b: int) -> list[int]:
        return list(range(a + 1, b))


def join_pieces(source: str, parts: Sequence[tuple[int, Translation]]) -> Translation:
    """One sentence's translation from its pieces' (start offset in ``source``, translation).

    The texts are joined with a space; each piece's word links are shifted to the
    offsets of ``source`` and of the joined text. ``parts`` of the result is the number
    of pieces.
    """
    if len(parts) == 1:
        start, only = parts[0]
        if start == 0 and only.source == source:
            return only
    texts: list[str] = []
    links: list[WordLink] = []
    with_links = all(t.links is not None for _, t in parts)
    pos = 0
    for start, piece in parts:
        if not piece.text:
            continue
        if texts:
            pos += 1  # the joining space
        texts.append(piece.text)
        for link in piece.links or ():
            links.append(
                WordLink(
                    link.src_start + start,
                    link.src_end + start,
                    link.tgt_start + pos,
                    link.tgt_end + pos,
                    link.weight,
                )
            )
        pos += len(piece.text)
    return Translation(
        source, " ".join(texts), tuple(links) if with_links else None, parts=len(parts)
    )


def assemble(
    sources: Sequence[str], pieces: Sequence[Piece], done: Sequence[Translation | None]
) -> list[Translation]:
    """The translation of every source sentence from its pieces' translations (in order)."""
    by_sentence: list[list[tuple[int, Translation]]] = [[] for _ in sources]
    for piece, translation in zip(pieces, done, strict=True):
        if translation is None:
            raise ModelError(f"no translation for a piece of sentence {piece.sentence}")
        by_sentence[piece.sentence].append((piece.start, translation))
    return [join_pieces(source, parts) for source, parts in zip(sources, by_sentence, strict=True)]


class PieceProgress:
    """Turns 'these pieces are translated' into the number of sentences just finished."""

    def __init__(self, pieces: Sequence[Piece], progress: Progress | None) -> None:
        self._left = Counter(piece.sentence for piece in pieces)
        self._pieces = pieces
        self._progress = progress

    def done(self, indices: Sequence[int]) -> None:
        finished = 0
        for j in indices:
            sentence = self._pieces[j].sentence
            self._left[sentence] -= 1
            finished += self._left[sentence] == 0
        if finished and self._progress is not None:
            self._progress(finished)


# --- word links: pure helpers ------------------------------------------------------------


def _words(text: str) -> list[tuple[int, int]]:
    """Words of ``text``: maximal runs of non-space characters, as (start, end)."""
    return [m.span() for m in _WORD_RE.finditer(text)]


def _normalised_view(text: str) -> tuple[str, list[int]]:
    """NFKC of ``text`` char by char, and for each of its characters the index in ``text``.

    Sentencepiece models normalise (nmt_nfkc) before cutting pieces, so a piece of a
    presentation-form letter or a ligature is found in this view, not in ``text``.
    """
    chars: list[str] = []
    owner: list[int] = []
    for i, char in enumerate(text):
        norm = unicodedata.normalize("NFKC", char) or char
        chars.append(norm)
        owner.extend([i] * len(norm))
    return "".join(chars), owner


def piece_spans(
    pieces: Sequence[str], ids: Sequence[int], text: str, skip: frozenset[int] | set[int]
) -> list[tuple[int, int] | None]:
    """Character span in ``text`` of each sentencepiece piece, None where it has none.

    Pieces whose id is in ``skip`` (special tokens) have no span. Each other piece is
    looked for in ``text`` after the previous one (its leading "▁" marks a word start
    and is not text), but not so far on that the match would skip text no piece
    accounts for. A piece that cannot be found (``<unk>``, byte pieces, text the
    tokenizer normalised away) takes the non-space text between the pieces found on
    either side, if any, one word per piece that starts a word. A bare "▁" piece
    shares the span of the piece after it. Never raises on a mismatch: unmatched
    pieces just have no span.
    """
    view, owner = _normalised_view(text)
    spans: list[tuple[int, int] | None] = [None] * len(pieces)
    lost: list[int] = []  # pieces not found, waiting for the next found one
    lost_chars = 0  # how much text they might stand for
    markers: list[int] = []  # bare "▁" pieces, waiting for the next piece with a span
    pos = 0

    def settle_lost(until: int) -> None:
        nonlocal lost_chars
        lost_chars = 0
        if not lost:
            return
        gap = [(a + pos, b + pos) for a, b in _words(view[pos:until])]
        if gap:
            word = 0
            for n, index in enumerate(lost):
                if n and pieces[index].startswith(_WORD_START) and word + 1 < len(gap):
                    word += 1
                a, b = gap[word]
                spans[index] = (owner[a], owner[b - 1] + 1)
        lost.clear()

    for index, (piece, token_id) in enumerate(zip(pieces, ids, strict=True)):
        if token_id in skip or piece is None:
            continue
        core = piece.lstrip(_WORD_START).replace(_WORD_START, " ").strip()
        if not core:
            markers.append(index)
            continue
        core = unicodedata.normalize("NFKC", core)
        found = view.find(core, pos)
        if found > pos:
            skipped = view[pos:found]
            if len(skipped) - sum(c.isspace() for c in skipped) > _MAX_SKIP + lost_chars:
                found = -1
        if found < 0:
            lost.append(index)
            lost_chars += len(core)
            continue
        settle_lost(found)
        end = found + len(core)
        spans[index] = (owner[found], owner[end - 1] + 1)
        pos = end
    settle_lost(len(view))
    # A bare "▁" is the start of the word of the next piece that has a span.
    for index in markers:
        spans[index] = next((spans[j] for j in range(index + 1, len(spans)) if spans[j]), None)
    return spans


def piece_words(
    pieces: Sequence[str],
    ids: Sequence[int],
    text: str,
    words: Sequence[tuple[int, int]],
    skip: frozenset[int] | set[int],
) -> list[int | None]:
    """For each piece, the index in ``words`` of the word its span starts in (or None)."""
    starts = [start for start, _ in words]
    out: list[int | None] = []
    for span in piece_spans(pieces, ids, text, skip):
        word = bisect.bisect_right(starts, span[0]) - 1 if span else -1
        out.append(word if word >= 0 and span and span[0] < words[word][1] else None)
    return out


def _word_scores(
    attention: Any,
    rows: list[tuple[int, int]],
    cols: list[tuple[int, int]],
    n_target: int,
    n_source: int,
) -> list[list[float]]:
    """Attention summed from (attention row, target word) × (column, source word) pairs."""
    import torch

    scores = torch.zeros(n_target, n_source)
    if rows and cols and n_target and n_source:
        row_index = torch.tensor([r for r, _ in rows])
        col_index = torch.tensor([c for c, _ in cols])
        picked = attention.index_select(0, row_index).index_select(1, col_index)
        to_source = torch.zeros(len(cols), n_source)
        to_source[torch.arange(len(cols)), torch.tensor([w for _, w in cols])] = 1.0
        scores.index_add_(0, torch.tensor([w for _, w in rows]), picked @ to_source)
    return scores.tolist()


def word_links(
    scores: Sequence[Sequence[float]],
    src_words: Sequence[tuple[int, int]],
    tgt_words: Sequence[tuple[int, int]],
) -> tuple[WordLink, ...]:
    """Links from each target word to the source word it attended to most.

    ``scores[t][s]`` is the attention target word t paid to source word s. The weight
    of a link is that word's share of the target word's attention to all source words
    (special tokens excluded); a second link is added when another source word has at
    least :data:`SECOND_LINK_RATIO` of the best one's share. A target word whose
    attention could not be placed (no pieces found) gets no link.
    """
    links: list[WordLink] = []
    for (tgt_start, tgt_end), row in zip(tgt_words, scores, strict=True):
        total = sum(row)
        if not total > 0:  # also False for NaN
            continue
        ranked = sorted(range(len(row)), key=lambda s: (-row[s], s))
        best = row[ranked[0]]
        chosen = [ranked[0]]
        if len(ranked) > 1 and row[ranked[1]] >= SECOND_LINK_RATIO * best:
            chosen.append(ranked[1])
        for s in chosen:
            weight = min(1.0, max(round(row[s] / total, 4), 0.0001))
            src_start, src_end = src_words[s]
            links.append(WordLink(src_start, src_end, tgt_start, tgt_end, weight))
    return tuple(links)


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
