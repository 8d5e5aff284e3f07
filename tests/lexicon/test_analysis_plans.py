"""The analyser's and the lexicon index's shortcuts against the plain computations, on every
Arabic word of the labelled sets A and B and of the bundled example: the analyses combined
through the memoised plans of :meth:`Lexicon._combine`, the stem entries decoded from the
index file, the synonym and cogloss look-ups at once (:meth:`LexIndex.relations`), and
:class:`Entry`'s fast ``__init__``."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from eval.lexicon import buckwalter, index
from eval.lexicon.buckwalter import Entry, Lexicon
from eval.text.tokens import tokenize_ar
from tests.labelled_inputs import SEED, articles, plain_analyses


@pytest.fixture(scope="module")
def arabic_words() -> list[str]:
    """The distinct Arabic words of the articles of sets A and B and of the example."""
    words: dict[str, None] = {}
    for doc in [*articles("A", "B"), SEED]:
        text = (doc / "article.ar.txt").read_text(encoding="utf-8")
        words.update((t.text, None) for t in tokenize_ar(text) if t.kind == "word")
    return list(words)


def test_combined_analyses_equal_the_plain_triple_loop(arabic_words):
    """Prefetched all at once (plans shared across words), analysed word by word, and
    analysed again by the lexicon whose plans are all made: the plain analyses, in order."""
    prefetched, one_by_one = Lexicon(), Lexicon()
    prefetched.prefetch(arabic_words)
    analysed = 0
    for word in arabic_words:
        expected = tuple(plain_analyses(one_by_one, word))
        assert prefetched.analyse(word) == expected, word
        assert one_by_one.analyse(word) == expected, word
        analysed += bool(expected)
    assert analysed > 0.8 * len(arabic_words)
    again = Lexicon()
    again._plans = prefetched._plans  # every plan and memo already filled
    for word in reversed(arabic_words):
        assert again.analyse(word) == prefetched.analyse(word), word
    # The words came in many splits: many plans, most prefix entries and stem categories.
    assert len(prefetched._plans) > 100


def test_index_file_entries_equal_the_dictionary_file(arabic_words, tmp_path: Path, monkeypatch):
    """Stem entries (and their gloss stems) decoded from a fresh index file equal those the index built in memory has and those of dictStems; so
    do the cogloss and thesaurus look-ups of the English words of their glosses, one by one
    or both at once (:meth:`LexIndex.relations`)."""
    monkeypatch.setenv(index.ENV, str(tmp_path / "index"))
    root = index.data_dir()
    in_memory = index.open_index(root)  # builds the file
    from_file = index.open_index(root)
    assert isinstance(in_memory, index.MemoryIndex) and isinstance(from_file, index.SqliteIndex)
    lex = Lexicon(root)
    keys = sorted({stem for word in arabic_words
                   for _, stem, _ in lex._splits(buckwalter.fold(buckwalter.to_buckwalter(word)))})
    found = from_file.stem_entries(keys)
    assert found == in_memory.stem_entries(keys)
    assert len(found) > 0.3 * len(keys)
    for key, entries in found.items():
        assert entries == tuple(lex.stems[key]), key
        for entry in entries:
            assert from_file.gloss_stems(entry.gloss) == index.stem_gloss_stems(entry.gloss)
    en_stems = sorted({s for entries in found.values() for e in entries for s in index.gloss_stems(e.gloss)})
    assert len(en_stems) > 500
    both_at_once, half_known = index.open_index(root), index.open_index(root)
    for s in en_stems[::3]:
        half_known.cogloss(s)  # then relations looks up the synonyms alone
    for s in en_stems:
        expected = (in_memory.synonym_groups_of(s), in_memory.cogloss(s))
        assert both_at_once.relations(s) == in_memory.relations(s) == half_known.relations(s) == expected, s
        assert from_file.cogloss(s) == in_memory.cogloss(s), s
        assert from_file.synonym_groups_of(s) == in_memory.synonym_groups_of(s), s
        assert from_file.group_words_of(s) == in_memory.group_words_of(s), s


@dataclasses.dataclass(frozen=True)
class _PlainEntry:
    form: str
    vocalised: str
    category: str
    gloss: str
    pos: str


def test_entry_fast_init_keeps_the_dataclass_behaviour():
    fields = ("daEam", "daEam", "PV", "support;prop up", "daEam/VERB_PERFECT")
    entry, plain = Entry(*fields), _PlainEntry(*fields)
    assert dataclasses.astuple(entry) == dataclasses.astuple(plain) == fields
    assert repr(entry) == repr(plain).replace("_PlainEntry", "Entry")
    assert entry == Entry(*fields) and hash(entry) == hash(Entry(*fields)) == hash(plain)
    assert entry != Entry(*fields[:4], "daEam/VERB")
    assert Entry(form="a", vocalised="b", category="c", gloss="d", pos="e") == Entry("a", "b", "c", "d", "e")
    assert [f.name for f in dataclasses.fields(Entry)] == list(vars(entry))
    assert dataclasses.replace(entry, pos="x") == Entry(*fields[:4], "x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.gloss = "x"  # type: ignore[misc]
