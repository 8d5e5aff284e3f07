"""Transliteration matching: skeletons, candidates, and the threshold on true/false pairs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eval.lexicon.translit import (
    THRESHOLD,
    candidates_ar,
    candidates_en,
    matches_name,
    name_similarity,
    skeleton_ar,
    skeleton_distance,
    skeleton_en,
)

# Arabic spelling ↔ English name: leaders, officials, companies, cities, with clitics.
TRUE_PAIRS = [
    ("ويتكوف", "Witkoff"), ("زيلنسكي", "Zelenskyy"), ("زيلينسكي", "Zelenskyy"), ("ماكرون", "Macron"),
    ("ستارمر", "Starmer"), ("بوتين", "Putin"), ("ترامب", "Trump"), ("روته", "Rutte"), ("روت", "Rutte"),
    ("روتي", "Rutte"), ("ميرز", "Merz"), ("كورنليوس", "Kornelius"), ("ستوب", "Stubb"),
    ("فولوديمير", "Volodymyr"), ("إيمانويل", "Emmanuel"), ("بيتريكوين", "Petrequin"),
    ("واشنطن", "Washington"), ("غوتيريش", "Guterres"), ("نتنياهو", "Netanyahu"), ("بايدن", "Biden"),
    ("أردوغان", "Erdogan"), ("شي", "Xi"), ("مايكروسوفت", "Microsoft"), ("تسلا", "Tesla"),
    ("غوغل", "Google"), ("أمازون", "Amazon"), ("فيسبوك", "Facebook"), ("سامسونغ", "Samsung"),
    ("تويوتا", "Toyota"), ("آبل", "Apple"), ("كييف", "Kyiv"), ("لندن", "London"), ("باريس", "Paris"),
    ("برلين", "Berlin"), ("موسكو", "Moscow"), ("طوكيو", "Tokyo"), ("بكين", "Beijing"),
    ("فلاديمير", "Vladimir"), ("دونالد", "Donald"), ("كير", "Keir"), ("ألكساندر", "Alexander"),
    ("فريدريش", "Friedrich"), ("ستيف", "Steve"), ("ستيفان", "Steffen"), ("مارك", "Mark"),
    ("لافروف", "Lavrov"), ("بلينكن", "Blinken"), ("شولتس", "Scholz"), ("ميلوني", "Meloni"),
    ("أوربان", "Orban"), ("هاريس", "Harris"), ("بنيامين", "Benjamin"), ("خامنئي", "Khamenei"),
    ("السيسي", "Sisi"), ("جونسون", "Johnson"), ("تشرشل", "Churchill"), ("فاغنر", "Wagner"),
    ("نيكسون", "Nixon"), ("إنتل", "Intel"), ("نفيديا", "Nvidia"), ("بوينغ", "Boeing"),
    ("إيرباص", "Airbus"), ("رويترز", "Reuters"), ("بلومبرغ", "Bloomberg"), ("أوكرانيا", "Ukraine"),
    ("إستونيا", "Estonia"), ("وبوتين", "Putin"), ("لماكرون", "Macron"), ("وزيلينسكي", "Zelenskyy"),
    ("الأسد", "al-Assad"), ("الأسد", "Assad"), ("مودي", "Modi"), ("لولا", "Lula"), ("هنية", "Haniyeh"),
    ("السنوار", "Sinwar"), ("رئيسي", "Raisi"), ("بزشكيان", "Pezeshkian"), ("بيسكوف", "Peskov"),
    ("شويغو", "Shoigu"), ("ميدفيديف", "Medvedev"), ("نافالني", "Navalny"), ("بريغوجين", "Prigozhin"),
    ("توسك", "Tusk"), ("سانشيز", "Sánchez"), ("ميلي", "Milei"), ("بولسونارو", "Bolsonaro"),
    ("مادورو", "Maduro"), ("ألبانيزي", "Albanese"), ("ترودو", "Trudeau"), ("كارني", "Carney"),
    ("كيشيدا", "Kishida"), ("شريف", "Sharif"), ("رامافوزا", "Ramaphosa"), ("روتو", "Ruto"),
    ("كاغامي", "Kagame"), ("محمد", "Mohammed"), ("عبدالله", "Abdullah"), ("حفتر", "Haftar"),
    ("الدبيبة", "Dbeibah"), ("البرهان", "Burhan"), ("دقلو", "Dagalo"), ("روبيو", "Rubio"),
    ("فانس", "Vance"), ("هيغسيث", "Hegseth"), ("والتز", "Waltz"), ("كالاس", "Kallas"),
    ("لاين", "Leyen"), ("غروسي", "Grossi"), ("تيدروس", "Tedros"), ("لازاريني", "Lazzarini"),
    ("فليتشر", "Fletcher"), ("ميتا", "Meta"), ("أرامكو", "Aramco"), ("هواوي", "Huawei"),
    ("سيمنز", "Siemens"), ("نتفليكس", "Netflix"), ("تويتر", "Twitter"), ("خاركيف", "Kharkiv"),
    ("أوديسا", "Odesa"), ("زابوريجيا", "Zaporizhzhia"), ("باخموت", "Bakhmut"), ("غزة", "Gaza"),
    ("رفح", "Rafah"), ("بيروت", "Beirut"), ("طهران", "Tehran"), ("الرياض", "Riyadh"),
    ("عباس", "Abbas"), ("بلير", "Blair"), ("ميركل", "Merkel"), ("ماي", "May"), ("أوباما", "Obama"),
    ("كلينتون", "Clinton"), ("بوش", "Bush"), ("جينبينغ", "Jinping"), ("لوكاشينكو", "Lukashenko"),
    ("سوناك", "Sunak"), ("هيلي", "Haley"), ("ديسانتيس", "DeSantis"), ("ميرتس", "Merz"),
]

# Names that do not transliterate each other: the three the brief names, then names of
# the list above paired at random, and common Arabic words against names.
FALSE_PAIRS = [
    ("ترامب", "Putin"), ("ماكرون", "Merz"), ("بوتين", "Biden"), ("زيلينسكي", "Starmer"),
    ("ويتكوف", "Macron"), ("ستارمر", "Stubb"), ("روته", "Merz"), ("ميرز", "Rutte"),
    ("نتنياهو", "Erdogan"), ("أردوغان", "Guterres"), ("بايدن", "Trump"), ("غوتيريش", "Witkoff"),
    ("كورنليوس", "Emmanuel"), ("فولوديمير", "Washington"), ("واشنطن", "Zelenskyy"), ("ستوب", "Trump"),
    ("مايكروسوفت", "Google"), ("تسلا", "Amazon"), ("غوغل", "Tesla"), ("سامسونغ", "Toyota"),
    ("لندن", "Berlin"), ("باريس", "Moscow"), ("طوكيو", "Kyiv"), ("موسكو", "Paris"),
    ("بكين", "Tokyo"), ("الرئيس", "President"), ("وزير", "Minister"), ("قال", "Kyiv"),
    ("الحرب", "Harris"), ("روسيا", "Rutte"), ("أوروبا", "Orban"), ("الأمن", "Lula"),
    ("مارك", "Merz"), ("ستيف", "Stubb"), ("دونالد", "Donetsk"), ("كير", "Kyiv"),
    ("الصين", "Sisi"), ("اجتماع", "Johnson"), ("الدعم", "Modi"), ("قوة", "Keir"),
    ("بيتريكوين", "Pentagon"), ("ألكساندر", "Lavrov"), ("خامنئي", "Khan"), ("شولتس", "Stubb"),
    ("فريدريش", "Friday"), ("هاريس", "Paris"), ("إنتل", "Apple"), ("هنية", "Hamas"),
    ("السنوار", "Sunak"), ("رئيسي", "Rubio"), ("بزشكيان", "Peskov"), ("عراقجي", "Iraq"),
    ("شويغو", "Shanghai"), ("ميدفيديف", "Modi"), ("نافالني", "Navy"), ("توسك", "Texas"),
    ("سانشيز", "Sinwar"), ("مادورو", "Madrid"), ("ترودو", "Trump"), ("كارني", "Kerry"),
    ("حفتر", "Hafez"), ("روبيو", "Ruto"), ("فانس", "France"), ("والتز", "Wales"),
    ("كالاس", "Kallio"), ("خاركيف", "Kherson"), ("أوديسا", "Oslo"), ("بيروت", "Beijing"),
    ("دمشق", "Doha"), ("عباس", "Abu"), ("بلير", "Blinken"), ("أوباما", "Oman"),
    ("كلينتون", "Clinic"), ("بوش", "Bashir"), ("سوناك", "Sinai"), ("المسؤول", "Milan"),
    ("الجيش", "Jesus"), ("الحكومة", "Hakim"), ("الخميس", "Thomas"), ("العاصمة", "Assam"),
    ("الشرطة", "Sharif"), ("أمريكية", "Mark"), ("الأربعاء", "Europe"), ("الخاصة", "House"),
    ("أن", "In"), ("في", "If"), ("عن", "In"), ("به", "AP"), ("شن", "China"), ("استمر", "Starmer"),
    ("انتهاء", "NATO"), ("نحن", "Union"), ("واحد", "White"), ("ورئيس", "Paris"),
]

# Known miss: two regional renderings stacked (Persian gh → ق, ch → ج) cost 1.0 over
# three consonants. Inherently ambiguous at skeleton level (same consonants, compatible
# vowels), so they match and a caller needs context: ميلوني Meloni/Malone, محمد
# Mohammed/Mahmoud, غزة Gaza/Giza, شريف Sharif/Sheriff, ميتا Meta/Mitt, غروسي
# Grossi/Gross, هواوي Huawei/Hawaii, مدينة Medina (the word for "city"), القوات ↔
# Kuwait (ال + قوات), كيف ("how") ↔ Kyiv, هاريس Harris/Raisi.
KNOWN_MISSES = [("عراقجي", "Araghchi")]
AMBIGUOUS = [
    ("ميلوني", "Malone"), ("محمد", "Mahmoud"), ("غزة", "Giza"), ("شريف", "Sheriff"),
    ("ميتا", "Mitt"), ("غروسي", "Gross"), ("هواوي", "Hawaii"), ("مدينة", "Medina"),
    ("القوات", "Kuwait"), ("كيف", "Kyiv"), ("هاريس", "Raisi"),
]


def test_pair_lists_are_big_enough() -> None:
    assert len(TRUE_PAIRS) >= 40
    assert len(FALSE_PAIRS) >= 40


@pytest.mark.parametrize(("ar", "en"), TRUE_PAIRS)
def test_true_pairs_match(ar: str, en: str) -> None:
    assert matches_name(ar, en), (ar, en, name_similarity(ar, en), skeleton_ar(ar), skeleton_en(en))


@pytest.mark.parametrize(("ar", "en"), FALSE_PAIRS)
def test_false_pairs_do_not_match(ar: str, en: str) -> None:
    assert not matches_name(ar, en), (ar, en, name_similarity(ar, en), skeleton_ar(ar), skeleton_en(en))


def _errors(threshold: float) -> int:
    misses = sum(name_similarity(a, e) < threshold for a, e in TRUE_PAIRS + KNOWN_MISSES)
    false = sum(name_similarity(a, e) >= threshold for a, e in FALSE_PAIRS)
    return misses + false


def test_threshold_separates_best() -> None:
    grid = [round(0.5 + 0.05 * k, 2) for k in range(10)]
    best = min(_errors(t) for t in grid)
    assert _errors(THRESHOLD) == best
    assert _errors(THRESHOLD) == len(KNOWN_MISSES)


def test_cross_pairs_rarely_match() -> None:
    """Arabic names against the English of other names: well under 0.1% match."""
    names = {en for _, en in TRUE_PAIRS}
    hits = total = 0
    for ar, en in TRUE_PAIRS:
        for other in names:
            if skeleton_en(other) == skeleton_en(en):
                continue
            total += 1
            hits += matches_name(ar, other)
    assert total > 10_000
    assert hits / total < 0.001


def test_known_ambiguities_are_documented() -> None:
    # Not a promise either way; these pairs share a skeleton and need context.
    for ar, en in AMBIGUOUS:
        assert 0.0 <= name_similarity(ar, en) <= 1.0


@pytest.mark.parametrize(
    ("word", "skeleton"),
    [
        ("Witkoff", "WTKF"), ("Zelenskyy", "ZLNSK"), ("Washington", "WXNTN"), ("Macron", "MKRN"),
        ("Petrequin", "BTRKN"), ("Alexander", "LKSNDR"), ("Xi", "X"), ("Churchill", "XRXL"),
        ("Christ", "KRST"), ("Philip", "FLB"), ("Thatcher", "CXR"), ("Baghdad", "BGDD"),
        ("Leigh", "L"), ("White", "WT"), ("Rutte", "RT"), ("Starmer's", "STRMR"), ("Sánchez", "SNXZ"),
    ],
)
def test_skeleton_en(word: str, skeleton: str) -> None:
    assert skeleton_en(word) == skeleton


@pytest.mark.parametrize(
    ("word", "skeleton"),
    [
        ("ويتكوف", "WTKF"), ("زيلينسكي", "ZLNSK"), ("واشنطن", "WXNTN"), ("ماكرون", "MKRN"),
        ("روته", "RT"), ("نتنياهو", "NTNYH"), ("تويوتا", "TYT"), ("تشرشل", "XRXL"), ("شاه", "XH"),
        ("سامسونغ", "SMSN"), ("إيمانويل", "MNL"), ("مُحَمَّد", "MHMD"), ("بـوتـين", "BTN"),
    ],
)
def test_skeleton_ar(word: str, skeleton: str) -> None:
    assert skeleton_ar(word) == skeleton


def test_candidates() -> None:
    assert candidates_ar("وبالرياض") == ["وبالرياض", "رياض", "بالرياض"]
    assert candidates_ar("بوتين")[0] == "بوتين"
    assert "وتين" in candidates_ar("بوتين")
    assert candidates_ar("لي") == ["لي"]  # nothing shorter than two letters
    assert candidates_en("al-Assad") == ["al-Assad", "Assad"]
    assert candidates_en("Alexander") == ["Alexander"]


def test_short_names_need_an_exact_match() -> None:
    assert matches_name("شي", "Xi")
    assert not matches_name("شن", "Xi")
    assert not matches_name("أن", "In")
    assert not matches_name("باريس", "Raisi")  # ب is not a clitic on a two-consonant name


def test_threshold_argument() -> None:
    assert matches_name("غوتيريش", "Guterres", threshold=0.85)
    assert not matches_name("غوتيريش", "Guterres", threshold=0.9)


def test_distance_costs() -> None:
    assert skeleton_distance("KRN", "KRN") == 0.0
    assert skeleton_distance("BTN", "BDN") == 0.5  # close classes
    assert skeleton_distance("BTN", "BMN") == 1.0
    assert skeleton_distance("HRS", "RS") == 0.5  # H comes and goes
    assert skeleton_distance("XLTS", "XLZ") == 0.5  # German z is ts


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="ابتثجحخدذرزسشصضطظعغفقكلمنهويىءأإآةئؤـَُِّ", max_size=12),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-'é", max_size=12),
)
def test_similarity_is_bounded(ar: str, en: str) -> None:
    value = name_similarity(ar, en)
    assert 0.0 <= value <= 1.0
