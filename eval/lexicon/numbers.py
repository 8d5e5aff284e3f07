"""Numbers in Arabic and English text, with offsets, and their comparison.

:func:`extract_numbers_ar` and :func:`extract_numbers_en` find

* digits — Western (0-9), Arabic-Indic (٠-٩) and Persian (۰-۹), with the decimal
  separators ``.`` ``٫`` and the thousands separators ``,`` ``٬`` (groups of three);
* number words from ``eval/lexicon/resources/numbers_{ar,en}.tsv``, composed into one value
  (two hundred and fifty thousand; ثلاثة آلاف وخمسمئة; خمسة وعشرون); Arabic words may
  carry the clitics و ف ب ل ك and the article (وثلاثة, بالمئة, الثلاثة);
* scale words after a number or alone: "1.1 billion", "1.1 مليار", "26 million",
  "1.1bn", "ثلاثة ملايين", "مليون" (1e6), duals "ملياري دولار" (2e9), "ألف مليون" (1e9),
  "مليون ونصف" and "one and a half million" (1.5e6), "half a million"/"نصف مليون" (5e5);
* percentages: "30%", "30 percent", "30 per cent", "30 بالمئة", "٣٠٪", "%30" → 30,
  kind ``percent``;
* fractions: "half", "a third", "a seventh of", "two-thirds", "three fifths", "نصف",
  "ثلث", "ثلاثة أرباع", "ثلاثة أخماس"; "half a dozen" (6);
* multiples (kind ``multiple``, value the factor): "twice", "three times", "three-fold",
  "tenfold", "doubled", "tripled", "halved" (0.5), "مرتين", "ثلاث مرات", "ثلاثة أضعاف",
  "ضعفين"; a multiple also reads as the percentage it means (doubled = 100%);
* ordinals: "first", "21st", "twenty-first", "ninth", "الأول", "الحادي والعشرون", and Roman
  numerals II–XXXIX after a capitalised word (Elizabeth II, World War II ↔ الثانية);
* units (``NumberMention.unit``, from ``units.tsv``): the unit or currency after a number
  ("120-megawatt", "12km", "38°C", "3 million dinars", "40 ألف طن", "5 مليارات دولار"), a
  currency sign before an English one ($5bn), "a decade", "an hour and a half", and the
  Arabic duals that are numbers alone (يومين = 2 days, عقدين = 2 decades), ساعة ونصف;
  "percentage points" / نقاط مئوية make a percentage in that unit; the span of the whole
  quantity is ``[start, quantity_end)``;
* signs: "minus 8", "سالب 8", "8 درجات تحت الصفر", "2 degrees below zero" (negative);
* years: a bare four-digit number from 1900 to 2100 (no separator, scale or percent);
* dates: a day number (1–31) next to a month name — "Sept. 4", "4 September",
  "the fourth of July", "4 سبتمبر", "الرابع من أيلول" — kind ``date``, value the day,
  the span covering the month name too;
* approximate quantities (kind ``approximate``, value the order of magnitude): "dozens",
  "hundreds", "thousands", "tens of thousands", "عشرات", "مئات", "آلاف", "عشرات الآلاف".

A fraction next to an ordinal is a period, not a number ("first half", "النصف الأول",
"the second quarter"), and so is the first part of a hyphenated compound ("half-time",
"quarter-final"); "a third" before a content word is the ordinal ("a third consecutive
winter"), before "of" or a function word the fraction, and keeps the other reading
(``NumberMention.readings``), as do the Arabic words with two readings (خمس: 5 or 1/5).
A word that is also an ordinary word (ضعف "double"/"weakness") is ``ambiguous``.

Spans cover every word of a number, including its scale and percent words; numbers
never run across a line break. Digits glued
to Latin letters before them (G7, F-16, COVID-19) are codes, not numbers; a bare "m" or
"k" after digits is a scale only right after a currency sign ($5m). The Arabic weekdays
الاثنين and الأحد are not read as numbers, nor are the ordinals inside month names
(تشرين الأول, كانون الثاني).

:func:`compare_numbers` compares the numbers of an Arabic text and its English
reference as multisets of quantities (see its docstring); :func:`pair_numbers` also pairs
the numbers that disagree.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from eval.lexicon import resources
from eval.lexicon.resources import NumberWord, QuantityUnit, fold_ar
from eval.text.arabic import (
    CLITIC_PREFIXES,
    DIGIT_CHARS,
    LETTER_CHARS,
    PRONOUN_SUFFIXES,
    ascii_digits,
    clitic_splits,
)

__all__ = [
    "NumberKind",
    "CONVERSION_TOLERANCE",
    "NumberComparison",
    "NumberMention",
    "compare_numbers",
    "extract_numbers_ar",
    "extract_numbers_en",
    "is_small_word",
    "openings",
    "pair_numbers",
    "same_number",
]

NumberKind = Literal[
    "cardinal", "percent", "ordinal", "fraction", "multiple", "year", "date", "approximate"
]


@dataclass(frozen=True)
class NumberMention:
    """One number in a text: its value, half-open span ``[start, end)`` and kind.

    ``unit``: the unit of measurement or currency that follows it (``None``: none read);
    ``quantity_end``: where the number's unit and sign words end (``end`` when there are
    none) — ``[start, quantity_end)`` is the whole quantity, "120 كيلوواط", "8 درجات
    تحت الصفر". ``readings``: other (value, kind) readings of an ambiguous word (خمس: 5
    or 1/5). ``ambiguous``: the word is also an ordinary word (ضعف "double"/"weakness"):
    it matches and contradicts a number on the other side but is never reported alone.
    """

    value: float
    start: int
    end: int
    text: str
    kind: NumberKind
    unit: QuantityUnit | None = None
    quantity_end: int = -1
    readings: tuple[tuple[float, NumberKind], ...] = ()
    ambiguous: bool = False

    @property
    def quantity_span(self) -> tuple[int, int]:
        """``(start, end)`` of the number with its unit and sign words."""
        return self.start, max(self.end, self.quantity_end)

    def all_readings(self) -> tuple[tuple[float, NumberKind], ...]:
        """``(value, kind)`` first, then the other readings."""
        return ((self.value, self.kind), *self.readings)


# --- tokens ---------------------------------------------------------------------------------

_D = DIGIT_CHARS
_AR_LETTER = LETTER_CHARS
_AR_INNER = "\u0621-\u065f\u0670-\u06d3\u06fa-\u06ff\u0640"
_TOKEN = re.compile(
    rf"(?P<num>(?<![{_D}])(?:[{_D}]{{1,3}}(?:[,\u066c][{_D}]{{3}})+(?![{_D}])|[{_D}]+)"
    rf"(?:[.\u066b][{_D}]+)?)"
    rf"|(?P<ar>[{_AR_LETTER}\u0640][{_AR_INNER}]*)"
    r"|(?P<en>[A-Za-z]+(?:['’][A-Za-z]+)?)"
    r"|(?P<pct>[%\u066a\ufe6a\uff05])"
)
_SUFFIX = re.compile(r"(st|nd|rd|th|bn|bln|mn|mln|tn|trn|m|k|s)(?![A-Za-z])", re.IGNORECASE)
_SUFFIX_SCALE = {"bn": 1e9, "bln": 1e9, "mn": 1e6, "mln": 1e6, "tn": 1e12, "trn": 1e12,
                 "m": 1e6, "k": 1e3}
_CURRENCY = frozenset("$£€¥₹")
_CODE_BEFORE = re.compile(r"[A-Za-z][-‐‑]?$")
_EN_ARTICLES = frozenset({"a", "an"})
_EN_JOINERS = frozenset({"and"})
_OF = {"en": frozenset({"of"}), "ar": frozenset({"من"})}
_ROMAN = re.compile(r"(?=[IVX]{2,}$)X{0,3}(IX|IV|V?I{0,3})")  # II … XXXIX
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}
_MAX_WORDS = 3


@dataclass(slots=True)
class _Item:
    """A token or multi-word unit the number parser sees."""

    type: str  # num, word, and, a, of, pct, month, other
    start: int
    end: int
    gap: str  # text between the previous item and this one
    value: float = 0.0
    word: NumberWord | None = None
    conj: bool = False  # an Arabic word carried the conjunction و
    digits: str = ""  # a num item's text without separators
    plain: bool = False  # a num item without separators or decimals
    suffix: str = ""  # letters glued to a num item (th, bn, m …)
    text: str = ""


@dataclass(slots=True)
class _Tok:
    kind: str
    start: int
    end: int
    text: str
    key: str


#: :func:`fold_ar` of one word, memoised (a text's words recur across its segments).
_fold_word = functools.lru_cache(maxsize=1 << 16)(fold_ar)


def _tokens(text: str) -> list[_Tok]:
    out = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or ""
        word = m.group()
        if kind == "ar":
            key = _fold_word(word)
        elif kind == "en":
            key = word.lower().replace("’", "'")
        else:
            key = word
        out.append(_Tok(kind, m.start(), m.end(), word, key))
    return out


def _gap_ok(gap: str, language: str) -> bool:
    """Whether two words with this text between them can belong to one number.

    Spaces (or, in English, a hyphen) join; a line break never does: a headline and the
    next line are separate sentences.
    """
    if "\n" in gap or "\r" in gap:
        return False
    if not gap.strip():
        return True
    return language == "en" and gap.strip() == "-"


@functools.lru_cache(maxsize=1 << 16)
def _ar_word_candidates(key: str) -> tuple[tuple[str, bool], ...]:
    """A folded Arabic word and its clitic-stripped forms, with "had the conjunction و"."""
    out = [(key, False)]
    for prefix, rest in clitic_splits(key, CLITIC_PREFIXES):
        if len(rest) >= 3 or (len(rest) >= 2 and prefix == "و"):
            out.append((rest, prefix.startswith("و")))
    return tuple(out)


#: id of a number table → (the table, the words a phrase of it can start with).
_OPENINGS: dict[int, tuple[Mapping[str, NumberWord], frozenset[str]]] = {}


def openings(table: Mapping[str, NumberWord], language: str) -> frozenset[str]:
    """The first words of the table's keys, and (Arabic) its one-word keys with a pronoun
    suffix: a word that is none of these starts no number phrase (see :func:`_word_at`)."""
    hit = _OPENINGS.get(id(table))
    if hit is not None and hit[0] is table:
        return hit[1]
    words = {key.split(" ")[0] for key in table}
    if language == "ar":
        words |= {key + suffix for key in table if " " not in key for suffix in PRONOUN_SUFFIXES}
    _OPENINGS[id(table)] = (table, frozenset(words))
    return _OPENINGS[id(table)][1]


def _month_at(toks: list[_Tok], i: int, text: str, language: str) -> int:
    """Number of tokens (0, 1 or 2) of a month name starting at token ``i``."""
    cal = resources.calendar()
    tok = toks[i]
    if language == "en":
        if tok.kind == "en" and tok.text[:1].isupper():
            name = cal.english.get(tok.key)
            if name and cal.kind[name] == "month":
                return 1
        return 0
    if tok.kind != "ar":
        return 0
    for first, _conj in _ar_word_candidates(tok.key):
        if i + 1 < len(toks) and toks[i + 1].kind == "ar" and _gap_ok(text[tok.end:toks[i + 1].start], "ar"):
            name = cal.arabic.get(first + " " + toks[i + 1].key)
            if name and cal.kind[name] == "month":
                return 2
        name = cal.arabic.get(first)
        if name and cal.kind[name] == "month":
            return 1
    return 0


def _is_weekday_ar(key: str) -> bool:
    cal = resources.calendar()
    return any(cal.kind.get(cal.arabic.get(form, ""), "") == "weekday"
               for form, _conj in _ar_word_candidates(key))


#: :func:`_key_flags` bits: what a word may start or be.
_MONTH = 1  # a month name (:func:`_month_at` may find one here)
_OPENS = 2  # a number word or phrase (:func:`_word_at` may find one here)
_UNIT = 4  # Arabic: a unit noun in one of its clitic forms (see :meth:`_Parser.unit_word`)
_SPECIAL = 8  # an article, "of" or "and" item (:func:`_items`)
_ROMAN_LETTERS = 16  # English: only the letters of a Roman numeral, two or more
_WEEKDAY = 32  # Arabic, in the form tables only: a weekday name (see :func:`_is_weekday_ar`)
_ALL_FLAGS = _MONTH | _OPENS | _UNIT | _SPECIAL | _ROMAN_LETTERS
_SPECIAL_KEYS = {"en": _EN_ARTICLES | _OF["en"] | _EN_JOINERS, "ar": _OF["ar"] | {"و"}}


@functools.lru_cache(maxsize=2)
def _form_flags(language: str) -> dict[str, int]:
    """Word form → its :data:`_MONTH`, :data:`_OPENS`, :data:`_UNIT` and :data:`_WEEKDAY`
    bits: a month name or the beginning (up to a space) of one, the first word of a number
    phrase (:func:`openings`), an Arabic unit noun, an Arabic weekday."""
    cal = resources.calendar()
    out: dict[str, int] = {}

    def add(form: str, bit: int) -> None:
        out[form] = out.get(form, 0) | bit

    names = cal.english if language == "en" else cal.arabic
    for form, name in names.items():
        if cal.kind[name] == "month":
            add(form, _MONTH)
            for k, c in enumerate(form):
                if c == " ":
                    add(form[:k], _MONTH)
        elif cal.kind[name] == "weekday" and language == "ar":
            add(form, _WEEKDAY)
    table = resources.numbers_en() if language == "en" else resources.numbers_ar()
    for form in openings(table, language):
        add(form, _OPENS)
    if language == "ar":
        units = resources.units()
        for form in [*units.arabic, *units.arabic_dual]:
            add(form, _UNIT)
    return out


@functools.lru_cache(maxsize=1)
def _form_endings() -> frozenset[str]:
    """The last two letters of every Arabic form of :func:`_form_flags`."""
    return frozenset(form[-2:] for form in _form_flags("ar"))


@functools.lru_cache(maxsize=1 << 16)
def _key_flags(key: str, language: str) -> int:
    """An exact pre-filter for a word of ``language``'s script (its token key): the bits
    :data:`_MONTH`, :data:`_OPENS`, :data:`_UNIT`, :data:`_SPECIAL` and
    :data:`_ROMAN_LETTERS` of what it may start or be.

    A bit left out means the full test cannot succeed (a superset of the words that do
    is kept): most words start no number, month or unit, and are passed over at once.
    Arabic words are tested in each of their clitic forms (:func:`_ar_word_candidates`),
    as :func:`_month_at`, :func:`_word_at` and :meth:`_Parser.unit_word` test them — unless
    the word (two letters or more) ends in two letters no form ends with: its clitic forms
    are its endings of two letters or more.
    """
    table = _form_flags(language)
    flags = _SPECIAL if key in _SPECIAL_KEYS[language] else 0
    if language == "en":
        if len(key) >= 2 and not key.strip("ivx"):
            flags |= _ROMAN_LETTERS
        return flags | table.get(key, 0)
    if len(key) >= 2 and key[-2:] not in _form_endings():
        return flags  # no clitic form of it (each ends as it does) is in the table
    for form, _conj in _ar_word_candidates(key):
        flags |= table.get(form, 0)
    if flags & _WEEKDAY:
        flags &= ~_OPENS  # الاثنين, الأحد: not "the two" and "one" (see _word_at)
    return flags & _ALL_FLAGS


def _word_at(toks: list[_Tok], i: int, text: str, language: str) -> tuple[NumberWord, int, bool] | None:
    """The longest number word or phrase starting at token ``i``: (word, tokens, conj)."""
    table = resources.numbers_ar() if language == "ar" else resources.numbers_en()
    kind = "ar" if language == "ar" else "en"
    if toks[i].kind != kind:
        return None
    if language == "ar" and _is_weekday_ar(toks[i].key):
        return None  # الاثنين, الأحد: Monday and Sunday, not "the two" and "one"
    # Every key looked up below starts with one of the first word's forms, or (a pronoun
    # suffix stripped from one word) is that form without its suffix.
    starts = openings(table, language)
    firsts = _ar_word_candidates(toks[i].key) if language == "ar" else ((toks[i].key, False),)
    if not any(first in starts for first, _conj in firsts):
        return None
    span = [toks[i]]
    for k in range(i + 1, min(i + _MAX_WORDS, len(toks))):
        if toks[k].kind != kind or not _gap_ok(text[toks[k - 1].end:toks[k].start], language):
            break
        span.append(toks[k])
    for n in range(len(span), 0, -1):
        rest = " ".join(t.key for t in span[1:n])
        for first, conj in firsts:
            key = f"{first} {rest}" if rest else first
            word = table.get(key)
            if word is not None:
                return word, n, conj
            if language == "ar":
                # a pronoun suffix on a fraction: نصفهم, ثلثها, ثلاثة أرباعهم, خمسهم
                for suffix in PRONOUN_SUFFIXES:
                    if key.endswith(suffix) and len(key) - len(suffix) >= 3:
                        word = table.get(key[: -len(suffix)])
                        fraction = _fraction_reading(word) if word is not None else None
                        if fraction is not None:
                            return fraction, n, conj
    return None


def _fraction_reading(word: NumberWord) -> NumberWord | None:
    """The word as a fraction: itself, or its fraction reading (خمس → 1/5), or None."""
    if word.kind == "fraction":
        return word
    value = next((v for v, k in word.readings if k == "fraction"), None)
    return None if value is None else NumberWord(word.form, value, "fraction", (), word.ambiguous)


def _num_item(tok: _Tok, text: str, gap: str) -> _Item | None:
    before = text[max(0, tok.start - 2):tok.start]
    if _CODE_BEFORE.search(before):
        return None  # G7, F-16, COVID-19: a code, not a number
    raw = ascii_digits(tok.text)
    grouped = "," in raw
    digits = raw.replace(",", "")
    try:
        value = float(digits)
    except ValueError:
        return None
    item = _Item("num", tok.start, tok.end, gap, value=value, digits=digits,
                 plain=not grouped and "." not in digits, text=tok.text)
    m = _SUFFIX.match(text, tok.end)
    if m:
        suffix = m.group(1).lower()
        currency = tok.start > 0 and text[tok.start - 1] in _CURRENCY
        if suffix in ("m", "k") and not currency:
            return item
        item.suffix = suffix
        item.end = m.end()
    elif re.match(r"[A-Za-z]", text[tok.end:tok.end + 1]):
        item.suffix = "?"  # glued letters of a unit or code (10km, 5G): keep the number only
    return item


def _roman(numeral: str) -> float:
    values = [_ROMAN_VALUES[c] for c in numeral]
    return float(sum(-v if k + 1 < len(values) and v < values[k + 1] else v for k, v in enumerate(values)))


def _word_flags(toks: list[_Tok], language: str) -> list[int]:
    """:func:`_key_flags` of each token of ``language``'s script; 0 for the other tokens."""
    own = "ar" if language == "ar" else "en"
    return [_key_flags(tok.key, language) if tok.kind == own else 0 for tok in toks]


