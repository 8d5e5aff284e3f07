"""Measuring the flagger against a labelled set.

A labelled document is a folder with ``article.ar.txt``, ``reference.en.txt``,
``hypothesis.en.txt`` (a back-translation), ``gold.json`` and optionally
``glossary.csv``. Gold errors give the Arabic span (line + exact text; empty
for an omission) and the reference span it should have rendered.

Matching rule: a flag finds a gold error when its Arabic span overlaps the
gold Arabic span on the same line; for a gold omission, when its reference
span overlaps the gold reference span. Precision counts a flag as correct when
it finds any gold error; recall counts a gold error as found when any flag
finds it. Both are also reported per category (precision by the flag's
category, recall by the gold category), plus false flags per clean segment
(aligned segments with no gold error on their Arabic or reference lines).

Per check (:mod:`eval.flags.registry`): a flag counts for every check whose
evidence signal it carries (a merged flag for several). A check's precision is
the share of its flags that find a gold error; its recall is the share of *all*
gold errors (of every category) that some flag carrying its evidence finds — so
per-check recalls do not add up to the overall recall, and a check that only
looks at numbers has a low recall by construction. Evidence signals no check
registers (another flagger's) are counted under their own name.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from eval.flags.registry import CHECK_OF_SIGNAL, NAMES
from eval.values import Category, Flag, Report, Severity
from tadqiq.errors import InputError


@dataclass(frozen=True)
class GoldError:
    id: str
    category: Category
    severity: Severity
    ar_line: int
    ar_start: int | None  # None for an omission
    ar_end: int | None
    ref_line: int
    ref_start: int | None
    ref_end: int | None


@dataclass
class DocResult:
    name: str
    report: Report
    gold: list[GoldError]
    matches: dict[str, list[str]]  # flag id → gold ids it finds


@dataclass
class Tally:
    tp_flags: int = 0
    flags: int = 0
    found: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp_flags / self.flags if self.flags else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_json(self) -> dict:
        return {
            "precision": round(self.precision, 3), "recall": round(self.recall, 3),
            "f1": round(self.f1, 3), "flags": self.flags, "correct_flags": self.tp_flags,
            "gold": self.gold, "found": self.found,
        }


@dataclass
class BenchResult:
    docs: list[DocResult]
    overall: Tally
    major_plus: Tally  # gold critical+major recall; flags critical+major precision
    per_category: dict[str, Tally]
    clean_segments: int
    false_on_clean: int
    missed: list[str] = field(default_factory=list)
    per_check: dict[str, Tally] = field(default_factory=dict)  # see the module docstring

    @property
    def false_per_clean_segment(self) -> float:
        return self.false_on_clean / self.clean_segments if self.clean_segments else 0.0

    def to_json(self) -> dict:
        return {
            "documents": len(self.docs),
            "overall": self.overall.to_json(),
            "critical_and_major": self.major_plus.to_json(),
            "per_category": {k: v.to_json() for k, v in sorted(self.per_category.items())},
            "per_check": {k: v.to_json() for k, v in self.per_check.items()},
            "clean_segments": self.clean_segments,
            "false_flags_on_clean_segments": self.false_on_clean,
            "false_flags_per_clean_segment": round(self.false_per_clean_segment, 3),
        }


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    return starts


def _locate(text: str, starts: list[int], line: int, needle: str, where: str) -> tuple[int | None, int | None]:
    if not needle:
        return None, None
    if not 1 <= line <= len(starts):
        raise InputError(f"{where}: line {line} does not exist")
    begin = starts[line - 1]
    finish = starts[line] - 1 if line < len(starts) else len(text)
    pos = text.find(needle, begin, finish)
    if pos < 0:
        raise InputError(f"{where}: {needle!r} is not on line {line}")
    return pos, pos + len(needle)


def load_gold(folder: Path, article: str, reference: str) -> list[GoldError]:
    path = folder / "gold.json"
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: cannot read gold errors ({exc})") from None
    ar_starts, ref_starts = _line_starts(article), _line_starts(reference)
    out = []
    for item in items:
        where = f"{path} {item.get('id')}"
        ar_s, ar_e = _locate(article, ar_starts, item["ar"]["line"], item["ar"]["text"], where)
        ref_s, ref_e = _locate(reference, ref_starts, item["reference"]["line"], item["reference"]["text"], where)
        out.append(GoldError(
            item["id"], Category(item["category"]), Severity(item["severity"]),
            item["ar"]["line"], ar_s, ar_e, item["reference"]["line"], ref_s, ref_e,
        ))
    return out


def _overlap(a0: int | None, a1: int | None, b0: int | None, b1: int | None) -> bool:
    if None in (a0, a1, b0, b1):
        return False
    return a0 < b1 and b0 < a1 or (a0 == a1 and b0 <= a0 <= b1)  # type: ignore[operator]


def finds(flag: Flag, gold: GoldError) -> bool:
    if gold.ar_start is None:  # omission: compare reference spans
        return _overlap(flag.reference.start, flag.reference.end, gold.ref_start, gold.ref_end)
    return flag.ar.line == gold.ar_line and _overlap(flag.ar.start, flag.ar.end, gold.ar_start, gold.ar_end)


def checks_of(flag: Flag) -> list[str]:
    """The checks a flag counts for: those whose evidence signal it carries, in registry order."""
    names = {CHECK_OF_SIGNAL.get(e.signal, e.signal) for e in flag.evidence}
    return [n for n in NAMES if n in names] + sorted(names.difference(NAMES))


def labelled_sets(roots: Sequence[Path]) -> dict[str, list[Path]]:
    """Labelled documents grouped by set: a root that holds documents directly (or is one)
    is a set of its own; a root of set folders (``bench/data/flags``: A, B, C-dev, C-test)
    gives one set per folder. Names are the folders' names."""
    sets: dict[str, list[Path]] = {}
    for root in roots:
        subsets = {
            sub.name: sorted(q.parent for q in sub.rglob("gold.json"))
            for sub in (sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else [])
            if not (sub / "gold.json").is_file()
        }
        subsets = {name: docs for name, docs in subsets.items() if docs}
        if (root / "gold.json").is_file() or not subsets or any(
            (p / "gold.json").is_file() for p in root.iterdir() if p.is_dir()
        ):
            # A document, a folder of documents, or nothing labelled (raises InputError).
            sets.setdefault(root.name, []).extend(labelled_documents(root))
        else:
            for name, docs in subsets.items():
                sets.setdefault(name, []).extend(docs)
    return sets


