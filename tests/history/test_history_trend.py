"""The trend page and the terminal table drawn from the history."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from history_records import flag, run_record

import eval.nightly.trend as trend
from eval.nightly.records import RunRecord
from eval.nightly.store import History, open_history
from eval.nightly.trend import history_table, measures, render_trend, write_trend
from eval.scoring.registry import METRICS

HOSTILE = "<script>alert(1)</script>\"'&<img src=x onerror=alert(2)>"
CHARTS = 5  # BLEU, chrF++, TER, MQM penalty, critical flags


class Page(HTMLParser):
    """Every start tag with its attributes, and the text of each <title>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.titles: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "title":
            self._in_title = True
            self.titles.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.titles[-1] += data

    def count(self, tag: str) -> int:
        return sum(1 for t, _ in self.tags if t == tag)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def assert_self_contained(html: str, page: Page) -> None:
    assert page.count("script") == 0 and page.count("link") == 0 and page.count("img") == 0
    assert page.count("iframe") == 0 and page.count("object") == 0
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in ("src", "href", "xlink:href", "action", "srcset"):
                raise AssertionError(f"<{tag} {name}={value!r}> loads or links something")
    assert "url(" not in html and "@import" not in html
    assert not re.search(r"https?://", html)


def record_runs(history: History, count: int, **kw: object) -> list[RunRecord]:
    runs = []
    for k in range(count):
        run = run_record(
            f"night-{k}",
            k,
            flags={"opus-mt-ar-en": [flag("a.ar.txt", f"f{k}"), flag("a.ar.txt", "always")]},
            **kw,  # type: ignore[arg-type]
        )
        history.record(run)
        runs.append(run)
    return runs


@pytest.fixture
def history(tmp_path: Path) -> Iterator[History]:
    with open_history(tmp_path / "runs.db") as h:
        yield h


def test_no_runs(history: History) -> None:
    html = render_trend(history)
    page = parse(html)
    assert page.count("svg") == 0
    assert 'id="no-runs"' in html and "No runs are recorded" in html
    assert_self_contained(html, page)
    assert history_table(history) == []


def test_one_run_has_a_table_and_a_message_instead_of_charts(history: History) -> None:
    record_runs(history, 1)
    html = render_trend(history)
    page = parse(html)
    assert page.count("svg") == 0
    assert 'id="one-run"' in html and "at least two runs" in html
    assert page.count("table") == 1
    assert "first run of this model" in html and "nothing to compare" in html
    assert_self_contained(html, page)


def test_three_runs_draw_one_chart_per_metric(history: History) -> None:
    record_runs(history, 3)
    html = render_trend(history)
    page = parse(html)
    assert_self_contained(html, page)
    assert page.count("svg") == CHARTS
    for key in ("bleu", "chrf", "ter", "mqm", "critical"):
        assert f'id="chart-{key}"' in html
    # One line per model in every chart, and one point (with a tooltip) per run and model.
    assert page.count("path") == CHARTS * 2
    point_titles = [t for t in page.titles if " · run night-" in t]
    assert len(point_titles) == CHARTS * 2 * 3
    bleu = next(
        t for t in point_titles if t.startswith("opus-mt-ar-en · run night-2") and "BLEU" in t
    )
    assert "2024-05-03 02:00 UTC" in bleu and "BLEU 31.40" in bleu and "BLEU|nrefs:1" in bleu
    # Axis titles and a legend entry per model in every chart.
    assert html.count("run started (UTC)") == CHARTS
    assert sum(1 for t in page.titles if t in ("baseline", "opus-mt-ar-en")) == CHARTS * 2
    # The latest run's table: deltas against the previous run and significance.
    assert "night-2" in html and "previous run" in html
    assert "+0.7" in html  # BLEU rose 0.7 since night-1
    assert "p (bootstrap) 0.012" in html and "[0.25, 2.50]" in html
    # f1 disappeared and f2 appeared between night-1 and night-2.
    assert "1 new and 1 fixed critical flags since run" in html


def test_model_filter(history: History) -> None:
    record_runs(history, 3)
    html = render_trend(history, model="opus-mt-ar-en")
    page = parse(html)
    assert page.count("svg") == CHARTS and page.count("path") == CHARTS
    assert 'data-model="baseline"' not in html
    html = render_trend(history, model="unknown")
    assert "No run of the model" in html and parse(html).count("svg") == 0


