"""The merge step: what supersedes what, and flaggers that return flags instead of editing a report."""

from __future__ import annotations

import dataclasses

import pytest

from eval.evaluate import CheckContext, evaluate
from eval.flags.merge import SpanFlagger, combine, supersede
from eval.flags.registry import Findings
from eval.text.documents import document_from_text
from eval.text.hypothesis import units_from_hypothesis
from eval.text.segment import segment
from eval.values import Category, Evidence, Flag, HypSpan, Severity, Span

# Five sentences; the back-translation of the third is a loose headline (chrF++ far below the
# others, all 100) and the Arabic of that sentence has a wrong number (million for billion).
AR = ("أعلنت وزارة الصحة يوم الاثنين أن 120 شخصا أصيبوا بالمرض في ثلاث مدن.\n"
      "وقال الوزير إن الحكومة سترسل أطباء إلى المنطقة.\n"
      "قالت الشركة إنها خسرت 1.1 مليون يورو العام الماضي بسبب الأزمة.\n"
      "وقعت الاتفاقية في الرباط بحضور الوفدين.\n"
      "وأكد الوزير أن القرار نهائي.\n")
REF = ("The Health Ministry announced on Monday that 120 people had fallen ill in three cities.\n"
       "The minister said the government would send doctors to the region.\n"
       "The company said it lost 1.1 billion euros last year because of the crisis.\n"
       "The agreement was signed in Rabat in the presence of both delegations.\n"
       "The minister stressed that the decision was final.\n")
HYP = ("The Health Ministry announced on Monday that 120 people had fallen ill in three cities.\n"
       "The minister said the government would send doctors to the region.\n"
       "Firm reports 1.1 million deficit, blames turmoil.\n"
       "The agreement was signed in Rabat in the presence of both delegations.\n"
       "The minister stressed that the decision was final.\n")


def _report(flagger):
    article = document_from_text(AR, "ar", "a.ar.txt")
    reference = document_from_text(REF, "en", "r.en.txt")
    ar_segs, ref_segs = segment(AR, "ar"), segment(REF, "en")
    return evaluate(article, reference, ar_segs, ref_segs, units_from_hypothesis(ar_segs, HYP),
                    {"name": "test"}, flaggers=[flagger])


def _signals(flag: Flag) -> list[str]:
    return [e.signal for e in flag.evidence]


def test_a_span_flag_supersedes_the_low_segment_score_flag_of_its_segment():
    report = _report(SpanFlagger())
    [number] = [f for f in report.flags if f.category is Category.NUMBER]
    # The segment's score is low: that is evidence on the span flag ...
    assert _signals(number) == ["numbers", "segment-score"]
    # ... and no separate whole-segment flag repeats it.
    assert [f for f in report.flags if _signals(f) == ["segment-score"]] == []
    assert [f.id for f in report.flags] == ["F1"]


def test_without_a_span_flag_the_low_segment_score_flag_stays():
    report = _report(SpanFlagger(checks={"segment-score"}))
    [flag] = report.flags
    assert _signals(flag) == ["segment-score"] and flag.category is Category.MISTRANSLATION
    assert flag.ar.line == 3


X = Span("x", 1, 0, 1)


def _flag(segment: int, signal: str, ar: Span = X) -> Flag:
    return Flag("", segment, Category.MISTRANSLATION, Severity.MAJOR, 0.7, ar, Span(), HypSpan(),
                (Evidence(signal, "seen"),))


def test_supersede_drops_only_low_score_flags_of_segments_with_span_flags():
    whole = [_flag(1, "segment-score"), _flag(2, "segment-score"), _flag(1, "sentence-alignment")]
    kept = supersede(whole, [_flag(1, "numbers")])
    assert kept == [whole[1], whole[2]]


def test_combine_keeps_whole_segment_flags_apart_and_unfiltered():
    low = dataclasses.replace(_flag(0, "sentence-alignment"), confidence=0.3)
    weak = dataclasses.replace(_flag(1, "numbers"), confidence=0.5)
    strong = _flag(1, "negation", Span("y", 1, 5, 6))
    findings = Findings(per_segment=((weak, strong),), document=(), whole_segment=(low,))
    assert combine(findings, [1], None, 0.6) == [low, strong]


def test_flaggers_get_read_only_input():
    seen = []

    def spy(segments, context):
        seen.append((segments, context))
        return []

    _report(spy)
    [(segments, context)] = seen
    assert isinstance(segments, tuple) and isinstance(context, CheckContext)
    with pytest.raises(dataclasses.FrozenInstanceError):
        context.article = context.reference  # type: ignore[misc]
    with pytest.raises(TypeError):
        context.model["rough"] = True  # type: ignore[index]


def test_the_span_flagger_is_pure():
    flagger = SpanFlagger()
    first = _report(flagger).flags
    assert _report(flagger).flags == first
