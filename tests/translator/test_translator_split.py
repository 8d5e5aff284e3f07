"""Sentences longer than the model's maximum input are split, translated in pieces and joined.

The tiny test models take at most 128 source tokens (``model_max_length`` and
``max_position_embeddings`` of tests/tiny_models.py), so a few pseudo-sentences joined
make an over-long one. Nothing may be cut off: every piece is translated, the pieces'
translations are joined with a space, word links are shifted onto the whole sentence,
and ``Translation.parts`` (stored in the cache, shown in the report) says how many
pieces there were. The CTranslate2 backend shares the splitting (tests/translator/test_ct2.py
has its parity test).
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from typing import Any

import pytest
from tiny_models import training_text

from eval.values import WordLink
from translator import (
    CachedTranslator,
    ModelSpec,
    Translation,
    TranslationCache,
    load_translator,
    parse_registry,
)
from translator.batching import plan_batches
from translator.hf import HFTranslator
from translator.split import Piece, join_pieces, split_encode

LIMIT = 128  # the tiny models' maximum input, in tokens
NLLB_LANGS = "    src_lang: arb_Arab\n    tgt_lang: eng_Latn\n"


def spec_for(model: Path, tmp_path: Path, extra: str = "", generation: str = "") -> ModelSpec:
    text = (
        f"default: m\nmodels:\n  m:\n    backend: hf\n    model: {model}\n{extra}"
        f"    generation: {{num_beams: 1, max_new_tokens: 16{generation}}}\n"
    )
    return parse_registry(text, tmp_path / "models.yaml").default


def hf(spec: ModelSpec) -> HFTranslator:
    model = load_translator(spec, allow_download=False)
    assert isinstance(model, HFTranslator)
    model.load_weights()
    return model


def arabic(n: int, seed: int = 3) -> list[str]:
    """Arabic pseudo-sentences (no punctuation)."""
    return training_text(2 * n, seed=seed)[::2]


def with_clauses(n: int, seed: int = 3) -> str:
    """One long sentence of ``n`` short clauses separated by Arabic and Latin clause marks."""
    marks = ["،", "؛", ",", ";", ":"]
    clauses = arabic(n, seed)
    return " ".join(c + marks[k % len(marks)] for k, c in enumerate(clauses[:-1])) + " " + clauses[-1]


def ends(link: WordLink) -> tuple[int, int, int, int]:
    return (link.src_start, link.src_end, link.tgt_start, link.tgt_end)


def words(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"\S+", text)]


class GenerateSpy:
    """Records the input shape of every model.generate call."""

    def __init__(self, translator: HFTranslator) -> None:
        self.model = translator._model
        self.inner = self.model.generate
        self.shapes: list[tuple[int, int]] = []
        self.model.generate = self

    def __call__(self, **kwargs: Any) -> Any:
        self.shapes.append(tuple(kwargs["input_ids"].shape))
        return self.inner(**kwargs)


@pytest.fixture(scope="module")
def marian(tiny_marian: Path, tmp_path_factory: pytest.TempPathFactory) -> HFTranslator:
    return hf(spec_for(tiny_marian, tmp_path_factory.mktemp("split")))


@pytest.fixture(scope="module")
def nllb(tiny_nllb: Path, tmp_path_factory: pytest.TempPathFactory) -> HFTranslator:
    return hf(spec_for(tiny_nllb, tmp_path_factory.mktemp("split-nllb"), NLLB_LANGS))


def check_pieces(text: str, pieces: list[Piece], ids: list[list[int]], limit: int = LIMIT) -> None:
    """In order, within the limit, non-empty, and nothing but spaces between them."""
    assert pieces and all(p.sentence == pieces[0].sentence for p in pieces)
    assert all(len(piece_ids) <= limit for piece_ids in ids)
    position = 0
    for piece in pieces:
        assert text[position : piece.start].strip() == ""  # only spaces were skipped
        assert piece.start < piece.end
        chunk = text[piece.start : piece.end]
        assert chunk == chunk.strip()
        position = piece.end
    assert text[position:].strip() == ""


def check_links(t: Translation) -> None:
    """Every link joins a whole word of the sentence to a whole word of the joined text."""
    assert t.links is not None and t.links
    src_words, tgt_words = set(words(t.source)), set(words(t.text))
    for link in t.links:
        assert 0 <= link.src_start < link.src_end <= len(t.source)
        assert 0 <= link.tgt_start < link.tgt_end <= len(t.text)
        assert (link.src_start, link.src_end) in src_words, link
        assert (link.tgt_start, link.tgt_end) in tgt_words, link
    linked = {(link.tgt_start, link.tgt_end) for link in t.links}
    assert linked == tgt_words  # every word of every piece's translation is linked


# --- where a sentence is cut -----------------------------------------------------------------


def test_a_sentence_that_fits_is_one_piece(marian: HFTranslator) -> None:
    short = arabic(2)
    ids, pieces = split_encode(marian._tokenizer, short, LIMIT)
    assert pieces == [Piece(0, 0, len(short[0])), Piece(1, 0, len(short[1]))]
    assert ids == marian._tokenizer(short)["input_ids"]


def test_cuts_after_clause_punctuation_first(marian: HFTranslator) -> None:
    text = with_clauses(30)
    assert len(marian._tokenizer(text)["input_ids"]) > 2 * LIMIT
    ids, pieces = split_encode(marian._tokenizer, [text], LIMIT)
    check_pieces(text, pieces, ids)
    assert len(pieces) >= 3
    for piece in pieces[:-1]:
        assert text[piece.end - 1] in "،؛,;:", text[piece.start : piece.end][-20:]
    # Greedy: each piece is as long as it can be (the next clause would not fit).
    for piece, following in zip(pieces, pieces[1:], strict=False):
        nxt = re.search(r"[،؛,;:]", text[following.start :])
        end = following.start + nxt.end() if nxt else len(text)
        assert len(marian._tokenizer(text[piece.start : end])["input_ids"]) > LIMIT


def test_cuts_between_words_without_punctuation(marian: HFTranslator) -> None:
    text = " ".join(arabic(40))
    ids, pieces = split_encode(marian._tokenizer, [text], LIMIT)
    check_pieces(text, pieces, ids)
    assert len(pieces) >= 3
    for piece in pieces[:-1]:
        assert text[piece.end].isspace()  # never inside a word


def test_a_long_clause_is_cut_between_words(marian: HFTranslator) -> None:
    long_clause = " ".join(arabic(30, seed=8))
    text = f"قال الرئيس، {long_clause}، في أوكرانيا"
    ids, pieces = split_encode(marian._tokenizer, [text], LIMIT)
    check_pieces(text, pieces, ids)
    assert text[: pieces[0].end] == "قال الرئيس،"  # the clause mark is still preferred


def test_a_single_monster_word_is_cut_between_tokens(
    marian: HFTranslator, nllb: HFTranslator
) -> None:
    word = "".join(arabic(30)).replace(" ", "")
    for model in (marian, nllb):
        ids, pieces = split_encode(model._tokenizer, [f"قال {word} الرئيس"], LIMIT)
        text = f"قال {word} الرئيس"
        check_pieces(text, pieces, ids)
        assert "".join(text[p.start : p.end] for p in pieces) == text.replace(" ", "")
        assert len(pieces) >= 2


def test_several_sentences_keep_their_order(marian: HFTranslator) -> None:
    long = " ".join(arabic(40))
    inputs = ["قال", long, "الرئيس", long + " في"]
    ids, pieces = split_encode(marian._tokenizer, inputs, LIMIT)
    assert [p.sentence for p in pieces] == sorted(p.sentence for p in pieces)
    assert {p.sentence for p in pieces} == {0, 1, 2, 3}
    for k in (1, 3):
        mine = [j for j, p in enumerate(pieces) if p.sentence == k]
        check_pieces(inputs[k], [pieces[j] for j in mine], [ids[j] for j in mine])


# --- joining the pieces' translations ------------------------------------------------------------


def test_join_shifts_links_to_the_whole_sentence() -> None:
    source = "aa bb، cc dd"
    first = Translation("aa bb،", "x y", (WordLink(0, 2, 0, 1), WordLink(3, 6, 2, 3, 0.5)))
    second = Translation("cc dd", "zz", (WordLink(3, 5, 0, 2),))
    joined = join_pieces(source, [(0, first), (7, second)])
    assert joined == Translation(
        source,
        "x y zz",
        (WordLink(0, 2, 0, 1), WordLink(3, 6, 2, 3, 0.5), WordLink(10, 12, 4, 6)),
        parts=2,
    )
    assert joined.source[10:12] == "dd" and joined.text[4:6] == "zz"
    # A piece that translated to nothing adds no double space; no links anywhere: None.
    empty = join_pieces(source, [(0, Translation("aa bb،", "")), (7, Translation("cc dd", "zz"))])
    assert (empty.text, empty.links, empty.parts) == ("zz", None, 2)


# --- translating -----------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["marian", "nllb"])
def test_long_sentence_is_translated_whole(which: str, request: pytest.FixtureRequest) -> None:
    model: HFTranslator = request.getfixturevalue(which)
    long = with_clauses(30, seed=4) if which == "marian" else with_clauses(12, seed=4)
    short = arabic(3, seed=9)
    inputs = [short[0], long, short[1], "", short[2]]
    _, pieces = split_encode(model._tokenizer, [long], LIMIT)
    assert len(pieces) >= 2

    spy = GenerateSpy(model)
    progress: list[int] = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "cut to that length" warning any more
        warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")
        result = model.translate(inputs, progress=progress.append)
    assert [t.source for t in result] == inputs
    assert [t.parts for t in result] == [1, len(pieces), 1, 1, 1]
    assert sum(progress) == len(inputs) and all(n > 0 for n in progress)
    # Every piece was generated, each within the model's input, with the short sentences.
    assert sum(rows for rows, _ in spy.shapes) == len(pieces) + 3
    assert all(width <= LIMIT for _, width in spy.shapes)

    # The long sentence's translation is its pieces', each translated alone, joined.
    alone = [model.translate([long[p.start : p.end]])[0] for p in pieces]
    assert all(t.parts == 1 for t in alone)
    assert result[1].text == " ".join(t.text for t in alone if t.text)
    joined = join_pieces(long, [(p.start, t) for p, t in zip(pieces, alone, strict=True)])
    assert (joined.source, joined.text, joined.parts) == (long, result[1].text, len(pieces))
    assert result[1].links is not None and joined.links is not None
    # Padding in a batch moves attention weights a little, never the links' ends.
    assert [ends(x) for x in result[1].links] == [ends(x) for x in joined.links]
    assert [x.weight for x in result[1].links] == pytest.approx(
        [x.weight for x in joined.links], abs=2e-3
    )
    check_links(result[1])
    # Links of piece k stay inside piece k on the source side.
    starts = [p.start for p in pieces]
    for link in result[1].links or ():
        k = max(i for i, s in enumerate(starts) if s <= link.src_start)
        assert link.src_end <= pieces[k].end
    model._model.generate = spy.inner


def test_monster_word_is_translated_in_pieces(marian: HFTranslator) -> None:
    word = "".join(arabic(30, seed=6)).replace(" ", "")
    (result,) = marian.translate([word])
    _, pieces = split_encode(marian._tokenizer, [word], LIMIT)
    assert result.parts == len(pieces) >= 2 and result.text
    for link in result.links or ():
        assert 0 <= link.src_start < link.src_end <= len(word)
        assert 0 <= link.tgt_start < link.tgt_end <= len(result.text)


def test_parts_survive_the_cache(tiny_marian: Path, tmp_path: Path) -> None:
    long = with_clauses(30, seed=5)
    spec = spec_for(tiny_marian, tmp_path)
    with TranslationCache(tmp_path / "cache.sqlite3") as cache:
        first = CachedTranslator(load_translator(spec, allow_download=False), cache)
        translated = first.translate([long, "قال"])
        assert translated[0].parts >= 2
        again = CachedTranslator(load_translator(spec, allow_download=False), cache)
        assert again.translate([long, "قال"]) == translated
        assert (again.hits, again.misses) == (2, 0)


# --- batches stay within the token budget (issue 7, B) -------------------------------------------


def test_batches_never_exceed_the_budget_even_with_a_long_sentence(
    tiny_marian: Path, tmp_path: Path
) -> None:
    budget = 200
    spec = spec_for(tiny_marian, tmp_path, generation=", batch_size: 8, max_batch_tokens: 200")
    model = hf(spec)
    spy = GenerateSpy(model)
    inputs = [*arabic(20, seed=2), " ".join(arabic(40, seed=1)), *arabic(5, seed=12)]
    result = model.translate(inputs)
    assert len(result) == len(inputs) and result[20].parts >= 2
    for rows, width in spy.shapes:
        assert rows <= 8
        assert width <= LIMIT  # the over-long sentence was split, never passed whole
        assert rows * width <= budget or rows == 1


def test_plan_batches_property() -> None:
    """Random lengths: every index once, batches within size and budget, except a lone item."""
    import random

    rng = random.Random(7)
    for _ in range(300):
        n = rng.randint(0, 60)
        lengths = [rng.randint(1, 160) for _ in range(n)]
        size, budget = rng.randint(1, 16), rng.randint(1, 600)
        batches = plan_batches(lengths, size, budget)
        assert sorted(i for b in batches for i in b) == list(range(n))
        for batch in batches:
            assert 1 <= len(batch) <= size
            padded = max(lengths[i] for i in batch) * len(batch)
            assert padded <= budget or len(batch) == 1


# --- the reports say so ------------------------------------------------------------------------------


def test_reports_show_the_split(tiny_models_yaml: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tadqiq.cli import app

    long = with_clauses(30, seed=4)
    article, reference = tmp_path / "a.ar.txt", tmp_path / "r.en.txt"
    article.write_text(f"{long}\nقال الرئيس إن الحلفاء تعهدوا.\n", encoding="utf-8")
    reference.write_text("A very long sentence.\nThe president said the allies pledged.\n",
                         encoding="utf-8")
    out_json, out_html = tmp_path / "report.json", tmp_path / "report.html"
    result = CliRunner().invoke(app, [
        "check", str(article), "-r", str(reference), "--models-file", str(tiny_models_yaml),
        "--no-cache", "--json", str(out_json), "--html", str(out_html), "--fail-on", "never",
    ])
    assert result.exit_code == 0, result.output
    data = json.loads(out_json.read_text(encoding="utf-8"))
    split = [s for s in data["segments"] if "split_for_model" in s]
    assert len(split) == 1 and split[0]["split_for_model"] >= 2
    assert split[0]["ar"]["text"].startswith(long[:20])
    note = "1 sentence was longer than the model's limit and was translated in parts"
    assert note in data["notes"]
    assert note in " ".join(result.stdout.split())
    page = out_html.read_text(encoding="utf-8")
    assert f"in {split[0]['split_for_model']} parts</span>" in page
    assert page.count('class="split"') == 1
