"""The precomputed backend: hypothesis files per document, loaded through the registry."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tadqiq.errors import ModelError
from translator import load_registry, load_translator
from translator.precomputed import PrecomputedTranslator


def _spec(tmp_path: Path, directory: str):
    models = tmp_path / "models.yaml"
    models.write_text(
        f"default: v\nmodels:\n  v:\n    backend: precomputed\n    path: {directory}\n",
        encoding="utf-8",
    )
    return load_registry(models).default


def test_loads_through_the_registry_without_torch(tmp_path: Path) -> None:
    (tmp_path / "hyps").mkdir()
    (tmp_path / "hyps" / "a01.en.txt").write_text("Hello.\n", encoding="utf-8")
    model = load_translator(_spec(tmp_path, "./hyps"), allow_download=False)
    assert isinstance(model, PrecomputedTranslator)
    directory = (tmp_path / "hyps").absolute()
    assert model.info.cache_key == f"precomputed:{directory}"
    assert model.info.rough is False and model.info.backend == "precomputed"
    assert model.hypothesis_for("a01") == directory / "a01.en.txt"
    if "torch" not in sys.modules:  # other tests of the session may have imported it
        assert "transformers" not in sys.modules


def test_missing_hypothesis_and_sentence_translation_are_model_errors(tmp_path: Path) -> None:
    (tmp_path / "hyps").mkdir()
    model = load_translator(_spec(tmp_path, "hyps"), allow_download=False)
    with pytest.raises(ModelError) as missing:
        model.hypothesis_for("a02")
    message = str(missing.value)
    assert "a02.en.txt" in message and "\n" not in message
    with pytest.raises(ModelError, match="needs a document name"):
        model.translate(["قال الرئيس"])
    with pytest.raises(ModelError, match="not a document name"):
        model.hypothesis_for("../a02")


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="does not exist"):
        load_translator(_spec(tmp_path, "./nowhere"))
