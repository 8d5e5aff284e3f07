"""The dates check: a weekday or month of the reference rendered as another one in the Arabic."""

from __future__ import annotations

import functools
from collections import Counter

from eval.flags.checks.common import hyp_find, make_flag
from eval.flags.context import Check, DocumentContext
from eval.flags.view import SegmentView
from eval.lexicon import resources
from eval.lexicon.bilingual import ArWord, strip_prefixes
from eval.text.tokens import Token
from eval.values import Flag


@functools.lru_cache(maxsize=1)
def _pair_prefixes() -> frozenset[str]:
    """Every beginning, up to a space, of the calendar's Arabic names of several words."""
    return frozenset(name[:k] for name in resources.calendar().arabic for k, c in enumerate(name) if c == " ")


@functools.lru_cache(maxsize=1)
def _name_endings() -> frozenset[str]:
    """The last two letters of every calendar name and beginning (:func:`_pair_prefixes`)."""
    return frozenset(name[-2:] for name in (*resources.calendar().arabic, *_pair_prefixes()))


def _calendar_forms(key: str) -> tuple[str, ...]:
    """The forms of :func:`strip_prefixes` (in its order) that are a calendar name or begin
    one of several words: the others name nothing, alone or with the next word.

    Every form but the word itself is the word without a clitic prefix, at least two
    letters long: it ends as the word does. So a word of two letters or more whose last two
    no name or beginning ends with has none (most words: they are not memoised)."""
    if len(key) >= 2 and key[-2:] not in _name_endings():
        return ()
    return _calendar_forms_of(key)


@functools.lru_cache(maxsize=1 << 16)
def _calendar_forms_of(key: str) -> tuple[str, ...]:
    names, pairs = resources.calendar().arabic, _pair_prefixes()
    return tuple(form for form in strip_prefixes(key) if form in names or form in pairs)


def calendar_flags(view: SegmentView, ctx: DocumentContext, check: Check) -> list[Flag]:
    cal = resources.calendar()
    en_found: list[tuple[Token, str]] = []
    for tok in view.ref:
        name = cal.english.get(tok.text.lower().rstrip("."))
        if name and tok.text[:1].isupper():
            en_found.append((tok, name))
    ar_found: list[tuple[ArWord, str]] = []
    for i, word in enumerate(view.ar):
        for form in _calendar_forms(word.token.key):
            two = form + " " + view.ar[i + 1].token.key if i + 1 < len(view.ar) else None
            name = (two and cal.arabic.get(two)) or cal.arabic.get(form)
            if name:
                ar_found.append((word, name))
                break
    ref_names = Counter(n for _, n in en_found)
    ar_names = Counter(n for _, n in ar_found)
    flags = []
    missing = [(t, n) for t, n in en_found if ar_names[n] == 0]
    extra = [(w, n) for w, n in ar_found if ref_names[n] == 0 and cal.kind[n] != "relative"]
    for (tok, name), (word, wrong) in zip(missing, extra, strict=False):
        if cal.kind[name] != cal.kind[wrong]:
            continue
        flags.append(make_flag(
            view, check,
            ctx.ar_span(word.token.start, word.token.end),
            ctx.ref_span(tok.start, tok.end),
            f"reference {cal.kind[name]} {tok.text}, the Arabic says {word.token.text} ({wrong})",
            hyp_find(view, wrong),
        ))
    return flags
