"""The relation checks (tense, modality, roles, relation) on small made-up sentences.

Each error case must be flagged on the Arabic word an editor must fix; each paraphrase
case (what a literal back-translation does all the time) must stay quiet.
"""

from __future__ import annotations

import pytest

from eval.flags.checks.relations import ar_features, connectives
from eval.flags.context import DocumentContext
from eval.flags.registry import BY_NAME
from eval.flags.view import SegmentView
from eval.text.tokens import tokenize_en
from eval.values import Severity, Span

RELATION_CHECKS = ("tense", "modality", "roles", "relation")


def flags(ar: str, ref: str, hyp: str, names=RELATION_CHECKS):
    view = SegmentView.build(0, Span(ar, 1, 0, len(ar)), Span(ref, 1, 0, len(ref)), hyp)
    ctx = DocumentContext(ar, ref, lambda _: 1, lambda _: 1)
    return [f for n in names for f in BY_NAME[n].run(view, ctx, BY_NAME[n])]


def signals(found) -> list[str]:
    return [f.evidence[0].signal for f in found]


# -- errors ---------------------------------------------------------------------------


def test_a_past_event_made_future_is_critical_on_the_future_verb():
    [flag] = flags("وسيوافق المجلس على الميزانية الجديدة.",
                   "The council has approved the new budget.",
                   "The council will approve the new budget.")
    assert flag.evidence[0].signal == "tense"
    assert flag.severity is Severity.CRITICAL
    assert flag.ar.text == "وسيوافق"
    assert flag.reference.text == "has approved"
    assert flag.hypothesis.text == "will approve"


def test_a_future_event_made_past():
    [flag] = flags("افتتحت الوزارة الجسر الجديد.",
                   "The ministry will open the new bridge next month.",
                   "The ministry opened the new bridge.")
    assert signals([flag]) == ["tense"] and flag.severity is Severity.CRITICAL
    assert flag.ar.text == "افتتحت"


def test_a_pluperfect_made_present():
    [flag] = flags("تخطط الشركة لبناء مصنع جديد.",
                   "The company had planned to build a new factory.",
                   "The company plans to build a new factory.")
    assert signals([flag]) == ["tense"] and flag.severity is Severity.MAJOR
    assert flag.ar.text == "تخطط"


def test_a_possibility_made_certain():
    [flag] = flags("ستصل العاصفة إلى الساحل يوم الجمعة.",
                   "The storm might reach the coast on Friday.",
                   "The storm will reach the coast on Friday.")
    assert signals([flag]) == ["modality"]
    assert flag.ar.text == "ستصل"
    assert "possibility made certain" in flag.evidence[0].detail


def test_an_obligation_made_a_possibility_spans_the_modal_particle():
    [flag] = flags("قد يدفع أصحاب العمل الحد الأدنى الجديد للأجور.",
                   "Employers must pay the new minimum wage.",
                   "Employers may pay the new minimum wage.")
    assert signals([flag]) == ["modality"]
    assert flag.ar.text == "قد يدفع"


def test_a_hedge_made_certain():
    [flag] = flags("سيستقيل الوزير الأسبوع المقبل.",
                   "The minister is expected to resign next week.",
                   "The minister will resign next week.")
    assert signals([flag]) == ["modality"] and "hedge" in flag.evidence[0].detail
    assert flag.ar.text == "سيستقيل"


def test_a_dropped_hedging_adverb():
    [flag] = flags("دفعت الشركة الغرامة.",
                   "Reportedly, the company paid the fine.",
                   "The company paid the fine.")
    assert signals([flag]) == ["modality"] and "Reportedly" in flag.evidence[0].detail
    assert flag.ar.text == "دفعت"


def test_active_agent_and_patient_swapped():
    [flag] = flags("اعتقل المتظاهرون الشرطة قرب الساحة.",
                   "Police arrested the protesters near the square.",
                   "The protesters arrested the police near the square.")
    assert signals([flag]) == ["roles"] and flag.severity is Severity.CRITICAL
    assert "اعتقل" in flag.ar.text


