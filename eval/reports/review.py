"""Editors' review decisions: the JSON the HTML report exports, read back and applied.

An editor marks a flag ``"accepted"`` (a real error) or ``"false-alarm"`` in the
HTML report and exports the decisions (schema ``tadqiq.decisions/1``)::

    {"schema": "tadqiq.decisions/1",
     "article": {"path": "article.ar.txt", "sha256": "<digest of the decoded article>"},
     "decisions": [{"fingerprint": "937776b5bc251b88", "flag": "F4", "decision": "false-alarm",
                    "category": "mistranslation", "ar": "منا يدعم", "reference": "US backs"}]}

Decisions are keyed by the flag fingerprint (:func:`eval.evaluate.fingerprint`), which
stays the same across runs while the flag's text and its segment's text do not
change; the file is tied to the article by its sha256, so decisions made on one
article are never applied to another.

A false alarm is not deleted: the flag stays in the JSON report with
``"review": "false-alarm"`` and the HTML report shows it dismissed. It does not
count for ``--fail-on``, the MQM penalty or the summary counts: those use
:attr:`eval.values.Report.active_flags`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from tadqiq.errors import InputError

if TYPE_CHECKING:  # at run time eval.values stays free to import this module
    from eval.values import Report

DECISIONS_SCHEMA = "tadqiq.decisions/1"
ACCEPTED = "accepted"
FALSE_ALARM = "false-alarm"
DECISION_VALUES = (ACCEPTED, FALSE_ALARM)


@dataclass(frozen=True)
class Decision:
    """An editor's verdict on one flag, found again by its fingerprint."""

    fingerprint: str
    decision: str  # "accepted" or "false-alarm"
    flag: str = ""  # the flag id when it was decided (ids may change between runs)
    category: str = ""


def decisions_to_json(report: Report) -> dict:
    """The decisions already on ``report``'s flags, as the HTML report exports them."""
    seen: set[str] = set()
    decisions = []
    for f in report.flags:
        if f.review not in DECISION_VALUES or f.fingerprint in seen:
            continue
        seen.add(f.fingerprint)
        decisions.append({
            "fingerprint": f.fingerprint,
            "flag": f.id,
            "decision": f.review,
            "category": f.category.value,
            "ar": f.ar.text,
            "reference": f.reference.text,
        })
    return {
        "schema": DECISIONS_SCHEMA,
        "article": {"path": report.article.path, "sha256": report.article.sha256},
        "decisions": decisions,
    }


def _optional_str(item: dict, key: str, where: str) -> str:
    value = item.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(f"{where}.{key}: expected a string, got {value!r}")
    return value


def _parse(doc: object, where: str, report: Report) -> dict[str, Decision]:
    if not isinstance(doc, dict):
        raise InputError(f"{where}: expected a JSON object with \"schema\": \"{DECISIONS_SCHEMA}\"")
    schema = doc.get("schema")
    if schema != DECISIONS_SCHEMA:
        raise InputError(f"{where}: schema: expected '{DECISIONS_SCHEMA}', got {schema!r}")
    article = doc.get("article")
    digest = article.get("sha256") if isinstance(article, dict) else None
    if not isinstance(digest, str) or not digest:
        raise InputError(f"{where}: article.sha256: expected the digest of the article the decisions are for")
    if not report.article.sha256:
        raise InputError(f"{where}: the report has no article digest to check the decisions against")
    if digest != report.article.sha256:
        other = article.get("path") if isinstance(article, dict) else None
        ours = report.article.sha256[:12]
        if other == report.article.path:
            raise InputError(
                f"{where}: decisions are for another article: {other} has changed since they "
                f"were made (sha256 {digest[:12]}… then, {ours}… now)"
            )
        named = f"{other!r}, " if isinstance(other, str) and other else ""
        raise InputError(
            f"{where}: decisions are for another article ({named}sha256 {digest[:12]}…), "
            f"not {report.article.path} (sha256 {ours}…)"
        )
    items = doc.get("decisions")
    if not isinstance(items, list):
        raise InputError(f"{where}: decisions: expected a list, got {type(items).__name__}")
    out: dict[str, Decision] = {}
    for k, item in enumerate(items):
        key = f"{where}: decisions[{k}]"
        if not isinstance(item, dict):
            raise InputError(f"{key}: expected an object, got {item!r}")
        fp = item.get("fingerprint")
        if not isinstance(fp, str) or not fp:
            raise InputError(f"{key}.fingerprint: expected a flag fingerprint, got {fp!r}")
        value = item.get("decision")
        if value not in DECISION_VALUES:
            raise InputError(f"{key}.decision: expected 'accepted' or 'false-alarm', got {value!r}")
        if fp in out and out[fp].decision != value:
            raise InputError(f"{key}: flag {fp} is both {out[fp].decision!r} and {value!r}")
        out[fp] = Decision(fp, value, _optional_str(item, "flag", key), _optional_str(item, "category", key))
    return out


def load_decisions(path: str | os.PathLike[str], report: Report) -> dict[str, Decision]:
    """Read a decisions file for ``report``'s article; problems are one-line :class:`InputError`.

    The messages start with the path: not found or unreadable, not JSON, another
    schema, an unknown decision value, or "decisions are for another article" when
    the file's ``article.sha256`` is not the report's.
    """
    where = os.fspath(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"{where}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{where}: is a folder, not a decisions file") from None
    except OSError as exc:
        raise InputError(f"{where}: cannot read: {exc.strerror or exc}") from None
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError(f"{where}: not JSON (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    except (ValueError, RecursionError):  # a number of thousands of digits, or deep nesting
        raise InputError(f"{where}: not usable JSON (a number too long or nesting too deep)") from None
    return _parse(doc, where, report)


def apply_decisions(report: Report, decisions: Mapping[str, Decision]) -> Report:
    """A copy of ``report`` whose flags carry the decisions made on their fingerprints.

    Flags without a decision keep their ``review``. A false alarm stays in the
    report with ``review == "false-alarm"`` (see ``Report.active_flags``). Decisions
    that match no flag (the reference, model or flagger changed) are counted in
    a note.
    """
    flags = [
        replace(f, review=decisions[f.fingerprint].decision) if f.fingerprint in decisions else f
        for f in report.flags
    ]
    unmatched = len(set(decisions) - {f.fingerprint for f in report.flags})
    notes = list(report.notes)
    if unmatched:
        noun = "decision matches" if unmatched == 1 else "decisions match"
        notes.append(f"{unmatched} review {noun} no flag of this check (the reference, model or flagger changed)")
    return replace(report, flags=flags, notes=notes)
