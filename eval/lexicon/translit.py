"""Model-free matching of Arabic transliterations with English (Latin-script) names.

Both words are reduced to a *consonant skeleton* over one shared alphabet of sound
classes, and the skeletons are compared with a weighted edit distance.

Classes (one character each)::

    K  k, q, c (hard), ck, ch before a consonant    ك ق
    G  g, gh (silent after i/u: Leigh, Hugh)        غ گ
    J  j, dj, zh                                    ج
    S  s, c before e/i/y, x → KS                    س ص
    Z  z                                            ز ظ ذ
    X  sh, sch, ch, tch, x at the start (Xi)        ش چ, تش
    C  th (Θ: close to T, S, D, Z)                  ث
    T  t                                            ت ط
    D  d, dh                                        د ض
    H  h, kh                                        ه ح خ
    F  f, v, ph                                     ف ڤ
    B  b, p                                         ب پ
    W  w (initial or before a vowel), wh-           و (consonantal)
    Y  y (initial or before a vowel)                ي (consonantal)
    L M N R                                         ل م ن ر

``p`` is mapped to B, not F: Arabic has no p and writes it ب (بوتين Putin, ترامب
Trump). ``g`` is always G; Arabic writes it غ, ج or ق depending on the region, so G,
J and K are *close* classes.

Arabic words are folded with :func:`eval.text.arabic.fold` keeping ى (``maqsura=False``),
since ى is a vowel here and ي may be a consonant.

Vowels are dropped. English: a e i o u, ``y`` unless word-initial or before a vowel,
``w`` unless before a vowel, ``h`` at the end after a vowel (Abdullah, Shah). Arabic: ا ى ة ء
and the hamza carriers ئ ؤ, ع, and ي / و unless they are consonants — word-initial, or
followed by ا, or between two vowel letters (تويوتا → T Y T). A final ه after a
consonant is a vowel marker (روته Rutte). Identical classes written next to each other
collapse (Rutte → R T, Google: the two Gs are separated by a vowel and stay).

Distance: substitutions between close classes (K/G/J, S/Z/X/C, T/D/C, Z/D, F/B/W,
J/X) cost 0.5, other substitutions 1, and TS ↔ Z 0.5 (German z: شولتس Scholz);
inserting or deleting H, W or Y costs 0.5 (they come and go with vowel spelling), any
other class 1.

Vowel evidence. Consonants alone cannot tell بوتين from Biden (B T N / B D N), so the
long vowels are kept beside the skeleton as qualities per gap — front (ي; i e y), back
(و; o u w), open (ا ع ة; a) — and, along the cheapest alignment, each disagreement adds
0.5 to the distance: an Arabic و where the English gap has no o/u/w, an Arabic ي where
it has no i/e/y/a (a is allowed: Facebook فيسبوك), a vowel before the first consonant
on one side only (أمريكية ≠ Mark), an Arabic final ي/و where the English ends in a
consonant. ا agrees with every vowel (Trump ترامب); a missing vowel is no evidence (Arabic
writes no short vowels); an English final e after a consonant is treated as silent.

Similarity is ``1 - distance / max(len(a), len(b))``, the best over the Arabic word's
clitic-stripped candidates (:data:`eval.text.arabic.NAME_CLITIC_PREFIXES`: و ف ب ل ك ال
…, each costing :data:`CLITIC_PENALTY`; a
one-letter proclitic is not stripped off a name of fewer than three consonants) and
the English word with and without an ``al-``/``el-`` article.

Short names are hard. When both skeletons have at most two consonants they must be
equal, with the same vowel shape (a vowel at the start on both sides or neither, at
the end likewise) and no vowel disagreement, else the similarity is 0; with one
consonant the vowel qualities must be identical (شي ↔ Xi matches, أن ↔ In does not).

The default :data:`THRESHOLD` (0.8) separates best the 136 true and the random false
pairs of ``tests/eval/test_translit.py``. Skeleton-identical names stay ambiguous (غزة
Gaza/Giza, محمد Mohammed/Mahmoud, ميلوني Meloni/Malone); they are listed there.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import NamedTuple

from eval.text.arabic import NAME_CLITIC_PREFIXES, fold_table, strip_clitics
from eval.text.tokens import fold_latin

__all__ = [
    "THRESHOLD",
    "EnglishName",
    "candidates_ar",
    "candidates_en",
    "matches_name",
    "name_similarity",
    "skeleton_ar",
    "skeleton_distance",
    "skeleton_en",
]

#: Default similarity threshold of :func:`matches_name`.
THRESHOLD = 0.8

# --- Arabic --------------------------------------------------------------------------------

_AR_CONSONANT: dict[str, str] = {
    "ب": "B", "پ": "B", "ت": "T", "ط": "T", "ث": "C", "ج": "J", "ح": "H", "خ": "H",
    "ه": "H", "د": "D", "ض": "D", "ذ": "Z", "ز": "Z", "ظ": "Z", "ر": "R", "س": "S",
    "ص": "S", "ش": "X", "چ": "X", "غ": "G", "گ": "G", "ف": "F", "ڤ": "F", "ق": "K",
    "ك": "K", "ل": "L", "م": "M", "ن": "N",
}
_AR_VOWEL_LETTERS = frozenset("اوىيةءئؤع")
_AR_SILENT = frozenset("اىةءئؤع")


_FOLD_AR = fold_table(maqsura=False)


def _fold_ar(word: str) -> str:
    """:func:`eval.text.arabic.fold` keeping ى: here it is a long *a* (مصطفى), not a ي."""
    return word.translate(_FOLD_AR)


# Vowel qualities kept beside the skeleton: front (i e y / ي), back (o u w / و), open (a / ا).
_FRONT, _BACK, _OPEN = "i", "u", "a"
#: An English final e after a consonant (Steve, Rutte, Kagame): mostly silent, so it is
#: no evidence of a vowel, but it does not contradict an Arabic final ي either.
_WEAK = "e"
_AR_VOWEL_QUALITY = {"ي": _FRONT, "و": _BACK, "ا": _OPEN, "ى": _OPEN, "ع": _OPEN, "ة": _OPEN}

Analysis = tuple[str, tuple[frozenset[str], ...]]


def _emit(out: list[str], slots: list[set[str]], cls: str, prev_class: str) -> str:
    """Append a consonant class unless it repeats the previous letter's class."""
    if cls != prev_class:
        out.append(cls)
        slots.append(set())
    return cls


