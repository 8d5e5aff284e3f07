"""People of an English text and whether each is a man or a woman.

This module owns person gender: which people an English text (a reference translation)
names, and what the text itself says about each one's gender, from

* the first name, looked up in a first-name list derived from Jörg Michael's name
  dictionary (``resources/first_names.tsv.gz``, built by ``tools/build_first_names.py``;
  unisex names are not in it): Nadia Haddad is a woman, Tomas Reyes a man;
* an honorific before the name (Mr, Ms, Mrs, Sir …);
* a third-person pronoun (he/his/him, she/her) that can only refer to that person: in
  the same sentence with no other name before it, or opening the next sentence after a
  sentence that names only that person ("Kaya said … . She added …"). Pronouns inside
  quotation marks are the speaker's words and are not counted.

A person whose evidence disagrees (two people with one surname, a pronoun that meant
somebody else) gets no gender: :func:`people` answers only where the text is clear.
"""

from __future__ import annotations

import functools
import gzip
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources as _resources
from types import MappingProxyType

from eval.lexicon import resources, wordnet
from eval.lexicon.bilingual import en_entities, in_lexicon
from eval.lexicon.morphology import Gender
from eval.text.tokens import Token, fold_latin, stem, tokenize_en

__all__ = [
    "Person",
    "first_name_gender",
    "is_title",
    "name_key",
    "name_particle",
    "people",
    "pronoun_gender",
]

_HONORIFICS = {
    "mr": Gender.MASCULINE, "mister": Gender.MASCULINE, "sir": Gender.MASCULINE,
    "mrs": Gender.FEMININE, "ms": Gender.FEMININE, "miss": Gender.FEMININE,
    "madam": Gender.FEMININE, "madame": Gender.FEMININE, "mme": Gender.FEMININE,
    "dame": Gender.FEMININE,
}
_PRONOUNS = {
    "he": Gender.MASCULINE, "him": Gender.MASCULINE, "his": Gender.MASCULINE,
    "himself": Gender.MASCULINE, "she": Gender.FEMININE, "her": Gender.FEMININE,
    "hers": Gender.FEMININE, "herself": Gender.FEMININE,
}
# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st gen col lt sgt capt prof rev gov sen rep jr sr no mt ft maj cmdr adm".split()
)
# Particles inside names (Nadia El Fassi, Mohamed Ould Ely, Ben Ali): neither first names
# nor surnames on their own.
_PARTICLES = frozenset(
    "al el ad ad-din ar as at ash az bin ben ibn bint ould abu abou van von der den de da di du "
    "la le dos das del".split()
)
_OPEN_QUOTES, _CLOSE_QUOTES = "“«", "”»"
_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*\s")


