"""Tests for eval.text.normalise: folds, offset maps and the Arabic ratio."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eval.text.normalise import (
    CONTROL_CHARS,
    arabic_ratio,
    compose_maps,
    map_chars,
    nfkc_with_map,
    normalise_ar,
    normalise_en,
    original_span,
    strip_controls,
)

BIDI_AND_ZW = sorted(CONTROL_CHARS)
ARABIC_MARKS = [chr(c) for c in range(0x064B, 0x0653)] + ["\u0670", "\u0640"]

# Arbitrary Unicode, with extra weight on the characters the normalisers touch.
interesting = st.sampled_from(
    BIDI_AND_ZW
    + ARABIC_MARKS
    + list("أإآٱىةيا٠١٢٣٤٥٦٧٨٩۰۱۲۳٫٬،؟؛“”‘’–—‒")
    + ["\ufefb", "\ufe70", "\ufe8e", "\ufb50", "\ufdf2", "\u0301", "\u0654", "\u0653"]
    + ["\u1100", "\u1161", "\u11a8", "\u3131", "\ufb01", "\u00a0", "\uff35", "\u0f73", "\u0f71"]
)
texts = st.lists(st.one_of(st.characters(), interesting), max_size=40).map("".join)


def check_map(text: str, normalised: str, offsets: tuple[int, ...]) -> None:
    assert len(offsets) == len(normalised) + 1
    assert offsets[-1] == len(text)
    assert all(0 <= o <= len(text) for o in offsets)
    assert all(a <= b for a, b in zip(offsets, offsets[1:], strict=False))
    assert all(o < len(text) for o in offsets[:-1])
    # Invisible controls never produce output.
    assert all(text[o] not in CONTROL_CHARS for o in offsets[:-1])


# ---------------------------------------------------------------- Arabic folds


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("مُحَمَّدٌ", "محمد"),
        ("عـــربي", "عربي"),
        ("أإآٱ", "اااا"),
        ("على", "علي"),
        ("مدرسة", "مدرسة"),  # ta marbuta kept by default
        ("٣٫٥", "3.5"),
        ("١٬٠٠٠", "1,000"),
        ("۱۲۳۴۵۶۷۸۹۰", "1234567890"),
        ("نعم، لا؟ ربما؛", "نعم, لا? ربما;"),
        ("٥٠٪", "50%"),
        ("ﻻ", "لا"),  # lam-alef ligature (presentation form)
        ("ﻣﺤﻤﺪ", "محمد"),  # contextual presentation forms
        ("\u0627\u0654", "ا"),  # alef + combining hamza composes to أ, then folds
        ("“قوة”", '"قوة"'),
        ("الرئيس – ماكرون", "الرئيس - ماكرون"),
        ("ی ک", "ي ك"),  # Persian yeh and keheh
        ("ٰ", ""),  # superscript alef alone
    ],
)
def test_normalise_ar_folds(text: str, expected: str) -> None:
    normalised, offsets = normalise_ar(text)
    assert normalised == expected
    check_map(text, normalised, offsets)


def test_ta_marbuta_fold_is_optional() -> None:
    assert normalise_ar("مدرسة")[0] == "مدرسة"
    assert normalise_ar("مدرسة", fold_ta_marbuta=True)[0] == "مدرسه"


def test_normalise_ar_removes_controls_and_maps_back() -> None:
    text = "\u200fقال\u200e ماكرون\u202b\u202c"
    normalised, offsets = normalise_ar(text)
    assert normalised == "قال ماكرون"
    start = normalised.index("ماكرون")
    end = start + len("ماكرون")
    # The raw map's end points at the next kept character, past the controls;
    # original_span leaves trailing controls out.
    assert text[offsets[start] : offsets[end]] == "ماكرون\u202b\u202c"
    a, b = original_span(text, offsets, start, end)
    assert text[a:b] == "ماكرون"
    a, b = original_span(text, offsets, 0, 3)
    assert text[a:b] == "قال"


def test_diacritics_map_back_to_the_whole_word() -> None:
    text = "قالَ مُحَمَّدٌ"
    normalised, offsets = normalise_ar(text)
    assert normalised == "قال محمد"
    start = normalised.index("محمد")
    assert offsets[start] == text.index("مُ")
    # Diacritics after the last letter belong to the word and stay in the span.
    assert text[offsets[start] : offsets[start + 4]] == "مُحَمَّدٌ"
    assert original_span(text, offsets, start, start + 4) == (offsets[start], len(text))
    a, b = original_span(text, offsets, 0, 3)
    assert text[a:b] == "قالَ"


def test_ligature_expansion_maps_both_letters_to_the_ligature() -> None:
    normalised, offsets = normalise_ar("ﻻ")
    assert normalised == "لا"
    assert offsets == (0, 0, 1)
    # A span inside the expansion still covers the ligature.
    assert original_span("ﻻ", offsets, 0, 1) == (0, 1)
    assert original_span("ﻻ", offsets, 1, 2) == (0, 1)
    assert original_span("ﻻ", offsets, 1, 1) == (0, 0)


def test_original_span_combining_sequence() -> None:
    text = "cafe\u0301 noir"
    normalised, offsets = normalise_en(text)
    assert normalised == "café noir"
    assert original_span(text, offsets, 0, 4) == (0, 5)
    with pytest.raises(ValueError):
        original_span(text, offsets, 3, 99)


def test_arabic_without_changes_is_identity() -> None:
    text = "قال الرئيس الفرنسي إن 26 دولة"
    normalised, offsets = normalise_ar(text.replace("إ", "ا"))
    assert normalised == text.replace("إ", "ا")
    assert offsets == tuple(range(len(text) + 1))


# ---------------------------------------------------------------- English folds


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“Hello,” she said", '"Hello," she said'),
        ("Ukraine’s allies", "Ukraine's allies"),
        ("‘quoted’", "'quoted'"),
        ("2019–2020 — war ‒ x", "2019-2020 - war - x"),
        ("US backs us", "US backs us"),  # case kept
        ("ﬁne\u00a0day", "fine day"),  # NFKC
        ("ＵＳ", "US"),
        ("a\u200bb\u200dc\ufeff", "abc"),
        ("e\u0301", "é"),
    ],
)
def test_normalise_en_folds(text: str, expected: str) -> None:
    normalised, offsets = normalise_en(text)
    assert normalised == expected
    check_map(text, normalised, offsets)


def test_normalise_en_ascii_is_identity() -> None:
    text = "KYIV, Ukraine (AP) - Macron said 1.1 billion."
    assert normalise_en(text) == (text, tuple(range(len(text) + 1)))


# ---------------------------------------------------------------- helpers


def test_map_chars_drop_keep_expand() -> None:
    def fold(ch: str) -> str:
        return {"x": "", "w": "vv"}.get(ch, ch)

    assert map_chars("axbwc", fold) == ("abvvc", (0, 2, 3, 3, 4, 5))
    assert map_chars("", fold) == ("", (0,))


def test_compose_maps() -> None:
    text = "\u200bﻻ"
    stripped, first = strip_controls(text)
    nfkc, second = nfkc_with_map(stripped)
    assert nfkc == "لا"
    assert compose_maps(first, second) == (1, 1, 2)


def test_nfkc_composes_across_starters() -> None:
    # Hangul compatibility jamo + conjoining vowel compose into one syllable.
    text = "\u3131\u1161"
    normalised, offsets = nfkc_with_map(text)
    assert normalised == unicodedata.normalize("NFKC", text)
    check_map(text, normalised, offsets)


@settings(max_examples=200, deadline=None)
@given(texts)
def test_nfkc_with_map_equals_nfkc(text: str) -> None:
    normalised, offsets = nfkc_with_map(text)
    assert normalised == unicodedata.normalize("NFKC", text)
    assert len(offsets) == len(normalised) + 1
    assert all(a <= b for a, b in zip(offsets, offsets[1:], strict=False))


@settings(max_examples=200, deadline=None)
@given(texts, st.booleans())
def test_normalise_ar_map_property(text: str, fold_ta: bool) -> None:
    normalised, offsets = normalise_ar(text, fold_ta_marbuta=fold_ta)
    check_map(text, normalised, offsets)
    assert not any(ch in normalised for ch in ARABIC_MARKS)
    assert not any(ch in normalised for ch in CONTROL_CHARS)


@settings(max_examples=200, deadline=None)
@given(texts)
def test_normalise_en_map_property(text: str) -> None:
    normalised, offsets = normalise_en(text)
    check_map(text, normalised, offsets)
    assert not any(ch in normalised for ch in CONTROL_CHARS)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ابتثجحخدذرزسشصضطظعغفقكلمنهوي 0123456789."))))
def test_plain_arabic_letters_map_identically(text: str) -> None:
    normalised, offsets = normalise_ar(text)
    assert normalised == text
    assert offsets == tuple(range(len(text) + 1))


@settings(max_examples=200, deadline=None)
@given(texts, st.data())
def test_spans_map_back_in_order(text: str, data: st.DataObject) -> None:
    normalised, offsets = normalise_ar(text)
    a = data.draw(st.integers(0, len(normalised)))
    b = data.draw(st.integers(a, len(normalised)))
    start, end = offsets[a], offsets[b]
    assert 0 <= start <= end <= len(text)
    o_start, o_end = original_span(text, offsets, a, b)
    assert 0 <= o_start <= o_end <= len(text)
    assert o_start == start
    if a < b:
        # The span covers the source of every character in it.
        assert o_start <= offsets[b - 1] < o_end


# ---------------------------------------------------------------- arabic_ratio


@pytest.mark.parametrize(
    ("text", "ratio"),
    [
        ("", 0.0),
        ("123 ...", 0.0),
        ("hello", 0.0),
        ("مرحبا", 1.0),
        ("ab مر", 0.5),
        ("ﻻﻻ ab", 0.5),  # presentation forms count as Arabic
        ("مُ", 1.0),  # marks are not letters
    ],
)
def test_arabic_ratio(text: str, ratio: float) -> None:
    assert arabic_ratio(text) == pytest.approx(ratio)
