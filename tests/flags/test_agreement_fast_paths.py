"""The shortcuts of the agreement and tense checks give exactly what the plain computations
give, on the segments of the labelled set A and the bundled example:

* :func:`eval.lexicon.morphology.inflection`, memoised on an analysis's tags, equals the
  reading computed from the analysis itself, for every analysis of every Arabic word;
* :func:`eval.text.verbs.verb_group`, with its path for a word without function words
  before it, equals the general computation (as it was), for every English token;
* the noun-phrase rules of the agreement check, run only at definite nominals and sharing
  one noun phrase between the relative and adjective rules, flag what running every rule
  at every word flags;
* a reference name's Arabic words, found at once for a segment
  (:meth:`eval.lexicon.translit.EnglishName.matching`, in the agreement and consistency
  checks), are those :func:`eval.lexicon.translit.matches_name` accepts one by one.
"""

from __future__ import annotations

import pytest

from eval.flags.checks import agreement
from eval.flags.registry import BY_NAME
from eval.lexicon import morphology, translit
from eval.lexicon.buckwalter import lexicon
from eval.lexicon.names import name_key, people
from eval.text import verbs
from eval.text.tokens import irregular_forms, tokenize_ar, tokenize_en
from tests.labelled_inputs import SEED, articles, recorded_segments

DOCS = [*articles("A"), SEED]


@pytest.fixture(scope="module")
def segments():
    """(view, context) of every scored segment of the documents, as the checks get them."""
    out = recorded_segments(DOCS)
    assert len(out) > 100
    return out


# --- inflections ---------------------------------------------------------------------------


def _plain_inflection(analysis) -> morphology.Inflection:
    """:func:`morphology.inflection` as it was: read off the analysis, nothing memoised."""
    Inflection, Agreement = morphology.Inflection, morphology.Agreement  # noqa: N806
    stem_pos = analysis.stem.pos
    if "VERB" in stem_pos:
        m = morphology._VERB_PREFIX.search(analysis.prefix.pos) or morphology._VERB_SUFFIX.search(
            analysis.suffix.pos)
        if m is None:
            m = morphology._VERB_SUFFIX.search(stem_pos) or morphology._VERB_PREFIX.search(stem_pos)
        return Inflection("verb", morphology._agreement(m))
    if "REL_PRON" in stem_pos:
        gender, number = morphology._RELATIVES.get(analysis.stem.vocalised, ("", ""))
        return Inflection("relative", Agreement(
            {"M": morphology.Gender.MASCULINE, "F": morphology.Gender.FEMININE}.get(gender),
            {"S": morphology.Number.SINGULAR, "D": morphology.Number.DUAL,
             "P": morphology.Number.PLURAL}.get(number),
        ))
    m = morphology._PRONOUN.search(stem_pos)
    if m is not None:
        return Inflection("pronoun", morphology._agreement(m))
    m = morphology._DEMONSTRATIVE.search(stem_pos)
    if m is not None:
        return Inflection("pronoun", morphology._agreement(m, person=False))
    kind = {"NOUN_PROP": "name", "NOUN": "noun", "ADJ": "adjective"}.get(stem_pos.split("/")[-1])
    if kind is None:
        return Inflection("other", Agreement(None, None))
    prefix = analysis.prefix.pos
    agr = morphology._agreement(morphology._NOUN_SUFFIX.search(analysis.suffix.pos), person=False)
    if analysis.stem.category == "Nap" and agr.number is morphology.Number.SINGULAR:
        agr = Agreement(None, None)
    return Inflection(kind, agr, definite="DET" in prefix, preposition="PREP" in prefix)


def test_memoised_inflection_equals_the_plain_one():
    words = sorted({t.text for doc in DOCS for t in tokenize_ar((doc / "article.ar.txt").read_text("utf-8"))
                    if t.kind == "word"})
    analyses = [a for w in words for a in lexicon().analyse(w)]
    kinds = {morphology.inflection(a).pos for a in analyses}
    assert {"verb", "relative", "pronoun", "noun", "adjective", "name", "other"} <= kinds
    assert any(a.stem.category == "Nap" for a in analyses)
    for a in analyses:
        assert morphology.inflection(a) == _plain_inflection(a), a


