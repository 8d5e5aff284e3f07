"""Property-based tests over hostile Unicode: segmentation, normalisation, alignment, a whole check.

The text strategies mix Arabic and English words, sentence punctuation and every kind
of line break and space with the characters that break naive text code: bidi controls
(U+200E/U+200F, U+202A–U+202E, U+2066–U+2069), Arabic harakat and Latin combining
marks, ZWJ/ZWNJ, tatweel, NBSP, C0 controls (NUL included) and astral characters.
Runs are reproducible (derandomized, no example database) and bounded.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from eval.align.sentences import BEAD_SHAPES, align
from eval.text.documents import read_text
from eval.text.hypothesis import units_from_hypothesis
from eval.text.normalise import CONTROL_CHARS, normalise_ar, normalise_en, original_span
from eval.text.segment import segment
from eval.values import Bead, Span, Unit
from tadqiq.errors import InputError
from tests.report.hostile import AR, HYP, REF

PROFILE = settings(
    database=None,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

AR_WORDS = "قال الرئيس ماكرون إن حلفاء أوكرانيا تعهدوا بنشر القوات مُحَمَّدٌ عـــربي د. ٣٫٥ ١٢٣ ﻻ".split()
EN_WORDS = "The president said U.S. Mr. Dr. troops 1.1 3.5% No. a.m. It He J. St. etc.".split()
PUNCTUATION = list(".!?؟…،؛«»“”\"'()[]—-:;,")
SPACES = [" ", "  ", "\t", "\n", "\r\n", "\r", "\n\n", "\u00a0", "\u202f", "\u3000",
          "\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x85"]
INVISIBLE = [*sorted(CONTROL_CHARS), "\u0640", "\u2060", "\u00ad", "\u034f", "\ufe0f"]
C0 = [chr(c) for c in range(0x20)] + ["\x7f"]

piece = st.one_of(
    st.sampled_from(AR_WORDS + EN_WORDS + PUNCTUATION + SPACES),
    st.sampled_from(INVISIBLE + C0),
    st.characters(min_codepoint=0x064B, max_codepoint=0x0652),  # harakat
    st.characters(min_codepoint=0x0300, max_codepoint=0x036F),  # Latin combining marks
    st.characters(min_codepoint=0x10000, exclude_categories=("Cs",)),  # astral
    st.characters(exclude_categories=("Cs",)),
)
mixed_text = st.lists(piece, max_size=60).map("".join)
LANGUAGES = st.sampled_from(["ar", "en"])

_LINE = re.compile(r"[^\r\n]+")
_BREAK = re.compile(r"[\r\n]")


def _visible(ch: str) -> bool:
    return not (ch.isspace() or ch in CONTROL_CHARS)


# --- segmentation ---------------------------------------------------------------------------


@settings(PROFILE, max_examples=1500)
@given(mixed_text, LANGUAGES)
def test_segments_slice_the_text_in_order_and_own_every_visible_character(text: str, language: str) -> None:
    """Offsets round-trip; segments are ordered and disjoint; only whitespace and invisible
    controls (bidi marks, zero-width characters) may lie outside every segment."""
    owner: list[int | None] = [None] * len(text)
    for i, s in enumerate(segment(text, language)):
        assert s.index == i
        assert 0 <= s.start < s.end <= len(text)
        assert text[s.start : s.end] == s.text
        assert not _BREAK.search(s.text), "a sentence crosses a line break"
        assert _visible(s.text[0]) and _visible(s.text[-1])
        assert s.line == text.count("\n", 0, s.start) + 1
        assert all(o is None for o in owner[s.start : s.end]), "segments overlap"
        assert all(o is None for o in owner[s.end :]), "segments out of order"
        owner[s.start : s.end] = [i] * (s.end - s.start)
    lost = [(k, ch) for k, ch in enumerate(text) if owner[k] is None and _visible(ch)]
    assert lost == []


@settings(PROFILE, max_examples=500)
@given(mixed_text, LANGUAGES)
def test_paragraphs_are_the_visible_lines_and_each_segments_alone(text: str, language: str) -> None:
    """Paragraph k is the k-th line with something visible on it, and a line splits into the
    same sentences (offsets shifted) whether it is segmented alone or inside the document."""
    segs = segment(text, language)
    lines = [m for m in _LINE.finditer(text) if any(map(_visible, m.group()))]
    assert sorted({s.paragraph for s in segs}) == list(range(len(lines)))
    for k, line in enumerate(lines):
        inside = [(s.start, s.end, s.headline) for s in segs if s.paragraph == k]
        alone = [(s.start + line.start(), s.end + line.start(), s.headline)
                 for s in segment(line.group(), language)]
        assert inside == alone
        assert all(line.start() <= a and b <= line.end() for a, b, _ in inside)
        assert len(inside) == 1 or not any(h for _, _, h in inside)  # headlines stand alone


# --- normalisation --------------------------------------------------------------------------

NORMALISERS = {
    "ar": normalise_ar,
    "ar-ta": lambda text: normalise_ar(text, fold_ta_marbuta=True),
    "en": normalise_en,
}


@settings(PROFILE, max_examples=800)
@given(mixed_text, st.sampled_from(sorted(NORMALISERS)), st.data())
def test_normalised_spans_map_back_inside_the_original(text: str, name: str, data: st.DataObject) -> None:
    normalised, offsets = NORMALISERS[name](text)
    assert len(offsets) == len(normalised) + 1 and offsets[-1] == len(text)
    assert list(offsets) == sorted(offsets)
    assert not set(normalised) & CONTROL_CHARS
    a = data.draw(st.integers(0, len(normalised)), label="start")
    b = data.draw(st.integers(a, len(normalised)), label="end")
    start, end = original_span(text, offsets, a, b)
    assert 0 <= start <= end <= len(text)
    # Every character of the span comes from inside the original span.
    assert all(start <= offsets[i] < end for i in range(a, b))
    # Normalisation never removes a line break, so a span within one line stays within it.
    if "\n" not in normalised[a:b]:
        assert "\n" not in text[start:end]


# --- sentence alignment ---------------------------------------------------------------------

# Sentences: a few words of one language with arbitrary Unicode among them, and an end.
sentence_words = st.lists(st.one_of(st.sampled_from(AR_WORDS + EN_WORDS), piece), min_size=1, max_size=8)
sentence = st.tuples(sentence_words, st.sampled_from([".", "?", "؟", "!", ""])).map(
    lambda t: " ".join(t[0]) + t[1]
)
document = st.lists(st.lists(sentence, min_size=1, max_size=4).map(" ".join), max_size=8).map("\n".join)
hypothesis_line = st.lists(st.sampled_from(EN_WORDS + PUNCTUATION + ["\u200f", "é"]), min_size=1, max_size=8).map(" ".join)
visible_line = hypothesis_line.filter(lambda line: any(map(_visible, line)))  # not a blank line


def _check_beads(beads: list[Bead], units: list[Unit], n_segments: int, n_refs: int) -> None:
    """Beads in order, each a shape of units × references the aligner allows, covering
    every Arabic segment and every reference sentence exactly once."""
    assert [b.id for b in beads] == list(range(len(beads)))
    u = r = 0
    for b in beads:
        covered: list[int] = []
        k = u
        while len(covered) < len(b.ar):
            covered.extend(units[k].segments)
            k += 1
        assert tuple(covered) == b.ar, "a bead splits a unit or goes backwards"
        assert (k - u, len(b.ref)) in BEAD_SHAPES
        assert b.ref == tuple(range(r, r + len(b.ref))), "reference indices go backwards"
        assert b.hypothesis == " ".join(x.hypothesis for x in units[u:k])
        assert 0.0 <= b.similarity <= 1.0
        assert b.kind == f"{len(b.ar)}-{len(b.ref)}"
        u, r = k, r + len(b.ref)
    assert (u, r) == (len(units), n_refs)
    assert [i for b in beads for i in b.ar] == list(range(n_segments))


@settings(PROFILE, max_examples=200)
@given(document, document, st.sampled_from(["paragraph", "sentence"]), st.data())
def test_alignment_of_segmented_documents_covers_both_sides_in_order(
    article: str, reference: str, per: str, data: st.DataObject
) -> None:
    """As the pipeline does it: segment both sides, pair a hypothesis file with the Arabic."""
    ar = segment(article, "ar")
    ref = segment(reference, "en")
    count = len({s.paragraph for s in ar}) if per == "paragraph" else len(ar)
    lines = data.draw(st.lists(visible_line, min_size=count, max_size=count))
    units = units_from_hypothesis(ar, "\n".join(lines)) if ar else []  # (an empty file is an error)
    _check_beads(align(units, [s.text for s in ref]), units, len(ar), len(ref))


@settings(PROFILE, max_examples=200)
@given(
    st.lists(st.one_of(mixed_text, hypothesis_line), max_size=40),
    st.lists(st.one_of(mixed_text, hypothesis_line), max_size=40),
)
def test_alignment_of_arbitrary_sentences_including_empty_sides(hyps: list[str], refs: list[str]) -> None:
    """Any number of units against any number of references (none, or very lopsided):
    no crash, and 1-0 / 0-1 beads take up whatever has no partner."""
    units = [Unit((i,), h) for i, h in enumerate(hyps)]
    beads = align(units, refs)
    _check_beads(beads, units, len(units), len(refs))
    if not refs:
        assert all(b.kind == "1-0" for b in beads)
    if not units:
        assert all(b.kind == "0-1" for b in beads)


# --- the whole check ------------------------------------------------------------------------

# str.splitlines() breaks a hypothesis line at these; keep them out of the back-translation
# so that most examples keep one line per paragraph and reach the flaggers.
_SPLITLINES = str.maketrans({c: " " for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"})


@st.composite
def sprinkled(draw: st.DrawFn, text: str, keep_lines: bool = False) -> str:
    """``text`` with a few chunks of hostile Unicode inserted at random places."""
    for _ in range(draw(st.integers(0, 4))):
        chunk = draw(mixed_text)
        if keep_lines:
            chunk = chunk.translate(_SPLITLINES)
        at = draw(st.integers(0, len(text)))
        text = text[:at] + chunk + text[at:]
    return text


def _check_span(span: Span, original: str) -> None:
    if span.start is None:
        assert span.text == "" and span.line is None
        return
    assert original[span.start : span.end] == span.text
    if span.line is not None:
        assert span.line == original.count("\n", 0, span.start) + 1


@settings(PROFILE, max_examples=150)
@given(sprinkled(AR), sprinkled(REF), sprinkled(HYP, keep_lines=True))
def test_check_survives_hostile_unicode_and_every_span_slices_its_text(
    article: str, reference: str, hypothesis: str
) -> None:
    from tadqiq.pipeline import CheckRequest, check

    with tempfile.TemporaryDirectory() as tmp:
        paths = [Path(tmp) / name for name in ("a.ar.txt", "r.en.txt", "h.en.txt")]
        for path, text in zip(paths, (article, reference, hypothesis), strict=True):
            path.write_text(text, encoding="utf-8", newline="")
        try:
            report = check(CheckRequest(paths[0], paths[1], hypothesis=paths[2], use_cache=False))
        except InputError as exc:  # empty, binary (NUL), wrong language, line count: allowed
            assert len(str(exc).splitlines()) == 1
            event(f"input error: {str(exc).partition(': ')[2][:30]}")
            return
        ar_text, ref_text = read_text(paths[0])[0], read_text(paths[1])[0]
    event("checked")
    hypotheses = {s.id: s.hypothesis for s in report.segments}
    for seg in report.segments:
        _check_span(seg.ar, ar_text)
        _check_span(seg.reference, ref_text)
    for flag in report.flags:
        _check_span(flag.ar, ar_text)
        _check_span(flag.reference, ref_text)
        hyp, span = hypotheses[flag.segment], flag.hypothesis
        if span.start is not None:
            assert hyp[span.start : span.end] == span.text
        else:
            assert span.text == ""
    report.to_json()
