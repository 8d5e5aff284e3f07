"""Translation speed on an opus-mt-ar-en-shaped model: ``python bench/translate_speed.py [--quick] [--nllb] [--json OUT]``.

What is measured (issue 6):

- Model: a randomly initialised Marian model of exactly the Helsinki-NLP/opus-mt-ar-en
  shape (6+6 layers, d_model 512, 8 heads, FFN 2048, vocabulary 62,834; ~76.8 M
  parameters), saved with ``save_pretrained`` in a temporary directory. Compute does not
  depend on the weights, so nothing is downloaded. ``--nllb`` adds an NLLB-600M-shaped
  model (M2M100 architecture, 12+12 layers, d_model 1024, 16 heads, FFN 4096,
  vocabulary 256,206; ~615 M parameters) and a shorter list of methods for it.
- Tokenizer: a real sentencepiece model trained on generated text (as in
  ``tests/tiny_models.py``), padded with filler pieces to the real vocabulary size. The
  workload is a list of texts whose encodings are 15–60 tokens (mean ~35, seeded); the
  raw methods are fed those token ids, the translator paths the texts (so they pay for
  tokenising, as a user does).
- Output length: forced to round(1.2 × input length) for every method. One sentence at
  a time, the target is that sentence's; in a batch, that of the batch's longest
  sentence (the shorter ones pay for padding, as in real batched decoding). Every method
  is credited with the same *useful* output tokens, the sum over sentences of
  round(1.2 × input length), so tok/s compares wall-clock time for the same work.
  transformers is forced with ``min_new_tokens = max_new_tokens``, CTranslate2 with
  ``min_decoding_length = max_decoding_length``; the translator paths are forced by
  wrapping their model's ``generate`` (hf) or ``translate_batch`` (ctranslate2), which
  the translator calls with its own batches.
- Ceiling: fp32 GFLOP/s of a square ``torch.matmul`` on this machine divided by ~146
  MFLOP per greedy output token (≈ 2 × 76.8 M parameters less the embedding-only work,
  the estimate of issue 6).
- Cache: the default translator path runs through a :class:`CachedTranslator` with an
  empty cache; the same texts are then translated again, and the second run's time is
  reported as a share of the first's.

Ratios are against naive greedy (one sentence at a time) measured in the same run;
beam-4 methods are also given against naive beam 4.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

MFLOP_PER_TOKEN = 146.0
# NLLB-600M: ~2 FLOP per parameter (615 M, the 256k×1024 output projection included).
NLLB_MFLOP_PER_TOKEN = 1230.0
MARIAN_VOCAB = 62_834
NLLB_VOCAB = 256_206
BATCH = 32


# --- models ------------------------------------------------------------------------------


def _padded_vocab(processor: Any, size: int, specials: list[str]) -> dict[str, int]:
    """The sentencepiece pieces, the ``specials`` first, then filler up to ``size`` entries."""
    vocab: dict[str, int] = {token: i for i, token in enumerate(specials)}
    for i in range(processor.get_piece_size()):
        vocab.setdefault(processor.id_to_piece(i), len(vocab))
    while len(vocab) < size:
        vocab[f"<x{len(vocab)}>"] = len(vocab)
    return vocab


def build_marian(out_dir: Path) -> Path:
    """Save an opus-mt-ar-en-shaped random Marian model and a small real tokenizer."""
    import sentencepiece
    import torch
    from tiny_models import train_sentencepiece
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    work = out_dir / "spm"
    spm_file = train_sentencepiece(work, vocab_size=400)
    processor = sentencepiece.SentencePieceProcessor(model_file=str(spm_file))
    vocab = _padded_vocab(processor, MARIAN_VOCAB - 1, ["</s>", "<unk>"])
    vocab["<pad>"] = MARIAN_VOCAB - 1
    vocab_file = work / "vocab.json"
    vocab_file.write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")
        tokenizer = MarianTokenizer(
            str(spm_file), str(spm_file), str(vocab_file), source_lang="ar", target_lang="en"
        )
    config = MarianConfig(
        vocab_size=MARIAN_VOCAB,
        d_model=512,
        encoder_layers=6,
        decoder_layers=6,
        encoder_attention_heads=8,
        decoder_attention_heads=8,
        encoder_ffn_dim=2048,
        decoder_ffn_dim=2048,
        max_position_embeddings=512,
        pad_token_id=MARIAN_VOCAB - 1,
        eos_token_id=0,
        forced_eos_token_id=0,
        decoder_start_token_id=MARIAN_VOCAB - 1,
        scale_embedding=True,
    )
    torch.manual_seed(0)
    model = MarianMTModel(config)
    model_dir = out_dir / "opus-mt-ar-en-shaped"
    tokenizer.save_pretrained(model_dir)
    model.save_pretrained(model_dir)
    return model_dir


def build_nllb(out_dir: Path) -> Path:
    """Save an NLLB-600M-shaped random model with a BPE tokenizer of the real vocabulary size."""
    import torch
    from tiny_models import nllb_tokenizer
    from transformers import M2M100Config, M2M100ForConditionalGeneration

    tokenizer = nllb_tokenizer(NLLB_VOCAB, model_max_length=1024)
    config = M2M100Config(
        vocab_size=len(tokenizer),
        d_model=1024,
        encoder_layers=12,
        decoder_layers=12,
        encoder_attention_heads=16,
        decoder_attention_heads=16,
        encoder_ffn_dim=4096,
        decoder_ffn_dim=4096,
        max_position_embeddings=1024,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
        scale_embedding=True,
    )
    torch.manual_seed(0)
    model = M2M100ForConditionalGeneration(config)
    model_dir = out_dir / "nllb-600m-shaped"
    tokenizer.save_pretrained(model_dir)
    model.save_pretrained(model_dir)
    return model_dir


def workload(tokenizer: Any, n: int, seed: int = 7) -> tuple[list[str], list[list[int]]]:
    """``n`` texts whose encodings are 15–60 tokens (mean ~35), and those encodings."""
    from tiny_models import training_text

    rng = random.Random(seed)
    words = " ".join(training_text(600, seed=seed)[::2]).split()
    texts: list[str] = []
    ids: list[list[int]] = []
    while len(texts) < n:
        want = min(60, max(15, round(rng.gauss(32, 10))))
        chosen: list[str] = []
        while True:
            chosen.append(rng.choice(words))
            encoded = tokenizer(" ".join(chosen))["input_ids"]
            if len(encoded) >= want:
                break
        if 15 <= len(encoded) <= 60:
            texts.append(" ".join(chosen))
            ids.append(encoded)
    return texts, ids


def target(length: int) -> int:
    """Forced output length for an input of ``length`` tokens."""
    return round(1.2 * length)


def matmul_gflops(seconds: float = 1.5) -> float:
    """Sustained fp32 GFLOP/s of a 1024² matmul on this machine."""
    import torch

    n = 1024
    a, b = torch.randn(n, n), torch.randn(n, n)
    torch.matmul(a, b)
    runs, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        torch.matmul(a, b)
        runs += 1
    return 2 * n**3 * runs / (time.perf_counter() - start) / 1e9


def cpu_name() -> str:
    """The CPU model name from /proc/cpuinfo (Linux), else what platform says."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def bf16_supported() -> bool:
    """True if this CPU has native bf16 (AVX512-BF16 or AMX)."""
    import torch

    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(getattr(torch.cpu, name, lambda: False)() for name in checks)


