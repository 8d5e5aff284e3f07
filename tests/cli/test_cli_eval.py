"""`tadqiq eval` and `tadqiq history` end to end: history, regression exit code, trend page."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from tadqiq.cli import app

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "bench" / "data" / "flags"
DOCS = ["A/a02-solar-tender", "B/b01-wheat-harvest", "B/b05-tunisia-central-bank"]

runner = CliRunner()


def eval_corpus(tmp_path: Path) -> tuple[Path, Path, Path]:
    corpus, good, bad = tmp_path / "corpus", tmp_path / "good", tmp_path / "bad"
    for d in (corpus, good, bad):
        d.mkdir()
    for doc in DOCS:
        name = Path(doc).name
        shutil.copy(DATA / doc / "article.ar.txt", corpus / f"{name}.ar.txt")
        shutil.copy(DATA / doc / "reference.en.txt", corpus / f"{name}.en.txt")
        # "good": the labelled back-translations; "bad": each document gets another's lines.
        shutil.copy(DATA / doc / "hypothesis.en.txt", good / f"{name}.en.txt")
        lines = (DATA / doc / "hypothesis.en.txt").read_text(encoding="utf-8").splitlines()
        bad_lines = [" ".join(reversed(line.split())) for line in lines]
        (bad / f"{name}.en.txt").write_text("\n".join(bad_lines) + "\n", encoding="utf-8")
    return corpus, good, bad


def models_file(tmp_path: Path, hyp_dir: Path) -> Path:
    path = tmp_path / "models.yaml"
    path.write_text(f"default: vendor\nmodels:\n  vendor:\n    backend: precomputed\n    path: {hyp_dir}\n"
                    "  gloss:\n    backend: gloss\n", encoding="utf-8")
    return path


def test_two_nights_then_a_regression(tmp_path):
    corpus, good, bad = eval_corpus(tmp_path)
    history = tmp_path / "runs.db"
    models = models_file(tmp_path, good)
    base = ["eval", str(corpus), "--models", "vendor,gloss", "--models-file", str(models),
            "--history", str(history), "--samples", "100", "--no-cache", "--quiet"]
    first = runner.invoke(app, [*base, "--out", str(tmp_path / "n1")])
    assert first.exit_code == 0, first.output
    assert (tmp_path / "n1" / "vendor.jsonl").read_text(encoding="utf-8").count("\n") == len(DOCS)
    assert "against vendor" in first.stdout and "gloss    chrF++" in first.stdout  # significance

    models.write_text(models.read_text(encoding="utf-8").replace(str(good), str(bad)), encoding="utf-8")
    second = runner.invoke(app, [*base, "--out", str(tmp_path / "n2"), "--fail-on-regression", "1.0"])
    assert second.exit_code == 1, second.output
    assert second.stdout.lstrip().startswith("REGRESSION vendor")

    trend = tmp_path / "trend.html"
    shown = runner.invoke(app, ["history", "--history", str(history), "--html", str(trend)])
    assert shown.exit_code == 0, shown.output
    page = trend.read_text(encoding="utf-8")
    assert page.count("<svg") >= 5 and "vendor" in page
    assert "http://" not in page and "https://" not in page


def test_bad_document_is_reported_and_the_night_goes_on(tmp_path):
    corpus, good, _ = eval_corpus(tmp_path)
    (corpus / "orphan.ar.txt").write_text("نص بلا مرجع.\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", str(corpus), "--models", "vendor", "--models-file",
                                 str(models_file(tmp_path, good)), "--no-history", "--no-cache",
                                 "--quiet", "--out", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    assert "orphan" in result.stdout
    assert (tmp_path / "out" / "vendor.jsonl").read_text(encoding="utf-8").count("\n") == len(DOCS)


def test_resume_needs_out(tmp_path):
    result = runner.invoke(app, ["eval", str(tmp_path), "--models", "x", "--resume"])
    assert result.exit_code == 2
    assert "--out" in result.stderr


def test_a_bad_glossary_is_one_line_and_nothing_is_written(tmp_path):
    corpus, good, _ = eval_corpus(tmp_path)
    glossary = tmp_path / "glossary.csv"
    glossary.write_text("english,arabic\ntender,مناقصة\nceasefire\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", str(corpus), "--models", "vendor", "--models-file",
                                 str(models_file(tmp_path, good)), "--no-history", "--no-cache",
                                 "--quiet", "--glossary", str(glossary), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.stderr == (
        f"tadqiq: error: {glossary}: line 3: expected 'english term,arabic rendering(s)', "
        "got 1 cell: 'ceasefire'\n"
    )
    assert not (tmp_path / "out").exists()
