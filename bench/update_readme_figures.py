"""Rewrite the flagger figures in README.md from `tadqiq bench flags --json` outputs.

Usage: python bench/update_readme_figures.py A.json B.json ALL.json
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path


def _set_row(name: str, d: dict) -> str:
    o, m = d["overall"], d["critical_and_major"]
    return (f"| {name} | {m['precision']:.2f} | {m['recall']:.2f} | {o['precision']:.2f} | "
            f"{o['recall']:.2f} | {d['false_flags_per_clean_segment']:.2f} |")


def main(a_path: str, b_path: str, all_path: str) -> None:
    a, b, both = (json.loads(Path(p).read_text()) for p in (a_path, b_path, all_path))
    readme = Path(__file__).resolve().parent.parent / "README.md"
    text = readme.read_text(encoding="utf-8")
    rows = {
        "A": _set_row(f"A ({a['documents']} articles, {a['overall']['gold']} errors)", a),
        "B": _set_row(f"B ({b['documents']} articles, {b['overall']['gold']} errors)", b),
        "A+B": _set_row("A+B", both),
    }
    for key, row in rows.items():
        text = re.sub(rf"^\| {re.escape(key)}[ (].*$", row, text, count=1, flags=re.M)
    cats = "\n".join(
        f"| {c} | {v['precision']:.2f} | {v['recall']:.2f} | {v['f1']:.2f} | {v['flags']} | {v['gold']} |"
        for c, v in both["per_category"].items()
    )
    text = re.sub(r"(\| category \| precision \| recall \| F1 \| flags \| gold \|\n\|[-|]+\|\n)(?:\|.*\n)+",
                  lambda m: m.group(1) + cats + "\n", text, count=1)
    readme.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:4])
