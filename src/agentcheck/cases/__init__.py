"""Case packs: the buyer's own cases (a scenario template plus a table of past cases with the
human resolution), their masking on import, sampling, data-quality profile, and what a replay
compares (agreement with the human resolution). Sits beside judge and vendors: it reads
scenarios and results, never a vendor."""
