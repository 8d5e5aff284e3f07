"""The shortcuts of the WordNet look-ups, the idiom finder and the gap check's compound
look-up give exactly what the plain computations give, on the words and sentences of the
labelled development set A and the bundled example (never the held-out C-test):

* lemma forms looked up once per word (:func:`eval.lexicon.wordnet.base_forms`,
  :func:`~eval.lexicon.wordnet.synsets`) ↔ WordNet's morphy per part of speech;
* Lesk signatures built from the stored rows, each word stemmed once ↔ from the synsets;
* :func:`~eval.lexicon.wordnet.near_synonyms` skipping Lesk when every sense is linked ↔
  always choosing the sense;
* expressions of one part of speech and their (lemma, pos, synset) rows ↔ the filtered list;
* the store's memo answering from its cache ↔ the key-by-key path;
* the idiom finder's first-two-letters pre-filter as a subset test ↔ word by word, and its
  candidates indexed by one of those prefixes ↔ trying every candidate in turn;
* :func:`~eval.lexicon.wordnet.near_synonym_senses` ↔ two :func:`~eval.lexicon.wordnet.near_synonyms`
  calls, and the sense comparison built on it ↔ :func:`eval.lexicon.bilingual.sense_relation`;
* the gap check's noun compounds indexed by their second word ↔ scanning all of a word's
  expressions.
"""

from __future__ import annotations

import itertools

import pytest

from eval.flags import gaps
from eval.lexicon import mwe, resources, wordnet
from eval.text.tokens import Token, is_function_en, stem
from tests.labelled_inputs import SEED, articles, english_inputs

DOCS = [SEED, *articles("A")]
SENTENCES, TOKENS, WORDS = english_inputs(DOCS)


def test_the_inputs_are_many():
    assert len(SENTENCES) > 200 and len(WORDS) > 1200


def test_base_forms_and_synsets_equal_morphy_per_part_of_speech():
    store = wordnet._store()
    for word in WORDS:
        for pos in (None, *wordnet.POS):
            assert wordnet.base_forms(word, pos) == wordnet._morphy(word, pos, store.words), (word, pos)
            ids: list[str] = []
            for p in wordnet.POS if pos is None else (pos,):
                for form in wordnet._morphy(word, p, store.words):
                    ids += store.words([form])[form].senses[p]
            assert [s.id for s in wordnet.synsets(word, pos)] == list(dict.fromkeys(ids)), (word, pos)


def _plain_signature(sid: str) -> frozenset[str]:
    s = wordnet.synset(sid)
    if s is None:
        return frozenset()
    related = wordnet._synsets_of(s.related)
    texts = (s.gloss, *s.lemmas, *(lemma for r in related for lemma in r.lemmas))
    return frozenset(wordnet._content_stems(wordnet._latin_words(texts)))


def test_lesk_signatures_equal_the_plain_computation():
    sids = list(dict.fromkeys(s.id for word in WORDS[::3] for s in wordnet.synsets(word)))
    assert len(sids) > 2000
    for sid in sids:
        assert wordnet._signature(sid) == _plain_signature(sid), sid
    assert wordnet._signature("99999999n") == _plain_signature("99999999n") == frozenset()


def _plain_near_synonyms(a: str, b: str, context: tuple[str, ...]) -> bool:
    """near_synonyms as it reads without its shortcuts: Lesk whenever a context is given."""
    ids_b = {s.id for s in wordnet.synsets(b)}
    linked = [s for s in wordnet.synsets(a) if s.id in ids_b or not wordnet._neighbours(s.id).isdisjoint(ids_b)]
    if not linked:
        return False
    if context:
        senses = wordnet.synsets(a)
        own = {stem(w) for w in wordnet._latin_words((a,))}
        ctx = wordnet._content_stems(wordnet._latin_words(context)) - own
        best, score = senses[0], 0
        if ctx and len(senses) > 1:
            for s in senses:
                overlap = len(_plain_signature(s.id) & ctx)
                if overlap > score:
                    best, score = s, overlap
        if score > 0:
            return best in linked
    return True


def test_near_synonyms_in_context_equal_the_plain_computation():
    checked = linked = 0
    for toks in TOKENS[::2]:
        context = tuple(t.text for t in toks if t.kind == "word")
        content = [t.text for t in toks if t.kind == "word" and not is_function_en(t)][:9]
        for a, b in itertools.permutations(content, 2):
            fast = wordnet.near_synonyms(a, b, context=context)
            assert fast == _plain_near_synonyms(a, b, context), (a, b, context)
            assert wordnet.near_synonyms(a, b) == _plain_near_synonyms(a, b, ())
            checked += 1
            linked += fast
    assert checked > 3000 and linked > 50


