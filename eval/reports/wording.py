"""The words people read, in one place: the terminal report, the HTML page and the run summaries
take their labels from here, so the views say the same thing the same way.

* :data:`SIGNAL_LABELS` — evidence signal (the machine name kept in the JSON, e.g.
  ``reference-unrendered``) → a plain label for an editor ("missing in Arabic");
  :func:`signal_label` looks one up.
* :data:`ROUGH_GLOSS_LABEL`, :data:`ROUGH_GLOSS_EXPLANATION` — what a rough (word-by-word
  gloss) back-translation is, said once in every view.
* :data:`MQM_QUALITY`, :data:`MQM_PENALTY_PER_1000`, :data:`MQM_WEIGHTS`,
  :func:`mqm_line` — the MQM-style score, named alike everywhere.
* :data:`DIRECTION_LEGEND` — what ↑ and ↓ after a metric mean
  (:attr:`eval.scoring.registry.MetricSpec.arrow`).
* :func:`segment_number` — segments are numbered from 0 in the JSON (``id``, a flag's
  ``segment``) and from 1 wherever a person reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from eval.values import MQMScore, Severity

__all__ = [
    "DIRECTION_LEGEND",
    "MQM_PENALTY_PER_1000",
    "MQM_QUALITY",
    "MQM_WEIGHTS",
    "ROUGH_GLOSS_EXPLANATION",
    "ROUGH_GLOSS_LABEL",
    "SIGNAL_LABELS",
    "mqm_line",
    "segment_number",
    "signal_label",
]

#: Evidence signal → what it means for an editor. Every signal of the check registry
#: (:data:`eval.flags.registry.CHECK_OF_SIGNAL`) has one (a test keeps them in step).
SIGNAL_LABELS: Mapping[str, str] = MappingProxyType({
    "numbers": "number",
    "dates": "day or month",
    "untranslated": "not translated",
    "negation": "negation",
    "named-entity": "name",
    "idiom": "idiom",
    "phrasal-verb": "phrasal verb",
    "tense": "tense",
    "modality": "may / must",
    "roles": "who did what",
    "relation": "logical link",
    "agreement": "gender / number",
    "glossary": "glossary",
    "reference-unrendered": "missing in Arabic",
    "lexicon": "dictionary",
    "back-translation": "back-translation",
    "antonym": "opposite meaning",
    "word-sense": "wrong sense",
    "consistency": "spelled two ways",
    "sentence-alignment": "unmatched sentence",
    "segment-score": "low score",
})


def signal_label(signal: str) -> str:
    """The plain label of an evidence signal; a signal without one is shown as it is."""
    return SIGNAL_LABELS.get(signal, signal)


#: A rough back-translation (``model.rough`` in the JSON): the gloss backend's.
ROUGH_GLOSS_LABEL = "rough word-by-word gloss"
ROUGH_GLOSS_EXPLANATION = (
    "The back-translation glosses the Arabic word by word with a lexicon; "
    "comparisons with it are noisier than with a real translation."
)

MQM_QUALITY = "MQM quality"
MQM_PENALTY_PER_1000 = "penalty points per 1,000 Arabic words"
#: The penalty weights, from :attr:`eval.values.Severity.weight`: "minor 1, major 5, critical 10".
MQM_WEIGHTS = ", ".join(f"{s.value} {s.weight}" for s in Severity)

#: The legend of the arrows after metric names.
DIRECTION_LEGEND = "↑ higher is better, ↓ lower is better"


def mqm_line(mqm: MQMScore) -> str:
    """``MQM quality 93.2 / 100 ↑ (68.1 penalty points per 1,000 Arabic words; minor 1, …)``."""
    return (
        f"{MQM_QUALITY} {mqm.quality:.1f} / 100 ↑ ({mqm.per_thousand:.1f} {MQM_PENALTY_PER_1000}; "
        f"{MQM_WEIGHTS})"
    )


def segment_number(segment_id: int) -> int:
    """The number a person reads for segment ``segment_id`` (JSON ids count from 0)."""
    return segment_id + 1
