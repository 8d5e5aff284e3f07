"""Faults: Ctrl-C at every stage, a corrupted cache, two processes writing at once.

Interrupts are real SIGINTs sent to a real ``tadqiq`` process. To hit named stages
deterministically (not "somewhere after 0.3 s"), the process is started through
:data:`HARNESS`, a test-only wrapper that patches one function of tadqiq to send the
process SIGINT when it is reached, then runs ``tadqiq.cli.main`` as the console script
does; production code has no test hooks. One more test sends SIGINT from outside at
graded delays. After every interruption:

- exit code 130 and exactly one line on stderr ("tadqiq: interrupted..."), no traceback;
- every output file is either absent, the complete previous file, or complete (valid
  JSON, a whole HTML page); no ``*.tmp`` file is left behind;
- the translation cache and the history database pass SQLite's integrity check, a
  following run succeeds and reads the cache, and ``tadqiq eval --resume`` finishes the run.

Concurrency (two processes writing one cache and one history at once) is tested here
through the CLI; the library-level tests with more volume are
tests/translator/test_translator_cache.py::test_two_processes_write_at_once and
tests/history/test_history_store.py::test_two_processes_record_concurrently.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from eval.text.segment import segment

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "seed"
MODELS = ROOT / "models.yaml"  # has the gloss entry: a cached "model" needing no weights

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the harness reads /proc/self/fd"
)

HARNESS = r"""
import os, signal, sys

STAGE, ARGS = sys.argv[1], sys.argv[2:]
# A shell that runs the tests in the background (`cmd &`) starts them with SIGINT
# ignored, and Python then keeps it ignored; a user's Ctrl-C reaches a foreground tadqiq.
signal.signal(signal.SIGINT, signal.default_int_handler)


def interrupt():
    os.kill(os.getpid(), signal.SIGINT)  # Python raises KeyboardInterrupt at the next bytecode
    for _ in range(10**8):
        pass
    raise SystemExit("harness: SIGINT was not delivered")


def hook(owner, name, nth=1, when=None):
    original = getattr(owner, name)
    seen = [0]

    def wrapper(*args, **kwargs):
        if when is None or when(*args, **kwargs):
            seen[0] += 1
            if seen[0] == nth:
                interrupt()
        return original(*args, **kwargs)

    setattr(owner, name, wrapper)


def writing(prefix):  # os.fsync of the temporary file of an atomic write of PREFIX
    def when(fd):
        return os.path.basename(os.readlink(f"/proc/self/fd/{fd}")).startswith(f".{prefix}.")
    return when


if STAGE == "read":
    import eval.flow as m
    hook(m, "read_document")
elif STAGE == "segment":
    import eval.flow as m
    hook(m, "segment")
elif STAGE == "translate":  # inside the model, before its first batch
    import translator.hf as m
    hook(m.HFTranslator, "_generate")
elif STAGE == "gloss":  # halfway through translating
    import translator.gloss as m
    hook(m, "gloss_sentence", nth=5)
elif STAGE == "cache-write":  # inside the cache's write transaction, before it commits
    import translator.cache as m

    class Connection:
        def __init__(self, conn):
            self._conn = conn

        def __getattr__(self, name):
            return getattr(self._conn, name)

        def __enter__(self):
            return self._conn.__enter__()

        def __exit__(self, *exc):
            return self._conn.__exit__(*exc)

        def executemany(self, *args):
            result = self._conn.executemany(*args)
            interrupt()
            return result

    opened = m.TranslationCache._connection
    m.TranslationCache._connection = lambda self: Connection(opened(self))
elif STAGE == "align":
    import eval.evaluate as m
    hook(m, "align")
elif STAGE == "flag":
    import eval.evaluate as m
    hook(m, "sort_and_number")
elif STAGE.startswith("write:"):  # the output's temporary file is written, not yet renamed
    hook(os, "fsync", when=writing(STAGE[len("write:"):]))
elif STAGE == "render":  # every output written, printing the terminal report
    import eval.reports.terminal as m
    hook(m, "render")
elif STAGE == "document:2":  # the first document of the run is finished
    import eval.flow as m
    hook(m, "check", nth=2)
