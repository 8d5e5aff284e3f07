"""The shortcuts behind the segment view (eval/flags/view.py) give exactly what the plain
computations give, on the words of the labelled set A: the name pre-filter on per-word
skeletons and letter bits, the transliteration bound with its TS ↔ Z allowance, and
:func:`eval.lexicon.bilingual.related` on per-stem relations, alone and pooled over an
Arabic word's stems."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from pathlib import Path

import pytest

from eval.lexicon import bilingual, translit
from eval.lexicon.bilingual import ar_words, related, related_to_any
from eval.lexicon.index import lex_index
from eval.text.tokens import tokenize_ar, tokenize_en

ROOT = Path(__file__).resolve().parents[2]
SET_A = sorted((ROOT / "bench" / "data" / "flags" / "A").iterdir())


def _tokens_ar():
    return [t for d in SET_A for t in tokenize_ar((d / "article.ar.txt").read_text(encoding="utf-8"))]


def _tokens_en():
    return [
        t for d in SET_A for name in ("reference.en.txt", "hypothesis.en.txt")
        for t in tokenize_en((d / name).read_text(encoding="utf-8"))
    ]


@pytest.fixture(scope="module")
def arabic_words() -> list[str]:
    return sorted({t.text for t in _tokens_ar() if t.kind == "word"})


@pytest.fixture(scope="module")
def english_names() -> list[str]:
    return sorted({t.text for t in _tokens_en() if t.text[:1].isupper()})


def _old_related(a: str, b: str) -> bool:
    """:func:`related` as it was: the index looked up for each pair."""
    if a == b:
        return True
    index = lex_index()
    for lookup in (index.synonym_groups_of, index.cogloss):
        ia, ib = lookup(a), lookup(b)
        if ia and ib and not ia.isdisjoint(ib):
            return True
    return False


def _plain_bound(sa: str, se: str) -> float:
    """translit's bound of the similarity as its docstring states it, on letter counts."""
    if not sa or not se:
        return 0.0
    if max(len(sa), len(se)) <= 2:
        return 1.0 if sa == se else 0.0
    if min(len(sa), len(se)) < 2:
        return 0.0
    counts_a, counts_e = Counter(sa), Counter(se)
    shared = sum(min(k, counts_e[c]) for c, k in counts_a.items())
    pairs_a = min(sa.count("TS"), se.count("Z"))
    pairs_e = min(se.count("TS"), sa.count("Z"))
    unpaired = max(len(sa) - pairs_a, len(se) - pairs_e) - shared
    return 1.0 - 0.5 * unpaired / max(len(sa), len(se))


def test_bound_on_bits_equals_bound_on_letter_counts(arabic_words, english_names):
    ar = {s for w in arabic_words for s in translit._skeletons_ar(w)}
    en = {s for w in english_names for s in translit._skeletons_en(w)}
    assert any(s.z for s in ar) and any(s.ts for s in en)  # the TS ↔ Z allowance is exercised
    for a, e in itertools.product(ar, en):
        assert translit._bound(a, e) == _plain_bound(a.text, e.text), (a.text, e.text)


def test_bound_is_an_upper_bound_of_the_similarity(arabic_words, english_names):
    """On real candidate skeletons (with their vowels): every pair with a Z or a TS, where
    the TS ↔ Z allowance counts, and a sample of the others."""
    ar = sorted({translit._analyse_ar(f) for w in arabic_words for f in translit.candidates_ar(w)})
    en = sorted({translit._analyse_en(f) for w in english_names for f in translit.candidates_en(w)})
    rng = random.Random(11)
    pairs = [(a, e) for a in ar for e in en if "Z" in a[0] + e[0] and "TS" in a[0] + e[0]]
    pairs += [(rng.choice(ar), rng.choice(en)) for _ in range(20000)]
    checked = 0
    for a, e in pairs:
        bound = _plain_bound(a[0], e[0])
        if bound < 1.0:
            assert translit._similarity(a, e) <= bound, (a, e)
            checked += 1
    assert checked > 10000


