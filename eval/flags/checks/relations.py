"""Relations that flip the fact while the words stay: tense, modality, roles, connectives.

The gap analysis compares content words; these checks compare what the function words
and verb forms around them say. For every reference ↔ back-translation content-word
pair of the segment view that its neighbours confirm (the same clause on both sides),
the verb group in front of each word is read (:func:`eval.text.verbs.verb_group`) and
the two are compared:

* ``tense`` — a past or perfect event made future (*has cut* → *will reduce*) or a
  future one made past (*is expected to cost* → *cost*), critical; a pluperfect made
  present (*had forecast* → *has been expecting*), major;
* ``modality`` — a possibility or a hedge made certain (*could add* → *will add*, *is
  expected to carry* → *will transport*, *may have been* → *was*), a certainty made
  possible, an obligation made a possibility (*must* → *may*) and back, an obligation
  made a plain statement (*should* ↔ *will*); a hedging adverb (*reportedly*) the
  back-translation and the Arabic both lack;
* ``roles`` — agent and patient swapped around the same verb (*the machines cannot
  reach us* → *we cannot reach the machines*; *was hired by X* → *hired X*, voice taken
  into account), or the two sides of *rather than* / *instead of* / *than* swapped;
* ``relation`` — a cause, purpose or concession connective turned into another
  (*because* → *so that*, *fined for speeding* → *in order to speed*, *even as* →
  *because*), cause and effect reversed around a causal verb (*driven by falling
  pressure* → *leads to a drop in pressure*), and the scope of *not all* turned into
  *all … not*.

Each difference must be confirmed by the Arabic, read through the Buckwalter analyses
of the words around the Arabic rendering of the verb: a future prefix (سـ, سوف, لن), a
perfect verb form or كان, a word glossed *may*/*possible*/*likely* (قد + imperfect,
يمكن, ربما, من المحتمل), *expect*/*believe*/*allege* (hedges), *necessary* (يجب،
ينبغي), *because*, *in order to*, *despite* — the back-translation and the Arabic must
agree against the reference. The Arabic span is the verb (with its particle or modal)
an editor must fix, or the connective.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from eval.flags.checks.common import make_flag
from eval.flags.context import Check, DocumentContext
from eval.flags.view import SegmentView
from eval.lexicon import resources
from eval.lexicon.bilingual import pronoun_forms, related, strip_prefixes, supports
from eval.text.tokens import Token, normalise_ar_word, stem
from eval.text.verbs import (
    BE,
    HEDGE_ADVERBS,
    POSSIBLE_MODALS,
    Mood,
    Time,
    VerbGroup,
    is_ing_form,
    is_past_form,
    verb_group,
)
from eval.values import Flag, HypSpan, Severity, Span

# -- the Arabic side: what a word's analyses say --------------------------------------

FUTURE = "future"  # سـ prefix, سوف, لن
PERFECT_FORM = "perfect-form"  # a perfect (past) verb form
IMPERFECT_FORM = "imperfect-form"  # an imperfect verb form without سـ
VERB = "verb"
WAS = "was"  # كان and its forms
POSSIBLE = "possible"
HEDGE = "hedge"
OBLIGATORY = "obligatory"
CAUSE = "cause"
PURPOSE = "purpose"
CONCESSION = "concession"
ALL = "all"
NEGATOR = "negator"
MAY_OR_HAS = "may-or-has"  # قد: "may" before an imperfect verb, "has" before a perfect one

# English words of the lexicon's glosses that mark each class (stems of gloss words, or
# whole gloss phrases for the connectives).
_POSSIBLE_GLOSS = frozenset(stem(w) for w in "may might perhaps maybe possible possibly probable probably likely able capable possibility".split())
_HEDGE_GLOSS = frozenset(stem(w) for w in "expect anticipate believe allege claim seem appear report reportedly suppose presume suspect estimate rumour rumor".split())
_OBLIGATORY_GLOSS = frozenset(stem(w) for w in "necessary incumbent must obligatory obliged obligated required should duty compelled".split())
_CONNECTIVE_GLOSS = {
    CAUSE: ("because", "because of", "due to", "owing to", "on account of", "reason"),
    PURPOSE: ("in order to", "so that", "so as to", "purpose", "goal", "objective", "aim", "intention", "for the sake of"),
    CONCESSION: ("despite", "in spite of", "although", "even though", "though", "notwithstanding"),
}
_ALL_GLOSS = frozenset({"all", "every", "each", "all of", "every one of", "everyone", "everything"})
_GLOSS_SPLIT = re.compile(r"[;/,()]+")


@functools.lru_cache(maxsize=65536)
def ar_features(key: str) -> frozenset[str]:
    """What the Buckwalter analyses of an Arabic word (its folded key) can mark: the
    constants of this module (:data:`FUTURE`, :data:`POSSIBLE`, :data:`CAUSE` …)."""
    from eval.lexicon.buckwalter import lexicon

    out: set[str] = set()
    has_reading = False
    analyses = lexicon().analyse(key)
    for a in analyses:
        pos, cat = a.stem.pos, a.stem.category
        is_verb = "VERB" in pos
        fut = "FUT" in a.prefix.pos
        if is_verb:
            out.add(VERB)
            if fut:
                out.add(FUTURE)
            elif cat.startswith("PV"):
                out.add(PERFECT_FORM)
            elif cat.startswith("IV"):
                out.add(IMPERFECT_FORM)
        if "FUT_PART" in pos or a.stem.gloss == "(will) not":
            out.add(FUTURE)
        phrases = [p.strip().lower() for p in _GLOSS_SPLIT.split(a.stem.gloss) if p.strip()]
        if is_verb and "was" in phrases:
            out.add(WAS)
        words = {stem(w) for p in phrases for w in p.split()}
        if words & _POSSIBLE_GLOSS:
            out.add(POSSIBLE)
        if "FUNC_WORD" in pos and ("(has" in a.stem.gloss or "has)" in a.stem.gloss):
            has_reading = True
        if words & _HEDGE_GLOSS:
            out.add(HEDGE)
        if words & _OBLIGATORY_GLOSS:
            out.add(OBLIGATORY)
        for kind, cues in _CONNECTIVE_GLOSS.items():
            if any(p in cues for p in phrases):
                out.add(kind)
        if "NOUN" in pos and any(p in _ALL_GLOSS for p in phrases):
            out.add(ALL)
    if has_reading and POSSIBLE in out:
        # قد: "may" before an imperfect verb, "has" before a perfect one (:func:`_marks`).
        out.discard(POSSIBLE)
        out.add(MAY_OR_HAS)
    negators = _negators_ar()
    if any(f in negators for f in strip_prefixes(key)):
        out.add(NEGATOR)
    return frozenset(out)


@functools.lru_cache(maxsize=1)
def _negators_ar() -> frozenset[str]:
    return frozenset(normalise_ar_word(w) for w in resources.negators_ar())


_AR_BREAK = re.compile(r"[،,.؛;:!?؟\"«»()\[\]]")


def _features(view: SegmentView, k: int) -> frozenset[str]:
    word = view.ar[k]
    return ar_features(word.token.key) if word.token.kind == "word" else frozenset()


def _ar_break(view: SegmentView, a: int, b: int) -> bool:
    """Punctuation between Arabic words ``a`` < ``b``."""
    lo, hi = view.ar[a].token.end - view.ar_start, view.ar[b].token.start - view.ar_start
    return bool(_AR_BREAK.search(view.ar_text[lo:hi]))


def _clause_before(view: SegmentView, k: int, reach: int = 5) -> list[int]:
    """Arabic words before word ``k`` in its clause (at most ``reach``), nearest last."""
    out: list[int] = []
    j = k - 1
    while j >= 0 and len(out) < reach and not _ar_break(view, j, j + 1):
        out.append(j)
        j -= 1
    return out[::-1]


def _marks(view: SegmentView, ks: Iterable[int], feature: str) -> list[int]:
    """The words among ``ks`` that can mark ``feature``; قد counts as *may* only before an
    imperfect verb."""
    out = []
    for k in ks:
        feats = _features(view, k)
        may = feature == POSSIBLE and MAY_OR_HAS in feats and k + 1 < len(view.ar) \
            and IMPERFECT_FORM in _features(view, k + 1)
        if feature in feats or may:
            out.append(k)
    return out


# -- pairing the two English sides ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VerbPair:
    """A reference ↔ back-translation content-word pair with the verb group of each side."""

    ref: VerbGroup
    hyp: VerbGroup
    i: int  # index into view.ref_c
    j: int  # index into view.hyp_c
    anchored: bool  # a neighbouring pair confirms it (:func:`_anchored`)


def _anchored(view: SegmentView, p: int) -> bool:
    """A neighbouring pair (within three content words on the reference side) lands near
    this pair's back-translation word too: both words stand in the same clause."""
    i, j = view.pairs[p]
    for q in (p - 1, p + 1, p - 2, p + 2):
        if 0 <= q < len(view.pairs) and q != p:
            i2, j2 = view.pairs[q]
            if abs(i2 - i) <= 3 and abs(j2 - j) <= 4 and (i2 - i) * (j2 - j) > 0:
                return True
    return False


