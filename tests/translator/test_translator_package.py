"""The package surface: lazy imports, layering, the backend factory, the fake translator."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from import_graph import import_graph

import eval.values
import translator
import translator.base
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
        "import translator.ct2",
        "import translator.hub, translator.batching, translator.split, translator.links",
        "from translator import load_registry; load_registry()",
        "import translator.hub as hub, translator as t; hub.is_available_locally(t.load_registry().default)",
        "import translator.hub as hub, translator as t; hub.is_available_locally(t.load_registry().default)",
        "import translator; translator.hub_offline()",
    ],
)
def test_no_torch_or_transformers_on_import(statement: str) -> None:
    modules = imported_after(statement)
    assert "translator" in modules
    assert not {"torch", "transformers"} & modules


# --- layering: translator/ sits on the shared values only --------------------------------

def test_importing_translator_loads_only_the_shared_values_of_eval() -> None:
    statement = (
        "import translator, translator.hf, translator.ct2, translator.cache, translator.precomputed;"
        " import sys; print(sorted(m for m in sys.modules if m.startswith('eval')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", statement], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "['eval', 'eval.values']"


def test_ct2_reuses_the_shared_helpers_not_the_hf_backend() -> None:
    # (The layers and private names of every module are kept by tests/test_layers.py.)
    assert "translator.hf" not in import_graph()["translator.ct2"]


def test_model_info_is_the_shared_value_type() -> None:
    assert ModelInfo is eval.values.ModelInfo is translator.base.ModelInfo


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
    info = model_spec.model_info(rough=True, revision="abc", key_suffix="@abc")
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
