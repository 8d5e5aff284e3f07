"""English verb groups: the auxiliaries, modals and hedges in front of a word, and what they say.

:func:`verb_group` reads leftwards from a word of a tokenised English sentence
(:func:`eval.text.tokens.tokenize_en`) over the function words that make up its verb
group — auxiliaries (*has*, *had*, *was*, *will*), modals (*may*, *must*, *could*),
*to*, negators, adverbs (*also*, *reportedly*) and the semi-auxiliaries of *is expected
to*, *was likely to*, *has to* — stopping at punctuation or at any other word, and
classifies the group:

* :class:`Time` — past (*signed*, *was signing*), perfect (*has signed*), pluperfect
  (*had signed*), present (*signs*, *is signing*), future (*will sign*, *would sign*,
  *is going to sign*, *is expected to sign*), non-finite (*to sign*, *signing*), or
  unknown (a bare *cut* or *put*, a modal with a plain verb);
* :class:`Mood` — certain, possible (*may*, *might*, *can*, *could*, *able to*) or
  obligatory (*must*, *should*, *has to*, *need to*, *ought to*);
* the hedge, if any (*is expected to*, *likely*, *reportedly*, *allegedly*);
* voice (*was pulled*, *has been closed*) and negation.

A copula counts for the word after it (*may have been the emblem*): a determiner
between them is skipped. Only English morphology is used: the irregular verbs of
:mod:`eval.text.tokens` and the regular *-ed* ending checked against the stemmer.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from eval.text.tokens import Token, irregular_forms, stem


class Time(str, Enum):
    PAST = "past"
    PERFECT = "perfect"
    PLUPERFECT = "pluperfect"
    PRESENT = "present"
    FUTURE = "future"
    NONFINITE = "non-finite"
    UNKNOWN = "unknown"

    @property
    def is_past(self) -> bool:
        return self in (Time.PAST, Time.PERFECT, Time.PLUPERFECT)


class Mood(str, Enum):
    CERTAIN = "certain"
    POSSIBLE = "possible"
    OBLIGATORY = "obligatory"


@dataclass(frozen=True, slots=True)
class VerbGroup:
    """The verb group ending in ``head``: its function words (``markers``, in order) and
    what they say. ``finite``: the group shows its time by an auxiliary, a modal or an
    inflected past form after a subject, not just by a bare word."""

    head: Token
    markers: tuple[Token, ...]
    time: Time
    mood: Mood
    hedge: str | None
    passive: bool
    negated: bool
    finite: bool
    bare_irregular: bool = False  # a bare form equal to its base and past (cost, cut, put)

    @property
    def first(self) -> Token:
        """The group's first token (its first marker, else the head)."""
        return self.markers[0] if self.markers else self.head

    @property
    def modal(self) -> Mood:
        """The mood, with a hedge read as a possibility (*is expected to* ≈ *may*)."""
        return Mood.POSSIBLE if self.hedge and self.mood is Mood.CERTAIN else self.mood

    def words(self) -> str:
        return " ".join(t.text for t in (*self.markers, self.head))


BE = frozenset("be is are am was were been being".split())
HAVE = frozenset("have has had having".split())
DO = frozenset("do does did".split())
GET = frozenset("get gets got gotten".split())
FUTURE_MODALS = frozenset("will shall won't shan't".split())
WOULD = frozenset("would wouldn't".split())
POSSIBLE_MODALS = frozenset("may might can could cannot can't couldn't mightn't".split())
OBLIGATORY_MODALS = frozenset("must mustn't should shouldn't ought".split())
MODALS = FUTURE_MODALS | WOULD | POSSIBLE_MODALS | OBLIGATORY_MODALS
NEGATORS = frozenset("not never".split())
# Semi-auxiliaries: a word that joins the group only before "to" (is expected to, has to).
HEDGE_SEMI = frozenset(
    "expected likely believed thought said reported alleged supposed rumoured rumored anticipated "
    "predicted projected estimated forecast seem seems seemed appear appears appeared".split()
)
FUTURE_SEMI = frozenset("going set due about scheduled".split())
ABILITY_SEMI = frozenset({"able"})
OBLIGATION_SEMI = frozenset("have has had having need needs needed required obliged forced ought".split())
# Adverbs that hedge a statement wherever they stand in it.
HEDGE_ADVERBS = frozenset(
    "reportedly allegedly likely probably possibly perhaps maybe apparently presumably "
    "supposedly seemingly purportedly".split()
)
# Adverbs that may stand inside a verb group without changing what it says.
_INNER_ADVERBS = frozenset(
    "also still already just now then yet even only soon again ever further first "
    "currently recently initially eventually finally previously originally reportedly allegedly "
    "likely probably possibly perhaps apparently presumably supposedly".split()
)
_DETERMINERS = frozenset("the a an".split())
# Words in -ly that are not adverbs of manner or degree.
_NOT_ADVERBS = frozenset("family italy july rally ally supply apply reply comply assembly monopoly anomaly belly bully".split())
# A word right before a bare verb-looking word that makes it a noun or a non-finite form.
_NOT_A_SUBJECT = frozenset(
    "the a an this that these those its their his her our my your of to for in on at by with "
    "from into over under about after before than rather and or but nor".split()
)
_BREAK = re.compile(r"[,.;:!?\"“”()\[\]—–]")


