"""CTranslate2 backend: a transformers seq2seq model converted with ``tadqiq models convert``.

A models.yaml entry with ``backend: ctranslate2`` names, in ``model:``, the directory
:func:`convert` wrote: CTranslate2's ``model.bin``, ``config.json`` and
``shared_vocabulary.json``, the original transformers tokenizer (saved with
``save_pretrained``), the model's ``generation_config.json``, and ``tadqiq-ct2.json``
(what was converted: model type, maximum positions, quantization, source). The
original model is not needed at translation time.

Decoding mirrors the hf backend: same tokenizer, same splitting of sentences longer
than the model's input (:func:`translator.split.split_encode`), same beam count and
maximum length, and the length_penalty, no_repeat_ngram_size and repetition_penalty of
the model's generation config. Word links come from the attention CTranslate2 returns
(``return_attention``), turned into links by :mod:`translator.links`.

Nothing here imports ctranslate2, transformers or torch at module level; the
translator loads them on its first :meth:`CT2Translator.translate`.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eval.values import WordLink, counted
from tadqiq.errors import ConfigError, ModelError

from .base import ModelInfo, Progress, Translation
from .batching import blank_translations
from .hub import (
    directory_fingerprint,
    has_safetensors,
    has_weights,
    refuse_pickle_only,
    resolve_model_dir,
)
from .languages import MULTILINGUAL_MODEL_TYPES, language_id
from .links import piece_words, unlinked_ids, word_links, word_scores, word_spans
from .registry import ModelSpec, first_line
from .split import PieceProgress, assemble, split_encode

#: What :func:`convert` wrote, next to CTranslate2's own files.
META_FILE = "tadqiq-ct2.json"
#: Quantizations :func:`convert` accepts (None keeps the checkpoint's own dtype).
QUANTIZATIONS = ("int8", "int8_float32", "int16", "float16", "bfloat16", "float32")

_CONVERT_HINT = "tadqiq models convert NAME --int8 --output {path} (NAME: the hf entry of the original model)"


# --- conversion --------------------------------------------------------------------------


def default_output_dir(name: str, quantization: str | None) -> Path:
    """Where ``tadqiq models convert NAME`` writes: ``<user cache>/tadqiq/ct2/NAME[-QUANT]``."""
    import platformdirs

    folder = f"{name}-{quantization}" if quantization else name
    return Path(platformdirs.user_cache_dir("tadqiq")) / "ct2" / folder


def convert(
    source: ModelSpec | str | os.PathLike[str],
    out_dir: str | os.PathLike[str] | None = None,
    *,
    quantization: str | None = "int8",
    force: bool = False,
    allow_download: bool = True,
    allow_pickle: bool = False,
) -> Path:
    """Convert a transformers seq2seq model to a CTranslate2 directory; returns that directory.

    ``source`` is an hf entry of models.yaml (its hub snapshot or local directory is
    used; a hub model is downloaded first if ``allow_download`` and not offline) or
    the path of a transformers model directory. ``out_dir`` defaults to
    :func:`default_output_dir`. ``quantization`` is ``"int8"`` (default), another of
    :data:`QUANTIZATIONS`, or None to keep the checkpoint's dtype (float32 for the
    shipped models). The directory is written atomically: the model is converted into
    a temporary directory beside ``out_dir``, which is then renamed; an existing
    ``out_dir`` is replaced only with ``force``. Every failure is a :class:`ModelError`.
    A model with only pickle weights (``pytorch_model.bin``) is refused unless the entry
    sets ``allow_pickle: true`` (or, for a directory, ``allow_pickle=True`` is passed);
    nothing is loaded with ``trust_remote_code``.
    """
    if quantization is not None and quantization not in QUANTIZATIONS:
        raise ModelError(
            f"quantization {quantization!r} is not one of {', '.join(QUANTIZATIONS)} (or None)"
        )
    spec = source if isinstance(source, ModelSpec) else None
    if spec is not None:
        if spec.backend != "hf":
            raise ModelError(
                f"model {spec.name!r} has backend {spec.backend}; only hf models can be"
                " converted to CTranslate2"
            )
        label, name = f"model {spec.name!r} ({spec.model})", spec.name
    else:
        src_dir = Path(source).expanduser()  # type: ignore[arg-type]
        label, name = f"model directory {src_dir}", src_dir.name
        if not (src_dir / "config.json").is_file() or not has_weights(src_dir):
            raise ModelError(
                f"{label} is not a transformers model (config.json and weights expected)"
            )
    wanted = Path(out_dir).expanduser() if out_dir else default_output_dir(name, quantization)
    out = Path(os.path.abspath(wanted))
    if out.exists() and not force:
        raise ModelError(f"{label}: {out} already exists; pass --force to replace it")
    if out.exists() and not out.is_dir():
        raise ModelError(f"{label}: {out} exists and is not a directory")
    if spec is not None:
        src_dir = resolve_model_dir(spec, allow_download=allow_download)
        origin: dict[str, Any] = {
            "name": spec.name,
            "model": spec.model,
            "revision": None if spec.is_local else src_dir.name,
        }
    else:
        origin = {"name": None, "model": str(src_dir.resolve()), "revision": None}
    allowed = spec.allow_pickle if spec is not None else allow_pickle
    refuse_pickle_only(name, src_dir, allowed)
    source_real = src_dir.resolve()
    if out.resolve() == source_real or out.resolve() in source_real.parents:
        raise ModelError(f"{label}: the output {out} would overwrite the model being converted")
    ctranslate2 = _import_ctranslate2()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    except OSError as exc:
        raise ModelError(f"{label}: cannot write {out}: {exc.strerror or exc}") from exc
    try:
        _convert_into(ctranslate2, src_dir, tmp, quantization, origin, label, allowed)
        _replace_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def _convert_into(
    ctranslate2: Any,
    src_dir: Path,
    tmp: Path,
    quantization: str | None,
    origin: dict[str, Any],
    label: str,
    allow_pickle: bool = False,
) -> None:
    try:
        import transformers
    except ImportError as exc:
        raise ModelError(
            f"converting needs transformers and torch ({exc}); install them with:"
            " pip install 'tadqiq[models]'"
        ) from exc
    converter = _converter_class()(str(src_dir), trust_remote_code=False)
    converter.safetensors_only = has_safetensors(src_dir) or not allow_pickle
    bar_was_on = transformers.utils.logging.is_progress_bar_enabled()
    transformers.utils.logging.disable_progress_bar()
    try:
        converter.convert(str(tmp), quantization=quantization, force=True)
        model, tokenizer = converter.model, converter.tokenizer
        ct2_files = {p.name for p in tmp.iterdir()}
        saved = tokenizer.save_pretrained(str(tmp))
        clobbered = ct2_files & {Path(p).name for p in saved}
        if clobbered:
            raise ValueError(f"the tokenizer files would replace {', '.join(sorted(clobbered))}")
        model.generation_config.to_json_file(str(tmp / "generation_config.json"), use_diff=True)
    except ModelError:
        raise
    # CTranslate2's converters raise NotImplementedError for an architecture or option
    # they do not support: a one-line ModelError like any other failed conversion.
    except (ValueError, NotImplementedError, RuntimeError, OSError, KeyError, TypeError) as exc:
        raise ModelError(
            f"{label}: conversion to CTranslate2 failed: {type(exc).__name__}: {first_line(exc)}"
        ) from exc
    finally:
        if bar_was_on:
            transformers.utils.logging.enable_progress_bar()
    config = model.config
    meta = {
        "format": 1,
        "source": origin,
        "model_type": getattr(config, "model_type", None),
        "max_position_embeddings": getattr(config, "max_position_embeddings", None),
        "decoder_layers": getattr(config, "decoder_layers", None),
        "alignment_layer": converter.alignment_layer,
        "quantization": quantization,
        "versions": {"ctranslate2": ctranslate2.__version__, "transformers": transformers.__version__},
    }
    (tmp / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    _check_vocabulary(tmp, tokenizer, label)


def _converter_class() -> type:
    """``TransformersConverter`` with the fixes tadqiq needs (built lazily: it imports ctranslate2).

    - The vocabulary is listed by model id (:class:`_IdVocabulary`): with transformers 5
      ``get_vocab()`` of M2M100's tokenizer leaves out the language codes, which breaks
      the stock conversion (vocabulary size mismatch).
    - Attention for word links (``return_attention``) is the mean over all heads of the
      penultimate decoder layer (the last one if there is only one), instead of
      CTranslate2's default of the first head of the last layer.
    - The loaded model and the real tokenizer are kept, to save the tokenizer and the
      generation config next to the converted model.
    - Model and tokenizer load with ``trust_remote_code=False`` from local files only,
      and the model from safetensors unless ``safetensors_only`` is turned off (a
      pickle-only model whose entry sets ``allow_pickle: true``).
    """
    import numpy as np
    from ctranslate2.converters import TransformersConverter

    class Converter(TransformersConverter):  # type: ignore[misc]
        model: Any = None
        tokenizer: Any = None
        alignment_layer: int | None = None
        safetensors_only: bool = True

        def load_model(self, model_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            kwargs.update(trust_remote_code=False, local_files_only=True)
            if self.safetensors_only:
                kwargs["use_safetensors"] = True
            self.model = super().load_model(model_class, model_name_or_path, **kwargs)
            return self.model

        def load_tokenizer(self, tokenizer_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            kwargs.update(trust_remote_code=False, local_files_only=True)
            self.tokenizer = super().load_tokenizer(tokenizer_class, model_name_or_path, **kwargs)
            return _IdVocabulary(self.tokenizer, int(self.model.config.vocab_size))

        def _load(self) -> Any:
            spec = super()._load()
            decoder = getattr(spec, "decoder", None)
            config = self.model.config if self.model is not None else None
            if decoder is not None and config is not None and hasattr(decoder, "alignment_layer"):
                layers = int(getattr(config, "decoder_layers", 1) or 1)
                heads = int(getattr(config, "decoder_attention_heads", 1) or 1)
                self.alignment_layer = max(layers - 2, 0)
                decoder.alignment_layer = np.dtype("int16").type(self.alignment_layer)
                decoder.alignment_heads = np.dtype("int16").type(heads)
            return spec

    return Converter


class _IdVocabulary:
    """A tokenizer whose ``get_vocab()`` lists every id below ``size``, in id order.

    Ids the tokenizer has no token for (M2M100's "made-up words", padding rows of the
    embedding matrix) get unique placeholder names. Everything else is the tokenizer's.
    """

    num_madeup_words = 0  # the placeholders are already in get_vocab()

    def __init__(self, tokenizer: Any, size: int) -> None:
        self._tokenizer = tokenizer
        self._size = size

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tokenizer, name)

    def get_vocab(self) -> dict[str, int]:
        return {token: i for i, token in enumerate(id_vocabulary(self._tokenizer, self._size))}


def id_vocabulary(tokenizer: Any, size: int) -> list[str]:
    """The token of every id below ``size`` (a placeholder where the tokenizer has none)."""
    tokens: list[str | None] = list(tokenizer.convert_ids_to_tokens(list(range(size))))
    known = [t for t in tokens if isinstance(t, str)]
    back = dict(zip(known, tokenizer.convert_tokens_to_ids(known), strict=True))
    real = set(tokenizer.get_vocab())
    out: list[str] = []
    used: set[str] = set()
    for i, token in enumerate(tokens):
        if not isinstance(token, str) or back.get(token) != i or token in used:
            token = f"madeupword{i}"
            while token in real or token in used:
                token += "_"
        used.add(token)
        out.append(token)
    return out


def _check_vocabulary(directory: Path, tokenizer: Any, label: str) -> None:
    """Every token the tokenizer can produce must have the same id in the converted model."""
    vocabulary = _read_vocabulary(directory)
    if vocabulary is None:
        return
    expected = id_vocabulary(tokenizer, len(vocabulary))
    for i, (got, want) in enumerate(zip(vocabulary, expected, strict=True)):
        if got != want and not want.startswith("madeupword"):
            raise ModelError(
                f"{label}: the converted vocabulary does not match the tokenizer"
                f" (id {i}: {got!r} instead of {want!r}); this model cannot be converted"
            )


def _read_vocabulary(directory: Path) -> list[str] | None:
    for name in ("shared_vocabulary.json", "target_vocabulary.json"):
        path = directory / name
        if path.is_file():
            return list(json.loads(path.read_text(encoding="utf-8")))
    return None


def _replace_dir(tmp: Path, out: Path) -> None:
    """Rename ``tmp`` to ``out``, replacing an existing ``out`` (removed only afterwards)."""
    old: Path | None = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(out, old)
    try:
        os.replace(tmp, out)
    except OSError:
        if old is not None:
            os.replace(old, out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _import_ctranslate2() -> Any:
    try:
        import ctranslate2
    except ImportError as exc:
        raise ModelError(_not_installed(str(exc))) from exc
    return ctranslate2


def _installed() -> bool:
    """Whether ctranslate2 can be imported (without importing it)."""
    if "ctranslate2" in sys.modules:
        return sys.modules["ctranslate2"] is not None
    return importlib.util.find_spec("ctranslate2") is not None


def _not_installed(cause: str = "") -> str:
    because = f" ({cause})" if cause else ""
    return (
        f"backend 'ctranslate2' needs the ctranslate2 package{because}; install it with:"
        " pip install 'tadqiq[models]'"
    )


# --- the translator ----------------------------------------------------------------------


def load(spec: ModelSpec, *, allow_download: bool = True) -> CT2Translator:
    """Backend entry point used by :func:`translator.load_translator` (nothing is downloaded)."""
    return CT2Translator(spec)


def model_dir(spec: ModelSpec) -> Path:
    """The converted model directory of ``spec``, checked; :class:`ModelError` if unusable."""
    if spec.model is None:
        raise ConfigError(f"{spec.where}.model: missing")
    path = Path(spec.model)
    who = f"model {spec.name!r}"
    hint = "make it with: " + _CONVERT_HINT.format(path=path)
    if not path.exists():
        raise ModelError(f"{who}: CTranslate2 model directory {path} does not exist; {hint}")
    if not path.is_dir():
        raise ModelError(f"{who}: {path} is not a directory; {hint}")
    if not (path / "model.bin").is_file() or not (path / "config.json").is_file():
        if has_weights(path):
            raise ModelError(
                f"{who}: {path} is a transformers model, not a converted one; use backend: hf"
                " for it, or run: tadqiq models convert NAME --int8 (NAME: an hf entry with"
                " this model:) and point model: at the directory it prints"
            )
        raise ModelError(f"{who}: {path} is not a CTranslate2 model (no model.bin); {hint}")
    if not (path / "tokenizer_config.json").is_file():
        raise ModelError(
            f"{who}: {path} has no tokenizer (tokenizer_config.json); convert it again with: "
            + _CONVERT_HINT.format(path=path).replace(" --output", " --force --output")
        )
    return path


def is_available_locally(spec: ModelSpec) -> bool:
    """True if ``spec``'s converted model directory is there (it is not loaded)."""
    try:
        model_dir(spec)
    except (ModelError, ConfigError):
        return False
    return True