def test_bound_holds_for_skeletons_rich_in_ts_and_z():
    """Random skeletons over few letters, many of them T, S and Z: the bound is never below
    one minus the edit distance over the longer length (vowel conflicts only lower it)."""
    rng = random.Random(14)
    letters = "TTSSZZKDHN"
    for _ in range(20000):
        a = "".join(rng.choice(letters) for _ in range(rng.randint(3, 8)))
        b = "".join(rng.choice(letters) for _ in range(rng.randint(3, 8)))
        longest = max(len(a), len(b))
        assert 1.0 - translit.skeleton_distance(a, b) / longest <= _plain_bound(a, b), (a, b)


def test_name_prefilter_never_rejects_a_match(arabic_words, english_names):
    """Every Arabic word of set A against every capitalised English word of its references
    and back-translations: matches_name and EnglishName.matched_by answer as the plain
    name_similarity, and the pre-filter rules out nearly all pairs."""
    rejected = 0
    for en in english_names:
        name = translit.EnglishName(en)
        for ar in arabic_words:
            may = translit._bound_reaches(translit._skeletons_ar(ar), translit._skeletons_en(en), translit.THRESHOLD)
            if may:
                exact = translit.name_similarity(ar, en) >= translit.THRESHOLD
                assert name.matched_by(ar) == exact == translit.matches_name(ar, en), (ar, en)
            else:
                assert not name.matched_by(ar) and not translit.matches_name(ar, en)
                rejected += 1
    assert rejected > 0.9 * len(arabic_words) * len(english_names)
    rng = random.Random(5)
    for ar, en in [(rng.choice(arabic_words), rng.choice(english_names)) for _ in range(5000)]:
        for threshold in (translit.THRESHOLD, 0.6):
            exact = translit.name_similarity(ar, en) >= threshold
            assert translit.EnglishName(en, threshold).matched_by(ar) == exact, (ar, en, threshold)
            assert translit.matches_name(ar, en, threshold) == exact, (ar, en, threshold)


@pytest.fixture(scope="module")
def english_stems() -> list[str]:
    return sorted({t.key for t in _tokens_en() if t.kind == "word"})


def test_related_equals_the_pairwise_lookups(english_stems):
    rng = random.Random(9)
    gloss_stems = sorted({s for w in ar_words(_tokens_ar()) for s in w.stems})
    pairs = [(rng.choice(english_stems), rng.choice(gloss_stems)) for _ in range(10000)]
    pairs += [(rng.choice(english_stems), rng.choice(english_stems)) for _ in range(10000)]
    hits = 0
    for a, b in pairs:
        assert related(a, b) == _old_related(a, b), (a, b)
        hits += _old_related(a, b) and a != b
    assert hits > 50


def test_related_to_any_equals_any_related(english_stems):
    words = [w for w in ar_words(_tokens_ar()) if w.stems]
    hits = 0
    for w in words[::3]:
        for en in english_stems[::4]:
            expected = any(_old_related(en, g) for g in w.stems)
            assert related_to_any(en, w.stems) == expected, (en, sorted(w.stems))
            hits += expected
    assert hits > 100
    assert not related_to_any("anything", frozenset())


def test_relation_memos_are_reset_with_the_index():
    related("plan", "scheme")
    related_to_any("plan", frozenset({"scheme"}))
    lex_index()
    from eval.lexicon import index

    index.reset()
    assert bilingual.relations.cache_info().currsize == 0
    assert bilingual._relations_of_any.cache_info().currsize == 0


