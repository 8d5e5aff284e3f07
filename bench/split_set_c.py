"""Split the labelled pool C into C-dev and C-test, once, before any flagger change.

``python bench/split_set_c.py`` moves every folder of bench/data/flags/C-pool into
bench/data/flags/C-dev or bench/data/flags/C-test: within each writer's half
(c01–c12, c13–c24) a seeded shuffle puts six articles in each split. The seed is
fixed so the split can be re-derived; it was run once, on 2026-12-03, before the
flagger was tuned, and C-test is only ever looked at through its aggregate figures.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

SEED = 20261203
ROOT = Path(__file__).resolve().parent / "data" / "flags"


def split(names: list[str]) -> tuple[list[str], list[str]]:
    dev: list[str] = []
    test: list[str] = []
    for half in (names[:12], names[12:]):
        shuffled = sorted(half)
        random.Random(SEED).shuffle(shuffled)
        dev += sorted(shuffled[:6])
        test += sorted(shuffled[6:])
    return dev, test


def main() -> int:
    pool = ROOT / "C-pool"
    if not pool.is_dir():
        print(f"{pool}: no pool to split (the split was made once, on 2026-12-03)", file=sys.stderr)
        return 2
    names = sorted(p.name for p in pool.iterdir() if (p / "gold.json").is_file())
    if len(names) != 24:
        print(f"{pool}: expected 24 labelled articles, found {len(names)}", file=sys.stderr)
        return 2
    dev, test = split(names)
    for target, chosen in (("C-dev", dev), ("C-test", test)):
        (ROOT / target).mkdir(exist_ok=True)
        for name in chosen:
            (pool / name).rename(ROOT / target / name)
        print(target, " ".join(chosen))
    pool.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
