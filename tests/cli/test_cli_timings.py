"""`tadqiq check --timings`: every stage named, the report stage included (no clock asserted)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
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


def test_the_command_tunes_the_garbage_collector() -> None:
    """`tadqiq` raises the cyclic collector's thresholds for its own process (a new
    article's flag stage spent about a third of its time in full collections over the
    memos); importing the library alone leaves Python's as they are."""
    code = (
        "import gc, sys\n"
        "from tadqiq.cli import main\n"
        "from eval.runtime import GC_THRESHOLDS\n"
        "before = gc.get_threshold()\n"
        "sys.argv = ['tadqiq', '--version']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(before == GC_THRESHOLDS, gc.get_threshold() == GC_THRESHOLDS)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split()[-2:] == ["False", "True"], out.stderr
