"""Reading the paired formats localisation teams use: XLIFF 1.2, XLIFF 2.x and TMX.

Each file becomes a :class:`PairedInput`: the English source and Arabic target of
every translation unit, in document order, with the unit's id and notes. Files are
parsed with translate-toolkit (``translate.storage.xliff.Xliff1File``,
``translate.storage.xliff2.Xliff2File``, ``translate.storage.tmx.tmxfile``), which
uses a parser that resolves no entities and loads nothing from the network.

What counts as a unit
    XLIFF 1.2: a ``<trans-unit>`` (``translate="no"`` units are skipped).
    XLIFF 2.x: a ``<segment>`` (translate-toolkit's view; a ``<unit>`` with several
    segments gives ids ``unit::segment``). TMX: a ``<tu>`` with an English and an
    Arabic ``<tuv>`` (chosen by the ``xml:lang`` prefix, ``en-US`` → en).
    Units whose source is empty are skipped; a unit with an empty target is kept
    (the check reports it as an omission).

Text
    The text of ``<source>``/``<target>``/``<seg>`` without the native code inside
    inline codes (XLIFF 1.2 ``<ph> <bpt> <ept> <it>``, TMX ``<ph> <bpt> <ept> <it>
    <ut>``; XLIFF 2 codes are empty elements), with runs of whitespace collapsed to
    one space, so that one unit is one line of text.

Notes
    XLIFF 1.2 ``<note>`` children of the unit; XLIFF 2 ``<notes>`` of the
    ``<unit>`` (and of the ``<segment>``, where translate-toolkit writes them);
    TMX ``<note>`` of the ``<tu>`` and of the chosen ``<tuv>`` elements. Notes a
    previous tadqiq run wrote (:data:`NOTE_ORIGIN`) are left out.

Every failure is an :class:`~tadqiq.errors.InputError` whose message is one line
starting with the path.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from lxml import etree

from eval.text.documents import MAX_CORPUS_BYTES, read_bytes
from tadqiq.errors import InputError

if TYPE_CHECKING:
    from translate.storage.lisa import LISAfile

__all__ = [
    "EXTENSIONS",
    "NOTE_ORIGIN",
    "TMX_NOTE_PREFIX",
    "PairedFormat",
    "PairedInput",
    "PairedUnit",
    "detect_format",
    "format_from_extension",
    "is_paired_input",
    "load_store",
    "read_paired",
]

PairedFormat = Literal["xliff1", "xliff2", "tmx"]

#: File extensions read as paired input, and the format each one suggests.
#: The root element decides in the end (a ``.xlf`` may hold XLIFF 1.2 or 2.x).
EXTENSIONS: dict[str, PairedFormat] = {
    ".xlf": "xliff1",
    ".xliff": "xliff1",
    ".xlf2": "xliff2",
    ".sdlxliff": "xliff1",
    ".mqxliff": "xliff1",
    ".tmx": "tmx",
}

#: ``from`` (XLIFF 1.2) / ``category`` (XLIFF 2) of the notes tadqiq writes.
NOTE_ORIGIN = "tadqiq"
#: TMX notes have no origin attribute: tadqiq's start with this text.
TMX_NOTE_PREFIX = "tadqiq: "

_SOURCE_LANGS = frozenset({"en", "eng"})
_TARGET_LANGS = frozenset({"ar", "ara", "arb"})
_XML_NS = "http://www.w3.org/XML/1998/namespace"
_XLIFF2_NS = "urn:oasis:names:tc:xliff:document:2.0"
# Inline codes whose content is native code (markup of the original format), not text.
_CODE_CONTENT = frozenset({"ph", "bpt", "ept", "it", "ut"})
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class PairedUnit:
    """One translation unit: its id, English source, Arabic target and notes.

    ``position`` is the index of the unit among all units translate-toolkit reads from
    the file (skipped ones included), so that an export can find it again; ``file`` is
    the XLIFF ``<file>`` it belongs to (``original`` in 1.2, ``id`` in 2.x).
    """

    id: str
    source_en: str
    target_ar: str
    notes: tuple[str, ...] = ()
    file: str | None = None
    position: int = 0


@dataclass(frozen=True)
class PairedInput:
    """A paired file as read: its format, languages and the units to check."""

    path: str
    format: PairedFormat
    version: str  # "1.2", "2.0", "1.4", ... as the file declares it ("" when it does not)
    source_language: str  # as written in the file, e.g. "en-US"
    target_language: str  # e.g. "ar" or "ar-SA"
    units: tuple[PairedUnit, ...]
    encoding: str = "UTF-8"
    skipped: dict[str, int] = field(default_factory=dict)  # reason → number of units
    sha256: str = ""  # of the file's bytes
    raw: bytes = field(default=b"", repr=False, compare=False)  # the file, for exports

    @property
    def format_name(self) -> str:
        """Human name of the format: "XLIFF 1.2", "XLIFF 2.0", "TMX 1.4"."""
        name = {"xliff1": "XLIFF", "xliff2": "XLIFF", "tmx": "TMX"}[self.format]
        return f"{name} {self.version}".strip()


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _fail(path: str, message: str) -> InputError:
    return InputError(f"{path}: {_one_line(message)}")


def format_from_extension(path: str | os.PathLike[str]) -> PairedFormat | None:
    """The paired format a file name suggests, or None for any other extension."""
    return EXTENSIONS.get(Path(path).suffix.lower())


def is_paired_input(path: str | os.PathLike[str]) -> bool:
    """True for a name with a paired-format extension, or a ``.xml`` file whose root is
    ``<xliff>`` or ``<tmx>``. Never raises; the reading itself reports errors."""
    if format_from_extension(path) is not None:
        return True
    if Path(path).suffix.lower() != ".xml":
        return False
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return _root_format_from_head(head) is not None


def _root_format_from_head(head: bytes) -> PairedFormat | None:
    try:
        for _event, elem in etree.iterparse(
            io.BytesIO(head), events=("start",), resolve_entities=False, no_network=True
        ):
            return _format_of_root(elem)
    except etree.XMLSyntaxError:
        return None
    return None


def _format_of_root(root: etree._Element) -> PairedFormat | None:
    if not isinstance(root.tag, str):
        return None
    # Not etree.QName(root): it raises ValueError for a namespace URI holding "}", which
    # the incremental parser of is_paired_input() hands over before it refuses the URI.
    namespace, _, localname = root.tag[1:].rpartition("}") if root.tag[:1] == "{" else ("", "", root.tag)
    if localname == "tmx":
        return "tmx"
    if localname != "xliff":
        return None
    version = (root.get("version") or "").strip()
    if version.startswith("2") or (not version and ":2." in namespace):
        return "xliff2"
    return "xliff1"


def _read_bytes(path: str) -> bytes:
    # A translation memory legitimately holds many documents: the corpus-file limit.
    return read_bytes(path, "an XLIFF or TMX file", MAX_CORPUS_BYTES)


def _parse_root(path: str, data: bytes) -> etree._Element:
    from translate.misc.xml_helpers import parse_xml

    if not data.strip():
        raise _fail(path, "is empty, not an XLIFF or TMX file")
    try:
        return parse_xml(data)
    except etree.XMLSyntaxError as exc:
        where = f" (line {exc.lineno})" if getattr(exc, "lineno", None) else ""
        raise _fail(path, f"not well-formed XML{where}: {exc.msg}") from None
    except ValueError as exc:  # e.g. an encoding lxml does not know
        raise _fail(path, f"not readable as XML: {exc}") from None


def detect_format(path: str | os.PathLike[str], data: bytes | None = None) -> PairedFormat:
    """The format of a paired file, from its root element (``<xliff version=…>`` or ``<tmx>``)."""
    name = os.fspath(path)
    root = _parse_root(name, _read_bytes(name) if data is None else data)
    fmt = _format_of_root(root)
    if fmt is None:
        tag = etree.QName(root).localname if isinstance(root.tag, str) else "?"
        raise _fail(name, f"not an XLIFF or TMX file (the root element is <{tag}>)")
    return fmt


def load_store(fmt: PairedFormat, data: bytes, path: str = "<bytes>") -> LISAfile:
    """Parse ``data`` with the translate-toolkit class for ``fmt``.

    The returned store's ``document`` is the lxml tree; its ``units`` are in document
    order, and :attr:`PairedUnit.position` indexes them.
    """
    from translate.storage.tmx import tmxfile
    from translate.storage.xliff import Xliff1File
    from translate.storage.xliff2 import Xliff2File

    cls = {"xliff1": Xliff1File, "xliff2": Xliff2File, "tmx": tmxfile}[fmt]
    try:
        return cls(io.BytesIO(data))
    except etree.XMLSyntaxError as exc:
        raise _fail(path, f"not well-formed XML: {exc.msg}") from None
    except StopIteration:
        raise _fail(path, "an XLIFF file without a <file> element") from None
    except (ValueError, AssertionError) as exc:
        # AssertionError: translate-toolkit's check of the root element, which fails
        # for a root in a prefixed namespace (<x:xliff xmlns:x=…>).
        detail = str(exc) or "unexpected root element or namespace"
        raise _fail(path, f"cannot read as {_FORMAT_NAMES[fmt]}: {detail}") from None


_FORMAT_NAMES = {"xliff1": "XLIFF 1.2", "xliff2": "XLIFF 2", "tmx": "TMX"}


def plain_text(elem: etree._Element | None) -> str:
    """Text of a source/target/seg element without inline codes' native code, one line."""
    if elem is None:
        return ""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if isinstance(child.tag, str) and etree.QName(child).localname not in _CODE_CONTENT:
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(elem)
    return _SPACE.sub(" ", "".join(parts)).strip()


