"""Writing flags where localisation teams look: back into the XLIFF/TMX file, CSV, XLSX.

* :func:`write_xliff_with_flags` copies the paired input file and adds one note per
  flag to the flag's unit: XLIFF 1.2 ``<note from="tadqiq" priority="…">``, XLIFF 2
  ``<note category="tadqiq" priority="…" appliesTo="target">`` in the unit's
  ``<notes>``, TMX ``<note>`` (text starting with ``tadqiq: ``) in the ``<tu>``.
  XLIFF 1.2 units also get ITS 2.0 Localization Quality Issue markup. Everything
  else in the file is kept as it was (units, ids, order, other notes, encoding);
  notes and ITS markup from an earlier tadqiq run are replaced.
* :func:`write_csv` and :func:`write_xlsx`: one row per flag. A cell that a
  spreadsheet would read as a formula (starting with ``= + - @``, tab or CR) is
  neutralised: a leading ``'`` in CSV, a plain string cell with the quote-prefix
  style in XLSX. CSV is UTF-8 with a byte-order mark so that Excel shows Arabic.

Every file is written atomically (temporary file in the same folder, then rename).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Sequence

from lxml import etree

from eval.reports.units import segment_units
from eval.reports.wording import segment_number
from eval.text.files import write_atomic, write_atomic_bytes
from eval.text.formats import NOTE_ORIGIN, TMX_NOTE_PREFIX, PairedInput, load_store
from eval.values import Category, Flag, Report, Severity

__all__ = [
    "COLUMNS",
    "csv_text",
    "flag_note",
    "flag_rows",
    "flagged_document",
    "write_csv",
    "write_xliff_with_flags",
    "write_xlsx",
    "xlsx_bytes",
]

ITS_NS = "http://www.w3.org/2005/11/its"
_XML_NS = "http://www.w3.org/XML/1998/namespace"

#: MQM category → ITS 2.0 locQualityIssueType.
ITS_TYPES: dict[Category, str] = {
    Category.MISTRANSLATION: "mistranslation",
    Category.OMISSION: "omission",
    Category.ADDITION: "addition",
    Category.UNTRANSLATED: "untranslated",
    Category.TERMINOLOGY: "terminology",
    Category.INCONSISTENCY: "inconsistency",
    Category.NUMBER: "numbers",
    Category.NAMED_ENTITY: "inconsistent-entities",
    Category.GRAMMAR: "grammar",
}
#: Severity → ITS locQualityIssueSeverity (0–100) and XLIFF note priority (1 = highest).
ITS_SEVERITY = {Severity.MINOR: 20, Severity.MAJOR: 60, Severity.CRITICAL: 100}
NOTE_PRIORITY = {Severity.MINOR: 3, Severity.MAJOR: 2, Severity.CRITICAL: 1}

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_ITS_ATTRS = (
    "locQualityIssueType",
    "locQualityIssueComment",
    "locQualityIssueSeverity",
    "locQualityIssuesRef",
)
_ITS_ID_PREFIX = "tadqiq-lqi-"
_OWN_NOTE = re.compile(r"\[(?:minor|major|critical) [a-z-]+ F\d+\] ")


# --------------------------------------------------------------------------- text


def _quoted(text: str) -> str:
    text = " ".join(text.split())
    return f'"{text}"' if text else "—"


def flag_note(flag: Flag) -> str:
    """One-line text of a flag for a note:
    ``[critical number F3] "1.1 مليون" ↔ "1.1 billion" ↔ "1.1 million": number: …``."""
    head = f"[{flag.severity.value} {flag.category.value} {flag.id}]"
    spans = " ↔ ".join(_quoted(s.text) for s in (flag.ar, flag.reference, flag.hypothesis))
    evidence = "; ".join(f"{e.signal}: {' '.join(e.detail.split())}" for e in flag.evidence)
    tail = [f"confidence {flag.confidence:.2f}"]
    if flag.fingerprint:
        tail.append(f"fingerprint {flag.fingerprint}")
    if flag.review:
        tail.append(f"review: {flag.review}")
    return f"{head} {spans}" + (f": {evidence}" if evidence else "") + f" ({', '.join(tail)})"


# --------------------------------------------------------------------------- atomic bytes


# --------------------------------------------------------------------------- XLIFF / TMX


def _flags_by_unit(
    paired: PairedInput, report: Report, include_false_alarms: bool
) -> dict[int, list[Flag]]:
    """Flags by the index of their unit (:func:`eval.reports.units.segment_units`)."""
    units = segment_units(report)
    if report.article.path != paired.path or any(
        not 0 <= k < len(paired.units) for k in units.values()
    ):
        raise ValueError(
            f"the report was not made from the units of {paired.path}: "
            "was it checked with check_paired()?"
        )
    by_unit: dict[int, list[Flag]] = {}
    for flag in report.flags if include_false_alarms else report.active_flags:
        by_unit.setdefault(units[flag.segment], []).append(flag)
    return by_unit


def _local(elem: etree._Element) -> str:
    return etree.QName(elem).localname if isinstance(elem.tag, str) else ""


def _ns(elem: etree._Element) -> str | None:
    return etree.QName(elem).namespace if isinstance(elem.tag, str) else None


def _element_children(elem: etree._Element) -> list[etree._Element]:
    return [c for c in elem if isinstance(c.tag, str)]


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _insert(parent: etree._Element, index: int, child: etree._Element) -> None:
    """Insert ``child`` at ``index`` among all children, keeping pretty-printed layout.

    In an indented file ``parent.text`` is the indent of the children and the last
    child's tail the indent of the closing tag; the new child copies them.
    """
    if index < len(parent):
        before = parent.text if index == 0 else parent[index - 1].tail
        if _blank(before):
            child.tail = before
        parent.insert(index, child)
        return
    if len(parent):
        last = parent[-1]
        if _blank(last.tail) and parent.text and _blank(parent.text):
            child.tail, last.tail = last.tail, parent.text
    elif parent.text and _blank(parent.text) and parent.text.endswith("  "):
        child.tail = parent.text[:-2]  # a container created with its children's indent
    parent.append(child)


def _remove(elem: etree._Element) -> None:
    """Remove ``elem`` keeping the layout of what follows it."""
    parent = elem.getparent()
    if parent is None:
        return
    index = parent.index(elem)
    if index == len(parent) - 1 and index > 0 and _blank(elem.tail):
        parent[index - 1].tail = elem.tail
    elif elem.tail and not _blank(elem.tail):  # mixed content: keep the text
        if index > 0:
            parent[index - 1].tail = (parent[index - 1].tail or "") + elem.tail
        else:
            parent.text = (parent.text or "") + elem.tail
    parent.remove(elem)


def _xliff1_unit(elem: etree._Element, ordinal: int, flags: Sequence[Flag], its: bool) -> None:
    ns = _ns(elem)
    for flag in flags:
        note = elem.makeelement(f"{{{ns}}}note" if ns else "note", {})
        note.set("from", NOTE_ORIGIN)
        note.set("priority", str(NOTE_PRIORITY[flag.severity]))
        note.set("annotates", "target")
        note.text = flag_note(flag)
        children = list(elem)
        last_own = max(
            (i for i, c in enumerate(children) if isinstance(c.tag, str) and _ns(c) == ns),
            default=len(children) - 1,
        )
        _insert(elem, last_own + 1, note)
    # ITS markup someone else put on the unit is left alone (the notes still say it all).
    foreign_its = any(elem.get(f"{{{ITS_NS}}}{attr}") is not None for attr in _ITS_ATTRS)
    if its and flags and not foreign_its:
        _its_markup(elem, f"{_ITS_ID_PREFIX}{ordinal}", flags)


def _its_markup(elem: etree._Element, issues_id: str, flags: Sequence[Flag]) -> None:
    """ITS 2.0 Localization Quality Issue on a trans-unit: local attributes for one
    flag, a ``<its:locQualityIssues>`` standoff element referenced from the unit for several."""
    if len(flags) == 1:
        flag = flags[0]
        elem.set(f"{{{ITS_NS}}}locQualityIssueType", ITS_TYPES[flag.category])
        elem.set(f"{{{ITS_NS}}}locQualityIssueComment", flag_note(flag))
        elem.set(f"{{{ITS_NS}}}locQualityIssueSeverity", str(ITS_SEVERITY[flag.severity]))
        return
    issues = elem.makeelement(f"{{{ITS_NS}}}locQualityIssues", {})
    issues.set(f"{{{_XML_NS}}}id", issues_id)
    for flag in flags:
        issue = etree.SubElement(issues, f"{{{ITS_NS}}}locQualityIssue")
        issue.set("locQualityIssueType", ITS_TYPES[flag.category])
        issue.set("locQualityIssueComment", flag_note(flag))
        issue.set("locQualityIssueSeverity", str(ITS_SEVERITY[flag.severity]))
    _insert(elem, len(elem), issues)
    elem.set(f"{{{ITS_NS}}}locQualityIssuesRef", f"#{issues_id}")


def _is_own_xliff1(child: etree._Element) -> bool:
    if _local(child) == "note":
        return child.get("from") == NOTE_ORIGIN
    return (
        _ns(child) == ITS_NS
        and _local(child) == "locQualityIssues"
        and (child.get(f"{{{_XML_NS}}}id") or "").startswith(_ITS_ID_PREFIX)
    )


def _clear_xliff1(elem: etree._Element) -> None:
    for child in _element_children(elem):
        if _is_own_xliff1(child):
            _remove(child)
    comment = elem.get(f"{{{ITS_NS}}}locQualityIssueComment") or ""
    ref = elem.get(f"{{{ITS_NS}}}locQualityIssuesRef") or ""
    if _OWN_NOTE.match(comment) or ref.startswith(f"#{_ITS_ID_PREFIX}"):
        for attr in _ITS_ATTRS:
            elem.attrib.pop(f"{{{ITS_NS}}}{attr}", None)


def _xliff2_find_notes(unit_elem: etree._Element) -> etree._Element | None:
    ns = _ns(unit_elem)
    for child in _element_children(unit_elem):
        if _local(child) == "notes" and _ns(child) == ns:
            return child
    return None


def _xliff2_ensure_notes(unit_elem: etree._Element) -> etree._Element:
    """The unit's ``<notes>``, created before ``<originalData>`` and the segments if missing."""
    found = _xliff2_find_notes(unit_elem)
    if found is not None:
        return found
    ns = _ns(unit_elem)
    notes = unit_elem.makeelement(f"{{{ns}}}notes" if ns else "notes", {})
    index = next(
        (
            i
            for i, c in enumerate(unit_elem)
            if isinstance(c.tag, str)
            and _ns(c) == ns
            and _local(c) in ("originalData", "segment", "ignorable")
        ),
        len(unit_elem),
    )
    if unit_elem.text and _blank(unit_elem.text):
        notes.text = unit_elem.text + "  "
    _insert(unit_elem, index, notes)
    return notes


