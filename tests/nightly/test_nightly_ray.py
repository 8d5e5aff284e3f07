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
from nightly_corpus import GOOD_NAMES

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


def test_ray_gives_the_local_files_and_history_rows(
    ray_cluster: Path, nightly_env: dict[str, Path], tmp_path: Path, open_test_history: Any
) -> None:
    with open_test_history(tmp_path / "local.db") as history:
        local = _run(nightly_env, tmp_path / "local", tmp_path / "local.sqlite3", history=history)
    engine = _engine()
    with open_test_history(tmp_path / "ray.db") as history:
        remote = _run(
            nightly_env, tmp_path / "ray", tmp_path / "ray.sqlite3", history=history, engine=engine
        )
    assert_same_outputs(tmp_path / "local", tmp_path / "ray")
    assert _history_rows(tmp_path / "local.db") == _history_rows(tmp_path / "ray.db")
    assert local.engine is not None and local.engine.name == "local"
    assert remote.engine is not None and remote.engine.to_json()["name"] == "ray"
    assert remote.engine.workers == 2
    assert {"connect", "load", "translate", "cache"} <= set(remote.engine.seconds)
    # Cut into batches of 2 across 2 workers: every distinct Arabic sentence translated once.
    assert remote.engine.counts["documents"] == len(GOOD_NAMES) * len(MODELS)
    assert remote.engine.counts["sentences_translated"] > 0


def test_second_ray_run_is_answered_by_the_driver_cache(
    ray_cluster: Path, nightly_env: dict[str, Path], tmp_path: Path
) -> None:
    cache = tmp_path / "cache.sqlite3"
    first = _run(nightly_env, tmp_path / "1", cache, models=["tiny-a"], engine=_engine()).engine
    second = _run(nightly_env, tmp_path / "2", cache, models=["tiny-a"], engine=_engine()).engine
    assert first is not None and second is not None
    assert first.counts["cache_hits"] == 0
    assert first.counts["sentences_translated"] == 8  # 3 + 2 + 3 sentences
    assert second.counts["sentences_translated"] == 0
    assert second.counts["cache_hits"] == 8


def test_a_worker_dying_mid_run_is_restarted_and_nothing_is_lost(
    ray_cluster: Path, nightly_env: dict[str, Path], tmp_path: Path
) -> None:
    models = ["tiny-a", "vendor"]
    clean = _run(nightly_env, tmp_path / "clean", tmp_path / "c1.sqlite3", models=models)
    (ray_cluster / "die-once").write_text("", encoding="utf-8")
    engine = _engine()
    killed = _run(nightly_env, tmp_path / "killed", tmp_path / "c2.sqlite3", models=models, engine=engine)
    assert (ray_cluster / "died").exists() and not (ray_cluster / "die-once").exists()
    assert killed.failures == clean.failures
    for model in models:
        lines = _masked_lines(tmp_path / "killed", model)
        assert [x["document"] for x in lines] == GOOD_NAMES  # each once, in corpus order
        assert lines == _masked_lines(tmp_path / "clean", model)
    assert engine.counts["sentences_translated"] == 8  # the lost batch is counted once


def _interrupt_after(n: int) -> Callable[[str, str, int], Callable[[int], None]]:
    seen: list[str] = []

    def progress(model: str, document: str, total: int) -> Callable[[int], None]:
        seen.append(document)
        if len(seen) > n:
            raise KeyboardInterrupt
        return lambda k: None

    return progress


def test_interrupted_ray_run_resumes(
    ray_cluster: Path, nightly_env: dict[str, Path], tmp_path: Path
) -> None:
    models = ["tiny-a", "vendor"]
    _run(nightly_env, tmp_path / "clean", tmp_path / "c1.sqlite3", models=models)
    out = tmp_path / "interrupted"
    with pytest.raises(KeyboardInterrupt):
        _run(
            nightly_env, out, tmp_path / "c2.sqlite3", models=models, engine=_engine(1),
            progress=_interrupt_after(2),
        )
    assert not (out / "summary.json").exists()
    done = sorted(p.stem for p in (out / ".state" / "tiny-a").glob("*.json"))
    assert len(done) < len(GOOD_NAMES)

    calls: list[tuple[str, str]] = []

    def counting(model: str, document: str, total: int) -> Callable[[int], None]:
        calls.append((model, document))
        return lambda k: None

    _run(
        nightly_env, out, tmp_path / "c2.sqlite3", models=models, engine=_engine(), resume=True,
        progress=counting,
    )
    assert sorted(calls) == sorted(
        [("tiny-a", n) for n in GOOD_NAMES if n not in done] + [("vendor", n) for n in GOOD_NAMES]
    )
    assert _masked_summary(out) == _masked_summary(tmp_path / "clean")
    for model in models:
        assert _masked_lines(out, model) == _masked_lines(tmp_path / "clean", model)