def _may_hold_number(toks: list[_Tok], flags: list[int], language: str) -> bool:
    """An exact pre-filter of :func:`_extract` (``flags``: :func:`_word_flags`): whether
    some token can start what :meth:`_Parser.parse` reads a number from — digits, a
    percent sign, a number word (:data:`_OPENS`), an Arabic unit noun (:data:`_UNIT`: a
    dual or a unit with a fraction), a Roman numeral (Latin letters in Arabic text too), an
    English article ("an hour"). Without one the text has no number, whatever its months,
    "of" or "and"."""
    if language == "ar":
        return any(f & (_OPENS | _UNIT) for f in flags) or any(tok.kind != "ar" for tok in toks)
    return any(f & (_OPENS | _ROMAN_LETTERS) for f in flags) or any(
        tok.kind == "num" or tok.kind == "en" and tok.key in _EN_ARTICLES for tok in toks)


def _items(text: str, language: str, toks: list[_Tok] | None = None, flags: list[int] | None = None) -> list[_Item]:
    """The items the number parser reads of ``text`` (``toks``: its :func:`_tokens`, and
    ``flags`` their :func:`_word_flags`, if known)."""
    if toks is None:
        toks = _tokens(text)
    if flags is None:
        flags = _word_flags(toks, language)
    items: list[_Item] = []
    own_kind = "ar" if language == "ar" else "en"
    i = 0
    prev_end = 0
    while i < len(toks):
        tok = toks[i]
        gap = text[prev_end:tok.start]
        item: _Item | None = None
        n = 1
        word_flags = flags[i]
        if not word_flags and tok.kind == own_kind:
            # a word that starts no month, number, Roman numeral or article/of/and item
            items.append(_Item("other", tok.start, tok.end, gap, text=tok.text))
            prev_end = tok.end
            i += 1
            continue
        # Without its flag bit (or of the other script), a word starts no month or number
        # word: _month_at and _word_at would find nothing.
        months = _month_at(toks, i, text, language) if word_flags & _MONTH else 0
        if months:
            n = months
            item = _Item("month", tok.start, toks[i + n - 1].end, gap)
        elif tok.kind == "num":
            item = _num_item(tok, text, gap)
        elif (tok.kind == "en" and i > 0 and toks[i - 1].kind == "en" and toks[i - 1].text[:1].isupper()
              and not gap.strip() and _ROMAN.fullmatch(tok.text)):
            # Elizabeth II, Mohammed VI, World War II: an ordinal
            item = _Item("num", tok.start, tok.end, gap, value=_roman(tok.text), digits=tok.text,
                         suffix="th")
        elif tok.kind == "pct":
            item = _Item("pct", tok.start, tok.end, gap)
        else:
            found = _word_at(toks, i, text, language) if word_flags & _OPENS else None
            if found is not None:
                word, n, conj = found
                item = _Item("word", tok.start, toks[i + n - 1].end, gap, value=word.value,
                             word=word, conj=conj)
            elif language == "en" and tok.key in _EN_ARTICLES:
                item = _Item("a", tok.start, tok.end, gap)
            elif tok.key in _OF[language]:
                item = _Item("of", tok.start, tok.end, gap)
            elif (language == "en" and tok.key in _EN_JOINERS) or (language == "ar" and tok.key == "و"):
                item = _Item("and", tok.start, tok.end, gap)
        if item is None:
            item = _Item("other", tok.start, toks[i].end, gap)
        item.text = text[item.start:item.end]
        items.append(item)
        prev_end = item.end
        i += n
        while i < len(toks) and toks[i].start < item.end:
            i += 1  # letters glued to digits and taken as a suffix (1.1bn, 4th)
    return items


