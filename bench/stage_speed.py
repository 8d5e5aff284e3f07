"""The stages around translation, per article: ``python bench/stage_speed.py [--repeats N] [SET ...] [--json OUT]``.

With the back-translation given (a hypothesis file: the nightly case of cached or
precomputed translations), a check's cost is alignment, scoring and flagging. This
measures them through the library (:func:`tadqiq.pipeline.check`), in one process, as a
nightly run over many documents pays them (issue 14):

- **first check**: the bundled example (examples/seed) checked once in a fresh process;
  its flag stage includes loading what the lexicon and WordNet look-ups need, which a
  long run pays once (``tadqiq check`` on the command line pays it every time).
- **example, new after the labelled sets** (the figure issue 14's target is about): in
  ``--fresh`` (3) new processes each, every labelled article checked once, then the
  example, new to the process: what a nightly run pays for an article of the example's
  size that it has not seen; the lowest and the median over the processes. The CPU time
  of that check is reported too (``cpu``): it varies less than the wall-clock time on a
  shared machine.
- **labelled sets, each once**: then every article of each SET folder (default:
  bench/data/flags/A, B and C-dev; never the held-out C-test) checked once, in order:
  what a nightly run pays for an article it has not seen (the lexical resources are
  loaded, but the per-word memos hold only the words of the articles before); the mean
  over articles per stage.
- **warm**: the example checked ``--repeats`` more times (default 10); the best and the
  median time of each stage. A re-check finds every word of the article memoised, so
  this is a floor, not what a new article costs.
- **labelled sets, best**: each article checked ``max(1, repeats // 3)`` more times; the
  mean over articles of each article's best time per stage (a floor, as warm).

The garbage collector's thresholds are tuned as the ``tadqiq`` command tunes them
(:func:`eval.runtime.tune_gc`), unless ``--default-gc``. Times are the stage times a
report records (``--timings``), in milliseconds. They vary
with the machine's load, so compare figures measured in one session: run the script on
two checkouts one after the other (``PYTHONPATH=OLD python bench/stage_speed.py`` then
``PYTHONPATH=NEW …``; it uses only the library's public API). ``--json`` writes
``{"first": {stage: ms}, "new_best": {…, "cpu": ms}, "new_median": {…}, "sets_once": {…},
"warm_best": {…}, "warm_median": {…}, "sets": {stage: ms}, "documents": n, "repeats": n,
"fresh": n}``.

``--baseline CHECKOUT`` compares this checkout with another one (a clone or worktree of
tadqiq, e.g. the commit before a change) on the row **example, new** only, as ratios
measured in one run: ``--fresh`` new processes for each, taking turns (this, baseline,
baseline, this, …) so that a change in the machine's load falls on both alike. It
prints the best and the median of each side and their ratios (this / baseline), and
``--json`` writes ``{"this": {"best": {…}, "median": {…}, "totals": [ms, …]}, "baseline": {…}, "ratio":
{"best": r, "median": r, "cpu_best": r, "cpu_median": r}, "fresh": n, "documents": n}``
(ratios of the align + score + flag totals, and of the CPU times of the example's check).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from eval.flags.bench import labelled_documents
from eval.runtime import tune_gc
from tadqiq.errors import InputError
from tadqiq.pipeline import CheckRequest, check

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "seed"
SETS = [ROOT / "bench" / "data" / "flags" / s for s in ("A", "B", "C-dev")]
STAGES = ("align", "score", "flag")


def _request(doc: Path) -> CheckRequest:
    glossary = doc / "glossary.csv"
    return CheckRequest(
        doc / "article.ar.txt", doc / "reference.en.txt", hypothesis=doc / "hypothesis.en.txt",
        glossary=glossary if glossary.exists() else None,
    )


def _stages(doc: Path) -> dict[str, float]:
    timings = check(_request(doc)).timings
    return {k: timings[k] * 1000 for k in STAGES}


def _new_example(sets: list[Path], default_gc: bool) -> dict[str, float]:
    """In a new process: each labelled article once, then the example, new to the
    process; its stage times and the CPU time of its check (ms)."""
    if not default_gc:
        tune_gc()
    for doc in _documents(sets):
        _stages(doc)
    start = time.process_time()
    stages = _stages(SEED)
    return {**stages, "cpu": (time.process_time() - start) * 1000}


def _in_new_process(function, *args):
    """``function(*args)`` run in a new Python process (spawned: nothing memoised here)."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def _new_example_in(checkout: Path, sets: list[Path], default_gc: bool) -> dict[str, float]:
    """:func:`_new_example` in a new process that imports the library from ``checkout``."""
    argv = [sys.executable, str(Path(__file__).resolve()), "--one-new", *map(str, sets)]
    if default_gc:
        argv.append("--default-gc")
    done = subprocess.run(
        argv, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(checkout)}, check=False,
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise InputError(f"{checkout}: the measuring process failed: {last}")
    return json.loads(done.stdout)


def _compare(baseline: Path, sets: list[Path], fresh: int, default_gc: bool) -> dict:
    """The row 'example, new' of this checkout and of ``baseline``, fresh processes taking
    turns; best, median and the ratios of their totals (this / baseline)."""
    if not (baseline / "tadqiq" / "pipeline.py").is_file():
        raise InputError(f"{baseline}: not a tadqiq checkout (no tadqiq/pipeline.py)")
    sides: dict[str, list[dict[str, float]]] = {"this": [], "baseline": []}
    checkouts = {"this": ROOT, "baseline": baseline.resolve()}
    for k in range(fresh):
        for side in ("this", "baseline") if k % 2 == 0 else ("baseline", "this"):
            sides[side].append(_new_example_in(checkouts[side], sets, default_gc))
    out: dict = {side: _summary(runs) for side, runs in sides.items()}
    out["ratio"] = {
        which: round(_total(out["this"][which]) / _total(out["baseline"][which]), 3) for which in ("best", "median")
    } | {
        f"cpu_{which}": round(out["this"][which]["cpu"] / out["baseline"][which]["cpu"], 3)
        for which in ("best", "median")
    }
    out["fresh"] = fresh
    return out


