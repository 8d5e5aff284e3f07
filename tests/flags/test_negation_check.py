"""The negation check on made-up sentences: which negation was lost or added, and the
Arabic span an editor must fix — the verb that lost its negation, or the negator and its
verb — and negations that are only optional on one side."""

from __future__ import annotations

import pytest

from eval.values import Flag, Severity
from tests.flag_texts import flags_of


def negation_flags(ar: str, ref: str, hyp: str) -> list[Flag]:
    return flags_of("negation", ar, ref, hyp)


@pytest.mark.parametrize(
    ("ar", "ref", "hyp", "span"),
    [
        # The verb the lexicon does not gloss as "require": found between its neighbours'
        # renderings; not the noun after it (الكمامات "masks").
        ("قال المسؤولون إن المدارس ستشترط الكمامات هذا الشتاء.",
         "Officials said schools would not require masks this winter.",
         "Officials said schools will require masks this winter.", "ستشترط"),
        # "reported no violations": the verb before "no", not the noun.
        ("قال رئيس البعثة إن المراقبين أبلغوا عن مخالفات جسيمة.",
         "The head of the mission said observers had reported no serious irregularities.",
         "The head of the mission said observers reported serious irregularities.", "أبلغوا"),
        # Two negations in the reference, the first lost: its verb, not the one still negated.
        ("حضر الوزير الاجتماع ولم يرسل أي بيان.",
         "The minister did not attend the meeting and did not send any statement.",
         "The minister attended the meeting and did not send any statement.", "حضر"),
        # A negative prefix: the adjective that needs غير.
        ("قال المحققون إن سبب الحريق واضح.",
         "Investigators said the cause of the fire was unclear.",
         "Investigators said the cause of the fire is clear.", "واضح"),
    ],
)
def test_a_lost_negation_is_flagged_on_the_word_that_lost_it(ar: str, ref: str, hyp: str, span: str) -> None:
    [flag] = negation_flags(ar, ref, hyp)
    assert flag.severity is Severity.CRITICAL
    assert flag.ar.text == span
    assert ar[flag.ar.start:flag.ar.end] == span


@pytest.mark.parametrize(
    ("ar", "ref", "hyp", "span"),
    [
        ("قالت الشرطة إنها لن تفرج عن المحتجزين.",
         "Police said they would release the detainees.",
         "Police said they will not release the detainees.", "لن تفرج"),
        # Two Arabic negators, the first added: the reference negates only "send".
        ("لم يحضر الوزير الاجتماع ولم يرسل أي بيان.",
         "The minister attended the meeting and did not send any statement.",
         "The minister did not attend the meeting and did not send any statement.", "لم يحضر"),
    ],
)
def test_an_added_negation_is_flagged_on_the_negator_and_its_verb(ar: str, ref: str, hyp: str, span: str) -> None:
    [flag] = negation_flags(ar, ref, hyp)
    assert flag.ar.text == span


@pytest.mark.parametrize(
    ("ar", "ref", "hyp"),
    [
        # "without" is as often a verb or noun with no negator (سيغيب "will be absent").
        ("وسيغيب القائد عن المباراة المقبلة بسبب الإيقاف.",
         "The team will be without its captain for the next match because of a suspension.",
         "The captain will be absent from the next match because of the suspension."),
        # دون تغيير "without change" for "on hold".
        ("أبقى البنك أسعار الفائدة دون تغيير.",
         "The bank kept interest rates on hold.",
         "The bank kept interest rates without change."),
        # a bound, not a negation
        ("يشترط أن لا يقل عمر المتقدمين عن 21 عاما.",
         "Applicants must be at least 21 years old.",
         "It is required that the age of applicants not be less than 21 years."),
        ("لا يزيد عدد المقاعد عن 40.", "There are no more than 40 seats.", "The number of seats does not exceed 40."),
        # "too … to" is a negation the Arabic may say with a negator or without one
        ("التضخم مرتفع بدرجة لا تسمح بخفض الفائدة.",
         "Inflation is too high to allow a rate cut.",
         "Inflation is high to a degree that does not allow cutting interest."),
        ("التضخم أعلى من أن يسمح بخفض الفائدة.",
         "Inflation is too high to allow a rate cut.",
         "Inflation is higher than to allow cutting interest."),
        # "not only … but also"
        ("زار الوفد المصنع بل والمزرعة أيضا.",
         "The delegation visited not only the factory but also the farm.",
         "The delegation visited the factory and also the farm."),
    ],
)
def test_optional_negations_and_bounds_are_not_flagged(ar: str, ref: str, hyp: str) -> None:
    assert negation_flags(ar, ref, hyp) == []