# --- parsing --------------------------------------------------------------------------------

_MENTION_KINDS = frozenset({"cardinal", "ordinal", "fraction", "multiple"})
#: Dimensions whose unit after "a"/"an" is not a quantity of one ("to a degree").
_NOT_ONE_OF = frozenset({"degree", "currency", "points", "temperature"})


def _unit_key(text: str, language: str) -> str:
    return fold_ar(text) if language == "ar" else text.lower().replace("’", "'")


def _is_denominator(value: float) -> bool:
    """An ordinal that also names a fraction: third … tenth, hundredth, thousandth."""
    return value == int(value) and (3 <= value <= 10 or value in (100, 1000))


def _kind_of(item: _Item) -> str:
    return item.word.kind if item.word is not None else ""


def _is_scale(item: _Item, plural_ok: bool = True) -> bool:
    kinds = ("scale", "scale-plural") if plural_ok else ("scale",)
    return item.type == "word" and _kind_of(item) in kinds


class _Parser:
    def __init__(self, items: list[_Item], language: str, text: str) -> None:
        self.items = items
        self.language = language
        self.text = text

    def at(self, i: int) -> _Item | None:
        return self.items[i] if 0 <= i < len(self.items) else None

    def linked(self, i: int) -> _Item | None:
        """Item ``i`` if it directly continues the previous one (only spaces or a hyphen between)."""
        item = self.at(i)
        if item is None or not _gap_ok(item.gap, self.language):
            return None
        return item

    def mention(
        self, value: float, start: int, end: int, kind: NumberKind, *,
        unit: QuantityUnit | None = None, quantity_end: int = -1, word: NumberWord | None = None,
    ) -> NumberMention:
        readings: tuple[tuple[float, NumberKind], ...] = ()
        if word is not None and word.readings:
            readings = tuple((v, k) for v, k in word.readings if k in _MENTION_KINDS)  # type: ignore[misc]
        if kind == "multiple" and value != 1:
            readings += ((round(abs(value - 1) * 100, 9), "percent"),)  # doubled = up 100%, halved = down 50%
        return NumberMention(value, start, end, self.text[start:end], kind, unit,
                             quantity_end if quantity_end > end else -1, readings,
                             word is not None and word.ambiguous)

    # -- units --

    def unit_at(self, j: int) -> tuple[QuantityUnit, int, int] | None:
        """The unit of measurement or currency starting at item ``j``: (unit, its end, next item)."""
        first = self.at(j)
        if first is None:
            return None
        units = resources.units()
        if self.language == "en":
            table = units.english
            if first.gap.strip() in ("°", "º") and "\n" not in first.gap and first.text.lower() in ("c", "f"):
                return table["°" + first.text.lower()], first.end, j + 1  # 45°C
        else:
            table = units.arabic
        if not _gap_ok(first.gap, self.language):
            return None
        seq = [first]
        while len(seq) < units.longest and (nxt := self.linked(j + len(seq))) is not None:
            seq.append(nxt)
        for n in range(len(seq), 0, -1):
            key = " ".join(_unit_key(it.text, self.language) for it in seq[:n])
            unit = table.get(key)
            if unit is not None:
                return unit, seq[n - 1].end, j + n
        return None

    def currency_before(self, start: int) -> QuantityUnit | None:
        """A currency sign written before an English number ($5, US$5, €1.1bn)."""
        if self.language != "en":
            return None
        before = self.text[max(0, start - 3):start].lower()
        table = resources.units().english
        for sign in ("us$", "$", "€", "£", "¥"):
            if before.endswith(sign) and sign in table:
                return table[sign]
        return None

    def quantity(
        self, value: float, start: int, end: int, j: int, kind: NumberKind,
        word: NumberWord | None = None, unit: QuantityUnit | None = None,
    ) -> tuple[NumberMention, int]:
        """A number with the unit after it (if any), then a sign word after both (تحت الصفر)."""
        quantity_end = end
        if unit is None and kind in ("cardinal", "fraction"):
            found = self.unit_at(j)
            if found is None and self.language == "en" and kind == "fraction":
                # half an hour, a quarter of a mile
                k = j
                for skip in ("of", "a"):
                    item = self.linked(k)
                    if item is not None and item.type == skip:
                        k += 1
                found = self.unit_at(k) if k > j else None
            if found is not None:
                unit, quantity_end, j = found
                if unit.dimension == "points":  # 3.5 percentage points: a percentage
                    kind, end = "percent", quantity_end
            else:
                unit = self.currency_before(start)
        after = self.linked(j)
        if after is not None and _kind_of(after) == "sign-after":
            value, quantity_end, j = -value, after.end, j + 1
        return self.mention(value, start, end, kind, unit=unit, quantity_end=quantity_end, word=word), j

    # -- entry point --

    def parse(self, i: int) -> tuple[NumberMention, int] | None:
        item = self.items[i]
        if item.type == "pct" and self.language == "ar":
            nxt = self.at(i + 1)
            if nxt is not None and nxt.type == "num" and nxt.gap == "" and not nxt.suffix:
                after = self.linked(i + 2)
                if after is None or not (after.type == "pct" or _kind_of(after) == "percent"):
                    return self.mention(nxt.value, item.start, nxt.end, "percent"), i + 2
            return None
        if item.type == "a":
            nxt = self.linked(i + 1)
            if nxt is None:
                return None
            if nxt.type == "word" and (
                _kind_of(nxt) == "scale" or (nxt.word is not None and nxt.word.form == "dozen")
            ):
                return self.compose(i + 1, start=item.start)
            if nxt.type == "word" and _kind_of(nxt) == "ordinal" and _is_denominator(nxt.value):
                return self.a_fraction(item.start, i + 1, 1 / nxt.value, nxt.value)  # a seventh
            return self.one_unit(i, item.start) if nxt.type == "other" else None
        if item.type == "other" and self.language == "ar":
            return self.unit_word(i)
        if item.type == "word":
            kind = _kind_of(item)
            if kind in ("percent", "times", "fraction-plural", "sign-after"):
                return None
            if kind == "sign":
                return self.signed(i)
            if kind == "multiple":
                return self.mention(item.value, item.start, item.end, "multiple", word=item.word), i + 1
            if kind in ("approximate", "scale-plural"):
                return self.approximate(i)
            if kind == "fraction":
                return self.fraction(i)
            if item.word is not None and fold_ar(item.word.form) == "ثانية":
                before = self.at(i - 1)
                if before is not None and _gap_ok(item.gap, self.language) and (
                    before.type == "num" or _kind_of(before) == "cardinal"
                ):
                    return None  # 30 ثانية: seconds of time
            return self.compose(i, start=item.start)
        if item.type == "num":
            return self.compose(i, start=item.start)
        return None

    def signed(self, i: int) -> tuple[NumberMention, int] | None:
        """"minus 8", "سالب 8": the number after a sign word, negated."""
        item = self.items[i]
        nxt = self.linked(i + 1)
        if nxt is None or not (nxt.type == "num" or _kind_of(nxt) == "cardinal"):
            return None
        result = self.parse(i + 1)
        if result is None or result[0].kind not in ("cardinal", "fraction", "percent"):
            return None
        m, j = result
        return replace(m, value=-m.value, start=item.start, text=self.text[item.start:m.end]), j

    def one_unit(self, i: int, start: int) -> tuple[NumberMention, int] | None:
        """"a decade", "an hour" (one of the unit), "a year and a half"; not "a degree" (to a
        degree) nor "a dollar", "a point" (a dollar a day, a point of view)."""
        found = self.unit_at(i + 1)
        if found is None or found[0].dimension in _NOT_ONE_OF:
            return None
        unit, end, j = found
        value = 1.0
        joiner, half = self.linked(j), self.linked(j + 1)
        if joiner is not None and joiner.type == "and" and half is not None and _kind_of(half) == "fraction":
            value, end, j = 1 + half.value, half.end, j + 2
        return self.mention(value, start, end, "cardinal", unit=unit, quantity_end=end), j

    def unit_word(self, i: int) -> tuple[NumberMention, int] | None:
        """An Arabic unit noun standing for a number: a dual (يومين "two days") or a
        singular with a fraction (ساعة ونصف "an hour and a half")."""
        item = self.items[i]
        key = _fold_word(item.text)
        if not _key_flags(key, "ar") & _UNIT:
            return None  # no form of it is a unit
        units = resources.units()
        for form, _conj in _ar_word_candidates(key):
            unit = units.arabic_dual.get(form)
            if unit is not None:
                return self.quantity(2.0, item.start, item.end, i + 1, "cardinal", unit=unit)
            unit = units.arabic.get(form)
            half = self.linked(i + 1)
            if unit is not None and half is not None and half.conj and _kind_of(half) == "fraction":
                return self.quantity(1 + half.value, item.start, half.end, i + 2, "cardinal", unit=unit)
        return None

    def a_fraction(self, start: int, k: int, fraction: float, ordinal: float) -> tuple[NumberMention, int]:
        """"a third", "a seventh": a fraction before "of" or a function word ("by a third
        since 2015"), an ordinal before a content word ("a third consecutive winter");
        either way the other reading is kept. ``k``: the item of the ordinal word."""
        item = self.items[k]
        after = self.linked(k + 1)
        ordinal_first = (
            after is not None and after.type == "other" and after.text.lower() not in resources.stopwords_en()
        )
        readings: tuple[tuple[float, NumberKind], ...]
        if ordinal_first:
            value, kind, readings = ordinal, "ordinal", ((fraction, "fraction"),)
            m = self.mention(value, start, item.end, kind)
        else:
            value, kind, readings = fraction, "fraction", ((ordinal, "ordinal"),)
            m, k = self.quantity(value, start, item.end, k + 1, kind)
            return replace(m, readings=readings), k
        return replace(m, readings=readings), k + 1

    def approximate(self, i: int) -> tuple[NumberMention, int]:
        """"dozens", "tens of thousands", "مئات الآلاف": an order of magnitude."""
        item = self.items[i]
        value = item.value
        j = i + 1
        k = j
        nxt = self.linked(k)
        if nxt is not None and nxt.type == "of" and self.language == "en":
            k += 1
            nxt = self.linked(k)
        end = item.end
        if nxt is not None and _kind_of(nxt) == "scale-plural" and not nxt.conj:
            value *= nxt.value
            end = nxt.end
            j = k + 1
        return self.mention(value, item.start, end, "approximate"), j

    def fraction(self, i: int) -> tuple[NumberMention, int] | None:
        """"half", "نصف"; before a scale word it multiplies: "half a million", "نصف مليون".

        Not a number: a period of a game or year next to an ordinal ("first half",
        "النصف الأول", "the second quarter"), or the first part of a compound
        ("half-time", "quarter-final").
        """
        item = self.items[i]
        before, after = self.at(i - 1), self.linked(i + 1)
        if before is not None and _gap_ok(item.gap, self.language) and _kind_of(before) == "ordinal":
            return None
        if after is not None and _kind_of(after) == "ordinal":
            return None
        if after is not None and after.type == "other" and after.gap.strip() == "-":
            if self.unit_at(i + 1) is not None:  # a half-hour, a quarter-century
                return self.quantity(item.value, item.start, item.end, i + 1, "fraction", item.word)
            return None
        if self.language == "en" and item.word is not None and " " in item.word.form:
            # "a third consecutive winter" is an ordinal; "a third of them" a fraction
            last = resources.numbers_en().get(item.word.form.split()[-1])
            if last is not None and last.kind == "ordinal" and item.word.form.split()[0] in ("a", "one"):
                return self.a_fraction(item.start, i, item.value, last.value)
        k = i + 1
        nxt = self.linked(k)
        if nxt is not None and nxt.type == "a":
            k += 1
            nxt = self.linked(k)
        if nxt is not None and _is_scale(nxt, plural_ok=False):
            return self.finish(item.value * nxt.value, item.start, nxt.end, k + 1, "cardinal", [])
        if nxt is not None and nxt.word is not None and nxt.word.form in ("dozen", "دزينة", "دستة"):
            return self.finish(item.value * nxt.value, item.start, nxt.end, k + 1, "cardinal", [])  # half a dozen
        return self.quantity(item.value, item.start, item.end, i + 1, "fraction", item.word)

    def _can_add(self, current: float, has_current: bool, value: float, joined: bool) -> bool:
        """Whether a number word below 1000 continues the group built so far."""
        if not has_current:
            return True
        below = current % 100
        if self.language == "en":
            if value < 10 and below >= 20 and below % 10 == 0:
                return True  # twenty-five
            return value < 100 and below == 0 and current >= 100  # two hundred (and) fifty
        if not joined:
            return False
        if below == 0 and current >= 100 and value < 100:
            return True  # مئة وخمسون
        return 20 <= value < 100 and value % 10 == 0 and 1 <= below <= 9  # خمسة وعشرون

    def compose(self, i: int, start: int) -> tuple[NumberMention, int] | None:
        total = 0.0
        current = 0.0
        has_current = False
        last_scale = 0.0
        kind: NumberKind = "cardinal"
        used: list[_Item] = []
        end = start
        j = i
        while True:
            item = self.at(j) if j == i else self.linked(j)
            if item is None:
                break
            joined = item.conj
            step = 1
            if used and item.type == "and":
                nxt = self.linked(j + 1)
                if nxt is None or nxt.type not in ("word", "num"):
                    break
                if nxt.type == "word" and _kind_of(nxt) in ("percent", "approximate", "scale-plural"):
                    break
                item, joined, step = nxt, True, 2
            if item.type == "num":
                if used:
                    # Digits continue a number only as a smaller scale group after و/and:
                    # 5 ملايين و300 ألف. Otherwise they start a new one (2020 and 2021).
                    after = self.linked(j + step)
                    if not (joined and not has_current and last_scale and not item.suffix
                            and after is not None and _is_scale(after) and after.value < last_scale):
                        break
                if item.suffix in _SUFFIX_SCALE:
                    total += item.value * _SUFFIX_SCALE[item.suffix]
                    last_scale = _SUFFIX_SCALE[item.suffix]
                elif item.suffix in ("st", "nd", "rd", "th"):
                    current, has_current, kind = item.value, True, "ordinal"
                else:
                    current, has_current = item.value, True
                used.append(item)
                end = item.end
                j += step
                if item.suffix and item.suffix not in _SUFFIX_SCALE:
                    break
                continue
            if item.type != "word" or item.word is None:
                break
            wkind = item.word.kind
            value = item.value
            if wkind in ("cardinal", "ordinal"):
                if self.language == "ar" and value == 100 and has_current and 1 <= current <= 10 \
                        and not joined and current == int(current):
                    current *= 100  # ثلاث مئة
                elif item.word.form == "dozen" and has_current and not joined:
                    current *= 12  # two dozen
                elif value >= 1000:
                    if has_current or (used and not joined):
                        break
                    total += value  # ألفين, مليوني: a complete group
                    last_scale = 10 ** int(math.log10(value))
                else:
                    if used and not has_current and self.language == "ar" and not joined:
                        break  # a new Arabic group after a scale needs و: ألف وخمسمئة
                    if any(u.type == "num" for u in used):
                        break
                    if not self._can_add(current, has_current, value, joined):
                        break
                    current += value
                    has_current = True
                if wkind == "ordinal":
                    kind = "ordinal"
            elif wkind in ("scale", "scale-plural"):
                if value == 100:  # English "hundred"
                    if current >= 100:
                        break
                    current = (current if has_current else 1.0) * 100
                    has_current = True
                elif has_current:
                    if last_scale and value >= last_scale:
                        break
                    total += current * value
                    current, has_current = 0.0, False
                    last_scale = value
                elif total > 0 and last_scale and value > last_scale and not joined:
                    total *= value  # ألف مليون, a thousand million
                    last_scale = value
                elif not used and wkind == "scale":
                    total += value  # مليون, million: one of it
                    last_scale = value
                else:
                    break
            elif wkind == "fraction-plural":
                # ثلاثة أخماس, two fifths: the cardinal before is the numerator
                if joined or not has_current or total or current >= 100:
                    break
                used.append(item)
                return self.finish(current * value, start, item.end, j + step, "fraction", used)
            elif wkind == "fraction":
                if not joined or not used:
                    break
                if has_current:
                    current += value  # two and a half; one and a half million
                elif last_scale:
                    total += value * last_scale  # مليون ونصف
                else:
                    break
                used.append(item)
                end = item.end
                j += step
                nxt = self.linked(j)
                if not (has_current and nxt is not None and _is_scale(nxt)):
                    break
                continue
            else:
                break
            used.append(item)
            end = item.end
            j += step
        if not used:
            return None
        return self.finish(total + current, start, end, j, kind, used)

    def finish(self, value: float, start: int, end: int, j: int, kind: NumberKind,
               used: Sequence[_Item]) -> tuple[NumberMention, int]:
        """Multiple, percent, date and year readings of a composed number, and its unit."""
        nxt = self.linked(j)
        if kind == "cardinal" and nxt is not None and _kind_of(nxt) == "times":
            return self.mention(value, start, nxt.end, "multiple"), j + 1  # three times, ثلاث مرات
        if nxt is not None and (nxt.type == "pct" or _kind_of(nxt) == "percent"):
            return self.mention(value, start, nxt.end, "percent"), j + 1
        single_num = len(used) == 1 and used[0].type == "num"
        day = value == int(value) and 1 <= value <= 31 and kind in ("cardinal", "ordinal") and (
            (single_num and used[0].plain and used[0].suffix in ("", "st", "nd", "rd", "th"))
            or (used and all(u.type == "word" for u in used))
        )
        if day:
            k = j
            month = self.linked(k)
            if month is not None and month.type == "of" and kind == "ordinal":
                k += 1
                month = self.linked(k)
            if month is not None and month.type == "month":
                return self.mention(value, start, month.end, "date"), k + 1
            first = self.items.index(used[0])
            before = self.at(first - 1)
            if (self.language == "en" and before is not None and before.type == "month"
                    and re.fullmatch(r"\.?\s+", used[0].gap or "") and single_num):
                return self.mention(value, before.start, end, "date"), j
        if single_num and used[0].plain and used[0].suffix in ("", "s") \
                and len(used[0].digits) == 4 and 1900 <= value <= 2100 and self.unit_at(j) is None:
            return self.mention(value, start, end, "year"), j  # not 2000 kilograms
        word = used[0].word if len(used) == 1 and used[0].type == "word" else None
        return self.quantity(value, start, end, j, kind, word)


