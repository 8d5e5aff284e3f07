"""Visual reordering of right-to-left text for terminals without bidi support."""

from __future__ import annotations


def to_visual(text: str) -> str:
    """Return ``text`` in visual (left-to-right display) order, line by line."""
    from bidi import get_display

    return "\n".join(get_display(line) for line in text.split("\n"))