def test_hostile_values_are_escaped(history: History) -> None:
    for k in range(3):
        run = run_record(
            f"{HOSTILE}-{k}",
            k,
            models=("baseline", HOSTILE),
            flags={
                HOSTILE: [
                    flag(HOSTILE, f"{HOSTILE}{k}", ar=HOSTILE, reference=HOSTILE, category=HOSTILE)
                ]
            },
        )
        run = replace(run, corpus=HOSTILE, corpus_revision=HOSTILE, program_version=HOSTILE)
        for m in run.models:
            m.backend = m.model_id = m.revision = HOSTILE
            m.signatures = {"bleu": HOSTILE}
            m.failed_documents = [HOSTILE]
            m.significance = {
                HOSTILE: {"delta": HOSTILE, "p_bootstrap": HOSTILE, "ci": [HOSTILE, 1]}
            }
        history.record(run)
    html = render_trend(history)
    page = parse(html)
    assert_self_contained(html, page)
    assert page.count("svg") == CHARTS
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert any(HOSTILE in t for t in page.titles)  # the tooltips show the name, as text
    html_one = render_trend(history, model=HOSTILE)
    assert "<script>" not in html_one and parse(html_one).count("svg") == CHARTS


def test_many_models_and_long_names_lay_out(history: History) -> None:
    models = tuple(f"model-{k}-" + "x" * (k * 9) for k in range(10))
    for k in range(2):
        history.record(run_record(f"r{k}", k, models=models))
    html = render_trend(history)
    page = parse(html)
    assert page.count("svg") == CHARTS and page.count("path") == CHARTS * len(models)
    assert 'stroke-dasharray="7 4"' in html  # colours ran out: the 8th model is dashed


def test_history_table_rows(history: History) -> None:
    record_runs(history, 3)
    rows = history_table(history)
    assert [(r["run_id"], r["model"]) for r in rows] == [
        (f"night-{k}", m) for k in range(3) for m in ("baseline", "opus-mt-ar-en")
    ]
    last = rows[-1]
    assert list(last)[:3] == ["run_id", "started", "model"]
    assert last["started"] == "2024-05-03 02:00"
    assert last["bleu"] == 31.4 and last["bleu_delta"] == 0.7
    assert last["ter_delta"] == -0.1 and last["critical"] == 2 and last["critical_delta"] == 0
    assert last["failed"] == 0 and rows[-3]["failed"] == 1
    assert rows[0]["bleu_delta"] is None
    assert [r["model"] for r in history_table(history, "baseline")] == ["baseline"] * 3


def test_write_trend(history: History, tmp_path: Path) -> None:
    record_runs(history, 2)
    out = tmp_path / "trend.html"
    write_trend(history, out)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and parse(text).count("svg") == CHARTS
    assert not list(tmp_path.glob(".trend.html.*"))  # no temporary file left behind


def latest_trends(html: str) -> list[dict[str, str]]:
    """Per model of the latest run: measure label → "better"/"worse"/"same" against its previous run."""
    labels = [m.label for m in measures() if m.key != "critical"]
    trends = [a["data-trend"] or "" for t, a in parse(html).tags if t == "span" and "data-trend" in a]
    assert len(trends) % len(labels) == 0
    return [
        dict(zip(labels, trends[k : k + len(labels)], strict=True))
        for k in range(0, len(trends), len(labels))
    ]


def test_measures_are_the_registry_metrics_then_mqm_and_critical_flags() -> None:
    shown = measures()
    assert [m.key for m in shown] == [*METRICS, "mqm", "critical"]
    for measure, spec in zip(shown, METRICS.values(), strict=False):
        assert measure.metric is spec
        assert (measure.label, measure.unit, measure.higher_is_better) == (
            spec.label, spec.description, spec.higher_is_better,
        )
    assert not any(m.higher_is_better for m in shown[len(METRICS) :])


def test_a_falling_ter_is_better_and_a_rising_ter_worse(history: History) -> None:
    # night-1 against night-0: BLEU and chrF++ rose, TER and the MQM penalty fell.
    record_runs(history, 2)
    html = render_trend(history)
    assert latest_trends(html) == [
        {"BLEU": "better", "chrF++": "better", "TER": "better", "MQM penalty": "better"}
    ] * 2
    assert "TER (lower is better) over 2 runs" in html
    # night-2: TER rose (more edits) while BLEU kept rising.
    run = run_record("night-2", 2)
    for result in run.models:
        result.scores["ter"] = 61.0
    history.record(run)
    for row in latest_trends(render_trend(history)):
        assert row["TER"] == "worse" and row["BLEU"] == "better"


def test_directions_come_from_the_registry(
    history: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    record_runs(history, 2)
    flipped = {**METRICS, "ter": replace(METRICS["ter"], higher_is_better=True)}
    monkeypatch.setattr(trend, "METRICS", flipped)
    html = render_trend(history)
    assert all(row["TER"] == "worse" and row["BLEU"] == "better" for row in latest_trends(html))
    assert "TER (higher is better) over 2 runs" in html


def test_cli_history_table_names_the_registry_metrics(history: History, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tadqiq.cli import app

    record_runs(history, 2)
    result = CliRunner().invoke(
        app, ["history", "--history", str(tmp_path / "runs.db")], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    header = next(line for line in result.stdout.splitlines() if "started (UTC)" in line)
    # The headline metric (chrF++) with its change first, then the other registry metrics.
    assert re.search(r"chrF\+\+.*Δ.*BLEU.*TER.*MQM/1k", header), header
    assert "night-1" in result.stdout
