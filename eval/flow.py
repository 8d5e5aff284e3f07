"""Layer 6 — the one check flow: prepare documents → back-translation units → evaluate.

Every way of checking a document goes through these three steps: ``tadqiq check``
(:mod:`tadqiq.pipeline`, an article and its reference), XLIFF/TMX checks
(:mod:`tadqiq.paired`) and nightly runs (:mod:`eval.nightly.runner`, one model over
a whole corpus).

1. **Prepare** the two documents, read and segmented, as :class:`Prepared`:
   :func:`prepare_files` (an article and its reference on disk), :func:`prepare_texts`
   (texts already in memory) or :func:`prepare_paired` (an XLIFF/TMX file, one unit per
   line of two synthetic documents, see :func:`synthetic_documents`). All three split
   the text into sentences the same way (:func:`eval.text.segment.segment`).
2. **Back-translate**: :func:`back_translate` gives the units the report is built on
   and what made them (the report's ``model``), as a :class:`BackTranslation`, from
   one of three sources: a :class:`Hypothesis` file made elsewhere, a
   :class:`ModelChoice` of models.yaml (loaded now, translating through the translation
   cache), or a :class:`LoadedModel` (a translator loaded once for many documents,
   precomputed ones included). :func:`hypothesis_units` and :func:`translate_units`
   are the two ways units are made.
3. **Evaluate**: :func:`evaluate_prepared` runs :func:`eval.evaluate.evaluate` on them
   (for paired input, sentences are aligned within each unit, never across units, and
   omissions of empty targets point at their line: :func:`place_empty_targets`).

A paired file thus gives the flags the same text gives as plain text, one paragraph per
unit; segment k of its report lies inside one unit, found with
:func:`eval.reports.units.segment_units`.

:func:`check` runs the three steps with the span flaggers of :func:`default_flaggers`
unless told otherwise. Backends are imported lazily: a check of a hypothesis never
imports torch, and importing this module imports no backend at all.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from eval.evaluate import Flagger, evaluate
from eval.reports.units import segment_units
from eval.text.documents import document_from_text, read_document, read_text
from eval.text.formats import PairedInput, read_paired
from eval.text.hypothesis import pair_paragraph, units_from_hypothesis
from eval.text.segment import segment
from eval.values import Document, Report, Segment, Span, Unit, counted
from tadqiq.errors import InputError, ModelError

if TYPE_CHECKING:
    from eval.text.glossary import GlossaryTerm
    from translator import Translation, Translator

__all__ = [
    "BackTranslation",
    "Hypothesis",
    "LoadedModel",
    "ModelChoice",
    "Prepared",
    "ProgressFactory",
    "Source",
    "back_translate",
    "check",
    "default_flaggers",
    "evaluate_prepared",
    "hypothesis_lines",
    "hypothesis_units",
    "place_empty_targets",
    "prepare_files",
    "prepare_paired",
    "prepare_texts",
    "synthetic_documents",
    "translate_units",
    "translated_units",
]

#: Called once with the number of sentences to translate; returns a callback advanced
#: with the number of sentences just translated.
ProgressFactory = Callable[[int], Callable[[int], None]]


# --- 1. prepare ------------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """An article and its reference, read and segmented, ready for any back-translation.

    For paired input (XLIFF/TMX) ``paired`` is the file as read and ``ar_by_unit[k]`` the
    indices of the Arabic segments (sentences) of unit k, empty when its target is empty.
    ``timings`` holds the seconds spent reading and segmenting.
    """

    article: Document
    reference: Document
    ar_segments: tuple[Segment, ...]
    ref_segments: tuple[Segment, ...]
    timings: dict[str, float] = field(default_factory=dict, compare=False)
    paired: PairedInput | None = field(default=None, repr=False)
    ar_by_unit: tuple[tuple[int, ...], ...] | None = None

    @property
    def pre_aligned(self) -> bool:
        """True for paired input: the file pairs the units; sentences align within each."""
        return self.ar_by_unit is not None


def _segmented(article: Document, reference: Document, read_seconds: float) -> Prepared:
    t = time.perf_counter()
    ar_segments = segment(article.original, "ar")
    ref_segments = segment(reference.original, "en")
    timings = {"read": read_seconds, "segment": time.perf_counter() - t}
    return Prepared(article, reference, tuple(ar_segments), tuple(ref_segments), timings)


def prepare_files(article: str | os.PathLike[str], reference: str | os.PathLike[str]) -> Prepared:
    """Read (decode, check) and segment an Arabic article and its English reference."""
    t = time.perf_counter()
    ar_doc = read_document(article, "ar", "article")
    ref_doc = read_document(reference, "en", "reference")
    return _segmented(ar_doc, ref_doc, time.perf_counter() - t)


def prepare_texts(
    article: str,
    reference: str,
    *,
    article_path: str = "<article>",
    reference_path: str = "<reference>",
) -> Prepared:
    """Check and segment an article and its reference given as text (paths are for messages)."""
    t = time.perf_counter()
    ar_doc = document_from_text(article, "ar", article_path, role="article")
    ref_doc = document_from_text(reference, "en", reference_path, role="reference")
    return _segmented(ar_doc, ref_doc, time.perf_counter() - t)


def synthetic_documents(
    paired: PairedInput,
) -> tuple[Document, Document, list[Segment], list[Segment]]:
    """Arabic and English documents of ``paired`` (one unit per line) and their sentences.

    Returns ``(article, reference, ar_segments, ref_segments)``, split into sentences as
    plain text is (:func:`eval.text.segment.segment`; a sentence never crosses a line).
    Offsets and lines point into these documents: line k+1 is unit k.
    """
    targets = [u.target_ar for u in paired.units]
    sources = [u.source_en for u in paired.units]
    if not any(targets):
        raise InputError(f"{paired.path}: no unit has an Arabic target; nothing to check")
    article = document_from_text(
        "\n".join(targets), "ar", paired.path, role="target text", encoding=paired.encoding
    )
    reference = document_from_text(
        "\n".join(sources), "en", paired.path, role="source text", encoding=paired.encoding
    )
    return article, reference, segment(article.original, "ar"), segment(reference.original, "en")


def prepare_paired(source: PairedInput | str | os.PathLike[str]) -> Prepared:
    """An XLIFF/TMX file (read here from a path, or already read) as :func:`synthetic_documents`."""
    t = time.perf_counter()
    paired = source if isinstance(source, PairedInput) else read_paired(source)
    read_seconds = time.perf_counter() - t
    t = time.perf_counter()
    article, reference, ar_segments, ref_segments = synthetic_documents(paired)
    timings = {"read": read_seconds, "segment": time.perf_counter() - t}
    ar_by_unit: list[list[int]] = [[] for _ in paired.units]
    for s in ar_segments:
        ar_by_unit[s.line - 1].append(s.index)
    return Prepared(
        article, reference, tuple(ar_segments), tuple(ref_segments), timings, paired,
        tuple(tuple(idx) for idx in ar_by_unit),
    )


# --- 2. back-translation units ----------------------------------------------------------


@dataclass(frozen=True)
class Hypothesis:
    """A back-translation made elsewhere: a text file with one line per paragraph or per
    sentence of the article (for paired input: one line per unit)."""

    path: str | os.PathLike[str]


@dataclass(frozen=True)
class ModelChoice:
    """A model of models.yaml, loaded for this check and translating through the cache.

    ``name`` None: the default model of ``models_file`` (default: the usual models.yaml).
    ``cache`` None: the user's translation cache; ``use_cache=False`` skips it.
    """

    name: str | None = None
    models_file: str | os.PathLike[str] | None = None
    cache: str | os.PathLike[str] | None = None
    use_cache: bool = True


@dataclass(frozen=True)
class LoadedModel:
    """A translator loaded once for many documents, ``info`` its report ``model``.

    A precomputed translator (:class:`translator.precomputed.PrecomputedTranslator`)
    gives the hypothesis file of ``document``.
    """

    translator: Translator
    info: dict = field(hash=False)
    document: str = ""


#: Where a back-translation comes from.
Source = Hypothesis | ModelChoice | LoadedModel


@dataclass(frozen=True)
class BackTranslation:
    """The units a report is built on and what made them (the report's ``model``).

    For paired input the units of a file's unit hold its sentences only (none for an
    empty target).
    """

    units: tuple[Unit, ...]
    model: dict = field(hash=False)


def hypothesis_lines(text: str, paired: PairedInput, path: str = "<hypothesis>") -> list[str]:
    """One back-translation per unit of ``paired``: a line per unit, or a non-blank line per
    unit with an Arabic target. InputError (naming ``path``) otherwise."""
    lines = [line.strip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    n_units = len(paired.units)
    if len(lines) == n_units:
        return lines
    non_blank = [line for line in lines if line]
    translated = [k for k, u in enumerate(paired.units) if u.target_ar]
    if len(non_blank) == len(translated):
        out = [""] * n_units
        for k, line in zip(translated, non_blank, strict=True):
            out[k] = line
        return out
    raise InputError(
        f"{path}: has {counted(len(lines), 'line')} ({len(non_blank)} non-empty) but {paired.path} has "
        f"{counted(n_units, 'unit')} to check ({len(translated)} with an Arabic target); "
        "give one line per unit"
    )


def hypothesis_units(prepared: Prepared, text: str, path: str = "<hypothesis>") -> list[Unit]:
    """The Arabic units paired with a hypothesis text (``path`` names it in messages).

    Plain documents: :func:`eval.text.hypothesis.units_from_hypothesis`; paired input:
    :func:`hypothesis_lines`, one line per unit of the file, whose sentences pair with the
    unit's Arabic sentences as a paragraph's do in plain text
    (:func:`eval.text.hypothesis.pair_paragraph`).
    """
    if prepared.paired is None or prepared.ar_by_unit is None:
        return units_from_hypothesis(prepared.ar_segments, text, path)
    lines = hypothesis_lines(text, prepared.paired, path)
    units: list[Unit] = []
    for line, indices in zip(lines, prepared.ar_by_unit, strict=True):
        if indices:
            sentences = [s.text for s in segment(line, "en")] or [line]
            units.extend(pair_paragraph([prepared.ar_segments[i] for i in indices], sentences))
    return units


def translate_units(
    prepared: Prepared, translator: Translator, progress: Callable[[int], None] | None = None
) -> list[Unit]:
    """The Arabic units with ``translator``'s translation of each sentence.

    ``progress`` is advanced per sentence translated. A translator returning another
    number of translations than it was given sentences is a :class:`ModelError`.
    """
    segments = prepared.ar_segments
    translations = translator.translate([s.text for s in segments], progress=progress)
    return translated_units(prepared, translations, translator.info.name)


def translated_units(
    prepared: Prepared, translations: Sequence[Translation], model: str = "model"
) -> list[Unit]:
    """The Arabic units with ``translations``, one per Arabic sentence of ``prepared``
    (made by ``model``, named in the :class:`ModelError` of a wrong count)."""
    segments = prepared.ar_segments
    if len(translations) != len(segments):
        raise ModelError(
            f"model {model!r} returned {counted(len(translations), 'translation')}"
            f" for {counted(len(segments), 'sentence')}"
        )
    return [
        Unit((s.index,), t.text, t.links, t.parts)
        for s, t in zip(segments, translations, strict=True)
    ]


def _model_units(
    prepared: Prepared, choice: ModelChoice, progress: ProgressFactory | None
) -> BackTranslation:
    from translator import hub_offline, load_translator
    from translator.cache import CachedTranslator, TranslationCache
    from translator.registry import load_registry

    registry = load_registry(choice.models_file)
    spec = registry.get(choice.name) if choice.name else registry.default
    translator: Translator = load_translator(spec, allow_download=not hub_offline())
    cache = TranslationCache(choice.cache) if choice.use_cache else None
    try:
        cached = CachedTranslator(translator, cache) if cache is not None else None
        callback = progress(len(prepared.ar_segments)) if progress else None
        units = translate_units(prepared, cached if cached is not None else translator, callback)
    finally:
        if cache is not None:
            cache.close()
    model = translator.info.to_json()
    if cached is not None:
        model["cache"] = {"hits": cached.hits, "misses": cached.misses}
    return BackTranslation(tuple(units), model)


def _loaded_units(
    prepared: Prepared, loaded: LoadedModel, progress: ProgressFactory | None
) -> BackTranslation:
    from translator.precomputed import PrecomputedTranslator

    callback = progress(len(prepared.ar_segments)) if progress else None
    translator = loaded.translator
    if isinstance(translator, PrecomputedTranslator):
        path = translator.hypothesis_for(loaded.document)
        units = hypothesis_units(prepared, read_text(path, "hypothesis")[0], str(path))
        if callback is not None:
            callback(len(prepared.ar_segments))
    else:
        units = translate_units(prepared, translator, callback)
    return BackTranslation(tuple(units), loaded.info)


def back_translate(
    prepared: Prepared, source: Source, progress: ProgressFactory | None = None
) -> BackTranslation:
    """The units of ``prepared`` with their back-translations from ``source``.

    ``progress`` is called with the number of Arabic sentences when a model starts on
    them (never for a :class:`Hypothesis`).
    """
    if isinstance(source, Hypothesis):
        text = read_text(source.path, "hypothesis")[0]
        units = hypothesis_units(prepared, text, str(source.path))
        model = {
            "name": "hypothesis-file",
            "backend": "precomputed",
            "model": str(source.path),
            "revision": None,
            "settings": {},
            "rough": False,
        }
        return BackTranslation(tuple(units), model)
    if isinstance(source, ModelChoice):
        return _model_units(prepared, source, progress)
    return _loaded_units(prepared, source, progress)


# --- 3. evaluate -------------------------------------------------------------------------


def default_flaggers(
    glossary: str | os.PathLike[str] | Sequence[GlossaryTerm] | None = None,
    min_confidence: float | None = None,
    checks: Collection[str] | None = None,
) -> list[Flagger]:
    """The span flaggers a check runs by default.

    ``glossary``: a CSV file, or its terms already read
    (:func:`eval.text.glossary.load_glossary`). ``min_confidence`` None: the flagger's
    default; ``checks`` None: every registered check (:mod:`eval.flags.registry`), else
    only those named.
    """
    from eval.flags.merge import MIN_CONFIDENCE, SpanFlagger

    threshold = MIN_CONFIDENCE if min_confidence is None else min_confidence
    return [SpanFlagger(glossary=glossary, min_confidence=threshold, checks=checks)]


def place_empty_targets(
    report: Report, ar_by_unit: Sequence[Sequence[int]], article: Document
) -> Report:
    """``report`` with every omission flag on a unit without target pointing at that unit's
    (empty) line of the synthetic ``article``; ``report`` itself is left as it was."""
    line_starts = [0]
    for k, ch in enumerate(article.original):
        if ch == "\n":
            line_starts.append(k + 1)
    units = segment_units(report)
    flags = []
    for flag in report.flags:
        k = units.get(flag.segment, -1)
        if 0 <= k < len(ar_by_unit) and not ar_by_unit[k] and not flag.ar.text:
            start = line_starts[k]
            flag = replace(flag, ar=Span("", k + 1, start, start))
        flags.append(flag)
    return replace(report, flags=flags)


def evaluate_prepared(
    prepared: Prepared,
    back: BackTranslation,
    *,
    flaggers: Sequence[Flagger] = (),
    timings: dict[str, float] | None = None,
    check_match: bool = True,
) -> Report:
    """:func:`eval.evaluate.evaluate` on prepared documents and their back-translation.

    ``timings`` (default: the preparation's) gets the evaluation's stages added.
    Paired input is aligned within each unit, and omissions of empty targets point at their line.
    """
    report = evaluate(
        prepared.article, prepared.reference, prepared.ar_segments, prepared.ref_segments,
        back.units, back.model,
        flaggers=flaggers,
        timings=timings if timings is not None else dict(prepared.timings),
        pre_aligned=prepared.pre_aligned,
        check_match=check_match,
    )
    if prepared.ar_by_unit is not None:
        report = place_empty_targets(report, prepared.ar_by_unit, prepared.article)
    return report


def check(
    prepared: Prepared,
    source: Source,
    *,
    flaggers: Sequence[Flagger] | None = None,
    glossary: str | os.PathLike[str] | None = None,
    min_confidence: float | None = None,
    checks: Collection[str] | None = None,
    progress: ProgressFactory | None = None,
    check_match: bool = True,
) -> Report:
    """Back-translate ``prepared`` from ``source`` and evaluate it (nothing is printed or written).

    ``flaggers`` None: :func:`default_flaggers` with ``glossary``, ``min_confidence``
    and ``checks``.
    ``check_match``: raise InputError when the reference plainly belongs to another
    article (:mod:`eval.align.mismatch`; never for paired input).
    """
    t = time.perf_counter()
    back = back_translate(prepared, source, progress)
    timings = {**prepared.timings, "translate": time.perf_counter() - t}
    if flaggers is None:
        flaggers = default_flaggers(glossary, min_confidence, checks)
    return evaluate_prepared(
        prepared, back, flaggers=flaggers, timings=timings, check_match=check_match
    )
