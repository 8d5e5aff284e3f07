"""Terminal tables that fit the width they are given, without cutting a number.

rich shrinks the columns of a table that is too wide, and a column that may not wrap is
cut with "…" — for a number that is misleading (``10…`` for 103.22), not just untidy.
:func:`fit_table` decides every column's width itself:

* a number column (:attr:`Col.number`) is as wide as its widest value and its header,
  never wrapped and never cut;
* a text column wraps between words, and folds a word longer than the column (a hub id)
  onto the next line, whole; an excerpt column (``wrap=False``) is cut with "…" instead;
* when even the narrowest layout is wider than the terminal, the columns with the highest
  :attr:`Col.drop` go first (0: never dropped); :attr:`FittedTable.dropped` names them so
  the caller can say so, and :attr:`FittedTable.fits` is False when even the columns that
  are never dropped do not fit (the caller may then lay the rows out otherwise).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from rich import box as boxes
from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

__all__ = ["Col", "FittedTable", "dropped_note", "fit_table"]

class PlainRenderable(Protocol):
    """A rich renderable that can say its text (e.g. :class:`eval.reports.bidi.VisualArabic`)."""

    @property
    def plain(self) -> str: ...


Cell = str | Text | PlainRenderable


@dataclass(frozen=True)
class Col:
    """One column: its header and how it may give way when the width is short."""

    header: str
    number: bool = False  # right-aligned, never wrapped or cut
    drop: int = 0  # 0: always shown; otherwise the highest go first when the width is short
    min_width: int = 10  # a text column: the narrowest it wraps to
    wrap: bool = True  # a text column: wrap (True) or cut with "…" (an excerpt)
    fill: bool = False  # takes the width left over (at most the terminal's)
    justify: Literal["left", "right", "center"] | None = None
    style: str | None = None


@dataclass(frozen=True)
class FittedTable:
    table: Table
    dropped: tuple[str, ...]  # headers of the columns left out for lack of width
    fits: bool  # False: even the columns never dropped are wider than the width


def _plain(cell: Cell) -> str:
    return cell if isinstance(cell, str) else cell.plain


def _width(cell: Cell) -> int:
    return max((cell_len(line) for line in _plain(cell).splitlines()), default=0)


def _longest_word(text: str) -> int:
    return max((cell_len(w) for w in text.split()), default=0)


def _overhead(n: int, *, edge: bool, pad_edge: bool) -> int:
    """Borders and padding of a table of ``n`` columns (one space each side of a cell)."""
    rules = (n - 1) + (2 if edge else 0)
    padding = 2 * n - (0 if pad_edge else 2)
    return rules + padding


def fit_table(
    columns: Sequence[Col],
    rows: Sequence[Sequence[Cell]],
    width: int,
    *,
    title: str | None = None,
    edge: bool = True,
    pad_edge: bool = True,
    row_styles: Sequence[str | None] | None = None,
) -> FittedTable:
    """A rich table of ``rows`` under ``columns`` that is at most ``width`` cells wide.

    ``edge=False`` draws no outer border and ``pad_edge=False`` no outer padding
    (a lighter table). See the module docstring for how the widths are chosen.
    """
    natural = [
        max([_width(c.header)] + [_width(row[k]) for row in rows]) for k, c in enumerate(columns)
    ]
    minimum = [
        natural[k] if c.number else min(natural[k], max(c.min_width, _longest_word(c.header), 1))
        for k, c in enumerate(columns)
    ]
    shown = list(range(len(columns)))

    def needed(ks: list[int]) -> int:
        return sum(minimum[k] for k in ks) + _overhead(len(ks), edge=edge, pad_edge=pad_edge)

    dropped: list[int] = []
    while needed(shown) > width:
        candidates = [k for k in shown if columns[k].drop > 0]
        if not candidates:
            break
        worst = max(candidates, key=lambda k: (columns[k].drop, k))
        shown.remove(worst)
        dropped.append(worst)

    widths = {k: minimum[k] for k in shown}
    spare = width - needed(shown)
    # Whole headers for the numbers first, then the text columns up to their natural width
    # (in proportion to what each wants), then whatever is left to a filling column.
    for k in shown:
        if columns[k].number and spare > 0:
            extra = min(spare, natural[k] - widths[k])
            widths[k] += extra
            spare -= extra
    wants = {k: natural[k] - widths[k] for k in shown if not columns[k].number and not columns[k].fill}
    total_want = sum(wants.values())
    if spare > 0 and total_want:
        if total_want <= spare:
            for k, want in wants.items():
                widths[k] += want
            spare -= total_want
        else:
            given = {k: spare * want // total_want for k, want in wants.items()}
            for k, extra in given.items():
                widths[k] += extra
            spare -= sum(given.values())
            for k in sorted(wants, key=lambda k: -wants[k]):  # the rounding remainder
                if spare <= 0:
                    break
                if widths[k] < natural[k]:
                    widths[k] += 1
                    spare -= 1
    fillers = [k for k in shown if columns[k].fill]
    if fillers and spare > 0:
        widths[fillers[0]] += spare

    table = Table(
        title=title,
        box=boxes.HEAVY_HEAD,
        show_edge=edge,
        pad_edge=pad_edge,
        expand=False,
    )
    for k in shown:
        c = columns[k]
        table.add_column(
            c.header,
            justify=c.justify or ("right" if c.number else "left"),
            width=max(widths[k], 1),
            no_wrap=c.number or not c.wrap,
            overflow="fold" if c.number or c.wrap else "ellipsis",
            style=c.style,
        )
    for i, row in enumerate(rows):
        table.add_row(*(row[k] for k in shown), style=row_styles[i] if row_styles else None)
    return FittedTable(table, tuple(columns[k].header for k in sorted(dropped)), needed(shown) <= width)


def dropped_note(fitted: FittedTable, width: int) -> str | None:
    """One line saying which columns a narrow terminal left out (None: none were)."""
    if not fitted.dropped:
        return None
    return (
        f"(left out at {width} columns: {', '.join(fitted.dropped)}; "
        "a wider terminal, e.g. COLUMNS=120, shows them)"
    )
