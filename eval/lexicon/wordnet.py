"""WordNet 3.0 at run time: senses, base forms, near-synonymy, antonyms, multiword expressions.

Owns the lookups over the committed resource ``eval/lexicon/resources/wordnet.tsv.gz``
(built by ``tools/build_wordnet.py`` from Debian's ``wordnet-base``; its docstring
documents the rows).
"""

from __future__ import annotations

import functools
import gzip
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources as _resources

from eval.lexicon import index, resources
from eval.text.tokens import LATIN_WORD, stem

POS = ("n", "v", "a", "r")
RESOURCE = "wordnet.tsv.gz"

# How many times the resource was parsed in this process (for tests).
builds = 0


@dataclass(frozen=True)
class Synset:
    """One WordNet synset."""

    id: str
    pos: str
    lemmas: tuple[str, ...]
    related: tuple[str, ...]
    gloss: str


@dataclass(frozen=True)
class Expression:
    """A multiword WordNet lemma in one of its senses."""

    lemma: str
    words: tuple[str, ...]
    pos: str
    synset_id: str
    gloss: str


_RULES: dict[str, tuple[tuple[str, str], ...]] = {
    "n": (("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"),
          ("men", "man"), ("ies", "y")),
    "v": (("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")),
    "a": (("er", ""), ("est", ""), ("er", "e"), ("est", "e")),
    "r": (),
}


class _Memory:
    def __init__(self, text: str) -> None:
        global builds
        builds += 1
        self.synsets: dict[str, tuple[str, str, str, str]] = {}
        self.senses: dict[str, dict[str, list[str]]] = {}
        self.exceptions: dict[str, list[tuple[str, str]]] = {}
        self.antonyms: dict[str, set[str]] = {}
        self.derived: dict[str, set[str]] = {}
        for line in text.splitlines():
            kind = line[:1]
            if kind == "S":
                _, sid, pos, lemmas, related, gloss = line.split("\t")
                self.synsets[sid] = (pos, lemmas, related, gloss)
                for lemma in lemmas.split(","):
                    self.senses.setdefault(lemma, {}).setdefault(pos, []).append(sid)
            elif kind == "A":
                _, a, b = line.split("\t")
                self.antonyms.setdefault(a, set()).add(b)
                self.antonyms.setdefault(b, set()).add(a)
            elif kind == "D":
                _, a, b = line.split("\t")
                self.derived.setdefault(a, set()).add(b)
                self.derived.setdefault(b, set()).add(a)
            elif kind == "X":
                _, pos, form, base = line.split("\t")
                self.exceptions.setdefault(form, []).append((pos, base))
        self.expressions: dict[str, list[tuple[str, str, str]]] = {}


@functools.lru_cache(maxsize=1)
def _data() -> _Memory:
    raw = _resources.files(resources).joinpath(RESOURCE).read_bytes()
    data = _Memory(gzip.decompress(raw).decode("utf-8"))
    exprs: dict[str, list[tuple[str, str, str]]] = {}
    for lemma, by_pos in data.senses.items():
        words = lemma.split()
        if len(words) < 2:
            continue
        keys = _morphy_all(data, words[0]) or (words[0],)
        for pos, ids in by_pos.items():
            for sid in ids:
                for key in keys:
                    exprs.setdefault(key, []).append((lemma, pos, sid))
    data.expressions = exprs
    return data


def _clean(word: str) -> str:
    return " ".join(word.lower().replace("_", " ").split())


def _morphy(data: _Memory, word: str, pos: str) -> list[str]:
    def known(form: str) -> bool:
        return pos in data.senses.get(form, {})

    out: list[str] = []
    if known(word):
        out.append(word)
    for xpos, base in data.exceptions.get(word, ()):
        if xpos == pos and known(base) and base not in out:
            out.append(base)
    for old, new in _RULES[pos]:
        if word.endswith(old) and len(word) > len(old):
            form = word[: -len(old)] + new
            if known(form) and form not in out:
                out.append(form)
    if pos == "v":
        for suffix in ("ed", "ing"):
            root = word[: -len(suffix)]
            if word.endswith(suffix) and len(root) >= 3 and root[-1] == root[-2] and root[-1] not in "aeiouy":
                form = root[:-1]
                if known(form) and form not in out:
                    out.append(form)
    return out


def _morphy_all(data: _Memory, word: str, pos: str | None = None) -> tuple[str, ...]:
    out: list[str] = []
    if word in data.senses and (pos is None or pos in data.senses[word]):
        out.append(word)
    for p in POS if pos is None else (pos,):
        for form in _morphy(data, word, p):
            if form not in out:
                out.append(form)
    return tuple(out)


@functools.lru_cache(maxsize=65536)
def base_forms(word: str, pos: str | None = None) -> tuple[str, ...]:
    """WordNet lemmas ``word`` may be an inflection of (itself first when it is a lemma)."""
    return _morphy_all(_data(), _clean(word), pos)


