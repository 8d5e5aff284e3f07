"""Text normalisation for *matching only*, with an offset map back to the original.

Every normaliser returns ``(normalised, offset_map)``. ``offset_map[i]`` is the
index in the input of the character that produced ``normalised[i]``, and the map
has one extra final entry, ``len(input)``, so a half-open span ``[a, b)`` of the
normalised text maps back to ``[offset_map[a], offset_map[b])`` of the input.
The map is non-decreasing and every entry lies in ``range(len(input) + 1)``.

Pipeline (both languages):

1. drop invisible controls (:data:`CONTROL_CHARS`): bidi marks and embeddings/isolates (U+200E, U+200F,
   U+202A–U+202E, U+2066–U+2069, U+061C) and zero-width characters
   (U+200B–U+200D, U+FEFF);
2. NFKC, applied chunk by chunk so that offsets survive: a chunk is a starter plus
   its combining marks, merged with the previous chunk whenever NFKC would compose
   across the boundary. The result equals ``unicodedata.normalize("NFKC", ...)`` of
   the text after step 1; presentation forms (U+FB50–U+FDFF, U+FE70–U+FEFF) and
   ligatures such as ﻻ become ordinary letters here;
3. a per-character fold (one character → zero, one or several characters).

Arabic fold (:func:`normalise_ar`): the fold of :mod:`eval.text.arabic` with digits
and punctuation — harakat and other Arabic marks (U+064B–U+065F, U+0670), tatweel
(U+0640) and the small Quranic annotation marks (U+06D6–U+06ED except letters and
symbols) removed; alef variants أ إ آ ٱ ٲ ٳ → ا; alef maqsura ى → ي; Persian yeh ی → ي
and keheh ک → ك; Arabic-Indic (٠–٩) and Persian (۰–۹) digits → ASCII; ٫ → ``.``,
٬ → ``,``, ٪ → ``%``, ، → ``,``, ؛ → ``;``, ؟ → ``?``, ۔ → ``.``. Ta marbuta ة is *kept*
by default (it distinguishes e.g. the feminine ending from the pronoun ه); pass
``fold_ta_marbuta=True`` to fold ة → ه.

English fold (:func:`normalise_en`): curly quotes → straight (‘ ’ ‚ ‛ → ``'``,
“ ” „ ‟ → ``"``), dashes and minus (‐ ‑ ‒ – — ― −) → ``-``. Case is kept ("US" is
not "us"). The same quote and dash fold is applied to Arabic text too, since Arabic
articles use the same typographic punctuation.

Nothing here lowercases: Arabic has no case and English case carries meaning.

Mapping a span back (:func:`original_span`) and the set of invisible controls
(:data:`CONTROL_CHARS`) belong to the offset maps of :class:`eval.values.Document` and
live in :mod:`eval.values`; the Arabic-script tests :func:`is_arabic_char` and
:func:`arabic_ratio` live in :mod:`eval.text.arabic`. All four are re-exported here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from eval.text import arabic
from eval.text.arabic import arabic_ratio, is_arabic_char
from eval.values import CONTROL_CHARS, original_span

__all__ = [
    "CONTROL_CHARS",
    "arabic_ratio",
    "compose_maps",
    "is_arabic_char",
    "map_chars",
    "nfkc_with_map",
    "normalise_ar",
    "normalise_en",
    "original_span",
    "strip_controls",
]

OffsetMap = tuple[int, ...]

_PUNCT_FOLD: dict[str, str] = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u2212": "-",
}

def _char_fold(*, ta_marbuta: bool) -> dict[str, str]:
    """Typographic punctuation, then :mod:`eval.text.arabic`'s fold with digits and
    punctuation, per character (``""`` drops one)."""
    table = arabic.fold_table(ta_marbuta=ta_marbuta, digits=True, punctuation=True)
    return {**_PUNCT_FOLD, **{chr(k): v or "" for k, v in table.items()}}


_AR_FOLD = _char_fold(ta_marbuta=False)
_AR_FOLD_TA = _char_fold(ta_marbuta=True)


def map_chars(text: str, fn: Callable[[str], str]) -> tuple[str, OffsetMap]:
    """Apply ``fn`` to every character of ``text`` and build the offset map.

    ``fn`` returns the replacement of one character: ``""`` drops it, a longer
    string expands it; every produced character maps to the input character.
    """
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        rep = fn(ch)
        if rep == ch:
            out.append(ch)
            offsets.append(i)
        elif rep:
            out.append(rep)
            offsets.extend([i] * len(rep))
    offsets.append(len(text))
    return "".join(out), tuple(offsets)


def compose_maps(first: OffsetMap, second: OffsetMap) -> OffsetMap:
    """Chain two offset maps: ``second`` maps into the output of ``first``."""
    return tuple(first[j] for j in second)


def strip_controls(text: str) -> tuple[str, OffsetMap]:
    """Remove bidi controls and zero-width characters."""
    stripped, offsets = _map_table(text, _CONTROLS)
    return stripped, tuple(range(len(stripped) + 1)) if offsets is None else offsets


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _chunk_map(chunk: str, base: int) -> tuple[str, list[int]]:
    """NFKC of one chunk with the finest offsets that are still exact."""
    normal = _nfkc(chunk)
    if normal == chunk:
        return normal, list(range(base, base + len(chunk)))
    pieces = [_nfkc(ch) for ch in chunk]
    if "".join(pieces) == normal:
        offsets: list[int] = []
        for k, piece in enumerate(pieces):
            offsets.extend([base + k] * len(piece))
        return normal, offsets
    return normal, [base] * len(normal)


def nfkc_with_map(text: str) -> tuple[str, OffsetMap]:
    """NFKC-normalise ``text`` and return the offset map (see module docstring)."""
    if unicodedata.is_normalized("NFKC", text):
        return text, tuple(range(len(text) + 1))
    # Split into chunks: a starter and its combining marks; merge a chunk into the
    # previous one when normalising them together differs from apart (composition
    # across starters, e.g. Hangul jamo or a compatibility jamo before a vowel).
    chunks: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or unicodedata.combining(text[i]) == 0:
            if chunks:
                p_start, p_end = chunks[-1]
                prev, cur = text[p_start:p_end], text[start:i]
                if _nfkc(prev + cur) != _nfkc(prev) + _nfkc(cur):
                    chunks[-1] = (p_start, i)
                    start = i
                    continue
            chunks.append((start, i))
            start = i
    out: list[str] = []
    offsets: list[int] = []
    for c_start, c_end in chunks:
        normal, offs = _chunk_map(text[c_start:c_end], c_start)
        out.append(normal)
        offsets.extend(offs)
    offsets.append(len(text))
    return "".join(out), tuple(offsets)


def _class_of(chars: list[str]) -> re.Pattern[str] | None:
    """A pattern of one of the characters, or ``None`` for none."""
    return re.compile("[" + "".join(re.escape(ch) for ch in sorted(chars)) + "]") if chars else None


class _Fold:
    """A per-character fold table as :func:`_map_table` applies it: the characters it
    changes, and those it drops or expands (a replacement not of one character)."""

    __slots__ = ("changed", "replace", "table", "uneven")

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table
        self.changed = _class_of([ch for ch, rep in table.items() if rep != ch])
        self.uneven = _class_of([ch for ch, rep in table.items() if len(rep) != 1])
        get = table.__getitem__
        self.replace = lambda m: get(m.group())


def _map_table(text: str, fold: _Fold) -> tuple[str, OffsetMap | None]:
    """``map_chars(text, lambda ch: fold.table.get(ch, ch))`` at once: the characters it
    changes replaced by one pattern, and the offset map built from the few characters it
    drops or expands, or ``None`` for the identity map (no such character in the text)."""
    if fold.changed is None:
        return text, None
    folded = fold.changed.sub(fold.replace, text)
    if folded is text or fold.uneven is None:
        return folded, None
    table = fold.table
    offsets: list[int] | None = None
    pos = 0
    for m in fold.uneven.finditer(text):
        if offsets is None:
            offsets = []
        i = m.start()
        offsets.extend(range(pos, i))
        offsets.extend([i] * len(table[m.group()]))
        pos = i + 1
    if offsets is None:
        return folded, None
    offsets.extend(range(pos, len(text) + 1))
    return folded, tuple(offsets)


def _then(first: OffsetMap | None, second: OffsetMap | None) -> OffsetMap | None:
    """:func:`compose_maps`, ``None`` standing for an identity map."""
    if first is None:
        return second
    if second is None:
        return first
    return compose_maps(first, second)


_CONTROLS = _Fold(dict.fromkeys(CONTROL_CHARS, ""))


def _pipeline(text: str, fold: _Fold) -> tuple[str, OffsetMap]:
    """The three steps of the module docstring; the same as :func:`strip_controls`, then
    :func:`nfkc_with_map`, then :func:`map_chars` with ``fold``, their maps composed, but
    with each fold applied to the whole text at once and identity maps not composed."""
    stripped, map1 = _map_table(text, _CONTROLS)
    if unicodedata.is_normalized("NFKC", stripped):
        nfkc, map2 = stripped, None
    else:
        nfkc, map2 = nfkc_with_map(stripped)
    folded, map3 = _map_table(nfkc, fold)
    offsets = _then(map1, _then(map2, map3))
    return folded, tuple(range(len(folded) + 1)) if offsets is None else offsets


_AR_FOLDING, _AR_FOLDING_TA, _EN_FOLDING = _Fold(_AR_FOLD), _Fold(_AR_FOLD_TA), _Fold(_PUNCT_FOLD)


def normalise_ar(text: str, *, fold_ta_marbuta: bool = False) -> tuple[str, OffsetMap]:
    """Normalise Arabic text for matching; returns ``(normalised, offset_map)``."""
    return _pipeline(text, _AR_FOLDING_TA if fold_ta_marbuta else _AR_FOLDING)


def normalise_en(text: str) -> tuple[str, OffsetMap]:
    """Normalise English text for matching (case kept); returns ``(normalised, offset_map)``."""
    return _pipeline(text, _EN_FOLDING)
