"""What a new user sees first (issue 13): function words read as function words, hyphenated
compounds as one span, name checks of a gloss run read through the gloss's word links, a
Latin name left in the Arabic tied to one place in the reference, in plain text and XLIFF."""

from __future__ import annotations

import json
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from eval.lexicon.buckwalter import lexicon
from tadqiq.paired import check_paired
from tests.flag_texts import flags_of
from tests.formats.paired_samples import xliff12_text, xliff20_text
from translator.gloss import gloss_sentence

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "seed"


# -- function words -----------------------------------------------------------------------

@pytest.mark.parametrize(("sentence", "word", "wanted", "obscure"), [
    ("سافر الوفد إلى القاهرة", "إلى", "to", "promise"),   # not آلى "promise"
    ("كان الطقس باردا", "كان", "was", "as if"),          # not كأن "as if"
    ("جلس إلى جانب صديقه", "جانب", "side", "flank"),      # not the verb جانب
    ("قرأ كل الكتب", "كل", "every", "eat"),               # not the imperative "eat!"
])
def test_function_words_take_their_common_reading(sentence, word, wanted, obscure):
    gloss = gloss_sentence(sentence)
    start = sentence.index(word)
    link = next(x for x in gloss.links if x.src_start == start)
    rendered = gloss.text[link.tgt_start:link.tgt_end]
    assert wanted in rendered.split() and obscure not in rendered


def test_written_hamza_ranks_the_readings():
    from eval.lexicon.buckwalter import preferred

    first = preferred("إلى", lexicon().analyse("إلى"), function_word=True)[0]
    assert first.stem.gloss.startswith("to")
    # A word outside the function-word list keeps a common reading before a proper name.
    assert not preferred("باسم", lexicon().analyse("باسم"))[0].is_proper_noun


# -- hyphenated compounds -----------------------------------------------------------------

def test_compound_bounds_take_the_whole_compound():
    from eval.text.tokens import compound_bounds

    text = "They made a tit-for-tat move in a war-torn town - then left."
    start = text.index("for")
    a, b = compound_bounds(text, start, start + 3)
    assert text[a:b] == "tit-for-tat"
    a, b = compound_bounds(text, text.index("war"), text.index("war") + 3)
    assert text[a:b] == "war-torn"
    # A dash between spaced words joins nothing; an empty span stays empty.
    a, b = compound_bounds(text, text.index("town"), text.index("town") + 4)
    assert text[a:b] == "town"
    assert compound_bounds(text, 5, 5) == (5, 5)


@pytest.mark.parametrize(("ar", "ref", "hyp", "compound"), [
    ("ردت روسيا بطرد دبلوماسي في خطوة من أجل الحلم.", "Russia expelled a diplomat in a tit-for-tat move.",
     "Russia expelled a diplomat in a step for the dream.", "tit-for-tat"),
    ("وصل الوفد إلى المدينة التي دمرتها الحرب أمس.", "The delegation reached the war-torn city yesterday.",
     "The delegation arrived at the city that the fighting destroyed yesterday.", "war-torn"),
])
def test_flag_reference_span_holds_the_whole_compound(ar, ref, hyp, compound):
    spans = [f.reference.text for f in flags_of(None, ar, ref, hyp, min_confidence=0)]
    assert compound in spans
    assert not [s for s in spans if s and s != compound and s in compound]


# -- a Latin name tied to one place -------------------------------------------------------

def test_latin_name_left_in_the_arabic_takes_one_place_in_the_reference():
    ar = "أشاد الوزير بالاتفاق ثم التقى مع Brandt في المساء."
    ref = "Brandt's aide said the minister praised the deal, then met Brandt in the evening."
    hyp = "The minister praised the deal, then met with Brandt in the evening."
    flags = flags_of("untranslated", ar, ref, hyp)
    assert flags
    assert all(f.reference.text == "Brandt" for f in flags)
    assert flags[0].reference.start == ref.rindex("Brandt")


# -- a title is not a name ---------------------------------------------------------------

@pytest.mark.parametrize(("text", "titles"), [
    ("Chancellor Merz said the government would back the plan.", ["Chancellor"]),
    ("The government will back the plan, the Chancellor said.", ["Chancellor"]),
    ("Pope Leo met President Aoun in Beirut.", ["Pope", "President"]),
    # a first name, a place and a building are no titles, before a name or after "the"
    ("Jordan Peterson and Frank Walter visited the Kremlin.", []),
])
def test_a_common_noun_before_a_name_or_after_the_is_a_title(text, titles):
    from eval.lexicon.names import is_title
    from eval.text.tokens import tokenize_en

    tokens = tokenize_en(text)
    assert [t.text for k, t in enumerate(tokens) if is_title(tokens, k)] == titles


@pytest.mark.parametrize(("ar", "ref", "hyp"), [
    ("وقال المستشار إن الحكومة ستدعم الخطة.", "The government will back the plan, the Chancellor said.",
     "The adviser said that the government will support the plan."),
    ("قال المستشار ميرز إن الحكومة ستدعم الخطة.", "Chancellor Merz said the government would back the plan.",
     "The adviser Merz said that the government will support the plan."),
])
def test_a_title_the_lexicon_lacks_is_no_missing_name(ar, ref, hyp):
    assert [f for f in flags_of(None, ar, ref, hyp, min_confidence=0) if f.reference.text == "Chancellor"] == []


# -- the seed example ---------------------------------------------------------------------