#: The item types :meth:`_Parser.parse` may read a number from, per language.
_PARSED = {"en": frozenset({"a", "word", "num"}), "ar": frozenset({"pct", "other", "word", "num"})}


def _extract(text: str, language: str) -> list[NumberMention]:
    toks = _tokens(text)
    flags = _word_flags(toks, language)
    if not _may_hold_number(toks, flags, language):
        return []
    items = _items(text, language, toks, flags)
    parser = _Parser(items, language, text)
    parsed = _PARSED[language]
    out: list[NumberMention] = []
    i = 0
    while i < len(items):
        if items[i].type not in parsed:
            i += 1  # _Parser.parse reads nothing from it
            continue
        result = parser.parse(i)
        if result is None:
            i += 1
            continue
        mention, nxt = result
        out.append(mention)
        i = max(nxt, i + 1)
    return out


def extract_numbers_ar(text: str) -> list[NumberMention]:
    """Numbers in Arabic text (digits and number words), in order, with offsets into ``text``."""
    return _extract(text, "ar")


def extract_numbers_en(text: str) -> list[NumberMention]:
    """Numbers in English text (digits and number words), in order, with offsets into ``text``."""
    return _extract(text, "en")


# --- comparison -----------------------------------------------------------------------------


def _class(kind: str) -> str:
    """Kinds that compare by value alone share a class; percent and approximate stand apart."""
    return kind if kind in ("percent", "approximate") else "number"


