"""The model registry: named translation models read from ``models.yaml``.

The file is validated when it is read. Every problem is a :class:`ConfigError`
whose one-line message names the file, the entry, the key and what was expected::

    models.yaml: models.opus-mt-ar-en.generation.num_beams: expected a whole number ≥ 1, got 'four'

Layout of the file::

    default: opus-mt-ar-en
    models:
      opus-mt-ar-en:
        backend: hf                          # hf | ctranslate2 | gloss | precomputed
        model: Helsinki-NLP/opus-mt-ar-en    # hub id, or a local directory
        revision: main                       # optional: branch, tag or commit
        src_lang: arb_Arab                   # required for NLLB and M2M100
        tgt_lang: eng_Latn
        generation: {num_beams: 4, max_new_tokens: 256, batch_size: 32, max_batch_tokens: 4096,
                     alignments: true}
        device: auto                         # auto | cpu | cuda | cuda:N
        dtype: float32                       # float32 | bfloat16 | float16
        allow_pickle: false                  # true: load a model with only pytorch_model.bin
        description: free text
      opus-mt-ct2:
        backend: ctranslate2                 # a model converted by `tadqiq models convert`
        model: ~/.cache/tadqiq/ct2/opus-mt-ar-en-int8
        compute_type: int8                   # CTranslate2 compute type (default int8)
        inter_threads: 2                     # batches translated in parallel (default 2)
        intra_threads: 1                     # threads per batch (default 1)

``model`` is a local path when it starts with ``/``, ``./``, ``../`` or ``~``, or when
that path exists relative to the models.yaml file; otherwise a value of the form
``owner/name`` is a Hugging Face hub id. Relative paths are resolved against the
directory of the models.yaml file, never against the working directory (so is a
precomputed model's ``path:``). ``default:`` may be left out of a file whose models are
always named (``tadqiq eval --models``, ``--model``); asking such a file for its default
is a :class:`ConfigError`.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from eval.values import ModelInfo
from tadqiq.errors import ConfigError

#: Backend name → ``"module:function"`` that builds a translator from a :class:`ModelSpec`.
#: The modules are imported only when a model of that backend is loaded.
BACKENDS: Mapping[str, str] = MappingProxyType(
    {
        "hf": "translator.hf:load",
        "ctranslate2": "translator.ct2:load",
        "gloss": "translator.gloss:load",
        "precomputed": "translator.precomputed:load",
    }
)

DEVICES = ("auto", "cpu", "cuda")
DTYPES = ("float32", "bfloat16", "float16")
#: ``dynamic-int8``: torch dynamic quantisation of every ``nn.Linear`` (CPU only).
QUANTIZE = ("none", "dynamic-int8")
#: Every CTranslate2 compute type; which ones a machine supports is checked when the
#: model is loaded (``ctranslate2.get_supported_compute_types``).
CT2_COMPUTE_TYPES = (
    "default",
    "auto",
    "int8",
    "int8_float32",
    "int8_float16",
    "int8_bfloat16",
    "int16",
    "float16",
    "bfloat16",
    "float32",
)
#: Entry keys only the ctranslate2 backend reads, and keys it does not accept.
_CT2_KEYS = ("compute_type", "inter_threads", "intra_threads")
_NOT_CT2_KEYS = ("dtype", "quantize")

#: Bumped whenever a change in tadqiq itself (not in the model) changes translations,
#: so that cached translations made by older code are not reused.
#: 2: sentences longer than the model's input are split and translated whole (1 cut them).
CACHE_KEY_VERSION = 2

_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
_HUB_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*\Z")
_NLLB_LANG_RE = re.compile(r"[a-z]{3}_[A-Z][a-z]{3}\Z")
_M2M_LANG_RE = re.compile(r"[a-z]{2,3}\Z")
_CUDA_RE = re.compile(r"cuda(:\d+)?\Z")

_TOP_KEYS = ("default", "models")
_ENTRY_KEYS = (
    "backend",
    "model",
    "revision",
    "src_lang",
    "tgt_lang",
    "generation",
    "device",
    "dtype",
    "description",
    "path",
    "quantize",
    "compute_type",
    "inter_threads",
    "intra_threads",
    "allow_pickle",
)
_GENERATION_KEYS = ("num_beams", "max_new_tokens", "batch_size", "max_batch_tokens", "alignments")
_GENERATION_FLAGS = ("alignments",)  # true/false; the other generation keys are whole numbers


@dataclass(frozen=True)
class GenerationSettings:
    """How a seq2seq model decodes, and how sentences are batched.

    ``num_beams`` defaults to 4: beam search gives noticeably better back-translations
    than greedy decoding, it is what the Marian (opus-mt) checkpoints were evaluated
    with, and the translation cache makes the extra cost a one-off per sentence.
    ``batch_size`` and ``max_batch_tokens`` (padded source tokens per batch) only
    bound memory; they do not change the output.
    ``alignments`` (default true) makes the hf backend attach source↔target word
    links, read from the model's own cross-attention, to every translation; it never
    changes the translated text, but it is part of the cache key because the cache
    stores the links too.
    """

    num_beams: int = 4
    max_new_tokens: int = 256
    batch_size: int = 32
    max_batch_tokens: int = 4096
    alignments: bool = True

    def to_dict(self) -> dict[str, int | bool]:
        return {key: getattr(self, key) for key in _GENERATION_KEYS}


@dataclass(frozen=True)
class ModelSpec:
    """One validated entry of models.yaml."""

    name: str
    backend: str
    model: str | None = None  # hub id, or an absolute path when ``is_local``
    is_local: bool = False
    revision: str | None = None
    src_lang: str | None = None
    tgt_lang: str | None = None
    generation: GenerationSettings = field(default_factory=GenerationSettings)
    device: str = "auto"
    dtype: str = "float32"
    #: ``none`` or ``dynamic-int8`` (hf backend: torch dynamic quantization of every
    #: nn.Linear; CPU and float32 only).
    quantize: str = "none"
    description: str = ""
    path: Path | None = None  # precomputed backend: directory of NAME.en.txt files
    #: ctranslate2 backend: compute type, parallel batches, threads per batch.
    compute_type: str = "int8"
    inter_threads: int = 2
    intra_threads: int = 1
    #: hf backend: load (or convert) a model that has only pickle weights
    #: (pytorch_model.bin), which can run arbitrary code when loaded. Off by default.
    allow_pickle: bool = False
    source: Path | None = None  # the models.yaml this entry was read from

    @property
    def where(self) -> str:
        """``models.yaml: models.NAME``, for messages."""
        return f"{self.source or 'models.yaml'}: models.{self.name}"

    def cache_key(self) -> str:
        """A stable string of everything that changes the output (not device or batching)."""
        data = {
            "v": CACHE_KEY_VERSION,
            "backend": self.backend,
            "model": self.model,
            "revision": self.revision,
            "src_lang": self.src_lang,
            "tgt_lang": self.tgt_lang,
            "num_beams": self.generation.num_beams,
            "max_new_tokens": self.generation.max_new_tokens,
            "alignments": self.generation.alignments,  # the cache stores the links
            "dtype": self.dtype,
        }
        if self.quantize != "none":  # absent when off, so existing cache keys stay valid
            data["quantize"] = self.quantize
        if self.backend == "ctranslate2":  # threads change speed, not output
            data["compute_type"] = self.compute_type
        if self.path is not None:
            data["path"] = str(self.path)
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def settings(self) -> dict[str, Any]:
        """The settings a report shows next to the model name."""
        out: dict[str, Any] = self.generation.to_dict()
        if self.backend == "ctranslate2":
            out.update(
                device=self.device,
                compute_type=self.compute_type,
                inter_threads=self.inter_threads,
                intra_threads=self.intra_threads,
            )
        else:
            out.update(device=self.device, dtype=self.dtype)
        if self.quantize != "none":
            out.update(quantize=self.quantize)
        if self.src_lang or self.tgt_lang:
            out.update(src_lang=self.src_lang, tgt_lang=self.tgt_lang)
        return out

    def model_info(
        self, *, rough: bool = False, revision: str | None = None, key_suffix: str = ""
    ) -> ModelInfo:
        """Info for a model built from this entry; ``key_suffix`` pins what was actually loaded."""
        return ModelInfo(
            name=self.name,
            backend=self.backend,
            model=self.model if self.model is not None else (str(self.path) if self.path else None),
            revision=revision if revision is not None else self.revision,
            settings=self.settings(),
            rough=rough,
            cache_key=self.cache_key() + key_suffix,
        )


@dataclass(frozen=True)
class Registry:
    """All models of one models.yaml file."""

    path: Path
    default_name: str | None  # None: the file has no 'default:' (its models are always named)
    models: Mapping[str, ModelSpec] = field(hash=False)

    @property
    def default(self) -> ModelSpec:
        """The ``default:`` model; :class:`ConfigError` if the file names none."""
        if self.default_name is None:
            raise ConfigError(
                f"{self.path}: no default model (the file has no 'default:'); name one of"
                f" {', '.join(self.models)} (--model NAME), or add 'default: NAME' to the file"
            )
        return self.models[self.default_name]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.models)

    def get(self, name: str) -> ModelSpec:
        """The model called ``name``; :class:`ConfigError` listing the known names if none."""
        try:
            return self.models[name]
        except KeyError:
            hint = _did_you_mean(name, self.models)
            raise ConfigError(
                f"{self.path}: no model named {name!r}{hint}; known models: {', '.join(self.models)}"
            ) from None

    def __contains__(self, name: object) -> bool:
        return name in self.models

    def __iter__(self) -> Iterator[ModelSpec]:
        return iter(self.models.values())

    def __len__(self) -> int:
        return len(self.models)


def bundled_models_file() -> Path:
    """The models.yaml shipped inside the package."""
    return Path(__file__).with_name("models.yaml")


def default_models_file() -> Path:
    """``$TADQIQ_MODELS`` if set, else ``./models.yaml`` if present, else the bundled copy."""
    env = os.environ.get("TADQIQ_MODELS")
    if env:
        return Path(env).expanduser()
    local = Path("models.yaml")
    if local.is_file():
        return local
    return bundled_models_file()


def load_registry(path: str | os.PathLike[str] | None = None) -> Registry:
    """Read and validate a models.yaml (by default :func:`default_models_file`)."""
    file = Path(path) if path is not None else default_models_file()
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        hint = (
            " (named by $TADQIQ_MODELS)" if path is None and os.environ.get("TADQIQ_MODELS") else ""
        )
        raise ConfigError(f"{file}: models file not found{hint}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read: {exc.strerror or exc}") from None
    return parse_registry(text, file)


def parse_registry(text: str, path: str | os.PathLike[str]) -> Registry:
    """Validate the YAML ``text`` of a models file; relative paths are resolved against ``path``'s directory."""
    file = Path(path)
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader: no arbitrary objects
    except _DuplicateKey as dup:
        raise ConfigError(f"{file}: line {dup.line}: duplicate key {dup.key!r}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = exc.problem or exc.context or "syntax error"
        raise ConfigError(f"{file}: {where}invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{file}: invalid YAML: {first_line(exc)}") from None
    except RecursionError:
        raise ConfigError(f"{file}: invalid YAML: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        raise ConfigError(f"{file}: invalid YAML: {first_line(exc)}") from None
    return _Validator(file).registry(data)


# --- validation -----------------------------------------------------------------------


class _DuplicateKey(Exception):
    def __init__(self, key: object, line: int) -> None:
        super().__init__(key, line)
        self.key = key
        self.line = line


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate mapping keys (a copied entry silently replacing another)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, (str, int, float, bool)) or key is None:
                if key in seen:
                    raise _DuplicateKey(key, key_node.start_mark.line + 1)
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message, for one-line errors."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _show(value: object) -> str:
    """A value as it appeared in YAML, for 'got ...'."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__} ({value})"


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


class _Validator:
    def __init__(self, file: Path) -> None:
        self.file = file
        self.base = file.parent

    def fail(self, key: str, message: str) -> ConfigError:
        return ConfigError(f"{self.file}: {key}: {message}")

    def mapping(self, value: object, key: str) -> dict[Any, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, f"expected a mapping, got {_show(value)}")
        return value

    def known_keys(self, data: Mapping[Any, Any], allowed: tuple[str, ...], prefix: str) -> None:
        for key in data:
            if key not in allowed:
                label = f"{prefix}.{key}" if prefix else str(key)
                hint = _did_you_mean(str(key), allowed)
                raise self.fail(label, f"unknown key{hint}; expected one of {', '.join(allowed)}")

    def string(self, value: object, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            what = "a string" if not isinstance(value, str) else "a non-empty string"
            raise self.fail(key, f"expected {what}, got {_show(value)}")
        return value.strip()

    def choice(self, value: object, key: str, choices: tuple[str, ...]) -> str:
        if not isinstance(value, str) or value not in choices:
            raise self.fail(key, f"expected one of {', '.join(choices)}, got {_show(value)}")
        return value

    def whole(self, value: object, key: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise self.fail(key, f"expected a whole number ≥ 1, got {_show(value)}")
        return value

    def flag(self, value: object, key: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(key, f"expected true or false, got {_show(value)}")
        return value

    def registry(self, data: object) -> Registry:
        if data is None:
            raise ConfigError(f"{self.file}: the file is empty; expected 'models:' (and 'default:')")
        if not isinstance(data, dict):
            raise ConfigError(
                f"{self.file}: expected a mapping with 'default' and 'models', got {_show(data)}"
            )
        self.known_keys(data, _TOP_KEYS, "")
        if "models" not in data:
            raise self.fail("models", "missing; expected a mapping of model name → entry")
        raw_models = self.mapping(data["models"], "models")
        if not raw_models:
            raise self.fail("models", "expected at least one model, got an empty mapping")
        models: dict[str, ModelSpec] = {}
        for name, entry in raw_models.items():
            if not isinstance(name, str) or not _NAME_RE.match(name):
                raise self.fail(
                    f"models.{name}",
                    "a model name must be letters, digits, '.', '_' or '-', starting with a letter or digit",
                )
            models[name] = self.entry(name, entry)
        if "default" not in data:  # fine for a file used with --models / --model only
            return Registry(path=self.file, default_name=None, models=MappingProxyType(models))
        default = self.string(data["default"], "default")
        if default not in models:
            hint = _did_you_mean(default, models)
            raise self.fail(
                "default",
                f"{default!r} is not a model in this file{hint}; known: {', '.join(models)}",
            )
        return Registry(path=self.file, default_name=default, models=MappingProxyType(models))

    def entry(self, name: str, raw: object) -> ModelSpec:
        at = f"models.{name}"
        data = self.mapping(raw, at)
        self.known_keys(data, _ENTRY_KEYS, at)
        if "backend" not in data:
            raise self.fail(f"{at}.backend", f"missing; expected one of {', '.join(BACKENDS)}")
        backend = self.choice(data["backend"], f"{at}.backend", tuple(BACKENDS))

        model: str | None = None
        is_local = False
        if "model" in data:
            if backend == "precomputed":
                raise self.fail(f"{at}.model", "not used by backend precomputed; use 'path:'")
            model, is_local = self.model_ref(self.string(data["model"], f"{at}.model"), backend)
        elif backend == "hf":
            raise self.fail(
                f"{at}.model",
                "missing; expected a Hugging Face hub id (owner/name) or a local directory",
            )
        elif backend == "ctranslate2":
            raise self.fail(
                f"{at}.model",
                "missing; expected the directory of a converted model"
                " (make one with: tadqiq models convert NAME --int8)",
            )
        if backend == "ctranslate2":
            for key in _NOT_CT2_KEYS:
                if key in data:
                    raise self.fail(
                        f"{at}.{key}", "not used by backend ctranslate2; use 'compute_type:'"
                    )
        else:
            for key in _CT2_KEYS:
                if key in data:
                    raise self.fail(f"{at}.{key}", f"only used by backend ctranslate2, not {backend}")

        path: Path | None = None
        if "path" in data:
            if backend != "precomputed":
                raise self.fail(f"{at}.path", f"only used by backend precomputed, not {backend}")
            path = self.resolve(self.string(data["path"], f"{at}.path"))
        elif backend == "precomputed":
            raise self.fail(f"{at}.path", "missing; expected a directory of NAME.en.txt files")

        revision = None
        if "revision" in data:
            if isinstance(data["revision"], (int, float)) and not isinstance(
                data["revision"], bool
            ):
                raise self.fail(
                    f"{at}.revision", f"expected a string (quote it), got {_show(data['revision'])}"
                )
            revision = self.string(data["revision"], f"{at}.revision")
            if is_local:
                raise self.fail(f"{at}.revision", "only used with a hub id, not a local directory")

        src_lang = self.string(data["src_lang"], f"{at}.src_lang") if "src_lang" in data else None
        tgt_lang = self.string(data["tgt_lang"], f"{at}.tgt_lang") if "tgt_lang" in data else None
        if backend == "hf" and model is not None and not is_local:
            self.check_languages(at, model, src_lang, tgt_lang)

        generation = self.generation(data.get("generation", {}), f"{at}.generation")

        device = "auto"
        if "device" in data:
            value = data["device"]
            if not isinstance(value, str) or not (value in DEVICES or _CUDA_RE.match(value)):
                raise self.fail(
                    f"{at}.device", f"expected one of auto, cpu, cuda, cuda:N, got {_show(value)}"
                )
            device = value
        dtype = self.choice(data["dtype"], f"{at}.dtype", DTYPES) if "dtype" in data else "float32"
        quantize = (
            self.choice(data["quantize"], f"{at}.quantize", ("none", "dynamic-int8"))
            if "quantize" in data else "none"
        )
        if quantize != "none" and dtype != "float32":
            raise self.fail(f"{at}.quantize", f"dynamic-int8 needs dtype float32, not {dtype}")

        compute_type = (
            self.choice(data["compute_type"], f"{at}.compute_type", CT2_COMPUTE_TYPES)
            if "compute_type" in data
            else "int8"
        )
        threads = {
            key: self.whole(data[key], f"{at}.{key}")
            for key in ("inter_threads", "intra_threads")
            if key in data
        }

        allow_pickle = False
        if "allow_pickle" in data:
            allow_pickle = self.flag(data["allow_pickle"], f"{at}.allow_pickle")
            if backend != "hf":
                raise self.fail(
                    f"{at}.allow_pickle",
                    f"only used by backend hf, not {backend}",
                )

        description = ""
        if "description" in data:
            if not isinstance(data["description"], str):
                raise self.fail(
                    f"{at}.description", f"expected a string, got {_show(data['description'])}"
                )
            description = " ".join(data["description"].split())

        return ModelSpec(
            name=name,
            backend=backend,
            model=model,
            is_local=is_local,
            revision=revision,
            src_lang=src_lang,
            tgt_lang=tgt_lang,
            generation=generation,
            device=device,
            dtype=dtype,
            quantize=quantize,
            description=description,
            path=path,
            source=self.file,
            compute_type=compute_type,
            allow_pickle=allow_pickle,
            **threads,
        )

    def model_ref(self, value: str, backend: str) -> tuple[str, bool]:
        """(hub id or absolute path, is_local)."""
        explicit = value.startswith(("/", "./", "../", "~", ".\\", "..\\")) or value in (".", "..")
        if explicit or os.path.isabs(value) or "\\" in value:
            return str(self.resolve(value)), True
        if (self.base / value).exists():
            return str(self.resolve(value)), True
        if backend == "hf" and _HUB_ID_RE.match(value) and "--" not in value and ".." not in value:
            return value, False
        # Not a hub id: a local path that does not exist (yet); loading it names it.
        return str(self.resolve(value)), True

    def resolve(self, value: str) -> Path:
        path = Path(value).expanduser()
        if not path.is_absolute():
            path = self.base / path
        return Path(os.path.abspath(path))

    def check_languages(self, at: str, model: str, src: str | None, tgt: str | None) -> None:
        lowered = model.lower()
        if "nllb" in lowered:
            kind, pattern, example = "NLLB", _NLLB_LANG_RE, ("arb_Arab", "eng_Latn")
        elif "m2m" in lowered:
            kind, pattern, example = "M2M100", _M2M_LANG_RE, ("ar", "en")
        else:
            return
        for key, value, ex in (("src_lang", src, example[0]), ("tgt_lang", tgt, example[1])):
            if value is None:
                raise self.fail(
                    f"{at}.{key}", f"missing; {kind} models need a language code such as {ex!r}"
                )
            if not pattern.match(value):
                raise self.fail(
                    f"{at}.{key}", f"expected an {kind} language code such as {ex!r}, got {value!r}"
                )

    def generation(self, raw: object, at: str) -> GenerationSettings:
        data = self.mapping(raw, at)
        self.known_keys(data, _GENERATION_KEYS, at)
        values: dict[str, int | bool] = {
            key: (self.flag if key in _GENERATION_FLAGS else self.whole)(data[key], f"{at}.{key}")
            for key in _GENERATION_KEYS
            if key in data
        }
        return GenerationSettings(**values)