def _seed_report(tmp_path: Path, *source: str) -> dict:
    from typer.testing import CliRunner

    from tadqiq.cli import app

    out = tmp_path / "r.json"
    result = CliRunner().invoke(app, [
        "check", str(SEED / "article.ar.txt"), "--reference", str(SEED / "reference.en.txt"),
        *source, "--json", str(out), "--fail-on", "never", "--no-cache", "--quiet",
    ])
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed_runs(tmp_path_factory) -> dict[str, dict]:
    tmp = tmp_path_factory.mktemp("seed")
    return {
        "file": _seed_report(tmp, "--hypothesis", str(SEED / "hypothesis.en.txt")),
        "gloss": _seed_report(tmp, "--model", "gloss"),
    }


@pytest.mark.parametrize("run", ["file", "gloss"])
def test_seed_no_flag_on_a_lone_preposition(seed_runs, run):
    assert not [f for f in seed_runs[run]["flags"] if f["ar"]["text"].strip() in ("إلى", "الى")]


def test_seed_hyphenated_compound_is_one_reference_span(seed_runs):
    from eval.text.tokens import compound_bounds

    ref = (SEED / "reference.en.txt").read_text(encoding="utf-8")
    spans = [f["reference"] for run in seed_runs.values() for f in run["flags"] if f["reference"]["text"]]
    assert any(s["text"] == "tit-for-tat" for s in spans)
    for s in spans:  # no span starts or ends inside a hyphenated compound
        a, b = s["start"], s["end"]
        assert compound_bounds(ref, a, b) == (a, b), s


def test_seed_gloss_run_reads_names_through_the_links(seed_runs):
    gloss = seed_runs["gloss"]
    hyp = [s["hypothesis"]["text"] for s in gloss["segments"]]
    for f in gloss["flags"]:
        for e in f["evidence"]:
            if e["signal"] == "named-entity" and "read back as" in e["detail"]:
                # The name the gloss reads must be the gloss of the Arabic word itself.
                arabic = f["ar"]["text"]
                read = e["detail"].split("read back as '")[1].split("'")[0]
                assert read in gloss_sentence(arabic).text, (arabic, read, hyp[f["segment"]])
    # No "read back as" flag on a name the gloss leaves as it is written (ماكرون).
    assert not [f for f in gloss["flags"] if f["ar"]["text"] == "ماكرون"]


def test_seed_gloss_run_has_no_critical_the_file_run_lacks(seed_runs):
    def criticals(run: str) -> set[tuple[str, str]]:
        return {(f["ar"]["text"], f["reference"]["text"]) for f in seed_runs[run]["flags"]
                if f["severity"] == "critical"}

    assert criticals("gloss") <= criticals("file"), criticals("gloss") - criticals("file")


def test_seed_critical_on_the_mistranslated_us_stays(seed_runs):
    flag = next(f for f in seed_runs["file"]["flags"] if f["ar"]["text"] == "منا يدعم")
    assert flag["severity"] == "critical"


# -- XLIFF and plain text -----------------------------------------------------------------

def _paragraphs(name: str) -> list[str]:
    return [line for line in (SEED / name).read_text(encoding="utf-8").split("\n") if line.strip()]


def _flag_key(f) -> tuple:
    return (f.category.value, f.severity.value, f.ar.text, f.reference.text, f.hypothesis.text,
            tuple(e.detail for e in f.evidence))


@pytest.fixture(scope="module")
def seed_plain_flags() -> list[tuple]:
    ar, en, hyp = (_paragraphs(n) for n in ("article.ar.txt", "reference.en.txt", "hypothesis.en.txt"))
    return [_flag_key(f) for f in flags_of(None, "\n".join(ar), "\n".join(en), "\n".join(hyp) + "\n")]


@pytest.mark.parametrize("make", [xliff12_text, xliff20_text])
def test_xliff_gives_the_plain_text_flags(tmp_path, make, seed_plain_flags):
    """The seed as XLIFF, one paragraph per unit (many units hold several sentences), gives
    exactly the flags of the plain text; write-back and CSV put each flag on its unit."""
    ar, en, hyp = (_paragraphs(n) for n in ("article.ar.txt", "reference.en.txt", "hypothesis.en.txt"))
    units = [(f"u{k + 1}", escape(e), escape(a), None) for k, (a, e) in enumerate(zip(ar, en, strict=True))]
    xlf = tmp_path / "seed.xlf"
    xlf.write_text(make(units), encoding="utf-8")
    (tmp_path / "hyp.txt").write_text("\n".join(hyp) + "\n", encoding="utf-8")
    report, paired = check_paired(xlf, hypothesis=tmp_path / "hyp.txt")
    assert [_flag_key(f) for f in report.flags] == seed_plain_flags
    assert any(len(u.target_ar.split(". ")) > 1 for u in paired.units)

    from lxml import etree

    from eval.reports.export import flag_note, flag_rows, flagged_document
    from tadqiq.paired import unit_of

    # Each flag belongs to the unit holding its text: its line is the unit's.
    where = {}
    for f in report.flags:
        unit = unit_of(report, paired, f)
        span = f.ar if f.ar.text else f.reference
        assert paired.units.index(unit) == span.line - 1
        assert f.ar.text in unit.target_ar and f.reference.text in unit.source_en
        where[f.id] = unit.id
    header, rows = flag_rows(report, paired)
    assert {r[header.index("id")]: r[header.index("unit")] for r in rows} == where
    tree = etree.fromstring(flagged_document(paired, report))
    written: dict[str, str] = {}
    for unit_elem in tree.iter("{*}trans-unit", "{*}unit"):
        for note in unit_elem.iter("{*}note"):
            if "tadqiq" in (note.get("from"), note.get("category")):
                written[note.text] = unit_elem.get("id")
    assert written == {flag_note(f): where[f.id] for f in report.flags}
