"""The repository's own scripts (bench/, tools/) report bad input in one line with exit
code 2, like the CLI: never a traceback."""

from __future__ import annotations

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
