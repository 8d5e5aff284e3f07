"""The shortcuts of the WordNet store and the idiom finder give exactly what the plain
computations give, on the words of the bundled example and the labelled sets A and B (never
the held-out C-test):

* a single key's row (:meth:`eval.lexicon.wordnet._Store.word`, ``synset_row``), asked
  before or not ↔ the row looked up through the list-and-dict call;
* the two-letter prefixes an expression's other words need, worked out once per words ↔
  worked out afresh, for every candidate expression of every word.
"""

from __future__ import annotations

from eval.lexicon import mwe, wordnet
from eval.text.tokens import irregular_forms
from tests.labelled_inputs import SEED, articles, english_inputs

_SENTENCES, _TOKENS, WORDS = english_inputs([SEED, *articles("A", "B")])


def test_a_single_keys_row_equals_the_row_looked_up_in_a_list():
    store = wordnet._store()
    fresh = type(store)(store.path, store.key) if isinstance(store, wordnet._SqliteStore) else None
    keys = [*WORDS, "zzqx", "cut corners", ""]
    sids = list(dict.fromkeys(s.id for w in WORDS[::3] for s in wordnet.synsets(w)))
    sids += ["00000000n", "zzz"]
    for s in (store, fresh):
        if s is None:
            continue
        for k in keys:  # (asked first one at a time: the slow path, then the memo)
            assert s.word(k) == s.words([k])[k] == s.word(k), k
        for sid in sids:
            assert s.synset_row(sid) == s.synsets([sid])[sid] == s.synset_row(sid), sid
    found = [store.word(k) for k in keys]
    assert len(keys) > 1500 and sum(w is not None for w in found) > 1000 and found[-3] is None
    assert len(sids) > 3000 and store.synset_row("zzz") is None


def _plain_prefixes_needed(words: tuple[str, ...]) -> frozenset[str]:
    irregular = irregular_forms()
    return frozenset(
        w[:2] for w in words
        if not (w in irregular or w in mwe._SLOT_WORDS or w in mwe._ARTICLES or not w[:1].isalpha())
    )


def test_the_prefixes_an_expression_needs_equal_the_plain_computation():
    mwe._PREFIXES_NEEDED.clear()
    mwe._candidates.cache_clear()
    tried = shared = 0
    for word in WORDS:
        for group in mwe._candidates(word).values():
            for _k, prefixes, rest, _candidate in group:
                assert prefixes == _plain_prefixes_needed(rest), rest
                assert mwe._prefixes_needed(rest) is prefixes  # (from the memo)
                tried += 1
    shared = tried - len(mwe._PREFIXES_NEEDED)
    assert tried > 4000 and shared > tried // 4