#: Relative tolerance between one quantity in two different units of a dimension: a
#: translation converts and rounds (5 miles ≈ 8 كيلومترات, 50 acres ≈ 49 فدانا).
CONVERSION_TOLERANCE = 0.06


def _same_quantity(a: float, ua: QuantityUnit | None, b: float, ub: QuantityUnit | None, kind: str) -> bool:
    if kind == "percent" and (ua is None) != (ub is None):
        return False  # 3% is not 3 percentage points
    if ua is None or ub is None or ua.dimension != ub.dimension:
        # one side names no unit, or a noun was read as a unit (3 عقود: decades or contracts)
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if ua == ub:
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if not (ua.convertible and ub.convertible):
        return False  # dollars are not euros
    return math.isclose(ua.base(a), ub.base(b), rel_tol=CONVERSION_TOLERANCE,
                        abs_tol=0.5 * min(ua.factor, ub.factor))


def same_number(a: NumberMention, b: NumberMention) -> bool:
    """The same quantity: some reading of each (:meth:`NumberMention.all_readings`) of
    comparable kinds (see :func:`compare_numbers`) with equal values (relative tolerance
    1e-9) in one unit, or equal within :data:`CONVERSION_TOLERANCE` once converted between
    two units of one dimension."""
    return any(
        _class(ka) == _class(kb) and _same_quantity(va, a.unit, vb, b.unit, _class(ka))
        for va, ka in a.all_readings() for vb, kb in b.all_readings()
    )


