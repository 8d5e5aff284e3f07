"""Layer 4 — flags: the segment view, gap analysis, the checks, the check registry, merging and the flag benchmark."""