def test_expressions_of_a_part_of_speech_and_their_rows_equal_the_filtered_list():
    seen = 0
    for word in WORDS:
        every = wordnet.expressions(word)
        assert wordnet.expression_senses(word) == tuple((e.lemma, e.pos, e.synset_id) for e in every)
        for e in every:
            s = wordnet.synset(e.synset_id)
            assert e.words == tuple(e.lemma.split(" ")) and e.gloss == (s.gloss if s else "")
        for pos in wordnet.POS:
            assert wordnet.expressions(word, pos) == tuple(e for e in every if e.pos == pos)
        seen += len(every)
    assert seen > 5000


def test_the_store_answers_from_its_memo_as_key_by_key():
    store = wordnet._MemoryStore(({"a": ("n 1", "", "", ""), "b": ("", "", "", "")}, {}))
    asks = [["a"], ["b", "a", "b"], ("zz", "a"), iter(["a", "zz", "b"]), ["a", "b", "a"], [], ["zz", "zz"]]
    for keys in asks:
        keys = list(keys)
        answer = store.words(iter(keys) if len(keys) == 3 else keys)
        assert list(answer) == list(dict.fromkeys(keys))
        assert all(answer[k] is store._words[k] for k in keys)
    assert store.words(["zz"]) == {"zz": None}


def test_the_idiom_prefilter_never_rejects_what_a_sentence_holds():
    tested = passed = holding = 0
    for toks in TOKENS:
        lows = [t.text.lower().replace("’", "'") for t in toks]
        present = {t.key for t in toks}.union(*(mwe.norms(low) for low in lows))
        prefixes = {p[:2] for p in present}
        for low, tok in zip(lows, toks, strict=True):
            if tok.kind != "word":
                continue
            for key, group in mwe._candidates(low).items():
                for _k, needed_prefixes, rest, _candidate in group:
                    assert needed_prefixes == mwe._prefixes_needed(rest)
                    assert key == min(needed_prefixes, default="")
                    fast = needed_prefixes <= prefixes
                    # a necessary condition: never false where the sentence holds the stems
                    held = mwe._needed(rest) <= present
                    assert fast or not held, (low, rest)
                    tested += 1
                    passed += fast
                    holding += held
    assert tested > 20000 and 0 < holding <= passed < tested


def _plain_compound_at(tokens: list[Token], index: int) -> gaps.Compound | None:
    """compound_at scanning every expression of each word before ``index``."""
    if not 0 <= index < len(tokens) or tokens[index].kind != "word" or is_function_en(tokens[index]):
        return None
    for start in range(max(0, index - gaps.MAX_COMPOUND + 1), index + 1):
        first = tokens[start]
        if first.kind != "word":
            continue
        for expression in wordnet.expressions(first.text):
            n = len(expression.words)
            if expression.pos != "n" or n < 2 or start + n <= index or start + n > len(tokens):
                continue
            window = tokens[start : start + n]
            if any(t.kind != "word" for t in window):
                continue
            if not all(w == t.text.lower() for w, t in zip(expression.words[:-1], window, strict=False)):
                continue
            if not gaps._same_word(expression.words[-1], window[-1]):
                continue
            content = tuple(t for t in window if not is_function_en(t))
            if len({t.is_capitalised for t in content if t.index > 0}) > 1:
                continue
            return gaps.Compound(expression, content)
    return None


def test_compounds_found_by_their_second_word_equal_scanning_all_expressions():
    found = 0
    for toks in TOKENS:
        for i in range(len(toks) + 1):
            fast = gaps.compound_at(toks, i)
            assert fast == _plain_compound_at(toks, i), (i, [t.text for t in toks])
            found += fast is not None
    assert found > 30


@pytest.mark.parametrize(("first", "second"), [("news", "conference"), ("fault", "lines"), ("chamber", "of")])
def test_compounds_before_keep_the_expressions_order(first, second):
    forms = {second, *wordnet.base_forms(second, "n")}
    expected = [e for e in wordnet.expressions(first, "n") if len(e.words) >= 2 and e.words[1] in forms]
    assert gaps._compounds_before(first, second) == expected and expected


def _flat_candidates(word: str) -> list[tuple[tuple[str, ...], resources.Idiom | str]]:
    """mwe._candidates of ``word`` out of their groups, in their places' order."""
    flat = sorted((x for group in mwe._candidates(word).values() for x in group), key=lambda x: x[0])
    assert [x[0] for x in flat] == list(range(len(flat)))
    return [(rest, c) for _k, _needed, rest, c in flat]