@functools.lru_cache(maxsize=65536)
def _analyse_ar(word: str) -> Analysis:
    """Skeleton of an Arabic word and, per gap, the qualities of its long vowels.

    ``slots[0]`` holds the vowels before the first consonant, ``slots[k + 1]`` those after
    consonant ``k``.
    """
    lead_front = word[:1] == "إ"  # إ is i/e before folding: إيران, إستونيا
    letters = [c for c in _fold_ar(word) if "\u0621" <= c <= "\u06ff"]
    out: list[str] = []
    slots: list[set[str]] = [set()]
    prev_class = ""
    n = len(letters)
    i = 0
    while i < n:
        ch = letters[i]
        nxt = letters[i + 1] if i + 1 < n else ""
        prv = letters[i - 1] if i > 0 else ""
        cls = ""
        if ch == "ت" and nxt == "ش":  # تش renders "ch"
            cls = "X"
            i += 1
        elif ch in "وي":
            consonant = (
                i == 0
                or nxt == "ا"
                or (prv in _AR_VOWEL_LETTERS and nxt in _AR_VOWEL_LETTERS)
            )
            if consonant:
                cls = "W" if ch == "و" else "Y"
        elif ch == "ه" and i == n - 1 and i > 0 and prv not in "اوي":
            cls = ""  # final ه after a consonant marks a vowel: روته, خوسيه
        elif ch == "غ" and i == n - 1 and prv == "ن":
            cls = ""  # final نغ renders "ng": سامسونغ
        elif ch not in _AR_SILENT:
            cls = _AR_CONSONANT.get(ch, "")
        if cls:
            prev_class = _emit(out, slots, cls, prev_class)
        else:
            quality = _FRONT if i == 0 and lead_front else _AR_VOWEL_QUALITY.get(ch)
            if quality:
                slots[-1].add(quality)
            prev_class = ""
        i += 1
    return "".join(out), tuple(frozenset(x) for x in slots)


