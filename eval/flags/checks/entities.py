"""The named-entity check: a name of the reference missing from the Arabic or replaced there.

Reference names (:func:`~eval.flags.checks.common.reference_names`) are looked for in
the Arabic through the gazetteer and transliteration. An Arabic name standing where
the reference's should is the registered flag; a name the back-translation reads as
another one from a matching Arabic word is weaker, and a name with no counterpart at
all (an omission unless the gazetteer knows it) weaker still.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from eval.flags.checks.common import make_flag, reference_names, transliterating
from eval.flags.context import Check, DocumentContext
from eval.flags.view import SegmentView
from eval.lexicon import translit
from eval.lexicon.bilingual import ArWord
from eval.text.tokens import Token, fold_latin, spelling_ratio_at_least
from eval.values import Category, Flag, Severity, Span


@functools.lru_cache(maxsize=1 << 16)
def _spelling_close(a: str, b: str, ratio: float = 0.8) -> bool:
    """Two Latin spellings of one name (Thiago/Tiago, Saïss/Sais), not two names (Doyle/Daly)."""
    a, b = fold_latin(a), fold_latin(b)
    return a == b or spelling_ratio_at_least(a, b, ratio)


def _same_name(hyp: Token, ref: Token) -> bool:
    """The back-translation word is the reference's name: spelt alike, and an acronym only
    as an acronym (the pronoun "us", as in a gloss of منا "from us", is not "US")."""
    if ref.kind == "acronym":
        return hyp.kind == "acronym" and hyp.key == ref.key
    return _spelling_close(hyp.text, ref.text)


def _in_hyp(view: SegmentView, tokens: Sequence[Token]) -> bool:
    """Some back-translation word is the name (:func:`_same_name`) of one of ``tokens``."""
    return any(_same_name(h, t) for t in tokens for h in view.hyp_tokens)


def _split_rendering(view: SegmentView, name: str) -> list[ArWord]:
    """The second words of Arabic word pairs that together transliterate one Latin word
    (OpenStreet ↔ أوبن ستريت)."""
    return [
        b for a, b in zip(view.ar, view.ar[1:], strict=False)
        if a.token.kind == b.token.kind == "word" and translit.matches_name(a.token.text + b.token.text, name)
    ]


def _hyp_name(view: SegmentView, tokens: Sequence[Token]) -> list[Token]:
    """Capitalised back-translation words standing where the reference name stands."""
    return [h for h in view.hyp_between(tokens) if h.is_capitalised and h.kind == "word"]


def _read_back(view: SegmentView, tokens: Sequence[Token], rendered: Sequence[ArWord]) -> list[Token]:
    """Capitalised back-translation words read from the Arabic words that render the name:
    by the translator's word links when it gave them (exact for the gloss backend, whose
    words follow the Arabic, not the reference), else by position."""
    linked = view.hyp_linked(rendered)
    if linked is None:
        return _hyp_name(view, tokens)
    return [h for h in linked if h.is_capitalised and h.kind == "word"]


#: A back-translation name at least this much like the reference's (difflib ratio) is taken
#: for the MT's reading of a misspelt rendering of it (Varga → فارغاس → Vargas).
RESPELT_RATIO = 0.5


def _respelling(a: str, b: str) -> bool:
    """Two spellings of one sound: consonant skeletons of one length differing in one letter
    at most (Thiago/Tiago, Mohammed/Muhammad); a letter more or less (Varga/Vargas) is
    another name."""
    sa, sb = translit.skeleton_en(a), translit.skeleton_en(b)
    return len(sa) == len(sb) and sum(x != y for x, y in zip(sa, sb, strict=True)) <= 1


def respelt_names(view: SegmentView, ctx: DocumentContext, check: Check) -> list[Flag]:
    """Reference names the Arabic writes as another name: an Arabic word that transliterates
    the back-translation's name (Vargas, Morita, Midland) but not the reference's (Varga, Mori,
    Meridian), where no Arabic word of the segment transliterates the reference's.

    Both readings are needed: the back-translation alone may respell a correct name
    (Mohammed/Muhammad, both fit محمد), and the transliteration match alone cannot tell a
    misspelling from a loose but correct rendering.
    """
    ref_keys = {fold_latin(t.text) for t in view.ref if t.kind == "word"}
    hyp_names = [h for h in view.hyp_tokens
                 if h.kind == "word" and h.is_capitalised and len(h.text) > 2 and fold_latin(h.text) not in ref_keys]
    if not hyp_names:
        return []
    at = [k for k, w in enumerate(view.ar) if w.token.kind == "word" and not w.function]
    words = [view.ar[k] for k in at]
    flags: list[Flag] = []
    taken: set[int] = set()
    for tokens, entity in reference_names(view):
        for t in tokens:
            if len(t.text) < 3 or transliterating(view, t, at):
                continue
            # Back-translation names like the reference's, but not the MT's own spelling of
            # it (Thiago/Tiago).
            respelt = [h for h in hyp_names
                       if _spelling_close(h.text, t.text, RESPELT_RATIO) and not _respelling(h.text, t.text)]
            if not respelt or _split_rendering(view, t.text):
                continue  # none, or one Latin word written as two Arabic ones
            for h in respelt:
                hit = next((w for w in words if w.token.index not in taken
                            and translit.matches_name(w.token.text, h.text)), None)
                if hit is None:
                    continue
                taken.add(hit.token.index)
                label = entity or t.text
                flags.append(make_flag(
                    view, check, ctx.ar_span(hit.token.start, hit.token.end),
                    ctx.ref_span(t.start, t.end),
                    f"reference name '{label}' is written {hit.token.text}, which reads as "
                    f"'{h.text}', not '{t.text}'",
                    view.hyp_span([h]),
                ))
                break
    return flags


def entity_flags(view: SegmentView, ctx: DocumentContext, check: Check) -> list[Flag]:
    flags = respelt_names(view, ctx, check)
    ar_entities = view.ar_entities
    present = {name for _, _, name in ar_entities}
    covered = {k for a, b, _ in ar_entities for k in range(a, b)}
    ref_names = {name for _, _, name in view.ref_entities}
    foreign = {k for a, b, name in ar_entities if name not in ref_names for k in range(a, b)}
    for tokens, entity in reference_names(view):
        ref = ctx.ref_span(tokens[0].start, tokens[-1].end)
        label = entity or " ".join(t.text for t in tokens)
        if any(w.is_latin and w.token.key == t.key for t in tokens for w in view.ar):
            continue  # left in Latin script: the untranslated check reports it
        if entity is not None:
            if entity in present:
                continue  # the gazetteer's entity is in the Arabic
        else:
            supported = {k for t in tokens for k in view.supporters(t)}
            rendered = [w for k, w in enumerate(view.ar) if k in supported]
            if not rendered and len(tokens) == 1:
                rendered = _split_rendering(view, tokens[0].text)
            if rendered:
                # The Arabic has a word that sounds like the name. If the back-translation
                # reads a clearly different name there, the Arabic names someone else.
                # Through links, the lexicon's own spelling of the name (Stephan for Stefan)
                # is no other name; by position, a respelling is (Obaidat for Obeidat).
                other = [h for h in _read_back(view, tokens, rendered)
                         if not any(_spelling_close(h.text, t.text)
                                    or view.links is not None and _respelling(h.text, t.text) for t in tokens)]
                if other and not _in_hyp(view, tokens):
                    w = rendered[0]
                    flags.append(make_flag(
                        view, check, ctx.ar_span(w.token.start, w.token.end), ref,
                        f"reference name '{label}' is read back as '{other[0].text}' from {w.token.text}",
                        view.hyp_span([other[0]]),
                        confidence=check.adjusted(-0.1),
                    ))
                continue
        if _in_hyp(view, tokens):
            continue
        # An Arabic name nothing else explains is the likely replacement: a gazetteer entity
        # the reference does not mention, a word the lexicon does not know, or the word the
        # back-translation reads as another name.
        located = {k for k in view.arabic_for(_hyp_name(view, tokens))}
        candidates = [
            w for k, w in enumerate(view.ar)
            if (k in foreign or k in located or (k not in covered and w.proper and not w.known))
            and w.token.kind == "word"
            and not w.function and not any(k in view.supporters(r) for r in view.ref)
        ]
        if candidates:
            best = max(candidates, key=lambda w: (
                w.token.index in located or w.token.index in foreign, not w.known,
                max(translit.name_similarity(w.token.text, t.text) for t in tokens)))
            flags.append(make_flag(
                view, check, ctx.ar_span(best.token.start, best.token.end), ref,
                f"reference name '{label}' is not in the Arabic; '{best.token.text}' stands where it should",
            ))
        else:
            flags.append(make_flag(
                view, check,
                Span("", ctx.ar_line(view.ar_start), view.ar_start, view.ar_start), ref,
                f"reference name '{label}' has no counterpart in the Arabic or the back-translation",
                category=Category.OMISSION if entity is None else check.category,
                severity=Severity.MAJOR, confidence=check.adjusted(-0.15),
            ))
    return flags
