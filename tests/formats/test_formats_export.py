"""Exports: flags written back into XLIFF 1.2 / 2.0 / TMX, and CSV / XLSX with safe cells."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree
from paired_samples import IDS, NOTE, tmx_text
from translate.storage.tmx import tmxfile
from translate.storage.xliff import Xliff1File
from translate.storage.xliff2 import Xliff2File

from eval.reports.export import (
    COLUMNS,
    ITS_NS,
    flag_note,
    write_csv,
    write_xliff_with_flags,
    write_xlsx,
)
from eval.text.formats import read_paired
from eval.values import Category, Evidence, Flag, HypSpan, Report, Severity, SourceInfo, Span
from tadqiq.errors import InputError
from tadqiq.paired import check_paired

XLF1 = "{urn:oasis:names:tc:xliff:document:1.2}"
XLF2 = "{urn:oasis:names:tc:xliff:document:2.0}"


def _number_flag(report) -> Flag:
    return next(f for f in report.flags if f.category is Category.NUMBER)


def _no_temp_files(folder: Path) -> None:
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


# ----------------------------------------------------------------------------- XLIFF 1.2


def test_xliff12_round_trip(checked, sample_dir: Path, tmp_path: Path):
    report, paired = checked["story.xlf"]
    out = tmp_path / "flagged.xlf"
    written = write_xliff_with_flags(paired, report, out)
    assert written == len(report.flags)
    _no_temp_files(tmp_path)

    before = etree.parse(str(sample_dir / "story.xlf"))  # well-formed XML both
    after = etree.parse(str(out))
    ids = [e.get("id") for e in before.iter(f"{XLF1}trans-unit")]
    assert [e.get("id") for e in after.iter(f"{XLF1}trans-unit")] == ids
    assert ids == ["h1", "empty", "brand", "p1", "p2", "p3"]  # skipped units kept too

    store = Xliff1File(io.BytesIO(out.read_bytes()))  # translate-toolkit still reads it
    assert [u.xmlelement.get("id") for u in store.units] == ids
    units = {u.xmlelement.get("id"): u.xmlelement for u in store.units}
    p1_notes = units["p1"].findall(f"{XLF1}note")
    assert p1_notes[0].get("from") == "editor" and p1_notes[0].text == NOTE
    ours = [n for n in p1_notes if n.get("from") == "tadqiq"]
    flag = _number_flag(report)
    assert [n.text for n in ours if n.text.startswith(f"[critical number {flag.id}]")]
    assert flag.ar.text in ours[0].text and "1.1 billion" in ours[0].text
    assert ours[0].get("priority") == "1"
    # notes only where there are flags
    flagged = {paired.units[f.segment].id for f in report.flags}
    for uid, elem in units.items():
        has_ours = any(n.get("from") == "tadqiq" for n in elem.findall(f"{XLF1}note"))
        assert has_ours == (uid in flagged), uid
    # sources and targets are untouched
    for uid, elem in units.items():
        old = next(e for e in before.iter(f"{XLF1}trans-unit") if e.get("id") == uid)
        for tag in ("source", "target"):
            new, orig = elem.find(f"{XLF1}{tag}"), old.find(f"{XLF1}{tag}")
            assert (dict(new.attrib), list(new.itertext())) == (dict(orig.attrib), list(orig.itertext()))


def test_xliff12_its_markup(checked, tmp_path: Path):
    report, paired = checked["story.xlf"]
    assert [paired.units[f.segment].id for f in report.flags] == ["p1"]  # the planted error only
    out = tmp_path / "its.xlf"
    write_xliff_with_flags(paired, report, out)
    root = etree.parse(str(out)).getroot()
    assert root.nsmap.get("its") == ITS_NS and root.get(f"{{{ITS_NS}}}version") == "2.0"
    p1 = next(e for e in root.iter(f"{XLF1}trans-unit") if e.get("id") == "p1")
    assert p1.get(f"{{{ITS_NS}}}locQualityIssueType") == "numbers"
    assert p1.get(f"{{{ITS_NS}}}locQualityIssueSeverity") == "100"
    assert p1.get(f"{{{ITS_NS}}}locQualityIssueComment") == flag_note(report.flags[0])


def test_xliff12_its_standoff_for_several_flags(checked, tmp_path: Path):
    report, paired = checked["story.xlf"]
    extra = replace(report.flags[0], id="F2", category=Category.TERMINOLOGY, severity=Severity.MINOR)
    two = Report(**{**report.__dict__, "flags": [report.flags[0], extra]})
    out = tmp_path / "standoff.xlf"
    assert write_xliff_with_flags(paired, two, out) == 2
    root = etree.parse(str(out)).getroot()
    p1 = next(e for e in root.iter(f"{XLF1}trans-unit") if e.get("id") == "p1")
    issues = p1[-1]  # extension elements come last in a trans-unit
    assert etree.QName(issues).text == f"{{{ITS_NS}}}locQualityIssues"
    assert p1.get(f"{{{ITS_NS}}}locQualityIssuesRef") == "#" + issues.get(
        "{http://www.w3.org/XML/1998/namespace}id"
    )
    assert [(i.get("locQualityIssueType"), i.get("locQualityIssueSeverity")) for i in issues] == [
        ("numbers", "100"), ("terminology", "20"),
    ]
    assert [n.get("priority") for n in p1.findall(f"{XLF1}note") if n.get("from") == "tadqiq"] == [
        "1", "3",
    ]
    Xliff1File(io.BytesIO(out.read_bytes()))  # still readable


def test_xliff12_second_run_replaces_its_notes(checked, tmp_path: Path):
    report, paired = checked["story.xlf"]
    first = tmp_path / "first.xlf"
    write_xliff_with_flags(paired, report, first)
    again = read_paired(first)
    assert again.units[1].notes == (NOTE,)  # our own notes are not read as the user's
    report2, paired2 = check_paired(first, hypothesis=Path(paired.path).parent / "hyp.en.txt")
    second = tmp_path / "second.xlf"
    write_xliff_with_flags(paired2, report2, second)
    assert second.read_bytes() == first.read_bytes()


def test_without_its(checked, tmp_path: Path):
    report, paired = checked["story.xlf"]
    out = tmp_path / "plain.xlf"
    write_xliff_with_flags(paired, report, out, its=False)
    assert ITS_NS.encode() not in out.read_bytes()
    assert b'from="tadqiq"' in out.read_bytes()


def test_false_alarms_are_left_out(checked, tmp_path: Path):
    report, paired = checked["story.xlf"]
    reviewed = Report(**{**report.__dict__, "flags": [
        replace(f, review="false-alarm") for f in report.flags
    ]})
    out = tmp_path / "reviewed.xlf"
    assert write_xliff_with_flags(paired, reviewed, out) == 0
    assert b"tadqiq" not in out.read_bytes()


def test_utf16_round_trip(sample_dir: Path, tmp_path: Path):
    src = tmp_path / "utf16.xlf"
    text = (sample_dir / "story.xlf").read_text(encoding="utf-8")
    src.write_bytes(text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"))
    report, paired = check_paired(src, hypothesis=sample_dir / "hyp.en.txt")
    out = tmp_path / "utf16-out.xlf"
    write_xliff_with_flags(paired, report, out)
    data = out.read_bytes()
    assert data.startswith((b"\xff\xfe", b"\xfe\xff"))
    assert "مليون" in data.decode("utf-16")
    assert [u.id for u in read_paired(out).units] == IDS


def test_missing_output_folder(checked, tmp_path: Path):
    report, paired = checked["story.xlf"]
    with pytest.raises(InputError):
        write_xliff_with_flags(paired, report, tmp_path / "no" / "such" / "dir.xlf")


# ----------------------------------------------------------------------------- XLIFF 2.0


def test_xliff20_round_trip(checked, sample_dir: Path, tmp_path: Path):
    report, paired = checked["story2.xlf"]
    out = tmp_path / "flagged2.xlf"
    write_xliff_with_flags(paired, report, out)
    text = out.read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<!-- written by the tadqiq tests -->\n')

    store = Xliff2File(io.BytesIO(out.read_bytes()))
    before = Xliff2File(io.BytesIO((sample_dir / "story2.xlf").read_bytes()))
    assert [u.getid() for u in store.units] == [u.getid() for u in before.units]
    root = store.document.getroot()
    assert [u.get("id") for u in root.iter(f"{XLF2}unit")] == ["h1", "empty", "p1", "p2", "p3"]
    p1 = next(u for u in root.iter(f"{XLF2}unit") if u.get("id") == "p1")
    assert [etree.QName(c).localname for c in p1] == ["notes", "segment"]  # notes first
    notes = p1.find(f"{XLF2}notes").findall(f"{XLF2}note")
    assert notes[0].get("category") == "editor" and notes[0].text == NOTE
    flag = _number_flag(report)
    ours = [n for n in notes if n.get("category") == "tadqiq"]
    assert any(n.get("id") == f"tadqiq-{flag.id}" and flag.ar.text in n.text for n in ours)
    assert all(n.get("appliesTo") == "target" for n in ours)
    # a unit that had no <notes> gets one only if it has flags, placed before <segment>
    flagged = {paired.units[f.segment].id for f in report.flags}
    for unit in root.iter(f"{XLF2}unit"):
        has = unit.find(f"{XLF2}notes") is not None
        assert has == (unit.get("id") in flagged or unit.get("id") == "p1"), unit.get("id")


# ----------------------------------------------------------------------------- TMX


def test_tmx_round_trip(checked, sample_dir: Path, tmp_path: Path):
    report, paired = checked["story.tmx"]
    out = tmp_path / "flagged.tmx"
    write_xliff_with_flags(paired, report, out)
    assert b'<!DOCTYPE tmx SYSTEM "tmx14.dtd">' in out.read_bytes()
    store = tmxfile(io.BytesIO(out.read_bytes()))
    before = tmxfile(io.BytesIO((sample_dir / "story.tmx").read_bytes()))
    tuids = [u.xmlelement.get("tuid") for u in store.units]
    assert tuids == [u.xmlelement.get("tuid") for u in before.units]
    assert tuids == ["h1", "fr-only", "p1", "p2", "p3"]
    tu = store.units[2].xmlelement
    children = [etree.QName(c).localname for c in tu if isinstance(c.tag, str)]
    # TMX order: notes and props, then the variants
    assert children[-2:] == ["tuv", "tuv"] and children[0] == "note"
    notes = [n.text for n in tu.findall("note")]
    assert notes[0] == NOTE
    flag = _number_flag(report)
    assert any(n.startswith(f"tadqiq: [critical number {flag.id}]") for n in notes[1:])
    assert read_paired(out).units[1].notes == (NOTE,)  # "fr-only" is not a unit to check


# ----------------------------------------------------------------------------- CSV / XLSX

INJECTION = "=cmd|' /C calc'!A0"


def _report(flags: list[Flag]) -> Report:
    info = SourceInfo("a.ar.txt", "utf-8", 1, 5)
    return Report(info, info, {}, [], flags, {})


def _flags() -> list[Flag]:
    return [
        Flag(
            id="F1", segment=0, category=Category.MISTRANSLATION, severity=Severity.CRITICAL,
            confidence=0.65,
            ar=Span(INJECTION, 1, 0, len(INJECTION)),
            reference=Span("+SUM(A1:A9)", 1, 0, 11),
            hypothesis=HypSpan("@evil", 0, 5),
            evidence=(Evidence("lexicon", "-1 means nothing"),),
            fingerprint="0123456789abcdef",
        ),
        Flag(
            id="F2", segment=1, category=Category.NUMBER, severity=Severity.MAJOR,
            confidence=0.9,
            ar=Span("1.1 مليون", 2, 40, 49),
            reference=Span("1.1 billion", 2, 30, 41),
            hypothesis=HypSpan("1.1 million", 10, 21),
            evidence=(Evidence("numbers", "billion ≠ مليون"),),
            fingerprint="fedcba9876543210",
            review="accepted",
        ),
    ]


def test_csv(tmp_path: Path):
    out = tmp_path / "flags.csv"
    write_csv(_report(_flags()), out)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header == [c for c in COLUMNS if c != "unit"]
    assert len(body) == 2
    first = dict(zip(header, body[0], strict=True))
    assert first["arabic"] == "'" + INJECTION
    assert first["reference"] == "'+SUM(A1:A9)"
    assert first["back_translation"] == "'@evil"
    assert first["evidence"] == "lexicon: -1 means nothing"
    second = dict(zip(header, body[1], strict=True))
    assert second["arabic"] == "1.1 مليون" and second["review"] == "accepted"
    assert second["line"] == "2" and second["severity"] == "major"
    _no_temp_files(tmp_path)


def test_csv_paired(checked, tmp_path: Path):
    report, paired = checked["story.xlf"]
    out = tmp_path / "paired.csv"
    write_csv(report, out, paired)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(rows) == len(report.flags)
    flag = _number_flag(report)
    row = next(r for r in rows if r["id"] == flag.id)
    assert row["unit"] == "p1" and row["arabic"] == flag.ar.text


def test_xlsx(tmp_path: Path):
    from openpyxl import load_workbook

    out = tmp_path / "flags.xlsx"
    write_xlsx(_report(_flags()), out)
    _no_temp_files(tmp_path)
    ws = load_workbook(out)["flags"]
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[0])
    assert header == [c for c in COLUMNS if c != "unit"]
    assert len(rows) == 3
    cells = {name: ws.cell(row=2, column=i + 1) for i, name in enumerate(header)}
    assert cells["arabic"].value == INJECTION and cells["arabic"].data_type == "s"
    assert cells["reference"].value == "+SUM(A1:A9)" and cells["reference"].data_type == "s"
    assert cells["arabic"].quotePrefix
    assert cells["confidence"].value == 0.65
    assert ws.cell(row=3, column=header.index("arabic") + 1).value == "1.1 مليون"
    with zipfile.ZipFile(out) as z:  # no formula anywhere in the sheet
        sheet = z.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet and b"<f " not in sheet


def test_xlsx_paired(checked, tmp_path: Path):
    from openpyxl import load_workbook

    report, paired = checked["story.tmx"]
    out = tmp_path / "paired.xlsx"
    write_xlsx(report, out, paired)
    rows = list(load_workbook(out)["flags"].iter_rows(values_only=True))
    assert len(rows) == len(report.flags) + 1 and "unit" in rows[0]
    unit_col = rows[0].index("unit")
    assert "p1" in {r[unit_col] for r in rows[1:]}


def test_flag_note_text():
    text = flag_note(_flags()[1])
    assert text.startswith('[major number F2] "1.1 مليون" ↔ "1.1 billion" ↔ "1.1 million": numbers:')
    assert "review: accepted" in text and "\n" not in text


def test_tmx_sample_is_valid_for_toolkit():
    # the sample builder itself yields a file translate-toolkit reads (sanity)
    store = tmxfile(io.BytesIO(tmx_text().encode("utf-8")))
    assert len(store.units) == 5
