"""The numbers check: quantities that differ between the Arabic and the reference.

Both sides' numbers are read by :mod:`eval.lexicon.numbers` — digits, number words of
every gender and case, ordinals, fractions, multiplicatives (twice ↔ مرتين, tripled ↔
ثلاثة أضعاف), dozen/half/quarter, scale words, percentages — each with its unit of
measurement or currency (:func:`~eval.lexicon.numbers.pair_numbers` compares them as
quantities: 120 megawatts is not 120 كيلوواط, "a decade" is not عقدين, minus 8 is not 8).

A reference number paired with a different Arabic number is the check's registered flag
(critical), on the Arabic number — with its unit when the unit or the sign is what
changed. A number on one side only is major and less certain (an ordinal even less: "the
second" is often rendered without a number; a multiple too: "doubled" is often ارتفع إلى
المثلين or a verb the extractor does not read).

The back-translation breaks ties where the Arabic number is written in words: when it has
the reference's number and not the Arabic one, the Arabic word was probably misread (a
reading the extractor does not know), and the flag falls below the default confidence;
likewise an Arabic number word the back-translation does not have, and a reference number
it has (the Arabic may say it in words the extractor does not read). Digits are trusted.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from eval.flags.checks.common import hyp_find, make_flag
from eval.flags.context import Check, DocumentContext
from eval.flags.view import SegmentView
from eval.lexicon.numbers import (
    NumberComparison,
    NumberMention,
    extract_numbers_ar,
    extract_numbers_en,
    pair_numbers,
    same_number,
)
from eval.text.tokens import stem, tokenize_en
from eval.values import Flag, HypSpan, Severity, Span

#: How much the back-translation's disagreement takes off a flag's confidence.
BACK_TRANSLATION_DOUBT = 0.35


def number_flags(view: SegmentView, ctx: DocumentContext, check: Check) -> list[Flag]:
    ar_nums = extract_numbers_ar(view.ar_text)
    ref_nums = extract_numbers_en(view.ref_text)
    comparison = pair_numbers(ar_nums, ref_nums, len(view.ar_text), len(view.ref_text))
    hyp_nums = extract_numbers_en(view.hyp) if _reads_hyp(comparison, ref_nums, view.ref_text) else []
    flags = []
    for m, e in comparison.pairs:
        whole = _unit_or_sign_changed(m, e)
        ar = _span(ctx.ar_span, view.ar_start, e, whole)
        ref = _span(ctx.ref_span, view.ref_start, m, whole)
        hyp = next((h for h in hyp_nums if same_number(h, e)), None)
        # Digits are read with certainty; a number in words may have a reading the
        # extractor lacks, and then the back-translation decides.
        doubt = _in_words(e) and _in(hyp_nums, m) and hyp is None
        what = "unit changed: " if whole and m.unit != e.unit else "sign changed: " if whole else ""
        flags.append(make_flag(
            view, check, ar, ref,
            f"{what}reference says {ref.text} ({_describe(m)}), the Arabic says {ar.text} ({_describe(e)})"
            + ("; but the back-translation has the reference's number" if doubt else ""),
            hyp_find(view, hyp.text) if hyp else None,
            confidence=check.adjusted(-BACK_TRANSLATION_DOUBT) if doubt else check.confidence,
        ))
    for m in comparison.missing:
        doubt = _in(hyp_nums, m)
        flags.append(make_flag(
            view, check,
            Span("", ctx.ar_line(view.ar_start), view.ar_start, view.ar_start),
            _span(ctx.ref_span, view.ref_start, m, False),
            f"reference number {m.text} ({_describe(m)}) does not appear in the Arabic"
            + ("; the back-translation has it" if doubt else ""),
            severity=Severity.MAJOR,
            confidence=_unpaired(check, m.kind) - (BACK_TRANSLATION_DOUBT if doubt else 0.0),
        ))
    for e in comparison.extra:
        # A number written in words that the back-translation does not show may be a word
        # read as a number (ست "six" / "lady", عشر "ten" / "a tenth").
        doubt = _in_words(e) and not _in(hyp_nums, e)
        flags.append(make_flag(
            view, check, _span(ctx.ar_span, view.ar_start, e, False), Span(),
            f"the Arabic number {e.text} ({_describe(e)}) is not in the reference",
            severity=Severity.MAJOR,
            confidence=_unpaired(check, e.kind) - (BACK_TRANSLATION_DOUBT if doubt else 0.0),
        ))
    return flags + bound_flags(view, ctx, check, ref_nums, ar_nums, hyp_nums)


#: Words before a number that make it a lower bound (the true figure is that or more) …
_LOWER = r"at least|more than|over|above|upwards of|in excess of|no (?:fewer|less) than|exceeding|not less than"
#: … or an upper bound (that or less, or short of it).
_UPPER = r"at most|less than|fewer than|under|below|up to|no more than|not more than|nearly|almost|just under|at the most"
_BEFORE = re.compile(rf"\b(?:(?P<lower>{_LOWER})|(?P<upper>{_UPPER}))\s+(?:an?\s+|the\s+|some\s+)?$", re.IGNORECASE)
_AFTER = re.compile(r"^\s*(?:[A-Za-z-]+\s+){0,2}?(?:or (?P<lower>more|over|above)|or (?P<upper>less|fewer|under|below)|(?P<lower2>at least|at the least|plus)|(?P<upper2>at most|at the most))\b", re.IGNORECASE)


_BOUND = {"lower": "a minimum", "upper": "a maximum"}


def _hyp_slice(view: SegmentView, start: int, end: int) -> HypSpan:
    return HypSpan(view.hyp[start:end], start, end)


def bound_of(text: str, start: int, end: int) -> tuple[str, int, int] | None:
    """Whether the number at ``text[start:end]`` is given as a lower bound ("at least 40",
    "40 or more") or an upper bound ("at most 40", "up to 40", "nearly 40"): ``("lower" |
    "upper", start, end)`` of the words that say so, else ``None``."""
    before = _BEFORE.search(text[max(0, start - 30):start])
    if before:
        offset = max(0, start - 30)
        kind = "lower" if before.group("lower") else "upper"
        return kind, offset + before.start(), offset + before.end()
    after = _AFTER.search(text[end:end + 40])
    if after:
        kind = "lower" if after.group("lower") or after.group("lower2") else "upper"
        return kind, end + after.start(), end + after.end()
    return None


def bound_flags(
    view: SegmentView, ctx: DocumentContext, check: Check,
    ref_nums: Sequence[NumberMention], ar_nums: Sequence[NumberMention], hyp_nums: Sequence[NumberMention],
) -> list[Flag]:
    """A number the Arabic gives right, but as the other bound: the reference's "at least
    1,150" read back as "at most 1150" (a minimum made a maximum, or the other way round)."""
    flags = []
    for m in ref_nums:
        e = next((a for a in ar_nums if same_number(a, m)), None)
        if e is None:
            continue
        ref_bound = bound_of(view.ref_text, m.start, m.end)
        hyp = next((h for h in hyp_nums if same_number(h, m)), None)
        if ref_bound is None or hyp is None:
            continue
        hyp_bound = bound_of(view.hyp, hyp.start, hyp.end)
        if hyp_bound is None or hyp_bound[0] == ref_bound[0]:
            continue
        ar = _bound_words(view, ctx, e, view.hyp[hyp_bound[1]:hyp_bound[2]]) or _span(
            ctx.ar_span, view.ar_start, e, False)
        said = view.ref_text[ref_bound[1]:ref_bound[2]].strip()
        read = view.hyp[hyp_bound[1]:hyp_bound[2]].strip()
        flags.append(make_flag(
            view, check, ar, ctx.ref_span(view.ref_start + min(ref_bound[1], m.start),
                                          view.ref_start + max(ref_bound[2], m.end)),
            f"the reference gives {m.text} as {_BOUND[ref_bound[0]]} ('{said}'), the back-translation "
            f"as {_BOUND[hyp_bound[0]]} ('{read}')",
            _hyp_slice(view, min(hyp_bound[1], hyp.start), max(hyp_bound[2], hyp.end)),
            severity=Severity.MAJOR,
            confidence=check.adjusted(-0.15),
        ))
    return flags


