"""Assertions on the results of CLI runs (typer's CliRunner), shared by the test folders."""

from __future__ import annotations

from typing import Any


def one_line_error(result: Any, *needles: str) -> str:
    """Exit code 2 and exactly one stderr line holding every needle, no traceback; the line."""
    assert result.exit_code == 2, result.output
    err = result.stderr.strip()
    assert "Traceback" not in result.output and "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    for needle in needles:
        assert needle in err, err
    return err
