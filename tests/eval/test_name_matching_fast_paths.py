"""Shortcuts of the name matching and the reference's people give what the plain
computations give, on real inputs of the labelled development sets and the bundled example:

* the fewest shared letters :class:`eval.lexicon.translit.EnglishName` asks of an Arabic
  skeleton of each length (``_fewest_shared``) decide exactly as the bound they stand for
  (``_bound(a, e) >= threshold``); the answers of ``EnglishName`` against
  ``name_similarity`` are tested in ``test_view_fast_paths.py`` and
  ``test_view_build_fast_paths.py``;
* the sentence and quotation pass of :func:`eval.lexicon.names.people` skips plain spaces;
* the stem tags of the morphology are memoised;
* :func:`eval.flags.checks.common.reference_names` keeps the names of the view seen last.
"""

from __future__ import annotations

import itertools
import random
import re

import pytest

from eval.flags.checks import common
from eval.lexicon import morphology, names, translit
from eval.lexicon.buckwalter import lexicon
from eval.text.tokens import Token, tokenize_ar, tokenize_en
from tests.labelled_inputs import SEED, articles, recorded_segments

DOCS = [SEED, *articles("A", "B", "C-dev")]


def _texts(name: str) -> list[str]:
    return [(doc / name).read_text(encoding="utf-8") for doc in DOCS]


@pytest.fixture(scope="module")
def arabic_words() -> list[str]:
    return sorted({t.text for text in _texts("article.ar.txt") for t in tokenize_ar(text) if t.kind == "word"})


@pytest.fixture(scope="module")
def english_names() -> list[str]:
    return sorted({
        t.text for name in ("reference.en.txt", "hypothesis.en.txt") for text in _texts(name)
        for t in tokenize_en(text) if t.text[:1].isupper()
    })


def test_fewest_shared_letters_decide_as_the_bound(arabic_words, english_names):
    """Every distinct pair of real skeletons (Arabic length, English skeleton, shared letters)
    at several thresholds, plus made-up skeletons of every length up to 14 letters."""
    ar = {s for w in arabic_words for s in translit._skeletons_ar(w)}
    en = {s for w in english_names for s in translit._skeletons_en(w)}
    made = [translit._skeleton(t) for n in range(15) for t in ("KLMNRBFDGHJ"[:n], "KLMNRTSZ"[:n], "TSZK"[:n])]
    ar |= set(made)
    en |= set(made)
    tried = 0
    for threshold in (translit.THRESHOLD, 0.6, 0.55, 0.9, 1.0, 0.0, -0.1):
        fewest: dict[tuple[int, translit._Skeleton], int] = {}
        for a, e in itertools.product(ar, en):
            if a.ts:
                continue  # the bound is asked
            key = (a.length, e)
            if key not in fewest:
                fewest[key] = translit._fewest_shared(a.length, e, threshold)
            if fewest[key] < 0:
                continue
            by_letters = (a.bits & e.bits).bit_count() >= fewest[key]
            assert by_letters == (translit._bound(a, e) >= threshold), (a.text, e.text, threshold)
            tried += 1
    assert tried > 100000


def test_english_name_matching_equals_name_similarity_on_real_words(arabic_words, english_names):
    """A sample of real pairs (and every word against the names it may match), at three thresholds."""
    rng = random.Random(7)
    for threshold in (translit.THRESHOLD, 0.6, 0.9):
        for en in rng.sample(english_names, 60):
            words = rng.sample(arabic_words, 200)
            expected = [k for k, ar in enumerate(words) if translit.name_similarity(ar, en) >= threshold]
            assert translit.EnglishName(en, threshold).matching(words) == expected, (en, threshold)