def _xliff2_unit(unit_elem: etree._Element, unit_id: str, flags: Sequence[Flag]) -> None:
    notes = _xliff2_ensure_notes(unit_elem)
    ns = _ns(unit_elem)
    for flag in flags:
        note = notes.makeelement(f"{{{ns}}}note" if ns else "note", {})
        note.set("category", NOTE_ORIGIN)
        note.set("priority", str(NOTE_PRIORITY[flag.severity]))
        note.set("appliesTo", "target")
        note.set("id", f"{NOTE_ORIGIN}-{flag.id}")
        prefix = f"(segment {unit_id.partition('::')[2]}) " if "::" in unit_id else ""
        note.text = prefix + flag_note(flag)
        _insert(notes, len(notes), note)


def _clear_xliff2(unit_elem: etree._Element) -> None:
    notes = _xliff2_find_notes(unit_elem)
    if notes is None:
        return
    ours = [n for n in _element_children(notes) if n.get("category") == NOTE_ORIGIN]
    for note in ours:
        _remove(note)
    if ours and not _element_children(notes):
        _remove(notes)


def _tmx_unit(tu: etree._Element, flags: Sequence[Flag]) -> None:
    for flag in flags:
        note = tu.makeelement("note", {})
        note.text = TMX_NOTE_PREFIX + flag_note(flag)
        index = next((i for i, c in enumerate(tu) if _local(c) == "tuv"), len(tu))
        _insert(tu, index, note)


