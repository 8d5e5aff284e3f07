"""The segment view: the three sides of one aligned segment, tokenised, and how they correspond.

A :class:`SegmentView` holds the Arabic, reference and back-translation text of one
aligned segment with offsets into the files, the reference ↔ back-translation
content-word alignment (:func:`match_tokens`) and which Arabic words render which
reference words (:func:`support_map`). Every check reads it; none changes it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

from eval.lexicon import resources
from eval.lexicon.bilingual import (
    ArabicWords,
    ArWord,
    ar_entities,
    ar_words,
    clitic_match,
    en_entities,
    pronoun_forms,
    related,
    related_to_any,
    relations,
)
from eval.lexicon.names import is_title
from eval.text.tokens import Token, is_function_en, tokenize_ar, tokenize_en
from eval.values import HypSpan, Span, WordLink

MAX_AR_SPAN = 5


@dataclass(frozen=True)
class SegmentView:
    """The three sides of one aligned segment, tokenised, with offsets into the files,
    and how they correspond: reference ↔ back-translation content-word alignment and
    which Arabic words render which reference words."""

    bead_id: int
    ar_text: str
    ar_start: int
    ref_text: str
    ref_start: int
    hyp: str
    ar: list[ArWord]
    ref: list[Token]
    hyp_tokens: list[Token]
    ref_entities: list[tuple[int, int, str]]
    ar_entities: list[tuple[int, int, str]]
    ref_c: list[Token] = field(default_factory=list)
    hyp_c: list[Token] = field(default_factory=list)
    pairs: list[tuple[int, int]] = field(default_factory=list)
    ar_for_ref: dict[int, list[int]] = field(default_factory=dict)
    explained_ar: set[int] = field(default_factory=set)
    # Source↔target word links from the translator (cross-attention, or exact for the
    # gloss backend), with Arabic offsets made absolute; None when the hypothesis came
    # from a file.
    links: tuple[WordLink, ...] | None = None
    # The Arabic words indexed for :meth:`supporters` (which keeps its answers): :meth:`build`
    # makes it (so what :func:`support_map` worked out is kept); a view made otherwise
    # indexes its words on first use.
    _index: ArabicWords | None = field(default=None, compare=False, repr=False)

    @classmethod
    def build(
        cls, bead_id: int, ar: Span, ref: Span, hyp: str, links: tuple[WordLink, ...] | None = None
    ) -> SegmentView:
        ar_start, ref_start = ar.start or 0, ref.start or 0
        ar_tokens = tokenize_ar(ar.text, ar_start)
        ref_tokens = tokenize_en(ref.text, ref_start)
        hyp_tokens = tokenize_en(hyp)
        words = ar_words(ar_tokens)
        index = ArabicWords(words)
        ref_entities, ar_names = en_entities(ref_tokens), ar_entities(ar_tokens)
        ref_c, hyp_c = _content(ref_tokens), _content(hyp_tokens)
        ar_for_ref = _support_map(index, [t for t in ref_tokens if not is_function_en(t)], ar_names, ref_entities)
        return cls(
            bead_id, ar.text, ar_start, ref.text, ref_start, hyp,
            words, ref_tokens, hyp_tokens, ref_entities, ar_names,
            ref_c=ref_c,
            hyp_c=hyp_c,
            pairs=match_tokens(ref_c, hyp_c),
            ar_for_ref=ar_for_ref,
            explained_ar={k for ks in ar_for_ref.values() for k in ks},
            links=tuple(
                WordLink(ar_start + x.src_start, ar_start + x.src_end, x.tgt_start, x.tgt_end, x.weight)
                for x in links
            ) if links else None,
            _index=index,
        )

    def supporters(self, en: Token) -> tuple[int, ...]:
        """Indices of the Arabic words that can render ``en``
        (:func:`eval.lexicon.bilingual.supports`), worked out once per token
        (:meth:`eval.lexicon.bilingual.ArabicWords.supporting`, which keeps its answers)."""
        return self._arabic.supporting(en)

    @property
    def _arabic(self) -> ArabicWords:
        return self._index or self._own_index

    @functools.cached_property
    def _own_index(self) -> ArabicWords:
        return ArabicWords(self.ar)

    def ar_span(self, words: Sequence[ArWord], original: str, line_of) -> Span:
        if not words:
            return Span()
        start = min(w.token.start for w in words)
        end = max(w.token.end for w in words)
        return Span(original[start:end], line_of(start), start, end)

    def ref_span(self, tokens: Sequence[Token], original: str, line_of) -> Span:
        if not tokens:
            return Span()
        start, end = tokens[0].start, tokens[-1].end
        return Span(original[start:end], line_of(start), start, end)

    def hyp_span(self, tokens: Sequence[Token]) -> HypSpan:
        if not tokens:
            return HypSpan()
        start, end = tokens[0].start, tokens[-1].end
        return HypSpan(self.hyp[start:end], start, end)

    def entity_token_indices(self) -> set[int]:
        return {k for a, b, _ in self.ref_entities for k in range(a, b)}

    @functools.cached_property
    def ref_titles(self) -> frozenset[int]:
        """Indices of the reference words standing as titles, not names (Chancellor Merz,
        the Chancellor: :func:`eval.lexicon.names.is_title`)."""
        return frozenset(k for k in range(len(self.ref)) if is_title(self.ref, k))

    # -- locating a stretch of the reference in the other two sides ----------------------

    def _anchors(self, tokens: Sequence[Token]) -> tuple[int | None, int | None]:
        """Content-pair positions (into self.pairs) just before and after ``tokens``."""
        first, last = min(t.index for t in tokens), max(t.index for t in tokens)
        left = right = None
        for k, (ri, _) in enumerate(self.pairs):
            idx = self.ref_c[ri].index
            if idx < first:
                left = k
            elif idx > last and right is None:
                right = k
        return left, right

    def hyp_between(self, tokens: Sequence[Token]) -> list[Token]:
        """Back-translation tokens (function words too) standing where ``tokens`` stand.

        Between the back-translation counterparts of the nearest aligned reference words
        on either side; when the back-translation reordered the sentence so that those
        counterparts cross, only the left one is trusted.
        """
        if not tokens or not self.hyp_tokens:
            return []
        left, right = self._anchors(tokens)
        lo = self.hyp_c[self.pairs[left][1]].index + 1 if left is not None else None
        hi = self.hyp_c[self.pairs[right][1]].index if right is not None else None
        if lo is not None and hi is not None and lo <= hi:
            return self.hyp_tokens[lo:hi] if hi - lo <= 12 else []
        # One usable neighbour (or crossing ones): the unaligned words right next to the
        # neighbours' counterparts, on either side.
        reach = len(tokens) + 2
        aligned = {self.hyp_c[j].index for _, j in self.pairs}
        out: list[Token] = []
        for anchor in (lo - 1 if lo is not None else None, hi):
            if anchor is None:
                continue
            for k in [*range(anchor - reach, anchor), *range(anchor + 1, anchor + reach + 1)]:
                if 0 <= k < len(self.hyp_tokens) and k not in aligned:
                    out.append(self.hyp_tokens[k])
        return sorted(set(out), key=lambda t: t.index)

    def soft_support(self, token: Token) -> bool:
        """Some Arabic word of the segment has a gloss that is a near-synonym of ``token``."""
        if token.kind != "word":
            return False
        return any(related_to_any(token.key, a.stems) for a in self.ar if not a.function)

    def arabic_for(self, hyp_tokens: Sequence[Token]) -> list[int]:
        """Unexplained Arabic words that the given back-translation words come from.

        By the lexicon (glosses, clitics, names, numbers) and, when the translator gave
        them, by its own source↔target word links.
        """
        linked: set[int] = set()
        if self.links and hyp_tokens:
            # A link is read like a lexicon match: a function word ties to a function word
            # only as a pronoun (و "and" is not where a missing name went; منا "from us" is).
            for link in self.links:
                for h in hyp_tokens:
                    if not (link.tgt_start < h.end and h.start < link.tgt_end):
                        continue
                    linked.update(
                        k for k, a in enumerate(self.ar)
                        if link.src_start < a.token.end and a.token.start < link.src_end
                        and (_may_link(a, h) or not a.function)
                    )
        supported = [(h, self.supporters(h)) for h in hyp_tokens]
        return [
            k for k, a in enumerate(self.ar)
            if k not in self.explained_ar and (
                k in linked
                or any(k in ks or _soft(a, h) for h, ks in supported if _may_link(a, h))
            )
        ]

    def hyp_linked(self, words: Sequence[ArWord]) -> list[Token] | None:
        """Back-translation tokens the translator's word links tie to the Arabic ``words``;
        None when there are no links (a hypothesis from a file)."""
        if self.links is None:
            return None
        spans = [(w.token.start, w.token.end) for w in words]
        targets = [
            (x.tgt_start, x.tgt_end) for x in self.links
            if any(x.src_start < b and a < x.src_end for a, b in spans)
        ]
        return [h for h in self.hyp_tokens if any(a < h.end and h.start < b for a, b in targets)]

    def window(self, tokens: Sequence[Token]) -> list[int]:
        """Unexplained Arabic content words between the Arabic renderings of the neighbours."""
        first, last = min(t.index for t in tokens), max(t.index for t in tokens)
        left = right = None
        for r in self.ref:
            ks = self.ar_for_ref.get(r.index)
            if not ks:
                continue
            if r.index < first:
                left = max(ks)
            elif r.index > last and right is None:
                right = min(ks)
        lo = left + 1 if left is not None else 0
        hi = right if right is not None else len(self.ar)
        if lo >= hi or hi - lo > 8:
            return []
        return [
            k for k in range(lo, hi)
            if k not in self.explained_ar and not self.ar[k].function and self.ar[k].token.kind == "word"
        ]

    @functools.cached_property
    def hyp_renderings(self) -> dict[int, tuple[int, ...]]:
        """Back-translation content token index → the Arabic words (indices) whose glosses
        render it, for the tokens some Arabic word renders."""
        rendered: dict[int, tuple[int, ...]] = {}
        index = self._arabic
        for h in self.hyp_tokens:
            if is_function_en(h):
                continue
            exact = self.supporters(h)
            soft = index.related_to(h.key) if h.kind == "word" else ()  # as _soft
            ks = tuple(sorted(k for k in {*exact, *soft} if not self.ar[k].function))
            if ks:
                rendered[h.index] = ks
        return rendered

    def _rendered_elsewhere(self, hyp_tokens: Sequence[Token]) -> dict[int, tuple[int, ...]]:
        inside = {t.index for t in hyp_tokens}
        return {i: ks for i, ks in self.hyp_renderings.items() if i not in inside}

    def hyp_window(self, hyp_tokens: Sequence[Token]) -> tuple[int, int] | None:
        """The Arabic words (first, last index, exclusive) between the renderings of the
        nearest back-translation content words on either side of ``hyp_tokens`` that some
        Arabic word renders; None when one side has none or the renderings cross or lie far
        apart."""
        if not hyp_tokens:
            return None
        first = min(t.index for t in hyp_tokens)
        last = max(t.index for t in hyp_tokens)
        rendered = self._rendered_elsewhere(hyp_tokens)
        before = [ks for i, ks in sorted(rendered.items()) if i < first]
        after = [ks for i, ks in sorted(rendered.items()) if i > last]
        if not before or not after:
            return None
        pairs = [(kl, kr) for kl in before[-1] for kr in after[0] if kl < kr]
        if not pairs:
            return None
        lo, hi = min(pairs, key=lambda p: p[1] - p[0])
        return (lo, hi) if hi - lo <= MAX_AR_SPAN + 3 else None

    def by_position(self, hyp_tokens: Sequence[Token]) -> list[int]:
        """Arabic words that stand where the back-translation words ``hyp_tokens`` stand.

        The back-translation follows the Arabic closely: the Arabic behind a phrase lies
        between the Arabic words that render its neighbours (:meth:`hyp_window`), or right
        next to one of them (an adjective after its noun). Only Arabic content words that
        render no other back-translation word count, and names only for a phrase with a name.
        """
        phrase = sorted(hyp_tokens, key=lambda t: t.index)
        if not phrase:
            return []
        rendered = self._rendered_elsewhere(phrase)
        spoken = {k for ks in rendered.values() for k in ks}
        names = any(t.is_capitalised or t.kind == "acronym" for t in phrase)

        def free(k: int) -> bool:
            a = self.ar[k]
            return (k not in spoken and not a.function and a.token.kind in ("word", "number", "latin")
                    and (names or not (a.proper or a.is_latin)))

        window = self.hyp_window(phrase)
        if window is not None:
            between = [k for k in range(window[0] + 1, window[1]) if free(k)]
            if between:
                return between[: len(phrase) + 2]
        first, last = phrase[0].index, phrase[-1].index
        before = [ks for i, ks in sorted(rendered.items()) if i < first]
        after = [ks for i, ks in sorted(rendered.items()) if i > last]
        near = sorted({
            k for ks in (before[-1] if before else [], after[0] if after else [])
            for a in ks for k in (a - 1, a + 1) if 0 <= k < len(self.ar) and free(k)
        })
        return densest_run(near)[: len(phrase) + 1]

    def locate(self, tokens: Sequence[Token], hyp_tokens: Sequence[Token] = ()) -> list[int]:
        """Arabic word indices most likely to render (or mis-render) reference ``tokens``."""
        hits = self.arabic_for(hyp_tokens) if hyp_tokens else []
        if not hits and tokens:
            hits = self.arabic_for(self.hyp_between(tokens))
        if not hits and tokens:
            hits = self.window(tokens)
        return densest_run(sorted(set(hits)))

    def insertion(self, tokens: Sequence[Token], original: str, line_of) -> Span:
        """An empty Arabic span where the rendering of ``tokens`` would stand."""
        pos = self.ar_start
        if tokens:
            first = min(t.index for t in tokens)
            before = [max(ks) for r in self.ref if r.index < first and (ks := self.ar_for_ref.get(r.index))]
            after = [min(ks) for r in self.ref if r.index > first and (ks := self.ar_for_ref.get(r.index))]
            if before:
                pos = self.ar[before[-1]].token.end
            elif after:
                pos = self.ar[after[0]].token.start
        return Span("", line_of(pos), pos, pos)


def _soft(word: ArWord, hyp: Token) -> bool:
    """A gloss of the Arabic word is a near-synonym of the English word (نقص "lack" ~ "shortage")."""
    return hyp.kind == "word" and related_to_any(hyp.key, word.stems)


def _may_link(word: ArWord, hyp: Token) -> bool:
    """Function words link only as pronouns (منا "from us" ↔ "us"); "for", "and" are everywhere."""
    if hyp.text.lower() in _PRONOUNS_EN:
        # As a clitic (منا = min + nA "us") or as the word itself (لنا "for us").
        return clitic_match(word, hyp.text) or bool(pronoun_forms(hyp.text.lower()) & word.stems)
    return not word.function and not is_function_en(hyp)


def densest_run(indices: Sequence[int], gap: int = 3) -> list[int]:
    """The longest run of indices no more than ``gap`` apart (the first on a tie), capped."""
    runs: list[list[int]] = []
    for k in indices:
        if runs and k - runs[-1][-1] <= gap:
            runs[-1].append(k)
        else:
            runs.append([k])
    best = max(runs, key=len) if runs else []
    return best[:MAX_AR_SPAN]


def en_match(a: Token, b: Token) -> bool:
    if a.kind == "acronym" or b.kind == "acronym":
        return a.key == b.key
    if a.kind == "number" or b.kind == "number":
        return a.kind == b.kind and a.key.replace(",", "") == b.key.replace(",", "")
    return a.key == b.key or related(a.key, b.key)


#: The token kinds :func:`en_match` compares strictly (the same key, no near-synonyms).
_STRICT_KINDS = ("acronym", "number")

#: Near-synonyms (not the same stem) pair only this close in relative position: "written"
#: at the end of a sentence is not the "authority" (a common Arabic gloss) at its start.
MAX_NEAR_DRIFT = 0.3


def match_tokens(ref: Sequence[Token], hyp: Sequence[Token]) -> list[tuple[int, int]]:
    """One-to-one alignment of two content-token lists, tolerant of reordering.

    Candidate pairs are words that match (same stem, acronym-aware, or near-synonyms);
    they are taken greedily, exact matches first, then by how close their relative
    positions are, so a back-translation that moved a clause still aligns. Returns
    (ref index, hyp index) pairs sorted by ref index.

    The pairs are those :func:`en_match` accepts, found without trying every pair of two
    words: a word's exact matches through a map of the keys, its near-synonyms among the
    words near enough that share a thesaurus group or a lexicon entry
    (:func:`eval.lexicon.bilingual.relations`, what :func:`~eval.lexicon.bilingual.related`
    compares) — a word never matches an acronym or a number of another key. Acronyms and
    numbers are tried on every word, as before.
    """
    n, m = len(ref), len(hyp)
    at_hyp = [j / max(m, 1) for j in range(m)]
    exact_h: dict[str, list[int]] = {}
    near_h = []  # the words with some relation: (position, thesaurus groups, lexicon entries)
    for j, h in enumerate(hyp):
        exact_h.setdefault(h.key, []).append(j)
        if h.kind not in _STRICT_KINDS:
            groups, coglosses = relations(h.key)
            if groups or coglosses:
                near_h.append((j, groups, coglosses))
    candidates = []
    for i, r in enumerate(ref):
        at_ref = i / max(n, 1)
        key = r.key
        if r.kind in _STRICT_KINDS:
            for j, h in enumerate(hyp):
                exact = key == h.key
                distance = abs(at_ref - at_hyp[j])
                if (exact or distance <= MAX_NEAR_DRIFT) and en_match(r, h):
                    candidates.append((not exact, distance, i, j))
            continue
        for j in exact_h.get(key, ()):
            if hyp[j].kind not in _STRICT_KINDS or en_match(r, hyp[j]):
                candidates.append((False, abs(at_ref - at_hyp[j]), i, j))
        groups, coglosses = relations(key)
        if not (groups or coglosses):
            continue  # related to no other word
        for j, groups_h, coglosses_h in near_h:
            distance = abs(at_ref - at_hyp[j])
            # Near-synonyms far apart: two different words, not one moved.
            if distance <= MAX_NEAR_DRIFT and hyp[j].key != key and (
                not groups.isdisjoint(groups_h) or not coglosses.isdisjoint(coglosses_h)
            ):
                candidates.append((True, distance, i, j))
    return one_to_one(candidates)


def one_to_one(candidates: list[tuple[bool, float, int, int]]) -> list[tuple[int, int]]:
    """``(i, j)`` pairs taken greedily from ``(inexact, distance, i, j)`` candidates, best
    first (exact before near-synonyms, then the nearest), each ``i`` and each ``j`` once;
    sorted by ``i``."""
    used_r: set[int] = set()
    used_h: set[int] = set()
    pairs = []
    for _, _, i, j in sorted(candidates):
        if i not in used_r and j not in used_h:
            used_r.add(i)
            used_h.add(j)
            pairs.append((i, j))
    return sorted(pairs)


# Amounts and their units are the number check's business, not the word alignment's.
_QUANTITY_WORDS = frozenset(
    "hundred hundreds thousand thousands million millions billion billions trillion trillions "
    "percent per cent dozen dozens dollar dollars euro euros pound pounds sterling yen yuan "
    "dinar dinars dirham dirhams riyal riyals rial rials shekel shekels rupee rupees lira liras "
    "franc francs ruble rubles rouble roubles".split()
)
_PRONOUNS_EN = frozenset(
    "i me my mine we us our ours you your yours he him his she her hers it its they them their theirs".split()
)


def _content(tokens: Sequence[Token]) -> list[Token]:
    """Content words; numbers and calendar names are left to their own checks."""
    cal = resources.calendar().english
    return [
        t for t in tokens
        if not is_function_en(t) and t.kind != "number"
        and t.text.lower() not in _QUANTITY_WORDS and t.text.lower().rstrip(".") not in cal
    ]


def support_map(view: SegmentView, ref_tokens: Sequence[Token]) -> dict[int, list[int]]:
    """Reference token index → indices of the Arabic words that render it.

    Gazetteer entities count as a whole: "U.S." is rendered by الأمريكية when both
    name the United States.
    """
    return _support_map(view._arabic, ref_tokens, view.ar_entities, view.ref_entities)


def _support_map(
    index: ArabicWords,
    ref_tokens: Sequence[Token],
    ar_names: Sequence[tuple[int, int, str]],
    ref_names: Sequence[tuple[int, int, str]],
) -> dict[int, list[int]]:
    """:func:`support_map` of the view whose Arabic words ``index`` holds, with these
    gazetteer mentions (Arabic, reference)."""
    supporting = index.supporting
    out = {r.index: list(supporting(r)) for r in ref_tokens}
    ar_by_name: dict[str, list[int]] = {}
    for a, b, name in ar_names:
        ar_by_name.setdefault(name, []).extend(range(a, b))
    for a, b, name in ref_names:
        if name in ar_by_name:
            for k in range(a, b):
                out.setdefault(k, [])
                out[k] = sorted(set(out[k]) | set(ar_by_name[name]))
    return out
