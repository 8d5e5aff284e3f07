"""More shortcuts of the segment checks give exactly what the plain computations give, on
the segments of the labelled set A and the bundled example (never the held-out C-test):

* :func:`eval.lexicon.morphology.may_be_definite` is ``False`` only for words with no
  definite reading, so the agreement check passes them over without analysing them;
* :func:`eval.lexicon.morphology.inflection` memoised on a stem's tags without its letters
  (:func:`~eval.lexicon.morphology.stem_tags`) reads what the whole tags say, for every
  stem of the lexicon;
* :func:`eval.flags.checks.common.transliterating`, which tries a capitalised reference
  word only on the Arabic words that support it, finds the words
  :meth:`eval.lexicon.translit.EnglishName.matching` finds among all of them;
* the number reader's text pre-filter (:func:`eval.lexicon.numbers._may_hold_number`)
  passes over only texts the parser reads no number from;
* the named-entity check's respelt names, with the back-translation's candidates found
  before the split-rendering test, and the negation check, reading the back-translation
  only when the Arabic has more or fewer negators than the reference, flag what the plain
  computations flag.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.flags import merge
from eval.flags.checks import entities, negation
from eval.flags.checks.common import make_flag, reference_names, transliterating
from eval.flags.registry import BY_NAME
from eval.lexicon import morphology, numbers, translit
from eval.lexicon.buckwalter import lexicon
from eval.text.tokens import fold_latin, tokenize_ar
from tadqiq.pipeline import CheckRequest, check

ROOT = Path(__file__).resolve().parents[2]
DOCS = [*sorted((ROOT / "bench" / "data" / "flags" / "A").iterdir()), ROOT / "examples" / "seed"]


@pytest.fixture(scope="module")
def segments():
    """(view, context) of every scored segment of the documents, as the checks get them."""
    out = []
    real = merge.run_checks
    mp = pytest.MonkeyPatch()

    def record(checks, views, ctx):
        out.extend((v, ctx) for v in views)
        return real(checks, views, ctx)

    mp.setattr(merge, "run_checks", record)
    try:
        for doc in DOCS:
            glossary = doc / "glossary.csv"
            check(CheckRequest(doc / "article.ar.txt", doc / "reference.en.txt",
                               hypothesis=doc / "hypothesis.en.txt",
                               glossary=glossary if glossary.exists() else None))
    finally:
        mp.undo()
    assert len(out) > 100
    return out


# --- morphology ----------------------------------------------------------------------------


def test_words_that_may_not_be_definite_have_no_definite_reading():
    words = sorted({t.text for doc in DOCS for t in tokenize_ar((doc / "article.ar.txt").read_text("utf-8"))
                    if t.kind == "word"})
    passed = definite = 0
    for word in words:
        readings = morphology.inflections(word)
        if not morphology.may_be_definite(word):
            assert not any(r.definite for r in readings), word
            passed += 1
        definite += any(r.definite for r in readings)
    assert passed > len(words) // 3 and definite > 300


def test_inflection_of_a_stems_tags_equals_that_of_its_whole_tags():
    plain = morphology._inflection.__wrapped__
    stems = [entry for entries in lexicon().stems.values() for entry in entries]
    assert len(stems) > 50_000
    kinds = set()
    shared = 0
    for entry in stems:
        relative = entry.vocalised if "REL_PRON" in entry.pos else ""
        nap = entry.category == "Nap"
        tags = morphology.stem_tags(entry.pos)
        shared += tags != entry.pos
        # With no prefix or suffix a verb's agreement is read off the stem's tags, if at all;
        # with them, only where they say nothing (covered by the analyses of real words in
        # tests/flags/test_agreement_fast_paths.py).
        got = plain("", tags, "", relative, nap)
        assert got == plain("", entry.pos, "", relative, nap), entry
        kinds.add(got.pos)
    assert {"verb", "relative", "pronoun", "noun", "adjective", "name", "other"} <= kinds
    assert shared == len(stems)


# --- names ---------------------------------------------------------------------------------


def test_transliterating_equals_matching_on_every_word(segments):
    tried = matched = 0
    for view, _ in segments:
        words = [k for k, w in enumerate(view.ar) if w.token.kind == "word"]
        texts = [view.ar[k].token.text for k in words]
        for token in view.ref:
            if token.kind != "word":
                continue
            plain = [words[m] for m in translit.EnglishName(token.text).matching(texts)]
            assert transliterating(view, token, words) == plain, token
            every_other = words[::2]
            assert transliterating(view, token, every_other) == [k for k in plain if k in every_other]
            tried += token.text[:1].isupper()
            matched += len(plain)
    assert tried > 300 and matched > 50


def _plain_respelt_names(view, ctx, check_):
    """:func:`entities.respelt_names` as it was: every Arabic word tried with matches_name,
    the split rendering tested before the back-translation's names."""
    ref_keys = {fold_latin(t.text) for t in view.ref if t.kind == "word"}
    hyp_names = [h for h in view.hyp_tokens
                 if h.kind == "word" and h.is_capitalised and len(h.text) > 2 and fold_latin(h.text) not in ref_keys]
    if not hyp_names:
        return []
    words = [w for w in view.ar if w.token.kind == "word" and not w.function]
    flags = []
    taken: set[int] = set()
    for tokens, entity in reference_names(view):
        for t in tokens:
            if len(t.text) < 3 or any(translit.matches_name(w.token.text, t.text) for w in words):
                continue
            if entities._split_rendering(view, t.text):
                continue
            for h in hyp_names:
                if not entities._spelling_close(h.text, t.text, entities.RESPELT_RATIO):
                    continue
                if entities._respelling(h.text, t.text):
                    continue
                hit = next((w for w in words if w.token.index not in taken
                            and translit.matches_name(w.token.text, h.text)), None)
                if hit is None:
                    continue
                taken.add(hit.token.index)
                label = entity or t.text
                flags.append(make_flag(
                    view, check_, ctx.ar_span(hit.token.start, hit.token.end),
                    ctx.ref_span(t.start, t.end),
                    f"reference name '{label}' is written {hit.token.text}, which reads as "
                    f"'{h.text}', not '{t.text}'",
                    view.hyp_span([h]),
                ))
                break
    return flags