# The pairs of the view seen last, (view, pairs): several checks read them, and the
# segment checks of one view run one after another (:func:`eval.flags.registry.run_checks`).
# One view only, so that no earlier segment or document is kept alive here.
_LAST: list[tuple[SegmentView, tuple[VerbPair, ...]]] = []


def verb_pairs(view: SegmentView, anchored: bool = True) -> list[VerbPair]:
    """Content pairs of ``view`` (those :func:`_anchored` only, unless ``anchored`` is false)
    with the verb group in front of each word."""
    hit = _LAST[0] if _LAST else None
    if hit is None or hit[0] is not view:
        hit = (view, tuple(_verb_pairs(view)))
        _LAST[:] = [hit]
    return [p for p in hit[1] if p.anchored or not anchored]


def _verb_pairs(view: SegmentView) -> list[VerbPair]:
    out = []
    for p, (i, j) in enumerate(view.pairs):
        r, h = view.ref_c[i], view.hyp_c[j]
        if r.kind != "word" or h.kind != "word" or r.is_capitalised and r.index > 0 and not h.is_capitalised:
            continue
        rg = verb_group(view.ref, r.index, view.ref_text, view.ref_start)
        hg = verb_group(view.hyp_tokens, h.index, view.hyp, 0)
        out.append(VerbPair(rg, hg, i, j, _anchored(view, p)))
    return out