elif STAGE == "history":  # inside the history transaction: the run row is in, its results not
    import sqlalchemy.engine
    import eval.nightly.store as h
    hook(sqlalchemy.engine.Connection, "execute",
         when=lambda self, statement, *a, **k: getattr(statement, "table", None) is h.results_table)
elif STAGE != "none":
    raise SystemExit(f"harness: unknown stage {STAGE}")

sys.argv = ["tadqiq", *ARGS]
from tadqiq.cli import main

if os.environ.get("FAULT_READY"):  # the command line is loaded (Python itself has started)
    open(os.environ["FAULT_READY"], "w").close()
main()
"""


def environment(**extra: str) -> dict[str, str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONWARNINGS": "ignore", **extra}
    env.pop("TADQIQ_CACHE", None)
    return env


def tadqiq(stage: str, *args: object, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", HARNESS, stage, *map(str, args)],
        cwd=ROOT, env=env or environment(), capture_output=True, text=True, timeout=120,
    )


def assert_interrupted(result: subprocess.CompletedProcess[str], message: str = "tadqiq: interrupted") -> None:
    assert result.returncode == 130, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "KeyboardInterrupt" not in result.stderr


def no_temporary_files(folder: Path) -> None:
    assert [p.name for p in folder.rglob("*.tmp")] == []


def complete(path: Path) -> bool:
    """Whether an output file is whole (not cut off)."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix == ".json":
        return isinstance(json.loads(text), dict)
    if path.suffix == ".jsonl":
        return text.endswith("\n") and all(json.loads(line) for line in text.splitlines())
    if path.suffix == ".html":
        return text.rstrip().endswith("</html>")
    if path.suffix == ".csv":
        rows = list(csv.reader(io.StringIO(text)))
        return text.endswith("\n") and rows[0][0] == "id" and len({len(r) for r in rows}) == 1
    raise AssertionError(path)


def outputs_whole(outputs: list[Path], previous: dict[Path, bytes | None]) -> None:
    """Each output is absent, byte-for-byte the previous file, or a complete new one."""
    for path in outputs:
        if path.exists() and path.read_bytes() != previous.get(path):
            assert complete(path), path


