"""The backend contract: one method, ``translate``, and one small typed result.

:class:`ModelInfo` (what produced a translation) is a shared value type of
:mod:`eval.values`, re-exported here; a models.yaml entry makes one with
:meth:`translator.registry.ModelSpec.model_info`.

Modelled on httpx's transports: a backend is anything with ``info`` and
``translate``; :class:`FakeTranslator` is the test double, like httpx's MockTransport.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from eval.values import ModelInfo, WordLink
from tadqiq.errors import ModelError

__all__ = ["FakeTranslator", "Handler", "ModelInfo", "Progress", "Translation", "Translator"]

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Translation:
    """One source sentence and its English translation.

    ``links`` are source↔target character-offset links when the backend has them
    (the gloss backend gives exact ones; transformers models give cross-attention ones), else ``None``.
    ``parts`` is how many pieces the model translated the sentence in: more than 1 when
    the sentence was longer than the model's maximum input and was split (see
    :func:`translator.split.split_encode`); the pieces' translations are joined with a space.
    """

    source: str
    text: str
    links: tuple[WordLink, ...] | None = None
    parts: int = 1


@runtime_checkable
class Translator(Protocol):
    """A translation backend.

    ``translate`` returns one :class:`Translation` per input sentence, in input
    order; blank sentences translate to ``""``. ``progress``, if given, is called
    with the number of sentences just finished (the calls add up to ``len(sentences)``).
    Failures are :class:`~tadqiq.errors.ModelError`.
    """

    @property
    def info(self) -> ModelInfo: ...

    def translate(
        self, sentences: Sequence[str], progress: Progress | None = None
    ) -> list[Translation]: ...


Handler = Mapping[str, str | Translation] | Callable[[str], str | Translation]


class FakeTranslator:
    """A translator for tests: a mapping or a function from source sentence to translation.

    Values may be strings or :class:`Translation` (to carry links). A sentence
    missing from a mapping is a :class:`ModelError`. Every call is recorded in
    ``calls`` (the list of sentences passed), so tests can assert what reached
    the backend. Fakes that share a :class:`TranslationCache` need distinct
    ``info.cache_key`` values.
    """

    def __init__(self, handler: Handler, *, info: ModelInfo | None = None) -> None:
        self._handler = handler
        self._info = info or ModelInfo(
            name="fake", backend="fake", model=None, revision=None, cache_key="fake"
        )
        self.calls: list[list[str]] = []

    @property
    def info(self) -> ModelInfo:
        return self._info

    def translate(
        self, sentences: Sequence[str], progress: Progress | None = None
    ) -> list[Translation]:
        sentences = list(sentences)
        self.calls.append(sentences)
        out = [self._one(sentence) for sentence in sentences]
        if progress is not None and sentences:
            progress(len(sentences))
        return out

    def _one(self, sentence: str) -> Translation:
        if not sentence.strip():
            return Translation(sentence, "")
        if isinstance(self._handler, Mapping):
            if sentence not in self._handler:
                raise ModelError(f"fake translator has no translation for {sentence!r}")
            value = self._handler[sentence]
        else:
            value = self._handler(sentence)
        if isinstance(value, Translation):
            return (
                value
                if value.source == sentence
                else Translation(sentence, value.text, value.links, value.parts)
            )
        return Translation(sentence, value)