#: :func:`_skeleton_text_ar` drops everything but the Arabic letters :func:`_analyse_ar` reads.
_AR_NON_LETTER = re.compile("[^\u0621-\u06ff]")
#: The letters whose class depends on their neighbours, where it differs from
#: :data:`_AR_LETTER_CLASS`: تش, a consonantal و / ي, a final ه after a consonant, a final
#: نغ (the lookarounds read the letters as written, as :func:`_analyse_ar` does).
_AR_CONTEXT = re.compile(
    "تش|^[وي]|[وي](?=ا)|(?<=[اوىيةءئؤع])[وي](?=[اوىيةءئؤع])|(?<=[^اوي])ه\\Z|(?<=ن)غ\\Z"
)
_AR_CONTEXT_CLASS = {"تش": "X", "و": "W", "ي": "Y", "ه": ".", "غ": "."}
#: Every Arabic letter → its class out of context, ``.`` for a vowel or unknown letter.
_AR_LETTER_CLASS = str.maketrans({
    chr(c): "." if chr(c) in "وي" or chr(c) in _AR_SILENT else _AR_CONSONANT.get(chr(c), ".")
    for c in range(0x0621, 0x0700)
})
_REPEATS = re.compile(r"([A-Z])\1+")


def _context_class(match: re.Match[str]) -> str:
    return _AR_CONTEXT_CLASS[match.group()]


def _first_group(match: re.Match[str]) -> str:
    return match.group(1)


def _skeleton_text_ar(word: str) -> str:
    """``_analyse_ar(word)[0]`` without the vowels, by tables: the letters' classes, ``.``
    for each vowel, then runs of one class collapsed and the dots dropped."""
    return _skeleton_text_folded(_fold_ar(word))


def _skeleton_text_folded(folded: str) -> str:
    """:func:`_skeleton_text_ar` of a word :func:`_fold_ar` has folded already (folding
    again changes nothing: no letter folds to one that folds further)."""
    letters = _AR_NON_LETTER.sub("", folded)
    classes = _AR_CONTEXT.sub(_context_class, letters).translate(_AR_LETTER_CLASS)
    if _REPEATS.search(classes):
        classes = _REPEATS.sub(_first_group, classes)
    return classes.replace(".", "")


def skeleton_ar(word: str) -> str:
    """Consonant skeleton of an Arabic word (no clitic stripping; see :func:`candidates_ar`)."""
    return _analyse_ar(word)[0]


def candidates_ar(word: str) -> list[str]:
    """The folded word and its forms with one clitic prefix stripped (at least 2 letters left)."""
    return strip_clitics(_fold_ar(word), NAME_CLITIC_PREFIXES)


# --- English -------------------------------------------------------------------------------

_EN_VOWELS = frozenset("aeiou")
_LATIN_FOLD = {"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ł": "l", "ı": "i"}
_EN_SINGLE: dict[str, str] = {
    "b": "B", "d": "D", "f": "F", "g": "G", "h": "H", "j": "J", "k": "K", "l": "L",
    "m": "M", "n": "N", "p": "B", "q": "K", "r": "R", "s": "S", "t": "T", "v": "F",
    "z": "Z",
}


def _latin_letters(word: str) -> str:
    word = "".join(_LATIN_FOLD.get(c, c) for c in word.lower())
    return "".join(c for c in fold_latin(word) if "a" <= c <= "z")


_EN_DIGRAPHS: dict[str, str] = {
    "sh": "X", "ph": "F", "th": "C", "kh": "H", "dh": "D", "dj": "J", "zh": "J", "ck": "K",
}
_EN_VOWEL_QUALITY = {"a": _OPEN, "e": _FRONT, "i": _FRONT, "y": _FRONT, "o": _BACK, "u": _BACK,
                      "w": _BACK}


