"""The repository's own scripts (bench/, tools/) report bad input in one line with exit
code 2, like the CLI: never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("script", "args", "says"), [
    ("bench/calibrate.py", ["{tmp}/dev"], "no labelled documents"),
    ("bench/calibrate.py", ["{tmp}/C-test"], "held-out split"),
    ("bench/stage_speed.py", ["{tmp}/C-test"], "held-out split"),
    ("bench/stage_speed.py", ["{tmp}/dev"], "no such folder"),
    ("bench/stage_speed.py", ["--baseline", "{tmp}/nowhere"], "not a tadqiq checkout"),
    ("tools/span_misses.py", ["{tmp}/dev"], "no labelled documents"),
    ("bench/update_readme_figures.py", ["{tmp}/a.json", "{tmp}/b.json", "{tmp}/c.json"], "a.json"),
    ("tools/build_first_names.py", ["--source", "{tmp}/none.whl", "--out", "{tmp}/out.gz"], "none.whl"),
])
def test_a_script_given_bad_input_says_so_in_one_line(tmp_path, script, args, says):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(ROOT / script), *(a.format(tmp=tmp_path) for a in args)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and says in done.stderr
    assert not (tmp_path / "out.gz").exists()


def test_stage_speed_compares_two_checkouts_in_turns(tmp_path):
    """``--baseline``: fresh processes of each checkout (here the same one twice), both
    sides' best and median of the row 'example, new', and ratios that are those figures'."""
    out = tmp_path / "compare.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "stage_speed.py"), str(ROOT / "bench" / "data" / "flags" / "A"),
         "--fresh", "2", "--baseline", str(ROOT), "--json", str(out)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    got = json.loads(out.read_text(encoding="utf-8"))
    assert got["fresh"] == 2 and got["documents"] == len(list((ROOT / "bench" / "data" / "flags" / "A").iterdir()))
    stages = ("align", "score", "flag")
    for side in ("this", "baseline"):
        best, median = got[side]["best"], got[side]["median"]
        assert set(best) == set(median) == {*stages, "cpu"}
        assert all(0 < best[k] <= median[k] for k in best)
        totals = got[side]["totals"]
        assert len(totals) == 2 and sum(best[k] for k in stages) <= min(totals) + 0.1
    for which in ("best", "median"):
        total = {side: sum(got[side][which][k] for k in stages) for side in ("this", "baseline")}
        assert got["ratio"][which] == round(total["this"] / total["baseline"], 3)
        assert got["ratio"][f"cpu_{which}"] == round(got["this"][which]["cpu"] / got["baseline"][which]["cpu"], 3)
    assert "this / baseline, total" in done.stdout
