"""The one exception tree of tadqiq.

::

    TadqiqError
    ├── InputError      an input file is missing, unreadable, empty or of the wrong language
    ├── ConfigError     models.yaml, a glossary or another settings file is invalid
    └── ModelError      a translation model cannot be found, loaded or run

The CLI turns every :class:`TadqiqError` into a one-line message and exit code 2.
Library code raises these and never prints or exits.
"""

from __future__ import annotations


class TadqiqError(Exception):
    """Base class of every error tadqiq raises on purpose."""


class InputError(TadqiqError):
    """An input document cannot be used (missing, undecodable, empty, wrong language)."""


class ConfigError(TadqiqError):
    """A configuration file is invalid; the message names the file, the entry and the key."""


class ModelError(TadqiqError):
    """A translation model cannot be found, downloaded, loaded or run."""
