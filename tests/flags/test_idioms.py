"""The idiom check on hand-made sentences: an idiom rendered word for word is flagged, one
rendered by its meaning is not, nor is a compositional compound or an established calque."""

from __future__ import annotations

import pytest

from eval.values import Category, Severity
from tests.flag_texts import flags_of


def idiom_flags(ar: str, ref: str, hyp: str):
    return flags_of("idiom", ar, ref, hyp)


def test_wordnet_idiom_rendered_word_for_word_is_a_major_mistranslation():
    flags = idiom_flags("قطع المقاول الزوايا في بناء الجسر.",
                        "The contractor cut corners on the bridge.",
                        "The contractor cut the corners in building the bridge.")
    assert len(flags) == 1
    flag = flags[0]
    assert flag.category is Category.MISTRANSLATION and flag.severity is Severity.MAJOR
    assert flag.ar.text.startswith("قطع") and flag.ar.text.endswith("الزوايا")
    assert flag.reference.text == "cut corners"
    detail = flag.evidence[0].detail
    assert "'cut corners' (= do something the cheapest or easiest way) is rendered word for word" in detail
    assert "الزوايا" in detail and "back-translation echoes" in detail


def test_idiom_rendered_by_its_meaning_is_not_flagged():
    assert idiom_flags("تهاون المقاول في معايير بناء الجسر.",
                       "The contractor cut corners on the bridge.",
                       "The contractor was lax in the standards of building the bridge.") == []


def test_compositional_compounds_are_not_flagged():
    assert idiom_flags("التقى رئيس الوزراء ضباط الشرطة في العاصمة.",
                       "The prime minister met police officers in the capital.",
                       "The prime minister met the police officers in the capital.") == []


@pytest.mark.parametrize(("literal", "idiomatic", "ref", "hyp_literal", "hyp_idiomatic"), [
    ("خطا الوزير إلى الأسفل يوم الاثنين بعد الفضيحة.", "استقال الوزير يوم الاثنين بعد الفضيحة.",
     "The minister stepped down on Monday after the scandal.",
     "The minister stepped downward on Monday after the scandal.",
     "The minister resigned on Monday after the scandal."),
    ("أدارت الشرطة عينا عمياء لعمليات التهريب.", "غضت الشرطة الطرف عن عمليات التهريب.",
     "The police turned a blind eye to the smuggling.",
     "The police turned a blind eye to the smuggling operations.",
     "The police overlooked the smuggling operations."),
    ("عادت الحكومة إلى الخلف على وعدها بخفض الضرائب.", "تراجعت الحكومة عن وعدها بخفض الضرائب.",
     "The government went back on its promise to cut taxes.",
     "The government went back on its promise to reduce taxes.",
     "The government retreated from its promise to reduce taxes."),
])
def test_phrasal_verbs_and_idioms_literal_versus_meaning(literal, idiomatic, ref, hyp_literal, hyp_idiomatic):
    assert len(idiom_flags(literal, ref, hyp_literal)) == 1
    assert idiom_flags(idiomatic, ref, hyp_idiomatic) == []


def test_an_arabic_word_glossing_the_whole_phrasal_verb_renders_it():
    # عاد glosses "go back" (WordNet's "go back" = "return in thought or speech…"): the
    # phrasal verb is rendered as a unit, not word for word, though عاد also glosses "go".
    assert idiom_flags("عاد اللاعبون إلى الملعب بعد الاستراحة.",
                       "The players went back to the pitch after the break.",
                       "The players went back to the pitch after the break.") == []


def test_an_established_calque_is_not_flagged():
    # "turn the tables" is an idiomatic WordNet verb, and قلب الطاولة established Arabic.
    assert idiom_flags("قلبت المعارضة الطاولة على الحكومة.",
                       "The opposition turned the tables on the government.",
                       "The opposition turned the table on the government.") == []


def test_a_hand_list_idiom_wordnet_lacks_is_still_flagged():
    flags = idiom_flags("وقال إن الحكومة قررت أن تركل العلبة على الطريق.",
                        "He said the government had decided to kick the can down the road.",
                        "He said that the government decided to kick the can on the road.")
    assert len(flags) == 1 and "العلبة" in flags[0].ar.text
