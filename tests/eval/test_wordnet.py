"""WordNet at run time (eval/lexicon/wordnet.py): what the lookups answer on the real
resource, and the index file's mechanics (built once, reused by a new process, rebuilt
when broken, memory when off or unwritable: never a different answer)."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from importlib import resources as importlib_resources
from pathlib import Path

import pytest

from eval.lexicon import index, wordnet

ROOT = Path(__file__).resolve().parents[2]
POLITICAL = ("political", "power", "election")
FESTIVE = ("guests", "music", "pleasure", "birthday")


@pytest.fixture(scope="module")
def tables():
    """The parsed resource (a few seconds), parsed once for this module."""
    return wordnet.build_tables()


@pytest.fixture(scope="module", autouse=True)
def parse_once(tables):
    """Every build in this module uses that parse (``builds`` still counts the builds)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(wordnet, "parse", lambda text: tables)
        yield


# --- what WordNet says ----------------------------------------------------------------------


def test_base_forms_follow_the_exception_lists_and_the_detachment_rules():
    assert wordnet.base_forms("went") == ("go",)  # verb.exc
    assert wordnet.base_forms("children") == ("child",)  # noun.exc
    assert "good" in wordnet.base_forms("better")  # adj.exc
    assert wordnet.base_forms("studies") == ("study",)  # -ies → -y (noun and verb)
    assert wordnet.base_forms("boxes") == ("box",)  # -xes → -x
    assert wordnet.base_forms("stopped")[0] == "stopped"  # a lemma itself (adjective) comes first
    assert "stop" in wordnet.base_forms("stopped")  # verb.exc
    assert wordnet.base_forms("blogged") == ("blog",)  # doubled consonant, not in verb.exc
    assert wordnet.base_forms("scamming") == ("scam",)
    assert "run" in wordnet.base_forms("running")
    assert wordnet.base_forms("stopped", "v") == ("stop",)
    assert wordnet.base_forms("Political_Party") == ("political party",)
    assert wordnet.base_forms("zzzzq") == ()
    assert wordnet.base_forms("") == ()


def test_is_lemma():
    assert wordnet.is_lemma("party") and wordnet.is_lemma("party", "v")
    assert wordnet.is_lemma("cut corners", "v")
    assert not wordnet.is_lemma("parties")  # an inflection, not a lemma
    assert not wordnet.is_lemma("party", "r")


def test_synsets_in_wordnet_sense_order():
    senses = wordnet.synsets("party")
    assert senses and all(isinstance(s, wordnet.Synset) for s in senses)
    # Sense 1 (the most frequent, from WordNet's index files) is the political party,
    # though its synset comes after the social occasion's in the data file.
    assert senses[0].id == "08256968n" and "political party" in senses[0].lemmas
    assert senses[0].gloss == "an organization to gain political power"
    assert [s.pos for s in senses] == ["n"] * 5 + ["v"]
    assert wordnet.synsets("parties") == senses  # through its base form
    assert wordnet.synsets("party", "v") == senses[5:]
    assert wordnet.synset(senses[0].id) == senses[0]
    assert wordnet.synset("99999999n") is None
    assert wordnet.synsets("zzzzq") == ()


def test_sense_of_is_simplified_lesk():
    assert wordnet.sense_of("party", POLITICAL).id == "08256968n"  # political party
    assert wordnet.sense_of("party", FESTIVE).gloss == "a group of people gathered together for pleasure"
    assert wordnet.sense_of("party", ["law", "legal", "court"]).gloss == "a person involved in legal proceedings"
    assert wordnet.sense_of("party", ["zzzzq"]) == wordnet.synsets("party")[0]  # no overlap: sense 1
    assert wordnet.sense_of("party", FESTIVE, pos="v").pos == "v"
    assert wordnet.sense_of("zzzzq", FESTIVE) is None


