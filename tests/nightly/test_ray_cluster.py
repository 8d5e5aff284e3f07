"""``tadqiq eval --engine ray --ray-address HOST:PORT`` on a Ray cluster of two nodes.

The cluster is started as docs/cluster.md shows it, with ``ray start``: a head and a
second node (one CPU each, both on 127.0.0.1 here), with Ray's token authentication on,
as recent Ray's ``ray start --head`` has it by default (2.60 here). tadqiq is given the token's
file only (``$RAY_AUTH_TOKEN_PATH``, no ``$RAY_AUTH_MODE``), as a user on the head
machine has it, and must turn token authentication on itself. The run, in a separate
process as a user runs it, must give the local run's files, use both nodes, and leave
the cluster running.

Every process the cluster starts is in the process group of its ``ray start``, and the
group is killed at the end (``ray stop`` would stop any other Ray on the machine too).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_nightly_ray import assert_same_outputs

pytest.importorskip("ray", reason="ray is not installed: pip install -e '.[ray]'")

RAY = shutil.which("ray", path=str(Path(sys.executable).parent)) or shutil.which("ray")
TADQIQ = [sys.executable, "-c", "import sys; from tadqiq.cli import main; sys.exit(main())"]
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen(
            [RAY, "start", "--block", "--num-cpus", "1", "--node-ip-address", "127.0.0.1",
             "--disable-usage-stats", *args],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )


def _stop(process: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
        time.sleep(1)  # the rest of the group (raylet, workers) after their parent


def _alive_nodes(address: str, env: dict[str, str]) -> int:
    probe = (
        f"import ray; ray.init(address={address!r}, log_to_driver=False, configure_logging=False);"
        " print(sum(n['Alive'] for n in ray.nodes()))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60,
    )
    return int(result.stdout.split()[-1]) if result.returncode == 0 and result.stdout.split() else 0


@pytest.fixture(scope="module")
def two_nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """(address, token file) of a running two-node cluster with token authentication."""
    if RAY is None:
        pytest.skip("the ray command is not installed")
    root = tmp_path_factory.mktemp("cluster")
    # Ray's own folder: short (its socket paths must fit in 107 bytes) and private, so
    # that its ray_current_cluster file never points another test's ray.init() here.
    temp_dir = Path(tempfile.mkdtemp(prefix="tqray", dir="/tmp"))
    token = root / "auth_token"
    token.write_text(uuid.uuid4().hex, encoding="utf-8")
    env = {**os.environ, "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN_PATH": str(token)}
    env.pop("RAY_ADDRESS", None)
    port = _free_port()
    address = f"127.0.0.1:{port}"
    started = [_start(
        ["--head", "--port", str(port), "--include-dashboard", "false", "--temp-dir", str(temp_dir)],
        env, root / "head.log",
    )]
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        started.append(_start(["--address", address], env, root / "node.log"))
        while _alive_nodes(address, env) < 2:
            assert time.monotonic() < deadline, (root / "node.log").read_text("utf-8", "replace")[-2000:]
            time.sleep(1)
        yield address, token
    finally:
        for process in reversed(started):
            _stop(process)
        shutil.rmtree(temp_dir, ignore_errors=True)


def _eval(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*TADQIQ, "eval", *args], env=env, capture_output=True, text=True, timeout=600, cwd=ROOT,
    )


def test_eval_on_a_two_node_cluster_gives_the_local_files(
    two_nodes: tuple[str, Path], nightly_env: dict[str, Path], tmp_path: Path
) -> None:
    address, token = two_nodes
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    common = [
        str(nightly_env["corpus"]), "--models", "tiny-a,tiny-b,vendor", "--baseline", "vendor",
        "--models-file", str(nightly_env["models"]), "--no-history", "--quiet", "--samples", "100",
    ]
    local = _eval([*common, "--out", str(tmp_path / "local"), "--cache", str(tmp_path / "l.sqlite3")], env)
    assert local.returncode == 1, local.stderr  # the corpus has two broken documents

    remote = _eval([
        *common, "--out", str(tmp_path / "ray"), "--cache", str(tmp_path / "r.sqlite3"),
        "--engine", "ray", "--ray-address", address, "--workers", "2",
        "--json", str(tmp_path / "outcome.json"),
    ], {**env, "RAY_AUTH_TOKEN_PATH": str(token)})
    assert remote.returncode == 1, remote.stderr
    assert_same_outputs(tmp_path / "local", tmp_path / "ray")
    engine = json.loads((tmp_path / "outcome.json").read_text("utf-8"))["engine"]
    assert engine["name"] == "ray" and engine["workers"] == 2
    assert engine["counts"]["nodes"] == 2  # one translation actor on each node
    assert _alive_nodes(address, {**env, "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN_PATH": str(token)}) == 2


def test_a_token_the_cluster_refuses_is_one_line(two_nodes: tuple[str, Path], nightly_env: dict[str, Path], tmp_path: Path) -> None:
    address, _ = two_nodes
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    env["RAY_AUTH_TOKEN"] = uuid.uuid4().hex  # not the cluster's
    result = _eval([
        str(nightly_env["corpus"]), "--models", "tiny-a", "--models-file", str(nightly_env["models"]),
        "--no-history", "--quiet", "--engine", "ray", "--ray-address", address,
        "--out", str(tmp_path / "out"),
    ], env)
    assert result.returncode == 2
    ours = [line for line in result.stderr.splitlines() if line.startswith("tadqiq:")]
    assert ours == [
        f"tadqiq: error: the Ray cluster at {address} refused this client's token: give the"
        " cluster's token in $RAY_AUTH_TOKEN or ~/.ray/auth_token (Ray token authentication)"
    ]
    assert not (tmp_path / "out").exists()


def test_token_authentication_is_turned_on_only_when_a_token_is_at_hand(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from eval.nightly.ray_engine import use_token_if_available

    monkeypatch.setenv("HOME", str(tmp_path))
    nothing: dict[str, str] = {}
    assert not use_token_if_available(nothing) and nothing == {}
    assert use_token_if_available(env := {"RAY_AUTH_TOKEN": "abc"}) and env["RAY_AUTH_MODE"] == "token"
    missing = {"RAY_AUTH_TOKEN_PATH": str(tmp_path / "no-such-file")}
    assert not use_token_if_available(missing) and "RAY_AUTH_MODE" not in missing
    (tmp_path / "token").write_text("abc", encoding="utf-8")
    assert use_token_if_available(env := {"RAY_AUTH_TOKEN_PATH": str(tmp_path / "token")})
    assert env["RAY_AUTH_MODE"] == "token"
    (tmp_path / ".ray").mkdir()
    (tmp_path / ".ray" / "auth_token").write_text("abc", encoding="utf-8")
    assert use_token_if_available(env := {}) and env == {"RAY_AUTH_MODE": "token"}
    # A mode the user set is kept as it is, token at hand or not.
    assert not use_token_if_available(env := {"RAY_AUTH_MODE": "disabled", "RAY_AUTH_TOKEN": "abc"})
    assert env["RAY_AUTH_MODE"] == "disabled"
