"""The round-3 shortcuts of the gap, idiom and phrasal-verb checks and their WordNet look-ups
give exactly what the plain computations give, on the words and sentences of the labelled
development set A and the bundled example (never the held-out C-test):

* a multiword lemma's senses read alone (:func:`eval.lexicon.wordnet.lemma_expressions`,
  used by the idiom finder and the phrasal-verb check) ↔ filtering all the expressions of
  its first word;
* WordNet's detachment rules tried by the ending's last letter, and words taken as clean
  when they are ↔ every rule in turn, and the full clean-up;
* the idiom check's near-synonym tests with the gloss's relations pooled
  (:func:`eval.lexicon.bilingual.related_to_any`) ↔ every pair of stems;
* the gap check's sense comparison answered once per words and sentence ↔
  :func:`eval.lexicon.bilingual.sense_relation` itself;
* the idiom finder's test that a WordNet expression's second word stands near enough
  (before the expression is built) ↔ matching every candidate whose words the sentence holds;
* the gap check's sense errors, a reference word's back-translation candidates chosen
  before its Arabic is looked for ↔ the plain loop (on sets B and C-dev too).
"""

from __future__ import annotations

import itertools

from eval.flags import gaps
from eval.flags.checks import idioms, phrasal
from eval.lexicon import bilingual, mwe, wordnet
from tests.labelled_inputs import SEED, articles, english_inputs, recorded_segments

DOCS = [SEED, *articles("A")]
SENTENCES, TOKENS, WORDS = english_inputs(DOCS)


def test_a_lemmas_expressions_equal_the_filtered_expressions_of_its_first_word():
    seen = 0
    for word in WORDS:
        every = wordnet.expressions(word)
        for lemma in dict.fromkeys(e.lemma for e in every):
            assert wordnet.lemma_expressions(word, lemma) == tuple(e for e in every if e.lemma == lemma), lemma
            seen += 1
        assert wordnet.lemma_expressions(word, f"{word} zzzq") == ()
    assert seen > 3000


def _plain_wordnet_expression(lemma: str) -> mwe.Expression | None:
    """mwe._wordnet_expression as it was: the lemma's senses filtered from all expressions."""
    words = lemma.split()
    senses = [e for e in wordnet.expressions(words[0]) if e.lemma == lemma and e.pos in ("v", "a", "r")]
    if len(words) < 2 or not senses or not words[0].isalpha():
        return None
    original = wordnet.lemma_expressions
    try:  # the rest of the function with the plain senses
        wordnet.lemma_expressions = lambda _word, _lemma: tuple(senses)  # type: ignore[assignment]
        return mwe._wordnet_expression.__wrapped__(lemma)
    finally:
        wordnet.lemma_expressions = original  # type: ignore[assignment]


def test_wordnet_idioms_and_phrasal_verbs_equal_those_from_all_expressions():
    lemmas = list(dict.fromkeys(e.lemma for word in WORDS for e in wordnet.expressions(word) if e.pos != "n"))
    assert len(lemmas) > 2000
    idiomatic = 0
    for lemma in lemmas:
        fast = mwe._wordnet_expression(lemma)
        assert fast == _plain_wordnet_expression(lemma), lemma
        idiomatic += fast is not None
    assert idiomatic > 200
    phrasal_verbs = 0
    for lemma in lemmas:
        verb, _, particle = lemma.partition(" ")
        senses = [e for e in wordnet.expressions(verb) if e.lemma == lemma and e.pos == "v"]
        plain = bool(senses) and not mwe.bare_verb_sense(verb, senses[0].synset_id)
        assert phrasal.phrasal_verb(verb, particle) == plain, lemma
        phrasal_verbs += plain
    assert phrasal_verbs > 100


def _plain_candidates(word: str, pos: str, exceptions) -> list[str]:
    out = [word]
    out += [base for xpos, base in exceptions if xpos == pos]
    for old, new in wordnet._RULES[pos]:
        if word.endswith(old) and len(word) > len(old):
            out.append(word[: -len(old)] + new)
    if pos == "v":
        for suffix in ("ed", "ing"):
            root = word[: -len(suffix)]
            if word.endswith(suffix) and len(root) >= 3 and root[-1] == root[-2] and root[-1] not in wordnet._VOWELS:
                out.append(root[:-1])
    return list(dict.fromkeys(out))


def test_detachment_rules_by_last_letter_equal_every_rule_in_turn():
    store = wordnet._store()
    words = [*WORDS, "stopped", "running", "men", "boxes", "studies", "fastest", "s", "", "ies", "abed"]
    tried = 0
    for word in words:
        found = store.words([word])[word] if word else None
        exceptions = found.exceptions if found else ()
        for pos in wordnet.POS:
            for exc in (exceptions, (), ((pos, "zzq"),)):
                assert wordnet._candidates(word, pos, exc) == _plain_candidates(word, pos, exc), (word, pos)
                tried += 1
    assert tried > 12 * len(WORDS)


def test_clean_words_equal_the_full_clean_up():
    texts = [t.text for toks in TOKENS for t in toks] + ["Cut_Corners", " step  down ", "İstanbul", "ǅemal", "naïve", "x_y"]
    for text in texts:
        assert wordnet._clean(text) == " ".join(text.lower().replace("_", " ").split()), text