def _ar_head(view: SegmentView, r: Token, h: Token) -> int | None:
    """The Arabic word rendering the paired words: the back-translation's word by the
    translator's links or the lexicon, else the reference's; of several, the one whose
    place in the Arabic matches the back-translation word's."""
    cands: set[int] = set()
    if view.links:
        for link in view.links:
            if link.tgt_start < h.end and h.start < link.tgt_end:
                cands.update(k for k, a in enumerate(view.ar)
                             if link.src_start < a.token.end and a.token.start < link.src_end)
    words = [(k, a) for k, a in enumerate(view.ar) if a.token.kind == "word" and not a.function]
    if not cands:
        cands = {k for k, a in words if supports(a, h)}
    if not cands:
        cands = set(view.ar_for_ref.get(r.index, ()))
    if not cands:
        cands = {k for k, a in words if any(related(h.key, g) for g in a.stems)}
    if not cands:
        return None
    where = h.index / max(1, len(view.hyp_tokens) - 1)
    n = max(1, len(view.ar) - 1)
    return min(cands, key=lambda k: (abs(k / n - where), k))


def _span(view: SegmentView, ctx: DocumentContext, ks: Sequence[int], limit: int = 6) -> Span:
    """The Arabic words from the first to the last of ``ks`` (at most ``limit`` words; the
    last ones when longer)."""
    if not ks:
        return Span()
    lo, hi = min(ks), max(ks)
    lo = max(lo, hi - limit + 1)
    return ctx.ar_span(view.ar[lo].token.start, view.ar[hi].token.end)


def _ref_span(ctx: DocumentContext, tokens: Sequence[Token]) -> Span:
    toks = sorted(tokens, key=lambda t: t.index)
    return ctx.ref_span(toks[0].start, toks[-1].end) if toks else Span()


def _hyp_span(view: SegmentView, tokens: Sequence[Token]) -> HypSpan:
    toks = sorted(tokens, key=lambda t: t.index)
    return view.hyp_span([toks[0], toks[-1]]) if toks else HypSpan()


def _group_tokens(g: VerbGroup) -> list[Token]:
    return [*g.markers, g.head]


# -- tense ----------------------------------------------------------------------------


def tense_flags(view: SegmentView, ctx: DocumentContext, check: Check) -> list[Flag]:
    """A past or perfect event made future and back (critical); a pluperfect made present."""
    flags: list[Flag] = []
    for pair in verb_pairs(view):
        rg, hg = pair.ref, pair.hyp
        if not (rg.finite and (hg.finite or hg.bare_irregular or hg.time is Time.PRESENT)) \
                or rg.negated != hg.negated:
            continue
        if rg.time.is_past and hg.time is Time.FUTURE:
            want, what, severity = FUTURE, "a past event made future", Severity.CRITICAL
        elif rg.time is Time.FUTURE and (hg.time.is_past or hg.bare_irregular):
            want, what, severity = PERFECT_FORM, "a future event made past", Severity.CRITICAL
        elif rg.time is Time.PLUPERFECT and (hg.time is Time.PERFECT or hg.time is Time.PRESENT and (
                hg.markers or _bare_present(view, hg))):
            want, what, severity = IMPERFECT_FORM, "an earlier state made current", check.severity
        else:
            continue
        k = _ar_head(view, rg.head, hg.head)
        if k is None:
            continue
        before = _clause_before(view, k, 3)
        feats = _features(view, k)
        if want == FUTURE:
            markers = _marks(view, before, FUTURE)
            ok = FUTURE in feats or bool(markers)
            ks = [*markers[-1:], k]
        elif want == PERFECT_FORM:
            was = _marks(view, before, WAS)
            ok = (PERFECT_FORM in feats or bool(was)) and FUTURE not in feats \
                and not _marks(view, before, FUTURE) and not _marks(view, before, POSSIBLE)
            if hg.bare_irregular and not hg.time.is_past:
                # "which cost": past or present in English; the Arabic must be a perfect form.
                ok = ok and IMPERFECT_FORM not in feats
            ks = [*was[-1:], k]
        else:
            ok = IMPERFECT_FORM in feats and PERFECT_FORM not in feats and FUTURE not in feats \
                and not _marks(view, before, WAS)
            ks = [k]
        if not ok:
            continue
        flags.append(make_flag(
            view, check, _span(view, ctx, ks), _ref_span(ctx, _group_tokens(rg)),
            f"{what}: the reference says '{rg.words()}' ({rg.time.value}), the back-translation "
            f"'{hg.words()}' ({hg.time.value}), and the Arabic agrees with it",
            _hyp_span(view, _group_tokens(hg)),
            severity=severity,
            confidence=check.confidence if severity is Severity.CRITICAL else check.adjusted(-0.1),
        ))
    return flags


def _bare_present(view: SegmentView, g: VerbGroup) -> bool:
    """A bare *-s* form after a content word (*the company plans*): a verb, not a plural."""
    k = g.head.index
    return g.head.text.endswith("s") and k > 0 and view.hyp_tokens[k - 1].index in {
        t.index for t in view.hyp_c}


# -- modality -------------------------------------------------------------------------

_HEDGE_STEMS = frozenset(stem(w) for w in (
    *HEDGE_ADVERBS, *POSSIBLE_MODALS,
    *("expected expect believed believe alleged allege reported report likely probable possible "
      "seem seems appear appears estimated estimate thought supposed according").split(),
))


