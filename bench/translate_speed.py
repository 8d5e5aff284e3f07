"""Translation speed on an opus-mt-ar-en-shaped model: ``python bench/translate_speed.py [--quick] [--json OUT]``.

What is measured (issue 6):

- Model: a randomly initialised Marian model of exactly the Helsinki-NLP/opus-mt-ar-en
  shape (6+6 layers, d_model 512, 8 heads, FFN 2048, vocabulary 62,834; ~76.8 M
  parameters), saved with ``save_pretrained`` in a temporary directory. Compute does not
  depend on the weights, so nothing is downloaded.
- Tokenizer: a real sentencepiece model trained on generated text (as in
  ``tests/tiny_models.py``); it is only needed by the default translator path, which
  takes text. The workload is a list of texts whose encodings are 15–60 tokens
  (mean ~35, seeded); every other method is fed those same token ids directly, so
  tokenizer cost is only in the default path (as it is for a user).
- Output length: forced to round(1.2 × input length) by passing
  ``min_new_tokens = max_new_tokens = target`` to ``generate``. For one sentence at a
  time the target is that sentence's; in a batch it is that of the batch's longest
  sentence (the shorter ones pay for padding, as in real batched decoding). Every method
  is credited with the same *useful* output tokens, sum over sentences of
  round(1.2 × input length), so tok/s compares wall-clock time for the same work.
- Ceiling: fp32 GFLOP/s of a square ``torch.matmul`` divided by ~146 MFLOP per output
  token (≈ 2 × 76.8 M parameters less the embedding-only work, the estimate of issue 6).

Methods: naive (one sentence at a time, greedy); default (``HFTranslator.translate``
with the registry's default generation settings except ``num_beams: 1``: its own
batching, word links included); batched fp32 greedy (batch 32, length-sorted); torch
dynamic int8 (``quantize_dynamic`` on ``nn.Linear``) batch 32; bf16 batch 32 (skipped
if the CPU lacks bf16 support).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

MFLOP_PER_TOKEN = 146.0
VOCAB = 62_834
BATCH = 32


def build_model(out_dir: Path) -> Path:
    """Save an opus-mt-ar-en-shaped random Marian model and a small real tokenizer."""
    import sentencepiece
    import torch
    from tiny_models import train_sentencepiece
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    work = out_dir / "spm"
    spm_file = train_sentencepiece(work, vocab_size=400)
    processor = sentencepiece.SentencePieceProcessor(model_file=str(spm_file))
    vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
    for i in range(processor.get_piece_size()):
        vocab.setdefault(processor.id_to_piece(i), len(vocab))
    for i in range(len(vocab), VOCAB - 1):  # filler pieces up to the real vocabulary size
        vocab[f"<x{i}>"] = i
    vocab["<pad>"] = VOCAB - 1
    vocab_file = work / "vocab.json"
    vocab_file.write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")
        tokenizer = MarianTokenizer(
            str(spm_file), str(spm_file), str(vocab_file), source_lang="ar", target_lang="en"
        )
    config = MarianConfig(
        vocab_size=VOCAB,
        d_model=512,
        encoder_layers=6,
        decoder_layers=6,
        encoder_attention_heads=8,
        decoder_attention_heads=8,
        encoder_ffn_dim=2048,
        decoder_ffn_dim=2048,
        max_position_embeddings=512,
        pad_token_id=VOCAB - 1,
        eos_token_id=0,
        forced_eos_token_id=0,
        decoder_start_token_id=VOCAB - 1,
        scale_embedding=True,
    )
    torch.manual_seed(0)
    model = MarianMTModel(config)
    model_dir = out_dir / "opus-mt-ar-en-shaped"
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


def generate_batches(model: Any, ids: list[list[int]], batch: int, pad: int) -> None:
    """Greedy, length-sorted batches of ``batch``, output forced to 1.2× the batch's longest."""
    import torch

    order = sorted(range(len(ids)), key=lambda i: -len(ids[i]))
    with torch.inference_mode():
        for start in range(0, len(order), batch):
            rows = [ids[i] for i in order[start : start + batch]]
            width = max(len(r) for r in rows)
            input_ids = torch.full((len(rows), width), pad, dtype=torch.long)
            mask = torch.zeros((len(rows), width), dtype=torch.long)
            for k, row in enumerate(rows):
                input_ids[k, : len(row)] = torch.tensor(row)
                mask[k, : len(row)] = 1
            model.generate(
                input_ids=input_ids,
                attention_mask=mask,
                num_beams=1,
                do_sample=False,
                use_cache=True,
                min_new_tokens=target(width),
                max_new_tokens=target(width),
            )


