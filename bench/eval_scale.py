"""Nightly runs on one machine vs Ray: ``python bench/eval_scale.py [--documents N] [--json OUT]``.

What is measured (issue 14):

- Corpus: ``--documents`` generated news documents (default 200), each of
  ``--sentences`` Arabic sentences (default 3) with their English reference, drawn
  (seeded) from the nightly test corpus; every sentence gets the document's own number,
  so no two documents share a sentence and no engine saves work by deduplication.
- Model: the opus-mt-ar-en-shaped random Marian model of ``bench/translate_speed.py``
  (~76.8 M parameters), greedy, ``max_new_tokens`` 32, through the hf backend.
- Engines, in one run on this machine, each with an empty translation cache:

  * ``local``: the local engine (torch on its default threads, flagging after each
    document's translation, in this process);
  * ``ray-1-same-work``: Ray with 1 worker doing the local run's work the local run's
    way: sent one document's sentences at a time (the local engine's batches), holding
    all the machine's CPUs (so torch runs on as many threads as locally, and no flag
    task runs beside it: the documents are flagged once translation is over). Its
    translation stage against the local run's is **Ray's overhead** on translation
    (shipping batches and results, scheduling); its whole time against the local run's
    adds starting the worker and flag-task processes and flagging in parallel tasks;
  * ``ray-1`` and ``ray-2``: Ray as ``tadqiq eval --engine ray`` runs by default, 1 and 2
    workers of one CPU each, batches of 32 sentences across documents, flag tasks on
    the CPUs left.

  Each figure is the wall-clock time of :func:`eval.nightly.runner.run_eval` (model
  loading included; starting the local Ray cluster is reported apart). The local process
  is warmed up first on two other documents (its first check loads the lexical
  resources); Ray's worker processes are not, since a real run pays for that on every
  worker.
- Driver limits: translation-cache look-ups per second (``get_many`` over a cache of
  20,000 sentences) and history writes per second (recording this run's record again
  under new run ids in a SQLite history).

Figures are reported as ratios against the local engine measured in the same run;
absolute numbers are printed for the record but depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "nightly"), str(ROOT / "bench")]


def write_corpus(folder: Path, documents: int, sentences: int, seed: int = 14) -> int:
    """``documents`` NAME.ar.txt + NAME.en.txt pairs; returns the number of Arabic sentences."""
    from nightly_corpus import DOCUMENTS

    from eval.text.segment import segment

    pool = []
    for ar, en in DOCUMENTS.values():
        pool += list(
            zip([s.text for s in segment(ar, "ar")], [s.text for s in segment(en, "en")], strict=True)
        )
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    for k in range(documents):
        picked = [pool[rng.randrange(len(pool))] for _ in range(sentences)]
        ar = " ".join(a.rstrip(".") + f" في العام {1000 + k}." for a, _ in picked)
        en = " ".join(e.rstrip(".") + f" in the year {1000 + k}." for _, e in picked)
        (folder / f"d{k:04d}.ar.txt").write_text(ar + "\n", encoding="utf-8")
        (folder / f"d{k:04d}.en.txt").write_text(en + "\n", encoding="utf-8")
    return documents * sentences


def timed_run(corpus: Path, models: Path, cache: Path, engine: Any = None) -> tuple[float, Any]:
    from eval.nightly.runner import run_eval

    t = time.perf_counter()
    outcome = run_eval(corpus, ["opus"], models_file=models, cache=cache, engine=engine, n_samples=100)
    return time.perf_counter() - t, outcome


def cache_lookups_per_second(tmp: Path, n: int = 20_000) -> float:
    from translator import Translation, TranslationCache

    with TranslationCache(tmp / "lookups.sqlite3") as cache:
        sentences = [f"جملة رقم {k} في الاختبار" for k in range(n)]
        cache.put_many("key", [Translation(s, f"sentence {k}") for k, s in enumerate(sentences)])
        t = time.perf_counter()
        found = cache.get_many("key", sentences)
        seconds = time.perf_counter() - t
    assert len(found) == n
    return n / seconds


def history_writes_per_second(tmp: Path, outcome: Any, n: int = 20) -> tuple[float, int]:
    from eval.nightly.store import open_history

    record = outcome.run
    with open_history(str(tmp / "history.db")) as history:
        t = time.perf_counter()
        for k in range(n):
            history.record(replace(record, run_id=f"{record.run_id}-{k}"))
        seconds = time.perf_counter() - t
    return n / seconds, sum(len(m.flags) for m in record.models)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--sentences", type=int, default=3, help="Arabic sentences per document")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)

    import torch
    from translate_speed import build_marian

    from eval.nightly.ray_engine import RayEngine, import_ray

    ray = import_ray()  # not installed: one line, exit 2 (run_script)

    threads = torch.get_num_threads()
    results: dict[str, Any] = {"documents": args.documents, "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        model = build_marian(tmp / "model")
        models = tmp / "models.yaml"
        models.write_text(
            "models:\n  opus:\n    backend: hf\n    model: " + str(model)
            + "\n    generation: {num_beams: 1, max_new_tokens: 32}\n",
            encoding="utf-8",
        )
        n_sentences = write_corpus(tmp / "corpus", args.documents, args.sentences)
        results["sentences"] = n_sentences
        # Warm-up, not timed: this process's first check loads the lexical resources.
        write_corpus(tmp / "warm-up", 2, 1, seed=1)
        timed_run(tmp / "warm-up", models, tmp / "warm-up.sqlite3")
        runs: dict[str, float] = {}
        seconds, outcome = timed_run(tmp / "corpus", models, tmp / "local.sqlite3")
        runs["local"] = seconds
        print(f"local: {seconds:.1f} s", flush=True)
        t = time.perf_counter()
        ray.init(include_dashboard=False, log_to_driver=False, configure_logging=False)
        results["ray_start_seconds"] = round(time.perf_counter() - t, 2)
        stages = {"local": outcome.engine.to_json()}
        for name, workers, batch, cpus in (
            ("ray-1-same-work", 1, args.sentences, float(os.cpu_count() or 1)),
            ("ray-1", 1, 32, 1.0),
            ("ray-2", 2, 32, 1.0),
        ):
            engine = RayEngine(workers=workers, batch_size=batch, cpus_per_worker=cpus)
            seconds, ray_outcome = timed_run(tmp / "corpus", models, tmp / f"{name}.sqlite3", engine)
            runs[name] = seconds
            stages[name] = engine.report().to_json()
            print(f"{name}: {seconds:.1f} s", flush=True)
            same = {k: v.scores for k, v in ray_outcome.results.items()} == {
                k: v.scores for k, v in outcome.results.items()
            }
            assert same, "the Ray run's scores differ from the local run's"
        ray.shutdown()
        lookups = cache_lookups_per_second(tmp)
        writes, flags = history_writes_per_second(tmp, outcome)

    local = runs["local"]
    results["runs"] = {
        name: {
            "seconds": round(s, 2),
            "documents_per_minute": round(args.documents / s * 60, 1),
            "sentences_per_second": round(n_sentences / s, 2),
            "speed_vs_local": round(local / s, 3),
        }
        for name, s in runs.items()
    }
    translate = {name: stage["seconds"]["translate"] for name, stage in stages.items()}
    results["torch_threads_local"] = threads
    results["ray_1_worker_overhead"] = {
        "translation": round(translate["ray-1-same-work"] / translate["local"] - 1, 3),
        "whole_run": round(runs["ray-1-same-work"] / local - 1, 3),
    }
    results["ray_2_vs_1_workers"] = round(runs["ray-1"] / runs["ray-2"], 3)
    results["stages"] = stages
    results["driver"] = {
        "cache_lookups_per_second": round(lookups),
        "history_writes_per_second": round(writes, 1),
        "flags_per_history_write": flags,
    }
    print(json.dumps(results, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    from tadqiq.script import run_script

    run_script(main)
