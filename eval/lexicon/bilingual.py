"""Model-free Arabic ↔ English word correspondence.

For every Arabic token we collect what English it can stand for: the stems of
its lexicon glosses (all analyses, clitics split off), the pronouns and
particles its clitics gloss as, the gazetteer entities it names, and — checked
before any lexicon lookup — Latin-script names it transliterates. An English
token is *supported* by an Arabic token when one of these matches.

English words are also related to each other through the lexicon: two words
that gloss the same Arabic stem ("back" and "support" both gloss حطب/HTb)
count as near-synonyms when comparing a back-translation with the reference.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from eval.lexicon import index as lexindex
from eval.lexicon import resources, translit, wordnet
from eval.lexicon.buckwalter import lexicon
from eval.lexicon.dictfiles import split_gloss
from eval.lexicon.index import lex_index, on_reset
from eval.records import direct_init
from eval.text.arabic import NAME_CLITIC_PREFIXES, strip_clitics
from eval.text.tokens import LATIN_WORD, Token, is_function_ar, normalise_ar_word, stem


@direct_init
@dataclass(frozen=True)
class ArWord:
    """What one Arabic token can mean in English."""

    token: Token
    stems: frozenset[str]  # stems of stem glosses
    clitics: frozenset[str]  # lower-cased words of prefix/suffix glosses (us, them, for, and…)
    known: bool  # the lexicon analyses it
    proper: bool  # some analysis is a proper noun, or unknown to the lexicon
    function: bool

    @property
    def is_latin(self) -> bool:
        return self.token.kind == "latin"


@functools.lru_cache(maxsize=65536)
def _analyse(key: str) -> tuple[frozenset[str], frozenset[str], bool, bool]:
    analyses = lexicon().analyse(key)
    index = lex_index()
    stems: set[str] = set()
    clitics: set[str] = set()
    proper = False
    for a in analyses:
        stems |= index.gloss_stems(a.stem.gloss)  # = gloss_stems() of each of a.stem_glosses
        clitics |= _clitic_words(a.prefix.gloss, a.suffix.gloss)
        proper = proper or a.is_proper_noun
    return frozenset(stems), frozenset(clitics), bool(analyses), proper or not analyses


on_reset(_analyse.cache_clear)


@functools.lru_cache(maxsize=4096)
def _clitic_words(prefix_gloss: str, suffix_gloss: str) -> frozenset[str]:
    """The lower-cased words of the clitic glosses of an analysis with these affix glosses
    (:attr:`eval.lexicon.buckwalter.Analysis.clitic_glosses`: the prefix's then the suffix's
    :func:`~eval.lexicon.dictfiles.split_gloss`), worked out once per pair of affixes."""
    glosses = split_gloss(prefix_gloss) + split_gloss(suffix_gloss)
    return frozenset(w.lower() for g in glosses for w in LATIN_WORD.findall(g))


def ar_word(token: Token) -> ArWord:
    if token.kind != "word":
        return ArWord(token, frozenset(), frozenset(), False, token.kind == "latin", False)
    stems, clitics, known, proper = _analyse(token.key)
    return ArWord(token, stems, clitics, known, proper, is_function_ar(token))


def ar_words(tokens: Sequence[Token]) -> list[ArWord]:
    # The words new to the lexicon analysed together: their stem entries in one index query.
    lexicon().prefetch(t.key for t in tokens if t.kind == "word")
    return [ar_word(t) for t in tokens]


def strip_prefixes(key: str) -> list[str]:
    """The normalised word and its forms with one Arabic clitic prefix removed (at least two
    letters left), longest prefix first: :data:`eval.text.arabic.NAME_CLITIC_PREFIXES`, since
    the forms are compared loosely (by prefix, against word lists)."""
    return list(_prefix_forms(key))


@functools.lru_cache(maxsize=1 << 16)
def _prefix_forms(key: str) -> tuple[str, ...]:
    return tuple(strip_clitics(key, NAME_CLITIC_PREFIXES))


@functools.lru_cache(maxsize=1)
def _entity_forms_ar() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """First word of each Arabic gazetteer form → [(all words, canonical English)]."""
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for entity in resources.gazetteer():
        for form in entity.arabic:
            words = tuple(normalise_ar_word(w) for w in form.split())
            if words:
                index.setdefault(words[0], []).append((words, entity.english))
    return index


def ar_entities(tokens: Sequence[Token]) -> list[tuple[int, int, str]]:
    """Gazetteer mentions in Arabic tokens: (first token, end token, canonical English name)."""
    index = _entity_forms_ar()
    found: list[tuple[int, int, str]] = []
    i = 0
    while i < len(tokens):
        best: tuple[int, str] | None = None
        for first in _prefix_forms(tokens[i].key):
            for words, name in index.get(first, ()):
                n = len(words)
                if n > 1 and tuple(t.key for t in tokens[i + 1 : i + n]) != words[1:]:
                    continue
                if best is None or n > best[0]:
                    best = (n, name)
        if best:
            found.append((i, i + best[0], best[1]))
            i += best[0]
        else:
            i += 1
    return found


@functools.lru_cache(maxsize=1)
def _entity_aliases_en() -> dict[str, list[tuple[tuple[str, ...], bool, str]]]:
    """Lower-cased first word → [(alias words without dots, exact case?, canonical name)], longest first."""
    index: dict[str, list[tuple[tuple[str, ...], bool, str]]] = {}
    for entity in resources.gazetteer():
        for alias in (entity.english, *entity.aliases):
            words = tuple(w.replace(".", "") for w in re.findall(r"[A-Za-z]+(?:\.[A-Za-z])*\.?|[A-Za-z]+", alias))
            if words:
                exact = alias.replace(".", "").isupper()
                index.setdefault(words[0].lower(), []).append((words, exact, entity.english))
    for entries in index.values():
        entries.sort(key=lambda x: -len(x[0]))
    return index


def en_entities(tokens: Sequence[Token]) -> list[tuple[int, int, str]]:
    """Gazetteer mentions in English tokens; all-caps aliases (US) match case-sensitively."""
    index = _entity_aliases_en()
    found: list[tuple[int, int, str]] = []
    i = 0
    while i < len(tokens):
        first = tokens[i].text.replace(".", "")
        hit = None
        for words, exact, name in index.get(first.lower(), ()):
            n = len(words)
            window = [t.text.replace(".", "") for t in tokens[i : i + n]]
            if len(window) < n:
                continue
            if exact:
                ok = window == list(words)
            else:
                ok = [w.lower() for w in window] == [w.lower() for w in words] and first[:1].isupper()
            if ok:
                hit = (i, i + n, name)
                break
        if hit:
            found.append(hit)
            i = hit[1]
        else:
            i += 1
    return found


# The cogloss index (English stem → lexicon stem entries glossing it) and the thesaurus
# indexes live in eval.lexicon.index: built once, kept on disk, looked up word by word.


#: Groups of English near-synonyms (:func:`eval.lexicon.index.synonym_groups`).
synonym_groups = lexindex.synonym_groups


@functools.lru_cache(maxsize=262144)
def related(a: str, b: str) -> bool:
    """Two English stems are near-synonyms: equal, in one synonym group, or glossing a common Arabic stem."""
    if a == b:
        return True
    groups_a, coglosses_a = relations(a)
    groups_b, coglosses_b = relations(b)
    return not groups_a.isdisjoint(groups_b) or not coglosses_a.isdisjoint(coglosses_b)


@functools.lru_cache(maxsize=65536)
def relations(en_stem: str) -> tuple[frozenset[int], frozenset[int]]:
    """What :func:`related` compares of a stem: its thesaurus groups and the lexicon stem
    entries it glosses (:meth:`eval.lexicon.index.LexIndex.synonym_groups_of`, ``cogloss``),
    both read at once (:meth:`~eval.lexicon.index.LexIndex.relations`)."""
    return lex_index().relations(en_stem)


#: The relations of a stem related to nothing.
_NO_RELATIONS: tuple[frozenset[int], frozenset[int]] = (frozenset(), frozenset())


@functools.lru_cache(maxsize=65536)
def _relations_of_any(stems: frozenset[str]) -> tuple[frozenset[int], frozenset[int]]:
    """The thesaurus groups and lexicon stem entries of all of ``stems`` together: the
    :func:`relations` of the one stem with any (the same sets, not a copy), else their unions."""
    found = [pair for pair in map(relations, stems) if pair[0] or pair[1]]
    if len(found) <= 1:
        return found[0] if found else _NO_RELATIONS
    return frozenset().union(*[g for g, _ in found]), frozenset().union(*[c for _, c in found])


def related_to_any(word: str, stems: frozenset[str]) -> bool:
    """``any(related(word, s) for s in stems)``, with the stems' relations pooled once: a
    group or an entry ``word`` shares with one of them is one it shares with their union
    (and a word related to nothing shares none)."""
    if word in stems:
        return True
    groups, coglosses = relations(word)
    if not (groups or coglosses):
        return False
    pooled_groups, pooled_coglosses = _relations_of_any(stems)
    return not groups.isdisjoint(pooled_groups) or not coglosses.isdisjoint(pooled_coglosses)


on_reset(related.cache_clear)
on_reset(relations.cache_clear)
on_reset(_relations_of_any.cache_clear)


def thesaurus_related(a: str, b: str) -> bool:
    """Two English stems are one word or share a group of the hand thesaurus
    (``synonyms_en.tsv``): a paraphrase, whatever the lexicon or WordNet say."""
    if a == b:
        return True
    groups = lex_index().synonym_groups_of
    ga, gb = groups(a), groups(b)
    return bool(ga and gb and not ga.isdisjoint(gb))


class Sense(str, Enum):
    """How a back-translation word stands to the reference word it replaces, by WordNet
    (:func:`sense_relation`)."""

    #: A near-synonym in the reference's sense (or the hand thesaurus says so): a paraphrase.
    SAME = "same"
    #: A near-synonym of the reference word only in another of its senses ("ties" for
    #: "bonds" in "government bonds"): the Arabic word took the wrong sense.
    OTHER = "other"
    #: Both words are in WordNet and no sense of one is near a sense of the other.
    UNRELATED = "unrelated"
    #: WordNet lacks one of them: nothing can be said.
    UNKNOWN = "unknown"


def sense_relation(ref_word: str, hyp_word: str, context: Iterable[str]) -> Sense:
    """Is ``hyp_word`` a near-synonym of ``ref_word`` in the sense ``ref_word`` has in
    ``context`` (the reference sentence's words)?

    WordNet decides when it knows both words
    (:func:`eval.lexicon.wordnet.near_synonyms`: same synset, hypernym, similar-to,
    derivation; the reference word's sense chosen by simplified Lesk over ``context``):
    near in that sense is :attr:`Sense.SAME`, near only in another sense
    :attr:`Sense.OTHER` (unless the reference word has so many senses that Lesk cannot
    choose: :data:`MAX_LESK_SENSES`). Where WordNet relates them in no sense or lacks one of them, the
    hand thesaurus (``synonyms_en.tsv``) can still call them a paraphrase.
    """
    thesaurus = thesaurus_related(stem(ref_word), stem(hyp_word))
    senses = wordnet.synsets(ref_word)
    if not senses or not wordnet.synsets(hyp_word):
        return Sense.SAME if thesaurus else Sense.UNKNOWN
    # Both answers in one pass; no context for a word of too many senses (any link is SAME).
    near, near_here = wordnet.near_synonym_senses(
        ref_word, hyp_word, context=() if len(senses) > MAX_LESK_SENSES else tuple(context))
    if not near:
        return Sense.SAME if thesaurus else Sense.UNRELATED
    if near_here:
        return Sense.SAME
    return Sense.OTHER


#: Beyond this many WordNet senses (take, set, cut, run…) simplified Lesk picks a sense
#: about at random: such a word near the other in some sense counts as a paraphrase.
MAX_LESK_SENSES = 30


@functools.lru_cache(maxsize=4096)
def _stem_text(text: str) -> str:
    """' stem stem stem ' of a text, for phrase lookups that ignore inflection."""
    return " " + " ".join(stem(w) for w in LATIN_WORD.findall(text)) + " "


@functools.lru_cache(maxsize=65536)
def _stem_phrase(phrase: str) -> str:
    return " " + " ".join(stem(w) for w in phrase.split()) + " "


@functools.lru_cache(maxsize=4096)
def _text_lemmas(text: str) -> frozenset[str]:
    """Every word of ``text`` and all its WordNet base forms: unlike stems they keep apart
    words the stemmer conflates (authority / author, general / generate)."""
    return frozenset().union(*(wordnet.word_forms(w) for w in LATIN_WORD.findall(text)))


on_reset(_text_lemmas.cache_clear)


def thesaurus_words(a: str, b: str) -> bool:
    """Like :func:`thesaurus_related`, for two words rather than stems, matched on WordNet
    base forms: "written" ~ "author" share the group (write, pen, author), but "authority"
    is not the member "author"."""
    la, lb = wordnet.word_forms(a), wordnet.word_forms(b)
    if la & lb:
        return True
    groups = synonym_groups()
    for gid in lex_index().group_words_of(stem(a)):
        members = set(groups[gid])
        if la & members and lb & members:
            return True
    return False


def synonym_in_text(word: str, own_text: str, other_text: str) -> bool:
    """A thesaurus group holds ``word`` (alone or in a phrase found in ``own_text``) and
    another member found in ``other_text``: "wildfire" ~ "forest fire", "news" ~ "press".
    Phrases match on stems, so "had fallen ill" finds "fall ill"; the other text's member
    must match on WordNet base forms too (a one-word member), so "authority" is not the
    member "author"."""
    groups = synonym_groups()
    key = stem(word)
    own, other = _stem_text(own_text), _stem_text(other_text)
    other_lemmas = _text_lemmas(other_text)
    for gid in lex_index().group_words_of(key):
        mine = [m for m in groups[gid] if _stem_phrase(m) in own and key in _stem_phrase(m).split()]
        if not mine:
            continue
        # Another member in the other text, which the own text does not have itself (there it
        # renders the own text's own word: "crude" is not "oil" because both texts say "oil").
        if any(m not in mine and _stem_phrase(m) in other and _stem_phrase(m) not in own
               and (" " in m or m in other_lemmas) for m in groups[gid]):
            return True
    return False


@functools.lru_cache(maxsize=1)
def _antonyms() -> frozenset[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    text = resources.read_text("antonyms_en.tsv")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#") and "\t" in line:
            a, b = (stem(w.strip()) for w in line.split("\t", 1))
            pairs.update({(a, b), (b, a)})
    return frozenset(pairs)


def antonyms(a: str, b: str) -> bool:
    """Two English stems of opposite meaning (rise/fall, uphold/cancel, harder/easier)."""
    return (a, b) in _antonyms()


def known_word(en_stem: str) -> bool:
    """The lexicon glosses it or the thesaurus lists it."""
    index = lex_index()
    return bool(index.cogloss(en_stem) or index.synonym_groups_of(en_stem))


def in_lexicon(en_stem: str) -> bool:
    """Whether some Arabic stem glosses this English stem (so its absence means something)."""
    return bool(lex_index().cogloss(en_stem))


def supports(ar: ArWord, en: Token) -> bool:
    """Can the Arabic token render the English token?"""
    return _EnglishToken(en).rendered_by(ar)


def supporting(words: Sequence[ArWord], en: Token) -> tuple[int, ...]:
    """Indices of the Arabic words that can render the English token: the same as
    ``tuple(k for k, a in enumerate(words) if supports(a, en))``, found through an index
    of the words (:class:`ArabicWords`; keep one to ask about many tokens)."""
    return ArabicWords(words).supporting(en)


class ArabicWords:
    """The Arabic words of a segment, indexed by what :func:`supports` compares first, so
    :meth:`supporting` finds the words that render an English token without trying each
    (a name or a calendar word is still tried on every Arabic word)."""

    __slots__ = (
        "_answers", "_by_clitic", "_by_stem", "_latin_key", "_latin_low", "_numbers", "_pooled", "_texts", "_words",
        "words",
    )

    def __init__(self, words: Sequence[ArWord]) -> None:
        self.words = tuple(words)
        by_stem: dict[str, list[int]] = {}
        numbers: dict[str, list[int]] = {}
        latin_key: dict[str, list[int]] = {}
        latin_low: dict[str, list[int]] = {}
        by_clitic: dict[str, list[int]] = {}  # a word of the clitic glosses → the words with it
        self._words: list[tuple[int, Token]] = []
        for k, a in enumerate(self.words):
            token = a.token
            if token.kind == "number":
                numbers.setdefault(token.key.replace(",", ""), []).append(k)
            elif token.kind == "latin":
                latin_key.setdefault(token.key, []).append(k)
                latin_low.setdefault(token.text.lower(), []).append(k)
            elif token.kind == "word":
                self._words.append((k, token))
                for stem_ in a.stems:
                    by_stem.setdefault(stem_, []).append(k)
                for word in a.clitics:
                    by_clitic.setdefault(word, []).append(k)
        self._by_stem, self._numbers, self._by_clitic = by_stem, numbers, by_clitic
        self._texts = [token.text for _, token in self._words]
        self._pooled: list[tuple[int, frozenset[str], frozenset[int], frozenset[int]]] | None = None
        self._latin_key, self._latin_low = latin_key, latin_low
        # The answers by what they depend on (the token's kind, key and text): a word of the
        # reference is often in the back-translation too.
        self._answers: dict[tuple[str, str, str], tuple[int, ...]] = {}

    def supporting(self, en: Token) -> tuple[int, ...]:
        """``supporting(self.words, en)``: the indices of the words that can render ``en``."""
        seen = (en.kind, en.key, en.text)
        found = self._answers.get(seen)
        if found is None:
            found = self._answers[seen] = self._supporting(_EnglishToken(en))
        return found

    def _supporting(self, english: _EnglishToken) -> tuple[int, ...]:
        if english.number is not None:
            return tuple(self._numbers.get(english.number, ()))
        found = {*self._latin_key.get(english.key, ()), *self._latin_low.get(english.low, ()),
                 *self._by_stem.get(english.key, ())}
        if english.name is not None:
            words = self._words
            found.update(words[i][0] for i in english.name.matching(self._texts))
            if calendar := english.calendar:
                found.update(k for k, token in words if calendar == _calendar_ar(token.key))
        if english.word:  # _clitics_gloss: the word itself, or one of its pronoun forms
            by_clitic = self._by_clitic
            for form in (english.low,) if english.forms is None else english.forms:
                found.update(by_clitic.get(form, ()))
        return tuple(sorted(found))

    def related_to(self, en_stem: str) -> set[int]:
        """Indices of the words with a stem gloss :func:`related` to ``en_stem``: the same as
        ``{k for k, a in enumerate(self.words) if related_to_any(en_stem, a.stems)}``."""
        groups, coglosses = relations(en_stem)
        if not (groups or coglosses):  # related only to itself
            return {k for k, a in enumerate(self.words) if en_stem in a.stems}
        if self._pooled is None:
            self._pooled = [(k, a.stems, *_relations_of_any(a.stems)) for k, a in enumerate(self.words) if a.stems]
        return {
            k for k, stems, pooled_groups, pooled_coglosses in self._pooled
            if en_stem in stems or not groups.isdisjoint(pooled_groups) or not coglosses.isdisjoint(pooled_coglosses)
        }


class _EnglishToken:
    """An English token as :func:`supports` compares it with Arabic words: what depends on
    it alone (its lower case, number key, weekday or month, pronoun forms) worked out once."""

    __slots__ = ("calendar", "capitalised", "forms", "key", "low", "name", "number", "text", "word")

    def __init__(self, en: Token) -> None:
        self.key, self.text = en.key, en.text
        self.number = en.key.replace(",", "") if en.kind == "number" else None
        self.low = en.text.lower()
        self.capitalised = en.text[:1].isupper()
        self.calendar = _calendar_name(en.text) if self.capitalised else None
        self.name = translit.EnglishName(en.text) if self.capitalised else None
        self.word = en.kind == "word"  # a word (not an acronym) may be an Arabic clitic's gloss
        self.forms = _PRONOUN_FORMS.get(self.low)

    def rendered_by(self, ar: ArWord) -> bool:
        """Can ``ar`` render this token? The same number; a Latin-script word spelled the
        same; an Arabic word glossed by its stem, a name written the same way, the same
        weekday or month, or clitics glossing it."""
        token = ar.token
        kind = token.kind
        if self.number is not None:
            return kind == "number" and token.key.replace(",", "") == self.number
        if kind == "latin":
            return token.key == self.key or token.text.lower() == self.low
        return kind == "word" and (
            self.key in ar.stems
            or self.name is not None and (
                self.name.matched_by(token.text)
                or bool(self.calendar) and self.calendar == _calendar_ar(token.key)
            )
            or self.word and _clitics_gloss(ar.clitics, self.low, self.forms)
        )


def _calendar_name(word: str) -> str | None:
    return resources.calendar().english.get(word.lower().rstrip("."))


def _calendar_ar(key: str) -> str | None:
    arabic = resources.calendar().arabic
    return next((arabic[f] for f in _prefix_forms(key) if f in arabic), None)


def clitic_match(ar: ArWord, word: str) -> bool:
    """The Arabic word's clitics gloss as ``word`` (pronouns in any case: we ~ us ~ our)."""
    low = word.lower()
    return _clitics_gloss(ar.clitics, low, _PRONOUN_FORMS.get(low))


def _clitics_gloss(clitics: frozenset[str], low: str, forms: set[str] | None) -> bool:
    """``clitics`` gloss as the lower-cased word ``low``, or as one of its pronoun ``forms``."""
    if not clitics:
        return False
    return low in clitics if forms is None else not clitics.isdisjoint(forms)


_PRONOUN_SETS = (
    {"we", "us", "our", "ours"}, {"they", "them", "their", "theirs"}, {"he", "him", "his"},
    {"she", "her", "hers"}, {"i", "me", "my", "mine"}, {"you", "your", "yours"}, {"it", "its"},
)
#: A pronoun → its set of :data:`_PRONOUN_SETS` (the first that has it).
_PRONOUN_FORMS: dict[str, set[str]] = {}
for _forms in _PRONOUN_SETS:
    for _word in _forms:
        _PRONOUN_FORMS.setdefault(_word, _forms)


def pronoun_forms(word: str) -> set[str]:
    """A pronoun with its other case forms (we → we, us, our), anything else alone."""
    forms = _PRONOUN_FORMS.get(word)
    return {word} if forms is None else forms


def is_verb(word: ArWord) -> bool:
    """Some lexicon analysis of the Arabic word is a verb (يدعم, ستتوقف, لعبنا)."""
    if word.token.kind != "word" or word.function:
        return False
    return any("VERB" in a.stem.pos for a in lexicon().analyse(word.token.key))
