"""The bundled linguistic resources and their loaders."""

from __future__ import annotations

import re
from importlib import resources as importlib_resources

import pytest

from eval.lexicon import resources
from eval.lexicon.resources import (
    fold_ar,
    parse_calendar,
    parse_gazetteer,
    parse_idioms,
    parse_negation,
    parse_numbers,
    parse_units,
    parse_wordlist,
)
from tadqiq.errors import ConfigError

TSV_COLUMNS = {
    "gazetteer.tsv": 4,
    "numbers_ar.tsv": 3,
    "numbers_en.tsv": 3,
    "calendar.tsv": 3,
    "negation.tsv": 3,
    "idioms_en.tsv": 3,
    "units.tsv": 7,
}
_ARABIC = re.compile(r"^[\u0621-\u065f\u0670-\u06ff ]+$")


# --- files --------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "columns"), sorted(TSV_COLUMNS.items()))
def test_bundled_tsv_files_are_well_formed(name: str, columns: int) -> None:
    text = importlib_resources.files("eval.lexicon.resources").joinpath(name).read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert rows, name
    for line in rows:
        assert line.count("\t") == columns - 1, (name, line)
        assert line == line.strip(), (name, line)


@pytest.mark.parametrize("name", ["stopwords_en.txt", "stopwords_ar.txt"])
def test_bundled_wordlists_are_package_data(name: str) -> None:
    text = importlib_resources.files("eval.lexicon.resources").joinpath(name).read_text(encoding="utf-8")
    assert len(parse_wordlist(text, name)) >= 250


def test_loaders_are_cached() -> None:
    assert resources.gazetteer() is resources.gazetteer()
    assert resources.numbers_ar() is resources.numbers_ar()
    assert resources.calendar() is resources.calendar()


# --- gazetteer ----------------------------------------------------------------------------


def test_gazetteer_coverage() -> None:
    kinds: dict[str, int] = {}
    for entity in resources.gazetteer():
        kinds[entity.kind] = kinds.get(entity.kind, 0) + 1
    assert kinds["country"] == 197  # 193 UN members + Taiwan, Palestine, Kosovo, Vatican
    assert kinds["city"] >= 80
    assert kinds["organisation"] >= 50
    assert kinds["region"] >= 30
    names = {e.english for e in resources.gazetteer()}
    for name in ["Taiwan", "Palestine", "Kosovo", "Vatican", "Eswatini", "Timor-Leste", "Tuvalu",
                 "South Sudan", "United Nations", "NATO", "Hamas", "Pentagon", "Federal Reserve",
                 "Gaza Strip", "West Bank", "Crimea", "Donbas", "Sahel", "Kyiv", "Amman"]:
        assert name in names, name


def test_gazetteer_entries_are_clean() -> None:
    seen: set[str] = set()
    for entity in resources.gazetteer():
        assert entity.english not in seen
        seen.add(entity.english)
        assert entity.arabic, entity.english
        assert entity.english not in entity.aliases
        assert not any(a.startswith("~") or not a.strip() for a in entity.aliases), entity.english
        for form in entity.arabic:
            assert fold_ar(form), (entity.english, form)
            assert _ARABIC.match(form) or "+" in form, (entity.english, form)
        assert entity.ambiguous <= set(entity.aliases) | set(entity.arabic)


def test_english_aliases_name_one_entity() -> None:
    shared = {k: [e.english for e in v] for k, v in resources.entity_index_en().items() if len(v) > 1}
    assert shared == {}


def test_arabic_forms_rarely_name_two_entities() -> None:
    shared = {k: [e.english for e in v] for k, v in resources.entity_index_ar().items() if len(v) > 1}
    assert shared == {"عمان": ["Oman", "Amman"]}


def test_united_states() -> None:
    us = resources.lookup_en("US")[0]
    assert us.english == "United States"
    assert {"U.S.", "America", "American", "Washington"} <= set(us.aliases)
    assert {"الولايات المتحدة", "أمريكا", "أميركا", "الأمريكي", "الأميركية", "أمريكيون",
            "أمريكيين", "واشنطن"} <= set(us.arabic)


def test_lookup_en_case_rule() -> None:
    assert [e.english for e in resources.lookup_en("U.S.")] == ["United States"]
    assert resources.lookup_en("us") == ()
    assert resources.lookup_en("who") == ()
    assert [e.english for e in resources.lookup_en("WHO")] == ["World Health Organization"]
    assert [e.english for e in resources.lookup_en("russian")] == ["Russia"]
    assert [e.english for e in resources.lookup_en("Ukraine’s")] == ["Ukraine"]
    assert [e.english for e in resources.lookup_en("North  Korean")] == ["North Korea"]
    assert resources.lookup_en("Atlantis") == ()


