"""Number extraction in Arabic and English, and the multiset comparison."""

from __future__ import annotations

import pytest

from eval.lexicon.numbers import (
    NumberComparison,
    NumberMention,
    compare_numbers,
    extract_numbers_ar,
    extract_numbers_en,
    is_small_word,
    pair_numbers,
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


# --- number words, fractions, multiples and units (issue 12) ---------------------------------


def _q(found: list[NumberMention], text: str) -> list[tuple[float, str, str | None, str]]:
    """(value, kind, unit, the whole quantity's text) of each mention."""
    for m in found:
        assert text[m.start:m.end] == m.text
    return [(m.value, m.kind, m.unit.name if m.unit else None, text[m.start:m.quantity_span[1]]) for m in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("she ordered a dozen chairs", [(12, "cardinal", None, "a dozen")]),
        ("half a dozen", [(6, "cardinal", None, "half a dozen")]),
        ("he called twice", [(2, "multiple", None, "twice")]),
        ("four times as large", [(4, "multiple", None, "four times")]),
        ("a three-fold rise", [(3, "multiple", None, "three-fold")]),
        ("a sevenfold rise", [(7, "multiple", None, "sevenfold")]),
        ("costs tripled", [(3, "multiple", None, "tripled")]),
        ("the herd was halved", [(0.5, "multiple", None, "halved")]),
        ("three-quarters of the crop", [(0.75, "fraction", None, "three-quarters")]),
        ("three fifths of the board", [(0.6, "fraction", None, "three fifths")]),
        ("a seventh of the budget", [(1 / 7, "fraction", None, "a seventh")]),
        ("grew by a third last year", [(1 / 3, "fraction", None, "a third")]),
        ("a fourth straight defeat", [(4, "ordinal", None, "a fourth")]),
        ("the ninth stage", [(9, "ordinal", None, "ninth")]),
        ("the eightieth birthday", [(80, "ordinal", None, "eightieth")]),
        ("the fourth-largest port", [(4, "ordinal", None, "fourth")]),
        ("sixty-three boats", [(63, "cardinal", None, "sixty-three")]),
        ("a 65-kilometre pipeline", [(65, "cardinal", "kilometre", "65-kilometre")]),
        ("12km of road", [(12, "cardinal", "kilometre", "12km")]),
        ("a 300MW turbine", [(300, "cardinal", "megawatt", "300MW")]),
        ("about 7 miles", [(7, "cardinal", "mile", "7 miles")]),
        ("38°C in the shade", [(38, "cardinal", "degree Celsius", "38°C")]),
        ("minus 12 degrees Celsius", [(-12, "cardinal", "degree Celsius", "minus 12 degrees Celsius")]),
        ("2 degrees below zero", [(-2, "cardinal", "degree", "2 degrees below zero")]),
        ("up 1.5 percentage points", [(1.5, "percent", "percentage point", "1.5 percentage points")]),
        ("a quarter of a percentage point", [(0.25, "percent", "percentage point", "a quarter of a percentage point")]),
        ("by 25 basis points", [(25, "percent", "basis point", "25 basis points")]),
        ("£40 million", [(40e6, "cardinal", "pound", "40 million")]),
        ("3 million dinars", [(3e6, "cardinal", "dinar", "3 million dinars")]),
        ("seven tonnes of grain", [(7, "cardinal", "tonne", "seven tonnes")]),
        ("after nearly a century", [(1, "cardinal", "century", "a century")]),
        ("high to a degree that", []),
        ("an hour and a half", [(1.5, "cardinal", "hour", "an hour and a half")]),
        ("half an hour", [(0.5, "fraction", "hour", "half an hour")]),
        ("a half-hour talk", [(0.5, "fraction", "hour", "a half-hour")]),
        ("at half-time", []),
        ("a four-year term", [(4, "cardinal", "year", "four-year")]),
        ("a couple of weeks", [(2, "cardinal", "week", "a couple of weeks")]),
        ("scores of homes", [(10, "approximate", None, "scores of")]),
    ],
)
def test_extract_en_quantities(text: str, expected: list[tuple[float, str, str | None, str]]) -> None:
    got = _q(extract_numbers_en(text), text)
    assert [(k, u, t) for _, k, u, t in got] == [(k, u, t) for _, k, u, t in expected]
    assert [v for v, _, _, _ in got] == pytest.approx([v for v, _, _, _ in expected])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("اشترى دزينة كراسي", [(12, "cardinal", None, "دزينة")]),
        ("اتصل مرتين", [(2, "multiple", None, "مرتين")]),
        ("أكبر بأربع مرات", [(4, "multiple", None, "بأربع مرات")]),
        ("زادت ثلاثة أضعاف", [(3, "multiple", None, "ثلاثة أضعاف")]),
        ("ارتفعت الأسعار إلى ضعفين", [(2, "multiple", None, "ضعفين")]),
        ("ثلاثة أخماس الأعضاء", [(0.6, "fraction", None, "ثلاثة أخماس")]),
        ("ثلثا السكان", [(2 / 3, "fraction", None, "ثلثا")]),
        ("المرحلة التاسعة", [(9, "ordinal", None, "التاسعة")]),
        ("رابع أكبر ميناء", [(4, "ordinal", None, "رابع")]),
        ("ثلاثة وستون قاربا", [(63, "cardinal", None, "ثلاثة وستون")]),
        ("فاز بستا من سبع مباريات", [(6, "cardinal", None, "بستا"), (7, "cardinal", None, "سبع")]),
        ("خط أنابيب بطول 65 كيلومترا", [(65, "cardinal", "kilometre", "65 كيلومترا")]),
        ("توربين بقدرة 300 ميغاواط", [(300, "cardinal", "megawatt", "300 ميغاواط")]),
        ("نحو 7 أميال", [(7, "cardinal", "mile", "7 أميال")]),
        ("12 درجة مئوية تحت الصفر", [(-12, "cardinal", "degree Celsius", "12 درجة مئوية تحت الصفر")]),
        ("سالب 12 درجة", [(-12, "cardinal", "degree", "سالب 12 درجة")]),
        ("ارتفع 1.5 نقطة مئوية", [(1.5, "percent", "percentage point", "1.5 نقطة مئوية")]),
        ("بمقدار 25 نقطة أساس", [(25, "percent", "basis point", "25 نقطة أساس")]),
        ("40 مليون جنيه إسترليني", [(40e6, "cardinal", "pound", "40 مليون جنيه إسترليني")]),
        ("سبعة أطنان من الحبوب", [(7, "cardinal", "tonne", "سبعة أطنان")]),
        ("بعد قرنين", [(2, "cardinal", "century", "قرنين")]),
        ("لمدة أسبوعين", [(2, "cardinal", "week", "أسبوعين")]),
        ("ساعة ونصف", [(1.5, "cardinal", "hour", "ساعة ونصف")]),
        ("نصف ساعة", [(0.5, "fraction", "hour", "نصف ساعة")]),
        ("ربع قرن", [(0.25, "fraction", "century", "ربع قرن")]),
        ("20 ثانية", [(20, "cardinal", "second", "20 ثانية")]),
    ],
)
def test_extract_ar_quantities(text: str, expected: list[tuple[float, str, str | None, str]]) -> None:
    got = _q(extract_numbers_ar(text), text)
    assert [(k, u, t) for _, k, u, t in got] == [(k, u, t) for _, k, u, t in expected]
    assert [v for v, _, _, _ in got] == pytest.approx([v for v, _, _, _ in expected])