@functools.lru_cache(maxsize=1)
def _first_names() -> Mapping[str, Gender]:
    data = _resources.files(resources.__name__).joinpath("first_names.tsv.gz").read_bytes()
    out: dict[str, Gender] = {}
    for line in gzip.decompress(data).decode("utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, code = line.partition("\t")
            out[name] = Gender(code)
    return MappingProxyType(out)


def name_key(word: str) -> str:
    """How a name is looked up: lower case, no accents, curly apostrophes straightened."""
    return fold_latin(word).replace("’", "'")


def name_particle(word: str) -> bool:
    """A particle inside names that is neither a first name nor a surname (al, bin, van …)."""
    return word.lower() in _PARTICLES


def first_name_gender(name: str) -> Gender | None:
    """The gender of a first name (Nadia → feminine, Tomas → masculine); ``None`` for a
    unisex or unknown name."""
    return _first_names().get(name_key(name))


def pronoun_gender(word: str) -> Gender | None:
    """he/his/him/himself → masculine, she/her/hers/herself → feminine, else ``None``."""
    return _PRONOUNS.get(word.lower())


#: WordNet's synset person.n.01 ("a human being").
_PERSON_SYNSET = "00007846n"


@functools.lru_cache(maxsize=4096)
def _names_a_kind_of_person(word: str) -> bool:
    """The word's first WordNet noun sense is a kind of person (chancellor, pope, senator)."""
    senses = wordnet.synsets(word, "n")
    return bool(senses) and wordnet.reaches(senses[0].id, frozenset({_PERSON_SYNSET}))


def is_title(tokens: Sequence[Token], k: int) -> bool:
    """``tokens[k]`` is a capitalised common noun standing as a title, not a name: a word
    WordNet knows as a kind of person (its first noun sense), not a first name, right before
    a capitalised word (Chancellor Merz) or right after "the" (the Chancellor)."""
    tok = tokens[k]
    if tok.kind != "word" or not tok.is_capitalised or first_name_gender(tok.text) is not None:
        return False
    after = tokens[k + 1] if k + 1 < len(tokens) else None
    before = tokens[k - 1] if k > 0 else None
    as_title = (after is not None and after.kind == "word" and after.is_capitalised
                and after.start == tok.end + 1) or (
        before is not None and before.text.lower() == "the" and tok.start == before.end + 1)
    return as_title and _names_a_kind_of_person(tok.text.lower())


@dataclass(frozen=True)
class Person:
    """A person the text names, with the gender the text gives them and why."""

    name: str  # the fullest mention, as written ("Nadia Haddad")
    gender: Gender
    reasons: tuple[str, ...]  # plain words: "first name Nadia", "called 'she'", "Mr"

    @property
    def noun(self) -> str:
        return "a man" if self.gender is Gender.MASCULINE else "a woman"


@dataclass
class _Mention:
    tokens: list[Token]
    parts: list[str]  # name words (hyphenated ones joined), titles and known words left out
    honorific: Gender | None
    sentence: int


def _is_name_word(part: str, calendar: Mapping[str, str], stopwords: frozenset[str]) -> bool:
    low = part.lower()
    if low in stopwords or low.rstrip(".") in calendar or low in _ABBREVIATIONS or low in _HONORIFICS \
            or low in _PARTICLES:
        return False
    if len(low) < 2 or not any(c.isalpha() for c in low):
        return False
    return not in_lexicon(stem(low))


def _sentences_and_quotes(text: str, tokens: list[Token]) -> tuple[list[int], list[bool]]:
    """Each token's sentence number, and whether it stands inside quotation marks."""
    sentence_of: list[int] = []
    quoted: list[bool] = []
    sentence = 0
    inside = False
    pos = 0
    for k, tok in enumerate(tokens):
        gap = text[pos : tok.start]
        if gap == " ":  # the usual gap: no line break, quotation mark or sentence end
            sentence_of.append(sentence)
            quoted.append(inside)
            pos = tok.end
            continue
        if "\n" in gap:
            sentence += 1
            inside = False
        for ch in gap:
            if ch in _OPEN_QUOTES:
                inside = True
            elif ch in _CLOSE_QUOTES:
                inside = False
            elif ch == '"':
                inside = not inside
        if k and "\n" not in gap and _SENTENCE_END.search(gap):
            prev = tokens[k - 1].text
            if prev.lower() not in _ABBREVIATIONS and not (len(prev) == 1 and prev.isupper()):
                sentence += 1
        sentence_of.append(sentence)
        quoted.append(inside)
        pos = tok.end
    return sentence_of, quoted


def _mentions(text: str, tokens: list[Token], sentence_of: list[int]) -> list[_Mention]:
    calendar = resources.calendar().english
    stopwords = resources.stopwords_en()
    in_entity = {k for a, b, _ in en_entities(tokens) for k in range(a, b)}
    out: list[_Mention] = []
    k = 0
    while k < len(tokens):
        tok = tokens[k]
        if tok.kind != "word" or not tok.is_capitalised or k in in_entity:
            k += 1
            continue
        group = [tok]
        while k + 1 < len(tokens):
            nxt = tokens[k + 1]
            gap = text[group[-1].end : nxt.start]
            last = group[-1].text
            joins = gap in (" ", "-") or gap == ". " and (
                last.lower() in _ABBREVIATIONS or last.lower() in _HONORIFICS or len(last) == 1
            )
            if not joins or nxt.kind != "word" or k + 1 in in_entity:
                break
            if not nxt.is_capitalised:
                # A lower-case particle inside a name: Karim al-Saadi, Nadia bint Ali.
                after = tokens[k + 2] if k + 2 < len(tokens) else None
                if nxt.text not in _PARTICLES or after is None or not after.is_capitalised \
                        or text[nxt.end : after.start] not in (" ", "-"):
                    break
            group.append(nxt)
            k += 1
        k += 1
        honorific = _HONORIFICS.get(group[0].text.lower())
        if honorific is None and group[0].index > 0:
            before = tokens[group[0].index - 1]
            if text[before.end : group[0].start].strip(". ") == "":
                honorific = _HONORIFICS.get(before.text.lower())
        # Join hyphenated words (El-Tayeb) into one part.
        parts: list[str] = []
        prev: Token | None = None
        for t in group:
            if prev is not None and text[prev.end : t.start] == "-":
                parts[-1] += "-" + t.text
            else:
                parts.append(t.text)
            prev = t
        names = [p for p in parts if _is_name_word(p, calendar, stopwords)]
        if names:
            out.append(_Mention(group, names, honorific, sentence_of[group[0].index]))
    return out


@functools.lru_cache(maxsize=32)
def people(text: str) -> Mapping[str, Person]:
    """The people an English text names, by each name word (:func:`name_key`), with their gender.

    Every word of a person's name (first name, surname, each half of a hyphenated one)
    maps to the person; a word shared by people of different genders maps to nobody.
    """
    tokens = tokenize_en(text)
    sentence_of, quoted = _sentences_and_quotes(text, tokens)
    mentions = _mentions(text, tokens, sentence_of)
    # One person per surname (the last name word); longer mentions name it best.
    surname_of = [name_key(m.parts[-1]) for m in mentions]
    full: dict[str, str] = {}
    votes: dict[str, list[tuple[Gender, str]]] = {}
    for surname, m in zip(surname_of, mentions, strict=True):
        written = " ".join(m.parts)
        if len(written) > len(full.get(surname, "")):
            full[surname] = written
        bucket = votes.setdefault(surname, [])
        if m.honorific is not None:
            bucket.append((m.honorific, tokens[m.tokens[0].index - 1].text
                           if m.tokens[0].text.lower() not in _HONORIFICS else m.tokens[0].text))
        given = m.parts[0] if len(m.parts) > 1 else None
        gender = first_name_gender(given) if given else None
        if gender is not None:
            bucket.append((gender, f"first name {given}"))
    # Pronouns that can refer to one person only.
    by_sentence: dict[int, list[tuple[int, str]]] = {}
    for surname, m in zip(surname_of, mentions, strict=True):
        by_sentence.setdefault(m.sentence, []).append((m.tokens[0].index, surname))
    for k, tok in enumerate(tokens):
        gender = _PRONOUNS.get(tok.text.lower())
        if gender is None or quoted[k]:
            continue
        sentence = sentence_of[k]
        before = {s for i, s in by_sentence.get(sentence, []) if i < k}
        opening = k == 0 or sentence_of[k - 1] != sentence
        if not before and opening:
            before = {s for _, s in by_sentence.get(sentence - 1, [])}
        if len(before) == 1:
            (surname,) = before
            votes[surname].append((gender, f"called '{tok.text.lower()}'"))
    candidates: dict[str, list[Person]] = {}
    for surname, bucket in votes.items():
        genders = {g for g, _ in bucket}
        if len(genders) != 1:
            continue
        person = Person(full[surname], genders.pop(), tuple(dict.fromkeys(r for _, r in bucket)))
        words = {name_key(p) for m, s in zip(mentions, surname_of, strict=True) if s == surname
                 for p in m.parts}
        words |= {piece for w in list(words) for piece in w.split("-")
                  if len(piece) >= 3 and piece not in _PARTICLES}
        for word in words:
            candidates.setdefault(word, []).append(person)
    return MappingProxyType({
        word: persons[0] for word, persons in candidates.items()
        if len({p.gender for p in persons}) == 1
    })
