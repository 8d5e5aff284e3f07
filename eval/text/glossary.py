"""Reading the user's glossary: a CSV of English terms and their required Arabic renderings.

This module owns the file format (:func:`load_glossary`) and the value it yields
(:class:`GlossaryTerm`); the check that applies a glossary to a translation is
:mod:`eval.flags.checks.glossary`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from eval.text.documents import decode_bytes, read_bytes
from eval.text.normalise import arabic_ratio
from eval.text.tokens import normalise_ar_word, tokenize_en
from eval.values import counted
from tadqiq.errors import ConfigError, InputError


@dataclass(frozen=True)
class GlossaryTerm:
    """One glossary row: the English term, its normalised Arabic renderings and the term's stems."""

    english: str
    arabic: tuple[str, ...]
    stems: tuple[str, ...]


def load_glossary(path: Path) -> list[GlossaryTerm]:
    """CSV with a header ``english,arabic``; alternatives separated by ``|``.

    Read like the other inputs (UTF-8 with or without BOM, UTF-16 with BOM, Windows-1256,
    as Excel saves CSV). A bad row is a :class:`ConfigError` naming the file and the
    row's line, never skipped: a term silently missing from the glossary would make a
    wrong rendering of it go unflagged. Bad rows are: fewer than two cells or more than
    the header names (empty cells at the end, as spreadsheets add, are fine), an empty
    cell, an English term with Arabic script or no letter, an Arabic column without any
    Arabic script (columns swapped?), and text that is not CSV. Blank lines are skipped.
    """
    where = str(path)
    try:
        text = decode_bytes(read_bytes(path, "the glossary file"), where)[0]
    except InputError as exc:
        raise ConfigError(str(exc)) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    line = 1  # the line the next row starts on
    try:
        for row in reader:
            rows.append((line, row))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ConfigError(f"{where}: line {line}: not valid CSV ({exc})") from None
    if not any(c.strip() for _, row in rows for c in row):
        raise ConfigError(f"{where}: the glossary is empty (expected the header 'english,arabic')")
    header = _without_empty_tail(rows[0][1], 0)
    if [c.strip().lower() for c in header[:2]] != ["english", "arabic"]:
        raise ConfigError(f"{where}: line 1: expected the header 'english,arabic'")
    width = len(header)  # further named columns (notes, ...) are allowed and ignored
    terms = []
    for number, row in rows[1:]:
        if not any(c.strip() for c in row):
            continue
        cells = _without_empty_tail(row, 2)
        english = cells[0].strip()
        arabic_cell = cells[1].strip() if len(cells) > 1 else ""
        if not 2 <= len(cells) <= width or not english or not arabic_cell:
            raise ConfigError(
                f"{where}: line {number}: expected 'english term,arabic rendering(s)', "
                f"got {counted(len(cells), 'cell')}: {_cells(cells)}"
            )
        if arabic_ratio(english) > 0 or not any(ch.isalpha() for ch in english):
            raise ConfigError(
                f"{where}: line {number}: the english column {english!r} is not an English term"
                " (are the columns swapped?)"
            )
        alternatives = [a.strip() for a in arabic_cell.split("|") if a.strip()]
        if not any(arabic_ratio(a) > 0 for a in alternatives):
            raise ConfigError(
                f"{where}: line {number}: the arabic column {arabic_cell!r} has no Arabic script"
                " (are the columns swapped?)"
            )
        arabic = tuple(normalise_ar_word(a) for a in alternatives)
        stems = tuple(t.key for t in tokenize_en(english))
        terms.append(GlossaryTerm(english, arabic, stems))
    return terms


def _without_empty_tail(cells: Sequence[str], keep: int) -> list[str]:
    out = list(cells)
    while len(out) > keep and not out[-1].strip():
        out.pop()
    return out


def _cells(cells: Sequence[str]) -> str:
    shown = ", ".join(repr(c.strip()) for c in cells[:4])
    return shown + (", …" if len(cells) > 4 else "")
