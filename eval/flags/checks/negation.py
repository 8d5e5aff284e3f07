"""The negation check: a negation the Arabic adds or loses against the reference.

Counted on all three sides: the Arabic negators (لم، لن، لا، ليس…; fixed expressions
such as لا سيما left out) against the reference's English negators, and the
back-translation must agree with the Arabic. A verbal negation added is the registered
flag; one added by a nominal negator (عدم، غير) is much weaker evidence, a lost one a
little weaker.
"""

from __future__ import annotations

from collections.abc import Sequence

from eval.flags.checks.common import hyp_find, make_flag
from eval.flags.context import Check, DocumentContext
from eval.flags.view import SegmentView
from eval.lexicon import resources
from eval.lexicon.bilingual import ArWord, known_word, strip_prefixes, supports
from eval.text.tokens import Token, normalise_ar_word, stem
from eval.values import Flag, Span


def _en_negations(tokens: Sequence[Token]) -> list[Token]:
    """English negators; "neither … nor" counts once, as Arabic says it with one لا … ولا/أو."""
    neg = resources.negators_en()
    prefixed = resources.negative_prefixed_en()
    out = []
    for k, t in enumerate(tokens):
        word = t.text.lower().replace("’", "'")
        if word == "nor" and any(o.text.lower() == "neither" for o in out):
            continue
        if word in neg or word.endswith("n't") or word in prefixed or _negative_word(word):
            out.append(t)
        elif word in _NEGATIVE_QUANTIFIERS and not (k and tokens[k - 1].text.lower() == "a"):
            out.append(t)  # "little was left" is negative, "a little" is not
    return out


_NEGATIVE_QUANTIFIERS = frozenset({"little", "few", "hardly", "barely", "scarcely", "seldom", "rarely"})


_ADJECTIVE_ENDINGS = ("able", "ible", "ful", "ive", "al", "ly", "ent", "ant", "ous", "ic", "ary")
_PLAIN_ADJECTIVES = frozenset(
    "clear known likely certain fair safe stable usual even happy aware real sure fit wise just "
    "kind true free equal easy common popular lawful armed paid changed harmed employed identified "
    "opposed answered affected inhabited noticed detected solved restricted checked touched".split()
)


def _negative_word(word: str) -> bool:
    """An adjective negated by un-/non- or -less (unchanged, unclear, nonviolent, useless).

    Only adjective-like remainders count, so that uncover, unveil or unrest do not.
    """
    for prefix in ("un", "non"):
        rest = word[len(prefix):].lstrip("-")
        if word.startswith(prefix) and len(rest) >= 4 and known_word(stem(rest)) and (
            rest.endswith(_ADJECTIVE_ENDINGS) or rest in _PLAIN_ADJECTIVES
        ):
            return True
    return word.endswith("less") and len(word) > 7 and known_word(stem(word[:-4]))


# Nominal negators often render an English noun or adjective with a negative meaning
# (anonymity ↔ عدم الكشف عن الهوية, absence, failure): weaker evidence than لم/لن/لا/ليس.
_NOMINAL_NEGATORS = frozenset({"عدم", "غير"})


def _ar_negations(view: SegmentView) -> list[ArWord]:
    negators = {normalise_ar_word(w) for w in resources.negators_ar()}
    fixed = [tuple(normalise_ar_word(w) for w in f.split()) for f in resources.negation_fixed_ar()]
    out = []
    keys = [w.token.key for w in view.ar]
    for i, word in enumerate(view.ar):
        forms = strip_prefixes(word.token.key)
        if not any(f in negators for f in forms):
            continue
        if any(tuple(keys[i : i + len(f)]) == f or tuple(keys[max(0, i - len(f) + 1) : i + 1]) == f
               for f in fixed):
            continue
        out.append(word)
    return out


def negation_flags(view: SegmentView, ctx: DocumentContext, check: Check) -> list[Flag]:
    ref_neg = _en_negations(view.ref)
    hyp_neg = _en_negations(view.hyp_tokens)
    ar_neg = _ar_negations(view)
    flags = []
    if len(ar_neg) > len(ref_neg) and len(hyp_neg) > len(ref_neg):
        word = ar_neg[-1] if ref_neg else ar_neg[0]
        nominal = bool(_NOMINAL_NEGATORS.intersection(strip_prefixes(word.token.key)))
        flags.append(make_flag(
            view, check, ctx.ar_span(word.token.start, word.token.end), Span(),
            f"negation added: the Arabic has {len(ar_neg)} negator(s) ({', '.join(w.token.text for w in ar_neg)}), "
            f"the reference {len(ref_neg)}",
            hyp_find(view, hyp_neg[-1].text) if hyp_neg else None,
            confidence=check.adjusted(-0.35) if nominal else check.confidence,
        ))
    elif len(ar_neg) < len(ref_neg) and len(hyp_neg) < len(ref_neg):
        lost = ref_neg[len(ar_neg)] if ar_neg else ref_neg[0]
        # The Arabic word rendering the word the negation applied to.
        after = [t for t in view.ref if t.index > lost.index][:3]
        target = next((w for t in after for w in view.ar if supports(w, t)), None)
        ar = (ctx.ar_span(target.token.start, target.token.end) if target
              else Span("", ctx.ar_line(view.ar_start), view.ar_start, view.ar_start))
        flags.append(make_flag(
            view, check, ar,
            ctx.ref_span(lost.start, after[0].end if after else lost.end),
            f"negation lost: the reference says '{lost.text}', the Arabic has "
            f"{len(ar_neg)} negator(s) for {len(ref_neg)}",
            confidence=check.adjusted(-0.1),
        ))
    return flags