def test_lookup_ar_with_clitics() -> None:
    assert [e.english for e in resources.lookup_ar("بالولايات المتحدة")] == ["United States"]
    assert [e.english for e in resources.lookup_ar("وواشنطن")] == ["United States"]
    assert [e.english for e in resources.lookup_ar("للأمم المتحدة")] == ["United Nations"]
    assert [e.english for e in resources.lookup_ar("الأوكراني")] == ["Ukraine"]
    assert [e.english for e in resources.lookup_ar("الأمريكى")] == ["United States"]
    assert [e.english for e in resources.lookup_ar("عمّان")] == ["Oman", "Amman"]
    assert resources.lookup_ar("كتاب") == ()


def test_ambiguous_forms_are_marked() -> None:
    egypt = resources.lookup_en("Egypt")[0]
    assert "مصر" in egypt.ambiguous and "مصر" in egypt.arabic
    assert "مصري" not in egypt.ambiguous


def test_fold_ar() -> None:
    assert fold_ar("أَمْرِيكَا") == "امريكا"
    assert fold_ar("إيران") == "ايران"
    assert fold_ar("مصطفى") == "مصطفي"
    assert fold_ar("مدرسة") == "مدرسة"  # ta marbuta kept
    assert fold_ar("بـوتـين\u200f") == "بوتين"
    assert fold_ar("  الولايات   المتحدة ") == "الولايات المتحدة"


# --- numbers, calendar ----------------------------------------------------------------------


def test_number_tables() -> None:
    ar, en = resources.numbers_ar(), resources.numbers_en()
    assert ar["ثلاثة"].value == 3 and ar["ثلاثين"].value == 30
    assert ar["مليار"].kind == "scale" and ar["مليار"].value == 1e9
    assert ar["ملياري"].value == 2e9 and ar["ملياري"].kind == "cardinal"
    assert ar["ملايين"].kind == "scale-plural"
    assert ar[fold_ar("في المئة")].kind == "percent"
    assert ar[fold_ar("الأولى")].kind == "ordinal"
    assert ar["ثلث"].value == pytest.approx(1 / 3)
    assert ar[fold_ar("ثلاثة أرباع")].value == 0.75
    assert en["billion"].value == 1e9 and en["per cent"].kind == "percent"
    assert en["two thirds"].value == pytest.approx(2 / 3)  # hyphen folded to a space
    assert en["third"].kind == "ordinal" and en["a third"].kind == "fraction"
    for table in (ar, en):
        assert {w.kind for w in table.values()} <= resources.NUMBER_KINDS
    for value in list(range(0, 21)) + list(range(30, 100, 10)):
        assert any(w.value == value and w.kind == "cardinal" for w in ar.values()), value
        assert any(w.value == value and w.kind == "cardinal" for w in en.values()), value


