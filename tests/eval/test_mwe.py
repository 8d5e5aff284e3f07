"""Finding English multiword expressions (WordNet's idiomatic ones and the hand list's) in text."""

from __future__ import annotations

import random
import re

import pytest

from eval.lexicon import mwe, resources
from eval.text.tokens import tokenize_en


def found(text: str) -> list[tuple[str, str, str]]:
    tokens = tokenize_en(text)
    return [(o.expression.text, o.expression.source, text[tokens[o.start].start:tokens[o.end - 1].end])
            for o in mwe.find(tokens, text)]


@pytest.mark.parametrize(("text", "expression", "span"), [
    ("The minister stepped down on Monday.", "step down", "stepped down"),
    ("The firm cuts corners to save money.", "cut corners", "cuts corners"),
    ("The union is dragging its feet.", "drag one's feet", "dragging its feet"),
    ("The talks are dragging the government's feet.", "drag one's feet", "dragging the government's feet"),
    ("The bank turned the offer down.", "turn down", "turned the offer down"),
    ("They went back on their word.", "go back on", "went back on"),
    ("Police turned a blind eye to it.", "turn a blind eye", "turned a blind eye"),
    ("Thousands took part in the march.", "take part", "took part"),
])
def test_wordnet_expressions_are_found_inflected_with_slots_and_objects(text, expression, span):
    assert (expression, "wordnet", span) in found(text)


@pytest.mark.parametrize("text", [
    "The prime minister met police officers.",  # nouns: compositional compounds
    "Floods destroyed homes in the region.",  # "home in" needs a verb
    "Crews working in the region were tired.",  # "work in" + a place: a preposition
    "They walked down the street.",  # "down the street": read literally
    "Put two children in each bed.",  # a preposition after the object, not a particle
    "Troops on land, at sea or in the air.",  # one noun and a preposition: left out
    "It is a question of necessity.",
    "Tickets for short films sold out.",
    "The ministry rolled out a campaign.",  # WordNet's "roll out" is literal (flatten, unroll)
    "The hotels turned away guests.",  # "turn away" has literal senses ("turn away or aside")
])
def test_literal_or_compositional_phrases_are_not_found(text):
    assert [f for f in found(text) if f[1] == "wordnet"] == []


def test_a_preposition_with_a_day_is_read_literally():
    assert "go back on" not in [h[0] for h in found("They went back on Monday.")]
    assert "go back on" in [h[0] for h in found("They went back on their promise.")]


def test_punctuation_breaks_a_phrase():
    assert found("The minister stepped, down the hall, quickly.") == []


def test_calque_hides_what_it_overlaps():
    hits = found("The opposition turned the tables on the government.")
    assert [(h[0], h[1]) for h in hits] == [("turn the tables", "list")]
    occurrence = mwe.find(tokenize_en("It is on the table."), "It is on the table.")[0]
    assert occurrence.expression.calque


def test_wordnet_idioms_carry_their_gloss_and_meaning_words():
    [o] = mwe.find(tokenize_en("They cut corners."), "They cut corners.")
    e = o.expression
    assert e.meaning == "do something the cheapest or easiest way"
    assert {"cheapest", "easiest"} <= {w for w in re.findall(r"[a-z]+", e.meaning)}
    assert e.literal == (mwe.norms("cut"), mwe.norms("corners"))
    assert mwe.norms("corners") & mwe.norms("corner")
    assert mwe.norms("cheap") <= e.meaning_stems  # cheapest → cheap, by WordNet's base forms
    assert not e.meaning_stems & mwe.norms("corner")


def test_every_hand_list_idiom_is_found_in_its_own_words():
    for idiom in resources.idioms(include_established=True):
        text = "They said " + idiom.idiom.replace("{pron}", "their") + " again."
        texts = [found(text)]
        assert any(h[0] == idiom.idiom or h[1] == "list" for h in texts[0]), (idiom.idiom, texts)


def test_the_sentence_prefilter_never_hides_an_expression():
    """find() looks at an expression only when the sentence holds all its words; on random
    sentences made of expression words, whatever a sentence holds contiguously in citation
    form is found (or a longer expression, or a calque, overlapping it)."""
    rng = random.Random(5)
    idioms = [i.idiom.replace("{pron}", "their") for i in resources.idioms(include_established=True)]
    idioms += ["cut corners", "step down", "pull the plug", "spill the beans", "turn a blind eye"]
    vocabulary = sorted({w for i in idioms for w in re.findall(r"[A-Za-z']+", i)} | {"plan", "the", "a"})
    for _ in range(400):
        words = [rng.choice(vocabulary) for _ in range(rng.randint(2, 10))]
        pick = rng.choice(idioms)
        at = rng.randint(0, len(words))
        # "will" makes a verb of the first word; the full stop ends the phrase
        before = " ".join([*words[:at], "will"])
        text = f"{before} {pick}. {' '.join(words[at:])}"
        tokens = tokenize_en(text)
        spans = [(o.start, o.end) for o in mwe.find(tokens, text)]
        start = len(tokenize_en(before))
        end = start + len(tokenize_en(pick))
        assert any(s < end and start < e for s, e in spans), (pick, text)
