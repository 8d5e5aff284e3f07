"""The agreement check on made-up sentences: a verb, pronoun, relative or adjective whose gender or
number disagrees with who or what the reference says is meant — and quiet where Arabic allows it."""

from __future__ import annotations

import pytest

from eval.flags.checks.agreement import agreement_flags
from eval.flags.context import DocumentContext
from eval.flags.registry import BY_NAME
from eval.flags.view import SegmentView
from eval.values import Category, Severity, Span


def flags(ar: str, ref: str, hyp: str = ""):
    view = SegmentView.build(0, Span(ar, 1, 0, len(ar)), Span(ref, 1, 0, len(ref)), hyp)
    ctx = DocumentContext(ar, ref, lambda _: 1, lambda _: 1)
    return agreement_flags(view, ctx, BY_NAME["agreement"])


def test_registered_as_a_grammar_check():
    check = BY_NAME["agreement"]
    assert check.category is Category.GRAMMAR and check.severity is Severity.MINOR


# --- a named person ----------------------------------------------------------------------


def test_feminine_verb_for_a_named_man_is_major():
    found = flags("وقالت المهندس كريم الساعدي إن المشروع سيكتمل العام المقبل.",
                  "Engineer Karim al-Saadi said the project would be finished next year.")
    assert [f.ar.text for f in found] == ["وقالت"]
    flag = found[0]
    assert flag.category is Category.GRAMMAR and flag.severity is Severity.MAJOR
    assert flag.reference.text.endswith("Karim al-Saadi")
    assert "a man" in flag.evidence[0].detail and "first name Karim" in flag.evidence[0].detail


def test_masculine_verb_for_a_named_woman():
    found = flags("وأضاف سلمى النعيمي أن الميزانية ستعرض على البرلمان.",
                  "Salma Nuaimi added that the budget would go to parliament.")
    assert [f.ar.text for f in found] == ["وأضاف"]
    assert "a woman" in found[0].evidence[0].detail


def test_feminine_title_and_verb_for_a_man_span_both():
    found = flags("وقالت مديرة المصنع سمير خليل إن الإنتاج تضاعف.",
                  '"Output has doubled," said plant manager Samir Khalil.')
    assert [f.ar.text for f in found] == ["وقالت مديرة"]


@pytest.mark.parametrize("ar, ref", [
    ("وقال المهندس كريم الساعدي إن المشروع سيكتمل العام المقبل.",
     "Engineer Karim al-Saadi said the project would be finished next year."),
    ("وقالت الوزيرة سلمى النعيمي إن الميزانية جاهزة.",
     "Minister Salma Nuaimi said the budget was ready."),
    # A masculine title for a woman, with the verb agreeing with it, is common usage.
    ("وقال وزير المالية ليلى حسن إن العجز تراجع.",
     "Finance Minister Leila Hassan said the deficit had fallen."),
    # The man is the object, the (feminine) subject is understood: not his verb.
    ("وانتقدت الرئيس سامي فهد بسبب تأخر الإصلاحات.",
     "She criticised President Sami Fahd over the delayed reforms."),
    # The subject is the noun before the name: his government, his wife.
    ("وقالت حكومة سامي فهد إن الانتخابات ستجرى في موعدها.",
     "The Sami Fahd government said the elections would be held on time."),
    ("وقالت زوجة الرئيس سامي فهد إنها ستزور المستشفى.",
     "The wife of President Sami Fahd said she would visit the hospital."),
    ("وأشادت المنظمة بالمدرب كريم منصور بعد الفوز.",
     "The organisation praised coach Karim Mansour after the win."),
    # A quotation opened without a mark: the verb after the name is not hers.
    ("وقالت نادية حداد يجب أن يستمر العمل.", "Nadia Haddad said work must continue."),
    # A circumstantial "while he" after an object refers to the subject.
    ("والتقى الرئيس سامي فهد بالوزيرة نادية سالم وهو في طريقه إلى المطار.",
     "President Sami Fahd met Minister Nadia Salem while he was on his way to the airport."),
])
def test_correct_or_unclear_person_agreement_is_not_flagged(ar, ref):
    assert flags(ar, ref) == []