def _base_language(code: str | None) -> str:
    return re.split(r"[-_]", (code or "").strip(), maxsplit=1)[0].lower()


def _check_languages(path: str, source: str | None, target: str | None) -> None:
    src, tgt = _base_language(source), _base_language(target)
    if src in _TARGET_LANGS and tgt in _SOURCE_LANGS:
        raise _fail(
            path,
            f"source language is {source!r} and target language is {target!r}; tadqiq "
            "checks an Arabic translation of an English source (source en, target ar)",
        )
    if source and src not in _SOURCE_LANGS:
        raise _fail(path, f"source language is {source!r}; tadqiq needs English (en) as the source")
    if target and tgt not in _TARGET_LANGS:
        raise _fail(path, f"target language is {target!r}; tadqiq needs Arabic (ar) as the target")


def _notes_text(notes: Iterable[etree._Element], skip: str | None = None, attr: str = "") -> list[str]:
    out: list[str] = []
    for note in notes:
        if skip is not None and note.get(attr) == skip:
            continue
        text = _SPACE.sub(" ", "".join(note.itertext())).strip()
        if text and text not in out:
            out.append(text)
    return out


def _children(elem: etree._Element, localname: str) -> list[etree._Element]:
    return [
        c for c in elem if isinstance(c.tag, str) and etree.QName(c).localname == localname
    ]