def is_small_word(mention: NumberMention) -> bool:
    """A cardinal 1 or 2 written as a word (one, two, واحد, اثنين, أحد, "a decade", يومين)."""
    return (mention.kind == "cardinal" and mention.value in (1.0, 2.0)
            and not any(c.isdigit() for c in mention.text))


def _match(ar: Sequence[NumberMention], en: Sequence[NumberMention]) -> tuple[list[bool], list[bool]]:
    """Which mentions of each side the other side has: ``(taken ar, matched en)``."""
    taken = [False] * len(ar)
    matched = [False] * len(en)
    # Two passes: equal kinds first (second ↔ ثانية), then any comparable kind (two ↔ ثانية).
    for same_kind in (True, False):
        for k, mention in enumerate(en):
            if matched[k]:
                continue
            for j, candidate in enumerate(ar):
                if taken[j] or not same_number(candidate, mention):
                    continue
                if same_kind and candidate.kind != mention.kind:
                    continue
                taken[j] = matched[k] = True
                break
    return taken, matched


def _reported(m: NumberMention, small_words: bool) -> bool:
    return not m.ambiguous and (small_words or not is_small_word(m))


def compare_numbers(
    ar: Sequence[NumberMention], en: Sequence[NumberMention], *, small_words: bool = False
) -> tuple[list[NumberMention], list[NumberMention]]:
    """Compare two texts' numbers as multisets: ``(missing_in_ar, extra_in_ar)``.

    ``missing_in_ar`` are the English mentions with no Arabic counterpart, in English
    order; ``extra_in_ar`` the Arabic mentions left over, in Arabic order. Two mentions
    match when :func:`same_number` says so: values match with a relative tolerance of
    1e-9 (or, in two units of one dimension, once converted), and any reading of an
    ambiguous word counts (خمس is 5 or 1/5). Cardinal, ordinal, multiple, year, date and
    fraction are one class (the first ↔ الأول, 0.5 ↔ نصف, halved ↔ النصف, "Sept. 4" ↔
    "4 أيلول"); a percentage only matches a percentage and an approximate quantity only an
    approximate one. So "30%" against "30" is reported on both sides — a mismatch of kind
    only, which a caller can recognise by pairing equal values. Pairs of the same kind are
    matched first, then pairs of comparable kinds.

    Arabic says "one" and "two" mostly through the singular and the dual (قريتين "two
    villages", طائرة "one aircraft"), and uses أحد for "one of" where English may say
    "an". So an unmatched cardinal 1 or 2 written as a *word* (see :func:`is_small_word`)
    is not reported on either side unless ``small_words`` is true; digits always are. An
    ambiguous word (ضعف "double" or "weakness") is never reported.
    """
    taken, matched = _match(ar, en)
    missing = [m for k, m in enumerate(en) if not matched[k] and _reported(m, small_words)]
    left = [m for j, m in enumerate(ar) if not taken[j] and _reported(m, small_words)]
    return missing, left