def _hedged_clause(tokens: Sequence[Token], text: str, offset: int, end: int) -> bool:
    """A hedge or possibility word in the clause that ends at ``tokens[end]``."""
    for t in reversed(tokens[:end]):
        gap = text[t.end - offset : tokens[end].start - offset] if t.index < end else ""
        if t.index < end - 1 and re.search(r"[.;:!?]", gap):
            break
        if stem(t.text) in _HEDGE_STEMS:
            return True
    return False


_MOOD_FEATURE = {Mood.POSSIBLE: POSSIBLE, Mood.OBLIGATORY: OBLIGATORY}


def modality_flags(view: SegmentView, ctx: DocumentContext, check: Check) -> list[Flag]:
    """Possibility, obligation or a hedge changed (see the module docstring)."""
    flags: list[Flag] = []
    for pair in verb_pairs(view):
        rg, hg = pair.ref, pair.hyp
        if rg.negated or hg.negated or not (rg.markers or rg.finite) or not hg.finite:
            continue
        rm, hm = rg.modal, hg.modal
        if rm is hm:
            continue
        if hm is Mood.CERTAIN and _hedged_clause(view.hyp_tokens, view.hyp, 0, hg.head.index):
            continue
        if rm is Mood.CERTAIN and not rg.finite:
            continue
        if rm is Mood.POSSIBLE and not rg.hedge and hg.time.is_past \
                and any(t.text.lower() in ("could", "can") for t in rg.markers):
            continue  # "could see" ≈ "saw": a past ability, not a possibility
        k = _ar_head(view, rg.head, hg.head)
        if k is None and hm is not Mood.CERTAIN:
            # No Arabic word renders the verb: look for the modal in front of the Arabic
            # of the paired word next to it (يمكن أن يصادق البرلمانان ↔ "parliaments may ratify").
            markers = [m for n in _neighbour_ar(view, pair.i)
                       for m in _marks(view, _clause_before(view, n, 5), _MOOD_FEATURE[hm])]
            if markers:
                m = markers[0]
                flags.append(_modality_flag(view, ctx, check, rg, hg, [m, min(m + 2, len(view.ar) - 1)],
                                            check.adjusted(-0.05)))
            continue
        if k is None:
            continue
        before = _clause_before(view, k, 5)
        around = [*before, k]
        if hm is Mood.CERTAIN:
            if any(_marks(view, around, f) for f in (POSSIBLE, HEDGE, OBLIGATORY)):
                continue
            if not _asserted(view, k, before):
                continue
            was = _marks(view, before[-2:], WAS)
            ks = [*was[-1:], k]
        else:
            markers = _marks(view, around, _MOOD_FEATURE[hm])
            if not markers:
                continue
            ks = [markers[-1], k] if markers[-1] != k else [k]
        weak = Mood.OBLIGATORY in (rm, hm) and Mood.CERTAIN in (rm, hm)
        flags.append(_modality_flag(view, ctx, check, rg, hg, ks,
                                    check.adjusted(-0.1) if weak else check.confidence))
    flags += _dropped_hedges(view, ctx, check, [f.reference for f in flags])
    return flags


# أن before a verb makes it subjunctive: its modality is the governing verb's (يخشى أن تغمر
# "fears that it floods" is no assertion). Written with or without the hamza, with a clitic.
_SUBJUNCTIVE = frozenset({"أن", "بأن", "وأن", "ان", "بان", "وان"})
_HARAKAT = re.compile(r"[\u064b-\u065f\u0670]")


def _asserted(view: SegmentView, k: int, before: Sequence[int]) -> bool:
    """The Arabic states the event around word ``k`` as a fact: a future (سـ, سوف), a past
    (a perfect verb, كان), or an imperfect verb not governed by أن."""
    feats = _features(view, k)
    if FUTURE in feats or _marks(view, before[-2:], FUTURE) or _marks(view, before[-2:], WAS):
        return True
    verbs = [x for x in (*before[-2:], k) if VERB in _features(view, x)]
    if not verbs:
        return False
    v = verbs[-1]
    if v > 0 and _HARAKAT.sub("", view.ar[v - 1].token.text) in _SUBJUNCTIVE:
        return False
    return bool({PERFECT_FORM, IMPERFECT_FORM} & _features(view, v))


def _modality_flag(view: SegmentView, ctx: DocumentContext, check: Check, rg: VerbGroup,
                   hg: VerbGroup, ks: Sequence[int], confidence: float) -> Flag:
    rm, hm = rg.modal, hg.modal
    if rm is Mood.POSSIBLE and hm is Mood.CERTAIN:
        what = "a hedge made certain" if rg.hedge else "a possibility made certain"
    elif rm is Mood.CERTAIN and hm is Mood.POSSIBLE:
        what = "a certainty made a possibility"
    elif hm is Mood.CERTAIN:
        what = "an obligation made a plain statement"
    elif rm is Mood.CERTAIN:
        what = "a statement made an obligation"
    else:
        what = f"{'an obligation' if rm is Mood.OBLIGATORY else 'a possibility'} made " \
               f"{'an obligation' if hm is Mood.OBLIGATORY else 'a possibility'}"
    return make_flag(
        view, check, _span(view, ctx, ks), _ref_span(ctx, _group_tokens(rg)),
        f"{what}: the reference says '{rg.words()}', the back-translation '{hg.words()}', "
        "and the Arabic agrees with it",
        _hyp_span(view, _group_tokens(hg)),
        confidence=confidence,
    )


