"""Sentence segmentation with character offsets into the original text.

:func:`segment` works on the text exactly as decoded, so ``text[s.start:s.end] ==
s.text`` for every segment. Rules:

Lines and paragraphs
    Lines end at ``\\n``, ``\\r\\n`` or a lone ``\\r``. Each non-empty line is one
    paragraph (``paragraph`` counts non-empty lines from 0); ``line`` is 1-based and
    counts ``\\n`` only, like :meth:`eval.values.Document.line_of` (so ``\\r\\n`` files
    number correctly; an old-Mac file with only ``\\r`` is split into paragraphs
    but every segment reports line 1). A sentence never crosses a line break.
    Whitespace and invisible controls (bidi marks, zero-width characters) at the
    edges of a sentence are outside its span.

Headlines
    A line whose only segment does not end in sentence punctuation (``. ! ? ؟ …``,
    optionally followed by closing quotes or brackets) is a headline:
    ``headline=True``. This includes lines such as ``___`` (kept, so nothing in
    the file is lost). A line of several sentences whose last one lacks the final
    stop is not a headline: its sentences are ordinary segments.

English
    Split after ``. ! ? …`` (and any closing quotes/brackets ``” " ’ ' » ) ]`` that
    follow; they stay with the sentence) when whitespace follows and the next
    character is an uppercase letter, a digit or an opening quote/bracket (which
    then starts the next sentence). Decimals (``1.1``, ``3.5%``) never split, since
    no whitespace follows the point. After a single ``.`` with nothing closing it:

    * never split after a title or prefix (Mr. Mrs. Ms. Dr. Gov. Sen. Rep. Gen.
      Col. Lt. Sgt. Prof. Capt. Maj. Adm. Rev. vs., the month abbreviations Jan.
      Feb. Aug. Sept. Sep. Oct. Nov. Dec., ``No.`` before a digit) or after a
      single capital initial (``J. K. Rowling``);
    * after abbreviations that can also end a sentence (U.S. U.K. U.N. E.U. and
      any dotted initialism such as D.C. or a.m./p.m., and Jr. Sr. St. Inc. Corp.
      Co. Ltd. etc.) split only if the next word is a common sentence starter
      (The, A, An, It, He, She, They, We, I, In, But, This, ... see
      ``SENTENCE_STARTERS``): "the U.S. envoy" and "U.S. President Trump" stay
      whole, "in the U.S. The next day" splits.

Arabic
    Split after ``. ! ? ؟ …`` (plus closing quotes/brackets) when whitespace follows
    and the next character is a letter, a digit or an opening quote/bracket (so
    ``”.`` or ``؟»`` followed by ``،`` does not split). The Arabic comma ``،`` and
    a point inside a number (``1.1``, ``٣٫٥``) never split. No split after a single
    Arabic letter with a point (``د.`` for Dr.); a Latin word before the point is
    checked with the English abbreviation rules.
"""

from __future__ import annotations

import re

from eval.text.arabic import is_arabic_char
from eval.values import CONTROL_CHARS, Segment

__all__ = ["SENTENCE_STARTERS", "segment"]

_CLOSERS = "”\"’'»)]›"
_OPENERS = "“\"‘'«([‹„"

_SPLIT_EN = re.compile(r"([.!?…]+)([" + re.escape(_CLOSERS) + r"]*)(\s+)")
_SPLIT_AR = re.compile(r"([.!?؟…]+)([" + re.escape(_CLOSERS) + r"]*)(\s+)")
_FINAL = re.compile(r"[.!?؟…]+[" + re.escape(_CLOSERS) + r"]*$")
LINES = re.compile(r"[^\r\n]+")  # a line: up to \r or \n only (not str.splitlines)
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")

# Never end a sentence: titles, prefixes, months.
_NEVER_FINAL = frozenset(
    {
        *("Mr", "Mrs", "Ms", "Dr", "Prof", "Rev"),
        *("Gov", "Sen", "Sens", "Rep", "Reps"),
        *("Gen", "Gens", "Col", "Lt", "Sgt", "Capt", "Maj", "Adm", "Cmdr"),
        *("Jan", "Feb", "Aug", "Sept", "Sep", "Oct", "Nov", "Dec"),
        "vs",
    }
)
# May end a sentence; split after them only before a sentence starter.
_MAYBE_FINAL = frozenset({"Jr", "Sr", "St", "Inc", "Corp", "Co", "Ltd", "etc"})