def test_near_synonyms_one_synset_or_one_step():
    assert wordnet.near_synonyms("celebration", "festivity")  # one synset
    assert wordnet.near_synonyms("celebration", "occasion")  # hypernym
    assert wordnet.near_synonyms("occasion", "celebration")  # hyponym (the other direction)
    assert wordnet.near_synonyms("celebration", "celebrate")  # derivation
    assert wordnet.near_synonyms("buy", "purchase") and wordnet.near_synonyms("big", "large")
    assert wordnet.near_synonyms("resign", "step down")
    # What WordNet really says: celebration and party are sisters under "occasion",
    # two steps apart, so not near-synonyms by this rule.
    assert not wordnet.near_synonyms("celebration", "party")
    assert not wordnet.near_synonyms("party", "banana")
    assert not wordnet.near_synonyms("zzzzq", "party")


def test_near_synonyms_with_context_keep_the_sense_of_the_sentence():
    # Without context every sense counts: party (verb) is a kind of celebrate.
    assert wordnet.near_synonyms("party", "celebrate")
    assert wordnet.near_synonyms("party", "organization")
    # In a political sentence only the political party counts ...
    assert not wordnet.near_synonyms("party", "celebrate", context=POLITICAL)
    assert wordnet.near_synonyms("party", "organization", context=POLITICAL)
    assert wordnet.near_synonyms("party", "political party", context=POLITICAL)
    # ... at a birthday the gathering does.
    assert not wordnet.near_synonyms("party", "organization", context=FESTIVE)
    assert wordnet.near_synonyms("party", "social gathering", context=FESTIVE)
    # No overlap with any sense: Lesk has no evidence, all senses count.
    assert wordnet.near_synonyms("party", "celebrate", context=("election", "vote", "leader", "coalition"))


def test_antonyms():
    assert "lose" in wordnet.antonyms("win")
    assert "lose" in wordnet.antonyms("won")  # through the base form
    assert "win" in wordnet.antonyms("lose")
    assert wordnet.antonyms("zzzzq") == frozenset()


def test_expressions_by_first_word():
    cut = {e.lemma: e for e in wordnet.expressions("cut")}
    assert cut["cut corners"].words == ("cut", "corners")
    assert cut["cut corners"].pos == "v" and cut["cut corners"].gloss
    assert wordnet.synset(cut["cut corners"].synset_id).lemmas == ("cut corners",)
    assert all(e.words[0] in ("cut", "cutting", "cuts") for e in wordnet.expressions("cut"))
    step = {e.lemma for e in wordnet.expressions("step")}
    assert "step down" in step and "step up" in step
    assert "step down" in {e.lemma for e in wordnet.expressions("stepped")}  # inflected token
    assert "go ahead" in {e.lemma for e in wordnet.expressions("went")}
    assert wordnet.expressions("zzzzq") == ()


# --- the index file ---------------------------------------------------------------------------

WORDS = ["party", "parties", "went", "studies", "stopped", "cut", "step", "win", "better", "zzzzq",
         "political party", "celebration"]
PAIRS = [("celebration", "festivity"), ("celebration", "party"), ("party", "celebrate"), ("buy", "purchase")]


def _answers() -> dict:
    return {
        "words": {w: (wordnet.base_forms(w), wordnet.synsets(w), wordnet.expressions(w),
                      sorted(wordnet.antonyms(w)), wordnet.is_lemma(w), wordnet.sense_of(w, POLITICAL),
                      wordnet.sense_of(w, FESTIVE))
                  for w in WORDS},
        "pairs": [(wordnet.near_synonyms(a, b), wordnet.near_synonyms(a, b, context=POLITICAL)) for a, b in PAIRS],
    }


@pytest.fixture(scope="module")
def expected() -> dict:
    """The answers from the test session's index (built there if not yet)."""
    index.reset()
    try:
        return _answers()
    finally:
        index.reset()


def _index_file(directory: Path) -> Path:
    return wordnet.index_path(directory, wordnet.index_key())