#: How many Arabic words either side of a number its bound words may stand
#: ("1150 حالة على الأكثر": after the counted noun).
BOUND_REACH = 3


def _bound_words(view: SegmentView, ctx: DocumentContext, e: NumberMention, phrase: str) -> Span | None:
    """The Arabic words near the Arabic number ``e`` that gloss as the content words of the
    back-translation's bound ``phrase`` ("at most" ← على الأكثر), with a preposition right
    before them; ``None`` when there are none."""
    wanted = {stem(t.text.lower()) for t in tokenize_en(phrase) if t.kind == "word"} - {"at", "than", "or", "to"}
    at = next((k for k, a in enumerate(view.ar) if a.token.start - view.ar_start >= e.start), None)
    if at is None or not wanted:
        return None
    lo, hi = max(0, at - BOUND_REACH), min(len(view.ar), at + BOUND_REACH + 2)
    hits = [k for k in range(lo, hi) if view.ar[k].stems & wanted or view.ar[k].clitics & wanted]
    if not hits:
        return None
    first, last = min(hits), max(hits)
    if first > 0 and view.ar[first - 1].function:
        first -= 1
    return ctx.ar_span(view.ar[first].token.start, view.ar[last].token.end)


def _reads_hyp(comparison: NumberComparison, ref_nums: Sequence[NumberMention], ref_text: str) -> bool:
    """Whether the check reads the back-translation's numbers: they only weigh a
    disagreement, or a number the reference gives as a bound (:func:`bound_flags`)."""
    return bool(comparison.pairs or comparison.missing or comparison.extra) or any(
        bound_of(ref_text, m.start, m.end) is not None for m in ref_nums)


def _in(mentions: Sequence[NumberMention], m: NumberMention) -> bool:
    return any(same_number(h, m) for h in mentions)


def _in_words(m: NumberMention) -> bool:
    return not any(c.isdigit() for c in m.text)


def _unit_or_sign_changed(m: NumberMention, e: NumberMention) -> bool:
    """The two numbers are equal as written (or opposite), so the unit or the sign differs."""
    return any(math.isclose(abs(vm), abs(ve), rel_tol=1e-9)
               for vm, _ in m.all_readings() for ve, _ in e.all_readings())


def _span(make, base: int, m: NumberMention, whole: bool) -> Span:
    start, end = m.quantity_span if whole else (m.start, m.end)
    return make(base + start, base + end)


def _unpaired(check: Check, kind: str) -> float:
    """A number on one side only: base - 0.3 (0.6); an ordinal or a multiple base - 0.45 (0.45)."""
    return check.adjusted(-0.45 if kind in ("ordinal", "multiple") else -0.3)


def _describe(m: NumberMention) -> str:
    value = f"{m.value:,.0f}" if m.value == int(m.value) else f"{m.value:,.4g}"
    if m.kind == "multiple":
        value = f"×{value}"
    return f"{value} {m.unit.name}" if m.unit is not None else value
