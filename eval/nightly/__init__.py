"""Layer 7 — nightly evaluation runs: corpus, runner, output folder, comparison, summary, history store and trend page."""
