"""English verb groups: time, mood, hedge, voice, read from the function words."""

from __future__ import annotations

import pytest

from eval.text.tokens import tokenize_en
from eval.text.verbs import Mood, Time, is_participle, is_past_form, verb_group


def group(text: str, word: str):
    tokens = tokenize_en(text)
    k = [t.text for t in tokens].index(word)
    return verb_group(tokens, k, text)


@pytest.mark.parametrize(("text", "word", "time", "mood"), [
    ("The council has approved the budget", "approved", Time.PERFECT, Mood.CERTAIN),
    ("The council had approved the budget", "approved", Time.PLUPERFECT, Mood.CERTAIN),
    ("The council approved the budget", "approved", Time.PAST, Mood.CERTAIN),
    ("The council will approve the budget", "approve", Time.FUTURE, Mood.CERTAIN),
    ("He said the council would approve it", "approve", Time.FUTURE, Mood.CERTAIN),
    ("The council is going to approve it", "approve", Time.FUTURE, Mood.CERTAIN),
    ("The council might approve it", "approve", Time.UNKNOWN, Mood.POSSIBLE),
    ("The council must approve it", "approve", Time.UNKNOWN, Mood.OBLIGATORY),
    ("The council has to approve it", "approve", Time.PRESENT, Mood.OBLIGATORY),
    ("The council may have approved it", "approved", Time.PAST, Mood.POSSIBLE),
    ("The council plans to approve it", "approve", Time.NONFINITE, Mood.CERTAIN),
    ("The council will be partly funded by grants", "funded", Time.FUTURE, Mood.CERTAIN),
])
def test_time_and_mood(text, word, time, mood):
    g = group(text, word)
    assert (g.time, g.mood) == (time, mood)


def test_hedges():
    assert group("The line is expected to carry coal", "carry").hedge == "expected"
    assert group("The toll was likely to rise", "rise").time is Time.FUTURE
    assert group("The company reportedly paid the fine", "paid").hedge == "reportedly"
    assert group("The company paid the fine", "paid").hedge is None
    assert group("The line is expected to carry coal", "carry").modal is Mood.POSSIBLE


def test_voice_and_negation():
    assert group("The striker was hired by the club", "hired").passive
    assert group("Field hospitals were being set up", "set").passive
    assert group("It will be partly funded by grants", "funded").passive
    assert not group("The striker hired an agent", "hired").passive
    assert group("The machines cannot reach us", "reach").negated


def test_a_copula_counts_for_its_complement():
    g = group("It may have been the emblem of a ruler", "emblem")
    assert g.words() == "may have been emblem" and g.mood is Mood.POSSIBLE


def test_punctuation_ends_a_group():
    assert group("If it had rained, prices rose", "rose").markers == ()


def test_a_bare_past_form_needs_a_subject_in_front():
    assert group("The company signed the deal", "signed").finite
    assert not group("the proposed law", "proposed").finite
    assert not group("the newly elected president", "elected").finite


def test_past_forms():
    assert all(is_past_form(w) for w in ("signed", "began", "raised", "stopped", "carried", "sold", "used"))
    assert not any(is_past_form(w) for w in ("need", "speed", "proceed", "hundred", "sacred", "cut"))
    assert is_participle("cut") and is_participle("set")
