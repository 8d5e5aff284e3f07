"""The eval summary says what its numbers are: which way is better, and why the paired score
of the significance test is not the table's corpus score."""

from __future__ import annotations

from eval.nightly.summary import significance_lines
from eval.scoring.significance import MetricTest, SignificanceTable


def test_the_paired_score_is_named_and_explained() -> None:
    test = MetricTest("chrf", baseline_score=70.74, score=33.094, p_bootstrap=0.001, p_ar=0.001,
                      mean=33.1, ci_radius=1.6)
    table = SignificanceTable(
        baseline="vendor", metrics=("chrf",), rows={"gloss": {"chrf": test}},
        baseline_ci={"chrf": (70.74, 70.7, 1.2)}, signatures={}, segments=39, documents=["seed"],
    )
    lines = significance_lines(table)
    text = " ".join(" ".join(lines).split())
    row = next(line for line in lines if line.lstrip().startswith("gloss"))
    # The score is called "paired", with the table's precision, and the CI is said to be 95%.
    assert "chrF++ ↑" in row and "paired  33.09" in row and "CI 31.5–34.7" in row
    assert "score  33.1" not in row
    assert "differ a little from the table's" in text and "CI: 95%, paired bootstrap" in text
    assert all(len(line) <= 80 for line in lines)
