"""The dates check: a weekday or month of the reference rendered as another one in the Arabic."""

from __future__ import annotations

from collections import Counter

from eval.flags.checks.common import hyp_find, make_flag
from eval.flags.context import Check, DocumentContext
from eval.flags.view import SegmentView
from eval.lexicon import resources
from eval.lexicon.bilingual import ArWord, strip_prefixes
from eval.text.tokens import Token
from eval.values import Flag


def calendar_flags(view: SegmentView, ctx: DocumentContext, check: Check) -> list[Flag]:
    cal = resources.calendar()
    en_found: list[tuple[Token, str]] = []
    for tok in view.ref:
        name = cal.english.get(tok.text.lower().rstrip("."))
        if name and tok.text[:1].isupper():
            en_found.append((tok, name))
    ar_found: list[tuple[ArWord, str]] = []
    for i, word in enumerate(view.ar):
        for form in strip_prefixes(word.token.key):
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