def _clear_tmx(tu: etree._Element) -> None:
    for child in _element_children(tu):
        if _local(child) == "note" and (child.text or "").startswith(TMX_NOTE_PREFIX):
            _remove(child)


_STANDALONE = re.compile(r"""<\?xml[^>]*?standalone\s*=\s*["'](yes|no)["']""")


def _document_text(tree: etree._ElementTree) -> str:
    """``tostring(tree)`` with the comments and processing instructions around the root
    on lines of their own (lxml joins them; the input had them on separate lines)."""
    full = etree.tostring(tree, encoding="unicode")
    root = tree.getroot()
    before = [etree.tostring(n, encoding="unicode") for n in root.itersiblings(preceding=True)]
    after = [etree.tostring(n, encoding="unicode") for n in root.itersiblings()]
    parts = [*reversed(before), etree.tostring(root, encoding="unicode"), *after]
    joined = "".join(parts)
    if len(parts) == 1 or not full.endswith(joined):
        return full
    return full[: len(full) - len(joined)] + "\n".join(parts)


def _serialise(tree: etree._ElementTree, raw: bytes, encoding: str) -> bytes:
    """The tree as bytes in the input's encoding, with its declaration, BOM and final newline.

    Characters the encoding cannot hold (a note in a Windows-1256 file) become
    character references.
    """
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        codec, encoding = "utf-8", "UTF-8"
    original = raw.decode(codec, errors="replace").lstrip("\ufeff")
    standalone = _STANDALONE.match(original)
    version = tree.docinfo.xml_version or "1.0"
    decl = f'<?xml version="{version}" encoding="{encoding}"'
    if standalone is not None:
        decl += f' standalone="{standalone.group(1)}"'
    text = decl + "?>\n" + _document_text(tree)
    if original.endswith(("\n", "\r")):
        text += "\n"
    data = text.encode(codec, errors="xmlcharrefreplace")
    if raw.startswith(codecs.BOM_UTF8) and codec == "utf-8":
        data = codecs.BOM_UTF8 + data
    return data