def test_ambiguous_words_have_both_readings() -> None:
    (fifth,) = extract_numbers_ar("نحو خمس الإنتاج")
    assert (fifth.value, fifth.kind) == (5, "cardinal")
    assert fifth.readings == ((pytest.approx(0.2), "fraction"),)
    assert compare_numbers([fifth], extract_numbers_en("about a fifth of output")) == ([], [])
    assert compare_numbers([fifth], extract_numbers_en("five plants")) == ([], [])
    (third,) = extract_numbers_en("a third straight year")
    assert (third.kind, third.readings) == ("ordinal", ((pytest.approx(1 / 3), "fraction"),))


def test_a_word_that_is_also_an_ordinary_word_is_never_reported_alone() -> None:
    (weak,) = extract_numbers_ar("بسبب ضعف الطلب")  # "weakness of demand"
    assert weak.ambiguous and weak.kind == "multiple"
    assert compare_numbers([weak], []) == ([], [])
    assert pair_numbers([weak], extract_numbers_en("because demand was weak")) == NumberComparison((), (), ())
    # …but it contradicts a multiple on the other side
    comparison = pair_numbers([weak], extract_numbers_en("demand tripled"))
    assert [(m.text, e.text) for m, e in comparison.pairs] == [("tripled", "ضعف")]
    # "double" in "double-digit" is no number, and the percentage a multiple means does
    # not make it pairable with any percentage
    comparison = pair_numbers(extract_numbers_ar("نمو بنسبة 12%"), extract_numbers_en("double-digit growth"))
    assert comparison.pairs == () and [e.text for e in comparison.extra] == ["12%"]


