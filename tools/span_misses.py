"""How often a check's flag lands on the right line but the wrong Arabic span.

    PYTHONPATH=. python tools/span_misses.py bench/data/flags/C-dev [more sets …] [--checks numbers,negation]

Runs the flagger over labelled sets (as ``tadqiq bench flags`` does) and, for each named
check, counts its flags (a flag counts for a check when it carries the check's evidence):

* ``correct``: the flag's Arabic span overlaps a gold error's (the bench's rule);
* ``off-span``: it finds no gold error although a gold error of the check's kind is on
  the same Arabic line — the right line, the wrong Arabic span (an editor cannot act on it);
* ``other``: it finds no gold error and no gold error of the check's kind is on its line.

A gold error is of a check's kind when its category is ``number`` (numbers, dates) or its
note mentions a negation (negation). Each off-span flag is listed with the gold span it
missed. Only for development sets: never run it on a held-out split.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from eval.flags.bench import checks_of, finds, labelled_documents, load_gold
from tadqiq.pipeline import CheckRequest
from tadqiq.pipeline import check as run_check


def _of_kind(check: str, gold: dict) -> bool:
    if check in ("numbers", "dates"):
        return gold["category"] == "number"
    if check == "negation":
        return "negat" in gold.get("note", "").lower()
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="+", type=Path)
    parser.add_argument("--checks", default="numbers,negation")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.checks.split(",") if n.strip()]
    for root in args.sets:
        counts = {n: {"flags": 0, "correct": 0, "off-span": 0, "other": 0} for n in names}
        listing: list[str] = []
        for folder in labelled_documents(root):
            report = run_check(CheckRequest(
                article=folder / "article.ar.txt", reference=folder / "reference.en.txt",
                hypothesis=folder / "hypothesis.en.txt",
            ))
            article = (folder / "article.ar.txt").read_text(encoding="utf-8-sig")
            reference = (folder / "reference.en.txt").read_text(encoding="utf-8-sig")
            gold = load_gold(folder, article, reference)
            raw = {g["id"]: g for g in json.loads((folder / "gold.json").read_text(encoding="utf-8"))}
            for flag in report.flags:
                for name in set(checks_of(flag)).intersection(names):
                    tally = counts[name]
                    tally["flags"] += 1
                    if any(finds(flag, g) for g in gold):
                        tally["correct"] += 1
                        continue
                    same_line = [g for g in gold if g.ar_line == flag.ar.line and _of_kind(name, raw[g.id])]
                    if same_line:
                        tally["off-span"] += 1
                        for g in same_line:
                            listing.append(
                                f"  {name}: {folder.name} line {flag.ar.line}: flagged {flag.ar.text!r}, "
                                f"gold {g.id} is {raw[g.id]['ar']['text']!r}"
                            )
                    else:
                        tally["other"] += 1
        print(f"{root}:")
        for name, tally in counts.items():
            print(f"  {name:10} " + "  ".join(f"{k} {v}" for k, v in tally.items()))
        for line in listing:
            print(line)
    return 0


if __name__ == "__main__":
    from tadqiq.script import run_script

    run_script(main)
