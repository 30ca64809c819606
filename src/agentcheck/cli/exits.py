"""The exit codes `agentcheck` promises, in one place: CI scripts and every command read them."""

from __future__ import annotations

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_GATE = 3  # --fail-under / --fail-under-tier: a vendor is below the bar
