"""``run_eval`` on the Ray engine: the local run's results, a killed worker, resume, the cache.

A local Ray cluster (2 CPUs, no dashboard) is started once for the module. The corpus and
models are those of the other nightly tests: two tiny Marian models and a precomputed one.
Skipped only when ray is not installed (CI installs the ``ray`` extra).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from nightly_corpus import GLOSSARY, GOOD_NAMES

from eval.nightly.runner import run_eval

try:
    import ray
except ImportError:  # pragma: no cover - CI installs the ray extra
    ray = None

pytestmark = pytest.mark.skipif(ray is None, reason="ray is not installed: pip install -e '.[ray]'")

MODELS = ["tiny-a", "tiny-b", "vendor"]


@pytest.fixture(scope="module")
def ray_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A local Ray cluster for the module; yields the folder of the test-only fault switch."""
    from eval.nightly.ray_engine import FAULT_DIR_ENV

    faults = tmp_path_factory.mktemp("ray-faults")
    old = os.environ.get(FAULT_DIR_ENV)
    os.environ[FAULT_DIR_ENV] = str(faults)  # inherited by the workers Ray starts
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        yield faults
    finally:
        ray.shutdown()
        if old is None:
            os.environ.pop(FAULT_DIR_ENV, None)
        else:
            os.environ[FAULT_DIR_ENV] = old


def _engine(workers: int = 2):
    from eval.nightly.ray_engine import RayEngine

    return RayEngine(workers=workers, batch_size=2)


def _masked_summary(out: Path) -> dict:
    data = json.loads((out / "summary.json").read_text("utf-8"))
    for key in ("run_id", "started_at", "finished_at", "out_dir"):
        data["run"].pop(key)
    for model in data["models"].values():
        model.pop("seconds")
    data.pop("engine")
    return data


def _masked_lines(out: Path, model: str) -> list[dict]:
    lines = [json.loads(x) for x in (out / f"{model}.jsonl").read_text("utf-8").splitlines()]
    for line in lines:
        line.pop("timings")
    return lines


def assert_same_outputs(a: Path, b: Path) -> None:
    """Two out folders hold the same files with the same content, timings and ids aside."""
    files = sorted(p.name for p in a.iterdir() if p.is_file())
    assert files == sorted(p.name for p in b.iterdir() if p.is_file())
    assert files == sorted(["summary.json", *(f"{m}.jsonl" for m in MODELS), *(f"{m}.segments.json" for m in MODELS)])
    assert _masked_summary(a) == _masked_summary(b)
    for model in MODELS:
        assert _masked_lines(a, model) == _masked_lines(b, model)
        assert (a / f"{model}.segments.json").read_bytes() == (b / f"{model}.segments.json").read_bytes()


def _history_rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of the SQLite history, without run ids, times and seconds."""
    masked = {"run_id", "started_at", "finished_at", "out_dir", "seconds"}
    out = {}
    with sqlite3.connect(path) as conn:
        for table in ("runs", "model_results", "flags"):
            cursor = conn.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed names
            names = [d[0] for d in cursor.description]
            out[table] = [
                tuple(v for n, v in zip(names, row, strict=True) if n not in masked) for row in cursor
            ]
    return out


def _run(env: dict[str, Path], out: Path, cache: Path, **kwargs: Any):
    models = kwargs.pop("models", MODELS)
    return run_eval(
        env["corpus"], models, models_file=env["models"], out_dir=out, cache=cache,
        baseline="vendor" if "vendor" in models else None, **kwargs,
    )


@pytest.fixture(scope="module")
def local_run(
    nightly_env: dict[str, Path], tmp_path_factory: pytest.TempPathFactory, open_test_history: Any
) -> Path:
    """The local engine's out folder and history (``local.db`` next to it), all models."""
    root = tmp_path_factory.mktemp("local-run")
    with open_test_history(root / "local.db") as history:
        outcome = _run(nightly_env, root / "out", root / "cache.sqlite3", history=history)
    assert outcome.engine is not None and outcome.engine.name == "local"
    return root


