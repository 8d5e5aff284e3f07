"""End-to-end `tadqiq check` through typer's CliRunner: exit codes, JSON, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_results import one_line_error
from typer.testing import CliRunner

from tadqiq.cli import app

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "seed"
ARTICLE = SEED / "article.ar.txt"
REFERENCE = SEED / "reference.en.txt"
HYPOTHESIS = SEED / "hypothesis.en.txt"

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])




@pytest.fixture(scope="module")
def seed_json(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("seed") / "out.json"
    result = run("check", ARTICLE, "--reference", REFERENCE, "--hypothesis", HYPOTHESIS,
                 "--json", out, "--quiet", "--fail-on", "never")
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))


def test_json_schema_and_offsets(seed_json):
    d = seed_json
    assert d["schema"] == "tadqiq.check/1"
    assert {"version", "model", "corpus_scores", "segments", "flags", "mqm"} <= d.keys()
    for name in ("bleu", "chrf", "ter"):
        assert "version:" in d["corpus_scores"][name]["signature"]
    article = ARTICLE.read_text(encoding="utf-8")
    reference = REFERENCE.read_text(encoding="utf-8")
    for seg in d["segments"]:
        for side, text in (("ar", article), ("reference", reference)):
            span = seg[side]
            if span["text"]:
                assert text[span["start"] : span["end"]] == span["text"]
                assert text.count("\n", 0, span["start"]) + 1 == span["line"]
            else:
                assert span["line"] is None
    for flag in d["flags"]:
        assert flag["category"] and flag["severity"] in {"minor", "major", "critical"}
        span = flag["ar"]
        if span["text"]:
            assert article[span["start"] : span["end"]] == span["text"]
        assert flag["evidence"]


def test_every_reference_sentence_aligned_on_the_seed(seed_json):
    for seg in seed_json["segments"]:
        assert seg["ar"]["line"] == seg["reference"]["line"], seg


def test_exit_code_follows_fail_on(tmp_path):
    base = ["check", ARTICLE, "--reference", REFERENCE, "--hypothesis", HYPOTHESIS, "--quiet"]
    assert run(*base, "--fail-on", "never").exit_code == 0
    assert run(*base, "--fail-on", "minor").exit_code == 1
    # The same text as its own reference and back-translation has nothing to flag.
    ref = tmp_path / "r.en.txt"
    ref.write_text("The minister said the talks would resume on Monday.\n", encoding="utf-8")
    ar = tmp_path / "a.ar.txt"
    ar.write_text("قال الوزير إن المحادثات ستستأنف يوم الاثنين.\n", encoding="utf-8")
    result = run("check", ar, "--reference", ref, "--hypothesis", ref, "--fail-on", "minor")
    assert result.exit_code == 0, result.output


def test_terminal_output_shows_flags_and_arabic():
    result = run("check", ARTICLE, "--reference", REFERENCE, "--hypothesis", HYPOTHESIS,
                 "--fail-on", "never")
    assert result.exit_code == 0
    assert "flags" in result.stdout
    assert "ماكرون" in result.stdout


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "empty"),
        (b"   \n\t\n", "empty"),
        (b"\x00\x01\x02\x03binary\x00\xff" * 20, "binary"),
        (b"\xff\xfe\xfa\x81\x8d" * 3 + b"\x01\x02", "not valid"),
        (b"The president said on Thursday that talks had failed.", "swapped"),
    ],
    ids=["empty", "whitespace", "binary", "undecodable", "english-as-article"],
)
def test_bad_article(tmp_path, content: bytes, needle: str):
    bad = tmp_path / "bad.ar.txt"
    bad.write_bytes(content)
    out = tmp_path / "out.json"
    result = run("check", bad, "--reference", REFERENCE, "--hypothesis", HYPOTHESIS, "--json", out)
    one_line_error(result, str(bad), needle)
    assert not out.exists()


def test_arabic_as_reference(tmp_path):
    result = run("check", ARTICLE, "--reference", ARTICLE, "--hypothesis", HYPOTHESIS)
    one_line_error(result, str(ARTICLE), "swapped")


def test_missing_file(tmp_path):
    missing = tmp_path / "nope.ar.txt"
    one_line_error(run("check", missing, "--reference", REFERENCE, "--hypothesis", HYPOTHESIS),
                    str(missing))


def test_hypothesis_with_wrong_line_count(tmp_path):
    hyp = tmp_path / "h.txt"
    hyp.write_text("one line\ntwo lines\n", encoding="utf-8")
    one_line_error(run("check", ARTICLE, "--reference", REFERENCE, "--hypothesis", hyp),
                    str(hyp), "paragraphs")


def test_model_and_hypothesis_together():
    one_line_error(run("check", ARTICLE, "--reference", REFERENCE, "--hypothesis", HYPOTHESIS,
                        "--model", "gloss"), "either")


@pytest.mark.parametrize(
    ("yaml_text", "needle"),
    [
        ("default: x\nmodels:\n  x:\n    backend: hf\n    model: a/b\n    generation:\n      num_beams: four\n", "num_beams"),
        ("default: x\nmodels:\n  x:\n    backend: hf\n    model: a/b\n    colour: blue\n", "colour"),
        ("default: x\nmodels: [\n", "models.yaml"),
    ],
    ids=["wrong-type", "unknown-key", "syntax"],
)
def test_broken_models_yaml(tmp_path, yaml_text: str, needle: str):
    path = tmp_path / "models.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    result = run("check", ARTICLE, "--reference", REFERENCE, "--models-file", path, "--no-cache")
    one_line_error(result, needle)


def test_unknown_model_name(tmp_path, tiny_models_yaml):
    result = run("check", ARTICLE, "--reference", REFERENCE, "--models-file", tiny_models_yaml,
                 "--model", "nonexistent", "--no-cache")
    one_line_error(result, "nonexistent", "tiny")


def test_offline_hub_model_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    result = run("check", ARTICLE, "--reference", REFERENCE, "--model", "opus-mt-ar-en",
                 "--cache", tmp_path / "c.sqlite3")
    one_line_error(result, "opus-mt-ar-en", "models pull")


def test_tiny_model_end_to_end_with_cache(tmp_path, tiny_models_yaml):
    cache = tmp_path / "cache.sqlite3"
    outs = []
    for k in range(2):
        out = tmp_path / f"run{k}.json"
        result = run("check", ARTICLE, "--reference", REFERENCE, "--models-file", tiny_models_yaml,
                     "--cache", cache, "--json", out, "--quiet", "--fail-on", "never")
        assert result.exit_code == 0, result.output
        outs.append(json.loads(out.read_text(encoding="utf-8")))
    first, second = outs
    n_sentences = first["article"]["sentences"]
    assert first["model"]["cache"] == {"hits": 0, "misses": n_sentences}
    assert second["model"]["cache"] == {"hits": n_sentences, "misses": 0}
    assert [s["hypothesis"] for s in first["segments"]] == [s["hypothesis"] for s in second["segments"]]
    # Every Arabic sentence was translated and lands in exactly one segment.
    assert sum(len(s["ar"]["text"]) > 0 for s in first["segments"]) >= 1


def test_gloss_backend_runs_without_weights(tmp_path):
    out = tmp_path / "g.json"
    result = run("check", ARTICLE, "--reference", REFERENCE, "--model", "gloss", "--no-cache",
                 "--json", out, "--quiet", "--fail-on", "never")
    assert result.exit_code == 0, result.output
    d = json.loads(out.read_text(encoding="utf-8"))
    assert d["model"]["rough"] is True
    seg = next(s for s in d["segments"] if "يدعم" in s["ar"]["text"])
    assert "support" in seg["hypothesis"]["text"]


def test_gloss_run_says_in_the_terminal_that_the_back_translation_is_rough():
    from eval.reports.wording import ROUGH_GLOSS_EXPLANATION, ROUGH_GLOSS_LABEL

    result = runner.invoke(app, ["check", str(ARTICLE), "--reference", str(REFERENCE), "--model", "gloss",
                                 "--no-cache", "--fail-on", "never"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert text.count(ROUGH_GLOSS_LABEL) == 1 and ROUGH_GLOSS_EXPLANATION in text


def test_help_does_not_import_torch():
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from tadqiq.cli import app\n"
        "r = CliRunner().invoke(app, ['--help'])\n"
        "assert r.exit_code == 0\n"
        "print(sorted(m for m in ('torch', 'transformers', 'sacrebleu') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_hypothesis_check_does_not_import_torch(tmp_path):
    code = (
        "import sys\n"
        "from tadqiq.pipeline import CheckRequest, check\n"
        f"check(CheckRequest(article={str(ARTICLE)!r}, reference={str(REFERENCE)!r}, hypothesis={str(HYPOTHESIS)!r}))\n"
        "print('torch' in sys.modules, 'transformers' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


def test_reference_required_for_plain_text():
    one_line_error(run("check", ARTICLE, "--hypothesis", HYPOTHESIS), "--reference")


def test_xliff_out_needs_paired_input(tmp_path):
    one_line_error(run("check", ARTICLE, "--reference", REFERENCE, "--hypothesis", HYPOTHESIS,
                        "--xliff-out", tmp_path / "x.xlf"), "XLIFF")


def test_dismissed_false_alarm_stays_dismissed_on_the_next_run(tmp_path):
    """The editor's loop: report → dismiss a flag in the page → next run keeps it dismissed."""
    first = tmp_path / "first.json"
    html = tmp_path / "report.html"
    base = ["check", ARTICLE, "--reference", REFERENCE, "--hypothesis", HYPOTHESIS, "--quiet"]
    assert run(*base, "--json", first, "--html", html).exit_code == 1  # a critical flag
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    report = json.loads(first.read_text(encoding="utf-8"))
    critical = [f for f in report["flags"] if f["severity"] == "critical"]
    decisions = {
        "schema": "tadqiq.decisions/1",
        "article": {"path": report["article"]["path"], "sha256": report["article"]["sha256"]},
        "decisions": [{"fingerprint": f["fingerprint"], "flag": f["id"], "decision": "false-alarm"}
                      for f in critical],
    }
    path = tmp_path / "decisions.json"
    path.write_text(json.dumps(decisions), encoding="utf-8")
    second = tmp_path / "second.json"
    result = run(*base, "--json", second, "--decisions", path)
    assert result.exit_code == 0, result.output  # the only critical flag was dismissed
    again = json.loads(second.read_text(encoding="utf-8"))
    reviewed = {f["fingerprint"]: f["review"] for f in again["flags"]}
    assert all(reviewed[f["fingerprint"]] == "false-alarm" for f in critical)
    assert again["summary"]["dismissed"] == len(critical)
    assert again["mqm"]["penalty"] < report["mqm"]["penalty"]


def test_decisions_from_another_article(tmp_path):
    path = tmp_path / "decisions.json"
    path.write_text(json.dumps({"schema": "tadqiq.decisions/1",
                                "article": {"path": "x", "sha256": "0" * 64}, "decisions": []}),
                    encoding="utf-8")
    out = tmp_path / "o.json"
    result = run("check", ARTICLE, "--reference", REFERENCE, "--hypothesis", HYPOTHESIS,
                 "--decisions", path, "--json", out)
    one_line_error(result, str(path))
    assert not out.exists()
