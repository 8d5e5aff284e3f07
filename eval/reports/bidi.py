"""Visual reordering of right-to-left text for terminals without bidi support.

Reordering comes after line breaking (as in the Unicode bidi algorithm, UAX #9): a long
sentence is cut or wrapped in logical order first, so what fits on the screen is its
*start*, and each screen line is then reordered on its own. :class:`VisualArabic` does
that at render time, when rich knows the width of the cell or the console.
"""

from __future__ import annotations

from typing import Literal

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

__all__ = ["VisualArabic", "to_visual"]


def to_visual(text: str) -> str:
    """Return ``text`` in visual (left-to-right display) order, line by line."""
    from bidi import get_display

    return "\n".join(get_display(line) for line in text.split("\n"))


class VisualArabic:
    """A rich renderable: ``text`` (logical order) cut with "…" (or wrapped) to the width
    it gets, then each line reordered for display — the sentence's start is what is shown.
    A cut line is right-aligned (as Arabic reads), wrapped lines left-aligned."""

    def __init__(self, text: str, *, wrap: bool = False) -> None:
        self.text = " ".join(text.split())
        self.wrap = wrap
        self.justify: Literal["left", "right"] = "left" if wrap else "right"

    @property
    def plain(self) -> str:
        """The text in logical order (what a table measures)."""
        return self.text

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        width = Text(self.text).cell_len
        return Measurement(min(width, 1), width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(1, options.max_width)
        logical = Text(self.text)
        if self.wrap:
            lines = [line.plain for line in logical.wrap(console, width)]
        else:
            logical.truncate(width, overflow="ellipsis")
            lines = [logical.plain]
        for line in lines:
            yield Text(to_visual(line.strip()), justify=self.justify,
                       no_wrap=True, overflow="crop", end="\n")
