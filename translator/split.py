"""Sentences longer than the model's maximum input: cut into pieces that fit, joined after.

Backend-neutral (any tokenizer with the transformers calling convention): a sentence is
never cut short. :func:`split_encode` encodes the sentences and splits those that are too
long — after clause punctuation where possible, else between words, else between tokens;
the pieces are translated like any sentence; :func:`assemble` (via :func:`join_pieces`)
joins each sentence's piece translations and shifts their word links to the sentence's
offsets. :class:`PieceProgress` reports progress per sentence, not per piece. The
Translation's ``parts`` says how many pieces there were.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any, NamedTuple

from eval.values import WordLink
from tadqiq.errors import ModelError

from .base import Progress, Translation
from .links import piece_spans

__all__ = ["Piece", "PieceProgress", "assemble", "join_pieces", "split_encode"]

# Where an over-long sentence is cut, best first: after clause punctuation followed by
# space (Arabic comma, semicolon; Latin comma, semicolon, colon; sentence-final marks),
# else at any space.
_CLAUSE_END = re.compile(r"[\u060c,\u061b;:.!?\u061f](?=\s)\s*")
_SPACES = re.compile(r"\s+")


class Piece(NamedTuple):
    """A piece of an input sentence that is translated on its own: ``source[start:end]``."""

    sentence: int  # index of the sentence among those passed to split_encode
    start: int
    end: int


def split_encode(
    tokenizer: Any, sentences: Sequence[str], limit: int
) -> tuple[list[list[int]], list[Piece]]:
    """Token ids of ``sentences``, split where a sentence is longer than ``limit`` tokens.

    Returns the ids of every piece and the pieces, in order (a sentence that fits is one
    piece, the whole sentence). A sentence whose encoding (special tokens included) is
    longer than ``limit`` is cut into consecutive pieces that each fit: after clause
    punctuation (، , ؛ ; : and sentence-final marks followed by a space) where possible,
    else between words, else (a single word longer than the limit) between its tokens.
    Pieces cover the whole sentence except the spaces between them: nothing is dropped.
    """
    sentences = list(sentences)
    encoded: list[list[int]] = tokenizer(sentences)["input_ids"] if sentences else []
    ids_out: list[list[int]] = []
    pieces: list[Piece] = []
    for k, (sentence, ids) in enumerate(zip(sentences, encoded, strict=True)):
        if len(ids) <= limit:
            ids_out.append(list(ids))
            pieces.append(Piece(k, 0, len(sentence)))
            continue
        for start, end, piece_ids in _Splitter(tokenizer, sentence, limit).pieces():
            ids_out.append(piece_ids)
            pieces.append(Piece(k, start, end))
    return ids_out, pieces


class _Splitter:
    """Cuts one over-long sentence into pieces of at most ``limit`` tokens each."""

    def __init__(self, tokenizer: Any, text: str, limit: int) -> None:
        self.tokenizer = tokenizer
        self.text = text
        self.limit = limit
        self._ids: dict[tuple[int, int], list[int]] = {}
        # Each level proposes cut positions inside [a, b); a stretch that no cut of one
        # level makes fit is handed to the next.
        self.levels = (self._clause_cuts, self._word_cuts, self._token_cuts, self._char_cuts)

    def pieces(self) -> list[tuple[int, int, list[int]]]:
        start, end = self._trim(0, len(self.text))
        out = []
        for a, b in self._pack(start, end, 0):
            a, b = self._trim(a, b)
            if a < b:
                out.append((a, b, self.ids(a, b)))
        return out

    def ids(self, a: int, b: int) -> list[int]:
        key = self._trim(a, b)
        if key not in self._ids:
            self._ids[key] = list(self.tokenizer(self.text[key[0] : key[1]])["input_ids"])
        return self._ids[key]

    def fits(self, a: int, b: int) -> bool:
        return len(self.ids(a, b)) <= self.limit

    def _trim(self, a: int, b: int) -> tuple[int, int]:
        while a < b and self.text[a].isspace():
            a += 1
        while b > a and self.text[b - 1].isspace():
            b -= 1
        return a, b

    def _pack(self, a: int, b: int, level: int) -> list[tuple[int, int]]:
        """Greedy: each piece runs to the furthest cut of this level that still fits."""
        out: list[tuple[int, int]] = []
        while a < b:
            ends = [c for c in self.levels[level](a, b) if a < c < b] + [b]
            best = self._furthest_fit(a, ends)
            if best is not None:
                out.append((a, ends[best]))
                a = ends[best]
                continue
            stretch = ends[0]  # even the shortest piece at this level is too long
            if level + 1 < len(self.levels):
                out.extend(self._pack(a, stretch, level + 1))
            else:  # one character over the limit: only a model with no room at all
                out.append((a, stretch))
            a = stretch
        return out

    def _furthest_fit(self, a: int, ends: list[int]) -> int | None:
        """The largest i with ``fits(a, ends[i])`` (galloping, then binary search)."""
        if not self.fits(a, ends[0]):
            return None
        good, step = 0, 1
        bad = len(ends)
        while good + step < len(ends):
            if self.fits(a, ends[good + step]):
                good += step
                step *= 2
            else:
                bad = good + step
                break
        while bad - good > 1:
            mid = (good + bad) // 2
            if self.fits(a, ends[mid]):
                good = mid
            else:
                bad = mid
        return good

    def _clause_cuts(self, a: int, b: int) -> list[int]:
        return [m.end() for m in _CLAUSE_END.finditer(self.text, a, b)]

    def _word_cuts(self, a: int, b: int) -> list[int]:
        return [m.end() for m in _SPACES.finditer(self.text, a, b)]

    def _token_cuts(self, a: int, b: int) -> list[int]:
        word = self.text[a:b]
        try:
            tokens = self.tokenizer.tokenize(word)
            ids = self.tokenizer.convert_tokens_to_ids(tokens)
        except (AttributeError, TypeError, ValueError):
            return []
        spans = piece_spans(tokens, ids, word, frozenset())
        return sorted({a + span[0] for span in spans if span is not None and span[0] > 0})

    def _char_cuts(self, a: int, b: int) -> list[int]:
        return list(range(a + 1, b))


def join_pieces(source: str, parts: Sequence[tuple[int, Translation]]) -> Translation:
    """One sentence's translation from its pieces' (start offset in ``source``, translation).

    The texts are joined with a space; each piece's word links are shifted to the
    offsets of ``source`` and of the joined text. ``parts`` of the result is the number
    of pieces.
    """
    if len(parts) == 1:
        start, only = parts[0]
        if start == 0 and only.source == source:
            return only
    texts: list[str] = []
    links: list[WordLink] = []
    with_links = all(t.links is not None for _, t in parts)
    pos = 0
    for start, piece in parts:
        if not piece.text:
            continue
        if texts:
            pos += 1  # the joining space
        texts.append(piece.text)
        for link in piece.links or ():
            links.append(
                WordLink(
                    link.src_start + start,
                    link.src_end + start,
                    link.tgt_start + pos,
                    link.tgt_end + pos,
                    link.weight,
                )
            )
        pos += len(piece.text)
    return Translation(
        source, " ".join(texts), tuple(links) if with_links else None, parts=len(parts)
    )


def assemble(
    sources: Sequence[str], pieces: Sequence[Piece], done: Sequence[Translation | None]
) -> list[Translation]:
    """The translation of every source sentence from its pieces' translations (in order)."""
    by_sentence: list[list[tuple[int, Translation]]] = [[] for _ in sources]
    for piece, translation in zip(pieces, done, strict=True):
        if translation is None:
            raise ModelError(f"no translation for a piece of sentence {piece.sentence}")
        by_sentence[piece.sentence].append((piece.start, translation))
    return [join_pieces(source, parts) for source, parts in zip(sources, by_sentence, strict=True)]


class PieceProgress:
    """Turns 'these pieces are translated' into the number of sentences just finished."""

    def __init__(self, pieces: Sequence[Piece], progress: Progress | None) -> None:
        self._left = Counter(piece.sentence for piece in pieces)
        self._pieces = pieces
        self._progress = progress

    def done(self, indices: Sequence[int]) -> None:
        finished = 0
        for j in indices:
            sentence = self._pieces[j].sentence
            self._left[sentence] -= 1
            finished += self._left[sentence] == 0
        if finished and self._progress is not None:
            self._progress(finished)
