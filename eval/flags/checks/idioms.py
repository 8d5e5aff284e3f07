"""The idiom check: an English idiom or idiomatic phrasal verb of the reference (cut corners,
drag one's feet, stand by) whose Arabic renders its words one by one (قطع الزوايا) instead
of its meaning.

The expressions come from :mod:`eval.lexicon.mwe` (WordNet's idiomatic multiword lemmas and
the hand list). One is reported when, in the Arabic of its segment,

* each of its content words (enough of them, for a hand-list idiom) is rendered by an
  Arabic word whose lexicon glosses give that word literally ("cut" ← قطع, "corner" ←
  زاوية), these words standing together (at most a few words apart: a verb-subject-object
  sentence puts the subject in between) and roughly where the expression stands in the
  reference;
* no Arabic word renders the expression as a unit (a gloss holding all its words: نفذ
  "carry out"), and neither the Arabic words around the literal ones nor the
  back-translation there give the expression's meaning (a content word of a gloss, or a
  single-word synonym).

A back-translation that echoes the literal words (it usually does) supports the flag; one
that does not lowers its confidence.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence

from eval.flags.checks.common import make_flag
from eval.flags.context import Check, DocumentContext
from eval.flags.view import SegmentView
from eval.lexicon import index as lexindex
from eval.lexicon import mwe, wordnet
from eval.lexicon.bilingual import ArWord, related_to_any
from eval.lexicon.buckwalter import lexicon
from eval.text.tokens import LATIN_WORD
from eval.values import Flag

#: At most this many words between two Arabic words of one literal rendering.
MAX_GAP = 4
#: Arabic words either side of the literal rendering searched for the meaning.
MEANING_REACH = 1
#: How far (as a share of the segment) the literal rendering may stand from the
#: expression's place in the reference.
MAX_DRIFT = 0.4


@functools.lru_cache(maxsize=65536)
def _glosses(word: str) -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
    """Per lexicon gloss of an Arabic word: norms of its content words, norms of all its words."""
    out = []
    for gloss in lexicon().glosses(word):
        words = [w.lower() for w in LATIN_WORD.findall(gloss)]
        every = frozenset().union(*(mwe.norms(w) for w in words)) if words else frozenset()
        out.append((mwe.gloss_stems(gloss), every))
    return tuple(out)


lexindex.on_reset(_glosses.cache_clear)


def _content(word: ArWord) -> bool:
    return not word.function and word.token.kind == "word"


def _literal_hits(view: SegmentView, e: mwe.Expression) -> list[tuple[int, int, bool]] | None:
    """(Arabic word, literal slot, exact?) triples: the word has a gloss giving the slot's
    English word itself (exact) or a near-synonym of it (جر "pull" for "drag"); ``None``
    when some Arabic word renders the whole expression."""
    hits: dict[tuple[int, int], bool] = {}
    for k, word in enumerate(view.ar):
        if not _content(word):
            continue
        for content, every in _glosses(word.token.text):
            if mwe.renders_whole(every, e):
                return None
            for slot, forms in enumerate(e.literal):
                if content & forms:
                    hits[(k, slot)] = True
                elif (k, slot) not in hits and any(related_to_any(a, content) for a in forms):
                    hits[(k, slot)] = False
    return sorted((k, slot, exact) for (k, slot), exact in hits.items())


def _rendering(
    hits: Sequence[tuple[int, int, bool]], e: mwe.Expression, centre: float, size: int
) -> list[int]:
    """The Arabic words of the literal rendering: one distinct word per literal slot, the
    words no more than :data:`MAX_GAP` apart, covering at least ``e.min_literal`` slots
    (one at least by an exact gloss for a WordNet expression), nearest the expected place
    ``centre`` (a share of ``size``); empty when there is none."""
    groups: list[list[tuple[int, int, bool]]] = []
    for hit in hits:
        if groups and hit[0] - groups[-1][-1][0] <= MAX_GAP + 1:
            groups[-1].append(hit)
        else:
            groups.append([hit])
    best: list[int] = []
    best_key: tuple[int, float, int] | None = None
    for group in groups:
        pick = _assign(group, len(e.literal))
        if len(pick) < e.min_literal:
            continue
        if e.source == "wordnet" and not any(exact for _, _, exact in pick):
            continue
        words = sorted(k for k, _, _ in pick)
        drift = abs((words[0] + words[-1]) / 2 / max(size, 1) - centre)
        if drift > MAX_DRIFT:
            continue
        key = (-len(pick), drift, words[-1] - words[0])
        if best_key is None or key < best_key:
            best, best_key = words, key
    return best


def _assign(group: Sequence[tuple[int, int, bool]], slots: int) -> list[tuple[int, int, bool]]:
    """Distinct Arabic words for as many slots as possible, spanning the fewest words
    (exact glosses preferred)."""
    options = [[h for h in group if h[1] == s][:6] for s in range(slots)]
    best: list[tuple[int, int, bool]] = []
    best_key: tuple[int, int, int] | None = None
    for choice in itertools.product(*[[None, *o] for o in options]):
        picked = [h for h in choice if h is not None]
        if len({k for k, _, _ in picked}) < len(picked) or not picked:
            continue
        span = max(k for k, _, _ in picked) - min(k for k, _, _ in picked)
        key = (-len(picked), -sum(exact for _, _, exact in picked), span)
        if best_key is None or key < best_key:
            best, best_key = picked, key
    return best


def _meaning_rendered(
    view: SegmentView, e: mwe.Expression, words: Sequence[int], occ: mwe.Occurrence, echoed: bool
) -> bool:
    """The expression's meaning is given where it stands: by the back-translation there, or
    (unless the back-translation echoes the literal words) by an Arabic word next to the
    literal ones that renders no other reference word."""
    meaning = e.meaning_stems
    if any(h.kind == "word" and mwe.norms(h.text) & meaning for h in _hyp_stretch(view, occ)):
        return True
    if echoed:
        return False
    others = {k for r, ks in view.ar_for_ref.items() if not occ.start <= r < occ.end for k in ks}
    lo, hi = words[0], words[-1]
    for k in range(max(0, lo - MEANING_REACH), min(len(view.ar), hi + MEANING_REACH + 1)):
        word = view.ar[k]
        if k in words or k in others or not _content(word):
            continue
        if any(content & meaning for content, _ in _glosses(word.token.text)):
            return True
    return False


def _near(a: frozenset[str], b: frozenset[str]) -> bool:
    """Some stem of ``a`` is related to some stem of ``b`` (:func:`related_to_any`: the
    relations of ``b`` pooled once)."""
    return any(related_to_any(x, b) for x in a)


def _hyp_stretch(view: SegmentView, occ: mwe.Occurrence) -> list:
    """The back-translation's words where the expression stands."""
    return view.hyp_between(view.ref[occ.start:occ.end])


