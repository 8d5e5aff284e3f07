"""compare_flags: new and fixed flags between two runs, matched per document by fingerprint."""

from __future__ import annotations

import pytest
from history_records import flag

from eval.nightly.store import compare_flags


def test_new_and_fixed_critical_flags() -> None:
    old = [flag("a", "f1"), flag("a", "f2"), flag("b", "f1"), flag("b", "m1", "major")]
    new = [flag("a", "f2"), flag("a", "f3"), flag("b", "f1"), flag("b", "m2", "major")]
    added, fixed = compare_flags(old, new)
    assert added == [flag("a", "f3")]
    assert fixed == [flag("a", "f1")]


def test_fingerprints_are_matched_per_document() -> None:
    # The same fingerprint moving to another document is one fixed and one new flag.
    added, fixed = compare_flags([flag("a.ar.txt", "same")], [flag("b.ar.txt", "same")])
    assert added == [flag("b.ar.txt", "same")]
    assert fixed == [flag("a.ar.txt", "same")]


def test_severity_threshold() -> None:
    old = [flag("a", "x", "major"), flag("a", "y", "minor")]
    new = [flag("a", "x", "critical"), flag("a", "z", "major"), flag("a", "w", "minor")]
    # Rising from major to critical is a new critical flag.
    assert compare_flags(old, new) == ([flag("a", "x", "critical")], [])
    added, fixed = compare_flags(old, new, severity="major")
    assert [f.fingerprint for f in added] == ["z"]
    assert fixed == []
    added, fixed = compare_flags(old, new, severity=None)
    assert [f.fingerprint for f in added] == ["z", "w"]
    assert [f.fingerprint for f in fixed] == ["y"]


def test_repeated_fingerprints_count_as_a_multiset() -> None:
    old = [flag("a", "dup"), flag("a", "dup")]
    new = [flag("a", "dup")]
    assert compare_flags(old, new) == ([], [flag("a", "dup")])
    assert compare_flags(new, old) == ([flag("a", "dup")], [])


def test_nothing_changed_and_empty_inputs() -> None:
    same = [flag("a", "f1"), flag("b", "f2")]
    assert compare_flags(same, list(same)) == ([], [])
    assert compare_flags([], []) == ([], [])
    assert compare_flags([], same) == (same, [])
    assert compare_flags(same, []) == ([], same)


def test_unknown_severity_is_refused() -> None:
    with pytest.raises(ValueError, match="severity must be one of"):
        compare_flags([], [], severity="fatal")