def test_index_file_is_built_once_then_reused_by_a_new_process(index_dir: Path, expected: dict):
    builds = wordnet.builds
    assert _answers() == expected
    assert wordnet.builds == builds + 1
    path = _index_file(index_dir)
    assert [p.name for p in index_dir.iterdir()] == [path.name]

    index.reset()  # as a new process would
    assert _answers() == expected
    assert wordnet.builds == builds + 1  # read, not rebuilt

    code = (
        "import json; from eval.lexicon import wordnet as w\n"
        "print(json.dumps([w.builds, [s.id for s in w.synsets('parties')], w.base_forms('went'),"
        " sorted(w.antonyms('win')), w.near_synonyms('party', 'celebrate', context=['political', 'power']),"
        " w.builds]))"
    )
    env = {**os.environ, index.ENV: str(index_dir), "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    before, ids, went, win, political, after = json.loads(out.stdout)
    assert (before, after) == (0, 0)  # the new process read the file, never the resource
    assert ids == [s.id for s in expected["words"]["parties"][1]]
    assert tuple(went) == expected["words"]["went"][0]
    assert win == expected["words"]["win"][3]
    assert political is False


def _assert_built_in_memory(expected: dict) -> None:
    """Answers as from the index file, from tables built in this process."""
    index.reset()
    try:
        builds = wordnet.builds
        assert _answers() == expected
        assert wordnet.builds == builds + 1
    finally:
        index.reset()


def test_off_keeps_the_tables_in_memory_with_the_same_answers(monkeypatch, expected: dict):
    monkeypatch.setenv(index.ENV, "off")
    _assert_built_in_memory(expected)


def test_unwritable_folder_keeps_the_tables_in_memory(tmp_path: Path, monkeypatch, expected: dict):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(index.ENV, str(blocker / "index"))
    _assert_built_in_memory(expected)


@pytest.fixture(scope="module")
def good_file(tmp_path_factory: pytest.TempPathFactory, tables) -> bytes:
    """The bytes of a good index file."""
    path = _index_file(tmp_path_factory.mktemp("wordnet-index"))
    index.write_index_file(path, wordnet.index_key(), lambda conn: wordnet.fill(conn, tables), wordnet.FORMAT)
    return path.read_bytes()


@pytest.mark.parametrize("damage", ["garbage", "truncated", "zeroed-pages", "other-key"])
def test_broken_index_file_is_rebuilt_silently(index_dir: Path, expected: dict, good_file: bytes, damage: str, capfd):
    path = _index_file(index_dir)
    index_dir.mkdir()
    path.write_bytes(good_file)
    index.reset()
    builds = wordnet.builds
    assert wordnet.synsets("party") == expected["words"]["party"][1]  # the good file works
    assert wordnet.builds == builds
    data = good_file
    if damage == "other-key":
        conn = sqlite3.connect(path)
        with conn:
            conn.execute("UPDATE meta SET value = 'another key' WHERE name = 'key'")
        conn.close()
    elif damage == "garbage":
        path.write_bytes(b"not a database at all\n" * 100)
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 3])
    else:  # opens fine, then fails halfway through the lookups
        path.write_bytes(data[:8192] + bytes(len(data) - 8192))
    index.reset()
    assert _answers() == expected
    assert wordnet.builds == builds + 1
    assert capfd.readouterr() == ("", "")
    index.reset()  # the file was written again: the next process reads it
    assert _answers() == expected
    assert wordnet.builds == builds + 1


def test_reset_forgets_the_memoised_answers():
    wordnet.synsets("party")
    assert wordnet.synsets.cache_info().currsize
    index.reset()
    assert wordnet.synsets.cache_info().currsize == 0


# --- packaging --------------------------------------------------------------------------------


def test_resource_and_licence_are_package_data():
    files = importlib_resources.files("eval.lexicon.resources")
    assert files.joinpath("wordnet.tsv.gz").read_bytes()[:2] == b"\x1f\x8b"  # gzip
    assert "WordNet 3.0" in files.joinpath("WORDNET-LICENSE.txt").read_text(encoding="utf-8")
    # (tomllib is Python 3.11+; tadqiq supports 3.10)
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    section = pyproject.split("[tool.setuptools.package-data]", 1)[1].split("\n[", 1)[0]
    patterns = re.findall(r'"([^"]+)"', re.search(r"^eval\s*=\s*\[(.*)\]", section, re.M).group(1))
    assert "lexicon/resources/*.gz" in patterns and "lexicon/resources/*.txt" in patterns
