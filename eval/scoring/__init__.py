"""Layer 4 — the metric registry (BLEU, chrF++, TER through sacrebleu) and paired significance tests."""
