"""Model safety: no pickle weights without an explicit opt-in, no remote code, safe YAML.

- A model directory with only ``pytorch_model.bin`` (unpickling can run code) is refused
  with a one-line ModelError unless its models.yaml entry sets ``allow_pickle: true``;
  with both formats present the safetensors are used. ``tadqiq models pull`` and
  ``tadqiq models convert`` follow the same rule.
- Every model, tokenizer and config is loaded with ``trust_remote_code=False``: a model
  directory whose config.json points at custom code (``auto_map``) never runs it.
- models.yaml is read with a safe loader: a ``!!python/object`` tag is a one-line ConfigError.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from cli_results import one_line_error
from typer.testing import CliRunner

import translator.hub as hub
from tadqiq.cli import app
from tadqiq.errors import ConfigError, ModelError
from translator import ModelSpec, load_registry, load_translator, parse_registry
from translator.hf import HFTranslator

ROOT = Path(__file__).resolve().parents[2]
SENTENCES = ["قال الرئيس إن الحلفاء تعهدوا", "بنشر القوات في أوكرانيا"]
runner = CliRunner()


def spec_for(model: Path, tmp_path: Path, extra: str = "") -> ModelSpec:
    text = (
        f"default: m\nmodels:\n  m:\n    backend: hf\n    model: {model}\n{extra}"
        "    generation: {num_beams: 1, max_new_tokens: 8}\n"
    )
    return parse_registry(text, tmp_path / "models.yaml").default


def write_models(tmp_path: Path, model: Path, extra: str = "") -> Path:
    path = tmp_path / "models.yaml"
    path.write_text(
        f"default: m\nmodels:\n  m:\n    backend: hf\n    model: {model}\n{extra}"
        "    generation: {num_beams: 1, max_new_tokens: 8}\n",
        encoding="utf-8",
    )
    return path




def save_pickle_weights(source: Path, target: Path, seed: int | None = None) -> None:
    """``pytorch_model.bin`` (a torch pickle) of ``source``'s weights, or of new random ones."""
    import torch
    from transformers import MarianConfig, MarianMTModel

    if seed is None:
        model = MarianMTModel.from_pretrained(source, trust_remote_code=False)
    else:
        torch.manual_seed(seed)
        model = MarianMTModel(MarianConfig.from_pretrained(source))
    torch.save(model.state_dict(), target / "pytorch_model.bin")