@dataclass(frozen=True)
class NumberComparison:
    """The numbers of a reference and its Arabic, compared (:func:`pair_numbers`).

    ``pairs``: (reference mention, Arabic mention) that stand for one number and disagree
    — the value, the unit or the sign changed; ``missing``: reference numbers the Arabic
    lacks; ``extra``: Arabic numbers the reference lacks (both without the small words and
    ambiguous words :func:`compare_numbers` leaves out).
    """

    pairs: tuple[tuple[NumberMention, NumberMention], ...]
    missing: tuple[NumberMention, ...]
    extra: tuple[NumberMention, ...]


def _family(kind: str) -> str:
    return "multiple" if kind == "multiple" else _class(kind)


def _pairable(en: NumberMention, ar: NumberMention) -> bool:
    """Whether two unmatched mentions may be one number rendered wrongly.

    An ambiguous word pairs only with a number of its own kind (ضعف with "tripled", not
    with "three"); a small word (one, two, "a decade", يومين) only with a number in a unit
    of the same dimension (a decade ↔ عقدين) or a multiple with a multiple.
    """
    if en.ambiguous or ar.ambiguous:
        # its own kinds, not the percentage a multiple also reads as ("double-digit" ≠ 10%)
        kinds_en = {en.kind} | {k for _, k in en.readings if k != "percent"}
        kinds_ar = {ar.kind} | {k for _, k in ar.readings if k != "percent"}
        if not kinds_en & kinds_ar:
            return False
    if is_small_word(en) or is_small_word(ar):
        same_dimension = en.unit is not None and ar.unit is not None and en.unit.dimension == ar.unit.dimension
        if not same_dimension and not (en.kind == ar.kind == "multiple"):
            return False
    return True


