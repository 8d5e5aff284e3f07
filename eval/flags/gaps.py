"""The gap analysis check: span flags from back-translation ↔ reference ↔ Arabic comparison.

Inside each aligned segment (:class:`~eval.flags.view.SegmentView`):

1. reference and back-translation content words are aligned monotonically
   (longest common subsequence on stems, case-aware so "US" ≠ "us", with
   lexicon near-synonyms counted as matches);
2. between two aligned anchors, reference words the back-translation lacks
   and back-translation words the reference lacks form a *gap*;
3. each gap word is checked against the Arabic through the lexicon,
   transliteration, numbers and the gazetteer: a reference word some Arabic
   word renders is not an error (the back-translation only paraphrased), nor one
   whose WordNet near-synonym (in the reference's sense) stands across the gap; a
   back-translation word that no Arabic word accounts for is MT noise. Loose
   lexicon excuses are checked (:func:`soft_excuse`, :func:`weak_link`): an Arabic
   word that renders another reference word, or a back-translation word aligned
   elsewhere, excuses nothing;
4. word-sense errors (:func:`sense_errors`): a reference word aligned to, or
   excused by, a back-translation word only through an Arabic word that glosses
   both is compared with it by WordNet — inside a reference compound ("tender
   offer" → "soft offer") a confident mistranslation, elsewhere one below the
   default threshold;
5. what survives is located in the Arabic — the Arabic words the gap's
   back-translation words gloss to, else those standing where they stand
   (:meth:`~eval.flags.view.SegmentView.by_position`), else the unexplained Arabic
   words between the anchors' Arabic counterparts; a reference compound with a
   word missing is flagged whole — and becomes a mistranslation (both sides, a
   substitution), omission (reference only) or addition (Arabic only) flag.

Its flags carry the evidence signals in :data:`SIGNALS`; it is registered as the
``gaps`` check in :mod:`eval.flags.registry`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from eval.flags.context import Check, DocumentContext
from eval.flags.view import SegmentView, densest_run, en_match
from eval.lexicon import index as lexindex
from eval.lexicon import resources, wordnet
from eval.lexicon.bilingual import (
    ArWord,
    Sense,
    antonyms,
    in_lexicon,
    known_word,
    related,
    related_to_any,
    sense_relation,
    supports,
    synonym_in_text,
    thesaurus_related,
    thesaurus_words,
)
from eval.text.tokens import Token, fold_latin, is_function_en, spelling_ratio_at_least
from eval.values import Category, Evidence, Flag, Severity

# The evidence signals of gap flags.
REFERENCE_UNRENDERED = "reference-unrendered"
LEXICON = "lexicon"
BACK_TRANSLATION = "back-translation"
ANTONYM = "antonym"
WORD_SENSE = "word-sense"
SIGNALS = (REFERENCE_UNRENDERED, LEXICON, BACK_TRANSLATION, ANTONYM, WORD_SENSE)


def near(a: Token, b: Token) -> bool:
    """Looser than :func:`en_match`: words of one family (face/facial, final/finalize) and
    two spellings of one name (Thiago/Tiago).

    Answered once per two words (:data:`_NEAR`): a segment asks again and again about the
    same reference and back-translation words."""
    key = f"{a.kind}\0{a.key}\0{a.text}\0{b.kind}\0{b.key}\0{b.text}"
    found = _NEAR.get(key)
    if found is None:
        if len(_NEAR) >= _NEAR_MAX:
            _NEAR.clear()  # (a long process starts again rather than grow without end)
        found = _NEAR[key] = en_match(a, b) or same_family(a, b)
    return found


#: :func:`near` by the two tokens' kinds, keys and texts (all it reads), a string
#: (no container for the garbage collector to walk); the lexicon's reset clears it.
_NEAR: dict[str, bool] = {}
_NEAR_MAX = 1 << 18
lexindex.on_reset(_NEAR.clear)


def same_family(a: Token, b: Token) -> bool:
    """One word's forms or family, by spelling alone (no lexicon): face/facial, Thiago/Tiago.

    Any of: the same key; the same first three letters (accents aside) making up at least
    60 % of the shorter word, of four letters or more; "un"/"non" + at least four letters
    shared with the other word (unchanged ~ change: the negation check compares the rest);
    two capitalised words spelled alike (a ratio of 0.8)."""
    if a.key == b.key:
        return True
    x, y = fold_latin(a.text), fold_latin(b.text)
    if x[:3] == y[:3]:
        shorter = min(len(x), len(y))
        if shorter >= 4 and len(_common_prefix(x, y)) >= 0.6 * shorter:
            return True  # (three letters or more in common: the first three are)
    for prefix in ("un", "non"):
        if x.startswith(prefix) and len(x) > len(prefix) + 3 and _common_prefix(x[len(prefix):], y)[3:]:
            return True
    return a.is_capitalised and b.is_capitalised and spelling_ratio_at_least(x, y, 0.8)


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
    if 2 <= len(x) <= 3 and any(_abbreviates(x, o.text.lower()) for o in others):
        return True  # Dr / Doctor, Mr / Mister, St / Street
    if token.kind == "acronym":
        words = [o for o in others if o.text.lower() not in _INITIALS_SKIP]
        n = len(token.key)
        for k in range(len(words) - n + 1):
            window = words[k : k + n]
            if all(o.is_capitalised for o in window) and "".join(o.text[0] for o in window).upper() == token.key:
                return True
    return False


def _abbreviates(short: str, word: str) -> bool:
    """``short`` is ``word``'s first letter followed by some of its other letters, in order."""
    if len(word) <= len(short) or not word.startswith(short[0]):
        return False
    rest = iter(word[1:])
    return all(ch in rest for ch in short[1:])


