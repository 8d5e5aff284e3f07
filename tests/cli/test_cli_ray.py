"""`tadqiq eval --engine ray` at the command line: errors before any work, and Ray never
imported without it. (Ray runs themselves: tests/nightly/test_nightly_ray.py.)"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_cli_eval import eval_corpus, models_file
from typer.testing import CliRunner

from tadqiq.cli import app

runner = CliRunner()


def _args(tmp_path: Path) -> list[str]:
    corpus, good, _ = eval_corpus(tmp_path)
    return ["eval", str(corpus), "--models", "vendor", "--models-file", str(models_file(tmp_path, good)),
            "--no-history", "--no-cache", "--quiet", "--samples", "10"]


def test_local_run_and_help_never_import_ray(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from tadqiq.cli import app\n"
        "assert CliRunner().invoke(app, ['--help']).exit_code == 0\n"
        "assert CliRunner().invoke(app, ['eval', '--help']).exit_code == 0\n"
        "print('ray' in sys.modules)\n"
        f"r = CliRunner().invoke(app, {_args(tmp_path)!r})\n"
        "assert r.exit_code in (0, 1), r.output\n"
        "print('ray' in sys.modules, sorted(m for m in sys.modules if m.startswith('eval.nightly.ray')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["False", "False []"]


def test_missing_ray_is_one_line_naming_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError
    result = runner.invoke(app, [*_args(tmp_path), "--engine", "ray"])
    assert result.exit_code == 2
    assert result.stderr == "tadqiq: error: install the ray extra: pip install -e '.[ray]'\n"


def test_unreachable_cluster_is_one_line_and_fast(tmp_path: Path) -> None:
    pytest.importorskip("ray", reason="ray is not installed: pip install -e '.[ray]'")
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    args = [*_args(tmp_path), "--engine", "ray"]
    for address in (f"127.0.0.1:{port}", f"ray://127.0.0.1:{port}"):
        t = time.monotonic()
        result = runner.invoke(app, [*args, "--ray-address", address])
        assert time.monotonic() - t < 15  # the issue asks for a quick answer, not Ray's own retries
        assert result.exit_code == 2
        assert result.stderr.startswith(f"tadqiq: error: cannot reach the Ray cluster at {address}: ")
        assert result.stderr.count("\n") == 1
        assert not (tmp_path / "out").exists()


def test_ray_options_need_the_ray_engine(tmp_path: Path) -> None:
    result = runner.invoke(app, [*_args(tmp_path), "--workers", "2"])
    assert result.exit_code == 2 and "need --engine ray" in result.stderr


def test_a_recorded_cluster_that_has_stopped_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --ray-address Ray joins the cluster the last `ray start` recorded (or
    $RAY_ADDRESS names); one that has stopped without `ray stop` would cost 20 s of Ray's
    retries and a message about "a new local cluster"."""
    pytest.importorskip("ray", reason="ray is not installed: pip install -e '.[ray]'")
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    record = tmp_path / "raytmp" / "ray" / "ray_current_cluster"
    record.parent.mkdir(parents=True)
    record.write_text(f"127.0.0.1:{port}\n", encoding="utf-8")
    monkeypatch.setenv("RAY_TMPDIR", str(tmp_path / "raytmp"))
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    args = [*_args(tmp_path), "--engine", "ray", "--out", str(tmp_path / "out")]
    for extra, source in (([], str(record)), (["--ray-address", "auto"], str(record))):
        result = runner.invoke(app, [*args, *extra])
        assert result.exit_code == 2
        assert result.stderr.startswith(
            f"tadqiq: error: no --ray-address was given and the Ray cluster {source} names,"
            f" 127.0.0.1:{port}, does not answer ("
        )
        assert result.stderr.endswith("run `ray stop` to forget a cluster that has stopped, or give --ray-address\n")
        assert result.stderr.count("\n") == 1
        assert not (tmp_path / "out").exists()
    monkeypatch.setenv("RAY_ADDRESS", f"127.0.0.1:{port}")
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert f"the Ray cluster $RAY_ADDRESS names, 127.0.0.1:{port}, does not answer" in result.stderr


def test_the_recorded_cluster_is_read_as_ray_reads_it(tmp_path: Path) -> None:
    from eval.nightly.ray_engine import recorded_cluster

    assert recorded_cluster({"RAY_TMPDIR": str(tmp_path)}) is None  # nothing recorded
    (tmp_path / "ray").mkdir()
    (tmp_path / "ray" / "ray_current_cluster").write_text("10.0.0.5:6379\n", encoding="utf-8")
    record = str(tmp_path / "ray" / "ray_current_cluster")
    assert recorded_cluster({"RAY_TMPDIR": str(tmp_path)}) == ("10.0.0.5:6379", record)
    assert recorded_cluster({"TMPDIR": str(tmp_path)}) == ("10.0.0.5:6379", record)
    both = {"RAY_TMPDIR": str(tmp_path), "RAY_ADDRESS": "ray://head:10001"}
    assert recorded_cluster(both) == ("ray://head:10001", "$RAY_ADDRESS")