def _pair_score(en: NumberMention, ar: NumberMention, en_pos: float, ar_pos: float) -> tuple:
    same_dimension = en.unit is not None and ar.unit is not None and en.unit.dimension == ar.unit.dimension
    same_figure = any(math.isclose(abs(a), abs(b), rel_tol=1e-9)
                      for a, _ in en.all_readings() for b, _ in ar.all_readings())
    return (
        not same_dimension,
        not same_figure,  # 18 metres ↔ 18 قدما, not ↔ 9 أقدام
        _family(en.kind) != _family(ar.kind),
        en.kind != ar.kind,
        abs(en_pos - ar_pos),
    )


def pair_numbers(
    ar: Sequence[NumberMention], en: Sequence[NumberMention], ar_length: int = 0, en_length: int = 0
) -> NumberComparison:
    """Compare the numbers of an Arabic text and its English reference, and pair the ones
    that disagree.

    Mentions are matched as in :func:`compare_numbers`; of the rest, each reference number
    is paired with the Arabic number most likely to render it — first one in a unit of the
    same dimension (a decade ↔ عقدين, megawatts ↔ كيلوواط), then one written with the same
    figure (18 metres ↔ 18 قدما: only the unit changed), then one of the same class
    (a multiple with a multiple), the same kind, and the nearest relative position in its
    text (``ar_length``, ``en_length``: the texts' lengths, for that position). Small words
    and ambiguous words take part in a pair only as :func:`_pairable` allows; left unpaired
    they are not reported.
    """
    taken, matched = _match(ar, en)
    left_en = [m for k, m in enumerate(en) if not matched[k]]
    left_ar = [m for j, m in enumerate(ar) if not taken[j]]
    en_len = max(en_length, max((m.end for m in en), default=0), 1)
    ar_len = max(ar_length, max((m.end for m in ar), default=0), 1)
    candidates = sorted(
        (_pair_score(m, e, m.start / en_len, e.start / ar_len), k, j)
        for k, m in enumerate(left_en) for j, e in enumerate(left_ar) if _pairable(m, e)
    )
    used_en: set[int] = set()
    used_ar: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, k, j in candidates:
        if k in used_en or j in used_ar:
            continue
        used_en.add(k)
        used_ar.add(j)
        pairs.append((k, j))
    pairs.sort()
    return NumberComparison(
        tuple((left_en[k], left_ar[j]) for k, j in pairs),
        tuple(m for k, m in enumerate(left_en) if k not in used_en and _reported(m, False)),
        tuple(m for j, m in enumerate(left_ar) if j not in used_ar and _reported(m, False)),
    )
