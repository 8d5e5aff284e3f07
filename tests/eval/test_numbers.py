"""Number extraction in Arabic and English, and the multiset comparison."""

from __future__ import annotations

import pytest

from eval.lexicon.numbers import (
    NumberMention,
    compare_numbers,
    extract_numbers_ar,
    extract_numbers_en,
    is_small_word,
    same_number,
)


def _ar(text: str) -> list[tuple[float, str, str]]:
    found = extract_numbers_ar(text)
    for m in found:
        assert text[m.start:m.end] == m.text
    return [(m.value, m.kind, m.text) for m in found]


def _en(text: str) -> list[tuple[float, str, str]]:
    found = extract_numbers_en(text)
    for m in found:
        assert text[m.start:m.end] == m.text
    return [(m.value, m.kind, m.text) for m in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("worth 1.1 billion euros", [(1.1e9, "cardinal", "1.1 billion")]),
        ("26 million people", [(26e6, "cardinal", "26 million")]),
        ("$5m and €1.1bn", [(5e6, "cardinal", "5m"), (1.1e9, "cardinal", "1.1bn")]),
        ("26m", [(26, "cardinal", "26")]),  # no currency sign: m may be metres
        ("1,100,000.5 tonnes", [(1100000.5, "cardinal", "1,100,000.5")]),
        ("two hundred and fifty thousand", [(250000, "cardinal", "two hundred and fifty thousand")]),
        ("twenty-five", [(25, "cardinal", "twenty-five")]),
        ("one thousand two hundred", [(1200, "cardinal", "one thousand two hundred")]),
        ("a million", [(1e6, "cardinal", "a million")]),
        ("half a million", [(5e5, "cardinal", "half a million")]),
        ("one and a half million", [(1.5e6, "cardinal", "one and a half million")]),
        ("two and a half years", [(2.5, "cardinal", "two and a half")]),
        ("a dozen and two dozen", [(12, "cardinal", "a dozen"), (24, "cardinal", "two dozen")]),
        ("5 million and 300 thousand", [(5.3e6, "cardinal", "5 million and 300 thousand")]),
        ("30%", [(30, "percent", "30%")]),
        ("30 % of", [(30, "percent", "30 %")]),
        ("30 percent", [(30, "percent", "30 percent")]),
        ("thirty per cent", [(30, "percent", "thirty per cent")]),
        ("3.5 percentage points", [(3.5, "percent", "3.5 percentage points")]),
        ("half", [(0.5, "fraction", "half")]),
        ("a third of them", [(1 / 3, "fraction", "a third")]),
        ("a third consecutive winter", [(3, "ordinal", "a third")]),
        ("two-thirds", [(2 / 3, "fraction", "two-thirds")]),
        ("three quarters", [(0.75, "fraction", "three quarters")]),
        ("the first half and at half-time", [(1, "ordinal", "first")]),
        ("the twenty-first century", [(21, "ordinal", "twenty-first")]),
        ("the 21st century", [(21, "ordinal", "21st")]),
        ("World War II and Mohammed VI", [(2, "ordinal", "II"), (6, "ordinal", "VI")]),
        ("in 2024 and 2025", [(2024, "year", "2024"), (2025, "year", "2025")]),
        ("the 1990s", [(1990, "year", "1990s")]),
        ("2,024 people", [(2024, "cardinal", "2,024")]),
        ("On Sept. 4, 2024", [(4, "date", "Sept. 4"), (2024, "year", "2024")]),
        ("on 4 September", [(4, "date", "4 September")]),
        ("the fourth of July", [(4, "date", "fourth of July")]),
        ("May 5", [(5, "date", "May 5")]),
        ("may 5", [(5, "cardinal", "5")]),
        ("tens of thousands", [(1e4, "approximate", "tens of thousands")]),
        ("hundreds of thousands", [(1e5, "approximate", "hundreds of thousands")]),
        ("thousands of people and dozens", [(1e3, "approximate", "thousands"), (10, "approximate", "dozens")]),
        ("G7, G20, F-16 jets, COVID-19", []),
        ("10km", [(10, "cardinal", "10")]),
        ("3, 4 and 5", [(3, "cardinal", "3"), (4, "cardinal", "4"), (5, "cardinal", "5")]),
        ("three and four", [(3, "cardinal", "three"), (4, "cardinal", "four")]),
        ("by a third\nMorocco said", [(1 / 3, "fraction", "a third")]),
    ],
)
def test_extract_en(text: str, expected: list[tuple[float, str, str]]) -> None:
    got = _en(text)
    assert [(k, t) for _, k, t in got] == [(k, t) for _, k, t in expected]
    assert [v for v, _, _ in got] == pytest.approx([v for v, _, _ in expected])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("بقيمة 1.1 مليار يورو", [(1.1e9, "cardinal", "1.1 مليار")]),
        ("١٫١ مليار", [(1.1e9, "cardinal", "١٫١ مليار")]),
        ("۲۶ میلیون", [(26, "cardinal", "۲۶")]),
        ("١٬١٠٠ شخص", [(1100, "cardinal", "١٬١٠٠")]),
        ("26 مليون نسمة", [(26e6, "cardinal", "26 مليون")]),
        ("ثلاثة ملايين", [(3e6, "cardinal", "ثلاثة ملايين")]),
        ("ملياري دولار", [(2e9, "cardinal", "ملياري")]),
        ("مليون", [(1e6, "cardinal", "مليون")]),
        ("ألف مليون", [(1e9, "cardinal", "ألف مليون")]),
        ("مليون ونصف", [(1.5e6, "cardinal", "مليون ونصف")]),
        ("نصف مليون", [(5e5, "cardinal", "نصف مليون")]),
        ("خمسة وعشرون", [(25, "cardinal", "خمسة وعشرون")]),
        ("مئة وخمسون ألفا", [(150000, "cardinal", "مئة وخمسون ألفا")]),
        ("ثلاثة آلاف وخمسمئة وخمسة وعشرون", [(3525, "cardinal", "ثلاثة آلاف وخمسمئة وخمسة وعشرون")]),
        ("ثلاث مئة", [(300, "cardinal", "ثلاث مئة")]),
        ("ألفين وخمسمائة", [(2500, "cardinal", "ألفين وخمسمائة")]),
        ("أحد عشر ألفا", [(11000, "cardinal", "أحد عشر ألفا")]),
        ("5 ملايين و300 ألف", [(5.3e6, "cardinal", "5 ملايين و300 ألف")]),
        ("وثلاثة وبالثلاثة", [(3, "cardinal", "وثلاثة"), (3, "cardinal", "وبالثلاثة")]),
        ("٣٠٪", [(30, "percent", "٣٠٪")]),
        ("%30", [(30, "percent", "%30")]),
        ("30 بالمئة", [(30, "percent", "30 بالمئة")]),
        ("30 في المائة", [(30, "percent", "30 في المائة")]),
        ("ثلاثين في المئة", [(30, "percent", "ثلاثين في المئة")]),
        ("بنسبة 2.5%", [(2.5, "percent", "2.5%")]),
        ("نصف", [(0.5, "fraction", "نصف")]),
        ("ثلثي السكان", [(2 / 3, "fraction", "ثلثي")]),
        ("ثلاثة أرباعهم ونصفهم", [(0.75, "fraction", "ثلاثة أرباعهم"), (0.5, "fraction", "ونصفهم")]),
        ("النصف الأول من العام", [(1, "ordinal", "الأول")]),
        ("الحادي والعشرون", [(21, "ordinal", "الحادي والعشرون")]),
        ("جولة ثانية بعد 30 ثانية", [(2, "ordinal", "ثانية"), (30, "cardinal", "30")]),
        ("عام 2024", [(2024, "year", "2024")]),
        ("4 سبتمبر", [(4, "date", "4 سبتمبر")]),
        ("14 تشرين الثاني", [(14, "date", "14 تشرين الثاني")]),
        ("الرابع من أيلول", [(4, "date", "الرابع من أيلول")]),
        ("في تشرين الأول يوم الاثنين والأحد", []),
        ("عشرات الآلاف", [(1e4, "approximate", "عشرات الآلاف")]),
        ("مئات وآلاف", [(100, "approximate", "مئات"), (1000, "approximate", "وآلاف")]),
        ("ملايين الدولارات", [(1e6, "approximate", "ملايين")]),
        ("لست أدري", []),
        ("وست دول", [(6, "cardinal", "وست")]),
        ("الـ 26", [(26, "cardinal", "26")]),
        ("طائرات F-16", []),
        ("ثلاثة وأربعة", [(3, "cardinal", "ثلاثة"), (4, "cardinal", "وأربعة")]),
        ("مُلْيُونَانِ", [(2e6, "cardinal", "مُلْيُونَانِ")]),
    ],
)
def test_extract_ar(text: str, expected: list[tuple[float, str, str]]) -> None:
    got = _ar(text)
    assert [(k, t) for _, k, t in got] == [(k, t) for _, k, t in expected]
    assert [v for v, _, _ in got] == pytest.approx([v for v, _, _ in expected])


