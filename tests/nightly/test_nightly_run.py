"""run_eval end to end: two tiny Marian models and a precomputed one over a small corpus.

Two nights share one history and one translation cache. On the second night the
precomputed model's directory holds worse hypotheses (a regression), one Arabic number
error is fixed and another one introduced (a fixed and a new critical flag).
An interrupted run is resumed and must give the summary a clean run gives.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from nightly_corpus import DOCUMENTS, GLOSSARY, GOOD, GOOD_NAMES, WORSE, XLIFF, write_hypotheses

from eval.nightly.runner import run_eval
from eval.nightly.summary import EvalOutcome, summary_lines
from tadqiq.errors import ConfigError

MODELS = ["tiny-a", "tiny-b", "vendor"]


def _models_yaml(env: dict[str, Path], path: Path, hyps: Path) -> Path:
    """A copy of the session's models.yaml whose precomputed model reads ``hyps``."""
    text = env["models"].read_text(encoding="utf-8").replace(str(env["hyps"]), str(hyps))
    path.write_text(text, encoding="utf-8")
    return path


def _counting() -> tuple[list[tuple[str, str]], Callable[[str, str, int], Callable[[int], None]]]:
    calls: list[tuple[str, str]] = []

    def factory(model: str, document: str, total: int) -> Callable[[int], None]:
        calls.append((model, document))
        return lambda n: None

    return calls, factory


@pytest.fixture(scope="module")
def two_nights(
    nightly_env: dict[str, Path], tmp_path_factory: pytest.TempPathFactory, open_test_history: Any
) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("two-nights")
    corpus = root / "corpus"
    shutil.copytree(nightly_env["corpus"], corpus)
    a01 = corpus / "a01-port.ar.txt"
    a03 = corpus / "a03-wheat.ar.txt"
    a01.write_text(DOCUMENTS["a01-port"][0].replace("40", "400"), encoding="utf-8")  # an error
    hyps = write_hypotheses(root / "hyps", GOOD)
    models = _models_yaml(nightly_env, root / "models.yaml", hyps)
    common = dict(
        models_file=models, baseline="vendor", cache=nightly_env["cache"], fail_on_regression=1.0
    )
    with open_test_history(root / "runs.db") as history:
        first = run_eval(corpus, MODELS, history=history, out_dir=root / "runs" / "1", **common)
        # Next night: the 400 is corrected, a new number error appears, the vendor got worse.
        a01.write_text(DOCUMENTS["a01-port"][0], encoding="utf-8")
        a03.write_text(DOCUMENTS["a03-wheat"][0].replace("5 ملايين", "6 ملايين"), encoding="utf-8")
        write_hypotheses(hyps, WORSE)
        second = run_eval(corpus, MODELS, history=history, out_dir=root / "runs" / "2", **common)
        previous = history.previous("vendor")
        earlier = history.previous("vendor", before=second.run.started_at)
        recorded = [r.run_id for r in history.runs()]
    return {
        "first": first,
        "second": second,
        "root": root,
        "previous": previous,
        "earlier": earlier,
        "recorded": recorded,
    }


def test_documents_written_per_model(two_nights: dict[str, Any]) -> None:
    out = two_nights["root"] / "runs" / "1"
    for model in MODELS:
        lines = [json.loads(x) for x in (out / f"{model}.jsonl").read_text("utf-8").splitlines()]
        assert [x["document"] for x in lines] == GOOD_NAMES
        for line in lines:
            assert set(line["scores"]) == {"bleu", "chrf", "ter"}
            assert {"read", "segment", "translate", "align", "score", "flag"} <= set(line["timings"])
            assert sum(line["flags_by_severity"].values()) == len(line["flags"])
            assert "penalty_per_1000_words" in line["mqm"]
        segments = json.loads((out / f"{model}.segments.json").read_text("utf-8"))
        assert sorted(segments["documents"]) == GOOD_NAMES
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["run"]["run_id"] == two_nights["first"].run.run_id
    assert two_nights["first"].run.out_dir == str(out.resolve())
    assert set(summary["models"]) == set(MODELS)
    vendor = summary["models"]["vendor"]
    assert vendor["documents"] == 3 and "nrefs:1" in vendor["signatures"]["chrf"]
    assert not list(out.glob("*.tmp")) and not list(out.glob(".*.tmp"))


