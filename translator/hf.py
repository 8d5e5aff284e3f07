"""The hf backend: a transformers seq2seq model (Marian/opus-mt, NLLB, M2M100) run with torch.

Owns :class:`HFTranslator` (loading tokenizer and weights, device, dtype, optional
dynamic int8 quantisation, ``generate`` with the models.yaml settings) and
:func:`step_attention` (the cross-attention ``generate`` returns, per kept hypothesis
and step). Everything else it uses is shared with the CTranslate2 backend and lives in
its own module:

- :mod:`translator.hub` — finding or downloading the weights (``HF_HUB_OFFLINE``...);
- :mod:`translator.batching` — blank sentences, token-budget batches;
- :mod:`translator.split` — sentences longer than the model's maximum input;
- :mod:`translator.links` — word links from attention;
- :mod:`translator.languages` — NLLB/M2M100 language codes.

Nothing here imports torch or transformers at module level: :class:`HFTranslator` loads
the weights on first use, so a run answered entirely from the translation cache never
imports torch. Models are always loaded from a local directory (see
:func:`translator.hub.resolve_model_dir`), never with ``trust_remote_code``; a model
with only pickle weights is refused unless its entry sets ``allow_pickle: true``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

from eval.values import WordLink, counted
from tadqiq.errors import ConfigError, ModelError

from .base import ModelInfo, Progress, Translation
from .batching import blank_translations, plan_batches
from .hub import (
    directory_fingerprint,
    has_safetensors,
    refuse_pickle_only,
    resolve_model_dir,
)
from .languages import MULTILINGUAL_MODEL_TYPES, language_id
from .links import piece_words, unlinked_ids, word_links, word_scores, word_spans
from .registry import QUANTIZE, ModelSpec, first_line
from .split import PieceProgress, assemble, split_encode

__all__ = ["HFTranslator", "load", "step_attention"]


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
            revision, pin = None, "@local:" + directory_fingerprint(self.directory)
        else:
            revision = self.directory.name  # snapshot folders are named by commit hash
            pin = "@" + revision
        self._info = spec.model_info(revision=revision, key_suffix=pin)
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
                    True if has_safetensors(self.directory) or not self.spec.allow_pickle else None
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
        if model_type not in MULTILINGUAL_MODEL_TYPES:
            return {}
        if not src or not tgt:
            raise ConfigError(
                f"{self.spec.where}: {model_type} models need 'src_lang' and 'tgt_lang'"
                " (NLLB: arb_Arab, eng_Latn; M2M100: ar, en)"
            )
        src_id, tgt_id = (language_id(tokenizer, code) for code in (src, tgt))
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
                f"model {self.spec.name!r} failed on a batch of {counted(len(batch), 'sentence')}{hint}:"
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
            src_words = word_spans(source)
            src_of = piece_words(
                tokenizer.convert_ids_to_tokens(ids), ids, source, src_words, specials
            )
            target = [int(i) for i in output[k].tolist()]
            tgt_words = word_spans(text)
            tgt_of = piece_words(
                tokenizer.convert_ids_to_tokens(target), target, text, tgt_words, specials | {unk}
            )
            steps = attention.shape[1]
            rows = [(t - 1, w) for t, w in enumerate(tgt_of) if 1 <= t <= steps and w is not None]
            cols = [(first + s, w) for s, w in enumerate(src_of) if w is not None]
            scores = word_scores(attention[k], rows, cols, len(tgt_words), len(src_words))
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


def _is_oom(torch: Any, exc: BaseException) -> bool:
    oom = getattr(torch, "OutOfMemoryError", None)
    return (oom is not None and isinstance(exc, oom)) or "out of memory" in str(exc)
