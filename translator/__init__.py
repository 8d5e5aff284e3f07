"""Turning Arabic sentences into English: model registry, backends, translation cache.

::

    from translator import load_registry, load_translator, TranslationCache

    spec = load_registry().get("opus-mt-ar-en")        # models.yaml, validated
    with TranslationCache() as cache:
        model = load_translator(spec, cache=cache)     # a Translator
        hyps = model.translate(["قال الرئيس ..."])       # list[Translation]

Pieces:

- :mod:`translator.registry` — ``models.yaml`` → :class:`ModelSpec` (validated, one
  :class:`~tadqiq.errors.ConfigError` per problem naming file, entry and key).
- :mod:`translator.base` — the :class:`Translator` protocol (``info`` and
  ``translate``), :class:`Translation`, :class:`FakeTranslator`; :class:`ModelInfo`
  is :mod:`eval.values`' (re-exported).
- :mod:`translator.cache` — :class:`TranslationCache` (SQLite) and
  :class:`CachedTranslator`, which translates only what is not cached.
- :mod:`translator.hub` — model weights: the Hugging Face cache, downloads, local
  model directories, :func:`hub_offline`, the one answer to "may the hub be
  contacted?" (``$HF_HUB_OFFLINE`` / ``$TRANSFORMERS_OFFLINE``), and
  :func:`hub_unreachable`, the one short request made before any download.
- Helpers shared by the model backends: :mod:`translator.batching` (blank sentences,
  token-budget batches), :mod:`translator.split` (sentences longer than the model's
  maximum input), :mod:`translator.links` (word links from attention),
  :mod:`translator.languages` (NLLB/M2M100 language codes).
- Backends, imported only when a model of theirs is loaded (see ``BACKENDS``):
  ``hf`` (:mod:`translator.hf`, torch + transformers), ``ctranslate2``
  (:mod:`translator.ct2`, a model converted by ``tadqiq models convert``), ``gloss``
  (:mod:`translator.gloss`), ``precomputed`` (:mod:`translator.precomputed`).

Imports: only :mod:`eval.values` and :mod:`tadqiq.errors` from the rest of the project
(the gloss backend also uses :mod:`eval.lexicon` and :mod:`eval.text.tokens`).

A backend module provides ``load(spec: ModelSpec, *, allow_download: bool) -> Translator``
and raises :class:`~tadqiq.errors.ModelError` when the model cannot be had. Importing
this package never imports torch or transformers.
"""

from __future__ import annotations

import importlib

from tadqiq.errors import ModelError

from .base import FakeTranslator, ModelInfo, Translation, Translator
from .cache import CachedTranslator, CacheWarning, TranslationCache, default_cache_path
from .hub import hub_offline
from .registry import (
    BACKENDS,
    GenerationSettings,
    ModelSpec,
    Registry,
    default_models_file,
    load_registry,
    parse_registry,
)

__all__ = [
    "BACKENDS",
    "CacheWarning",
    "CachedTranslator",
    "FakeTranslator",
    "GenerationSettings",
    "ModelInfo",
    "ModelSpec",
    "Registry",
    "Translation",
    "TranslationCache",
    "Translator",
    "default_cache_path",
    "default_models_file",
    "hub_offline",
    "load_registry",
    "load_translator",
    "parse_registry",
]


def load_translator(
    spec: ModelSpec, cache: TranslationCache | None = None, allow_download: bool = True
) -> Translator:
    """Build the translator for ``spec`` (importing its backend now), wrapped in ``cache`` if given.

    ``allow_download=False`` forbids fetching weights; a hub model that is not in
    the Hugging Face cache is then a :class:`ModelError`. Downloads never happen
    while :func:`hub_offline` is true (``$HF_HUB_OFFLINE`` or ``$TRANSFORMERS_OFFLINE``).
    """
    try:
        target = BACKENDS[spec.backend]
    except KeyError:
        raise ModelError(
            f"model {spec.name!r}: unknown backend {spec.backend!r}; known: {', '.join(BACKENDS)}"
        ) from None
    module_name, _, function = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            raise ModelError(
                f"model {spec.name!r}: backend {spec.backend!r} is not available in this"
                f" installation ({module_name} is missing)"
            ) from exc
        raise ModelError(
            f"model {spec.name!r}: backend {spec.backend!r} needs the Python package"
            f" {exc.name!r}; install it with: pip install 'tadqiq[models]'"
        ) from exc
    translator: Translator = getattr(module, function)(spec, allow_download=allow_download)
    if cache is not None:
        return CachedTranslator(translator, cache)
    return translator
