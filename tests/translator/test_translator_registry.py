"""models.yaml: loading, validation messages, path resolution, default file, cache keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from tadqiq.errors import ConfigError
from translator import GenerationSettings, default_models_file, load_registry
from translator.registry import bundled_models_file

REPO = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str, name: str = "models.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def entry_error(tmp_path: Path, entry: str) -> str:
    """The ConfigError message for a file whose only model 'm' has the given YAML body."""
    body = "\n".join("    " + line for line in entry.strip().splitlines())
    path = write(tmp_path, f"default: m\nmodels:\n  m:\n{body}\n")
    with pytest.raises(ConfigError) as info:
        load_registry(path)
    message = str(info.value)
    assert "\n" not in message
    return message.removeprefix(f"{path}: ")


# --- the shipped file ---------------------------------------------------------------


def test_shipped_models_file_is_valid() -> None:
    registry = load_registry(REPO / "models.yaml")
    assert registry.default_name == "opus-mt-ar-en"
    assert registry.default.model == "Helsinki-NLP/opus-mt-ar-en"
    assert registry.names == ("opus-mt-ar-en", "nllb-600m", "m2m100-418m", "gloss")
    opus = registry.get("opus-mt-ar-en")
    assert (opus.backend, opus.is_local, opus.device, opus.dtype) == (
        "hf",
        False,
        "auto",
        "float32",
    )
    assert opus.generation == GenerationSettings(
        num_beams=4, max_new_tokens=256, batch_size=32, max_batch_tokens=4096
    )
    nllb = registry.get("nllb-600m")
    assert (nllb.model, nllb.src_lang, nllb.tgt_lang) == (
        "facebook/nllb-200-distilled-600M",
        "arb_Arab",
        "eng_Latn",
    )
    m2m = registry.get("m2m100-418m")
    assert (m2m.model, m2m.src_lang, m2m.tgt_lang) == ("facebook/m2m100_418M", "ar", "en")
    gloss = registry.get("gloss")
    assert gloss.backend == "gloss" and gloss.model is None
    assert "word-by-word" in gloss.description and "no model weights" in gloss.description
    assert all(spec.source == REPO / "models.yaml" for spec in registry)


def test_bundled_copy_is_identical_to_top_level_file() -> None:
    assert bundled_models_file().read_bytes() == (REPO / "models.yaml").read_bytes()


def test_full_entry(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
default: big
models:
  big:
    backend: hf
    model: facebook/nllb-200-distilled-600M
    revision: "0123abc"
    src_lang: arb_Arab
    tgt_lang: eng_Latn
    generation: {num_beams: 2, max_new_tokens: 64, batch_size: 4, max_batch_tokens: 512}
    device: cuda:1
    dtype: bfloat16
    description: |
      Two
      lines
  pre:
    backend: precomputed
    path: hyps
""",
    )
    registry = load_registry(path)
    big = registry.get("big")
    assert big.revision == "0123abc"
    assert big.generation == GenerationSettings(2, 64, 4, 512)
    assert (big.device, big.dtype, big.description) == ("cuda:1", "bfloat16", "Two lines")
    assert registry.get("pre").path == tmp_path / "hyps"
    assert len(registry) == 2 and "pre" in registry and "nope" not in registry


# --- bad values ----------------------------------------------------------------------

