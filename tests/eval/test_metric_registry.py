"""The metric registry: one spec per metric, and scoring, significance and the CLI built from it."""

from __future__ import annotations

import dataclasses
import enum
from pathlib import Path

import pytest
from sacrebleu.metrics import BLEU, CHRF, TER
from typer.testing import CliRunner

import eval.scoring.metrics as scoring
from eval.scoring.registry import (
    DEFAULT_METRIC,
    METRIC_KEYS,
    METRICS,
    PAIRED_METRICS,
    get_metric,
    improvement,
    metric_label,
)
from eval.scoring.significance import PairedOutputs, paired_tests
from eval.values import SegmentScores
from tadqiq.errors import ConfigError

HYPS = ["The minister said the talks failed.", "Prices rose sharply in May."]
REFS = ["The minister said that the talks had failed.", "Prices rose steeply in May."]
SEED = Path(__file__).resolve().parents[2] / "examples" / "seed"


def test_the_registry_lists_bleu_chrf_ter_with_their_labels() -> None:
    assert METRIC_KEYS == ("bleu", "chrf", "ter")
    assert [(m.key, m.label) for m in METRICS.values()] == [
        ("bleu", "BLEU"), ("chrf", "chrF++"), ("ter", "TER"),
    ]
    assert METRICS["ter"].description == "TER (edits per 100 words)"
    assert DEFAULT_METRIC in METRICS
    assert PAIRED_METRICS == ("bleu", "chrf")  # TER only when asked for
    assert all(key == spec.key for key, spec in METRICS.items())


def test_segment_scores_have_one_field_per_registry_metric() -> None:
    assert tuple(f.name for f in dataclasses.fields(SegmentScores)) == METRIC_KEYS


@pytest.mark.parametrize(
    ("key", "corpus", "segment"),
    [
        ("bleu", BLEU, lambda: BLEU(effective_order=True)),
        ("chrf", lambda: CHRF(word_order=2), lambda: CHRF(word_order=2)),
        ("ter", TER, TER),
    ],
)
def test_metrics_are_built_as_sacrebleu_was_configured(key: str, corpus, segment) -> None:
    spec = get_metric(key)
    pairs = ((spec.corpus_metric(), corpus()), (spec.segment_metric(), segment()))
    for built, expected in pairs:
        assert isinstance(built, type(expected))  # TER: sacrebleu's, with a faster edit distance
        assert built.corpus_score(HYPS, [REFS]).score == expected.corpus_score(HYPS, [REFS]).score
        assert built.sentence_score(HYPS[0], [REFS[0]]).score == (
            expected.sentence_score(HYPS[0], [REFS[0]]).score
        )
        assert str(built.get_signature()) == str(expected.get_signature())
    assert spec.corpus_metric() is not pairs[0][0]  # a new metric every time (they keep state)


def test_directions() -> None:
    bleu, chrf, ter = METRICS["bleu"], METRICS["chrf"], METRICS["ter"]
    assert bleu.higher_is_better and chrf.higher_is_better and not ter.higher_is_better
    assert bleu.improvement(30.0, 31.5) == 1.5 and bleu.drop(30.0, 31.5) == -1.5
    assert chrf.drop(55.0, 54.0) == 1.0
    # TER counts edits: a fall is an improvement, a rise is a drop.
    assert ter.improvement(60.0, 59.0) == 1.0 and ter.drop(60.0, 59.0) == -1.0
    assert ter.drop(60.0, 62.5) == 2.5
    assert ter.direction == "lower is better" and bleu.direction == "higher is better"
    assert improvement(3.0, 1.0, higher_is_better=False) == 2.0


def test_unknown_metrics() -> None:
    with pytest.raises(ConfigError, match=r"unknown metric 'comet'; expected one of bleu, chrf, ter"):
        get_metric("comet")
    assert metric_label("chrf") == "chrF++" and metric_label("comet") == "comet"


def test_scores_are_those_of_the_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    # chrF without word n-grams instead of chrF++: scoring follows the registry's spec.
    chrf0 = dataclasses.replace(METRICS["chrf"], corpus_options=(), segment_options=())
    monkeypatch.setattr(scoring, "METRICS", {"chrf": chrf0, "ter": METRICS["ter"]})
    scores = scoring.corpus_scores(HYPS, REFS)
    assert list(scores) == ["chrf", "ter"]
    chrf = CHRF()
    assert scores["chrf"].score == chrf.corpus_score(HYPS, [REFS]).score
    assert scores["chrf"].signature == str(chrf.get_signature())
    assert scores["chrf"].score != CHRF(word_order=2).corpus_score(HYPS, [REFS]).score
    monkeypatch.setattr(scoring, "METRICS", {**METRICS, "chrf": chrf0})
    segments, corpus = scoring.document_scores(HYPS, REFS)
    assert corpus["chrf"].score == scores["chrf"].score
    assert segments[0] is not None
    assert segments[0].chrf == CHRF().sentence_score(HYPS[0], [REFS[0]]).score


def test_significance_builds_metrics_from_the_registry() -> None:
    outputs = PairedOutputs(
        references=REFS * 3, hypotheses={"a": HYPS * 3, "b": REFS * 3}, documents=["d"]
    )
    table = paired_tests(outputs, "a", metrics=("ter",), n_samples=20)
    assert "tok:tercom" in table.signatures["ter"]["bs"]  # TER as the registry builds it
    test = table.rows["b"]["ter"]
    assert test.delta < 0  # b is the reference itself: fewer edits
    assert METRICS["ter"].improvement(test.baseline_score, test.score) > 0
    with pytest.raises(ConfigError, match="unknown metric"):
        paired_tests(outputs, "a", metrics=("comet",), n_samples=20)


def test_cli_metric_choices_are_the_registry() -> None:
    from tadqiq.cli import Metric

    assert issubclass(Metric, enum.Enum)
    assert [m.value for m in Metric] == list(METRIC_KEYS)


def test_terminal_report_names_metrics_by_their_labels() -> None:
    from tadqiq.cli import app

    result = CliRunner().invoke(app, [
        "check", str(SEED / "article.ar.txt"), "--reference", str(SEED / "reference.en.txt"),
        "--hypothesis", str(SEED / "hypothesis.en.txt"), "--fail-on", "never",
    ])
    assert result.exit_code == 0, result.output
    scores_line = next(line for line in result.stdout.splitlines() if "higher is better" in line)
    assert scores_line.startswith("BLEU ") and " chrF++ " in scores_line and " TER " in scores_line
    assert "CHRF" not in result.stdout
