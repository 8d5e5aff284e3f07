"""The Hugging Face backend on tiny models built in the test session (hub handling: test_translator_hub.py)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from tiny_models import training_text

from tadqiq.errors import ConfigError, ModelError
from translator import ModelSpec, load_registry, load_translator, parse_registry
from translator.batching import plan_batches
from translator.hf import HFTranslator


def spec_for(model: Path | str, tmp_path: Path, extra: str = "") -> ModelSpec:
    text = f"default: m\nmodels:\n  m:\n    backend: hf\n    model: {model}\n{extra}"
    return parse_registry(text, tmp_path / "models.yaml").default


def sentences(n: int, seed: int = 3) -> list[str]:
    """Arabic pseudo-sentences of varied length."""
    return training_text(2 * n, seed=seed)[::2]


class GenerateSpy:
    """Wraps model.generate, recording the input shape and keyword arguments of each call."""

    def __init__(self, translator: HFTranslator) -> None:
        translator.load_weights()
        self.model = translator._model
        self.inner = self.model.generate
        self.calls: list[dict[str, Any]] = []
        self.model.generate = self

    def __call__(self, **kwargs: Any) -> Any:
        self.calls.append(kwargs)
        return self.inner(**kwargs)

    @property
    def shapes(self) -> list[tuple[int, int]]:
        return [tuple(call["input_ids"].shape) for call in self.calls]


@pytest.fixture
def tiny(tiny_models_yaml: Path) -> HFTranslator:
    model = load_translator(load_registry(tiny_models_yaml).default, allow_download=False)
    assert isinstance(model, HFTranslator)
    return model


# --- batching plan (pure) ----------------------------------------------------------------


def test_plan_batches_bounds_size_and_padded_tokens() -> None:
    lengths = [5, 30, 7, 30, 12, 3, 9, 100, 8, 8]
    batches = plan_batches(lengths, batch_size=3, max_batch_tokens=40)
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))
    assert batches[0] == [7]  # longer than the budget: alone, and first (longest first)
    for batch in batches:
        assert len(batch) <= 3
        padded = max(lengths[i] for i in batch) * len(batch)
        assert padded <= 40 or len(batch) == 1
    firsts = [lengths[batch[0]] for batch in batches]
    assert firsts == sorted(firsts, reverse=True)


def test_plan_batches_edge_cases() -> None:
    assert plan_batches([], 4, 100) == []
    assert plan_batches([4, 4, 4, 4, 4], 16, 10) == [[0, 1], [2, 3], [4]]
    assert plan_batches([1, 2, 3], 1, 1000) == [[2], [1], [0]]


# --- translating -------------------------------------------------------------------------


def test_translate_keeps_count_and_order(tiny: HFTranslator) -> None:
    inputs = sentences(12)
    together = tiny.translate(inputs)
    assert [t.source for t in together] == inputs
    alone = [tiny.translate([s])[0].text for s in inputs]
    assert [t.text for t in together] == alone  # sorting by length did not shuffle outputs
    assert all(t.text for t in together)
    assert len({t.text for t in together}) > len(inputs) // 2  # outputs depend on the input
    assert all(t.links for t in together)


def test_blank_sentences_translate_to_empty_without_the_model(tiny_models_yaml: Path) -> None:
    model = load_translator(load_registry(tiny_models_yaml).default, allow_download=False)
    assert isinstance(model, HFTranslator)
    result = model.translate(["", "   ", "\n"])
    assert [(t.source, t.text) for t in result] == [("", ""), ("   ", ""), ("\n", "")]
    assert model._model is None  # the weights were not even loaded

    spy = GenerateSpy(model)
    inputs = ["", *sentences(3), " "]
    result = model.translate(inputs)
    assert [t.text == "" for t in result] == [True, False, False, False, True]
    assert sum(shape[0] for shape in spy.shapes) == 3


def test_batches_respect_batch_size_and_token_budget(tiny_marian: Path, tmp_path: Path) -> None:
    spec = spec_for(
        tiny_marian,
        tmp_path,
        "    generation: {num_beams: 1, max_new_tokens: 8, batch_size: 4, max_batch_tokens: 60}\n",
    )
    model = load_translator(spec, allow_download=False)
    assert isinstance(model, HFTranslator)
    spy = GenerateSpy(model)
    inputs = sentences(20)
    progress: list[int] = []
    result = model.translate(inputs, progress=progress.append)
    assert len(result) == 20 and sum(progress) == 20
    assert len(spy.shapes) >= 20 * 12 // 60  # the budget forced several batches
    for rows, width in spy.shapes:
        assert rows <= 4
        assert rows * width <= 60 or rows == 1
    assert sum(rows for rows, _ in spy.shapes) == 20
    assert all(call["num_beams"] == 1 and call["max_new_tokens"] == 8 for call in spy.calls)
    assert all(call["do_sample"] is False for call in spy.calls)


def test_output_is_deterministic(tiny: HFTranslator, tiny_models_yaml: Path) -> None:
    sentence = sentences(1, seed=11)[0]
    twice = tiny.translate([sentence, sentence])
    assert twice[0].text == twice[1].text
    again = load_translator(load_registry(tiny_models_yaml).default, allow_download=False)
    assert again.translate([sentence])[0].text == twice[0].text


def test_progress_counts_every_sentence(tiny: HFTranslator) -> None:
    calls: list[int] = []
    tiny.translate(["", *sentences(5), ""], progress=calls.append)
    assert sum(calls) == 7 and all(n > 0 for n in calls)


def test_overlong_sentence_is_split_not_cut(tiny: HFTranslator) -> None:
    """More in test_translator_split.py: pieces, joining, links, cache, batches."""
    long = " ".join(sentences(40))  # far beyond the tiny model's 128 positions
    result = tiny.translate([long, "قال"])
    assert len(result) == 2 and result[0].text
    assert result[0].parts > 1 and result[1].parts == 1


def test_info_describes_the_model(tiny: HFTranslator, tiny_marian: Path) -> None:
    info = tiny.info
    assert (info.name, info.backend, info.model, info.revision) == (
        "tiny",
        "hf",
        str(tiny_marian),
        None,
    )
    assert info.settings["num_beams"] == 1 and info.settings["max_new_tokens"] == 16
    assert info.cache_key.startswith(tiny.spec.cache_key() + "@local:")
    assert info.to_json()["settings"]["dtype"] == "float32" and info.rough is False


def test_cache_key_follows_the_files_of_a_local_model(tiny_marian: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(tiny_marian, copy)
    spec = spec_for(copy, tmp_path)
    before = HFTranslator(spec).info.cache_key
    assert HFTranslator(spec).info.cache_key == before
    (copy / "generation_config.json").write_text('{"num_beams": 3}', encoding="utf-8")
    assert HFTranslator(spec).info.cache_key != before  # a retrained model is not served stale


# --- NLLB / M2M100 languages ---------------------------------------------------------------


def test_nllb_sets_source_language_and_forced_target(tiny_nllb: Path, tmp_path: Path) -> None:
    spec = spec_for(tiny_nllb, tmp_path, "    src_lang: arb_Arab\n    tgt_lang: eng_Latn\n")
    model = load_translator(spec, allow_download=False)
    assert isinstance(model, HFTranslator)
    spy = GenerateSpy(model)
    result = model.translate(["قال الرئيس", "في"])
    assert [t.source for t in result] == ["قال الرئيس", "في"]
    tokenizer = model._tokenizer
    (call,) = spy.calls
    assert call["forced_bos_token_id"] == tokenizer.convert_tokens_to_ids("eng_Latn")
    first_tokens = call["input_ids"][:, 0].tolist()
    assert first_tokens == [tokenizer.convert_tokens_to_ids("arb_Arab")] * 2


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("", r"models\.m: m2m_100 models need 'src_lang' and 'tgt_lang'"),
        (
            "    src_lang: arb_Arab\n    tgt_lang: deu_Latn\n",
            r"models\.m\.tgt_lang: 'deu_Latn' is not a language code of this model's tokenizer",
        ),
    ],
)
def test_nllb_language_errors(tiny_nllb: Path, tmp_path: Path, extra: str, expected: str) -> None:
    model = load_translator(spec_for(tiny_nllb, tmp_path, extra), allow_download=False)
    with pytest.raises(ConfigError, match=expected):
        model.translate(["قال"])


# --- loading failures ----------------------------------------------------------------------------


def test_local_directory_that_is_not_a_model(tmp_path: Path, tiny_marian: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match=r"empty has no config\.json"):
        load_translator(spec_for("./empty", tmp_path))
    broken = tmp_path / "broken"
    shutil.copytree(tiny_marian, broken)
    (broken / "model.safetensors").write_bytes(b"not a safetensors file")
    model = load_translator(spec_for("./broken", tmp_path))
    with pytest.raises(
        ModelError, match=r"^model 'm': cannot load the model from .*broken: SafetensorError"
    ):
        model.translate(["قال"])


def test_cuda_requested_without_cuda(tiny_marian: Path, tmp_path: Path) -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    model = load_translator(spec_for(tiny_marian, tmp_path, "    device: cuda\n"))
    with pytest.raises(ModelError, match="device 'cuda' requested but torch sees no CUDA device"):
        model.translate(["قال"])
