"""What goes to a model, and in which batches: blank sentences skipped, token-budget batches.

Backend-neutral: :func:`blank_translations` answers blank sentences without a model
(both backends), :func:`plan_batches` groups the rest, longest first, under a sentence
count and a padded-token budget (the hf backend; CTranslate2 batches inside the library).
"""

from __future__ import annotations

from collections.abc import Sequence

from .base import Progress, Translation

__all__ = ["blank_translations", "plan_batches"]


def blank_translations(
    sentences: Sequence[str], progress: Progress | None
) -> tuple[list[Translation], list[int]]:
    """Empty translations for every sentence, and the indices of those not blank.

    Blank sentences are never sent to a model; they are reported as done at once.
    """
    results = [Translation(sentence, "") for sentence in sentences]
    todo = [i for i, sentence in enumerate(sentences) if sentence.strip()]
    if progress is not None and len(todo) < len(results):
        progress(len(results) - len(todo))
    return results, todo


def plan_batches(lengths: Sequence[int], batch_size: int, max_batch_tokens: int) -> list[list[int]]:
    """Group sentence indices into batches, longest first.

    A batch has at most ``batch_size`` sentences and at most ``max_batch_tokens``
    padded tokens (its longest sentence × its size); a sentence longer than the
    budget gets a batch of its own. The hf backend passes the pieces of
    :func:`translator.split.split_encode`, so even such a batch is within the model's maximum input.
    """
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches: list[list[int]] = []
    for index in order:
        if batches:
            batch = batches[-1]
            padded = lengths[batch[0]]  # the first is the longest
            if len(batch) < batch_size and padded * (len(batch) + 1) <= max_batch_tokens:
                batch.append(index)
                continue
        batches.append([index])
    return batches