class CT2Translator:
    """A CTranslate2 model, with the transformers tokenizer saved beside it.

    The directory is checked (and fingerprinted for the cache key) when the translator
    is made; ctranslate2 and the tokenizer are loaded on the first :meth:`translate`
    (or :meth:`load_weights`). ``inter_threads`` batches are translated in parallel,
    each with ``intra_threads`` threads.
    """

    def __init__(self, spec: ModelSpec) -> None:
        if spec.backend != "ctranslate2":
            raise ModelError(f"model {spec.name!r} has backend {spec.backend!r}, not 'ctranslate2'")
        if not _installed():
            raise ModelError(f"model {spec.name!r}: " + _not_installed())
        self.spec = spec
        self.directory = model_dir(spec)
        self._info = spec.model_info(
            revision=None, key_suffix="@local:" + directory_fingerprint(self.directory)
        )
        self.meta: dict[str, Any] = _read_json(self.directory / META_FILE)
        self._translator: Any = None
        self._tokenizer: Any = None
        self._device = "cpu"
        self._prefix: list[str] | None = None  # target prefix: NLLB/M2M100 language token
        self._options: dict[str, Any] = {}
        self._special_ids: frozenset[int] = frozenset()
        self._max_source_tokens = 512

    @property
    def info(self) -> ModelInfo:
        return self._info

    @property
    def device(self) -> str:
        return self._device

    @property
    def options(self) -> dict[str, Any]:
        """The keyword arguments passed to ``translate_batch`` (once loaded)."""
        return dict(self._options)

    def load_weights(self) -> None:
        """Load the tokenizer and the CTranslate2 model (once)."""
        if self._translator is not None:
            return
        ctranslate2 = _import_ctranslate2()
        try:
            import transformers
        except ImportError as exc:
            raise ModelError(
                f"backend 'ctranslate2' needs transformers for the tokenizer ({exc});"
                " install it with: pip install 'tadqiq[models]'"
            ) from exc
        spec, where = self.spec, str(self.directory)
        if spec.generation.alignments and importlib.util.find_spec("torch") is None:
            raise ModelError(
                f"model {spec.name!r}: word links (generation.alignments) need torch; install"
                " it with: pip install 'tadqiq[models]', or set 'alignments: false'"
            )
        device, index = self._pick_device(ctranslate2)
        supported = sorted(ctranslate2.get_supported_compute_types(device))
        if spec.compute_type not in ("default", "auto", *supported):
            raise ConfigError(
                f"{spec.where}.compute_type: {spec.compute_type!r} is not supported on {device}"
                f" here; expected one of default, auto, {', '.join(supported)}"
            )
        bar_was_on = transformers.utils.logging.is_progress_bar_enabled()
        transformers.utils.logging.disable_progress_bar()
        try:
            tokenizer = transformers.AutoTokenizer.from_pretrained(
                where, trust_remote_code=False, local_files_only=True
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(
                f"model {spec.name!r}: cannot load the tokenizer from {where}:"
                f" {type(exc).__name__}: {first_line(exc)}"
            ) from exc
        finally:
            if bar_was_on:
                transformers.utils.logging.enable_progress_bar()
        self._prefix = self._language_prefix(tokenizer)
        try:
            translator = ctranslate2.Translator(
                where,
                device=device,
                device_index=index,
                compute_type=spec.compute_type,
                inter_threads=spec.inter_threads,
                intra_threads=spec.intra_threads,
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(
                f"model {spec.name!r}: cannot load the CTranslate2 model from {where}:"
                f" {type(exc).__name__}: {first_line(exc)}; convert it again with: "
                + _CONVERT_HINT.format(path=where).replace(" --output", " --force --output")
            ) from exc
        positions = int(self.meta.get("max_position_embeddings") or 1024)
        limit = getattr(tokenizer, "model_max_length", positions) or positions
        self._max_source_tokens = int(min(limit, positions))
        self._options = self._decoding_options(positions)
        self._special_ids = self._unlinked_ids(tokenizer)
        self._tokenizer, self._translator, self._device = tokenizer, translator, device

    def _pick_device(self, ctranslate2: Any) -> tuple[str, int]:
        wanted = self.spec.device
        cuda = ctranslate2.get_cuda_device_count()
        if wanted == "auto":
            return ("cuda" if cuda > 0 else "cpu"), 0
        if wanted == "cpu":
            return "cpu", 0
        index = int(wanted.partition(":")[2] or 0)
        if index >= cuda:
            raise ModelError(
                f"model {self.spec.name!r}: device {wanted!r} requested but CTranslate2 sees"
                f" {counted(cuda, 'CUDA device')}; set 'device: auto' or 'device: cpu'"
            )
        return "cuda", index

    def _language_prefix(self, tokenizer: Any) -> list[str] | None:
        """NLLB/M2M100: set the source language, return the target-language prefix token."""
        spec = self.spec
        model_type = self.meta.get("model_type")
        src, tgt = spec.src_lang, spec.tgt_lang
        multilingual = model_type in MULTILINGUAL_MODEL_TYPES if model_type else bool(src or tgt)
        if not multilingual:
            return None
        if not src or not tgt:
            raise ConfigError(
                f"{spec.where}: {model_type or 'multilingual'} models need 'src_lang' and"
                " 'tgt_lang' (NLLB: arb_Arab, eng_Latn; M2M100: ar, en)"
            )
        ids = {}
        for key, code in (("src_lang", src), ("tgt_lang", tgt)):
            ids[key] = language_id(tokenizer, code)
            if ids[key] is None:
                raise ConfigError(
                    f"{spec.where}.{key}: {code!r} is not a language code of this model's tokenizer"
                )
        tokenizer.src_lang = src
        return [tokenizer.convert_ids_to_tokens(ids["tgt_lang"])]

    def _decoding_options(self, positions: int) -> dict[str, Any]:
        """``translate_batch`` options equivalent to the hf backend's ``generate`` call."""
        settings = self.spec.generation
        generation = _read_json(self.directory / "generation_config.json")
        max_new = int(min(settings.max_new_tokens, positions - 2))
        # transformers forces eos as the last of max_new_tokens; CTranslate2 stops without it.
        if generation.get("forced_eos_token_id") is not None:
            max_new -= 1
        min_length = int(generation.get("min_length") or 0)  # counts the decoder start token
        return {
            "beam_size": settings.num_beams,
            "max_decoding_length": max(max_new, 1),
            "min_decoding_length": max(min_length - 1, 0),
            "length_penalty": float(_or(generation.get("length_penalty"), 1.0)),
            "no_repeat_ngram_size": int(_or(generation.get("no_repeat_ngram_size"), 0)),
            "repetition_penalty": float(_or(generation.get("repetition_penalty"), 1.0)),
            "max_input_length": 0,  # long inputs are already split by split_encode()
            "return_attention": settings.alignments,
        }

    def _unlinked_ids(self, tokenizer: Any) -> frozenset[int]:
        """Token ids that stand for no word: eos, pad, language codes (not ``<unk>``)."""
        codes = (self.spec.src_lang, self.spec.tgt_lang) if self._prefix is not None else ()
        return unlinked_ids(tokenizer, codes)

    # --- translating ---------------------------------------------------------------------

    def translate(
        self, sentences: Sequence[str], progress: Progress | None = None
    ) -> list[Translation]:
        results, todo = blank_translations(sentences, progress)
        if not todo:
            return results
        self.load_weights()
        sources = [sentences[i] for i in todo]
        encoded, pieces = split_encode(self._tokenizer, sources, self._max_source_tokens)
        texts = [sources[p.sentence][p.start : p.end] for p in pieces]
        tokens = [self._tokenizer.convert_ids_to_tokens(ids) for ids in encoded]
        done: list[Translation | None] = [None] * len(pieces)
        finished = PieceProgress(pieces, progress)
        try:
            for members, outputs in self._run(tokens):
                for j, output in zip(members, outputs, strict=True):
                    done[j] = self._result(texts[j], tokens[j], output)
                finished.done(members)
        except (RuntimeError, ValueError, IndexError) as exc:
            raise ModelError(
                f"model {self.spec.name!r} failed: {type(exc).__name__}: {first_line(exc)}"
            ) from exc
        for i, translation in zip(todo, assemble(sources, pieces, done), strict=True):
            results[i] = translation
        return results

    def _run(self, tokens: list[list[str]]) -> Any:
        """Submit every sentence at once; yield (indices, results) chunk by chunk as they finish.

        Sentences are grouped by how many of them fit a batch: ``batch_size``, fewer for
        long sentences so that a batch never has more than ``max_batch_tokens`` padded
        source tokens. Each group goes to one asynchronous ``translate_batch`` call with
        that ``max_batch_size``: CTranslate2 sorts it by length, cuts it into batches and
        runs them on its ``inter_threads`` workers in parallel. A group smaller than
        ``inter_threads`` full batches is cut into equal batches so that no worker idles.
        """
        settings = self.spec.generation
        groups: dict[int, list[int]] = {}
        for j, toks in enumerate(tokens):
            fits = max(1, min(settings.batch_size, settings.max_batch_tokens // max(len(toks), 1)))
            groups.setdefault(fits, []).append(j)
        pending = []
        for fits in sorted(groups):  # long sentences first
            members = sorted(groups[fits], key=lambda j: -len(tokens[j]))
            size = min(fits, math.ceil(len(members) / self.spec.inter_threads))
            outputs = self._translator.translate_batch(
                [tokens[j] for j in members],
                target_prefix=[self._prefix] * len(members) if self._prefix else None,
                max_batch_size=size,
                batch_type="examples",
                asynchronous=True,
                **self._options,
            )
            pending.append((members, outputs, size))
        for members, outputs, size in pending:
            for start in range(0, len(members), size):
                chunk = outputs[start : start + size]
                yield members[start : start + size], [output.result() for output in chunk]

    def _result(self, source: str, source_tokens: list[str], output: Any) -> Translation:
        tokenizer = self._tokenizer
        hypothesis = list(output.hypotheses[0])
        ids = tokenizer.convert_tokens_to_ids(hypothesis)
        start = 1 if self._prefix and hypothesis[:1] == self._prefix else 0
        text = tokenizer.decode(ids[start:], skip_special_tokens=True).strip()
        if not self.spec.generation.alignments:
            return Translation(source, text)
        links = self._links(output.attention[0], source_tokens, source, hypothesis, ids, text)
        return Translation(source, text, links)

    def _links(
        self,
        attention: Sequence[Sequence[float]],
        source_tokens: list[str],
        source: str,
        hypothesis: list[str],
        hypothesis_ids: list[int],
        text: str,
    ) -> tuple[WordLink, ...]:
        """Word links from CTranslate2's attention: row t is what target token t attended to.

        The rows are the attention of the layer chosen at conversion (the penultimate;
        see :func:`_converter_class`) averaged over its heads, read while predicting
        each target token; the pieces are placed in the texts and the scores turned
        into links exactly as the hf backend does (:func:`translator.links.word_links`).
        """
        import torch

        tokenizer, specials = self._tokenizer, self._special_ids
        if not attention or not attention[0]:
            return ()
        matrix = torch.tensor(attention, dtype=torch.float32)  # (target, source)
        n_rows, n_cols = matrix.shape
        src_words, tgt_words = word_spans(source), word_spans(text)
        src_ids = tokenizer.convert_tokens_to_ids(source_tokens)
        src_of = piece_words(source_tokens, src_ids, source, src_words, specials)
        tgt_of = piece_words(
            hypothesis, hypothesis_ids, text, tgt_words, specials | {tokenizer.unk_token_id}
        )
        rows = [(t, w) for t, w in enumerate(tgt_of) if w is not None and t < n_rows]
        cols = [(s, w) for s, w in enumerate(src_of) if w is not None and s < n_cols]
        scores = word_scores(matrix, rows, cols, len(tgt_words), len(src_words))
        return word_links(scores, src_words, tgt_words)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _or(value: Any, default: Any) -> Any:
    return default if value is None else value
