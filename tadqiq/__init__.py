"""tadqiq — an Arabic→English translation quality checker.

The work is split into two rooms: :mod:`translator` turns Arabic sentences into
English, :mod:`eval` does everything after translation. This package holds what
both share (the exception tree, the version) and the thin CLI.
"""

__version__ = "0.1.0"
