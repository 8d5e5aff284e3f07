"""The consistency check: one reference name transliterated with different Arabic spellings
across the document; every spelling but the most frequent one is flagged."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from eval.flags.checks.common import make_flag, reference_names
from eval.flags.context import Check, DocumentContext
from eval.flags.view import SegmentView
from eval.lexicon import translit
from eval.lexicon.bilingual import ArWord, strip_prefixes
from eval.text.tokens import Token
from eval.values import Flag


def inconsistency_flags(views: Sequence[SegmentView], ctx: DocumentContext, check: Check) -> list[Flag]:
    """The same reference name transliterated with different Arabic spellings."""
    spellings: dict[str, list[tuple[SegmentView, ArWord, Token]]] = {}
    for view in views:
        # Gazetteer forms (الروسي, أوكرانيا) are all correct renderings: only transliterated
        # names can be spelled two ways.
        covered = {k for a, b, _ in view.ar_entities for k in range(a, b)}
        for tokens, _entity in reference_names(view, include_initial=True):
            for tok in tokens:
                for k, word in enumerate(view.ar):
                    if (word.token.kind == "word" and k not in covered
                            and translit.matches_name(word.token.text, tok.text)):
                        spellings.setdefault(tok.text, []).append((view, word, tok))
    flags = []
    for name, hits in spellings.items():
        forms = Counter(_bare(w.token.key) for _, w, _ in hits)
        if len(forms) < 2:
            continue
        first_seen = {}
        for _, w, _ in hits:
            first_seen.setdefault(_bare(w.token.key), w.token.start)
        canonical = max(forms, key=lambda f: (forms[f], -first_seen[f]))
        for view, word, tok in hits:
            if _bare(word.token.key) == canonical:
                continue
            flags.append(make_flag(
                view, check,
                ctx.ar_span(word.token.start, word.token.end),
                ctx.ref_span(tok.start, tok.end),
                f"'{name}' is spelled {word.token.text} here but "
                f"{canonical} in {forms[canonical]} other place(s)",
            ))
    return flags


def _bare(key: str) -> str:
    forms = strip_prefixes(key)
    return min(forms, key=len)
