"""The flag benchmark: its matching rule, and the flagger's figures on a small labelled subset."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from eval.flags.bench import GoldError, checks_of, finds, load_gold, run
from eval.flags.registry import NAMES
from eval.values import Category, Evidence, Flag, HypSpan, Report, Severity, SourceInfo, Span
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
    # Per check: every registered check has a row; a merged flag counts for each of its checks.
    per_check = figures["per_check"]
    assert list(per_check)[: len(NAMES)] == list(NAMES)
    assert all(t["gold"] == figures["overall"]["gold"] for t in per_check.values())
    assert sum(t["flags"] for t in per_check.values()) >= figures["overall"]["flags"]
    assert max(t["found"] for t in per_check.values()) <= figures["overall"]["found"]
    assert "per check" in result.stdout and "sentence-alignment" in result.stdout


def _evidence_flag(fid: str, line: int, start: int, *signals: str) -> Flag:
    return Flag(fid, 0, Category.MISTRANSLATION, Severity.MAJOR, 0.9, Span("x", line, start, start + 1),
                Span(), HypSpan(), tuple(Evidence(s, "seen") for s in signals))


def test_per_check_precision_and_recall(tmp_path):
    (tmp_path / "article.ar.txt").write_text("one two\nthree four\n", encoding="utf-8")
    (tmp_path / "reference.en.txt").write_text("ONE TWO\nTHREE FOUR\n", encoding="utf-8")
    (tmp_path / "gold.json").write_text(json.dumps([
        {"id": "g1", "category": "number", "severity": "critical",
         "ar": {"line": 1, "text": "one"}, "reference": {"line": 1, "text": "ONE"}},
        {"id": "g2", "category": "mistranslation", "severity": "major",
         "ar": {"line": 2, "text": "four"}, "reference": {"line": 2, "text": "FOUR"}},
    ]), encoding="utf-8")
    flags = [
        _evidence_flag("F1", 1, 0, "numbers"),  # finds g1
        _evidence_flag("F2", 2, 14, "reference-unrendered", "lexicon", "segment-score"),  # finds g2
        _evidence_flag("F3", 1, 4, "negation"),  # finds nothing
        _evidence_flag("F4", 1, 1, "custom"),  # finds g1; a signal no check registers
    ]
    info = SourceInfo("p", "utf-8", 2, 4)
    report = Report(info, info, {}, [], flags, {})
    assert checks_of(flags[1]) == ["gaps", "segment-score"]
    result = run([tmp_path], lambda folder: report)
    t = {name: (x.flags, x.tp_flags, x.found, x.gold) for name, x in result.per_check.items()}
    assert t["numbers"] == (1, 1, 1, 2)
    assert t["gaps"] == (1, 1, 1, 2)  # two gap signals, one flag
    assert t["segment-score"] == (1, 1, 1, 2)
    assert t["negation"] == (1, 0, 0, 2)
    assert t["idiom"] == (0, 0, 0, 2)
    assert t["custom"] == (1, 1, 1, 2)
    assert result.per_check["numbers"].precision == 1.0 and result.per_check["numbers"].recall == 0.5
    assert result.per_check["negation"].precision == 0.0
    assert result.to_json()["per_check"]["gaps"]["recall"] == 0.5


def test_each_labelled_set_is_reported_on_its_own(tmp_path):
    import shutil

    root = tmp_path / "sets"
    for set_name, names in {"X": ["A/a02-solar-tender"], "Y": ["B/b01-wheat-harvest", "B/b08-tyre-mosaic-clean"]}.items():
        for name in names:
            shutil.copytree(DATA / name, root / set_name / Path(name).name)
    out = tmp_path / "all.json"
    result = CliRunner().invoke(app, ["bench", "flags", str(root), "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "per labelled set" in result.stdout
    figures = json.loads(out.read_text())
    assert list(figures["sets"]) == ["X", "Y"]
    assert figures["documents"] == 3
    for set_name in ("X", "Y"):
        alone = tmp_path / f"{set_name}.json"
        assert CliRunner().invoke(app, ["bench", "flags", str(root / set_name), "--json", str(alone)]).exit_code == 0
        single = json.loads(alone.read_text())
        assert "sets" not in single  # one set: no per-set breakdown
        assert figures["sets"][set_name] == single