@functools.lru_cache(maxsize=65536)
def _analyse_en(word: str) -> Analysis:
    """Skeleton of an English word and the qualities of the vowel letters in each gap."""
    w = _latin_letters(re.sub(r"['’]s$", "", word))
    out: list[str] = []
    slots: list[set[str]] = [set()]
    prev_class = ""
    n = len(w)
    i = 0

    def is_vowel(k: int) -> bool:
        return 0 <= k < n and w[k] in _EN_VOWELS

    while i < n:
        ch = w[i]
        rest = w[i:]
        cls = ""
        step = 1
        if i == 0 and rest.startswith("wh"):
            cls, step = "W", 2  # White, WhatsApp: وايت, واتساب
        elif rest.startswith(("sch", "tch")):
            cls, step = "X", 3
        elif rest[:2] in _EN_DIGRAPHS:
            cls, step = _EN_DIGRAPHS[rest[:2]], 2
        elif rest.startswith("ch"):
            # "chr", "chl" (Christ, Chloe) are hard; otherwise "ch" as in Chavez
            cls = "K" if i + 2 < n and not is_vowel(i + 2) and w[i + 2] != "y" else "X"
            step = 2
        elif rest.startswith("gh"):
            # silent after i/u (Leigh, Wright, Hugh, Clough), else غ (Baghdad, Araghchi)
            cls = "" if i > 0 and w[i - 1] in "iu" and not is_vowel(i + 2) else "G"
            step = 2
        elif rest.startswith("ng") and (i + 2 == n or not is_vowel(i + 2)):
            cls, step = "N", 2
        elif ch == "y":
            cls = "Y" if i == 0 or is_vowel(i + 1) else ""
        elif ch == "w":
            cls = "W" if i == 0 or is_vowel(i + 1) else ""
        elif ch == "h":
            cls = "" if i == n - 1 and i > 0 and is_vowel(i - 1) else "H"
        elif ch == "c":
            cls = "S" if i + 1 < n and w[i + 1] in "eiy" else "K"
        elif ch == "x":
            if i == 0:
                cls = "X"  # Xi, Xinjiang: pinyin x
            else:
                prev_class = _emit(out, slots, "K", prev_class)
                cls = "S"
        elif ch not in _EN_VOWELS:
            cls = _EN_SINGLE.get(ch, "")
        if cls:
            prev_class = _emit(out, slots, cls, prev_class)
        elif ch == "e" and i == n - 1 and i > 0 and not is_vowel(i - 1) and any(map(is_vowel, range(i))):
            slots[-1].add(_WEAK)
            prev_class = ""
        else:
            for letter in w[i:i + step]:
                quality = _EN_VOWEL_QUALITY.get(letter)
                if quality:
                    slots[-1].add(quality)
            prev_class = ""
        i += step
    return "".join(out), tuple(frozenset(x) for x in slots)


def skeleton_en(word: str) -> str:
    """Consonant skeleton of an English (Latin-script) word."""
    return _analyse_en(word)[0]


_EN_ARTICLE = re.compile(r"^(?:al|el|ul|ad|an|as|at|ar|ash|az)[-‐‑’']", re.IGNORECASE)


def candidates_en(word: str) -> list[str]:
    """The English word and, if it starts with an Arabic article (al-, el-, ash-…), the rest."""
    out = [word]
    stripped = _EN_ARTICLE.sub("", word)
    if stripped != word and stripped:
        out.append(stripped)
    return out


# --- distance ------------------------------------------------------------------------------

_CLOSE_GROUPS: tuple[str, ...] = ("KGJ", "SZXC", "TDC", "ZD", "FBW", "JX")
_CLOSE: frozenset[tuple[str, str]] = frozenset(
    (a, b) for group in _CLOSE_GROUPS for a in group for b in group if a != b
)
_SOFT = frozenset("HWY")


def _sub_cost(a: str, b: str) -> float:
    if a == b:
        return 0.0
    return 0.5 if (a, b) in _CLOSE else 1.0


def _indel_cost(a: str) -> float:
    return 0.5 if a in _SOFT else 1.0


#: Subtracted from the similarity of a clitic-stripped Arabic candidate: the stripped
#: letter may belong to the name (باريس is not ب + اريس).
CLITIC_PENALTY = 0.1