def _is_name(tok: Token, entity_idx: set[int], titles: frozenset[int]) -> bool:
    """A reference name: an acronym, a gazetteer entity, or a capitalised word past the
    first that the lexicon does not know and that is no title (``titles``: Chancellor Merz)."""
    return tok.kind == "acronym" or tok.index in entity_idx or (
        tok.is_capitalised and tok.index > 0 and tok.kind == "word" and not in_lexicon(tok.key)
        and tok.index not in titles
    )


def _runs(indices: Sequence[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for k in indices:
        if runs and k == runs[-1][-1] + 1:
            runs[-1].append(k)
        else:
            runs.append([k])
    return runs


@dataclass(frozen=True)
class SenseError:
    """A reference word the Arabic renders by a word of another sense: the lexicon links the
    reference word ``ref`` and the back-translation word ``hyp`` only through an Arabic word
    (``ar``, indices into the view's Arabic words) that can mean both."""

    ref: Token
    hyp: Token
    ar: tuple[int, ...]
    sense: Sense  # Sense.OTHER or Sense.UNRELATED (or whatever WordNet says, in a compound)
    compound: str = ""  # the WordNet compound of the reference that fixes the word's sense


def sense_errors(view: SegmentView) -> list[SenseError]:
    """Reference words whose Arabic rendering the back-translation reads in another sense.

    Two places hide them: a reference word aligned to a back-translation word only because
    one Arabic word glosses both ("bonds" ~ "ties", both glosses of روابط), and a reference
    word the back-translation lacks but some Arabic word can render (حفلة "party" read back
    as "celebration"). In both, the back-translation word ``H`` that the Arabic word ``A``
    renders is compared with the reference word ``R``: inside a WordNet compound of the
    reference ("chamber of commerce", "fault line") the compound fixes R's sense, and H is
    a paraphrase only when the compound with H is a lemma of the same or a neighbouring
    synset; elsewhere :func:`eval.lexicon.bilingual.sense_relation` compares them in the
    reference sentence's context, and a near-synonym there (or in the hand thesaurus) is a
    paraphrase.
    """
    entity_idx = view.entity_token_indices()
    context = tuple(t.text for t in view.ref if t.kind == "word")
    out: list[SenseError] = []

    number_words = resources.numbers_en()

    def takes_part(r: Token) -> bool:
        # Names and number words are other checks' business.
        return (
            r.kind == "word" and len(r.text) > 2 and not _is_name(r, entity_idx, view.ref_titles)
            and r.text.lower() not in number_words
        )

    def fits(r: Token, h: Token) -> bool:
        # A capital letter on the back-translation's word is a name unless the reference
        # word has one too.
        return (
            h.kind == "word" and len(h.text) > 2
            and (not h.is_capitalised or r.is_capitalised and in_lexicon(h.key))
            and h.text.lower() not in number_words and not same_family(r, h)
        )

    def candidate(r: Token, h: Token) -> bool:
        return takes_part(r) and fits(r, h)

    def judge(r: Token, h: Token, ar: Sequence[int]) -> None:
        compound = compound_at(view.ref, r.index)
        if compound is not None and _in_place(compound, r, h, view.hyp_tokens):
            if not _compound_synonym(compound.expression, r, h) and not thesaurus_related(r.key, h.key):
                out.append(SenseError(r, h, tuple(ar[:1]), _sense(r.text, h.text, context),
                                      compound.expression.lemma))
            return
        sense = _sense(r.text, h.text, context)
        if sense in (Sense.OTHER, Sense.UNRELATED):
            out.append(SenseError(r, h, tuple(ar[:1]), sense))

    # 1. aligned through the lexicon only
    for i, j in view.pairs:
        r, h = view.ref_c[i], view.hyp_c[j]
        if r.key == h.key or not candidate(r, h):
            continue
        ar = _rendering(view, h, r)
        if ar:
            judge(r, h, ar)

    # 2. excused by the lexicon while the back-translation says something else
    matched_r = {i for i, _ in view.pairs}
    matched_h = {j for _, j in view.pairs}
    free_h = [h for j, h in enumerate(view.hyp_c) if j not in matched_h]
    for i, r in enumerate(view.ref_c):
        if i in matched_r or not takes_part(r) or near_any(r, view.hyp_tokens):
            continue
        # (the back-translation words that may stand for r: with none, nothing else is needed)
        pool = [h for h in free_h if fits(r, h)]
        if not pool:
            continue
        ar = view.ar_for_ref.get(r.index) or [
            k for k, a in enumerate(view.ar) if not a.function and _glosses_near(a, r)
        ]
        if not ar or synonym_in_text(r.text, view.ref_text, view.hyp):
            continue
        region = {t.index for t in view.hyp_between([r])}
        renders = [
            (h, shared) for h in pool if (shared := tuple(k for k in _rendering(view, h, r) if k in ar))
        ]
        renders.sort(key=lambda x: x[0].index not in region)
        if renders:
            judge(r, *renders[0])
    return out


@dataclass(frozen=True)
class Compound:
    """A WordNet noun compound found in a text, and its content-word tokens there."""

    expression: wordnet.Expression
    tokens: tuple[Token, ...]


def compound_at(tokens: Sequence[Token], index: int) -> Compound | None:
    """The WordNet noun compound ("fault line", "chamber of commerce") that the content word
    ``tokens[index]`` belongs to, where the compound's words stand in ``tokens`` in a row:
    as written, the last one in any number ("treasury bills"), and all their content words
    in lower case or all capitalised (not "Rivermouth City manager")."""
    if not 0 <= index < len(tokens) or tokens[index].kind != "word" or is_function_en(tokens[index]):
        return None
    for start in range(max(0, index - MAX_COMPOUND + 1), index + 1):
        first = tokens[start]
        if first.kind != "word" or start + 1 >= len(tokens):
            continue
        for expression in _compounds_before(first.text, tokens[start + 1].text.lower()):
            n = len(expression.words)
            if start + n <= index or start + n > len(tokens):
                continue
            window = tokens[start : start + n]
            if any(t.kind != "word" for t in window):
                continue  # a number or a broken word between
            if not all(w == t.text.lower() for w, t in zip(expression.words[:-1], window, strict=False)):
                continue
            if not _same_word(expression.words[-1], window[-1]):
                continue
            content = tuple(t for t in window if not is_function_en(t))
            if len({t.is_capitalised for t in content if t.index > 0}) > 1:
                continue
            return Compound(expression, content)
    return None


#: The longest WordNet compound looked for, in words.
MAX_COMPOUND = 5


@functools.lru_cache(maxsize=65536)
def _compounds_by_second(first: str) -> dict[str, tuple[tuple[int, str, str], ...]]:
    """The noun compounds of ``first`` (:func:`eval.lexicon.wordnet.expressions`: two words
    or more) as their place in that list, lemma and synset id, by their second word."""
    out: dict[str, list[tuple[int, str, str]]] = {}
    nouns = (x for x in wordnet.expression_senses(first) if x[1] == "n")
    for k, (lemma, _pos, sid) in enumerate(nouns):
        words = lemma.split(" ")
        if len(words) >= 2:
            out.setdefault(words[1], []).append((k, lemma, sid))
    return {w: tuple(v) for w, v in out.items()}


def _compounds_before(first: str, second: str) -> list[wordnet.Expression]:
    """The noun compounds of ``first`` that may go on with the word ``second`` (lower case),
    in :func:`eval.lexicon.wordnet.expressions` order: their second word is ``second`` or,
    as the last word of a compound (:func:`_same_word`), one of its noun base forms. Only
    those can stand where :func:`compound_at` looks."""
    groups = _compounds_by_second(first)
    if not groups:
        return []
    found = [groups[w] for w in dict.fromkeys((second, *wordnet.base_forms(second, "n"))) if w in groups]
    if len(found) > 1:
        found = [sorted(x for group in found for x in group)]
    return [wordnet.expression(lemma, "n", sid) for group in found for _, lemma, sid in group]


lexindex.on_reset(_compounds_by_second.cache_clear)


def _same_word(lemma_word: str, token: Token) -> bool:
    text = token.text.lower()
    return lemma_word == text or lemma_word in wordnet.base_forms(text, "n")


def _in_place(compound: Compound, r: Token, h: Token, hyp_tokens: Sequence[Token]) -> bool:
    """``h`` stands where ``r`` stood in the compound: next to the back-translation's copy of
    another of its words, on the same side ("Room of Commerce"; not "financial prizes" for
    "prize money", which reorders a paraphrase)."""
    reach = len(compound.expression.words) + 1
    for partner in compound.tokens:
        if partner.index == r.index:
            continue
        for other in hyp_tokens:
            if not near(partner, other):
                continue
            gap = (h.index - other.index) * (1 if r.index > partner.index else -1)
            if 0 < gap <= reach:
                return True
    return False


def _compound_synonym(expression: wordnet.Expression, r: Token, h: Token) -> bool:
    """The compound with ``h`` in ``r``'s place is a lemma of the compound's synset or of one
    next to it ("news conference" → "press conference")."""
    replaced = tuple(h.text.lower() if _same_word(w, r) else w for w in expression.words)
    forms = {" ".join(replaced), " ".join((*replaced[:-1], *wordnet.base_forms(replaced[-1])[:1]))}
    synset = wordnet.synset(expression.synset_id)
    if synset is None:
        return False
    lemmas = set(synset.lemmas)
    for sid in synset.related:
        other = wordnet.synset(sid)
        if other is not None:
            lemmas.update(other.lemmas)
    return not forms.isdisjoint(lemmas)


def weak_link(r: Token, h: Token, context: Sequence[str], in_place: bool = False) -> bool:
    """``r`` and ``h`` are related only because some Arabic stem glosses both, and WordNet
    relates them only in another sense than ``r`` has in ``context`` (crude ~ rude), or —
    unless ``h`` stands in ``r``'s place — in no sense at all (opposition ~ more): no
    evidence that the back-translation has ``r``."""
    if r.kind != "word" or h.kind != "word" or r.key == h.key or same_family(r, h):
        return False
    if not related(r.key, h.key) or thesaurus_related(r.key, h.key):
        return False
    sense = _sense(r.text, h.text, tuple(context))
    return sense is Sense.OTHER or sense is Sense.UNRELATED and not in_place


def _strong(view: SegmentView, r: Token, context: Sequence[str]) -> list[Token]:
    """The back-translation tokens that may stand for ``r``: not those linked to it only
    weakly (:func:`weak_link`), nor, unless they are the same word, those aligned to
    another reference word ("oil" is the reference's own "oil", not its "crude")."""
    stands_for = _stands_for(view, r, context)
    return [h for h in view.hyp_tokens if stands_for(h)]


def _stands_for(view: SegmentView, r: Token, context: Sequence[str]) -> Callable[[Token], bool]:
    """Whether a back-translation token is one of :func:`_strong`'s for ``r``."""
    taken = {view.hyp_c[j].index for i, j in view.pairs if view.ref_c[i].index != r.index}
    place = _hyp_place(view, r)

    def strong(h: Token) -> bool:
        return (
            not (en_match(r, h) and weak_link(r, h, context, h.index in place))
            and (h.index not in taken or h.key == r.key)
            and (h.index in place or not _loose(r, h))
        )
    return strong


def _near_strong(view: SegmentView, r: Token, context: Sequence[str]) -> bool:
    """``near_any(r, _strong(view, r, context))``: some back-translation token that may
    stand for ``r`` is near it. A lower-case word is compared with each token alone, and
    the strong tokens are some of the back-translation's: only the tokens near it need
    to be tested for strength (the costly part)."""
    if not r.is_capitalised:
        near_r = [h for h in view.hyp_tokens if near(r, h)]
        if not near_r:
            return False
        stands_for = _stands_for(view, r, context)
        return any(stands_for(h) for h in near_r)
    return near_any(r, _strong(view, r, context))


@functools.lru_cache(maxsize=65536)
def _sense(ref_word: str, hyp_word: str, context: tuple[str, ...]) -> Sense:
    """:func:`eval.lexicon.bilingual.sense_relation`, worked out once per two words and
    sentence: the sense errors, the weak links and the paraphrases ask for the same pairs."""
    return sense_relation(ref_word, hyp_word, context)


lexindex.on_reset(_sense.cache_clear)


def _opposite(r: Token, h: Token) -> bool:
    """``h`` says the opposite of ``r``: the hand antonym list (on stems) or WordNet."""
    return antonyms(r.key, h.key) or wordnet.opposite(r.text, h.text)


def _loose(r: Token, h: Token) -> bool:
    """``r`` and ``h`` are related only through a shared Arabic gloss (write ~ author): too
    loose to excuse ``r`` from elsewhere in the back-translation."""
    return (r.key != h.key and h.kind == "word" and related(r.key, h.key)
            and not thesaurus_words(r.text, h.text) and not same_family(r, h)
            and not wordnet.near_synonyms(r.text, h.text))


def _hyp_place(view: SegmentView, r: Token, reach: int = 3) -> set[int]:
    """Back-translation token indices around where ``r`` stands: between the copies of its
    aligned neighbours, and up to ``reach`` tokens either side of those copies."""
    place = {t.index for t in view.hyp_between([r])}
    before = [j for i, j in view.pairs if view.ref_c[i].index < r.index]
    after = [j for i, j in view.pairs if view.ref_c[i].index > r.index]
    for j in (before[-1:] + after[:1]):
        k = view.hyp_c[j].index
        place.update(range(k - reach, k + reach + 1))
    return place


def spoken_for(view: SegmentView) -> set[int]:
    """Arabic words (indices) that render a reference word the back-translation has too:
    the reference word's, they cannot also stand for another reference word by a loose
    gloss (يقرب "nearly" is not a rendering of "replaced" because it glosses "bring")."""
    found = {r.index for i, r in enumerate(view.ref_c) if i in {p for p, _ in view.pairs}}
    return {k for r, ks in view.ar_for_ref.items() if r in found for k in ks}


def soft_excuse(view: SegmentView, token: Token, spoken: set[int]) -> bool:
    """Some Arabic word of the segment that no other reference word speaks for has a gloss
    near ``token`` (its lexicon near-synonym): the back-translation may only have paraphrased."""
    return any(_glosses_near(a, token) for k, a in enumerate(view.ar) if k not in spoken)


def _glosses_near(word: ArWord, token: Token) -> bool:
    return not word.function and token.kind == "word" and related_to_any(token.key, word.stems)


def _rendering(view: SegmentView, h: Token, r: Token) -> tuple[int, ...]:
    """Arabic words that the back-translation word ``h`` reads: those with ``h`` among their
    glosses, else those with a gloss near both ``h`` and the reference word ``r``."""
    exact = tuple(k for k in view.supporters(h) if not view.ar[k].function)
    if exact:
        return exact
    supported = view.supporters(r)
    return tuple(
        k for k, a in enumerate(view.ar)
        if _glosses_near(a, h) and (k in supported or _glosses_near(a, r))
    )


def _sense_flags(view: SegmentView, ctx: DocumentContext, check: Check, errors: Sequence[SenseError]) -> list[Flag]:
    """One mistranslation flag per :class:`SenseError` (see :data:`SENSE_CONFIDENCE`)."""
    context = tuple(t.text for t in view.ref if t.kind == "word")
    flags = []
    for e in errors:
        a = view.ar[e.ar[0]]
        said = f"the reference's '{e.ref.text}'"
        if e.compound:
            said += f" (in '{e.compound}')"
            tail = f"which '{e.compound}' does not mean"
        elif e.sense is Sense.OTHER:
            meant = wordnet.sense_of(e.ref.text, context)
            if meant is not None:
                said += f" ({meant.gloss.split(';')[0]})"
            tail = f"another sense of '{e.ref.text}'"
        else:
            tail = f"which no sense of '{e.ref.text}' is near"
        flags.append(Flag(
            id="", segment=view.bead_id, category=Category.MISTRANSLATION, severity=check.severity,
            confidence=check.adjusted(SENSE_CONFIDENCE["compound" if e.compound else e.sense.value]),
            ar=view.ar_span([a], ctx.ar, ctx.ar_line),
            reference=view.ref_span([e.ref], ctx.ref, ctx.ref_line),
            hypothesis=view.hyp_span([e.hyp]),
            evidence=(Evidence(WORD_SENSE, f"{said} is rendered as {a.token.text}, read back as "
                                           f"'{e.hyp.text}', {tail}"),),
        ))
    return flags


#: Confidence of a word-sense flag relative to the check's base. Inside a reference compound
#: the sense is certain; for a lone word, WordNet's simplified-Lesk sense is often wrong on
#: common words, so "another sense" and "no sense near" stay below the default threshold.
SENSE_CONFIDENCE = {"compound": +0.25, Sense.OTHER.value: -0.05, Sense.UNRELATED.value: -0.1}


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
    name_runs = _runs([i for i in unmatched if _is_name(ref_c[i], entity_idx, view.ref_titles)])
    word_runs = _runs([i for i in unmatched if not _is_name(ref_c[i], entity_idx, view.ref_titles)])
    for run in sorted(name_runs + word_runs):
        tokens = [ref_c[i] for i in run]
        region = {t.index for t in view.hyp_between(tokens)}
        # A name stands against names, a word against words.
        is_name = _is_name(tokens[0], entity_idx, view.ref_titles)
        h_idx = [
            j for j, h in enumerate(hyp_c)
            if j not in matched_h and h.index in region and (h.is_capitalised or h.kind == "acronym") == is_name
        ]
        h_idx = _beside_anchor(view, run, h_idx, matched_r, matched_h)
        consumed.update(h_idx)
        gaps.append((tokens, [hyp_c[j] for j in h_idx]))
    for run in _runs([j for j in range(len(hyp_c)) if j not in matched_h and j not in consumed]):
        gaps.append(([], [hyp_c[j] for j in run]))

    senses = sense_errors(view)
    # A confident sense error accounts for its two words; the others leave the gaps as they were.
    sense_ref = {e.ref.index for e in senses if e.compound}
    sense_hyp = {e.hyp.index for e in senses if e.compound}
    spoken = spoken_for(view)
    context = tuple(t.text for t in view.ref if t.kind == "word")
    flags: list[Flag] = _sense_flags(view, ctx, check, [e for e in senses if e.compound])
    for ref_run, hyp_run in gaps:
        ref_run = [r for r in ref_run if r.index not in sense_ref]
        hyp_run = [h for h in hyp_run if h.index not in sense_hyp]
        # A reference word the Arabic renders (by the lexicon) or the back-translation
        # carries elsewhere is a paraphrase, not an error; likewise the other way round.
        r_gap = [
            r for r in ref_run
            if not view.ar_for_ref.get(r.index) and not soft_excuse(view, r, spoken)
            and not _near_strong(view, r, context) and not synonym_in_text(r.text, view.ref_text, view.hyp)
        ]
        h_gap = [
            h for h in hyp_run
            if not any(near(r, h) for r in ref_c) and not synonym_in_text(h.text, view.hyp, view.ref_text)
        ]
        r_gap, h_gap = _paraphrased(view, ref_run, r_gap, h_gap, entity_idx)
        # A reference word is only evidence when the lexicon or the thesaurus knows it:
        # for rare words, silence from the lexicon means nothing.
        # A title (Chancellor Merz) is a word like any other here, not a name.
        r_gap = [r for r in r_gap if r.kind != "word" or r.is_capitalised and r.index not in view.ref_titles
                 or known_word(r.key)]
        if not r_gap and not h_gap:
            continue
        whole = _compound_phrase(view, r_gap)
        ar_sel = [view.ar[k] for k in (whole[2] if whole else _arabic_of(view, r_gap, h_gap))]
        if ar_sel and all(a.function for a in ar_sel) and not any(
                r.text.lower() in a.clitics or r.key in a.stems for a in ar_sel for r in r_gap):
            # Function words alone that gloss as none of the reference words (إلى for
            # "format"): nothing to point at. منا "from us" for "US" is kept.
            ar_sel = []
        if not r_gap and (len(ar_sel) < 2 or len(h_gap) < 3):
            # Back-translation words the Arabic does not carry are MT noise, and a word or
            # two more is usually a paraphrase: an addition is a phrase of its own.
            continue
        names = [r for r in r_gap if _is_name(r, entity_idx, view.ref_titles)]
        ref_tokens, hyp_tokens = list(r_gap), list(h_gap or view.hyp_between(r_gap))
        if whole:
            ref_tokens, hyp_tokens = whole[0], whole[1]
        elif r_gap and ar_sel:
            ar_sel, ref_tokens, hyp_tokens = _extend_to_head(view, ar_sel, ref_tokens, hyp_tokens)
        reversed_pairs = [(r, h) for r in r_gap for h in h_gap if _opposite(r, h)]
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
    # A lone word's sense error is a flag of its own only where the gaps found nothing: it
    # must not take over a gap flag's spans in the merge.
    weak = _sense_flags(view, ctx, check, [e for e in senses if not e.compound])
    return flags + [w for w in weak if not any(_same_place(w, f) for f in flags)]


def _same_place(a: Flag, b: Flag) -> bool:
    def overlap(x, y) -> bool:
        return bool(x.text and y.text) and x.start < y.end and y.start < x.end
    return overlap(a.ar, b.ar) or overlap(a.reference, b.reference)


def _paraphrased(
    view: SegmentView, ref_run: Sequence[Token], r_gap: list[Token], h_gap: list[Token], entity_idx: set[int]
) -> tuple[list[Token], list[Token]]:
    """Drop the gap words that WordNet calls near-synonyms across the gap, in the reference
    word's sense (hiking ~ walking, magnitude ~ strength): a paraphrase, not an error."""
    context = tuple(t.text for t in view.ref if t.kind == "word")

    def plain(t: Token, is_ref: bool) -> bool:
        return t.kind == "word" and (not _is_name(t, entity_idx, view.ref_titles) if is_ref else not t.is_capitalised)

    def same(r: Token, h: Token) -> bool:
        return (plain(r, True) and plain(h, False) and not _opposite(r, h)
                and _sense(r.text, h.text, context) is Sense.SAME)

    used: set[int] = set()
    kept_r = []
    for r in r_gap:
        around = [*h_gap, *(t for t in view.hyp_between([r]) if not is_function_en(t))]
        match = next((h for h in around if same(r, h)), None)
        if match is None:
            kept_r.append(r)
        else:
            used.add(match.index)
    kept_h = [h for h in h_gap if h.index not in used and not any(same(r, h) for r in ref_run)]
    return kept_r, kept_h


def _arabic_of(view: SegmentView, r_gap: Sequence[Token], h_gap: Sequence[Token]) -> list[int]:
    """The Arabic words of a gap: those that the gap's back-translation words gloss to (or
    that the translator linked them to), else those standing where they stand; for a
    reference-only gap, the Arabic behind the back-translation words in the reference
    words' place, else the unexplained Arabic between the neighbours' renderings.

    A substitution is not an omission: when the back-translation has content words of its
    own in the reference words' place, the Arabic behind them is the span.
    """
    if h_gap:
        found = densest_run(view.arabic_for(h_gap)) or view.by_position(h_gap)
        if found:
            return found
    if not r_gap:
        return []
    found = view.locate(r_gap)
    if found:
        return found
    return view.by_position([t for t in view.hyp_between(r_gap) if not is_function_en(t)])


def _beside_anchor(
    view: SegmentView, run: Sequence[int], h_idx: Sequence[int], matched_r: set[int], matched_h: set[int]
) -> list[int]:
    """The back-translation words that stand in a reference run's place.

    When aligned words split the unaligned back-translation words between the run's
    anchors into several stretches (a clause moved), the run stands against the stretch
    next to the anchor it touches itself ("carbon sink" ↔ "carbon washbasin", not the
    "exposed" further on); otherwise against all of them.
    """
    stretches = _runs(list(h_idx))
    stretches = [st for st in stretches if st]
    if len(stretches) < 2 or len(_split(stretches, matched_h)) < 2:
        return list(h_idx)
    pair_of = dict(view.pairs)
    first, last = run[0], run[-1]
    if first - 1 in matched_r:  # the run follows its left anchor directly
        anchor = pair_of[first - 1]
        beside = [st for st in stretches if st[0] == anchor + 1]
    elif last + 1 in matched_r:
        anchor = pair_of[last + 1]
        beside = [st for st in stretches if st[-1] == anchor - 1]
    else:
        return list(h_idx)
    return beside[0] if beside else list(h_idx)


def _split(stretches: Sequence[Sequence[int]], matched_h: set[int]) -> list[Sequence[int]]:
    """The stretches that an aligned back-translation word separates from the one before."""
    return [st for k, st in enumerate(stretches)
            if k == 0 or any(j in matched_h for j in range(stretches[k - 1][-1] + 1, st[0]))]


def _compound_phrase(
    view: SegmentView, r_gap: Sequence[Token]
) -> tuple[list[Token], list[Token], list[int]] | None:
    """A reference compound ("hat-trick") whose other words the back-translation has
    ("hats") while the gap's word is missing is mistranslated as a whole: its reference
    tokens, the back-translation phrase standing for it (its words' copies and the
    unaligned words right next to them: "three hats") and the Arabic behind that phrase."""
    compound = compound_at(view.ref, r_gap[0].index) if len(r_gap) == 1 else None
    if compound is None:
        return None
    r = r_gap[0]
    partners = [t for t in compound.tokens if t.index != r.index]
    hyp_of = {view.ref_c[i].index: view.hyp_c[j] for i, j in view.pairs}
    if not partners or any(p.index not in hyp_of for p in partners):
        return None
    copies = sorted((hyp_of[p.index] for p in partners), key=lambda t: t.index)
    aligned = {view.hyp_c[j].index for _, j in view.pairs}
    extra: list[Token] = []
    for start, step in ((copies[0].index - 1, -1), (copies[-1].index + 1, 1)):
        k = start
        while 0 <= k < len(view.hyp_tokens) and abs(k - start) < 2:
            t = view.hyp_tokens[k]
            if k in aligned or is_function_en(t) and t.kind != "number":
                break
            extra.append(t)
            k += step
    ar = {k for c in copies for k in view.supporters(c)}
    ar.update(view.by_position(extra))
    if not ar:
        return None
    phrase = sorted([*copies, *extra], key=lambda t: t.index)
    return sorted(compound.tokens, key=lambda t: t.index), phrase, densest_run(sorted(ar))


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
    from eval.lexicon.buckwalter import lexicon, preferred

    if word.is_latin or word.token.kind != "word":
        return word.token.text
    parts = []
    analyses = preferred(word.token.text, lexicon().analyse(word.token.key), function_word=word.function)
    for a in analyses[:2]:
        pieces = [g for g in (a.prefix.gloss, a.stem_glosses[0] if a.stem_glosses else "", a.suffix.gloss) if g and not g.startswith("[")]
        parts.append(" + ".join(f"'{p}'" for p in pieces))
    return " / ".join(dict.fromkeys(parts)) or "(not in the lexicon)"