def _plain_sentences_and_quotes(text: str, tokens: list[Token]) -> tuple[list[int], list[bool]]:
    """names._sentences_and_quotes without the shortcut for a plain space."""
    sentence_of: list[int] = []
    quoted: list[bool] = []
    sentence = 0
    inside = False
    pos = 0
    for k, tok in enumerate(tokens):
        gap = text[pos : tok.start]
        if "\n" in gap:
            sentence += 1
            inside = False
        for ch in gap:
            if ch in names._OPEN_QUOTES:
                inside = True
            elif ch in names._CLOSE_QUOTES:
                inside = False
            elif ch == '"':
                inside = not inside
        if k and "\n" not in gap and names._SENTENCE_END.search(gap):
            prev = tokens[k - 1].text
            if prev.lower() not in names._ABBREVIATIONS and not (len(prev) == 1 and prev.isupper()):
                sentence += 1
        sentence_of.append(sentence)
        quoted.append(inside)
        pos = tok.end
    return sentence_of, quoted


def test_sentences_and_quotes_equal_the_plain_pass():
    texts = [*_texts("reference.en.txt"), *_texts("hypothesis.en.txt"),
             'He said "we will go." She left. “Yes,” Mr. A. Smith said.\nNew line "open']
    quotes = 0
    for text in texts:
        tokens = tokenize_en(text)
        got = names._sentences_and_quotes(text, tokens)
        assert got == _plain_sentences_and_quotes(text, tokens)
        quotes += sum(got[1])
    assert quotes > 0


def test_stem_tags_equal_the_pattern(arabic_words):
    tried = 0
    for word in arabic_words:
        for analysis in lexicon().analyse(word):
            pos = analysis.stem.pos
            assert morphology._stem_tags(pos) == re.sub(r"[^/+]*/", "/", pos), pos
            tried += 1
    assert tried > 1000


def test_reference_names_of_the_last_view_equal_a_fresh_reading():
    views = [view for view, _ctx in recorded_segments([SEED, *articles("A")[:3]])]
    seen = 0
    for view in views:
        for include_initial in (False, True, False):
            expected = common._reference_names(view, include_initial)
            assert common.reference_names(view, include_initial) == expected
            assert common.reference_names(view, include_initial) == expected  # from the memo
            seen += len(expected)
    assert seen > 50


def test_skeletons_of_folded_forms_equal_those_of_the_forms(arabic_words):
    """The candidates are folded already: folding them again changes no skeleton."""
    table = translit._FOLD_AR
    assert all(translit._fold_ar(chr(k)) == v for k, v in table.items() if v)  # folding is idempotent
    assert all(translit._fold_ar(v) == v for v in table.values() if v)
    forms = 0
    for word in [*arabic_words, "أإآٱ", "ﻻ"]:
        for form in translit.candidates_ar(word):
            assert translit._skeleton_text_folded(form) == translit._skeleton_text_ar(form) == translit.skeleton_ar(form)
            forms += 1
        assert [s.text for s in translit._skeletons_ar(word)] == [
            translit._skeleton_text_ar(f) for f in translit.candidates_ar(word)]
    assert forms > len(arabic_words)


def test_bound_with_the_sure_vowel_conflicts_is_above_the_similarity(arabic_words, english_names):
    """Real candidate pairs (1,200 Arabic forms against every English one) whose bound
    passes the pre-filter at 0.6, and a sample of the others: the similarity never exceeds the bound that counts the vowel conflicts
    sure to count, and that bound rules out some pairs the letters alone let through."""
    ar = sorted({translit._analyse_ar(f) for w in arabic_words for f in translit.candidates_ar(w)})
    en = sorted({translit._analyse_en(f) for w in english_names for f in translit.candidates_en(w)})
    ar_sk = {a: translit._skeleton(a[0]) for a in ar}
    en_sk = {e: translit._skeleton(e[0]) for e in en}
    rng = random.Random(3)
    ar = rng.sample(ar, 1200)
    sample = {(rng.choice(ar), rng.choice(en)) for _ in range(30000)}
    checked = ruled_out = 0
    for a in ar:
        for e in en:
            near = translit._bound(ar_sk[a], en_sk[e]) >= 0.6
            if not near and (a, e) not in sample:
                continue
            bound = translit._bound(ar_sk[a], en_sk[e], translit._vowel_floor(a, e))
            similarity = translit._similarity(a, e)
            assert similarity <= bound, (a, e)
            checked += 1
            ruled_out += near and bound < 0.8 <= translit._bound(ar_sk[a], en_sk[e])
    assert checked > 20000 and ruled_out > 20
