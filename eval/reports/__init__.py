"""Layer 5 — outputs: terminal, HTML (templates/), CSV/XLSX/XLIFF exports and review decisions. Reports read values; they never compute flags."""
