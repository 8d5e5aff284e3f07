"""Real inputs for the tests that compare a shortcut with the plain computation: the
labelled development articles (sets A and B, never the held-out C-test) and the bundled
example, as segment views the checks get, or as English sentences and words; and the
plain Buckwalter analyser those tests compare the lexicon's with (:func:`plain_analyses`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.flags import merge
from eval.lexicon import buckwalter
from eval.lexicon.buckwalter import Analysis, Lexicon
from eval.lexicon.index import lex_index
from eval.text.segment import segment
from eval.text.tokens import Token, tokenize_en
from tadqiq.pipeline import CheckRequest, check

ROOT = Path(__file__).resolve().parent.parent
LABELLED = ROOT / "bench" / "data" / "flags"
SEED = ROOT / "examples" / "seed"


def articles(*sets: str) -> list[Path]:
    """The article folders of the labelled ``sets`` (e.g. "A", "B"), in name order."""
    return [doc for name in sets for doc in sorted((LABELLED / name).iterdir())]


def recorded_segments(docs: list[Path]) -> list[tuple]:
    """(view, context) of every scored segment of ``docs``, as the checks get them."""
    out: list[tuple] = []
    real = merge.run_checks

    def record(checks, views, ctx):
        out.extend((v, ctx) for v in views)
        return real(checks, views, ctx)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(merge, "run_checks", record)
        for doc in docs:
            glossary = doc / "glossary.csv"
            check(CheckRequest(doc / "article.ar.txt", doc / "reference.en.txt",
                               hypothesis=doc / "hypothesis.en.txt",
                               glossary=glossary if glossary.exists() else None))
    return out


def english_sentences(docs: list[Path]) -> list[str]:
    """The reference and back-translation sentences of ``docs``."""
    out: list[str] = []
    for doc in docs:
        for name in ("reference.en.txt", "hypothesis.en.txt"):
            out += [s.text for s in segment((doc / name).read_text(encoding="utf-8"), "en")]
    return out


def english_inputs(docs: list[Path]) -> tuple[list[str], list[list[Token]], list[str]]:
    """:func:`english_sentences`, their tokens, and their distinct lower-case words in order."""
    sentences = english_sentences(docs)
    tokens = [tokenize_en(s) for s in sentences]
    words = sorted({t.text.lower() for toks in tokens for t in toks if t.kind == "word"})
    return sentences, tokens, words


def plain_analyses(lex: Lexicon, word: str) -> list[Analysis]:
    """Every analysis of ``word`` as the plain triple loop gives it: each prefix, stem and
    suffix entry of each split, in file order, tested pair by pair against the tables as
    written ("category category" lines), with no plan, map or memo."""
    key = buckwalter.fold(buckwalter.to_buckwalter(word))
    n = len(key)
    splits = [
        (key[:p], key[p : n - s], key[n - s :])
        for p in range(min(buckwalter.MAX_PREFIX, n - 1) + 1) if key[:p] in lex.prefixes
        for s in range(min(buckwalter.MAX_SUFFIX, n - p - 1) + 1) if key[n - s :] in lex.suffixes
    ]
    stems = lex_index(lex.root).stem_entries(stem for _, stem, _ in splits) if splits else {}
    out: list[Analysis] = []
    for prefix, stem, suffix in splits:
        for a in lex.prefixes[prefix] if stem in stems else ():
            for b in stems[stem]:
                if f"{a.category} {b.category}" not in lex.table_ab:
                    continue
                for c in lex.suffixes[suffix]:
                    if f"{a.category} {c.category}" in lex.table_ac and f"{b.category} {c.category}" in lex.table_bc:
                        out.append(Analysis(a, b, c))
    return out