def labelled_documents(root: Path) -> list[Path]:
    """``root`` itself when it is a labelled document, else every labelled folder below it."""
    if (root / "gold.json").is_file():
        return [root]
    docs = sorted(p.parent for p in root.rglob("gold.json"))
    if not docs:
        raise InputError(f"{root}: no labelled documents (folders with gold.json) found")
    return docs


def score(folders: Sequence[Path], check: Callable[[Path], Report]) -> list[DocResult]:
    """Check every labelled document and match its flags with its gold errors."""
    docs: list[DocResult] = []
    for folder in folders:
        report = check(folder)
        article = (folder / "article.ar.txt").read_text(encoding="utf-8-sig")
        reference = (folder / "reference.en.txt").read_text(encoding="utf-8-sig")
        gold = load_gold(folder, article, reference)
        matches = {f.id: [g.id for g in gold if finds(f, g)] for f in report.flags}
        docs.append(DocResult(folder.name, report, gold, matches))
    return docs


def run(
    folders: Sequence[Path], check: Callable[[Path], Report], severity_floor: Severity | None = None
) -> BenchResult:
    """:func:`score` then :func:`tally`."""
    return tally(score(folders, check), severity_floor)


def tally(docs: Sequence[DocResult], severity_floor: Severity | None = None) -> BenchResult:
    """The figures of already scored documents (the flags below ``severity_floor`` left out)."""
    overall, major_plus = Tally(), Tally()
    per_cat: dict[str, Tally] = {c.value: Tally() for c in Category}
    per_check: dict[str, Tally] = {name: Tally() for name in NAMES}
    clean_segments = false_on_clean = 0
    missed: list[str] = []
    for doc in docs:
        report, gold, matches = doc.report, doc.gold, doc.matches
        flags = report.flags
        if severity_floor is not None:
            flags = [f for f in flags if f.severity.rank >= severity_floor.rank]
        found_by_check: dict[str, set[str]] = {}
        for f in flags:
            ok = bool(matches[f.id])
            names = checks_of(f)
            for name in names:
                found_by_check.setdefault(name, set()).update(matches[f.id])
            for tally in (overall, per_cat[f.category.value], *(per_check.setdefault(n, Tally()) for n in names)):
                tally.flags += 1
                tally.tp_flags += ok
            if f.severity.rank >= Severity.MAJOR.rank:
                major_plus.flags += 1
                major_plus.tp_flags += ok
        for name, found in found_by_check.items():
            per_check[name].found += len(found)
        found_ids = {gid for ids in matches.values() for gid in ids}
        for g in gold:
            hit = g.id in found_ids
            for tally in (overall, per_cat[g.category.value]):
                tally.gold += 1
                tally.found += hit
            if g.severity.rank >= Severity.MAJOR.rank:
                major_plus.gold += 1
                major_plus.found += hit
            if not hit:
                missed.append(f"{g.id} {g.category.value}/{g.severity.value}")
        gold_ar_lines = {g.ar_line for g in gold}
        gold_ref_lines = {g.ref_line for g in gold}
        for seg in report.segments:
            if seg.ar.line in gold_ar_lines or seg.reference.line in gold_ref_lines:
                continue
            clean_segments += 1
            false_on_clean += sum(1 for f in flags if f.segment == seg.id and not matches[f.id])
    for tally in per_check.values():
        tally.gold = overall.gold  # a check's recall is over all gold errors
    return BenchResult(list(docs), overall, major_plus, per_cat, clean_segments, false_on_clean, missed, per_check)