#: Extra cost of an aligned consonant pair whose following long vowel disagrees.
VOWEL_CONFLICT_COST = 0.5


def _edit_matrix(a: str, b: str) -> list[list[float]]:
    # The costs of _indel_cost and _sub_cost, looked up once per letter, not per cell.
    indel_b = [_indel_cost(cb) for cb in b]
    ts_b = [j >= 2 and b[j - 2 : j] == "TS" for j in range(len(b) + 1)]
    close = _CLOSE
    rows = [[0.0] * (len(b) + 1) for _ in range(len(a) + 1)]
    first = rows[0]
    for j in range(1, len(b) + 1):
        first[j] = first[j - 1] + indel_b[j - 1]
    for i, ca in enumerate(a, start=1):
        prev, row = rows[i - 1], rows[i]
        indel_a = _indel_cost(ca)
        row[0] = prev[0] + indel_a
        ts_a = i >= 2 and a[i - 2 : i] == "TS"
        for j, cb in enumerate(b, start=1):
            # min() of the same three sums as before, in the same order.
            best = min(
                prev[j] + indel_a,
                row[j - 1] + indel_b[j - 1],
                prev[j - 1] + (0.0 if ca == cb else 0.5 if (ca, cb) in close else 1.0),
            )
            # German z is "ts": شولتس ↔ Scholz, ميرتس ↔ Merz
            if ts_a and cb == "Z":
                best = min(best, rows[i - 2][j - 1] + 0.5)
            if ts_b[j] and ca == "Z":
                best = min(best, prev[j - 2] + 0.5)
            row[j] = best
    return rows


@functools.lru_cache(maxsize=65536)
def skeleton_distance(a: str, b: str) -> float:
    """Weighted edit distance between two skeletons (see the module docstring)."""
    return _edit_matrix(a, b)[len(a)][len(b)]


def _aligned_pairs(a: str, b: str, rows: list[list[float]]) -> list[tuple[int, int]]:
    """Positions ``(i, j)`` of consonants paired by one cheapest alignment."""
    pairs: list[tuple[int, int]] = []
    i, j = len(a), len(b)
    eps = 1e-9
    while i > 0 and j > 0:
        here = rows[i][j]
        if abs(here - (rows[i - 1][j - 1] + _sub_cost(a[i - 1], b[j - 1]))) < eps:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif abs(here - (rows[i - 1][j] + _indel_cost(a[i - 1]))) < eps:
            i -= 1
        elif abs(here - (rows[i][j - 1] + _indel_cost(b[j - 1]))) < eps:
            j -= 1
        elif i >= 2 and a[i - 2:i] == "TS":
            pairs.append((i - 1, j - 1))
            i, j = i - 2, j - 1
        else:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 2
    return pairs


def _audible(en: frozenset[str]) -> frozenset[str]:
    return en - {_WEAK}


def _vowels_conflict(ar: frozenset[str], en: frozenset[str]) -> bool:
    """An Arabic long vowel the English vowel letters cannot spell.

    و needs an o, u or w; ي needs an i, e, y or a (James جيمس); ا, ع and ة agree with
    anything (Trump ترامب). No vowel on either side is no evidence; a silent final e
    counts as an e here.
    """
    if _WEAK in en:
        en = _audible(en) | {_FRONT}
    if not ar or not en:
        return False
    if _BACK in ar and _BACK not in en:
        return True
    return _FRONT in ar and not en & {_FRONT, _OPEN}