def test_bad_documents_are_failures_and_the_night_goes_on(two_nights: dict[str, Any]) -> None:
    first: EvalOutcome = two_nights["first"]
    assert {(f.document, f.model) for f in first.failures} == {
        ("b01-empty", None),
        ("c01-orphan", None),
    }
    assert all("\n" not in f.message for f in first.failures)
    assert first.documents == GOOD_NAMES
    for result in first.results.values():
        assert result.documents == 3
        assert result.failed_documents == ["b01-empty", "c01-orphan"]
    assert not first.regressions
    assert first.exit_code == 1  # bad documents alone make the run fail


def test_significance_against_the_baseline(two_nights: dict[str, Any]) -> None:
    table = two_nights["first"].significance
    assert table is not None and table.baseline == "vendor"
    assert set(table.rows) == {"tiny-a", "tiny-b"} and table.segments >= 8
    for tests in table.rows.values():
        for metric in ("bleu", "chrf"):
            t = tests[metric]
            assert 0 <= t.p_bootstrap <= 1 and t.p_ar is not None and 0 <= t.p_ar <= 1
            assert t.ci[0] <= t.mean <= t.ci[1]
            assert t.delta < 0  # random-weight models are far worse than real translations
    stored = two_nights["first"].results["tiny-a"].significance
    assert set(stored) == {"bleu", "chrf"} and len(stored["chrf"]["ci"]) == 2
    assert two_nights["first"].results["vendor"].significance == {}


def test_history_holds_both_runs(two_nights: dict[str, Any]) -> None:
    first, second = two_nights["first"], two_nights["second"]
    assert two_nights["recorded"] == [first.run.run_id, second.run.run_id]
    info, result = two_nights["previous"]
    assert _field(info, "run_id") == second.run.run_id
    assert result.scores["chrf"] == pytest.approx(second.results["vendor"].scores["chrf"])
    info, result = two_nights["earlier"]
    assert _field(info, "run_id") == first.run.run_id
    assert result.scores["chrf"] == pytest.approx(first.results["vendor"].scores["chrf"])


def _field(info: Any, key: str) -> Any:
    return info[key] if isinstance(info, dict) else getattr(info, key)


def test_worse_hypotheses_are_a_named_regression(two_nights: dict[str, Any]) -> None:
    second: EvalOutcome = two_nights["second"]
    assert [r.model for r in second.regressions] == ["vendor"]
    regression = second.regressions[0]
    assert regression.previous_run == two_nights["first"].run.run_id
    assert regression.drop > 1.0
    # Tested against the first night's stored segments, found through runs/1/summary.json.
    assert regression.p_bootstrap is not None and regression.p_bootstrap < 0.05
    lines = summary_lines(second)
    assert lines[0].startswith("REGRESSION vendor: chrF++")
    assert lines[-1].startswith("exit 1")
    assert second.exit_code == 1
    # The tiny models did not change: compared, not regressions.
    unchanged = {c.model: c for c in second.comparisons if not c.regression}
    assert set(unchanged) == {"tiny-a", "tiny-b"}
    summary = json.loads((two_nights["root"] / "runs" / "2" / "summary.json").read_text("utf-8"))
    assert summary["regressions"][0]["model"] == "vendor" and summary["exit_code"] == 1


def test_new_and_fixed_critical_flags(two_nights: dict[str, Any]) -> None:
    second: EvalOutcome = two_nights["second"]
    new = [(f.document, f.category, f.ar) for f in second.new_flags.get("vendor", [])]
    fixed = [(f.document, f.category, f.ar) for f in second.fixed_flags.get("vendor", [])]
    assert ("a03-wheat", "number", "6 ملايين") in new
    assert ("a01-port", "number", "400") in fixed
    assert any(line.startswith("new critical flags") for line in summary_lines(second))