def _neighbour_ar(view: SegmentView, i: int) -> list[int]:
    """Arabic words rendering the reference content words paired next to ``view.ref_c[i]``."""
    paired = {a for a, _ in view.pairs}
    out: list[int] = []
    for n in (i + 1, i - 1):
        if n in paired:
            out += view.ar_for_ref.get(view.ref_c[n].index, ())
    return out


def _hedged_text(tokens: Sequence[Token]) -> bool:
    """A hedge word anywhere in ``tokens``, or an impersonal passive (*it is said that*)."""
    return any(
        stem(t.text) in _HEDGE_STEMS
        or t.text.lower() in ("said", "thought", "understood") and k and tokens[k - 1].text.lower() in BE
        for k, t in enumerate(tokens)
    )


def _dropped_hedges(view: SegmentView, ctx: DocumentContext, check: Check, taken: Sequence[Span]) -> list[Flag]:
    """A hedging adverb of the reference (*reportedly*) with no hedge anywhere in the
    back-translation or the Arabic; flagged on the Arabic verb it qualified (unless a flag
    on its verb group, in ``taken``, already says so)."""
    hedges = [t for t in view.ref if t.text.lower() in HEDGE_ADVERBS
              and t.text.lower() not in ("likely", "perhaps", "maybe")
              and not any(s.start is not None and s.end is not None and s.start <= t.start < s.end
                          for s in taken)]
    if not hedges:
        return []
    if _hedged_text(view.hyp_tokens):
        return []
    if any(_marks(view, range(len(view.ar)), f) for f in (POSSIBLE, HEDGE)):
        return []
    flags = []
    pairs = verb_pairs(view)
    for hedge in hedges:
        after = [p for p in pairs if p.ref.head.index > hedge.index and p.hyp.finite]
        if not after:
            continue
        pair = min(after, key=lambda p: p.ref.head.index)
        if pair.ref.head.index - hedge.index > 6:
            continue
        k = _ar_head(view, pair.ref.head, pair.hyp.head)
        if k is None:
            continue
        flags.append(make_flag(
            view, check, _span(view, ctx, [k]), _ref_span(ctx, [hedge, pair.ref.head]),
            f"a hedge made certain: the reference says '{hedge.text}', neither the back-translation "
            "nor the Arabic hedges the statement",
            _hyp_span(view, _group_tokens(pair.hyp)),
        ))
    return flags


# -- roles: agent and patient ---------------------------------------------------------

# Verbs whose two arguments can trade places without changing the fact (X met Y = Y met X).
_RECIPROCAL = frozenset(stem(w) for w in (
    "meet face play draw tie clash fight negotiate talk marry merge border compete trade "
    "partner ally resemble equal match join accompany"
).split())
_PRONOUNS = frozenset("i me we us you he him she her they them".split())
_PARTICLES = frozenset("up down out off away back".split())
_PREPOSITIONS = frozenset("on in into onto towards toward over at by with from against for of".split())
_DETERMINERS = frozenset("the a an his her its their our my your this that these those".split())


def _argument_tokens(tokens: Sequence[Token], content: set[int], start: int, step: int,
                     text: str, offset: int, *, noun_phrase: bool = False,
                     through_commas: bool = False) -> tuple[list[Token], bool]:
    """The noun phrase next to a verb group, and whether it is a direct one (no preposition
    in between): the run of content words (or a personal pronoun) found by walking from
    ``start`` in direction ``step`` over determiners (and, to the right, particles and
    prepositions) only; punctuation ends it (a comma too, unless ``through_commas``).
    ``noun_phrase``: to the right, go on through *of* / *in* and a determiner
    (*a drop in the reservoir pressure*)."""
    out: list[Token] = []
    k = start
    skipped = 0
    direct = True
    prev = None
    stop = r"[.;:!?\"“”()—–]" if through_commas else r"[,.;:!?\"“”()—–]"
    while 0 <= k < len(tokens):
        t = tokens[k]
        if prev is not None:
            a, b = (t, prev) if step < 0 else (prev, t)
            if re.search(stop, text[a.end - offset : b.start - offset]):
                break
        w = t.text.lower()
        if t.index in content or w in _PRONOUNS:
            out.append(t)
            if w in _PRONOUNS:
                break
        elif out and noun_phrase and step > 0 and w in ("of", "in") and skipped < 4:
            skipped += 1
        elif out and not (noun_phrase and w in _DETERMINERS and tokens[k - 1].text.lower() in ("of", "in")):
            break
        elif w in _DETERMINERS or step > 0 and (w in _PARTICLES or w in _PREPOSITIONS):
            skipped += 1
            direct = direct and w not in _PREPOSITIONS
            if skipped > 3 + 2 * noun_phrase:
                break
        else:
            break
        prev = t
        k += step
    return sorted(out, key=lambda t: t.index), direct


def _links(view: SegmentView, ref: Sequence[Token], hyp: Sequence[Token]) -> list[tuple[Token, Token]]:
    """The words of ``ref`` paired with (or the same pronoun as) words of ``hyp``."""
    hyp_idx = {t.index for t in hyp}
    ref_idx = {t.index for t in ref}
    out = [(view.ref_c[i], view.hyp_c[j]) for i, j in view.pairs
           if view.ref_c[i].index in ref_idx and view.hyp_c[j].index in hyp_idx]
    out += [(r, h) for r in ref for h in hyp
            if r.text.lower() in _PRONOUNS and h.text.lower() in pronoun_forms(r.text.lower())]
    return out


