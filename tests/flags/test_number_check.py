"""The numbers check on made-up sentences: every form of number expression, units, the
back-translation as a tie-breaker, and the flag's Arabic span on the number expression."""

from __future__ import annotations

import pytest

from eval.values import Flag, Severity
from tests.flag_texts import flags_of


def number_flags(ar: str, ref: str, hyp: str, min_confidence: float | None = None) -> list[Flag]:
    return flags_of("numbers", ar, ref, hyp, min_confidence=min_confidence)


@pytest.mark.parametrize(
    ("ar", "ref", "hyp", "ar_span", "ref_span"),
    [
        ("اشترت البلدية عشر حافلات جديدة.", "The council bought a dozen new buses.",
         "The municipality bought ten new buses.", "عشر", "a dozen"),
        ("زار الوزير المصنع ثلاث مرات.", "The minister visited the factory twice.",
         "The minister visited the factory three times.", "ثلاث مرات", "twice"),
        ("صوت ربع الأعضاء لصالح القرار.", "Three-quarters of the members voted for the motion.",
         "A quarter of the members voted in favour of the decision.", "ربع", "Three-quarters"),
        ("شارك نصف مليار شخص في الحملة.", "Half a million people took part in the campaign.",
         "Half a billion people participated in the campaign.", "نصف مليار", "Half a million"),
        ("أنهى العداء السباق في المركز الثامن.", "The runner finished the race in ninth place.",
         "The runner finished the race in eighth place.", "الثامن", "ninth"),
        ("أصبحت المدينة رابع أكبر مركز للشحن.", "The city became the third-largest shipping hub.",
         "The city became the fourth largest center for shipping.", "رابع", "third-largest"),
        ("تضاعفت صادرات القمح هذا العام.", "Wheat exports tripled this year.",
         "Wheat exports doubled this year.", "تضاعفت", "tripled"),
        ("تنتج المزرعة الشمسية 80 كيلوواط.", "The solar farm produces 80 megawatts.",
         "The solar farm produces 80 kilowatts.", "80 كيلوواط", "80 megawatts"),
        ("يبلغ طول النفق 12 ميلا.", "The tunnel is 12 kilometres long.",
         "The length of the tunnel is 12 miles.", "12 ميلا", "12 kilometres"),
        ("ارتفعت البطالة 2% في الربع الأخير.", "Unemployment rose 2 percentage points in the last quarter.",
         "Unemployment rose 2% in the last quarter.", "2%", "2 percentage points"),
        ("سجلت المحطة 15 درجة مئوية ليلا.", "The station recorded minus 15 degrees Celsius overnight.",
         "The station recorded 15 degrees Celsius at night.", "15 درجة مئوية", "minus 15 degrees Celsius"),
        ("ظل المصنع مغلقا أكثر من عقدين.", "The factory stood empty for more than a decade.",
         "The factory remained closed for more than two decades.", "عقدين", "a decade"),
        ("سيستمر الحظر خمسة أشهر.", "The ban will last five years.",
         "The ban will continue five months.", "خمسة أشهر", "five years"),
        ("جمعت الحملة 3 ملايين يورو.", "The campaign raised $3 million.",
         "The campaign collected 3 million euros.", "3 ملايين يورو", "3 million"),
    ],
)
def test_a_number_rendered_as_another_is_flagged_on_the_arabic_number(
    ar: str, ref: str, hyp: str, ar_span: str, ref_span: str
) -> None:
    [flag] = number_flags(ar, ref, hyp)
    assert flag.severity is Severity.CRITICAL
    assert flag.ar.text == ar_span
    assert flag.reference.text == ref_span
    assert ar[flag.ar.start:flag.ar.end] == ar_span


@pytest.mark.parametrize(
    ("ar", "ref", "hyp"),
    [
        ("قطع المتسابقون 16 كيلومترا.", "The riders covered 10 miles.", "The riders covered 16 kilometres."),
        ("استمرت المفاوضات يومين.", "The talks lasted 48 hours.", "The negotiations continued for two days."),
        ("بيع نحو خمس الأراضي.", "About a fifth of the land was sold.", "About a fifth of the land was sold."),
        ("باعت الأسرة خمس بقرات.", "The family sold five cows.", "The family sold five cows."),
        ("تراجع الإنتاج إلى النصف.", "Output halved.", "Production fell to half."),
        ("ارتفعت الأسعار بنسبة 100%.", "Prices doubled.", "Prices rose by 100%."),
        ("ظل الاقتصاد يعاني من ضعف الطلب.", "The economy kept suffering from weak demand.",
         "The economy continued to suffer from weak demand."),
        ("خفض البنك الفائدة 25 نقطة أساس.", "The bank cut rates by a quarter of a percentage point.",
         "The bank cut interest 25 basis points."),
        ("وقع الزلزال قبل عام ونصف.", "The earthquake struck 18 months ago.",
         "The earthquake occurred a year and a half ago."),
        ("أنفقت الوزارة 2 مليار دولار.", "The ministry spent $2 billion.", "The ministry spent 2 billion dollars."),
        ("بلغت الحرارة 104 درجات فهرنهايت.", "Temperatures hit 40 degrees Celsius.",
         "The temperature reached 104 degrees Fahrenheit."),
        ("فاز الفريق للمرة الثالثة على التوالي.", "The team won for a third straight time.",
         "The team won for the third time in a row."),
        ("أكثر من ثلاثة أرباع الناخبين.", "More than three-quarters of voters.", "More than three quarters of voters."),
    ],
)
def test_the_same_quantity_said_otherwise_is_not_flagged(ar: str, ref: str, hyp: str) -> None:
    assert number_flags(ar, ref, hyp) == []


def test_the_back_translation_breaks_a_tie() -> None:
    # سبع reads as 7 or 1/7. When the back-translation has the reference's "a fifth" and
    # neither reading, the Arabic was probably misread (a misspelling, a reading the
    # extractor lacks), and the paired flag is less certain than one the back-translation
    # confirms (raw and calibrated alike).
    ar, ref = "يباع سبع المحصول للخارج.", "A fifth of the crop is sold abroad."
    [confirmed] = number_flags(ar, ref, "An eighth of the crop is sold abroad.")  # no reading 1/5 for سبع
    [doubted] = number_flags(ar, ref, "A fifth of the crop is sold abroad.", min_confidence=0.0)
    assert doubted.confidence < confirmed.confidence and "back-translation" in doubted.evidence[0].detail
    assert "back-translation" not in confirmed.evidence[0].detail
    assert number_flags(ar, ref, "A fifth of the crop is sold abroad.",
                        min_confidence=(doubted.confidence + confirmed.confidence) / 2) == []


def test_a_reference_number_the_back_translation_has_is_not_reported_missing() -> None:
    # The Arabic says "three" in a form the extractor does not read (ثلاثتهم "the three of them").
    ar = "وصل ثلاثتهم إلى المطار."
    ref = "All three arrived at the airport."
    assert number_flags(ar, ref, "The three of them arrived at the airport.") == []
    assert number_flags(ar, ref, "They arrived at the airport.")  # shown at the default threshold


def test_arabic_digits_are_trusted_over_the_back_translation() -> None:
    # A stale or careless back-translation does not excuse a digit the Arabic changed.
    [flag] = number_flags("انتظرت 400 سفينة في الميناء.", "About 40 ships waited at the port.",
                          "About 40 ships waited at the port.")
    assert flag.ar.text == "400" and flag.confidence >= 0.9
