"""`tadqiq check --timings`: every stage named, the report stage included (no clock asserted)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from tadqiq.cli import app

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed"
STAGES = ["read", "segment", "translate", "align", "score", "flag"]


def test_timings_name_every_stage_and_the_report(tmp_path: Path):
    out = tmp_path / "r.json"
    result = CliRunner().invoke(app, [
        "check", str(SEED / "article.ar.txt"), "--reference", str(SEED / "reference.en.txt"),
        "--hypothesis", str(SEED / "hypothesis.en.txt"), "--json", str(out), "--html",
        str(tmp_path / "r.html"), "--no-cache", "--quiet", "--timings", "--fail-on", "never",
    ])
    assert result.exit_code == 0, result.output
    line = " ".join(result.stdout.split("timings:", 1)[1].split())
    assert re.findall(r"([a-z]+) \d+\.\d{3}s", line) == [*STAGES, "report"]
    # The JSON is written during the report stage, so it holds the stages before it.
    assert list(json.loads(out.read_text(encoding="utf-8"))["timings"]) == STAGES
