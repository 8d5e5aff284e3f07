"""The deterministic checks, one module each; each registered in :mod:`eval.flags.registry`.

numbers, calendar (weekdays and months), untranslated (Latin script left in the
Arabic), negation, entities (named entities), idioms, glossary and consistency
(one name spelled two ways); :mod:`~eval.flags.checks.common` holds what they share.
A check takes segment view(s), the read-only
:class:`~eval.flags.context.DocumentContext` and its own registry row, and returns flags.
"""
