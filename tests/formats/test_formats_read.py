"""Reading XLIFF 1.2, XLIFF 2.0 and TMX into PairedInput; errors name the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from paired_samples import IDS, NOTE, UNITS, tmx_text, xliff12_text, xliff20_text

from eval.text.formats import detect_format, format_from_extension, is_paired_input, read_paired
from tadqiq.errors import InputError


@pytest.mark.parametrize(
    ("name", "fmt", "version", "src", "tgt"),
    [
        ("story.xlf", "xliff1", "1.2", "en-US", "ar"),
        ("story2.xlf", "xliff2", "2.0", "en", "ar-SA"),
        ("story.tmx", "tmx", "1.4", "en-US", "ar-SA"),
    ],
)
def test_read_units_ids_notes(sample_dir: Path, name, fmt, version, src, tgt):
    paired = read_paired(sample_dir / name)
    assert (paired.format, paired.version) == (fmt, version)
    assert (paired.source_language, paired.target_language) == (src, tgt)
    assert [u.id for u in paired.units] == IDS
    assert [u.source_en for u in paired.units] == [u[1] for u in UNITS]
    assert [u.target_ar for u in paired.units] == [u[2] for u in UNITS]
    assert paired.units[1].notes == (NOTE,)
    assert all(u.notes == () for k, u in enumerate(paired.units) if k != 1)
    assert sum(paired.skipped.values()) >= 1  # the empty-source unit (and friends)
    assert paired.path == str(sample_dir / name)


def test_skip_reasons_xliff12(sample_dir: Path):
    paired = read_paired(sample_dir / "story.xlf")
    assert paired.skipped == {"empty source": 1, "translate=no": 1}
    # positions index translate-toolkit's unit list, skipped units included
    assert [u.position for u in paired.units] == [0, 3, 4, 5]


def test_inline_codes_are_not_text(tmp_path: Path):
    xlf = xliff12_text().replace(
        "<source>EU approves loan for Ukraine</source>",
        '<source>EU approves <g id="1">loan</g> for Ukraine<ph id="2">&lt;br/&gt;</ph></source>',
    )
    path = tmp_path / "codes.xliff"
    path.write_text(xlf, encoding="utf-8")
    assert read_paired(path).units[0].source_en == "EU approves loan for Ukraine"


def test_detect_format(sample_dir: Path, tmp_path: Path):
    assert detect_format(sample_dir / "story.xlf") == "xliff1"
    assert detect_format(sample_dir / "story2.xlf") == "xliff2"  # .xlf holding XLIFF 2
    assert detect_format(sample_dir / "story.tmx") == "tmx"
    assert format_from_extension("a.XLF") == "xliff1"
    assert format_from_extension("a.xlf2") == "xliff2"
    assert format_from_extension("a.tmx") == "tmx"
    assert format_from_extension("article.ar.txt") is None
    xml = tmp_path / "memory.xml"
    xml.write_text(tmx_text(), encoding="utf-8")
    assert is_paired_input(xml)
    assert is_paired_input(sample_dir / "story2.xlf")
    other = tmp_path / "other.xml"
    other.write_text("<html><body/></html>", encoding="utf-8")
    assert not is_paired_input(other)
    assert not is_paired_input(tmp_path / "article.ar.txt")


def test_utf16_xliff(tmp_path: Path):
    path = tmp_path / "utf16.xlf"
    text = xliff12_text().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    path.write_bytes(text.encode("utf-16"))
    paired = read_paired(path)
    assert [u.id for u in paired.units] == IDS
    assert paired.encoding.upper() == "UTF-16"


# ----------------------------------------------------------------------------- errors


def _error(path: Path, *needles: str) -> str:
    with pytest.raises(InputError) as info:
        read_paired(path)
    message = str(info.value)
    assert message.startswith(str(path) + ":"), message
    assert "\n" not in message
    for needle in needles:
        assert needle in message, message
    return message


def test_not_xml(tmp_path: Path):
    path = tmp_path / "broken.xlf"
    path.write_text("this is not <xml at all", encoding="utf-8")
    _error(path, "not well-formed XML")


def test_empty_file(tmp_path: Path):
    path = tmp_path / "empty.tmx"
    path.write_bytes(b"")
    _error(path, "empty")


def test_missing_file(tmp_path: Path):
    _error(tmp_path / "nowhere.xlf", "no such file")


def test_wrong_root(tmp_path: Path):
    path = tmp_path / "page.xlf"
    path.write_text("<html><body/></html>", encoding="utf-8")
    _error(path, "not an XLIFF or TMX file", "<html>")


def test_xliff_without_units(tmp_path: Path):
    path = tmp_path / "none.xlf"
    path.write_text(xliff12_text(units=[]), encoding="utf-8")
    _error(path, "no translation unit")
    empty = tmp_path / "none2.xlf"
    empty.write_text(xliff20_text(units=[]), encoding="utf-8")
    _error(empty, "no translation unit")


def test_xliff_only_empty_sources(tmp_path: Path):
    path = tmp_path / "blank.xlf"
    path.write_text(xliff12_text(units=[("h1", "", "", None)]), encoding="utf-8")
    _error(path, "no translation unit", "skipped")


def test_tmx_without_arabic_or_english(tmp_path: Path):
    path = tmp_path / "fr.tmx"
    path.write_text(tmx_text(en="en-GB", ar="fr-FR"), encoding="utf-8")
    _error(path, "English (en)", "Arabic (ar)", "fr-FR")


def test_xliff_wrong_languages(tmp_path: Path):
    path = tmp_path / "fr.xlf"
    path.write_text(xliff12_text(target_language="fr"), encoding="utf-8")
    _error(path, "target language is 'fr'")
    swapped = tmp_path / "swapped.xlf"
    swapped.write_text(
        xliff20_text().replace('srcLang="en" trgLang="ar-SA"', 'srcLang="ar" trgLang="en"'),
        encoding="utf-8",
    )
    _error(swapped, "source language is 'ar'", "source en, target ar")
