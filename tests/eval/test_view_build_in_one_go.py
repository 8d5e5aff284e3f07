"""The shortcuts of the segment view's build give exactly what the plain
computations give, on the segments of the labelled sets A and B and the bundled example
(never the held-out C-test):

* :func:`eval.text.tokens.tokenize_en` tokenises a text once and shifts the kept tokens by
  the offset: the tokens of the plain tokeniser, in a list of the caller's own;
* the view is made in one go: its content words, reference ↔ back-translation pairs,
  supporting Arabic words and explained Arabic words are those of the plain computations
  (:func:`eval.flags.view._content` of its tokens, every pair tried by :func:`en_match`,
  :func:`supports` on every Arabic word);
* :func:`eval.flags.view.match_tokens` pairs words as trying every pair does;
* :func:`eval.lexicon.bilingual._relations_of_any` (the one related stem's relations
  unshared, else the unions), :func:`related_to_any` and
  :meth:`eval.lexicon.bilingual.ArabicWords.related_to` (nothing pooled for a word
  related to nothing) answer as :func:`related` on each stem does.
"""

from __future__ import annotations

import itertools

import pytest

from eval.flags.view import (
    MAX_NEAR_DRIFT,
    SegmentView,
    _content,
    en_match,
    match_tokens,
    one_to_one,
)
from eval.lexicon import bilingual
from eval.lexicon.bilingual import ArabicWords, related, related_to_any, relations, supports
from eval.lexicon.index import lex_index
from eval.text.tokens import _EN_TOKEN, Token, _en_kind_key, is_function_en, tokenize_en
from eval.values import Span
from tests.labelled_inputs import SEED, articles, english_sentences, recorded_segments

DOCS = [*articles("A", "B"), SEED]


@pytest.fixture(scope="module")
def views() -> list[SegmentView]:
    """The view of every scored segment of the documents, as the checks get them."""
    out = [view for view, _ in recorded_segments(DOCS)]
    assert len(out) > 150
    return out


# --- tokens ---------------------------------------------------------------------------------


def _plain_tokenize_en(text: str, offset: int = 0) -> list[Token]:
    """:func:`tokenize_en` without its memo: every match read afresh at the offset."""
    out: list[Token] = []
    for m in _EN_TOKEN.finditer(text):
        word = m.group()
        if word in ("s", "S") and m.start() > 0 and text[m.start() - 1] in "'’":
            continue
        kind, key = _en_kind_key(word)
        out.append(Token(word, m.start() + offset, m.end() + offset, kind, key, len(out)))
    return out


def test_kept_tokens_equal_the_plain_tokeniser_at_every_offset():
    sentences = english_sentences(DOCS)
    assert len(sentences) > 300
    for k, text in enumerate(sentences):
        for offset in (0, 0, 7 * k + 1, 0):  # the first call tokenises, the others reuse
            tokens = tokenize_en(text, offset)
            expected = _plain_tokenize_en(text, offset)
            assert tokens == expected, (text, offset)
            assert [repr(t) for t in tokens] == [repr(t) for t in expected]
    # Whole documents (the agreement check's people) and texts the memo has let go of.
    for doc in DOCS:
        text = (doc / "reference.en.txt").read_text(encoding="utf-8")
        assert tokenize_en(text) == _plain_tokenize_en(text)
    assert tokenize_en(sentences[0], 3) == _plain_tokenize_en(sentences[0], 3)


def test_each_call_gets_a_list_of_its_own():
    text = "The minister said the U.S. sent 1,200 troops on 3rd May."
    first = tokenize_en(text)
    first.clear()
    second = tokenize_en(text)
    assert second == _plain_tokenize_en(text) and second is not tokenize_en(text)
    shifted = tokenize_en(text, 10)
    shifted.pop()
    assert tokenize_en(text, 10) == _plain_tokenize_en(text, 10)


# --- the view -------------------------------------------------------------------------------


def _plain_match_tokens(ref, hyp) -> list[tuple[int, int]]:
    """:func:`match_tokens` as its docstring states it: :func:`en_match` on every pair."""
    n, m = len(ref), len(hyp)
    candidates = []
    for (i, r), (j, h) in itertools.product(enumerate(ref), enumerate(hyp)):
        exact = r.key == h.key
        distance = abs(i / max(n, 1) - j / max(m, 1))
        if (exact or distance <= MAX_NEAR_DRIFT) and en_match(r, h):
            candidates.append((not exact, distance, i, j))
    return one_to_one(candidates)