# --- verb groups ---------------------------------------------------------------------------


def _plain_chain(tokens, k, text, text_offset):
    low = verbs._low
    out = []
    j = k - 1
    nxt = tokens[k]
    if j >= 1 and low(tokens[j]) in verbs._DETERMINERS and low(tokens[j - 1]) in verbs.BE \
            and not verbs._breaks(text, text_offset, tokens[j], nxt):
        nxt = tokens[j]
        j -= 1
    while j >= 0:
        tok = tokens[j]
        if verbs._breaks(text, text_offset, tok, nxt):
            break
        if not verbs._joins_group(low(tok), low(nxt) if out else ""):
            break
        out.append(tok)
        nxt = tok
        j -= 1
    out.reverse()
    words = [low(t) for t in out]
    if "order" in words:
        out = out[words.index("order") + 1:]
    return out


def _plain_verb_group(tokens, k, text, text_offset=0) -> verbs.VerbGroup:
    """:func:`verbs.verb_group` as it was: one computation for every group."""
    v = verbs
    head = tokens[k]
    markers = _plain_chain(tokens, k, text, text_offset)
    words = [v._low(t) for t in markers]
    hw = v._low(head)
    negated = any(w in v.NEGATORS or w.endswith("n't") or w == "cannot" for w in words)
    hedge = next((w for w in words if w in v.HEDGE_ADVERBS), None)
    pairs = list(zip(words, words[1:], strict=False))
    for a, b in pairs:
        if b == "to" and a in v.HEDGE_SEMI:
            hedge = a
    mood = v.Mood.CERTAIN
    if any(w in v.OBLIGATORY_MODALS for w in words) or any(b == "to" and a in v.OBLIGATION_SEMI for a, b in pairs):
        mood = v.Mood.OBLIGATORY
    elif any(w in v.POSSIBLE_MODALS for w in words) or any(b == "to" and a in v.ABILITY_SEMI for a, b in pairs):
        mood = v.Mood.POSSIBLE
    aux = [w for w in words if w in v.BE or w in v.HAVE or w in v.DO or w in v.GET or w in v.MODALS
           or w == "to" or w in v.HEDGE_SEMI or w in v.FUTURE_SEMI or w in v.ABILITY_SEMI
           or w in v.OBLIGATION_SEMI or w.endswith("n't")]
    last_aux = aux[-1] if aux else ""
    passive = (last_aux in v.BE or last_aux in v.GET) and v.is_participle(hw)
    start = markers[0].index if markers else head.index
    prev = v._low(tokens[start - 1]) if start > 0 else ""
    subject = bool(prev) and prev not in v._NOT_A_SUBJECT and prev not in v.BE
    time, finite = v._time(aux, hw, subject)
    bare = not aux and subject and irregular_forms().get(hw) == hw
    return v.VerbGroup(head, tuple(markers), time, mood, hedge, passive, negated, finite, bare)


def test_verb_group_equals_the_plain_computation():
    groups = 0
    with_markers = 0
    for doc in DOCS:
        for name in ("reference.en.txt", "hypothesis.en.txt"):
            for line in (doc / name).read_text("utf-8").splitlines():
                tokens = tokenize_en(line)
                for k in range(len(tokens)):
                    got = verbs.verb_group(tokens, k, line)
                    assert got == _plain_verb_group(tokens, k, line), (line, tokens[k].text)
                    groups += 1
                    with_markers += bool(got.markers)
    assert groups > 5000 and with_markers > 300


def test_verb_group_with_an_offset_equals_the_plain_computation(segments):
    for view, _ in segments:
        for k in range(len(view.ref)):
            assert verbs.verb_group(view.ref, k, view.ref_text, view.ref_start) == \
                _plain_verb_group(view.ref, k, view.ref_text, view.ref_start)


# --- the noun-phrase rules of the agreement check ------------------------------------------