def test_idiom_near_synonym_tests_with_pooled_relations_equal_every_pair():
    from eval.lexicon.bilingual import ar_words
    from eval.text.tokens import tokenize_ar

    glosses = []
    for doc in DOCS[:12]:
        for word in ar_words(tokenize_ar((doc / "article.ar.txt").read_text(encoding="utf-8")))[:120]:
            glosses += [content for content, _ in idioms._glosses(word.token.text)]
    literal = list(dict.fromkeys(
        forms for word in WORDS[::4] for forms in (mwe.norms(word),)
    ))
    pairs = near = 0
    for forms, content in itertools.product(literal[:150], list(dict.fromkeys(glosses))[:200]):
        plain = any(bilingual.related(a, b) for a in forms for b in content)
        assert any(bilingual.related_to_any(a, content) for a in forms) == plain
        assert idioms._near(forms, content) == plain
        pairs += 1
        near += plain
    assert pairs > 20000 and near > 50


def test_the_gap_checks_sense_answers_equal_sense_relation():
    asked = set()
    for toks in TOKENS[::3]:
        words = [t.text for t in toks if t.kind == "word" and len(t.text) > 2][:8]
        context = tuple(t.text for t in toks if t.kind == "word")
        for a, b in itertools.permutations(words[:6], 2):
            expected = bilingual.sense_relation(a, b, context)
            assert gaps._sense(a, b, context) is expected
            assert gaps._sense(a, b, context) is expected  # (answered from the memo)
            asked.add(expected)
    assert asked == set(bilingual.Sense)



def test_the_idiom_finders_second_word_test_never_rejects_a_match(monkeypatch):
    tried = rejected = matched = 0
    for toks, text in zip(TOKENS, SENTENCES, strict=True):
        lows = [t.text.lower().replace("’", "'") for t in toks]
        for i, tok in enumerate(toks):
            if tok.kind != "word":
                continue
            for group in mwe._candidates(lows[i]).values():
                for _k, _prefixes, rest, candidate in group:
                    if not isinstance(candidate, str):
                        continue
                    e = mwe._wordnet_expression(candidate)
                    if e is None:
                        continue
                    near = mwe._second_word_near(rest, toks, lows, i)
                    found = mwe._match(e, toks, i, text, 0) is not None
                    assert near or not found, (candidate, text)
                    tried += 1
                    rejected += not near
                    matched += found
    assert tried > 3000 and rejected > tried // 2 and matched > 5
    fast = [mwe.find(toks, text) for toks, text in zip(TOKENS, SENTENCES, strict=True)]
    monkeypatch.setattr(mwe, "_second_word_near", lambda *_args: True)
    assert [mwe.find(toks, text) for toks, text in zip(TOKENS, SENTENCES, strict=True)] == fast
    assert sum(map(len, fast)) > 10


def _plain_sense_errors(view) -> list[gaps.SenseError]:
    """gaps.sense_errors as it was: every candidate pair tested in full, sense_relation asked each time."""
    from eval.lexicon import resources
    from eval.lexicon.bilingual import (
        Sense,
        in_lexicon,
        sense_relation,
        synonym_in_text,
        thesaurus_related,
    )

    entity_idx = view.entity_token_indices()
    context = tuple(t.text for t in view.ref if t.kind == "word")
    out: list[gaps.SenseError] = []
    number_words = resources.numbers_en()

    def candidate(r, h):
        return (
            r.kind == h.kind == "word" and len(r.text) > 2 and len(h.text) > 2
            and not gaps._is_name(r, entity_idx, view.ref_titles)
            and (not h.is_capitalised or r.is_capitalised and in_lexicon(h.key))
            and r.text.lower() not in number_words and h.text.lower() not in number_words
            and not gaps.same_family(r, h)
        )

    def judge(r, h, ar):
        compound = gaps.compound_at(view.ref, r.index)
        if compound is not None and gaps._in_place(compound, r, h, view.hyp_tokens):
            if not gaps._compound_synonym(compound.expression, r, h) and not thesaurus_related(r.key, h.key):
                out.append(gaps.SenseError(r, h, tuple(ar[:1]), sense_relation(r.text, h.text, context),
                                           compound.expression.lemma))
            return
        sense = sense_relation(r.text, h.text, context)
        if sense in (Sense.OTHER, Sense.UNRELATED):
            out.append(gaps.SenseError(r, h, tuple(ar[:1]), sense))

    for i, j in view.pairs:
        r, h = view.ref_c[i], view.hyp_c[j]
        if r.key == h.key or not candidate(r, h):
            continue
        ar = gaps._rendering(view, h, r)
        if ar:
            judge(r, h, ar)
    matched_r = {i for i, _ in view.pairs}
    matched_h = {j for _, j in view.pairs}
    free_h = [h for j, h in enumerate(view.hyp_c) if j not in matched_h]
    for i, r in enumerate(view.ref_c):
        if i in matched_r or gaps.near_any(r, view.hyp_tokens):
            continue
        ar = view.ar_for_ref.get(r.index) or [
            k for k, a in enumerate(view.ar) if not a.function and gaps._glosses_near(a, r)
        ]
        if not ar or synonym_in_text(r.text, view.ref_text, view.hyp):
            continue
        region = {t.index for t in view.hyp_between([r])}
        renders = [
            (h, shared) for h in free_h
            if candidate(r, h) and (shared := tuple(k for k in gaps._rendering(view, h, r) if k in ar))
        ]
        renders.sort(key=lambda x: x[0].index not in region)
        if renders:
            judge(r, *renders[0])
    return out


def test_sense_errors_equal_the_plain_computation(monkeypatch):
    """Every segment of the example and the labelled sets A, B and C-dev, as the gap check sees it."""
    fast = gaps.sense_errors
    found: list[int] = []

    def both(view):
        answer = fast(view)
        assert answer == _plain_sense_errors(view), view.ref_text
        found.append(len(answer))
        return answer

    monkeypatch.setattr(gaps, "sense_errors", both)
    recorded_segments([*DOCS, *articles("B", "C-dev")])
    assert len(found) > 300 and sum(found) > 10
