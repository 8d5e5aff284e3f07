"""English multiword expressions that do not mean what their words say, and finding them in text.

Owns the inventory of idioms and idiomatic phrasal verbs the idiom check looks for, and the
matching of those expressions in English tokens. Two sources:

* **WordNet 3.0's multiword lemmas** (:func:`eval.lexicon.wordnet.expressions`), verbs,
  adjectives and adverbs only, kept when they are *idiomatic*: the gloss of their first
  (most frequent) sense shares no word with the expression's own words, nor a derivation
  of one ("cut corners" = "do something the cheapest or easiest way"; "roll out" = "flatten
  or spread with a roller" is literal, so it is left out). A verb with a single content
  word ("step down", "go back on") counts only when its other words are adverbial
  particles and none of its senses is, by WordNet, a sense or a kind of the verb alone
  ("turn away" = "turn from a straight course…", a kind of "turn", is left out), and it is
  then found only where the reference uses it as a verb. Adjective and adverb phrases
  need two content words ("free of charge"; "at sea", "in the air" are meant literally as
  often as not). Nouns are left out: English noun metaphors are mostly calqued into Arabic
  news as they stand (الحرب الباردة "cold war", الضوء الأخضر "green light"), and noun
  compounds (prime minister, police officer) are compositional.
* **The hand list** ``idioms_en.tsv`` (:func:`eval.lexicon.resources.idioms`): idioms WordNet
  lacks (mostly noun phrases and newer figures of speech), with the words a literal Arabic
  rendering glosses back to, and *established calques* (red line, on the table) whose
  word-for-word Arabic is correct: an expression overlapping a calque is never reported.

Matching is by base forms: every word may be inflected ("stepped down", "cuts corners",
"dragging its feet"); WordNet's ``one's`` / ``someone's`` slot takes a possessive (its, the
government's), ``oneself`` a reflexive pronoun, ``someone`` / ``something`` a short noun phrase;
a phrasal verb may hold a short object between verb and particle ("turned the offer down").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from eval.lexicon import index as lexindex
from eval.lexicon import resources, wordnet
from eval.text.tokens import LATIN_WORD, Token, irregular_forms, stem

POSS, REFL, OBJ = "<poss>", "<refl>", "<obj>"
SLOTS = frozenset({POSS, REFL, OBJ})
_SLOT_WORDS = {
    "one's": POSS, "someone's": POSS, "somebody's": POSS, "{pron}": POSS,
    "oneself": REFL, "someone": OBJ, "somebody": OBJ, "something": OBJ,
}
#: Adverbial particles of phrasal verbs: a verb whose other words are all among these may
#: take its object between verb and particle. Prepositions that always take an object
#: (for, to, with, at, of, from, into…) are not among them: "pay for", "go to" are mostly
#: literal, whatever sense WordNet lists them under.
PARTICLES = frozenset(
    "up down out off away back over on in by through around about along apart aside ahead forward".split()
)
#: Particles that are (chiefly) prepositions: followed by a noun phrase, the verb is read
#: literally ("work in the region"); and particles that are never prepositions, whose noun
#: phrase is the verb's object ("turned away the guests").
PREPOSITION_PARTICLES = frozenset("on in by through about around along".split())
_ADVERBS = frozenset("away back apart aside ahead forward".split())
_POSSESSIVES = frozenset("my your his her its our their".split())
_REFLEXIVES = frozenset("myself yourself himself herself itself ourselves yourselves themselves oneself".split())
_OBJECT_PRONOUNS = frozenset("me you him her it us them this that these those".split())
_DETERMINERS = frozenset("a an the this that these those some any no every each".split()) | _POSSESSIVES
_SUBJECTS = frozenset("i we you they he she it who".split())
_VERB_CONTEXT = frozenset(
    "to will would can could may might must shall should do does did not never also still just "
    "had has have was were is are be been being".split()
) | _SUBJECTS
_ARTICLES = frozenset({"a", "an"})
#: Content words of glosses that say nothing of the meaning.
_GLOSS_GENERIC = frozenset({"someone", "something", "somebody", "one", "oneself", "thing", "person"})


@dataclass(frozen=True)
class Expression:
    """One multiword expression to look for.

    ``pattern`` holds the stems of the expression's words and slot markers (:data:`POSS`,
    :data:`REFL`, :data:`OBJ`); ``literal`` the English stems a word-for-word Arabic
    rendering glosses back to, one set per content word; ``min_literal`` how many of them
    must be found. ``meaning_stems`` are the content words of the meaning (the glosses of
    all senses and their single-word synonyms): a word glossing one renders the meaning.
    """

    text: str
    words: tuple[str, ...]  # the expression's words, lower case
    pattern: tuple[str, ...]
    literal: tuple[frozenset[str], ...]
    min_literal: int
    meaning: str  # the hand list's meaning, or the gloss of WordNet's first sense
    meaning_stems: frozenset[str]
    source: str  # "wordnet" or "list"
    pos: str = ""  # WordNet's part of speech ("v", "a", "r"); "" for the hand list
    calque: bool = False  # an established calque: its word-for-word Arabic is correct
    separable: bool = False  # verb + particles: an object may stand between them
    fixed: bool = False  # an adjective or adverb phrase: its words are not inflected
    verb_head: bool = False  # found only where its first word is used as a verb

    @property
    def particles(self) -> frozenset[str]:
        """Stems of the pattern's words that are neither slots nor literal words."""
        literal = frozenset().union(*self.literal)
        return frozenset(p for p in self.pattern if p not in SLOTS and p not in literal)