def test_offsets_in_running_text() -> None:
    text = "قال إن 26 من حلفاء أوكرانيا، وهي مجموعة من 35 دولة، وإن المبيعات بلغت ١٫١ مليار يورو."
    found = extract_numbers_ar(text)
    assert [m.text for m in found] == ["26", "35", "١٫١ مليار"]
    assert all(text[m.start:m.end] == m.text for m in found)


def test_scale_words_make_equal_values() -> None:
    missing, extra = compare_numbers(extract_numbers_ar("1.1 مليار"), extract_numbers_en("1.1 billion"))
    assert missing == [] and extra == []
    missing, extra = compare_numbers(extract_numbers_ar("١٫١ مليار"), extract_numbers_en("1.1bn"))
    assert missing == [] and extra == []


def test_million_is_not_billion() -> None:
    missing, extra = compare_numbers(extract_numbers_ar("1.1 مليون"), extract_numbers_en("1.1 billion"))
    assert [m.text for m in missing] == ["1.1 billion"]
    assert [m.text for m in extra] == ["1.1 مليون"]


def test_compare_is_a_multiset() -> None:
    ar = extract_numbers_ar("26 و26 و35")
    en = extract_numbers_en("26, 35 and 35")
    missing, extra = compare_numbers(ar, en)
    assert [m.value for m in missing] == [35]
    assert [m.value for m in extra] == [26]


