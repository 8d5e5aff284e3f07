"""Reading input files into :class:`~eval.values.Document` values.

Decoding, in order:

0. a PDF, RTF or PostScript file is recognised by its first bytes (magic numbers)
   and refused as "a PDF document, not text" — even one without NUL bytes;
1. a byte-order mark decides: UTF-8 (``utf-8-sig``), UTF-32 LE/BE, UTF-16 LE/BE;
2. no BOM but NUL bytes: UTF-16 without a BOM is recognised and refused with a
   hint to re-save as UTF-8; any other NUL means a binary file;
3. strict UTF-8; text that is valid UTF-8 but for a few bad bytes (a file cut in
   the middle of a character, a damaged byte) is refused as damaged UTF-8;
4. Windows-1256 (``cp1256``, the legacy Arabic code page), accepted only if the
   result looks like text: no C0 control characters other than tab, LF and CR,
   and either at least half of its letters Arabic or at least 90% ASCII.

The decoded text is kept exactly (only the BOM is removed); every offset in the
pipeline points into it. ``\\r\\n`` line endings are fine: the ``\\r`` is ordinary
trailing whitespace of a line for segmentation.

Sanity limits (absurd input is refused rather than ground through the pipeline):

* one document (article, reference, hypothesis, glossary) may have at most
  :data:`MAX_BYTES` (5 MB; a news article is a few kilobytes, a whole book about
  1 MB); a corpus file (JSONL/TSV) or an XLIFF/TMX file, which legitimately hold
  many documents, at most :data:`MAX_CORPUS_BYTES` (100 MB). At most ``limit + 1``
  bytes are ever read, so ``/dev/zero`` or a growing file is refused too;
* no stretch of a line without a sentence break (``. ! ? ؟ … ; ؛``) may be longer
  than :data:`MAX_SENTENCE_CHARS` (5,000 characters, about 800 words: ten times a
  long sentence of legal prose). Such a "sentence" is a file with its punctuation
  or line breaks lost, not something a translation model or the aligner can use.

Every failure is an :class:`~tadqiq.errors.InputError` whose message is one line
starting with the path, e.g. ``article.ar.txt: not valid UTF-8, UTF-16 or
Windows-1256 text``.
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from pathlib import Path

from eval.text.arabic import arabic_ratio
from eval.text.normalise import normalise_ar, normalise_en
from eval.values import Document, counted
from tadqiq.errors import InputError

__all__ = [
    "MAX_BYTES",
    "MAX_CORPUS_BYTES",
    "MAX_SENTENCE_CHARS",
    "check_sentence_lengths",
    "decode_bytes",
    "document_from_text",
    "read_document",
    "read_text",
]

#: One document (article, reference, hypothesis, glossary) larger than this is refused:
#: a news article is a few kilobytes, a whole book about 1 MB.
MAX_BYTES = 5 * 1024 * 1024
#: The limit for files that hold many documents: JSONL/TSV corpus files, XLIFF and TMX.
MAX_CORPUS_BYTES = 100 * 1024 * 1024
#: The longest stretch of a line without a sentence break (see the module docstring).
MAX_SENTENCE_CHARS = 5000
# Sentence punctuation for that limit: a looser set than eval.text.segment's, on purpose.
_SENTENCE_BREAK = re.compile(r"[.!?\u061f\u2026;\u061b\u06d4\n]")

_LANGUAGES = ("ar", "en")
_MIN_ARABIC_RATIO = 0.3  # an "ar" document needs at least this share of Arabic letters
_MAX_ARABIC_RATIO_EN = 0.5  # an "en" document may have at most this share
_ALLOWED_C0 = frozenset("\t\n\r")
_NOT_TEXT = frozenset(("Cc", "Cn", "Co", "Cs"))  # controls, unassigned, private use, surrogates

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its LE BOM starts with the UTF-16 LE BOM.
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _fail(path: str, message: str) -> InputError:
    return InputError(f"{path}: {_one_line(message)}")


def _has_bad_controls(text: str) -> bool:
    return any(ord(ch) < 0x20 and ch not in _ALLOWED_C0 for ch in text)


def _looks_like_utf16(data: bytes) -> str | None:
    """Return "le"/"be" if NUL-containing ``data`` looks like BOM-less UTF-16."""
    if len(data) % 2:
        return None
    even_nuls = data[0::2].count(0)
    odd_nuls = data[1::2].count(0)
    if odd_nuls and not even_nuls:
        order = "le"
    elif even_nuls and not odd_nuls:
        order = "be"
    else:
        return None
    try:
        text = data.decode(f"utf-16-{order}")
    except UnicodeDecodeError:
        return None
    if any(unicodedata.category(ch) in _NOT_TEXT and ch not in _ALLOWED_C0 for ch in text):
        return None
    return order


def _damaged_utf8(data: bytes) -> int:
    """The number of invalid sequences if ``data`` is UTF-8 with a few bad bytes, else 0.

    Such a file (cut in the middle of a character, or with a damaged byte) would
    otherwise decode as Windows-1256 mojibake ("ظ…ط§ظƒط±ظˆظ†") that looks Arabic.
    Real Windows-1256 text has far more invalid UTF-8 sequences than valid multi-byte
    ones (almost every Arabic letter is a byte from 0xC1 to 0xFE followed by another
    such byte), so ten valid multi-byte characters per invalid sequence decides.
    """
    text = data.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd")
    valid = sum(1 for ch in text if ch > "\x7f") - invalid
    return invalid if valid >= 8 and valid >= 10 * invalid else 0


def _cp1256_text(data: bytes) -> str | None:
    """Decode as Windows-1256 if the result looks like text, else None."""
    try:
        text = data.decode("cp1256")
    except UnicodeDecodeError:  # cp1256 defines all bytes today; kept for other Pythons
        return None
    if _has_bad_controls(text):
        return None
    ascii_share = sum(ch < "\x80" for ch in text) / len(text)
    if arabic_ratio(text) >= 0.5 or ascii_share >= 0.9:
        return text
    return None


#: Document formats recognised by their first bytes (magic numbers), before any decoding:
#: they may hold no NUL byte at all (a small PDF, RTF), so they would otherwise be read as
#: text without Arabic and reported as swapped arguments.
_DOCUMENT_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"{\\rtf", "an RTF document"),
    (b"%!PS", "a PostScript document"),
)


def _document_format(data: bytes) -> str | None:
    """The name of the document format ``data`` starts with (after a BOM or blanks), if any."""
    head = data[:1024]
    for bom, _ in _BOMS:
        if head.startswith(bom):
            head = head[len(bom):]
            break
    head = head.lstrip()
    return next((name for magic, name in _DOCUMENT_MAGIC if head.startswith(magic)), None)


def decode_bytes(data: bytes, path: str = "<bytes>") -> tuple[str, str]:
    """Decode file contents; returns ``(text, encoding)`` or raises InputError.

    A PDF, RTF or PostScript file is refused by its magic bytes first ("a PDF document,
    not text"), whatever else it holds.
    """
    kind = _document_format(data)
    if kind is not None:
        raise _fail(path, f"{kind}, not text; save it as plain text (UTF-8) first")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding.replace("-sig", ""))
            except UnicodeDecodeError as exc:
                name = encoding.replace("-sig", "").upper().replace("-LE", "").replace("-BE", "")
                raise _fail(
                    path,
                    f"not valid {name} text although it starts with a {name} byte-order mark "
                    f"(bad bytes at offset {exc.start + len(bom)})",
                ) from None
            if "\x00" in text:
                raise _fail(path, "binary file, not text")
            return text, encoding
    if b"\x00" in data:
        if _looks_like_utf16(data):
            raise _fail(path, "looks like UTF-16 without a byte-order mark; re-save as UTF-8")
        raise _fail(path, "binary file, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        bad_at = exc.start
    damaged = _damaged_utf8(data)
    if damaged:
        raise _fail(
            path,
            f"not valid UTF-8: {counted(damaged, 'invalid byte sequence')}, the first at offset {bad_at}, "
            "in otherwise UTF-8 text — was the file cut short or damaged?",
        )
    text = _cp1256_text(data)
    if text is not None:
        return text, "cp1256"
    raise _fail(
        path,
        "not valid UTF-8, UTF-16 or Windows-1256 text "
        f"(first invalid UTF-8 byte 0x{data[bad_at]:02x} at offset {bad_at})",
    )


def _megabytes(size: int) -> str:
    mb = size / 1024 / 1024
    return f"{mb:.0f} MB" if mb >= 10 or mb == int(mb) else f"{mb:.1f} MB"


def read_bytes(
    path: str | os.PathLike[str], what: str = "the input file", max_bytes: int | None = None
) -> bytes:
    """The bytes of a file, with one-line :class:`InputError` messages naming it.

    ``what`` names the expected file in messages ("the article file", "an XLIFF or TMX file").
    ``max_bytes``: the size limit (default :data:`MAX_BYTES`, one document; pass
    :data:`MAX_CORPUS_BYTES` for a file of many documents).
    """
    name = os.fspath(path)
    p = Path(name)
    limit = MAX_BYTES if max_bytes is None else max_bytes

    def too_large(size: str) -> InputError:
        return _fail(name, f"{what} is too large ({size}; the limit is {_megabytes(limit)})")

    try:
        if p.is_dir():
            raise _fail(name, f"is a directory, not {what}")
        size = p.stat().st_size
        if size > limit:
            raise too_large(_megabytes(size))
        # Read at most limit + 1 bytes: a device or a file still growing cannot exhaust memory.
        with p.open("rb") as f:
            data = f.read(limit + 1)
        if len(data) > limit:
            raise too_large(f"more than {_megabytes(limit)}")
        return data
    except FileNotFoundError:
        raise _fail(name, "no such file") from None
    except IsADirectoryError:
        raise _fail(name, f"is a directory, not {what}") from None
    except PermissionError:
        raise _fail(name, "permission denied") from None
    except OSError as exc:
        raise _fail(name, f"cannot read: {exc.strerror or exc}") from None


def read_text(
    path: str | os.PathLike[str], role: str = "input", max_bytes: int | None = None
) -> tuple[str, str]:
    """Read and decode a text file; returns ``(text, encoding)``.

    ``role`` ("article", "reference", "hypothesis", ...) only appears in messages;
    ``max_bytes`` as for :func:`read_bytes`.
    No check on content beyond decoding: see :func:`read_document` for that.
    """
    name = os.fspath(path)
    return decode_bytes(read_bytes(name, f"the {role} file", max_bytes), name)


def check_sentence_lengths(text: str, path: str, role: str = "input") -> None:
    """Refuse text with a stretch longer than :data:`MAX_SENTENCE_CHARS` without a sentence break.

    The message names the line (1-based) and the length, e.g. ``a.ar.txt: line 3 has
    100,000 characters without a sentence break (the limit is 5,000 for one sentence)``.
    """
    limit = MAX_SENTENCE_CHARS
    if len(text) <= limit:
        return
    start = 0
    for match in _SENTENCE_BREAK.finditer(text + "\n"):
        if match.start() - start > limit and len(text[start : match.start()].strip()) > limit:
            line = text.count("\n", 0, start) + 1
            length = len(text[start : match.start()].strip())
            raise _fail(
                path,
                f"line {line} of the {role} has {length:,} characters without a sentence break "
                f"(. ! ? ؟ …); the limit is {limit:,} for one sentence — "
                "were the punctuation or the line breaks lost?",
            )
        start = match.end()


def _check_language(path: str, text: str, language: str, role: str) -> None:
    ratio = arabic_ratio(text)
    percent = math.floor(ratio * 100)
    swap_hint = " — are the article and the reference swapped?"
    if language == "ar" and ratio < _MIN_ARABIC_RATIO:
        hint = swap_hint if role in ("article", "reference") else ""
        raise _fail(
            path,
            f"the {role} has no Arabic script ({percent}% of letters are Arabic){hint}",
        )
    if language == "en" and ratio > _MAX_ARABIC_RATIO_EN:
        hint = swap_hint if role in ("article", "reference") else ""
        raise _fail(path, f"the {role} is mostly Arabic ({percent}% of letters){hint}")


def document_from_text(
    text: str,
    language: str,
    path: str = "<string>",
    *,
    role: str | None = None,
    encoding: str = "unicode",
) -> Document:
    """Build a checked :class:`Document` from already decoded text.

    Raises InputError if the text is empty (after removing whitespace and invisible
    controls), in the wrong language, or has an absurdly long "sentence"
    (:func:`check_sentence_lengths`). ``role`` defaults to "article" for Arabic
    and "reference" for English; ``encoding`` is recorded as given.
    """
    if language not in _LANGUAGES:
        raise ValueError(f"language must be one of {_LANGUAGES}, not {language!r}")
    role = role or ("article" if language == "ar" else "reference")
    normalised, offset_map = normalise_ar(text) if language == "ar" else normalise_en(text)
    if not normalised.strip():
        raise _fail(path, f"the {role} is empty")
    _check_language(path, text, language, role)
    check_sentence_lengths(text, path, role)
    return Document(
        path=path,
        original=text,
        normalised=normalised,
        offset_map=offset_map,
        language=language,
        encoding=encoding,
    )


def read_document(path: str | os.PathLike[str], language: str, role: str) -> Document:
    """Read, decode and check one input file (``language`` is "ar" or "en")."""
    if language not in _LANGUAGES:
        raise ValueError(f"language must be one of {_LANGUAGES}, not {language!r}")
    text, encoding = read_text(path, role)
    return document_from_text(text, language, os.fspath(path), role=role, encoding=encoding)
