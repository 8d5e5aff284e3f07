"""Command-line details (issue 13, item 8): flags, one-line usage errors, help texts,
the files written, plural counts, magic bytes and visual bidi."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cli_results import one_line_error
from rich.console import Console
from typer.testing import CliRunner

from eval.reports.terminal import render
from tadqiq.cli import app
from tadqiq.pipeline import CheckRequest, check

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "seed"
SEED_ARGS = [str(SEED / "article.ar.txt"), "--reference", str(SEED / "reference.en.txt"),
             "--hypothesis", str(SEED / "hypothesis.en.txt")]

runner = CliRunner()


def run(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "80", "NO_COLOR": "1"})


# --- flags and usage errors ---------------------------------------------------------------


@pytest.mark.parametrize("command", [(), ("check",), ("eval",), ("history",), ("models", "list"),
                                     ("models", "convert"), ("bench", "flags")])
def test_boolean_options_are_shown_as_flags(command):
    text = run(*command, "--help").output
    assert "<bool>" not in text
    if command == ("check",):
        assert re.search(r"^\s+-q, --quiet\s+Print only", text, re.M), text
        assert re.search(r"^\s+--visual-bidi\s+Reorder", text, re.M), text


def test_eval_quiet_has_a_help_text():
    text = run("eval", "--help").output
    assert re.search(r"^\s+-q, --quiet\s+\S", text, re.M), text


def test_a_flag_given_a_value_is_one_line_naming_the_flag():
    err = one_line_error(run("check", *SEED_ARGS, "--quiet", "true"), "--quiet")
    assert err.startswith("tadqiq: error: --quiet is a flag and takes no value")


@pytest.mark.parametrize(("args", "needle"), [
    (("eval", "corpus"), "missing option '--models'"),
    (("check", "a.ar.txt", "--fail-on", "sometimes"), "invalid value for '--fail-on'"),
    (("check", "a.ar.txt", "--jsn", "x.json"), "no such option: --jsn"),
    (("check",), "missing argument"),
    (("chek",), "no such command 'chek'"),
    (("models", "lst"), "no such command 'lst'"),
    (("history", "--bogus"), "no such option: --bogus"),
    (("check", "a.ar.txt", "--min-confidence", "2"), "'--min-confidence'"),
    (("--bogus",), "no such option: --bogus"),
])
def test_usage_errors_are_one_line_with_exit_code_2(args, needle):
    err = one_line_error(run(*args), needle)
    assert err.startswith("tadqiq: error: ") and "╭" not in err and "Usage:" not in err


def test_the_console_script_reports_a_usage_error_in_one_line():
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "80"}
    done = subprocess.run([sys.executable, "-c", "from tadqiq.cli import main; main()", "check", "--colour"],
                          capture_output=True, text=True, env=env, timeout=60, check=False)
    assert done.returncode == 2
    assert done.stderr.strip() == "tadqiq: error: no such option: --colour (see 'tadqiq check --help')"


def test_help_without_a_subcommand_is_still_the_help():
    result = run("models")
    assert result.exit_code == 2 and "Commands:" in result.output and "list" in result.output


# --- the files a command wrote ------------------------------------------------------------


def test_check_quiet_still_says_where_it_wrote_its_files(tmp_path):
    html, json_out = tmp_path / "report.html", tmp_path / "report.json"
    result = run("check", *SEED_ARGS, "--quiet", "--html", html, "--json", json_out, "--fail-on", "never")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == f"wrote {json_out}, {html}"
    assert len(result.stdout.splitlines()) == 2  # the summary, then the files
    assert html.is_file() and json_out.is_file()


def test_history_html_says_where_it_wrote_the_page(tmp_path):
    trend = tmp_path / "trend.html"
    result = run("history", "--history", tmp_path / "runs.db", "--html", trend)
    assert result.exit_code == 0, result.output
    assert f"wrote {trend}" in result.stdout and trend.is_file()


# --- a corpus with nothing usable -----------------------------------------------------------


def test_an_all_broken_corpus_is_an_input_error_naming_it(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.ar.txt").write_text("\n", encoding="utf-8")
    (corpus / "a.en.txt").write_text("The minister resigned.\n", encoding="utf-8")
    (corpus / "b.ar.txt").write_text("استقال الوزير.\n", encoding="utf-8")  # no b.en.txt
    models = tmp_path / "models.yaml"
    models.write_text("models:\n  gloss: {backend: gloss}\n", encoding="utf-8")
    result = run("eval", corpus, "--models", "gloss", "--models-file", models, "--no-history", "--no-cache")
    err = one_line_error(result, f"tadqiq: error: {corpus}: no usable document in the corpus: ",
                         "b.en.txt: missing", "(and 1 other broken document)")
    assert "0 documents" not in result.output, err


# --- counts ---------------------------------------------------------------------------------


def test_counted_agrees_with_its_number():
    from eval.values import counted

    assert [counted(n, "paragraph") for n in (0, 1, 2)] == ["0 paragraphs", "1 paragraph", "2 paragraphs"]
    assert counted(1, "entry", "entries") == "1 entry" and counted(3, "entry", "entries") == "3 entries"


def write_texts(tmp_path: Path, ar: str, ref: str, hyp: str) -> tuple[Path, Path, Path]:
    """The article, reference and back-translation files of one check, one text each."""
    paths = (tmp_path / "a.ar.txt", tmp_path / "r.en.txt", tmp_path / "h.en.txt")
    for path, text in zip(paths, (ar, ref, hyp), strict=True):
        path.write_text(text, encoding="utf-8")
    return paths


def test_a_one_paragraph_article_is_counted_in_the_singular(tmp_path):
    article, reference, hypothesis = write_texts(
        tmp_path, "قال الوزير إن المحادثات ستستأنف. وأضاف أنها مهمة.\n",
        "The minister said talks would resume. He added they matter.\n", "one\ntwo\nthree\n")
    one_line_error(run("check", article, "-r", reference, "--hypothesis", hypothesis),
                   "has 3 non-empty lines but the article has 1 paragraph and 2 sentences")


def test_the_summary_counts_one_flag_in_the_singular(tmp_path):
    article, reference, hypothesis = write_texts(
        tmp_path, "قال الوزير إن 14 سفينة تنتظر.\n", "The minister said 40 ships were waiting.\n",
        "The minister said 14 ships were waiting.\n")
    result = run("check", article, "-r", reference, "--hypothesis", hypothesis, "--checks", "numbers",
                 "--fail-on", "never")
    assert result.exit_code == 0, result.output
    assert re.search(r"^1 flag$", result.stdout, re.M), result.stdout
    assert result.stdout.splitlines()[-1].startswith("1 flag ("), result.stdout


# --- input sniffing -------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "kind"), [
    (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n", "a PDF document"),
    (b"\xef\xbb\xbf%PDF-1.7\n%%EOF\n", "a PDF document"),
    (b"{\\rtf1\\ansi {\\fonttbl\\f0 Arial;} \\u1575? text}\n", "an RTF document"),
])
def test_a_small_document_file_without_nul_bytes_is_named_by_its_magic_bytes(tmp_path, data, kind):
    article = tmp_path / "article.ar.txt"
    article.write_bytes(data)
    err = one_line_error(run("check", article, "-r", SEED / "reference.en.txt"),
                         f"{article}: {kind}, not text")
    assert "swapped" not in err


# --- --visual-bidi --------------------------------------------------------------------------

LONG = ("بدأ الاجتماع صباح الخميس في قصر الإليزيه بحضور قادة أكثر من ثلاثين دولة أوروبية"
        " وغير أوروبية لمناقشة الضمانات الأمنية التي يمكن تقديمها لأوكرانيا بعد وقف إطلاق"
        " النار المحتمل مع روسيا في الأشهر المقبلة.")
LONG_EN = ("The meeting began on Thursday morning at the Elysee Palace with leaders of more than"
           " thirty European and non-European countries to discuss the security guarantees that"
           " could be offered to Ukraine after a possible ceasefire with Russia in the coming months.")


def _rendered(tmp_path: Path, width: int, hypothesis: str) -> str:
    from eval.reports.bidi import to_visual

    (tmp_path / "a.ar.txt").write_text(LONG + "\n", encoding="utf-8")
    (tmp_path / "r.en.txt").write_text(LONG_EN + "\n", encoding="utf-8")
    (tmp_path / "h.en.txt").write_text(hypothesis + "\n", encoding="utf-8")
    report = check(CheckRequest(article=tmp_path / "a.ar.txt", reference=tmp_path / "r.en.txt",
                                hypothesis=tmp_path / "h.en.txt", allow_mismatch=True))
    console = Console(width=width, record=True, color_system=None)
    render(report, console, visual=True)
    assert to_visual("بدأ الاجتماع") == "عامتجالا أدب"  # python-bidi reverses the letters
    return console.export_text()


@pytest.mark.parametrize("width", [80, 120])
def test_visual_bidi_shows_the_start_of_a_long_sentence_in_the_table(tmp_path, width):
    text = _rendered(tmp_path, width, LONG_EN)
    row = next(line for line in text.splitlines() if "│" in line and "100.0" in line)  # the one segment
    assert row.rstrip().endswith("عامتجالا أدب"), row  # the sentence's first words, at the right
    assert "…" in row  # cut at its logical end


def test_visual_bidi_wraps_a_long_flagged_span_from_its_start(tmp_path):
    # The back-translation drops the end of the sentence: the omission flag's Arabic is long.
    text = _rendered(tmp_path, 60, "The meeting began.")
    lines = text.splitlines()
    arabic = [k for k, line in enumerate(lines) if line.strip().startswith("Arabic ") and "∅" not in line]
    assert arabic, text
    first = lines[arabic[0]]
    continued = lines[arabic[0] + 1]
    assert not continued.startswith(" " * 19 + "Arabic") and continued.startswith(" " * 19), text
    # Its first screen line is the logical start of the span (reordered on its own).
    from eval.reports.bidi import to_visual

    start = first.split("Arabic", 1)[1].strip()
    assert start and LONG.find(to_visual(start).split()[-1]) < len(LONG) // 2, text
