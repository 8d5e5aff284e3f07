"""Word tokens with offsets, for span-level comparison of Arabic and English text.

English tokens carry a matching key: the Snowball stem of the lower-cased word,
except for acronyms (two or more capitals, with or without dots: US, U.S.,
NATO), whose key stays upper-case — so "US" never matches the pronoun "us".
Arabic tokens carry their folded form (:func:`eval.text.arabic.fold`: diacritics,
tatweel and bidi marks removed; alef variants, Persian letters and ى folded), numbers
their digits in ASCII.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from types import MappingProxyType

import snowballstemmer

from eval.lexicon import resources
from eval.records import direct_init
from eval.text.arabic import DIGIT_CHARS, LETTER_CHARS, ascii_digits, fold

_EN_TOKEN = re.compile(
    r"(?P<acr>(?:[A-Z]\.){2,})|(?P<num>\d+(?:[.,]\d+)*(?:%|st\b|nd\b|rd\b|th\b)?)|(?P<word>[^\W\d_]+(?:['’](?![sS]\b)[^\W\d_]+)?)"
)
# Letters of the main block, the supplement and the presentation forms.
_AR_LETTERS = LETTER_CHARS + "\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefc"
# What may continue a word: harakat, superscript alef, tatweel, ZWNJ/ZWJ and bidi marks.
_AR_INNER = "\u064b-\u065f\u0670\u0640\u200c-\u200f\u061c"
_AR_TOKEN = re.compile(
    rf"(?P<word>[{_AR_LETTERS}][{_AR_LETTERS}{_AR_INNER}]*)"
    rf"|(?P<num>[{DIGIT_CHARS}]+(?:[.,\u066b\u066c][{DIGIT_CHARS}]+)*%?\u066a?)"
    r"|(?P<latin>[A-Za-z]+(?:['’.-][A-Za-z]+)*\.?)"
)
#: A run of ASCII letters (gloss words, English words of a text).
LATIN_WORD = re.compile(r"[A-Za-z]+")


@direct_init
@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    kind: str  # "word", "acronym", "number" (English); "word", "latin", "number" (Arabic)
    key: str  # matching key: English stem / acronym letters; Arabic normalised form
    index: int = 0

    @property
    def is_capitalised(self) -> bool:
        return self.text[:1].isupper()


@functools.lru_cache(maxsize=1)
def _stemmer():
    """The English Snowball stemmer: snowballstemmer hands out PyStemmer's C build when it
    is installed (a dependency: the same stems, much faster), else its own Python one."""
    return snowballstemmer.stemmer("english")


@functools.lru_cache(maxsize=1)
def _irregular() -> dict[str, str]:
    """Inflected form → base of English irregular verbs (eval/lexicon/resources/irregular_verbs_en.tsv)."""
    out: dict[str, str] = {}
    text = resources.read_text("irregular_verbs_en.tsv")
    for line in text.splitlines()[1:]:
        if line.strip() and not line.startswith("#") and "\t" in line:
            base, forms = line.split("\t", 1)
            for form in forms.split("|"):
                out.setdefault(form.strip(), base.strip())
    return out


@functools.lru_cache(maxsize=1)
def irregular_forms() -> Mapping[str, str]:
    """Past and past-participle forms of English irregular verbs → their base (told → tell)."""
    return MappingProxyType(_irregular())


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball stem of the lower-cased word, irregular verbs first reduced to their base."""
    low = word.lower().replace("’", "'")
    return _stemmer().stemWord(_irregular().get(low, low))


@functools.lru_cache(maxsize=1 << 16)
def fold_latin(word: str) -> str:
    """Lower case without accents: Saïss → saiss, Crédit → credit."""
    return "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))


def spelling_ratio_at_least(a: str, b: str, ratio: float) -> bool:
    """``difflib.SequenceMatcher(None, a, b).ratio() >= ratio``, ruled out first by difflib's
    cheaper upper bounds of that ratio (from the lengths, then from the letter multisets):
    most pairs of words a check compares are far apart."""
    total = len(a) + len(b)
    if total and 2.0 * min(len(a), len(b)) / total < ratio:
        return False  # real_quick_ratio(): even all of the shorter one matching is too little
    matcher = SequenceMatcher(None, a, b)
    return matcher.quick_ratio() >= ratio and matcher.ratio() >= ratio


