"""The consistency check: one reference name transliterated with different Arabic spellings
across the document; every spelling but the most frequent one is flagged (between equally
frequent ones, the spelling the back-translation reads as the reference's name, then the
closer transliteration, is taken as the right one). Function words are never a name's
spelling, and a name's own first letter is never taken for a clitic."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from eval.flags.checks.common import make_flag, reference_names, transliterating
from eval.flags.context import Check, DocumentContext
from eval.flags.view import SegmentView
from eval.lexicon import translit
from eval.lexicon.bilingual import ArWord, strip_prefixes
from eval.text.tokens import Token
from eval.values import Flag, counted


def inconsistency_flags(views: Sequence[SegmentView], ctx: DocumentContext, check: Check) -> list[Flag]:
    """The same reference name transliterated with different Arabic spellings."""
    spellings: dict[str, list[tuple[SegmentView, ArWord, Token]]] = {}
    for view in views:
        # Gazetteer forms (الروسي, أوكرانيا) are all correct renderings: only transliterated
        # names can be spelled two ways.
        covered = {k for a, b, _ in view.ar_entities for k in range(a, b)}
        by_name: dict[str, list[Token]] = {}
        for tokens, _entity in reference_names(view, include_initial=True):
            for tok in tokens:
                by_name.setdefault(tok.text, []).append(tok)
        if not by_name:
            continue
        words = [k for k, w in enumerate(view.ar) if w.token.kind == "word" and k not in covered and not w.function]
        for name, places in by_name.items():
            # Each Arabic word is one place, tied to the reference occurrence nearest its
            # relative position, however often the name recurs in the segment.
            for k in transliterating(view, places[0], words):
                spellings.setdefault(name, []).append((view, view.ar[k], _nearest(view, view.ar[k], places)))
    flags = []
    for name, hits in spellings.items():
        forms = Counter(_bare(w.token.key, name) for _, w, _ in hits)
        if len(forms) < 2:
            continue
        first_seen: dict[str, int] = {}
        read_back: Counter[str] = Counter()  # the back-translation there has the reference's spelling
        similarity: dict[str, float] = {}
        for view, w, tok in hits:
            form = _bare(w.token.key, name)
            first_seen.setdefault(form, w.token.start)
            read_back[form] += any(h.text == tok.text for h in view.hyp_tokens)
            similarity[form] = max(similarity.get(form, 0.0), translit.name_similarity(w.token.text, tok.text))
        # The most frequent spelling; between equally frequent ones, the one the
        # back-translation reads as the reference's name, then the closer transliteration.
        canonical = max(forms, key=lambda f: (forms[f], read_back[f], similarity[f], -first_seen[f]))
        for view, word, tok in hits:
            if _bare(word.token.key, name) == canonical:
                continue
            flags.append(make_flag(
                view, check,
                ctx.ar_span(word.token.start, word.token.end),
                ctx.ref_span(tok.start, tok.end),
                f"'{name}' is spelled {word.token.text} here but "
                f"{canonical} in {counted(forms[canonical], 'other place')}",
            ))
    return flags


def _nearest(view: SegmentView, word: ArWord, places: list[Token]) -> Token:
    """The reference token of ``places`` whose relative place in the segment is nearest
    the Arabic word's (the first one on a tie)."""
    where = word.token.index / max(len(view.ar), 1)
    return min(places, key=lambda t: abs(t.index / max(len(view.ref), 1) - where))


def _bare(key: str, name: str) -> str:
    """The word without the clitic prefixes it may carry (وكلبور → كلبور), as far as what is
    left still transliterates ``name``: a name's own first letter is not a clitic (كيلبور
    is not ك + يلبور)."""
    forms = [f for f in strip_prefixes(key) if f == key or translit.matches_name(f, name)]
    return min(forms, key=len)