@dataclass(frozen=True)
class Occurrence:
    """Where an expression stands in a token list: ``tokens[start:end]``; ``words`` are the
    indices of the tokens matching the expression's own words (not slots or objects)."""

    expression: Expression
    start: int
    end: int
    words: tuple[int, ...]


def norms(word: str) -> frozenset[str]:
    """Stems of an English word and of its WordNet base forms (feet → feet, foot)."""
    low = word.lower().replace("’", "'")
    return _norms(low)


@functools.lru_cache(maxsize=65536)
def _norms(low: str) -> frozenset[str]:
    return frozenset({stem(low), *(stem(b) for b in wordnet.base_forms(low) if " " not in b)})


def _content_words(words: Sequence[str]) -> list[str]:
    stop = resources.stopwords_en()
    return [w for w in words if w not in stop and w not in _SLOT_WORDS and len(w) > 1 and w.isalpha()]


def gloss_stems(gloss: str) -> frozenset[str]:
    """Norms (:func:`norms`) of a gloss's content words."""
    stop = resources.stopwords_en()
    out: set[str] = set()
    for w in LATIN_WORD.findall(gloss.lower()):
        if w not in stop and w not in _GLOSS_GENERIC and len(w) > 1:
            out |= norms(w)
    return frozenset(out)


#: Closed-class words: what is left of an expression without them is compared with its glosses.
_CLOSED = PARTICLES | _POSSESSIVES | _OBJECT_PRONOUNS | _DETERMINERS | frozenset(
    "of to for with at from into onto upon as than like under after before between against within "
    "without toward towards and or but nor not be is are was were been have has had do does did "
    "one's someone's somebody's oneself someone somebody something".split()
)


def _compositional(gloss: str, words: Sequence[str]) -> bool:
    """The gloss repeats one of the expression's words (closed-class words aside: "same"
    counts, "the" does not), or a derivation of one (roll ← roller, unrolling)."""
    content = [w for w in words if w not in _CLOSED and w.isalpha()]
    own = frozenset().union(*(norms(w) for w in content)) if content else frozenset()
    for w in LATIN_WORD.findall(gloss.lower()):
        if norms(w) & own or any(len(c) >= 4 and c in w for c in content):
            return True
    return False


