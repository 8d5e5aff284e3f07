"""Agreement features from the Buckwalter analyses, and people's gender from an English text."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pytest

from eval.lexicon.morphology import (
    Agreement,
    Gender,
    Number,
    is_nominal,
    noun_agreement,
    pronoun_agreement,
    subject_of_verb,
)
from eval.lexicon.names import first_name_gender, name_particle, people, pronoun_gender

F, M = Gender.FEMININE, Gender.MASCULINE
S, D, P = Number.SINGULAR, Number.DUAL, Number.PLURAL
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("word, gender, number", [
    ("قالت", F, S), ("وقال", M, S), ("قالوا", M, P), ("يقولون", M, P), ("قالا", M, D),
    ("يتسلم", M, S), ("تتسلم", F, S), ("سيبقى", M, S),
    # Without short vowels أكدت is also "I/you confirmed": only the third person counts.
    ("أكدت", F, S),
])
def test_subject_of_verb(word, gender, number):
    assert subject_of_verb(word) == Agreement(gender, number, 3)


@pytest.mark.parametrize("word", ["تقول", "الشركة", "في", "حداد"])
def test_subject_of_verb_needs_a_sure_verb(word):
    # تقول is also the noun "rumour".
    assert subject_of_verb(word) is None


def test_pronouns_and_relatives():
    assert pronoun_agreement("وهو") == Agreement(M, S, 3)
    assert pronoun_agreement("وهي") == Agreement(F, S, 3)  # despite the rare verb reading
    assert pronoun_agreement("التي") == Agreement(F, S)
    assert pronoun_agreement("الذين") == Agreement(M, P)
    assert pronoun_agreement("قال") is None


def test_noun_agreement_from_suffixes():
    assert noun_agreement("الجديدة") == Agreement(F, S)
    assert noun_agreement("المصريون") == Agreement(M, P)
    assert noun_agreement("المستشفيات") == Agreement(F, P)
    assert noun_agreement("مدير") == Agreement(None, None)  # unmarked: says nothing for sure
    # ة on a stem that never goes without it: a broken plural (leaders), not a feminine.
    assert noun_agreement("القادة") == Agreement(None, None)
    assert is_nominal("وزير") and not is_nominal("قال")


def test_first_names():
    assert first_name_gender("Nadia") is F
    assert first_name_gender("Tomas") is M
    assert first_name_gender("Ali") is M  # female in one country's list, male overwhelmingly
    assert first_name_gender("Nour") is None  # unisex
    assert first_name_gender("Zakron") is None
    assert pronoun_gender("Her") is F and pronoun_gender("it") is None
    assert name_particle("al") and not name_particle("Karim")


def test_people_from_first_names_and_surnames():
    text = ("Excavation director Dr Nadia Haddad said the site was older than thought.\n"
            "Haddad said digging would resume. Field manager Tomas Reyes agreed.")
    found = people(text)
    assert found["haddad"].gender is F and found["nadia"] is found["haddad"]
    assert found["haddad"].name == "Nadia Haddad" and "first name Nadia" in found["haddad"].reasons
    assert found["reyes"].gender is M


def test_people_from_pronouns_and_honorifics():
    text = ('El-Tayeb said as she accepted the prize. Mr Varga declined to comment. '
            '"He will regret it," Okafor said.')
    found = people(text)
    assert found["el-tayeb"].gender is F and found["tayeb"].gender is F
    assert found["varga"].gender is M
    assert "okafor" not in found  # the quoted "he" is the speaker's word about someone else


def test_conflicting_evidence_gives_no_gender():
    # Two people called Haddad: no gender for the surname, each first name keeps its own.
    found = people("Nadia Haddad and Karim Haddad opened the shop. Haddad said sales were up.")
    assert "haddad" not in found
    # A pronoun right after two names could be either.
    assert "osman" not in people("Osman told Varga the plan had failed. He left.")


def test_first_name_list_is_built_by_the_script():
    """The committed list has the header the build script writes, and the script's rule
    keeps clear names and drops unisex ones."""
    data = gzip.decompress((ROOT / "eval/lexicon/resources/first_names.tsv.gz").read_bytes())
    text = data.decode("utf-8")
    assert text.startswith("# tadqiq first names") and "\nnadia\tf\n" in text
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import build_first_names as build
    finally:
        sys.path.pop(0)
    sample = "\n".join([
        "M  Omar                          " + " " * 45 + "7",
        "F  Nour                          " + " " * 45 + "5",
        "M  Nour                          " + " " * 45 + "5",
        "F  Hélène                        5",
    ])
    assert build.genders(sample) == {"omar": "m", "helene": "f"}
    assert subprocess.run([sys.executable, str(ROOT / "tools/build_first_names.py"), "--help"],
                          capture_output=True).returncode == 0
