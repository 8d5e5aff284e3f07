"""Hostile content end to end: markup, template syntax, formulas, XML breakers, controls, bidi.

The real ``tadqiq check`` runs (through the CLI, with the offline ``--hypothesis`` path) on
an article, reference and back-translation that carry every string of :data:`HOSTILE`, under
file names that carry some too, and writes ``--json --html --csv --xlsx`` (and, for an XLIFF
input, ``--xliff-out``). Next to the real flaggers, one more flags every hostile string, so
that each of them lands in a flag's cells, notes and highlights. Then: the HTML shows them as
text only, no CSV/XLSX cell can run as a formula, the XLIFF parses and keeps its text, the
JSON gives the texts back exactly and the terminal gets no escape sequence from the input.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from lxml import etree
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from typer.testing import CliRunner

from eval.evaluate import CheckContext
from eval.text.formats import NOTE_ORIGIN, read_paired
from eval.values import AlignedSegment, Category, Evidence, Flag, HypSpan, Severity, Span
from tadqiq.cli import app
from tests.formats.paired_samples import xliff12_text
from tests.report.hostile import AR, CLOSE, EVIDENCE, HYP, IMG, REF, SCRIPT

# name → string; every one goes into the article, the reference and the back-translation.
HOSTILE = {
    "script": SCRIPT,
    "attribute breaker": IMG,
    "script end": CLOSE,
    "javascript link": '<a href="javascript:alert(1)">x</a>',
    "javascript url": "javascript:alert(document.cookie)",
    "single-quote breaker": "' onmouseover='alert(1)",
    "style": "</style><style>*{display:none}</style>",
    "comment": "<!-- x --><!--",
    "jinja expression": "{{ 7*7 }}",
    "jinja raw": "{% raw %}{{ x }}{% endraw %}",
    "jinja statement": "{% for x in range(9) %}x{% endfor %}",
    "formula cmd": "=cmd|' /C calc'!A0",
    "formula plus": "+SUM(1)",
    "formula minus": "-2+3",
    "formula at": "@A1",
    "formula fullwidth": "\uff1d1+1",
    "formula tab": "\t=1+1",
    "cdata end": "]]>",
    "entities": "&amp; &lt; &#60; &",
    "less than": "a < b",
    "bidi override": "\u202egnp.exe",
    "bidi isolates": "\u2067\u2066x\u2069\u202b",
}
# Only in plain text (XML 1.0 cannot hold them).
TEXT_ONLY = {
    "controls": "\x01\x07\x08\x7f",
    "terminal escape": "\x1b[31m\x1b]0;pwned\x07",
    "line separators": "x\u2028y\u2029z",
}
# Only as the first evidence of a flag (a line of text cannot start with them).
EVIDENCE_ONLY = {"formula cr": "\r=1+1"}
ALL = {**HOSTILE, **TEXT_ONLY, **EVIDENCE_ONLY}

ARTICLE_NAME = f"a{IMG}\u202e{{{{ 7*7 }}}}\x01.ar.txt"
REFERENCE_NAME = "r=cmd|' \u202etxt.en.txt"
FORMULA_START = tuple("=+-@\t\r\uff1d\uff0b\uff0d\uff20")

runner = CliRunner()


def _lines(strings: dict[str, str], hypothesis: bool) -> tuple[str, str, str]:
    """One more paragraph per hostile string on each side (the back-translation keeps its
    line count: U+2028 would split its line, see eval.text.hypothesis)."""
    ar, ref, hyp = [AR], [REF], [HYP]
    for k, s in enumerate(strings.values()):
        ar.append(f"وقال المتحدث رقم {k} {s} إن الاجتماع سيعقد في باريس يوم الجمعة.\n")
        ref.append(f"Spokesman number {k} said {s} the meeting would be held in Paris on Friday.\n")
        h = s if hypothesis else ""
        hyp.append(f"Spokesman number {k} said {h} that the meeting will be held in Paris on Friday.\n")
    return "".join(ar), "".join(ref), "".join(hyp)


def _flag_hostile(segments: Sequence[AlignedSegment], context: CheckContext) -> list[Flag]:
    """A flag on every place a hostile string occurs in a segment, whatever side it is on."""
    article, reference = context.article.original, context.reference.original

    def span(side: Span, original: str, needle: str) -> Span:
        at = side.text.find(needle)
        if at < 0 or side.start is None:
            return Span()
        start = side.start + at
        return Span(needle, original.count("\n", 0, start) + 1, start, start + len(needle))

    # XLIFF text comes with its whitespace collapsed: look for that form too.
    needles = {*HOSTILE.values(), *TEXT_ONLY.values()}
    needles |= {" ".join(s.split()) for s in needles}
    flags = []
    for seg in segments:
        for needle in sorted(needles):
            ar, ref = span(seg.ar, article, needle), span(seg.reference, reference, needle)
            h = seg.hypothesis.find(needle)
            hyp = HypSpan(needle, h, h + len(needle)) if h >= 0 else HypSpan()
            if ar.text or ref.text or hyp.text:
                flags.append(Flag("", seg.id, Category.UNTRANSLATED, Severity.MINOR, 0.9, ar, ref, hyp,
                                  (Evidence(needle, EVIDENCE),)))
    flags += [Flag("", segments[0].id, Category.GRAMMAR, Severity.MINOR, 0.9, Span(), Span(),
                   HypSpan(), (Evidence(s, EVIDENCE),)) for s in EVIDENCE_ONLY.values()]
    return flags


def _with_hostile_flagger(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default flaggers of a check, and :func:`_flag_hostile`."""
    import eval.flow

    real = eval.flow.default_flaggers
    monkeypatch.setattr(
        eval.flow, "default_flaggers",
        lambda glossary=None, min_confidence=None, checks=None: [
            *real(glossary, min_confidence, checks), _flag_hostile
        ],
    )


