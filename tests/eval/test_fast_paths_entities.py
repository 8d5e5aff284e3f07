"""The named-entity check's spelling test rules pairs out by difflib's cheap upper bounds
before the matching: the answer is the plain ratio's on every pair of names of the
bundled example and the labelled development sets."""

from __future__ import annotations

from difflib import SequenceMatcher
from pathlib import Path

from eval.flags.checks import entities
from eval.flags.checks.entities import RESPELT_RATIO
from eval.text.tokens import fold_latin, tokenize_en

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "examples" / "seed", *sorted(
    p for p in (ROOT / "bench" / "data" / "flags").glob("*/*") if p.parent.name != "C-test"
)]


def _names(doc: Path) -> list[str]:
    words: set[str] = set()
    for name in ("reference.en.txt", "hypothesis.en.txt"):
        text = (doc / name).read_text(encoding="utf-8")
        words |= {t.text for t in tokenize_en(text) if t.kind == "word" and t.is_capitalised}
    return sorted(words)


def _plain(a: str, b: str, ratio: float) -> bool:
    a, b = fold_latin(a), fold_latin(b)
    return a == b or SequenceMatcher(None, a, b).ratio() >= ratio


def test_spelling_test_equals_the_plain_ratio_on_real_names():
    close = entities._spelling_close.__wrapped__  # the test itself, not its memo
    tried = agreed_close = 0
    for doc in DOCS:
        names = _names(doc)
        for a in names:
            for b in names:
                for ratio in (0.8, RESPELT_RATIO):
                    expected = _plain(a, b, ratio)
                    assert close(a, b, ratio) == expected, (doc.name, a, b, ratio)
                    tried += 1
                    agreed_close += expected
    # Both answers occur often enough for the comparison to mean something.
    assert tried > 10_000 and 0 < agreed_close < tried
