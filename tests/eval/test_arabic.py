"""The one Arabic folding module (eval/text/arabic.py): every fold, digit and clitic, and
that each caller folds with it (the variants are options, not private copies)."""

from __future__ import annotations

import pytest

from eval.lexicon import bilingual, numbers, resources, translit
from eval.text import arabic
from eval.text.arabic import (
    CLITIC_PREFIXES,
    DIGITS,
    MARKS,
    NAME_CLITIC_PREFIXES,
    PRONOUN_SUFFIXES,
    PUNCTUATION,
    ascii_digits,
    clitic_splits,
    fold,
    fold_table,
    strip_clitics,
)
from eval.text.normalise import normalise_ar
from eval.text.tokens import normalise_ar_word, tokenize_ar
from eval.values import CONTROL_CHARS

# ---------------------------------------------------------------- letters


@pytest.mark.parametrize("alef", ["أ", "إ", "آ", "ٱ", "ٲ", "ٳ"])
def test_every_alef_variant_folds_to_alef(alef: str) -> None:
    assert fold(alef) == "ا"
    assert fold(alef, maqsura=False) == "ا"
    assert fold("ب" + alef + "ت") == "بات"


@pytest.mark.parametrize(("persian", "arabic_letter"), [("ی", "ي"), ("ک", "ك")])
def test_persian_yeh_and_keheh_always_fold(persian: str, arabic_letter: str) -> None:
    assert fold(persian) == arabic_letter
    assert fold(persian, maqsura=False) == arabic_letter


def test_alef_maqsura_folds_unless_kept() -> None:
    assert fold("على") == "علي"
    assert fold("مصطفى", maqsura=False) == "مصطفى"


def test_ta_marbuta_is_kept_unless_asked() -> None:
    assert fold("مدرسة") == "مدرسة"
    assert fold("مدرسة", ta_marbuta=True) == "مدرسه"


def test_other_letters_are_untouched() -> None:
    letters = "".join(chr(c) for c in range(0x0621, 0x064B)) + "پچژگڤ"
    changed = {ch for ch in letters if fold(ch) != ch}
    assert changed == {"أ", "إ", "آ", "ى", "ـ"}  # ؤ ئ ء carry a hamza but are not alefs: kept


# ---------------------------------------------------------------- dropped characters


def test_harakat_superscript_alef_and_tatweel_are_dropped() -> None:
    assert fold("مُحَمَّدٌ") == "محمد"
    assert fold("هٰذا") == "هذا"
    assert fold("عـــربي") == "عربي"
    for c in range(0x064B, 0x0660):
        assert fold("ب" + chr(c) + "ت") == "بت", hex(c)


def test_quranic_marks_are_dropped_but_not_small_letters_or_symbols() -> None:
    for c in range(0x06D6, 0x06EE):
        ch = chr(c)
        kept = ch in "\u06dd\u06de\u06e5\u06e6\u06e9"  # ۝ ۞ ۥ ۦ ۩
        assert (fold(ch) == ch) is kept, hex(c)
        assert (ch in MARKS) is not kept, hex(c)


@pytest.mark.parametrize("control", sorted(CONTROL_CHARS))
def test_invisible_controls_are_dropped(control: str) -> None:
    assert fold("بو" + control + "تين") == "بوتين"


def test_fold_leaves_digits_punctuation_and_space() -> None:
    text = "٣٫٥، ١٢ ؟ word\n"
    assert fold(text) == text


# ---------------------------------------------------------------- digits and punctuation


@pytest.mark.parametrize("d", range(10))
def test_each_digit_of_both_arabic_digit_sets(d: int) -> None:
    assert ascii_digits(chr(0x0660 + d)) == str(d)  # ٠ … ٩
    assert ascii_digits(chr(0x06F0 + d)) == str(d)  # ۰ … ۹
    assert chr(0x0660 + d).translate(DIGITS) == str(d)


def test_separators_and_punctuation() -> None:
    assert ascii_digits("١٬٠٠٠٫٥") == "1,000.5"
    assert ascii_digits("٪") == "٪"  # the percent sign is punctuation, not a digit
    assert PUNCTUATION == {"٪": "%", "،": ",", "؛": ";", "؟": "?", "۔": "."}