def _similarity(ar: Analysis, en: Analysis) -> float:
    """Skeleton similarity with vowel evidence (see the module docstring)."""
    sa, va = ar
    se, ve = en
    if not sa or not se:
        return 0.0
    lead_differs = bool(va[0]) != bool(_audible(ve[0]))
    if max(len(sa), len(se)) <= 2:
        # Short skeletons: exact consonants and the same vowel shape, or nothing.
        if sa != se or lead_differs:
            return 0.0
        if len(sa) == 1 and any(a != _audible(e) for a, e in zip(va, ve, strict=True)):
            return 0.0  # one consonant: the vowels must agree exactly (شي Xi, not أن In)
        trail_ar, trail_en = va[-1], ve[-1]
        if trail_en == {_WEAK}:
            if not trail_ar <= {_FRONT}:
                return 0.0  # روتي/روته Rutte, but not خاصة House
        elif bool(trail_ar) != bool(trail_en):
            return 0.0
        if any(_vowels_conflict(a, e) for a, e in zip(va, ve, strict=True)):
            return 0.0
        return 1.0
    if min(len(sa), len(se)) < 2:
        return 0.0
    rows = _edit_matrix(sa, se)
    dist = rows[len(sa)][len(se)]
    pairs = _aligned_pairs(sa, se, rows)
    conflicts = int(lead_differs)
    conflicts += sum(_vowels_conflict(va[i + 1], ve[j + 1]) for i, j in pairs)
    # An Arabic final ي/و where the English ends in a consonant (أمريكي ≠ Mark).
    if va[-1] & {_FRONT, _BACK} and not ve[-1]:
        conflicts += 1
    dist += VOWEL_CONFLICT_COST * conflicts
    return max(0.0, 1.0 - dist / max(len(sa), len(se)))


@functools.lru_cache(maxsize=65536)
def name_similarity(arabic_word: str, english_word: str) -> float:
    """Similarity in [0, 1] of an Arabic word and an English name, by their skeletons.

    The best over the Arabic word's clitic-stripped candidates and the English word with
    and without an Arabic article. Words whose skeleton has fewer than two consonants
    score 1 only on an exact skeleton match, else 0.
    """
    best = 0.0
    en_forms = [_analyse_en(e) for e in candidates_en(english_word)]
    for form, penalty, _skeleton in _scored_forms(arabic_word):
        ar = _analyse_ar(form)
        for en in en_forms:
            best = max(best, _similarity(ar, en) - penalty)
            if best == 1.0:
                return best
    return max(0.0, best)


@functools.lru_cache(maxsize=65536)
def _scored_forms(arabic_word: str) -> tuple[tuple[str, float, _Skeleton], ...]:
    """The Arabic word's clitic-stripped candidates (:func:`candidates_ar`) that
    :func:`name_similarity` compares, each with its clitic penalty and its skeleton."""
    folded = _fold_ar(arabic_word)
    out = []
    for k, (form, skeleton) in enumerate(zip(candidates_ar(arabic_word), _skeletons_ar(arabic_word), strict=True)):
        penalty = 0.0 if k == 0 else CLITIC_PENALTY
        if k == 0 and folded[:1] == "و" and folded[1:2] not in ("ا", "ي", "و", ""):
            penalty = CLITIC_PENALTY  # و + consonant is more often "and" than a W
        if k and len(folded) - len(form) == 1 and skeleton.length < 3:
            continue  # a one-letter proclitic off a short name is too likely a real letter
        out.append((form, penalty, skeleton))
    return tuple(out)


class _Skeleton(NamedTuple):
    """One skeleton with what :func:`_bound` reads of it, worked out once per word
    (a named tuple: a frozen dataclass takes several times as long to build)."""

    text: str
    length: int
    ts: int  # how many times TS occurs
    z: int  # how many Zs
    #: The multiset of its letters as bits: the k-th occurrence of letter ``c`` (skeleton
    #: letters are A–Z) sets bit ``26 * k + ord(c) - ord("A")``, so two skeletons share as
    #: many bits as their letter multisets share letters.
    bits: int


_LETTER_BIT = {chr(65 + k): 1 << k for k in range(26)}


def _skeleton(text: str) -> _Skeleton:
    bits = 0
    for c in text:
        bit = _LETTER_BIT[c]
        while bits & bit:  # the letter's earlier occurrences hold the bits below
            bit <<= 26
        bits |= bit
    return _Skeleton(text, len(text), text.count("TS"), text.count("Z"), bits)