def sqlite_ok(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def cached_sources(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as conn:
        return {row[0] for row in conn.execute("SELECT source FROM translations_v1")}


def small_article(folder: Path) -> tuple[Path, Path, Path]:
    """The first three paragraphs of the bundled example: article, reference, hypothesis."""
    paths = []
    for name in ("article.ar.txt", "reference.en.txt", "hypothesis.en.txt"):
        lines = (SEED / name).read_text(encoding="utf-8").splitlines(keepends=True)[:3]
        (folder / name).write_text("".join(lines), encoding="utf-8")
        paths.append(folder / name)
    return paths[0], paths[1], paths[2]


def write_corpus(folder: Path, lines: range) -> Path:
    """NAME.ar.txt + NAME.en.txt pairs made of lines of the bundled example."""
    ar = (SEED / "article.ar.txt").read_text(encoding="utf-8").splitlines()
    en = (SEED / "reference.en.txt").read_text(encoding="utf-8").splitlines()
    folder.mkdir(parents=True)
    for k in lines:
        (folder / f"doc{k:02d}.ar.txt").write_text(ar[k] + "\n", encoding="utf-8")
        (folder / f"doc{k:02d}.en.txt").write_text(en[k] + "\n", encoding="utf-8")
    return folder


def arabic_sentences(folder: Path) -> set[str]:
    return {
        s.text
        for path in folder.glob("*.ar.txt")
        for s in segment(path.read_text(encoding="utf-8"), "ar")
    }


# --- tadqiq check ---------------------------------------------------------------------------------


def test_interrupting_check_at_every_stage(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    outputs = [out / "report.json", out / "report.html", out / "flags.csv"]
    cache = tmp_path / "cache.sqlite3"
    article, reference, _ = small_article(tmp_path)
    common = [
        "check", article, "-r", reference, "--models-file", MODELS,
        "--model", "gloss", "--cache", cache, "--fail-on", "never", "--json", outputs[0],
        "--html", outputs[1], "--csv", outputs[2],
    ]
    # The cache's write transaction rolled back: the file is sound and empty.
    assert_interrupted(tadqiq("cache-write", *common))
    sqlite_ok(cache)
    assert cached_sources(cache) == set()
    assert [p for p in outputs if p.exists()] == []
    # Interrupted before any output existed, while writing the HTML: the JSON is already
    # complete in place, the HTML's temporary file is gone, the CSV never started.
    assert_interrupted(tadqiq("write:report.html", *common))
    no_temporary_files(out)
    assert complete(outputs[0]) and not outputs[1].exists() and not outputs[2].exists()
    outputs[0].unlink()

    previous_run = tadqiq("none", *common)
    assert previous_run.returncode == 0, previous_run.stderr
    previous = {p: p.read_bytes() for p in outputs}
    for stage in ("read", "gloss", "align", "write:report.html", "write:flags.csv", "render"):
        # Everything is cached by now: "gloss" (halfway through translating) goes uncached.
        result = tadqiq(stage, *common, *(["--no-cache"] if stage == "gloss" else []))
        assert_interrupted(result)
        no_temporary_files(out)
        outputs_whole(outputs, previous)
        if stage in ("read", "gloss", "align"):
            assert {p: p.read_bytes() for p in outputs} == previous, stage  # nothing rewritten
        sqlite_ok(cache)

    again = tadqiq("none", *common)
    assert again.returncode == 0, again.stderr
    report = json.loads(outputs[0].read_text(encoding="utf-8"))
    assert report["model"]["cache"]["misses"] == 0  # the cache survived and is read
    assert report["model"]["cache"]["hits"] == report["article"]["sentences"]
    assert all(complete(p) for p in outputs)


def test_interrupting_check_inside_a_model(tmp_path: Path, tiny_models_yaml: Path) -> None:
    article = tmp_path / "a.ar.txt"
    article.write_text("قال الرئيس إن الحلفاء تعهدوا بنشر القوات.\nفي أوكرانيا بعد انتهاء الحرب.\n",
                       encoding="utf-8")
    reference = tmp_path / "r.en.txt"
    reference.write_text("The president said allies pledged troops.\nIn Ukraine after the war.\n",
                         encoding="utf-8")
    report, cache = tmp_path / "report.json", tmp_path / "cache.sqlite3"
    args = ["check", article, "-r", reference, "--models-file", tiny_models_yaml, "--cache", cache,
            "--json", report, "--fail-on", "never"]
    assert_interrupted(tadqiq("translate", *args))
    assert not report.exists()
    no_temporary_files(tmp_path)
    sqlite_ok(cache)
    # The cache is usable afterwards (checked in this process, where torch is loaded already;
    # test_interrupting_check_at_every_stage runs the CLI again after its interruptions).
    from translator import TranslationCache, load_registry, load_translator

    sentences = [s.text for s in segment(article.read_text(encoding="utf-8"), "ar")]
    spec = load_registry(tiny_models_yaml).default
    for hits in (0, 2):
        with TranslationCache(cache) as store:
            model = load_translator(spec, cache=store, allow_download=False)
            assert all(t.text for t in model.translate(sentences))
            assert (model.hits, model.misses) == (hits, 2 - hits)


def test_sigint_from_outside_at_graded_delays(tmp_path: Path) -> None:
    """Ctrl-C as a user sends it, at several moments after the program started."""
    report = tmp_path / "report.json"
    html = tmp_path / "report.html"
    article, reference, hypothesis = small_article(tmp_path)
    for delay in (0.0, 0.1, 0.3, 0.6):
        ready = tmp_path / f"ready-{delay}"
        proc = subprocess.Popen(
            [sys.executable, "-c", HARNESS, "none", "check", str(article),
             "-r", str(reference), "--hypothesis", str(hypothesis),
             "--json", str(report), "--html", str(html), "--fail-on", "never", "--quiet"],
            cwd=ROOT, env=environment(FAULT_READY=str(ready)),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        deadline = time.monotonic() + 60
        while not ready.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
        result = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
        if proc.returncode == 0:  # it had finished before the signal came
            assert err == "" and complete(report) and complete(html)
        else:
            assert_interrupted(result)
        no_temporary_files(tmp_path)
        outputs_whole([report, html], {})


def test_corrupted_cache_is_moved_aside_and_rebuilt(tmp_path: Path) -> None:
    cache = tmp_path / "translations.sqlite3"
    garbage = b"\x00 not a database \xff" * 500
    cache.write_bytes(garbage)
    report = tmp_path / "report.json"
    article, reference, _ = small_article(tmp_path)
    args = ["check", article, "-r", reference, "--models-file", MODELS, "--model", "gloss", "--cache", cache, "--json", report, "--fail-on", "never", "--quiet"]
    result = tadqiq("none", *args, env=environment(PYTHONWARNINGS="default"))
    assert result.returncode == 0, result.stderr
    assert "was corrupt" in result.stderr and "Traceback" not in result.stderr
    aside = list(tmp_path.glob("translations.sqlite3.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == garbage
    sqlite_ok(cache)
    sentences = json.loads(report.read_text(encoding="utf-8"))["article"]["sentences"]
    again = tadqiq("none", *args, env=environment(PYTHONWARNINGS="default"))
    assert again.returncode == 0 and "corrupt" not in again.stderr, again.stderr
    assert json.loads(report.read_text(encoding="utf-8"))["model"]["cache"] == {
        "hits": sentences, "misses": 0,
    }


# --- tadqiq eval ----------------------------------------------------------------------------------


def eval_files_whole(out: Path) -> None:
    no_temporary_files(out)
    for path in out.rglob("*"):
        if path.suffix in (".json", ".jsonl"):
            assert complete(path), path


def history_runs(path: Path) -> list[str]:
    from eval.nightly.store import open_history

    sqlite_ok(path)
    with open_history(path) as history:
        return [run.run_id for run in history.runs()]


def test_interrupting_eval_then_resuming(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", range(0, 3))
    out, history, cache = tmp_path / "run", tmp_path / "runs.db", tmp_path / "cache.sqlite3"
    args = ["eval", corpus, "--models", "gloss", "--models-file", MODELS, "--out", out,
            "--history", history, "--cache", cache, "--samples", "10", "--quiet"]
    hint = "tadqiq: interrupted; finished documents are kept in --out"

    assert_interrupted(tadqiq("document:2", *args), hint)  # one document finished
    eval_files_whole(out)
    assert len(list((out / ".state" / "gloss").glob("*.json"))) == 1
    assert not (out / "summary.json").exists()
    run_id = json.loads((out / ".state" / "run.json").read_text(encoding="utf-8"))["run_id"]
    sqlite_ok(cache)

    assert_interrupted(tadqiq("write:summary.json", *args, "--resume"), hint)
    eval_files_whole(out)
    assert not (out / "summary.json").exists() and complete(out / "gloss.jsonl")

    assert_interrupted(tadqiq("history", *args, "--resume"), hint)
    eval_files_whole(out)
    assert complete(out / "summary.json")
    assert history_runs(history) == []  # the run's transaction was rolled back whole

    finished = tadqiq("none", *args, "--resume")
    assert finished.returncode == 0, finished.stderr
    eval_files_whole(out)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["run"]["run_id"] == run_id
    assert len((out / "gloss.jsonl").read_text(encoding="utf-8").splitlines()) == 3
    assert history_runs(history) == [run_id]
    assert cached_sources(cache) == arabic_sentences(corpus)


# --- two processes at once ------------------------------------------------------------------------


def test_two_processes_share_one_cache_and_one_history(tmp_path: Path) -> None:
    corpora = [write_corpus(tmp_path / "c1", range(0, 4)), write_corpus(tmp_path / "c2", range(4, 8))]
    assert not arabic_sentences(corpora[0]) & arabic_sentences(corpora[1])
    history, cache = tmp_path / "runs.db", tmp_path / "cache.sqlite3"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", HARNESS, "none", "eval", str(corpus), "--models", "gloss",
             "--models-file", str(MODELS), "--history", str(history), "--cache", str(cache),
             "--out", str(tmp_path / f"run-{k}"), "--samples", "10", "--quiet"],
            cwd=ROOT, env=environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for k, corpus in enumerate(corpora)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    sqlite_ok(cache)
    # No lost rows: every sentence of both corpora is in the cache, nothing else.
    assert cached_sources(cache) == arabic_sentences(corpora[0]) | arabic_sentences(corpora[1])
    runs = history_runs(history)
    assert len(runs) == 2
    for k in range(2):
        summary = json.loads((tmp_path / f"run-{k}" / "summary.json").read_text(encoding="utf-8"))
        assert summary["run"]["run_id"] in runs
