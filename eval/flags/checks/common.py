"""What the checks share: building a flag from a check's registry row, finding text in the
back-translation, and the reference's names."""

from __future__ import annotations

from collections.abc import Sequence

from eval.flags.context import Check
from eval.flags.view import SegmentView
from eval.lexicon import resources, translit
from eval.lexicon.bilingual import in_lexicon
from eval.text.tokens import Token
from eval.values import Category, Evidence, Flag, HypSpan, Severity, Span


def make_flag(
    view: SegmentView,
    check: Check,
    ar: Span,
    ref: Span,
    evidence: str,
    hyp: HypSpan | None = None,
    *,
    category: Category | None = None,
    severity: Severity | None = None,
    confidence: float | None = None,
) -> Flag:
    """A flag of ``check`` on ``view``'s segment; category, severity and confidence default
    to the check's registered ones, the evidence signal is the check's name."""
    return Flag(
        "", view.bead_id,
        check.category if category is None else category,
        check.severity if severity is None else severity,
        check.confidence if confidence is None else confidence,
        ar, ref, hyp or HypSpan(),
        (Evidence(check.name, evidence),),
    )


def hyp_find(view: SegmentView, text: str) -> HypSpan:
    """The first occurrence of ``text`` in the back-translation, or an empty span."""
    pos = view.hyp.find(text) if text else -1
    return HypSpan(text, pos, pos + len(text)) if pos >= 0 else HypSpan()


# The reference names of the view seen last, (view, include_initial, names): the named-entity
# check reads them twice, and the segment checks of one view run one after another
# (:func:`eval.flags.registry.run_checks`). One view only, so that no earlier segment or
# document is kept alive here.
_LAST: list[tuple[SegmentView, bool, tuple[tuple[list[Token], str | None], ...]]] = []


def reference_names(view: SegmentView, include_initial: bool = False) -> list[tuple[list[Token], str | None]]:
    """Reference names: gazetteer mentions and capitalised words the lexicon does not know,
    titles left out (Chancellor in "Chancellor Merz" or "the Chancellor").

    A capitalised word opening a sentence counts only with ``include_initial`` (used where
    a transliteration match must confirm it anyway).
    """
    hit = _LAST[0] if _LAST else None
    if hit is None or hit[0] is not view or hit[1] != include_initial:
        hit = (view, include_initial, tuple(_reference_names(view, include_initial)))
        _LAST[:] = [hit]
    return list(hit[2])


def _reference_names(view: SegmentView, include_initial: bool) -> list[tuple[list[Token], str | None]]:
    out: list[tuple[list[Token], str | None]] = []
    taken: set[int] = set()
    for a, b, name in view.ref_entities:
        out.append((view.ref[a:b], name))
        taken.update(range(a, b))
    sentence_start = True
    for tok in view.ref:
        if tok.index in taken:
            sentence_start = False
            continue
        starts = sentence_start
        sentence_start = view.ref_text[max(0, tok.end - view.ref_start) : tok.end - view.ref_start + 2].startswith(".")
        if (starts and not include_initial) or tok.kind != "word" or not tok.is_capitalised:
            continue
        if len(tok.text) <= 4 and view.ref_text[tok.end - view.ref_start : tok.end - view.ref_start + 1] == ".":
            continue  # a title or abbreviation: Col., Gen., Gov.
        if in_lexicon(tok.key) or tok.text.lower() in resources.stopwords_en() or tok.index in view.ref_titles:
            continue
        if tok.text.lower().rstrip(".") in resources.calendar().english:
            continue
        out.append(([tok], None))
    return out


def transliterating(view: SegmentView, token: Token, words: Sequence[int]) -> list[int]:
    """The Arabic words of ``words`` (indices into ``view.ar``, all of kind "word"; in their
    order) that transliterate the English token's text
    (:meth:`eval.lexicon.translit.EnglishName.matching`).

    A word that transliterates a capitalised English word supports it
    (:func:`eval.lexicon.bilingual.supports`), so for such a token only its supporters
    (:meth:`SegmentView.supporters`, worked out with the view) are tried.
    """
    if token.text[:1].isupper():
        supporters = set(view.supporters(token))
        words = [k for k in words if k in supporters]
        if not words:
            return []
    texts = [view.ar[k].token.text for k in words]
    return [words[m] for m in translit.EnglishName(token.text).matching(texts)]


__all__ = ["hyp_find", "make_flag", "reference_names", "transliterating"]