@functools.lru_cache(maxsize=8192)
def _wordnet_expression(lemma: str) -> Expression | None:
    """WordNet's multiword ``lemma`` as an :class:`Expression` when it is idiomatic, else ``None``."""
    words = lemma.split()
    if len(words) < 2 or not words[0].isalpha():
        return None
    # (the glosses of this lemma's senses alone, not of all the first word's expressions)
    senses = [e for e in wordnet.lemma_expressions(words[0], lemma) if e.pos in ("v", "a", "r")]
    if not senses:
        return None
    # the words whose norms are needed below, read from WordNet at once
    wordnet.prefetch([*words, *LATIN_WORD.findall(" ".join(e.gloss for e in senses).lower())])
    content = _content_words(words)
    if not content or _compositional(senses[0].gloss, words):
        return None
    pos = senses[0].pos
    head_verb = pos == "v" and words[0] in content
    rest = [w for w in words[1:] if w not in _SLOT_WORDS]
    separable = head_verb and bool(rest) and all(w in PARTICLES for w in rest)
    if len(content) == 1 and pos != "v":
        return None  # "at sea", "in the air": a preposition and a noun, often meant literally
    if len(content) == 1 and pos == "v":
        if not separable:
            return None  # "pay for", "go to": one verb and a preposition, mostly literal
        if any(bare_verb_sense(words[0], e.synset_id) for e in senses):
            return None  # "talk about", "lie down": a sense, or a kind, of the verb itself
    meaning: set[str] = set()
    for e in senses:
        meaning |= gloss_stems(e.gloss)
        synset = wordnet.synset(e.synset_id)
        for other in synset.lemmas if synset else ():
            if other != lemma and " " not in other:
                meaning |= norms(other)
    pattern = tuple(_SLOT_WORDS.get(w) or stem(w) for w in words)
    literal = tuple(norms(w) for w in content)
    return Expression(
        lemma, tuple(words), pattern, literal, min(len(literal), max(2, len(literal) - 1)), senses[0].gloss,
        frozenset(meaning - frozenset().union(*literal)), "wordnet", pos,
        separable=separable, fixed=pos in ("a", "r"), verb_head=head_verb and len(content) == 1,
    )


def _synset_related(sid: str) -> tuple[str, ...]:
    synset = wordnet.synset(sid)
    return synset.related if synset else ()


def bare_verb_sense(verb: str, synset_id: str) -> bool:
    """The synset (a sense of a phrasal verb built on ``verb``) is a sense of ``verb`` alone,
    or one step from one ("lie down" ~ "lie", "turn away" a kind of "turn")."""
    bare = {s.id for s in wordnet.synsets(verb, "v")}
    return synset_id in bare or bool(bare.intersection(_synset_related(synset_id)))


def _idiom_words(idiom: str) -> tuple[str, ...]:
    # "lion's share": the tokeniser drops the possessive 's, so does the pattern
    return tuple(re.findall(r"\{pron\}|[A-Za-z]+", re.sub(r"'s\b", "", idiom.lower())))


@functools.lru_cache(maxsize=1)
def _list_index() -> dict[str, tuple[tuple[tuple[str, ...], resources.Idiom], ...]]:
    """The hand list's idioms and calques (with their words), by the stem of their first word."""
    out: dict[str, list[tuple[tuple[str, ...], resources.Idiom]]] = {}
    for idiom in resources.idioms(include_established=True):
        words = _idiom_words(idiom.idiom)
        out.setdefault(stem(words[0]), []).append((words, idiom))
    return {k: tuple(v) for k, v in out.items()}


@functools.lru_cache(maxsize=1024)
def _list_expression(idiom: resources.Idiom) -> Expression:
    words = _idiom_words(idiom.idiom)
    literal = tuple(norms(w) for w in idiom.literal_words)
    return Expression(
        idiom.idiom, words, tuple(_SLOT_WORDS.get(w) or stem(w) for w in words), literal,
        min(2, len(literal)), idiom.meaning, gloss_stems(idiom.meaning), "list",
        calque=idiom.established_calque,
    )


@functools.lru_cache(maxsize=65536)
def _needed(words: tuple[str, ...]) -> frozenset[str]:
    """Stems the tokens must hold for the words to be there (slots and articles aside)."""
    return frozenset(stem(w) for w in words if w not in _SLOT_WORDS and w not in _ARTICLES)


def _prefixes_needed(words: tuple[str, ...]) -> frozenset[str]:
    """The first two letters of the words (slots, articles, irregular verb forms and
    non-words aside): a quick necessary condition for :func:`_needed` ⊆ a sentence's stems
    is that these are among the first two letters of its stems, for a stem keeps its word's
    first two letters (English Snowball rewrites endings only), except for an irregular verb
    form, which is first reduced to its base (went → go)."""
    found = _PREFIXES_NEEDED.get(words)
    if found is None:
        irregular = irregular_forms()
        found = _PREFIXES_NEEDED[words] = frozenset(
            w[:2] for w in words
            if not (w in irregular or w in _SLOT_WORDS or w in _ARTICLES or not w[:1].isalpha())
        )
    return found


