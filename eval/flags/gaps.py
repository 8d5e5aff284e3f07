"""The gap analysis check: span flags from back-translation ↔ reference ↔ Arabic comparison.

Inside each aligned segment (:class:`~eval.flags.view.SegmentView`):

1. reference and back-translation content words are aligned monotonically
   (longest common subsequence on stems, case-aware so "US" ≠ "us", with
   lexicon near-synonyms counted as matches);
2. between two aligned anchors, reference words the back-translation lacks
   and back-translation words the reference lacks form a *gap*;
3. each gap word is checked against the Arabic through the lexicon,
   transliteration, numbers and the gazetteer: a reference word some Arabic
   word renders is not an error (the back-translation only paraphrased), a
   back-translation word that no Arabic word accounts for is MT noise;
4. what survives is located in the Arabic — the Arabic words the gap's
   back-translation words gloss to, else the unexplained Arabic words between
   the anchors' Arabic counterparts — and becomes a mistranslation (both sides),
   omission (reference only) or addition (Arabic only) flag.

Its flags carry the evidence signals in :data:`SIGNALS`; it is registered as the
``gaps`` check in :mod:`eval.flags.registry`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from difflib import SequenceMatcher

from eval.flags.context import Check, DocumentContext
from eval.flags.view import SegmentView, en_match
from eval.lexicon.bilingual import (
    ArWord,
    antonyms,
    in_lexicon,
    known_word,
    supports,
    synonym_in_text,
)
from eval.text.tokens import Token, fold_latin, is_function_en
from eval.values import Category, Evidence, Flag, Severity

# The evidence signals of gap flags.
REFERENCE_UNRENDERED = "reference-unrendered"
LEXICON = "lexicon"
BACK_TRANSLATION = "back-translation"
ANTONYM = "antonym"
SIGNALS = (REFERENCE_UNRENDERED, LEXICON, BACK_TRANSLATION, ANTONYM)


def near(a: Token, b: Token) -> bool:
    """Looser than :func:`en_match`: words of one family (face/facial, final/finalize) and
    two spellings of one name (Thiago/Tiago)."""
    if en_match(a, b):
        return True
    x, y = fold_latin(a.text), fold_latin(b.text)
    if a.is_capitalised and b.is_capitalised and SequenceMatcher(None, x, y).ratio() >= 0.8:
        return True
    for prefix in ("un", "non"):  # unchanged ~ change: the negation check compares the rest
        if x.startswith(prefix) and len(x) > len(prefix) + 3 and _common_prefix(x[len(prefix):], y)[3:]:
            return True
    common = len(_common_prefix(x, y))
    return common >= 3 and common >= 0.6 * min(len(x), len(y)) and min(len(x), len(y)) >= 4


def _common_prefix(x: str, y: str) -> str:
    n = 0
    while n < min(len(x), len(y)) and x[n] == y[n]:
        n += 1
    return x[:n]


_INITIALS_SKIP = frozenset({"of", "and", "for", "the", "on", "de", "al"})


def near_any(token: Token, others: Sequence[Token]) -> bool:
    """``near`` to one of ``others``; or, for a name, written together (OpenStreet / Open
    Street), abbreviated (Col. / Colonel), or their initials (AFC / Asian Football Confederation)."""
    if any(near(token, o) for o in others):
        return True
    if not token.is_capitalised:
        return False
    x = token.text.lower().rstrip(".")
    if any((o1.text + o2.text).lower() == x for o1, o2 in zip(others, others[1:], strict=False)):
        return True
    if len(x) >= 3 and any(o.text.lower().startswith(x) and o.is_capitalised for o in others):
        return True
    if token.kind == "acronym":
        words = [o for o in others if o.text.lower() not in _INITIALS_SKIP]
        n = len(token.key)
        for k in range(len(words) - n + 1):
            window = words[k : k + n]
            if all(o.is_capitalised for o in window) and "".join(o.text[0] for o in window).upper() == token.key:
                return True
    return False


def _is_name(tok: Token, entity_idx: set[int], position: int) -> bool:
    return tok.kind == "acronym" or tok.index in entity_idx or (
        tok.is_capitalised and position > 0 and tok.kind == "word" and not in_lexicon(tok.key)
    )


def _runs(indices: Sequence[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for k in indices:
        if runs and k == runs[-1][-1] + 1:
            runs[-1].append(k)
        else:
            runs.append([k])
    return runs


def gap_check(view: SegmentView, ctx: DocumentContext, check: Check) -> list[Flag]:
    """The registered check: :func:`gap_flags`, and for a rough (word-by-word) back-translation
    only what the reference lacks in the Arabic, with less confidence — glosses read as
    "additions" everywhere."""
    flags = gap_flags(view, ctx, check)
    if ctx.rough:
        flags = [replace(f, confidence=f.confidence - 0.1) for f in flags
                 if f.category is not Category.ADDITION]
    return flags


def gap_flags(view: SegmentView, ctx: DocumentContext, check: Check) -> list[Flag]:
    """Mistranslation, omission and addition flags from the gaps of one segment.

    Confidence: ``check.confidence`` (0.45) plus 0.15 when the reference has a gap, 0.1
    when the back-translation has one, 0.1 more when both that and the Arabic span are
    known; a reversed meaning is base + 0.45, a lone word against a lone word base + 0.1;
    never above base + 0.5.
    """
    original_ar, original_ref, line_ar, line_ref = ctx.ar, ctx.ref, ctx.ar_line, ctx.ref_line
    ref_c, hyp_c = view.ref_c, view.hyp_c
    entity_idx = view.entity_token_indices()
    matched_r = {i for i, _ in view.pairs}
    matched_h = {j for _, j in view.pairs}
    gaps: list[tuple[list[Token], list[Token]]] = []
    consumed: set[int] = set()
    unmatched = [i for i in range(len(ref_c)) if i not in matched_r]
    name_runs = _runs([i for i in unmatched if _is_name(ref_c[i], entity_idx, ref_c[i].index)])
    word_runs = _runs([i for i in unmatched if not _is_name(ref_c[i], entity_idx, ref_c[i].index)])
    for run in sorted(name_runs + word_runs):
        tokens = [ref_c[i] for i in run]
        region = {t.index for t in view.hyp_between(tokens)}
        # A name stands against names, a word against words.
        is_name = _is_name(tokens[0], entity_idx, tokens[0].index)
        h_idx = [
            j for j, h in enumerate(hyp_c)
            if j not in matched_h and h.index in region and (h.is_capitalised or h.kind == "acronym") == is_name
        ]
        consumed.update(h_idx)
        gaps.append((tokens, [hyp_c[j] for j in h_idx]))
    for run in _runs([j for j in range(len(hyp_c)) if j not in matched_h and j not in consumed]):
        gaps.append(([], [hyp_c[j] for j in run]))

    flags: list[Flag] = []
    for ref_run, hyp_run in gaps:
        # A reference word the Arabic renders (by the lexicon) or the back-translation
        # carries elsewhere is a paraphrase, not an error; likewise the other way round.
        r_gap = [
            r for r in ref_run
            if not view.ar_for_ref.get(r.index) and not near_any(r, view.hyp_tokens)
            and not view.soft_support(r) and not synonym_in_text(r.text, view.ref_text, view.hyp)
        ]
        h_gap = [
            h for h in hyp_run
            if not any(near(r, h) for r in ref_c) and not synonym_in_text(h.text, view.hyp, view.ref_text)
        ]
        # A reference word is only evidence when the lexicon or the thesaurus knows it:
        # for rare words, silence from the lexicon means nothing.
        r_gap = [r for r in r_gap if r.kind != "word" or r.is_capitalised or known_word(r.key)]
        if not r_gap and not h_gap:
            continue
        ar_sel = [view.ar[k] for k in view.locate(r_gap, h_gap)]
        if not r_gap and (len(ar_sel) < 2 or len(h_gap) < 3):
            # Back-translation words the Arabic does not carry are MT noise, and a word or
            # two more is usually a paraphrase: an addition is a phrase of its own.
            continue
        names = [r for r in r_gap if _is_name(r, entity_idx, r.index)]
        ref_tokens, hyp_tokens = list(r_gap), list(h_gap or view.hyp_between(r_gap))
        if r_gap and ar_sel:
            ar_sel, ref_tokens, hyp_tokens = _extend_to_head(view, ar_sel, ref_tokens, hyp_tokens)
        reversed_pairs = [(r, h) for r in r_gap for h in h_gap if antonyms(r.key, h.key)]
        severity = check.severity
        if r_gap and ar_sel:
            category = check.category  # a mistranslation
            if names or reversed_pairs:
                severity = Severity.CRITICAL
        elif r_gap:
            category = Category.OMISSION
        else:
            category = Category.ADDITION
        hyp_seen = h_gap or [t for t in view.hyp_between(r_gap) if not is_function_en(t) or t.kind == "acronym"]
        evidence = []
        if r_gap:
            evidence.append(Evidence(
                REFERENCE_UNRENDERED,
                "reference " + ", ".join(
                    f"'{r.text}'" + (" (name)" if r in names else "") for r in r_gap
                ) + " has no counterpart in the back-translation or, by the lexicon, in the Arabic",
            ))
        if ar_sel:
            glosses = "; ".join(f"{a.token.text} → {_gloss_text(a)}" for a in ar_sel)
            evidence.append(Evidence(LEXICON, f"the Arabic span glosses as {glosses}"))
        if hyp_seen:
            evidence.append(Evidence(
                BACK_TRANSLATION,
                "the back-translation diverges here: " + " ".join(h.text for h in hyp_seen),
            ))
        if reversed_pairs:
            r, h = reversed_pairs[0]
            evidence.insert(0, Evidence(
                ANTONYM, f"meaning reversed: the reference says '{r.text}', the back-translation '{h.text}'"))
        confidence = check.confidence + 0.15 * bool(r_gap) + 0.1 * bool(h_gap) + 0.1 * bool(ar_sel and h_gap)
        if reversed_pairs:
            confidence = check.adjusted(+0.45)
        elif len(r_gap) == 1 and len(h_gap) == 1 and not names:
            # One common word against another is as often a paraphrase the thesaurus
            # misses as a wrong sense: keep it, but below the default threshold.
            confidence = check.adjusted(+0.1)
        ar_span = (view.ar_span(ar_sel, original_ar, line_ar) if ar_sel
                   else view.insertion(r_gap, original_ar, line_ar))
        flags.append(Flag(
            id="", segment=view.bead_id, category=category, severity=severity,
            confidence=min(confidence, check.adjusted(+0.5)),
            ar=ar_span,
            reference=view.ref_span(ref_tokens, original_ref, line_ref),
            hypothesis=view.hyp_span(hyp_tokens),
            evidence=tuple(evidence),
        ))
    return flags


def _extend_to_head(
    view: SegmentView, ar_sel: list[ArWord], ref_tokens: list[Token], hyp_tokens: list[Token]
) -> tuple[list[ArWord], list[Token], list[Token]]:
    """Widen a one-sided substitution to the word it attaches to ("US backs" ↔ منا يدعم ↔ "we support").

    When the reference word right after the gap is aligned to the back-translation only
    loosely (a near-synonym, not a lexicon rendering of the Arabic) and the Arabic word
    next to the flagged span renders that back-translation word, the three spans grow
    to include it: the error is the phrase, not the lone word.
    """
    after = next((t for t in view.ref if t.index == ref_tokens[-1].index + 1), None)
    if after is None or is_function_en(after) or view.ar_for_ref.get(after.index):
        return ar_sel, ref_tokens, hyp_tokens
    pair = next((view.hyp_c[j] for i, j in view.pairs if view.ref_c[i].index == after.index), None)
    if pair is None:
        return ar_sel, ref_tokens, hyp_tokens
    last = max(w.token.index for w in ar_sel)
    nxt = view.ar[last + 1] if last + 1 < len(view.ar) else None
    if nxt is None or not supports(nxt, pair):
        return ar_sel, ref_tokens, hyp_tokens
    hyp_ext = sorted({*hyp_tokens, pair}, key=lambda t: t.index)
    return [*ar_sel, nxt], [*ref_tokens, after], hyp_ext


def _gloss_text(word: ArWord) -> str:
    from eval.lexicon.buckwalter import lexicon

    if word.is_latin or word.token.kind != "word":
        return word.token.text
    parts = []
    for a in lexicon().analyse(word.token.key)[:2]:
        pieces = [g for g in (a.prefix.gloss, a.stem_glosses[0] if a.stem_glosses else "", a.suffix.gloss) if g and not g.startswith("[")]
        parts.append(" + ".join(f"'{p}'" for p in pieces))
    return " / ".join(dict.fromkeys(parts)) or "(not in the lexicon)"