def test_fold_table_options_add_digits_and_punctuation() -> None:
    plain = fold_table()
    full = fold_table(digits=True, punctuation=True)
    assert "١٫٥٪؟".translate(full) == "1.5%?"
    assert "١٫٥٪؟".translate(plain) == "١٫٥٪؟"
    assert fold_table() is fold_table()  # shared (cached)


# ---------------------------------------------------------------- clitics


def test_prefix_lists_are_longest_first_and_nested() -> None:
    for prefixes in (CLITIC_PREFIXES, NAME_CLITIC_PREFIXES):
        lengths = [len(p) for p in prefixes]
        assert lengths == sorted(lengths, reverse=True)
        assert len(set(prefixes)) == len(prefixes)
    assert set(CLITIC_PREFIXES) - set(NAME_CLITIC_PREFIXES) == {"وب", "ول", "فب", "فل"}
    assert set(NAME_CLITIC_PREFIXES) >= {"وبال", "وكال", "وال", "بال", "فال", "كال", "لل", "ال",
                                         "و", "ف", "ب", "ل", "ك"}
    assert PRONOUN_SUFFIXES[0] == "هما"


def test_clitic_splits_longest_first() -> None:
    assert clitic_splits("وبالرياض") == [("وبال", "رياض"), ("وب", "الرياض"), ("و", "بالرياض")]
    assert clitic_splits("وبالرياض", NAME_CLITIC_PREFIXES) == [("وبال", "رياض"), ("و", "بالرياض")]
    assert clitic_splits("مصر") == []


def test_strip_clitics_keeps_the_word_first_and_a_minimum_stem() -> None:
    assert strip_clitics("وبمصر") == ["وبمصر", "مصر", "بمصر"]
    assert strip_clitics("وبمصر", NAME_CLITIC_PREFIXES) == ["وبمصر", "بمصر"]
    assert strip_clitics("فلسطين", NAME_CLITIC_PREFIXES) == ["فلسطين", "لسطين"]
    assert strip_clitics("لي") == ["لي"]  # one letter left is too short
    assert strip_clitics("بال", min_rest=0) == ["بال", "", "ال"]


# ---------------------------------------------------------------- every caller uses it

WORDS = ["أَمْرِيكَا", "إيران", "مصطفى", "مدرسة", "بـوتين\u200f", "ٱلله", "یک", "ٲبو", "وبالرياض", "هٰذا"]


@pytest.mark.parametrize("word", WORDS)
def test_callers_fold_like_the_module(word: str) -> None:
    assert normalise_ar_word(word) == fold(word)
    assert resources.fold_ar(word) == fold(word)
    assert tokenize_ar(word)[0].key == fold(word)
    assert translit.candidates_ar(word)[0] == fold(word, maqsura=False)
    assert normalise_ar(word)[0] == fold(word)  # (no digits, punctuation or ligatures here)


def test_token_keys_fold_persian_letters() -> None:
    # The token key folds Persian yeh and keheh, as the document and resource folds do.
    (token,) = tokenize_ar("کیف")
    assert token.text == "کیف" and token.key == "كيف" == resources.fold_ar("کیف")


def test_word_correspondences_strip_two_clitics_and_the_article() -> None:
    assert "رياض" in bilingual.strip_prefixes("وبالرياض")
    assert "قاهرة" in bilingual.strip_prefixes("وكالقاهرة")
    assert bilingual.strip_prefixes("فلسطين") == ["فلسطين", "لسطين"]  # no conjunction + preposition pair


def test_number_words_take_every_clitic_prefix() -> None:
    (three,) = numbers.extract_numbers_ar("وكالثلاثة")
    assert three.value == 3
    (three,) = numbers.extract_numbers_ar("وبثلاثة")
    assert three.value == 3


def test_is_arabic_char_and_ratio() -> None:
    assert arabic.is_arabic_char("ب") and arabic.is_arabic_char("\ufefb")
    assert not arabic.is_arabic_char("b")
    assert arabic.arabic_ratio("ab بت") == 0.5