def _child(elem: etree._Element, localname: str) -> etree._Element | None:
    found = _children(elem, localname)
    return found[0] if found else None


def _file_of(elem: etree._Element) -> etree._Element | None:
    for anc in elem.iterancestors():
        if isinstance(anc.tag, str) and etree.QName(anc).localname == "file":
            return anc
    return None


# What a format reader returns: the units, the source and the target language.
_Units = tuple[list[PairedUnit], str, str]


def _read_xliff1(path: str, store: LISAfile, skipped: dict[str, int]) -> _Units:
    root = store.document.getroot()
    files = _children(root, "file")
    if not files:
        raise _fail(path, "an XLIFF file without a <file> element")
    for f in files:
        _check_languages(path, f.get("source-language"), f.get("target-language"))
    src_lang = files[0].get("source-language") or "en"
    tgt_lang = next((f.get("target-language") for f in files if f.get("target-language")), None)
    units: list[PairedUnit] = []
    for position, tu in enumerate(store.units):
        elem = tu.xmlelement
        if not tu.istranslatable():
            skipped["translate=no"] = skipped.get("translate=no", 0) + 1
            continue
        source = plain_text(_child(elem, "source"))
        if not source:
            skipped["empty source"] = skipped.get("empty source", 0) + 1
            continue
        target_elem = _child(elem, "target")
        if tgt_lang is None and target_elem is not None:
            tgt_lang = target_elem.get(f"{{{_XML_NS}}}lang")
            _check_languages(path, None, tgt_lang)
        file_elem = _file_of(elem)
        units.append(
            PairedUnit(
                id=elem.get("id") or str(position + 1),
                source_en=source,
                target_ar=plain_text(target_elem),
                notes=tuple(_notes_text(_children(elem, "note"), NOTE_ORIGIN, "from")),
                file=file_elem.get("original") if file_elem is not None else None,
                position=position,
            )
        )
    return units, src_lang, tgt_lang or "ar"