def test_ordinal_matches_cardinal_and_date() -> None:
    missing, extra = compare_numbers(extract_numbers_ar("الأول و4 سبتمبر"), extract_numbers_en("1 and Sept. 4"))
    assert missing == [] and extra == []


def test_percent_against_cardinal_is_reported_on_both_sides() -> None:
    missing, extra = compare_numbers(extract_numbers_ar("30 شخصا"), extract_numbers_en("30%"))
    assert [(m.value, m.kind) for m in missing] == [(30, "percent")]
    assert [(m.value, m.kind) for m in extra] == [(30, "cardinal")]


def test_same_kind_is_paired_first() -> None:
    # "two" would take ثانية if it came first; "second" must get it.
    missing, extra = compare_numbers(
        extract_numbers_ar("جولة ثانية"), extract_numbers_en("two days later, a second round"),
    )
    assert missing == [] and extra == []


def test_small_words_are_not_reported_unless_asked() -> None:
    # a dual noun (not a unit, so not read as a number); أحد = "one of"
    ar = extract_numbers_ar("بعد زيارة قريتين أعلن أحد المسؤولين")
    en = extract_numbers_en("after visiting two villages an official said")
    assert compare_numbers(ar, en) == ([], [])
    missing, extra = compare_numbers(ar, en, small_words=True)
    assert [m.text for m in missing] == ["two"]
    assert [m.text for m in extra] == ["أحد"]
    assert compare_numbers(extract_numbers_ar("2"), extract_numbers_en("3")) != ([], [])


def test_tolerance() -> None:
    a = NumberMention(1.1e9, 0, 1, "x", "cardinal")
    assert same_number(a, NumberMention(1.1e9 * (1 + 1e-12), 0, 1, "y", "cardinal"))
    assert not same_number(a, NumberMention(1.1e9 * (1 + 1e-6), 0, 1, "y", "cardinal"))
    assert not same_number(a, NumberMention(1.1e9, 0, 1, "y", "percent"))
    assert same_number(NumberMention(0.0, 0, 1, "0", "cardinal"), NumberMention(0.0, 0, 1, "صفر", "cardinal"))
    assert is_small_word(NumberMention(2, 0, 3, "two", "cardinal"))
    assert not is_small_word(NumberMention(2, 0, 1, "٢", "cardinal"))
