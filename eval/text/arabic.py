"""Arabic script for matching: which characters are Arabic, which are dropped, which fold.

This module owns every Arabic table of tadqiq: the script ranges, the marks dropped
for matching, the letter folds, the Arabic-Indic digits and punctuation, and the clitic
prefixes stripped off a word. The normaliser (:mod:`eval.text.normalise`), the token keys
(:mod:`eval.text.tokens`), the resource keys (:mod:`eval.lexicon.resources`), the number
reader (:mod:`eval.lexicon.numbers`), the word correspondences
(:mod:`eval.lexicon.bilingual`) and the transliteration matcher
(:mod:`eval.lexicon.translit`) all fold with it; where they need something different,
the difference is a named option or list here, with the reason.

Dropped for matching (:data:`MARKS`, and the invisible controls
:data:`eval.values.CONTROL_CHARS`: bidi marks, embeddings and isolates, zero-width
characters):

* harakat and the other combining marks U+064B–U+065F and the superscript alef U+0670;
* tatweel U+0640;
* the small Quranic annotation marks U+06D6–U+06ED, except the small letters ۥ ۦ
  (U+06E5, U+06E6) and the symbols ۝ ۞ ۩ (U+06DD, U+06DE, U+06E9), which are not marks.

Letter folds (:func:`fold`, :func:`fold_table`):

* alef with hamza or wasla, أ إ آ ٱ ٲ ٳ → ا — always;
* Persian yeh ی → ي and keheh ک → ك — always (the same word typed on a Persian keyboard);
* alef maqsura ى → ي — by default; ``maqsura=False`` keeps it. Real text writes final ى
  and ي loosely (على/علي), so every *lookup key* folds it; only the transliteration
  matcher keeps it, because there ى is a long *a* (مصطفى Mustafa, like ا) and ي a long
  *i* or the consonant *y*, and folding would turn Mustafa into Mustafi;
* ta marbuta ة → ه — only with ``ta_marbuta=True``: by default it is kept, since it tells
  the feminine ending from the pronoun ه (:func:`eval.text.normalise.normalise_ar` offers
  the fold as an option).

Digits (:data:`DIGITS`): Arabic-Indic ٠–٩ and Extended (Persian) ۰–۹ → 0–9, the Arabic
decimal separator ٫ → ``.`` and thousands separator ٬ → ``,``. Punctuation
(:data:`PUNCTUATION`): ٪ → ``%``, ، → ``,``, ؛ → ``;``, ؟ → ``?``, ۔ → ``.``. Only the
normaliser folds punctuation; token keys and numbers fold digits.

Clitic prefixes (:func:`strip_clitics`, :func:`clitic_splits`): the conjunctions و ف, the
prepositions ب ل ك and the article ال, alone or combined. Two lists:

* :data:`CLITIC_PREFIXES`, all of them, also a conjunction before a preposition without
  the article (وب ول فب فل: وبمصر, فلذلك): for exact lookups of a stripped form in a word
  list (gazetteer, number words, calendar names), where a wrong strip finds nothing;
* :data:`NAME_CLITIC_PREFIXES`, the same without those four pairs: for the
  transliteration matcher and the word correspondences, which compare the stripped
  forms loosely (by sound, by prefix) and where the two letters begin too many names
  and words (فلسطين, فلاديمير, ولسون, وبستر) to be stripped.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from eval.values import CONTROL_CHARS

__all__ = [
    "ALEF",
    "ARABIC_RANGES",
    "CLITIC_PREFIXES",
    "DIGITS",
    "DIGIT_CHARS",
    "LETTER_CHARS",
    "MARKS",
    "NAME_CLITIC_PREFIXES",
    "PRONOUN_SUFFIXES",
    "PUNCTUATION",
    "arabic_ratio",
    "ascii_digits",
    "clitic_splits",
    "fold",
    "fold_table",
    "is_arabic_char",
    "strip_clitics",
]

#: Unicode blocks of the Arabic script (incl. the supplement, extended-A and presentation forms).
ARABIC_RANGES: tuple[tuple[int, int], ...] = (
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x08A0, 0x08FF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
)

#: Arabic letters of the main block, as the body of a regex character class
#: (hamza to ghain, feh to yeh, and the extended letters; no marks, digits or punctuation).
LETTER_CHARS = "\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06fa-\u06ff"

#: Western, Arabic-Indic and Extended Arabic-Indic digits, as the body of a regex character class.
DIGIT_CHARS = "0-9\u0660-\u0669\u06f0-\u06f9"

#: Marks dropped for matching: harakat, superscript alef, tatweel, small Quranic marks.
MARKS: frozenset[str] = frozenset(
    [chr(c) for c in range(0x064B, 0x0660)]
    + ["\u0670", "\u0640"]
    + [chr(c) for c in range(0x06D6, 0x06DD)]
    + [chr(c) for c in range(0x06DF, 0x06E5)]
    + ["\u06e7", "\u06e8"]
    + [chr(c) for c in range(0x06EA, 0x06EE)]
)

#: The plain alef.
ALEF = "\u0627"

_ALEF_VARIANTS = "\u0623\u0625\u0622\u0671\u0672\u0673"  # أ إ آ ٱ ٲ ٳ
_PERSIAN: dict[str, str] = {"\u06cc": "\u064a", "\u06a9": "\u0643"}  # ی → ي, ک → ك
_MAQSURA: dict[str, str] = {"\u0649": "\u064a"}  # ى → ي
_TA_MARBUTA: dict[str, str] = {"\u0629": "\u0647"}  # ة → ه

_DIGIT_FOLD: dict[str, str] = {
    **{chr(0x0660 + d): str(d) for d in range(10)},
    **{chr(0x06F0 + d): str(d) for d in range(10)},
    "\u066b": ".",  # Arabic decimal separator
    "\u066c": ",",  # Arabic thousands separator
}

#: Arabic punctuation → ASCII (percent sign, comma, semicolon, question mark, full stop).
PUNCTUATION: dict[str, str] = {
    "\u066a": "%",
    "\u060c": ",",
    "\u061b": ";",
    "\u061f": "?",
    "\u06d4": ".",
}

#: ``str.translate`` table of the digit fold: ٠–٩ and ۰–۹ → 0–9, ٫ → ``.``, ٬ → ``,``.
DIGITS: dict[int, str] = str.maketrans(_DIGIT_FOLD)


@functools.lru_cache(maxsize=16)
def fold_table(
    *, maqsura: bool = True, ta_marbuta: bool = False, digits: bool = False, punctuation: bool = False
) -> dict[int, str | None]:
    """The ``str.translate`` table of :func:`fold` with these options (see the module docstring).

    ``digits`` and ``punctuation`` add :data:`DIGITS` and :data:`PUNCTUATION`. Do not
    modify the returned table: it is shared.
    """
    table: dict[str, str] = {ch: "" for ch in MARKS | CONTROL_CHARS}
    table.update(dict.fromkeys(_ALEF_VARIANTS, ALEF))
    table.update(_PERSIAN)
    if maqsura:
        table.update(_MAQSURA)
    if ta_marbuta:
        table.update(_TA_MARBUTA)
    if digits:
        table.update(_DIGIT_FOLD)
    if punctuation:
        table.update(PUNCTUATION)
    return {ord(k): (v or None) for k, v in table.items()}


def fold(text: str, *, maqsura: bool = True, ta_marbuta: bool = False) -> str:
    """Fold Arabic text for matching: marks and controls dropped, letters folded.

    Alef variants and Persian letters always fold; ``maqsura=False`` keeps ى,
    ``ta_marbuta=True`` folds ة → ه. Anything else (digits, punctuation, white space,
    other scripts) is left as it is.
    """
    return text.translate(fold_table(maqsura=maqsura, ta_marbuta=ta_marbuta))


def ascii_digits(text: str) -> str:
    """Arabic-Indic and Extended digits and the Arabic separators ٫ ٬ as ASCII."""
    return text.translate(DIGITS)


@functools.lru_cache(maxsize=4096)
def is_arabic_char(ch: str) -> bool:
    """True if ``ch`` is in an Arabic-script block (incl. presentation forms)."""
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in ARABIC_RANGES)


def arabic_ratio(text: str) -> float:
    """Fraction of letters (``str.isalpha``) that are Arabic script; 0.0 if no letters."""
    letters = 0
    arabic = 0
    for ch in text:
        if ch.isalpha():
            letters += 1
            if is_arabic_char(ch):
                arabic += 1
    return arabic / letters if letters else 0.0


# --- clitics -------------------------------------------------------------------------------

_ARTICLE_PREFIXES = ("وبال", "وكال", "وال", "بال", "فال", "كال", "لل", "ال")  # لل is ل + ال
_PAIRS = ("وب", "ول", "فب", "فل")  # a conjunction before a preposition, no article
_SINGLE = ("و", "ف", "ب", "ل", "ك")

#: Every clitic prefix, longest first (see the module docstring).
CLITIC_PREFIXES: tuple[str, ...] = (*_ARTICLE_PREFIXES, *_PAIRS, *_SINGLE)

#: :data:`CLITIC_PREFIXES` without the conjunction + preposition pairs وب ول فب فل,
#: longest first: for loose comparisons of the stripped form (see the module docstring).
NAME_CLITIC_PREFIXES: tuple[str, ...] = (*_ARTICLE_PREFIXES, *_SINGLE)

#: Attached pronouns (them two, them, them f., her, you pl., us, him), longest first.
PRONOUN_SUFFIXES: tuple[str, ...] = ("هما", "هم", "هن", "ها", "كم", "نا", "ه")


def clitic_splits(word: str, prefixes: Sequence[str] = CLITIC_PREFIXES) -> list[tuple[str, str]]:
    """``(prefix, rest)`` for every one of ``prefixes`` that ``word`` starts with, in list order.

    With a longest-first list (both lists here are) the splits come longest prefix first;
    at most one prefix of each length can match. ``rest`` may be empty: callers decide how
    short a stem may be.
    """
    by_letter = _by_first_letter(prefixes) if isinstance(prefixes, tuple) else None
    if by_letter is not None:
        prefixes = by_letter.get(word[:1], ())  # only those that can match, in order
    return [(p, word[len(p):]) for p in prefixes if word.startswith(p)]


@functools.lru_cache(maxsize=16)
def _by_first_letter(prefixes: tuple[str, ...]) -> dict[str, tuple[str, ...]] | None:
    """The prefixes by their first letter, each group in the list's order; None if one is
    empty (every word starts with that one)."""
    if "" in prefixes:
        return None
    return {c: tuple(p for p in prefixes if p[0] == c) for c in dict.fromkeys(p[0] for p in prefixes)}


def strip_clitics(word: str, prefixes: Sequence[str] = CLITIC_PREFIXES, *, min_rest: int = 2) -> list[str]:
    """``word`` followed by its forms with one prefix stripped, longest prefix first.

    A form is kept only if at least ``min_rest`` letters are left. ``word`` should be
    folded already (:func:`fold`): the prefixes are written with plain letters.
    """
    return [word] + [rest for _, rest in clitic_splits(word, prefixes) if len(rest) >= min_rest]
