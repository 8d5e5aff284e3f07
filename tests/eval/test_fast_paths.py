"""The shortcuts that make a check fast give exactly what the plain computations give:
alignment with n-gram bit sets, scores from shared sacrebleu statistics, the name
pre-filter (the idiom finder's sentence pre-filter: tests/eval/test_mwe.py)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from eval.align import sentences as align_module
from eval.align.sentences import _features, _merge, _SlotLayout, align
from eval.lexicon import translit
from eval.scoring.metrics import corpus_scores, document_scores, segment_scores
from eval.text.hypothesis import units_from_hypothesis
from eval.text.segment import segment
from eval.text.tokens import tokenize_ar, tokenize_en

ROOT = Path(__file__).resolve().parents[2]
# The bundled example and the labelled development sets (never the held-out C-test).
DOCS = [ROOT / "examples" / "seed", *sorted(
    p for p in (ROOT / "bench" / "data" / "flags").glob("*/*") if p.parent.name != "C-test"
)]


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _units_and_refs(doc: Path):
    ar = segment(_read(doc / "article.ar.txt"), "ar")
    ref = [s.text for s in segment(_read(doc / "reference.en.txt"), "en")]
    return units_from_hypothesis(ar, _read(doc / "hypothesis.en.txt")), ref


@pytest.mark.parametrize("doc", DOCS[:6], ids=[p.name for p in DOCS[:6]])
def test_alignment_with_bit_sets_equals_alignment_with_counters(doc: Path, monkeypatch):
    units, refs = _units_and_refs(doc)
    assert _SlotLayout([_features(u.hypothesis) for u in units] + [_features(r) for r in refs]).usable
    fast = align(units, refs)
    monkeypatch.setattr(align_module, "_MAX_SLOTS", -1)  # bit sets off: n-gram counters only
    assert align(units, refs) == fast  # beads, similarities included


def _plain_slot_count(parts, side, n):
    """What a span's bit set of order ``n`` must count, from plain counters: each n-gram
    ``min(its count in the span, its count over the whole side)`` times (one side only)."""
    whole = _merge(side).ngrams[n]
    return sum(min(c, whole[g]) for g, c in _merge(parts).ngrams[n].items())


def test_merged_bit_sets_equal_bit_sets_of_merged_counts():
    rng = random.Random(7)
    words = "the plan to end the war in Ukraine was backed by the US and Europe on Monday".split()
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 14))) for _ in range(40)]
    feats = [_features(t) for t in texts]
    layout = _SlotLayout(feats)
    for _ in range(200):
        i = rng.randrange(len(texts) - 2)
        k = i + rng.randint(1, 3)
        merged = layout.span(i, k)
        direct = _merge(feats[i:k])
        assert [m.bit_count() for m in merged.masks] == [
            _plain_slot_count(feats[i:k], feats, n) for n in range(align_module._CHAR_ORDER)
        ]
        assert merged.totals == direct.totals and merged.chars == direct.chars
        assert merged.numbers == direct.numbers and merged.names == direct.names
        assert merged.totals == [c.total() for c in direct.ngrams]


def test_widest_alphabet_numbers_ngrams_exactly_and_wider_falls_back():
    """N-grams are numbered by packing character ranks: with 1023 different characters
    (the most that fit) spans still count exactly; with 1024 the layout is not used."""
    letters = [chr(0x4E00 + k) for k in range(1024)]
    rng = random.Random(5)
    texts = ["".join(rng.choice(letters[:12]) for _ in range(40)) + " " + "".join(
        letters[k : min(k + 8, 1023)]) for k in range(0, 1023, 8)]
    texts += [texts[3][:30] + letters[1022] * 3, ""]  # the highest rank, repeated; no text
    feats = [_features(t) for t in texts]
    layout = _SlotLayout(feats)
    assert layout.usable
    for i in range(len(texts)):
        for k in range(i + 1, min(i + 4, len(texts) + 1)):
            assert [m.bit_count() for m in layout.span(i, k).masks] == [
                _plain_slot_count(feats[i:k], feats, n) for n in range(align_module._CHAR_ORDER)
            ]
    assert not _SlotLayout(feats + [_features(letters[1023])]).usable
    assert _SlotLayout([], [_features("")]).usable  # nothing to number


PAIRS = [
    ("Macron and Zelenskyy say we support the plan.", "Macron and Zelenskyy say US backs the plan."),
    ("Prices fell by 3%.", "Prices fell by 3%."),
    ("", "A reference sentence with no Arabic."),
    ("An addition the reference lacks.", ""),
    ("Tokenised text ends with a space .", "Tokenised text ends with a space."),
    ("الخطة", "the plan"),
    ("   ", "x"),
    ("one two three four five six seven", "seven six five four three two one"),
]


def test_document_scores_equal_sentence_and_corpus_scores():
    hyps, refs = [h for h, _ in PAIRS], [r for _, r in PAIRS]
    segments, corpus = document_scores(hyps, refs)
    assert segments == [segment_scores(h, r) for h, r in PAIRS]
    assert corpus == corpus_scores(hyps, refs)


def test_name_prefilter_never_rejects_a_match():
    ar_words = sorted({t.text for d in DOCS for t in tokenize_ar(_read(d / "article.ar.txt")) if t.kind == "word"})
    en_names = sorted({t.text for d in DOCS for t in tokenize_en(_read(d / "reference.en.txt"))
                       if t.text[:1].isupper()})
    rng = random.Random(3)
    pairs = [(rng.choice(ar_words), rng.choice(en_names)) for _ in range(8000)]
    pairs += [("ترامب", "Trump"), ("شولتس", "Scholz"), ("ميرتس", "Merz"), ("زيلينسكي", "Zelenskyy")]
    rejected = 0
    for ar, en in pairs:
        for threshold in (translit.THRESHOLD, 0.6):
            exact = translit.name_similarity(ar, en) >= threshold
            assert translit.matches_name(ar, en, threshold) == exact, (ar, en, threshold)
            rejected += not translit._bound_reaches(translit._skeletons_ar(ar), translit._skeletons_en(en), threshold)
    assert rejected  # the pre-filter does rule pairs out


def test_slot_layout_bounds_every_span_count():
    feats = [_features(t) for t in ("aaaa aa", "aa a", "b", "ab ab ab")]
    layout = _SlotLayout(feats)
    merged = layout.span(0, len(feats))
    for n, counts in enumerate(_merge(feats).ngrams):
        assert merged.masks[n].bit_count() == counts.total()


# --- issue 14: the stages around translation, faster with the same results ----------------

# The labelled development sets and the bundled example (never the held-out C-test).
DEV_DOCS = [
    ROOT / "examples" / "seed",
    *sorted(p for s in ("A", "B", "C-dev") for p in (ROOT / "bench" / "data" / "flags" / s).iterdir()),
]


def _align_every_bead(units, refs, settings=None):
    """The aligner as it was before issue 14: every bead's similarity computed, cells
    relaxed in reading order (the reference the bounded search must equal)."""
    s = settings or align_module.AlignSettings()
    n, m = len(units), len(refs)
    hyp_feats = [_features(u.hypothesis) for u in units]
    ref_feats = [_features(r) for r in refs]
    slots = _SlotLayout(hyp_feats, ref_feats)
    band = max(s.band_min, int(s.band_fraction * max(n, m)))
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            expected = i * m / n if n else 0
            if cost[i][j] == inf or not (abs(j - expected) <= band or i == n or j == m):
                continue
            for a, r in align_module.BEAD_SHAPES:
                ni, nj = i + a, j + r
                if ni > n or nj > m:
                    continue
                if a == 0 or r == 0:
                    sim, step = 0.0, s.skip_cost
                else:
                    sim = align_module.similarity(slots.span(i, ni), slots.span(n + j, n + nj))
                    step = (1.0 - sim) * (a + r) / 2 + s.merge_penalty * (a + r - 2)
                if cost[i][j] + step < cost[ni][nj]:
                    cost[ni][nj] = cost[i][j] + step
                    back[ni][nj] = (i, j, sim)
    pairs = []
    i, j = n, m
    while i or j:
        pi, pj, sim = back[i][j]
        pairs.append((pi, i, pj, j, round(sim, 4)))
        i, j = pi, pj
    return pairs[::-1]


def _variants(units, refs, rng):
    """The document, and versions with a sentence dropped, two merged or one repeated on
    either side, so that merges, skips and ties are all exercised."""
    yield units, refs
    for _ in range(1 if len(refs) > 20 else 2):
        k = rng.randrange(len(refs))
        yield units, refs[:k] + refs[k + 1:]
        if k + 1 < len(refs):
            yield units, refs[:k] + [refs[k] + " " + refs[k + 1]] + refs[k + 2:]
        yield units, refs[:k] + [refs[k]] + refs[k:]
        u = rng.randrange(len(units))
        yield units[:u] + units[u + 1:], refs


@pytest.mark.parametrize("doc", DEV_DOCS, ids=[p.name for p in DEV_DOCS])
def test_bounded_alignment_equals_alignment_of_every_bead(doc: Path):
    units, refs = _units_and_refs(doc)
    rng = random.Random(doc.name)
    for us, rs in _variants(units, refs, rng):
        fast = align(us, rs)
        slow = _align_every_bead(us, rs)
        got = []
        i = j = 0
        for b in fast:
            a = sum(1 for u in us[i:] if u.segments and u.segments[0] in b.ar) if b.ar else 0
            got.append((i, i + a, j, j + len(b.ref), b.similarity))
            i, j = i + a, j + len(b.ref)
        assert got == [(i0, i1, j0, j1, s) for i0, i1, j0, j1, s in slow]


def test_bounded_alignment_computes_few_similarities(monkeypatch):
    """Most beads are ruled out by their length bound (a count of work, not a time)."""
    units, refs = _units_and_refs(ROOT / "examples" / "seed")
    calls = 0
    plain = align_module.similarity

    def counted(hyp, ref):
        nonlocal calls
        calls += 1
        return plain(hyp, ref)

    monkeypatch.setattr(align_module, "similarity", counted)
    align(units, refs)
    bounded = calls
    calls = 0
    _align_every_bead(units, refs)
    assert bounded < 0.3 * calls  # 605 of 5,635 on the bundled example


def _ter_pairs():
    for doc in DEV_DOCS[::2]:
        units, refs = _units_and_refs(doc)
        for u, r in zip(units, refs, strict=False):
            yield u.hypothesis.split(), r.split()
    rng = random.Random(14)
    words = "the a of , . plan war Kyiv said on".split()
    for _ in range(500):
        yield ([rng.choice(words) for _ in range(rng.randint(0, 30))],
               [rng.choice(words) for _ in range(rng.randint(0, 30))])
    for _ in range(8):  # very different lengths widen sacrebleu's beam
        short = [rng.choice(words) for _ in range(rng.randint(1, 4))]
        long = [rng.choice(words) for _ in range(rng.randint(60, 150))]
        yield short, long
        yield long, short


def test_ter_edit_counts_equal_sacrebleus():
    from sacrebleu.metrics import lib_ter

    from eval.scoring.ter import translation_edit_rate

    for hyp, ref in _ter_pairs():
        assert translation_edit_rate(hyp, ref) == lib_ter.translation_edit_rate(hyp, ref), (hyp, ref)


def test_ter_metric_is_sacrebleus_with_its_signature():
    from sacrebleu.metrics.ter import TER as SacrebleuTER

    from eval.scoring.registry import METRICS
    from eval.scoring.ter import TER

    metric = METRICS["ter"].corpus_metric()
    assert isinstance(metric, TER) and isinstance(metric, SacrebleuTER)
    hyps = [h for h, _ in PAIRS]
    refs = [r for _, r in PAIRS]
    plain = SacrebleuTER()
    ours, theirs = metric.corpus_score(hyps, [refs]), plain.corpus_score(hyps, [refs])
    assert (ours.score, ours.num_edits, ours.ref_length) == (theirs.score, theirs.num_edits, theirs.ref_length)
    assert str(metric.get_signature()) == str(plain.get_signature())


def test_supporters_are_the_words_that_support():
    from eval.flags.view import SegmentView
    from eval.lexicon.bilingual import supporting, supports
    from eval.values import Span

    for doc in DEV_DOCS[:12]:
        units, refs = _units_and_refs(doc)
        ar = segment(_read(doc / "article.ar.txt"), "ar")
        for u, ref in zip(units, refs, strict=False):
            ar_text = " ".join(ar[k].text for k in u.segments)
            view = SegmentView.build(0, Span(ar_text, 1, 0, len(ar_text)), Span(ref, 1, 0, len(ref)), u.hypothesis)
            for token in [*view.ref, *view.hyp_tokens]:
                expected = tuple(k for k, a in enumerate(view.ar) if supports(a, token))
                assert supporting(view.ar, token) == expected
                assert view.supporters(token) == expected


def test_number_phrases_start_with_an_opening_word():
    from eval.lexicon import numbers, resources
    from eval.text.arabic import PRONOUN_SUFFIXES

    for table, language in ((resources.numbers_ar(), "ar"), (resources.numbers_en(), "en")):
        openings = numbers.openings(table, language)
        assert all(key.split(" ")[0] in openings for key in table)
        if language == "ar":
            assert all(key + s in openings for key in table if " " not in key for s in PRONOUN_SUFFIXES)
