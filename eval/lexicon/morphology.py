"""Person, gender and number of Arabic words, read off the Buckwalter analyses.

This module owns the agreement features: what an Arabic word says about who or what it
is about. Every :class:`~eval.lexicon.buckwalter.Analysis` carries them in its tags:

* a perfect verb in its subject suffix (قالت ``+at/PVSUFF_SUBJ:3FS``: she said; قالوا
  ``+uwA/PVSUFF_SUBJ:3MP``: they said), an imperfect verb in its prefix (يقول
  ``ya/IV3MS+``: he says; تقول ``ta/IV3FS+``: she says — or ``IV2MS``, you say);
* an independent pronoun in its stem (هو ``PRON_3MS``, هي ``PRON_3FS``), a relative
  pronoun by its form (الذي, التي, الذين …);
* a noun or adjective in its suffix (ة ``NSUFF_FEM_SG``, ون ``NSUFF_MASC_PL_NOM``, ات
  ``NSUFF_FEM_PL``, ان ``NSUFF_MASC_DU_NOM`` …); a word with no such suffix says nothing
  for sure (a broken plural, or a feminine noun without ة, looks masculine singular),
  and neither does ة on a stem that never goes without it (the lexicon's category
  ``Nap``): that is how broken plurals such as قادة "leaders" and قضاة "judges" are listed.

:func:`inflections` gives every reading's features; :func:`subject_of_verb` the
agreement a verb demands of its subject when all its readings agree, and
:func:`pronoun_agreement` / :func:`noun_agreement` the same for pronouns and nouns.
The analyser does not see short vowels, so أكدت is "I/you/she confirmed": only
third-person readings count for a subject standing in the text, and a word whose
third-person readings disagree (تقولان: you two / they (f. two) say) gives nothing.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import Enum

from eval.lexicon.buckwalter import Analysis, fold, lexicon, to_buckwalter
from eval.lexicon.index import on_reset

__all__ = [
    "Agreement",
    "Gender",
    "Inflection",
    "Number",
    "inflection",
    "inflections",
    "is_nominal",
    "may_be_definite",
    "noun_agreement",
    "pronoun_agreement",
    "subject_of_verb",
]


class Gender(str, Enum):
    MASCULINE = "m"
    FEMININE = "f"

    @property
    def other(self) -> Gender:
        return Gender.FEMININE if self is Gender.MASCULINE else Gender.MASCULINE

    @property
    def word(self) -> str:
        return "masculine" if self is Gender.MASCULINE else "feminine"


class Number(str, Enum):
    SINGULAR = "s"
    DUAL = "d"
    PLURAL = "p"

    @property
    def word(self) -> str:
        return {"s": "singular", "d": "dual", "p": "plural"}[self.value]


@dataclass(frozen=True)
class Agreement:
    """A gender and number (either unknown: ``None``), and the person for verbs and pronouns."""

    gender: Gender | None
    number: Number | None
    person: int | None = None

    def describe(self) -> str:
        parts = [p for p in (self.gender and self.gender.word, self.number and self.number.word) if p]
        return " ".join(parts) or "unmarked"


@dataclass(frozen=True)
class Inflection:
    """One reading of a word: its part of speech and what it agrees in."""

    pos: str  # "verb", "pronoun", "relative", "noun", "adjective", "name" or "other"
    agreement: Agreement
    definite: bool = False  # the article ال is part of the word
    preposition: bool = False  # a preposition is attached (للميناء, بالكربون)


_PGN = "(?P<person>[123])(?P<gender>[MF]?)(?P<number>[SDP])"
_VERB_PREFIX = re.compile(rf"\bIV{_PGN}\b")
_VERB_SUFFIX = re.compile(rf"[PC]VSUFF_SUBJ:{_PGN}\b")
_PRONOUN = re.compile(rf"\bPRON_{_PGN}\b")
_DEMONSTRATIVE = re.compile(r"\bDEM_PRON_(?P<gender>[MF])(?P<number>[SDP]?)\b")
_NOUN_SUFFIX = re.compile(r"NSUFF_(?P<gender>MASC|FEM)_(?P<number>SG|DU|PL)")
# Relative pronouns by their (vocalised) stem: the closed class الذي التي اللذان اللتان الذين اللاتي اللواتي.
_RELATIVES = {
    "Al~a*iy": ("M", "S"), "Al~atiy": ("F", "S"),
    "All~a*Ani": ("M", "D"), "All~a*ayoni": ("M", "D"),
    "All~atAni": ("F", "D"), "All~atayoni": ("F", "D"),
    "Al~a*iyna": ("M", "P"), "All~Atiy": ("F", "P"), "All~awAtiy": ("F", "P"),
}


def _agreement(m: re.Match[str] | None, person: bool = True) -> Agreement:
    if m is None:
        return Agreement(None, None)
    groups = m.groupdict()
    gender = {"M": Gender.MASCULINE, "F": Gender.FEMININE, "MASC": Gender.MASCULINE,
              "FEM": Gender.FEMININE}.get(groups.get("gender") or "")
    number = {"S": Number.SINGULAR, "D": Number.DUAL, "P": Number.PLURAL, "SG": Number.SINGULAR,
              "DU": Number.DUAL, "PL": Number.PLURAL}.get(groups.get("number") or "")
    return Agreement(gender, number, int(groups["person"]) if person and groups.get("person") else None)


#: The letters of each part of a stem's tags ("$arik/NOUN", "bi/PREP+somi/NOUN").
_TAGGED_LETTERS = re.compile(r"[^/+]*/")


def inflection(analysis: Analysis) -> Inflection:
    """The part of speech and agreement features of one analysis."""
    stem = analysis.stem
    return _inflection(analysis.prefix.pos, _stem_tags(stem.pos), analysis.suffix.pos,
                       stem.vocalised if "REL_PRON" in stem.pos else "", stem.category == "Nap")


def _stem_tags(stem_pos: str) -> str:
    """A stem's tags without the letters they tag ("$arik/NOUN" → "/NOUN", "bi/PREP+somi/NOUN"
    → "/PREP+/NOUN"): all :func:`inflection` reads of them, and shared by many stems
    (memoised: a stem comes back in the analyses of many words)."""
    tags = _STEM_TAGS.get(stem_pos)
    if tags is None:
        tags = _STEM_TAGS[stem_pos] = _TAGGED_LETTERS.sub("/", stem_pos)
    return tags


#: :func:`_stem_tags` of the stems seen (str → str: nothing for the collector).
_STEM_TAGS: dict[str, str] = {}


@functools.lru_cache(maxsize=16384)
def _inflection(prefix_pos: str, stem_pos: str, suffix_pos: str, relative: str, nap: bool) -> Inflection:
    """:func:`inflection` of an analysis with these tags (memoised: many analyses share
    them; the stem's as :func:`_stem_tags` gives them); ``relative``: the vocalised stem of a
    relative pronoun, ``nap``: the stem's category is ``Nap``."""
    if "VERB" in stem_pos:
        m = _VERB_PREFIX.search(prefix_pos) or _VERB_SUFFIX.search(suffix_pos)
        if m is None:
            m = _VERB_SUFFIX.search(stem_pos) or _VERB_PREFIX.search(stem_pos)
        return Inflection("verb", _agreement(m))
    if "REL_PRON" in stem_pos:
        gender, number = _RELATIVES.get(relative, ("", ""))
        return Inflection("relative", Agreement(
            {"M": Gender.MASCULINE, "F": Gender.FEMININE}.get(gender),
            {"S": Number.SINGULAR, "D": Number.DUAL, "P": Number.PLURAL}.get(number),
        ))
    m = _PRONOUN.search(stem_pos)
    if m is not None:
        return Inflection("pronoun", _agreement(m))
    m = _DEMONSTRATIVE.search(stem_pos)
    if m is not None:
        return Inflection("pronoun", _agreement(m, person=False))
    kind = {"NOUN_PROP": "name", "NOUN": "noun", "ADJ": "adjective"}.get(stem_pos.split("/")[-1])
    if kind is None:
        return Inflection("other", Agreement(None, None))
    agreement = _agreement(_NOUN_SUFFIX.search(suffix_pos), person=False)
    if nap and agreement.number is Number.SINGULAR:
        # A stem that only ever takes ة may be a broken plural: قادة leaders, قضاة judges.
        agreement = Agreement(None, None)
    return Inflection(kind, agreement, definite="DET" in prefix_pos, preposition="PREP" in prefix_pos)


@functools.lru_cache(maxsize=65536)
def inflections(word: str) -> tuple[Inflection, ...]:
    """Every distinct reading of an Arabic word (Arabic script), in analysis order (memoised)."""
    seen: dict[Inflection, None] = {}
    for analysis in lexicon().analyse(word):
        seen.setdefault(inflection(analysis), None)
    return tuple(seen)


on_reset(inflections.cache_clear)


@functools.lru_cache(maxsize=1)
def _article_prefixes() -> tuple[str, ...]:
    """The lexicon's prefixes (folded Buckwalter letters, as the analyser matches them)
    with an entry that carries the article: ال, وال, بال, لل, ل (li + Al before a stem in ل) …"""
    return tuple(sorted(form for form, entries in lexicon().prefixes.items()
                        if any("DET" in entry.pos for entry in entries)))


on_reset(_article_prefixes.cache_clear)

#: :func:`may_be_definite` of the words asked about (str → bool: nothing for the collector).
_MAY_BE_DEFINITE: dict[str, bool] = {}
on_reset(_MAY_BE_DEFINITE.clear)


def may_be_definite(word: str) -> bool:
    """Whether some reading of the word (Arabic script) may be :attr:`Inflection.definite`:
    the word, as the analyser looks it up, starts with a prefix that carries the article.
    ``False`` means no reading is definite, without analysing the word (memoised)."""
    known = _MAY_BE_DEFINITE.get(word)
    if known is None:
        known = _MAY_BE_DEFINITE[word] = fold(to_buckwalter(word)).startswith(_article_prefixes())
    return known


def _uniform(readings: list[Agreement]) -> Agreement | None:
    if not readings or len(set(readings)) != 1:
        return None
    return readings[0]


def subject_of_verb(word: str) -> Agreement | None:
    """The agreement a verb demands of a third-person subject, when the word is surely a verb.

    Every reading must be a verb, and all its third-person readings must agree in gender
    and number: قالت → feminine singular (its first- and second-person readings, I/you
    said, need no subject in the text), قال → masculine singular, قالوا → masculine
    plural, يقولان → masculine dual. ``None`` for a word that may be a noun (تقول:
    "rumour") or whose third-person readings differ. Proper-noun readings are not
    counted (the lexicon lists rare names such as Kutbat for وكتبت): a caller that
    reads a verb next to a name it knows has already told the name's words apart.
    """
    readings = [r for r in inflections(word) if r.pos != "name"]
    if not readings or any(r.pos != "verb" for r in readings):
        return None
    return _uniform([r.agreement for r in readings if r.agreement.person == 3])


def pronoun_agreement(word: str) -> Agreement | None:
    """The agreement of a third-person independent or relative pronoun (هو, وهي, التي), or ``None``.

    Only the pronoun readings count (وهي is also a rare verb "be frail"), and they must agree.
    """
    readings = [
        r.agreement for r in inflections(word)
        if r.pos == "relative" or r.pos == "pronoun" and r.agreement.person == 3
    ]
    return _uniform(readings)


def is_nominal(word: str) -> bool:
    """Every reading of the word is a noun, an adjective or a name (وزير, الداخلية, مديرة)."""
    readings = inflections(word)
    return bool(readings) and all(r.pos in ("noun", "adjective", "name") for r in readings)


def noun_agreement(word: str, pos: tuple[str, ...] = ("noun", "adjective")) -> Agreement | None:
    """The gender and number a noun or adjective is marked for, when all its readings agree.

    Every reading must be of one of ``pos``; a reading without a gender suffix counts as
    unmarked (gender and number ``None``), so مدير gives ``Agreement(None, None)`` and
    مديرة feminine singular.
    """
    readings = inflections(word)
    if not readings or any(r.pos not in pos for r in readings):
        return None
    return _uniform([r.agreement for r in readings])
