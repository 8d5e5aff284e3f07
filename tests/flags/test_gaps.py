"""Gap analysis: word-sense errors, substitutions located in the Arabic, paraphrases kept quiet.

Sentences made up for these tests (the Arabic renders them with the error in question).
"""

from __future__ import annotations

from eval.flags.gaps import WORD_SENSE, compound_at
from eval.lexicon.bilingual import Sense, sense_relation
from eval.text.tokens import tokenize_en
from eval.values import Category
from tests.flag_texts import report_of


def run(ar: str, ref: str, hyp: str, min_confidence: float | None = None):
    return report_of(ar, ref, hyp, min_confidence=min_confidence).flags


def sense_flags(flags):
    return [f for f in flags if any(e.signal == WORD_SENSE for e in f.evidence)]


def test_word_of_another_sense_inside_a_compound_is_flagged():
    # "tender offer" (a bid) rendered with طري (tender = soft), read back as "soft offer".
    flags = run("وأطلقت الشركة عرضا طريا لشراء أسهم منافستها.",
                "The company launched a tender offer for its rival's shares.",
                "The company launched a soft offer to buy the shares of its rival.")
    hits = sense_flags(flags)
    assert len(hits) == 1, flags
    flag = hits[0]
    assert flag.category is Category.MISTRANSLATION
    assert (flag.ar.text, flag.reference.text, flag.hypothesis.text) == ("طريا", "tender", "soft")
    assert "tender offer" in flag.evidence[0].detail


def test_political_party_read_as_a_celebration_is_flagged():
    flags = run("وفاز الحفل السياسي بأغلبية المقاعد في البرلمان.",
                "The political party won a majority of the seats in parliament.",
                "The political celebration won the majority of seats in parliament.")
    hits = sense_flags(flags)
    assert [(f.ar.text, f.reference.text, f.hypothesis.text) for f in hits] == [("الحفل", "party", "celebration")]


def test_lone_word_excused_by_the_lexicon_gets_a_sense_flag_below_the_threshold():
    # الحفلة glosses both "party" and "celebration": the lexicon used to excuse "party".
    args = ("وقالت الحفلة الحاكمة إنها ستخوض الانتخابات المقبلة.",
            "The ruling party said it would contest the next election.",
            "The ruling celebration said it would contest the upcoming elections.")
    hits = sense_flags(run(*args, min_confidence=0.0))
    assert [(f.ar.text, f.reference.text, f.hypothesis.text) for f in hits] == [("الحفلة", "party", "celebration")]
    assert hits[0].confidence < 0.6
    assert sense_flags(run(*args)) == []


def test_wordnet_near_synonym_across_a_gap_is_a_paraphrase():
    flags = run("وقال مسؤولون إن الزلزال بلغت قوته 5.8 درجة.",
                "Officials said the quake had a magnitude of 5.8.",
                "Officials said the earthquake reached a strength of 5.8 degrees.")
    assert [f for f in flags if f.category is Category.MISTRANSLATION] == []


def test_compound_synonym_is_not_a_sense_error():
    args = ("وعقد الوزير مؤتمرا صحفيا في العاصمة.",
            "The minister held a news conference in the capital.",
            "The minister held a press conference in the capital.")
    assert sense_flags(run(*args, min_confidence=0.0)) == []
    assert run(*args) == []


def test_substitution_is_one_mistranslation_with_its_arabic_span():
    # The lexicon does not know خزانة as "cabinet": the back-translation's "cupboard" stands
    # in its place, and the Arabic behind "cupboard" is the span (it used to be an omission).
    flags = run("اجتمعت الخزانة يوم الثلاثاء لمناقشة الميزانية.",
                "The cabinet met on Tuesday to discuss the budget.",
                "The cupboard met on Tuesday to discuss the budget.", min_confidence=0.0)
    assert len(flags) == 1, flags
    flag = flags[0]
    assert flag.category is Category.MISTRANSLATION
    assert (flag.ar.text, flag.reference.text, flag.hypothesis.text) == ("الخزانة", "cabinet", "cupboard")


def test_compound_rendered_word_by_word_is_one_flag_on_the_whole_phrase():
    flags = run("وسجل المهاجم ثلاث قبعات في المباراة النهائية.",
                "The striker scored a hat-trick in the final.",
                "The striker scored three hats in the final match.")
    on_it = [f for f in flags if "hat" in f.reference.text or "قبعات" in f.ar.text]
    assert len(on_it) == 1, flags
    flag = on_it[0]
    assert flag.reference.text == "hat-trick"
    assert flag.hypothesis.text == "three hats"
    assert "ثلاث" in flag.ar.text or "قبعات" in flag.ar.text


def test_sense_relation():
    context = "The company launched a tender offer for its rival's shares".split()
    assert sense_relation("tender", "soft", context) is Sense.OTHER  # near only as "soft food"
    assert sense_relation("magnitude", "strength", "the quake had a magnitude of 5.8".split()) is Sense.SAME
    assert sense_relation("party", "celebration", []) is Sense.UNRELATED
    # WordNet lacks "governorate": the hand thesaurus decides.
    assert sense_relation("governorate", "province", []) is Sense.SAME


def test_compound_at():
    tokens = tokenize_en("The Chamber of Commerce said the Rivermouth City manager bought treasury bills.")
    found = {t.text: c.expression.lemma for k, t in enumerate(tokens) if (c := compound_at(tokens, k))}
    assert found == {"Chamber": "chamber of commerce", "Commerce": "chamber of commerce",
                     "treasury": "treasury bill", "bills": "treasury bill"}
