"""English stems come from PyStemmer's C build of Snowball (a dependency, handed out by
``snowballstemmer.stemmer`` as eval.text.tokens asks for it), which must stem exactly as
snowballstemmer's own Python stemmer: the two must not disagree on any word."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import snowballstemmer
import Stemmer
from snowballstemmer.english_stemmer import EnglishStemmer

WORDNET = Path(__file__).resolve().parents[2] / "eval" / "lexicon" / "resources" / "wordnet.tsv.gz"


def test_the_c_stemmer_is_the_one_handed_out():
    assert isinstance(snowballstemmer.stemmer("english"), Stemmer.Stemmer)


def test_c_and_python_stemmers_agree_on_every_wordnet_word():
    with gzip.open(WORDNET, "rt", encoding="utf-8") as lines:
        words = sorted({w.lower() for line in lines for w in re.findall(r"[A-Za-z]+", line)})
    c_stemmer, python_stemmer = snowballstemmer.stemmer("english"), EnglishStemmer()
    assert len(words) > 100_000
    assert [w for w in words if c_stemmer.stemWord(w) != python_stemmer.stemWord(w)] == []
