"""The English negations of the negation check, read only at words that can be one, are
those the plain reading of every word finds, on the reference and back-translation
sentences of the labelled sets A, B and C-dev and the bundled example."""

from __future__ import annotations

from pathlib import Path

from eval.flags.checks import negation
from eval.lexicon import resources
from eval.text.tokens import tokenize_en

ROOT = Path(__file__).resolve().parents[2]
# The labelled sets A, B and C-dev (never the held-out C-test) and the example.
DOCS = [*(d for s in ("A", "B", "C-dev") for d in sorted((ROOT / "bench" / "data" / "flags" / s).iterdir())),
        ROOT / "examples" / "seed"]


def _plain_en_negations(tokens):
    """:func:`negation._en_negations` as it was: every word read."""
    n = negation
    low = n._lower
    neg = resources.negators_en()
    prefixed = resources.negative_prefixed_en()
    out = []
    for k, t in enumerate(tokens):
        word = low(t)
        if word == "nor" and any(low(o.token) == "neither" for o in out):
            continue
        nxt = tokens[k + 1 : k + 3]
        if word in ("no", "not") and len(nxt) == 2 and low(nxt[0]) in n._COMPARATIVES and low(nxt[1]) == "than":
            continue
        if word in prefixed or (word not in neg and not word.endswith("n't") and n._negative_word(word)):
            out.append(n.EnNegation(t, (t,)))
        elif word in neg or word.endswith("n't"):
            focus = word == "not" and nxt and low(nxt[0]) in n._FOCUS
            out.append(n.EnNegation(t, n._heads(tokens, k, word), word in n._PREPOSITIONAL_EN or bool(focus)))
        elif word == "unless":
            out.append(n.EnNegation(t, n._heads(tokens, k, word), optional=True))
        elif word in n._NEGATIVE_QUANTIFIERS and not (k and low(tokens[k - 1]) == "a"):
            out.append(n.EnNegation(t, n._heads(tokens, k, word)))
        elif word == "too" and (head := n._too_to(tokens, k)) is not None:
            out.append(n.EnNegation(t, (head,), optional=True))
    return out


def test_english_negations_equal_the_plain_reading():
    found = 0
    kinds = set()
    for doc in DOCS:
        for name in ("reference.en.txt", "hypothesis.en.txt"):
            for line in (doc / name).read_text("utf-8").splitlines():
                tokens = tokenize_en(line)
                plain = _plain_en_negations(tokens)
                assert negation._en_negations(tokens) == plain, line
                found += len(plain)
                kinds |= {negation._lower(e.token) for e in plain}
    assert found > 100 and len(kinds) > 5


def test_negative_words_pass_the_word_filter():
    """Every un-/non-/-less word :func:`negation._negative_word` takes starts or ends so."""
    words = {negation._lower(t) for doc in DOCS for name in ("reference.en.txt", "hypothesis.en.txt")
             for t in tokenize_en((doc / name).read_text("utf-8"))}
    taken = [w for w in words if negation._negative_word(w)]
    assert taken
    assert all(w.startswith(("un", "non")) or w.endswith("less") for w in taken)
