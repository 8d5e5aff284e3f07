"""Pairing a precomputed back-translation file with the Arabic segments.

A hypothesis file holds either one line per Arabic paragraph or one line per
Arabic sentence (blank lines are ignored on both sides). With one line per
paragraph, each line is split into sentences; where a paragraph has as many
English as Arabic sentences they pair one to one, otherwise a length-based
dynamic programme (Gale & Church style: character lengths, merges of up to
three sentences) groups them into units.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from eval.text.documents import check_sentence_lengths
from eval.text.segment import LINES, segment
from eval.values import CONTROL_CHARS, Segment, Unit, counted
from tadqiq.errors import InputError

_SHAPES = ((1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1))
_INVISIBLE = dict.fromkeys(map(ord, CONTROL_CHARS))


def units_from_hypothesis(
    ar_segments: Sequence[Segment], hypothesis: str, path: str = "<hypothesis>"
) -> list[Unit]:
    """Group Arabic segments with the hypothesis text that renders them.

    Raises InputError (one line, starting with ``path``) when the text is empty, has
    an absurdly long "sentence", or has as many lines as neither the article's
    paragraphs nor its sentences.
    """
    # Blank lines, and lines of nothing but invisible controls (bidi marks, zero-width
    # spaces), are ignored, as the segmenter ignores them in the article.
    # Lines end at \r or \n only, as the article's paragraphs do (not at U+2028, U+0085
    # or a form feed, which str.splitlines would also break on).
    lines = [
        m.group().strip()
        for m in LINES.finditer(hypothesis)
        if m.group().translate(_INVISIBLE).strip()
    ]
    if not lines:
        raise InputError(f"{path}: the hypothesis is empty")
    check_sentence_lengths(hypothesis, path, "hypothesis")
    paragraphs: dict[int, list[Segment]] = {}
    for seg in ar_segments:
        paragraphs.setdefault(seg.paragraph, []).append(seg)
    if len(lines) == len(paragraphs):
        units: list[Unit] = []
        for line, segs in zip(lines, paragraphs.values(), strict=True):
            units.extend(pair_paragraph(segs, [s.text for s in segment(line, "en")] or [line]))
        return units
    if len(lines) == len(ar_segments):
        return [Unit((seg.index,), line) for seg, line in zip(ar_segments, lines, strict=True)]
    raise InputError(
        f"{path}: has {counted(len(lines), 'non-empty line')} but the article has "
        f"{counted(len(paragraphs), 'paragraph')} and {counted(len(ar_segments), 'sentence')};"
        " give one line per paragraph or per sentence"
    )


def pair_paragraph(ar: Sequence[Segment], en: Sequence[str]) -> list[Unit]:
    """The Arabic sentences of one paragraph with the English sentences rendering them:
    one to one when they are as many, else grouped by length (see the module's docstring)."""
    if len(ar) == len(en):
        return [Unit((seg.index,), text) for seg, text in zip(ar, en, strict=True)]
    ar_len = [max(1, len(s.text)) for s in ar]
    en_len = [max(1, len(t)) for t in en]
    ratio = sum(en_len) / sum(ar_len)
    n, m = len(ar), len(en)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if cost[i][j] == inf:
                continue
            for a, b in _SHAPES:
                ni, nj = i + a, j + b
                if ni > n or nj > m:
                    continue
                expected = ratio * sum(ar_len[i:ni])
                actual = sum(en_len[j:nj])
                step = abs(actual - expected) / math.sqrt(expected + 1) + 2.0 * (a + b - 2)
                if cost[i][j] + step < cost[ni][nj]:
                    cost[ni][nj] = cost[i][j] + step
                    back[ni][nj] = (i, j)
    if cost[n][m] == inf:
        # No shape fits (e.g. one Arabic sentence, five English ones): one unit.
        return [Unit(tuple(s.index for s in ar), " ".join(en))]
    units: list[Unit] = []
    i, j = n, m
    while i or j:
        prev = back[i][j]
        if prev is None:  # pragma: no cover - defensive
            break
        pi, pj = prev
        units.append(Unit(tuple(s.index for s in ar[pi:i]), " ".join(en[pj:j])))
        i, j = pi, pj
    units.reverse()
    return units
