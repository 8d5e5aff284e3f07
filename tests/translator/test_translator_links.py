"""Word links read from the hf backend's cross-attention, on the tiny test models."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tiny_models import training_text

from eval.values import WordLink
from tadqiq.errors import ConfigError
from translator import (
    CachedTranslator,
    ModelSpec,
    Translation,
    TranslationCache,
    load_registry,
    load_translator,
    parse_registry,
)
from translator.hf import HFTranslator, step_attention
from translator.links import piece_spans, piece_words, word_links

ARABIC = [
    "قال الرئيس إن الحلفاء تعهدوا بنشر القوات في أوكرانيا",
    "بعد انتهاء الحرب مع روسيا",
    "في",
    "  قال الرئيس  ",  # surrounding spaces stay in Translation.source
    *training_text(10, seed=5)[::2],  # pseudo-sentences of varied length
]
NLLB_LANGS = "    src_lang: arb_Arab\n    tgt_lang: eng_Latn\n"


def spec_for(model: Path, tmp_path: Path, extra: str = "") -> ModelSpec:
    text = f"default: m\nmodels:\n  m:\n    backend: hf\n    model: {model}\n{extra}"
    return parse_registry(text, tmp_path / "models.yaml").default


def hf(spec: ModelSpec) -> HFTranslator:
    model = load_translator(spec, allow_download=False)
    assert isinstance(model, HFTranslator)
    return model


def words(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"\S+", text)]


def check_links(t: Translation) -> None:
    """Links cover whole words of source and text; every target word has one or two."""
    assert t.links is not None
    src_words, tgt_words = set(words(t.source)), words(t.text)
    by_target: dict[tuple[int, int], list[WordLink]] = {}
    for link in t.links:
        assert (link.src_start, link.src_end) in src_words, (t.source, link)
        assert (link.tgt_start, link.tgt_end) in tgt_words, (t.text, link)
        assert 0 < link.weight <= 1
        by_target.setdefault((link.tgt_start, link.tgt_end), []).append(link)
    assert set(by_target) == set(tgt_words)  # every target word is linked
    for group in by_target.values():
        assert 1 <= len(group) <= 2
        if len(group) == 2:
            best, second = group
            assert best.weight >= second.weight >= 0.5 * best.weight - 1e-4
            assert (best.src_start, best.src_end) != (second.src_start, second.src_end)


@pytest.fixture
def tiny(tiny_models_yaml: Path) -> HFTranslator:
    return hf(load_registry(tiny_models_yaml).default)


# --- Marian --------------------------------------------------------------------------------


def test_every_translation_links_whole_words(tiny: HFTranslator) -> None:
    result = tiny.translate(ARABIC)
    assert [t.source for t in result] == ARABIC
    for t in result:
        assert t.text and t.links
        check_links(t)
    # the eval side reads them: source offsets slice the exact source string
    link = result[0].links[0]  # type: ignore[index]
    assert result[0].source[link.src_start : link.src_end] in ARABIC[0].split()
    # the eager switch (attention weights) is for generate only: SDPA is back afterwards
    assert tiny._model.config._attn_implementation != "eager"


@pytest.mark.parametrize("beams", [1, 3])
def test_attention_read_while_generating_equals_a_teacher_forced_pass(
    tiny_marian: Path, tmp_path: Path, beams: int
) -> None:
    """The per-step attention kept during generation (beams traced back through
    beam_indices) is what the decoder attends to when the returned output is fed back."""
    import torch

    extra = f"    generation: {{num_beams: {beams}, max_new_tokens: 12}}\n"
    model = hf(spec_for(tiny_marian, tmp_path, extra))
    model.load_weights()
    tokenizer, net = model._tokenizer, model._model
    inputs = tokenizer(ARABIC[:6], padding=True, return_tensors="pt")
    with torch.inference_mode():
        output = model._run_generate(dict(inputs), align=True)
        attention = step_attention(output, beams)  # (batch, steps, source)
        net.set_attn_implementation("eager")
        try:
            forced = net.get_decoder()(
                input_ids=output.sequences,
                encoder_hidden_states=net.get_encoder()(**inputs).last_hidden_state,
                encoder_attention_mask=inputs["attention_mask"],
                output_attentions=True,
                use_cache=False,
            ).cross_attentions
        finally:
            net.set_attn_implementation("sdpa")
    layers = len(forced)
    expected = torch.stack(forced[layers // 2 :]).float().mean(dim=(0, 2))  # (batch, T, source)
    pad = net.config.pad_token_id
    compared = 0
    for k, sequence in enumerate(output.sequences.tolist()):
        # rows that predicted a real token of this output (not padding after its end)
        real = [t - 1 for t in range(1, len(sequence)) if sequence[t] != pad]
        real = [r for r in real if r < attention.shape[1]]
        assert real
        assert torch.allclose(attention[k, real], expected[k, real], atol=1e-4)
        compared += len(real)
    assert compared >= 6


def test_links_follow_their_sentence_through_batching(tiny_marian: Path, tmp_path: Path) -> None:
    # beam search, and batches that sort sentences by length and restore the order
    extra = (
        "    generation: {num_beams: 3, max_new_tokens: 12, batch_size: 3, max_batch_tokens: 60}\n"
    )
    model = hf(spec_for(tiny_marian, tmp_path, extra))
    together = model.translate(ARABIC)
    for sentence, t in zip(ARABIC, together, strict=True):
        (alone,) = model.translate([sentence])
        assert (t.source, t.text) == (alone.source, alone.text)
        assert t.links is not None and alone.links is not None
        assert _ends(t.links) == _ends(alone.links)
        assert [x.weight for x in t.links] == pytest.approx(
            [x.weight for x in alone.links], abs=2e-3
        )
        check_links(t)


def _ends(links: tuple[WordLink, ...]) -> list[tuple[int, int, int, int]]:
    return [(x.src_start, x.src_end, x.tgt_start, x.tgt_end) for x in links]


def test_alignments_off_gives_the_same_text_and_no_links(
    tiny: HFTranslator, tiny_marian: Path, tmp_path: Path
) -> None:
    off = hf(
        spec_for(
            tiny_marian,
            tmp_path,
            "    generation: {num_beams: 1, max_new_tokens: 16, alignments: false}\n",
        )
    )
    on_result, off_result = tiny.translate(ARABIC), off.translate(ARABIC)
    assert [t.text for t in off_result] == [t.text for t in on_result]
    assert all(t.links is None for t in off_result)
    assert off.info.settings["alignments"] is False and tiny.info.settings["alignments"] is True
    assert off.spec.cache_key() != tiny.spec.cache_key()


def test_blank_sentences_have_no_links(tiny: HFTranslator) -> None:
    result = tiny.translate(["", ARABIC[2], "  "])
    assert [t.links is None for t in result] == [True, False, True]


def test_links_survive_the_cache(tiny: HFTranslator, tiny_marian: Path, tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    with TranslationCache(path) as cache:
        first = CachedTranslator(tiny, cache).translate(ARABIC)
    with TranslationCache(path) as cache:
        cached = CachedTranslator(tiny, cache)
        second = cached.translate(ARABIC)
        assert (cached.hits, cached.misses) == (len(ARABIC), 0)
        assert second == first and all(t.links for t in second)
        # an entry made with alignments on is not served to a model with them off
        off_spec = spec_for(
            tiny_marian,
            tmp_path,
            "    generation: {num_beams: 1, max_new_tokens: 16, alignments: false}\n",
        )
        off = CachedTranslator(hf(off_spec), cache)
        plain = off.translate(ARABIC)
        assert off.misses == len(ARABIC) and all(t.links is None for t in plain)
        assert [t.text for t in plain] == [t.text for t in first]


# --- NLLB (M2M100 architecture): language codes are not words ----------------------------------


def test_nllb_links_skip_language_codes(tiny_nllb: Path, tmp_path: Path) -> None:
    model = hf(
        spec_for(
            tiny_nllb, tmp_path, NLLB_LANGS + "    generation: {num_beams: 2, max_new_tokens: 12}\n"
        )
    )
    result = model.translate(ARABIC[:4])
    for t in result:
        assert t.links
        check_links(t)
        assert "eng_Latn" not in t.text
    tokenizer = model._tokenizer
    codes = {tokenizer.convert_tokens_to_ids(c) for c in ("arb_Arab", "eng_Latn")}
    assert codes | {tokenizer.eos_token_id, tokenizer.pad_token_id} <= model._special_ids
    assert tokenizer.unk_token_id not in model._special_ids
    # the source starts with the language code: it has no span, the bare "▁" takes its word's
    ids = tokenizer(ARABIC[2])["input_ids"]
    pieces = tokenizer.convert_ids_to_tokens(ids)
    assert pieces[:2] == ["arb_Arab", "▁"] and pieces[-1] == "</s>"
    spans = piece_spans(pieces, ids, ARABIC[2], model._special_ids)
    assert spans[0] is None and spans[-1] is None
    assert spans[1] == spans[2] == (0, 1)


# --- the pure helpers ---------------------------------------------------------------------------


def test_piece_spans_walk_the_string() -> None:
    text = "قال  الرئيس"
    pieces = ["<s>", "▁قال", "▁ال", "رئيس", "</s>"]
    spans = piece_spans(pieces, [0, 5, 6, 7, 2], text, {0, 2})
    assert spans == [None, (0, 3), (5, 7), (7, 11), None]
    assert piece_words(pieces, [0, 5, 6, 7, 2], text, words(text), {0, 2}) == [None, 0, 1, 1, None]


def test_piece_spans_never_crash_on_a_mismatch() -> None:
    text = "ﻻ قال «x» yz"
    # a presentation-form ligature (NFKC'd by sentencepiece), an <unk> and a piece
    # that is not in the text at all
    pieces = ["▁لا", "▁قال", "▁<unk>", "x", "<unk>", "▁nothing", "▁yz"]
    ids = [1, 2, 3, 4, 3, 5, 6]
    spans = piece_spans(pieces, ids, text, set())
    assert spans[0] == (0, 1)  # the ligature is one character of the text
    assert spans[1] == (2, 5)
    assert spans[2] == (6, 7) and spans[3] == (7, 8) and spans[4] == (8, 9)  # « and » by gap
    assert spans[5] == (8, 9)  # not in the text: takes the gap's word, no jump ahead
    assert spans[6] == (10, 12)
    assert piece_spans(["▁a", "b"], [1, 2], "", set()) == [None, None]
    # a piece that only matches far ahead is not taken there (the walk does not jump)
    far = "ab cd ef gh ij kl mn op qr st uv x"
    assert piece_spans(["▁ab", "▁x", "▁cd"], [1, 2, 3], far, set()) == [(0, 2), None, (3, 5)]
    assert piece_spans(["▁ab", "▁x"], [1, 2], "ab" + " " * 40 + "x", set())[1] == (42, 43)
    assert piece_spans([], [], "text", set()) == []


def test_word_links_best_and_a_close_second() -> None:
    src = [(0, 3), (4, 7), (8, 9)]
    tgt = [(0, 2), (3, 5), (6, 8)]
    scores = [[0.6, 0.35, 0.05], [0.2, 0.2, 0.6], [0.0, 0.0, 0.0]]
    assert word_links(scores, src, tgt) == (
        WordLink(0, 3, 0, 2, 0.6),
        WordLink(4, 7, 0, 2, 0.35),  # ≥ half of the best: a second link
        WordLink(8, 9, 3, 5, 0.6),  # 0.2 < 0.3: no second link; no attention: no link
    )
    tie = word_links([[2.0, 2.0, 0.0]], src, tgt[:1])  # weights are shares of the row
    assert tie == (WordLink(0, 3, 0, 2, 0.5), WordLink(4, 7, 0, 2, 0.5))
    assert word_links([[float("nan")] * 3], src, tgt[:1]) == ()
    assert word_links([], src, []) == ()


# --- the setting in models.yaml -------------------------------------------------------------------


@pytest.mark.parametrize(("value", "shown"), [("1", "1"), ('"true"', "'true'"), ("", "nothing")])
def test_alignments_must_be_true_or_false(tmp_path: Path, value: str, shown: str) -> None:
    with pytest.raises(ConfigError) as info:
        spec_for(Path("a/b"), tmp_path, f"    generation: {{alignments: {value}}}\n")
    assert str(info.value) == (
        f"{tmp_path / 'models.yaml'}: models.m.generation.alignments: expected true or false, got {shown}"
    )


def test_alignments_default_on_and_in_the_cache_key(tmp_path: Path) -> None:
    default = spec_for(Path("a/b"), tmp_path)
    on = spec_for(Path("a/b"), tmp_path, "    generation: {alignments: true}\n")
    off = spec_for(Path("a/b"), tmp_path, "    generation: {alignments: false}\n")
    assert default.generation.alignments is True and off.generation.alignments is False
    assert default.cache_key() == on.cache_key() != off.cache_key()
    assert default.settings()["alignments"] is True and off.settings()["alignments"] is False
