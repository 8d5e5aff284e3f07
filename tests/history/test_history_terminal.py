"""`tadqiq history` at the widths of logs and cron mail: numbers whole, columns left out said."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from history_records import run_record
from typer.testing import CliRunner

from eval.nightly.store import open_history
from eval.nightly.trend import history_table
from tadqiq.cli import app

LONG_MODEL = "Helsinki-NLP-opus-mt-tc-big-ar-en-with-a-long-name"


def record(path: Path) -> None:
    """Three runs of two models with three-digit TER, one-digit BLEU and a long model name."""
    with open_history(path) as history:
        for k in range(3):
            run = run_record(f"night-{k}", k, models=("baseline", LONG_MODEL))
            results = [
                replace(m, scores={**m.scores, "ter": 103.2234 + k, "bleu": 1.7234 + k},
                        mqm_per_1000=1234.5678 - k)
                for m in run.models
            ]
            history.record(replace(run, models=results))


@pytest.mark.parametrize("width", [80, 60])
def test_history_never_cuts_a_number(tmp_path: Path, width: int) -> None:
    db = tmp_path / "runs.db"
    record(db)
    result = CliRunner().invoke(app, ["history", "--history", str(db)], env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "…" not in out
    table = [line for line in out.splitlines() if line.startswith("│")]
    cells = [c.strip() for line in table for c in line.strip("│").split("│")]
    with open_history(db) as history:
        rows = history_table(history)
    # The headline metric and the registry's other metrics are always shown, whole.
    for row in rows:
        for key in ("chrf", "bleu", "ter"):
            assert str(row[key]) in cells, (key, row[key], out)
    # Whatever a narrow terminal leaves out is said, not silently squeezed to nothing.
    if width == 60:
        assert "left out at 60 columns" in " ".join(out.split())
    header = " ".join(out.split())
    assert "chrF++ ↑" in header and "TER ↓" in header and "higher is better" in header
    # The long model name is wrapped, whole.
    model_cells = "".join(c for line in table for k, c in enumerate(line.strip("│").split("│")) if k == 1)
    assert LONG_MODEL in model_cells.replace(" ", "")