BAD_ENTRIES = [
    (
        "backend: hf\nmodel: a/b\ngeneration: {num_beams: four}",
        "models.m.generation.num_beams: expected a whole number ≥ 1, got 'four'",
    ),
    (
        "backend: hf\nmodel: a/b\ngeneration: {num_beams: 0}",
        "models.m.generation.num_beams: expected a whole number ≥ 1, got 0",
    ),
    (
        "backend: hf\nmodel: a/b\ngeneration: {num_beams: true}",
        "models.m.generation.num_beams: expected a whole number ≥ 1, got true",
    ),
    (
        "backend: hf\nmodel: a/b\ngeneration: {max_new_tokens: 1.5}",
        "models.m.generation.max_new_tokens: expected a whole number ≥ 1, got 1.5",
    ),
    (
        "backend: hf\nmodel: a/b\ngeneration: {batch_size: -2}",
        "models.m.generation.batch_size: expected a whole number ≥ 1, got -2",
    ),
    (
        "backend: hf\nmodel: a/b\ngeneration: {max_batch_tokens: }",
        "models.m.generation.max_batch_tokens: expected a whole number ≥ 1, got nothing",
    ),
    (
        "backend: hf\nmodel: a/b\ngeneration: 5",
        "models.m.generation: expected a mapping, got 5",
    ),
    (
        "backend: hf\nmodel: a/b\ndevice: gpu",
        "models.m.device: expected one of auto, cpu, cuda, cuda:N, got 'gpu'",
    ),
    (
        "backend: hf\nmodel: a/b\ndtype: float64",
        "models.m.dtype: expected one of float32, bfloat16, float16, got 'float64'",
    ),
    (
        "backend: onnx\nmodel: a/b",
        "models.m.backend: expected one of hf, ctranslate2, gloss, precomputed, got 'onnx'",
    ),
    (
        "model: a/b",
        "models.m.backend: missing; expected one of hf, ctranslate2, gloss, precomputed",
    ),
    (
        "backend: hf",
        "models.m.model: missing; expected a Hugging Face hub id (owner/name) or a local directory",
    ),
    (
        "backend: hf\nmodel: [a, b]",
        "models.m.model: expected a string, got a list",
    ),
    (
        "backend: hf\nmodel: a/b\nrevision: 1234",
        "models.m.revision: expected a string (quote it), got 1234",
    ),
    (
        "backend: hf\nmodel: ./here\nrevision: main",
        "models.m.revision: only used with a hub id, not a local directory",
    ),
    (
        "backend: hf\nmodel: a/b\ndescription: [x]",
        "models.m.description: expected a string, got a list",
    ),
    (
        "backend: hf\nmodel: facebook/nllb-200-distilled-600M\ntgt_lang: eng_Latn",
        "models.m.src_lang: missing; NLLB models need a language code such as 'arb_Arab'",
    ),
    (
        "backend: hf\nmodel: facebook/nllb-200-distilled-600M\nsrc_lang: ar\ntgt_lang: eng_Latn",
        "models.m.src_lang: expected an NLLB language code such as 'arb_Arab', got 'ar'",
    ),
    (
        "backend: hf\nmodel: facebook/m2m100_418M\nsrc_lang: ar\ntgt_lang: eng_Latn",
        "models.m.tgt_lang: expected an M2M100 language code such as 'en', got 'eng_Latn'",
    ),
    (
        "backend: hf\nmodel: a/b\npath: somewhere",
        "models.m.path: only used by backend precomputed, not hf",
    ),
    (
        "backend: precomputed",
        "models.m.path: missing; expected a directory of NAME.en.txt files",
    ),
    (
        "backend: precomputed\npath: x\nmodel: a/b",
        "models.m.model: not used by backend precomputed; use 'path:'",
    ),
    (
        "backend: hf\nmodel: a/b\nbeams: 4",
        "models.m.beams: unknown key; expected one of backend, model, revision, src_lang,"
        " tgt_lang, generation, device, dtype, description, path, quantize, compute_type,"
        " inter_threads, intra_threads, allow_pickle",
    ),
    (
        "backend: hf\nmodel: a/b\ngeneration: {num_beam: 4}",
        "models.m.generation.num_beam: unknown key (did you mean 'num_beams'?); expected one of"
        " num_beams, max_new_tokens, batch_size, max_batch_tokens, alignments",
    ),
]


@pytest.mark.parametrize(("entry", "expected"), BAD_ENTRIES, ids=[e for _, e in BAD_ENTRIES])
def test_bad_entry_names_file_entry_and_key(tmp_path: Path, entry: str, expected: str) -> None:
    assert entry_error(tmp_path, entry) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "the file is empty; expected 'models:' (and 'default:')"),
        ("- a\n- b\n", "expected a mapping with 'default' and 'models', got a list"),
        ("default: m\n", "models: missing; expected a mapping of model name → entry"),
        ("default: m\nmodels: {}\n", "models: expected at least one model, got an empty mapping"),
        ("default: m\nmodels: [m]\n", "models: expected a mapping, got a list"),
        (
            "default: mm\nmodels:\n  m: {backend: gloss}\n  x: {backend: gloss}\n",
            "default: 'mm' is not a model in this file (did you mean 'm'?); known: m, x",
        ),
        (
            "default: m\nmodels:\n  m: {backend: gloss}\nextra: 1\n",
            "extra: unknown key; expected one of default, models",
        ),
        ("default: m\nmodels:\n  m: gloss\n", "models.m: expected a mapping, got 'gloss'"),
        (
            "default: m\nmodels:\n  bad name: {backend: gloss}\n",
            "models.bad name: a model name must be letters, digits, '.', '_' or '-',"
            " starting with a letter or digit",
        ),
    ],
)
def test_bad_file_structure(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_registry(path)
    assert str(info.value) == f"{path}: {expected}"


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "default: m\nmodels:\n  m:\n    backend: hf\n   model: [a\n")
    with pytest.raises(ConfigError) as info:
        load_registry(path)
    message = str(info.value)
    assert message.startswith(f"{path}: line 5, column ")
    assert "invalid YAML" in message and "\n" not in message


def test_duplicate_key_is_an_error(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "default: m\nmodels:\n  m: {backend: gloss}\n  m:\n    backend: hf\n    model: a/b\n",
    )
    with pytest.raises(ConfigError, match=r": line 4: duplicate key 'm'$"):
        load_registry(path)


def test_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match=r"nope\.yaml: models file not found$"):
        load_registry(tmp_path / "nope.yaml")
    monkeypatch.setenv("TADQIQ_MODELS", str(tmp_path / "gone.yaml"))
    with pytest.raises(
        ConfigError, match=r"gone\.yaml: models file not found \(named by \$TADQIQ_MODELS\)"
    ):
        load_registry()