def _low(token: Token) -> str:
    return token.text.lower().replace("’", "'")


@functools.lru_cache(maxsize=65536)
def is_past_form(word: str) -> bool:
    """An inflected past or past-participle form: an irregular one (*signed*, *began*,
    *won*) or a regular *-ed* form whose stem is a verb's (*raised*, *stopped*, *carried*;
    not *need*, *speed*, *proceed*). A form equal to its base (*cut*, *put*) is not."""
    low = word.lower().replace("’", "'")
    base = irregular_forms().get(low)
    if base is not None:
        return base != low and base != "be"
    if not low.endswith("ed") or len(low) < 4:
        return False
    own = stem(low)
    candidates = []
    if not re.search(r"[^aeiou]re$", low[:-1]):
        candidates.append(low[:-1])  # raised → raise (not hundred → hundre)
    if not re.search(r"[^aeiou][rl]$", low[:-2]):
        candidates.append(low[:-2])  # walked → walk (not hundred → hundr)
    if len(low) > 5 and low[-3] == low[-4]:
        candidates.append(low[:-3])  # stopped → stop
    if low[-3] == "i":
        candidates.append(low[:-3] + "y")  # carried → carry
    return any(len(c) >= 2 and stem(c) == own for c in candidates)


def is_participle(word: str) -> bool:
    """A past participle, including the irregular ones equal to their base (*set*, *cut*)."""
    low = word.lower().replace("’", "'")
    return is_past_form(low) or irregular_forms().get(low) == low


def is_ing_form(word: str) -> bool:
    low = word.lower()
    return low.endswith("ing") and len(low) >= 5


def _breaks(text: str, text_offset: int, left: Token, right: Token) -> bool:
    """Punctuation between two tokens (offsets of both are into ``text`` + ``text_offset``)."""
    gap = text[left.end - text_offset : right.start - text_offset]
    return bool(_BREAK.search(gap))


def _joins_group(word: str, after: str) -> bool:
    """Whether ``word`` belongs to the verb group when ``after`` follows it in the group."""
    if word in BE or word in HAVE or word in DO or word in GET or word in MODALS or word in NEGATORS:
        return True
    if word.endswith("n't") or word == "to" or word in _INNER_ADVERBS:
        return True
    if word.endswith("ly") and len(word) > 4 and word not in _NOT_ADVERBS:
        return True  # "will be partly funded", "has sharply cut"
    return after == "to" and (word in HEDGE_SEMI or word in FUTURE_SEMI or word in ABILITY_SEMI
                              or word in OBLIGATION_SEMI or word == "order")


def _chain(tokens: Sequence[Token], k: int, text: str, text_offset: int) -> list[Token]:
    """The function words of the verb group in front of ``tokens[k]``, in order."""
    out: list[Token] = []
    j = k - 1
    nxt = tokens[k]
    # A copula's complement: "was the emblem", "may have been a ruler".
    if j >= 1 and _low(tokens[j]) in _DETERMINERS and _low(tokens[j - 1]) in BE \
            and not _breaks(text, text_offset, tokens[j], nxt):
        nxt = tokens[j]
        j -= 1
    words: list[str] = []  # the lower-case words of ``out``
    while j >= 0:
        tok = tokens[j]
        word = _low(tok)
        if not _joins_group(word, words[-1] if words else "") or _breaks(text, text_offset, tok, nxt):
            break
        out.append(tok)
        words.append(word)
        nxt = tok
        j -= 1
    out.reverse()
    words.reverse()
    # "in order to": purpose, not a verb group marker; drop "order" and what precedes it.
    if "order" in words:
        out = out[words.index("order") + 1:]
    return out


