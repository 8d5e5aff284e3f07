"""Rewrite the flagger figures in docs/benchmarks.md from `tadqiq bench flags --json` outputs.

Usage: python bench/update_readme_figures.py [--file FILE] [--dry-run] [--dev C-dev.json] A.json B.json ALL.json

The figures live in docs/benchmarks.md ("Measuring the flagger"), which the README links
to. Two places are rewritten: the rows starting ``| A (``, ``| B (`` and ``| A+B`` of the
per-set table, and the rows under the header
``| category | precision | recall | F1 | flags | gold |``; with ``--dev``, also the rows of
the per-check table (header ``| check | C-dev precision | …``), from the development
split's figures and A+B's. A file without these markers is an error (nothing is
written), so the figures cannot silently go stale.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from pathlib import Path

#: Where the figures live, relative to the repository root.
FIGURES_FILE = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"

_CATEGORY_TABLE = re.compile(
    r"(\| category \| precision \| recall \| F1 \| flags \| gold \|\n\|[-|]+\|\n)(?:\|.*\n)+"
)
_CHECK_TABLE = re.compile(r"(\| check \| C-dev precision \|.*\n\|[-|]+\|\n)(?:\|.*\n)+")


def _check_cells(t: dict | None) -> str:
    if not t or not t["flags"]:
        return "– | – | 0"
    return f"{t['precision']:.2f} | {t['recall']:.3f} | {t['flags']}"


def check_rows(dev: dict, both: dict) -> str:
    """The per-check table's rows: each check's precision, recall and flags on the
    development split and on A+B, in registry order."""
    names = list(dict.fromkeys([*dev["per_check"], *both["per_check"]]))
    return "\n".join(
        f"| {n} | {_check_cells(dev['per_check'].get(n))} | {_check_cells(both['per_check'].get(n))} |"
        for n in names
    )


def _set_row(name: str, d: dict) -> str:
    o, m = d["overall"], d["critical_and_major"]
    return (f"| {name} | {m['precision']:.2f} | {m['recall']:.2f} | {o['precision']:.2f} | "
            f"{o['recall']:.2f} | {d['false_flags_per_clean_segment']:.2f} |")


def update_figures(text: str, a: dict, b: dict, both: dict, dev: dict | None = None) -> str:
    """``text`` with its flagger tables rewritten from the figures of sets A, B and A+B
    (and, given ``dev``, the per-check table from the development split's and A+B's).

    Raises ``ValueError`` naming the marker that ``text`` lacks.
    """
    rows = {
        "A": _set_row(f"A ({a['documents']} articles, {a['overall']['gold']} errors)", a),
        "B": _set_row(f"B ({b['documents']} articles, {b['overall']['gold']} errors)", b),
        "A+B": _set_row("A+B", both),
    }
    for key, row in rows.items():
        text, n = re.subn(rf"^\| {re.escape(key)}[ (].*$", row, text, count=1, flags=re.M)
        if n == 0:
            raise ValueError(f"no table row starting '| {key} '")
    cats = "\n".join(
        f"| {c} | {v['precision']:.2f} | {v['recall']:.2f} | {v['f1']:.2f} | {v['flags']} | {v['gold']} |"
        for c, v in both["per_category"].items()
    )
    text, n = _CATEGORY_TABLE.subn(lambda m: m.group(1) + cats + "\n", text, count=1)
    if n == 0:
        raise ValueError("no table with the header '| category | precision | recall | F1 | flags | gold |'")
    if dev is not None:
        text, n = _CHECK_TABLE.subn(lambda m: m.group(1) + check_rows(dev, both) + "\n", text, count=1)
        if n == 0:
            raise ValueError("no table with the header '| check | C-dev precision | …'")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("a", type=Path, help="`tadqiq bench flags bench/data/flags/A --json` output")
    parser.add_argument("b", type=Path, help="the same for set B")
    parser.add_argument("all", type=Path, help="the same for both sets (bench/data/flags)")
    parser.add_argument("--dev", type=Path, help="`tadqiq bench flags bench/data/flags/C-dev --json` "
                        "output: also rewrite the per-check table")
    parser.add_argument("--file", type=Path, default=FIGURES_FILE,
                        help=f"the Markdown file to rewrite (default: {FIGURES_FILE})")
    parser.add_argument("--dry-run", action="store_true",
                        help="print the changes as a diff instead of writing the file")
    args = parser.parse_args(argv)
    try:
        a, b, both = (json.loads(p.read_text(encoding="utf-8")) for p in (args.a, args.b, args.all))
        dev = json.loads(args.dev.read_text(encoding="utf-8")) if args.dev else None
        old = args.file.read_text(encoding="utf-8")
    except (OSError, json.JSONDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        new = update_figures(old, a, b, both, dev)
    except ValueError as exc:
        print(f"{args.file}: {exc}", file=sys.stderr)
        return 2
    if args.dry_run:
        sys.stdout.writelines(difflib.unified_diff(
            old.splitlines(keepends=True), new.splitlines(keepends=True), str(args.file), str(args.file)))
    elif new != old:
        args.file.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
