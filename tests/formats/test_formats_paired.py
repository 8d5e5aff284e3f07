"""check_paired: XLIFF/TMX units (sentences aligned within each), the paired JSON, hypothesis errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from paired_samples import IDS, NOTE, UNITS, xliff12_text

from eval.values import Category
from tadqiq.errors import InputError
from tadqiq.paired import check_paired, paired_json, unit_of, write_paired_json

NAMES = ("story.xlf", "story2.xlf", "story.tmx")


@pytest.mark.parametrize("name", NAMES)
def test_number_flag_on_the_right_unit(checked, name):
    report, paired = checked[name]
    assert len(report.segments) == len(paired.units) == len(IDS)
    number = [f for f in report.flags if f.category is Category.NUMBER]
    assert number, [f.to_json() for f in report.flags]
    flag = number[0]
    assert unit_of(report, paired, flag).id == "p1"
    assert "مليون" in flag.ar.text and "billion" in flag.reference.text
    # one unit per line: the span is inside unit p1's target, on line 2
    assert flag.ar.line == 2
    assert flag.ar.text in paired.units[1].target_ar
    assert all(f.segment == flag.segment for f in number)


@pytest.mark.parametrize("name", NAMES)
def test_units_of_one_sentence_are_one_segment_each(checked, name):
    report, paired = checked[name]
    for k, (seg, unit) in enumerate(zip(report.segments, paired.units, strict=True)):
        assert seg.id == k and seg.bead.kind == "1-1"
        assert seg.ar.text == unit.target_ar and seg.reference.text == unit.source_en
        assert seg.ar.line == seg.reference.line == k + 1
    assert report.model["backend"] == "precomputed"
    assert any("paired input" in note for note in report.notes)


def test_paired_json(checked, tmp_path: Path):
    report, paired = checked["story.xlf"]
    data = paired_json(report, paired)
    assert data["schema"] == "tadqiq.check/1"
    assert data["units"] == [
        {"id": uid, "file": "story.txt", "notes": [NOTE] if uid == "p1" else [], "line": k + 1,
         "segments": [k]}
        for k, uid in enumerate(IDS)
    ]
    assert data["input"]["format"] == "xliff1" and data["input"]["units"] == 4
    assert data["input"]["skipped"] == {"empty source": 1, "translate=no": 1}
    assert {f["unit"] for f in data["flags"] if f["category"] == "number"} == {"p1"}
    out = tmp_path / "report.json"
    write_paired_json(report, paired, out)
    assert json.loads(out.read_text(encoding="utf-8")) == data


def test_empty_target_is_an_omission_on_its_line(tmp_path: Path):
    units = [*UNITS[:3], (UNITS[3][0], UNITS[3][1], "", None)]
    path = tmp_path / "untranslated.xlf"
    path.write_text(xliff12_text(units), encoding="utf-8")
    hyp = tmp_path / "hyp.txt"  # a blank line for the untranslated unit
    hyp.write_text(
        "The EU agrees to a loan for Ukraine\n"
        "The European Union approved on Thursday a loan of 1.1 million euros to Ukraine.\n"
        "French President Emmanuel Macron spoke after a meeting in Paris.\n\n",
        encoding="utf-8",
    )
    report, paired = check_paired(path, hypothesis=hyp)
    omissions = [f for f in report.flags if f.category is Category.OMISSION]
    assert [unit_of(report, paired, f).id for f in omissions] == ["p3"]
    flag = omissions[0]
    assert flag.ar.text == "" and flag.ar.line == 4
    assert flag.reference.text == UNITS[3][1]


def test_hypothesis_with_wrong_line_count(sample_dir: Path, tmp_path: Path):
    hyp = tmp_path / "short.txt"
    hyp.write_text("one line\ntwo lines\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        check_paired(sample_dir / "story.xlf", hypothesis=hyp)
    message = str(info.value)
    assert message.startswith(f"{hyp}:") and "4 units" in message and "\n" not in message


def test_target_not_arabic(tmp_path: Path):
    units = [(uid, src, src, None) for uid, src, _tgt, _note in UNITS]
    path = tmp_path / "english.xlf"
    path.write_text(xliff12_text(units), encoding="utf-8")
    hyp = tmp_path / "hyp.txt"
    hyp.write_text("a\nb\nc\nd\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        check_paired(path, hypothesis=hyp)
    assert str(info.value).startswith(f"{path}: the target text has no Arabic script")


def test_model_back_translation(tmp_path: Path):
    """The model path: the weight-free gloss backend translates the units with targets only."""
    units = [*UNITS[:3], (UNITS[3][0], UNITS[3][1], "", None)]
    path = tmp_path / "model.xlf"
    path.write_text(xliff12_text(units), encoding="utf-8")
    totals: list[int] = []

    def progress(total: int):
        totals.append(total)
        return lambda n: None

    report, paired = check_paired(path, model="gloss", use_cache=False, progress=progress)
    assert totals == [3]
    assert report.model["name"] == "gloss" and report.model["rough"] is True
    assert [bool(s.hypothesis) for s in report.segments] == [True, True, True, False]
    assert any(
        f.category is Category.NUMBER and unit_of(report, paired, f).id == "p1" for f in report.flags
    )


def test_placing_empty_targets_returns_a_new_report(tmp_path: Path):
    """place_empty_targets is pure: the report it is given keeps its flags."""
    from eval.evaluate import evaluate
    from eval.flow import (
        Hypothesis,
        back_translate,
        default_flaggers,
        place_empty_targets,
        prepare_paired,
    )

    units = [*UNITS[:3], (UNITS[3][0], UNITS[3][1], "", None)]
    path = tmp_path / "untranslated.xlf"
    path.write_text(xliff12_text(units), encoding="utf-8")
    hyp = tmp_path / "hyp.txt"
    hyp.write_text("The EU agrees to a loan\nA loan of 1.1 million euros.\nMacron spoke.\n\n", encoding="utf-8")
    prepared = prepare_paired(path)
    back = back_translate(prepared, Hypothesis(hyp))
    report = evaluate(prepared.article, prepared.reference, prepared.ar_segments, prepared.ref_segments,
                      back.units, back.model, pre_aligned=True, flaggers=default_flaggers())
    before = list(report.flags)
    [omission] = [f for f in before if f.category is Category.OMISSION]
    assert omission.segment == 3 and omission.ar.line != 4

    placed = place_empty_targets(report, prepared.ar_by_unit, prepared.article)
    assert report.flags == before  # untouched
    [moved] = [f for f in placed.flags if f.category is Category.OMISSION]
    assert moved.ar.line == 4 and moved.ar.text == "" and moved.ar.start == len(prepared.article.original)
    assert [f for f in placed.flags if f is not moved] == [f for f in before if f is not omission]
