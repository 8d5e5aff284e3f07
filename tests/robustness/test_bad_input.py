"""Bad input through the real CLI: one line naming the file and the problem, exit 2, no output.

Every case of ``test_check_refuses`` runs ``tadqiq check`` in-process (typer's CliRunner)
with ``--json``, ``--html`` and ``--csv`` and asserts: exit code 2; nothing on stdout;
exactly one line on stderr, ``tadqiq: error: <the offending file>: <the problem>``; no
traceback anywhere; none of the three output files exists afterwards. Offline only
(``--hypothesis`` files or the ``gloss`` model), no network.

The nightly run (``tadqiq eval``) is tested here too: a broken pair among good ones is
reported and skipped, the night goes on, and the exit code is 1 at the end.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eval.align.mismatch import MATCH_THRESHOLD
from eval.text.documents import MAX_BYTES, MAX_SENTENCE_CHARS
from tadqiq.cli import app

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "seed"
ARTICLE = SEED / "article.ar.txt"
REFERENCE = SEED / "reference.en.txt"
HYPOTHESIS = SEED / "hypothesis.en.txt"
FLAGS = ROOT / "bench" / "data" / "flags"
PORT = FLAGS / "A" / "a01-port-strike"  # two unrelated labelled articles
BANK = FLAGS / "B" / "b05-tunisia-central-bank"

ARABIC_LINE = "قال الرئيس الفرنسي إيمانويل ماكرون يوم الخميس إن حلفاء أوكرانيا تعهدوا بنشر القوات.\n"

runner = CliRunner()

# A case: (tmp_path) -> (arguments after "check", the offending file, words the message must have).
Case = Callable[[Path], tuple[list, Path, tuple[str, ...]]]


def _write(tmp: Path, name: str, data: bytes | str) -> Path:
    path = tmp / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _check(article: Path = ARTICLE, reference: Path = REFERENCE, *extra) -> list:
    return ["check", article, "--reference", reference, *extra]


def _hyp(hypothesis: Path = HYPOTHESIS) -> list:
    return ["--hypothesis", hypothesis]


# --- the cases -------------------------------------------------------------------------

WHITESPACE = " \n\t \r\n\u00a0\u200f\u200b\n"  # spaces, tabs, CRLF, no-break space, RLM, ZWSP
BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 8
GZIP = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + bytes(range(255, -1, -1)) * 4


def _empty(role: str, content: str) -> Case:
    def build(tmp: Path):
        bad = _write(tmp, f"bad.{role}.txt", content)
        args = {
            "article": lambda: _check(bad, REFERENCE, *_hyp()),
            "reference": lambda: _check(ARTICLE, bad, *_hyp()),
            "hypothesis": lambda: _check(ARTICLE, REFERENCE, *_hyp(bad)),
        }[role]()
        return args, bad, (f"the {role} is empty",)

    return build


def _bytes_as(role: str, data: bytes, *needles: str) -> Case:
    def build(tmp: Path):
        bad = _write(tmp, f"bad.{role}.txt", data)
        args = {
            "article": lambda: _check(bad, REFERENCE, *_hyp()),
            "reference": lambda: _check(ARTICLE, bad, *_hyp()),
            "hypothesis": lambda: _check(ARTICLE, REFERENCE, *_hyp(bad)),
        }[role]()
        return args, bad, needles

    return build


def _too_large(tmp: Path):
    big = tmp / "big.ar.txt"
    line = ARABIC_LINE.encode()
    with big.open("wb") as f:
        for _ in range(20 * 1024 * 1024 // len(line) + 1):
            f.write(line)
    return _check(big, REFERENCE, *_hyp()), big, ("too large", "20 MB", f"limit is {MAX_BYTES // 2**20} MB")


def _long_line(role: str) -> Case:
    # 100,000 characters of words and spaces, not one sentence break.
    word = {"en": ("word " * 20_000)[:99_999] + "s", "ar": ("كلمة " * 20_000)[:99_999] + "ب"}

    limit = f"the limit is {MAX_SENTENCE_CHARS:,}"

    def build(tmp: Path):
        if role == "article":
            text = ARABIC_LINE + word["ar"] + "\n"
            bad = _write(tmp, "long.ar.txt", text)
            return _check(bad, REFERENCE, *_hyp()), bad, ("line 2", "100,000 characters", limit)
        if role == "reference":
            text = "The minister spoke.\n" + word["en"] + "\n"
            bad = _write(tmp, "long.en.txt", text)
            return _check(ARTICLE, bad, *_hyp()), bad, ("line 2", "100,000 characters", limit)
        lines = HYPOTHESIS.read_text(encoding="utf-8").splitlines()
        lines[2] = word["en"]
        bad = _write(tmp, "long.hyp.txt", "\n".join(lines) + "\n")
        return _check(ARTICLE, REFERENCE, *_hyp(bad)), bad, ("line 3", "100,000 characters", limit)

    return build


def _swapped(tmp: Path):
    # The English file given as the article and the Arabic as the reference.
    return _check(REFERENCE, ARTICLE, *_hyp()), REFERENCE, ("no Arabic script", "swapped")


def _arabic_as_reference(tmp: Path):
    return _check(ARTICLE, ARTICLE, *_hyp()), ARTICLE, ("mostly Arabic", "swapped")


def _mismatched(backend: str) -> Case:
    def build(tmp: Path):
        back = _hyp(PORT / "hypothesis.en.txt") if backend == "hypothesis" else ["--model", "gloss", "--no-cache"]
        reference = BANK / "reference.en.txt"
        return (_check(PORT / "article.ar.txt", reference, *back), reference,
                ("reference does not match this article",))

    return build


def _hypothesis_paragraphs(tmp: Path):
    bad = _write(tmp, "h.en.txt", "One line.\nTwo lines.\n")
    return _check(ARTICLE, REFERENCE, *_hyp(bad)), bad, ("2 non-empty lines", "paragraphs")


def _models(yaml_text: str, model: str, *needles: str) -> Case:
    def build(tmp: Path):
        path = _write(tmp, "models.yaml", yaml_text)
        return _check(ARTICLE, REFERENCE, "--models-file", path, "--model", model, "--no-cache"), path, needles

    return build


def _glossary(csv_text: str | bytes, *needles: str) -> Case:
    def build(tmp: Path):
        path = _write(tmp, "terms.csv", csv_text)
        return _check(ARTICLE, REFERENCE, *_hyp(), "--glossary", path), path, needles

    return build


def _decisions_of_another_article(tmp: Path):
    path = _write(tmp, "other.decisions.json", json.dumps({
        "schema": "tadqiq.decisions/1",
        "article": {"path": "other.ar.txt", "sha256": "0" * 64},
        "decisions": [],
    }))
    return _check(ARTICLE, REFERENCE, *_hyp(), "--decisions", path), path, ("another article",)


def _directory(tmp: Path):
    folder = tmp / "folder.ar.txt"
    folder.mkdir()
    return _check(folder, REFERENCE, *_hyp()), folder, ("is a directory",)


def _missing(tmp: Path):
    missing = tmp / "missing.en.txt"
    return _check(ARTICLE, missing, *_hyp()), missing, ("no such file",)


GOOD_MODELS = "default: g\nmodels:\n  g:\n    backend: gloss\n"
HEADER = "english,arabic\n"

CASES: dict[str, Case] = {
    # 1. empty or whitespace-only
    "empty-article": _empty("article", ""),
    "whitespace-article": _empty("article", WHITESPACE),
    "empty-reference": _empty("reference", ""),
    "whitespace-reference": _empty("reference", WHITESPACE),
    "empty-hypothesis": _empty("hypothesis", ""),
    "whitespace-hypothesis": _empty("hypothesis", WHITESPACE),
    # 2. binary
    "binary-article": _bytes_as("article", BINARY, "binary file"),
    "binary-reference": _bytes_as("reference", GZIP, "binary file"),
    "binary-hypothesis": _bytes_as("hypothesis", BINARY, "binary file"),
    # 3. neither UTF-8 nor Windows-1256
    "latin1-with-controls": _bytes_as(
        "article", "Caf\u00e9 cr\u00e8me \x02\x03 na\u00efve\n".encode("latin-1"),
        "not valid UTF-8", "Windows-1256", "offset 3"),
    "utf8-cut-mid-character": _bytes_as(
        "article", ARABIC_LINE.encode()[:-3], "not valid UTF-8", "cut short or damaged"),
    "utf8-damaged-byte": _bytes_as(
        "reference", "Macron said “yes” — twice… ".encode() * 3 + b"\xff" + b" end.\n",
        "not valid UTF-8", "damaged"),
    # 4. UTF-16 without a byte-order mark
    "utf16le-no-bom-article": _bytes_as(
        "article", ARABIC_LINE.encode("utf-16-le"), "UTF-16 without a byte-order mark", "UTF-8"),
    "utf16be-no-bom-hypothesis": _bytes_as(
        "hypothesis", "The president said.\n".encode("utf-16-be"), "UTF-16 without a byte-order mark"),
    # 5. a 20 MB article
    "article-20mb": _too_large,
    # 6. a 100,000-character line without punctuation
    "long-line-article": _long_line("article"),
    "long-line-reference": _long_line("reference"),
    "long-line-hypothesis": _long_line("hypothesis"),
    # 7. swapped files
    "english-article-arabic-reference": _swapped,
    "arabic-as-reference": _arabic_as_reference,
    # 8. the reference of another article
    "mismatched-reference-hypothesis": _mismatched("hypothesis"),
    "mismatched-reference-gloss": _mismatched("gloss"),
    # 9. hypothesis with another number of paragraphs
    "hypothesis-paragraph-count": _hypothesis_paragraphs,
    # 10. models.yaml
    "models-unknown-key": _models(GOOD_MODELS + "    colour: blue\n", "g", "models.g.colour", "unknown"),
    "models-wrong-type": _models(
        "default: h\nmodels:\n  h:\n    backend: hf\n    model: a/b\n    generation:\n      num_beams: four\n",
        "h", "num_beams", "four"),
    "models-unknown-model": _models(GOOD_MODELS, "opus-mt-xx", "no model named 'opus-mt-xx'"),
    # 12. glossary with bad rows
    "glossary-missing-cell": _glossary(HEADER + "tender,مناقصة\nceasefire\n", "line 3", "cell"),
    "glossary-extra-cell": _glossary(HEADER + "tender,مناقصة,extra\n", "line 2", "3 cell"),
    "glossary-swapped-columns": _glossary(HEADER + "tender,مناقصة\n\nهدنة,truce\n", "line 4", "swapped"),
    "glossary-english-arabic-cell": _glossary(HEADER + "truce,truce\n", "line 2", "no Arabic script"),
    "glossary-no-header": _glossary("tender,مناقصة\n", "line 1", "header"),
    "glossary-empty": _glossary("\n \n", "empty"),
    "glossary-binary": _glossary(BINARY, "binary file"),
    "glossary-bad-quote": _glossary(HEADER + 'truce,هدنة\n"ceasefire,وقف\n', "line 3", "not valid CSV"),
    # 13. review decisions made for another article
    "decisions-of-another-article": _decisions_of_another_article,
    # and the plain ones
    "article-is-a-directory": _directory,
    "missing-reference": _missing,
}


def _outputs(tmp: Path) -> list[Path]:
    return [tmp / "out" / "report.json", tmp / "out" / "report.html", tmp / "out" / "flags.csv"]


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_check_refuses(tmp_path: Path, case: str) -> None:
    args, offending, needles = CASES[case](tmp_path)
    (tmp_path / "out").mkdir()
    outputs = _outputs(tmp_path)
    result = runner.invoke(app, [str(a) for a in args] + [
        "--json", str(outputs[0]), "--html", str(outputs[1]), "--csv", str(outputs[2]), "--quiet",
    ])
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 2, result.output
    assert result.stdout == "", result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    prefix = f"tadqiq: error: {offending}: "
    assert lines[0].startswith(prefix), lines[0]
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    assert [p for p in outputs if p.exists()] == []
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == []  # no temporary file left


# --- the escape hatch and the library view of the mismatch check --------------------------


def test_allow_mismatch_checks_anyway(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    result = runner.invoke(app, [str(a) for a in _check(
        PORT / "article.ar.txt", BANK / "reference.en.txt", *_hyp(PORT / "hypothesis.en.txt"),
        "--allow-mismatch", "--json", out, "--quiet", "--fail-on", "never")])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["flags"] > 0


def test_a_useless_back_translation_does_not_make_the_reference_wrong(tmp_path: Path) -> None:
    """Aligned overlap ~0 (a broken model), but the Arabic still renders the reference."""
    lines = HYPOTHESIS.read_text(encoding="utf-8").splitlines()
    junk = _write(tmp_path, "junk.en.txt", "".join("Lorem ipsum dolor sit amet.\n" for _ in lines))
    result = runner.invoke(app, [str(a) for a in _check(ARTICLE, REFERENCE, *_hyp(junk), "--quiet")])
    assert result.exit_code in (0, 1), result.output


def test_mismatch_is_an_input_error_of_the_library() -> None:
    from tadqiq.errors import InputError
    from tadqiq.pipeline import CheckRequest, check

    request = CheckRequest(article=BANK / "article.ar.txt", reference=PORT / "reference.en.txt",
                           hypothesis=BANK / "hypothesis.en.txt")
    with pytest.raises(InputError) as info:
        check(request)
    message = str(info.value)
    assert message.startswith(f"{PORT / 'reference.en.txt'}: reference does not match this article")
    assert "\n" not in message


# --- calibration of the mismatch check ----------------------------------------------------


def _labelled() -> list[Path]:
    return sorted(p.parent for p in FLAGS.rglob("gold.json")) + [SEED]


@pytest.fixture(scope="module")
def prepared() -> dict:
    """Per labelled article: its document, segments, and units (hypothesis file and gloss)."""
    from eval.flow import hypothesis_units, prepare_files
    from eval.values import Unit
    from translator.gloss import gloss_sentence

    out = {}
    for folder in _labelled():
        docs = prepare_files(folder / "article.ar.txt", folder / "reference.en.txt")
        hyp = (folder / "hypothesis.en.txt").read_text(encoding="utf-8")
        out[folder.name] = {
            "ar_segments": docs.ar_segments,
            "ref_segments": docs.ref_segments,
            "hypothesis": hypothesis_units(docs, hyp),
            "gloss": [Unit((s.index,), gloss_sentence(s.text).text) for s in docs.ar_segments],
        }
    return out


def _score(prepared: dict, article: str, reference: str, backend: str) -> float:
    from eval.align.mismatch import match_evidence
    from eval.align.sentences import align

    a, r = prepared[article], prepared[reference]
    beads = align(a[backend], [s.text for s in r["ref_segments"]])
    return match_evidence(a["ar_segments"], r["ref_segments"], beads, always_cover=True).score


@pytest.mark.parametrize("backend", ["hypothesis", "gloss"])
def test_mismatch_threshold_separates_labelled_articles(prepared: dict, backend: str) -> None:
    """Every labelled article passes with its own reference; with the next article's
    reference (a cyclic shift: 17 mismatched pairs) every one is refused. The full
    17 × 16 matrix was measured when the threshold was set (eval/align/mismatch.py)."""
    names = list(prepared)
    matched = {n: _score(prepared, n, n, backend) for n in names}
    shifted = {n: _score(prepared, n, names[(k + 1) % len(names)], backend) for k, n in enumerate(names)}
    assert min(matched.values()) >= MATCH_THRESHOLD, matched
    assert max(shifted.values()) < MATCH_THRESHOLD, shifted


# --- the nightly run: a broken pair among good ones ---------------------------------------


def test_eval_reports_broken_documents_and_goes_on(tmp_path: Path) -> None:
    corpus, hyps = tmp_path / "corpus", tmp_path / "hyps"
    corpus.mkdir()
    hyps.mkdir()
    good = [FLAGS / "A" / "a02-solar-tender", FLAGS / "B" / "b01-wheat-harvest"]
    for folder in good:
        shutil.copy(folder / "article.ar.txt", corpus / f"{folder.name}.ar.txt")
        shutil.copy(folder / "reference.en.txt", corpus / f"{folder.name}.en.txt")
        shutil.copy(folder / "hypothesis.en.txt", hyps / f"{folder.name}.en.txt")
    # broken: a binary article, an empty reference, and the reference of another article.
    (corpus / "c01-binary.ar.txt").write_bytes(BINARY)
    (corpus / "c01-binary.en.txt").write_text("The minister resigned.\n", encoding="utf-8")
    shutil.copy(PORT / "article.ar.txt", corpus / "c02-empty-ref.ar.txt")
    (corpus / "c02-empty-ref.en.txt").write_text("\n\n", encoding="utf-8")
    shutil.copy(PORT / "article.ar.txt", corpus / "c03-other-ref.ar.txt")
    shutil.copy(BANK / "reference.en.txt", corpus / "c03-other-ref.en.txt")
    shutil.copy(PORT / "hypothesis.en.txt", hyps / "c03-other-ref.en.txt")
    models = _write(tmp_path, "models.yaml", f"default: vendor\nmodels:\n  vendor:\n    backend: precomputed\n"
                                            f"    path: {hyps}\n  gloss:\n    backend: gloss\n")
    out, outcome = tmp_path / "run", tmp_path / "outcome.json"
    result = runner.invoke(app, [
        "eval", str(corpus), "--models", "vendor,gloss", "--models-file", str(models),
        "--no-history", "--no-cache", "--quiet", "--samples", "20", "--out", str(out),
        "--json", str(outcome),
    ])
    assert "Traceback" not in result.output, result.output
    assert result.exit_code == 1, result.output
    assert "failures" in result.stdout and "exit 1" in result.stdout
    data = json.loads(outcome.read_text(encoding="utf-8"))
    failures = {(f["document"], f["model"]): f["message"] for f in data["failures"]}
    assert "binary file" in failures[("c01-binary", None)]
    assert "the reference is empty" in failures[("c02-empty-ref", None)]
    for model in ("vendor", "gloss"):
        message = failures[("c03-other-ref", model)]
        assert message.startswith(f"{corpus / 'c03-other-ref.en.txt'}: reference does not match")
    # The good documents were evaluated by both models.
    for model in ("vendor", "gloss"):
        lines = (out / f"{model}.jsonl").read_text(encoding="utf-8").splitlines()
        assert sorted(json.loads(line)["document"] for line in lines) == [f.name for f in good]


@pytest.mark.parametrize("option", ["--json", "--html"])
def test_an_output_path_that_is_a_folder_is_one_line(tmp_path: Path, option: str) -> None:
    seed = Path(__file__).resolve().parents[2] / "examples" / "seed"
    folder = tmp_path / "out"
    folder.mkdir()
    result = runner.invoke(app, [
        "check", str(seed / "article.ar.txt"), "--reference", str(seed / "reference.en.txt"),
        "--hypothesis", str(seed / "hypothesis.en.txt"), option, str(folder), "--fail-on", "never",
    ])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"{folder}: is a folder, not a file" in result.output
    assert list(folder.iterdir()) == []


def test_write_atomic_refuses_an_unwritable_target_in_one_line(tmp_path: Path, monkeypatch) -> None:
    import errno
    import tempfile

    from eval.text.files import write_atomic
    from tadqiq.errors import InputError

    (tmp_path / "x").mkdir()
    with pytest.raises(InputError, match="is a folder"):
        write_atomic(tmp_path / "x", "text")

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tempfile, "mkstemp", full_disk)
    with pytest.raises(InputError, match=r"report.json: cannot write \(No space left on device\)"):
        write_atomic(tmp_path / "report.json", "{}")
    assert list(tmp_path.iterdir()) == [tmp_path / "x"]
