"""Tiny translation models built from scratch for tests and benchmarks (no network).

The models have random weights, so their output is nonsense, but they are real
transformers models saved with ``save_pretrained``: they load through exactly the
code path a user's model directory takes, and they are deterministic.

    from tiny_models import build_tiny_marian
    path = build_tiny_marian(tmp_dir)  # a directory usable as `model:` in models.yaml
"""

from __future__ import annotations

import json
import random
import warnings
from pathlib import Path
from typing import Any

# Letters used to make pseudo-words: Arabic hamza..ghain and fa..yeh, and a..z.
_ARABIC = [chr(c) for c in range(0x0621, 0x063B)] + [chr(c) for c in range(0x0641, 0x064B)]
_LATIN = [chr(c) for c in range(ord("a"), ord("z") + 1)]
_REAL_AR = [
    "قال",
    "الرئيس",
    "إن",
    "الحلفاء",
    "تعهدوا",
    "بنشر",
    "القوات",
    "في",
    "أوكرانيا",
    "بعد",
    "انتهاء",
    "الحرب",
    "مع",
    "روسيا",
]
_REAL_EN = [
    "the",
    "president",
    "said",
    "allies",
    "pledged",
    "to",
    "deploy",
    "troops",
    "in",
    "ukraine",
    "after",
    "the",
    "war",
    "with",
    "russia",
]


def training_text(lines: int = 300, seed: int = 0) -> list[str]:
    """Seeded Arabic and English lines (real words mixed with pseudo-words)."""
    rng = random.Random(seed)

    def words(alphabet: list[str], real: list[str]) -> list[str]:
        made = ["".join(rng.choice(alphabet) for _ in range(rng.randint(2, 7))) for _ in range(150)]
        return real + made

    arabic, english = words(_ARABIC, _REAL_AR), words(_LATIN, _REAL_EN)
    out = []
    for _ in range(lines // 2):
        for vocab in (arabic, english):
            out.append(" ".join(rng.choice(vocab) for _ in range(rng.randint(3, 14))))
    return out


def train_sentencepiece(out_dir: Path, vocab_size: int = 300) -> Path:
    """Train a unigram sentencepiece model on :func:`training_text`; returns the .model path."""
    import sentencepiece

    out_dir.mkdir(parents=True, exist_ok=True)
    corpus = out_dir / "spm-train.txt"
    corpus.write_text("\n".join(training_text()) + "\n", encoding="utf-8")
    sentencepiece.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(out_dir / "spm"),
        vocab_size=vocab_size,
        model_type="unigram",
        hard_vocab_limit=False,
        character_coverage=1.0,
        unk_id=0,
        bos_id=-1,
        eos_id=-1,
        num_threads=1,
        minloglevel=2,
    )
    return out_dir / "spm.model"


def build_tiny_marian(out_dir: str | Path) -> Path:
    """Build a random-weight Marian model and its tokenizer; returns the model directory.

    The layout is that of an opus-mt checkpoint: ``source.spm``, ``target.spm``,
    ``vocab.json`` (``</s>`` = 0, ``<unk>`` = 1, ``<pad>`` last, also the decoder
    start), ``config.json``, ``generation_config.json`` and ``model.safetensors``.
    """
    import sentencepiece
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    out_dir = Path(out_dir)
    work = out_dir / "spm"
    spm_file = train_sentencepiece(work)
    processor = sentencepiece.SentencePieceProcessor(model_file=str(spm_file))

    vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
    for i in range(processor.get_piece_size()):
        vocab.setdefault(processor.id_to_piece(i), len(vocab))
    vocab["<pad>"] = len(vocab)
    vocab_file = work / "vocab.json"
    vocab_file.write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")
        tokenizer = MarianTokenizer(
            str(spm_file),
            str(spm_file),
            str(vocab_file),
            source_lang="ar",
            target_lang="en",
            model_max_length=128,
        )
    pad = vocab["<pad>"]
    config = MarianConfig(
        vocab_size=len(vocab),
        d_model=32,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        max_position_embeddings=128,
        pad_token_id=pad,
        eos_token_id=0,
        forced_eos_token_id=0,
        decoder_start_token_id=pad,
        # Large random weights and scaled embeddings make the output depend on the
        # input (with the usual 0.02 every sentence decodes to the same tokens).
        init_std=0.5,
        scale_embedding=True,
    )
    torch.manual_seed(0)
    model = MarianMTModel(config)
    model.generation_config.max_length = 32
    model.generation_config.num_beams = 1

    model_dir = out_dir / "tiny-marian"
    tokenizer.save_pretrained(model_dir)
    model.save_pretrained(model_dir)
    return model_dir


def nllb_tokenizer(vocab_size: int = 0, model_max_length: int = 128) -> Any:
    """A character-level NllbTokenizer (a BPE with no merges) for the training text's
    characters and three language codes, ``arb_Arab``, ``eng_Latn`` and ``fra_Latn``;
    with ``vocab_size``, filler tokens pad it to that size (language codes included)."""
    from transformers import NllbTokenizer

    vocab: dict[str, int] = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3, "▁": 4}
    for char in sorted(set("".join(training_text()))):
        if not char.isspace():
            vocab.setdefault(char, len(vocab))
    while len(vocab) < vocab_size - 4:  # + 3 language codes and <mask>
        vocab[f"<x{len(vocab)}>"] = len(vocab)
    return NllbTokenizer(
        vocab=vocab,
        merges=[],
        src_lang="arb_Arab",
        tgt_lang="eng_Latn",
        extra_special_tokens=["arb_Arab", "eng_Latn", "fra_Latn"],
        model_max_length=model_max_length,
    )


def build_tiny_nllb(out_dir: str | Path) -> Path:
    """Build a random-weight NLLB-style model (M2M100 architecture, NllbTokenizer).

    The tokenizer is character-level (a BPE with no merges) and knows three
    language codes: ``arb_Arab``, ``eng_Latn`` and ``fra_Latn``.
    """
    import torch
    from transformers import M2M100Config, M2M100ForConditionalGeneration

    tokenizer = nllb_tokenizer()
    config = M2M100Config(
        vocab_size=len(tokenizer),
        d_model=32,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        max_position_embeddings=128,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
        init_std=0.5,
    )
    torch.manual_seed(0)
    model = M2M100ForConditionalGeneration(config)
    model_dir = Path(out_dir) / "tiny-nllb"
    tokenizer.save_pretrained(model_dir)
    model.save_pretrained(model_dir)
    return model_dir
