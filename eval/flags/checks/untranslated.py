"""The untranslated check: Latin-script words left in the Arabic (an acronym in brackets is fine)."""

from __future__ import annotations

from collections.abc import Sequence

from eval.flags.checks.common import hyp_find, make_flag
from eval.flags.context import Check, DocumentContext
from eval.flags.view import SegmentView
from eval.lexicon.bilingual import ArWord
from eval.text.tokens import Token
from eval.values import Flag, Span


def _reference_run(view: SegmentView, run: Sequence[ArWord]) -> list[Token]:
    """The reference words the Latin run stands for: one stretch of matching words (a
    word apart at most, "Macron and Zelenskyy"), not every place the name recurs. The
    stretch with most words wins, then the one nearest the run's relative place."""
    keys = {w.token.key for w in run}
    stretches: list[list[Token]] = []
    for t in view.ref:
        if t.key not in keys:
            continue
        if stretches and t.index - stretches[-1][-1].index <= 2:
            stretches[-1].append(t)
        else:
            stretches.append([t])
    if not stretches:
        return []
    where = run[0].token.index / max(len(view.ar), 1)
    return max(stretches, key=lambda s: (len({t.key for t in s}), -abs(s[0].index / max(len(view.ref), 1) - where)))


def untranslated_flags(view: SegmentView, ctx: DocumentContext, check: Check) -> list[Flag]:
    flags = []
    run: list[ArWord] = []

    def close() -> None:
        if not run:
            return
        start, end = run[0].token.start, run[-1].token.end
        text = ctx.ar[start:end]
        in_parens = ctx.ar[max(0, start - 1) : start] == "(" and ctx.ar[end : end + 1] == ")"
        acronym = all(w.token.text.replace(".", "").isupper() for w in run)
        if not (in_parens and acronym):
            ref_tok = _reference_run(view, run)
            ref = ctx.ref_span(ref_tok[0].start, ref_tok[-1].end) if ref_tok else Span()
            flags.append(make_flag(
                view, check, ctx.ar_span(start, end), ref,
                f"'{text}' is left in Latin script in the Arabic",
                hyp_find(view, text),
            ))
        run.clear()

    for word in view.ar:
        if word.is_latin:
            run.append(word)
        elif not (word.token.key == "و" and run):
            close()
    close()
    return flags