def _bound(a: _Skeleton, e: _Skeleton, conflicts: int = 0) -> float:
    """An upper bound of :func:`_similarity` for these skeletons (any vowels), cheap to compute.

    Every edit step but a match of identical letters costs at least 0.5, and all but the
    TS ↔ Z step take at most one letter of each side. Count the steps that take the
    letters of one side: the matches are at most the letters the two multisets share (the
    bits they share), a TS ↔ Z step takes two letters of this side only where it has a TS
    and the other side a Z, and every other step takes one. So the distance is at least
    half of (the side's length − the shared letters − the TS ↔ Z steps it can have), for
    either side; vowel conflicts only add to it (``conflicts``: as many as are sure to
    count, :func:`_vowel_floor`). Skeletons of two letters or fewer match only when equal,
    as in :func:`_similarity`.
    """
    la, le = a.length, e.length
    longest = la if la > le else le
    if not la or not le:
        return 0.0
    if longest <= 2:
        return 1.0 if a.text == e.text else 0.0
    if la < 2 or le < 2:
        return 0.0
    if a.ts or e.ts:
        unpaired = max(la - min(a.ts, e.z), le - min(e.ts, a.z)) - (a.bits & e.bits).bit_count()
    else:  # no TS ↔ Z step on either side: the same, without the min() and max() calls
        unpaired = longest - (a.bits & e.bits).bit_count()
    return 1.0 - (0.5 * unpaired + VOWEL_CONFLICT_COST * conflicts) / longest


def _vowel_floor(ar: Analysis, en: Analysis) -> int:
    """The vowel conflicts :func:`_similarity` counts whatever the alignment: a vowel before
    the first consonant on one side only, an Arabic final ي/و where the English ends in a
    consonant."""
    va, ve = ar[1], en[1]
    return int(bool(va[0]) != bool(_audible(ve[0]))) + int(bool(va[-1] & {_FRONT, _BACK}) and not ve[-1])


@functools.lru_cache(maxsize=65536)
def _skeletons_ar(arabic_word: str) -> tuple[_Skeleton, ...]:
    """The skeletons of the Arabic word's clitic-stripped candidates (:func:`candidates_ar`:
    folded already)."""
    return tuple([_skeleton(_skeleton_text_folded(form)) for form in candidates_ar(arabic_word)])


@functools.lru_cache(maxsize=65536)
def _skeletons_en(english_word: str) -> tuple[_Skeleton, ...]:
    """The skeletons of the English word with and without an article (:func:`candidates_en`)."""
    return tuple(_skeleton(_analyse_en(e)[0]) for e in candidates_en(english_word))


def _bound_reaches(ar: tuple[_Skeleton, ...], en: tuple[_Skeleton, ...], threshold: float) -> bool:
    """Whether some pair of the skeletons has a :func:`_bound` reaching ``threshold``."""
    for a in ar:
        for e in en:
            if _bound(a, e) >= threshold:
                return True
    return False


@functools.lru_cache(maxsize=65536)
def _similarity_reaches(arabic_word: str, english_word: str, threshold: float) -> bool:
    """``name_similarity(arabic_word, english_word) >= threshold``, with only the candidate
    pairs analysed whose :func:`_bound` less the clitic penalty reaches ``threshold``, and
    only those compared whose bound with the vowel conflicts sure to count
    (:func:`_vowel_floor`) still reaches it (the similarity of a pair is never above its
    bound)."""
    if threshold <= 0.0:
        return True
    en_forms = candidates_en(english_word)
    en_skeletons = _skeletons_en(english_word)
    for form, penalty, a in _scored_forms(arabic_word):
        for en, e in zip(en_forms, en_skeletons, strict=True):
            if _bound(a, e) - penalty >= threshold:
                ar_analysis, en_analysis = _analyse_ar(form), _analyse_en(en)
                if _bound(a, e, _vowel_floor(ar_analysis, en_analysis)) - penalty >= threshold and (
                    _similarity(ar_analysis, en_analysis) - penalty >= threshold
                ):
                    return True
    return False


def _matches(arabic_word: str, english_word: str, en_skeletons: tuple[_Skeleton, ...], threshold: float) -> bool:
    # Most pairs a check tries are far apart: the bounds rule those out without the edit distance.
    return _bound_reaches(_skeletons_ar(arabic_word), en_skeletons, threshold) and (
        _similarity_reaches(arabic_word, english_word, threshold)
    )


