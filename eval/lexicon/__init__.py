"""Layer 2 — lexical resources: the Buckwalter lexicon, its persistent index, bilingual support, transliteration, number words and the bundled word lists."""
