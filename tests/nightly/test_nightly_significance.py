"""Pairing outputs on the reference side, and sacrebleu's paired tests on them."""

from __future__ import annotations

from sacrebleu.metrics import BLEU, CHRF

from eval.scoring.significance import DocumentSegments, pair_outputs, paired_tests

REFS = (
    "The president said allies pledged troops.",
    "The war ended in May.",
    "Talks resume on Monday.",
    "Prices rose by 3 percent.",
)


def test_pairing_merges_reference_groups_any_system_merged() -> None:
    a = DocumentSegments(REFS, (((0,), "A0"), ((1, 2), "A12"), ((3,), "A3")))
    b = DocumentSegments(REFS, (((0,), "B0"), ((), "Bextra"), ((1,), "B1"), ((2,), "B2"), ((3,), "")))
    c = DocumentSegments(REFS, (((), "Cfirst"), ((0, 1), "C01"), ((2,), "C2"), ((3,), "C3")))
    out = pair_outputs({"a": {"d": a}, "b": {"d": b}, "c": {"d": c}})
    assert out.references == [" ".join(REFS[:3]), REFS[3]]
    assert out.hypotheses["a"] == ["A0 A12", "A3"]
    assert out.hypotheses["b"] == ["B0 Bextra B1 B2", ""]
    assert out.hypotheses["c"] == ["Cfirst C01 C2", "C3"]
    assert out.documents == ["d"] and out.excluded == []


def test_pairing_leaves_out_documents_not_shared_or_changed() -> None:
    one = DocumentSegments(REFS, tuple(((k,), f"h{k}") for k in range(4)))
    changed = DocumentSegments(REFS[:3] + ("Prices fell.",), one.beads)
    out = pair_outputs({"a": {"d1": one, "d2": one, "d3": one}, "b": {"d1": one, "d3": changed}})
    assert out.documents == ["d1"]
    assert dict(out.excluded) == {
        "d2": "not evaluated for b",
        "d3": "the reference sentences differ between the outputs",
    }


def test_segments_json_round_trip() -> None:
    doc = DocumentSegments(REFS, (((0, 1), "x"), ((), "y"), ((2,), ""), ((3,), "z")))
    assert DocumentSegments.from_json(doc.to_json()) == doc
    assert doc.to_json()["beads"][0]["reference"] == " ".join(REFS[:2])


def _outputs() -> dict[str, dict[str, DocumentSegments]]:
    good = [
        "The president said the allies pledged troops.",
        "The war ended in May.",
        "Talks will resume on Monday.",
        "Prices rose by 3 percent.",
    ]
    bad = ["A man spoke.", "It stopped.", "They meet.", "Things went up."]
    docs_good, docs_bad = {}, {}
    for i in range(6):  # six copies of the document: enough segments to resample
        docs_good[f"d{i}"] = DocumentSegments(REFS, tuple(((k,), h) for k, h in enumerate(good)))
        docs_bad[f"d{i}"] = DocumentSegments(REFS, tuple(((k,), h) for k, h in enumerate(bad)))
    return {"good": docs_good, "bad": docs_bad, "same": docs_good}


def test_paired_tests_report_p_values_and_confidence_intervals() -> None:
    outputs = pair_outputs(_outputs())
    table = paired_tests(outputs, "good", n_samples=200)
    assert set(table.rows) == {"bad", "same"}
    for system in ("bad", "same"):
        for metric in ("bleu", "chrf"):
            test = table.rows[system][metric]
            assert 0.0 <= test.p_bootstrap <= 1.0
            assert test.p_ar is not None and 0.0 <= test.p_ar <= 1.0
            lo, hi = test.ci
            assert lo <= test.mean <= hi
    worse = table.rows["bad"]["chrf"]
    assert worse.delta < -20 and worse.p_bootstrap < 0.05 and worse.p_ar < 0.05
    assert table.rows["same"]["bleu"].delta == 0 and table.rows["same"]["bleu"].p_bootstrap == 1.0
    # The scores are sacrebleu's own corpus scores of the paired lists.
    refs = [outputs.references]
    assert table.baseline_ci["bleu"][0] == BLEU().corpus_score(outputs.hypotheses["good"], refs).score
    expected = CHRF(word_order=2).corpus_score(outputs.hypotheses["bad"], refs).score
    assert worse.score == expected
    assert "bs:200" in table.signatures["chrf"]["bs"] and "seed:" in table.signatures["chrf"]["bs"]
    data = table.to_json()
    assert data["systems"]["bad"]["chrf"]["ci"] == [round(v, 4) for v in worse.ci]


def test_ter_is_tested_too_and_lower_is_better() -> None:
    outputs = pair_outputs(_outputs())
    table = paired_tests(outputs, "good", ["bad"], ("ter",), n_samples=100, approximate_randomization=False)
    test = table.rows["bad"]["ter"]
    assert test.delta > 0 and test.p_ar is None and 0 <= test.p_bootstrap <= 1
