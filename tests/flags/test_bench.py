"""The flag benchmark: its matching rule, and the flagger's figures on a small labelled subset."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from eval.flags.bench import GoldError, finds, load_gold
from eval.values import Category, Flag, HypSpan, Severity, Span
from tadqiq.cli import app

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "bench" / "data" / "flags"


def _flag(ar: Span, ref: Span) -> Flag:
    return Flag("F1", 0, Category.MISTRANSLATION, Severity.MAJOR, 0.9, ar, ref, HypSpan())


def test_matching_rule():
    gold = GoldError("g", Category.NUMBER, Severity.CRITICAL, 2, 10, 15, 2, 40, 52)
    assert finds(_flag(Span("x", 2, 12, 20), Span()), gold)
    assert not finds(_flag(Span("x", 3, 12, 20), Span()), gold)  # other line
    assert not finds(_flag(Span("x", 2, 15, 20), Span()), gold)  # touching is not overlapping
    omission = GoldError("o", Category.OMISSION, Severity.MAJOR, 2, None, None, 2, 40, 52)
    assert finds(_flag(Span("", 2, 30, 30), Span("y", 2, 50, 60)), omission)
    assert not finds(_flag(Span("x", 2, 30, 35), Span("y", 2, 52, 60)), omission)


def test_gold_files_are_valid():
    folders = sorted(p.parent for p in DATA.rglob("gold.json"))
    assert len(folders) >= 16
    categories = set()
    for folder in folders:
        article = (folder / "article.ar.txt").read_text(encoding="utf-8")
        reference = (folder / "reference.en.txt").read_text(encoding="utf-8")
        for g in load_gold(folder, article, reference):
            categories.add(g.category)
    assert categories == set(Category)


def test_bench_on_a_small_subset(tmp_path):
    subset = [str(DATA / name) for name in ("A/a02-solar-tender", "B/b01-wheat-harvest", "B/b08-tyre-mosaic-clean")]
    out = tmp_path / "bench.json"
    result = CliRunner().invoke(app, ["bench", "flags", *subset, "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "critical+major" in result.stdout
    figures = json.loads(out.read_text())
    assert figures["documents"] == 3
    # A regression floor well under the full-set figures in docs/benchmarks.md.
    assert figures["critical_and_major"]["recall"] >= 0.6
    assert figures["overall"]["precision"] >= 0.25
    assert figures["clean_segments"] > 0