def matches_name(ar: str, en: str, threshold: float = THRESHOLD) -> bool:
    """Whether the Arabic word plausibly transliterates the English name."""
    return _matches(ar, en, _skeletons_en(en), threshold)


def _fewest_shared(la: int, e: _Skeleton, threshold: float) -> int:
    """The fewest letters an Arabic skeleton of ``la`` letters without TS must share with
    ``e`` for its :func:`_bound` to reach ``threshold`` (more than it has if no number
    does), or -1 where :func:`_bound` must be asked (``e`` has a TS, or both skeletons are
    of two letters or fewer: only equal ones match). Worked out with :func:`_bound`'s own
    arithmetic, so the test on the shared letters is exact: the bound grows with them."""
    le = e.length
    longest = la if la > le else le
    if e.ts or (la and le and longest <= 2):
        return -1
    if la < 2 or le < 2:
        return 0 if threshold <= 0.0 else longest + 1
    for k in range(min(la, le) + 1):
        if 1.0 - 0.5 * (longest - k) / longest >= threshold:
            return k
    return longest + 1


class _NameState:
    """What :class:`EnglishName` keeps per English word and threshold: for each of its
    skeletons, the fewest shared letters by Arabic skeleton length (:func:`_fewest_shared`,
    filled as lengths come), and its answers by Arabic word."""

    __slots__ = ("answers", "reach")

    def __init__(self, english_word: str, threshold: float) -> None:
        self.reach: tuple[tuple[_Skeleton, dict[int, int]], ...] = tuple(
            (e, {}) for e in _skeletons_en(english_word)
        )
        self.answers: dict[str, bool] = {}


class EnglishName:
    """An English word to try against many Arabic words: :meth:`matched_by` answers as
    :func:`matches_name` does, with what depends on the English word worked out once (its
    skeletons, and for each the shared letters an Arabic skeleton of each length needs to
    reach the threshold's bound: :func:`_fewest_shared`), and each answer once per Arabic
    word (the answers are kept with the English word and threshold, shared by every
    :class:`EnglishName` of them: a name comes back sentence after sentence, and so do the
    Arabic words around it)."""

    __slots__ = ("_answers", "_reach", "skeletons", "threshold", "word")

    def __init__(self, word: str, threshold: float = THRESHOLD) -> None:
        self.word = word
        self.threshold = threshold
        self.skeletons = _skeletons_en(word)
        state = _state(word, threshold)
        self._answers, self._reach = state.answers, state.reach

    def _match(self, arabic_word: str) -> bool:
        """``_matches(arabic_word, self.word, self.skeletons, self.threshold)``, the bound
        of each skeleton pair tested on the reach tables."""
        threshold = self.threshold
        for a in _skeletons_ar(arabic_word):
            la = a.length
            for e, fewest_by_length in self._reach:
                fewest = -1 if a.ts else fewest_by_length.get(la)
                if fewest is None:
                    fewest = fewest_by_length[la] = _fewest_shared(la, e, threshold)
                if (_bound(a, e) >= threshold) if fewest < 0 else (a.bits & e.bits).bit_count() >= fewest:
                    return _similarity_reaches(arabic_word, self.word, threshold)
        return False

    def matched_by(self, arabic_word: str) -> bool:
        """``matches_name(arabic_word, self.word, self.threshold)``."""
        found = self._answers.get(arabic_word)
        if found is None:
            found = self._answers[arabic_word] = self._match(arabic_word)
        return found

    def matching(self, arabic_words: Iterable[str]) -> list[int]:
        """Positions of the Arabic words that :meth:`matched_by` accepts."""
        answers, match = self._answers, self._match
        positions = []
        for k, ar in enumerate(arabic_words):
            found = answers.get(ar)
            if found is None:
                found = answers[ar] = match(ar)
            if found:
                positions.append(k)
        return positions


@functools.lru_cache(maxsize=4096)
def _state(english_word: str, threshold: float) -> _NameState:
    """:class:`EnglishName`'s reach tables and answers for this English word and threshold."""
    return _NameState(english_word, threshold)
