"""An unreachable hub is one line at once (issue 13, item 1).

The real command line runs in a subprocess with an empty Hugging Face cache, no offline
variable and a limit of 3 s; huggingface_hub's own retries alone would take about 24 s.
The hub is made unreachable three ways: a network namespace without a network
(``unshare -n``, needs root), $HF_ENDPOINT at a local port that accepts connections and
never answers, and $HF_ENDPOINT at a closed port. Nothing here leaves this machine.
"""

from __future__ import annotations

import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import translator.hub as hub
from tadqiq.errors import ConfigError, ModelError
from translator import load_registry

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = ROOT / "examples" / "seed" / "article.ar.txt"
REFERENCE = ROOT / "examples" / "seed" / "reference.en.txt"
LIMIT_SECONDS = 3
# Each command that may go to the hub; "{out}" is a folder in the test's tmp_path.
COMMANDS = {
    "check-default": ["check", str(ARTICLE), "--reference", str(REFERENCE)],
    "check-opus": ["check", str(ARTICLE), "--reference", str(REFERENCE), "--model", "opus-mt-ar-en"],
    "pull": ["models", "pull", "opus-mt-ar-en"],
    "convert": ["models", "convert", "opus-mt-ar-en", "--output", "{out}"],  # the CTranslate2 path
}
LAUNCH = "import sys; sys.argv[0] = 'tadqiq'; from tadqiq.cli import main; main()"
# Variables that would let the command skip the hub or reach it another way.
CLEARED = (
    "HF_HUB_OFFLINE",
    "TRANSFORMERS_OFFLINE",
    "HF_ENDPOINT",
    "HF_HUB_CACHE",
    "HUGGINGFACE_HUB_CACHE",
    "TADQIQ_CACHE",
    "TADQIQ_HUB_TIMEOUT",
    *(f"{name}_proxy" for name in ("http", "https", "all", "no")),
    *(f"{name}_PROXY" for name in ("HTTP", "HTTPS", "ALL", "NO")),
)