def test_indexed_supporting_equals_supports_on_every_pair():
    """Each Arabic sentence of set A against every token (numbers, acronyms, names, pronouns
    included) of the reference and back-translation sentences at and next to its position."""
    from eval.lexicon.bilingual import ArabicWords, supports
    from eval.text.segment import segment

    compared = 0
    for doc in SET_A:
        ar = segment((doc / "article.ar.txt").read_text(encoding="utf-8"), "ar")
        en = [s for name in ("reference.en.txt", "hypothesis.en.txt")
              for s in segment((doc / name).read_text(encoding="utf-8"), "en")]
        for k, sentence in enumerate(ar):
            words = ar_words(tokenize_ar(sentence.text))
            index = ArabicWords(words)
            for other in en[max(0, k - 1): k + 2] + en[len(en) // 2 + k: len(en) // 2 + k + 1]:
                for token in tokenize_en(other.text):
                    expected = tuple(i for i, a in enumerate(words) if supports(a, token))
                    assert index.supporting(token) == expected, (token, sentence.text)
                    compared += len(words)
    assert compared > 50000


def test_batched_names_and_near_synonyms_equal_the_word_by_word_answers(arabic_words, english_names, english_stems):
    from eval.lexicon.bilingual import ArabicWords

    for en in english_names:
        name = translit.EnglishName(en)
        assert name.matching(arabic_words) == [k for k, ar in enumerate(arabic_words) if name.matched_by(ar)]
    words = ar_words(_tokens_ar())[:400]
    index = ArabicWords(words)
    hits = 0
    for en in english_stems[::2]:
        expected = {k for k, a in enumerate(words) if related_to_any(en, a.stems)}
        assert index.related_to(en) == expected, en
        hits += bool(expected)
    assert hits > 100


def test_table_skeletons_equal_the_letter_by_letter_analysis(arabic_words):
    """The regular-expression and table skeleton behind the name pre-filter gives the
    skeleton of :func:`translit._analyse_ar` on every word of set A and its clitic-stripped
    forms, and on random strings of the letters whose class depends on their neighbours
    (و ي ه غ ت ش ن, the vowel letters, alef variants, marks, a tatweel and non-Arabic)."""
    forms = set(arabic_words) | {f for w in arabic_words for f in translit.candidates_ar(w)}
    assert len(forms) > 1500
    for form in forms:
        assert translit._skeleton_text_ar(form) == translit._analyse_ar(form)[0], form
    rng = random.Random(21)
    letters = "اوىيةءئؤعتشهغنبلمسإأآپڤـ\u064e\u0651x1 "
    for _ in range(30000):
        word = "".join(rng.choice(letters) for _ in range(rng.randint(1, 8)))
        assert translit._skeleton_text_ar(word) == translit._analyse_ar(word)[0], word


def test_skeleton_bits_count_each_letter_occurrence(arabic_words):
    """The k-th occurrence of a letter sets bit ``26 * k + ord(letter) - 65``."""
    texts = {s.text for w in arabic_words for s in translit._skeletons_ar(w)} | {"TTT", "SZSZS", "KKKKK"}
    for text in texts:
        expected = 0
        for k, c in enumerate(text):
            expected |= 1 << (26 * text[:k].count(c) + ord(c) - 65)
        assert translit._skeleton(text).bits == expected, text


def _old_match_tokens(ref, hyp):
    """:func:`eval.flags.view.match_tokens` as it was: :func:`en_match` on every pair."""
    from eval.flags.view import MAX_NEAR_DRIFT, en_match, one_to_one

    n, m = len(ref), len(hyp)
    candidates = []
    for i, r in enumerate(ref):
        for j, h in enumerate(hyp):
            exact = r.key == h.key
            distance = abs(i / max(n, 1) - j / max(m, 1))
            if not exact and distance > MAX_NEAR_DRIFT:
                continue
            if en_match(r, h):
                candidates.append((not exact, distance, i, j))
    return one_to_one(candidates)


def test_match_tokens_equals_en_match_on_every_pair():
    """Each reference sentence of set A against its back-translation sentence, all tokens
    (numbers, acronyms, function words) and the content words only."""
    from eval.flags.view import _content, match_tokens
    from eval.text.segment import segment

    kinds: set[str] = set()
    near = 0
    for doc in SET_A:
        ref = segment((doc / "reference.en.txt").read_text(encoding="utf-8"), "en")
        hyp = segment((doc / "hypothesis.en.txt").read_text(encoding="utf-8"), "en")
        for r, h in zip(ref, hyp, strict=False):
            rt, ht = tokenize_en(r.text), tokenize_en(h.text)
            kinds |= {t.kind for t in rt + ht}
            for a, b in ((rt, ht), (_content(rt), _content(ht)), (ht, rt)):
                expected = _old_match_tokens(a, b)
                assert match_tokens(a, b) == expected, (r.text, h.text)
                near += sum(a[i].key != b[j].key for i, j in expected)
    assert {"number", "acronym", "word"} <= kinds
    assert near > 20


def test_hyp_renderings_and_repeated_tokens_equal_the_plain_answers():
    """Views of set A's sentences: :attr:`SegmentView.hyp_renderings` as every Arabic word
    tried for every back-translation token, and the supporters of a token as
    :func:`eval.lexicon.bilingual.supports` on every Arabic word (the view's index answers a
    word it has seen, in the reference or before, from its memo)."""
    from eval.flags.view import SegmentView, _soft
    from eval.lexicon.bilingual import supports
    from eval.text.segment import segment
    from eval.text.tokens import is_function_en
    from eval.values import Span

    rendered = 0
    for doc in SET_A[:6]:
        ar = segment((doc / "article.ar.txt").read_text(encoding="utf-8"), "ar")
        ref = segment((doc / "reference.en.txt").read_text(encoding="utf-8"), "en")
        hyp = segment((doc / "hypothesis.en.txt").read_text(encoding="utf-8"), "en")
        for k, (a, r, h) in enumerate(zip(ar, ref, hyp, strict=False)):
            view = SegmentView.build(k, Span(a.text, 1, 0, len(a.text)), Span(r.text, 1, 0, len(r.text)), h.text)
            expected = {}
            for t in view.hyp_tokens:
                if is_function_en(t):
                    continue
                exact = tuple(i for i, w in enumerate(view.ar) if supports(w, t))
                assert view.supporters(t) == exact, t
                ks = tuple(i for i, w in enumerate(view.ar) if not w.function and (i in exact or _soft(w, t)))
                if ks:
                    expected[t.index] = ks
            assert view.hyp_renderings == expected, h.text
            rendered += len(expected)
    assert rendered > 100


def test_similarity_reaches_equals_the_similarity_at_any_threshold(arabic_words, english_names):
    """Only the candidate pairs whose bound reaches the threshold are analysed: the answer is
    ``name_similarity >= threshold`` on every pair of set A some bound lets through at 0.5,
    and on random pairs, at thresholds from 0 to 1."""
    rng = random.Random(17)
    pairs = [
        (ar, en) for en in english_names[::2] for ar in arabic_words
        if translit._bound_reaches(translit._skeletons_ar(ar), translit._skeletons_en(en), 0.5)
    ]
    pairs += [(rng.choice(arabic_words), rng.choice(english_names)) for _ in range(3000)]
    reached = 0
    for ar, en in pairs:
        similarity = translit.name_similarity(ar, en)
        for threshold in (0.0, 0.5, 0.65, 0.7, 0.8, 0.9, 1.0):
            assert translit._similarity_reaches(ar, en, threshold) == (similarity >= threshold), (ar, en, threshold)
        reached += similarity >= translit.THRESHOLD
    assert reached > 50


def test_bound_reaches_equals_the_bound_of_each_pair(arabic_words, english_names):
    """The pre-filter over all pairs of candidate skeletons answers as ``_bound`` per pair."""
    passed = 0
    for en in english_names[::3]:
        e = translit._skeletons_en(en)
        for ar in arabic_words:
            a = translit._skeletons_ar(ar)
            for threshold in (0.0, 0.75, translit.THRESHOLD, 1.0):
                expected = any(translit._bound(x, y) >= threshold for x in a for y in e)
                assert translit._bound_reaches(a, e, threshold) == expected, (ar, en, threshold)
                passed += expected and threshold > 0.5
    assert passed > 1000


def test_clitic_words_per_affix_pair_equal_each_analysis_glosses(arabic_words):
    """Every analysis of every word of set A: the memo per pair of affix glosses gives the
    words of the analysis's own clitic glosses."""
    from eval.lexicon.bilingual import LATIN_WORD, lexicon
    from eval.text.tokens import normalise_ar_word

    compared = 0
    for word in arabic_words:
        for a in lexicon().analyse(normalise_ar_word(word)):
            expected = {w.lower() for g in a.clitic_glosses for w in LATIN_WORD.findall(g)}
            assert bilingual._clitic_words(a.prefix.gloss, a.suffix.gloss) == expected, a
            compared += bool(expected)
    assert compared > 1000