def flagged_document(
    paired: PairedInput,
    report: Report,
    *,
    its: bool = True,
    include_false_alarms: bool = False,
) -> bytes:
    """The paired file (XLIFF 1.2, XLIFF 2 or TMX) with a note per flag, as bytes.

    Every unit of the input stays, with its id, position and notes; the flags of
    ``report`` (from :func:`tadqiq.paired.check_paired` on ``paired``) become notes on
    their units. Flags an editor marked as false alarms are left out unless
    ``include_false_alarms``. ``its`` adds ITS 2.0 quality-issue markup (XLIFF 1.2).
    """
    by_unit = _flags_by_unit(paired, report, include_false_alarms)
    store = load_store(paired.format, paired.raw, paired.path)
    tree = store.document
    elements = [u.xmlelement for u in store.units]

    # Notes and ITS markup of an earlier tadqiq run go first, on every unit.
    for elem in elements:
        if paired.format == "xliff1":
            _clear_xliff1(elem)
        elif paired.format == "tmx":
            _clear_tmx(elem)
    if paired.format == "xliff2":
        for unit_elem in {id(e.getparent()): e.getparent() for e in elements}.values():
            if unit_elem is not None:
                _clear_xliff2(unit_elem)

    for k, flags in sorted(by_unit.items()):
        unit = paired.units[k]
        elem = elements[unit.position]
        if paired.format == "xliff1":
            _xliff1_unit(elem, k + 1, flags, its)
        elif paired.format == "xliff2":
            parent = elem.getparent()
            if parent is not None:
                _xliff2_unit(parent, unit.id, flags)
        else:
            _tmx_unit(elem, flags)

    root = tree.getroot()
    if its and paired.format == "xliff1" and any(
        _ns(e) == ITS_NS or any(a.startswith(f"{{{ITS_NS}}}") for a in e.attrib)
        for e in root.iter()
        if isinstance(e.tag, str)
    ):
        # Declare the ITS namespace once, on the root, as "its" (keeping every prefix
        # the file declares, in case attribute values use them).
        keep = sorted({
            prefix
            for e in root.iter()
            if isinstance(e.tag, str)
            for prefix, uri in e.nsmap.items()
            if prefix and uri != ITS_NS
        })
        etree.cleanup_namespaces(tree, top_nsmap={"its": ITS_NS}, keep_ns_prefixes=keep)
        if root.get(f"{{{ITS_NS}}}version") is None:
            root.set(f"{{{ITS_NS}}}version", "2.0")
    return _serialise(tree, paired.raw, paired.encoding)