def en_key(word: str) -> str:
    letters = word.replace(".", "")
    if len(letters) >= 2 and letters.isupper() and letters.isalpha():
        return letters
    return stem(word)


def tokenize_en(text: str, offset: int = 0) -> list[Token]:
    """The English tokens of ``text``, their offsets moved by ``offset``.

    A text is tokenised once (:func:`_tokens_en`, kept for the latest texts: the reference
    check of the sentence alignment and then the segment views tokenise the same sentences);
    each call gets a list of its own."""
    tokens = _tokens_en(text)
    if not offset:
        return list(tokens)
    return [Token(t.text, t.start + offset, t.end + offset, t.kind, t.key, t.index) for t in tokens]


@functools.lru_cache(maxsize=256)
def _tokens_en(text: str) -> tuple[Token, ...]:
    """The tokens of ``text`` at offset 0: :data:`_EN_TOKEN`'s matches but for the ``s``
    of a possessive, each with its kind and key (:func:`_en_kind_key`)."""
    out: list[Token] = []
    for m in _EN_TOKEN.finditer(text):
        word = m.group()
        start = m.start()
        if (word == "s" or word == "S") and start > 0 and text[start - 1] in "'’":
            continue  # possessive 's
        kind, key = _en_kind_key(word)
        out.append(Token(word, start, m.end(), kind, key, len(out)))
    return tuple(out)


@functools.lru_cache(maxsize=1 << 16)
def _en_kind_key(word: str) -> tuple[str, str]:
    """The kind and key of a token :data:`_EN_TOKEN` matched as ``word``, worked out once per
    word. Which of its groups matched follows from the word itself: only a number starts
    with a digit, and of the rest only an acronym has dots."""
    if word[:1].isdecimal():  # \d: the decimal digits
        return "number", re.sub(r"(%|st|nd|rd|th)$", "", word)
    if "." in word or len(word) >= 2 and word.isupper() and word.isalpha():
        return "acronym", en_key(word)
    return "word", en_key(word)


# Hyphens that join the words of a compound (war-torn, tit-for-tat); not dashes.
_HYPHENS = "-\u2010\u2011"
_COMPOUND_WORD = re.compile(rf"[^\W\d_]+(?:[{_HYPHENS}][^\W\d_]+)+")


def compound_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """``start``/``end`` widened to whole hyphenated compounds of letters: a span that cuts
    "tit-for-tat" or "war-torn" takes the whole compound (one word to a reader, though
    :func:`tokenize_en` gives each part its own token). Empty spans stay as they are."""
    if end <= start:
        return start, end
    for m in _COMPOUND_WORD.finditer(text, max(0, start - 64), min(len(text), end + 64)):
        if m.start() < end and start < m.end():
            start, end = min(start, m.start()), max(end, m.end())
    return start, end


@functools.lru_cache(maxsize=1 << 16)
def normalise_ar_word(word: str) -> str:
    """The matching key of an Arabic word: :func:`eval.text.arabic.fold` (ى folded, ة kept)."""
    return fold(word)


def tokenize_ar(text: str, offset: int = 0) -> list[Token]:
    out: list[Token] = []
    for m in _AR_TOKEN.finditer(text):
        kind = m.lastgroup or "word"
        word = m.group()
        if kind == "word":
            key = normalise_ar_word(word)
        elif kind == "num":
            key = ascii_digits(word).rstrip("%\u066a")
            kind = "number"
        else:  # latin
            word = word.rstrip(".")
            key = en_key(word)
        start = m.start() + offset
        out.append(Token(word, start, start + len(word), kind, key, len(out)))
    return out


def is_function_en(token: Token) -> bool:
    return token.kind == "word" and token.text.lower() in resources.stopwords_en()


def is_function_ar(token: Token) -> bool:
    return token.kind == "word" and token.key in _stopwords_ar_folded()


@functools.lru_cache(maxsize=1)
def _stopwords_ar_folded() -> frozenset[str]:
    return frozenset(normalise_ar_word(w) for w in resources.stopwords_ar())
