"""The negation check: a negation the Arabic adds or loses against the reference.

Counted on all three sides: the Arabic negators (لم، لن، لا، ليس…; fixed expressions
such as لا سيما or the bound لا يقل عن "at least" left out) against the reference's
English negators, and the back-translation must agree with the Arabic. Some negations
are *optional*: their other side is as often a word without a negator — English
"without" (سيفتقد "will miss", في غياب), "too high to justify" (أعلى من أن يبرر),
"unless" (ما لم, or إلا إذا) and "not only" (… بل و), Arabic دون/بدون/بلا (دون تغيير
"on hold"; دون is also "below"). They widen the count
(a range, not a number) instead of deciding it. A verbal negation added is the
registered flag; one added by a nominal negator (عدم، غير) is much weaker evidence, a
lost one a little weaker.

The flag's Arabic span is what an editor must fix:

* a lost negation: the Arabic word that renders the word the reference negates — the
  verb after "not"/"never" ("would not require" → ستشترط), the verb before "no" ("reported
  no violations" → أبلغوا), the adjective of "unclear" — found by the lexicon, else through
  the back-translation word aligned with it, else between the Arabic renderings of its
  neighbours; a verb is preferred, then the position nearest the reference word's;
* an added negation: the negator and the word it negates (لن يسمح).

With several negations on a side, the one the other side does not have is chosen: a
reference negation is kept when an Arabic negator stands just before the Arabic rendering
of its word; an Arabic negator is accounted for when the word it negates renders a
negated reference word.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace

from eval.flags.checks.common import hyp_find, make_flag
from eval.flags.context import Check, DocumentContext
from eval.flags.view import SegmentView
from eval.lexicon import resources
from eval.lexicon.bilingual import ArWord, is_verb, known_word, related, strip_prefixes, supports
from eval.text.tokens import Token, en_key, is_function_en, normalise_ar_word, stem
from eval.values import Flag, Span, counted


@dataclass(frozen=True)
class EnNegation:
    """One English negation: its negator token and the word it negates (candidates, most
    likely first); ``optional`` when its Arabic is as often a word without a negator."""

    token: Token
    heads: tuple[Token, ...]
    optional: bool = False


@dataclass(frozen=True)
class ArNegation:
    """One Arabic negator and the word it negates (``scope``, None when none follows)."""

    word: ArWord
    position: int  # index into view.ar
    scope: int | None
    optional: bool = False


# Between a negator and the verb it negates: auxiliaries, infinitive "to", adverbs.
_SKIP_AFTER_NEGATOR = frozenset(
    "be been being have has had do does did will would shall should can could may might must "
    "to yet even ever always also just really necessarily only so too very quite entirely fully "
    "currently immediately longer a an the any".split()
)
_DETERMINER_NEGATORS = frozenset({"no", "none", "nothing", "nobody", "neither", "nor", "nowhere"})
_PREPOSITIONAL_EN = frozenset({"without"})
_COMPARATIVES = frozenset({"more", "less", "fewer"})
_FOCUS = frozenset({"only", "just", "merely", "simply"})
_NEGATIVE_QUANTIFIERS = frozenset({"little", "few", "hardly", "barely", "scarcely", "seldom", "rarely"})


def _en_negations(tokens: Sequence[Token]) -> list[EnNegation]:
    """English negations; "neither … nor" counts once, as Arabic says it with one لا … ولا/أو.

    "no more than", "not less than" are bounds (Arabic لا يزيد عن, لا يقل عن, or "at most"),
    not negations; "too high to justify" is an optional negation of "justify".
    """
    neg = resources.negators_en()
    prefixed = resources.negative_prefixed_en()
    out: list[EnNegation] = []
    for k, t in enumerate(tokens):
        word = _lower(t)
        # Only these words can be a negation (un-, non- and -less ones: :func:`_negative_word`).
        if not (word in neg or word in prefixed or word in _NEGATIVE_QUANTIFIERS or word in ("unless", "too")
                or word.startswith(("un", "non")) or word.endswith(("less", "n't"))):
            continue
        if word == "nor" and any(_lower(o.token) == "neither" for o in out):
            continue
        nxt = tokens[k + 1 : k + 3]
        if word in ("no", "not") and len(nxt) == 2 and _lower(nxt[0]) in _COMPARATIVES and _lower(nxt[1]) == "than":
            continue  # a bound: no more than, not less than
        if word in prefixed or (word not in neg and not word.endswith("n't") and _negative_word(word)):
            out.append(EnNegation(t, (t,)))
        elif word in neg or word.endswith("n't"):
            focus = word == "not" and nxt and _lower(nxt[0]) in _FOCUS  # not only … but also
            out.append(EnNegation(t, _heads(tokens, k, word), word in _PREPOSITIONAL_EN or bool(focus)))
        elif word == "unless":  # "if not": ما لم, or إلا إذا without a negator
            out.append(EnNegation(t, _heads(tokens, k, word), optional=True))
        elif word in _NEGATIVE_QUANTIFIERS and not (k and _lower(tokens[k - 1]) == "a"):
            out.append(EnNegation(t, _heads(tokens, k, word)))  # "little was left"; not "a little"
        elif word == "too" and (head := _too_to(tokens, k)) is not None:
            out.append(EnNegation(t, (head,), optional=True))
    return out


def _lower(t: Token) -> str:
    return t.text.lower().replace("’", "'")


def _heads(tokens: Sequence[Token], k: int, word: str) -> tuple[Token, ...]:
    """The words a negator at ``k`` negates, most likely first: for "not", "never" the verb
    (or predicate) after it; for "no", "nothing" the verb before it, then the noun after."""
    after = next(
        (t for t in tokens[k + 1 : k + 6]
         if t.kind == "word" and _lower(t) not in _SKIP_AFTER_NEGATOR and not _lower(t).endswith("ly")
         and not is_function_en(t)),
        None,
    )
    heads = []
    if word in _DETERMINER_NEGATORS and k and not is_function_en(tokens[k - 1]) and tokens[k - 1].kind == "word":
        heads.append(tokens[k - 1])
    if after is not None:
        heads.append(after)
    return tuple(heads)


def _too_to(tokens: Sequence[Token], k: int) -> Token | None:
    """The verb of "too ADJ to VERB" (too high to justify), or None."""
    for j in (k + 2, k + 3):
        if j + 1 < len(tokens) and _lower(tokens[j]) == "to" and tokens[j + 1].kind == "word" \
                and not is_function_en(tokens[j + 1]):
            return tokens[j + 1]
    return None


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
# "without"/"below": optional (see the module docstring).
_PREPOSITIONAL_AR = frozenset({"دون", "بدون", "بلا"})


@functools.lru_cache(maxsize=1)
def _negation_words() -> tuple[frozenset[str], tuple[tuple[str, ...], ...], frozenset[str]]:
    """Arabic negators, fixed phrases that only look negated, prepositional negators: normalised."""
    return (
        frozenset(normalise_ar_word(w) for w in resources.negators_ar()),
        tuple(tuple(normalise_ar_word(w) for w in f.split()) for f in resources.negation_fixed_ar()),
        frozenset(normalise_ar_word(w) for w in _PREPOSITIONAL_AR),
    )


def _ar_negations(view: SegmentView) -> list[ArNegation]:
    negators, fixed, prepositional = _negation_words()
    out = []
    keys = [w.token.key for w in view.ar]
    for i, word in enumerate(view.ar):
        forms = strip_prefixes(word.token.key)
        if negators.isdisjoint(forms):
            continue
        if any(tuple(keys[i : i + len(f)]) == f or tuple(keys[max(0, i - len(f) + 1) : i + 1]) == f
               for f in fixed):
            continue
        out.append(ArNegation(word, i, _scope(view, i), any(f in prepositional for f in forms)))
    return out


def _scope(view: SegmentView, i: int) -> int | None:
    """The word an Arabic negator at ``i`` negates: the next content word, within two words
    and the same clause."""
    for k in (i + 1, i + 2):
        if k >= len(view.ar):
            return None
        between = view.ar_text[view.ar[k - 1].token.end - view.ar_start : view.ar[k].token.start - view.ar_start]
        if any(c in between for c in ".،,؛;:!؟?\"«»()"):
            return None
        if not view.ar[k].function and view.ar[k].token.kind == "word":
            return k
    return None


def _arabic_head(view: SegmentView, neg: EnNegation) -> int | None:
    """The Arabic word that renders the word ``neg`` negates (see the module docstring)."""
    for head in neg.heads:
        found = _render(view, _unprefixed(head) if head is neg.token else head)
        if found is not None:
            return found
    return None


def _unprefixed(t: Token) -> Token:
    """"unclear" → "clear", "useless" → "use": the word the Arabic renders after غير/عدم."""
    word = t.text.lower()
    for prefix in ("non-", "non", "un", "in", "im", "il", "ir"):
        if word.startswith(prefix) and len(word) - len(prefix) >= 4:
            rest = word[len(prefix):]
            return replace(t, text=rest, key=en_key(rest))
    if word.endswith("less") and len(word) > 7:
        return replace(t, text=word[:-4], key=en_key(word[:-4]))
    return t


def _render(view: SegmentView, head: Token) -> int | None:
    candidates = [k for k in view.supporters(head) if not view.ar[k].function]
    if not candidates:
        hyp = _hyp_counterparts(view, head)
        candidates = [
            k for k, a in enumerate(view.ar)
            if not a.function and a.token.kind == "word"
            and any(supports(a, h) or any(related(h.key, g) for g in a.stems) for h in hyp)
        ]
    if not candidates and head.kind == "word":
        candidates = view.window([head])
    if not candidates:
        return None
    verbs = [k for k in candidates if is_verb(view.ar[k])]
    where = head.index / max(len(view.ref), 1)
    return min(verbs or candidates, key=lambda k: abs(k / max(len(view.ar), 1) - where))


def _hyp_counterparts(view: SegmentView, head: Token) -> list[Token]:
    """Back-translation words aligned with a reference word, else those with its stem."""
    aligned = [view.hyp_c[j] for i, j in view.pairs if view.ref_c[i].index == head.index]
    return aligned or [h for h in view.hyp_tokens if h.key == head.key and h.kind == "word"]


def _lost(view: SegmentView, ref_neg: Sequence[EnNegation], ar_neg: Sequence[ArNegation]) -> tuple[EnNegation, int | None]:
    """The reference negation the Arabic lost, and the Arabic word rendering what it negated."""
    required = [n for n in ref_neg if not n.optional]
    placed = [(n, _arabic_head(view, n)) for n in required]

    def kept(head: int | None) -> bool:
        return head is not None and any(0 < head - a.position <= 3 for a in ar_neg)

    unkept = [(n, h) for n, h in placed if not kept(h)]
    for n, h in unkept:
        if h is not None:
            return n, h
    if unkept:
        return unkept[0]
    return placed[min(len(ar_neg), len(placed) - 1)]


def _added(view: SegmentView, ref_neg: Sequence[EnNegation], ar_neg: Sequence[ArNegation]) -> ArNegation:
    """The Arabic negator the reference does not have."""
    required = [a for a in ar_neg if not a.optional]
    heads = {h for n in ref_neg if (h := _arabic_head(view, n)) is not None}
    negated = [t for n in ref_neg for t in n.heads]

    def accounted(a: ArNegation) -> bool:
        if any(0 < h - a.position <= 3 for h in heads):
            return True
        return a.scope is not None and any(supports(view.ar[a.scope], t) for t in negated)

    for a in required:
        if not accounted(a):
            return a
    return required[-1] if ref_neg else required[0]


def _count(items: Sequence[EnNegation] | Sequence[ArNegation]) -> tuple[int, int]:
    """(required, required + optional)."""
    required = sum(1 for n in items if not n.optional)
    return required, len(items)


def negation_flags(view: SegmentView, ctx: DocumentContext, check: Check) -> list[Flag]:
    ref_neg = _en_negations(view.ref)
    ar_neg = _ar_negations(view)
    ref_lo, ref_hi = _count(ref_neg)
    ar_lo, ar_hi = _count(ar_neg)
    if not (ar_lo > ref_hi or ar_hi < ref_lo):
        return []  # the Arabic has neither more nor fewer negators: nothing to weigh the back-translation for
    hyp_neg = _en_negations(view.hyp_tokens)
    hyp_lo, hyp_hi = _count(hyp_neg)
    flags = []
    if ar_lo > ref_hi and hyp_lo > ref_hi:
        added = _added(view, ref_neg, ar_neg)
        word = added.word
        nominal = bool(_NOMINAL_NEGATORS.intersection(strip_prefixes(word.token.key)))
        end = view.ar[added.scope].token.end if added.scope is not None else word.token.end
        hyp_required = [n for n in hyp_neg if not n.optional]
        flags.append(make_flag(
            view, check, ctx.ar_span(word.token.start, end), Span(),
            f"negation added: the Arabic has {counted(ar_lo, 'negator')} "
            f"({', '.join(a.word.token.text for a in ar_neg if not a.optional)}), the reference {ref_hi}",
            hyp_find(view, hyp_required[-1].token.text) if hyp_required else None,
            confidence=check.adjusted(-0.35) if nominal else check.confidence,
        ))
    elif ar_hi < ref_lo and hyp_hi < ref_lo:
        lost, head = _lost(view, ref_neg, ar_neg)
        if head is not None:
            ar = ctx.ar_span(view.ar[head].token.start, view.ar[head].token.end)
        else:
            ar = view.insertion([lost.token], ctx.ar, ctx.ar_line)
        negated = [t for t in lost.heads if t.index > lost.token.index][:1]
        ref_end = max([lost.token.end, *(t.end for t in negated)])
        ref_start = min([lost.token.start, *(t.start for t in lost.heads if t.index < lost.token.index)])
        flags.append(make_flag(
            view, check, ar,
            ctx.ref_span(ref_start, ref_end),
            f"negation lost: the reference says '{lost.token.text}', the Arabic has "
            f"{counted(ar_hi, 'negator')} for {ref_lo}",
            confidence=check.adjusted(-0.1),
        ))
    return flags
