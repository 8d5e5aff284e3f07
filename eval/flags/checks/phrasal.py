"""The phrasal-verb check: a phrasal verb of the reference (rolled out, stand by, turned the
offer down) whose back-translation keeps the verb but loses its particle or puts another in
its place ("rolled the campaign", "stand beside"): the Arabic rendered the verb alone, in
its literal sense.

The phrasal verbs are WordNet 3.0's two-word verb lemmas whose second word is an adverbial
particle (:data:`eval.lexicon.mwe.PARTICLES`), kept only where the phrasal verb's most
frequent sense is not, by WordNet, a sense of the bare verb or a kind of one (so "close
down" ~ "close" and "turn away" ~ "turn" are left out: dropping their particle mostly keeps
the meaning). A verb and its
particle may have a short object between them ("turning guests away").

The reference verb and the back-translation verb must be the same WordNet verb, paired by
the segment's word alignment; the back-translation keeps the particle if it stands within a
few words after its verb. A particle that is chiefly a preposition (by, on, in…) followed by
a noun phrase in the reference may be meant literally ("fell in three days", "stand by the
door"): it is left alone.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from eval.flags.checks.common import make_flag
from eval.flags.context import Check, DocumentContext
from eval.flags.view import SegmentView
from eval.lexicon import index as lexindex
from eval.lexicon import mwe, wordnet
from eval.text import verbs
from eval.text.tokens import Token
from eval.values import Flag

#: At most this many words between a verb and its particle ("turned the offer down").
MAX_OBJECT = 2
#: How far after the back-translation's verb its particle may stand.
HYP_REACH = 4
#: Particles that are chiefly prepositions: before a noun phrase they may be meant literally
#: (the idiom matcher's, and "over": "fell over the edge").
PREPOSITIONS = mwe.PREPOSITION_PARTICLES | {"over"}
#: English prepositions a back-translation may put in the particle's place ("stand beside").
OTHER_PREPOSITIONS = frozenset(
    "beside at with from to into onto upon of for under across against behind near towards toward".split()
)


@functools.lru_cache(maxsize=8192)
def _verbs(word: str) -> frozenset[str]:
    return frozenset(wordnet.base_forms(word.lower(), "v"))


@functools.lru_cache(maxsize=8192)
def phrasal_verb(verb: str, particle: str) -> bool:
    """WordNet has ``verb particle`` as a verb whose most frequent sense is neither a sense
    of the bare verb nor a kind of one."""
    lemma = f"{verb} {particle}"
    # its most frequent verb sense: the first among the verb's expressions (no gloss needed)
    first = next((sid for x_lemma, pos, sid in wordnet.expression_senses(verb) if x_lemma == lemma and pos == "v"), None)
    if first is None:
        return False
    return not mwe.bare_verb_sense(verb, first)


#: Auxiliaries: a particle after one belongs to the verb that follows it.
AUXILIARIES = verbs.BE | verbs.HAVE | verbs.DO


def _takes(tok: Token, particle: str) -> bool:
    """``tok`` is an auxiliary, or a verb that makes a phrasal verb with ``particle``."""
    word = tok.text.lower()
    return word in AUXILIARIES or any(phrasal_verb(v, particle) for v in _verbs(word))


lexindex.on_reset(_verbs.cache_clear)
lexindex.on_reset(phrasal_verb.cache_clear)


def _particle_after(tokens: Sequence[Token], i: int, reach: int) -> list[tuple[int, str]]:
    """(index, particle) of the adverbial particles within ``reach`` words after ``tokens[i]``,
    stopping at punctuation."""
    out = []
    for k in range(i + 1, min(len(tokens), i + reach + 2)):
        tok = tokens[k]
        if tok.kind != "word":
            break
        word = tok.text.lower()
        if word in mwe.PARTICLES:
            out.append((k, word))
    return out


def phrasal_flags(view: SegmentView, ctx: DocumentContext, check: Check) -> list[Flag]:
    flags: list[Flag] = []
    ref, hyp = view.ref, view.hyp_tokens
    pairs = {view.ref_c[i].index: view.hyp_c[j] for i, j in view.pairs}
    for i, tok in enumerate(ref):
        h = pairs.get(tok.index)
        if tok.kind != "word" or h is None:
            continue
        shared = _verbs(tok.text) & _verbs(h.text)
        if not shared:
            continue
        for k, particle in _particle_after(ref, i, MAX_OBJECT):
            verb = next((v for v in sorted(shared) if phrasal_verb(v, particle)), None)
            if verb is None:
                continue
            if any(_takes(ref[m], particle) for m in range(i + 1, k)):
                break  # "work was carried out": the particle belongs to a nearer verb
            if particle in PREPOSITIONS and k + 1 < len(ref) and ref[k + 1].kind in ("word", "number"):
                break  # "fell in three days", "stand by the door": a preposition, maybe meant literally
            kept = [p for _, p in _particle_after(hyp, h.index, HYP_REACH)]
            if particle in kept:
                break
            after = hyp[h.index + 1] if h.index + 1 < len(hyp) else None
            changed = kept[0] if kept else (after.text.lower() if after is not None and after.kind == "word"
                                             and after.text.lower() in OTHER_PREPOSITIONS | mwe.PARTICLES else "")
            words = view.ar_for_ref.get(tok.index) or view.arabic_for([h]) or view.by_position([h])
            if not words:
                break
            first = min(words)
            last = first + 1 if first + 1 < len(view.ar) and view.ar[first + 1].function else first
            span = ctx.ar_span(view.ar[first].token.start, view.ar[last].token.end)
            said = f"'{verb} {particle}'"
            how = f"with '{changed}' for '{particle}'" if changed else f"without '{particle}'"
            flags.append(make_flag(
                view, check, span, ctx.ref_span(tok.start, ref[k].end),
                f"the phrasal verb {said} is read back as '{h.text}' {how}: the Arabic "
                f"{span.text} renders the verb alone",
                view.hyp_span([h]),
            ))
            break
    return flags
