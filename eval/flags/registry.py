"""The check registry: every check the span flagger runs, in one table, and the runner over it.

Each row (:class:`~eval.flags.context.Check`) gives a check's name (the evidence
signal of its flags, and what ``--checks`` switches), its usual MQM category, default
severity, base confidence (not yet calibrated: today's hand-set values), merge priority
(lower wins when two flags overlap), scope and function. The table's order is the
order checks run in, which the merge keeps for flags of equal priority.

A new check: a module in :mod:`eval.flags.checks` with a function
``(view, ctx, check) -> list[Flag]`` (or ``(views, ctx, check)`` for a document-wide
one), and a row here.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from eval.flags import gaps, segment_score
from eval.flags.checks.agreement import agreement_flags
from eval.flags.checks.calendar import calendar_flags
from eval.flags.checks.consistency import inconsistency_flags
from eval.flags.checks.entities import entity_flags
from eval.flags.checks.glossary import glossary_flags
from eval.flags.checks.idioms import idiom_flags
from eval.flags.checks.negation import negation_flags
from eval.flags.checks.numbers import number_flags
from eval.flags.checks.phrasal import phrasal_flags
from eval.flags.checks.relations import modality_flags, relation_flags, role_flags, tense_flags
from eval.flags.checks.untranslated import untranslated_flags
from eval.flags.context import Check, DocumentContext, Scope
from eval.flags.view import SegmentView
from eval.values import Category, Flag, Severity
from tadqiq.errors import ConfigError

_C, _S = Category, Severity

REGISTRY: tuple[Check, ...] = (
    Check("numbers", _C.NUMBER, _S.CRITICAL, 0.9, 0, Scope.SEGMENT, number_flags,
          "numbers (digits, number words, ordinals, fractions, multiples, percentages) or their units that differ"),
    Check("dates", _C.NUMBER, _S.CRITICAL, 0.85, 0, Scope.SEGMENT, calendar_flags,
          "a weekday or month rendered as another"),
    Check("untranslated", _C.UNTRANSLATED, _S.MINOR, 0.9, 1, Scope.SEGMENT, untranslated_flags,
          "Latin-script words left in the Arabic"),
    Check("negation", _C.MISTRANSLATION, _S.CRITICAL, 0.8, 1, Scope.SEGMENT, negation_flags,
          "a negation added or lost"),
    Check("named-entity", _C.NAMED_ENTITY, _S.CRITICAL, 0.7, 2, Scope.SEGMENT, entity_flags,
          "a name of the reference missing or replaced"),
    Check("idiom", _C.MISTRANSLATION, _S.MAJOR, 0.7, 2, Scope.SEGMENT, idiom_flags,
          "an English idiom or idiomatic phrasal verb (WordNet, hand list) rendered word for word"),
    Check("phrasal-verb", _C.MISTRANSLATION, _S.MAJOR, 0.7, 2, Scope.SEGMENT, phrasal_flags,
          "a phrasal verb (WordNet) read back as its bare verb: the particle lost or changed"),
    Check("tense", _C.MISTRANSLATION, _S.MAJOR, 0.75, 2, Scope.SEGMENT, tense_flags,
          "a past event made future or back, a pluperfect made present"),
    Check("modality", _C.MISTRANSLATION, _S.MAJOR, 0.7, 2, Scope.SEGMENT, modality_flags,
          "a possibility, obligation or hedge made certain, or the other way round"),
    Check("roles", _C.MISTRANSLATION, _S.CRITICAL, 0.7, 2, Scope.SEGMENT, role_flags,
          "agent and patient swapped; the two sides of 'rather than' swapped"),
    Check("relation", _C.MISTRANSLATION, _S.MAJOR, 0.7, 2, Scope.SEGMENT, relation_flags,
          "a cause, purpose or concession turned into another; 'not all' made 'all … not'"),
    Check("agreement", _C.GRAMMAR, _S.MINOR, 0.7, 2, Scope.SEGMENT, agreement_flags,
          "a verb or pronoun whose gender or number disagrees with the person the reference names"),
    Check("glossary", _C.TERMINOLOGY, _S.MAJOR, 0.8, 1, Scope.SEGMENT, glossary_flags,
          "a glossary term rendered otherwise (needs --glossary)"),
    Check("gaps", _C.MISTRANSLATION, _S.MAJOR, 0.45, 5, Scope.SEGMENT, gaps.gap_check,
          "back-translation ↔ reference ↔ Arabic gap analysis",
          signals=((gaps.REFERENCE_UNRENDERED, 5), (gaps.LEXICON, 5), (gaps.BACK_TRANSLATION, 5),
                   (gaps.ANTONYM, 1), (gaps.WORD_SENSE, 3))),
    Check("consistency", _C.INCONSISTENCY, _S.MINOR, 0.75, 2, Scope.DOCUMENT, inconsistency_flags,
          "one name spelled two ways"),
    Check("sentence-alignment", _C.OMISSION, _S.MAJOR, 0.7, 3, Scope.WHOLE_SEGMENT,
          segment_score.alignment_flags, "a sentence with no counterpart on the other side"),
    Check("segment-score", _C.MISTRANSLATION, _S.MAJOR, 0.4, 9, Scope.WHOLE_SEGMENT,
          segment_score.low_score_flags,
          "a segment whose chrF++ is far below the document's median; also a weak signal on span flags"),
)

NAMES: tuple[str, ...] = tuple(c.name for c in REGISTRY)
BY_NAME: dict[str, Check] = {c.name: c for c in REGISTRY}
#: Evidence signal → the name of the check whose flags carry it.
CHECK_OF_SIGNAL: dict[str, str] = {s: c.name for c in REGISTRY for s in c.evidence_signals}
#: Evidence signal → merge priority (lower wins when two flags overlap).
PRIORITY: dict[str, int] = {s: p for c in REGISTRY for s, p in c.evidence_signals.items()}
#: The priority of an evidence signal no check registers (a flagger of its own).
UNKNOWN_PRIORITY = 4


def select(names: Collection[str] | None = None) -> tuple[Check, ...]:
    """The registered checks named in ``names`` (all when ``None``), in registry order.

    An unknown name is a :class:`~tadqiq.errors.ConfigError` listing the valid ones.
    """
    if names is None:
        return REGISTRY
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        raise ConfigError(
            f"unknown check{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
            f"valid checks: {', '.join(NAMES)}"
        )
    wanted = set(names)
    return tuple(c for c in REGISTRY if c.name in wanted)


def parse_selection(text: str) -> frozenset[str]:
    """``"numbers,negation"`` → just those checks; ``"-idiom,-glossary"`` → all but those.

    Names are separated by commas (spaces around them are ignored); mixing included and
    excluded names, an empty list, or an unknown name is a
    :class:`~tadqiq.errors.ConfigError`.
    """
    items = [t.strip() for t in text.split(",") if t.strip()]
    if not items:
        raise ConfigError(f"no check named; valid checks: {', '.join(NAMES)}")
    excluded = [t[1:].strip() for t in items if t.startswith("-")]
    included = [t for t in items if not t.startswith("-")]
    if excluded and included:
        raise ConfigError(
            "name the checks to run or the checks to leave out (-name), not both: "
            f"{text.strip()!r}"
        )
    select(excluded or included)  # unknown names
    if excluded:
        return frozenset(n for n in NAMES if n not in excluded)
    return frozenset(included)


@dataclass(frozen=True)
class Findings:
    """The raw flags of one document, grouped the way :func:`eval.flags.merge.combine` merges them."""

    per_segment: tuple[tuple[Flag, ...], ...]  # segment-scope flags of each view, in view order
    document: tuple[Flag, ...]  # document-scope span flags
    whole_segment: tuple[Flag, ...]  # flags on whole segments


def run_checks(
    checks: Sequence[Check], views: Sequence[SegmentView], ctx: DocumentContext
) -> Findings:
    """Run ``checks`` (in their order) over one document's segment views."""
    segment_checks = [c for c in checks if c.scope is Scope.SEGMENT]
    per_segment = tuple(
        tuple(f for c in segment_checks for f in c.run(view, ctx, c)) for view in views
    )
    document = tuple(f for c in checks if c.scope is Scope.DOCUMENT for f in c.run(views, ctx, c))
    whole = tuple(f for c in checks if c.scope is Scope.WHOLE_SEGMENT for f in c.run(views, ctx, c))
    return Findings(per_segment, document, whole)