def write_xliff_with_flags(
    paired: PairedInput,
    report: Report,
    out_path: str | os.PathLike[str],
    *,
    its: bool = True,
    include_false_alarms: bool = False,
) -> int:
    """Write :func:`flagged_document` atomically; returns the number of notes written.

    Despite the name it handles all three paired formats: XLIFF in, XLIFF out; TMX in, TMX out.
    """
    data = flagged_document(paired, report, its=its, include_false_alarms=include_false_alarms)
    write_atomic_bytes(out_path, data)
    return sum(len(f) for f in _flags_by_unit(paired, report, include_false_alarms).values())


# --------------------------------------------------------------------------- CSV / XLSX

#: Column names of the CSV and XLSX exports ("unit" only with paired input).
COLUMNS = (
    "id", "fingerprint", "unit", "seg", "line", "severity", "category", "confidence",
    "arabic", "reference", "back_translation", "evidence", "review",
)


def flag_rows(report: Report, paired: PairedInput | None = None) -> tuple[list[str], list[list]]:
    """Header and one row per flag (values unescaped: ints, floats and strings)."""
    header = [c for c in COLUMNS if c != "unit" or paired is not None]
    units = segment_units(report) if paired is not None else {}
    rows: list[list] = []
    for flag in report.flags:
        values: dict[str, object] = {
            "id": flag.id,
            "fingerprint": flag.fingerprint,
            "unit": "",
            "seg": segment_number(flag.segment),
            "line": flag.ar.line if flag.ar.line is not None else flag.reference.line,
            "severity": flag.severity.value,
            "category": flag.category.value,
            "confidence": round(flag.confidence, 3),
            "arabic": flag.ar.text,
            "reference": flag.reference.text,
            "back_translation": flag.hypothesis.text,
            "evidence": "; ".join(f"{e.signal}: {e.detail}" for e in flag.evidence),
            "review": flag.review or "",
        }
        k = units.get(flag.segment, -1)
        if paired is not None and 0 <= k < len(paired.units):
            values["unit"] = paired.units[k].id
        rows.append([values[c] if values[c] is not None else "" for c in header])
    return header, rows


def _dangerous(text: str) -> bool:
    return text.startswith(_FORMULA_START)


def _csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if _dangerous(text) else text


def csv_text(report: Report, paired: PairedInput | None = None) -> str:
    """The CSV export as text, starting with a byte-order mark; formula-like cells get a ``'``."""
    header, rows = flag_rows(report, paired)
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return "\ufeff" + buf.getvalue()


def write_csv(
    report: Report, out_path: str | os.PathLike[str], paired: PairedInput | None = None
) -> None:
    """One row per flag, UTF-8 with a byte-order mark (so Excel shows Arabic), atomically."""
    write_atomic(out_path, csv_text(report, paired))


def xlsx_bytes(report: Report, paired: PairedInput | None = None) -> bytes:
    """The XLSX export: one row per flag in a worksheet "flags"; text is stored as text,
    never as a formula (formula-like cells also get Excel's quote prefix)."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    header, rows = flag_rows(report, paired)
    wb = Workbook()
    ws = wb.active
    ws.title = "flags"
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    rtl = Alignment(readingOrder=2, wrap_text=True, vertical="top")
    wrap = Alignment(wrap_text=True, vertical="top")
    arabic_col = header.index("arabic")
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                cell.value = value
                continue
            text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))[:32767]
            cell.value = text
            cell.data_type = "s"  # never a formula or an error value
            if _dangerous(text):
                cell.quotePrefix = True
            cell.alignment = rtl if c - 1 == arabic_col else wrap
    widths = {"arabic": 40, "reference": 40, "back_translation": 40, "evidence": 60}
    for c, name in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(c)].width = widths.get(name, 14)
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_xlsx(
    report: Report, out_path: str | os.PathLike[str], paired: PairedInput | None = None
) -> None:
    """Write :func:`xlsx_bytes` atomically."""
    write_atomic_bytes(out_path, xlsx_bytes(report, paired))