def test_missing_precomputed_hypothesis_is_a_failure(
    nightly_env: dict[str, Path], tmp_path: Path
) -> None:
    hyps = write_hypotheses(tmp_path / "hyps", {k: v for k, v in GOOD.items() if k != "a02-rain"})
    models = _models_yaml(nightly_env, tmp_path / "models.yaml", hyps)
    outcome = run_eval(nightly_env["corpus"], ["vendor"], models_file=models, out_dir=tmp_path / "out")
    missing = [f for f in outcome.failures if f.model == "vendor"]
    assert [f.document for f in missing] == ["a02-rain"] and "a02-rain.en.txt" in missing[0].message
    assert outcome.results["vendor"].documents == 2
    assert outcome.significance is None and outcome.exit_code == 1
    lines = (tmp_path / "out" / "vendor.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(x)["document"] for x in lines] == ["a01-port", "a03-wheat"]


def test_bad_arguments_are_config_errors(nightly_env: dict[str, Path]) -> None:
    corpus, models = nightly_env["corpus"], nightly_env["models"]
    with pytest.raises(ConfigError, match="baseline"):
        run_eval(corpus, ["vendor"], models_file=models, baseline="tiny-a")
    with pytest.raises(ConfigError, match="no model named"):
        run_eval(corpus, ["nope"], models_file=models)
    with pytest.raises(ConfigError, match="metric"):
        run_eval(corpus, ["vendor"], models_file=models, metric="meteor")
    with pytest.raises(ConfigError, match="output folder"):
        run_eval(corpus, ["vendor"], models_file=models, resume=True)


def test_flagger_options_carry_the_glossary_terms_read_once(tmp_path: Path) -> None:
    from eval.nightly.engine import FlaggerOptions
    from eval.text.glossary import load_glossary

    path = tmp_path / "glossary.csv"
    path.write_text(GLOSSARY, encoding="utf-8")
    options = FlaggerOptions.of(path, None, ["glossary"])
    terms = tuple(load_glossary(path))
    assert options.glossary == terms and len(terms) == 1
    path.unlink()  # an engine builds its flaggers from the options alone (a worker has no file)
    assert [tuple(f.glossary) for f in options.flaggers()] == [terms]
    with pytest.raises(ConfigError, match="unknown check"):
        FlaggerOptions.of(None, None, ["nope"])


def _comparable(out: Path) -> dict:
    """summary.json without what differs between two runs of the same work (ids, times)."""
    data = json.loads((out / "summary.json").read_text("utf-8"))
    for model in data["models"].values():
        model.pop("seconds")
    return {k: data[k] for k in ("models", "significance", "failures", "exit_code", "regressions")}


def _lines_without_timings(out: Path, model: str) -> list[dict]:
    lines = [json.loads(x) for x in (out / f"{model}.jsonl").read_text("utf-8").splitlines()]
    for line in lines:
        line.pop("timings")
    return lines


def test_resume_after_an_interruption(nightly_env: dict[str, Path], tmp_path: Path) -> None:
    common = dict(
        models_file=nightly_env["models"], baseline="vendor", cache=nightly_env["cache"]
    )
    models = ["tiny-a", "vendor"]
    clean = run_eval(nightly_env["corpus"], models, out_dir=tmp_path / "clean", **common)

    def interrupt_on_second(model: str, document: str, total: int) -> Callable[[int], None]:
        if document != GOOD_NAMES[0]:
            raise KeyboardInterrupt
        return lambda n: None

    out = tmp_path / "interrupted"
    with pytest.raises(KeyboardInterrupt):
        run_eval(nightly_env["corpus"], models, out_dir=out, progress=interrupt_on_second, **common)
    assert [p.name for p in (out / ".state" / "tiny-a").iterdir()] == [f"{GOOD_NAMES[0]}.json"]
    assert not (out / "summary.json").exists()
    run_id = json.loads((out / ".state" / "run.json").read_text("utf-8"))["run_id"]

    calls, counting = _counting()
    resumed = run_eval(
        nightly_env["corpus"], models, out_dir=out, resume=True, progress=counting, **common
    )
    assert calls == [("tiny-a", n) for n in GOOD_NAMES[1:]] + [("vendor", n) for n in GOOD_NAMES]
    assert resumed.run.run_id == run_id
    assert _comparable(out) == _comparable(tmp_path / "clean")
    for model in models:
        assert _lines_without_timings(out, model) == _lines_without_timings(tmp_path / "clean", model)
    assert resumed.exit_code == clean.exit_code == 1

    # Resuming a finished run redoes nothing; a fresh run into the same folder redoes all.
    calls, counting = _counting()
    run_eval(nightly_env["corpus"], models, out_dir=out, resume=True, progress=counting, **common)
    assert calls == []
    run_eval(nightly_env["corpus"], models, out_dir=out, progress=counting, **common)
    assert len(calls) == 2 * len(GOOD_NAMES)


def test_jsonl_and_xliff_corpora_and_a_model_that_cannot_load(
    nightly_env: dict[str, Path], tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    ar, en = DOCUMENTS["a02-rain"]
    (corpus / "a01.ar.txt").write_text(DOCUMENTS["a01-port"][0], encoding="utf-8")
    (corpus / "a01.en.txt").write_text(DOCUMENTS["a01-port"][1], encoding="utf-8")
    rows = [
        {"name": "a02-rain", "ar": ar, "en": en},
        {"name": "a01-port", "ar_path": "a01.ar.txt", "en_path": "a01.en.txt"},
    ]
    (corpus / "c.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    hyps = write_hypotheses(tmp_path / "hyps", GOOD)
    (hyps / "story.en.txt").write_text(
        "Heavy rain fell on Amman on Tuesday.\nThe authorities closed 12 roads.\n", encoding="utf-8"
    )
    models = _models_yaml(nightly_env, tmp_path / "models.yaml", hyps)
    with models.open("a", encoding="utf-8") as fh:
        fh.write(f"  broken:\n    backend: hf\n    model: {tmp_path / 'no-such-model'}\n")
    cache = tmp_path / "cache.sqlite3"

    outcome = run_eval(corpus / "c.jsonl", ["vendor", "broken"], models_file=models, cache=cache)
    assert outcome.documents == ["a01-port", "a02-rain"]
    assert outcome.results["vendor"].documents == 2 and "broken" not in outcome.results
    assert [(f.document, f.model) for f in outcome.failures] == [(None, "broken")]
    assert outcome.exit_code == 1 and outcome.out_dir is None

    xliff = tmp_path / "xliff"
    xliff.mkdir()
    (xliff / "story.xlf").write_text(XLIFF, encoding="utf-8")
    outcome = run_eval(xliff, ["vendor"], models_file=models, out_dir=tmp_path / "out")
    assert outcome.failures == [] and outcome.exit_code == 0
    line = json.loads((tmp_path / "out" / "vendor.jsonl").read_text("utf-8"))
    assert line["document"] == "story" and line["segments"] == 2
    assert summary_lines(outcome)[-1] == "exit 0"


def test_regression_without_stored_segments_is_judged_on_the_drop(
    nightly_env: dict[str, Path], tmp_path: Path, open_test_history: Any
) -> None:
    hyps = write_hypotheses(tmp_path / "hyps", GOOD)
    models = _models_yaml(nightly_env, tmp_path / "models.yaml", hyps)
    with open_test_history(tmp_path / "runs.db") as history:
        run_eval(nightly_env["corpus"], ["vendor"], models_file=models, history=history)
        write_hypotheses(hyps, WORSE)
        outcome = run_eval(
            nightly_env["corpus"], ["vendor"], models_file=models, history=history,
            out_dir=tmp_path / "out", fail_on_regression=1.0, metric="ter",
        )
    (regression,) = outcome.regressions
    assert regression.metric == "ter" and regression.delta > 1.0 and regression.drop > 1.0
    assert regression.p_bootstrap is None and "judged on the score change alone" in regression.note
    assert summary_lines(outcome)[0].startswith("REGRESSION vendor: TER")
    assert "not tested" in summary_lines(outcome)[0]