def _summary(runs: list[dict[str, float]]) -> dict:
    """Per stage (and CPU) the best and the median over ``runs``, and each run's total."""
    keys = (*STAGES, "cpu")
    return {
        "best": {k: min(r[k] for r in runs) for k in keys},
        "median": {k: statistics.median(r[k] for r in runs) for k in keys},
        "totals": [round(_total(r), 1) for r in runs],
    }


def _total(figures: dict[str, float]) -> float:
    return sum(figures[k] for k in STAGES)


def _documents(sets: list[Path]) -> list[Path]:
    docs: list[Path] = []
    for folder in sets:
        if "test" in folder.name.lower():  # as bench/calibrate.py: no held-out split
            raise InputError(f"{folder}: the held-out split is not measured here")
        if not folder.is_dir():
            raise InputError(f"{folder}: no such folder of labelled articles")
        docs += labelled_documents(folder)
    return docs


def _row(label: str, figures: dict[str, float]) -> str:
    cells = "".join(f"{figures[k]:>9.0f}" for k in STAGES)
    return f"{label:<28}{cells}{sum(figures[k] for k in STAGES):>9.0f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", type=Path, help="folders of labelled articles")
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--fresh", type=int, default=3, help="new processes for the row 'example, new'")
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--default-gc", action="store_true",
        help="keep Python's garbage-collector thresholds (default: tune them as the tadqiq command does)",
    )
    parser.add_argument(
        "--baseline", type=Path, metavar="CHECKOUT",
        help="compare the row 'example, new' with another checkout, fresh processes taking turns",
    )
    parser.add_argument("--one-new", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sets = args.sets or SETS
    docs = _documents(sets)
    if args.one_new:  # one process of --baseline's comparison: its figures as JSON
        print(json.dumps(_new_example(sets, args.default_gc)))
        return 0
    if args.baseline is not None:
        return _report_comparison(_compare(args.baseline, sets, max(1, args.fresh), args.default_gc), len(docs), args.json)
    if not args.default_gc:
        tune_gc()
    news = [_in_new_process(_new_example, sets, args.default_gc) for _ in range(max(1, args.fresh))]

    first = _stages(SEED)
    per_doc: dict[Path, dict[str, float]] = {doc: _stages(doc) for doc in docs}
    once = {k: statistics.fmean(d[k] for d in per_doc.values()) for k in STAGES}
    warm = [_stages(SEED) for _ in range(max(1, args.repeats))]
    best_of = {k: min(w[k] for w in warm) for k in STAGES}
    median_of = {k: statistics.median(w[k] for w in warm) for k in STAGES}
    for _ in range(max(1, args.repeats // 3)):
        for doc in docs:
            got = _stages(doc)
            old = per_doc[doc]
            per_doc[doc] = {k: min(old[k], got[k]) for k in STAGES}
    sets = {k: statistics.fmean(d[k] for d in per_doc.values()) for k in STAGES}

    print(f"{'ms per article':<28}" + "".join(f"{k:>9}" for k in STAGES) + f"{'total':>9}")
    print(_row("example, first check", first))
    new_best = {k: min(n[k] for n in news) for k in (*STAGES, "cpu")}
    new_median = {k: statistics.median(n[k] for n in news) for k in (*STAGES, "cpu")}
    print(_row(f"example, new: best of {len(news)}", new_best) + f"   cpu {new_best['cpu']:.0f}")
    print(_row("example, new: median", new_median) + f"   cpu {new_median['cpu']:.0f}")
    print(_row(f"labelled ({len(docs)}), each once", once))
    print(_row(f"example, warm best of {len(warm)}", best_of))
    print(_row("example, warm median", median_of))
    print(_row(f"labelled ({len(docs)}), best", sets))
    if args.json:
        args.json.write_text(json.dumps({
            "first": first, "new_best": new_best, "new_median": new_median, "sets_once": once, "warm_best": best_of, "warm_median": median_of, "sets": sets,
            "documents": len(docs), "repeats": len(warm), "fresh": len(news),
        }, indent=1) + "\n", encoding="utf-8")
    return 0


def _report_comparison(compared: dict, documents: int, out: Path | None) -> int:
    print(f"{'example, new (ms)':<28}" + "".join(f"{k:>9}" for k in STAGES) + f"{'total':>9}{'cpu':>9}")
    for side in ("this", "baseline"):
        for which in ("best", "median"):
            figures = compared[side][which]
            print(_row(f"{side}: {which}", figures) + f"{figures['cpu']:>9.0f}")
        totals = compared[side]["totals"]
        print(f"{side + ': totals from, to':<28}{min(totals):>9.0f}{max(totals):>9.0f}")
    ratio = compared["ratio"]
    print(f"{'this / baseline, total':<28}best {ratio['best']:.2f}   median {ratio['median']:.2f}")
    print(f"{'this / baseline, cpu':<28}best {ratio['cpu_best']:.2f}   median {ratio['cpu_median']:.2f}")
    if out:
        out.write_text(json.dumps({**compared, "documents": documents}, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    from tadqiq.script import run_script

    run_script(main)
