"""Tests for eval.text.documents: decoding, checks and one-line error messages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import eval.text.documents as documents
from eval.text.documents import decode_bytes, document_from_text, read_document, read_text
from eval.text.segment import segment
from tadqiq.errors import InputError, TadqiqError

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed"
ARABIC = "قال الرئيس الفرنسي، إيمانويل ماكرون، يوم الخميس إن الحلفاء تعهدوا. هل انتهى؟\n"
ENGLISH = "French President Emmanuel Macron said Thursday that allies pledged.\n"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def error_of(path: Path, language: str = "ar", role: str = "article") -> str:
    with pytest.raises(InputError) as info:
        read_document(path, language, role)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    return message


# ---------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (ARABIC.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + ARABIC.encode("utf-8"), "utf-8-sig"),
        (b"\xff\xfe" + ARABIC.encode("utf-16-le"), "utf-16-le"),
        (b"\xfe\xff" + ARABIC.encode("utf-16-be"), "utf-16-be"),
        (b"\xff\xfe\x00\x00" + ARABIC.encode("utf-32-le"), "utf-32-le"),
        (ARABIC.encode("cp1256"), "cp1256"),
    ],
)
def test_encodings(tmp_path: Path, data: bytes, encoding: str) -> None:
    doc = read_document(write(tmp_path, "a.ar.txt", data), "ar", "article")
    assert doc.encoding == encoding
    assert doc.original == ARABIC  # BOM removed, nothing else touched
    assert doc.language == "ar"
    assert doc.normalised.startswith("قال الرئيس الفرنسي, ايمانويل")


def test_cp1256_english_mostly_ascii(tmp_path: Path) -> None:
    text = "Caf\u00e9 owners said Thursday that the plan works.\n"
    doc = read_document(write(tmp_path, "r.en.txt", text.encode("cp1256")), "en", "reference")
    assert doc.encoding == "cp1256"
    assert doc.original == text


def test_invalid_bytes(tmp_path: Path) -> None:
    # Not UTF-8; as Windows-1256 it is Latin letters with accents, not Arabic.
    path = write(tmp_path, "article.ar.txt", b"\xe0\xe2\xe7\xe8\xe9\xea\xeb\xee\xef\xf4")
    message = error_of(path)
    assert message.startswith(f"{path}: not valid UTF-8, UTF-16 or Windows-1256 text")
    assert "offset 0" in message


def test_invalid_bytes_with_control_characters(tmp_path: Path) -> None:
    path = write(tmp_path, "article.ar.txt", "قال".encode("cp1256") + b"\x01\x02\xff")
    assert "not valid UTF-8, UTF-16 or Windows-1256 text" in error_of(path)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text", [ARABIC, ENGLISH])
def test_utf16_without_bom(tmp_path: Path, codec: str, text: str) -> None:
    path = write(tmp_path, "article.ar.txt", text.encode(codec))
    assert error_of(path) == (
        f"{path}: looks like UTF-16 without a byte-order mark; re-save as UTF-8"
    )


@pytest.mark.parametrize(
    "data",
    [bytes(range(256)) * 4, b"\x7fELF\x02\x01\x01\x00\x00\x00\x00", b"abc\x00def\x00gh\x00"],
)
def test_binary(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, "article.ar.txt", data)
    assert error_of(path) == f"{path}: binary file, not text"


def test_bad_utf16_after_bom(tmp_path: Path) -> None:
    path = write(tmp_path, "article.ar.txt", b"\xff\xfe\x00\xd8")  # lone surrogate
    message = error_of(path)
    assert "UTF-16" in message
    assert "byte-order mark" in message


def test_bad_utf8_after_bom(tmp_path: Path) -> None:
    path = write(tmp_path, "article.ar.txt", b"\xef\xbb\xbf\xd9\x83\xff")
    assert "not valid UTF-8 text" in error_of(path)


def test_decode_bytes_directly() -> None:
    assert decode_bytes("مرحبا".encode()) == ("مرحبا", "utf-8")
    with pytest.raises(InputError, match=r"^<bytes>: binary file"):
        decode_bytes(b"\x00\x01")


# ---------------------------------------------------------------- file problems


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.ar.txt"
    assert error_of(path) == f"{path}: no such file"


def test_directory(tmp_path: Path) -> None:
    assert "is a directory" in error_of(tmp_path)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads everything")
def test_permission_denied(tmp_path: Path) -> None:
    path = write(tmp_path, "a.ar.txt", ARABIC.encode())
    path.chmod(0)
    try:
        assert error_of(path) == f"{path}: permission denied"
    finally:
        path.chmod(0o644)


def test_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "MAX_BYTES", 10)
    path = write(tmp_path, "a.ar.txt", ARABIC.encode())
    assert "too large" in error_of(path)


def test_errors_are_tadqiq_errors(tmp_path: Path) -> None:
    with pytest.raises(TadqiqError):
        read_text(tmp_path / "missing.txt", "hypothesis")


# ---------------------------------------------------------------- content checks


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n", "\u200f \u200b\n".encode()])
def test_empty(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, "article.ar.txt", data)
    assert error_of(path) == f"{path}: the article is empty"


def test_empty_reference_uses_role(tmp_path: Path) -> None:
    path = write(tmp_path, "ref.en.txt", b"\n\n")
    assert error_of(path, "en", "reference") == f"{path}: the reference is empty"


def test_english_given_as_article(tmp_path: Path) -> None:
    path = write(tmp_path, "article.ar.txt", ENGLISH.encode())
    assert error_of(path) == (
        f"{path}: the article has no Arabic script (0% of letters are Arabic)"
        " — are the article and the reference swapped?"
    )


def test_partly_arabic_article_reports_percentage(tmp_path: Path) -> None:
    text = "مرحبا " + "hello world and more english words here"
    path = write(tmp_path, "article.ar.txt", text.encode())
    assert "(13% of letters are Arabic)" in error_of(path)


def test_arabic_given_as_reference(tmp_path: Path) -> None:
    path = write(tmp_path, "reference.en.txt", ARABIC.encode())
    message = error_of(path, "en", "reference")
    assert message.startswith(f"{path}: the reference is mostly Arabic")
    assert message.endswith("— are the article and the reference swapped?")


def test_mixed_article_with_latin_names_is_fine() -> None:
    doc = document_from_text("يقول Macron و Zelenskyy منا يدعم الخطة", "ar")
    assert doc.path == "<string>"
    assert doc.encoding == "unicode"


def test_bad_language_argument(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        read_document(tmp_path / "x", "fr", "article")
    with pytest.raises(ValueError):
        document_from_text("x", "fr")


# ---------------------------------------------------------------- documents


def test_document_from_text_normalises_and_maps() -> None:
    text = "قالَ \u200fمُحَمَّدٌ ٣٫٥"
    doc = document_from_text(text, "ar")
    assert doc.normalised == "قال محمد 3.5"
    start = doc.normalised.index("3.5")
    a, b = doc.original_span(start, start + 3)
    assert text[a:b] == "٣٫٥"


def test_document_from_text_errors_name_the_path() -> None:
    with pytest.raises(InputError, match=r"^<string>: the article is empty$"):
        document_from_text(" \n", "ar")
    with pytest.raises(InputError, match=r"^x\.txt: the hypothesis is mostly Arabic"):
        document_from_text("مرحبا", "en", "x.txt", role="hypothesis")


def test_read_text_returns_raw_text(tmp_path: Path) -> None:
    path = write(tmp_path, "hyp.en.txt", b"\xef\xbb\xbfHello.\r\nWorld.\r\n")
    assert read_text(path, "hypothesis") == ("Hello.\r\nWorld.\r\n", "utf-8-sig")
    assert read_text(str(path)) == ("Hello.\r\nWorld.\r\n", "utf-8-sig")


def test_crlf_file_keeps_text_and_segments_cleanly(tmp_path: Path) -> None:
    text = "عنوان الخبر\r\n\r\nقال ماكرون ذلك. وأضاف شيئا.\r\nانتهى الاجتماع.\r\n"
    path = write(tmp_path, "a.ar.txt", text.encode())
    doc = read_document(path, "ar", "article")
    assert doc.original == text
    segs = segment(doc.original, "ar")
    assert [s.text for s in segs] == [
        "عنوان الخبر",
        "قال ماكرون ذلك.",
        "وأضاف شيئا.",
        "انتهى الاجتماع.",
    ]
    assert [s.line for s in segs] == [1, 3, 3, 4]
    assert [s.paragraph for s in segs] == [0, 1, 1, 2]
    assert [s.headline for s in segs] == [True, False, False, False]
    for s in segs:
        assert doc.line_of(s.start) == s.line
        assert "\r" not in s.text


@pytest.mark.parametrize(
    ("name", "language", "role"),
    [
        ("article.ar.txt", "ar", "article"),
        ("reference.en.txt", "en", "reference"),
        ("hypothesis.en.txt", "en", "hypothesis"),
    ],
)
def test_seed_files(name: str, language: str, role: str) -> None:
    doc = read_document(SEED / name, language, role)
    assert doc.encoding == "utf-8"
    assert doc.original == (SEED / name).read_text(encoding="utf-8")
    assert len(doc.offset_map) == len(doc.normalised) + 1
    assert doc.original.count("\n") >= 27


def test_seed_article_normalised() -> None:
    doc = read_document(SEED / "article.ar.txt", "ar", "article")
    assert "،" not in doc.normalised
    assert "ً" not in doc.normalised  # tanween removed
    start = doc.normalised.index("منا يدعم")
    a, b = doc.original_span(start, start + len("منا يدعم"))
    assert doc.original[a:b] == "منا يدعم"
    assert doc.line_of(a) == 5