def test_calendar() -> None:
    cal = resources.calendar()
    assert [e.name for e in cal.weekdays()] == [
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    assert len(cal.months()) == 12
    assert cal.number["January"] == 1 and cal.number["December"] == 12 and cal.number["Monday"] == 1
    assert cal.english["sept"] == "September"
    assert cal.arabic[fold_ar("كانون الثاني")] == "January"
    assert cal.arabic[fold_ar("أيلول")] == "September"
    assert cal.arabic["جانفي"] == "January"
    assert cal.arabic[fold_ar("الإثنين")] == "Monday"
    assert cal.kind["tomorrow"] == "relative"
    assert fold_ar("آب") in cal.ambiguous_ar
    for entry in cal.months():
        assert len(entry.arabic) >= 2, entry.name  # Egyptian/Gulf and Levantine at least


def test_number_paradigms_are_complete() -> None:
    ar, en = resources.numbers_ar(), resources.numbers_en()
    for value in range(1, 11):  # first … tenth, both languages
        assert any(w.value == value and w.kind == "ordinal" for w in en.values()), value
        assert any(w.value == value and w.kind == "ordinal" for w in ar.values()), value
    for value in range(2, 11):  # halves … tenths
        assert any(w.kind == "fraction-plural" and w.value == pytest.approx(1 / value) for w in en.values()), value
    for value in range(3, 11):  # أثلاث … أعشار
        assert any(w.kind == "fraction-plural" and w.value == pytest.approx(1 / value) for w in ar.values()), value
    assert ar["خمس"].value == 5 and ar["خمس"].readings == ((pytest.approx(0.2), "fraction"),)
    assert ar["ضعف"].kind == "multiple" and ar["ضعف"].ambiguous and not ar["ضعفين"].ambiguous
    assert en["twice"].kind == "multiple" and en["halved"].value == 0.5 and en["double"].ambiguous
    assert en["times"].kind == ar["مرات"].kind == "times"
    assert en["minus"].kind == "sign" and ar[fold_ar("تحت الصفر")].kind == "sign-after"


def test_units() -> None:
    units = resources.units()
    km, mile = units.english["km"], units.arabic[fold_ar("أميال")]
    assert km.dimension == mile.dimension == "length"
    assert mile.base(5) == pytest.approx(8046.72) and km.base(8) == 8000
    assert units.arabic_dual[fold_ar("عقدين")].name == "decade"
    assert units.english["megawatt hours"].dimension == "energy"  # also "megawatt-hours"
    fahrenheit = units.arabic[fold_ar("فهرنهايت")]
    assert fahrenheit.base(212) == pytest.approx(100)
    assert not units.english["$"].convertible and units.english["dollars"] == units.arabic["دولار"]
    assert units.longest >= 2


def test_units_errors() -> None:
    header = "unit\tdimension\tfactor\toffset\tenglish\tarabic\tdual\n"
    with pytest.raises(ConfigError, match="line 3: the unit 'metre' is defined twice"):
        parse_units(header + "metre\tlength\t1\t0\tm\tمتر\t\nmetre\tlength\t1\t0\tmetres\tأمتار\t\n", "u.tsv")
    with pytest.raises(ConfigError, match="line 3: 'mile' is already a form of 'mile'"):
        parse_units(header + "mile\tlength\t1609\t0\tmile\tميل\t\nknot\tlength\t1852\t0\tmile\tعقدة\t\n", "u.tsv")
    with pytest.raises(ConfigError, match="value 'x' is not a number"):
        parse_units(header + "metre\tlength\tx\t0\tm\tمتر\t\n", "u.tsv")


# --- negation, idioms, stopwords -------------------------------------------------------------


def test_negators() -> None:
    assert {"لم", "لن", "لا", "ليس", "ليست", "ليسوا", "لست", "غير", "عدم", "دون", "بدون", "بلا"} \
        <= resources.negators_ar()
    assert "ما" in resources.ambiguous_negators_ar() and "ما" not in resources.negators_ar()
    assert {"not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without",
            "cannot", "can't"} <= resources.negators_en()


def test_negative_prefixed_words() -> None:
    prefixed = resources.negative_prefixed_en()
    assert len(prefixed) >= 60
    assert {"unclear", "unprecedented", "indirectly", "unbreakable", "illegal", "unable"} <= prefixed
    # lexicalised or not rendered with a negator in Arabic: deliberately left out
    assert not {"unmanned", "nonprofit", "non-governmental", "independent", "impossible",
                "wireless", "regardless"} & prefixed
    assert prefixed.isdisjoint(resources.negators_en())


def test_fixed_phrases_contain_a_negator() -> None:
    words = {fold_ar(w) for w in resources.negators_ar() | resources.ambiguous_negators_ar()}
    fixed = resources.negation_fixed_ar()
    assert {"لا يزال", "بدون طيار", "طائرات بدون طيار", "لا سيما", "غير ربحية"} <= set(fixed)
    assert [len(p.split()) for p in fixed] == sorted((len(p.split()) for p in fixed), reverse=True)
    for phrase in fixed:
        forms = set()
        for word in fold_ar(phrase).split():
            forms.add(word)
            forms.update(word[len(p):] for p in resources.AR_CLITIC_PREFIXES if word.startswith(p))
        assert forms & words, phrase


def test_idioms() -> None:
    flaggable = resources.idioms()
    every = resources.idioms(include_established=True)
    assert len(every) >= 120
    assert len(flaggable) >= 80
    assert all(i.literal_words for i in flaggable)
    established = {i.idiom for i in every if i.established_calque}
    assert {"red line", "lame duck", "on the table", "back to square one"} <= established
    by_name = {i.idiom: i for i in every}
    assert by_name["play for time"].literal_words == ("play", "time")
    assert by_name["throw {pron} weight behind"].literal_words == ("throw", "weight")
    assert by_name["tit-for-tat"].literal_words == ("tit", "tat")
    for idiom in every:
        assert re.fullmatch(r"[A-Za-z' -]*(\{pron\}[A-Za-z' -]*)*", idiom.idiom), idiom.idiom
        assert idiom.meaning
        assert all(re.fullmatch(r"[a-z]+", w) for w in idiom.literal_words), idiom.idiom
        assert 1 <= len(idiom.literal_words) <= 3 or idiom.established_calque


def test_stopwords() -> None:
    en, ar = resources.stopwords_en(), resources.stopwords_ar()
    assert len(en) >= 250 and len(ar) >= 250
    assert {"the", "of", "and", "us", "would", "however"} <= en
    assert all(w == w.lower() for w in en)
    assert {"في", "من", "إلى", "على", "الذي", "التي", "كان", "أيضا", "بعد", "خلال", "منذ"} <= ar
    assert "قال" not in ar
    assert all(_ARABIC.match(w) for w in ar)


# --- errors ---------------------------------------------------------------------------------


def test_wrong_column_count_names_file_and_line() -> None:
    text = "# comment\nenglish\taliases\tarabic\tkind\nFoo\tFoos\tفو\tcountry\nBar\tبار\tcountry\n"
    with pytest.raises(ConfigError, match=r"^my\.tsv: line 4: expected 4 tab-separated columns"):
        parse_gazetteer(text, "my.tsv")


def test_bad_header_kind_value_and_duplicates() -> None:
    with pytest.raises(ConfigError, match="line 1: expected the header"):
        parse_gazetteer("name\tarabic\n", "g.tsv")
    with pytest.raises(ConfigError, match="no header"):
        parse_gazetteer("# only comments\n", "g.tsv")
    with pytest.raises(ConfigError, match="line 2: kind 'planet'"):
        parse_gazetteer("english\taliases\tarabic\tkind\nMars\t\tالمريخ\tplanet\n", "g.tsv")
    with pytest.raises(ConfigError, match="line 3: 'Mars' is already defined on line 2"):
        parse_gazetteer("english\taliases\tarabic\tkind\nMars\t\tالمريخ\tregion\nMars\t\tمريخ\tregion\n", "g.tsv")
    with pytest.raises(ConfigError, match="line 2: the column 'arabic' is empty"):
        parse_gazetteer("english\taliases\tarabic\tkind\nMars\t\t\tregion\n", "g.tsv")
    with pytest.raises(ConfigError, match="empty once folded"):
        parse_gazetteer("english\taliases\tarabic\tkind\nMars\t\t\u064e\u064f\tregion\n", "g.tsv")
    with pytest.raises(ConfigError, match="n.tsv: line 2: value 'three'"):
        parse_numbers("english\tvalue\tkind\nthree\tthree\tcardinal\n", "en", "n.tsv")
    with pytest.raises(ConfigError, match="line 3: .* is already defined on line 2 as cardinal 3"):
        parse_numbers("arabic\tvalue\tkind\nثلاثة\t3\tcardinal\nثَلاثة\t4\tcardinal\n", "ar", "n.tsv")
    with pytest.raises(ConfigError, match="line 2: 2 values but 1 kind$"):
        parse_numbers("arabic\tvalue\tkind\nخمس\t5|1/5\tcardinal\n", "ar", "n.tsv")
    with pytest.raises(ConfigError, match="line 2: kind 'fractional'"):
        parse_numbers("arabic\tvalue\tkind\nخمس\t5|1/5\tcardinal|fractional\n", "ar", "n.tsv")
    with pytest.raises(ConfigError, match="line 2: language 'fr'"):
        parse_negation("language\tform\tkind\nfr\tne\tnegator\n")
    with pytest.raises(ConfigError, match="fixed phrases are Arabic only"):
        parse_negation("language\tform\tkind\nen\tno doubt\tfixed\n")
    with pytest.raises(ConfigError, match="calendar.tsv: line 3: 'Jan' already names January"):
        parse_calendar("english\tarabic\tkind\nJanuary|Jan\tيناير\tmonth\nJune|Jan\tيونيو\tmonth\n")
    with pytest.raises(ConfigError, match="idioms_en.tsv: line 2: the column 'literal_words' is empty"):
        parse_idioms("idiom\tmeaning\tliteral_words\nplay for time\tstall\t\n")
    with pytest.raises(ConfigError, match="w.txt: line 2: 'the' is already listed on line 1"):
        parse_wordlist("the\nthe\n", "w.txt")
    with pytest.raises(ConfigError, match="expected one word"):
        parse_wordlist("ما زال\n", "w.txt")
