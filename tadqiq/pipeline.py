"""The library entry point of a check: files in, :class:`~eval.values.Report` out.

``check()`` reads and segments the two documents, gets a back-translation
(from a hypothesis file or from a model named in models.yaml, through the
translation cache), and hands everything to :func:`eval.evaluate.evaluate`.
Backends are imported lazily: a check with ``hypothesis=`` never imports torch.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from eval.evaluate import Flagger, evaluate
from eval.text.documents import read_document, read_text
from eval.text.hypothesis import units_from_hypothesis
from eval.text.segment import segment
from eval.values import Report, Segment, Unit

# Called once with the total number of sentences, returns a callback advanced per sentence.
ProgressFactory = Callable[[int], Callable[[int], None]]


@dataclass(frozen=True)
class CheckRequest:
    article: Path
    reference: Path
    model: str | None = None
    hypothesis: Path | None = None
    models_file: Path | None = None
    cache: Path | None = None
    use_cache: bool = True
    glossary: Path | None = None
    min_confidence: float | None = None  # None: the flagger's default
    allow_mismatch: bool = False  # True: skip the "reference does not match" check (eval.align.mismatch)


def _translate_units(
    request: CheckRequest, ar_segments: Sequence[Segment], progress: ProgressFactory | None
) -> tuple[list[Unit], dict]:
    from translator import load_translator
    from translator.cache import CachedTranslator, TranslationCache
    from translator.registry import load_registry

    registry = load_registry(request.models_file)
    spec = registry.get(request.model) if request.model else registry.default
    translator = load_translator(spec, allow_download=not _offline())
    cached = None
    if request.use_cache:
        cached = CachedTranslator(translator, TranslationCache(request.cache))
        translator = cached
    callback = progress(len(ar_segments)) if progress else None
    translations = translator.translate([s.text for s in ar_segments], progress=callback)
    units = [
        Unit((seg.index,), tr.text, tr.links, tr.parts)
        for seg, tr in zip(ar_segments, translations, strict=True)
    ]
    info = translator.info
    model = {
        "name": info.name,
        "backend": info.backend,
        "model": info.model,
        "revision": info.revision,
        "settings": dict(info.settings),
        "rough": info.rough,
    }
    if cached is not None:
        model["cache"] = {"hits": cached.hits, "misses": cached.misses}
    return units, model


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def check(
    request: CheckRequest,
    *,
    progress: ProgressFactory | None = None,
    flaggers: Sequence[Flagger] | None = None,
) -> Report:
    """Run a whole check and return its report (nothing is printed or written)."""
    timings: dict[str, float] = {}
    t = time.perf_counter()
    article = read_document(request.article, "ar", "article")
    reference = read_document(request.reference, "en", "reference")
    hyp_text = read_text(request.hypothesis, "hypothesis")[0] if request.hypothesis else None
    timings["read"] = time.perf_counter() - t

    t = time.perf_counter()
    ar_segments = segment(article.original, "ar")
    ref_segments = segment(reference.original, "en")
    timings["segment"] = time.perf_counter() - t

    t = time.perf_counter()
    if hyp_text is not None:
        units = units_from_hypothesis(ar_segments, hyp_text, str(request.hypothesis))
        model = {
            "name": "hypothesis-file",
            "backend": "precomputed",
            "model": str(request.hypothesis),
            "revision": None,
            "settings": {},
            "rough": False,
        }
    else:
        units, model = _translate_units(request, ar_segments, progress)
    timings["translate"] = time.perf_counter() - t

    if flaggers is None:
        flaggers = default_flaggers(request)
    return evaluate(
        article, reference, ar_segments, ref_segments, units, model,
        flaggers=flaggers, timings=timings, check_match=not request.allow_mismatch,
    )


def default_flaggers(request: CheckRequest) -> list[Flagger]:
    """The span-level flaggers a check runs by default."""
    from eval.flags.merge import SpanFlagger

    if request.min_confidence is None:
        return [SpanFlagger(glossary=request.glossary)]
    return [SpanFlagger(glossary=request.glossary, min_confidence=request.min_confidence)]
