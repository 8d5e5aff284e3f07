"""The glossary check: a term of the user's glossary (:mod:`eval.text.glossary`) that the
reference uses but the Arabic renders otherwise than the glossary requires."""

from __future__ import annotations

from eval.flags.checks.common import make_flag
from eval.flags.context import Check, DocumentContext
from eval.flags.view import SegmentView
from eval.lexicon.bilingual import strip_prefixes
from eval.values import Flag


def _ar_contains(view: SegmentView, phrase: str) -> bool:
    words = phrase.split()
    keys = [w.token.key for w in view.ar]
    for i in range(len(keys) - len(words) + 1):
        if words[0] in strip_prefixes(keys[i]) and keys[i + 1 : i + len(words)] == words[1:]:
            return True
        if len(words) == 1 and any(f.startswith(words[0]) and len(f) - len(words[0]) <= 2 for f in strip_prefixes(keys[i])):
            return True
    return False


def glossary_flags(view: SegmentView, ctx: DocumentContext, check: Check) -> list[Flag]:
    """Flags for the glossary terms in ``ctx.glossary`` (none without a glossary)."""
    flags = []
    keys = [t.key for t in view.ref]
    for term in ctx.glossary:
        n = len(term.stems)
        for i in range(len(keys) - n + 1):
            if tuple(keys[i : i + n]) != term.stems:
                continue
            if any(_ar_contains(view, a) for a in term.arabic):
                continue
            ref_tokens = view.ref[i : i + n]
            found = sorted({k for t in ref_tokens for k in view.supporters(t)})
            found = found or view.locate(ref_tokens)
            ar = (ctx.ar_span(view.ar[found[0]].token.start, view.ar[found[-1]].token.end) if found
                  else view.insertion(ref_tokens, ctx.ar, ctx.ar_line))
            flags.append(make_flag(
                view, check, ar,
                ctx.ref_span(ref_tokens[0].start, ref_tokens[-1].end),
                f"glossary: '{term.english}' must be rendered as {' / '.join(term.arabic)}",
            ))
    return flags