def _plain_phrase_flags(view, ctx, check_):
    """The noun-phrase part of :func:`agreement.agreement_flags` as it was: every rule at every
    word, each finding its own noun phrase."""
    by_word = {}
    for i in range(len(view.ar)):
        at = None if agreement._construct_before(view, i) else agreement._noun_phrase(view, i, preposition=True)
        for flag in (agreement._subject_verb(view, ctx, check_, i), agreement._relative(view, ctx, check_, i, at),
                     agreement._adjective(view, ctx, check_, i, at)):
            if flag is not None:
                by_word[flag.ar.start] = flag
    return by_word


def _plain_agreement_flags(view, ctx, check_):
    """:func:`agreement.agreement_flags` with the plain noun-phrase loop."""
    names = [n for n in agreement._names_in_arabic(view, ctx) if not agreement._coordinated(view, n)]
    flags = []
    for name in names:
        others = {k for n in names if n.person != name.person for k in range(n.first, n.last + 1)}
        for flag in (agreement._verb_before(view, ctx, check_, name, others),
                     agreement._after(view, ctx, check_, name)):
            if flag is not None:
                flags.append(flag)
    by_word = _plain_phrase_flags(view, ctx, check_)
    flags += [f for f in by_word.values() if not any(g.ar.start == f.ar.start for g in flags)]
    return flags + agreement.plural_made_singular(view, ctx, check_)


def test_rules_run_at_definite_nominals_only_flag_the_same(segments):
    check_ = BY_NAME["agreement"]
    skipped = phrases = found = 0
    for view, ctx in segments:
        for i, word in enumerate(view.ar):
            if not agreement._definite_nominal(word, preposition=True):
                skipped += 1
                assert agreement._noun_phrase(view, i, preposition=True) is None
                assert agreement._noun_phrase(view, i, preposition=False) is None
            else:
                phrases += agreement._noun_phrase(view, i, preposition=True) is not None
        plain = _plain_agreement_flags(view, ctx, check_)
        assert agreement.agreement_flags(view, ctx, check_) == plain
        found += len(plain)
    assert skipped > 1000 and phrases > 50 and found > 0


# --- names: one English name tried against a segment's Arabic words at once ----------------


def test_english_name_matching_equals_matches_name(segments):
    """The agreement and consistency checks find a reference name's Arabic words with
    :meth:`translit.EnglishName.matching`: the words :func:`translit.matches_name` accepts."""
    matched = 0
    for view, _ in segments:
        texts = [w.token.text for w in view.ar if w.token.kind == "word"]
        for name in {t.text for t in view.ref if t.kind == "word" and t.is_capitalised}:
            plain = [k for k, text in enumerate(texts) if translit.matches_name(text, name)]
            assert translit.EnglishName(name).matching(texts) == plain
            matched += len(plain)
    assert matched > 50


def _plain_names_in_arabic(view, ctx):
    """:func:`agreement._names_in_arabic` as it was: each Arabic word tried with matches_name."""
    persons = people(ctx.ref)
    if not persons:
        return []
    found = []
    for text, tokens in agreement._ref_parts(view):
        person = persons.get(name_key(text))
        if person is None:
            continue
        for k, word in enumerate(view.ar):
            if word.token.kind == "word" and word.proper and translit.matches_name(word.token.text, text):
                found.append(agreement._NameInArabic(person, k, k, agreement._mention(view, tokens)))
    found.sort(key=lambda n: n.first)
    merged = []
    for n in found:
        if merged and merged[-1].person == n.person and n.first - merged[-1].last <= 1:
            last = merged[-1]
            merged[-1] = agreement._NameInArabic(last.person, last.first, max(last.last, n.last), last.ref)
        elif not any(m.first <= n.first <= m.last for m in merged):
            merged.append(n)
    out = []
    for n in merged:
        first = n.first
        parts = [t.text for t in n.ref]
        if first > 0 and any(translit.matches_name(view.ar[first - 1].token.text, p) for p in parts[:-1]):
            first -= 1
        out.append(agreement._NameInArabic(n.person, first, n.last, n.ref))
    return out


def test_names_in_arabic_equal_the_plain_ones(segments):
    seen = 0
    for view, ctx in segments:
        names = agreement._names_in_arabic(view, ctx)
        assert names == _plain_names_in_arabic(view, ctx)
        seen += len(names)
    assert seen > 10