def test_ray_gives_the_local_files_and_history_rows_and_hits_the_cache_next_time(
    ray_cluster: Path, nightly_env: dict[str, Path], local_run: Path, tmp_path: Path,
    open_test_history: Any,
) -> None:
    engine = _engine()
    cache = tmp_path / "ray.sqlite3"
    with open_test_history(tmp_path / "ray.db") as history:
        remote = _run(nightly_env, tmp_path / "ray", cache, history=history, engine=engine)
    assert_same_outputs(local_run / "out", tmp_path / "ray")
    assert _history_rows(local_run / "local.db") == _history_rows(tmp_path / "ray.db")
    report = remote.engine
    assert report is not None and report.to_json()["name"] == "ray" and report.workers == 2
    assert {"connect", "load", "translate", "cache"} <= set(report.seconds)
    assert report.counts["documents"] == len(GOOD_NAMES) * len(MODELS)
    # Every distinct sentence (3 + 2 + 3 per model) went to a worker once; the test cluster
    # is one node, which ran every actor and flag task.
    assert report.counts == {"documents": 9, "sentences_translated": 16, "cache_hits": 0, "nodes": 1}

    # Next night, same cache: the driver answers every sentence; no worker translates.
    with open_test_history(tmp_path / "again.db") as history:
        again = _run(nightly_env, tmp_path / "again", cache, history=history, engine=_engine()).engine
    assert again is not None
    assert again.counts == {"documents": 9, "sentences_translated": 0, "cache_hits": 16, "nodes": 1}
    assert_same_outputs(local_run / "out", tmp_path / "again")


def _assert_model_files(out: Path, reference: Path, models: list[str]) -> None:
    for model in models:
        lines = _masked_lines(out, model)
        assert [x["document"] for x in lines] == GOOD_NAMES  # each once, in corpus order
        assert lines == _masked_lines(reference, model)
        assert (out / f"{model}.segments.json").read_bytes() == (
            reference / f"{model}.segments.json"
        ).read_bytes()


def test_a_worker_dying_mid_run_is_restarted_and_nothing_is_lost(
    ray_cluster: Path, nightly_env: dict[str, Path], local_run: Path, tmp_path: Path
) -> None:
    (ray_cluster / "die-once").write_text("", encoding="utf-8")
    engine = _engine()
    outcome = _run(
        nightly_env, tmp_path / "killed", tmp_path / "c.sqlite3", models=["tiny-a"], engine=engine
    )
    assert (ray_cluster / "died").exists() and not (ray_cluster / "die-once").exists()
    assert outcome.failures == [] or all(f.model is None for f in outcome.failures)
    _assert_model_files(tmp_path / "killed", local_run / "out", ["tiny-a"])
    assert engine.counts["sentences_translated"] == 8  # the lost batch is counted once


def test_flag_tasks_use_the_glossary_the_driver_read(
    ray_cluster: Path, nightly_env: dict[str, Path], tmp_path: Path
) -> None:
    glossary = tmp_path / "glossary.csv"
    glossary.write_text(GLOSSARY, encoding="utf-8")
    local = tmp_path / "local"
    _run(nightly_env, local, tmp_path / "c.sqlite3", models=["vendor"], glossary=glossary)

    def removing(model: str, document: str, total: int) -> Callable[[int], None]:
        glossary.unlink(missing_ok=True)  # the flag tasks run after this: they never read the file
        return lambda k: None

    remote = tmp_path / "ray"
    _run(nightly_env, remote, tmp_path / "c.sqlite3", models=["vendor"], glossary=glossary,
         engine=_engine(1), progress=removing)
    assert not glossary.exists()
    lines = _masked_lines(remote, "vendor")
    assert lines == _masked_lines(local, "vendor")
    evidence = [e for x in lines for f in x["flags"] for e in f["evidence"]]
    assert any("'port authority' must be rendered as" in str(e) for e in evidence)


