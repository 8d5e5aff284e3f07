"""Settings of a process that tadqiq owns (the ``tadqiq`` command, Ray's workers); a
program using the library decides these for itself."""

from __future__ import annotations

import gc

__all__ = ["GC_THRESHOLDS", "tune_gc"]


#: The cyclic garbage collector's thresholds for a checking process (:func:`tune_gc`).
GC_THRESHOLDS = (50_000, 20, 100)


def tune_gc() -> None:
    """Raise the cyclic garbage collector's thresholds (:data:`GC_THRESHOLDS`; Python's
    are 700, 10, 10) for this process: a check's per-process memos (supporting words,
    WordNet and lexicon look-ups, near-synonym pairs) grow to hundreds of thousands of
    entries, and every full collection walks them all, which cost a new article's flag
    stage about a third of its time (docs/benchmarks.md). Cycles are still collected, less
    often. Called by the ``tadqiq`` command and in Ray's flag-task workers, processes that
    tadqiq owns; a program using the library decides for itself."""
    gc.set_threshold(*GC_THRESHOLDS)
