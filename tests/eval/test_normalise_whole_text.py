"""The normalisers and :func:`strip_controls` fold a whole text at once (one pattern
substitution, offsets only around the characters dropped or expanded): text and offset
map are those of the plain pipeline — controls dropped by :func:`map_chars` per character,
:func:`nfkc_with_map`, the fold by :func:`map_chars` per character, the maps composed — on
the labelled articles, the bundled example and texts made to need every step."""

from __future__ import annotations

import pytest

from eval.text import normalise
from eval.text.normalise import (
    CONTROL_CHARS,
    compose_maps,
    map_chars,
    nfkc_with_map,
    normalise_ar,
    normalise_en,
    strip_controls,
)
from tests.labelled_inputs import SEED, articles


def _plain(text: str, table: dict[str, str]) -> tuple[str, tuple[int, ...]]:
    stripped, map1 = map_chars(text, lambda ch: "" if ch in CONTROL_CHARS else ch)  # strip_controls, per character
    nfkc, map2 = nfkc_with_map(stripped)
    folded, map3 = map_chars(nfkc, lambda ch: table.get(ch, ch))
    return folded, compose_maps(map1, compose_maps(map2, map3))


def _texts() -> list[str]:
    texts: list[str] = []
    for doc in [SEED, *articles("A", "B", "C-dev")]:
        for path in sorted(doc.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            texts += [text, *text.splitlines()]
    return texts


_MADE = [
    "",
    "\u200f",
    "قال\u200f الرئيسُ\u200d ﻻ «نعم» ـــ ٣٫٥٪، ﷲ",  # a control, harakat, tatweel, a ligature, digits
    "\ufeffThe “deal” — worth \u2212$3bn\u200b ﬁnally",  # controls, quotes, dashes, a ligature
    "ﻼ\u0651\u064e", "e\u0301\u200e\u0301", "\u1100\u1161\u11a8",  # marks; Hangul jamo compose
    "مدرسة ئ ى ی ک ۴٬۵ ؟؛",
]


@pytest.mark.parametrize("ta", [False, True])
def test_arabic_normaliser_equals_the_plain_pipeline(ta: bool) -> None:
    table = normalise._AR_FOLD_TA if ta else normalise._AR_FOLD
    for text in [*_texts(), *_MADE]:
        assert normalise_ar(text, fold_ta_marbuta=ta) == _plain(text, table), text[:60]


def test_english_normaliser_equals_the_plain_pipeline() -> None:
    for text in [*_texts(), *_MADE]:
        assert normalise_en(text) == _plain(text, normalise._PUNCT_FOLD), text[:60]


def test_strip_controls_equals_dropping_them_per_character() -> None:
    dropped = 0
    for text in [*_texts(), *_MADE]:
        expected = map_chars(text, lambda ch: "" if ch in CONTROL_CHARS else ch)
        assert strip_controls(text) == expected, text[:60]
        dropped += len(text) - len(expected[0])
    assert dropped > 0