def test_unknown_model_name_lists_known_names(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "default: opus\nmodels:\n  opus: {backend: hf, model: a/b}\n  gloss: {backend: gloss}\n",
    )
    registry = load_registry(path)
    with pytest.raises(ConfigError) as info:
        registry.get("opsu")
    assert str(info.value) == (
        f"{path}: no model named 'opsu' (did you mean 'opus'?); known models: opus, gloss"
    )


def test_a_file_without_default_is_valid_for_named_models(tmp_path: Path) -> None:
    """A models.yaml used only with --models (or --model) needs no 'default:'."""
    path = write(tmp_path, "models:\n  vendor: {backend: precomputed, path: hyps}\n  gloss: {backend: gloss}\n")
    registry = load_registry(path)
    assert registry.default_name is None
    assert registry.get("gloss").backend == "gloss" and registry.get("vendor").path == tmp_path / "hyps"
    with pytest.raises(ConfigError) as info:
        registry.default  # noqa: B018 - the property raises
    assert str(info.value) == (
        f"{path}: no default model (the file has no 'default:'); name one of vendor, gloss"
        " (--model NAME), or add 'default: NAME' to the file"
    )


def test_check_without_model_and_without_default_is_one_line(tmp_path: Path) -> None:
    from cli_results import one_line_error
    from typer.testing import CliRunner

    from tadqiq.cli import app

    path = write(tmp_path, "models:\n  gloss: {backend: gloss}\n")
    seed = REPO / "examples" / "seed"
    result = CliRunner().invoke(app, ["check", str(seed / "article.ar.txt"), "-r", str(seed / "reference.en.txt"),
                                      "--models-file", str(path), "--no-cache"])
    one_line_error(result, str(path), "no default model", "--model NAME")
    named = CliRunner().invoke(app, ["check", str(seed / "article.ar.txt"), "-r", str(seed / "reference.en.txt"),
                                     "--models-file", str(path), "--model", "gloss", "--no-cache",
                                     "--quiet", "--fail-on", "never"])
    assert named.exit_code == 0, named.output


# --- model: hub id or path --------------------------------------------------------------


def test_relative_paths_resolve_against_the_models_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conf = tmp_path / "conf"
    (conf / "models" / "mine").mkdir(parents=True)
    (conf / "plain").mkdir()
    path = write(
        conf,
        """
default: dotted
models:
  dotted: {backend: hf, model: ./models/mine}
  parent: {backend: hf, model: ../elsewhere}
  existing: {backend: hf, model: models/mine}
  bare: {backend: hf, model: plain}
  hub: {backend: hf, model: Helsinki-NLP/opus-mt-ar-en}
  absolute: {backend: hf, model: /opt/models/x}
  missing: {backend: hf, model: not-a-hub-id}
  pre: {backend: precomputed, path: hyps}
""",
    )
    monkeypatch.chdir(tmp_path)  # the working directory must not matter
    registry = load_registry(Path("conf/models.yaml"))
    local = {spec.name: (spec.model, spec.is_local) for spec in registry}
    assert local["dotted"] == (str(conf / "models" / "mine"), True)
    assert local["parent"] == (str(tmp_path / "elsewhere"), True)
    assert local["existing"] == (str(conf / "models" / "mine"), True)
    assert local["bare"] == (str(conf / "plain"), True)
    assert local["hub"] == ("Helsinki-NLP/opus-mt-ar-en", False)
    assert local["absolute"] == ("/opt/models/x", True)
    assert local["missing"] == (str(conf / "not-a-hub-id"), True)
    assert registry.get("pre").path == conf / "hyps"
    assert registry.path == Path("conf/models.yaml") and path.is_file()


# --- which file -------------------------------------------------------------------------


def test_default_models_file_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TADQIQ_MODELS", raising=False)
    monkeypatch.chdir(tmp_path)
    assert default_models_file() == bundled_models_file()
    assert load_registry().default_name == "opus-mt-ar-en"  # the bundled copy is valid
    write(tmp_path, "default: g\nmodels:\n  g: {backend: gloss}\n")
    assert default_models_file() == Path("models.yaml")
    assert load_registry().default_name == "g"
    monkeypatch.setenv("TADQIQ_MODELS", str(tmp_path / "other.yaml"))
    assert default_models_file() == tmp_path / "other.yaml"


# --- cache keys -------------------------------------------------------------------------


def _spec(tmp_path: Path, extra: str = "") -> str:
    path = write(tmp_path, f"default: m\nmodels:\n  m:\n    backend: hf\n    model: a/b\n{extra}")
    return load_registry(path).default.cache_key()


def test_cache_key_covers_output_settings_only(tmp_path: Path) -> None:
    base = _spec(tmp_path)
    assert base == _spec(tmp_path)
    # Device and batching do not change translations.
    assert base == _spec(
        tmp_path, "    device: cpu\n    generation: {batch_size: 2, max_batch_tokens: 64}\n"
    )
    assert base == _spec(tmp_path, "    description: different\n")
    # Everything else does.
    changed = [
        "    generation: {num_beams: 1}\n",
        "    generation: {max_new_tokens: 32}\n",
        "    dtype: bfloat16\n",
        "    revision: v2\n",
    ]
    keys = {_spec(tmp_path, extra) for extra in changed}
    assert len(keys) == len(changed) and base not in keys