def _run(*args: object):
    result = runner.invoke(app, ["check", *map(str, args), "--fail-on", "never"])
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def _outputs(tmp: Path) -> list[str]:
    return ["--json", tmp / "out.json", "--html", tmp / "out.html", "--csv", tmp / "out.csv",
            "--xlsx", tmp / "out.xlsx"]


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The check of the plain-text article, reference and back-translation, with its outputs."""
    tmp = tmp_path_factory.mktemp("hostile")
    texts = _lines({**HOSTILE, **TEXT_ONLY}, hypothesis=True)
    article, reference, hypothesis = tmp / ARTICLE_NAME, tmp / REFERENCE_NAME, tmp / "h.en.txt"
    texts = (texts[0], texts[1], texts[2].replace("\u2028", " ").replace("\u2029", " "))
    for path, text in zip((article, reference, hypothesis), texts, strict=True):
        path.write_text(text, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        _with_hostile_flagger(mp)
        result = _run(article, "--reference", reference, "--hypothesis", hypothesis, *_outputs(tmp))
    return {"dir": tmp, "texts": texts, "stdout": result.stdout,
            "article": article, "reference": reference}


# --- HTML -----------------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_shows_hostile_text_as_text_only(plain: dict) -> None:
    html = (plain["dir"] / "out.html").read_text(encoding="utf-8")
    page = _Tags(html)
    names = [t for t, _ in page.tags]
    assert names.count("script") == 2 and names.count("style") == 1
    assert not {"img", "iframe", "object", "embed", "base", "form", "textarea"} & set(names)
    for tag, attrs in page.tags:
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)
        assert not [v for v in attrs.values() if v.strip().lower().startswith("javascript:")], (tag, attrs)
        if tag == "a":
            assert attrs.get("href", "#").startswith("#")
    text = "".join(page.text)
    shown = [s for s in HOSTILE.values() if " ".join(s.split()) in " ".join(text.split())]
    assert len(shown) == len(HOSTILE)
    raw = html.split('<script type="application/json" id="data">', 1)[1].split("</script>", 1)[0]
    assert not set("<>&\u2028\u2029") & set(raw)
    payload = json.loads(raw)
    assert payload["article"]["path"] == str(plain["article"])


# --- CSV and XLSX ---------------------------------------------------------------------------


def _covered(cells: list[str], strings: dict[str, str]) -> set[str]:
    """The names of the strings that appear in some cell."""
    found = set()
    for name, s in strings.items():
        shown = ILLEGAL_CHARACTERS_RE.sub("\ufffd", s)
        if any(shown in c or s in c for c in cells):
            found.add(name)
    return found


def test_csv_cells_cannot_run_as_formulas(plain: dict) -> None:
    text = (plain["dir"] / "out.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    cells = [c for row in rows[1:] for c in row]
    assert len(rows) > len(ALL)
    assert [c for c in cells if c.startswith(FORMULA_START)] == []
    assert _covered(cells, ALL) == set(ALL)


def test_xlsx_cells_are_text_never_formulas(plain: dict) -> None:
    path = plain["dir"] / "out.xlsx"
    ws = load_workbook(path)["flags"]
    values = []
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                assert cell.data_type == "s", (cell.coordinate, cell.value)
                assert cell.quotePrefix or not cell.value.startswith(FORMULA_START), cell.value
                values.append(cell.value)
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet and b"<f " not in sheet
    assert _covered(values, ALL) == set(ALL)


# --- JSON and the terminal ------------------------------------------------------------------


def test_json_gives_the_texts_back_exactly(plain: dict) -> None:
    data = json.loads((plain["dir"] / "out.json").read_text(encoding="utf-8"))
    article, reference, hypothesis = plain["texts"]
    assert data["article"]["path"] == str(plain["article"])
    assert data["reference"]["path"] == str(plain["reference"])
    for seg in data["segments"]:
        for side, original in (("ar", article), ("reference", reference)):
            span = seg[side]
            assert span["text"] == (original[span["start"] : span["end"]] if span["text"] else "")
    ar_all = " ".join(s["ar"]["text"] for s in data["segments"])
    ref_all = " ".join(s["reference"]["text"] for s in data["segments"])
    hyp_all = " ".join(s["hypothesis"]["text"] for s in data["segments"])
    for s in {**HOSTILE, **TEXT_ONLY}.values():
        assert s.strip() in ar_all and s.strip() in ref_all, repr(s)
        assert " ".join(s.split()) in " ".join(hyp_all.split()), repr(s)
    flagged = {f["ar"]["text"] for f in data["flags"]}
    assert {s for s in HOSTILE.values() if s == s.strip()} <= flagged
    assert {e["signal"] for f in data["flags"] for e in f["evidence"]} >= set(EVIDENCE_ONLY.values())


def test_terminal_gets_no_escape_sequence_from_the_input(plain: dict) -> None:
    out = plain["stdout"]
    assert "\x1b" not in out and "\x07" not in out and "\x08" not in out
    # bidi overrides/isolates from the input are named, never sent (they reorder the line)
    assert not any(ch in out for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert "<U+202E>" in out
    assert "spokesman" in out.lower() or "المتحدث" in out


# --- XLIFF ----------------------------------------------------------------------------------


def _attr(text: str) -> str:
    return escape(text, {'"': "&quot;"})


@pytest.fixture(scope="module")
def xliff(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("hostile-xliff")
    ar, ref, hyp = (t.splitlines()[4:] for t in _lines(HOSTILE, hypothesis=True))
    units = [
        (_attr(f"u{k}{s}"), escape(r), escape(a), escape(f"editor: {s}"))
        for k, (s, a, r) in enumerate(zip(HOSTILE.values(), ar, ref, strict=True))
    ]
    source = tmp / f"story{IMG}.xlf"
    source.write_text(xliff12_text(units), encoding="utf-8")
    (tmp / "h.en.txt").write_text("\n".join(hyp) + "\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        _with_hostile_flagger(mp)
        _run(source, "--hypothesis", tmp / "h.en.txt", "--xliff-out", tmp / "out.xlf", *_outputs(tmp))
    return {"dir": tmp, "source": source}


def test_xliff_out_parses_and_keeps_every_unit(xliff: dict) -> None:
    out = xliff["dir"] / "out.xlf"
    root = etree.fromstring(out.read_bytes())
    assert not [e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).localname in ("script", "img", "a")]
    before, after = read_paired(xliff["source"]), read_paired(out)
    assert [(u.id, u.source_en, u.target_ar, u.notes) for u in after.units] == [
        (u.id, u.source_en, u.target_ar, u.notes) for u in before.units
    ]
    assert len(before.units) == len(HOSTILE)
    for unit, s in zip(before.units, HOSTILE.values(), strict=True):
        assert " ".join(s.split()) in unit.target_ar and " ".join(s.split()) in unit.source_en
    notes = [n.text or "" for n in root.iter("{*}note") if n.get("from") == NOTE_ORIGIN]
    noted = [s for s in HOSTILE.values() if any(" ".join(s.split()) in n for n in notes)]
    assert len(noted) == len(HOSTILE)


def test_xliff_check_outputs_are_neutral_too(xliff: dict) -> None:
    tmp = xliff["dir"]
    text = (tmp / "out.csv").read_bytes().decode("utf-8-sig")
    cells = [c for row in list(csv.reader(io.StringIO(text, newline="")))[1:] for c in row]
    assert [c for c in cells if c.startswith(FORMULA_START)] == []
    page = _Tags((tmp / "out.html").read_text(encoding="utf-8"))
    assert not [t for t, _ in page.tags if t == "img"]
    data = json.loads((tmp / "out.json").read_text(encoding="utf-8"))
    assert data["article"]["path"] == str(xliff["source"])
