"""Review decisions: the exported JSON read back, checked against the article, applied to a report."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from eval.reports.review import (
    ACCEPTED,
    DECISIONS_SCHEMA,
    FALSE_ALARM,
    Decision,
    apply_decisions,
    decisions_to_json,
    load_decisions,
)
from eval.values import Report, Severity
from tadqiq.errors import InputError


def _decided(seed: Report) -> Report:
    """The seed report with its first flag accepted and its critical flag dismissed."""
    critical = next(f for f in seed.flags if f.severity is Severity.CRITICAL)
    first = seed.flags[0]
    flags = [
        replace(f, review=FALSE_ALARM) if f is critical else replace(f, review=ACCEPTED) if f is first else f
        for f in seed.flags
    ]
    return replace(seed, flags=flags)


def _write(tmp_path: Path, doc: object, name: str = "decisions.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _one_line(exc: pytest.ExceptionInfo[InputError], path: Path, *needles: str) -> None:
    message = str(exc.value)
    assert message.startswith(str(path) + ": "), message
    assert "\n" not in message
    for needle in needles:
        assert needle in message, message


def test_round_trip_sets_review(seed: Report, tmp_path: Path) -> None:
    decided = _decided(seed)
    doc = decisions_to_json(decided)
    assert doc["schema"] == DECISIONS_SCHEMA
    assert doc["article"] == {"path": seed.article.path, "sha256": seed.article.sha256}
    assert [d["decision"] for d in doc["decisions"]] == [ACCEPTED, FALSE_ALARM]
    assert set(doc["decisions"][0]) == {"fingerprint", "flag", "decision", "category", "ar", "reference"}

    loaded = load_decisions(_write(tmp_path, doc), seed)
    assert set(loaded) == {d["fingerprint"] for d in doc["decisions"]}
    assert all(isinstance(d, Decision) for d in loaded.values())
    applied = apply_decisions(seed, loaded)
    assert [f.review for f in applied.flags] == [f.review for f in decided.flags]
    assert [f.review for f in seed.flags] == [None] * len(seed.flags)  # the input is not changed
    assert applied.notes == seed.notes


def test_false_alarm_stays_in_the_json_but_does_not_count(seed: Report) -> None:
    decided = _decided(seed)
    [dismissed] = [f for f in decided.flags if f.review == FALSE_ALARM]
    out = decided.to_json()
    assert [f["review"] for f in out["flags"] if f["id"] == dismissed.id] == [FALSE_ALARM]
    assert len(decided.active_flags) == len(seed.flags) - 1
    assert decided.flags_at_or_above(Severity.CRITICAL) == []  # --fail-on critical passes
    assert seed.flags_at_or_above(Severity.CRITICAL) != []
    assert decided.mqm.penalty == seed.mqm.penalty - dismissed.severity.weight


def test_unmatched_decisions_are_noted(seed: Report) -> None:
    decisions = {"0000000000000000": Decision("0000000000000000", ACCEPTED, "F99", "number")}
    applied = apply_decisions(seed, decisions)
    assert [f.review for f in applied.flags] == [None] * len(seed.flags)
    assert applied.notes[-1].startswith("1 review decision matches no flag")


def test_decisions_for_another_article(seed: Report, tmp_path: Path) -> None:
    doc = decisions_to_json(_decided(seed))
    doc["article"] = {"path": "other.ar.txt", "sha256": "f" * 64}
    path = _write(tmp_path, doc)
    with pytest.raises(InputError) as exc:
        load_decisions(path, seed)
    _one_line(exc, path, "decisions are for another article", "other.ar.txt", seed.article.path)


def test_decisions_for_an_earlier_version_of_the_article(seed: Report, tmp_path: Path) -> None:
    doc = decisions_to_json(_decided(seed))
    doc["article"]["sha256"] = "0" * 64
    path = _write(tmp_path, doc)
    with pytest.raises(InputError) as exc:
        load_decisions(path, seed)
    _one_line(exc, path, "decisions are for another article", f"{seed.article.path} has changed")


def test_not_json(seed: Report, tmp_path: Path) -> None:
    path = tmp_path / "decisions.json"
    path.write_text('{"schema": "tadqiq.decisions/1", ', encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_decisions(path, seed)
    _one_line(exc, path, "not JSON", "line 1")


def test_not_utf8(seed: Report, tmp_path: Path) -> None:
    path = tmp_path / "decisions.json"
    path.write_bytes(b"\xff\xfe\x00{")
    with pytest.raises(InputError) as exc:
        load_decisions(path, seed)
    _one_line(exc, path, "not JSON")


def test_missing_file(seed: Report, tmp_path: Path) -> None:
    path = tmp_path / "nope.json"
    with pytest.raises(InputError) as exc:
        load_decisions(path, seed)
    _one_line(exc, path, "no such file")


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (lambda d: d.update(schema="tadqiq.check/1"), "schema: expected 'tadqiq.decisions/1', got 'tadqiq.check/1'"),
        (lambda d: d.pop("schema"), "schema: expected"),
        (lambda d: d.pop("article"), "article.sha256"),
        (lambda d: d.update(decisions={}), "decisions: expected a list"),
        (lambda d: d["decisions"][0].update(decision="maybe"), "decisions[0].decision: expected 'accepted' or 'false-alarm', got 'maybe'"),
        (lambda d: d["decisions"][1].pop("fingerprint"), "decisions[1].fingerprint"),
        (lambda d: d["decisions"][0].update(flag=3), "decisions[0].flag: expected a string"),
        (lambda d: d["decisions"].append({**d["decisions"][0], "decision": FALSE_ALARM}), "is both 'accepted' and 'false-alarm'"),
    ],
)
def test_invalid_decisions(seed: Report, tmp_path: Path, change: Callable[[dict], object], needle: str) -> None:
    doc = decisions_to_json(_decided(seed))
    change(doc)
    path = _write(tmp_path, doc)
    with pytest.raises(InputError) as exc:
        load_decisions(path, seed)
    _one_line(exc, path, needle)


def test_a_list_is_not_a_decisions_file(seed: Report, tmp_path: Path) -> None:
    path = _write(tmp_path, [1, 2])
    with pytest.raises(InputError) as exc:
        load_decisions(path, seed)
    _one_line(exc, path, "expected a JSON object")


def test_empty_decisions_are_fine(seed: Report, tmp_path: Path) -> None:
    path = _write(tmp_path, decisions_to_json(seed))
    assert load_decisions(path, seed) == {}
