"""Span flags from strings: each signal can fire, and stays quiet on a faithful translation."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.flow import default_flaggers
from eval.values import Category, Severity
from tests.flag_texts import report_of

ROOT = Path(__file__).resolve().parents[2]


def run(ar: str, ref: str, hyp: str, glossary: Path | None = None):
    return report_of(ar, ref, hyp, glossary=glossary).flags


def only(flags, category):
    return [f for f in flags if f.category is category]


def test_seed_us_read_as_pronoun_is_a_critical_mistranslation():
    root = ROOT / "examples" / "seed"
    from tadqiq.pipeline import CheckRequest, check

    report = check(CheckRequest(root / "article.ar.txt", root / "reference.en.txt",
                                hypothesis=root / "hypothesis.en.txt"))
    hits = [f for f in report.flags if "منا" in f.ar.text]
    assert hits, [f.ar.text for f in report.flags]
    flag = hits[0]
    assert flag.category is Category.MISTRANSLATION
    assert flag.severity is Severity.CRITICAL
    assert "US" in flag.reference.text
    assert flag.ar.line == 5
    text = (root / "article.ar.txt").read_text(encoding="utf-8")
    assert text[flag.ar.start : flag.ar.end] == flag.ar.text
    assert any("from" in e.detail and "us" in e.detail for e in flag.evidence)


def test_billion_rendered_as_million_is_a_critical_number_flag():
    flags = run("قالت الشركة إنها خسرت 1.1 مليون يورو العام الماضي.",
                "The company said it lost 1.1 billion euros last year.",
                "The company said it lost 1.1 million euros last year.")
    [flag] = only(flags, Category.NUMBER)
    assert flag.severity is Severity.CRITICAL
    assert flag.ar.text == "1.1 مليون"
    assert "billion" in flag.reference.text


def test_arabic_indic_digits_match_western_digits():
    flags = run("قتل ٢٦ شخصا في الهجوم.", "The attack killed 26 people.", "26 people were killed in the attack.")
    assert not only(flags, Category.NUMBER)


def test_added_negation_is_flagged():
    flags = run("قال الوزير إن الحكومة لن توافق على الخطة.",
                "The minister said the government would approve the plan.",
                "The minister said the government will not approve the plan.")
    neg = [f for f in flags if any(e.signal == "negation" for e in f.evidence)]
    assert neg and neg[0].severity is Severity.CRITICAL
    assert "لن" in neg[0].ar.text


def test_lost_negation_is_flagged():
    flags = run("قال المتحدث إن الجيش سيرسل قوات إلى المدينة.",
                "The spokesman said the army would not send troops to the city.",
                "The spokesman said the army will send forces to the city.")
    assert [f for f in flags if any(e.signal == "negation" for e in f.evidence)]


def test_weekday_changed():
    flags = run("وقعت الاتفاقية يوم الأربعاء في الرباط.",
                "The agreement was signed on Tuesday in Rabat.",
                "The agreement was signed on Wednesday in Rabat.")
    [flag] = only(flags, Category.NUMBER)
    assert flag.ar.text == "الأربعاء" and flag.reference.text == "Tuesday"


def test_latin_word_left_untranslated():
    flags = run("التقى الوزير مع Witkoff في باريس.", "The minister met Witkoff in Paris.",
                "The minister met with Witkoff in Paris.")
    [flag] = only(flags, Category.UNTRANSLATED)
    assert flag.ar.text == "Witkoff" and flag.severity is Severity.MINOR


def test_acronym_in_brackets_is_not_untranslated():
    flags = run("قالت منظمة الصحة العالمية (WHO) إن الحالات تراجعت.",
                "The World Health Organization (WHO) said cases fell.",
                "The World Health Organization (WHO) said cases declined.")
    assert not only(flags, Category.UNTRANSLATED)


def test_name_spelled_two_ways():
    ar = "قال زيلنسكي إن المحادثات مهمة.\nوأضاف زيلينسكي أن الوقت ينفد.\nوكرر زيلنسكي موقفه."
    ref = "Zelenskyy said the talks were important.\nZelenskyy added that time was running out.\nZelenskyy repeated his position."
    hyp = "Zelenskyy said the talks are important.\nZelenskyy added that time is running out.\nZelenskyy repeated his position."
    [flag] = only(run(ar, ref, hyp), Category.INCONSISTENCY)
    assert flag.ar.text == "زيلينسكي" and flag.ar.line == 2


def test_name_replaced_by_another():
    flags = run("وقال المدرب كيران دالي إن الفريق جاهز.", "Coach Kieran Doyle said the team was ready.",
                "Coach Kieran Daly said the team is ready.")
    [flag] = only(flags, Category.NAMED_ENTITY)
    assert flag.ar.text == "دالي" and flag.severity is Severity.CRITICAL


def test_glossary_term_rendered_otherwise(tmp_path):
    glossary = tmp_path / "terms.csv"
    glossary.write_text("english,arabic\nceasefire,وقف إطلاق النار|هدنة\n", encoding="utf-8")
    flags = run("دعا الوسطاء إلى وقف الحرائق فورا.", "Mediators called for an immediate ceasefire.",
                "The mediators called for stopping the fires immediately.", glossary)
    [flag] = only(flags, Category.TERMINOLOGY)
    assert "ceasefire" in flag.reference.text
    assert "الحرائق" in flag.ar.text or "وقف" in flag.ar.text


def test_literal_idiom():
    flags = run("واتهمت الشركة النقابة بجر أقدامها في المحادثات.",
                "The company accused the union of dragging its feet in the talks.",
                "The company accused the union of pulling its feet in the talks.")
    idiom = [f for f in flags if any(e.signal == "idiom" for e in f.evidence)]
    assert idiom and idiom[0].category is Category.MISTRANSLATION
    assert "أقدامها" in idiom[0].ar.text


def test_faithful_translation_has_no_flags():
    ar = ("أعلنت وزارة الصحة يوم الاثنين أن 120 شخصا أصيبوا بالمرض في ثلاث مدن.\n"
          "وقال الوزير إن الحكومة سترسل أطباء إلى المنطقة.")
    ref = ("The Health Ministry announced on Monday that 120 people had fallen ill in three cities.\n"
           "The minister said the government would send doctors to the region.")
    hyp = ("The Ministry of Health announced on Monday that 120 people fell ill in three cities.\n"
           "The minister said that the government will send doctors to the region.")
    flags = run(ar, ref, hyp)
    assert [f for f in flags if f.severity is not Severity.MINOR] == []


@pytest.mark.parametrize("bad", ["english,arabic\nterm\n", "foo,bar\nx,y\n"])
def test_bad_glossary_is_a_config_error(tmp_path, bad):
    from tadqiq.errors import ConfigError

    path = tmp_path / "g.csv"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ConfigError, match="g.csv: line"):
        default_flaggers(path)
