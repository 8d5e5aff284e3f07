"""The terminal report at the widths of logs and cron mail (rich uses 80 columns when piped):
numbers whole, text wrapped under itself, the same words and numbers as the HTML page."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console
from test_html import Page
from typer.testing import CliRunner

from eval.flags.registry import CHECK_OF_SIGNAL
from eval.reports import wording
from eval.reports.html import render_html
from eval.reports.terminal import render
from eval.scoring.registry import METRICS
from eval.values import Report
from tadqiq.cli import app

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "seed"
WIDTHS = (80, 60)
_BORDER = re.compile(r"[│┃]")


def terminal(report: Report, width: int) -> str:
    console = Console(width=width, record=True, color_system=None, file=open("/dev/null", "w"))  # noqa: SIM115
    render(report, console)
    console.file.close()
    return console.export_text()


def table_rows(text: str) -> list[list[str]]:
    """The body rows of the segments table (split on its column rules)."""
    rows = []
    for line in text.splitlines():
        if "│" in line:
            rows.append([c.strip() for c in _BORDER.split(line)])
    return rows


@pytest.mark.parametrize("width", WIDTHS)
def test_segment_numbers_and_scores_are_whole_and_numbered_from_one(seed: Report, width: int) -> None:
    text = terminal(seed, width)
    rows = [r for r in table_rows(text) if r[0]]  # continuation lines have no segment number
    assert [int(r[0]) for r in rows] == [seg.id + 1 for seg in seed.segments]
    for row, seg in zip(rows, seed.segments, strict=True):
        assert row[1] == str(seg.ar.line or seg.reference.line or "")
        expected = [f"{getattr(seg.scores, key):.1f}" if seg.scores else "—" for key in METRICS]
        assert row[2:2 + len(METRICS)] == expected, row
    assert all(cell_len(line) <= width for line in text.splitlines())


@pytest.mark.parametrize("width", WIDTHS)
def test_wrapped_evidence_keeps_a_hanging_indent(seed: Report, width: int) -> None:
    text = terminal(seed, width)
    block = text[text.index(f"{len(seed.flags)} flags\n"):].splitlines()[1:]
    head = re.compile(r"^ *F\d+  ")
    labels = {"Arabic", "reference", "back-transl.", *(wording.signal_label(e.signal)
                                                         for f in seed.flags for e in f.evidence)}
    wrapped = 0
    for line in block:
        if head.match(line) or not line.strip():
            continue
        assert line.startswith("      "), line  # nothing restarts at column 0
        rest = line[6:]
        if not any(rest.startswith(label) for label in labels):
            # a continuation: it starts under the value, past the widest label
            assert rest.startswith(" " * (max(map(len, labels)) + 1)), line
            wrapped += 1
    assert wrapped > 0  # the seed has evidence longer than 80 columns


def test_evidence_has_plain_labels_and_the_json_keeps_the_signal_names(seed: Report) -> None:
    text = terminal(seed, 200)
    assert "reference-unrendered" not in text and "missing in Arabic" in text
    assert "robust deviations" not in text
    html = render_html(seed)
    labels = {e.text.strip(): e.attrs.get("data-signal", e.text.strip()) for e in Page(html).find("span", "signal")}
    assert labels["missing in Arabic"] == "reference-unrendered"
    assert "reference-unrendered" not in labels
    signals = {e["signal"] for f in seed.to_json()["flags"] for e in f["evidence"]}
    assert "reference-unrendered" in signals


def test_every_registered_signal_has_a_plain_label() -> None:
    assert set(CHECK_OF_SIGNAL) <= set(wording.SIGNAL_LABELS)
    assert all(label and label != signal for signal, label in wording.SIGNAL_LABELS.items()
               if signal not in ("idiom", "glossary", "negation", "back-translation", "tense"))


def test_scores_say_which_way_is_better(seed: Report) -> None:
    text = terminal(seed, 80)
    scores = next(line for line in text.splitlines() if line.startswith("BLEU"))
    for key, spec in METRICS.items():
        assert f"{spec.label} {seed.corpus_scores[key].score:.1f} {spec.arrow}" in scores
    assert wording.DIRECTION_LEGEND in scores
    assert "chrF++ ↑" in text and "TER ↓" in text  # the table's headers


def test_mqm_is_named_and_figured_as_in_the_html(seed: Report) -> None:
    text = " ".join(terminal(seed, 80).split())
    page = Page(render_html(seed))
    quality = page.find(id="mqm-quality")[0].text.strip()
    per_k = page.find(id="mqm-per-k")[0].text.strip()
    assert f"MQM quality {quality} / 100" in text
    assert f"{per_k} penalty points per 1,000 Arabic words" in text
    assert "MQM penalty/1000" not in text
    # the words themselves, not the constant both views take them from
    html = render_html(seed)
    for words in ("penalty points per 1,000 Arabic words", "minor 1, major 5, critical 10"):
        assert words in text and words in html


def test_html_numbers_segments_from_one(seed: Report) -> None:
    page = Page(render_html(seed))
    numbers = [e.text.split()[1] for e in page.find("span", "segno")]
    assert numbers[:3] == ["1", "2", "3"] and len(numbers) == len(seed.segments)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_rough_gloss_is_said_once_plainly(seed: Report, width: int) -> None:
    rough = replace(seed, model={**seed.model, "name": "gloss", "backend": "gloss", "rough": True})
    text = " ".join(terminal(rough, width).split())
    assert text.count(wording.ROUGH_GLOSS_LABEL) == 1
    assert wording.ROUGH_GLOSS_EXPLANATION in text
    assert wording.ROUGH_GLOSS_LABEL not in " ".join(terminal(seed, width).split())
    html = render_html(rough)
    assert wording.ROUGH_GLOSS_EXPLANATION in html


# --- models list: hub ids whole ----------------------------------------------------------------

LONG_IDS = ("Helsinki-NLP/opus-mt-ar-en-some-long-hub-name", "Helsinki-NLP/opus-mt-tc-big-ar-en-extra-long")


@pytest.mark.parametrize("width", WIDTHS)
def test_models_list_keeps_hub_ids_whole(tmp_path: Path, width: int) -> None:
    models = tmp_path / "models.yaml"
    models.write_text(
        "default: nllb\nmodels:\n"
        + "".join(
            f"  m{k}:\n    backend: hf\n    model: {hub}\n"
            "    description: a model with a long description that needs more room than"
            " a narrow terminal has beside the other columns\n"
            for k, hub in enumerate(LONG_IDS)
        )
        + "  nllb:\n    backend: gloss\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["models", "list", "--models-file", str(models)],
                                env={"COLUMNS": str(width), "HF_HUB_OFFLINE": "1"})
    assert result.exit_code == 0, result.output
    for hub in LONG_IDS:
        assert hub in result.stdout, result.stdout
    assert "…" not in result.stdout
    assert "nllb default" in " ".join(result.stdout.split())
    assert "long description that needs more room" in " ".join(result.stdout.split())


def test_every_view_numbers_a_flag_and_its_confidence_alike(seed: Report) -> None:
    """A flag's segment number and confidence read the same in the terminal, the HTML
    card and the CSV/XLSX rows: segments from 1, confidence with two decimals."""
    from eval.reports.export import flag_rows

    flag = next(f for f in seed.flags if f.severity.value == "critical")
    shown = f"confidence {flag.confidence:.2f}"
    text = " ".join(terminal(seed, 100).split())
    assert f"{flag.id} critical mistranslation line {flag.ar.line} {shown}" in text
    [conf] = [e for e in Page(render_html(seed)).find("span", "conf")
              if any(a.attrs.get("id") == f"card-{flag.id}" for a in e.ancestors)]
    assert " ".join(conf.text.split()) == shown
    header, rows = flag_rows(seed)
    row = dict(zip(header, next(r for r in rows if r[0] == flag.id), strict=True))
    assert row["seg"] == flag.segment + 1 and "segment" not in header
    segno = [e.text.split()[1] for e in Page(render_html(seed)).find("span", "segno")]
    assert segno[flag.segment] == str(row["seg"])
