"""The shortcuts of the segment view's build give exactly what the plain computations give,
on the texts and words of the labelled set A: tokens made by the faster inits, English kinds
and keys memoised per word, Arabic keys memoised, the Buckwalter compatibility tables read as
category maps, stem entries prefetched in one query, and the clitic-gloss index."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from eval.lexicon import buckwalter
from eval.lexicon.bilingual import ArWord, ar_word, ar_words
from eval.lexicon.buckwalter import Analysis, Lexicon, lexicon
from eval.text.arabic import ascii_digits, fold
from eval.text.tokens import _AR_TOKEN, _EN_TOKEN, Token, en_key, tokenize_ar, tokenize_en
from tests.labelled_inputs import plain_analyses

ROOT = Path(__file__).resolve().parents[2]
SET_A = sorted((ROOT / "bench" / "data" / "flags" / "A").iterdir())


def _texts(name: str) -> list[str]:
    return [(d / name).read_text(encoding="utf-8") for d in SET_A]


def _plain_tokenize_en(text: str, offset: int = 0) -> list[Token]:
    """:func:`tokenize_en` as it was: the kind from the regex group, the key per token."""
    out: list[Token] = []
    for m in _EN_TOKEN.finditer(text):
        kind = m.lastgroup or "word"
        word = m.group()
        if word in ("s", "S") and m.start() > 0 and text[m.start() - 1] in "'’":
            continue
        if kind == "word" and len(word) >= 2 and word.isupper() and word.isalpha() or kind == "acr":
            kind = "acronym"
        key = re.sub(r"(%|st|nd|rd|th)$", "", word) if kind == "num" else en_key(word)
        out.append(
            Token(word, m.start() + offset, m.end() + offset, "number" if kind == "num" else kind, key, len(out))
        )
    return out


def _plain_tokenize_ar(text: str, offset: int = 0) -> list[Token]:
    """:func:`tokenize_ar` as it was: every key folded afresh."""
    out: list[Token] = []
    for m in _AR_TOKEN.finditer(text):
        kind = m.lastgroup or "word"
        word = m.group()
        if kind == "num":
            key = ascii_digits(word).rstrip("%\u066a")
            kind = "number"
        elif kind == "latin":
            word = word.rstrip(".")
            key = en_key(word)
        else:
            key = fold(word)
        out.append(Token(word, m.start() + offset, m.start() + len(word) + offset, kind, key, len(out)))
    return out


_EDGE_EN = (
    "The U.S. and NATO met on 3rd May 1990s; A.B. said 1,200.5% of the US’s and Trump's "
    "staff, e.g. ² and ٣ and ٤٥, O'Neill’s X-ray, I, A, U.N.-backed, 21st, 12th and 2nd."
)


def test_tokenize_en_equals_the_plain_tokeniser():
    texts = [*_texts("reference.en.txt"), *_texts("hypothesis.en.txt"), _EDGE_EN]
    kinds: set[str] = set()
    for k, text in enumerate(texts):
        expected = _plain_tokenize_en(text, k)
        assert tokenize_en(text, k) == expected
        assert [repr(t) for t in tokenize_en(text, k)] == [repr(t) for t in expected]
        kinds |= {t.kind for t in expected}
    assert kinds == {"word", "acronym", "number"}


def test_tokenize_ar_equals_the_plain_tokeniser():
    texts = [*_texts("article.ar.txt"), "وقال ٣٫٥٪ من NATO. و U.S. بالإضافة إلى ١٢٣ مليون"]
    kinds: set[str] = set()
    for k, text in enumerate(texts):
        expected = _plain_tokenize_ar(text, 7 * k)
        assert tokenize_ar(text, 7 * k) == expected
        kinds |= {t.kind for t in expected}
    assert kinds == {"word", "latin", "number"}


@dataclasses.dataclass(frozen=True)
class _PlainToken:
    """Token with the __init__ a frozen dataclass generates."""

    text: str
    start: int
    end: int
    kind: str
    key: str
    index: int = 0


def test_fast_inits_keep_the_dataclass_behaviour():
    token = Token("Merz", 3, 7, "word", "merz", 2)
    plain = _PlainToken("Merz", 3, 7, "word", "merz", 2)
    assert dataclasses.astuple(token) == dataclasses.astuple(plain)
    assert repr(token) == repr(plain).replace("_PlainToken", "Token")
    assert token == Token("Merz", 3, 7, "word", "merz", 2) and hash(token) == hash(Token("Merz", 3, 7, "word", "merz", 2))
    assert token != Token("Merz", 3, 7, "word", "merz", 3)
    assert Token("a", 0, 1, "word", "a").index == 0
    assert Token(text="a", start=0, end=1, kind="word", key="a", index=4).index == 4
    assert dataclasses.replace(token, index=5) == Token("Merz", 3, 7, "word", "merz", 5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        token.key = "x"  # type: ignore[misc]
    word = ar_word(tokenize_ar("ميرتس")[0])
    assert dataclasses.replace(word) == word and hash(dataclasses.replace(word)) == hash(word)
    assert [f.name for f in dataclasses.fields(ArWord)] == list(vars(word))
    with pytest.raises(dataclasses.FrozenInstanceError):
        word.known = False  # type: ignore[misc]
    analysis = lexicon().analyse("منا")[0]
    assert Analysis(analysis.prefix, analysis.stem, analysis.suffix) == analysis
    assert list(vars(analysis)) == ["prefix", "stem", "suffix"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        analysis.stem = analysis.prefix  # type: ignore[misc]


@pytest.fixture(scope="module")
def arabic_keys() -> list[str]:
    return sorted({t.key for text in _texts("article.ar.txt") for t in tokenize_ar(text) if t.kind == "word"})


def test_analyses_equal_the_plain_analyser(arabic_keys):
    """Every word of set A's articles, analysed by a new lexicon in one prefetch of them
    all, and by another word by word: both as the plain triple loop over the tables."""
    prefetched, plain = Lexicon(), Lexicon()
    prefetched.prefetch(arabic_keys)
    analysed = 0
    for key in arabic_keys:
        expected = tuple(plain_analyses(plain, key))
        assert prefetched.analyse(key) == expected == plain.analyse(key), key
        analysed += bool(expected)
    assert analysed > 0.8 * len(arabic_keys)
    assert ar_words(tokenize_ar(" ".join(arabic_keys[:300]))) == [ar_word(t) for t in tokenize_ar(" ".join(arabic_keys[:300]))]


def test_table_maps_equal_the_string_tests():
    lex = lexicon()
    categories = {e.category for entries in (*lex.prefixes.values(), *lex.suffixes.values()) for e in entries}
    categories |= {x for table in (lex.table_ab, lex.table_ac, lex.table_bc) for line in table for x in line.split()}
    for table in (lex.table_ab, lex.table_ac, lex.table_bc):
        pairs = buckwalter._pairs(table)
        for x in categories:
            for y in categories:
                assert (y in pairs.get(x, ())) == (f"{x} {y}" in table), (x, y)
    # A category with a space in it still pairs as the formatted string would.
    odd = buckwalter._pairs(frozenset({"A B C", "D E"}))
    assert odd == {"A": {"B C"}, "A B": {"C"}, "D": {"E"}}


def test_english_name_answers_equal_name_similarity():
    """Each capitalised word of set A's references against the Arabic words of every article
    sentence, twice (the second time from the memo), at two thresholds: matching and
    matched_by as the plain name_similarity."""
    from eval.lexicon import translit
    from eval.text.segment import segment

    sentences = [
        [t.text for t in tokenize_ar(s.text) if t.kind == "word"]
        for text in _texts("article.ar.txt")[:4] for s in segment(text, "ar")
    ]
    names = sorted({t.text for text in _texts("reference.en.txt")[:4] for t in tokenize_en(text) if t.text[:1].isupper()})
    matched = 0
    for threshold in (translit.THRESHOLD, 0.6):
        for _ in range(2):
            for en in names[::3]:
                for words in sentences[::2]:
                    expected = [k for k, ar in enumerate(words) if translit.name_similarity(ar, en) >= threshold]
                    name = translit.EnglishName(en, threshold)
                    assert name.matching(words) == expected, (en, words)
                    assert [k for k, ar in enumerate(words) if name.matched_by(ar)] == expected
                    matched += len(expected)
    assert matched > 50


def test_clitic_splits_equal_every_prefix_tried(arabic_keys):
    from eval.text.arabic import CLITIC_PREFIXES, NAME_CLITIC_PREFIXES, clitic_splits

    odd = ("", "ال", "و", "وال")
    split = 0
    for word in [*arabic_keys, "", "و", "ال", "x"]:
        for prefixes in (CLITIC_PREFIXES, NAME_CLITIC_PREFIXES, odd, list(CLITIC_PREFIXES)):
            expected = [(p, word[len(p):]) for p in prefixes if word.startswith(p)]
            assert clitic_splits(word, prefixes) == expected, (word, prefixes)
            split += bool(expected)
    assert split > len(arabic_keys)