def _read_xliff2(path: str, store: LISAfile, skipped: dict[str, int]) -> _Units:
    root = store.document.getroot()
    src_lang, tgt_lang = root.get("srcLang"), root.get("trgLang")
    _check_languages(path, src_lang, tgt_lang)
    units: list[PairedUnit] = []
    for position, tu in enumerate(store.units):
        segment = tu.xmlelement
        unit_elem = segment.getparent()
        if not tu.istranslatable():
            skipped["translate=no"] = skipped.get("translate=no", 0) + 1
            continue
        source = plain_text(_child(segment, "source"))
        if not source:
            skipped["empty source"] = skipped.get("empty source", 0) + 1
            continue
        note_elems: list[etree._Element] = []
        for holder in (unit_elem, segment):
            if holder is None:
                continue
            for notes in _children(holder, "notes"):
                note_elems += _children(notes, "note")
        file_elem = _file_of(segment)
        units.append(
            PairedUnit(
                id=tu.getid() or str(position + 1),
                source_en=source,
                target_ar=plain_text(_child(segment, "target")),
                notes=tuple(_notes_text(note_elems, NOTE_ORIGIN, "category")),
                file=file_elem.get("id") if file_elem is not None else None,
                position=position,
            )
        )
    return units, src_lang or "en", tgt_lang or "ar"


def _tuv_language(tuv: etree._Element) -> str:
    return tuv.get(f"{{{_XML_NS}}}lang") or tuv.get("lang") or ""


def _read_tmx(path: str, store: LISAfile, skipped: dict[str, int]) -> _Units:
    units: list[PairedUnit] = []
    seen: set[str] = set()
    src_lang = tgt_lang = ""
    for position, tu in enumerate(store.units):
        elem = tu.xmlelement
        tuvs = _children(elem, "tuv")
        en = next((t for t in tuvs if _base_language(_tuv_language(t)) in _SOURCE_LANGS), None)
        ar = next((t for t in tuvs if _base_language(_tuv_language(t)) in _TARGET_LANGS), None)
        seen.update(_tuv_language(t) for t in tuvs if _tuv_language(t))
        if en is None or ar is None:
            skipped["no en and ar variant"] = skipped.get("no en and ar variant", 0) + 1
            continue
        source = plain_text(_child(en, "seg"))
        if not source:
            skipped["empty source"] = skipped.get("empty source", 0) + 1
            continue
        src_lang = src_lang or _tuv_language(en)
        tgt_lang = tgt_lang or _tuv_language(ar)
        note_elems = _children(elem, "note") + _children(en, "note") + _children(ar, "note")
        notes = [n for n in _notes_text(note_elems) if not n.startswith(TMX_NOTE_PREFIX.strip())]
        units.append(
            PairedUnit(
                id=elem.get("tuid") or f"#{position + 1}",
                source_en=source,
                target_ar=plain_text(_child(ar, "seg")),
                notes=tuple(notes),
                position=position,
            )
        )
    if not units and skipped.get("no en and ar variant") == len(store.units):
        found = ", ".join(sorted(seen, key=str.lower)) or "none"
        raise _fail(
            path,
            "no <tu> has both an English (en) and an Arabic (ar) <tuv> "
            f"(languages found: {found})",
        )
    return units, src_lang or "en", tgt_lang or "ar"


def read_paired(path: str | os.PathLike[str]) -> PairedInput:
    """Read an XLIFF 1.2, XLIFF 2.x or TMX file (English source, Arabic target)."""
    name = os.fspath(path)
    data = _read_bytes(name)
    fmt = detect_format(name, data)
    store = load_store(fmt, data, name)
    root = store.document.getroot()
    skipped: dict[str, int] = {}
    reader = {"xliff1": _read_xliff1, "xliff2": _read_xliff2, "tmx": _read_tmx}[fmt]
    units, src_lang, tgt_lang = reader(name, store, skipped)
    if not units:
        detail = "; ".join(f"{n} skipped: {why}" for why, n in skipped.items())
        what = "<tu>" if fmt == "tmx" else "translation unit"
        raise _fail(
            name,
            f"no {what} with English source text to check" + (f" ({detail})" if detail else ""),
        )
    return PairedInput(
        path=name,
        format=fmt,
        version=(root.get("version") or "").strip(),
        source_language=src_lang,
        target_language=tgt_lang,
        units=tuple(units),
        encoding=store.document.docinfo.encoding or "UTF-8",
        skipped=skipped,
        sha256=hashlib.sha256(data).hexdigest(),
        raw=data,
    )
