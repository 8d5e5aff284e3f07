"""The shortcuts of the gap check and its WordNet store give exactly what the plain
computations give, on the segments of the bundled example and the labelled sets A, B and
C-dev (never the held-out C-test):

* :func:`eval.flags.gaps.near` answered once per two words (its memo) ↔ ``en_match or
  same_family`` worked out afresh, on every reference × back-translation token pair;
* :func:`eval.flags.gaps.same_family` with its conditions reordered (the shared beginning
  first) ↔ the function as it was, on those pairs and on made-up ones that reach each of
  its conditions (un-/non- words, names spelled alike);
* the WordNet index file read with a large page cache (not memory-mapped) ↔ the tables
  built in memory from the resource.
"""

from __future__ import annotations

from eval.flags import gaps
from eval.flags.view import en_match
from eval.lexicon import wordnet
from eval.text.tokens import Token, fold_latin, spelling_ratio_at_least, tokenize_en
from tests.labelled_inputs import SEED, articles, recorded_segments


def _plain_same_family(a: Token, b: Token) -> bool:
    """gaps.same_family as it was (round 3)."""
    if a.key == b.key:
        return True
    x, y = fold_latin(a.text), fold_latin(b.text)
    if a.is_capitalised and b.is_capitalised and spelling_ratio_at_least(x, y, 0.8):
        return True
    for prefix in ("un", "non"):
        if x.startswith(prefix) and len(x) > len(prefix) + 3 and gaps._common_prefix(x[len(prefix):], y)[3:]:
            return True
    shorter = min(len(x), len(y))
    if shorter < 4 or x[:3] != y[:3]:
        return False
    common = len(gaps._common_prefix(x, y))
    return common >= 3 and common >= 0.6 * shorter


def _pairs() -> list[tuple[Token, Token]]:
    pairs: list[tuple[Token, Token]] = []
    for view, _ctx in recorded_segments([SEED, *articles("A", "B", "C-dev")]):
        pairs += [(r, h) for r in view.ref for h in view.hyp_tokens]
        pairs += [(h, r) for r in view.ref_c for h in view.hyp_c]
    made_up = tokenize_en(
        "unchanged change nonprofit profits Thiago Tiago Mohammed Muhammad face facial final finalize "
        "Col Colonel unrest rest noncompliance compliance uneasy ease Crédit Credit US us Saïss Saiss"
    )
    pairs += [(a, b) for a in made_up for b in made_up]
    return pairs


PAIRS = _pairs()


def test_same_family_equals_the_plain_conditions():
    found = [gaps.same_family(a, b) for a, b in PAIRS]
    assert found == [_plain_same_family(a, b) for a, b in PAIRS]
    assert len(PAIRS) > 100_000 and 1000 < sum(found) < len(PAIRS) // 2


def test_near_from_its_memo_equals_the_plain_test():
    gaps._NEAR.clear()
    first = [gaps.near(a, b) for a, b in PAIRS]  # (worked out, the repeated pairs from the memo)
    again = [gaps.near(a, b) for a, b in PAIRS]  # (all from the memo)
    plain = [en_match(a, b) or _plain_same_family(a, b) for a, b in PAIRS]
    assert first == plain and again == plain
    assert 1000 < sum(plain) < len(PAIRS) // 2


def test_the_index_file_read_through_a_large_page_cache_gives_the_tables_rows(tmp_path):
    key = wordnet.index_key()
    path = wordnet.index_path(tmp_path, key)
    words, synsets = wordnet._rebuild(path, key)  # (writes the index file, as a first process does)
    fresh = wordnet._SqliteStore(path, key)
    assert fresh._conn.execute("PRAGMA mmap_size").fetchone()[0] == 0  # (no SIGBUS on a truncated file)
    assert fresh._conn.execute("PRAGMA cache_size").fetchone()[0] == -wordnet._CACHE_KIB
    word_keys = sorted(words)[::40]
    synset_keys = sorted(synsets)[::40]
    assert fresh._fetch("words", word_keys) == {k: words[k] for k in word_keys}
    assert fresh._fetch("synsets", synset_keys) == {k: synsets[k] for k in synset_keys}
    assert len(word_keys) > 3000 and len(synset_keys) > 2000


def test_near_with_its_memo_cleared_when_full_gives_the_same_answers(monkeypatch):
    monkeypatch.setattr(gaps, "_NEAR_MAX", 50)
    gaps._NEAR.clear()
    sample = PAIRS[::50]
    assert [gaps.near(a, b) for a, b in sample] == [en_match(a, b) or _plain_same_family(a, b) for a, b in sample]
    assert len(gaps._NEAR) <= 50 and len(sample) > 2000
    gaps._NEAR.clear()
