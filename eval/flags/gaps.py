"""Span-level flags from back-translation ↔ reference ↔ Arabic comparison.

Inside each aligned segment:

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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from eval.lexicon import resources
from eval.lexicon.bilingual import (
    ArWord,
    antonyms,
    ar_entities,
    ar_words,
    clitic_match,
    en_entities,
    in_lexicon,
    known_word,
    pronoun_forms,
    related,
    supports,
    synonym_in_text,
)
from eval.text.tokens import Token, fold_latin, is_function_en, tokenize_ar, tokenize_en
from eval.values import Category, Evidence, Flag, HypSpan, Severity, Span, WordLink

MAX_AR_SPAN = 5


@dataclass
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

    @classmethod
    def build(
        cls, bead_id: int, ar: Span, ref: Span, hyp: str, links: tuple[WordLink, ...] | None = None
    ) -> SegmentView:
        ar_tokens = tokenize_ar(ar.text, ar.start or 0)
        ref_tokens = tokenize_en(ref.text, ref.start or 0)
        view = cls(
            bead_id, ar.text, ar.start or 0, ref.text, ref.start or 0, hyp,
            ar_words(ar_tokens), ref_tokens, tokenize_en(hyp), en_entities(ref_tokens),
            ar_entities(ar_tokens),
        )
        view.ref_c = _content(view.ref)
        view.hyp_c = _content(view.hyp_tokens)
        view.pairs = match_tokens(view.ref_c, view.hyp_c)
        view.ar_for_ref = support_map(view, [t for t in view.ref if not is_function_en(t)])
        view.explained_ar = {k for ks in view.ar_for_ref.values() for k in ks}
        if links:
            base = ar.start or 0
            view.links = tuple(
                WordLink(base + x.src_start, base + x.src_end, x.tgt_start, x.tgt_end, x.weight)
                for x in links
            )
        return view

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
        return any(related(token.key, g) for a in self.ar if not a.function for g in a.stems)

    def arabic_for(self, hyp_tokens: Sequence[Token]) -> list[int]:
        """Unexplained Arabic words that the given back-translation words come from.

        By the lexicon (glosses, clitics, names, numbers) and, when the translator gave
        them, by its own source↔target word links.
        """
        linked: set[int] = set()
        if self.links and hyp_tokens:
            for link in self.links:
                if any(link.tgt_start < h.end and h.start < link.tgt_end for h in hyp_tokens):
                    linked.update(
                        k for k, a in enumerate(self.ar)
                        if link.src_start < a.token.end and a.token.start < link.src_end
                    )
        return [
            k for k, a in enumerate(self.ar)
            if k not in self.explained_ar and (
                k in linked
                or any(supports(a, h) or _soft(a, h) for h in hyp_tokens if _may_link(a, h))
            )
        ]

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
    return hyp.kind == "word" and any(related(hyp.key, g) for g in word.stems)


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


def match_tokens(ref: Sequence[Token], hyp: Sequence[Token]) -> list[tuple[int, int]]:
    """One-to-one alignment of two content-token lists, tolerant of reordering.

    Candidate pairs are words that match (same stem, acronym-aware, or near-synonyms);
    they are taken greedily, exact matches first, then by how close their relative
    positions are, so a back-translation that moved a clause still aligns. Returns
    (ref index, hyp index) pairs sorted by ref index.
    """
    n, m = len(ref), len(hyp)
    candidates = []
    for i, r in enumerate(ref):
        for j, h in enumerate(hyp):
            if en_match(r, h):
                exact = r.key == h.key
                distance = abs(i / max(n, 1) - j / max(m, 1))
                candidates.append((not exact, distance, i, j))
    candidates.sort()
    used_r: set[int] = set()
    used_h: set[int] = set()
    pairs = []
    for _, _, i, j in candidates:
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


def gap_flags(view: SegmentView, original_ar: str, original_ref: str, line_ar, line_ref) -> list[Flag]:
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
        if r_gap and ar_sel:
            category = Category.MISTRANSLATION
            severity = Severity.CRITICAL if names or reversed_pairs else Severity.MAJOR
        elif r_gap:
            category = Category.OMISSION
            severity = Severity.MAJOR
        else:
            category = Category.ADDITION
            severity = Severity.MAJOR
        hyp_seen = h_gap or [t for t in view.hyp_between(r_gap) if not is_function_en(t) or t.kind == "acronym"]
        evidence = []
        if r_gap:
            evidence.append(Evidence(
                "reference-unrendered",
                "reference " + ", ".join(
                    f"'{r.text}'" + (" (name)" if r in names else "") for r in r_gap
                ) + " has no counterpart in the back-translation or, by the lexicon, in the Arabic",
            ))
        if ar_sel:
            glosses = "; ".join(f"{a.token.text} → {_gloss_text(a)}" for a in ar_sel)
            evidence.append(Evidence("lexicon", f"the Arabic span glosses as {glosses}"))
        if hyp_seen:
            evidence.append(Evidence(
                "back-translation",
                "the back-translation diverges here: " + " ".join(h.text for h in hyp_seen),
            ))
        if reversed_pairs:
            r, h = reversed_pairs[0]
            evidence.insert(0, Evidence(
                "antonym", f"meaning reversed: the reference says '{r.text}', the back-translation '{h.text}'"))
        confidence = 0.45 + 0.15 * bool(r_gap) + 0.1 * bool(h_gap) + 0.1 * bool(ar_sel and h_gap)
        if reversed_pairs:
            confidence = 0.9
        elif len(r_gap) == 1 and len(h_gap) == 1 and not names:
            # One common word against another is as often a paraphrase the thesaurus
            # misses as a wrong sense: keep it, but below the default threshold.
            confidence = 0.55
        ar_span = (view.ar_span(ar_sel, original_ar, line_ar) if ar_sel
                   else view.insertion(r_gap, original_ar, line_ar))
        flags.append(Flag(
            id="", segment=view.bead_id, category=category, severity=severity,
            confidence=min(confidence, 0.95),
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


def support_map(view: SegmentView, ref_tokens: Sequence[Token]) -> dict[int, list[int]]:
    """Reference token index → indices of the Arabic words that render it.

    Gazetteer entities count as a whole: "U.S." is rendered by الأمريكية when both
    name the United States.
    """
    out = {r.index: [k for k, a in enumerate(view.ar) if supports(a, r)] for r in ref_tokens}
    ar_by_name: dict[str, list[int]] = {}
    for a, b, name in view.ar_entities:
        ar_by_name.setdefault(name, []).extend(range(a, b))
    for a, b, name in view.ref_entities:
        if name in ar_by_name:
            for k in range(a, b):
                out.setdefault(k, [])
                out[k] = sorted(set(out[k]) | set(ar_by_name[name]))
    return out


def _gloss_text(word: ArWord) -> str:
    from eval.lexicon.buckwalter import lexicon

    if word.is_latin or word.token.kind != "word":
        return word.token.text
    parts = []
    for a in lexicon().analyse(word.token.key)[:2]:
        pieces = [g for g in (a.prefix.gloss, a.stem_glosses[0] if a.stem_glosses else "", a.suffix.gloss) if g and not g.startswith("[")]
        parts.append(" + ".join(f"'{p}'" for p in pieces))
    return " / ".join(dict.fromkeys(parts)) or "(not in the lexicon)"
