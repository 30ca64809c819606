"""Running an evaluation: the runner and one trial's loop, shards, resume, progress, the smoke
check and the scenario prover. Composes vendors and judge."""