def test_passive_made_active_with_the_same_subject_is_a_swap():
    [flag] = flags("وظف المهاجم النادي في يونيو.",
                   "The striker was hired by the club in June.",
                   "The striker hired the club in June.")
    assert signals([flag]) == ["roles"] and flag.severity is Severity.CRITICAL
    assert "وظف" in flag.ar.text


def test_the_two_sides_of_rather_than_swapped():
    [flag] = flags("يفضل الناخبون الأحزاب الصغيرة بدلا من الأحزاب الكبيرة.",
                   "Voters prefer large parties rather than small parties.",
                   "Voters prefer small parties instead of large parties.")
    assert signals([flag]) == ["roles"]
    assert "بدلا" in flag.ar.text


def test_the_two_sides_of_a_comparison_swapped():
    [flag] = flags("الصادرات نمت أسرع من الواردات.",
                   "Imports grew faster than exports.",
                   "Exports grew faster than imports.")
    assert signals([flag]) == ["roles"]


def test_cause_turned_into_purpose_is_flagged_on_the_arabic_connective():
    [flag] = flags("تم تغريم السائق لكي يسرع على الطريق السريع.",
                   "The driver was fined for speeding on the motorway.",
                   "The driver was fined in order to speed on the motorway.")
    assert signals([flag]) == ["relation"]
    assert flag.ar.text.startswith("لكي")
    assert flag.reference.text == "for"


def test_concession_turned_into_cause():
    [flag] = flags("ارتفعت الأسعار لأن البنك يقول إن التضخم تحت السيطرة.",
                   "Prices rose even though the bank says inflation is under control.",
                   "Prices rose because the bank says that inflation is under control.")
    assert signals([flag]) == ["relation"]
    assert flag.ar.text.startswith("لأن")


def test_cause_and_effect_reversed():
    [flag] = flags("وأدت الفيضانات إلى هطول أمطار غزيرة.",
                   "The flooding was caused by heavy rain.",
                   "The flooding led to heavy rain.")
    assert signals([flag]) == ["relation"] and "cause and effect" in flag.evidence[0].detail
    assert flag.ar.text.startswith("وأدت")


def test_not_all_made_all_not():
    [flag] = flags("جميع المدارس لن تعيد فتح أبوابها يوم الاثنين.",
                   "Not all schools will reopen on Monday.",
                   "All schools will not reopen their doors on Monday.")
    assert signals([flag]) == ["relation"] and flag.severity is Severity.CRITICAL
    assert flag.ar.text == "جميع المدارس لن"


# -- paraphrases that must not fire --------------------------------------------------