def _plain_support_map(view: SegmentView) -> dict[int, list[int]]:
    out = {
        r.index: [k for k, a in enumerate(view.ar) if supports(a, r)]
        for r in view.ref if not is_function_en(r)
    }
    ar_by_name: dict[str, list[int]] = {}
    for a, b, name in view.ar_entities:
        ar_by_name.setdefault(name, []).extend(range(a, b))
    for a, b, name in view.ref_entities:
        if name in ar_by_name:
            for k in range(a, b):
                out[k] = sorted(set(out.get(k, [])) | set(ar_by_name[name]))
    return out


def test_the_view_built_in_one_go_equals_the_plain_computations(views):
    near = entities = 0
    for view in views:
        assert view.ref_c == _content(view.ref)
        assert view.hyp_c == _content(view.hyp_tokens)
        expected = _plain_match_tokens(view.ref_c, view.hyp_c)
        assert view.pairs == expected, (view.ref_text, view.hyp)
        near += sum(view.ref_c[i].key != view.hyp_c[j].key for i, j in expected)
        ar_for_ref = _plain_support_map(view)
        assert view.ar_for_ref == ar_for_ref, view.ref_text
        assert view.explained_ar == {k for ks in ar_for_ref.values() for k in ks}
        entities += bool(view.ref_entities and view.ar_entities)
    assert near > 150 and entities > 40
    # Built again from its sides, a view is the same (the memos change no answer).
    for view in views[::25]:
        again = SegmentView.build(
            view.bead_id, Span(view.ar_text, 1, view.ar_start, view.ar_start + len(view.ar_text)),
            Span(view.ref_text, 1, view.ref_start, view.ref_start + len(view.ref_text)), view.hyp, view.links,
        )
        assert again == view


def test_matched_tokens_equal_every_pair_tried(views):
    """Each segment's content words both ways, all its tokens, and the reference of one
    segment against the back-translation of the next (sentences of other lengths)."""
    near = 0
    for view, other in zip(views, views[1:] + views[:1], strict=True):
        for ref, hyp in (
            (view.ref_c, view.hyp_c), (view.hyp_c, view.ref_c), (view.ref, view.hyp_tokens),
            (view.ref_c, other.hyp_c), (other.hyp_c[: len(view.ref_c) // 2], view.ref_c),
        ):
            expected = _plain_match_tokens(ref, hyp)
            assert match_tokens(ref, hyp) == expected, ([t.text for t in ref], [t.text for t in hyp])
            near += sum(ref[i].key != hyp[j].key for i, j in expected)
    assert near > 600
    assert match_tokens([], []) == [] and match_tokens(views[0].ref_c, []) == []


# --- near-synonyms of an Arabic word's glosses -------------------------------------------


def _plain_related(a: str, b: str) -> bool:
    """:func:`related` on the index's own answers."""
    if a == b:
        return True
    index = lex_index()
    return (not index.synonym_groups_of(a).isdisjoint(index.synonym_groups_of(b))
            or not index.cogloss(a).isdisjoint(index.cogloss(b)))


def test_pooled_relations_equal_each_stems_relations(views):
    stem_sets = {a.stems for view in views for a in view.ar if a.stems}
    sizes = set()
    for stems in stem_sets:
        groups, coglosses = bilingual._relations_of_any(stems)
        assert groups == frozenset().union(*(relations(s)[0] for s in stems)), stems
        assert coglosses == frozenset().union(*(relations(s)[1] for s in stems)), stems
        sizes.add(min(3, sum(bool(relations(s)[0] or relations(s)[1]) for s in stems)))
    assert sizes == {0, 1, 2, 3}
    assert bilingual._relations_of_any(frozenset()) == (frozenset(), frozenset())


def test_related_to_any_and_related_to_equal_related_on_each_stem(views):
    hits = unrelated = 0
    for view in views[::2]:
        index = ArabicWords(view.ar)
        keys = sorted({t.key for t in view.hyp_tokens + view.ref if t.kind == "word"})
        for key in keys:
            expected = {k for k, a in enumerate(view.ar) if any(_plain_related(key, s) for s in a.stems)}
            assert {k for k, a in enumerate(view.ar) if related_to_any(key, a.stems)} == expected, key
            assert {k for k, a in enumerate(view.ar) if any(related(key, s) for s in a.stems)} == expected
            assert index.related_to(key) == expected, key
            hits += len(expected)
            unrelated += not any(relations(key))
    assert hits > 2000 and unrelated > 400
