"""Running the repository's own scripts (bench/, tools/) the way the CLI runs its commands:
an error tadqiq raises on purpose, or a file that cannot be read or written, is one line
on stderr naming the script and exit code 2, never a traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from tadqiq.errors import TadqiqError


def run_script(main: Callable[[], int | None]) -> NoReturn:
    """``sys.exit(main())``, with :class:`~tadqiq.errors.TadqiqError` and ``OSError`` turned
    into ``<script>: <message>`` on stderr and exit code 2."""
    try:
        code = main()
    except (TadqiqError, OSError) as exc:
        print(f"{Path(sys.argv[0]).name}: {exc}", file=sys.stderr)
        sys.exit(2)
    sys.exit(code)


__all__ = ["run_script"]
