"""Layer 2 — text: reading files and paired formats, the one Arabic folding module, segmenting, tokens, atomic writes."""