#: Words that, after an abbreviation that may end a sentence, mean a new sentence.
SENTENCE_STARTERS = frozenset(
    {
        *("The", "A", "An", "This", "That", "These", "Those", "There"),
        *("It", "He", "She", "They", "We", "I", "You"),
        *("His", "Her", "Its", "Their", "Our"),
        *("In", "On", "At", "As", "After", "If", "When", "While"),
        *("But", "However", "Meanwhile"),
    }
)


def _is_edge(ch: str) -> bool:
    return ch.isspace() or ch in CONTROL_CHARS


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and _is_edge(text[start]):
        start += 1
    while end > start and _is_edge(text[end - 1]):
        end -= 1
    return start, end


def _token_before(text: str, end: int, floor: int) -> str:
    """The whitespace-delimited token ending at ``end``, without opening punctuation."""
    start = end
    while start > floor and not _is_edge(text[start - 1]):
        start -= 1
    return text[start:end].lstrip(_OPENERS)


def _token_at(text: str, start: int, end: int) -> str:
    """The whitespace-delimited token starting at ``start``, trailing punctuation removed."""
    stop = start
    while stop < end and not _is_edge(text[stop]):
        stop += 1
    return text[start:stop].rstrip(",;:.!?”\"’')]»")


def _latin_abbreviation(token: str, next_token: str) -> bool:
    """True if a point after ``token`` is an abbreviation point, not a full stop."""
    if token in _NEVER_FINAL:
        return True
    if token == "No":
        return next_token[:1].isdigit()
    if len(token) == 1 and token.isupper():
        return True
    if token in _MAYBE_FINAL or _DOTTED.fullmatch(token):
        return next_token not in SENTENCE_STARTERS
    return False


def _split_here(
    text: str, match: re.Match[str], next_at: int, floor: int, end: int, language: str
) -> bool:
    nxt = text[next_at]
    if language == "en":
        if not (nxt.isupper() or nxt.isdigit() or nxt in _OPENERS):
            return False
    elif not (nxt.isalnum() or nxt in _OPENERS):
        return False
    if match.group(1) != "." or match.group(2):
        return True
    token = _token_before(text, match.start(1), floor)
    if language == "ar" and len(token) == 1 and is_arabic_char(token):
        return False
    return not _latin_abbreviation(token, _token_at(text, next_at, end))


def _sentences(text: str, start: int, end: int, language: str) -> list[tuple[int, int]]:
    pattern = _SPLIT_EN if language == "en" else _SPLIT_AR
    spans: list[tuple[int, int]] = []
    current = start
    for match in pattern.finditer(text, start, end):
        next_at = match.end()
        while next_at < end and text[next_at] in CONTROL_CHARS:
            next_at += 1
        if next_at >= end or not _split_here(text, match, next_at, start, end, language):
            continue
        spans.append((current, match.end(2)))
        current = match.end()
    spans.append((current, end))
    return [s for s in (_strip(text, a, b) for a, b in spans) if s[0] < s[1]]


def segment(text: str, language: str) -> list[Segment]:
    """Split ``text`` into sentences and headlines; offsets index ``text`` itself."""
    if language not in ("ar", "en"):
        raise ValueError(f"language must be 'ar' or 'en', not {language!r}")
    segments: list[Segment] = []
    paragraph = 0
    line = 1
    counted_to = 0
    for run in LINES.finditer(text):
        start, end = _strip(text, run.start(), run.end())
        if start == end:
            continue
        line += text.count("\n", counted_to, start)
        counted_to = start
        spans = _sentences(text, start, end, language)
        headline = len(spans) == 1 and not _FINAL.search(text, start, end)
        for s_start, s_end in spans:
            segments.append(
                Segment(
                    index=len(segments),
                    text=text[s_start:s_end],
                    line=line,
                    start=s_start,
                    end=s_end,
                    paragraph=paragraph,
                    headline=headline,
                )
            )
        paragraph += 1
    return segments