def environment(tmp_path: Path, endpoint: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    home = tmp_path / "hf-home"  # an empty cache: no weights anywhere
    env.update(
        HF_HOME=str(home),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        TADQIQ_CACHE=str(tmp_path / "translations.sqlite3"),
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        PYTHONWARNINGS="ignore",
    )
    if endpoint is not None:
        env["HF_ENDPOINT"] = endpoint
    return env


def run(args: list[str], env: dict[str, str], prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    """The CLI in a subprocess; TimeoutExpired (a failure) if it takes LIMIT_SECONDS or more."""
    out = str(Path(env["HF_HOME"]).parent / "converted")
    return subprocess.run(
        [*prefix, sys.executable, "-c", LAUNCH, *(arg.replace("{out}", out) for arg in args)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=LIMIT_SECONDS,
    )


def assert_one_line(
    result: subprocess.CompletedProcess[str], cache: Path, endpoint: str, reason: str
) -> None:
    """Exit 2, one line on stderr naming the model, the cache, the endpoint and why."""
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("tadqiq: error: model 'opus-mt-ar-en' (Helsinki-NLP/opus-mt-ar-en)"), line
    assert str(cache) in line, line
    assert f"the hub at {endpoint} cannot be reached" in line and reason in line, line
    assert "Retry" not in line
    assert "Traceback" not in result.stdout + result.stderr


def can_unshare_network() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=10)
    return probe.returncode == 0


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A local port that accepts connections and never sends a byte."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            held.append(connection)  # kept open, never answered

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    server.close()


@pytest.fixture
def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("command", COMMANDS)
def test_no_network_is_one_line_at_once(tmp_path: Path, command: str) -> None:
    if not can_unshare_network():
        pytest.skip("unshare -n needs root; the endpoint tests below cover the same path")
    result = run(COMMANDS[command], environment(tmp_path), prefix=("unshare", "-n"))
    assert_one_line(result, tmp_path / "hf-home" / "hub", "https://huggingface.co", "ConnectError")


@pytest.mark.parametrize("command", COMMANDS)
def test_endpoint_that_never_answers_is_one_line_at_once(
    tmp_path: Path, silent_port: int, command: str
) -> None:
    endpoint = f"http://127.0.0.1:{silent_port}"
    result = run(COMMANDS[command], environment(tmp_path, endpoint))
    assert_one_line(result, tmp_path / "hf-home" / "hub", endpoint, "no answer within 1 s")


@pytest.mark.parametrize("command", COMMANDS)
def test_closed_endpoint_is_one_line_at_once(tmp_path: Path, closed_port: int, command: str) -> None:
    endpoint = f"http://127.0.0.1:{closed_port}"
    result = run(COMMANDS[command], environment(tmp_path, endpoint))
    assert_one_line(result, tmp_path / "hf-home" / "hub", endpoint, "ConnectError")


def test_a_dead_proxy_is_one_line_at_once(tmp_path: Path, closed_port: int) -> None:
    """The check goes where a download would: through $HTTPS_PROXY (here a closed port)."""
    env = environment(tmp_path)
    env["HTTPS_PROXY"] = f"http://127.0.0.1:{closed_port}"
    result = run(COMMANDS["pull"], env)
    assert_one_line(result, tmp_path / "hf-home" / "hub", "https://huggingface.co", "ConnectError")


# --- the check itself, in this process -----------------------------------------------------------


@pytest.fixture
def answering_server() -> Iterator[tuple[str, list[int]]]:
    """A local HTTP server answering HEAD with the status put in the returned list."""
    statuses = [200]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self) -> None:  # noqa: N802 - the name http.server calls
            self.send_response(statuses[0])
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", statuses
    server.shutdown()
    server.server_close()


def test_an_answer_below_500_is_reachable(
    monkeypatch: pytest.MonkeyPatch, answering_server: tuple[str, list[int]]
) -> None:
    endpoint, statuses = answering_server
    monkeypatch.setenv("HF_ENDPOINT", endpoint + "/")
    assert hub.hub_endpoint() == endpoint
    for status in (200, 404):
        statuses[0] = status
        assert hub.hub_unreachable() is None
    for status in (502, 503):  # a proxy without a way out, or the hub down: retried for ever
        statuses[0] = status
        assert hub.hub_unreachable() == f"HTTP {status}"


def test_no_answer_and_closed_port_reasons(
    monkeypatch: pytest.MonkeyPatch, silent_port: int, closed_port: int
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{silent_port}")
    monkeypatch.setenv("TADQIQ_HUB_TIMEOUT", "0.3")
    assert hub.hub_unreachable() == (
        "no answer within 0.3 s; for a slow link raise $TADQIQ_HUB_TIMEOUT"
    )
    monkeypatch.delenv("TADQIQ_HUB_TIMEOUT")
    assert (hub.hub_unreachable(timeout=0.2) or "").startswith("no answer within 0.2 s;")
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{closed_port}")
    assert (hub.hub_unreachable() or "").startswith("ConnectError: ")
    monkeypatch.delenv("HF_ENDPOINT")
    assert hub.hub_endpoint() == hub.DEFAULT_ENDPOINT == "https://huggingface.co"


def test_unreachable_hub_is_not_asked_for_the_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, closed_port: int,
    caplog: pytest.LogCaptureFixture, no_network: list[str],
) -> None:
    """No hub call (so none of its retries or warnings) once the check has failed."""
    for name in CLEARED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{closed_port}")
    spec = load_registry(ROOT / "models.yaml").get("opus-mt-ar-en")
    with pytest.raises(ModelError, match="cannot be downloaded here .the hub at http://127.0.0.1"):
        hub.resolve_model_dir(spec, allow_download=True)
    with pytest.raises(ModelError, match=f"cannot download into {tmp_path / 'hub'}: the hub at"):
        hub.pull(spec)
    assert no_network == []
    assert [r for r in caplog.records if r.name.startswith("huggingface_hub")] == []


@pytest.mark.parametrize("value", ["abc", "0", "-1", "nan", "inf", "1s"])
def test_a_bad_hub_timeout_is_one_config_error(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("TADQIQ_HUB_TIMEOUT", value)
    with pytest.raises(ConfigError, match=r"^\$TADQIQ_HUB_TIMEOUT: expected a number of seconds above 0, got "):
        hub.hub_check_seconds()


def test_hub_timeout_default_and_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TADQIQ_HUB_TIMEOUT", raising=False)
    assert hub.hub_check_seconds() == hub.HUB_CHECK_SECONDS == 1.0
    monkeypatch.setenv("TADQIQ_HUB_TIMEOUT", " 4.5 ")
    assert hub.hub_check_seconds() == 4.5
