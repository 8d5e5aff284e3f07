"""The package surface: lazy imports, the backend factory, the fake translator."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import translator
from eval.values import WordLink
from tadqiq.errors import ModelError
from translator import (
    FakeTranslator,
    ModelInfo,
    Translation,
    Translator,
    load_translator,
    parse_registry,
)


def imported_after(statement: str) -> set[str]:
    code = f"{statement}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout))


@pytest.mark.parametrize(
    "statement",
    [
        "import translator",
        "import translator.hf",
        "from translator import load_registry; load_registry()",
        "import translator.hf as hf, translator as t; hf.is_available_locally(t.load_registry().default)",
    ],
)
def test_no_torch_or_transformers_on_import(statement: str) -> None:
    modules = imported_after(statement)
    assert "translator" in modules
    assert not {"torch", "transformers"} & modules


def spec(tmp_path: Path, backend: str) -> translator.ModelSpec:
    text = f"default: m\nmodels:\n  m: {{backend: {backend}}}\n"
    if backend == "precomputed":
        text = "default: m\nmodels:\n  m: {backend: precomputed, path: hyps}\n"
    return parse_registry(text, tmp_path / "models.yaml").default


def test_missing_backend_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(translator, "BACKENDS", {"gloss": "translator.no_such_backend:load"})
    with pytest.raises(ModelError) as info:
        load_translator(spec(tmp_path, "gloss"))
    assert str(info.value) == (
        "model 'm': backend 'gloss' is not available in this installation"
        " (translator.no_such_backend is missing)"
    )


def test_backend_with_missing_dependency(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "needs_dep.py").write_text("import no_such_dependency_xyz\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(translator, "BACKENDS", {"gloss": "needs_dep:load"})
    with pytest.raises(ModelError, match="needs the Python package 'no_such_dependency_xyz'"):
        load_translator(spec(tmp_path, "gloss"))


def test_factory_passes_allow_download(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    (tmp_path / "fake_backend.py").write_text(
        "from translator import FakeTranslator\n"
        "SEEN = []\n"
        "def load(spec, *, allow_download):\n"
        "    SEEN.append(allow_download)\n"
        "    return FakeTranslator(str.upper)\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(translator, "BACKENDS", {"gloss": "fake_backend:load"})
    model = load_translator(spec(tmp_path, "gloss"), allow_download=False)
    assert model.translate(["abc"]) == [Translation("abc", "ABC")]
    import fake_backend  # type: ignore[import-not-found]

    seen.extend(fake_backend.SEEN)
    assert seen == [False]


def test_fake_translator() -> None:
    links = (WordLink(0, 1, 0, 1),)
    fake = FakeTranslator({"a": "A", "b": Translation("b", "B", links)})
    assert isinstance(fake, Translator)
    progress: list[int] = []
    assert fake.translate(["a", "", "b"], progress=progress.append) == [
        Translation("a", "A"),
        Translation("", ""),
        Translation("b", "B", links),
    ]
    assert progress == [3] and fake.calls == [["a", "", "b"]]
    with pytest.raises(ModelError, match="fake translator has no translation for 'c'"):
        fake.translate(["c"])
    assert FakeTranslator(lambda s: s[::-1]).translate(["abc"]) == [Translation("abc", "cba")]


def test_model_info_from_spec(tmp_path: Path) -> None:
    text = "default: m\nmodels:\n  m: {backend: hf, model: a/b, generation: {num_beams: 2}}\n"
    model_spec = parse_registry(text, tmp_path / "models.yaml").default
    info = ModelInfo.from_spec(model_spec, rough=True, revision="abc", key_suffix="@abc")
    assert info.to_json() == {
        "name": "m",
        "backend": "hf",
        "model": "a/b",
        "revision": "abc",
        "settings": {
            "num_beams": 2,
            "max_new_tokens": 256,
            "batch_size": 32,
            "max_batch_tokens": 4096,
        "alignments": True,
            "device": "auto",
            "dtype": "float32",
        },
        "rough": True,
    }
    assert info.cache_key == model_spec.cache_key() + "@abc"
    with pytest.raises(TypeError):
        info.settings["num_beams"] = 3  # type: ignore[index]