def test_hand_list_idioms_are_still_candidates_of_their_first_word():
    for idiom in resources.idioms(include_established=True):
        words = mwe._idiom_words(idiom.idiom)
        candidates = [c for _rest, c in _flat_candidates(words[0])]
        assert any(c == idiom or c == idiom.idiom for c in candidates) or any(
            isinstance(c, resources.Idiom) and c.idiom.lower() == idiom.idiom.lower() for c in candidates
        ), idiom.idiom


def _plain_candidates(word: str) -> list[tuple[tuple[str, ...], resources.Idiom | str]]:
    """What may start at ``word``, ungrouped, as the finder listed them before grouping."""
    found: dict[str, tuple[tuple[str, ...], resources.Idiom | str]] = {}
    for key in mwe.norms(word):
        for words, idiom in mwe._list_index().get(key, ()):
            found.setdefault(idiom.idiom.lower(), (words[1:], idiom))
    if word.isalpha():
        for lemma, pos, _sid in wordnet.expression_senses(word):
            if pos in ("v", "a", "r") and lemma not in found:
                found[lemma] = (tuple(lemma.split(" ")[1:]), lemma)
    return list(found.values())


def _plain_find(tokens: list[Token], text: str) -> list[mwe.Occurrence]:
    """mwe.find trying each candidate in turn, word by word (no groups, no prefix sets)."""
    lows = [t.text.lower().replace("’", "'") for t in tokens]
    present = {t.key for t in tokens}.union(*(mwe.norms(low) for low in lows))
    found = []
    for i, tok in enumerate(tokens):
        if tok.kind != "word":
            continue
        for rest, candidate in _plain_candidates(lows[i]):
            if not {stem(w) for w in rest if w not in mwe._SLOT_WORDS and w not in ("a", "an")} <= present:
                continue
            e = mwe._wordnet_expression(candidate) if isinstance(candidate, str) else mwe._list_expression(candidate)
            occurrence = mwe._match(e, tokens, i, text, 0) if e is not None else None
            if occurrence is not None:
                found.append(occurrence)
    found.sort(key=lambda o: (not o.expression.calque, -len(o.expression.pattern), -(o.end - o.start), o.start))
    kept: list[mwe.Occurrence] = []
    for o in found:
        if all(o.end <= k.start or k.end <= o.start for k in kept):
            kept.append(o)
    return sorted(kept, key=lambda o: o.start)


def test_idiom_candidates_indexed_by_a_prefix_find_what_trying_each_finds():
    found = 0
    for text, toks in zip(SENTENCES, TOKENS, strict=True):
        fast = mwe.find(toks, text)
        assert fast == _plain_find(toks, text), text
        found += len(fast)
    for word in WORDS[::4]:
        assert _flat_candidates(word) == _plain_candidates(word), word
    assert found > 10


def _ar_words_by_doc():
    from eval.lexicon.bilingual import ar_words
    from eval.text.tokens import tokenize_ar

    return [ar_words(tokenize_ar((doc / "article.ar.txt").read_text(encoding="utf-8"))) for doc in DOCS]