#: :func:`_prefixes_needed` by the words, worked out once: many expressions end alike
#: ("… out", "… up"), and they then share one set.
_PREFIXES_NEEDED: dict[tuple[str, ...], frozenset[str]] = {}


#: What may start at a word: its place among the word's candidates, the first two letters
#: of its other words (:func:`_prefixes_needed`), those words, and the hand-list idiom
#: or WordNet lemma.
Candidate = tuple[int, frozenset[str], tuple[str, ...], "resources.Idiom | str"]


@functools.lru_cache(maxsize=16384)
def _candidates(word: str) -> dict[str, tuple[Candidate, ...]]:
    """What may start at ``word`` (lower case), with its other words: hand-list idioms, and
    WordNet lemmas, made into :class:`Expression` (:func:`_list_expression`,
    :func:`_wordnet_expression`) only when a sentence holds all of their words. Indexed by
    the first (in alphabetical order) of the two-letter prefixes they need, "" when they
    need none: a sentence lacking that prefix holds none of them, so only the groups of
    the sentence's prefixes are tried."""
    found: dict[str, tuple[tuple[str, ...], resources.Idiom | str]] = {}
    for key in _norms(word):
        for words, idiom in _list_index().get(key, ()):
            found.setdefault(idiom.idiom.lower(), (words[1:], idiom))
    if word.isalpha():
        for lemma, pos, _sid in wordnet.expression_senses(word):
            if pos in ("v", "a", "r") and lemma not in found:
                found[lemma] = (tuple(lemma.split(" ")[1:]), lemma)
    groups: dict[str, list[Candidate]] = {}
    for k, (rest, candidate) in enumerate(found.values()):
        needed = _prefixes_needed(rest)
        groups.setdefault(min(needed, default=""), []).append((k, needed, rest, candidate))
    return {prefix: tuple(group) for prefix, group in groups.items()}


_JOINED = re.compile(r"\s*|\s*-\s*|['’][sS]?\s+")


def _joined(text: str, offset: int, a: Token, b: Token) -> bool:
    """Only blanks, a hyphen or a possessive 's between two tokens: no punctuation breaks
    the phrase."""
    return bool(_JOINED.fullmatch(text[a.end - offset : b.start - offset]))


def _possessive_end(text: str, offset: int, tok: Token) -> bool:
    rest = text[tok.end - offset : tok.end - offset + 2]
    return rest[:1] in ("'", "’") and (rest[1:2] in ("s", "S", "") or not rest[1:2].isalpha())


def _slot(kind: str, tokens: Sequence[Token], i: int, text: str, offset: int) -> list[int]:
    """Token indices where a slot starting at ``i`` may end (exclusive), shortest first."""
    if i >= len(tokens):
        return []
    low = tokens[i].text.lower()
    if kind == REFL:
        return [i + 1] if low in _REFLEXIVES else []
    if kind == POSS:
        if low in _POSSESSIVES:
            return [i + 1]
        out = []
        for n in range(1, 4):  # the government's, Northgate's
            j = i + n - 1
            if j >= len(tokens) or (n > 1 and not _joined(text, offset, tokens[j - 1], tokens[j])):
                break
            if _possessive_end(text, offset, tokens[j]):
                out.append(j + 1)
                break
        return out
    return _object(tokens, i, text, offset)


def _object(tokens: Sequence[Token], i: int, text: str, offset: int) -> list[int]:
    """A short noun phrase at ``i``: a pronoun, or an optional determiner and one or two words."""
    if i >= len(tokens):
        return []
    stop = resources.stopwords_en()
    low = tokens[i].text.lower()
    if low in _OBJECT_PRONOUNS:
        return [i + 1]
    j = i + 1 if low in _DETERMINERS else i
    out = []
    for n in (1, 2):
        end = j + n
        if end > len(tokens):
            break
        words = tokens[j:end]
        if any(w.text.lower() in stop or w.kind == "number" for w in words):
            break
        if any(not _joined(text, offset, a, b) for a, b in zip(tokens[i:end - 1], tokens[i + 1:end], strict=True)):
            break
        out.append(end)
    return out