def is_lemma(word: str, pos: str | None = None) -> bool:
    """Whether ``word`` is itself a WordNet lemma (of part of speech ``pos``)."""
    found = _data().senses.get(_clean(word))
    return bool(found) and (pos is None or pos in found)  # type: ignore[operator]


@functools.lru_cache(maxsize=65536)
def synset(sid: str) -> Synset | None:
    """The synset with id ``sid`` (``None`` if there is none)."""
    row = _data().synsets.get(sid)
    if row is None:
        return None
    pos, lemmas, related, gloss = row
    return Synset(sid, pos, tuple(lemmas.split(",")), tuple(dict.fromkeys(related.split())), gloss)


@functools.lru_cache(maxsize=65536)
def synsets(word: str, pos: str | None = None) -> tuple[Synset, ...]:
    """Senses of ``word`` or of its base forms: parts of speech n, v, a, r; WordNet's sense order."""
    data = _data()
    word = _clean(word)
    ids: list[str] = []
    for p in POS if pos is None else (pos,):
        for form in _morphy(data, word, p):
            ids += data.senses[form][p]
    return tuple(synset(sid) for sid in dict.fromkeys(ids))  # type: ignore[misc]


def _content_stems(words: Iterable[str]) -> set[str]:
    stop = resources.stopwords_en()
    return {stem(w) for w in words if w not in stop and len(w) > 1}


@functools.lru_cache(maxsize=65536)
def _signature(sid: str) -> frozenset[str]:
    s = synset(sid)
    assert s is not None
    words = LATIN_WORD.findall(s.gloss.lower())
    for lemmas in (s.lemmas, *(r.lemmas for r in map(synset, s.related) if r is not None)):
        for lemma in lemmas:
            words += LATIN_WORD.findall(lemma)
    return frozenset(_content_stems(words))


def _lesk(word: str, context: Iterable[str], pos: str | None) -> tuple[Synset | None, int]:
    senses = synsets(word, pos)
    if not senses:
        return None, 0
    own = {stem(w) for w in LATIN_WORD.findall(_clean(word))}
    ctx = _content_stems(w for c in context for w in LATIN_WORD.findall(c.lower())) - own
    best, score = senses[0], 0
    for s in senses:
        overlap = len(_signature(s.id) & ctx)
        if overlap > score:
            best, score = s, overlap
    return best, score


def sense_of(word: str, context: Iterable[str], pos: str | None = None) -> Synset | None:
    """The sense of ``word`` whose gloss, lemmas and related lemmas share most stems with
    ``context`` (simplified Lesk); ties and no overlap → the earlier sense."""
    return _lesk(word, context, pos)[0]


@functools.lru_cache(maxsize=65536)
def _neighbours(sid: str) -> frozenset[str]:
    data = _data()
    s = synset(sid)
    assert s is not None
    out = set(s.related)
    for lemma in s.lemmas:
        for other in data.derived.get(lemma, ()):
            for p in data.senses.get(other, {}).values():
                out.update(p)
    return frozenset(out)


def near_synonyms(a: str, b: str, *, context: Iterable[str] = ()) -> bool:
    """Whether a sense of ``a`` and a sense of ``b`` share a synset or are one step apart."""
    context = tuple(context)
    senses_a: tuple[Synset, ...] = synsets(a)
    if context:
        chosen, score = _lesk(a, context, None)
        if chosen is not None and score > 0:
            senses_a = (chosen,)
    senses_b = synsets(b)
    ids_b = {s.id for s in senses_b}
    for s in senses_a:
        if s.id in ids_b or _neighbours(s.id) & ids_b:
            return True
        if any(s.id in _neighbours(t.id) for t in senses_b):
            return True
    return False


@functools.lru_cache(maxsize=65536)
def antonyms(word: str) -> frozenset[str]:
    """Lexical antonyms of ``word`` and of its base forms."""
    data = _data()
    out: set[str] = set()
    for form in base_forms(word):
        out |= data.antonyms.get(form, set())
    return frozenset(out)


@functools.lru_cache(maxsize=65536)
def expressions(word: str) -> tuple[Expression, ...]:
    """Multiword lemmas whose first word has a base form among ``word``'s."""
    data = _data()
    word = _clean(word)
    out: dict[tuple[str, str], Expression] = {}
    for key in dict.fromkeys((*base_forms(word), word)):
        for lemma, pos, sid in data.expressions.get(key, ()):
            if (lemma, sid) not in out:
                s = synset(sid)
                out[(lemma, sid)] = Expression(lemma, tuple(lemma.split()), pos, sid, s.gloss if s else "")
    return tuple(out.values())


def _reset() -> None:
    for fn in (_data, base_forms, synset, synsets, _signature, _neighbours, antonyms, expressions):
        fn.cache_clear()


index.on_reset(_reset)
