"""The check flow (eval.flow): its three steps, as every entry point uses them."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval import flow
from tadqiq.errors import ModelError
from translator import FakeTranslator, Translation

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed"


class _LosesASentence(FakeTranslator):
    def translate(self, sentences, progress=None):
        return super().translate(sentences, progress)[:-1]


def test_files_and_texts_prepare_the_same_documents() -> None:
    files = flow.prepare_files(SEED / "article.ar.txt", SEED / "reference.en.txt")
    texts = flow.prepare_texts(
        (SEED / "article.ar.txt").read_text(encoding="utf-8"),
        (SEED / "reference.en.txt").read_text(encoding="utf-8"),
    )
    assert files.ar_segments == texts.ar_segments and files.ref_segments == texts.ref_segments
    assert list(files.timings) == ["read", "segment"] and not files.pre_aligned


def test_a_hypothesis_file_is_its_own_model_and_starts_no_progress() -> None:
    prepared = flow.prepare_files(SEED / "article.ar.txt", SEED / "reference.en.txt")
    totals: list[int] = []

    def progress(total: int):
        totals.append(total)
        return lambda n: None

    path = SEED / "hypothesis.en.txt"
    back = flow.back_translate(prepared, flow.Hypothesis(path), progress)
    assert totals == []
    assert back.model == {
        "name": "hypothesis-file", "backend": "precomputed", "model": str(path),
        "revision": None, "settings": {}, "rough": False,
    }
    assert back.units == tuple(flow.hypothesis_units(prepared, path.read_text(encoding="utf-8"), str(path)))


def test_a_loaded_translator_translates_every_sentence_once() -> None:
    prepared = flow.prepare_files(SEED / "article.ar.txt", SEED / "reference.en.txt")
    fake = FakeTranslator(lambda s: Translation(s, f"en:{len(s)}"))
    info = {"name": "fake"}
    totals: list[int] = []
    advanced: list[int] = []

    def progress(total: int):
        totals.append(total)
        return advanced.append

    report = flow.check(prepared, flow.LoadedModel(fake, info, "seed"), flaggers=[], progress=progress)
    assert fake.calls == [[s.text for s in prepared.ar_segments]]
    assert totals == [len(prepared.ar_segments)] == [sum(advanced)]
    assert report.model == info
    assert list(report.timings)[:3] == ["read", "segment", "translate"]


def test_a_translator_that_loses_a_sentence_is_a_model_error() -> None:
    prepared = flow.prepare_files(SEED / "article.ar.txt", SEED / "reference.en.txt")
    with pytest.raises(ModelError, match="returned .* translations for .* sentences"):
        flow.translate_units(prepared, _LosesASentence(lambda s: "x"))
