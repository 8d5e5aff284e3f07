"""The pre-filters of the number reader and the dates check give exactly what the plain
computations give, on the real sentences of the bundled example and the labelled set A
(never the held-out C-test): the per-word flags of :mod:`eval.lexicon.numbers` (which
words may start a month, a number word or an Arabic unit noun) and the calendar forms of
:mod:`eval.flags.checks.calendar`."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.flags.checks import calendar as calendar_check
from eval.lexicon import numbers, resources
from eval.lexicon.bilingual import strip_prefixes
from eval.lexicon.resources import fold_ar
from eval.text.tokens import tokenize_ar

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "examples" / "seed", *sorted((ROOT / "bench" / "data" / "flags" / "A").iterdir())]
FILES = {"ar": ("article.ar.txt",), "en": ("reference.en.txt", "hypothesis.en.txt")}


def _texts(language: str) -> list[str]:
    """Every line of the documents' texts in ``language``, and each whole text."""
    out = []
    for doc in DOCS:
        for name in FILES[language]:
            path = doc / name
            if path.is_file():
                text = path.read_text(encoding="utf-8")
                out.append(text)
                out.extend(line for line in text.splitlines() if line.strip())
    return out


def _plain_flags(key: str, language: str) -> int:
    return numbers._ALL_FLAGS


@pytest.mark.parametrize("language", ["ar", "en"])
def test_number_reading_with_word_flags_equals_plain_reading(language: str, monkeypatch):
    texts = _texts(language)
    assert len(texts) > 100
    fast = [numbers._extract(text, language) for text in texts]
    monkeypatch.setattr(numbers, "_key_flags", _plain_flags)
    monkeypatch.setattr(numbers, "_fold_word", fold_ar)
    plain = [numbers._extract(text, language) for text in texts]
    assert sum(len(m) for m in plain) > 100  # the texts have numbers to read
    assert fast == plain


@pytest.mark.parametrize("language", ["ar", "en"])
def test_word_flags_keep_every_word_that_starts_something(language: str):
    """Each token the plain tests find a month or number word at has the flag for it; and
    every one-word number key, month name and (Arabic) unit noun is flagged."""
    own = "ar" if language == "ar" else "en"
    seen = {numbers._MONTH: 0, numbers._OPENS: 0}
    for text in _texts(language):
        toks = numbers._tokens(text)
        for i, tok in enumerate(toks):
            if tok.kind != own:
                continue
            flags = numbers._key_flags(tok.key, language)
            if numbers._month_at(toks, i, text, language):
                assert flags & numbers._MONTH, tok.text
                seen[numbers._MONTH] += 1
            if numbers._word_at(toks, i, text, language) is not None:
                assert flags & numbers._OPENS, tok.text
                seen[numbers._OPENS] += 1
    assert all(seen.values()), seen
    table = resources.numbers_ar() if language == "ar" else resources.numbers_en()
    cal = resources.calendar()
    for key in table:
        if " " not in key and not (language == "ar" and numbers._is_weekday_ar(key)):
            assert numbers._key_flags(key, language) & numbers._OPENS, key
    names = cal.arabic if language == "ar" else cal.english
    for form, name in names.items():
        if cal.kind[name] == "month":
            assert numbers._key_flags(form.split(" ")[0], language) & numbers._MONTH, form
    if language == "ar":
        units = resources.units()
        for form in [*units.arabic, *units.arabic_dual]:
            assert numbers._key_flags(form, "ar") & numbers._UNIT, form


def _calendar_name(forms, following: str | None) -> str | None:
    """The dates check's reading of one Arabic word: the first form naming a weekday, month
    or day, alone or with the next word."""
    cal = resources.calendar()
    for form in forms:
        two = form + " " + following if following is not None else None
        name = (two and cal.arabic.get(two)) or cal.arabic.get(form)
        if name:
            return name
    return None


def test_calendar_forms_read_what_all_prefix_forms_read():
    keys = [tok.key for text in _texts("ar") for tok in tokenize_ar(text)]
    # every calendar name with each clitic, alone and before each word of it
    for name in resources.calendar().arabic:
        for prefix in ("", "و", "ب", "في", "وب", "ال", "لل"):
            keys.extend((prefix + name).split(" "))
    found = 0
    for i, key in enumerate(keys):
        following = keys[i + 1] if i + 1 < len(keys) else None
        plain = _calendar_name(strip_prefixes(key), following)
        assert _calendar_name(calendar_check._calendar_forms(key), following) == plain, key
        found += plain is not None
    assert found > 50


def test_number_check_reading_the_back_translation_only_when_needed_equals_always(monkeypatch):
    """The numbers check skips the back-translation's numbers when nothing weighs them;
    its flags are those of always reading them."""
    from eval.flags.checks import numbers as number_check
    from tests.flag_texts import report_of

    texts = [tuple((doc / name).read_text(encoding="utf-8")
                   for name in ("article.ar.txt", "reference.en.txt", "hypothesis.en.txt"))
             for doc in DOCS]
    skipped = []
    reads = number_check._reads_hyp

    def counting(*args) -> bool:
        skipped.append(not reads(*args))
        return reads(*args)

    monkeypatch.setattr(number_check, "_reads_hyp", counting)
    fast = [report_of(*t).flags for t in texts]
    assert any(skipped) and not all(skipped)
    monkeypatch.setattr(number_check, "_reads_hyp", lambda *args: True)
    plain = [report_of(*t).flags for t in texts]
    assert repr(fast) == repr(plain)
    assert any(e.signal == "numbers" for flags in plain for f in flags for e in f.evidence)