def test_masculine_pronoun_for_a_woman_the_reference_calls_she():
    found = flags("وقالت فاطمة الزهراني وهو يغادر القاعة إن القرار نهائي.",
                  "Fatima Zahrani said as she left the hall that the decision was final.",
                  "Fatima Zahrani said while he was leaving the hall that the decision is final.")
    assert [f.ar.text for f in found] == ["وهو يغادر"]
    assert "'he'" in found[0].evidence[0].detail  # the back-translation shows it too
    assert found[0].confidence > BY_NAME["agreement"].confidence


def test_masculine_relative_after_a_woman():
    found = flags("وقالت رئيسة النقابة ليلى حسن الذي يقود الإضراب إن العمال صامدون.",
                  "Union head Leila Hassan, who leads the strike, said workers were holding firm.")
    assert [f.ar.text for f in found] == ["الذي يقود"]


def test_plural_verb_before_one_person_is_a_minor_number_error():
    found = flags("وقالوا المدير كريم حداد إن العمل توقف.", "Director Karim Haddad said work had stopped.")
    assert [f.ar.text for f in found] == ["وقالوا"]
    assert found[0].severity is Severity.MINOR and "one person" in found[0].evidence[0].detail


def test_gender_comes_from_elsewhere_in_the_reference():
    # The surname alone in this segment; the first name in an earlier one.
    ar = "وقال حداد إن الحفريات ستستأنف في الربيع."
    ref_doc = "Excavation director Nadia Haddad led the dig.\nHaddad said digging would resume in spring."
    line = ref_doc.split("\n")[1]
    start = ref_doc.index(line)
    view = SegmentView.build(1, Span(ar, 2, 0, len(ar)), Span(line, 2, start, start + len(line)), "")
    ctx = DocumentContext(ar, ref_doc, lambda _: 2, lambda _: 2)
    found = agreement_flags(view, ctx, BY_NAME["agreement"])
    assert [f.ar.text for f in found] == ["وقال"]
    assert "Nadia Haddad" in found[0].evidence[0].detail


def test_unknown_first_name_gives_no_flag():
    assert flags("وقالت زكرون فالدي إن الطريق مغلق.", "Zakron Valdi said the road was closed.") == []


# --- verbs in Modern Standard Arabic order ---------------------------------------------------


@pytest.mark.parametrize("ar, ref", [
    # Verb first (VSO): singular even for a plural subject.
    ("وقال المسؤولون إن الطريق سيفتح غدا.", "Officials said the road would reopen tomorrow."),
    ("وقال سكان القرية إن المياه انقطعت منذ أسبوع.", "Villagers said the water had been cut off for a week."),
    ("وأعلنت وزارة الصحة أن اللجنة العليا ستجتمع.", "The health ministry announced that the higher committee would meet."),
    # Subject first (SVO): the verb agrees.
    ("وقالت الوزارة إن الشركة تخطط لبناء مصنع جديد.", "The ministry said the company plans to build a new factory."),
    # Impersonal verbs and a topic resumed by a pronoun.
    ("وبحسب البيان فإن الحكومة يجب أن تتحرك بسرعة.", "According to the statement, the government must act quickly."),
    ("الشركة يملكها رجل أعمال من الخليج.", "The company is owned by a Gulf businessman."),
    ("وقالت إن المدينة يسكنها مليون شخص.", "She said a million people live in the city."),
])
def test_correct_verb_agreement_is_not_flagged(ar, ref):
    assert flags(ar, ref) == []


def test_masculine_verb_after_a_feminine_subject():
    found = flags("وقالت الوزارة إن الشركة يخطط لبناء مصنع جديد.",
                  "The ministry said the company plans to build a new factory.")
    assert [f.ar.text for f in found] == ["يخطط"]
    assert found[0].severity is Severity.MINOR and "الشركة" in found[0].evidence[0].detail


