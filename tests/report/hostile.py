"""A report whose every input carries markup: script tags, attribute breakers, ``</script>``."""

from __future__ import annotations

from collections.abc import Sequence

from eval.evaluate import CheckContext
from eval.flow import (
    BackTranslation,
    default_flaggers,
    evaluate_prepared,
    hypothesis_units,
    prepare_texts,
)
from eval.values import AlignedSegment, Category, Evidence, Flag, HypSpan, Report, Severity, Span

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
CLOSE = "</script>"

AR = (
    "قال الرئيس الفرنسي إيمانويل ماكرون يوم الخميس إن حلفاء أوكرانيا تعهدوا بنشر القوات في البلاد.\n"
    f"وأضاف الرئيس أن الخطة {SCRIPT} ستنفذ بعد انتهاء الحرب مع روسيا في العام المقبل.\n"
    f"وقال المتحدث باسم الحكومة {IMG} إن الاجتماع سيعقد في باريس يوم الجمعة المقبل.\n"
    f"وأكد الوزير أن القرار {CLOSE} نهائي ولا رجعة فيه على الإطلاق.\n"
)
REF = (
    "French President Emmanuel Macron said Thursday that Ukraine's allies pledged to deploy troops in the country.\n"
    f"The president added that the plan {SCRIPT} would be carried out after the war with Russia ends next year.\n"
    f"A government spokesman {IMG} said the meeting would be held in Paris next Friday.\n"
    f"The minister stressed that the decision {CLOSE} was final and irreversible.\n"
)
HYP = (
    "French President Emmanuel Macron said on Thursday that Ukraine's allies pledged to deploy forces in the country.\n"
    f"The president added that the plan {SCRIPT} will be implemented after the end of the war with Russia next year.\n"
    f"The government spokesman said {IMG} that the meeting will be held in Paris next Friday.\n"
    f"The minister confirmed that the decision {CLOSE} is final and irreversible at all.\n"
)
EVIDENCE = f"saw {CLOSE}<script>alert(2)</script> and \u2028 and \u2029 & done"


def _hostile_flagger(segments: Sequence[AlignedSegment], context: CheckContext) -> list[Flag]:
    """One flag on each hostile string, with hostile evidence."""
    text = context.article.original
    flags = []
    for needle in (SCRIPT, IMG, CLOSE):
        start = text.index(needle)
        seg = next(s for s in segments if s.ar.start is not None and s.ar.start <= start < s.ar.end)
        ref_start = seg.reference.text.index(needle) + seg.reference.start
        hyp_start = seg.hypothesis.index(needle)
        flags.append(Flag(
            "", seg.id, Category.UNTRANSLATED, Severity.MAJOR, 0.9,
            Span(needle, seg.ar.line, start, start + len(needle)),
            Span(needle, seg.reference.line, ref_start, ref_start + len(needle)),
            HypSpan(needle, hyp_start, hyp_start + len(needle)),
            (Evidence("test", EVIDENCE),),
        ))
    return flags


def hostile_report() -> Report:
    """Article, reference, back-translation, paths, model and evidence all carry the strings above."""
    prepared = prepare_texts(AR, REF, article_path=f"a{IMG}{SCRIPT}.ar.txt", reference_path=f"r{SCRIPT}.en.txt")
    units = hypothesis_units(prepared, HYP)
    model = {"name": f"m{SCRIPT}", "backend": IMG, "model": CLOSE, "rough": False}
    return evaluate_prepared(prepared, BackTranslation(tuple(units), model),
                             flaggers=[*default_flaggers(), _hostile_flagger])