def force_length(model: Any) -> None:
    """Make ``model.generate`` (as the translator calls it) emit 1.2× the batch's longest input."""
    inner = model.generate

    def generate(**kwargs: Any) -> Any:
        width = int(kwargs["attention_mask"].sum(dim=1).max())
        kwargs.update(min_new_tokens=target(width), max_new_tokens=target(width))
        return inner(**kwargs)

    model.generate = generate


def bf16_supported() -> bool:
    """True if this CPU has native bf16 (AVX512-BF16 or AMX)."""
    import torch

    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(getattr(torch.cpu, name, lambda: False)() for name in checks)


def timed(run: Callable[[], None]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="40 sentences instead of 200")
    parser.add_argument("--json", type=Path, help="write the results to this JSON file")
    args = parser.parse_args(argv)

    import torch
    from transformers import AutoTokenizer, MarianMTModel
    from transformers.utils import logging as hf_logging

    from translator import parse_registry
    from translator.hf import HFTranslator

    hf_logging.set_verbosity_error()
    warnings.filterwarnings("ignore")
    n = 40 if args.quick else 200
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = build_model(Path(tmp))
        tokenizer = AutoTokenizer.from_pretrained(model_dir)
        texts, ids = workload(tokenizer, n)
        useful = sum(target(len(r)) for r in ids)
        lengths = [len(r) for r in ids]
        print(
            f"{n} sentences, input tokens {min(lengths)}–{max(lengths)} (mean"
            f" {sum(lengths) / n:.1f}), {useful} output tokens; torch threads"
            f" {torch.get_num_threads()}"
        )
        gflops = matmul_gflops()
        ceiling = gflops * 1e3 / MFLOP_PER_TOKEN
        model = MarianMTModel.from_pretrained(model_dir).eval()
        params = sum(p.numel() for p in model.parameters())
        print(f"model {params / 1e6:.1f} M parameters; fp32 matmul {gflops:.0f} GFLOP/s")
        pad = model.config.pad_token_id
        results: list[tuple[str, float | None]] = []

        def record(name: str, seconds: float | None) -> None:
            rate = None if seconds is None else useful / seconds
            results.append((name, rate))
            print(f"  {name}: {'skipped' if rate is None else f'{rate:.0f} tok/s'}", flush=True)

        generate_batches(model, ids[:2], 1, pad)  # warm-up
        record(
            "naive greedy (1 sentence at a time)",
            timed(lambda: generate_batches(model, ids, 1, pad)),
        )

        registry = parse_registry(
            f"default: m\nmodels:\n  m:\n    backend: hf\n    model: {model_dir}\n"
            "    device: cpu\n    generation: {num_beams: 1}\n",
            Path(tmp) / "models.yaml",
        )
        translator = HFTranslator(registry.default)
        translator.load_weights()
        force_length(translator._model)
        translator.translate(texts[:2])  # warm-up
        record("default translator path (greedy)", timed(lambda: translator.translate(texts)))

        record(
            f"batched fp32 greedy (batch {BATCH})",
            timed(lambda: generate_batches(model, ids, BATCH, pad)),
        )

        quantized = torch.ao.quantization.quantize_dynamic(
            model, {torch.nn.Linear}, dtype=torch.qint8
        )
        generate_batches(quantized, ids[:2], 2, pad)
        record(
            f"dynamic int8 greedy (batch {BATCH})",
            timed(lambda: generate_batches(quantized, ids, BATCH, pad)),
        )

        if bf16_supported():
            half = MarianMTModel.from_pretrained(model_dir, dtype=torch.bfloat16).eval()
            generate_batches(half, ids[:2], 2, pad)
            record(
                f"bf16 greedy (batch {BATCH})",
                timed(lambda: generate_batches(half, ids, BATCH, pad)),
            )
        else:
            record(f"bf16 greedy (batch {BATCH})", None)

    naive = results[0][1] or math.nan
    print()
    print(f"| method | output tok/s | × naive greedy | % of fp32 ceiling ({ceiling:.0f} tok/s) |")
    print("|---|---|---|---|")
    for name, rate in results:
        if rate is None:
            print(f"| {name} | skipped (no bf16 on this CPU) | | |")
        else:
            print(f"| {name} | {rate:.0f} | {rate / naive:.1f} | {100 * rate / ceiling:.0f}% |")
    methods = [
        {
            "name": name,
            "tokens_per_s": rate,
            "ratio_vs_naive_greedy": None if rate is None else rate / naive,
        }
        for name, rate in results
    ]
    if args.json:
        payload = {"methods": methods, "default_ratio": methods[1]["ratio_vs_naive_greedy"]}
        tmp_out = args.json.with_name(args.json.name + ".tmp")
        tmp_out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        tmp_out.replace(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