def _word_matches(e: Expression, k: int, tok: Token) -> bool:
    """Token ``tok`` may be the expression's ``k``-th word."""
    part, low = e.pattern[k], tok.text.lower().replace("’", "'")
    if tok.kind != "word":
        return False
    if part in ("a", "an"):
        return low in _ARTICLES
    if e.fixed:
        return low == e.words[k]
    return tok.key == part or part in _norms(low)


def _used_as_verb(tokens: Sequence[Token], i: int) -> bool:
    """The token looks like a verb: past/participle/-ing form, or after a subject pronoun,
    a modal, an auxiliary or "to" (tadqiq has no tagger; "homes in the region" is no verb)."""
    low = tokens[i].text.lower()
    if low.endswith(("ed", "ing")) or low in irregular_forms():
        return True
    return i > 0 and tokens[i - 1].text.lower().replace("’", "'") in _VERB_CONTEXT


def _match(e: Expression, tokens: Sequence[Token], i: int, text: str, offset: int) -> Occurrence | None:
    """The expression starting at token ``i``, if it is there."""
    pattern = e.pattern

    def walk(k: int, j: int, words: tuple[int, ...], gap_used: bool) -> Occurrence | None:
        if k == len(pattern):
            return Occurrence(e, i, j, words)
        part = pattern[k]
        if j > i and j < len(tokens) and not _joined(text, offset, tokens[j - 1], tokens[j]):
            return None
        if part in SLOTS:
            for end in _slot(part, tokens, j, text, offset):
                if (found := walk(k + 1, end, words, gap_used)) is not None:
                    return found
            return None
        if j < len(tokens) and _word_matches(e, k, tokens[j]):
            found = walk(k + 1, j + 1, (*words, j), gap_used)
            if found is not None:
                return found
        if e.separable and k == 1 and not gap_used:
            # "turned the offer down": a short object between the verb and its particle
            for end in _object(tokens, j, text, offset):
                if end < len(tokens) and _joined(text, offset, tokens[end - 1], tokens[end]) \
                        and _word_matches(e, k, tokens[end]):
                    found = walk(k + 1, end + 1, (*words, end), True)
                    if found is not None:
                        return found
        return None

    if not _word_matches(e, 0, tokens[i]):
        return None
    occurrence = walk(1, i + 1, (i,), False)
    if occurrence is None:
        return None
    if e.verb_head:
        if not _used_as_verb(tokens, i):
            return None
        after = _phrase_after(tokens, occurrence.end, text, offset)
        separated = occurrence.words[-1] - occurrence.words[0] != len(occurrence.words) - 1
        particle = e.words[-1]
        if after and particle not in _ADVERBS and (
            separated
            or (particle in PREPOSITION_PARTICLES and len(e.words) == 2)
            or _literal_complement(after[-1])
        ):
            # "put two children in each bed", "work in the region", "walked down the
            # street", "went back on Monday": the last word is a preposition, read
            # literally; "went back on its promise" stays
            return None
    elif e.pos in ("a", "r") and _phrase_after(tokens, occurrence.end, text, offset, determiner=False):
        return None  # "for short films": the phrase's last word modifies the next one
    return occurrence


def _phrase_after(
    tokens: Sequence[Token], j: int, text: str, offset: int, determiner: bool = True
) -> list[Token]:
    """The noun phrase right after token ``j - 1`` (no punctuation between): an optional
    determiner and up to three words, ending before a function word."""
    if j >= len(tokens) or not _joined(text, offset, tokens[j - 1], tokens[j]):
        return []
    stop = resources.stopwords_en()
    k = j + 1 if determiner and tokens[j].text.lower() in _DETERMINERS else j
    words = []
    while k < len(tokens) and len(words) < 3 and tokens[k].text.lower() not in stop \
            and _joined(text, offset, tokens[k - 1], tokens[k]):
        words.append(tokens[k])
        k += 1
    if not words and k > j:
        return [tokens[j]]
    return words


#: WordNet noun synsets whose hyponyms a spatial or temporal preposition takes literally:
#: physical entity, time period.
_LITERAL_ROOTS = frozenset({"00001930n", "15113229n"})


