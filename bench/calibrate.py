"""Fit the flag confidence calibration on the development sets and write its table.

    PYTHONPATH=. python bench/calibrate.py            # C-dev, A and B → eval/flags/calibration.tsv
    PYTHONPATH=. python bench/calibrate.py SET ... --out FILE

Runs the flagger with raw (uncalibrated) confidences and no threshold over every labelled
document of the given sets, matches its flags with the gold errors as ``tadqiq bench
flags`` does, and fits :func:`eval.flags.calibration.fit` to (key, raw confidence,
right?) of every flag, once under its check and once under its check and category
(:func:`eval.flags.calibration.keys_of`). A set whose name holds "test" is refused: a held-out split must not
shape the flagger.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from eval.flags import calibration
from eval.flags.bench import labelled_documents, score
from eval.flags.merge import SpanFlagger
from tadqiq.pipeline import CheckRequest, check

ROOT = Path(__file__).resolve().parent.parent
DEV_SETS = [ROOT / "bench" / "data" / "flags" / name for name in ("C-dev", "A", "B")]
TABLE = ROOT / "eval" / "flags" / calibration.TABLE


def samples(sets: list[Path]) -> list[tuple[str, float, bool]]:
    def run(folder: Path):
        # The document's glossary goes to the flagger: check() reads a request's glossary
        # only when it builds the flaggers itself.
        glossary = folder / "glossary.csv"
        raw = SpanFlagger(glossary if glossary.exists() else None, min_confidence=0.0,
                          calibration=calibration.IDENTITY)
        return check(CheckRequest(
            article=folder / "article.ar.txt", reference=folder / "reference.en.txt",
            hypothesis=folder / "hypothesis.en.txt",
        ), flaggers=[raw])

    out = []
    for root in sets:
        for doc in score(labelled_documents(root), run):
            for flag in doc.report.flags:
                if flag.evidence:
                    right = bool(doc.matches[flag.id])
                    out += [(key, flag.confidence, right) for key in calibration.keys_of(flag)]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", type=Path, default=DEV_SETS)
    parser.add_argument("--out", type=Path, default=TABLE)
    args = parser.parse_args(argv)
    held_out = [s for s in args.sets if "test" in s.name.lower()]
    if held_out:
        print(f"error: {held_out[0]}: a held-out split cannot be used to calibrate", file=sys.stderr)
        return 2
    fitted = calibration.fit(samples(args.sets))
    header = "# Written by bench/calibrate.py from: " + ", ".join(s.name for s in args.sets) + "\n"
    args.out.write_text(header + fitted.to_tsv(), encoding="utf-8")
    print(f"wrote {args.out} ({sum(len(s) for s in fitted.steps.values())} steps, {len(fitted.steps)} checks)")
    return 0


if __name__ == "__main__":
    from tadqiq.script import run_script

    run_script(main)