def test_glosses_near_equals_related_to_some_gloss_stem():
    from eval.lexicon.bilingual import related

    near = pairs = 0
    for doc_words, toks in zip(_ar_words_by_doc(), TOKENS[:: max(1, len(TOKENS) // len(DOCS))], strict=False):
        words = [t for t in toks if t.kind != "number"][:25]
        for a in doc_words[:80]:
            for t in words:
                plain = not a.function and t.kind == "word" and any(related(t.key, g) for g in a.stems)
                assert gaps._glosses_near(a, t) == plain, (a.token.text, t.text)
                near += plain
                pairs += 1
    assert pairs > 15000 and near > 100


def _plain_same_family(a: Token, b: Token) -> bool:
    from difflib import SequenceMatcher

    from eval.text.tokens import fold_latin

    if a.key == b.key:
        return True
    x, y = fold_latin(a.text), fold_latin(b.text)
    if a.is_capitalised and b.is_capitalised and SequenceMatcher(None, x, y).ratio() >= 0.8:
        return True
    for prefix in ("un", "non"):
        if x.startswith(prefix) and len(x) > len(prefix) + 3 and gaps._common_prefix(x[len(prefix):], y)[3:]:
            return True
    common = len(gaps._common_prefix(x, y))
    return common >= 3 and common >= 0.6 * min(len(x), len(y)) and min(len(x), len(y)) >= 4


def test_same_family_with_its_quick_bounds_equals_the_plain_comparison():
    tokens = list({t.text: t for toks in TOKENS for t in toks if t.kind != "number"}.values())
    same = 0
    for a in tokens[::2]:
        for b in tokens[::7]:
            fast = gaps.same_family(a, b)
            assert fast == _plain_same_family(a, b), (a.text, b.text)
            same += fast
    assert same > 200


def test_prefetch_reads_a_sentence_at_once_and_changes_no_answer(monkeypatch):
    from eval.lexicon import index

    wordnet.base_forms("written")  # the index file, if there is one
    directory = index.cache_dir()
    key = wordnet.index_key()
    if directory is None or not wordnet.index_path(directory, key).is_file():
        pytest.skip("no WordNet index file")
    path = wordnet.index_path(directory, key)
    for toks in TOKENS[:60]:
        words = [wordnet._clean(t.text) for t in toks]
        plain, fast = wordnet._SqliteStore(path, key), wordnet._SqliteStore(path, key)
        monkeypatch.setattr(wordnet, "_store", lambda fast=fast: fast)
        wordnet.prefetch(t.text for t in toks)
        fetches: list[list[str]] = []
        read = fast._fetch
        monkeypatch.setattr(fast, "_fetch", lambda table, keys, read=read, log=fetches: log.append(keys) or read(table, keys))
        for w in filter(None, words):
            assert wordnet._forms_by_pos(w, wordnet.POS, fast.words) == wordnet._forms_by_pos(
                w, wordnet.POS, plain.words)
        assert fetches == []  # all read by the prefetch
        assert all(fast._words[k] == plain._words[k] for k in plain._words)


def _sense_relation_on_senses(ref_word: str, hyp_word: str, context: tuple[str, ...]):
    """bilingual.sense_relation asking near_synonym_senses once instead of near_synonyms twice
    (the change proposed for eval/lexicon/bilingual.py)."""
    from eval.lexicon import bilingual

    thesaurus = bilingual.thesaurus_related(stem(ref_word), stem(hyp_word))
    senses = wordnet.synsets(ref_word)
    if not senses or not wordnet.synsets(hyp_word):
        return bilingual.Sense.SAME if thesaurus else bilingual.Sense.UNKNOWN
    near, near_here = wordnet.near_synonym_senses(
        ref_word, hyp_word, context=() if len(senses) > bilingual.MAX_LESK_SENSES else context)
    if not near:
        return bilingual.Sense.SAME if thesaurus else bilingual.Sense.UNRELATED
    return bilingual.Sense.SAME if near_here else bilingual.Sense.OTHER


def test_near_synonym_senses_equal_two_near_synonyms_calls_and_sense_relation():
    from eval.lexicon import bilingual

    checked, kinds = 0, set()
    for toks in TOKENS[1::2]:
        context = tuple(t.text for t in toks if t.kind == "word")
        content = [t.text for t in toks if t.kind == "word" and not is_function_en(t)][:9]
        for a, b in itertools.permutations(content, 2):
            assert wordnet.near_synonym_senses(a, b, context=context) == (
                wordnet.near_synonyms(a, b), wordnet.near_synonyms(a, b, context=context)), (a, b)
            assert wordnet.near_synonym_senses(a, b) == (wordnet.near_synonyms(a, b),) * 2
            relation = bilingual.sense_relation(a, b, context)
            assert _sense_relation_on_senses(a, b, context) == relation, (a, b, context)
            kinds.add(relation)
            checked += 1
    assert checked > 3000 and kinds == set(bilingual.Sense)


def test_near_strong_equals_near_any_of_the_strong_tokens(monkeypatch):
    """Every reference word the gap check asks about, in the example and set A."""
    from tadqiq.pipeline import CheckRequest, check

    fast = gaps._near_strong
    asked: list[bool] = []

    def both(view, r, context):
        answer = fast(view, r, context)
        assert answer == gaps.near_any(r, gaps._strong(view, r, context)), (r.text, view.ref_text)
        asked.append(answer)
        return answer

    monkeypatch.setattr(gaps, "_near_strong", both)
    for doc in DOCS:
        glossary = doc / "glossary.csv"
        check(CheckRequest(doc / "article.ar.txt", doc / "reference.en.txt", hypothesis=doc / "hypothesis.en.txt",
                           glossary=glossary if glossary.exists() else None))
    assert len(asked) > 80 and 0 < sum(asked) < len(asked)
