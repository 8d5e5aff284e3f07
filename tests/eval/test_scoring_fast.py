"""The faster scoring paths give exactly sacrebleu's numbers: TER's bit-vector edit
distance and trace (eval/scoring/ter.py), chrF's n-gram statistics (eval/scoring/chrf.py),
and every segment and corpus score of a document (eval/scoring/metrics.py), compared with
sacrebleu's own metrics on the labelled set A's texts, to full precision."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sacrebleu.metrics import BLEU, lib_ter
from sacrebleu.metrics import CHRF as SacrebleuCHRF
from sacrebleu.metrics import TER as SacrebleuTER

from eval.scoring.chrf import CHRF
from eval.scoring.metrics import document_scores
from eval.scoring.ter import BeamEditDistance, BitVectorDistance, beam_width, translation_edit_rate
from eval.text.segment import segment

ROOT = Path(__file__).resolve().parents[2]
SET_A = sorted(p for p in (ROOT / "bench" / "data" / "flags" / "A").iterdir() if p.is_dir())


def _sentences(path: Path, lang: str) -> list[str]:
    return [s.text for s in segment(path.read_text(encoding="utf-8"), lang)]


def _pairs(doc: Path) -> tuple[list[str], list[str]]:
    """The hypothesis and reference sentences of a document, paired in order (real
    texts, most of them renderings of each other, some not: both kinds are wanted)."""
    hyps, refs = _sentences(doc / "hypothesis.en.txt", "en"), _sentences(doc / "reference.en.txt", "en")
    n = min(len(hyps), len(refs))
    return hyps[:n], refs[:n]


@pytest.fixture(scope="module")
def set_a() -> list[tuple[list[str], list[str]]]:
    return [_pairs(doc) for doc in SET_A]


def _plain_levenshtein(hyp: list[str], ref: list[str]) -> int:
    row = list(range(len(ref) + 1))
    for i, word in enumerate(hyp, 1):
        prev, row = row, [i]
        for j, other in enumerate(ref, 1):
            row.append(min(prev[j - 1] + (word != other), prev[j] + 1, row[-1] + 1))
    return row[-1]


def _word_pairs(set_a):
    for hyps, refs in set_a:
        for h, r in zip(hyps, refs, strict=True):
            yield h.split(), r.split()
    rng = random.Random(7)
    words = "the a of , . plan war Kyiv said on".split()
    for _ in range(300):
        yield ([rng.choice(words) for _ in range(rng.randint(0, 40))],
               [rng.choice(words) for _ in range(rng.randint(0, 40))])


def test_bit_vector_distance_and_trace_are_the_beam_edit_distances(set_a):
    traced = 0
    for hyp, ref in _word_pairs(set_a):
        if not ref:
            continue
        canonical: dict[str, str] = {}
        ref = [canonical.setdefault(w, w) for w in ref]
        hyp = [canonical.setdefault(w, w) for w in hyp]
        # the hypothesis and a few of its shifts, as the shift search scores them
        for k in range(0, len(hyp), 7):
            words = lib_ter._perform_shift(hyp, k, 2, 0) if k else hyp
            states = BitVectorDistance(ref).states(words)
            distance = states[-1][2]
            assert distance == _plain_levenshtein(words, ref)
            beam_distance, trace = BeamEditDistance(ref)(words)
            assert distance <= beam_distance
            if distance <= beam_width(len(words), len(ref)) - 2:
                assert (distance, BitVectorDistance(ref).trace(words, states)) == (beam_distance, trace)
                traced += 1
    assert traced > 300


def test_ter_edit_counts_equal_sacrebleus_on_set_a(set_a):
    for hyp, ref in _word_pairs(set_a):
        assert translation_edit_rate(hyp, ref) == lib_ter.translation_edit_rate(hyp, ref), (hyp, ref)


@pytest.mark.parametrize(
    "options",
    [{"word_order": 2}, {}, {"char_order": 0, "word_order": 2}, {"word_order": 2, "whitespace": True},
     {"char_order": 8, "word_order": 3, "lowercase": True}, {"char_order": 1, "word_order": 0}],
)
def test_chrf_statistics_scores_and_signature_are_sacrebleus(set_a, options):
    ours, theirs = CHRF(**options), SacrebleuCHRF(**options)
    hyps = [h for hs, _ in set_a for h in hs] + ["", "x", "(a) b.", "aaa aaa"]
    refs = [r for _, rs in set_a for r in rs] + ["a b", "", "(a) b.", "aa aaaa"]
    assert ours._extract_corpus_statistics(hyps, [refs]) == theirs._extract_corpus_statistics(hyps, [refs])
    assert repr(ours.corpus_score(hyps, [refs]).score) == repr(theirs.corpus_score(hyps, [refs]).score)
    other = refs[1:] + refs[:1]  # two references per segment: the best one is kept
    assert repr(ours.corpus_score(hyps, [refs, other]).score) == repr(
        theirs.corpus_score(hyps, [refs, other]).score
    )
    for h, r in zip(hyps[::5], refs[::5], strict=True):
        assert repr(ours.sentence_score(h, [r]).score) == repr(theirs.sentence_score(h, [r]).score)
    assert str(ours.get_signature()) == str(theirs.get_signature())


def test_document_scores_are_sacrebleus_sentence_and_corpus_scores(set_a):
    """The registry's metrics (BLEU, chrF++, TER) against sacrebleu's own classes."""
    plain = {
        "bleu": (BLEU(), BLEU(effective_order=True)),
        "chrf": (SacrebleuCHRF(word_order=2), SacrebleuCHRF(word_order=2)),
        "ter": (SacrebleuTER(), SacrebleuTER()),
    }
    for hyps, refs in set_a[:4]:
        hyps = [*hyps, "", "An addition the reference lacks."]
        refs = [*refs, "A reference sentence with no hypothesis.", ""]
        segments, corpus = document_scores(hyps, refs)
        for key, (corpus_metric, segment_metric) in plain.items():
            expected = corpus_metric.corpus_score(hyps, [refs])
            assert repr(corpus[key].score) == repr(expected.score)
            assert corpus[key].signature == str(corpus_metric.get_signature())
            for h, r, scores in zip(hyps, refs, segments, strict=True):
                if not (h.strip() and r.strip()):
                    assert scores is None
                    continue
                assert repr(getattr(scores, key)) == repr(segment_metric.sentence_score(h, [r]).score), (key, h, r)


def test_the_registry_builds_the_faster_subclasses():
    from eval.scoring.bleu import BLEU as FasterBLEU
    from eval.scoring.registry import get_metric
    from eval.scoring.ter import TER

    for key, cls in (("chrf", CHRF), ("ter", TER), ("bleu", FasterBLEU)):
        spec = get_metric(key)
        assert type(spec.corpus_metric()) is cls and type(spec.segment_metric()) is cls
    assert issubclass(FasterBLEU, BLEU)
