"""Calibrated confidence: a flag's confidence is the precision its check had, at that raw
score, on the labelled development sets.

Each check scores its flags with a raw confidence (its registry row's base, adjusted by
what it saw; merged signals add a little). Raw scores of different checks are not
comparable: a gap-analysis flag at 0.6 was right far less often than a negation flag at
0.6. The calibration table gives, per check and raw score, the share of the flags the
uncalibrated flagger raised at that score on the development sets that were right, shrunk
towards a prior as if :data:`PRIOR_WEIGHT` more flags had been seen (a score seen on two
flags moves little; one seen on forty takes its measured precision). The prior of a raw
score (:func:`prior`) is the score moved down by the difference between the threshold the
raw scores were designed around (0.6) and the default threshold on calibrated ones
(0.4); a raw score never seen on the development sets, and every score of a check with
fewer than :data:`MIN_FLAGS` development flags, gets its prior. A flag's check is the check of
its first evidence signal (the one that placed it).

The table is ``calibration.tsv`` beside this module, written by ``bench/calibrate.py``
from the development sets only (never a held-out split). ``--min-confidence`` compares
against the calibrated value: 0.5 keeps the flags whose check was right about half of the
time or more at that score.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from importlib import resources as importlib_resources
from types import MappingProxyType

from eval.flags.registry import CHECK_OF_SIGNAL
from eval.values import Flag
from tadqiq.errors import ConfigError

#: Smoothing: a raw score's measured precision is pulled towards its prior as if
#: PRIOR_WEIGHT more flags had been seen, that share of them right.
PRIOR_WEIGHT = 4.0
#: A check with fewer development flags than this is not calibrated.
MIN_FLAGS = 6
#: The threshold the checks' raw scores were designed around (a check lowers a doubtful
#: flag's raw score below it), and the default threshold on calibrated confidence, chosen
#: on the development sets. A raw score with no development evidence is moved down by the
#: difference, so that what a check marked as doubtful stays below the default.
RAW_THRESHOLD = 0.6
DEFAULT_THRESHOLD = 0.4
UNSEEN_SHIFT = RAW_THRESHOLD - DEFAULT_THRESHOLD
TABLE = "calibration.tsv"
_HEADER = "check\traw\tconfidence\tflags\tright"


@dataclass(frozen=True)
class Step:
    """The raw score ``raw`` maps to ``confidence``; ``flags`` and ``right`` are the
    development flags behind it."""

    raw: float
    confidence: float
    flags: int
    right: int


@dataclass(frozen=True)
class Calibration:
    """Per key (a check, or ``check:category``), its :class:`Step` s by raw score; a raw
    score without a step (never seen on the development sets) gets its :func:`prior`."""

    steps: Mapping[str, tuple[Step, ...]]

    def confidence(self, keys: str | Sequence[str], raw: float) -> float:
        """The calibrated confidence of ``raw`` under the first of ``keys`` (a check, or
        ``check:category``) whose table has that raw score; else :func:`prior`."""
        if self is IDENTITY:
            return raw
        for key in (keys,) if isinstance(keys, str) else keys:
            for step in self.steps.get(key, ()):
                if abs(raw - step.raw) < 5e-4:
                    return step.confidence
        return prior(raw)

    def apply(self, flag: Flag) -> Flag:
        """``flag`` with its confidence calibrated: by its check and category where the
        development sets had enough such flags, else by its check."""
        if not flag.evidence:
            return flag
        calibrated = self.confidence(keys_of(flag), flag.confidence)
        return flag if calibrated == flag.confidence else replace(flag, confidence=calibrated)

    def to_tsv(self) -> str:
        rows = [_HEADER]
        for check in sorted(self.steps):
            for s in self.steps[check]:
                rows.append(f"{check}\t{s.raw:.3f}\t{s.confidence:.3f}\t{s.flags}\t{s.right}")
        return "\n".join(rows) + "\n"

    @classmethod
    def from_tsv(cls, text: str, source: str = TABLE) -> Calibration:
        lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
        if not lines or lines[0].strip() != _HEADER:
            raise ConfigError(f"{source}: not a calibration table (first line must be {_HEADER!r})")
        steps: dict[str, list[Step]] = {}
        for n, line in enumerate(lines[1:], start=2):
            cells = line.split("\t")
            try:
                check, raw, conf, flags, right = cells
                step = Step(float(raw), float(conf), int(flags), int(right))
            except ValueError:
                raise ConfigError(f"{source}: line {n}: expected 5 tab-separated fields "
                                  f"(check, raw, confidence, flags, right)") from None
            if not 0.0 <= step.confidence <= 1.0:
                raise ConfigError(f"{source}: line {n}: confidence {step.confidence} is not in [0, 1]")
            steps.setdefault(check, []).append(step)
        return cls(MappingProxyType({c: tuple(sorted(s, key=lambda x: x.raw)) for c, s in steps.items()}))


#: No calibration: every flag keeps its raw confidence (used to fit the table).
IDENTITY = Calibration(MappingProxyType({}))


def check_of(flag: Flag) -> str:
    """The check a flag's confidence is calibrated as: that of its first evidence signal."""
    signal = flag.evidence[0].signal
    return CHECK_OF_SIGNAL.get(signal, signal)


def keys_of(flag: Flag) -> tuple[str, str]:
    """The table keys of a flag, most specific first: ``check:category``, then ``check``
    (the gap analysis is far more often right about an omission than a single word)."""
    check = check_of(flag)
    return f"{check}:{flag.category.value}", check


def fit(samples: Iterable[tuple[str, float, bool]]) -> Calibration:
    """The calibration of ``(key, raw confidence, right?)`` samples: per key and raw score,
    the share of right flags shrunk towards the score's :func:`prior` (worth
    :data:`PRIOR_WEIGHT` flags), so that a score seen on few flags moves little. A key
    with fewer than :data:`MIN_FLAGS` samples gets no steps."""
    bins: dict[str, dict[float, list[int]]] = {}
    for check, raw, right in samples:
        b = bins.setdefault(check, {}).setdefault(round(raw, 3), [0, 0])
        b[0] += 1
        b[1] += bool(right)
    steps: dict[str, tuple[Step, ...]] = {}
    for check, by_raw in bins.items():
        if sum(n for n, _ in by_raw.values()) < MIN_FLAGS:
            continue
        steps[check] = tuple(
            Step(raw, round(shrunk(raw, n, right), 3), n, right) for raw, (n, right) in sorted(by_raw.items())
        )
    return Calibration(MappingProxyType(steps))


def prior(raw: float) -> float:
    """The calibrated confidence of a raw score with no development evidence."""
    return max(0.0, raw - UNSEEN_SHIFT)


def shrunk(raw: float, flags: int, right: int) -> float:
    """Measured precision ``right / flags`` shrunk towards :func:`prior` of the raw score."""
    return (right + PRIOR_WEIGHT * prior(raw)) / (flags + PRIOR_WEIGHT)


@functools.lru_cache(maxsize=1)
def default() -> Calibration:
    """The committed table (``eval/flags/calibration.tsv``)."""
    text = importlib_resources.files("eval.flags").joinpath(TABLE).read_text(encoding="utf-8")
    return Calibration.from_tsv(text)


__all__ = ["DEFAULT_THRESHOLD", "IDENTITY", "MIN_FLAGS", "PRIOR_WEIGHT", "RAW_THRESHOLD", "UNSEEN_SHIFT", "Calibration", "Step", "check_of", "default", "fit", "keys_of", "prior", "shrunk"]