def test_respelt_names_equal_the_plain_search(segments):
    check_ = BY_NAME["named-entity"]
    for view, ctx in segments:
        assert entities.respelt_names(view, ctx, check_) == _plain_respelt_names(view, ctx, check_)


def test_name_check_flags_names(segments):
    check_ = BY_NAME["named-entity"]
    assert any(entities.entity_flags(view, ctx, check_) for view, ctx in segments)


# --- numbers -------------------------------------------------------------------------------


def test_texts_without_a_number_start_have_no_number(segments):
    skipped = {"ar": 0, "en": 0}
    for view, _ in segments:
        for text, language in ((view.ar_text, "ar"), (view.ref_text, "en"), (view.hyp, "en")):
            toks = numbers._tokens(text)
            if not numbers._may_hold_number(toks, language):
                skipped[language] += 1
                items = numbers._items(text, language, toks)
                parser = numbers._Parser(items, language, text)
                assert all(parser.parse(i) is None for i in range(len(items))), text
    assert skipped["ar"] > 15 and skipped["en"] > 50, skipped


#: Sentences whose only number is one the pre-filter must see: a unit dual, a unit with a
#: fraction, an English "a" before a unit, a Roman numeral (in Arabic text too), a percent sign.
_LONE_NUMBERS = [
    ("ar", "قضى يومين بالمدينة"),
    ("ar", "استمر الاجتماع ساعة ونصف"),
    ("ar", "قال إن World War II غيرت كل شيء"),
    ("ar", "ارتفع المؤشر ٪5 هذا الأسبوع"),
    ("en", "It took an hour to cross."),
    ("en", "Pope Leo XIV spoke."),
    ("en", "Turnout reached 64."),
]


@pytest.mark.parametrize(("language", "text"), _LONE_NUMBERS)
def test_a_lone_number_passes_the_pre_filter(language, text, monkeypatch):
    found = numbers._extract(text, language)
    assert found
    monkeypatch.setattr(numbers, "_may_hold_number", lambda toks, language: True)
    assert numbers._extract(text, language) == found


# --- negation ------------------------------------------------------------------------------


def test_negation_check_reading_the_back_translation_only_when_needed_equals_always(segments, monkeypatch):
    check_ = BY_NAME["negation"]
    fast = [negation.negation_flags(view, ctx, check_) for view, ctx in segments]
    read: list[int] = []
    real = negation._en_negations

    def counted(tokens):
        read.append(1)
        return real(tokens)

    monkeypatch.setattr(negation, "_en_negations", counted)
    for view, ctx in segments:
        negation.negation_flags(view, ctx, check_)
    assert len(read) < 1.5 * len(segments)  # the back-translation mostly not read
    # plain: the early answer taken away (counts that always call for the back-translation)
    monkeypatch.setattr(negation, "_en_negations", real)
    plain = []
    for view, _ in segments:
        ref_lo, ref_hi = negation._count(negation._en_negations(view.ref))
        ar_lo, ar_hi = negation._count(negation._ar_negations(view))
        hyp_lo, hyp_hi = negation._count(negation._en_negations(view.hyp_tokens))
        flagged = (ar_lo > ref_hi and hyp_lo > ref_hi) or (ar_hi < ref_lo and hyp_hi < ref_lo)
        plain.append(flagged)
    assert [bool(f) for f in fast] == plain
    assert any(plain)
