"""The idiom check: an English idiom of the reference (drag one's feet) whose literal words
the Arabic renders word for word (جر أقدامها) instead of its meaning."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from eval.flags.checks.common import make_flag
from eval.flags.context import Check, DocumentContext
from eval.flags.view import SegmentView, densest_run
from eval.lexicon import resources
from eval.lexicon.bilingual import ArWord, related
from eval.text.tokens import stem
from eval.values import Flag


@functools.lru_cache(maxsize=1)
def _idiom_patterns() -> tuple[tuple[resources.Idiom, tuple[str | None, ...], frozenset[str]], ...]:
    """Each idiom with its word stems (``None`` for a pronoun slot) and the set of its stems."""
    out = []
    for idiom in resources.idioms():
        pattern = re.findall(r"\{pron\}|[A-Za-z]+", idiom.idiom)
        stems = _pattern_stems(pattern)
        out.append((idiom, stems, frozenset(s for s in stems if s is not None)))
    return tuple(out)


def idiom_flags(view: SegmentView, ctx: DocumentContext, check: Check) -> list[Flag]:
    flags = []
    ref_keys = [t.key for t in view.ref]
    present = frozenset(ref_keys)
    for idiom, stems, needed in _idiom_patterns():
        # An idiom can only be there when all of its words are (most are not: skip them fast).
        found = _find_stems(ref_keys, stems) if needed <= present else None
        if found is None:
            continue
        start, end = found
        # The literal words as listed (drag, foot) and as the reference writes them (feet).
        instance = [t.key for t in view.ref[start:end] if t.key not in _PRONOUNS]
        slots = [{stem(w)} | ({instance[k]} if k < len(instance) else set())
                 for k, w in enumerate(idiom.literal_words)]
        def renders(slot: set[str], word: ArWord) -> bool:
            return any(related(a, b) for a in slot for b in word.stems)

        hits = [k for k, w in enumerate(view.ar) if not w.function and any(renders(s, w) for s in slots)]
        ar_hits = [view.ar[k] for k in densest_run(hits, gap=2)]
        matched = sum(1 for s in slots if any(renders(s, w) for w in ar_hits))
        if not slots or matched < min(2, len(slots)):
            continue
        flags.append(make_flag(
            view, check,
            ctx.ar_span(ar_hits[0].token.start, ar_hits[-1].token.end),
            ctx.ref_span(view.ref[start].start, view.ref[end - 1].end),
            f"idiom '{idiom.idiom}' (meaning: {idiom.meaning}) is rendered word for word",
        ))
    return flags


_PRONOUNS = {stem(w) for w in ["its", "his", "her", "their", "my", "our", "your", "one's"]}


def _pattern_stems(pattern: Sequence[str]) -> tuple[str | None, ...]:
    return tuple(None if p == "{pron}" else stem(p) for p in pattern)


def _find_stems(keys: Sequence[str], stems: Sequence[str | None]) -> tuple[int, int] | None:
    """The first run of ``keys`` matching ``stems`` (``None``: any pronoun), as (start, end)."""
    n = len(stems)
    for i in range(len(keys) - n + 1):
        if all(s is None and keys[i + k] in _PRONOUNS or s == keys[i + k] for k, s in enumerate(stems)):
            return i, i + n
    return None