def _interrupt_after(n: int) -> Callable[[str, str, int], Callable[[int], None]]:
    seen: list[str] = []

    def progress(model: str, document: str, total: int) -> Callable[[int], None]:
        seen.append(document)
        if len(seen) > n:
            raise KeyboardInterrupt
        return lambda k: None

    return progress


def test_interrupted_ray_run_resumes(
    ray_cluster: Path, nightly_env: dict[str, Path], local_run: Path, tmp_path: Path,
    open_test_history: Any,
) -> None:
    out = tmp_path / "interrupted"
    cache = tmp_path / "c.sqlite3"
    with pytest.raises(KeyboardInterrupt):
        # tiny-a's three documents, then the first of tiny-b's: Ctrl-C.
        _run(nightly_env, out, cache, engine=_engine(1), progress=_interrupt_after(3))
    assert not (out / "summary.json").exists()
    done = {m: sorted(p.stem for p in (out / ".state" / m).glob("*.json")) for m in MODELS}
    assert done == {"tiny-a": GOOD_NAMES, "tiny-b": [], "vendor": []}

    calls: list[tuple[str, str]] = []

    def counting(model: str, document: str, total: int) -> Callable[[int], None]:
        calls.append((model, document))
        return lambda k: None

    with open_test_history(tmp_path / "resumed.db") as history:
        _run(
            nightly_env, out, cache, engine=_engine(), resume=True, progress=counting,
            history=history,
        )
    assert sorted(calls) == sorted((m, n) for m in MODELS for n in GOOD_NAMES if n not in done[m])
    assert_same_outputs(local_run / "out", out)


def test_cli_ray_run_records_engine_workers_and_stage_times(
    ray_cluster: Path, nightly_env: dict[str, Path], tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from tadqiq.cli import app

    result = CliRunner().invoke(app, [
        "eval", str(nightly_env["corpus"]), "--models", "vendor,tiny-a", "--models-file",
        str(nightly_env["models"]), "--no-history", "--cache", str(tmp_path / "c.sqlite3"),
        "--quiet", "--samples", "10", "--engine", "ray", "--workers", "1",
        "--json", str(tmp_path / "outcome.json"), "--out", str(tmp_path / "out"),
    ])
    assert result.exit_code == 1, result.output  # the corpus has two broken documents
    engine = json.loads((tmp_path / "outcome.json").read_text("utf-8"))["engine"]
    assert engine["name"] == "ray" and engine["workers"] == 1
    assert {"connect", "load", "cache", "translate", "flag"} <= set(engine["seconds"])
    assert engine["counts"] == {"cache_hits": 0, "documents": 6, "nodes": 1, "sentences_translated": 8}
    assert ray.is_initialized()  # a cluster the command did not start is left running


def test_a_worker_dead_past_its_restarts_fails_documents_not_the_run(
    ray_cluster: Path, nightly_env: dict[str, Path], tmp_path: Path
) -> None:
    """An actor that dies with no restarts left (max_restarts=0) makes Ray raise an error
    for its batches: the documents needing them are failures of the run, with a one-line
    message, and the run completes (no traceback)."""
    from eval.nightly.ray_engine import RayEngine

    (ray_cluster / "died").unlink(missing_ok=True)
    (ray_cluster / "die-once").write_text("", encoding="utf-8")
    engine = RayEngine(workers=1, batch_size=2, max_restarts=0)
    outcome = _run(
        nightly_env, tmp_path / "dead", tmp_path / "c.sqlite3", models=["tiny-a"], engine=engine
    )
    assert (ray_cluster / "died").exists()
    failed = [f for f in outcome.failures if f.model == "tiny-a" and f.document in GOOD_NAMES]
    assert failed, outcome.failures
    assert all(f.message.startswith("the Ray worker failed: ") for f in failed)
    assert all("\n" not in f.message for f in failed)
