"""Flagger precision/recall on the labelled sets: ``python bench/flags.py [DIR ...] [--json OUT]``.

Same as ``tadqiq bench flags``; see eval/flags/bench.py for the matching rule.
"""

from __future__ import annotations

import sys

from tadqiq.cli import app

if __name__ == "__main__":
    sys.exit(app(["bench", "flags", *sys.argv[1:]]))
