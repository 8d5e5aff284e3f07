"""The library entry point of a check: files in, :class:`~eval.values.Report` out.

:func:`check` runs the check flow of :mod:`eval.flow` on one :class:`CheckRequest`:
read and segment the two documents, get a back-translation (from a hypothesis file
or from a model named in models.yaml, through the translation cache) and evaluate.
Backends are imported lazily: a check with ``hypothesis=`` never imports torch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from eval import flow
from eval.evaluate import Flagger
from eval.flow import ProgressFactory
from eval.text.formats import PairedInput, is_paired_input
from eval.values import Report
from tadqiq.errors import InputError

__all__ = ["CheckRequest", "ProgressFactory", "check", "check_input"]


@dataclass(frozen=True)
class CheckRequest:
    article: Path
    reference: Path | None  # None only for XLIFF/TMX input (see check_input)
    model: str | None = None
    hypothesis: Path | None = None
    models_file: Path | None = None
    cache: Path | None = None
    use_cache: bool = True
    glossary: Path | None = None
    min_confidence: float | None = None  # None: the flagger's default
    allow_mismatch: bool = False  # True: skip the "reference does not match" check (eval.align.mismatch)
    checks: frozenset[str] | None = None  # None: every registered check (eval.flags.registry)

    def source(self) -> flow.Source:
        """Where the back-translation comes from: the hypothesis file if given, else the model."""
        if self.hypothesis is not None:
            return flow.Hypothesis(self.hypothesis)
        return flow.ModelChoice(self.model, self.models_file, self.cache, self.use_cache)


def check(
    request: CheckRequest,
    *,
    progress: ProgressFactory | None = None,
    flaggers: Sequence[Flagger] | None = None,
) -> Report:
    """Run a whole check and return its report (nothing is printed or written).

    ``flaggers`` None: :func:`eval.flow.default_flaggers` with the request's glossary,
    confidence threshold and checks.
    """
    if request.reference is None:
        raise InputError(
            f"{request.article}: no reference given (the English text the article translates)"
        )
    return flow.check(
        flow.prepare_files(request.article, request.reference),
        request.source(),
        flaggers=flaggers,
        glossary=request.glossary,
        min_confidence=request.min_confidence,
        checks=request.checks,
        progress=progress,
        check_match=not request.allow_mismatch,
    )


def check_input(
    request: CheckRequest, *, progress: ProgressFactory | None = None
) -> tuple[Report, PairedInput | None]:
    """Check a text pair, or an XLIFF/TMX file given as ``request.article`` (its sources
    are the reference; ``request.reference`` is not read). Returns the report and, for
    paired input, the units read."""
    if not is_paired_input(request.article):
        return check(request, progress=progress), None
    from tadqiq.paired import check_paired

    return check_paired(
        request.article, model=request.model, hypothesis=request.hypothesis,
        models_file=request.models_file, cache=request.cache, use_cache=request.use_cache,
        glossary=request.glossary, min_confidence=request.min_confidence,
        checks=request.checks, progress=progress,
    )
