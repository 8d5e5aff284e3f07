"""The check registry: one row per check, switching checks off, and ``--checks``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_results import one_line_error
from typer.testing import CliRunner

from eval.evaluate import evaluate
from eval.flags import registry
from eval.flags.context import Scope
from eval.flags.merge import SpanFlagger
from eval.text.documents import document_from_text
from eval.text.hypothesis import units_from_hypothesis
from eval.text.segment import segment
from eval.values import Category, Severity
from tadqiq.cli import CHECKS_HELP, app
from tadqiq.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "seed"

# The merge priorities and base confidences the checks had before the registry existed.
PRIORITIES = {
    "numbers": 0, "dates": 0, "antonym": 1, "glossary": 1, "untranslated": 1, "negation": 1,
    "named-entity": 2, "consistency": 2, "idiom": 2, "phrasal-verb": 2, "agreement": 2,
    "tense": 2, "modality": 2, "roles": 2, "relation": 2,
    "reference-unrendered": 5, "lexicon": 5, "back-translation": 5, "word-sense": 3,
    "sentence-alignment": 3, "segment-score": 9,
}
CONFIDENCES = {
    "numbers": 0.9, "dates": 0.85, "untranslated": 0.9, "negation": 0.8, "named-entity": 0.7,
    "idiom": 0.7, "phrasal-verb": 0.7, "tense": 0.75, "modality": 0.7, "roles": 0.7, "relation": 0.7, "agreement": 0.7,
    "glossary": 0.8, "gaps": 0.45, "consistency": 0.75, "sentence-alignment": 0.7, "segment-score": 0.4,
}


def test_one_row_per_check_in_run_order():
    assert registry.NAMES == (
        "numbers", "dates", "untranslated", "negation", "named-entity", "idiom",
        "phrasal-verb", "tense", "modality", "roles", "relation", "agreement", "glossary", "gaps",
        "consistency", "sentence-alignment", "segment-score",
    )
    assert registry.PRIORITY == PRIORITIES
    assert {c.name: c.confidence for c in registry.REGISTRY} == CONFIDENCES
    assert registry.CHECK_OF_SIGNAL["lexicon"] == "gaps"
    assert registry.CHECK_OF_SIGNAL["numbers"] == "numbers"
    assert registry.BY_NAME["consistency"].scope is Scope.DOCUMENT
    assert registry.BY_NAME["segment-score"].scope is Scope.WHOLE_SEGMENT
    assert registry.BY_NAME["untranslated"].severity is Severity.MINOR
    assert registry.BY_NAME["glossary"].category is Category.TERMINOLOGY


def test_offsets_are_relative_to_the_base_confidence():
    numbers = registry.BY_NAME["numbers"]
    assert numbers.adjusted(-0.3) == 0.6 and numbers.adjusted(-0.45) == 0.45


def test_every_flag_of_a_check_carries_registered_evidence():
    from tadqiq.pipeline import CheckRequest, check

    report = check(CheckRequest(SEED / "article.ar.txt", SEED / "reference.en.txt",
                                hypothesis=SEED / "hypothesis.en.txt"))
    signals = {e.signal for f in report.flags for e in f.evidence}
    assert signals and signals <= set(registry.CHECK_OF_SIGNAL)


def test_selection_by_name_or_exclusion():
    assert registry.parse_selection("numbers, negation") == {"numbers", "negation"}
    assert registry.parse_selection("-idiom,-segment-score") == set(registry.NAMES) - {"idiom", "segment-score"}
    assert [c.name for c in registry.select(["negation", "numbers"])] == ["numbers", "negation"]
    assert registry.select(None) == registry.REGISTRY


@pytest.mark.parametrize("text", ["numbers,nonsense", "-nonsense", "numbers,-idiom", " , "])
def test_a_bad_selection_is_a_config_error(text):
    with pytest.raises(ConfigError):
        registry.parse_selection(text)


def test_an_unknown_check_names_the_valid_ones():
    with pytest.raises(ConfigError, match="'nonsense'.*numbers, dates, untranslated"):
        SpanFlagger(checks=["nonsense"])


def _flags(flagger):
    ar = "قالت الشركة إنها خسرت 1.1 مليون يورو العام الماضي.\nالتقى الوزير مع Witkoff في باريس."
    ref = "The company said it lost 1.1 billion euros last year.\nThe minister met Witkoff in Paris."
    hyp = "The company said it lost 1.1 million euros last year.\nThe minister met with Witkoff in Paris."
    ar_segs, ref_segs = segment(ar, "ar"), segment(ref, "en")
    return evaluate(document_from_text(ar, "ar", "a.ar.txt"), document_from_text(ref, "en", "r.en.txt"),
                    ar_segs, ref_segs, units_from_hypothesis(ar_segs, hyp), {"name": "test"},
                    flaggers=[flagger]).flags


def test_switched_off_checks_do_not_run():
    def signals(flags):
        return {e.signal for f in flags for e in f.evidence}

    assert {"numbers", "untranslated"} <= signals(_flags(SpanFlagger()))
    assert "numbers" not in signals(_flags(SpanFlagger(checks=set(registry.NAMES) - {"numbers"})))
    assert signals(_flags(SpanFlagger(checks=["untranslated"]))) == {"untranslated"}
    assert _flags(SpanFlagger(checks=[])) == []


def test_the_cli_help_names_every_check():
    for name in registry.NAMES:
        assert name in CHECKS_HELP


def _check_json(tmp_path: Path, *extra: str) -> dict:
    out = tmp_path / f"out{len(list(tmp_path.iterdir()))}.json"
    result = CliRunner().invoke(app, [
        "check", str(SEED / "article.ar.txt"), "--reference", str(SEED / "reference.en.txt"),
        "--hypothesis", str(SEED / "hypothesis.en.txt"), "--json", str(out), "-q",
        "--fail-on", "never", *extra,
    ])
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))


def _signals(report: dict) -> set[str]:
    return {e["signal"] for f in report["flags"] for e in f["evidence"]}


def test_cli_checks_option_switches_checks(tmp_path):
    everything = _signals(_check_json(tmp_path))
    assert {"untranslated", "consistency"} <= everything
    without = _signals(_check_json(tmp_path, "--checks", "-untranslated,-consistency"))
    assert without and not without & {"untranslated", "consistency"}
    assert _signals(_check_json(tmp_path, "--checks", "untranslated")) == {"untranslated"}


def test_cli_unknown_check_is_a_one_line_error():
    result = CliRunner().invoke(app, [
        "check", str(SEED / "article.ar.txt"), "--reference", str(SEED / "reference.en.txt"),
        "--hypothesis", str(SEED / "hypothesis.en.txt"), "--checks", "numbers,nonsense",
    ])
    one_line_error(result, "nonsense", "valid checks: numbers, dates")
