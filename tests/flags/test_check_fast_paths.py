"""More shortcuts of the segment checks give exactly what the plain computations give, on
the segments of the labelled sets A and B and the bundled example (never the held-out C-test):

* :func:`eval.lexicon.morphology.may_be_definite` is ``False`` only for words with no
  definite reading, so the agreement check passes them over without analysing them;
* :func:`eval.lexicon.morphology.inflection` memoised on a stem's tags without its letters
  (:func:`~eval.lexicon.morphology._stem_tags`) reads what the whole tags say, for every
  stem of the lexicon;
* :func:`eval.flags.checks.common.transliterating`, which tries a capitalised reference
  word only on the Arabic words that support it, finds the words
  :meth:`eval.lexicon.translit.EnglishName.matching` finds among all of them;
* the number reader's text pre-filter (:func:`eval.lexicon.numbers._may_hold_number`)
  passes over only texts the parser reads no number from;
* the named-entity check — its respelt names with the back-translation's candidates found
  before the split-rendering test, the back-translation's names and a name's Arabic words
  looked for only where they decide — and the negation check, reading the
  back-translation only when the Arabic has more or fewer negators than the reference,
  flag what the plain computations flag.
"""

from __future__ import annotations

import pytest

from eval.flags.checks import entities, negation
from eval.flags.checks.common import make_flag, reference_names, transliterating
from eval.flags.registry import BY_NAME
from eval.lexicon import morphology, numbers, translit
from eval.lexicon.buckwalter import lexicon
from eval.text.tokens import fold_latin, tokenize_ar
from eval.values import Category, Severity, Span
from tests.labelled_inputs import SEED, articles, recorded_segments

DOCS = [*articles("A", "B"), SEED]


@pytest.fixture(scope="module")
def segments():
    """(view, context) of every scored segment of the documents, as the checks get them."""
    out = recorded_segments(DOCS)
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
        tags = morphology._stem_tags(entry.pos)
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


def _plain_entity_flags(view, ctx, check_):
    """:func:`entities.entity_flags` as it was: the back-translation's names and the Arabic
    words rendering a name found for every name, the plain respelt names."""
    flags = _plain_respelt_names(view, ctx, check_)
    ar_entities = view.ar_entities
    present = {name for _, _, name in ar_entities}
    covered = {k for a, b, _ in ar_entities for k in range(a, b)}
    ref_names = {name for _, _, name in view.ref_entities}
    foreign = {k for a, b, name in ar_entities if name not in ref_names for k in range(a, b)}
    for tokens, entity in reference_names(view):
        ref = ctx.ref_span(tokens[0].start, tokens[-1].end)
        label = entity or " ".join(t.text for t in tokens)
        if any(w.is_latin and w.token.key == t.key for t in tokens for w in view.ar):
            continue
        in_hyp = any(entities._same_name(h, t) for t in tokens for h in view.hyp_tokens)
        supported = {k for t in tokens for k in view.supporters(t)}
        rendered = [w for k, w in enumerate(view.ar) if k in supported]
        if not rendered and len(tokens) == 1:
            rendered = entities._split_rendering(view, tokens[0].text)
        if entity is not None and entity in present or entity is None and rendered:
            other = [h for h in entities._read_back(view, tokens, rendered)
                     if not any(entities._spelling_close(h.text, t.text)
                                or view.links is not None and entities._respelling(h.text, t.text)
                                for t in tokens)]
            if entity is None and not in_hyp and other and rendered:
                w = rendered[0]
                flags.append(make_flag(
                    view, check_, ctx.ar_span(w.token.start, w.token.end), ref,
                    f"reference name '{label}' is read back as '{other[0].text}' from {w.token.text}",
                    view.hyp_span([other[0]]),
                    confidence=check_.adjusted(-0.1),
                ))
            continue
        if in_hyp:
            continue
        located = set(view.arabic_for(entities._hyp_name(view, tokens)))
        candidates = [
            w for k, w in enumerate(view.ar)
            if (k in foreign or k in located or (k not in covered and w.proper and not w.known))
            and w.token.kind == "word"
            and not w.function and not any(k in view.supporters(r) for r in view.ref)
        ]
        if candidates:
            best = max(candidates, key=lambda w: (
                w.token.index in located or w.token.index in foreign, not w.known,
                max(translit.name_similarity(w.token.text, t.text) for t in tokens)))
            flags.append(make_flag(
                view, check_, ctx.ar_span(best.token.start, best.token.end), ref,
                f"reference name '{label}' is not in the Arabic; '{best.token.text}' stands where it should",
            ))
        else:
            flags.append(make_flag(
                view, check_,
                Span("", ctx.ar_line(view.ar_start), view.ar_start, view.ar_start), ref,
                f"reference name '{label}' has no counterpart in the Arabic or the back-translation",
                category=Category.OMISSION if entity is None else check_.category,
                severity=Severity.MAJOR, confidence=check_.adjusted(-0.15),
            ))
    return flags


def test_name_check_equals_the_plain_check(segments):
    check_ = BY_NAME["named-entity"]
    found = 0
    for view, ctx in segments:
        plain = _plain_entity_flags(view, ctx, check_)
        assert entities.entity_flags(view, ctx, check_) == plain
        found += len(plain)
    assert found > 5


# --- numbers -------------------------------------------------------------------------------


def test_texts_without_a_number_start_have_no_number(segments):
    skipped = {"ar": 0, "en": 0}
    for view, _ in segments:
        for text, language in ((view.ar_text, "ar"), (view.ref_text, "en"), (view.hyp, "en")):
            toks = numbers._tokens(text)
            if not numbers._may_hold_number(toks, numbers._word_flags(toks, language), language):
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
    monkeypatch.setattr(numbers, "_may_hold_number", lambda toks, flags, language: True)
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
