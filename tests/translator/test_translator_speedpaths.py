"""The faster hf paths (``quantize: dynamic-int8``, ``dtype: bfloat16``) on the tiny Marian model.

Both change numerics, so their greedy outputs are compared with the fp32 path's and the
share of identical outputs is recorded (``record_property`` and stdout), not asserted to
be 100%: int8 rounds every Linear's weights and activations, bf16 keeps 8 bits of
mantissa, and on a random-weight model close logits can flip an argmax. What is asserted:
each path loads, translates every sentence to non-empty text, keeps the word links, and
the cache key tells the paths apart (so a cached fp32 translation is never served for int8).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from tiny_models import training_text

from tadqiq.errors import ConfigError
from translator import ModelSpec, parse_registry
from translator.hf import HFTranslator


def spec_for(model: Path, tmp_path: Path, extra: str = "", quantize: str = "none") -> ModelSpec:
    """A greedy CPU spec; ``quantize`` is set on the spec (models.yaml has no such key yet)."""
    text = (
        f"default: m\nmodels:\n  m:\n    backend: hf\n    model: {model}\n    device: cpu\n"
        f"    generation: {{num_beams: 1, max_new_tokens: 24}}\n{extra}"
    )
    return replace(parse_registry(text, tmp_path / "models.yaml").default, quantize=quantize)


SENTENCES = training_text(40, seed=5)[::2]


@pytest.fixture(scope="module")
def fp32_outputs(tiny_marian: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    spec = spec_for(tiny_marian, tmp_path_factory.mktemp("fp32"))
    return [t.text for t in HFTranslator(spec).translate(SENTENCES)]


@pytest.mark.parametrize(
    ("extra", "quantize"), [("", "dynamic-int8"), ("    dtype: bfloat16\n", "none")]
)
def test_fast_path_translates_and_agreement_with_fp32_is_recorded(
    tiny_marian: Path,
    tmp_path: Path,
    fp32_outputs: list[str],
    extra: str,
    quantize: str,
    record_property: pytest.RecordProperty,
) -> None:
    spec = spec_for(tiny_marian, tmp_path, extra, quantize)
    results = HFTranslator(spec).translate(SENTENCES)
    assert len(results) == len(SENTENCES)
    assert all(r.text for r in results)
    assert any(r.links for r in results)
    same = sum(r.text == f for r, f in zip(results, fp32_outputs, strict=True))
    share = same / len(SENTENCES)
    record_property("identical_to_fp32", share)
    print(f"{extra.strip() or quantize}: {same}/{len(SENTENCES)} greedy outputs identical to fp32")
    assert 0.0 <= share <= 1.0


def test_quantized_model_has_int8_linears(tiny_marian: Path, tmp_path: Path) -> None:
    translator = HFTranslator(spec_for(tiny_marian, tmp_path, quantize="dynamic-int8"))
    translator.load_weights()
    modules = {type(m).__module__ for m in translator._model.modules()}
    assert any("quantized.dynamic" in name for name in modules)


def test_quantize_changes_cache_key_and_settings(tiny_marian: Path, tmp_path: Path) -> None:
    plain = spec_for(tiny_marian, tmp_path)
    int8 = spec_for(tiny_marian, tmp_path, quantize="dynamic-int8")
    assert "quantize" not in plain.cache_key()
    assert plain.cache_key() != int8.cache_key()
    assert int8.settings()["quantize"] == "dynamic-int8"


@pytest.mark.parametrize(
    ("extra", "quantize", "message"),
    [
        ("", "int4", "expected one of none, dynamic-int8"),
        ("    dtype: bfloat16\n", "dynamic-int8", "needs dtype float32"),
    ],
)
def test_bad_quantize_values_are_config_errors(
    tiny_marian: Path, tmp_path: Path, extra: str, quantize: str, message: str
) -> None:
    translator = HFTranslator(spec_for(tiny_marian, tmp_path, extra, quantize))
    with pytest.raises(ConfigError, match=message):
        translator.load_weights()


def test_quantize_is_read_from_models_yaml(tmp_path):
    from tadqiq.errors import ConfigError
    from translator.registry import parse_registry

    path = tmp_path / "models.yaml"
    ok = parse_registry("default: m\nmodels:\n  m:\n    backend: hf\n    model: ./x\n    quantize: dynamic-int8\n", path)
    assert ok.get("m").quantize == "dynamic-int8"
    with pytest.raises(ConfigError, match="models.m.quantize"):
        parse_registry("default: m\nmodels:\n  m:\n    backend: hf\n    model: ./x\n    quantize: int4\n", path)
    with pytest.raises(ConfigError, match="needs dtype float32"):
        parse_registry("default: m\nmodels:\n  m:\n    backend: hf\n    model: ./x\n    dtype: bfloat16\n"
                       "    quantize: dynamic-int8\n", path)