# --- raw methods -------------------------------------------------------------------------


def sorted_batches(ids: list[list[int]], batch: int) -> list[list[list[int]]]:
    order = sorted(range(len(ids)), key=lambda i: -len(ids[i]))
    return [[ids[i] for i in order[s : s + batch]] for s in range(0, len(order), batch)]


def hf_generate(model: Any, rows: list[list[int]], pad: int, beams: int, extra: dict) -> None:
    """One forced-length ``generate`` call on ``rows`` (padded on the right)."""
    import torch

    width = max(len(r) for r in rows)
    input_ids = torch.full((len(rows), width), pad, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for k, row in enumerate(rows):
        input_ids[k, : len(row)] = torch.tensor(row)
        mask[k, : len(row)] = 1
    with torch.inference_mode():
        model.generate(
            input_ids=input_ids,
            attention_mask=mask,
            num_beams=beams,
            do_sample=False,
            min_new_tokens=target(width),
            max_new_tokens=target(width),
            **extra,
        )


def hf_batches(
    model: Any,
    ids: list[list[int]],
    batch: int,
    pad: int,
    beams: int = 1,
    extra: dict | None = None,
) -> None:
    for rows in sorted_batches(ids, batch):
        hf_generate(model, rows, pad, beams, extra or {})


def hf_workers(model: Any, ids: list[list[int]], batch: int, pad: int, workers: int = 2) -> None:
    """Length-sorted batches shared by ``workers`` Python threads, torch at one thread each."""
    import torch

    batches = sorted_batches(ids, batch)
    lock = threading.Lock()
    threads_before = torch.get_num_threads()
    torch.set_num_threads(1)

    def work() -> None:
        while True:
            with lock:
                if not batches:
                    return
                rows = batches.pop(0)
            hf_generate(model, rows, pad, 1, {})

    try:
        pool = [threading.Thread(target=work) for _ in range(workers)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
    finally:
        torch.set_num_threads(threads_before)


def ct2_batches(translator: Any, tokens: list[list[str]], batch: int, beams: int = 1) -> None:
    """Length-sorted forced-length batches, all submitted at once to the translator's workers."""
    order = sorted(range(len(tokens)), key=lambda i: -len(tokens[i]))
    pending = []
    for start in range(0, len(order), batch):
        rows = [tokens[i] for i in order[start : start + batch]]
        width = max(len(r) for r in rows)
        pending.extend(
            translator.translate_batch(
                rows,
                beam_size=beams,
                min_decoding_length=target(width),
                max_decoding_length=target(width),
                max_batch_size=batch,
                asynchronous=True,
            )
        )
    for result in pending:
        result.result()


# --- translator paths (what tadqiq runs), forced to the same output length --------------


def force_hf_length(model: Any) -> None:
    """Make ``model.generate`` (as the translator calls it) emit 1.2× the batch's longest input."""
    inner = model.generate

    def generate(**kwargs: Any) -> Any:
        width = int(kwargs["attention_mask"].sum(dim=1).max())
        kwargs.update(min_new_tokens=target(width), max_new_tokens=target(width))
        return inner(**kwargs)

    model.generate = generate


class ForcedCT2:
    """Stands in for a ``ctranslate2.Translator``: the translator's calls, cut into the
    length-sorted batches CTranslate2 would make, each forced to 1.2× its longest input."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def translate_batch(self, source: list[list[str]], **kwargs: Any) -> list[Any]:
        size = kwargs.pop("max_batch_size", 0) or len(source)
        prefix = kwargs.pop("target_prefix", None)
        kwargs.pop("asynchronous", None)
        order = sorted(range(len(source)), key=lambda i: -len(source[i]))
        results: list[Any] = [None] * len(source)
        for start in range(0, len(order), size):
            chunk = order[start : start + size]
            width = max(len(source[i]) for i in chunk)
            kwargs.update(min_decoding_length=target(width), max_decoding_length=target(width))
            outputs = self.inner.translate_batch(
                [source[i] for i in chunk],
                target_prefix=[prefix[i] for i in chunk] if prefix else None,
                max_batch_size=size,
                asynchronous=True,
                **kwargs,
            )
            for i, output in zip(chunk, outputs, strict=True):
                results[i] = output
        return results


def translator_path(model_dir: Path, tmp: Path, entry: str) -> Any:
    """A translator loaded through the registry (as ``tadqiq check`` does), forced, warmed up."""
    from translator import load_translator, parse_registry

    backend = "" if "backend:" in entry else "    backend: hf\n"
    text = f"default: m\nmodels:\n  m:\n    model: {model_dir}\n    device: cpu\n{backend}{entry}"
    spec = parse_registry(text, tmp / "models.yaml").default
    translator = load_translator(spec, allow_download=False)
    translator.load_weights()
    if spec.backend == "hf":
        force_hf_length(translator._model)
    else:
        translator._translator = ForcedCT2(translator._translator)
    return translator


# --- the run -----------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    tokens_per_s: float | None
    beams: int = 1
    note: str = ""


def timed(run: Callable[[], None], repeats: int = 1) -> float:
    """The best wall-clock time of ``repeats`` runs (this machine's timings are noisy)."""
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


class Bench:
    def __init__(self, useful: int, repeats: int) -> None:
        self.useful = useful
        self.repeats = repeats
        self.results: list[Result] = []

    def add(self, name: str, seconds: float | None, beams: int = 1, note: str = "") -> None:
        rate = None if seconds is None else self.useful / seconds
        self.results.append(Result(name, rate, beams, note))
        shown = (note or "skipped") if rate is None else f"{rate:.0f} tok/s"
        print(f"  {name}: {shown}", flush=True)

    def run(
        self, name: str, job: Callable[[], None] | None, beams: int = 1, note: str = ""
    ) -> None:
        self.add(name, None if job is None else timed(job, self.repeats), beams, note)


def bench_marian(tmp: Path, n: int, repeats: int) -> tuple[Bench, dict[str, Any]]:
    import ctranslate2
    import torch
    from transformers import AutoTokenizer, MarianMTModel

    from translator import CachedTranslator, TranslationCache
    from translator.ct2 import convert

    model_dir = build_marian(tmp)
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    texts, ids = workload(tokenizer, n)
    tokens = [tokenizer.convert_ids_to_tokens(row) for row in ids]
    useful = sum(target(len(r)) for r in ids)
    lengths = [len(r) for r in ids]
    print(
        f"opus-mt-ar-en shape: {n} sentences, input tokens {min(lengths)}–{max(lengths)} (mean"
        f" {sum(lengths) / n:.1f}), {useful} output tokens; torch threads {torch.get_num_threads()}"
    )
    model = MarianMTModel.from_pretrained(model_dir).eval()
    pad = model.config.pad_token_id
    bench = Bench(useful, repeats)

    hf_batches(model, ids[:2], 1, pad)  # warm-up
    bench.run(
        "naive greedy (transformers, 1 sentence at a time)", lambda: hf_batches(model, ids, 1, pad)
    )
    bench.run(
        "naive beam 4 (transformers, 1 sentence at a time)",
        lambda: hf_batches(model, ids, 1, pad, beams=4),
        beams=4,
    )
    bench.run(
        f"transformers batched fp32 greedy (batch {BATCH}, length-sorted)",
        lambda: hf_batches(model, ids, BATCH, pad),
    )
    bench.run(
        f"transformers batched fp32 greedy, 2 workers × 1 thread (batch {BATCH})",
        lambda: hf_workers(model, ids, BATCH, pad),
    )
    bench.run(
        f"transformers batched fp32 beam 4 (batch {BATCH})",
        lambda: hf_batches(model, ids, BATCH, pad, beams=4),
        beams=4,
    )

    # The default translator path: models.yaml defaults (batching, word links), greedy,
    # through the translation cache (a new, empty one for each repeat); then the same
    # texts again, all cache hits.
    inner = translator_path(model_dir, tmp, "    generation: {num_beams: 1}\n")
    inner.translate(texts[:2])  # warm-up, not cached
    first = second = math.inf
    for repeat in range(repeats):
        with TranslationCache(tmp / f"cache-{repeat}.sqlite") as cache:
            default = CachedTranslator(inner, cache)
            first = min(first, timed(lambda: default.translate(texts)))  # noqa: B023
            second = min(second, timed(lambda: default.translate(texts)))  # noqa: B023
            assert default.hits == len(texts), "the second run was not answered by the cache"
    bench.add("tadqiq default path (hf, fp32, greedy, word links, cache)", first)
    print(
        f"  second run of the same texts (cache): {second:.4f} s = {100 * second / first:.2f}% of the first"
    )
    beam_path = translator_path(model_dir, tmp, "")
    beam_path.translate(texts[:2])
    bench.run(
        "tadqiq default path, beam 4 (models.yaml default)",
        lambda: beam_path.translate(texts),
        beams=4,
    )

    quantized = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    hf_batches(quantized, ids[:2], 2, pad)
    bench.run(
        f"torch dynamic int8 greedy (batch {BATCH})", lambda: hf_batches(quantized, ids, BATCH, pad)
    )
    int8_path = translator_path(
        model_dir, tmp, "    quantize: dynamic-int8\n    generation: {num_beams: 1}\n"
    )
    int8_path.translate(texts[:2])
    bench.run("tadqiq hf path, quantize: dynamic-int8, greedy", lambda: int8_path.translate(texts))

    if bf16_supported():
        half = MarianMTModel.from_pretrained(model_dir, dtype=torch.bfloat16).eval()
        hf_batches(half, ids[:2], 2, pad)
        bench.run(f"bf16 greedy (batch {BATCH})", lambda: hf_batches(half, ids, BATCH, pad))
        del half
        bf16_path = translator_path(
            model_dir, tmp, "    dtype: bfloat16\n    generation: {num_beams: 1}\n"
        )
        bf16_path.translate(texts[:2])
        bench.run("tadqiq hf path, dtype: bfloat16, greedy", lambda: bf16_path.translate(texts))
        del bf16_path
    else:
        bench.run(f"bf16 greedy (batch {BATCH})", None, note="skipped: no bf16 on this CPU")

    ct2_dir = convert(model_dir, tmp / "ct2-int8", quantization="int8")
    for inter, intra in ((1, 2), (2, 1)):
        ct2 = ctranslate2.Translator(
            str(ct2_dir),
            device="cpu",
            compute_type="int8",
            inter_threads=inter,
            intra_threads=intra,
        )
        ct2_batches(ct2, tokens[:4], 2)
        label = (
            f"{inter} worker{'s' if inter > 1 else ''} × {intra} thread{'s' if intra > 1 else ''}"
        )
        bench.run(
            f"CTranslate2 int8 greedy, {label} (batch {BATCH})",
            lambda ct2=ct2: ct2_batches(ct2, tokens, BATCH),
        )
        if inter == 2:
            bench.run(
                f"CTranslate2 int8 beam 4, {label} (batch {BATCH})",
                lambda ct2=ct2: ct2_batches(ct2, tokens, BATCH, beams=4),
                beams=4,
            )
        del ct2
    ct2_entry = "    backend: ctranslate2\n    compute_type: int8\n"
    ct2_path = translator_path(ct2_dir, tmp, ct2_entry + "    generation: {num_beams: 1}\n")
    ct2_path.translate(texts[:2])
    bench.run(
        "tadqiq ctranslate2 path, int8, greedy, word links", lambda: ct2_path.translate(texts)
    )
    ct2_beam = translator_path(ct2_dir, tmp, ct2_entry)
    ct2_beam.translate(texts[:2])
    bench.run(
        "tadqiq ctranslate2 path, int8, beam 4, word links",
        lambda: ct2_beam.translate(texts),
        beams=4,
    )
    facts = {"sentences": n, "output_tokens": useful, "cache_second_run_share": second / first}
    return bench, facts


def bench_nllb(tmp: Path, n: int, repeats: int) -> Bench:
    import ctranslate2
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    from translator.ct2 import convert

    model_dir = build_nllb(tmp)
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    texts, ids = workload(tokenizer, n)
    tokens = [tokenizer.convert_ids_to_tokens(row) for row in ids]
    useful = sum(target(len(r)) for r in ids)
    print(f"\nNLLB-600M shape: {n} sentences, {useful} output tokens")
    model = AutoModelForSeq2SeqLM.from_pretrained(model_dir).eval()
    pad = model.config.pad_token_id
    extra = {"forced_bos_token_id": tokenizer.convert_tokens_to_ids("eng_Latn")}
    bench = Bench(useful, repeats)
    hf_batches(model, ids[:2], 1, pad, extra=extra)
    bench.run(
        "naive greedy (transformers, 1 sentence at a time)",
        lambda: hf_batches(model, ids, 1, pad, extra=extra),
    )
    bench.run(
        f"transformers batched fp32 greedy (batch {BATCH})",
        lambda: hf_batches(model, ids, BATCH, pad, extra=extra),
    )
    langs = "    src_lang: arb_Arab\n    tgt_lang: eng_Latn\n"
    path = translator_path(model_dir, tmp, langs + "    generation: {num_beams: 1}\n")
    path.translate(texts[:2])
    bench.run("tadqiq default path (hf, fp32, greedy, word links)", lambda: path.translate(texts))
    ct2_dir = convert(model_dir, tmp / "nllb-ct2-int8", quantization="int8")
    ct2 = ctranslate2.Translator(
        str(ct2_dir), device="cpu", compute_type="int8", inter_threads=2, intra_threads=1
    )
    prefix = ["eng_Latn"]

    def run_ct2() -> None:
        order = sorted(range(len(tokens)), key=lambda i: -len(tokens[i]))
        pending = []
        for start in range(0, len(order), BATCH):
            rows = [tokens[i] for i in order[start : start + BATCH]]
            width = max(len(r) for r in rows)
            pending.extend(
                ct2.translate_batch(
                    rows,
                    target_prefix=[prefix] * len(rows),
                    min_decoding_length=target(width) + 1,
                    max_decoding_length=target(width) + 1,
                    asynchronous=True,
                )
            )
        for result in pending:
            result.result()

    bench.run(f"CTranslate2 int8 greedy, 2 workers × 1 thread (batch {BATCH})", run_ct2)
    return bench


def table(bench: Bench, ceiling: float) -> list[dict[str, Any]]:
    naive = bench.results[0].tokens_per_s or math.nan
    naive_beam = next((r.tokens_per_s for r in bench.results if r.beams == 4), None) or math.nan
    print(
        f"| method | output tok/s | × naive greedy | × naive beam 4 | % of fp32 ceiling ({ceiling:.0f} tok/s) |"
    )
    print("|---|---|---|---|---|")
    rows = []
    for r in bench.results:
        rate = r.tokens_per_s
        if rate is None:
            print(f"| {r.name} | {r.note} | | | |")
        else:
            beam = f"{rate / naive_beam:.1f}" if r.beams == 4 else ""
            print(
                f"| {r.name} | {rate:.0f} | {rate / naive:.1f} | {beam} | {100 * rate / ceiling:.0f}% |"
            )
        rows.append(
            {
                "name": r.name,
                "beams": r.beams,
                "tokens_per_s": rate,
                "ratio_vs_naive_greedy": None if rate is None else rate / naive,
                "ratio_vs_naive_beam4": None if rate is None or r.beams != 4 else rate / naive_beam,
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="40 sentences instead of 200")
    parser.add_argument("--sentences", type=int, help="workload size (overrides --quick)")
    parser.add_argument("--repeats", type=int, default=2, help="best of this many runs per method")
    parser.add_argument("--nllb", action="store_true", help="also an NLLB-600M-shaped model")
    parser.add_argument("--json", type=Path, help="write the results to this JSON file")
    args = parser.parse_args(argv)

    import torch
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    warnings.filterwarnings("ignore")
    n = args.sentences or (40 if args.quick else 200)
    gflops = matmul_gflops()
    ceiling = gflops * 1e3 / MFLOP_PER_TOKEN
    machine = f"{cpu_name()}, {os.cpu_count()} CPUs, {torch.get_num_threads()} torch threads"
    print(
        f"fp32 matmul {gflops:.0f} GFLOP/s → ceiling {ceiling:.0f} tok/s at {MFLOP_PER_TOKEN:.0f} MFLOP/token"
    )
    with tempfile.TemporaryDirectory() as tmp:
        bench, facts = bench_marian(Path(tmp), n, args.repeats)
        print()
        methods = table(bench, ceiling)
        nllb_methods = None
        if args.nllb:
            nllb = bench_nllb(Path(tmp), max(n // 10, 8), 1)
            print()
            nllb_methods = table(nllb, gflops * 1e3 / NLLB_MFLOP_PER_TOKEN)
    default = next(m for m in methods if m["name"].startswith("tadqiq default path (hf"))
    greedy = [m for m in methods if m["beams"] == 1 and m["tokens_per_s"]]
    beam = [m for m in methods if m["beams"] == 4 and m["tokens_per_s"]]
    best = max(greedy, key=lambda m: m["tokens_per_s"])
    best_beam = max(beam, key=lambda m: m["tokens_per_s"])
    print(
        f"\ndefault path {default['ratio_vs_naive_greedy']:.1f}× naive greedy (target ≥ 6.5);"
        f" fastest greedy {best['ratio_vs_naive_greedy']:.1f}× ({best['name']}; target ≥ 25);"
        f" fastest beam 4 {best_beam['ratio_vs_naive_beam4']:.1f}× naive beam 4"
        f" ({best_beam['name']}; target ≥ 10); cache second run"
        f" {100 * facts['cache_second_run_share']:.2f}% of the first (target ≤ 1%)"
    )
    if args.json:
        payload = {
            "date": date.today().isoformat(),
            "machine": machine,
            "fp32_gflops": gflops,
            **facts,
            "methods": methods,
            "default_ratio": default["ratio_vs_naive_greedy"],
            "fastest_greedy_ratio": best["ratio_vs_naive_greedy"],
            "fastest_beam4_ratio_vs_naive_beam4": best_beam["ratio_vs_naive_beam4"],
            "nllb_methods": nllb_methods,
        }
        tmp_out = args.json.with_name(args.json.name + ".tmp")
        tmp_out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        tmp_out.replace(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