@pytest.fixture(scope="module")
def pickle_only(tiny_marian: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny Marian model with its weights as pytorch_model.bin only."""
    target = tmp_path_factory.mktemp("pickle") / "pickle-only"
    shutil.copytree(tiny_marian, target)
    (target / "model.safetensors").unlink()
    save_pickle_weights(tiny_marian, target)
    return target


@pytest.fixture(scope="module")
def both_formats(tiny_marian: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """model.safetensors of the tiny model next to a pytorch_model.bin of *other* weights."""
    target = tmp_path_factory.mktemp("both") / "both"
    shutil.copytree(tiny_marian, target)
    save_pickle_weights(tiny_marian, target, seed=99)
    return target


def pickle_message(directory: Path) -> str:
    return (
        f"model 'm': {directory} has only pickle weights (pytorch_model.bin), which can run"
        " code when loaded; convert to safetensors or set allow_pickle: true"
    )


# --- pickle weights ----------------------------------------------------------------------------


def test_pickle_only_model_is_refused(pickle_only: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelError) as info:
        load_translator(spec_for(pickle_only, tmp_path), allow_download=False)
    assert str(info.value) == pickle_message(pickle_only)
    assert "\n" not in str(info.value)


def test_pickle_only_model_is_refused_by_the_cli(pickle_only: Path, tmp_path: Path) -> None:
    article, reference = tmp_path / "a.ar.txt", tmp_path / "r.en.txt"
    article.write_text("قال الرئيس إن الحلفاء تعهدوا.\n", encoding="utf-8")
    reference.write_text("The president said the allies pledged.\n", encoding="utf-8")
    models = write_models(tmp_path, pickle_only)
    out = tmp_path / "report.json"
    result = runner.invoke(app, [
        "check", str(article), "-r", str(reference), "--models-file", str(models),
        "--no-cache", "--json", str(out),
    ])
    one_line_error(result, "has only pickle weights (pytorch_model.bin)", "allow_pickle: true")
    assert not out.exists()


def test_allow_pickle_loads_it(pickle_only: Path, tiny_marian: Path, tmp_path: Path) -> None:
    opted = load_translator(spec_for(pickle_only, tmp_path, "    allow_pickle: true\n"))
    safe = load_translator(spec_for(tiny_marian, tmp_path))
    assert [t.text for t in opted.translate(SENTENCES)] == [t.text for t in safe.translate(SENTENCES)]
    # Not part of the cache key: it does not change the output.
    assert opted.info.cache_key.split("@")[0] == spec_for(pickle_only, tmp_path).cache_key()


def test_safetensors_win_when_both_are_there(
    both_formats: Path, tiny_marian: Path, tmp_path: Path
) -> None:
    safe = [t.text for t in load_translator(spec_for(tiny_marian, tmp_path)).translate(SENTENCES)]
    for extra in ("", "    allow_pickle: true\n"):
        model = load_translator(spec_for(both_formats, tmp_path, extra))
        assert [t.text for t in model.translate(SENTENCES)] == safe  # not the .bin's weights


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("    allow_pickle: yes please\n", "models.m.allow_pickle: expected true or false, got 'yes please'"),
        ("    allow_pickle: 1\n", "models.m.allow_pickle: expected true or false, got 1"),
    ],
)
def test_allow_pickle_must_be_a_bool(tmp_path: Path, extra: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        spec_for(Path("a/b"), tmp_path, extra)
    assert str(info.value) == f"{tmp_path / 'models.yaml'}: {message}"


@pytest.mark.parametrize("backend", ["gloss", "precomputed", "ctranslate2"])
def test_allow_pickle_only_on_the_hf_backend(tmp_path: Path, backend: str) -> None:
    where = {"gloss": "", "precomputed": "    path: hyps\n", "ctranslate2": "    model: ./ct2\n"}
    text = f"default: m\nmodels:\n  m:\n    backend: {backend}\n{where[backend]}    allow_pickle: true\n"
    with pytest.raises(ConfigError) as info:
        parse_registry(text, tmp_path / "models.yaml")
    assert str(info.value) == (
        f"{tmp_path / 'models.yaml'}: models.m.allow_pickle: only used by backend hf, not {backend}"
    )


def test_models_list_says_a_pickle_only_model_will_not_load(
    pickle_only: Path, tiny_marian: Path, tmp_path: Path
) -> None:
    rows = {}
    for name, (model, extra) in {
        "pickled": (pickle_only, ""),
        "opted-in": (pickle_only, "    allow_pickle: true\n"),
        "safe": (tiny_marian, ""),
    }.items():
        (tmp_path / name).mkdir()
        models = write_models(tmp_path / name, model, extra)
        result = runner.invoke(app, ["models", "list", "--models-file", str(models)])
        assert result.exit_code == 0, result.output
        # rich may wrap the cell: drop the table rules and join what is left
        text = re.sub(r"[\u2500-\u257f]", " ", result.output)
        rows[name] = " ".join(text.split())
    assert "no (pickle weights only; set allow_pickle: true to load them)" in rows["pickled"]
    assert "pickle weights only" not in rows["opted-in"] and rows["opted-in"].endswith(" yes")
    assert "pickle weights only" not in rows["safe"] and rows["safe"].endswith(" yes")


def test_pull_of_a_local_pickle_only_model_needs_the_opt_in(pickle_only: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="has only pickle weights"):
        hub.pull(spec_for(pickle_only, tmp_path))
    assert hub.pull(spec_for(pickle_only, tmp_path, "    allow_pickle: true\n")) == pickle_only


def test_pull_of_a_pickle_only_hub_model_needs_the_opt_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refused before anything is downloaded; with the opt-in the download goes ahead."""
    import huggingface_hub

    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    downloads: list[dict[str, Any]] = []

    def files(self: Any, repo_id: str, **kwargs: Any) -> list[str]:
        return ["config.json", "pytorch_model.bin", "source.spm", "tf_model.h5"]

    def download(repo_id: str, **kwargs: Any) -> str:
        downloads.append(kwargs)
        return str(tmp_path / "snapshot")

    monkeypatch.setattr(huggingface_hub.HfApi, "list_repo_files", files)
    monkeypatch.setattr(huggingface_hub, "snapshot_download", download)
    monkeypatch.setattr(hub, "hub_unreachable", lambda timeout=None: None)
    text = "default: m\nmodels:\n  m:\n    backend: hf\n    model: someone/old-model\n"
    spec = parse_registry(text, tmp_path / "models.yaml").default
    with pytest.raises(ModelError) as info:
        hub.pull(spec)
    assert str(info.value) == (
        "model 'm': someone/old-model on the Hugging Face hub has only pickle weights"
        " (pytorch_model.bin), which can run code when loaded; convert to safetensors or set"
        " allow_pickle: true"
    )
    assert downloads == []
    allowed = parse_registry(text + "    allow_pickle: true\n", tmp_path / "models.yaml").default
    assert hub.pull(allowed) == tmp_path / "snapshot"
    assert len(downloads) == 1 and "*.bin" not in downloads[0]["ignore_patterns"]


def test_convert_of_a_pickle_only_model_needs_the_opt_in(pickle_only: Path, tmp_path: Path) -> None:
    pytest.importorskip("ctranslate2")
    from translator.ct2 import convert

    models = write_models(tmp_path, pickle_only)
    out = tmp_path / "ct2"
    result = runner.invoke(
        app, ["models", "convert", "m", "--output", str(out), "--models-file", str(models)]
    )
    assert one_line_error(result) == "tadqiq: error: " + pickle_message(pickle_only)
    assert not out.exists() and not list(tmp_path.glob(".ct2.*"))
    with pytest.raises(ModelError, match="has only pickle weights"):
        convert(pickle_only, out, quantization=None)  # a directory: the keyword opts in
    models = write_models(tmp_path, pickle_only, "    allow_pickle: true\n")
    result = runner.invoke(
        app, ["models", "convert", "m", "--output", str(out), "--models-file", str(models)]
    )
    assert result.exit_code == 0, result.output
    assert (out / "model.bin").is_file()


# --- remote code -------------------------------------------------------------------------------


EVIL = """
from pathlib import Path
Path({marker!r}).write_text("custom code ran")
raise SystemExit("custom code ran")
"""


def with_remote_code(source: Path, target: Path, marker: Path, model_type: str | None) -> Path:
    """A copy of ``source`` whose config.json and tokenizer config point at evil.py."""
    shutil.copytree(source, target)
    (target / "evil.py").write_text(EVIL.format(marker=str(marker)), encoding="utf-8")
    config = json.loads((target / "config.json").read_text(encoding="utf-8"))
    config["auto_map"] = {
        "AutoConfig": "evil.EvilConfig",
        "AutoModel": "evil.EvilModel",
        "AutoModelForSeq2SeqLM": "evil.EvilModel",
    }
    if model_type is not None:
        config["model_type"] = model_type
    (target / "config.json").write_text(json.dumps(config), encoding="utf-8")
    tok_file = target / "tokenizer_config.json"
    tok = json.loads(tok_file.read_text(encoding="utf-8"))
    tok["auto_map"] = {"AutoTokenizer": ["evil.EvilTokenizer", None]}
    tok_file.write_text(json.dumps(tok), encoding="utf-8")
    return target


def test_auto_map_code_is_never_run(tiny_marian: Path, tmp_path: Path) -> None:
    """A known model type: loads as Marian, the custom code is ignored."""
    marker = tmp_path / "marker"
    model_dir = with_remote_code(tiny_marian, tmp_path / "remote", marker, None)
    model = load_translator(spec_for(model_dir, tmp_path))
    assert isinstance(model, HFTranslator)
    assert all(t.text for t in model.translate(SENTENCES))
    assert type(model._model).__name__ == "MarianMTModel"
    assert not marker.exists()


def test_unknown_model_type_with_custom_code_is_refused(tiny_marian: Path, tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    model_dir = with_remote_code(tiny_marian, tmp_path / "remote", marker, "evil-model")
    model = load_translator(spec_for(model_dir, tmp_path))
    with pytest.raises(ModelError) as info:
        model.translate(SENTENCES)
    message = str(info.value)
    assert message.startswith("model 'm': cannot load the ") and "\n" not in message
    assert not marker.exists()


def test_convert_never_runs_custom_code(tiny_marian: Path, tmp_path: Path) -> None:
    pytest.importorskip("ctranslate2")
    from translator.ct2 import convert

    marker = tmp_path / "marker"
    model_dir = with_remote_code(tiny_marian, tmp_path / "remote", marker, None)
    out = convert(model_dir, tmp_path / "ct2", quantization=None)
    assert (out / "model.bin").is_file() and not marker.exists()
    evil = with_remote_code(tiny_marian, tmp_path / "evil", marker, "evil-model")
    with pytest.raises(ModelError):
        convert(evil, tmp_path / "ct2-evil", quantization=None)
    assert not marker.exists()


def test_every_load_passes_trust_remote_code_false(
    tiny_marian: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Spy on every from_pretrained transformers offers while the hf backend loads a model."""
    import transformers

    calls: list[tuple[str, dict[str, Any]]] = []
    for name in ("AutoTokenizer", "AutoModelForSeq2SeqLM", "AutoConfig"):
        cls = getattr(transformers, name)
        original = cls.from_pretrained

        def spy(*args: Any, _name: str = name, _original: Any = original, **kwargs: Any) -> Any:
            calls.append((_name, kwargs))
            return _original(*args, **kwargs)

        monkeypatch.setattr(cls, "from_pretrained", spy)
    model = load_translator(spec_for(tiny_marian, tmp_path))
    model.translate(SENTENCES[:1])
    assert {name for name, _ in calls} >= {"AutoTokenizer", "AutoModelForSeq2SeqLM"}
    for name, kwargs in calls:
        assert kwargs.get("trust_remote_code") is False, (name, kwargs)
        assert kwargs.get("local_files_only") is True, (name, kwargs)
    model_kwargs = next(k for n, k in calls if n == "AutoModelForSeq2SeqLM")
    assert model_kwargs["use_safetensors"] is True


def test_source_never_loads_without_trust_remote_code_false() -> None:
    """Every from_pretrained call in translator/ says trust_remote_code=False."""
    for path in sorted((ROOT / "translator").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"from_pretrained\(", text):
            depth, end = 1, match.end()
            while depth:
                depth += {"(": 1, ")": -1}.get(text[end], 0)
                end += 1
            call = text[match.start() : end]
            assert "trust_remote_code=False" in call, f"{path.name}: {call}"
        assert "trust_remote_code=True" not in text, path.name


# --- YAML ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/object/new:pathlib.Path ['{marker}']",
        "!!python/name:os.system",
    ],
)
def test_python_yaml_tags_are_refused(tmp_path: Path, payload: str) -> None:
    marker = tmp_path / "marker"
    models = tmp_path / "models.yaml"
    models.write_text(
        "default: m\nmodels:\n  m:\n    backend: gloss\n"
        f"    description: {payload.format(marker=marker)}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_registry(models)
    message = str(info.value)
    assert message.startswith(f"{models}: line 5, column 18: invalid YAML: ")
    assert "could not determine a constructor for the tag" in message and "\n" not in message
    result = runner.invoke(app, ["models", "list", "--models-file", str(models)])
    one_line_error(result, "invalid YAML")
    assert not marker.exists()


def test_every_yaml_load_in_the_project_is_safe() -> None:
    """yaml.load only with a SafeLoader subclass; no unsafe_load / full_load / yaml.Loader."""
    from translator.registry import _UniqueKeyLoader

    assert issubclass(_UniqueKeyLoader, yaml.SafeLoader)
    loads = []
    for folder in ("tadqiq", "translator", "eval", "bench"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"yaml\.(unsafe_load|full_load|load_all|unsafe_load_all)\(", text), path
            assert not re.search(r"Loader\s*=\s*yaml\.(Loader|FullLoader|UnsafeLoader)\b", text), path
            for match in re.finditer(r"yaml\.load\(([^)]*)\)", text):
                loads.append((path.name, match.group(1)))
    assert loads == [("registry.py", "text, Loader=_UniqueKeyLoader")]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("models: " + "[" * 50_000, "invalid YAML: nested too deeply"),
        ("default: g\nmodels:\n  g: {backend: gloss, x: " + "9" * 5000 + "}\n", "invalid YAML: "),
    ],
)
def test_pathological_yaml_is_a_one_line_config_error(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_registry(text, tmp_path / "models.yaml")
    assert str(info.value).startswith(f"{tmp_path / 'models.yaml'}: ")
    assert problem in str(info.value) and "\n" not in str(info.value)
