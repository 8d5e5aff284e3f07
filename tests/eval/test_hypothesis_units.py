"""Pairing a precomputed back-translation with the Arabic segments."""

from __future__ import annotations

import pytest

from eval.scoring.metrics import corpus_scores, segment_scores
from eval.text.hypothesis import units_from_hypothesis
from eval.text.segment import segment
from tadqiq.errors import InputError

ARTICLE = "قال الوزير إن المحادثات فشلت. وأضاف أنه سيسافر غدا.\nالعنوان الثاني\nتراجعت الأسعار بنسبة 3٪."


def test_one_line_per_paragraph_pairs_sentences():
    segs = segment(ARTICLE, "ar")
    hyp = "The minister said talks failed. He added he would travel tomorrow.\nSecond headline\nPrices fell by 3%."
    units = units_from_hypothesis(segs, hyp)
    assert [u.segments for u in units] == [(0,), (1,), (2,), (3,)]
    assert units[1].hypothesis == "He added he would travel tomorrow."


def test_one_line_per_sentence():
    segs = segment(ARTICLE, "ar")
    hyp = "\n".join(["A.", "B.", "C", "D."])
    units = units_from_hypothesis(segs, hyp)
    assert [u.hypothesis for u in units] == ["A.", "B.", "C", "D."]


def test_paragraph_with_different_sentence_count_is_grouped_by_length():
    segs = segment(ARTICLE, "ar")
    # The first paragraph comes back as one English sentence: both Arabic sentences form one unit.
    hyp = "The minister said talks failed and added he would travel tomorrow.\nSecond headline\nPrices fell by 3%."
    units = units_from_hypothesis(segs, hyp)
    assert units[0].segments == (0, 1)
    assert sorted(i for u in units for i in u.segments) == [0, 1, 2, 3]


@pytest.mark.parametrize("separator", ["\u2028", "\u0085", "\x0c", "\u2029"])
def test_only_cr_and_lf_end_a_hypothesis_line(separator: str) -> None:
    # As for the article's paragraphs: other line separators stay inside the line.
    segs = segment(ARTICLE, "ar")
    hyp = f"The minister said talks{separator} failed. He added he would travel tomorrow.\nSecond headline\nPrices fell by 3%."
    units = units_from_hypothesis(segs, hyp)
    assert [u.segments for u in units] == [(0,), (1,), (2,), (3,)]
    assert separator in units[0].hypothesis


def test_wrong_number_of_lines_is_an_input_error():
    segs = segment(ARTICLE, "ar")
    with pytest.raises(InputError, match="hyp.txt: has 2 non-empty lines"):
        units_from_hypothesis(segs, "one\ntwo", "hyp.txt")


def test_scores():
    s = segment_scores("Prices fell by 3%.", "Prices fell by 3%.")
    assert s is not None and s.bleu == pytest.approx(100) and s.ter == 0
    assert segment_scores("", "x") is None
    worse = segment_scores("Prices rose sharply.", "Prices fell by 3%.")
    assert worse is not None and worse.chrf < s.chrf
    corpus = corpus_scores(["a b c d"], ["a b c d"])
    assert corpus["bleu"].score == pytest.approx(100)
    assert corpus["chrf"].signature.startswith("nrefs:1")