def _literal_complement(tok: Token) -> bool:
    """Some noun sense of the word is a thing, place, being or stretch of time (its WordNet
    hypernyms reach one of :data:`_LITERAL_ROOTS`): "down the street", "back on Monday".
    Numbers and words WordNet lacks count too ("up 5 percent")."""
    if tok.kind != "word":
        return True
    senses = wordnet.synsets(tok.text.lower(), "n")
    return not senses or any(_reaches_literal_root(s.id) for s in senses)


@functools.lru_cache(maxsize=65536)
def _reaches_literal_root(sid: str) -> bool:
    return wordnet.reaches(sid, _LITERAL_ROOTS)


def _second_word_near(rest: tuple[str, ...], tokens: Sequence[Token], lows: Sequence[str], i: int) -> bool:
    """A necessary condition for an expression whose words after the first are ``rest`` to
    start at token ``i`` (:func:`_match`), from its words alone: a second word that is
    neither a slot nor an article stands right after it or, past a short object
    (:func:`_object`: at most three tokens), within four tokens, and matches as
    :func:`_word_matches` would (a fixed phrase's word is its own stem's norm too)."""
    if not rest or rest[0] in _SLOT_WORDS or rest[0] in _ARTICLES:
        return True
    part = stem(rest[0])
    for j in range(i + 1, min(len(tokens), i + 5)):
        tok = tokens[j]
        if tok.kind == "word" and (tok.key == part or part in _norms(lows[j])):
            return True
    return False


def find(tokens: Sequence[Token], text: str, offset: int = 0) -> list[Occurrence]:
    """The expressions in ``tokens`` (of ``text``, whose first character is at ``offset``),
    longest first where two overlap; an established calque hides what it overlaps and is
    itself returned (callers skip calques)."""
    lows = [t.text.lower().replace("’", "'") for t in tokens]
    wordnet.prefetch(lows)
    present = {t.key for t in tokens}.union(*(_norms(low) for low in lows))
    prefixes = {p[:2] for p in present}
    prefixes_or_none = prefixes | {""}
    found: list[Occurrence] = []
    for i, tok in enumerate(tokens):
        if tok.kind != "word":
            continue
        here: list[tuple[int, Occurrence]] = []
        groups = _candidates(lows[i])
        for key in groups.keys() & prefixes_or_none:
            for k, needed_prefixes, rest, candidate in groups[key]:
                if not needed_prefixes <= prefixes or not _needed(rest) <= present:
                    continue
                if isinstance(candidate, str):
                    if not _second_word_near(rest, tokens, lows, i):
                        continue
                    e = _wordnet_expression(candidate)
                else:
                    e = _list_expression(candidate)
                occurrence = _match(e, tokens, i, text, offset) if e is not None else None
                if occurrence is not None:
                    here.append((k, occurrence))
        here.sort(key=lambda x: x[0])  # in the candidates' order, as before grouping
        found += [occurrence for _, occurrence in here]
    found.sort(key=lambda o: (
        not o.expression.calque, -len(o.expression.pattern), -(o.end - o.start), o.start
    ))
    kept: list[Occurrence] = []
    for o in found:
        if all(o.end <= k.start or k.end <= o.start for k in kept):
            kept.append(o)
    return sorted(kept, key=lambda o: o.start)


def renders_whole(gloss_norms: frozenset[str], e: Expression) -> bool:
    """An Arabic gloss renders the expression as a unit: it holds all of the expression's
    words ("carry out" for نفذ), particles included."""
    words = [p for p in e.pattern if p not in SLOTS and p not in ("a", "an", "the")]
    return len(words) >= 2 and all(p in gloss_norms for p in words)


def _reset() -> None:
    for fn in (_norms, _wordnet_expression, _list_index, _list_expression, _needed, _candidates,
               _reaches_literal_root):
        fn.cache_clear()
    _PREFIXES_NEEDED.clear()


lexindex.on_reset(_reset)

__all__ = [
    "OBJ", "PARTICLES", "POSS", "PREPOSITION_PARTICLES", "REFL", "SLOTS", "Expression", "Occurrence",
    "bare_verb_sense", "find",
    "gloss_stems", "norms", "renders_whole",
]
