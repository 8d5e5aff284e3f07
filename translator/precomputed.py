"""The ``precomputed`` backend: back-translations made elsewhere, one file per document.

::

    models:
      vendor-mt:
        backend: precomputed
        path: ./hypotheses/vendor-mt     # holds NAME.en.txt for every corpus document NAME

A precomputed model cannot translate a sentence: its output is whole documents.
:func:`eval.nightly.runner.run_eval` (``tadqiq eval``) asks it for a document's file with
:meth:`PrecomputedTranslator.hypothesis_for` and pairs that file with the Arabic
through :func:`eval.text.hypothesis.units_from_hypothesis` (one line per paragraph or per
sentence, as for ``tadqiq check --hypothesis``). Nothing here imports torch.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tadqiq.errors import ModelError

from .base import ModelInfo, Progress, Translation
from .registry import ModelSpec

__all__ = ["PrecomputedTranslator", "load"]


class PrecomputedTranslator:
    """A directory of ``NAME.en.txt`` hypothesis files, one per corpus document."""

    def __init__(self, spec: ModelSpec) -> None:
        if spec.path is None:
            raise ModelError(f"{spec.where}.path: missing; expected a directory of NAME.en.txt files")
        directory = Path(spec.path).expanduser().absolute()
        if not directory.is_dir():
            what = "does not exist" if not directory.exists() else "is not a directory"
            raise ModelError(
                f"model {spec.name!r}: {directory} {what}; backend precomputed needs a"
                " directory of NAME.en.txt files"
            )
        self.directory = directory
        self.info = ModelInfo(
            name=spec.name,
            backend="precomputed",
            model=str(directory),
            revision=None,
            settings={},
            rough=False,
            cache_key=f"precomputed:{directory}",
        )

    def hypothesis_for(self, name: str) -> Path:
        """The hypothesis file of document ``name``; :class:`ModelError` naming it if missing."""
        if not name or name in (".", "..") or "/" in name or "\\" in name or "\x00" in name:
            raise ModelError(f"model {self.info.name!r}: {name!r} is not a document name")
        path = self.directory / f"{name}.en.txt"
        if not path.is_file():
            raise ModelError(
                f"model {self.info.name!r}: no hypothesis for document {name!r} ({path} is missing)"
            )
        return path

    def translate(
        self, sentences: Sequence[str], progress: Progress | None = None
    ) -> list[Translation]:
        """Always a :class:`ModelError`: precomputed hypotheses are per document, not per sentence."""
        raise ModelError(
            f"model {self.info.name!r} is precomputed: it holds one hypothesis file per document"
            " and needs a document name; use it with `tadqiq eval`, or give the file to"
            " `tadqiq check --hypothesis`"
        )


def load(spec: ModelSpec, *, allow_download: bool = True) -> PrecomputedTranslator:
    """Build the translator of a ``backend: precomputed`` entry (no download ever happens)."""
    return PrecomputedTranslator(spec)