def _same(view: SegmentView, ref: Sequence[Token], hyp: Sequence[Token]) -> bool:
    return bool(_links(view, ref, hyp))


def _ar_of(view: SegmentView, links: Sequence[tuple[Token, Token]], near: int | None = None) -> list[int]:
    """The Arabic words rendering linked words (within five words of ``near`` when given)."""
    ks = [k for r, h in links if (k := _ar_head(view, r, h)) is not None]
    return [k for k in ks if near is None or abs(k - near) <= 5]


def role_flags(view: SegmentView, ctx: DocumentContext, check: Check) -> list[Flag]:
    """Agent and patient swapped around the same verb; the two sides of *rather than* swapped."""
    ref_content = {t.index for t in view.ref_c}
    hyp_content = {t.index for t in view.hyp_c}
    flags: list[Flag] = []
    for pair in verb_pairs(view, anchored=False):
        rg, hg = pair.ref, pair.hyp
        if not (rg.finite or rg.markers) or not (hg.finite or hg.markers) or rg.time is Time.NONFINITE \
                or hg.time is Time.NONFINITE or stem(rg.head.text) in _RECIPROCAL:
            continue
        rl, _ = _argument_tokens(view.ref, ref_content, rg.first.index - 1, -1, view.ref_text, view.ref_start)
        rr, r_direct = _argument_tokens(view.ref, ref_content, rg.head.index + 1, 1, view.ref_text, view.ref_start)
        hl, _ = _argument_tokens(view.hyp_tokens, hyp_content, hg.first.index - 1, -1, view.hyp, 0)
        hr, h_direct = _argument_tokens(view.hyp_tokens, hyp_content, hg.head.index + 1, 1, view.hyp, 0)
        if not rl or not hl:
            continue
        if rg.passive == hg.passive:
            swapped = bool(rr and hr) and _same(view, rl, hr) and _same(view, rr, hl) \
                and not _same(view, rl, hl)
        else:
            # Voice changed: the same subject, and the active side has a direct object
            # (the passive side's "by" agent, when it has one, is that object).
            active_obj, direct = (hr, h_direct) if rg.passive else (rr, r_direct)
            swapped = _same(view, rl, hl) and bool(active_obj) and direct and (
                not (rr and hr) or _same(view, rr, hr))
        if not swapped:
            continue
        k = _ar_head(view, rg.head, hg.head)
        if k is None:
            continue
        args = _ar_of(view, [*_links(view, rl, [*hl, *hr]), *_links(view, rr, [*hl, *hr])], near=k)
        flags.append(make_flag(
            view, check, _span(view, ctx, [k, *args]), _ref_span(ctx, [*rl, *_group_tokens(rg), *rr]),
            f"agent and patient swapped: the reference says '{' '.join(t.text for t in rl)} "
            f"{rg.words()} {' '.join(t.text for t in rr)}', the back-translation "
            f"'{' '.join(t.text for t in hl)} {hg.words()} {' '.join(t.text for t in hr)}'",
            _hyp_span(view, [*hl, *_group_tokens(hg), *hr]),
        ))
    return flags + _swapped_contrasts(view, ctx, check)


_PIVOTS = (("rather", "than"), ("instead", "of"), ("in", "place", "of"), ("than",))
_PIVOT_FIRST = frozenset(p[0] for p in _PIVOTS)


