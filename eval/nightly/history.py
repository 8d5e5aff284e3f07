"""Transitional: the names :mod:`eval.nightly.runner` still imports from here.

The history is :mod:`eval.nightly.store` (the SQL store, :func:`compare_flags`) and
:mod:`eval.nightly.trend` (the terminal table and the trend page). Delete this module once
the runner imports ``History``, ``RunSummary`` and ``compare_flags`` from
:mod:`eval.nightly.store`.
"""

from __future__ import annotations

from eval.nightly.store import History, RunSummary, compare_flags

__all__ = ["History", "RunSummary", "compare_flags"]