@pytest.mark.parametrize(("ar", "ref", "hyp"), [
    # A headline in the present for a past event.
    ("البنك المركزي رفع أسعار الفائدة", "Central bank raises interest rates",
     "The central bank raised interest rates"),
    ("الحكومة ستخفض دعم الوقود", "Government to cut fuel subsidies", "The government will reduce fuel subsidies"),
    # Reported speech: "would" is the future of a past "said".
    ("وقالت الشركة إنها ستبني مصنعا جديدا.", "The company said it would build a new plant.",
     "The company said that it will build a new factory."),
    ("قال رئيس البلدية إن الطريق سيعاد فتحه.", "The mayor has said the road will reopen.",
     "The mayor said that the road will be reopened."),
    # Passive made active with the agent as subject: the same fact.
    ("اعتقلت الشرطة المشتبه به يوم الثلاثاء.", "The suspect was arrested by police on Tuesday.",
     "The police arrested the suspect on Tuesday."),
    # Modals of one kind, a hedge kept in other words.
    ("قد تنهار المحادثات.", "The talks could collapse.", "The talks may collapse."),
    ("ومن المتوقع أن يفتح المصنع في مايو.", "The plant is expected to open in May.",
     "It is expected that the factory will open in May."),
    # A verb governed by أن states nothing by itself: "fear that ... floods" is no "will".
    ("ويخشى السكان أن تغمر المياه منازلهم.", "Residents fear their homes could be flooded.",
     "Residents fear that water will flood their homes."),
    # The back-translation dropped the hedge, the Arabic kept it: not the Arabic's error.
    ("من المرجح أن ترتفع الأسعار.", "Prices are likely to rise.", "Prices will rise."),
    # Connectives of one kind.
    ("ألغيت الرحلات بسبب العاصفة.", "Flights were cancelled because of the storm.",
     "The flights were cancelled due to the storm."),
    # "could see" is a past ability: "saw".
    ("رأى السكان الدخان من البلدة.", "Residents could see the smoke from the town.",
     "The residents saw the smoke from the town."),
    # A time phrase moved, a synonym.
    ("وقع الرئيس الاتفاق يوم الخميس.", "The president signed the agreement on Thursday.",
     "On Thursday, the president signed the agreement."),
    ("هزم الفريق منافسه بثلاثة أهداف.", "The team beat its rival by three goals.",
     "The team defeated its rival by three goals."),
    # A reciprocal verb: X met Y = Y met X.
    ("التقى نظيره الفرنسي الوزير.", "The minister met his French counterpart.",
     "His French counterpart met the minister."),
    # Passive cause made an active one with the cause as subject; one causal verb for another.
    ("وأدت الأمطار الغزيرة إلى الفيضانات.", "The flooding was caused by heavy rain.",
     "The heavy rain led to the flooding."),
    ("نتجت الخسائر عن ارتفاع التكاليف.", "Higher costs resulted in the losses.",
     "The losses resulted from the rise in costs."),
    # "not all" rendered as "not all".
    ("لن تتلقى كل المناطق الجرعات في الوقت نفسه.", "Not all regions will receive doses at the same time.",
     "Not all regions will receive the doses at the same time."),
    # A lost negation is the negation check's business, not a tense change.
    ("قال المتحدث إن الجيش سيرسل قوات إلى المدينة.", "The spokesman said the army would not send troops to the city.",
     "The spokesman said the army will send forces to the city."),
])
def test_paraphrase_does_not_fire(ar, ref, hyp):
    assert flags(ar, ref, hyp) == []


# -- the pieces -----------------------------------------------------------------------


def test_arabic_features_come_from_the_analyses():
    assert "future" in ar_features("سيوافق")
    assert "perfect-form" in ar_features("وافق")
    assert "possible" in ar_features("يمكن")
    assert "obligatory" in ar_features("يجب")
    assert "hedge" in ar_features("المتوقع")
    assert "purpose" in ar_features("لكي") and "cause" not in ar_features("لكي")
    assert "concession" in ar_features("رغم")
    assert "may-or-has" in ar_features("قد")


def test_a_reason_given_with_citing_turned_into_a_concession():
    [flag] = flags("استقال المدرب رغم وجود مشاكل صحية.",
                   "The coach resigned, citing health problems.",
                   "The coach resigned despite the existence of health problems.")
    assert signals([flag]) == ["relation"]
    assert flag.ar.text.startswith("رغم") and flag.reference.text == "citing"
    assert flags("استقال المدرب بسبب مشاكل صحية.",
                 "The coach resigned, citing health problems.",
                 "The coach resigned because of health problems.") == []


def test_english_connectives():
    kinds = [k for _, _, k in connectives(tokenize_en(
        "He was jailed for stealing cars, although he said he did it so that his family could eat "
        "because of debts; the trial is due to open on Monday."))]
    assert kinds == ["cause", "concession", "purpose", "cause"]


def test_relation_flags_survive_the_merge(monkeypatch):
    from eval.flow import (
        BackTranslation,
        default_flaggers,
        evaluate_prepared,
        hypothesis_units,
        prepare_texts,
    )

    prepared = prepare_texts("وسيوافق المجلس على الميزانية الجديدة.", "The council has approved the new budget.",
                             article_path="a.ar.txt", reference_path="r.en.txt")
    units = hypothesis_units(prepared, "The council will approve the new budget.")
    report = evaluate_prepared(prepared, BackTranslation(tuple(units), {"name": "test"}),
                               flaggers=default_flaggers())
    hits = [f for f in report.flags if any(e.signal == "tense" for e in f.evidence)]
    assert hits and hits[0].ar.text == "وسيوافق" and hits[0].severity is Severity.CRITICAL
