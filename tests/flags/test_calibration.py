"""Calibrated confidence: fitting, the committed table, and its use by the flagger."""

from __future__ import annotations

from dataclasses import replace

import pytest

from eval.flags import calibration
from eval.flags.calibration import Calibration, fit
from eval.flags.merge import MIN_CONFIDENCE, SpanFlagger
from eval.values import Category, Evidence, Flag, HypSpan, Severity, Span
from tadqiq.errors import ConfigError


def flag(signal: str, confidence: float) -> Flag:
    return Flag("f1", 0, Category.MISTRANSLATION, Severity.MAJOR, confidence,
                Span("x", 1, 0, 1), Span("y", 1, 0, 1), HypSpan(), (Evidence(signal, "seen"),))


def test_fit_gives_each_raw_score_its_precision_shrunk_towards_the_raw_score():
    samples = ([("gaps", 0.5, False)] * 36 + [("gaps", 0.5, True)] * 4
               + [("gaps", 0.8, True)] * 2)
    table = fit(samples)
    low, high = table.steps["gaps"]
    w = calibration.PRIOR_WEIGHT
    assert (low.raw, low.flags, low.right) == (0.5, 40, 4)
    # forty flags: close to the measured 0.1; two flags: close to the raw 0.8
    prior = calibration.prior
    assert low.confidence == pytest.approx((4 + w * prior(0.5)) / (40 + w), abs=1e-3) and low.confidence < 0.2
    assert high.confidence == pytest.approx((2 + w * prior(0.8)) / (2 + w), abs=1e-3)
    assert table.confidence("gaps", 0.5) == low.confidence
    # a raw score never seen on the development sets gets its prior: moved down by the
    # difference between the raw scores' design threshold and the default one
    assert table.confidence("gaps", 0.65) == pytest.approx(0.65 - calibration.UNSEEN_SHIFT)



def test_a_check_with_too_few_flags_gets_the_prior_of_its_raw_confidence():
    table = fit([("rare", 0.9, False)] * (calibration.MIN_FLAGS - 1))
    assert "rare" not in table.steps
    assert table.apply(flag("rare", 0.9)).confidence == pytest.approx(calibration.prior(0.9))
    assert calibration.IDENTITY.apply(flag("rare", 0.9)).confidence == 0.9


def test_apply_uses_the_check_of_the_first_evidence_signal():
    table = fit([("gaps", 0.6, False)] * 20 + [("negation", 0.6, True)] * 20)
    w = calibration.PRIOR_WEIGHT
    # "lexicon" is a signal of the gaps check
    p = calibration.prior(0.6)
    assert table.apply(flag("lexicon", 0.6)).confidence == pytest.approx(w * p / (20 + w), abs=1e-3)
    assert table.apply(flag("negation", 0.6)).confidence == pytest.approx((20 + w * p) / (20 + w), abs=1e-3)


def test_the_table_round_trips_and_bad_tables_are_one_line_errors():
    table = fit([("gaps", 0.5, True)] * 4 + [("gaps", 0.9, True)] * 4 + [("gaps", 0.5, False)] * 4)
    assert len(table.steps["gaps"]) == 2
    assert Calibration.from_tsv(table.to_tsv()).steps == table.steps
    with pytest.raises(ConfigError, match="not a calibration table"):
        Calibration.from_tsv("hello\n", "t.tsv")
    with pytest.raises(ConfigError, match=r"t.tsv: line 2: expected 5"):
        Calibration.from_tsv(table.to_tsv().splitlines()[0] + "\ngaps\t0.5\n", "t.tsv")
    with pytest.raises(ConfigError, match=r"line 2: confidence 1.5"):
        Calibration.from_tsv(table.to_tsv().splitlines()[0] + "\ngaps\t0.5\t1.5\t1\t1\n", "t.tsv")


def test_the_committed_table_covers_the_main_checks():
    table = calibration.default()
    for check in ("numbers", "gaps", "named-entity", "negation"):
        steps = table.steps[check]
        assert steps and all(0 <= s.confidence < 1 and s.right <= s.flags for s in steps)
    # the gap analysis is the least precise check: its best score is below the numbers check's
    assert max(s.confidence for s in table.steps["gaps"]) < max(s.confidence for s in table.steps["numbers"])


def test_the_flagger_calibrates_by_default_and_identity_keeps_raw_scores():
    assert SpanFlagger().calibration == calibration.default()
    assert SpanFlagger(calibration=calibration.IDENTITY).calibration.steps == {}


def test_a_flag_its_check_marked_doubtful_stays_below_the_default_threshold():
    # A check that never raised flags on the development sets (no steps): a raw score
    # just below the threshold the raw scores were designed around is dropped by default,
    # one at that threshold is kept.
    from eval.flags.merge import combine
    from eval.flags.registry import Findings

    doubtful, sure = flag("new-check", calibration.RAW_THRESHOLD - 0.05), flag("new-check", calibration.RAW_THRESHOLD)
    sure = replace(sure, ar=Span("z", 2, 5, 6), reference=Span("w", 2, 5, 6))
    kept = combine(Findings(((doubtful, sure),), (), ()), [0], None, MIN_CONFIDENCE, calibration.default())
    assert [f.confidence for f in kept] == [pytest.approx(calibration.prior(calibration.RAW_THRESHOLD))]
    assert kept[0].ar.text == "z"


def _calibrate_script():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "bench" / "calibrate.py"
    spec = importlib.util.spec_from_file_location("calibrate", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_calibration_script_refuses_a_held_out_split(tmp_path, capsys):
    script = _calibrate_script()
    assert script.main([str(tmp_path / "C-test"), "--out", str(tmp_path / "t.tsv")]) == 2
    assert "held-out" in capsys.readouterr().err
    assert not (tmp_path / "t.tsv").exists()


def test_the_calibration_script_fits_a_table_from_labelled_documents(tmp_path):
    import shutil
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "bench" / "data" / "flags" / "A"
    dev = tmp_path / "dev"
    for name in sorted(p.name for p in root.iterdir())[:2]:
        shutil.copytree(root / name, dev / name)
    out = tmp_path / "t.tsv"
    assert _calibrate_script().main([str(dev), "--out", str(out)]) == 0
    table = Calibration.from_tsv(out.read_text(encoding="utf-8"))
    assert table.steps  # at least one check raised enough flags on two articles
    for steps in table.steps.values():
        assert sum(s.flags for s in steps) >= calibration.MIN_FLAGS


def test_a_check_and_category_with_enough_flags_is_calibrated_on_its_own():
    samples = ([("gaps", 0.6, False)] * 20 + [("gaps:mistranslation", 0.6, False)] * 20
               + [("gaps", 0.6, True)] * 8 + [("gaps:omission", 0.6, True)] * 8)
    table = fit(samples)
    omission = replace(flag("lexicon", 0.6), category=Category.OMISSION)
    addition = replace(flag("lexicon", 0.6), category=Category.ADDITION)
    assert calibration.keys_of(omission) == ("gaps:omission", "gaps")
    # omissions were right 8 times in 8, single-word mistranslations never, all gaps 8 in 28
    assert table.apply(omission).confidence > table.apply(addition).confidence > table.apply(flag("lexicon", 0.6)).confidence
    assert table.apply(addition).confidence == table.confidence("gaps", 0.6)
