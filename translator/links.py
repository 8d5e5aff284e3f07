"""Word links from attention: which source word each target word came from.

Backend-neutral: the hf backend (cross-attention read while generating) and the
CTranslate2 backend (``return_attention``) both hand these functions the tokenizer's
pieces and an attention matrix, and get back :class:`~eval.values.WordLink` values in
character offsets.

- :func:`word_spans` — the words of a text (runs of non-space characters) as (start, end).
- :func:`piece_spans` / :func:`piece_words` — where each sentencepiece piece lies in the
  text, and which word it belongs to (robust to ``<unk>``, byte pieces and NFKC folding).
- :func:`unlinked_ids` — token ids that stand for no word (specials, language codes).
- :func:`word_scores` — piece-level attention summed into a target-word × source-word
  matrix (imports torch when called).
- :func:`word_links` — that matrix turned into links: each target word to the source word
  it attended to most (and a close second).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from eval.values import WordLink

from .languages import language_id

__all__ = [
    "SECOND_LINK_RATIO",
    "piece_spans",
    "piece_words",
    "unlinked_ids",
    "word_links",
    "word_scores",
    "word_spans",
]

# Word links: a target word is also linked to a second source word that has at least
# this share of the best one's attention.
SECOND_LINK_RATIO = 0.5
_WORD_START = "\u2581"  # sentencepiece's "▁": the piece starts a new word
_WORD_RE = re.compile(r"\S+")
# A piece found further on than this many non-space characters (plus the length of the
# pieces not found before it) is taken for a chance match elsewhere, not a match.
_MAX_SKIP = 16


def word_spans(text: str) -> list[tuple[int, int]]:
    """Words of ``text``: maximal runs of non-space characters, as (start, end)."""
    return [m.span() for m in _WORD_RE.finditer(text)]


def _normalised_view(text: str) -> tuple[str, list[int]]:
    """NFKC of ``text`` char by char, and for each of its characters the index in ``text``.

    Sentencepiece models normalise (nmt_nfkc) before cutting pieces, so a piece of a
    presentation-form letter or a ligature is found in this view, not in ``text``.
    """
    chars: list[str] = []
    owner: list[int] = []
    for i, char in enumerate(text):
        norm = unicodedata.normalize("NFKC", char) or char
        chars.append(norm)
        owner.extend([i] * len(norm))
    return "".join(chars), owner


def piece_spans(
    pieces: Sequence[str], ids: Sequence[int], text: str, skip: frozenset[int] | set[int]
) -> list[tuple[int, int] | None]:
    """Character span in ``text`` of each sentencepiece piece, None where it has none.

    Pieces whose id is in ``skip`` (special tokens) have no span. Each other piece is
    looked for in ``text`` after the previous one (its leading "▁" marks a word start
    and is not text), but not so far on that the match would skip text no piece
    accounts for. A piece that cannot be found (``<unk>``, byte pieces, text the
    tokenizer normalised away) takes the non-space text between the pieces found on
    either side, if any, one word per piece that starts a word. A bare "▁" piece
    shares the span of the piece after it. Never raises on a mismatch: unmatched
    pieces just have no span.
    """
    view, owner = _normalised_view(text)
    spans: list[tuple[int, int] | None] = [None] * len(pieces)
    lost: list[int] = []  # pieces not found, waiting for the next found one
    lost_chars = 0  # how much text they might stand for
    markers: list[int] = []  # bare "▁" pieces, waiting for the next piece with a span
    pos = 0

    def settle_lost(until: int) -> None:
        nonlocal lost_chars
        lost_chars = 0
        if not lost:
            return
        gap = [(a + pos, b + pos) for a, b in word_spans(view[pos:until])]
        if gap:
            word = 0
            for n, index in enumerate(lost):
                if n and pieces[index].startswith(_WORD_START) and word + 1 < len(gap):
                    word += 1
                a, b = gap[word]
                spans[index] = (owner[a], owner[b - 1] + 1)
        lost.clear()

    for index, (piece, token_id) in enumerate(zip(pieces, ids, strict=True)):
        if token_id in skip or piece is None:
            continue
        core = piece.lstrip(_WORD_START).replace(_WORD_START, " ").strip()
        if not core:
            markers.append(index)
            continue
        core = unicodedata.normalize("NFKC", core)
        found = view.find(core, pos)
        if found > pos:
            skipped = view[pos:found]
            if len(skipped) - sum(c.isspace() for c in skipped) > _MAX_SKIP + lost_chars:
                found = -1
        if found < 0:
            lost.append(index)
            lost_chars += len(core)
            continue
        settle_lost(found)
        end = found + len(core)
        spans[index] = (owner[found], owner[end - 1] + 1)
        pos = end
    settle_lost(len(view))
    # A bare "▁" is the start of the word of the next piece that has a span.
    for index in markers:
        spans[index] = next((spans[j] for j in range(index + 1, len(spans)) if spans[j]), None)
    return spans


def piece_words(
    pieces: Sequence[str],
    ids: Sequence[int],
    text: str,
    words: Sequence[tuple[int, int]],
    skip: frozenset[int] | set[int],
) -> list[int | None]:
    """For each piece, the index in ``words`` of the word its span starts in (or None)."""
    starts = [start for start, _ in words]
    out: list[int | None] = []
    for span in piece_spans(pieces, ids, text, skip):
        word = bisect.bisect_right(starts, span[0]) - 1 if span else -1
        out.append(word if word >= 0 and span and span[0] < words[word][1] else None)
    return out


def word_scores(
    attention: Any,
    rows: list[tuple[int, int]],
    cols: list[tuple[int, int]],
    n_target: int,
    n_source: int,
) -> list[list[float]]:
    """Attention summed into a target word × source word matrix (``n_target`` × ``n_source``).

    ``attention`` is a torch tensor of target tokens × source tokens; ``rows`` pairs an
    attention row with the target word its token belongs to, ``cols`` a column with its
    source word (tokens of no word are left out). Imports torch.
    """
    import torch

    scores = torch.zeros(n_target, n_source)
    if rows and cols and n_target and n_source:
        row_index = torch.tensor([r for r, _ in rows])
        col_index = torch.tensor([c for c, _ in cols])
        picked = attention.index_select(0, row_index).index_select(1, col_index)
        to_source = torch.zeros(len(cols), n_source)
        to_source[torch.arange(len(cols)), torch.tensor([w for _, w in cols])] = 1.0
        scores.index_add_(0, torch.tensor([w for _, w in rows]), picked @ to_source)
    return scores.tolist()


def word_links(
    scores: Sequence[Sequence[float]],
    src_words: Sequence[tuple[int, int]],
    tgt_words: Sequence[tuple[int, int]],
) -> tuple[WordLink, ...]:
    """Links from each target word to the source word it attended to most.

    ``scores[t][s]`` is the attention target word t paid to source word s. The weight
    of a link is that word's share of the target word's attention to all source words
    (special tokens excluded); a second link is added when another source word has at
    least :data:`SECOND_LINK_RATIO` of the best one's share. A target word whose
    attention could not be placed (no pieces found) gets no link.
    """
    links: list[WordLink] = []
    for (tgt_start, tgt_end), row in zip(tgt_words, scores, strict=True):
        total = sum(row)
        if not total > 0:  # also False for NaN
            continue
        ranked = sorted(range(len(row)), key=lambda s: (-row[s], s))
        best = row[ranked[0]]
        chosen = [ranked[0]]
        if len(ranked) > 1 and row[ranked[1]] >= SECOND_LINK_RATIO * best:
            chosen.append(ranked[1])
        for s in chosen:
            weight = min(1.0, max(round(row[s] / total, 4), 0.0001))
            src_start, src_end = src_words[s]
            links.append(WordLink(src_start, src_end, tgt_start, tgt_end, weight))
    return tuple(links)


def unlinked_ids(
    tokenizer: Any, language_codes: Sequence[str | None], start_id: int | None = None
) -> frozenset[int]:
    """Token ids that stand for no word: the tokenizer's specials, the ``language_codes``
    (NLLB/M2M100) and the decoder start token. ``<unk>`` is not among them: an unknown
    source piece still stands for text."""
    ids = {int(i) for i in tokenizer.all_special_ids}
    for code in language_codes:
        code_id = language_id(tokenizer, code) if code else None
        if code_id is not None:
            ids.add(code_id)
    if start_id is not None:
        ids.add(int(start_id))
    ids.discard(tokenizer.unk_token_id)
    return frozenset(ids)
