"""Memoised look-ups and per-process caches never change a report (issue 14): the same
check run twice in one process, after the lexicon indexes are reset (as a new process
would find them) and in a new process gives the same report, timings aside."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from eval.lexicon import index
from tadqiq.pipeline import CheckRequest, check

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "seed"
TENDER = ROOT / "bench" / "data" / "flags" / "A" / "a02-solar-tender"  # with a glossary

_SCRIPT = """
import json, sys
from pathlib import Path
from tadqiq.pipeline import CheckRequest, check
out = []
for d in sys.argv[1:]:
    d = Path(d)
    g = d / "glossary.csv"
    r = check(CheckRequest(d / "article.ar.txt", d / "reference.en.txt", hypothesis=d / "hypothesis.en.txt",
                           glossary=g if g.exists() else None, min_confidence=0.0)).to_json()
    r.pop("timings")
    out.append(r)
print(json.dumps(out))
"""


def _report(doc: Path) -> dict:
    glossary = doc / "glossary.csv"
    report = check(CheckRequest(
        doc / "article.ar.txt", doc / "reference.en.txt", hypothesis=doc / "hypothesis.en.txt",
        glossary=glossary if glossary.exists() else None, min_confidence=0.0,
    )).to_json()
    report.pop("timings")
    return json.loads(json.dumps(report))  # as written: tuples become lists


def test_a_check_gives_the_same_report_warm_reset_and_in_a_new_process():
    docs = [SEED, TENDER]
    first = [_report(d) for d in docs]
    assert first[0]["flags"] and first[1]["flags"]
    assert [_report(d) for d in docs] == first  # every cache warm
    index.reset()
    assert [_report(d) for d in docs] == first  # indexes and their caches opened afresh
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, *map(str, docs)],
        capture_output=True, text=True, env=env, cwd=ROOT, check=True,
    )
    assert json.loads(done.stdout) == first