# --- adjectives and relatives ----------------------------------------------------------------


def test_masculine_adjective_for_a_feminine_noun():
    found = flags("افتتحت البلدية الحديقة الجديد أمس.", "The municipality opened the new park yesterday.")
    assert [f.ar.text for f in found] == ["الجديد"]


def test_masculine_predicate_after_kana():
    found = flags("وكانت الآثار الجانبية خفيف في معظمها.", "Side effects were mostly mild.")
    assert [f.ar.text for f in found] == ["خفيف"]


@pytest.mark.parametrize("ar, ref", [
    ("افتتحت البلدية الحديقة الجديدة أمس.", "The municipality opened the new park yesterday."),
    ("وكانت الآثار الجانبية خفيفة في معظمها.", "Side effects were mostly mild."),
    # Elatives and fuʿlā adjectives do not show the feminine.
    ("وهذه هي الطريقة الأفضل لخفض الأسعار.", "This is the best way to cut prices."),
    ("وأكدت المدينة الكبرى استعدادها.", "The big city confirmed it was ready."),
    # In a construct the adjective may describe the first noun.
    ("وقال وزير الخارجية الأمريكي إن المحادثات مستمرة.", "The US foreign minister said the talks were continuing."),
    # A broken plural written with ة (قادة "leaders") is not a feminine singular.
    ("وقالت الشرطة إن القادة العسكريين اجتمعوا أمس.", "Police said the military commanders met yesterday."),
    ("زار الوفد المحطة الشمسية، التي تنتج نصف كهرباء المدينة.",
     "The delegation visited the solar plant, which produces half of the city's electricity."),
])
def test_correct_noun_agreement_is_not_flagged(ar, ref):
    assert flags(ar, ref) == []


def test_masculine_relative_after_a_feminine_noun():
    found = flags("زار الوفد المحطة الشمسية، الذي ينتج نصف كهرباء المدينة.",
                  "The delegation visited the solar plant, which produces half of the city's electricity.")
    assert [f.ar.text for f in found] == ["الذي"]
    assert "which" in found[0].reference.text


def test_relative_pointing_to_another_noun_is_major():
    found = flags("ضرب الإعصار المحطة الشمسية، الذي ينتج نصف كهرباء المدينة.",
                  "The hurricane hit the solar plant, which produces half of the city's electricity.")
    assert [f.ar.text for f in found] == ["الذي"]
    assert found[0].severity is Severity.MAJOR and "الإعصار" in found[0].evidence[0].detail


@pytest.mark.parametrize("ar, ref", [
    # Two people: the verb agrees with both (ماكرون وزيلينسكي قالوا), not with one of them.
    ("وقال كل من كريم حداد وسلمى النعيمي إن الاتفاق قريب.",
     "Both Karim Haddad and Salma Nuaimi said a deal was close."),
    ("إلا أن كلا من سلمى النعيمي وكريم حداد قالوا إن الاتفاق قريب.",
     "But both Salma Nuaimi and Karim Haddad said a deal was close."),
])
def test_coordinated_people_are_not_checked_one_by_one(ar, ref):
    assert flags(ar, ref) == []


def test_the_seed_feminine_verb_for_zelenskyy():
    """The bundled example is a real machine translation: عقدت زيلنسكي ("she held", for
    Volodymyr Zelenskyy) is its one agreement error; "Macron and Zelenskyy said" is not."""
    from pathlib import Path

    from tadqiq.pipeline import CheckRequest, check

    root = Path(__file__).resolve().parents[2] / "examples" / "seed"
    report = check(CheckRequest(root / "article.ar.txt", root / "reference.en.txt",
                                hypothesis=root / "hypothesis.en.txt", checks=frozenset({"agreement"})))
    assert [(f.ar.text, f.ar.line, f.severity) for f in report.flags] == [("عقدت", 3, Severity.MAJOR)]
    assert "Volodymyr Zelenskyy is a man" in report.flags[0].evidence[0].detail