def _echoed(view: SegmentView, e: mwe.Expression) -> bool:
    """The back-translation holds the literal words, or near-synonyms of them (enough of them)."""
    hyp = [mwe.norms(h.text) for h in view.hyp_tokens if h.kind == "word"]
    found = sum(1 for forms in e.literal if any(forms & h or _near(forms, h) for h in hyp))
    return found >= e.min_literal


def _prefetch_glosses(view: SegmentView) -> None:
    """Read at once the WordNet rows that :func:`_glosses` of the segment's Arabic words
    needs (the answers are the same; the index file is asked once, not once a new word)."""
    glosses = lexicon().glosses
    wordnet.prefetch(
        w for word in view.ar if _content(word) for gloss in glosses(word.token.text) for w in LATIN_WORD.findall(gloss)
    )


def idiom_flags(view: SegmentView, ctx: DocumentContext, check: Check) -> list[Flag]:
    flags = []
    occurrences = [o for o in mwe.find(view.ref, view.ref_text, view.ref_start)
                   if not o.expression.calque and o.expression.literal]
    if occurrences:
        _prefetch_glosses(view)
    for occ in occurrences:
        e = occ.expression
        hits = _literal_hits(view, e)
        if not hits:
            continue
        centre = (occ.start + occ.end) / 2 / max(len(view.ref), 1)
        words = _rendering(hits, e, centre, len(view.ar))
        if not words:
            continue
        echoed = _echoed(view, e)
        if _meaning_rendered(view, e, words, occ, echoed):
            continue
        first, last = view.ar[words[0]].token, view.ar[words[-1]].token
        ar_span = ctx.ar_span(first.start, last.end)
        evidence = f"'{e.text}' (= {e.meaning}) is rendered word for word: {ar_span.text}"
        if echoed:
            evidence += " (the back-translation echoes the literal words)"
        flags.append(make_flag(
            view, check, ar_span,
            ctx.ref_span(view.ref[occ.start].start, view.ref[occ.end - 1].end),
            evidence,
            confidence=check.confidence if echoed else check.adjusted(-0.1),
        ))
    return flags
