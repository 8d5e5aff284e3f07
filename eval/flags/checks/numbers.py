"""The numbers check: digits, Arabic-Indic digits, scale words, percentages and fractions
that differ between the Arabic and the reference.

A reference number paired with a different Arabic number is the check's registered
flag (critical); a number on one side only is major and less certain (an ordinal even
less: "the second" is often rendered without a number).
"""

from __future__ import annotations

from eval.flags.checks.common import hyp_find, make_flag
from eval.flags.context import Check, DocumentContext
from eval.flags.view import SegmentView
from eval.lexicon.numbers import compare_numbers, extract_numbers_ar, extract_numbers_en
from eval.values import Flag, Severity, Span


def number_flags(view: SegmentView, ctx: DocumentContext, check: Check) -> list[Flag]:
    ar_nums = extract_numbers_ar(view.ar_text)
    ref_nums = extract_numbers_en(view.ref_text)
    missing, extra = compare_numbers(ar_nums, ref_nums)
    hyp_nums = extract_numbers_en(view.hyp)
    flags = []
    used_extra: set[int] = set()
    for m in missing:
        # Pair each missing reference number with an unexplained Arabic number, nearest kind first.
        partner = next(
            (k for k, e in enumerate(extra) if k not in used_extra and e.kind == m.kind), None
        )
        if partner is None:
            partner = next((k for k, e in enumerate(extra) if k not in used_extra), None)
        ref = ctx.ref_span(view.ref_start + m.start, view.ref_start + m.end)
        if partner is not None:
            used_extra.add(partner)
            e = extra[partner]
            ar = ctx.ar_span(view.ar_start + e.start, view.ar_start + e.end)
            hyp = next((h for h in hyp_nums if abs(h.value - e.value) < 1e-9 * max(1, abs(e.value))), None)
            flags.append(make_flag(
                view, check, ar, ref,
                f"reference says {m.text} ({_fmt(m.value)}), the Arabic says {e.text} ({_fmt(e.value)})",
                hyp_find(view, hyp.text) if hyp else None,
            ))
        else:
            flags.append(make_flag(
                view, check,
                Span("", ctx.ar_line(view.ar_start), view.ar_start, view.ar_start), ref,
                f"reference number {m.text} ({_fmt(m.value)}) does not appear in the Arabic",
                severity=Severity.MAJOR, confidence=_unpaired(check, m.kind),
            ))
    for k, e in enumerate(extra):
        if k in used_extra:
            continue
        ar = ctx.ar_span(view.ar_start + e.start, view.ar_start + e.end)
        flags.append(make_flag(
            view, check, ar, Span(),
            f"the Arabic number {e.text} ({_fmt(e.value)}) is not in the reference",
            severity=Severity.MAJOR, confidence=_unpaired(check, e.kind),
        ))
    return flags


def _unpaired(check: Check, kind: str) -> float:
    """A number on one side only: base - 0.3 (0.6), an ordinal base - 0.45 (0.45)."""
    return check.adjusted(-0.45 if kind == "ordinal" else -0.3)


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"