def _pivots(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """(first, end) token positions of *rather than*, *instead of*, *in place of*, *than*."""
    words = [t.text.lower() for t in tokens]
    out: list[tuple[int, int]] = []
    k = 0
    while k < len(words):
        if words[k] not in _PIVOT_FIRST:
            k += 1
            continue
        for p in _PIVOTS:
            if tuple(words[k : k + len(p)]) == p:
                out.append((k, k + len(p)))
                k += len(p) - 1
                break
        k += 1
    return out


def _near_content(tokens: Sequence[Token], content: set[int], start: int, step: int,
                  text: str, offset: int, reach: int = 3) -> list[Token]:
    """Content words among the ``reach`` tokens from ``start`` in direction ``step``, up to
    the first punctuation."""
    out = []
    prev = None
    k = start
    while 0 <= k < len(tokens) and abs(k - start) < reach:
        t = tokens[k]
        if prev is not None:
            a, b = (t, prev) if step < 0 else (prev, t)
            if re.search(r"[,.;:!?\"“”()—–]", text[a.end - offset : b.start - offset]):
                break
        if t.index in content:
            out.append(t)
        prev = t
        k += step
    return sorted(out, key=lambda t: t.index)


def _swapped_contrasts(view: SegmentView, ctx: DocumentContext, check: Check) -> list[Flag]:
    ref_content = {t.index for t in view.ref_c}
    hyp_content = {t.index for t in view.hyp_c}
    flags: list[Flag] = []
    for a, b in _pivots(view.ref):
        rl = _near_content(view.ref, ref_content, a - 1, -1, view.ref_text, view.ref_start)
        rr = _near_content(view.ref, ref_content, b, 1, view.ref_text, view.ref_start)
        # Words on both sides ("large parties rather than small parties") say nothing.
        shared = {t.key for t in rl} & {t.key for t in rr}
        rl, rr = [t for t in rl if t.key not in shared], [t for t in rr if t.key not in shared]
        if not rl or not rr:
            continue
        for c, d in _pivots(view.hyp_tokens):
            hl = _near_content(view.hyp_tokens, hyp_content, c - 1, -1, view.hyp, 0)
            hr = _near_content(view.hyp_tokens, hyp_content, d, 1, view.hyp, 0)
            # A word before the reference's pivot now after the back-translation's, and one
            # after it now before (the pairing is one-to-one, so neither stayed in place).
            crossed = [*_links(view, rl, hr), *_links(view, rr, hl)]
            if not (_links(view, rl, hr) and _links(view, rr, hl)):
                continue
            x = min((r for r, _ in crossed), key=lambda t: t.index)
            y = max((r for r, _ in crossed), key=lambda t: t.index)
            ks = _ar_of(view, crossed)
            if not ks or max(ks) - min(ks) > 8:
                continue
            flags.append(make_flag(
                view, check, _span(view, ctx, ks, limit=8), _ref_span(ctx, [x, y]),
                "the two sides swapped: the reference says '"
                + " ".join(t.text for t in view.ref[x.index : y.index + 1])
                + "', the back-translation '"
                + " ".join(t.text for t in view.hyp_tokens[hl[0].index : hr[-1].index + 1]) + "'",
                _hyp_span(view, [*hl, *hr]),
            ))
            break
    return flags


# -- relation: connectives and scope --------------------------------------------------

_CONNECTIVES = {
    CAUSE: ("because of", "because", "due to", "owing to", "as a result of", "on account of",
            "on the grounds that", "thanks to", "in view of", "citing"),
    PURPOSE: ("in order to", "in order for", "in order that", "so as to", "so that",
              "with the aim of", "with the goal of", "in a bid to"),
    CONCESSION: ("even though", "even as", "although", "though", "despite", "in spite of",
                 "notwithstanding"),
}
_CONNECTIVE_PHRASES: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _kind, _phrases in _CONNECTIVES.items():
    for _p in _phrases:
        _CONNECTIVE_PHRASES.setdefault(_p.split()[0], []).append((tuple(_p.split()), _kind))
for _entries in _CONNECTIVE_PHRASES.values():
    _entries.sort(key=lambda x: -len(x[0]))


def connectives(tokens: Sequence[Token]) -> list[tuple[int, int, str]]:
    """(first, end, kind) of the cause / purpose / concession connectives among ``tokens``;
    *for* + an *-ing* word after a past form (*fined for speeding*) is a cause, *due to*
    after a form of *be* (*is due to open*) is not."""
    words = [t.text.lower() for t in tokens]
    out: list[tuple[int, int, str]] = []
    k = 0
    while k < len(words):
        hit = None
        for phrase, kind in _CONNECTIVE_PHRASES.get(words[k], ()):
            if tuple(words[k : k + len(phrase)]) == phrase:
                hit = (k, k + len(phrase), kind)
                break
        if hit and hit[2] == CAUSE and words[k] == "due" and k and words[k - 1] in BE:
            hit = None
        if hit is None and words[k] == "for" and 0 < k < len(words) - 1 \
                and is_past_form(words[k - 1]) and is_ing_form(words[k + 1]):
            hit = (k, k + 1, CAUSE)
        if hit:
            out.append(hit)
            k = hit[1]
        else:
            k += 1
    return out


def relation_flags(view: SegmentView, ctx: DocumentContext, check: Check) -> list[Flag]:
    """A cause, purpose or concession turned into another; *not all* made *all … not*."""
    flags: list[Flag] = []
    hyp_cons = connectives(view.hyp_tokens)
    hyp_of = {view.ref_c[i].index: view.hyp_c[j] for i, j in view.pairs}
    for a, b, kind in connectives(view.ref):
        anchor = next((view.ref[k] for k in range(b, min(b + 6, len(view.ref))) if k in hyp_of), None)
        if anchor is None:
            continue
        h = hyp_of[anchor.index]
        before = [c for c in hyp_cons if c[1] <= h.index and h.index - c[1] <= 6]
        if not before:
            # "to" right before the anchor's counterpart: a purpose if the Arabic says so.
            if kind == CAUSE and h.index and view.hyp_tokens[h.index - 1].text.lower() == "to":
                before = [(h.index - 1, h.index, PURPOSE)]
            else:
                continue
        c, d, other = before[-1]
        if other == kind:
            continue
        k = _ar_head(view, anchor, h)
        if k is None:
            continue
        around = [*_clause_before(view, k, 4), k]
        marks = [x for x in _marks(view, around, other) if kind not in _features(view, x)]
        if not marks:
            continue
        m = marks[-1]
        ks = [m, m + 1] if m + 1 < len(view.ar) and not _ar_break(view, m, m + 1) else [m]
        flags.append(make_flag(
            view, check, _span(view, ctx, ks), _ref_span(ctx, view.ref[a:b]),
            f"{kind} turned into {other}: the reference says "
            f"'{' '.join(t.text for t in view.ref[a:b])}', the back-translation "
            f"'{' '.join(t.text for t in view.hyp_tokens[c:d])}', and the Arabic agrees with it",
            _hyp_span(view, view.hyp_tokens[c:d]),
        ))
    return flags + _reversed_causes(view, ctx, check) + _scope_flags(view, ctx, check)


# Verbs that say one thing brings about another (a small closed class, like the connectives):
# the subject of the active verb is the cause, its object (after "to" / "in") the effect.
_CAUSAL = frozenset(stem(w) for w in "cause drive trigger fuel prompt spark lead result provoke produce".split())
_RELATIVE = frozenset("which that who".split())


def _causal_roles(tokens: Sequence[Token], content: set[int], text: str,
                  offset: int) -> list[tuple[Token, str, list[Token]]]:
    """(causal verb, "cause" | "effect", noun phrase) for each causal verb of the
    sentence: *X is driven by Y* (Y cause, X effect), *X leads to Y* (X cause, Y effect),
    *X results from Y* (Y cause). A relative pronoun stands for the noun before it."""
    out: list[tuple[Token, str, list[Token]]] = []
    for t in tokens:
        key = stem(t.text)
        if key not in _CAUSAL or t.index not in content:
            continue
        g = verb_group(tokens, t.index, text, offset)
        if not (g.finite or g.markers or g.time is Time.PRESENT) or g.time is Time.NONFINITE:
            continue
        nxt = tokens[t.index + 1].text.lower() if t.index + 1 < len(tokens) else ""
        after, _ = _argument_tokens(tokens, content, t.index + 1, 1, text, offset, noun_phrase=True)
        start = g.first.index - 1
        if 0 <= start < len(tokens) and tokens[start].text.lower() in _RELATIVE:
            start -= 1
        before, _ = _argument_tokens(tokens, content, start, -1, text, offset, through_commas=True)
        if g.passive:
            if nxt != "by":
                continue
            roles = (("effect", before), ("cause", after))
        elif key == stem("result") and nxt == "from":
            roles = (("effect", before), ("cause", after))
        elif key in (stem("lead"), stem("result")) and nxt not in ("to", "in"):
            continue
        else:
            roles = (("cause", before), ("effect", after))
        out += [(t, role, np) for role, np in roles if np]
    return out


def _reversed_causes(view: SegmentView, ctx: DocumentContext, check: Check) -> list[Flag]:
    """Cause and effect reversed: a noun the reference makes the cause is the effect in the
    back-translation (*driven by falling pressure* → *leads to a drop in pressure*)."""
    ref_roles = _causal_roles(view.ref, {t.index for t in view.ref_c}, view.ref_text, view.ref_start)
    hyp_roles = _causal_roles(view.hyp_tokens, {t.index for t in view.hyp_c}, view.hyp, 0)
    if not ref_roles or not hyp_roles:
        return []
    for rv, rrole, rnp in ref_roles:
        for hv, hrole, hnp in hyp_roles:
            links = _links(view, rnp, hnp)
            if rrole == hrole or not links:
                continue
            k = _ar_head(view, rv, hv)
            if k is None:
                continue
            ks = [k, *_ar_of(view, links, near=k)]
            return [make_flag(
                view, check, _span(view, ctx, ks), _ref_span(ctx, [rv, *rnp]),
                f"cause and effect reversed: in the reference '{' '.join(t.text for t in rnp)}' is the "
                f"{rrole} ('{rv.text}'), in the back-translation '{' '.join(t.text for t in hnp)}' is the "
                f"{hrole} ('{hv.text}')",
                _hyp_span(view, [hv, *hnp]),
            )]
    return []


def _scope_flags(view: SegmentView, ctx: DocumentContext, check: Check) -> list[Flag]:
    """*not all* / *not every* in the reference; in the Arabic a word for *all* stands before
    the negator of its clause (all … not = none), and the back-translation reads so too."""
    words = [t.text.lower() for t in view.ref]
    hits = [k for k in range(len(words) - 1) if words[k] == "not" and words[k + 1] in ("all", "every", "everyone", "everything", "each")]
    if not hits:
        return []
    hyp = [t.text.lower() for t in view.hyp_tokens]
    if any(hyp[k] == "not" and hyp[k + 1] in ("all", "every", "everyone", "everything", "each")
           for k in range(len(hyp) - 1)):
        return []
    if not any(w in ("all", "every", "each", "everyone", "everything", "none", "no") for w in hyp):
        return []
    flags: list[Flag] = []
    for q in _marks(view, range(len(view.ar)), ALL):
        if any(NEGATOR in _features(view, x) for x in _clause_before(view, q, 2)):
            continue  # ليس كل / لا كل: "not all"
        after = []
        j = q + 1
        while j < len(view.ar) and j - q <= 5 and not _ar_break(view, j - 1, j):
            after.append(j)
            j += 1
        negs = [x for x in after if NEGATOR in _features(view, x)]
        if not negs:
            continue
        k = hits[0]
        flags.append(make_flag(
            view, check, _span(view, ctx, [q, negs[0]]), _ref_span(ctx, view.ref[k : k + 2]),
            "scope changed: the reference says 'not all' (some do), the Arabic puts 'all' before "
            "the negation (none does)",
            severity=Severity.CRITICAL,
        ))
        break
    return flags


__all__ = [
    "VerbPair",
    "ar_features",
    "connectives",
    "modality_flags",
    "relation_flags",
    "role_flags",
    "tense_flags",
    "verb_pairs",
]