def test_multiples_match_the_percentage_they_mean() -> None:
    assert compare_numbers(extract_numbers_ar("ارتفع بنسبة 200%"), extract_numbers_en("tripled")) == ([], [])
    assert compare_numbers(extract_numbers_ar("تراجع بنسبة 50%"), extract_numbers_en("halved")) == ([], [])
    assert compare_numbers(extract_numbers_ar("تراجع إلى النصف"), extract_numbers_en("halved")) == ([], [])
    assert compare_numbers(extract_numbers_ar("ارتفع بنسبة 40%"), extract_numbers_en("doubled")) != ([], [])


@pytest.mark.parametrize(
    ("ar", "en"),
    [
        ("8 كيلومترات", "5 miles"),  # converted and rounded
        ("يومين", "48 hours"),
        ("عام ونصف", "18 months"),
        ("ربع قرن", "25 years"),
        ("50 نقطة أساس", "half a percentage point"),
        ("113 درجة فهرنهايت", "45 degrees Celsius"),
        ("40 درجة", "40 degrees Celsius"),  # one side names no unit
        ("3 عقود", "three contracts"),  # a noun read as a unit: compared by value
        ("5 مليارات دولار", "$5 billion"),
        ("2000 كيلوغرام", "2 tonnes"),
        ("اثنان وأربعون", "forty-two"),
        ("مئتا", "two hundred"),
        ("ثلث", "a third of"),
    ],
)
def test_same_quantity_in_other_words(ar: str, en: str) -> None:
    assert compare_numbers(extract_numbers_ar(ar), extract_numbers_en(en)) == ([], [])


@pytest.mark.parametrize(
    ("ar", "en", "ar_text", "en_text"),
    [
        ("عشرة", "a dozen", "عشرة", "a dozen"),
        ("ثلاث مرات", "twice", "ثلاث مرات", "twice"),
        ("ربع", "three-quarters", "ربع", "three-quarters"),
        ("نصف مليار", "half a million", "نصف مليار", "half a million"),
        ("الثامن", "the ninth", "الثامن", "ninth"),
        ("120 كيلوواط", "120 megawatts", "120", "120"),
        ("420 ميلا", "420 kilometres", "420", "420"),
        ("3 نقاط مئوية", "3%", "3 نقاط مئوية", "3%"),
        ("8 درجات مئوية", "minus 8 degrees Celsius", "8", "minus 8"),
        ("عقدين", "more than a decade", "عقدين", "a decade"),
        ("ثلاثة أشهر", "three years", "ثلاثة", "three"),
        ("5 ملايين يورو", "5 million dollars", "5 ملايين", "5 million"),
        ("طنين", "two kilograms", "طنين", "two"),
        ("اثنان وأربعون", "twenty-four", "اثنان وأربعون", "twenty-four"),
    ],
)
def test_numbers_that_disagree_are_paired(ar: str, en: str, ar_text: str, en_text: str) -> None:
    comparison = pair_numbers(extract_numbers_ar(ar), extract_numbers_en(en))
    assert [(m.text, e.text) for m, e in comparison.pairs] == [(en_text, ar_text)]
    assert comparison.missing == comparison.extra == ()


def test_pairs_prefer_the_same_unit_and_figure() -> None:
    comparison = pair_numbers(extract_numbers_ar("غرفة 18 قدما في 9 أقدام"),
                              extract_numbers_en("a room 18 metres by 9 metres"))
    assert [(m.text, e.text) for m, e in comparison.pairs] == [("18", "18"), ("9", "9")]
    # an ordinal pairs with an ordinal even when a cardinal comes first
    comparison = pair_numbers(extract_numbers_ar("خسر ثلاثا وتراجع إلى المركز الثامن"),
                              extract_numbers_en("lost three and fell to seventh place"))
    assert [(m.text, e.text) for m, e in comparison.pairs] == [("seventh", "الثامن")]


def test_small_words_pair_only_in_one_dimension() -> None:
    # "a year" against يومين: both small, both time — a disagreement
    comparison = pair_numbers(extract_numbers_ar("بعد يومين"), extract_numbers_en("a year later"))
    assert [(m.text, e.text) for m, e in comparison.pairs] == [("a year", "يومين")]
    # "two" against أحد ("one of"): small words of no unit are left out, as before
    assert pair_numbers(extract_numbers_ar("أحد المسؤولين"), extract_numbers_en("two officials")) == \
        NumberComparison((), (), ())
