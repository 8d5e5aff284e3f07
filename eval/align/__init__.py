"""Layer 4 — sentence alignment of back-translation units to reference sentences, and the reference-mismatch guard."""