def verb_group(tokens: Sequence[Token], k: int, text: str, text_offset: int = 0) -> VerbGroup:
    """The verb group ending in ``tokens[k]`` (see the module docstring).

    ``text`` is the text the tokens were cut from, ``text_offset`` the offset of its first
    character in the tokens' offsets (punctuation between tokens ends a group).
    """
    head = tokens[k]
    markers = _chain(tokens, k, text, text_offset)
    hw = _low(head)
    if not markers:
        # A bare word: certain, active, affirmative; its form and the word before it tell the rest.
        subject = _subject_before(tokens, head.index)
        time, finite = _time([], hw, subject)
        bare = subject and irregular_forms().get(hw) == hw
        return VerbGroup(head, (), time, Mood.CERTAIN, None, False, False, finite, bare)
    words = [_low(t) for t in markers]
    negated = any(w in NEGATORS or w.endswith("n't") or w == "cannot" for w in words)

    hedge = next((w for w in words if w in HEDGE_ADVERBS), None)
    for a, b in zip(words, words[1:], strict=False):
        if b == "to" and a in HEDGE_SEMI:
            hedge = a
    mood = Mood.CERTAIN
    if any(w in OBLIGATORY_MODALS for w in words) or any(
        b == "to" and a in OBLIGATION_SEMI for a, b in zip(words, words[1:], strict=False)
    ):
        mood = Mood.OBLIGATORY
    elif any(w in POSSIBLE_MODALS for w in words) or any(
        b == "to" and a in ABILITY_SEMI for a, b in zip(words, words[1:], strict=False)
    ):
        mood = Mood.POSSIBLE

    aux = [w for w in words if w in BE or w in HAVE or w in DO or w in GET or w in MODALS or w == "to"
           or w in HEDGE_SEMI or w in FUTURE_SEMI or w in ABILITY_SEMI or w in OBLIGATION_SEMI
           or w.endswith("n't")]
    # The last auxiliary before the head decides the voice: be (or get) + participle.
    last_aux = aux[-1] if aux else ""
    passive = (last_aux in BE or last_aux in GET) and is_participle(hw)
    subject = _subject_before(tokens, markers[0].index)
    time, finite = _time(aux, hw, subject)
    bare = not aux and subject and irregular_forms().get(hw) == hw
    return VerbGroup(head, tuple(markers), time, mood, hedge, passive, negated, finite, bare)


def _subject_before(tokens: Sequence[Token], start: int) -> bool:
    """The word before a group starting at ``start`` may be its subject: there is one, and
    it is no determiner, preposition or form of *be* (which make a bare form a modifier or a
    noun: "the newly elected", "of cut flowers")."""
    prev = _low(tokens[start - 1]) if start > 0 else ""
    return bool(prev) and prev not in _NOT_A_SUBJECT and prev not in BE


def _time(aux: list[str], hw: str, subject: bool) -> tuple[Time, bool]:
    """The time of a group with the auxiliaries ``aux`` before the (lower-case) head ``hw``,
    and whether the group is finite."""
    if not aux:
        if is_past_form(hw) and subject:
            return Time.PAST, True
        if is_ing_form(hw):
            return Time.NONFINITE, False
        return (Time.PRESENT if hw.endswith("s") else Time.UNKNOWN), False
    first = aux[0]
    pairs = list(zip(aux, aux[1:], strict=False))
    if first in ("to",):
        return Time.NONFINITE, False
    if first in FUTURE_MODALS or first.endswith("'ll"):
        return Time.FUTURE, True
    if first in WOULD:
        return (Time.UNKNOWN if "have" in aux else Time.FUTURE), True
    if first in BE and any(b == "to" and (a in FUTURE_SEMI or a in HEDGE_SEMI) for a, b in pairs):
        return Time.FUTURE, True  # is going to / is expected to / was likely to
    if first in BE and len(aux) >= 2 and aux[1] == "to":
        return Time.FUTURE, True  # is to visit
    if first in POSSIBLE_MODALS or first in OBLIGATORY_MODALS:
        # may have signed / must have been: a past event, possibly or by inference.
        return (Time.PAST if len(aux) >= 2 and aux[1] == "have" else Time.UNKNOWN), True
    if first in ("has", "have", "having"):
        if len(aux) >= 2 and aux[1] == "to":
            return Time.PRESENT, True  # has to
        return Time.PERFECT, True
    if first == "had":
        if len(aux) >= 2 and aux[1] == "to":
            return Time.PAST, True  # had to
        return Time.PLUPERFECT, True
    if first in ("was", "were", "did", "got"):
        return Time.PAST, True
    if first in ("is", "are", "am", "do", "does", "get", "gets"):
        return Time.PRESENT, True
    if first in ("need", "needs", "needed", "required", "obliged", "forced"):
        return (Time.PAST if first == "needed" else Time.PRESENT), True
    return Time.UNKNOWN, False


__all__ = [
    "HEDGE_ADVERBS",
    "Mood",
    "Time",
    "VerbGroup",
    "is_ing_form",
    "is_participle",
    "is_past_form",
    "verb_group",
]
